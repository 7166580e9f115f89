/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The operator-set policy of the program (shared/PROGRAM.md): every duration,
 * limit and factor the program's rules use. Nothing in src/lib/program is a
 * constant an operator cannot change; the defaults below are the announced
 * program's values and live in one function, cwt__program_policy_default().
 */
#ifndef CWT_PROGRAM_POLICY_H
#define CWT_PROGRAM_POLICY_H

#include <jansson.h>

#include "util/common.h"

/* How the traffic bonus grows from the threshold to the top score. */
enum cwt__weight_curve {
    CWT__CURVE_LINEAR = 0,     /* f(x) = x */
    CWT__CURVE_SMOOTHSTEP = 1, /* f(x) = x^2 (3 - 2x), flat at both ends */
};

struct cwt__program_policy {
    int64_t duty_window_s;        /* uploads due within this of the green mark (72 h) */
    int review_lock_months;       /* score reviews refused this long after a downgrade (6) */
    int customs_months;           /* customs summaries must cover this many past months (6) */
    double weight_bonus;          /* the most extra traffic weighting (0.15) */
    double score_top;             /* the top of the score scale (100) */
    enum cwt__weight_curve curve; /* f of the weight (smoothstep) */
    int64_t attestation_ttl_s;    /* lifetime of an attestation token (7 days) */
    int64_t clock_skew_s;         /* tolerated skew when checking "issued at" (300 s) */
    int64_t reeval_interval_s;    /* each active site is re-evaluated this often (24 h) */
};

/* The three uploads due after a green mark (PROGRAM.md "The mark and its duties"). */
enum cwt__upload_kind {
    CWT__UPLOAD_CUSTOMS = 0, /* customs declaration summaries, past months */
    CWT__UPLOAD_ISO = 1,     /* ISO certification status changes */
    CWT__UPLOAD_OUTLETS = 2, /* localized service outlets */
    CWT__UPLOAD_COUNT_
};

/* "customs", "iso", "outlets"; "unknown" otherwise. */
const char *cwt__upload_kind_name(enum cwt__upload_kind k);
/* Parses a name of cwt__upload_kind_name(); CWT_EINVAL when unknown. */
enum cwt_status cwt__upload_kind_parse(const char *s, enum cwt__upload_kind *out);

/* Fills @p p with the announced program's values. */
void cwt__program_policy_default(struct cwt__program_policy *p);

/* CWT_OK when every field of @p p is usable; otherwise CWT_EINVAL naming the field. */
enum cwt_status cwt__program_policy_check(const struct cwt__program_policy *p, struct cwt_err *err);

/* "linear", "smoothstep"; "unknown" otherwise. */
const char *cwt__weight_curve_name(enum cwt__weight_curve c);
/* Parses a name of cwt__weight_curve_name(); CWT_EINVAL when unknown. */
enum cwt_status cwt__weight_curve_parse(const char *s, enum cwt__weight_curve *out);

/*
 * The policy as a JSON object, one member per field (curve by name), and back
 * (policy_json.c). cwt__program_policy_from_json() starts from @p base and
 * replaces the members present; an unknown member, a wrong type or a value out
 * of range is CWT_EINVAL with err->field naming the member.
 */
json_t *cwt__program_policy_to_json(const struct cwt__program_policy *p);
enum cwt_status cwt__program_policy_from_json(json_t *j, const struct cwt__program_policy *base,
                                              struct cwt__program_policy *out, struct cwt_err *err);
/*
 * The members of @p b that differ from @p a, as "name a -> b" separated by
 * "; " into @p out (truncated to fit, "" when none). Returns the count.
 */
size_t cwt__program_policy_diff(const struct cwt__program_policy *a, const struct cwt__program_policy *b, char *out,
                                size_t n);

#endif
