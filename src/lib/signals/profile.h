/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The publishing profile (docs/metadata-profile.md): the schema.org JSON-LD
 * that cwtap's content and identity signals read, and a checker that names
 * every missing or malformed field of a page or a JSON-LD document against
 * it. `cwtap check-metadata` is its face.
 */
#ifndef CWT_PROFILE_H
#define CWT_PROFILE_H

#include <jansson.h>

#include "util/common.h"

enum cwt__pv_sev { CWT__PV_ERROR = 0, CWT__PV_WARN = 1, CWT__PV_OK = 2 };

struct cwt__pv_issue {
    enum cwt__pv_sev sev;
    char *path;    /* "Certification 'ISO 9001:2015'.expires" */
    char *code;    /* "missing", "malformed", "expired", "stale", "unknown_unit", "check_digit", "not_lab_domain" */
    char *message; /* plain words, names the field and what is expected */
};

#define CWT__PV_ISSUES_MAX 500

struct cwt__pv_report {
    struct cwt__pv_issue *issues;
    size_t nissues, capissues;
    size_t items;        /* items of a profile type checked */
    size_t errors, warnings;
    json_t *types;       /* object: profile type -> number of items checked */
};

void cwt__pv_report_init(struct cwt__pv_report *r);
void cwt__pv_report_release(struct cwt__pv_report *r);

/*
 * Checks every item of a normalised structured-data graph (page/sdata.h shape) whose type is in the
 * profile (Organization, Certification, Report, Product, VideoObject, DataFeed/Dataset) at instant
 * @p at (Unix seconds: expiry and freshness). Returns CWT_OK or CWT_ENOMEM.
 */
enum cwt_status cwt__profile_check_graph(const json_t *graph, int64_t at, struct cwt__pv_report *r);

/*
 * Checks a document: HTML (a page with JSON-LD, microdata or RDFa) when @p html, else a JSON-LD
 * document (an object, an array or a @graph). @p url is the base of relative links. Returns
 * CWT_EPARSE (with @p err naming the byte or reason) when a JSON-LD document does not parse.
 */
enum cwt_status cwt__profile_check_text(const struct cwt_ctx *ctx, const char *text, size_t len, bool html,
                                        const char *url, int64_t at, struct cwt__pv_report *r, struct cwt_err *err);

/* The report as JSON (caller decrefs): {"items", "errors", "warnings", "types", "issues": [...]}. */
json_t *cwt__pv_report_json(const struct cwt__pv_report *r);

const char *cwt__pv_sev_name(enum cwt__pv_sev s);

#endif
