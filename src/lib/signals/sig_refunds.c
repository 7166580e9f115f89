/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the signal `refunds`: the share of refund and return
 * requests of the last 90 days first answered within 48 hours, smoothed with a
 * Beta prior, and the median first-response time, from marketplace events.
 */
#include <math.h>
#include <stdio.h>

#include "ops/ops.h"
#include "signals/signal.h"

enum cwt_status cwt__sig_refunds(const struct cwt__site *site, struct cwt__signal *out)
{
    struct cwt__ops_policy pol;
    struct cwt__ops_measure *ms;
    size_t n;
    enum cwt_status rc = cwt__site_ops_measures(site, &pol, &ms, &n);
    if (rc)
        return rc;
    if (n == 0 || ms[0].refunds_due == 0) {
        out->measured = false;
        rc = cwt__signal_summary(out, "no platform data: no refund or return requests due in the last %d days",
                                 (int)(pol.window_s / 86400));
        cwt_free(ms);
        return rc;
    }
    const struct cwt__ops_measure *all = &ms[0];
    out->measured = true;
    out->value = all->refund_smoothed;
    out->raw = all->refund_smoothed;
    out->raw_unit = "rate";
    out->confidence = cwt__sample_confidence(all->refunds_due, pol.min_refunds);
    rc = cwt__signal_summary(out, "%u of %u refund/return requests answered within %d h; median first response %.1f h",
                             all->refunds_answered_48h, all->refunds_due, (int)(pol.response_limit_s / 3600),
                             isnan(all->median_response_h) ? -1.0 : all->median_response_h);
    json_t *d = cwt__signal_detail(out);
    if (d) {
        json_t *per = json_array();
        for (size_t i = 0; per && i < n; i++)
            json_array_append_new(per, json_pack("{s:s, s:i, s:i, s:f}", "platform", ms[i].platform, "due",
                                                 (int)ms[i].refunds_due, "answered_in_limit",
                                                 (int)ms[i].refunds_answered_48h, "smoothed", ms[i].refund_smoothed));
        json_object_set_new(d, "platforms", per);
        if (!isnan(all->median_response_h))
            json_object_set_new(d, "median_response_hours", json_real(all->median_response_h));
    }
    for (size_t i = 1; !rc && i < n; i++) {
        char snip[160];
        snprintf(snip, sizeof snip, "%s: %u/%u answered within %d h", ms[i].platform, ms[i].refunds_answered_48h,
                 ms[i].refunds_due, (int)(pol.response_limit_s / 3600));
        rc = cwt__signal_evidence(out, NULL, "platform refunds", snip);
    }
    if (!rc && all->refund_raw < 0.9) {
        rc = cwt__signal_finding(out, "refunds.slow", CWT__SEV_WARN,
                                 "more than 1 refund or return request in 10 waited over 48 hours for a first answer",
                                 "answer every refund or return request within 48 hours, even just to acknowledge it",
                                 NULL, NULL);
        if (!rc)
            rc = cwt__signal_fix(out, "answer refund and return requests within 48 hours (now %.0f %%)",
                                 100.0 * all->refund_raw);
    }
    cwt_free(ms);
    return rc;
}
