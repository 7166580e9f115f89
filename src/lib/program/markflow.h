/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The mark's state machine wired to the store (docs/internals/mark.md, "In
 * the server"): each event (an evaluation stored, an upload accepted, a
 * review requested, the clock passing a deadline) loads the site's mark,
 * applies cwt__mark_apply() and writes the mark and one log entry per change
 * in ONE transaction. Also the attestation key set at rest: public keys in
 * the store, secrets sealed (crypto_secretbox) under a master key kept in a
 * 0600 file under var/.
 */
#ifndef CWT_PROGRAM_MARKFLOW_H
#define CWT_PROGRAM_MARKFLOW_H

#include "program/attest.h"
#include "program/integration.h"
#include "program/uploads.h"
#include "store/store_marks.h"

/* After an evaluation @p ev of @p site_id was stored: integration found/lost, then the verdict. */
enum cwt_status cwt__markflow_evaluated(struct cwt__store *st, const struct cwt__program_policy *p,
                                       const struct cwt__evaluation *ev, enum cwt__integration integ,
                                       struct cwt__eval_threshold *th, struct cwt_err *err);
/*
 * Validates an upload; when accepted, stores it and applies the event in one
 * transaction (*stored true). A refused file is not stored in any form.
 */
enum cwt_status cwt__markflow_upload(struct cwt__store *st, const struct cwt__program_policy *p, const char *site_id,
                                     enum cwt__upload_kind kind, const char *data, size_t len, int64_t at,
                                     struct cwt__upload_result *res, bool *stored, struct cwt_err *err);
/* A score review: CWT_ELOCKED (err->field = the lock's end, ISO 8601) while locked. */
enum cwt_status cwt__markflow_review(struct cwt__store *st, const struct cwt__program_policy *p, const char *site_id,
                                     int64_t at, struct cwt_err *err);
/* Applies the clock to every mark whose deadline is at or before @p now; *n marks changed (may be NULL). */
enum cwt_status cwt__markflow_tick_due(struct cwt__store *st, const struct cwt__program_policy *p, int64_t now,
                                       size_t *n, struct cwt_err *err);

/* The cycle running at @p at (or the next one), into @p out; CWT_ENOTFOUND when none. */
enum cwt_status cwt__markflow_cycle_at(struct cwt__store *st, int64_t at, struct cwt__cycle *out,
                                       struct cwt_err *err);

/*
 * The master key file: read (refused when group/world accessible) or, with
 * @p create and no file, made with 32 random bytes and mode 0600.
 */
enum cwt_status cwt__master_key_load(const char *path, bool create, unsigned char key[32], struct cwt_err *err);
/* Loads the key set from the store, unsealing the active secret with @p master. */
enum cwt_status cwt__markflow_keys_load(struct cwt__store *st, const unsigned char master[32],
                                        struct cwt__keyset *ks, struct cwt_err *err);
/* Makes a new active key at @p at (retiring the previous one) and stores it sealed. */
enum cwt_status cwt__markflow_keys_rotate(struct cwt__store *st, const unsigned char master[32], int64_t at,
                                          struct cwt_err *err);

#endif
