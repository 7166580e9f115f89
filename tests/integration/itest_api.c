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

#include "hapi.h"
#include "harness.h"
#include "store/store_records.h"
#include "util/timeutil.h"

static int setup_sqlite(void **state)
{
    return hapi_setup(state, "api", NULL, NULL);
}

static int setup_pg(void **state)
{
    return hapi_setup(state, "api", getenv("CWTAP_TEST_PG"), NULL);
}

static int teardown(void **state)
{
    return hapi_teardown(state);
}

static void test_health(void **state)
{
    struct hapi_server *s = *state;
    struct hapi_resp r;
    hapi_http(s, "GET", "/healthz", NULL, NULL, &r);
    hapi_expect(&r, 200, NULL, NULL);
    hapi_resp_free(&r);
    hapi_http(s, "GET", "/readyz", NULL, NULL, &r);
    hapi_expect(&r, 200, NULL, NULL);
    assert_string_equal(hapi_jstr(&r, "engine"), strncmp(s->db, "sqlite:", 7) == 0 ? "sqlite" : "postgresql");
    hapi_resp_free(&r);
    hapi_http(s, "GET", "/v1/openapi.yaml", NULL, NULL, &r);
    hapi_expect(&r, 200, NULL, NULL);
    assert_non_null(strstr(r.body, "openapi: 3.1"));
    hapi_resp_free(&r);
    hapi_http(s, "GET", "/metrics", NULL, NULL, &r);
    hapi_expect(&r, 200, NULL, NULL);
    assert_non_null(strstr(r.body, "cwtap_http_requests_total{method=\"GET\",route=\"/healthz\",code=\"2xx\"} 1"));
    hapi_resp_free(&r);
    hapi_http(s, "GET", "/v1/nothing-here", NULL, NULL, &r);
    hapi_expect(&r, 404, "not_found", NULL);
    hapi_resp_free(&r);
    hapi_http(s, "DELETE", "/v1/signup", NULL, NULL, &r);
    hapi_expect(&r, 405, "method_not_allowed", NULL);
    hapi_resp_free(&r);
}

static void test_bad_input_changes_nothing(void **state)
{
    struct hapi_server *s = *state;
    struct hapi_account a;
    hapi_signup(s, "bad@example.com", &a);
    int64_t ents = hapi_count_rows(s, "enterprises"), users = hapi_count_rows(s, "users"), sites = hapi_count_rows(s, "sites");
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
        {"/v1/sites", "{\"domain\":\"公司.cn\"}", NULL, 400, "domain"},          /* a public suffix, in Chinese */
        {"/v1/sites", "{\"domain\":\"xn--zz.example.com\"}", NULL, 400, "domain"}, /* invalid A-label */
        {"/v1/sites", "{\"domain\":\"shop.example.com:99999\"}", NULL, 400, "domain"},
    };
    for (size_t i = 0; i < CWT_ARRAY_LEN(cases); i++) {
        char ct[64];
        snprintf(ct, sizeof ct, "Content-Type: %s", cases[i].ctype ? cases[i].ctype : "application/json");
        const char *hdrs[] = {a.cookie, a.csrf, ct, NULL};
        struct hapi_resp r;
        hapi_http(s, "POST", cases[i].path, cases[i].body, hdrs, &r);
        if (r.status != cases[i].status)
            fail_msg("case %zu: status %ld, want %ld: %s", i, r.status, cases[i].status, r.body);
        assert_non_null(json_object_get(json_object_get(r.json, "error"), "message"));
        if (cases[i].field)
            assert_string_equal(hapi_err_field(&r), cases[i].field);
        hapi_resp_free(&r);
    }
    /* An oversized body: 413, and the connection's server keeps serving. */
    size_t big = 200 * 1024;
    char *body = malloc(big + 64);
    snprintf(body, 64, "{\"domain\":\"");
    memset(body + strlen(body), 'a', big);
    snprintf(body + 11 + big, 8, "\"}");
    const char *hdrs[] = {a.cookie, a.csrf, NULL};
    struct hapi_resp r;
    hapi_http(s, "POST", "/v1/sites", body, hdrs, &r);
    hapi_expect(&r, 413, "too_large", NULL);
    hapi_resp_free(&r);
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
    hapi_http(s, "GET", "/healthz", NULL, bigh, &r);
    assert_true(r.status >= 400 && r.status < 500);
    hapi_resp_free(&r);
    free(hh);
    hapi_http(s, "GET", "/healthz", NULL, NULL, &r);
    hapi_expect(&r, 200, NULL, NULL);
    hapi_resp_free(&r);
    assert_int_equal(hapi_count_rows(s, "enterprises"), ents);
    assert_int_equal(hapi_count_rows(s, "users"), users);
    assert_int_equal(hapi_count_rows(s, "sites"), sites);
}

static void test_sessions_and_csrf(void **state)
{
    struct hapi_server *s = *state;
    struct hapi_account a;
    struct hapi_resp r;
    hapi_signup(s, "sess@example.com", &a);
    const char *no_csrf[] = {a.cookie, NULL};
    hapi_http(s, "POST", "/v1/sites", "{\"domain\":\"csrf.example.com\"}", no_csrf, &r);
    hapi_expect(&r, 403, "csrf", "X-CSRF-Token");
    hapi_resp_free(&r);
    const char *wrong[] = {a.cookie, "X-CSRF-Token: AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", NULL};
    hapi_http(s, "POST", "/v1/sites", "{\"domain\":\"csrf.example.com\"}", wrong, &r);
    hapi_expect(&r, 403, "csrf", NULL);
    hapi_resp_free(&r);
    assert_int_equal(hapi_count_rows(s, "sites"), 0);
    const char *ok[] = {a.cookie, a.csrf, NULL};
    hapi_http(s, "POST", "/v1/sites", "{\"domain\":\"csrf.example.com\"}", ok, &r);
    hapi_expect(&r, 201, NULL, NULL);
    hapi_resp_free(&r);
    /* Login: a wrong password is 401 and names no field; the right one gives a new session. */
    hapi_http(s, "POST", "/v1/login", "{\"email\":\"sess@example.com\",\"password\":\"wrong password\"}", NULL, &r);
    hapi_expect(&r, 401, "unauthorized", "");
    hapi_resp_free(&r);
    hapi_http(s, "POST", "/v1/login", "{\"email\":\"SESS@example.com\",\"password\":\"long enough pw\"}", NULL, &r);
    hapi_expect(&r, 200, NULL, NULL);
    hapi_resp_free(&r);
    hapi_http(s, "GET", "/v1/me", NULL, no_csrf, &r);
    hapi_expect(&r, 200, NULL, NULL);
    assert_string_equal(hapi_jstr(&r, "auth"), "session");
    /* The dashboard's navigation follows the enterprise's kind: a signed-up one is an exporter. */
    assert_string_equal(json_string_value(json_object_get(json_object_get(r.json, "enterprise"), "kind")), "exporter");
    hapi_resp_free(&r);
    /* Logout ends the session: the same cookie is refused afterwards. */
    hapi_http(s, "POST", "/v1/logout", NULL, ok, &r);
    hapi_expect(&r, 204, NULL, NULL);
    hapi_resp_free(&r);
    hapi_http(s, "GET", "/v1/me", NULL, no_csrf, &r);
    hapi_expect(&r, 401, "unauthorized", NULL);
    hapi_resp_free(&r);
    /* A made-up session token is refused too (fixation). */
    const char *fixed[] = {"Cookie: cwtap_session=attacker-chosen-token", NULL};
    hapi_http(s, "GET", "/v1/me", NULL, fixed, &r);
    hapi_expect(&r, 401, NULL, NULL);
    hapi_resp_free(&r);
}

static void mark_verified(const struct hapi_server *s, const char *ent, const char *site_id)
{
    struct cwt__store *st = NULL;
    struct cwt_err err;
    assert_int_equal(cwt__store_open(s->db, NULL, &st, &err), CWT_OK);
    assert_int_equal(cwt__store_site_set_verified(st, ent, site_id, "dns", 1780000000, &err), CWT_OK);
    cwt__store_free(st);
}

/* GET /v1/sites/{id} with its pending_job's state, or null. */
static json_t *pending_job(const struct hapi_server *s, const char *site, const char **hdr)
{
    char path[128];
    struct hapi_resp r;
    snprintf(path, sizeof path, "/v1/sites/%s", site);
    hapi_http(s, "GET", path, NULL, hdr, &r);
    hapi_expect(&r, 200, NULL, NULL);
    json_t *j = json_incref(json_object_get(r.json, "pending_job"));
    hapi_resp_free(&r);
    assert_non_null(j); /* the member is always there: an object or null */
    return j;
}

/* pending_job says queued, then running once a worker claims the job, then null when it is done. */
static void pending_job_follows_the_queue(const struct hapi_server *s, const char *site, const char **hdr)
{
    json_t *j = pending_job(s, site, hdr);
    assert_string_equal(json_string_value(json_object_get(j, "state")), "queued");
    assert_string_equal(json_string_value(json_object_get(j, "kind")), "evaluate");
    int64_t since = 0;
    assert_int_equal(cwt_time_parse_iso(json_string_value(json_object_get(j, "since")), &since), CWT_OK);
    assert_true(since > 0 && since <= (int64_t)time(NULL) + 1);
    assert_int_equal(json_integer_value(json_object_get(j, "attempts")), 0);
    json_decref(j);
    struct cwt__store *st = NULL;
    struct cwt__job job;
    struct cwt_err err;
    assert_int_equal(cwt__store_open(s->db, NULL, &st, &err), CWT_OK);
    assert_int_equal(cwt__store_job_claim(st, "w-test", (int64_t)time(NULL) + 5, 60, &job, &err), CWT_OK);
    j = pending_job(s, site, hdr);
    assert_string_equal(json_string_value(json_object_get(j, "state")), "running");
    assert_int_equal(json_integer_value(json_object_get(j, "attempts")), 1);
    json_decref(j);
    assert_int_equal(cwt__store_job_complete(st, job.id, "w-test", (int64_t)time(NULL) + 6, &err), CWT_OK);
    cwt__job_release(&job);
    cwt__store_free(st);
    j = pending_job(s, site, hdr);
    assert_true(json_is_null(j));
    json_decref(j);
}

static void test_ownership(void **state)
{
    struct hapi_server *s = *state;
    struct hapi_account a, b;
    struct hapi_resp r;
    hapi_signup(s, "owner@example.com", &a);
    hapi_signup(s, "intruder@example.com", &b);
    const char *ah[] = {a.cookie, a.csrf, NULL}, *bh[] = {b.cookie, b.csrf, NULL};
    hapi_http(s, "POST", "/v1/sites", "{\"domain\":\"https://Shop.Owner-Example.com/\"}", ah, &r);
    hapi_expect(&r, 201, NULL, NULL);
    char site[40], loc[128];
    snprintf(site, sizeof site, "%s", hapi_jstr(&r, "id"));
    assert_string_equal(hapi_jstr(&r, "domain"), "shop.owner-example.com");
    assert_string_equal(hapi_jstr(&r, "url"), "https://shop.owner-example.com/");
    json_t *sdk = json_object_get(r.json, "sdk");
    assert_non_null(strstr(json_string_value(json_object_get(sdk, "html")), site));
    assert_non_null(json_object_get(sdk, "wordpress"));
    assert_non_null(json_object_get(sdk, "shopify"));
    assert_non_null(json_object_get(sdk, "magento"));
    const char *server = json_string_value(json_object_get(sdk, "server"));
    assert_non_null(server); /* the trust server of the plugin settings: the SDK's own address */
    assert_non_null(strstr(json_string_value(json_object_get(sdk, "html")), server));
    assert_true(hapi_header(&r, "Location", loc, sizeof loc));
    hapi_resp_free(&r);
    char eval[32];
    hapi_insert_eval(s, site, eval, sizeof eval);
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
        hapi_http(s, tries[i].method, path, tries[i].body, bh, &r);
        if (r.status != 404)
            fail_msg("%s %s by another enterprise: %ld %s", tries[i].method, path, r.status, r.body);
        hapi_resp_free(&r);
        hapi_http(s, tries[i].method, path, tries[i].body, ah, &r);
        if (r.status == 404)
            fail_msg("%s %s by the owner: 404", tries[i].method, path);
        hapi_resp_free(&r);
    }
    hapi_http(s, "GET", "/v1/sites", NULL, bh, &r);
    hapi_expect(&r, 200, NULL, NULL);
    assert_int_equal(json_array_size(json_object_get(r.json, "items")), 0);
    hapi_resp_free(&r);
    /* The owner reads the evaluation with its report; ETag and 304. */
    snprintf(path, sizeof path, "/v1/evaluations/%s", eval);
    hapi_http(s, "GET", path, NULL, ah, &r);
    hapi_expect(&r, 200, NULL, NULL);
    assert_true(json_real_value(json_object_get(r.json, "total")) > 77.4);
    char etag[80], inm[128];
    assert_true(hapi_header(&r, "ETag", etag, sizeof etag));
    hapi_resp_free(&r);
    snprintf(inm, sizeof inm, "If-None-Match: %s", etag);
    const char *cond[] = {a.cookie, inm, NULL};
    hapi_http(s, "GET", path, NULL, cond, &r);
    hapi_expect(&r, 304, NULL, NULL);
    hapi_resp_free(&r);
    /* Requesting an evaluation needs a verified site; once queued, a second request is deduplicated. */
    snprintf(path, sizeof path, "/v1/sites/%s/evaluations", site);
    hapi_http(s, "POST", path, NULL, ah, &r);
    hapi_expect(&r, 409, "not_verified", "id");
    hapi_resp_free(&r);
    mark_verified(s, a.enterprise, site);
    hapi_http(s, "POST", path, NULL, ah, &r);
    hapi_expect(&r, 202, NULL, NULL);
    assert_true(json_is_true(json_object_get(r.json, "queued")));
    hapi_resp_free(&r);
    hapi_http(s, "POST", path, "{}", ah, &r);
    hapi_expect(&r, 202, NULL, NULL);
    assert_true(json_is_false(json_object_get(r.json, "queued")));
    hapi_resp_free(&r);
    hapi_http(s, "POST", path, "{\"now\":true}", ah, &r);
    hapi_expect(&r, 400, "invalid", "now");
    hapi_resp_free(&r);
    assert_int_equal(hapi_count_rows(s, "jobs"), 1);
    pending_job_follows_the_queue(s, site, ah);
}

/* Internationalised domains are registered in A-label form with their registrable domain (util/idn.c, libpsl). */
static void test_idn_sites(void **state)
{
    struct hapi_server *s = *state;
    struct hapi_account a;
    hapi_signup(s, "idn@example.com", &a);
    const char *ah[] = {a.cookie, a.csrf, NULL};
    static const struct {
        const char *in, *domain, *reg;
    } cases[] = {
        {"https://WWW.例子.com.cn/产品", "www.xn--fsqu00a.com.cn", "xn--fsqu00a.com.cn"},
        {"ตัวอย่าง.ไทย", "xn--72c1a1bt4awk9o.xn--o3cw4h", "xn--72c1a1bt4awk9o.xn--o3cw4h"},
        {"www.Việt-Nam.com.vn", "www.xn--vit-nam-zv4c.com.vn", "xn--vit-nam-zv4c.com.vn"},
    };
    for (size_t i = 0; i < CWT_ARRAY_LEN(cases); i++) {
        char body[256];
        struct hapi_resp r;
        snprintf(body, sizeof body, "{\"domain\":\"%s\"}", cases[i].in);
        hapi_http(s, "POST", "/v1/sites", body, ah, &r);
        hapi_expect(&r, 201, NULL, NULL);
        assert_string_equal(hapi_jstr(&r, "domain"), cases[i].domain);
        assert_string_equal(hapi_jstr(&r, "registrable_domain"), cases[i].reg);
        hapi_resp_free(&r);
        /* the same site typed in its A-label form is the same site */
        snprintf(body, sizeof body, "{\"domain\":\"%s\"}", cases[i].domain);
        hapi_http(s, "POST", "/v1/sites", body, ah, &r);
        hapi_expect(&r, 409, NULL, "domain");
        hapi_resp_free(&r);
    }
}

static void test_pagination(void **state)
{
    struct hapi_server *s = *state;
    struct hapi_account a;
    struct hapi_resp r;
    hapi_signup(s, "pages@example.com", &a);
    const char *ah[] = {a.cookie, a.csrf, NULL};
    for (int i = 0; i < 5; i++) {
        char body[64];
        snprintf(body, sizeof body, "{\"domain\":\"p%d.example.org\"}", i);
        hapi_http(s, "POST", "/v1/sites", body, ah, &r);
        hapi_expect(&r, 201, NULL, NULL);
        hapi_resp_free(&r);
    }
    char path[256] = "/v1/sites?limit=2";
    size_t seen = 0;
    int pages = 0;
    for (; pages < 10; pages++) {
        hapi_http(s, "GET", path, NULL, ah, &r);
        hapi_expect(&r, 200, NULL, NULL);
        seen += json_array_size(json_object_get(r.json, "items"));
        const char *next = json_string_value(json_object_get(r.json, "next_cursor"));
        if (!next) {
            hapi_resp_free(&r);
            break;
        }
        snprintf(path, sizeof path, "/v1/sites?limit=2&cursor=%s", next);
        hapi_resp_free(&r);
    }
    assert_int_equal(seen, 5);
    assert_int_equal(pages, 2);
    static const char *bad[] = {"/v1/sites?limit=0", "/v1/sites?limit=201", "/v1/sites?limit=x",
                                "/v1/sites?cursor=zzz", "/v1/sites?cursor=1.x'--"};
    for (size_t i = 0; i < CWT_ARRAY_LEN(bad); i++) {
        hapi_http(s, "GET", bad[i], NULL, ah, &r);
        hapi_expect(&r, 400, "invalid", strstr(bad[i], "limit") ? "limit" : "cursor");
        hapi_resp_free(&r);
    }
}

static void test_api_keys(void **state)
{
    struct hapi_server *s = *state;
    struct hapi_account a;
    struct hapi_resp r;
    hapi_signup(s, "keys@example.com", &a);
    const char *ah[] = {a.cookie, a.csrf, NULL};
    hapi_http(s, "POST", "/v1/keys", "{\"name\":\"ci\",\"scopes\":[\"platform\"]}", ah, &r);
    hapi_expect(&r, 403, "forbidden", "scopes[0]");
    hapi_resp_free(&r);
    hapi_http(s, "POST", "/v1/keys", "{\"name\":\"ci\",\"scopes\":[\"root\"]}", ah, &r);
    hapi_expect(&r, 400, "invalid", "scopes[0]");
    hapi_resp_free(&r);
    hapi_http(s, "POST", "/v1/keys", "{\"name\":\"ci\",\"scopes\":[\"sites\"]}", ah, &r);
    hapi_expect(&r, 201, NULL, NULL);
    char key[128], bearer[160], id[40];
    snprintf(key, sizeof key, "%s", hapi_jstr(&r, "key"));
    snprintf(id, sizeof id, "%s", hapi_jstr(&r, "id"));
    assert_true(strncmp(key, "cwt_", 4) == 0);
    hapi_resp_free(&r);
    snprintf(bearer, sizeof bearer, "Authorization: Bearer %s", key);
    const char *kh[] = {bearer, NULL};
    hapi_http(s, "GET", "/v1/sites", NULL, kh, &r);
    hapi_expect(&r, 200, NULL, NULL);
    hapi_resp_free(&r);
    hapi_http(s, "POST", "/v1/sites", "{\"domain\":\"bykey.example.com\"}", kh, &r); /* no CSRF for keys */
    hapi_expect(&r, 201, NULL, NULL);
    hapi_resp_free(&r);
    hapi_http(s, "POST", "/v1/keys", "{\"name\":\"more\",\"scopes\":[\"sites\"]}", kh, &r);
    hapi_expect(&r, 403, "forbidden", NULL);
    hapi_resp_free(&r);
    /* The list never shows the secret. */
    hapi_http(s, "GET", "/v1/keys", NULL, ah, &r);
    hapi_expect(&r, 200, NULL, NULL);
    assert_null(strstr(r.body, key));
    hapi_resp_free(&r);
    char path[96];
    snprintf(path, sizeof path, "/v1/keys/%s", id);
    hapi_http(s, "DELETE", path, NULL, ah, &r);
    hapi_expect(&r, 204, NULL, NULL);
    hapi_resp_free(&r);
    hapi_http(s, "GET", "/v1/sites", NULL, kh, &r);
    hapi_expect(&r, 401, "unauthorized", "Authorization");
    hapi_resp_free(&r);
    const char *junk[] = {"Authorization: Bearer cwt_notakey", NULL};
    hapi_http(s, "GET", "/v1/sites", NULL, junk, &r);
    hapi_expect(&r, 401, NULL, NULL);
    hapi_resp_free(&r);
}

static void test_static_and_traversal(void **state)
{
    struct hapi_server *s = *state;
    struct hapi_resp r;
    char dir[600], path[700];
    snprintf(dir, sizeof dir, "%s/static", s->dir);
    assert_int_equal(h_sh("mkdir -p '%s/assets' && printf 'console.log(1);' > '%s/assets/app.js' && "
                          "printf '<h1>cwtap</h1>' > '%s/index.html'", dir, dir, dir), 0);
    hapi_stop(s);
    const char *extra[] = {"--static-dir", dir, NULL};
    hapi_start(s, s->db, extra);
    /* (/sdk/v1/ is served from the SDK embedded in the binary, route_sdk.c, not from here) */
    hapi_http(s, "GET", "/assets/app.js", NULL, NULL, &r);
    hapi_expect(&r, 200, NULL, NULL);
    assert_string_equal(r.body, "console.log(1);");
    char ct[80];
    assert_true(hapi_header(&r, "Content-Type", ct, sizeof ct));
    assert_non_null(strstr(ct, "javascript"));
    assert_false(hapi_header(&r, "Content-Security-Policy", ct, sizeof ct)); /* scripts need none */
    hapi_resp_free(&r);
    hapi_http(s, "GET", "/", NULL, NULL, &r);
    hapi_expect(&r, 200, NULL, NULL);
    assert_string_equal(r.body, "<h1>cwtap</h1>");
    /* A page gets the strict policy: this origin's scripts and styles only, nothing inline. */
    char csp[400];
    assert_true(hapi_header(&r, "Content-Security-Policy", csp, sizeof csp));
    assert_string_equal(csp, "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                             "connect-src 'self'; font-src 'self'; form-action 'self'; base-uri 'none'; "
                             "frame-ancestors 'none'");
    assert_non_null(strstr(csp, "script-src 'self';"));
    assert_null(strstr(csp, "unsafe-inline"));
    assert_true(hapi_header(&r, "Content-Type", ct, sizeof ct));
    assert_string_equal(ct, "text/html; charset=utf-8");
    assert_true(hapi_header(&r, "X-Frame-Options", ct, sizeof ct));
    hapi_resp_free(&r);
    snprintf(path, sizeof path, "/assets/missing.js");
    hapi_http(s, "GET", path, NULL, NULL, &r);
    hapi_expect(&r, 404, "not_found", NULL);
    hapi_resp_free(&r);
    static const char *paths[] = {"/../../etc/passwd", "/%2e%2e/etc/passwd", "/sdk/../../etc/passwd",
                                  "/v1/sites/..%2f..%2fetc"};
    for (size_t i = 0; i < CWT_ARRAY_LEN(paths); i++) {
        hapi_http(s, "GET", paths[i], NULL, NULL, &r);
        assert_true(r.status == 404 || r.status == 400 || r.status == 401);
        assert_true(!r.body || !strstr(r.body, "root:"));
        hapi_resp_free(&r);
    }
}

static void test_rate_limit_and_graceful_stop(void **state)
{
    struct hapi_server *s = *state;
    hapi_stop(s);
    const char *extra[] = {"--rate-ip", "1/3", NULL};
    hapi_start(s, s->db, extra);
    struct hapi_resp r;
    int ok = 0, limited = 0;
    char ra[16] = "";
    for (int i = 0; i < 6; i++) {
        hapi_http(s, "GET", "/healthz", NULL, NULL, &r);
        if (r.status == 200)
            ok++;
        if (r.status == 429) {
            limited++;
            assert_true(hapi_header(&r, "Retry-After", ra, sizeof ra));
            assert_string_equal(hapi_err_code(&r), "rate_limited");
        }
        hapi_resp_free(&r);
    }
    assert_true(ok >= 3 && ok <= 4); /* the burst, plus at most one refilled token */
    assert_true(limited >= 2);
    assert_true(atoi(ra) >= 1);
    assert_int_equal(hapi_stop(s), 0);
    hapi_start(s, s->db, NULL);
}

/* The badge and SDK have their own bucket per address: API limiting never blocks them, nor they the API. */
static void test_badge_bucket(void **state)
{
    struct hapi_server *s = *state;
    hapi_stop(s);
    const char *extra[] = {"--rate-ip", "1/3", "--rate-badge", "5/30", NULL};
    hapi_start(s, s->db, extra);
    struct hapi_resp r;
    /* 20 page views of a shop: none limited, and the API's burst of 3 is untouched. */
    for (int i = 0; i < 20; i++) {
        hapi_http(s, "GET", i % 2 ? "/v1/badge/site_none" : "/sdk/v1/cwtap.js", NULL, NULL, &r);
        if (r.status == 429)
            fail_msg("page view %d was rate limited", i);
        hapi_resp_free(&r);
    }
    int ok = 0, limited = 0;
    for (int i = 0; i < 6; i++) {
        hapi_http(s, "GET", "/healthz", NULL, NULL, &r);
        ok += r.status == 200;
        limited += r.status == 429;
        hapi_resp_free(&r);
    }
    assert_true(ok >= 3 && ok <= 4);
    assert_true(limited >= 2);
    /* The API is limited now; the badge still answers. */
    hapi_http(s, "GET", "/v1/badge/site_none", NULL, NULL, &r);
    hapi_expect(&r, 404, "not_found", "site");
    hapi_resp_free(&r);
    hapi_http(s, "GET", "/registry/site_none", NULL, NULL, &r);
    assert_int_equal(r.status, 404);
    hapi_resp_free(&r);
    /* The badge's bucket is finite too (30 + refills at 5/s). */
    limited = 0;
    for (int i = 0; i < 40 && !limited; i++) {
        hapi_http(s, "GET", "/v1/badge/site_none", NULL, NULL, &r);
        limited = r.status == 429;
        if (limited)
            assert_string_equal(hapi_err_code(&r), "rate_limited");
        hapi_resp_free(&r);
    }
    assert_true(limited);
    assert_int_equal(hapi_stop(s), 0);
    /* off: not limited at all. */
    const char *off[] = {"--rate-ip", "1/1", "--rate-badge", "off", NULL};
    hapi_start(s, s->db, off);
    for (int i = 0; i < 300; i++) {
        hapi_http(s, "GET", "/v1/badge/site_none", NULL, NULL, &r);
        if (r.status != 404)
            fail_msg("badge request %d with --rate-badge off: %ld", i, r.status);
        hapi_resp_free(&r);
    }
    assert_int_equal(hapi_stop(s), 0);
    hapi_start(s, s->db, NULL);
}

/*
 * Sends POST @p path with @p hdrs (extra header lines, each ending in CRLF)
 * and the first 10 bytes of @p body, SIGTERMs the server, sends the rest, and
 * reads the whole reply into @p buf; then checks the server exits 0.
 */
static void post_across_sigterm(struct hapi_server *s, const char *path, const char *hdrs, const char *body, char *buf,
                                size_t n)
{
    char head[1024];
    snprintf(head, sizeof head, "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n%s"
             "Content-Length: %zu\r\nConnection: close\r\n\r\n", path, hdrs, strlen(body));
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
    size_t got = 0;
    ssize_t r;
    while (got < n - 1 && (r = read(fd, buf + got, n - 1 - got)) > 0)
        got += (size_t)r;
    buf[got] = '\0';
    close(fd);
    int st = 0;
    for (int i = 0; i < 200 && waitpid(s->pid, &st, WNOHANG) != s->pid; i++)
        nanosleep(&(struct timespec){0, 50 * 1000 * 1000}, NULL);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
    s->pid = 0;
}

/* A request still uploading its body when SIGTERM arrives is answered in full; then the server exits 0. */
static void test_inflight_request_finishes_on_sigterm(void **state)
{
    struct hapi_server *s = *state;
    char buf[4096];
    post_across_sigterm(s, "/v1/login", "", "{\"email\":\"nobody@example.com\",\"password\":\"not the password\"}",
                        buf, sizeof buf);
    if (strncmp(buf, "HTTP/1.1 401", 12) != 0)
        fail_msg("in-flight request got: %.200s", buf);
    assert_non_null(strstr(buf, "\"unauthorized\""));
    hapi_start(s, s->db, NULL);
}

/*
 * A write still uploading its body when SIGTERM arrives is carried out whole:
 * answered 201, the site stored once, and the database sound after the stop.
 */
static void test_inflight_write_is_whole_on_sigterm(void **state)
{
    struct hapi_server *s = *state;
    struct hapi_account a;
    hapi_signup(s, "inflight@example.com", &a);
    char hdrs[600], buf[8192];
    snprintf(hdrs, sizeof hdrs, "%s\r\n%s\r\n", a.cookie, a.csrf);
    post_across_sigterm(s, "/v1/sites", hdrs, "{\"domain\":\"https://inflight.example.org/\"}", buf, sizeof buf);
    if (strncmp(buf, "HTTP/1.1 201", 12) != 0)
        fail_msg("in-flight write got: %.300s", buf);
    assert_non_null(strstr(buf, "\"inflight.example.org\""));
    /* Stored once and whole; on SQLite, the file passes its integrity check after the stop. */
    struct cwt__store *st2 = NULL;
    struct cwt_err err;
    int64_t sites = -1;
    assert_int_equal(cwt__store_open(s->db, NULL, &st2, &err), CWT_OK);
    assert_int_equal(cwt__store_exec(st2, "SELECT count(*) FROM sites WHERE domain = 'inflight.example.org' AND "
                                          "url = 'https://inflight.example.org/' AND length(token) > 20",
                                     NULL, 0, cwt__row_get_int, &sites, NULL, &err), CWT_OK);
    assert_int_equal(sites, 1);
    if (cwt__store_engine(st2) == CWT__ENGINE_SQLITE) {
        char *ok = NULL;
        assert_int_equal(cwt__store_exec(st2, "PRAGMA integrity_check", NULL, 0, cwt__row_get_str, &ok, NULL, &err),
                         CWT_OK);
        assert_string_equal(ok ? ok : "", "ok");
        cwt_free(ok);
    }
    cwt__store_free(st2);
    hapi_start(s, s->db, NULL);
}

#define CASES(setup)                                                                  \
    cmocka_unit_test_setup_teardown(test_health, setup, teardown),                    \
    cmocka_unit_test_setup_teardown(test_bad_input_changes_nothing, setup, teardown), \
    cmocka_unit_test_setup_teardown(test_sessions_and_csrf, setup, teardown),         \
    cmocka_unit_test_setup_teardown(test_ownership, setup, teardown),                 \
    cmocka_unit_test_setup_teardown(test_idn_sites, setup, teardown),                 \
    cmocka_unit_test_setup_teardown(test_pagination, setup, teardown),                \
    cmocka_unit_test_setup_teardown(test_api_keys, setup, teardown),                  \
    cmocka_unit_test_setup_teardown(test_static_and_traversal, setup, teardown),      \
    cmocka_unit_test_setup_teardown(test_rate_limit_and_graceful_stop, setup, teardown), \
    cmocka_unit_test_setup_teardown(test_badge_bucket, setup, teardown),              \
    cmocka_unit_test_setup_teardown(test_inflight_request_finishes_on_sigterm, setup, teardown), \
    cmocka_unit_test_setup_teardown(test_inflight_write_is_whole_on_sigterm, setup, teardown)

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
