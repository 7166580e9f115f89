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
};

struct hapi_account {
    char cookie[320];     /* "Cookie: cwtap_session=...; cwtap_csrf=..." */
    char csrf[160];       /* "X-CSRF-Token: ..." */
    char enterprise[40];
};

/* Frees the reply's body and JSON (the struct may be reused). */
void hapi_resp_free(struct hapi_resp *r);
/* One request; @p hdrs: extra "Name: value" headers, NULL-terminated (may be NULL); a JSON body by default. */
void hapi_http(const struct hapi_server *s, const char *method, const char *path, const char *body,
               const char *const *hdrs, struct hapi_resp *r);
/* The error envelope's field and code ("" when absent), and a string member of the reply. */
const char *hapi_err_field(const struct hapi_resp *r);
const char *hapi_err_code(const struct hapi_resp *r);
const char *hapi_jstr(const struct hapi_resp *r, const char *key);
/* Fails the test unless the status (and, when not NULL, the error code and field) are these. */
void hapi_expect(const struct hapi_resp *r, long status, const char *code, const char *field);
/* Starts `cwtap serve` on @p db (s->dir set; @p extra: more arguments, NULL-terminated, may be NULL). */
void hapi_start(struct hapi_server *s, const char *db, const char *const *extra);
/* SIGTERM; the exit status (0 only after a clean, leak-free exit). */
int hapi_stop(struct hapi_server *s);
/* A new exporter account with a session (password "long enough pw"), and a new session for it. */
void hapi_signup(const struct hapi_server *s, const char *email, struct hapi_account *a);
void hapi_login(const struct hapi_server *s, const char *email, struct hapi_account *a);
/*
 * Prepares @p s for a test: a fresh temporary directory (@p tag) and the
 * database: @p db_url emptied (PostgreSQL: the public schema dropped and made
 * again), or SQLite in that directory when @p db_url is NULL. -1 on failure.
 */
int hapi_prepare(struct hapi_server *s, const char *db_url, const char *tag);
/* Stops the server (its log on stderr unless it exited cleanly), removes the directory, frees @p s; 0 or -1. */
int hapi_finish(struct hapi_server *s);
/* Rows of @p table, read through the store. */
int64_t hapi_count_rows(const struct hapi_server *s, const char *table);

#endif
