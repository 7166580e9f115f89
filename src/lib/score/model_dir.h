/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The model versions of a directory (models/ *.json that load as models), for
 * the operator's preview of how stored evaluations would move under another
 * version. Kept apart from score/score.h so the server, whose store records
 * have their own struct cwt__site, can use it: only opaque types and JSON here.
 */
#ifndef CWT_SCORE_MODEL_DIR_H
#define CWT_SCORE_MODEL_DIR_H

#include <jansson.h>
#include <stddef.h>

#include "util/common.h"

#define CWT__MODEL_DIR_MAX 64 /* model files read from one directory */

struct cwt__model_dir;

/*
 * The directory of the default model (cwt__model_default_path(): $CWTAP_MODEL,
 * the source tree's or the installed models/) into @p out.
 */
void cwt__model_dir_default(char *out, size_t n);

/*
 * Loads every *.json of @p dir that is a valid model, in file name order
 * (invalid files are skipped: `cwtap model check` names their problem).
 * CWT_EIO (field "models") when the directory cannot be read.
 */
enum cwt_status cwt__model_dir_load(const char *dir, struct cwt__model_dir **out, struct cwt_err *err);
void cwt__model_dir_free(struct cwt__model_dir *d);
size_t cwt__model_dir_count(const struct cwt__model_dir *d);
/* Entry @p i: the model's id, version, file name and the file as loaded (all borrowed). */
const char *cwt__model_dir_id(const struct cwt__model_dir *d, size_t i);
const char *cwt__model_dir_version(const struct cwt__model_dir *d, size_t i);
const char *cwt__model_dir_file(const struct cwt__model_dir *d, size_t i);
const json_t *cwt__model_dir_json(const struct cwt__model_dir *d, size_t i);
/* The entry of @p version; SIZE_MAX when none. */
size_t cwt__model_dir_find(const struct cwt__model_dir *d, const char *version);
/* The rank of grade @p letter in model @p i's grades, best first (0); SIZE_MAX when it has none such. */
size_t cwt__model_dir_grade_rank(const struct cwt__model_dir *d, size_t i, const char *letter);
/*
 * Re-scores the stored evaluation @p report (JSON text) with model @p i
 * (cwt__rescore: its signals, no crawl): *total (NAN when nothing scores) and
 * the grade letter into @p grade; the audited URL (the evaluation's "site")
 * into @p url when not NULL. Errors name the field of the evaluation.
 */
enum cwt_status cwt__model_dir_rescore(const struct cwt__model_dir *d, size_t i, const char *report, double *total,
                                       char grade[static 8], char *url, size_t url_len, struct cwt_err *err);

#endif
