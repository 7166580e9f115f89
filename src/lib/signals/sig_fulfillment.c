/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the signal `fulfillment`: the on-time shipment rate
 * of orders due in the last 90 days, from marketplace order events, smoothed
 * with a Beta prior so that a handful of orders cannot look perfect. A site
 * without platform data is "no platform data" (not measured), never zero.
 */
#include <stdio.h>

#include "ops/ops.h"
#include "signals/signal.h"

enum cwt_status cwt__site_ops_measures(const struct cwt__site *site, struct cwt__ops_policy *pol,
                                       struct cwt__ops_measure **ms, size_t *n)
{
    cwt__ops_policy_default(pol);
    *ms = NULL;
    *n = 0;
    if (!site->ops || site->ops->nevents == 0)
        return CWT_OK;
    return cwt__ops_measure(site->ops, pol, site->at, ms, n);
}

enum cwt_status cwt__sig_fulfillment(const struct cwt__site *site, struct cwt__signal *out)
{
    struct cwt__ops_policy pol;
    struct cwt__ops_measure *ms;
    size_t n;
    enum cwt_status rc = cwt__site_ops_measures(site, &pol, &ms, &n);
    if (rc)
        return rc;
    if (n == 0 || ms[0].orders_due == 0) {
        out->measured = false;
        rc = cwt__signal_summary(out, "no platform data: no orders due in the last %d days",
                                 (int)(pol.window_s / 86400));
        if (!rc)
            rc = cwt__signal_fix(out, "connect the marketplaces you sell on so that they send order events to cwtap");
        cwt_free(ms);
        return rc;
    }
    const struct cwt__ops_measure *all = &ms[0];
    out->measured = true;
    out->value = all->on_time_smoothed;
    out->raw = all->on_time_smoothed;
    out->raw_unit = "rate";
    out->confidence = cwt__sample_confidence(all->orders_due, pol.min_orders);
    rc = cwt__signal_summary(out, "%u of %u orders shipped by the promised date (%.1f %%; %.1f %% after the prior)",
                             all->orders_on_time, all->orders_due, 100.0 * all->on_time_raw,
                             100.0 * all->on_time_smoothed);
    json_t *d = cwt__signal_detail(out);
    json_t *per = json_array();
    for (size_t i = 0; !rc && d && per && i < n; i++) {
        char snip[160];
        snprintf(snip, sizeof snip, "%s: %u/%u on time", ms[i].platform, ms[i].orders_on_time, ms[i].orders_due);
        json_array_append_new(per, json_pack("{s:s, s:i, s:i, s:f}", "platform", ms[i].platform, "orders_due",
                                             (int)ms[i].orders_due, "on_time", (int)ms[i].orders_on_time, "smoothed",
                                             ms[i].on_time_smoothed));
        if (i > 0)
            rc = cwt__signal_evidence(out, NULL, "platform orders", snip);
    }
    if (d && per) {
        json_object_set_new(d, "platforms", per);
        json_object_set_new(d, "window_days", json_integer(pol.window_s / 86400));
        json_object_set_new(d, "prior", json_pack("{s:f, s:f}", "mean", pol.prior_on_time_mean, "strength",
                                                   pol.prior_strength));
    } else {
        json_decref(per);
    }
    if (!rc && all->orders_due < pol.min_orders)
        rc = cwt__signal_finding(out, "fulfillment.small_sample", CWT__SEV_INFO,
                                 "fewer orders than the minimum sample: the rate leans on the prior", NULL, NULL, NULL);
    if (!rc && all->on_time_raw < 0.9)
        rc = cwt__signal_finding(out, "fulfillment.late", CWT__SEV_WARN, "more than 1 order in 10 shipped late",
                                 "promise ship-by dates your warehouse can meet, and ship before them", NULL, NULL);
    if (!rc && all->on_time_raw < 0.9)
        rc = cwt__signal_fix(out, "ship orders by the date promised on the marketplace (now %.0f %% on time)",
                             100.0 * all->on_time_raw);
    cwt_free(ms);
    return rc;
}
