/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Integration test of the REST API over real HTTP (libcurl) against a real
 * `cwtap serve` subprocess on 127.0.0.1, on SQLite and, when CWTAP_TEST_PG is
 * set, on PostgreSQL. Covers accounts, sessions and CSRF, ownership (no
 * enterprise sees another's site, evaluation or key), bad input (each refusal
 * names the field and changes nothing stored), ETags, pagination, API keys,
 * rate limits, hostile headers and paths, and the graceful stop on SIGTERM.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <curl/curl.h>
#include <jansson.h>

#include "harness.h"
#include "store/store_records.h"

struct server {
    char *dir;
    char db[512];
    pid_t pid;
    int port;
};

struct resp {
    long status;
    char *body;
    size_t len;
    char headers[8192];
    json_t *json;
};

static size_t on_body(char *p, size_t sz, size_t n, void *ud)
{
    struct resp *r = ud;
    char *nb = realloc(r->body, r->len + sz * n + 1);
    if (!nb)
        return 0;
    memcpy(nb + r->len, p, sz * n);
    r->len += sz * n;
    nb[r->len] = '\0';
    r->body = nb;
    return sz * n;
}

static size_t on_header(char *p, size_t sz, size_t n, void *ud)
{
    struct resp *r = ud;
    size_t l = strlen(r->headers);
    snprintf(r->headers + l, sizeof r->headers - l, "%.*s", (int)(sz * n), p);
    return sz * n;
}

static void resp_free(struct resp *r)
{
    free(r->body);
    json_decref(r->json);
    memset(r, 0, sizeof *r);
}

/* One request; extra headers as "Name: value" strings, NULL-terminated. */
static void http(const struct server *s, const char *method, const char *path, const char *body,
                 const char *const *hdrs, struct resp *r)
{
    memset(r, 0, sizeof *r);
    CURL *c = curl_easy_init();
    char url[1024];
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", s->port, path);
    struct curl_slist *hl = NULL;
    bool has_ct = false;
    for (size_t i = 0; hdrs && hdrs[i]; i++) {
        hl = curl_slist_append(hl, hdrs[i]);
        has_ct |= strncasecmp(hdrs[i], "Content-Type:", 13) == 0;
    }
    if (body && !has_ct)
        hl = curl_slist_append(hl, "Content-Type: application/json");
    hl = curl_slist_append(hl, "Expect:");
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    if (strcmp(method, "HEAD") == 0)
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
    CURLcode rc = curl_easy_perform(c);
    if (rc != CURLE_OK)
        fail_msg("%s %s: %s", method, path, curl_easy_strerror(rc));
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
    if (r->body)
        r->json = json_loads(r->body, 0, NULL);
    curl_slist_free_all(hl);
    curl_easy_cleanup(c);
}

/* The value of response header @p name (case-insensitive), copied into @p out; false when absent. */
static bool header(const struct resp *r, const char *name, char *out, size_t n)
{
    size_t l = strlen(name);
    for (const char *p = r->headers; (p = strcasestr(p, name)); p += l) {
        if ((p == r->headers || p[-1] == '\n') && p[l] == ':') {
            const char *v = p + l + 1;
            while (*v == ' ')
                v++;
            size_t vl = strcspn(v, "\r\n");
            snprintf(out, n, "%.*s", (int)vl, v);
            return true;
        }
    }
    return false;
}

static const char *err_field(const struct resp *r)
{
    json_t *f = json_object_get(json_object_get(r->json, "error"), "field");
    return json_is_string(f) ? json_string_value(f) : "";
}

static const char *err_code(const struct resp *r)
{
    const char *c = json_string_value(json_object_get(json_object_get(r->json, "error"), "code"));
    return c ? c : "";
}

static const char *jstr(const struct resp *r, const char *key)
{
    const char *v = json_string_value(json_object_get(r->json, key));
    return v ? v : "";
}

static void expect(const struct resp *r, long status, const char *code, const char *field)
{
    if (r->status != status)
        fail_msg("status %ld, want %ld: %s", r->status, status, r->body ? r->body : "");
    if (code)
        assert_string_equal(err_code(r), code);
    if (field)
        assert_string_equal(err_field(r), field);
}

/* ---- the server subprocess ---------------------------------------------------- */

static void start(struct server *s, const char *db, const char *const *extra)
{
    char portfile[600], log[600];
    snprintf(portfile, sizeof portfile, "%s/port", s->dir);
    snprintf(log, sizeof log, "%s/serve.log", s->dir);
    unlink(portfile);
    const char *argv[32] = {getenv("CWTAP_BIN"), "serve", "--listen", "127.0.0.1:0", "--db", db, "--port-file",
                            portfile, "--insecure-cookies", "--pwhash-cost", "min", "--rate-ip", "1000/2000",
                            "--rate-login", "1000/1000", "--threads", "4"};
    size_t n = 17;
    for (size_t i = 0; extra && extra[i] && n < 30; i++)
        argv[n++] = extra[i];
    argv[n] = NULL;
    s->pid = fork();
    if (s->pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
        dup2(fd, 2);
        dup2(fd, 1);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    for (int i = 0; i < 300; i++) {
        char *p = h_read_file(portfile, NULL);
        if (p) {
            s->port = atoi(p);
            free(p);
            return;
        }
        int st;
        if (waitpid(s->pid, &st, WNOHANG) == s->pid) {
            char *l = h_read_file(log, NULL);
            fail_msg("cwtap serve exited: %s", l ? l : "");
        }
        struct timespec ts = {0, 50 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    fail_msg("cwtap serve did not start");
}

/* SIGTERM; returns the exit status. */
static int stop(struct server *s)
{
    if (s->pid <= 0)
        return -1;
    kill(s->pid, SIGTERM);
    int st = 0;
    for (int i = 0; i < 400; i++) {
        if (waitpid(s->pid, &st, WNOHANG) == s->pid) {
            s->pid = 0;
            return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        }
        struct timespec ts = {0, 50 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    kill(s->pid, SIGKILL);
    waitpid(s->pid, &st, 0);
    s->pid = 0;
    return -1;
}

static int setup_common(void **state, const char *db_url)
{
    struct server *s = calloc(1, sizeof *s);
    s->dir = h_tempdir("api");
    if (db_url) {
        snprintf(s->db, sizeof s->db, "%s", db_url);
        struct cwt__store *st = NULL;
        struct cwt_err err;
        if (cwt__store_open(s->db, NULL, &st, &err) != CWT_OK)
            return -1;
        cwt__store_exec(st, "DROP SCHEMA public CASCADE", NULL, 0, NULL, NULL, NULL, &err);
        cwt__store_exec(st, "CREATE SCHEMA public", NULL, 0, NULL, NULL, NULL, &err);
        cwt__store_free(st);
    } else {
        snprintf(s->db, sizeof s->db, "sqlite:%s/api.db", s->dir);
    }
    start(s, s->db, NULL);
    *state = s;
    return 0;
}

static int setup_sqlite(void **state)
{
    return setup_common(state, NULL);
}

static int setup_pg(void **state)
{
    return setup_common(state, getenv("CWTAP_TEST_PG"));
}

static int teardown(void **state)
{
    struct server *s = *state;
    int rc = stop(s); /* 0 only after a clean, leak-free (LeakSanitizer) exit */
    if (rc != 0) {
        char log[600];
        snprintf(log, sizeof log, "%s/serve.log", s->dir);
        char *l = h_read_file(log, NULL);
        fprintf(stderr, "cwtap serve exited with %d:\n%s\n", rc, l ? l : "");
        free(l);
    }
    h_rmtree(s->dir);
    free(s->dir);
    free(s);
    return rc == 0 ? 0 : -1;
}

/* ---- accounts ---------------------------------------------------------------- */

struct account {
    char cookie[320];     /* "Cookie: cwtap_session=...; cwtap_csrf=..." */
    char csrf[160];       /* "X-CSRF-Token: ..." */
    char enterprise[40];
};

static void signup(const struct server *s, const char *email, struct account *a)
{
    char body[512];
    struct resp r;
    snprintf(body, sizeof body, "{\"enterprise_name\":\"Ent %s\",\"email\":\"%s\",\"password\":\"long enough pw\","
             "\"country\":\"CN\"}", email, email);
    http(s, "POST", "/v1/signup", body, NULL, &r);
    expect(&r, 201, NULL, NULL);
    char sess[128] = "", csrf[128] = "";
    for (const char *p = r.headers; (p = strcasestr(p, "Set-Cookie: ")); p += 12) {
        const char *v = p + 12;
        if (strncmp(v, "cwtap_session=", 14) == 0) {
            snprintf(sess, sizeof sess, "%.*s", (int)strcspn(v + 14, ";"), v + 14);
            assert_non_null(strstr(v, "HttpOnly"));
            assert_non_null(strstr(v, "SameSite=Strict"));
        } else if (strncmp(v, "cwtap_csrf=", 11) == 0) {
            snprintf(csrf, sizeof csrf, "%.*s", (int)strcspn(v + 11, ";"), v + 11);
        }
    }
    assert_true(sess[0] && csrf[0]);
    assert_string_equal(csrf, jstr(&r, "csrf_token"));
    snprintf(a->cookie, sizeof a->cookie, "Cookie: cwtap_session=%s; cwtap_csrf=%s", sess, csrf);
    snprintf(a->csrf, sizeof a->csrf, "X-CSRF-Token: %s", csrf);
    snprintf(a->enterprise, sizeof a->enterprise, "%s",
             json_string_value(json_object_get(json_object_get(r.json, "enterprise"), "id")));
    resp_free(&r);
}

static int64_t count_rows(const struct server *s, const char *table)
{
    struct cwt__store *st = NULL;
    struct cwt_err err;
    int64_t n = -1;
    char sql[128];
    assert_int_equal(cwt__store_open(s->db, NULL, &st, &err), CWT_OK);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
    assert_int_equal(cwt__store_exec(st, sql, NULL, 0, cwt__row_get_int, &n, NULL, &err), CWT_OK);
    cwt__store_free(st);
    return n;
}

static void test_health(void **state)
{
    struct server *s = *state;
    struct resp r;
    http(s, "GET", "/healthz", NULL, NULL, &r);
    expect(&r, 200, NULL, NULL);
    resp_free(&r);
    http(s, "GET", "/readyz", NULL, NULL, &r);
    expect(&r, 200, NULL, NULL);
    assert_string_equal(jstr(&r, "engine"), strncmp(s->db, "sqlite:", 7) == 0 ? "sqlite" : "postgresql");
    resp_free(&r);
    http(s, "GET", "/v1/openapi.yaml", NULL, NULL, &r);
    expect(&r, 200, NULL, NULL);
    assert_non_null(strstr(r.body, "openapi: 3.1"));
    resp_free(&r);
    http(s, "GET", "/metrics", NULL, NULL, &r);
    expect(&r, 200, NULL, NULL);
    assert_non_null(strstr(r.body, "cwtap_http_requests_total{method=\"GET\",route=\"/healthz\",code=\"2xx\"} 1"));
    resp_free(&r);
    http(s, "GET", "/v1/nothing-here", NULL, NULL, &r);
    expect(&r, 404, "not_found", NULL);
    resp_free(&r);
    http(s, "DELETE", "/v1/signup", NULL, NULL, &r);
    expect(&r, 405, "method_not_allowed", NULL);
    resp_free(&r);
}

static void test_bad_input_changes_nothing(void **state)
{
    struct server *s = *state;
    struct account a;
    signup(s, "bad@example.com", &a);
    int64_t ents = count_rows(s, "enterprises"), users = count_rows(s, "users"), sites = count_rows(s, "sites");
    static const struct {
        const char *path, *body, *ctype;
        long status;
        const char *field;
    } cases[] = {
        {"/v1/signup", "{\"enterprise_name\":\"x\",", NULL, 400, "byte 23"},
        {"/v1/signup", "{\"enterprise_name\":1,\"email\":\"a@b.co\",\"password\":\"0123456789\"}", NULL, 400,
         "enterprise_name"},
        {"/v1/signup", "{\"enterprise_name\":\"x\",\"email\":\"a@b.co\",\"password\":\"0123456789\",\"admin\":true}",
         NULL, 400, "admin"},
        {"/v1/signup", "{\"enterprise_name\":\"x\",\"password\":\"0123456789\"}", NULL, 400, "email"},
        {"/v1/signup", "{\"enterprise_name\":\"x\",\"email\":\"not-an-email\",\"password\":\"0123456789\"}", NULL,
         400, "email"},
        {"/v1/signup", "{\"enterprise_name\":\"x\",\"email\":\"a@b.co\",\"password\":\"short\"}", NULL, 400,
         "password"},
        {"/v1/signup", "{\"enterprise_name\":\"x\",\"email\":\"a@b.co\",\"password\":\"0123456789\",\"country\":\"cn\"}",
         NULL, 400, "country"},
        {"/v1/signup", "{\"enterprise_name\":\"x\",\"email\":\"bad@example.com\",\"password\":\"0123456789\"}", NULL,
         409, "email"},
        {"/v1/signup", "{\"enterprise_name\":\"x\",\"email\":\"a@b.co\",\"password\":\"0123456789\"}", "text/plain",
         415, "Content-Type"},
        {"/v1/signup", "[]", NULL, 400, NULL},
        {"/v1/sites", "{\"domain\":\"x'); DROP TABLE sites; --\"}", NULL, 400, "domain"},
        {"/v1/sites", "{\"domain\":\"127.0.0.1\"}", NULL, 400, "domain"},
        {"/v1/sites", "{\"domain\":[\"a.com\"]}", NULL, 400, "domain"},
        {"/v1/sites", "{\"domain\":\"co.uk\"}", NULL, 400, "domain"},
    };
    for (size_t i = 0; i < CWT_ARRAY_LEN(cases); i++) {
        char ct[64];
        snprintf(ct, sizeof ct, "Content-Type: %s", cases[i].ctype ? cases[i].ctype : "application/json");
        const char *hdrs[] = {a.cookie, a.csrf, ct, NULL};
        struct resp r;
        http(s, "POST", cases[i].path, cases[i].body, hdrs, &r);
        if (r.status != cases[i].status)
            fail_msg("case %zu: status %ld, want %ld: %s", i, r.status, cases[i].status, r.body);
        assert_non_null(json_object_get(json_object_get(r.json, "error"), "message"));
        if (cases[i].field)
            assert_string_equal(err_field(&r), cases[i].field);
        resp_free(&r);
    }
    /* An oversized body: 413, and the connection's server keeps serving. */
    size_t big = 200 * 1024;
    char *body = malloc(big + 64);
    snprintf(body, 64, "{\"domain\":\"");
    memset(body + strlen(body), 'a', big);
    snprintf(body + 11 + big, 8, "\"}");
    const char *hdrs[] = {a.cookie, a.csrf, NULL};
    struct resp r;
    http(s, "POST", "/v1/sites", body, hdrs, &r);
    expect(&r, 413, "too_large", NULL);
    resp_free(&r);
    free(body);
    /* A declared length past the cap is answered at once, without sending the body. */
    {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)s->port)};
        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
        static const char req[] = "POST /v1/signup HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                  "Content-Length: 1000000000\r\n\r\n{\"a\":";
        assert_true(write(fd, req, strlen(req)) == (ssize_t)strlen(req));
        struct timeval tv = {10, 0};
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        char buf[2048];
        ssize_t got = read(fd, buf, sizeof buf - 1);
        assert_true(got > 12);
        buf[got] = '\0';
        if (strncmp(buf, "HTTP/1.1 413", 12) != 0)
            fail_msg("a 1 GB declared body got: %.100s", buf);
        close(fd);
    }
    /* An oversized header: refused, and the server still answers. */
    char *hh = malloc(64 * 1024);
    snprintf(hh, 16, "X-Big: ");
    memset(hh + 7, 'b', 60 * 1024);
    hh[7 + 60 * 1024] = '\0';
    const char *bigh[] = {hh, NULL};
    http(s, "GET", "/healthz", NULL, bigh, &r);
    assert_true(r.status >= 400 && r.status < 500);
    resp_free(&r);
    free(hh);
    http(s, "GET", "/healthz", NULL, NULL, &r);
    expect(&r, 200, NULL, NULL);
    resp_free(&r);
    assert_int_equal(count_rows(s, "enterprises"), ents);
    assert_int_equal(count_rows(s, "users"), users);
    assert_int_equal(count_rows(s, "sites"), sites);
}

static void test_sessions_and_csrf(void **state)
{
    struct server *s = *state;
    struct account a;
    struct resp r;
    signup(s, "sess@example.com", &a);
    const char *no_csrf[] = {a.cookie, NULL};
    http(s, "POST", "/v1/sites", "{\"domain\":\"csrf.example.com\"}", no_csrf, &r);
    expect(&r, 403, "csrf", "X-CSRF-Token");
    resp_free(&r);
    const char *wrong[] = {a.cookie, "X-CSRF-Token: AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", NULL};
    http(s, "POST", "/v1/sites", "{\"domain\":\"csrf.example.com\"}", wrong, &r);
    expect(&r, 403, "csrf", NULL);
    resp_free(&r);
    assert_int_equal(count_rows(s, "sites"), 0);
    const char *ok[] = {a.cookie, a.csrf, NULL};
    http(s, "POST", "/v1/sites", "{\"domain\":\"csrf.example.com\"}", ok, &r);
    expect(&r, 201, NULL, NULL);
    resp_free(&r);
    /* Login: a wrong password is 401 and names no field; the right one gives a new session. */
    http(s, "POST", "/v1/login", "{\"email\":\"sess@example.com\",\"password\":\"wrong password\"}", NULL, &r);
    expect(&r, 401, "unauthorized", "");
    resp_free(&r);
    http(s, "POST", "/v1/login", "{\"email\":\"SESS@example.com\",\"password\":\"long enough pw\"}", NULL, &r);
    expect(&r, 200, NULL, NULL);
    resp_free(&r);
    http(s, "GET", "/v1/me", NULL, no_csrf, &r);
    expect(&r, 200, NULL, NULL);
    assert_string_equal(jstr(&r, "auth"), "session");
    resp_free(&r);
    /* Logout ends the session: the same cookie is refused afterwards. */
    http(s, "POST", "/v1/logout", NULL, ok, &r);
    expect(&r, 204, NULL, NULL);
    resp_free(&r);
    http(s, "GET", "/v1/me", NULL, no_csrf, &r);
    expect(&r, 401, "unauthorized", NULL);
    resp_free(&r);
    /* A made-up session token is refused too (fixation). */
    const char *fixed[] = {"Cookie: cwtap_session=attacker-chosen-token", NULL};
    http(s, "GET", "/v1/me", NULL, fixed, &r);
    expect(&r, 401, NULL, NULL);
    resp_free(&r);
}

static void insert_eval(const struct server *s, const char *site_id, char id_out[32])
{
    struct cwt__store *st = NULL;
    struct cwt_err err;
    assert_int_equal(cwt__store_open(s->db, NULL, &st, &err), CWT_OK);
    struct cwt__evaluation ev = {0};
    cwt__store_new_id("v_", ev.id);
    snprintf(ev.site_id, sizeof ev.site_id, "%s", site_id);
    ev.at = 1780000000;
    snprintf(ev.model_version, sizeof ev.model_version, "test-1");
    ev.total = 77.5;
    snprintf(ev.grade, sizeof ev.grade, "C");
    ev.report = (char *)"{\"total\":77.5}";
    assert_int_equal(cwt__store_eval_insert(st, &ev, &err), CWT_OK);
    snprintf(id_out, 32, "%s", ev.id);
    cwt__store_free(st);
}

static void mark_verified(const struct server *s, const char *ent, const char *site_id)
{
    struct cwt__store *st = NULL;
    struct cwt_err err;
    assert_int_equal(cwt__store_open(s->db, NULL, &st, &err), CWT_OK);
    assert_int_equal(cwt__store_site_set_verified(st, ent, site_id, "dns", 1780000000, &err), CWT_OK);
    cwt__store_free(st);
}

static void test_ownership(void **state)
{
    struct server *s = *state;
    struct account a, b;
    struct resp r;
    signup(s, "owner@example.com", &a);
    signup(s, "intruder@example.com", &b);
    const char *ah[] = {a.cookie, a.csrf, NULL}, *bh[] = {b.cookie, b.csrf, NULL};
    http(s, "POST", "/v1/sites", "{\"domain\":\"https://Shop.Owner-Example.com/\"}", ah, &r);
    expect(&r, 201, NULL, NULL);
    char site[40], loc[128];
    snprintf(site, sizeof site, "%s", jstr(&r, "id"));
    assert_string_equal(jstr(&r, "domain"), "shop.owner-example.com");
    json_t *sdk = json_object_get(r.json, "sdk");
    assert_non_null(strstr(json_string_value(json_object_get(sdk, "html")), site));
    assert_non_null(json_object_get(sdk, "wordpress"));
    assert_non_null(json_object_get(sdk, "shopify"));
    assert_non_null(json_object_get(sdk, "magento"));
    assert_true(header(&r, "Location", loc, sizeof loc));
    resp_free(&r);
    char eval[32];
    insert_eval(s, site, eval);
    char path[128];
    /* Every route with an id, tried by the other enterprise: 404 (not 403, so existence does not leak). */
    static const struct { const char *method, *prefix, *suffix, *body; bool eval; } tries[] = {
        {"GET", "/v1/sites/", "", NULL, false},
        {"POST", "/v1/sites/", "/verify", "{\"method\":\"meta\"}", false},
        {"GET", "/v1/sites/", "/evaluations", NULL, false},
        {"POST", "/v1/sites/", "/evaluations", NULL, false},
        {"GET", "/v1/evaluations/", "", NULL, true},
    };
    for (size_t i = 0; i < CWT_ARRAY_LEN(tries); i++) {
        snprintf(path, sizeof path, "%s%s%s", tries[i].prefix, tries[i].eval ? eval : site, tries[i].suffix);
        http(s, tries[i].method, path, tries[i].body, bh, &r);
        if (r.status != 404)
            fail_msg("%s %s by another enterprise: %ld %s", tries[i].method, path, r.status, r.body);
        resp_free(&r);
        http(s, tries[i].method, path, tries[i].body, ah, &r);
        if (r.status == 404)
            fail_msg("%s %s by the owner: 404", tries[i].method, path);
        resp_free(&r);
    }
    http(s, "GET", "/v1/sites", NULL, bh, &r);
    expect(&r, 200, NULL, NULL);
    assert_int_equal(json_array_size(json_object_get(r.json, "items")), 0);
    resp_free(&r);
    /* The owner reads the evaluation with its report; ETag and 304. */
    snprintf(path, sizeof path, "/v1/evaluations/%s", eval);
    http(s, "GET", path, NULL, ah, &r);
    expect(&r, 200, NULL, NULL);
    assert_true(json_real_value(json_object_get(r.json, "total")) > 77.4);
    char etag[80], inm[128];
    assert_true(header(&r, "ETag", etag, sizeof etag));
    resp_free(&r);
    snprintf(inm, sizeof inm, "If-None-Match: %s", etag);
    const char *cond[] = {a.cookie, inm, NULL};
    http(s, "GET", path, NULL, cond, &r);
    expect(&r, 304, NULL, NULL);
    resp_free(&r);
    /* Requesting an evaluation needs a verified site; once queued, a second request is deduplicated. */
    snprintf(path, sizeof path, "/v1/sites/%s/evaluations", site);
    http(s, "POST", path, NULL, ah, &r);
    expect(&r, 409, "not_verified", "id");
    resp_free(&r);
    mark_verified(s, a.enterprise, site);
    http(s, "POST", path, NULL, ah, &r);
    expect(&r, 202, NULL, NULL);
    assert_true(json_is_true(json_object_get(r.json, "queued")));
    resp_free(&r);
    http(s, "POST", path, "{}", ah, &r);
    expect(&r, 202, NULL, NULL);
    assert_true(json_is_false(json_object_get(r.json, "queued")));
    resp_free(&r);
    http(s, "POST", path, "{\"now\":true}", ah, &r);
    expect(&r, 400, "invalid", "now");
    resp_free(&r);
    assert_int_equal(count_rows(s, "jobs"), 1);
}

static void test_pagination(void **state)
{
    struct server *s = *state;
    struct account a;
    struct resp r;
    signup(s, "pages@example.com", &a);
    const char *ah[] = {a.cookie, a.csrf, NULL};
    for (int i = 0; i < 5; i++) {
        char body[64];
        snprintf(body, sizeof body, "{\"domain\":\"p%d.example.org\"}", i);
        http(s, "POST", "/v1/sites", body, ah, &r);
        expect(&r, 201, NULL, NULL);
        resp_free(&r);
    }
    char path[256] = "/v1/sites?limit=2";
    size_t seen = 0;
    int pages = 0;
    for (; pages < 10; pages++) {
        http(s, "GET", path, NULL, ah, &r);
        expect(&r, 200, NULL, NULL);
        seen += json_array_size(json_object_get(r.json, "items"));
        const char *next = json_string_value(json_object_get(r.json, "next_cursor"));
        if (!next) {
            resp_free(&r);
            break;
        }
        snprintf(path, sizeof path, "/v1/sites?limit=2&cursor=%s", next);
        resp_free(&r);
    }
    assert_int_equal(seen, 5);
    assert_int_equal(pages, 2);
    static const char *bad[] = {"/v1/sites?limit=0", "/v1/sites?limit=201", "/v1/sites?limit=x",
                                "/v1/sites?cursor=zzz", "/v1/sites?cursor=1.x'--"};
    for (size_t i = 0; i < CWT_ARRAY_LEN(bad); i++) {
        http(s, "GET", bad[i], NULL, ah, &r);
        expect(&r, 400, "invalid", strstr(bad[i], "limit") ? "limit" : "cursor");
        resp_free(&r);
    }
}

static void test_api_keys(void **state)
{
    struct server *s = *state;
    struct account a;
    struct resp r;
    signup(s, "keys@example.com", &a);
    const char *ah[] = {a.cookie, a.csrf, NULL};
    http(s, "POST", "/v1/keys", "{\"name\":\"ci\",\"scopes\":[\"platform\"]}", ah, &r);
    expect(&r, 403, "forbidden", "scopes[0]");
    resp_free(&r);
    http(s, "POST", "/v1/keys", "{\"name\":\"ci\",\"scopes\":[\"root\"]}", ah, &r);
    expect(&r, 400, "invalid", "scopes[0]");
    resp_free(&r);
    http(s, "POST", "/v1/keys", "{\"name\":\"ci\",\"scopes\":[\"sites\"]}", ah, &r);
    expect(&r, 201, NULL, NULL);
    char key[128], bearer[160], id[40];
    snprintf(key, sizeof key, "%s", jstr(&r, "key"));
    snprintf(id, sizeof id, "%s", jstr(&r, "id"));
    assert_true(strncmp(key, "cwt_", 4) == 0);
    resp_free(&r);
    snprintf(bearer, sizeof bearer, "Authorization: Bearer %s", key);
    const char *kh[] = {bearer, NULL};
    http(s, "GET", "/v1/sites", NULL, kh, &r);
    expect(&r, 200, NULL, NULL);
    resp_free(&r);
    http(s, "POST", "/v1/sites", "{\"domain\":\"bykey.example.com\"}", kh, &r); /* no CSRF for keys */
    expect(&r, 201, NULL, NULL);
    resp_free(&r);
    http(s, "POST", "/v1/keys", "{\"name\":\"more\",\"scopes\":[\"sites\"]}", kh, &r);
    expect(&r, 403, "forbidden", NULL);
    resp_free(&r);
    /* The list never shows the secret. */
    http(s, "GET", "/v1/keys", NULL, ah, &r);
    expect(&r, 200, NULL, NULL);
    assert_null(strstr(r.body, key));
    resp_free(&r);
    char path[96];
    snprintf(path, sizeof path, "/v1/keys/%s", id);
    http(s, "DELETE", path, NULL, ah, &r);
    expect(&r, 204, NULL, NULL);
    resp_free(&r);
    http(s, "GET", "/v1/sites", NULL, kh, &r);
    expect(&r, 401, "unauthorized", "Authorization");
    resp_free(&r);
    const char *junk[] = {"Authorization: Bearer cwt_notakey", NULL};
    http(s, "GET", "/v1/sites", NULL, junk, &r);
    expect(&r, 401, NULL, NULL);
    resp_free(&r);
}

static void test_static_and_traversal(void **state)
{
    struct server *s = *state;
    struct resp r;
    char dir[600], path[700];
    snprintf(dir, sizeof dir, "%s/static", s->dir);
    assert_int_equal(h_sh("mkdir -p '%s/assets' && printf 'console.log(1);' > '%s/assets/app.js' && "
                          "printf '<h1>cwtap</h1>' > '%s/index.html'", dir, dir, dir), 0);
    stop(s);
    const char *extra[] = {"--static-dir", dir, NULL};
    start(s, s->db, extra);
    /* (/sdk/v1/ is served from the SDK embedded in the binary, route_sdk.c, not from here) */
    http(s, "GET", "/assets/app.js", NULL, NULL, &r);
    expect(&r, 200, NULL, NULL);
    assert_string_equal(r.body, "console.log(1);");
    char ct[80];
    assert_true(header(&r, "Content-Type", ct, sizeof ct));
    assert_non_null(strstr(ct, "javascript"));
    resp_free(&r);
    assert_false(header(&r, "Content-Security-Policy", ct, sizeof ct)); /* scripts need none */
    resp_free(&r);
    http(s, "GET", "/", NULL, NULL, &r);
    expect(&r, 200, NULL, NULL);
    assert_string_equal(r.body, "<h1>cwtap</h1>");
    /* A page gets the strict policy: this origin's scripts and styles only, nothing inline. */
    char csp[400];
    assert_true(header(&r, "Content-Security-Policy", csp, sizeof csp));
    assert_string_equal(csp, "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                             "connect-src 'self'; font-src 'self'; form-action 'self'; base-uri 'none'; "
                             "frame-ancestors 'none'");
    assert_non_null(strstr(csp, "script-src 'self';"));
    assert_null(strstr(csp, "unsafe-inline"));
    assert_true(header(&r, "Content-Type", ct, sizeof ct));
    assert_string_equal(ct, "text/html; charset=utf-8");
    assert_true(header(&r, "X-Frame-Options", ct, sizeof ct));
    resp_free(&r);
    snprintf(path, sizeof path, "/assets/missing.js");
    http(s, "GET", path, NULL, NULL, &r);
    expect(&r, 404, "not_found", NULL);
    resp_free(&r);
    static const char *paths[] = {"/../../etc/passwd", "/%2e%2e/etc/passwd", "/sdk/../../etc/passwd",
                                  "/v1/sites/..%2f..%2fetc"};
    for (size_t i = 0; i < CWT_ARRAY_LEN(paths); i++) {
        http(s, "GET", paths[i], NULL, NULL, &r);
        assert_true(r.status == 404 || r.status == 400 || r.status == 401);
        assert_true(!r.body || !strstr(r.body, "root:"));
        resp_free(&r);
    }
}

static void test_rate_limit_and_graceful_stop(void **state)
{
    struct server *s = *state;
    stop(s);
    const char *extra[] = {"--rate-ip", "1/3", NULL};
    start(s, s->db, extra);
    struct resp r;
    int ok = 0, limited = 0;
    char ra[16] = "";
    for (int i = 0; i < 6; i++) {
        http(s, "GET", "/healthz", NULL, NULL, &r);
        if (r.status == 200)
            ok++;
        if (r.status == 429) {
            limited++;
            assert_true(header(&r, "Retry-After", ra, sizeof ra));
            assert_string_equal(err_code(&r), "rate_limited");
        }
        resp_free(&r);
    }
    assert_true(ok >= 3 && ok <= 4); /* the burst, plus at most one refilled token */
    assert_true(limited >= 2);
    assert_true(atoi(ra) >= 1);
    assert_int_equal(stop(s), 0);
    start(s, s->db, NULL);
}

/* A request still uploading its body when SIGTERM arrives is answered in full; then the server exits 0. */
static void test_inflight_request_finishes_on_sigterm(void **state)
{
    struct server *s = *state;
    static const char body[] = "{\"email\":\"nobody@example.com\",\"password\":\"not the password\"}";
    char head[512];
    snprintf(head, sizeof head, "POST /v1/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
             "Content-Length: %zu\r\nConnection: close\r\n\r\n", strlen(body));
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)s->port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_true(write(fd, head, strlen(head)) == (ssize_t)strlen(head));
    assert_true(write(fd, body, 10) == 10);
    struct timespec ts = {0, 300 * 1000 * 1000};
    nanosleep(&ts, NULL);
    kill(s->pid, SIGTERM);
    nanosleep(&ts, NULL);
    assert_true(write(fd, body + 10, strlen(body) - 10) == (ssize_t)(strlen(body) - 10));
    char buf[4096];
    size_t n = 0;
    ssize_t r;
    while (n < sizeof buf - 1 && (r = read(fd, buf + n, sizeof buf - 1 - n)) > 0)
        n += (size_t)r;
    buf[n] = '\0';
    close(fd);
    if (strncmp(buf, "HTTP/1.1 401", 12) != 0)
        fail_msg("in-flight request got: %.200s", buf);
    assert_non_null(strstr(buf, "\"unauthorized\""));
    int st = 0;
    for (int i = 0; i < 200 && waitpid(s->pid, &st, WNOHANG) != s->pid; i++)
        nanosleep(&(struct timespec){0, 50 * 1000 * 1000}, NULL);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
    s->pid = 0;
    start(s, s->db, NULL);
}

#define CASES(setup)                                                                  \
    cmocka_unit_test_setup_teardown(test_health, setup, teardown),                    \
    cmocka_unit_test_setup_teardown(test_bad_input_changes_nothing, setup, teardown), \
    cmocka_unit_test_setup_teardown(test_sessions_and_csrf, setup, teardown),         \
    cmocka_unit_test_setup_teardown(test_ownership, setup, teardown),                 \
    cmocka_unit_test_setup_teardown(test_pagination, setup, teardown),                \
    cmocka_unit_test_setup_teardown(test_api_keys, setup, teardown),                  \
    cmocka_unit_test_setup_teardown(test_static_and_traversal, setup, teardown),      \
    cmocka_unit_test_setup_teardown(test_rate_limit_and_graceful_stop, setup, teardown), \
    cmocka_unit_test_setup_teardown(test_inflight_request_finishes_on_sigterm, setup, teardown)

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest sqlite[] = {CASES(setup_sqlite)};
    const struct CMUnitTest pg[] = {CASES(setup_pg)};
    int fails = cmocka_run_group_tests_name("api-sqlite", sqlite, NULL, NULL);
    const char *conn = getenv("CWTAP_TEST_PG");
    if (conn && *conn)
        fails += cmocka_run_group_tests_name("api-postgresql", pg, NULL, NULL);
    else
        fprintf(stderr, "# CWTAP_TEST_PG not set: PostgreSQL cases skipped\n");
    curl_global_cleanup();
    return fails;
}
