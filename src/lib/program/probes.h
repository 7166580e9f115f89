/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The customer-service probe scheduler (docs/internals/operational.md, "Audits
 * and probes"): after an evaluation, the channel endpoints and language
 * variants its `service` signal found become the site's channels to probe;
 * `cwtap worker` then runs rounds: claim the channels due, probe each in its
 * language, store each result, and the next probe is one interval later.
 */
#ifndef CWT_PROGRAM_PROBES_H
#define CWT_PROGRAM_PROBES_H

#include "fetch/fetch.h"
#include "store/store_events.h"

struct cwt__probe_policy {
    int64_t interval_s;   /* between two probes of a channel (default 3600) */
    long timeout_ms;      /* per probe (default 10,000); a slower answer is a failed probe */
    size_t max_per_round; /* channels claimed per round (default 16) */
};

void cwt__probe_policy_default(struct cwt__probe_policy *p);

#define CWT__PROBE_CHANNELS_MAX 16 /* channel variants kept per site */

/* After an evaluation of @p domain at @p at rendered as @p report_json: its channels become the ones to probe. */
enum cwt_status cwt__probes_update_channels(struct cwt__store *st, const char *domain, const char *report_json,
                                            int64_t at, struct cwt_err *err);

/*
 * One round of the scheduler at @p now: claims the due channels (at most
 * pol->max_per_round), probes them through the fetch layer (@p fo: SSRF
 * guard, CA) and stores every result. *probed is the number of probes stored.
 */
enum cwt_status cwt__probes_run_due(const struct cwt_ctx *ctx, struct cwt__store *st,
                                    const struct cwt__fetch_opts *fo, const struct cwt__probe_policy *pol,
                                    int64_t now, size_t *probed, struct cwt_err *err);

#endif
