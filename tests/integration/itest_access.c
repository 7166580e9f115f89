/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Access control and hostile clients over real HTTP against a real `cwtap
 * serve` on 127.0.0.1 (SQLite, and PostgreSQL when CWTAP_TEST_PG is set).
 * Every row of the route table (srv_routes, so routes added later are covered
 * without editing this file) is tried anonymously, by another enterprise, with
 * an API key of the wrong scope and with SQL injection strings in every
 * parameter; each is refused and the database is unchanged afterwards. Also:
 * session fixation, reuse after logout, password guessing (429 + Retry-After),
 * oversized headers/bodies/URLs, slowloris, path traversal on static files.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>

#include "hapi.h"
#include "harness.h"
#include "server/server.h"
#include "store/store_records.h"

/* `cwtap serve` with a static directory (DIR/www, see setup_common) and @p extra arguments. */
static void start(struct hapi_server *s, const char *const *extra)
{
    char www[600];
    snprintf(www, sizeof www, "%s/www", s->dir);
    const char *argv[16] = {"--static-dir", www, "--no-access-log"};
    for (size_t i = 0; extra && extra[i] && i < 12; i++)
        argv[3 + i] = extra[i];
    hapi_start(s, s->db, argv);
}

static int setup_common(void **state, const char *db_url)
{
    if (db_url && !*db_url)
        return 0;
    struct hapi_server *s = calloc(1, sizeof *s);
    hapi_db_prepare(s, "access", db_url);
    /* A static directory with one public file, and a secret next to it that must never be served. */
    char p[700];
    h_sh("mkdir -p '%s/www/sdk'", s->dir);
    snprintf(p, sizeof p, "%s/www/sdk/mark.js", s->dir);
    h_write_file(p, "/* mark */\n", 11);
    snprintf(p, sizeof p, "%s/secret.txt", s->dir);
    h_write_file(p, "TOPSECRET\n", 10);
    start(s, NULL);
    *state = s;
    return 0;
}

static int setup_sqlite(void **state)
{
    return setup_common(state, NULL);
}

static int setup_pg(void **state)
{
    const char *pg = getenv("CWTAP_TEST_PG");
    return setup_common(state, pg ? pg : "");
}

static int teardown(void **state)
{
    return hapi_teardown(state);
}

/* ---- accounts and objects ------------------------------------------------------ */

struct account {
    char cookie[320];
    char csrf[160];
    char sess[128];
    char enterprise[40];
    char site[40];
    char eval[40];
    char key_id[40];
    char bearer[200]; /* "Authorization: Bearer ..." */
};

static void take_cookies(const struct hapi_resp *r, struct account *a)
{
    struct hapi_account h;
    hapi_take_cookies(r, &h);
    snprintf(a->sess, sizeof a->sess, "%s", h.session);
    snprintf(a->cookie, sizeof a->cookie, "%s", h.cookie);
    snprintf(a->csrf, sizeof a->csrf, "%s", h.csrf);
}

/* Public signup makes exporters; another kind is set in the store, as an operator would. */
static void signup(const struct hapi_server *s, const char *email, const char *kind, struct account *a)
{
    memset(a, 0, sizeof *a);
    struct hapi_account h;
    hapi_signup(s, email, &h);
    snprintf(a->sess, sizeof a->sess, "%s", h.session);
    snprintf(a->cookie, sizeof a->cookie, "%s", h.cookie);
    snprintf(a->csrf, sizeof a->csrf, "%s", h.csrf);
    snprintf(a->enterprise, sizeof a->enterprise, "%s", h.enterprise);
    if (strcmp(kind, "exporter") != 0)
        hapi_set_kind(s, a->enterprise, kind);
}

/* An exporter with a site, an evaluation and an API key. */
static void populate(const struct hapi_server *s, const char *email, const char *domain, struct account *a)
{
    signup(s, email, "exporter", a);
    const char *h[] = {a->cookie, a->csrf, NULL};
    struct hapi_resp r;
    char body[200];
    snprintf(body, sizeof body, "{\"domain\":\"%s\"}", domain);
    hapi_http(s, "POST", "/v1/sites", body, h, &r);
    hapi_expect(&r, 201, NULL, NULL);
    snprintf(a->site, sizeof a->site, "%s", hapi_json_str(r.json, "id"));
    hapi_resp_free(&r);
    hapi_insert_eval(s, a->site, a->eval, sizeof a->eval);
    hapi_http(s, "POST", "/v1/keys", "{\"name\":\"ci\",\"scopes\":[\"sites\"]}", h, &r);
    hapi_expect(&r, 201, NULL, NULL);
    snprintf(a->key_id, sizeof a->key_id, "%s", hapi_json_str(r.json, "id"));
    snprintf(a->bearer, sizeof a->bearer, "Authorization: Bearer %s", hapi_json_str(r.json, "key"));
    hapi_resp_free(&r);
}

/* ---- a fingerprint of everything stored --------------------------------------- */

struct fp {
    uint64_t h;
    char tables[64][64];
    size_t ntables;
};

static void mix(uint64_t *h, const char *s)
{
    for (; *s; s++)
        *h = (*h ^ (unsigned char)*s) * 1099511628211ull;
    *h = (*h ^ 0xff) * 1099511628211ull;
}

static enum cwt_status on_table(void *ud, const struct cwt__row *row)
{
    struct fp *f = ud;
    if (f->ntables < 64)
        cwt__row_copy(row, 0, f->tables[f->ntables++], 64);
    return CWT_OK;
}

static enum cwt_status on_row(void *ud, const struct cwt__row *row)
{
    uint64_t *h = ud;
    for (size_t i = 0; i < cwt__row_ncols(row); i++)
        mix(h, cwt__row_isnull(row, i) ? "\x01NULL" : cwt__row_text(row, i));
    return CWT_OK;
}

/* Tables whose rows change on any authenticated request (sessions, rate buckets, last-used times) are
 * counted, not hashed. */
static bool volatile_table(const char *t)
{
    return strstr(t, "session") || strstr(t, "api_key") || strstr(t, "rate") || strstr(t, "log") ||
           strstr(t, "audit") || strstr(t, "job");
}

static uint64_t fingerprint(const struct hapi_server *s)
{
    struct cwt__store *st = NULL;
    struct cwt_err err;
    assert_int_equal(cwt__store_open(s->db, NULL, &st, &err), CWT_OK);
    struct fp f = {.h = 14695981039346656037ull};
    const char *list = cwt__store_engine(st) == CWT__ENGINE_SQLITE
                           ? "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name"
                           : "SELECT tablename FROM pg_tables WHERE schemaname='public' ORDER BY tablename";
    assert_int_equal(cwt__store_exec(st, list, NULL, 0, on_table, &f, NULL, &err), CWT_OK);
    for (size_t i = 0; i < f.ntables; i++) {
        char sql[200];
        mix(&f.h, f.tables[i]);
        if (volatile_table(f.tables[i]))
            snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", f.tables[i]);
        else
            snprintf(sql, sizeof sql, "SELECT * FROM %s ORDER BY 1", f.tables[i]);
        assert_int_equal(cwt__store_exec(st, sql, NULL, 0, on_row, &f.h, NULL, &err), CWT_OK);
    }
    cwt__store_free(st);
    return f.h;
}

/* ---- the route matrix ---------------------------------------------------------- */

/* The path of @p pattern with every "{...}" replaced by @p id. */
static void fill(const char *pattern, const char *id, char *out, size_t n)
{
    size_t o = 0;
    for (const char *p = pattern; *p && o + 1 < n;) {
        if (*p == '{') {
            const char *e = strchr(p, '}');
            o += (size_t)snprintf(out + o, n - o, "%s", id);
            p = e ? e + 1 : p + strlen(p);
        } else {
            out[o++] = *p++;
        }
    }
    out[o < n ? o : n - 1] = '\0';
}

/* The object of @p a a pattern's parameter most likely names. */
static const char *object_for(const char *pattern, const struct account *a)
{
    if (strncmp(pattern, "/v1/evaluations/", 16) == 0)
        return a->eval;
    if (strncmp(pattern, "/v1/keys/", 9) == 0)
        return a->key_id;
    if (strncmp(pattern, "/v1/enterprises/", 16) == 0)
        return a->enterprise;
    return a->site;
}

static bool has_param(const char *pattern)
{
    return strchr(pattern, '{') != NULL;
}

static bool is_public(const struct srv_route *r)
{
    return r->auth == SRV_AUTH_NONE;
}

static bool leaks(const struct hapi_resp *r, const struct account *a)
{
    if (!r->body)
        return false;
    return strstr(r->body, a->site) || strstr(r->body, a->eval) || strstr(r->body, a->key_id) ||
           strstr(r->body, "owner-a.example.com") || strstr(r->body, a->bearer + 22);
}

static void test_route_matrix(void **state)
{
    struct hapi_server *s = *state;
    struct account a, b, p;
    populate(s, "owner@example.com", "owner-a.example.com", &a);
    populate(s, "intruder@example.com", "intruder-b.example.com", &b);
    /* A platform enterprise's key carries the scope "platform" only: wrong for user routes. */
    signup(s, "platform@example.com", "platform", &p);
    struct hapi_resp r;
    const char *ph[] = {p.cookie, p.csrf, NULL};
    hapi_http(s, "POST", "/v1/keys", "{\"name\":\"plat\",\"scopes\":[\"platform\"]}", ph, &r);
    hapi_expect(&r, 201, NULL, NULL);
    snprintf(p.bearer, sizeof p.bearer, "Authorization: Bearer %s", hapi_json_str(r.json, "key"));
    hapi_resp_free(&r);

    uint64_t before = fingerprint(s);
    size_t tried = 0;
    for (const struct srv_route *rt = srv_routes; rt->method; rt++) {
        char path[512];
        fill(rt->pattern, object_for(rt->pattern, &a), path, sizeof path);
        const char *body = strcmp(rt->method, "GET") && strcmp(rt->method, "DELETE") ? "{}" : NULL;
        /* Anonymous. */
        if (!is_public(rt)) {
            hapi_http(s, rt->method, path, body, NULL, &r);
            if (r.status != 401 && r.status != 403)
                fail_msg("anonymous %s %s: %ld %s", rt->method, path, r.status, r.body ? r.body : "");
            assert_false(leaks(&r, &a));
            hapi_resp_free(&r);
        }
        /* Another enterprise, by session (with CSRF) and by its own key, on A's objects. */
        if (has_param(rt->pattern)) {
            const char *bs[] = {b.cookie, b.csrf, NULL}, *bk[] = {b.bearer, NULL};
            const char *const *who[] = {bs, bk};
            for (size_t w = 0; w < 2; w++) {
                hapi_http(s, rt->method, path, body, who[w], &r);
                bool ok = r.status == 404 || r.status == 403 || (r.status == 401 && w == 1) ||
                          (r.status == 400 && body) || (is_public(rt) && r.status < 300);
                if (!ok || (!is_public(rt) && leaks(&r, &a)))
                    fail_msg("enterprise B (%s) %s %s: %ld %s", w ? "key" : "session", rt->method, path, r.status,
                             r.body ? r.body : "");
                hapi_resp_free(&r);
            }
        }
        /* A key of the wrong scope. */
        if (!is_public(rt)) {
            const char *pk[] = {p.bearer, NULL};
            hapi_http(s, rt->method, path, body, pk, &r);
            if (r.status != 401 && r.status != 403 && !(rt->auth == SRV_AUTH_SCOPE && rt->scope &&
                                                        strcmp(rt->scope, "platform") == 0))
                fail_msg("wrong-scope key %s %s: %ld %s", rt->method, path, r.status, r.body ? r.body : "");
            assert_false(leaks(&r, &a));
            hapi_resp_free(&r);
        }
        /* A's session without the CSRF token: every write refused. */
        if (!is_public(rt) && strcmp(rt->method, "GET") != 0 && strcmp(rt->method, "HEAD") != 0) {
            const char *nocsrf[] = {a.cookie, NULL};
            hapi_http(s, rt->method, path, body, nocsrf, &r);
            if (r.status != 403)
                fail_msg("no CSRF %s %s: %ld %s", rt->method, path, r.status, r.body ? r.body : "");
            hapi_resp_free(&r);
        }
        tried++;
    }
    assert_true(tried >= 10);
    assert_true(before == fingerprint(s));
    /* A is still whole: its site, evaluation and key work. */
    const char *ak[] = {a.bearer, NULL};
    char path[128];
    snprintf(path, sizeof path, "/v1/sites/%s", a.site);
    hapi_http(s, "GET", path, NULL, ak, &r);
    hapi_expect(&r, 200, NULL, NULL);
    hapi_resp_free(&r);
    snprintf(path, sizeof path, "/v1/evaluations/%s", a.eval);
    hapi_http(s, "GET", path, NULL, ak, &r);
    hapi_expect(&r, 200, NULL, NULL);
    hapi_resp_free(&r);
    /* B's lists never show A's objects. */
    const char *bs[] = {b.cookie, NULL};
    static const char *lists[] = {"/v1/sites", "/v1/keys", "/v1/me"};
    for (size_t i = 0; i < CWT_ARRAY_LEN(lists); i++) {
        hapi_http(s, "GET", lists[i], NULL, bs, &r);
        hapi_expect(&r, 200, NULL, NULL);
        assert_false(leaks(&r, &a));
        hapi_resp_free(&r);
    }
}

/* ---- SQL injection in every parameter ------------------------------------------ */

static const char *const injections[] = {
    "' OR '1'='1", "x'); DROP TABLE sites; --", "1; DELETE FROM users", "\" OR 1=1 --",
    "%' UNION SELECT password_hash FROM users --", "'||(SELECT sqlite_version())||'", "$1", "?",
};

static void test_sql_injection(void **state)
{
    struct hapi_server *s = *state;
    struct account a;
    populate(s, "victim@example.com", "owner-a.example.com", &a);
    uint64_t before = fingerprint(s);
    const char *ah[] = {a.cookie, a.csrf, NULL};
    static const char *const fields[] = {"domain", "name", "email", "password", "enterprise_name", "country",
                                         "kind", "scopes", "method", "token", "cursor"};
    struct hapi_resp r;
    CURL *esc = curl_easy_init();
    for (const struct srv_route *rt = srv_routes; rt->method; rt++) {
        if (strcmp(rt->method, "POST") == 0 && strcmp(rt->pattern, "/v1/logout") == 0)
            continue; /* would end the session the other cases need */
        for (size_t i = 0; i < CWT_ARRAY_LEN(injections); i++) {
            char *q = curl_easy_escape(esc, injections[i], 0);
            char path[1024], tmp[700];
            /* In the path parameter and in the query string. */
            fill(rt->pattern, q, tmp, sizeof tmp);
            snprintf(path, sizeof path, "%s?cursor=%s&limit=%s&q=%s", tmp, q, q, q);
            bool write = strcmp(rt->method, "GET") && strcmp(rt->method, "DELETE") && strcmp(rt->method, "HEAD");
            hapi_http(s, rt->method, path, write ? "{}" : NULL, ah, &r);
            assert_true(r.status >= 200 && r.status < 500);
            hapi_resp_free(&r);
            fill(rt->pattern, a.site, tmp, sizeof tmp);
            snprintf(path, sizeof path, "%s?cursor=%s&limit=%s", tmp, q, q);
            hapi_http(s, rt->method, path, write ? "{}" : NULL, ah, &r);
            assert_true(r.status >= 200 && r.status < 500);
            hapi_resp_free(&r);
            curl_free(q);
            /* In every body field we know of (as the only field: refused or harmless). */
            for (size_t f = 0; write && f < CWT_ARRAY_LEN(fields); f++) {
                json_t *b = json_object();
                json_object_set_new(b, fields[f], json_string(injections[i]));
                char *bs = json_dumps(b, 0);
                hapi_http(s, rt->method, tmp, bs, ah, &r);
                assert_true(r.status >= 200 && r.status < 500);
                if (r.status < 300 && strcmp(rt->pattern, "/v1/sites") == 0)
                    fail_msg("injection accepted as a site: %s", bs);
                hapi_resp_free(&r);
                free(bs);
                json_decref(b);
            }
        }
    }
    curl_easy_cleanup(esc);
    /* Logins with injected e-mails and passwords find nobody. */
    for (size_t i = 0; i < CWT_ARRAY_LEN(injections); i++) {
        json_t *b = json_pack("{s:s,s:s}", "email", injections[i], "password", injections[i]);
        char *bs = json_dumps(b, 0);
        hapi_http(s, "POST", "/v1/login", bs, NULL, &r);
        assert_true(r.status == 400 || r.status == 401);
        hapi_resp_free(&r);
        free(bs);
        json_decref(b);
        b = json_pack("{s:s,s:s}", "email", "victim@example.com", "password", injections[i]);
        bs = json_dumps(b, 0);
        hapi_http(s, "POST", "/v1/login", bs, NULL, &r);
        assert_true(r.status == 400 || r.status == 401);
        hapi_resp_free(&r);
        free(bs);
        json_decref(b);
    }
    assert_true(before == fingerprint(s));
    char path[128];
    snprintf(path, sizeof path, "/v1/sites/%s", a.site);
    hapi_http(s, "GET", path, NULL, ah, &r);
    hapi_expect(&r, 200, NULL, NULL);
    hapi_resp_free(&r);
}

/* ---- sessions ---------------------------------------------------------------- */

static void test_session_fixation_and_logout(void **state)
{
    struct hapi_server *s = *state;
    struct account a, fixed;
    signup(s, "fix@example.com", "exporter", &a);
    struct hapi_resp r;
    /* The victim logs in carrying a session cookie the attacker planted: the server issues a new one. */
    const char *planted[] = {"Cookie: cwtap_session=attackerchosen0123456789abcdef; cwtap_csrf=x", NULL};
    hapi_http(s, "POST", "/v1/login", "{\"email\":\"fix@example.com\",\"password\":\"long enough pw\"}", planted, &r);
    hapi_expect(&r, 200, NULL, NULL);
    take_cookies(&r, &fixed);
    assert_string_not_equal(fixed.sess, "attackerchosen0123456789abcdef");
    assert_string_not_equal(fixed.sess, a.sess); /* a login never reuses an earlier session */
    hapi_resp_free(&r);
    hapi_http(s, "GET", "/v1/me", NULL, planted, &r);
    hapi_expect(&r, 401, NULL, NULL);
    hapi_resp_free(&r);
    /* Both sessions work; logging out of one ends that one, and its token is dead everywhere. */
    const char *h1[] = {fixed.cookie, NULL}, *w1[] = {fixed.cookie, fixed.csrf, NULL};
    hapi_http(s, "GET", "/v1/me", NULL, h1, &r);
    hapi_expect(&r, 200, NULL, NULL);
    hapi_resp_free(&r);
    hapi_http(s, "POST", "/v1/logout", NULL, w1, &r);
    hapi_expect(&r, 204, NULL, NULL);
    hapi_resp_free(&r);
    hapi_http(s, "GET", "/v1/me", NULL, h1, &r);
    hapi_expect(&r, 401, NULL, NULL);
    hapi_resp_free(&r);
    hapi_http(s, "POST", "/v1/sites", "{\"domain\":\"after-logout.example.com\"}", w1, &r);
    hapi_expect(&r, 401, NULL, NULL);
    hapi_resp_free(&r);
    hapi_http(s, "POST", "/v1/logout", NULL, w1, &r); /* a second logout of a dead session */
    hapi_expect(&r, 401, NULL, NULL);
    hapi_resp_free(&r);
    const char *h0[] = {a.cookie, NULL};
    hapi_http(s, "GET", "/v1/me", NULL, h0, &r);
    hapi_expect(&r, 200, NULL, NULL);
    hapi_resp_free(&r);
    /* The session token taken as a CSRF token, or the CSRF token as a session, gets nowhere. */
    char swapped[400], hdr[200];
    snprintf(swapped, sizeof swapped, "Cookie: cwtap_session=%s", a.csrf + 14);
    snprintf(hdr, sizeof hdr, "X-CSRF-Token: %s", a.sess);
    const char *sw[] = {swapped, hdr, NULL};
    hapi_http(s, "POST", "/v1/sites", "{\"domain\":\"swap.example.com\"}", sw, &r);
    assert_true(r.status == 401 || r.status == 403);
    hapi_resp_free(&r);
}

/* Password guessing with the default login rate: throttled with 429 and Retry-After, across e-mails. */
static void test_password_guessing(void **state)
{
    struct hapi_server *s = *state;
    struct account a;
    signup(s, "guess@example.com", "exporter", &a);
    hapi_stop(s);
    const char *extra[] = {"--rate-login", "0.2/5", NULL};
    start(s, extra);
    struct hapi_resp r;
    int refused = 0, limited = 0;
    char ra[16] = "";
    for (int i = 0; i < 12; i++) {
        char body[200];
        snprintf(body, sizeof body, "{\"email\":\"guess@example.com\",\"password\":\"guess number %d\"}", i);
        hapi_http(s, "POST", "/v1/login", body, NULL, &r);
        if (r.status == 401)
            refused++;
        else if (r.status == 429) {
            limited++;
            assert_true(hapi_header(&r, "Retry-After", ra, sizeof ra));
            assert_true(atoi(ra) >= 1);
        } else
            fail_msg("guess %d: %ld %s", i, r.status, r.body ? r.body : "");
        hapi_resp_free(&r);
    }
    assert_true(refused <= 6);
    assert_true(limited >= 6);
    /* Spreading guesses over many e-mails from one address is throttled as well. */
    limited = 0;
    for (int i = 0; i < 8; i++) {
        char body[200];
        snprintf(body, sizeof body, "{\"email\":\"other%d@example.com\",\"password\":\"guess\"}", i);
        hapi_http(s, "POST", "/v1/login", body, NULL, &r);
        limited += r.status == 429;
        hapi_resp_free(&r);
    }
    assert_true(limited >= 6);
}

/* ---- hostile clients ------------------------------------------------------------ */

static bool refused_4xx(const struct hapi_resp *r)
{
    return r->rc == CURLE_OK && r->status >= 400 && r->status < 500;
}

static void test_oversized(void **state)
{
    struct hapi_server *s = *state;
    struct hapi_resp r;
    size_t big = 64 * 1024;
    char *h = malloc(big + 32);
    snprintf(h, 32, "X-Big: ");
    memset(h + 7, 'a', big);
    h[7 + big] = '\0';
    const char *hdrs[] = {h, NULL};
    hapi_http_raw(s, "GET", "/healthz", NULL, hdrs, &r);
    if (!refused_4xx(&r))
        fail_msg("64 KiB header: %s %ld", curl_easy_strerror(r.rc), r.status);
    hapi_resp_free(&r);
    /* Many small headers adding up. */
    const char *many[401];
    char (*hb)[64] = calloc(400, 64);
    for (int i = 0; i < 400; i++) {
        snprintf(hb[i], 64, "X-H%d: %040d", i, i);
        many[i] = hb[i];
    }
    many[400] = NULL;
    hapi_http_raw(s, "GET", "/healthz", NULL, many, &r);
    if (!refused_4xx(&r))
        fail_msg("400 headers: %s %ld", curl_easy_strerror(r.rc), r.status);
    hapi_resp_free(&r);
    free(hb);
    /* A 64 KiB URL. */
    char *u = malloc(big + 32);
    snprintf(u, 32, "/v1/sites/");
    memset(u + 10, 'b', big);
    u[10 + big] = '\0';
    hapi_http_raw(s, "GET", u, NULL, NULL, &r);
    if (!refused_4xx(&r))
        fail_msg("64 KiB URL: %s %ld", curl_easy_strerror(r.rc), r.status);
    hapi_resp_free(&r);
    /* A 4 MiB body (anonymous and unauthenticated routes alike). */
    size_t bb = 4u << 20;
    char *body = malloc(bb + 64);
    snprintf(body, 64, "{\"enterprise_name\":\"");
    memset(body + 19, 'c', bb);
    snprintf(body + 19 + bb, 8, "\"}");
    hapi_http_raw(s, "POST", "/v1/signup", body, NULL, &r);
    if (!refused_4xx(&r))
        fail_msg("4 MiB body: %s %ld", curl_easy_strerror(r.rc), r.status);
    hapi_resp_free(&r);
    free(body);
    free(u);
    free(h);
    /* And the server still serves. */
    hapi_http(s, "GET", "/healthz", NULL, NULL, &r);
    hapi_expect(&r, 200, NULL, NULL);
    hapi_resp_free(&r);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Many connections, from another loopback address, each trickling its headers a byte at a time: a normal
 * client is still answered within a second each time. */
static void test_slowloris(void **state)
{
    struct hapi_server *s = *state;
    enum { N = 300 };
    int fds[N];
    size_t open_ok = 0;
    for (int i = 0; i < N; i++) {
        fds[i] = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in src = {.sin_family = AF_INET}, dst = {.sin_family = AF_INET};
        inet_pton(AF_INET, "127.0.0.2", &src.sin_addr);
        inet_pton(AF_INET, "127.0.0.1", &dst.sin_addr);
        dst.sin_port = htons((uint16_t)s->port);
        if (fds[i] < 0 || bind(fds[i], (struct sockaddr *)&src, sizeof src) != 0 ||
            connect(fds[i], (struct sockaddr *)&dst, sizeof dst) != 0) {
            if (fds[i] >= 0)
                close(fds[i]);
            fds[i] = -1;
            continue;
        }
        fcntl(fds[i], F_SETFL, O_NONBLOCK);
        open_ok++;
        (void)!send(fds[i], "GET /healthz HTTP/1.1\r\nHost: x\r\n", 32, MSG_NOSIGNAL);
    }
    assert_true(open_ok > N / 2);
    const char trickle[] = "X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    for (size_t step = 0; step < 5; step++) {
        for (int i = 0; i < N; i++)
            if (fds[i] >= 0)
                (void)!send(fds[i], &trickle[step % (sizeof trickle - 1)], 1, MSG_NOSIGNAL);
        double t0 = now_s();
        struct hapi_resp r;
        hapi_http(s, "GET", "/healthz", NULL, NULL, &r);
        double dt = now_s() - t0;
        hapi_expect(&r, 200, NULL, NULL);
        hapi_resp_free(&r);
        if (dt > 1.0)
            fail_msg("a normal client waited %.2f s behind %zu slow ones", dt, open_ok);
        struct timespec ts = {1, 0};
        nanosleep(&ts, NULL);
    }
    for (int i = 0; i < N; i++)
        if (fds[i] >= 0)
            close(fds[i]);
}

static void test_static_traversal(void **state)
{
    struct hapi_server *s = *state;
    struct hapi_resp r;
    hapi_http(s, "GET", "/sdk/mark.js", NULL, NULL, &r);
    hapi_expect(&r, 200, NULL, NULL);
    assert_non_null(strstr(r.body, "mark"));
    hapi_resp_free(&r);
    static const char *paths[] = {
        "/../secret.txt", "/sdk/../../secret.txt", "/%2e%2e/secret.txt", "/sdk/%2e%2e/%2e%2e/secret.txt",
        "/sdk/..%2f..%2fsecret.txt", "/..%5csecret.txt", "/sdk/%252e%252e/secret.txt", "//etc/passwd",
        "/sdk/./../../../../../../etc/passwd", "/.%2e/secret.txt", "/sdk/..;/../secret.txt",
    };
    for (size_t i = 0; i < CWT_ARRAY_LEN(paths); i++) {
        hapi_http(s, "GET", paths[i], NULL, NULL, &r);
        if (!(r.status >= 400 && r.status < 500) || (r.body && (strstr(r.body, "TOPSECRET") || strstr(r.body, "root:"))))
            fail_msg("%s: %ld %s", paths[i], r.status, r.body ? r.body : "");
        hapi_resp_free(&r);
    }
    /* libmicrohttpd would decode %00 and hand over the path cut there: the request is refused instead. */
    hapi_http(s, "GET", "/sdk/mark.js%00/../../secret.txt", NULL, NULL, &r);
    hapi_expect(&r, 400, NULL, NULL);
    assert_true(!r.body || !strstr(r.body, "TOPSECRET"));
    hapi_resp_free(&r);
}

/* Sends @p req as is on a new connection; the reply's status line ("" when none) into @p line. */
static void raw_request(const struct hapi_server *s, const char *req, size_t len, char *line, size_t n)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in dst = {.sin_family = AF_INET, .sin_port = htons((uint16_t)s->port)};
    inet_pton(AF_INET, "127.0.0.1", &dst.sin_addr);
    assert_int_equal(connect(fd, (struct sockaddr *)&dst, sizeof dst), 0);
    assert_int_equal(send(fd, req, len, MSG_NOSIGNAL), (ssize_t)len);
    char buf[512];
    ssize_t got = recv(fd, buf, sizeof buf - 1, 0);
    buf[got > 0 ? got : 0] = '\0';
    snprintf(line, n, "%.*s", (int)strcspn(buf, "\r\n"), buf);
    close(fd);
}

/*
 * Control bytes in the request target (percent-encoded or raw) are refused with 400 naming the path or
 * the query, before routing, on plain and streamed routes alike; nothing is cut off and served, and
 * "%2500" (a literal "%00") is no control byte.
 */
static void test_control_bytes(void **state)
{
    struct hapi_server *s = *state;
    struct account a;
    populate(s, "ctl@example.com", "ctl.example.com", &a);
    const char *h[] = {a.cookie, a.csrf, NULL};
    static const struct { const char *method, *path, *field; } cases[] = {
        {"GET", "/v1/registry%00/x", "path"},
        {"GET", "/v1/registry?industry=valves%00", "query"},
        {"GET", "/v1/registry?page=%0d%0aX-Injected:%201", "query"},
        {"GET", "/v1/registry?q=%7F", "query"},
        {"GET", "/v1/badge/ctl.example.com%09", "path"},
        {"GET", "/v1/sites/{id}%00junk", "path"},
        {"POST", "/v1/sites/{id}/uploads/customs%00", "path"},
        {"POST", "/v1/platform/events%00", "path"},
    };
    uint64_t before = fingerprint(s);
    for (size_t i = 0; i < CWT_ARRAY_LEN(cases); i++) {
        char path[200];
        fill(cases[i].path, a.site, path, sizeof path);
        struct hapi_resp r;
        hapi_http(s, cases[i].method, path, strcmp(cases[i].method, "POST") == 0 ? "{\"x\":1}" : NULL, h, &r);
        if (r.status != 400)
            fail_msg("%s %s: %ld %s", cases[i].method, path, r.status, r.body ? r.body : "");
        json_t *e = json_object_get(r.json, "error");
        assert_string_equal(hapi_json_str(e, "code"), "invalid");
        assert_string_equal(hapi_json_str(e, "field"), cases[i].field);
        assert_non_null(strstr(hapi_json_str(e, "message"), "control byte"));
        hapi_resp_free(&r);
    }
    assert_true(fingerprint(s) == before);
    /* A literal "%00" in a query value (sent as %2500) is ordinary text. */
    struct hapi_resp r;
    hapi_http(s, "GET", "/v1/registry?q=%2500", NULL, NULL, &r);
    hapi_expect(&r, 200, NULL, NULL);
    hapi_resp_free(&r);
    /* Raw control bytes in the request line: 400 too (from libmicrohttpd or from us). */
    static const char raw1[] = "GET /v1/registry?q=a\x01b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    static const char raw2[] = "GET /healthz\x7f HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    char line[200];
    raw_request(s, raw1, sizeof raw1 - 1, line, sizeof line);
    if (strncmp(line, "HTTP/1.1 400", 12) != 0)
        fail_msg("raw 0x01 in the query: '%s'", line);
    raw_request(s, raw2, sizeof raw2 - 1, line, sizeof line);
    if (strncmp(line, "HTTP/1.1 400", 12) != 0)
        fail_msg("raw 0x7f in the path: '%s'", line);
    hapi_http(s, "GET", "/healthz", NULL, NULL, &r);
    hapi_expect(&r, 200, NULL, NULL);
    hapi_resp_free(&r);
}

#define ACCESS_TESTS(setup)                                                                 \
    cmocka_unit_test_setup_teardown(test_route_matrix, setup, teardown),                    \
    cmocka_unit_test_setup_teardown(test_sql_injection, setup, teardown),                   \
    cmocka_unit_test_setup_teardown(test_session_fixation_and_logout, setup, teardown),     \
    cmocka_unit_test_setup_teardown(test_password_guessing, setup, teardown),               \
    cmocka_unit_test_setup_teardown(test_oversized, setup, teardown),                       \
    cmocka_unit_test_setup_teardown(test_slowloris, setup, teardown),                       \
    cmocka_unit_test_setup_teardown(test_static_traversal, setup, teardown),                \
    cmocka_unit_test_setup_teardown(test_control_bytes, setup, teardown)

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest sqlite[] = {ACCESS_TESTS(setup_sqlite)};
    int rc = cmocka_run_group_tests_name("access (sqlite)", sqlite, NULL, NULL);
    if (getenv("CWTAP_TEST_PG") && *getenv("CWTAP_TEST_PG")) {
        const struct CMUnitTest pg[] = {ACCESS_TESTS(setup_pg)};
        rc |= cmocka_run_group_tests_name("access (postgresql)", pg, NULL, NULL);
    }
    curl_global_cleanup();
    return rc;
}
