/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the customer-service probe scheduler: the channels
 * an evaluation found are stored as the site's channels to probe, and each
 * round claims the due ones (any site), probes them (ops/probe.c) and stores
 * one service_probes row per probe. See program/probes.h.
 */
#include <stdio.h>

#include "program/probes.h"

void cwt__probe_policy_default(struct cwt__probe_policy *p)
{
    *p = (struct cwt__probe_policy){.interval_s = 3600, .timeout_ms = 10000, .max_per_round = 16};
}

enum cwt_status cwt__probes_update_channels(struct cwt__store *st, const char *domain, const char *report_json,
                                            int64_t at, struct cwt_err *err)
{
    struct cwt__probe_target t[CWT__PROBE_CHANNELS_MAX];
    size_t n = cwt__probe_targets(report_json, t, CWT__PROBE_CHANNELS_MAX);
    return cwt__store_channels_set(st, domain, t, n, at, err);
}

enum cwt_status cwt__probes_run_due(const struct cwt_ctx *ctx, struct cwt__store *st,
                                    const struct cwt__fetch_opts *fo, const struct cwt__probe_policy *pol,
                                    int64_t now, size_t *probed, struct cwt_err *err)
{
    *probed = 0;
    size_t max = pol->max_per_round ? pol->max_per_round : 16, n = 0;
    struct cwt__probe_target *t = cwt_calloc(max, sizeof *t);
    if (!t)
        return cwt_err_set(err, CWT_ENOMEM, "out of memory");
    enum cwt_status rc = cwt__store_channels_claim(st, now, pol->interval_s > 0 ? pol->interval_s : 3600, t, max,
                                                   &n, err);
    if (rc == CWT_OK)
        rc = cwt__probe_run(ctx, fo, pol->timeout_ms, t, n, err);
    for (size_t i = 0; rc == CWT_OK && i < n; i++) {
        rc = cwt__store_probe_add(st, t[i].site, t[i].channel, t[i].url, t[i].lang, now, t[i].ok, (int)t[i].status,
                                  t[i].error, err);
        if (rc == CWT_OK)
            (*probed)++;
    }
    cwt_free(t);
    return rc;
}
