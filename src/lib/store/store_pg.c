/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the PostgreSQL backend of the store through libpq:
 * one PGconn per pool slot, statements sent with PQexecParams in text format
 * after the portable '?' placeholders are rewritten to $1..$n, SQLSTATE 23505
 * (unique violation) reported as CWT_ECONFLICT, broken connections reset
 * before reuse, and migrations serialised across processes by an advisory lock.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include <libpq-fe.h>

#include "store/store_backend.h"
#include "util/buf.h"

#define PG_MAX_PARAMS 1024 /* per statement (the protocol allows 65,535); multi-row INSERTs use up to 960 */
#define PG_STACK_PARAMS 64 /* up to this many, the parameter texts live on the stack */

static void pg_notice(void *arg, const char *msg)
{
    CWT_UNUSED(arg);
    CWT_UNUSED(msg); /* NOTICEs ("relation exists, skipping") are not errors; the library never prints */
}

static enum cwt_status pg_connect(const char *target, const struct cwt__store_opts *o, void **conn,
                                  struct cwt_err *err)
{
    CWT_UNUSED(o);
    PGconn *c = PQconnectdb(target);
    if (!c || PQstatus(c) != CONNECTION_OK) {
        cwt_err_setf(err, CWT_ESTORE, "db", "cannot connect to PostgreSQL: %s",
                     c ? PQerrorMessage(c) : "out of memory");
        /* libpq messages end with a newline; drop it */
        if (err && err->msg[0] && err->msg[strlen(err->msg) - 1] == '\n')
            err->msg[strlen(err->msg) - 1] = '\0';
        PQfinish(c);
        return CWT_ESTORE;
    }
    PQsetNoticeProcessor(c, pg_notice, NULL);
    *conn = c;
    return CWT_OK;
}

static void pg_disconnect(void *conn)
{
    PQfinish(conn);
}

static enum cwt_status pg_check(void *conn, struct cwt_err *err)
{
    if (PQstatus(conn) == CONNECTION_OK && PQtransactionStatus(conn) == PQTRANS_IDLE)
        return CWT_OK;
    if (PQstatus(conn) == CONNECTION_OK) {
        PQclear(PQexec(conn, "ROLLBACK"));
        return CWT_OK;
    }
    PQreset(conn);
    if (PQstatus(conn) != CONNECTION_OK)
        return cwt_err_set(err, CWT_ESTORE, "lost the PostgreSQL connection: %s", PQerrorMessage(conn));
    return CWT_OK;
}

/* Rewrites '?' outside quotes to $n into @p b. */
static enum cwt_status rewrite(const char *sql, struct cwt_buf *b)
{
    enum cwt_status rc = CWT_OK;
    char quote = 0;
    int n = 0;
    for (const char *p = sql; *p && rc == CWT_OK; p++) {
        if (quote) {
            if (*p == quote)
                quote = 0;
            rc = cwt_buf_addc(b, *p);
        } else if (*p == '\'' || *p == '"') {
            quote = *p;
            rc = cwt_buf_addc(b, *p);
        } else if (*p == '?') {
            rc = cwt_buf_printf(b, "$%d", ++n);
        } else {
            rc = cwt_buf_addc(b, *p);
        }
    }
    return rc;
}

static enum cwt_status pg_result_fail(PGresult *res, PGconn *c, struct cwt_err *err)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *msg = res ? PQresultErrorMessage(res) : PQerrorMessage(c);
    char clean[400];
    snprintf(clean, sizeof clean, "%s", msg ? msg : "?");
    size_t l = strlen(clean);
    while (l && (clean[l - 1] == '\n' || clean[l - 1] == ' '))
        clean[--l] = '\0';
    if (state && strcmp(state, "23505") == 0)
        return cwt_err_set(err, CWT_ECONFLICT, "%s", clean);
    return cwt_err_set(err, CWT_ESTORE, "%s", clean);
}

static enum cwt_status pg_exec(void *conn, const char *sql, const struct cwt__sv *p, size_t n, cwt__row_fn fn,
                               void *ud, int64_t *changes, struct cwt_err *err)
{
    PGconn *c = conn;
    enum cwt_status rc = CWT_OK;
    PGresult *res = NULL;
    struct cwt_buf q;
    char ints_small[PG_STACK_PARAMS][24];
    const char *vals_small[PG_STACK_PARAMS];
    char (*ints)[24] = ints_small;
    const char **vals = vals_small;
    cwt_buf_init(&q, 1u << 20);
    if (n > PG_MAX_PARAMS) {
        rc = cwt_err_set(err, CWT_EINTERNAL, "too many statement parameters (%zu)", n);
        goto out;
    }
    if (n > PG_STACK_PARAMS) {
        ints = cwt_malloc(n * sizeof *ints);
        vals = cwt_malloc(n * sizeof *vals);
        if (!ints || !vals) {
            rc = cwt_err_set(err, CWT_ENOMEM, "out of memory");
            goto out;
        }
    }
    if ((rc = rewrite(sql, &q)))
        goto out;
    for (size_t i = 0; i < n; i++) {
        if (p[i].type == CWT__SV_INT) {
            snprintf(ints[i], sizeof ints[i], "%" PRId64, p[i].i);
            vals[i] = ints[i];
        } else {
            vals[i] = p[i].type == CWT__SV_TEXT ? p[i].s : NULL;
        }
    }
    res = PQexecParams(c, q.data, (int)n, NULL, vals, NULL, NULL, 0);
    ExecStatusType s = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
        rc = pg_result_fail(res, c, err);
        goto out;
    }
    struct cwt__row row = {.be = &cwt__store_pg, .h = res};
    int nt = PQntuples(res);
    for (int i = 0; i < nt && fn; i++) {
        row.idx = i;
        if ((rc = fn(ud, &row)) != CWT_OK)
            goto out;
    }
    if (changes) {
        const char *t = PQcmdTuples(res);
        *changes = (t && *t) ? strtoll(t, NULL, 10) : 0;
    }
out:
    if (ints != ints_small)
        cwt_free(ints);
    if (vals != vals_small)
        cwt_free(vals);
    PQclear(res);
    cwt_buf_release(&q);
    return rc;
}

static enum cwt_status pg_exec_script(void *conn, const char *sql, struct cwt_err *err)
{
    PGresult *res = PQexec(conn, sql);
    enum cwt_status rc = CWT_OK;
    ExecStatusType s = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK)
        rc = pg_result_fail(res, conn, err);
    PQclear(res);
    return rc;
}

static const char *pg_token(const char *name)
{
    static const struct { const char *k, *v; } t[] = {
        {"BLOB", "BYTEA"}, {"REAL", "DOUBLE PRECISION"}, {"SERIAL", "BIGSERIAL PRIMARY KEY"},
    };
    for (size_t i = 0; i < CWT_ARRAY_LEN(t); i++)
        if (strcmp(t[i].k, name) == 0)
            return t[i].v;
    return NULL;
}

static size_t pg_ncols(const struct cwt__row *r)
{
    return (size_t)PQnfields(r->h);
}

static bool pg_isnull(const struct cwt__row *r, size_t col)
{
    return PQgetisnull(r->h, r->idx, (int)col);
}

static const char *pg_text(const struct cwt__row *r, size_t col)
{
    return PQgetvalue(r->h, r->idx, (int)col);
}

const struct cwt__store_backend cwt__store_pg = {
    .name = "postgresql",
    .engine = CWT__ENGINE_PG,
    .connect = pg_connect,
    .disconnect = pg_disconnect,
    .check = pg_check,
    .exec = pg_exec,
    .exec_script = pg_exec_script,
    .begin_read = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
    .begin_write = "BEGIN",
    .migrate_lock = "SELECT pg_advisory_xact_lock(7274827)",
    .token = pg_token,
    .ncols = pg_ncols,
    .isnull = pg_isnull,
    .text = pg_text,
};
