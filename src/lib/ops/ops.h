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
    char site[CWT__EVENT_ID_MAX]; /* the site key (cwt__ops_site_key()) */
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

/*
 * The key platform data of a site is stored and found under: its domain name
 * as an A-label, lowercase, without a final dot or a leading "www." label
 * ("WWW.Bücher.example." -> "xn--bcher-kva.example"). CWT_EINVAL, naming
 * field "site", when @p domain is no domain name.
 */
enum cwt_status cwt__ops_site_key(const char *domain, char out[CWT__EVENT_ID_MAX], struct cwt_err *err);

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

/* The program's target-market languages (en, th, vi, id, ms, zh, fil) and time zones (UTC+7, UTC+8). */
#define CWT__OPS_NLANGS 7
#define CWT__OPS_NZONES 2
extern const char *const cwt__ops_langs[CWT__OPS_NLANGS];
struct cwt__ops_zone {
    const char *name;     /* "UTC+7" */
    int offset_s;         /* from UTC */
    const char *markets;  /* "Thailand, Vietnam, western Indonesia" */
};
extern const struct cwt__ops_zone cwt__ops_zones[CWT__OPS_NZONES];
#define CWT__OPS_BUSINESS_FROM 9 /* business hours in a zone: [09:00, 18:00) local */
#define CWT__OPS_BUSINESS_TO 18
/* Index of target language @p code (primary subtag, any case; "tl" is fil) in cwt__ops_langs, or -1. */
int cwt__ops_lang_index(const char *code);
/* True when instant @p at falls in the business hours of zone @p z. */
bool cwt__ops_in_business_hours(int64_t at, const struct cwt__ops_zone *z);

/* Counts of customer-service probes over the window. */
struct cwt__probe_counts {
    unsigned ok, total;
};

/* Platform events of one site, as read from the store or a file. Borrowed arrays. */
struct cwt__ops {
    const struct cwt__event *events;
    const char *const *platforms; /* platforms[i] is the platform of events[i] */
    size_t nevents;
    /* customer-service probes: successes / attempts per channel over the window */
    unsigned probes_ok, probes_total;
    /* the same, of the probes of each target language's channel variants (cwt__ops_langs order) ... */
    struct cwt__probe_counts lang[CWT__OPS_NLANGS];
    /* ... and of the probes made in each target time zone's business hours (cwt__ops_zones order) */
    struct cwt__probe_counts zone[CWT__OPS_NZONES];
};
/* Adds one probe (made at @p at, of a variant in language @p lang, "" for none) to the counts of @p ops. */
void cwt__ops_count_probe(struct cwt__ops *ops, const char *lang, int64_t at, bool ok);

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

/* ---- NDJSON batches (ndjson.c) ------------------------------------------ */

/*
 * Splits a stream of NDJSON bytes into lines as the bytes arrive, without
 * holding more than one line: a line longer than CWT__EVENT_LINE_MAX is
 * reported (overlong) and its bytes dropped; "\r\n" endings and blank lines
 * are accepted (blank lines count for line numbers but are not reported).
 * Caps on lines and bytes per batch make cwt__ndjson_feed() return
 * CWT_ETOOBIG with err naming "lines" or "bytes".
 */
struct cwt__ndjson {
    size_t max_lines, max_bytes;
    size_t lineno;  /* lines seen so far (1-based number of the current one) */
    size_t nlines;  /* non-blank lines reported */
    size_t bytes;
    size_t len;
    bool overlong;
    char line[CWT__EVENT_LINE_MAX + 1];
};

/* Called once per non-blank line; @p line is NUL-terminated (empty when overlong). Non-OK stops the feed. */
typedef enum cwt_status (*cwt__ndjson_fn)(void *ud, size_t lineno, const char *line, size_t len, bool overlong,
                                          struct cwt_err *err);

void cwt__ndjson_init(struct cwt__ndjson *nj, size_t max_lines, size_t max_bytes);
enum cwt_status cwt__ndjson_feed(struct cwt__ndjson *nj, const char *data, size_t len, cwt__ndjson_fn fn, void *ud,
                                 struct cwt_err *err);
/* Reports the last line when it has no final newline. */
enum cwt_status cwt__ndjson_finish(struct cwt__ndjson *nj, cwt__ndjson_fn fn, void *ud, struct cwt_err *err);

/* Operational data handed to an audit (include/cwtap/audit.h: struct cwt_ops_data), owning its arrays. */
struct cwt_ops_data {
    struct cwt__ops ops;
    struct cwt__event *events;
    char **platforms;
    size_t cap;
};
/* Appends one event of @p platform (copied), growing up to @p max events (CWT_ETOOBIG past it). */
enum cwt_status cwt__ops_data_add(struct cwt_ops_data *d, const char *platform, const struct cwt__event *e, size_t max);
void cwt__ops_data_free(struct cwt_ops_data *d);

/* ---- customer-service probes (probe.c) ----------------------------------- */

struct cwt__fetch_opts;

struct cwt__probe_target {
    char channel[32];  /* "WhatsApp", "live chat", ... (the service signal's evidence label) */
    char url[300];
    char lang[8];      /* the target-market language of this variant of the channel, "" when none */
    char site[128];    /* the site's domain (scheduled probes) */
    bool ok;           /* after cwt__probe_run(): answered with a status below 400 */
    long status;
    char error[200];
};

/*
 * The HTTP(S) channel endpoints of the `service` signal of @p report_json, at
 * most @p max: its detail's "endpoints" (one per channel, URL and target
 * language of the pages it was found on), else the evidence (no language).
 */
size_t cwt__probe_targets(const char *report_json, struct cwt__probe_target *out, size_t max);
/*
 * Probes each target with a capped GET through the fetch layer (@p fo: SSRF
 * guard, CA), in its language (Accept-Language) when it has one, each within
 * @p timeout_ms (0: 10 s). Fills ok/status/error.
 */
enum cwt_status cwt__probe_run(const struct cwt_ctx *ctx, const struct cwt__fetch_opts *fo, long timeout_ms,
                               struct cwt__probe_target *t, size_t n, struct cwt_err *err);

#endif
