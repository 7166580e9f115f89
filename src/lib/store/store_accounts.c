/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the account records of the store: enterprises and
 * their users, login sessions (stored by token hash, with expiry and a CSRF
 * token) and API keys (stored by hash, scoped, revocable). Hashing and
 * password checks are the caller's (src/server/auth.c); this file only keeps rows.
 */
#include <stdio.h>

#include "store/store_records.h"

#define USER_COLS "id, enterprise_id, email, password_hash, created_at"
#define KEY_COLS "id, enterprise_id, name, prefix, key_hash, scopes, created_at, last_used_at, revoked_at"

static enum cwt_status row_user(void *ud, const struct cwt__row *r)
{
    struct cwt__user *u = ud;
    cwt__row_copy(r, 0, u->id, sizeof u->id);
    cwt__row_copy(r, 1, u->enterprise_id, sizeof u->enterprise_id);
    cwt__row_copy(r, 2, u->email, sizeof u->email);
    cwt__row_copy(r, 3, u->password_hash, sizeof u->password_hash);
    u->created_at = cwt__row_int(r, 4);
    return CWT_OK;
}

static enum cwt_status row_key(void *ud, const struct cwt__row *r)
{
    struct cwt__api_key *k = ud;
    cwt__row_copy(r, 0, k->id, sizeof k->id);
    cwt__row_copy(r, 1, k->enterprise_id, sizeof k->enterprise_id);
    cwt__row_copy(r, 2, k->name, sizeof k->name);
    cwt__row_copy(r, 3, k->prefix, sizeof k->prefix);
    cwt__row_copy(r, 4, k->key_hash, sizeof k->key_hash);
    cwt__row_copy(r, 5, k->scopes, sizeof k->scopes);
    k->created_at = cwt__row_int(r, 6);
    k->last_used_at = cwt__row_int(r, 7);
    k->revoked_at = cwt__row_int(r, 8);
    return CWT_OK;
}

enum cwt_status cwt__store_signup(struct cwt__store *st, struct cwt__enterprise *ent, struct cwt__user *user,
                                  struct cwt_err *err)
{
    struct cwt__tx *tx = NULL;
    cwt__store_new_id("e_", ent->id);
    cwt__store_new_id("u_", user->id);
    memcpy(user->enterprise_id, ent->id, sizeof ent->id);
    enum cwt_status rc = cwt__tx_begin(st, CWT__TX_WRITE, &tx, err);
    if (rc != CWT_OK)
        return rc;
    struct cwt__sv pe[] = {CWT_SV_TEXT(ent->id), CWT_SV_TEXT(ent->name), CWT_SV_TEXT(ent->kind),
                           CWT_SV_TEXT(ent->country[0] ? ent->country : NULL), CWT_SV_INT(ent->created_at)};
    rc = cwt__tx_exec(tx, "INSERT INTO enterprises (id, name, kind, country, created_at) VALUES (?, ?, ?, ?, ?)",
                      pe, CWT_ARRAY_LEN(pe), NULL, NULL, NULL, err);
    if (rc != CWT_OK)
        goto out;
    struct cwt__sv pu[] = {CWT_SV_TEXT(user->id), CWT_SV_TEXT(user->enterprise_id), CWT_SV_TEXT(user->email),
                           CWT_SV_TEXT(user->password_hash), CWT_SV_INT(user->created_at)};
    rc = cwt__tx_exec(tx, "INSERT INTO users (" USER_COLS ") VALUES (?, ?, ?, ?, ?)", pu, CWT_ARRAY_LEN(pu), NULL,
                      NULL, NULL, err);
    if (rc == CWT_ECONFLICT)
        cwt_err_setf(err, CWT_ECONFLICT, "email", "an account with this e-mail exists");
out:
    if (rc != CWT_OK) {
        cwt__tx_rollback(tx);
        return rc;
    }
    return cwt__tx_commit(tx, err);
}

static enum cwt_status user_where(struct cwt__store *st, const char *sql, const char *arg, struct cwt__user *out,
                                  struct cwt_err *err)
{
    out->id[0] = '\0';
    struct cwt__sv p[] = {CWT_SV_TEXT(arg)};
    enum cwt_status rc = cwt__store_exec(st, sql, p, 1, row_user, out, NULL, err);
    if (rc == CWT_OK && !out->id[0])
        rc = cwt_err_set(err, CWT_ENOTFOUND, "no such user");
    return rc;
}

enum cwt_status cwt__store_user_by_email(struct cwt__store *st, const char *email, struct cwt__user *out,
                                         struct cwt_err *err)
{
    return user_where(st, "SELECT " USER_COLS " FROM users WHERE email = ?", email, out, err);
}

enum cwt_status cwt__store_user_get(struct cwt__store *st, const char *id, struct cwt__user *out,
                                    struct cwt_err *err)
{
    return user_where(st, "SELECT " USER_COLS " FROM users WHERE id = ?", id, out, err);
}

static enum cwt_status row_ent(void *ud, const struct cwt__row *r)
{
    struct cwt__enterprise *e = ud;
    cwt__row_copy(r, 0, e->id, sizeof e->id);
    cwt__row_copy(r, 1, e->name, sizeof e->name);
    cwt__row_copy(r, 2, e->kind, sizeof e->kind);
    cwt__row_copy(r, 3, e->country, sizeof e->country);
    e->created_at = cwt__row_int(r, 4);
    return CWT_OK;
}

enum cwt_status cwt__store_enterprise_get(struct cwt__store *st, const char *id, struct cwt__enterprise *out,
                                          struct cwt_err *err)
{
    out->id[0] = '\0';
    struct cwt__sv p[] = {CWT_SV_TEXT(id)};
    enum cwt_status rc = cwt__store_exec(st, "SELECT id, name, kind, country, created_at FROM enterprises "
                                             "WHERE id = ?", p, 1, row_ent, out, NULL, err);
    if (rc == CWT_OK && !out->id[0])
        rc = cwt_err_set(err, CWT_ENOTFOUND, "no such enterprise");
    return rc;
}

enum cwt_status cwt__store_session_create(struct cwt__store *st, const char *token_hash, const char *user_id,
                                          const char *csrf, int64_t now, int64_t expires_at, struct cwt_err *err)
{
    struct cwt__sv p[] = {CWT_SV_TEXT(token_hash), CWT_SV_TEXT(user_id), CWT_SV_TEXT(csrf), CWT_SV_INT(now),
                          CWT_SV_INT(expires_at)};
    return cwt__store_exec(st, "INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at) "
                               "VALUES (?, ?, ?, ?, ?)", p, CWT_ARRAY_LEN(p), NULL, NULL, NULL, err);
}

struct sess_row {
    struct cwt__user *user;
    char *csrf;
    size_t csrf_len;
};

static enum cwt_status row_sess(void *ud, const struct cwt__row *r)
{
    struct sess_row *s = ud;
    row_user(s->user, r);
    cwt__row_copy(r, 5, s->csrf, s->csrf_len);
    return CWT_OK;
}

enum cwt_status cwt__store_session_lookup(struct cwt__store *st, const char *token_hash, int64_t now,
                                          struct cwt__user *user, char *csrf, size_t csrf_len,
                                          struct cwt_err *err)
{
    struct sess_row s = {user, csrf, csrf_len};
    user->id[0] = '\0';
    struct cwt__sv p[] = {CWT_SV_TEXT(token_hash), CWT_SV_INT(now)};
    enum cwt_status rc = cwt__store_exec(st,
        "SELECT u.id, u.enterprise_id, u.email, u.password_hash, u.created_at, s.csrf "
        "FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ? AND s.expires_at > ?",
        p, 2, row_sess, &s, NULL, err);
    if (rc == CWT_OK && !user->id[0])
        rc = cwt_err_set(err, CWT_ENOTFOUND, "no such session");
    return rc;
}

enum cwt_status cwt__store_session_delete(struct cwt__store *st, const char *token_hash, struct cwt_err *err)
{
    struct cwt__sv p[] = {CWT_SV_TEXT(token_hash)};
    return cwt__store_exec(st, "DELETE FROM sessions WHERE token_hash = ?", p, 1, NULL, NULL, NULL, err);
}

enum cwt_status cwt__store_session_purge(struct cwt__store *st, int64_t now, int64_t *n, struct cwt_err *err)
{
    struct cwt__sv p[] = {CWT_SV_INT(now)};
    return cwt__store_exec(st, "DELETE FROM sessions WHERE expires_at <= ?", p, 1, NULL, NULL, n, err);
}

enum cwt_status cwt__store_key_create(struct cwt__store *st, const struct cwt__api_key *k, struct cwt_err *err)
{
    struct cwt__sv p[] = {CWT_SV_TEXT(k->id), CWT_SV_TEXT(k->enterprise_id), CWT_SV_TEXT(k->name),
                          CWT_SV_TEXT(k->prefix), CWT_SV_TEXT(k->key_hash), CWT_SV_TEXT(k->scopes),
                          CWT_SV_INT(k->created_at)};
    return cwt__store_exec(st, "INSERT INTO api_keys (id, enterprise_id, name, prefix, key_hash, scopes, "
                               "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)", p, CWT_ARRAY_LEN(p), NULL, NULL,
                           NULL, err);
}

enum cwt_status cwt__store_key_lookup(struct cwt__store *st, const char *key_hash, int64_t now,
                                      struct cwt__api_key *out, struct cwt_err *err)
{
    out->id[0] = '\0';
    struct cwt__sv p[] = {CWT_SV_INT(now), CWT_SV_TEXT(key_hash)};
    enum cwt_status rc = cwt__store_exec(st, "UPDATE api_keys SET last_used_at = ? WHERE key_hash = ? AND "
                                             "revoked_at IS NULL RETURNING " KEY_COLS,
                                         p, 2, row_key, out, NULL, err);
    if (rc == CWT_OK && !out->id[0])
        rc = cwt_err_set(err, CWT_ENOTFOUND, "no such key");
    return rc;
}

enum cwt_status cwt__store_key_revoke(struct cwt__store *st, const char *enterprise_id, const char *id, int64_t now,
                                      struct cwt_err *err)
{
    int64_t n = 0;
    struct cwt__sv p[] = {CWT_SV_INT(now), CWT_SV_TEXT(id), CWT_SV_TEXT(enterprise_id)};
    enum cwt_status rc = cwt__store_exec(st, "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND "
                                             "enterprise_id = ? AND revoked_at IS NULL", p, 3, NULL, NULL, &n, err);
    if (rc == CWT_OK && n == 0)
        rc = cwt_err_setf(err, CWT_ENOTFOUND, "id", "no such key");
    return rc;
}

/* The list machinery shared by keys, sites and evaluations (store_sites.c uses it too). */
struct list_ctx {
    cwt__each_fn fn;
    void *ud;
    enum cwt_status (*conv)(void *item, const struct cwt__row *r);
    size_t item_size;
    void *item;
    unsigned seen, limit;
    int64_t last_key;
    char last_id[CWT__ID_LEN];
    size_t key_col;
    struct cwt__page *pg;
};

static enum cwt_status row_list(void *ud, const struct cwt__row *r)
{
    struct list_ctx *l = ud;
    if (++l->seen > l->limit) {
        cwt__cursor_make(l->last_key, l->last_id, l->pg->next_cursor);
        return CWT_OK;
    }
    memset(l->item, 0, l->item_size);
    enum cwt_status rc = l->conv(l->item, r);
    if (rc == CWT_OK)
        rc = l->fn(l->ud, l->item);
    l->last_key = cwt__row_int(r, l->key_col);
    cwt__row_copy(r, 0, l->last_id, sizeof l->last_id);
    return rc;
}


enum cwt_status cwt__store_list(struct cwt__store *st, const char *sql_first, const char *sql_after,
                                const char *owner, const char *owner2, size_t key_col, struct cwt__page *pg,
                                void *item, size_t item_size,
                                enum cwt_status (*conv)(void *item, const struct cwt__row *r), cwt__each_fn fn,
                                void *ud, struct cwt_err *err)
{
    struct list_ctx l = {fn, ud, conv, item_size, item, 0, pg->limit ? CWT_MIN(pg->limit, 1000u) : 50u, 0, "",
                         key_col, pg};
    pg->next_cursor[0] = '\0';
    struct cwt__sv p[6];
    size_t n = 0;
    p[n++] = CWT_SV_TEXT(owner);
    if (owner2)
        p[n++] = CWT_SV_TEXT(owner2);
    int64_t key;
    char id[32];
    if (pg->cursor && pg->cursor[0]) {
        enum cwt_status rc = cwt__cursor_parse(pg->cursor, &key, id, err);
        if (rc != CWT_OK)
            return rc;
        p[n++] = CWT_SV_INT(key);
        p[n++] = CWT_SV_INT(key);
        p[n++] = CWT_SV_TEXT(id);
    }
    p[n++] = CWT_SV_INT((int64_t)l.limit + 1);
    return cwt__store_exec(st, pg->cursor && pg->cursor[0] ? sql_after : sql_first, p, n, row_list, &l, NULL, err);
}

static enum cwt_status conv_key(void *item, const struct cwt__row *r)
{
    return row_key(item, r);
}

enum cwt_status cwt__store_key_list(struct cwt__store *st, const char *enterprise_id, struct cwt__page *pg,
                                    cwt__each_fn fn, void *ud, struct cwt_err *err)
{
    struct cwt__api_key k;
    return cwt__store_list(st,
        "SELECT " KEY_COLS " FROM api_keys WHERE enterprise_id = ? ORDER BY created_at, id LIMIT ?",
        "SELECT " KEY_COLS " FROM api_keys WHERE enterprise_id = ? AND (created_at > ? OR (created_at = ? AND "
        "id > ?)) ORDER BY created_at, id LIMIT ?",
        enterprise_id, NULL, 6, pg, &k, sizeof k, conv_key, fn, ud, err);
}
