/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The API test client shared by integration tests of `cwtap serve`: a server
 * subprocess on 127.0.0.1 (its port from --port-file, stopped with SIGTERM),
 * HTTP requests through libcurl with JSON replies parsed, the error envelope's
 * checks, and accounts (signup, login). Failures end the cmocka test.
 */
#ifndef CWT_HAPI_H
#define CWT_HAPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>

struct hapi_server {
    char clock[600];  /* --clock-file of tests that move time, or "" */
    char *dir;
    char db[512];
    pid_t pid;
    int port;
};

struct hapi_resp {
    long status;
    char *body;
    size_t len;
    char headers[8192];
    json_t *json;
    int rc;           /* the transfer's CURLcode: 0, or why no complete reply came (hapi_http_raw) */
};

struct hapi_account {
    char session[128];    /* the session cookie's value */
    char cookie[320];     /* "Cookie: cwtap_session=...; cwtap_csrf=..." */
    char csrf[160];       /* "X-CSRF-Token: ..." */
    char enterprise[40];
};

/* libcurl write and header callbacks filling a struct hapi_resp (for callers driving curl themselves). */
size_t hapi_on_body(char *p, size_t sz, size_t n, void *ud);
size_t hapi_on_header(char *p, size_t sz, size_t n, void *ud);
/* Frees the reply's body and JSON (the struct may be reused). */
void hapi_resp_free(struct hapi_resp *r);
/* One request; @p hdrs: extra "Name: value" headers, NULL-terminated (may be NULL); a JSON body by default.
 * The path is sent as is (no dot-segment folding). A transfer error fails the test. */
void hapi_http(const struct hapi_server *s, const char *method, const char *path, const char *body,
               const char *const *hdrs, struct hapi_resp *r);
/* The same, but a transfer error (a refused or reset connection) only sets r->rc. */
void hapi_http_raw(const struct hapi_server *s, const char *method, const char *path, const char *body,
                   const char *const *hdrs, struct hapi_resp *r);
/* A body of @p body_len bytes, sent chunked in pieces of @p piece bytes when piece > 0 (lines straddle reads). */
void hapi_http_stream(const struct hapi_server *s, const char *method, const char *path, const char *body,
                      size_t body_len, size_t piece, const char *const *hdrs, struct hapi_resp *r);
/* The value of reply header @p name (case-insensitive) into @p out; false when absent. */
bool hapi_header(const struct hapi_resp *r, const char *name, char *out, size_t n);
/* The error envelope's field and code ("" when absent), and a string member of the reply. */
const char *hapi_err_field(const struct hapi_resp *r);
const char *hapi_err_code(const struct hapi_resp *r);
const char *hapi_jstr(const struct hapi_resp *r, const char *key);
const char *hapi_json_str(const json_t *j, const char *key);
/* Fails the test unless the status (and, when not NULL, the error code and field) are these. */
void hapi_expect(const struct hapi_resp *r, long status, const char *code, const char *field);
/* Starts `cwtap serve` on @p db (s->dir set; @p extra: more arguments, NULL-terminated, may be NULL). */
void hapi_start(struct hapi_server *s, const char *db, const char *const *extra);
/* SIGTERM; the exit status (0 only after a clean, leak-free exit). */
int hapi_stop(struct hapi_server *s);
/* A new exporter account with a session (password "long enough pw"), and a new session for it. */
void hapi_signup(const struct hapi_server *s, const char *email, struct hapi_account *a);
void hapi_login(const struct hapi_server *s, const char *email, struct hapi_account *a);
/* The session and CSRF cookies of a signup or login reply (and its enterprise id, when it has one). */
void hapi_take_cookies(const struct hapi_resp *r, struct hapi_account *a);
/* Sets an enterprise's kind in the store, as an operator would (public signup makes exporters). */
void hapi_set_kind(const struct hapi_server *s, const char *enterprise, const char *kind);
/* A new API key of @p a with @p scope: "Authorization: Bearer ..." into @p auth. */
void hapi_key(const struct hapi_server *s, const struct hapi_account *a, const char *scope, char *auth, size_t n);
/* A temporary directory (s->dir, named after @p tag) and the database: a file in it when @p db_url is NULL,
 * else @p db_url with its public schema emptied. */
void hapi_db_prepare(struct hapi_server *s, const char *tag, const char *db_url);
/* An evaluation of @p site_id (total 77.5, grade C) written through the store; its id into @p id_out. */
void hapi_insert_eval(const struct hapi_server *s, const char *site_id, char *id_out, size_t n);
/* cmocka setup and teardown: a server on a prepared database (hapi_db_prepare, hapi_start with @p extra) in
 * *state; stopped with its log printed on an unclean exit, and its directory removed. */
int hapi_setup(void **state, const char *tag, const char *db_url, const char *const *extra);
int hapi_teardown(void **state);
/* The integer a query (count(*) ...) returns, read through the store; rows of @p table. */
int64_t hapi_query_int(const struct hapi_server *s, const char *sql);
/* Stops the server (its log on stderr unless it exited cleanly), removes the directory, frees @p s; 0 or -1. */
int hapi_finish(struct hapi_server *s);
/* Rows of @p table, read through the store. */
int64_t hapi_count_rows(const struct hapi_server *s, const char *table);

#endif
