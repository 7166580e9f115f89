/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the SQLite backend of the store: one sqlite3
 * connection per pool slot, WAL journal, a busy timeout, foreign keys on,
 * write transactions begun IMMEDIATE so that writers queue on the lock at the
 * start instead of failing at their first write. Each connection keeps its
 * prepared statements (a small cache keyed by the SQL text, least recently
 * used out), so a statement run once per row is compiled once per connection:
 * after each use it is reset and its bindings cleared.
 */
#include <stdio.h>

#include <sqlite3.h>

#include "store/store_backend.h"

#define SQ_CACHE 48 /* prepared statements kept per connection */

struct sq_stmt {
    char *sql;
    uint64_t hash;
    sqlite3_stmt *stmt;
    uint64_t used; /* the connection's clock at the last use, for LRU */
    bool busy;     /* stepping now (a row callback may run another statement) */
};

struct sq_conn {
    sqlite3 *db;
    uint64_t clock;
    struct sq_stmt cache[SQ_CACHE];
};

static uint64_t sql_hash(const char *s)
{
    uint64_t h = 14695981039346656037u; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

/*
 * The prepared statement for @p sql: the cached one when it is idle, else a
 * new one (kept in the cache in place of the least recently used idle entry,
 * or, when every entry is stepping, returned uncached with *slot = NULL).
 */
static int stmt_get(struct sq_conn *c, const char *sql, sqlite3_stmt **out, struct sq_stmt **slot)
{
    uint64_t h = sql_hash(sql);
    struct sq_stmt *victim = NULL;
    *slot = NULL;
    for (size_t i = 0; i < SQ_CACHE; i++) {
        struct sq_stmt *e = &c->cache[i];
        if (e->stmt && e->hash == h && !e->busy && strcmp(e->sql, sql) == 0) {
            e->used = ++c->clock;
            e->busy = true;
            *out = e->stmt;
            *slot = e;
            return SQLITE_OK;
        }
        if (!e->busy && (!victim || !e->stmt || (victim->stmt && e->used < victim->used)))
            victim = e;
    }
    int rc = sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, out, NULL);
    if (rc != SQLITE_OK || !victim)
        return rc;
    char *copy = cwt_strdup(sql);
    if (!copy)
        return rc; /* run uncached */
    sqlite3_finalize(victim->stmt);
    cwt_free(victim->sql);
    *victim = (struct sq_stmt){.sql = copy, .hash = h, .stmt = *out, .used = ++c->clock, .busy = true};
    *slot = victim;
    return rc;
}

/* Makes the statement ready for its next use (or finalizes an uncached one). */
static void stmt_put(sqlite3_stmt *stmt, struct sq_stmt *slot)
{
    if (!slot) {
        sqlite3_finalize(stmt);
        return;
    }
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    slot->busy = false;
}

static enum cwt_status sq_fail(sqlite3 *db, int code, const char *what, struct cwt_err *err)
{
    int ext = sqlite3_extended_errcode(db);
    if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY)
        return cwt_err_set(err, CWT_ECONFLICT, "%s: %s", what, sqlite3_errmsg(db));
    if ((code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED)
        return cwt_err_set(err, CWT_ESTORE, "database is busy: %s", sqlite3_errmsg(db));
    return cwt_err_set(err, CWT_ESTORE, "%s: %s", what, sqlite3_errmsg(db));
}

static enum cwt_status sq_connect(const char *target, const struct cwt__store_opts *o, void **conn,
                                  struct cwt_err *err)
{
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(target, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        cwt_err_setf(err, CWT_ESTORE, "db", "cannot open '%s': %s", target, db ? sqlite3_errmsg(db) : "no memory");
        sqlite3_close(db);
        return CWT_ESTORE;
    }
    sqlite3_busy_timeout(db, o->busy_timeout_ms);
    char *msg = NULL;
    rc = sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;", NULL, NULL,
                      &msg);
    if (rc != SQLITE_OK) {
        cwt_err_setf(err, CWT_ESTORE, "db", "cannot configure '%s': %s", target, msg ? msg : "?");
        sqlite3_free(msg);
        sqlite3_close(db);
        return CWT_ESTORE;
    }
    struct sq_conn *c = CWT_NEW(struct sq_conn);
    if (!c) {
        sqlite3_close(db);
        return cwt_err_set(err, CWT_ENOMEM, "out of memory");
    }
    c->db = db;
    *conn = c;
    return CWT_OK;
}

static void sq_disconnect(void *conn)
{
    struct sq_conn *c = conn;
    if (!c)
        return;
    for (size_t i = 0; i < SQ_CACHE; i++) {
        sqlite3_finalize(c->cache[i].stmt);
        cwt_free(c->cache[i].sql);
    }
    sqlite3_close(c->db);
    cwt_free(c);
}

static enum cwt_status sq_check(void *conn, struct cwt_err *err)
{
    CWT_UNUSED(err);
    struct sq_conn *c = conn;
    /* A connection left inside a transaction by a crashed caller would hold the lock. */
    if (!sqlite3_get_autocommit(c->db))
        sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
    return CWT_OK;
}

static enum cwt_status sq_exec(void *conn, const char *sql, const struct cwt__sv *p, size_t n, cwt__row_fn fn,
                               void *ud, int64_t *changes, struct cwt_err *err)
{
    struct sq_conn *c = conn;
    sqlite3 *db = c->db;
    sqlite3_stmt *stmt = NULL;
    struct sq_stmt *slot = NULL;
    enum cwt_status rc = CWT_OK;
    int src = stmt_get(c, sql, &stmt, &slot);
    if (src != SQLITE_OK)
        return sq_fail(db, src, "cannot prepare statement", err);
    for (size_t i = 0; i < n; i++) {
        int b = i + 1;
        switch (p[i].type) {
        case CWT__SV_INT: src = sqlite3_bind_int64(stmt, b, p[i].i); break;
        case CWT__SV_TEXT: src = sqlite3_bind_text(stmt, b, p[i].s, -1, SQLITE_STATIC); break;
        default: src = sqlite3_bind_null(stmt, b); break;
        }
        if (src != SQLITE_OK) {
            rc = sq_fail(db, src, "cannot bind parameter", err);
            goto out;
        }
    }
    struct cwt__row row = {.be = &cwt__store_sqlite, .h = stmt};
    /*
     * BEGIN IMMEDIATE waits for the write lock up to the busy timeout; under a long
     * stall (a slow disk, a debugger, valgrind) it is tried again, twice: nothing
     * has happened yet, so a retry is always safe.
     */
    bool is_begin = strncmp(sql, "BEGIN", 5) == 0;
    for (int tries = 0;; tries++) {
        src = sqlite3_step(stmt);
        if (src != SQLITE_BUSY || !is_begin || tries >= 2)
            break;
        sqlite3_reset(stmt);
    }
    while (src == SQLITE_ROW) {
        if (fn && (rc = fn(ud, &row)) != CWT_OK)
            goto out;
        src = sqlite3_step(stmt);
    }
    if (src != SQLITE_DONE) {
        rc = sq_fail(db, src, "statement failed", err);
        goto out;
    }
    if (changes)
        *changes = sqlite3_changes64(db);
out:
    stmt_put(stmt, slot);
    return rc;
}

static enum cwt_status sq_exec_script(void *conn, const char *sql, struct cwt_err *err)
{
    char *msg = NULL;
    if (sqlite3_exec(((struct sq_conn *)conn)->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        cwt_err_set(err, CWT_ESTORE, "%s", msg ? msg : "script failed");
        sqlite3_free(msg);
        return CWT_ESTORE;
    }
    return CWT_OK;
}

static const char *sq_token(const char *name)
{
    static const struct { const char *k, *v; } t[] = {
        {"BLOB", "BLOB"}, {"REAL", "REAL"}, {"SERIAL", "INTEGER PRIMARY KEY AUTOINCREMENT"},
    };
    for (size_t i = 0; i < CWT_ARRAY_LEN(t); i++)
        if (strcmp(t[i].k, name) == 0)
            return t[i].v;
    return NULL;
}

static size_t sq_ncols(const struct cwt__row *r)
{
    return (size_t)sqlite3_column_count(r->h);
}

static bool sq_isnull(const struct cwt__row *r, size_t col)
{
    return sqlite3_column_type(r->h, (int)col) == SQLITE_NULL;
}

static const char *sq_text(const struct cwt__row *r, size_t col)
{
    return (const char *)sqlite3_column_text(r->h, (int)col);
}

const struct cwt__store_backend cwt__store_sqlite = {
    .name = "sqlite",
    .engine = CWT__ENGINE_SQLITE,
    .connect = sq_connect,
    .disconnect = sq_disconnect,
    .check = sq_check,
    .exec = sq_exec,
    .exec_script = sq_exec_script,
    .begin_read = "BEGIN DEFERRED",
    .begin_write = "BEGIN IMMEDIATE",
    .one_writer = true,
    .migrate_lock = NULL,
    .token = sq_token,
    .ncols = sq_ncols,
    .isnull = sq_isnull,
    .text = sq_text,
};
