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
    };
}

enum cwt_status cwt__program_policy_check(const struct cwt__program_policy *p, struct cwt_err *err)
{
    if (p->duty_window_s <= 0 || p->duty_window_s > INT64_C(366) * 86400)
        return cwt_err_setf(err, CWT_EINVAL, "duty_window_s", "duty window must be 1 s to 366 days");
    if (p->review_lock_months < 0 || p->review_lock_months > 120)
        return cwt_err_setf(err, CWT_EINVAL, "review_lock_months", "review lock must be 0 to 120 months");
    if (p->customs_months < 1 || p->customs_months > 36)
        return cwt_err_setf(err, CWT_EINVAL, "customs_months", "customs coverage must be 1 to 36 months");
    if (!(p->weight_bonus >= 0.0 && p->weight_bonus <= 1.0))
        return cwt_err_setf(err, CWT_EINVAL, "weight_bonus", "weight bonus must be 0 to 1");
    if (!(p->score_top > 0.0 && p->score_top <= 1000.0))
        return cwt_err_setf(err, CWT_EINVAL, "score_top", "top score must be above 0");
    if (p->curve != CWT__CURVE_LINEAR && p->curve != CWT__CURVE_SMOOTHSTEP)
        return cwt_err_setf(err, CWT_EINVAL, "curve", "unknown weight curve");
    if (p->attestation_ttl_s <= 0 || p->attestation_ttl_s > INT64_C(400) * 86400)
        return cwt_err_setf(err, CWT_EINVAL, "attestation_ttl_s", "attestation lifetime must be 1 s to 400 days");
    if (p->clock_skew_s < 0 || p->clock_skew_s > 86400)
        return cwt_err_setf(err, CWT_EINVAL, "clock_skew_s", "clock skew must be 0 to 86400 s");
    return CWT_OK;
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
