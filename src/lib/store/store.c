/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the backend-independent part of the store: choosing
 * the backend from the URL, the connection pool (a mutex, a condition variable
 * and a fixed array of connections, so any number of server threads can share
 * one store), transactions, the portable statement call and the numbered
 * migrations applied at open. Backends differ only behind struct
 * cwt__store_backend (store_backend.h).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <time.h>

#include <sodium.h>

#include "store/store_backend.h"
#include "util/buf.h"

#define POOL_MAX 64

struct pool_conn {
    void *conn;
    bool busy;
};

struct cwt__store {
    const struct cwt__store_backend *be;
    char *target;
    struct cwt__store_opts opts;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_mutex_t wmu; /* held by the one write transaction of this process (backends with one_writer) */
    struct pool_conn conns[POOL_MAX];
    unsigned nconns;
};

struct cwt__tx {
    struct cwt__store *st;
    struct pool_conn *pc;
    bool holds_wmu;
};

/* ---- rows -------------------------------------------------------------- */

size_t cwt__row_ncols(const struct cwt__row *r)
{
    return r->be->ncols(r);
}

bool cwt__row_isnull(const struct cwt__row *r, size_t col)
{
    return col >= r->be->ncols(r) || r->be->isnull(r, col);
}

const char *cwt__row_text(const struct cwt__row *r, size_t col)
{
    if (cwt__row_isnull(r, col))
        return "";
    const char *s = r->be->text(r, col);
    return s ? s : "";
}

int64_t cwt__row_int(const struct cwt__row *r, size_t col)
{
    return strtoll(cwt__row_text(r, col), NULL, 10);
}

char *cwt__row_strdup(const struct cwt__row *r, size_t col)
{
    return cwt__row_isnull(r, col) ? NULL : cwt_strdup(cwt__row_text(r, col));
}

enum cwt_status cwt__row_get_int(void *ud, const struct cwt__row *row)
{
    *(int64_t *)ud = cwt__row_int(row, 0);
    return CWT_OK;
}

enum cwt_status cwt__row_get_str(void *ud, const struct cwt__row *row)
{
    char **out = ud;
    if (*out)
        return CWT_OK;
    *out = cwt__row_strdup(row, 0);
    return (*out || cwt__row_isnull(row, 0)) ? CWT_OK : CWT_ENOMEM;
}

void cwt__row_copy(const struct cwt__row *r, size_t col, char *dst, size_t n)
{
    snprintf(dst, n, "%s", cwt__row_text(r, col));
}

enum cwt_status cwt__cursor_parse(const char *cursor, int64_t *key, char id[static 32], struct cwt_err *err)
{
    char *end = NULL;
    long long k = strtoll(cursor, &end, 10);
    size_t idlen = end && *end == '.' ? strlen(end + 1) : 0;
    if (end == cursor || !end || *end != '.' || idlen == 0 || idlen >= 32 || k < 0)
        return cwt_err_setf(err, CWT_EINVAL, "cursor", "malformed cursor");
    for (const char *p = end + 1; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
            return cwt_err_setf(err, CWT_EINVAL, "cursor", "malformed cursor");
    *key = k;
    memcpy(id, end + 1, idlen + 1);
    return CWT_OK;
}

void cwt__cursor_make(int64_t key, const char *id, char out[static 64])
{
    snprintf(out, 64, "%lld.%s", (long long)key, id);
}

void cwt__store_new_id(const char *prefix, char out[static 32])
{
    static const char b32[] = "abcdefghijklmnopqrstuvwxyz234567";
    unsigned char rnd[20];
    randombytes_buf(rnd, sizeof rnd);
    size_t n = (size_t)snprintf(out, 32, "%.10s", prefix);
    for (size_t i = 0; i < 20 && n < 31; i++)
        out[n++] = b32[rnd[i] & 31];
    out[n] = '\0';
}

/* ---- pool and transactions --------------------------------------------- */

static enum cwt_status pool_get(struct cwt__store *st, struct pool_conn **out, struct cwt_err *err)
{
    enum cwt_status rc = CWT_OK;
    struct pool_conn *pc = NULL;
    pthread_mutex_lock(&st->mu);
    for (;;) {
        for (unsigned i = 0; i < st->nconns && !pc; i++)
            if (!st->conns[i].busy)
                pc = &st->conns[i];
        if (pc || st->nconns < st->opts.max_conns)
            break;
        pthread_cond_wait(&st->cv, &st->mu);
    }
    if (!pc) {
        /* A new slot, reserved while connecting outside the lock. */
        pc = &st->conns[st->nconns++];
        pc->conn = NULL;
    }
    pc->busy = true;
    pthread_mutex_unlock(&st->mu);
    if (!pc->conn)
        rc = st->be->connect(st->target, &st->opts, &pc->conn, err);
    else
        rc = st->be->check(pc->conn, err);
    if (rc != CWT_OK) {
        pthread_mutex_lock(&st->mu);
        pc->busy = false;
        pthread_cond_signal(&st->cv);
        pthread_mutex_unlock(&st->mu);
        return rc;
    }
    *out = pc;
    return CWT_OK;
}

static void pool_put(struct cwt__store *st, struct pool_conn *pc)
{
    pthread_mutex_lock(&st->mu);
    pc->busy = false;
    pthread_cond_signal(&st->cv);
    pthread_mutex_unlock(&st->mu);
}

/*
 * A backend with one writer at a time (SQLite): the threads of this process queue for it on a mutex
 * (woken in turn) instead of polling the database lock in the busy handler, where a thread that
 * writes in a loop can keep another out past the busy timeout. Other processes still meet the busy
 * timeout. Waiting longer than the busy timeout is the same "busy" error the database would give.
 */
static enum cwt_status writer_lock(struct cwt__store *st, struct cwt_err *err)
{
    struct timespec dl;
    clock_gettime(CLOCK_REALTIME, &dl);
    dl.tv_sec += st->opts.busy_timeout_ms / 1000;
    dl.tv_nsec += (long)(st->opts.busy_timeout_ms % 1000) * 1000000L;
    if (dl.tv_nsec >= 1000000000L) {
        dl.tv_sec++;
        dl.tv_nsec -= 1000000000L;
    }
    if (pthread_mutex_timedlock(&st->wmu, &dl) != 0)
        return cwt_err_set(err, CWT_ESTORE, "database is busy: another write transaction of this process held "
                                            "the write lock for more than %d ms", st->opts.busy_timeout_ms);
    return CWT_OK;
}

static void tx_end(struct cwt__tx *tx)
{
    if (tx->holds_wmu)
        pthread_mutex_unlock(&tx->st->wmu);
    pool_put(tx->st, tx->pc);
    cwt_free(tx);
}

enum cwt_status cwt__tx_begin(struct cwt__store *st, enum cwt__tx_kind kind, struct cwt__tx **out,
                              struct cwt_err *err)
{
    struct cwt__tx *tx = CWT_NEW(struct cwt__tx);
    if (!tx)
        return cwt_err_set(err, CWT_ENOMEM, "out of memory");
    tx->st = st;
    enum cwt_status rc = CWT_OK;
    if (kind == CWT__TX_WRITE && st->be->one_writer) {
        if ((rc = writer_lock(st, err)) != CWT_OK)
            goto out;
        tx->holds_wmu = true;
    }
    rc = pool_get(st, &tx->pc, err);
    if (rc != CWT_OK)
        goto out;
    rc = st->be->exec(tx->pc->conn, kind == CWT__TX_WRITE ? st->be->begin_write : st->be->begin_read, NULL, 0,
                      NULL, NULL, NULL, err);
    if (rc != CWT_OK) {
        tx_end(tx);
        return rc;
    }
    *out = tx;
    return CWT_OK;
out:
    if (tx->holds_wmu)
        pthread_mutex_unlock(&st->wmu);
    cwt_free(tx);
    return rc;
}

enum cwt_status cwt__tx_commit(struct cwt__tx *tx, struct cwt_err *err)
{
    if (!tx)
        return CWT_OK;
    enum cwt_status rc = tx->st->be->exec(tx->pc->conn, "COMMIT", NULL, 0, NULL, NULL, NULL, err);
    if (rc != CWT_OK)
        tx->st->be->exec(tx->pc->conn, "ROLLBACK", NULL, 0, NULL, NULL, NULL, NULL);
    tx_end(tx);
    return rc;
}

void cwt__tx_rollback(struct cwt__tx *tx)
{
    if (!tx)
        return;
    tx->st->be->exec(tx->pc->conn, "ROLLBACK", NULL, 0, NULL, NULL, NULL, NULL);
    tx_end(tx);
}

enum cwt__store_engine cwt__tx_engine(const struct cwt__tx *tx)
{
    return tx->st->be->engine;
}

enum cwt_status cwt__tx_exec(struct cwt__tx *tx, const char *sql, const struct cwt__sv *params, size_t nparams,
                             cwt__row_fn fn, void *ud, int64_t *changes, struct cwt_err *err)
{
    return tx->st->be->exec(tx->pc->conn, sql, params, nparams, fn, ud, changes, err);
}

/* True for a statement that only reads: it may run without a transaction of its own. */
static bool read_only(const char *sql)
{
    while (*sql == ' ' || *sql == '\n' || *sql == '\t')
        sql++;
    return strncasecmp(sql, "SELECT", 6) == 0 && !strstr(sql, "FOR UPDATE");
}

enum cwt_status cwt__store_exec(struct cwt__store *st, const char *sql, const struct cwt__sv *params,
                                size_t nparams, cwt__row_fn fn, void *ud, int64_t *changes, struct cwt_err *err)
{
    struct cwt__tx *tx = NULL;
    if (read_only(sql)) {
        /* One SELECT is atomic on its own (autocommit): no write lock on SQLite, no BEGIN round trip. */
        struct pool_conn *pc = NULL;
        enum cwt_status rc = pool_get(st, &pc, err);
        if (rc != CWT_OK)
            return rc;
        rc = st->be->exec(pc->conn, sql, params, nparams, fn, ud, changes, err);
        pool_put(st, pc);
        return rc;
    }
    enum cwt_status rc = cwt__tx_begin(st, CWT__TX_WRITE, &tx, err);
    if (rc != CWT_OK)
        return rc;
    rc = cwt__tx_exec(tx, sql, params, nparams, fn, ud, changes, err);
    if (rc != CWT_OK) {
        cwt__tx_rollback(tx);
        return rc;
    }
    return cwt__tx_commit(tx, err);
}

enum cwt_status cwt__tx_bump(struct cwt__tx *tx, const char *name, struct cwt_err *err)
{
    struct cwt__sv p[] = {CWT_SV_TEXT(name)};
    return cwt__tx_exec(tx, "INSERT INTO change_counters (name, version) VALUES (?, 1) ON CONFLICT (name) "
                            "DO UPDATE SET version = change_counters.version + 1", p, 1, NULL, NULL, NULL, err);
}

enum cwt_status cwt__store_counter(struct cwt__store *st, const char *name, int64_t *version, struct cwt_err *err)
{
    struct cwt__sv p[] = {CWT_SV_TEXT(name)};
    *version = 0;
    return cwt__store_exec(st, "SELECT version FROM change_counters WHERE name = ?", p, 1, cwt__row_get_int, version,
                           NULL, err);
}

enum cwt_status cwt__store_counters_sum(struct cwt__store *st, int64_t *sum, struct cwt_err *err)
{
    *sum = 0;
    return cwt__store_exec(st, "SELECT COALESCE(SUM(version), 0) FROM change_counters", NULL, 0, cwt__row_get_int,
                           sum, NULL, err);
}

/* ---- migrations -------------------------------------------------------- */

/* The text of migration @p m with dialect tokens (@NAME@) replaced; caller frees. */
static enum cwt_status expand_tokens(const struct cwt__store_backend *be, const char *sql, char **out,
                                     struct cwt_err *err)
{
    struct cwt_buf b;
    cwt_buf_init(&b, 1u << 20);
    enum cwt_status rc = CWT_OK;
    for (const char *p = sql; *p && rc == CWT_OK;) {
        const char *end = p[0] == '@' ? strchr(p + 1, '@') : NULL;
        if (end && end - p > 1 && end - p < 32) {
            char name[32];
            snprintf(name, sizeof name, "%.*s", (int)(end - p - 1), p + 1);
            const char *v = be->token(name);
            if (!v) {
                rc = cwt_err_setf(err, CWT_EINTERNAL, name, "unknown migration token '@%s@'", name);
                break;
            }
            rc = cwt_buf_adds(&b, v);
            p = end + 1;
        } else {
            rc = cwt_buf_addc(&b, *p++);
        }
    }
    if (rc == CWT_OK)
        *out = cwt_buf_detach(&b, NULL);
    cwt_buf_release(&b);
    return rc;
}

static enum cwt_status migrate_one(struct cwt__store *st, const struct cwt__migration *m, struct cwt_err *err)
{
    struct cwt__tx *tx = NULL;
    char *sql = NULL;
    int64_t have = 0;
    enum cwt_status rc = cwt__tx_begin(st, CWT__TX_WRITE, &tx, err);
    if (rc != CWT_OK)
        return rc;
    if (st->be->migrate_lock && (rc = cwt__tx_exec(tx, st->be->migrate_lock, NULL, 0, NULL, NULL, NULL, err)))
        goto out;
    struct cwt__sv p[3] = {CWT_SV_INT(m->version), CWT_SV_TEXT(m->name), CWT_SV_INT(0)};
    rc = cwt__tx_exec(tx, "SELECT count(*) FROM schema_migrations WHERE version = ?", p, 1, cwt__row_get_int,
                      &have, NULL, err);
    if (rc != CWT_OK || have)
        goto out;
    if ((rc = expand_tokens(st->be, m->sql, &sql, err)))
        goto out;
    if ((rc = st->be->exec_script(tx->pc->conn, sql, err))) {
        char msg[sizeof err->msg];
        snprintf(msg, sizeof msg, "%s", err ? err->msg : "");
        cwt_err_setf(err, rc, m->name, "migration %04d_%s failed: %s", m->version, m->name, msg);
        goto out;
    }
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts); /* bookkeeping only, not program time */
    p[2] = CWT_SV_INT(ts.tv_sec);
    rc = cwt__tx_exec(tx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)", p, 3,
                      NULL, NULL, NULL, err);
out:
    cwt_free(sql);
    if (rc == CWT_OK)
        return cwt__tx_commit(tx, err);
    cwt__tx_rollback(tx);
    return rc;
}

static enum cwt_status migrate(struct cwt__store *st, struct cwt_err *err)
{
    struct cwt__tx *tx = NULL;
    enum cwt_status rc = cwt__tx_begin(st, CWT__TX_WRITE, &tx, err);
    if (rc != CWT_OK)
        return rc;
    if (st->be->migrate_lock)
        rc = cwt__tx_exec(tx, st->be->migrate_lock, NULL, 0, NULL, NULL, NULL, err);
    if (rc == CWT_OK)
        rc = cwt__tx_exec(tx,
                          "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                          "name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
                          NULL, 0, NULL, NULL, NULL, err);
    if (rc != CWT_OK) {
        cwt__tx_rollback(tx);
        return rc;
    }
    if ((rc = cwt__tx_commit(tx, err)))
        return rc;
    for (size_t i = 0; i < cwt__nmigrations && rc == CWT_OK; i++)
        rc = migrate_one(st, &cwt__migrations[i], err);
    return rc;
}

enum cwt_status cwt__store_schema_version(struct cwt__store *st, int *version, struct cwt_err *err)
{
    int64_t v = 0;
    enum cwt_status rc = cwt__store_exec(st, "SELECT count(*) FROM schema_migrations", NULL, 0, cwt__row_get_int,
                                         &v, NULL, err);
    *version = (int)v;
    return rc;
}

enum cwt_status cwt__store_ping(struct cwt__store *st, struct cwt_err *err)
{
    int64_t v = 0;
    return cwt__store_exec(st, "SELECT 1", NULL, 0, cwt__row_get_int, &v, NULL, err);
}

/* ---- open / free ------------------------------------------------------- */

enum cwt_status cwt__store_open(const char *url, const struct cwt__store_opts *opts, struct cwt__store **out,
                                struct cwt_err *err)
{
    const struct cwt__store_backend *be = NULL;
    const char *target = NULL;
    if (!url || !*url)
        return cwt_err_setf(err, CWT_EINVAL, "db", "no database URL given");
    if (strncmp(url, "sqlite:", 7) == 0) {
        be = &cwt__store_sqlite;
        target = url + 7;
        if (!*target || strcmp(target, ":memory:") == 0)
            return cwt_err_setf(err, CWT_EINVAL, "db", "'%s' needs a file path (sqlite:PATH)", url);
    } else if (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0) {
        be = &cwt__store_pg;
        target = url;
    } else {
        return cwt_err_setf(err, CWT_EINVAL, "db", "unsupported database URL '%.64s' (want sqlite:PATH or "
                                                   "postgresql://...)", url);
    }
    if (sodium_init() < 0)
        return cwt_err_set(err, CWT_EINTERNAL, "cannot initialise libsodium");
    struct cwt__store *st = CWT_NEW(struct cwt__store);
    if (!st)
        return cwt_err_set(err, CWT_ENOMEM, "out of memory");
    st->be = be;
    st->target = cwt_strdup(target);
    if (opts)
        st->opts = *opts;
    if (!st->opts.max_conns)
        st->opts.max_conns = 8;
    st->opts.max_conns = CWT_MIN(st->opts.max_conns, POOL_MAX);
    if (!st->opts.busy_timeout_ms)
        st->opts.busy_timeout_ms = 5000;
    pthread_mutex_init(&st->mu, NULL);
    pthread_cond_init(&st->cv, NULL);
    pthread_mutex_init(&st->wmu, NULL);
    enum cwt_status rc = st->target ? migrate(st, err) : cwt_err_set(err, CWT_ENOMEM, "out of memory");
    if (rc != CWT_OK) {
        cwt__store_free(st);
        return rc;
    }
    *out = st;
    return CWT_OK;
}

void cwt__store_free(struct cwt__store *st)
{
    if (!st)
        return;
    for (unsigned i = 0; i < st->nconns; i++)
        if (st->conns[i].conn)
            st->be->disconnect(st->conns[i].conn);
    pthread_mutex_destroy(&st->mu);
    pthread_cond_destroy(&st->cv);
    pthread_mutex_destroy(&st->wmu);
    cwt_free(st->target);
    cwt_free(st);
}

enum cwt__store_engine cwt__store_engine(const struct cwt__store *st)
{
    return st->be->engine;
}
