/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The table of function pointers every store backend fills (curl's struct
 * Curl_ssl): store_sqlite.c and store_pg.c. Only store*.c include this.
 */
#ifndef CWT_STORE_BACKEND_H
#define CWT_STORE_BACKEND_H

#include "store/store.h"

struct cwt__row {
    const struct cwt__store_backend *be;
    void *h;      /* sqlite3_stmt* or PGresult* */
    int idx;      /* row index (PostgreSQL) */
};

struct cwt__store_backend {
    const char *name;
    enum cwt__store_engine engine;
    /* Opens one connection to @p target (the URL without "sqlite:" for SQLite, whole for PG). */
    enum cwt_status (*connect)(const char *target, const struct cwt__store_opts *o, void **conn,
                               struct cwt_err *err);
    void (*disconnect)(void *conn);
    /* Re-establishes a broken connection before it is handed out; CWT_OK when usable. */
    enum cwt_status (*check)(void *conn, struct cwt_err *err);
    enum cwt_status (*exec)(void *conn, const char *sql, const struct cwt__sv *p, size_t n, cwt__row_fn fn,
                            void *ud, int64_t *changes, struct cwt_err *err);
    /* Runs a script of several statements without parameters (migrations). */
    enum cwt_status (*exec_script)(void *conn, const char *sql, struct cwt_err *err);
    const char *begin_read;
    const char *begin_write;
    /* One writer at a time (SQLite): this process's write transactions queue on a mutex before begin_write. */
    bool one_writer;
    /* Run first inside each migration transaction to serialise migrating processes; NULL: none needed. */
    const char *migrate_lock;
    /* Dialect tokens of the migration files: @BLOB@, @NOW@ ... */
    const char *(*token)(const char *name);
    size_t (*ncols)(const struct cwt__row *r);
    bool (*isnull)(const struct cwt__row *r, size_t col);
    const char *(*text)(const struct cwt__row *r, size_t col);
};

extern const struct cwt__store_backend cwt__store_sqlite;
extern const struct cwt__store_backend cwt__store_pg;

struct cwt__migration {
    int version;
    const char *name;
    const char *sql;
};
/* Generated from migrations/NNNN_name.sql by migrations/embed.py, sorted by version. */
extern const struct cwt__migration cwt__migrations[];
extern const size_t cwt__nmigrations;

#endif
