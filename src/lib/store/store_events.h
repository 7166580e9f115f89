/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The store of the operational module (issue 9): platform events ingested in
 * NDJSON batches, idempotent by (platform, event_id), and customer-service
 * probes. One ingest session is shared by `POST /v1/platform/events` and
 * `cwtap ingest`: bytes go in as they arrive, lines are parsed one by one
 * (ops/ndjson.c, ops/events.c) and written in chunks, each chunk one
 * committed transaction, so what a session reports as accepted is durable.
 */
#ifndef CWT_STORE_EVENTS_H
#define CWT_STORE_EVENTS_H

#include "ops/ops.h"
#include "store/store.h"

#define CWT__INGEST_MAX_LINES 10000           /* default lines per batch */
#define CWT__INGEST_MAX_BYTES (8u << 20)      /* default bytes per batch */
#define CWT__INGEST_CHUNK 5000                /* lines per transaction */

enum cwt__line_result { CWT__LINE_ACCEPTED, CWT__LINE_DUPLICATE, CWT__LINE_REFUSED };

/*
 * Told about every non-blank line once its fate is known: refusals at once
 * (@p why names the field), accepted and duplicate lines after their chunk is
 * committed. Lines are reported in increasing order within each result.
 */
typedef enum cwt_status (*cwt__ingest_fn)(void *ud, size_t lineno, enum cwt__line_result res,
                                          const struct cwt_err *why);

struct cwt__ingest_opts {
    const char *platform;   /* required; copied */
    int64_t now;            /* received_at of the rows */
    size_t max_lines;       /* 0: CWT__INGEST_MAX_LINES */
    size_t max_bytes;       /* 0: CWT__INGEST_MAX_BYTES; SIZE_MAX: unbounded (files) */
    size_t chunk;           /* 0: CWT__INGEST_CHUNK */
};

struct cwt__ingest_counts {
    size_t lines, accepted, duplicates, refused;
};

struct cwt__ingest;

/* Starts a session over @p st (borrowed). Caller frees with cwt__ingest_free(). */
enum cwt_status cwt__ingest_new(struct cwt__store *st, const struct cwt__ingest_opts *o, cwt__ingest_fn fn, void *ud,
                                struct cwt__ingest **out, struct cwt_err *err);
/*
 * Feeds bytes of the batch. CWT_ETOOBIG (err field "lines" or "bytes") when a
 * cap is passed, CWT_ESTORE when a chunk cannot be committed; after an error
 * the session accepts nothing more (chunks committed before stay committed).
 */
enum cwt_status cwt__ingest_feed(struct cwt__ingest *in, const char *data, size_t len, struct cwt_err *err);
/* Ends the batch: the last line and the last chunk are written and committed. */
enum cwt_status cwt__ingest_finish(struct cwt__ingest *in, struct cwt_err *err);
void cwt__ingest_counts(const struct cwt__ingest *in, struct cwt__ingest_counts *c);
void cwt__ingest_free(struct cwt__ingest *in);

/*
 * The events of site @p domain whose time (placed_at or requested_at) is in
 * [since, until], at most @p max (newest kept), with the probe counts over the
 * same span. *out is a heap object the caller frees with cwt__ops_data_free().
 */
enum cwt_status cwt__store_ops_load(struct cwt__store *st, const char *domain, int64_t since, int64_t until,
                                    size_t max, struct cwt_ops_data **out, struct cwt_err *err);

/* The key of @p domain's platform data (cwt__ops_site_key(); the domain lowercased if it is no domain name). */
void cwt__store_site_key(const char *domain, char out[CWT__EVENT_ID_MAX]);

/* ---- customer-service channels and probes (store_probes.c) ---------------- */

/* Records one customer-service probe of @p domain's channel endpoint @p url, of its variant in @p lang ("" none). */
enum cwt_status cwt__store_probe_add(struct cwt__store *st, const char *domain, const char *channel, const char *url,
                                     const char *lang, int64_t at, bool ok, int http_status, const char *error,
                                     struct cwt_err *err);

/*
 * Replaces the channels of @p domain to probe with the @p n targets an
 * evaluation at @p now found: new ones are due at once, known ones keep their
 * schedule, those no longer found are dropped. One transaction.
 */
enum cwt_status cwt__store_channels_set(struct cwt__store *st, const char *domain, const struct cwt__probe_target *t,
                                        size_t n, int64_t now, struct cwt_err *err);

/*
 * Claims up to @p max channels due at @p now (any site), oldest due first, and
 * moves each one's next probe to now + @p interval_s, so that workers sharing
 * the store never probe the same channel twice in an interval. Fills t[].site,
 * channel, url, lang; *n the count.
 */
enum cwt_status cwt__store_channels_claim(struct cwt__store *st, int64_t now, int64_t interval_s,
                                          struct cwt__probe_target *t, size_t max, size_t *n, struct cwt_err *err);

#endif
