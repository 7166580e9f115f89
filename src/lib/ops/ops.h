/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The ops layer: operational data from marketplaces. Parses and validates
 * platform events (NDJSON, one order or refund/return event per line) and
 * computes the measures of the operational module: on-time shipment rate and
 * refund first-response within 48 hours over a window, smoothed with a Beta
 * prior, median response time, per platform and combined. Storage of events
 * is the store's business; this layer is pure.
 */
#ifndef CWT_OPS_H
#define CWT_OPS_H

#include "util/common.h"

#define CWT__EVENT_LINE_MAX 4096 /* bytes per NDJSON line */
#define CWT__EVENT_ID_MAX 128    /* bytes of an id field */

enum cwt__event_kind { CWT__EV_ORDER = 1, CWT__EV_REFUND = 2 };

/* One platform event. Times are Unix seconds; 0 means absent (null). */
struct cwt__event {
    enum cwt__event_kind kind;
    char event_id[CWT__EVENT_ID_MAX];
    char subject_id[CWT__EVENT_ID_MAX]; /* order_id or request_id */
    char site[CWT__EVENT_ID_MAX];
    /* order */
    int64_t placed_at, promised_ship_by, shipped_at, delivered_at;
    char status[16];  /* placed, shipped, delivered, cancelled, returned */
    /* refund / return */
    int64_t requested_at, first_response_at, resolved_at;
    char outcome[16]; /* pending, refunded, replaced, rejected, withdrawn */
};

/*
 * Parses one NDJSON line into @p out. On refusal returns CWT_EINVAL (or
 * CWT_ETOOBIG / CWT_EPARSE) with @p err naming the field: err->field is the
 * JSON member ("shipped_at") and err->msg says why.
 */
enum cwt_status cwt__event_parse(const char *line, size_t len, struct cwt__event *out, struct cwt_err *err);

/* The measures of one platform (or "*" combined) over a window. */
struct cwt__ops_measure {
    char platform[64];
    /* orders due in the window (promised ship-by passed, not cancelled) */
    unsigned orders_due, orders_on_time;
    double on_time_raw;      /* orders_on_time / orders_due, NAN when none */
    double on_time_smoothed; /* Beta-posterior mean */
    /* refund / return requests matured in the window (48 h passed, or answered) */
    unsigned refunds_due, refunds_answered_48h, refunds_answered;
    double refund_raw, refund_smoothed;
    double median_response_h; /* median first-response time in hours, NAN when none */
};

/* Beta prior and thresholds; all operator-settable (model file "operational" block). */
struct cwt__ops_policy {
    int64_t window_s;          /* default 90 days */
    int64_t response_limit_s;  /* default 48 h */
    double prior_on_time_mean; /* default 0.85 */
    double prior_refund_mean;  /* default 0.80 */
    double prior_strength;     /* pseudo-observations, default 10 */
    unsigned min_orders;       /* below this the signal has low confidence; default 20 */
    unsigned min_refunds;      /* default 5 */
};

void cwt__ops_policy_default(struct cwt__ops_policy *p);

/* Platform events of one site, as read from the store or a file. Borrowed arrays. */
struct cwt__ops {
    const struct cwt__event *events;
    const char *const *platforms; /* platforms[i] is the platform of events[i] */
    size_t nevents;
    /* customer-service probes: successes / attempts per channel over the window */
    unsigned probes_ok, probes_total;
};

/*
 * Computes the measures at instant @p at for each platform and combined
 * (platform "*", always first). The latest event per (platform, order/request)
 * wins. *out is an array the caller frees with cwt_free(); *n its length.
 */
enum cwt_status cwt__ops_measure(const struct cwt__ops *ops, const struct cwt__ops_policy *pol, int64_t at,
                                 struct cwt__ops_measure **out, size_t *n);

struct cwt__site;
/* The measures of @p site's platform events at site->at, with the default policy in *pol; *n = 0 when
 * the site has no events (caller frees *ms). Shared by the fulfillment and refunds signals. */
enum cwt_status cwt__site_ops_measures(const struct cwt__site *site, struct cwt__ops_policy *pol,
                                       struct cwt__ops_measure **ms, size_t *n);

/* Beta-posterior mean of @p k successes in @p n trials with prior mean @p m and strength @p s. */
double cwt__beta_mean(unsigned k, unsigned n, double m, double s);
/* Confidence in [0,1) that @p n observations give against a minimum sample @p min: n / (n + min). */
double cwt__sample_confidence(unsigned n, unsigned min);

#endif
