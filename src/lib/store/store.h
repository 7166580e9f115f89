/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The store: the only user of sqlite3 and libpq. One interface, two backends
 * (store_sqlite.c, store_pg.c) behind a const table of function pointers,
 * chosen by URL: "sqlite:PATH" or "postgresql://...". Numbered migrations
 * (migrations/NNNN_name.sql) are applied by cwt__store_open().
 *
 * Two levels:
 *  - the SQL level: transactions and statements written once in a portable
 *    dialect ('?' placeholders, see docs/internals/store.md), for modules
 *    that add their own tables (program/ adds marks, cycles, uploads, log);
 *  - the record level: accounts, sites, evaluations and jobs (store_*.c).
 *
 * A store is a small pool of connections and may be used from many threads.
 */
#ifndef CWT_STORE_H
#define CWT_STORE_H

#include "util/common.h"

struct cwt__store;
struct cwt__tx;

enum cwt__store_engine { CWT__ENGINE_SQLITE, CWT__ENGINE_PG };

struct cwt__store_opts {
    unsigned max_conns;      /* pool size (default 8) */
    int busy_timeout_ms;     /* SQLite busy timeout (default 5000) */
};

/*
 * Opens the store at @p url ("sqlite:PATH", "sqlite::memory:" is refused because
 * a pool needs a file; "postgresql://..." or "postgres://...") and applies the
 * migrations not yet recorded in schema_migrations. Caller frees with
 * cwt__store_free(). @p opts may be NULL.
 */
enum cwt_status cwt__store_open(const char *url, const struct cwt__store_opts *opts, struct cwt__store **out,
                                struct cwt_err *err);
void cwt__store_free(struct cwt__store *st);
enum cwt__store_engine cwt__store_engine(const struct cwt__store *st);
/* Number of migrations recorded as applied (tests, /readyz). */
enum cwt_status cwt__store_schema_version(struct cwt__store *st, int *version, struct cwt_err *err);
/* A cheap round trip to the database (/readyz). */
enum cwt_status cwt__store_ping(struct cwt__store *st, struct cwt_err *err);

/* ---- SQL level ---------------------------------------------------------- */

enum cwt__sv_type { CWT__SV_NULL, CWT__SV_INT, CWT__SV_TEXT };

/* A parameter of a statement. Text is borrowed for the duration of the call. */
struct cwt__sv {
    enum cwt__sv_type type;
    int64_t i;
    const char *s;
};
#define CWT_SV_INT(v) ((struct cwt__sv){.type = CWT__SV_INT, .i = (v)})
static inline struct cwt__sv cwt__sv_text(const char *s)
{
    return (struct cwt__sv){.type = s ? CWT__SV_TEXT : CWT__SV_NULL, .s = s};
}
#define CWT_SV_TEXT(v) cwt__sv_text(v)
#define CWT_SV_NULL ((struct cwt__sv){.type = CWT__SV_NULL})

/* One result row, valid only during the row callback. Columns are 0-based. */
struct cwt__row;
size_t cwt__row_ncols(const struct cwt__row *r);
bool cwt__row_isnull(const struct cwt__row *r, size_t col);
/* Text of @p col ("" for NULL); valid during the callback. */
const char *cwt__row_text(const struct cwt__row *r, size_t col);
int64_t cwt__row_int(const struct cwt__row *r, size_t col);
/* A copy of the text of @p col (NULL for NULL); caller frees with cwt_free(). */
char *cwt__row_strdup(const struct cwt__row *r, size_t col);

/* Called once per row; a non-OK return stops the statement and is returned. */
typedef enum cwt_status (*cwt__row_fn)(void *ud, const struct cwt__row *row);

enum cwt__tx_kind {
    CWT__TX_READ,  /* a consistent read */
    CWT__TX_WRITE, /* SQLite: BEGIN IMMEDIATE (the write lock is taken at once); PG: BEGIN */
};

/*
 * Takes a connection from the pool and begins a transaction on it. The
 * transaction ends with cwt__tx_commit() or cwt__tx_rollback(), which return
 * the connection; both accept NULL.
 */
enum cwt_status cwt__tx_begin(struct cwt__store *st, enum cwt__tx_kind kind, struct cwt__tx **out,
                              struct cwt_err *err);
enum cwt_status cwt__tx_commit(struct cwt__tx *tx, struct cwt_err *err);
void cwt__tx_rollback(struct cwt__tx *tx);
enum cwt__store_engine cwt__tx_engine(const struct cwt__tx *tx);

/*
 * Runs one statement in @p tx. @p sql uses '?' placeholders (rewritten to $n
 * for PostgreSQL). @p fn (may be NULL) sees each result row. @p changes (may be
 * NULL) receives the number of rows an INSERT/UPDATE/DELETE touched. A unique
 * constraint violation is CWT_ECONFLICT; other failures CWT_ESTORE.
 */
enum cwt_status cwt__tx_exec(struct cwt__tx *tx, const char *sql, const struct cwt__sv *params, size_t nparams,
                             cwt__row_fn fn, void *ud, int64_t *changes, struct cwt_err *err);

/*
 * One statement in its own write transaction; a plain SELECT runs without one
 * (autocommit), so reads never take SQLite's write lock.
 */
enum cwt_status cwt__store_exec(struct cwt__store *st, const char *sql, const struct cwt__sv *params,
                                size_t nparams, cwt__row_fn fn, void *ud, int64_t *changes, struct cwt_err *err);

/*
 * Change counters (table change_counters): bump @p name inside the
 * transaction of a change (so the bump commits with it); read it from any
 * process to notice changes (the server's snapshot polls "evaluations",
 * "sites", and whatever a module bumps). A counter never bumped reads 0.
 */
enum cwt_status cwt__tx_bump(struct cwt__tx *tx, const char *name, struct cwt_err *err);
enum cwt_status cwt__store_counter(struct cwt__store *st, const char *name, int64_t *version, struct cwt_err *err);
/* The sum of all counters: changes whenever any of them is bumped. */
enum cwt_status cwt__store_counters_sum(struct cwt__store *st, int64_t *sum, struct cwt_err *err);

/* Row callbacks for the common cases: the first column of the first row. */
enum cwt_status cwt__row_get_int(void *ud /* int64_t* */, const struct cwt__row *row);
enum cwt_status cwt__row_get_str(void *ud /* char** (caller frees) */, const struct cwt__row *row);

/* Copies the text of @p col into @p dst (capacity @p n, truncating; "" for NULL). */
void cwt__row_copy(const struct cwt__row *r, size_t col, char *dst, size_t n);

/*
 * Keyset cursors "<int>.<id>" for paginated lists: parse (CWT_EINVAL naming
 * field "cursor" when malformed) and make.
 */
enum cwt_status cwt__cursor_parse(const char *cursor, int64_t *key, char id[static 32], struct cwt_err *err);
void cwt__cursor_make(int64_t key, const char *id, char out[static 64]);

/* A random id: @p prefix followed by 20 base32 characters (100 bits), into @p out. */
void cwt__store_new_id(const char *prefix, char out[static 32]);

/* ---- the record level is in store_records.h -------------------------------------- */

#endif
