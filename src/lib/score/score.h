/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The score layer: loads a versioned model file (JSON) and turns signals into
 * an evaluation: module scores, a total 0-100, a grade, each signal's
 * contribution in points, caps and gates, and ranked advice. The evaluation is
 * a JSON document following docs/schema/evaluation.schema.json; the report
 * layer renders it. (Contract; score owns the implementation.)
 */
#ifndef CWT_SCORE_H
#define CWT_SCORE_H

#include <jansson.h>

#include "signals/signal.h"

struct cwt__model;

/* Loads and validates the model at @p path; errors name the field. Free with cwt__model_free(). */
enum cwt_status cwt__model_load(const char *path, struct cwt__model **out, struct cwt_err *err);
void cwt__model_free(struct cwt__model *m);
/* The default model path: $CWTAP_MODEL, else the installed/ source-tree models/ file. */
const char *cwt__model_default_path(void);

/*
 * Builds the evaluation of @p site from its @p n signals. The returned object
 * (new reference, caller decrefs) holds: site, at, model {id, version}, total,
 * grade {letter, colour}, modules {basic, operational, content}, signals[] (value,
 * confidence, contribution, evidence, findings, fix), caps[], advice[], crawl.
 */
enum cwt_status cwt__evaluate(const struct cwt__model *m, const struct cwt__site *site,
                              const struct cwt__signal *sigs, size_t n, json_t **out, struct cwt_err *err);

#endif
