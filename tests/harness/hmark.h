/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Test helpers that drive the program the way `cwtap worker` and the upload
 * route do (program/markflow.h) on a store: a site to mark, an evaluation
 * stored and judged, an upload validated and applied. They return a status
 * instead of asserting, so programs outside cmocka (tests/browser) use them too.
 */
#ifndef CWT_TEST_HMARK_H
#define CWT_TEST_HMARK_H

#include "program/markflow.h"
#include "store/store_records.h"

/*
 * Signs up an enterprise and creates its active, unverified site of
 * @p domain (registrable @p registrable, https home page) at @p at; @p out
 * receives it.
 */
enum cwt_status h_mark_site(struct cwt__store *st, const char *domain, const char *registrable, int64_t at,
                            struct cwt__site *out, struct cwt_err *err);
/*
 * What the worker does after an audit: stores an evaluation of @p site_id
 * totalling @p total at @p at (every module scored @p total, grade A at 70
 * and above, D under), then runs the mark's state machine with @p integ.
 * @p th (may be NULL) receives the threshold judged; @p eval_id (may be NULL)
 * the evaluation's id.
 */
enum cwt_status h_mark_evaluate(struct cwt__store *st, const struct cwt__program_policy *p, const char *site_id,
                                double total, int64_t at, enum cwt__integration integ,
                                struct cwt__eval_threshold *th, char eval_id[CWT__ID_LEN], struct cwt_err *err);
/* Uploads tests/fixtures/uploads/@p file as @p kind at @p at; *stored says whether it was accepted. */
enum cwt_status h_mark_upload(struct cwt__store *st, const struct cwt__program_policy *p, const char *site_id,
                              enum cwt__upload_kind kind, const char *file, int64_t at, bool *stored,
                              struct cwt_err *err);

#endif
