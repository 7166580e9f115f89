/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The record level of the store: enterprises, users, sessions, API keys,
 * sites, evaluations and jobs. Written once over the portable SQL level
 * (store.h), so both backends run the same code. Every read or write of an
 * enterprise's object takes the caller's enterprise id and matches it in SQL:
 * an object of another enterprise is CWT_ENOTFOUND, exactly like a missing one.
 * Times are Unix seconds (UTC) given by the caller (the injectable clock).
 */
#ifndef CWT_STORE_RECORDS_H
#define CWT_STORE_RECORDS_H

#include "store/store.h"

#define CWT__ID_LEN 32

struct cwt__enterprise {
    char id[CWT__ID_LEN];
    char name[256];
    char kind[16];      /* exporter, platform, portal, operator */
    char country[8];    /* ISO 3166-1 alpha-2 or "" */
    int64_t created_at;
};

struct cwt__user {
    char id[CWT__ID_LEN];
    char enterprise_id[CWT__ID_LEN];
    char email[256];
    char password_hash[160];
    int64_t created_at;
};

/* Creates an enterprise and its first user in one transaction. A taken e-mail is CWT_ECONFLICT (field "email"). */
enum cwt_status cwt__store_signup(struct cwt__store *st, struct cwt__enterprise *ent, struct cwt__user *user,
                                  struct cwt_err *err);
enum cwt_status cwt__store_user_by_email(struct cwt__store *st, const char *email, struct cwt__user *out,
                                         struct cwt_err *err);
enum cwt_status cwt__store_user_get(struct cwt__store *st, const char *id, struct cwt__user *out,
                                    struct cwt_err *err);
enum cwt_status cwt__store_enterprise_get(struct cwt__store *st, const char *id, struct cwt__enterprise *out,
                                          struct cwt_err *err);

/* Sessions: keyed by the hex SHA-256 of the cookie token, never the token itself. */
enum cwt_status cwt__store_session_create(struct cwt__store *st, const char *token_hash, const char *user_id,
                                          const char *csrf, int64_t now, int64_t expires_at, struct cwt_err *err);
/* The user of an unexpired session and its CSRF token (at least 65 bytes). CWT_ENOTFOUND otherwise. */
enum cwt_status cwt__store_session_lookup(struct cwt__store *st, const char *token_hash, int64_t now,
                                          struct cwt__user *user, char *csrf, size_t csrf_len,
                                          struct cwt_err *err);
enum cwt_status cwt__store_session_delete(struct cwt__store *st, const char *token_hash, struct cwt_err *err);
/* Deletes expired sessions; *n (may be NULL) receives how many. */
enum cwt_status cwt__store_session_purge(struct cwt__store *st, int64_t now, int64_t *n, struct cwt_err *err);

struct cwt__api_key {
    char id[CWT__ID_LEN];
    char enterprise_id[CWT__ID_LEN];
    char name[128];
    char prefix[16];
    char key_hash[72];
    char scopes[64];
    int64_t created_at;
    int64_t last_used_at; /* 0: never */
    int64_t revoked_at;   /* 0: active */
};
enum cwt_status cwt__store_key_create(struct cwt__store *st, const struct cwt__api_key *k, struct cwt_err *err);
/* An unrevoked key by hash; records last_used_at = @p now. CWT_ENOTFOUND otherwise. */
enum cwt_status cwt__store_key_lookup(struct cwt__store *st, const char *key_hash, int64_t now,
                                      struct cwt__api_key *out, struct cwt_err *err);
enum cwt_status cwt__store_key_revoke(struct cwt__store *st, const char *enterprise_id, const char *id, int64_t now,
                                      struct cwt_err *err);

/*
 * Keyset pagination: a page holds up to @p limit rows after @p cursor (NULL:
 * from the start); next_cursor is set ("" at the end). Cursors are opaque to
 * clients ("<created>.<id>"); a malformed one is CWT_EINVAL (field "cursor").
 */
struct cwt__page {
    unsigned limit;
    const char *cursor;
    char next_cursor[64];
};
/* Called once per row of a list; @p item is the record type of the list. */
typedef enum cwt_status (*cwt__each_fn)(void *ud, const void *item);

/*
 * The list helper for record modules (keys, sites, evaluations; program/ may
 * use it): runs @p sql_first (no cursor) or @p sql_after (cursor given) with
 * parameters (owner[, owner2][, key, key, id], limit + 1); column 0 must be
 * the id and column @p key_col the ordering key. @p conv fills @p item from
 * a row, then @p fn sees it.
 */
enum cwt_status cwt__store_list(struct cwt__store *st, const char *sql_first, const char *sql_after,
                                const char *owner, const char *owner2, size_t key_col, struct cwt__page *pg,
                                void *item, size_t item_size,
                                enum cwt_status (*conv)(void *item, const struct cwt__row *r), cwt__each_fn fn,
                                void *ud, struct cwt_err *err);

enum cwt_status cwt__store_key_list(struct cwt__store *st, const char *enterprise_id, struct cwt__page *pg,
                                    cwt__each_fn fn, void *ud, struct cwt_err *err);

struct cwt__site {
    char id[CWT__ID_LEN];
    char enterprise_id[CWT__ID_LEN];
    char domain[256];
    char registrable[256];
    char url[300];
    char token[64];
    int64_t verified_at;   /* 0: not verified */
    char verify_method[16];
    bool active;
    int64_t next_eval_at;  /* 0: none scheduled */
    int64_t created_at;
};
/* A taken (enterprise, domain) is CWT_ECONFLICT (field "domain"). */
enum cwt_status cwt__store_site_create(struct cwt__store *st, const struct cwt__site *s, struct cwt_err *err);
/* @p enterprise_id NULL: any owner (worker, public registry). */
enum cwt_status cwt__store_site_get(struct cwt__store *st, const char *enterprise_id, const char *id,
                                    struct cwt__site *out, struct cwt_err *err);
enum cwt_status cwt__store_site_list(struct cwt__store *st, const char *enterprise_id, struct cwt__page *pg,
                                     cwt__each_fn fn, void *ud, struct cwt_err *err);
enum cwt_status cwt__store_site_set_verified(struct cwt__store *st, const char *enterprise_id, const char *id,
                                             const char *method, int64_t at, struct cwt_err *err);

struct cwt__evaluation {
    char id[CWT__ID_LEN];
    char site_id[CWT__ID_LEN];
    int64_t at;
    char model_version[64];
    double total;          /* negative: no score */
    char grade[4];
    char *report;          /* JSON; owned by the struct (cwt__evaluation_release) */
};
void cwt__evaluation_release(struct cwt__evaluation *e);
enum cwt_status cwt__store_eval_insert(struct cwt__store *st, const struct cwt__evaluation *e, struct cwt_err *err);
/* Only evaluations of sites owned by @p enterprise_id (NULL: any). */
enum cwt_status cwt__store_eval_get(struct cwt__store *st, const char *enterprise_id, const char *id,
                                    struct cwt__evaluation *out, struct cwt_err *err);
/* Newest first; the report is not loaded in lists (NULL). */
enum cwt_status cwt__store_eval_list(struct cwt__store *st, const char *enterprise_id, const char *site_id,
                                     struct cwt__page *pg, cwt__each_fn fn, void *ud, struct cwt_err *err);

/*
 * The latest evaluation of each site (site id order), report loaded, at most
 * @p max; *n (may be NULL) says how many were seen. The model preview re-scores them.
 */
enum cwt_status cwt__store_eval_latest_each(struct cwt__store *st, size_t max, cwt__each_fn fn, void *ud,
                                            size_t *n, struct cwt_err *err);

/* ---- jobs ---------------------------------------------------------------- */

struct cwt__job {
    char id[CWT__ID_LEN];
    char kind[32];
    char site_id[CWT__ID_LEN];
    char *payload;         /* JSON, owned (cwt__job_release) */
    int attempts;          /* including the current one */
    int max_attempts;
};
void cwt__job_release(struct cwt__job *j);

/*
 * Queues a job to run at @p run_at. With @p dedupe_key, a job with the same
 * key still queued or running makes this a no-op (*queued false).
 */
enum cwt_status cwt__store_job_enqueue(struct cwt__store *st, const char *kind, const char *site_id,
                                       const char *payload, const char *dedupe_key, int max_attempts,
                                       int64_t run_at, int64_t now, bool *queued, struct cwt_err *err);
/*
 * Claims one due job for @p worker with a lease until now + lease_s
 * (PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite: inside BEGIN IMMEDIATE).
 * CWT_ENOTFOUND when nothing is due. The caller releases *out.
 */
enum cwt_status cwt__store_job_claim(struct cwt__store *st, const char *worker, int64_t now, int lease_s,
                                     struct cwt__job *out, struct cwt_err *err);
/* Marks a claimed job done; CWT_ECONFLICT when the lease was lost to another worker. */
enum cwt_status cwt__store_job_complete(struct cwt__store *st, const char *id, const char *worker, int64_t now,
                                        struct cwt_err *err);
/* Records a failure: requeued at now + backoff(attempts), or failed for good after max_attempts. */
enum cwt_status cwt__store_job_fail(struct cwt__store *st, const char *id, const char *worker, const char *error,
                                    int64_t now, struct cwt_err *err);
/* The retry delay after the @p attempts-th failure: 30 s doubling, capped at 6 h. */
int64_t cwt__job_backoff(int attempts);
/* A job still to finish, as GET /v1/sites/{id} reports it (pending_job). */
struct cwt__job_pending {
    char state[16];     /* queued or running */
    int64_t queued_at;  /* created_at: when it was asked for */
    int64_t run_at;     /* not before (later than queued_at while a failed attempt waits) */
    int attempts;       /* attempts started so far */
};
/*
 * The job holding @p dedupe_key (set only while queued or running, so this
 * is one indexed row, e.g. "evaluate:SITE"). CWT_ENOTFOUND when none.
 */
enum cwt_status cwt__store_job_pending(struct cwt__store *st, const char *dedupe_key, struct cwt__job_pending *out,
                                       struct cwt_err *err);
/* Counts jobs in @p state ("queued", "running", "done", "failed"). */
enum cwt_status cwt__store_job_count(struct cwt__store *st, const char *state, int64_t *n, struct cwt_err *err);
/*
 * The scheduler: queues an "evaluate" job for every active, verified site
 * whose next evaluation is due, and moves next_eval_at by @p interval_s.
 * *n (may be NULL) receives how many were queued.
 */
enum cwt_status cwt__store_schedule_due(struct cwt__store *st, int64_t now, int64_t interval_s, int64_t *n,
                                        struct cwt_err *err);

#endif
