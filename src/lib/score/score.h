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
/* The model at @p path, loaded once per process and shared (read-only) by every holder until the
 * file changes on disk; errors as cwt__model_load(). Give it back with cwt__model_release(). */
enum cwt_status cwt__model_acquire(const char *path, const struct cwt__model **out, struct cwt_err *err);
void cwt__model_release(const struct cwt__model *m);
/* The default model path: $CWTAP_MODEL, else the installed/ source-tree models/ file. */
const char *cwt__model_default_path(void);

/*
 * Builds the evaluation of @p site from its @p n signals. The returned object
 * (new reference, caller decrefs) holds: site, at, model {id, version}, total,
 * grade {letter, colour}, modules {basic, operational, content}, signals[] (value,
 * confidence, contribution, evidence, findings, fix), caps[], advice[], crawl.
 * Each signal's detail object is not copied: the evaluation takes a reference to it, so it must not
 * be changed afterwards (the audit releases the signals once evaluated).
 */
enum cwt_status cwt__evaluate(const struct cwt__model *m, const struct cwt__site *site,
                              const struct cwt__signal *sigs, size_t n, json_t **out, struct cwt_err *err);

/* ---- Additions by the score layer (additive to the contract above) ---- */

/* Parses and validates a model from @p len bytes of JSON (errors name the field, e.g.
 * "signals.tls.weight"). Free with cwt__model_free(). */
enum cwt_status cwt__model_parse(const char *buf, size_t len, struct cwt__model **out, struct cwt_err *err);
/* Validates @p root (borrowed; the model keeps its own reference) as a model. */
enum cwt_status cwt__model_from_json(json_t *root, struct cwt__model **out, struct cwt_err *err);
/* The model file as loaded (borrowed). */
const json_t *cwt__model_json(const struct cwt__model *m);
const char *cwt__model_id(const struct cwt__model *m);
const char *cwt__model_version(const struct cwt__model *m);

/*
 * Adds (or replaces) the "crawl" member of @p eval: an object {pages: [{url,
 * role, reason, status, ...}], notes: [string]} (docs/schema/evaluation.schema.json),
 * or an array of pages, which is wrapped as {pages, notes: []}. Does not steal
 * @p crawl. The audit adds it after cwt__evaluate() (setting the member
 * directly is equivalent); an evaluation without a crawl omits the member.
 */
enum cwt_status cwt__evaluation_set_crawl(json_t *eval, json_t *crawl);

/*
 * Re-scores a stored evaluation @p eval with model @p m: the signals are rebuilt
 * from eval's signals[] (signal_value, raw, raw_unit, measured, confidence,
 * gate_failed, evidence, findings, fix) and evaluated again. *out is a new
 * evaluation (new reference). Used by `cwtap model diff`.
 */
enum cwt_status cwt__rescore(const struct cwt__model *m, const json_t *eval, json_t **out, struct cwt_err *err);
/*
 * The total of a site whose signal values are @p values, indexed like the fixed
 * signal ids (tls, whois, contact, identity, fulfillment, refunds, service,
 * parameters, compliance, test_reports, certificates, factory, privacy,
 * traceability, languages); NAN means not measured. Confidence is taken as 1,
 * no curve, gate or cap applies. NAN when nothing can be scored.
 */
double cwt__score_values(const struct cwt__model *m, const double values[15]);

/* ---- Learning the weights (fit.c) ---- */

#define CWT__LABELS_MAX_ROWS 100000 /* rows of a labels file */
#define CWT__LABELS_FILE_MAX (256u << 20)

/*
 * Parses a labels file (docs/internals/score.md): JSON lines (an evaluation with
 * a "label" member, or {"label", "evaluation"}), or CSV with a header naming
 * signal ids and "label". Returns an array of rows {site, label, values: {id: number|null}}
 * in *out (new reference). Errors name the line and field.
 */
enum cwt_status cwt__labels_parse(const char *buf, size_t len, json_t **out, struct cwt_err *err);

struct cwt__fit_opts {
    double l2;             /* L2 penalty lambda on the coefficients (not the intercept); default 1.0 */
    double test_fraction;  /* share of rows held out, default 0.3 */
    uint64_t seed;         /* seeds the train/test split */
    unsigned max_iter;     /* Newton iterations, default 50 */
    const char *version;   /* version of the new model; NULL: minor version + 1 */
    const char *date;      /* YYYY-MM-DD of the new model; NULL: keep the base model's */
};

/*
 * Fits the signal weights of @p base by L2-regularised logistic regression on
 * @p rows (from cwt__labels_parse). *model_out (new reference) is the new model
 * file; *report_out (new reference) holds data counts, coefficients, the
 * held-out AUC of the base and the fitted model, a calibration table and the
 * weight changes. cwt__model_card() turns the report into the model card.
 */
enum cwt_status cwt__model_fit(const struct cwt__model *base, const json_t *rows, const struct cwt__fit_opts *opts,
                               json_t **model_out, json_t **report_out, struct cwt_err *err);
/* The model card (Markdown, docs/model-card.md format) of a fit report; caller frees with cwt_free(). */
enum cwt_status cwt__model_card(const json_t *report, char **out);
/* Area under the ROC curve of @p score against @p label (ties count half); NAN when one class is empty. */
double cwt__auc(const double *score, const int *label, size_t n);

#endif
