/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the store of the operational module: the ingest
 * session (NDJSON bytes in, per-line results out, accepted lines committed
 * chunk by chunk with multi-row INSERT ... ON CONFLICT DO NOTHING RETURNING,
 * which tells new rows from replayed ones in one round trip), the loading of
 * a site's events and probe counts for an audit, and the recording of
 * customer-service probes. Written over the portable SQL level, so SQLite and
 * PostgreSQL run the same code.
 */
#include <stdio.h>

#include "store/store_events.h"
#include "util/buf.h"

#define NCOLS 15
/* Rows per INSERT: 960 parameters, under SQLite's 32,766 and store_pg.c's PG_MAX_PARAMS (1,024). */
#define ROWS_PER_STMT 64

struct pending {
    struct cwt__event ev;
    size_t lineno;
    bool fresh; /* returned by RETURNING: inserted now */
};

struct cwt__ingest {
    struct cwt__store *st;
    struct cwt__ingest_opts o;
    cwt__ingest_fn fn;
    void *ud;
    struct cwt__ndjson nj;
    struct pending *chunk;
    size_t npending;
    struct cwt__ingest_counts c;
    bool failed;
    char *sql_full; /* the INSERT for ROWS_PER_STMT rows */
    char platform[CWT__EVENT_ID_MAX];
};

static char *insert_sql(size_t rows)
{
    struct cwt_buf b;
    cwt_buf_init(&b, 1u << 20);
    enum cwt_status rc = cwt_buf_adds(&b, "INSERT INTO platform_events (platform, event_id, kind, site, subject_id, at, "
                                          "placed_at, promised_ship_by, shipped_at, delivered_at, requested_at, "
                                          "first_response_at, resolved_at, state, received_at) VALUES ");
    for (size_t r = 0; r < rows && rc == CWT_OK; r++)
        rc = cwt_buf_adds(&b, r ? ",(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)" : "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    if (rc == CWT_OK)
        rc = cwt_buf_adds(&b, " ON CONFLICT (platform, event_id) DO NOTHING RETURNING event_id");
    if (rc != CWT_OK) {
        cwt_buf_release(&b);
        return NULL;
    }
    return b.data;
}

static struct cwt__sv opt_time(int64_t t)
{
    return t ? CWT_SV_INT(t) : CWT_SV_NULL;
}

struct returned {
    struct pending *rows;
    size_t n, pos;
};

/*
 * Marks the first pending row with the returned event id as fresh. Rows come
 * back in insertion order in practice, so the scan starts after the last match.
 */
static enum cwt_status on_returned(void *ud, const struct cwt__row *row)
{
    struct returned *r = ud;
    const char *id = cwt__row_text(row, 0);
    for (size_t k = 0; k < r->n; k++) {
        size_t i = (r->pos + k) % r->n;
        if (!r->rows[i].fresh && strcmp(r->rows[i].ev.event_id, id) == 0) {
            r->rows[i].fresh = true;
            r->pos = i + 1;
            break;
        }
    }
    return CWT_OK;
}

static enum cwt_status insert_rows(struct cwt__ingest *in, struct cwt__tx *tx, struct pending *rows, size_t n,
                                   struct cwt_err *err)
{
    struct cwt__sv p[ROWS_PER_STMT * NCOLS];
    char *sql = n == ROWS_PER_STMT ? in->sql_full : insert_sql(n);
    if (!sql)
        return cwt_err_set(err, CWT_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        const struct cwt__event *e = &rows[i].ev;
        struct cwt__sv *q = p + i * NCOLS;
        bool order = e->kind == CWT__EV_ORDER;
        q[0] = CWT_SV_TEXT(in->o.platform);
        q[1] = CWT_SV_TEXT(e->event_id);
        q[2] = CWT_SV_INT(e->kind);
        q[3] = CWT_SV_TEXT(e->site);
        q[4] = CWT_SV_TEXT(e->subject_id);
        q[5] = CWT_SV_INT(order ? e->placed_at : e->requested_at);
        q[6] = opt_time(e->placed_at);
        q[7] = opt_time(e->promised_ship_by);
        q[8] = opt_time(e->shipped_at);
        q[9] = opt_time(e->delivered_at);
        q[10] = opt_time(e->requested_at);
        q[11] = opt_time(e->first_response_at);
        q[12] = opt_time(e->resolved_at);
        q[13] = CWT_SV_TEXT(order ? e->status : e->outcome);
        q[14] = CWT_SV_INT(in->o.now);
    }
    struct returned r = {rows, n, 0};
    enum cwt_status rc = cwt__tx_exec(tx, sql, p, n * NCOLS, on_returned, &r, NULL, err);
    if (sql != in->sql_full)
        cwt_free(sql);
    return rc;
}

/* Writes the pending lines in one transaction, then reports each as accepted or duplicate. */
static enum cwt_status flush(struct cwt__ingest *in, struct cwt_err *err)
{
    if (in->npending == 0)
        return CWT_OK;
    struct cwt__tx *tx = NULL;
    enum cwt_status rc = cwt__tx_begin(in->st, CWT__TX_WRITE, &tx, err);
    for (size_t i = 0; rc == CWT_OK && i < in->npending; i += ROWS_PER_STMT)
        rc = insert_rows(in, tx, in->chunk + i, CWT_MIN(ROWS_PER_STMT, in->npending - i), err);
    if (rc == CWT_OK)
        rc = cwt__tx_commit(tx, err);
    else
        cwt__tx_rollback(tx);
    if (rc != CWT_OK) {
        in->failed = true;
        return rc;
    }
    for (size_t i = 0; i < in->npending && rc == CWT_OK; i++) {
        bool fresh = in->chunk[i].fresh;
        if (fresh)
            in->c.accepted++;
        else
            in->c.duplicates++;
        rc = in->fn(in->ud, in->chunk[i].lineno, fresh ? CWT__LINE_ACCEPTED : CWT__LINE_DUPLICATE, NULL);
    }
    in->npending = 0;
    return rc;
}

static enum cwt_status on_line(void *ud, size_t lineno, const char *line, size_t len, bool overlong,
                               struct cwt_err *err)
{
    struct cwt__ingest *in = ud;
    struct cwt_err why;
    cwt_err_clear(&why);
    in->c.lines++;
    struct pending *p = &in->chunk[in->npending];
    memset(p, 0, sizeof *p);
    enum cwt_status prc;
    if (overlong)
        prc = cwt_err_setf(&why, CWT_ETOOBIG, "line", "line longer than %d bytes", CWT__EVENT_LINE_MAX);
    else
        prc = cwt__event_parse(line, len, &p->ev, &why);
    if (prc != CWT_OK) {
        in->c.refused++;
        return in->fn(in->ud, lineno, CWT__LINE_REFUSED, &why);
    }
    p->lineno = lineno;
    if (++in->npending == in->o.chunk)
        return flush(in, err);
    return CWT_OK;
}

enum cwt_status cwt__ingest_new(struct cwt__store *st, const struct cwt__ingest_opts *o, cwt__ingest_fn fn, void *ud,
                                struct cwt__ingest **out, struct cwt_err *err)
{
    if (!o->platform || !*o->platform || strlen(o->platform) >= CWT__EVENT_ID_MAX)
        return cwt_err_setf(err, CWT_EINVAL, "platform", "the platform must be 1 to %d bytes", CWT__EVENT_ID_MAX - 1);
    struct cwt__ingest *in = CWT_NEW(struct cwt__ingest);
    if (!in)
        return cwt_err_set(err, CWT_ENOMEM, "out of memory");
    in->st = st;
    in->o = *o;
    snprintf(in->platform, sizeof in->platform, "%s", o->platform);
    in->o.platform = in->platform; /* the caller's string need not outlive this call */
    in->fn = fn;
    in->ud = ud;
    if (!in->o.max_lines)
        in->o.max_lines = CWT__INGEST_MAX_LINES;
    if (!in->o.max_bytes)
        in->o.max_bytes = CWT__INGEST_MAX_BYTES;
    if (!in->o.chunk || in->o.chunk > 100000)
        in->o.chunk = CWT__INGEST_CHUNK;
    cwt__ndjson_init(&in->nj, in->o.max_lines, in->o.max_bytes);
    in->chunk = cwt_malloc(in->o.chunk * sizeof *in->chunk);
    in->sql_full = insert_sql(ROWS_PER_STMT);
    if (!in->chunk || !in->sql_full) {
        cwt__ingest_free(in);
        return cwt_err_set(err, CWT_ENOMEM, "out of memory");
    }
    *out = in;
    return CWT_OK;
}

enum cwt_status cwt__ingest_feed(struct cwt__ingest *in, const char *data, size_t len, struct cwt_err *err)
{
    if (in->failed)
        return cwt_err_set(err, CWT_EINTERNAL, "the ingest session failed earlier");
    enum cwt_status rc = cwt__ndjson_feed(&in->nj, data, len, on_line, in, err);
    if (rc != CWT_OK)
        in->failed = true;
    return rc;
}

enum cwt_status cwt__ingest_finish(struct cwt__ingest *in, struct cwt_err *err)
{
    if (in->failed)
        return cwt_err_set(err, CWT_EINTERNAL, "the ingest session failed earlier");
    enum cwt_status rc = cwt__ndjson_finish(&in->nj, on_line, in, err);
    if (rc == CWT_OK)
        rc = flush(in, err);
    if (rc != CWT_OK)
        in->failed = true;
    return rc;
}

void cwt__ingest_counts(const struct cwt__ingest *in, struct cwt__ingest_counts *c)
{
    *c = in->c;
}

void cwt__ingest_free(struct cwt__ingest *in)
{
    if (!in)
        return;
    cwt_free(in->chunk);
    cwt_free(in->sql_full);
    cwt_free(in);
}

/* ---- loading for audits -------------------------------------------------- */

struct load_ctx {
    struct cwt_ops_data *d;
    size_t max;
};

static enum cwt_status on_event_row(void *ud, const struct cwt__row *row)
{
    struct load_ctx *l = ud;
    struct cwt__event e;
    memset(&e, 0, sizeof e);
    e.kind = (enum cwt__event_kind)cwt__row_int(row, 1);
    cwt__row_copy(row, 2, e.event_id, sizeof e.event_id);
    cwt__row_copy(row, 3, e.site, sizeof e.site);
    cwt__row_copy(row, 4, e.subject_id, sizeof e.subject_id);
    e.placed_at = cwt__row_int(row, 5);
    e.promised_ship_by = cwt__row_int(row, 6);
    e.shipped_at = cwt__row_int(row, 7);
    e.delivered_at = cwt__row_int(row, 8);
    e.requested_at = cwt__row_int(row, 9);
    e.first_response_at = cwt__row_int(row, 10);
    e.resolved_at = cwt__row_int(row, 11);
    if (e.kind == CWT__EV_ORDER)
        cwt__row_copy(row, 12, e.status, sizeof e.status);
    else
        cwt__row_copy(row, 12, e.outcome, sizeof e.outcome);
    enum cwt_status rc = cwt__ops_data_add(l->d, cwt__row_text(row, 0), &e, l->max);
    return rc == CWT_ETOOBIG ? CWT_OK : rc;
}

/* One group of probes (language, hour of the day, ok): counted overall, per language and per time zone. */
static enum cwt_status on_probe_row(void *ud, const struct cwt__row *row)
{
    struct cwt_ops_data *d = ud;
    int64_t n = cwt__row_int(row, 3);
    for (int64_t i = 0; i < n; i++)
        cwt__ops_count_probe(&d->ops, cwt__row_text(row, 0), cwt__row_int(row, 1) * 3600, cwt__row_int(row, 2) != 0);
    return CWT_OK;
}

enum cwt_status cwt__store_ops_load(struct cwt__store *st, const char *domain, int64_t since, int64_t until,
                                    size_t max, struct cwt_ops_data **out, struct cwt_err *err)
{
    struct cwt_ops_data *d = CWT_NEW(struct cwt_ops_data);
    if (!d)
        return cwt_err_set(err, CWT_ENOMEM, "out of memory");
    char site[CWT__EVENT_ID_MAX];
    cwt__store_site_key(domain, site);
    struct cwt__sv p[] = {CWT_SV_TEXT(site), CWT_SV_INT(since), CWT_SV_INT(until), CWT_SV_INT((int64_t)max)};
    struct load_ctx l = {d, max};
    struct cwt__tx *tx = NULL;
    enum cwt_status rc = cwt__tx_begin(st, CWT__TX_READ, &tx, err);
    if (rc != CWT_OK)
        goto out;
    rc = cwt__tx_exec(tx,
                      "SELECT platform, kind, event_id, site, subject_id, placed_at, promised_ship_by, shipped_at, "
                      "delivered_at, requested_at, first_response_at, resolved_at, state FROM platform_events "
                      "WHERE site = ? AND at >= ? AND at <= ? ORDER BY at DESC LIMIT ?",
                      p, 4, on_event_row, &l, NULL, err);
    if (rc == CWT_OK)
        rc = cwt__tx_exec(tx,
                          "SELECT lang, (at % 86400) / 3600 AS h, ok, count(*) FROM service_probes WHERE site = ? "
                          "AND at >= ? AND at <= ? GROUP BY lang, h, ok",
                          p, 3, on_probe_row, d, NULL, err);
    if (rc == CWT_OK)
        rc = cwt__tx_commit(tx, err);
    else
        cwt__tx_rollback(tx);
out:
    if (rc != CWT_OK) {
        cwt__ops_data_free(d);
        return rc;
    }
    *out = d;
    return CWT_OK;
}
