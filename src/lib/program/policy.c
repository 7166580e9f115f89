/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the program policy: the defaults taken from
 * shared/PROGRAM.md (72-hour duty window, 6-month review lock, 6 months of
 * customs summaries, up to 15 % traffic weighting) and a check that an
 * operator-set policy is usable.
 */
#include "program/policy.h"

void cwt__program_policy_default(struct cwt__program_policy *p)
{
    *p = (struct cwt__program_policy){
        .duty_window_s = 72 * 3600,
        .review_lock_months = 6,
        .customs_months = 6,
        .weight_bonus = 0.15,
        .score_top = 100.0,
        .curve = CWT__CURVE_SMOOTHSTEP,
        .attestation_ttl_s = 7 * 86400,
        .clock_skew_s = 300,
        .reeval_interval_s = 86400,
    };
}

enum cwt_status cwt__program_policy_check(const struct cwt__program_policy *p, struct cwt_err *err)
{
    if (p->duty_window_s < 3600 || p->duty_window_s > INT64_C(30) * 86400)
        return cwt_err_setf(err, CWT_EINVAL, "duty_window_s",
                            "duty_window_s must be 1 hour to 30 days (3600 to 2592000 s), not %lld",
                            (long long)p->duty_window_s);
    if (p->review_lock_months < 0 || p->review_lock_months > 24)
        return cwt_err_setf(err, CWT_EINVAL, "review_lock_months", "review_lock_months must be 0 to 24, not %d",
                            p->review_lock_months);
    if (p->customs_months < 1 || p->customs_months > 36)
        return cwt_err_setf(err, CWT_EINVAL, "customs_months", "customs_months must be 1 to 36, not %d",
                            p->customs_months);
    if (!(p->weight_bonus >= 0.0 && p->weight_bonus <= 1.0))
        return cwt_err_setf(err, CWT_EINVAL, "weight_bonus",
                            "weight_bonus must be 0 to 1 (0 to 100 %% extra traffic weighting)");
    if (!(p->score_top > 0.0 && p->score_top <= 1000.0))
        return cwt_err_setf(err, CWT_EINVAL, "score_top", "score_top must be above 0 and at most 1000");
    if (p->curve != CWT__CURVE_LINEAR && p->curve != CWT__CURVE_SMOOTHSTEP)
        return cwt_err_setf(err, CWT_EINVAL, "curve", "curve must be linear or smoothstep");
    if (p->attestation_ttl_s <= 0 || p->attestation_ttl_s > INT64_C(400) * 86400)
        return cwt_err_setf(err, CWT_EINVAL, "attestation_ttl_s",
                            "attestation_ttl_s must be 1 s to 400 days (34560000 s)");
    if (p->clock_skew_s < 0 || p->clock_skew_s > 86400)
        return cwt_err_setf(err, CWT_EINVAL, "clock_skew_s", "clock_skew_s must be 0 to 86400 s");
    if (p->reeval_interval_s < 60 || p->reeval_interval_s > INT64_C(90) * 86400)
        return cwt_err_setf(err, CWT_EINVAL, "reeval_interval_s",
                            "reeval_interval_s must be 60 s to 90 days (7776000 s)");
    return CWT_OK;
}

static const char *const curve_names[] = {"linear", "smoothstep"};

const char *cwt__weight_curve_name(enum cwt__weight_curve c)
{
    return (unsigned)c < CWT_ARRAY_LEN(curve_names) ? curve_names[c] : "unknown";
}

enum cwt_status cwt__weight_curve_parse(const char *s, enum cwt__weight_curve *out)
{
    for (unsigned i = 0; s && i < CWT_ARRAY_LEN(curve_names); i++)
        if (strcmp(s, curve_names[i]) == 0) {
            *out = (enum cwt__weight_curve)i;
            return CWT_OK;
        }
    return CWT_EINVAL;
}

static const char *const upload_names[CWT__UPLOAD_COUNT_] = {"customs", "iso", "outlets"};

const char *cwt__upload_kind_name(enum cwt__upload_kind k)
{
    return (unsigned)k < CWT__UPLOAD_COUNT_ ? upload_names[k] : "unknown";
}

enum cwt_status cwt__upload_kind_parse(const char *s, enum cwt__upload_kind *out)
{
    for (unsigned i = 0; s && i < CWT__UPLOAD_COUNT_; i++)
        if (strcmp(s, upload_names[i]) == 0) {
            *out = (enum cwt__upload_kind)i;
            return CWT_OK;
        }
    return CWT_EINVAL;
}
