/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Integration test of the program over real HTTP: `cwtap serve` on 127.0.0.1
 * with a test clock (--clock-file, rewritten by the test to move time), on
 * SQLite and, when CWTAP_TEST_PG is set, on PostgreSQL. The worker's step
 * after an audit (cwt__markflow_evaluated, what `cwtap worker` calls once the
 * evaluation is stored) runs in this process against the same database; the
 * server sees it through the program's change counter. Journeys: green ->
 * three uploads within 72 h -> green; green -> no uploads -> downgraded at
 * 72:00:00 -> review refused (423) until the lock's end date -> accepted.
 * Also: the threshold in force on the evaluation, the refused customs file,
 * the registry, platform weights (JSON and NDJSON), a signed attestation
 * verified against /.well-known/cwtap-keys.json across a key rotation, the
 * operator's cycles and thresholds, and `cwtap log verify --db` catching an
 * edited log row.
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

#include <curl/curl.h>
#include <jansson.h>

#include "harness.h"
#include "program/markflow.h"
#include "store/store_records.h"
#include "util/timeutil.h"

struct server {
    char clock[600];
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
    s->dir = h_tempdir("marks");
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
    snprintf(s->clock, sizeof s->clock, "%s/clock", s->dir);
    char master[600];
    snprintf(master, sizeof master, "%s/var/master.key", s->dir);
    h_write_file(s->clock, "1786352400", 10); /* 2026-08-10T09:00:00Z */
    const char *extra[] = {"--clock-file", s->clock, "--master-key", master, NULL};
    start(s, s->db, extra);
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

/* Logs @p email in again (sessions expire: the test clock moves months). */
static void login(const struct server *s, const char *email, struct account *a)
{
    char body[256];
    struct resp r;
    snprintf(body, sizeof body, "{\"email\":\"%s\",\"password\":\"long enough pw\"}", email);
    http(s, "POST", "/v1/login", body, NULL, &r);
    expect(&r, 200, NULL, NULL);
    char sess[128] = "", csrf[128] = "";
    for (const char *p = r.headers; (p = strcasestr(p, "Set-Cookie: ")); p += 12) {
        const char *v = p + 12;
        if (strncmp(v, "cwtap_session=", 14) == 0)
            snprintf(sess, sizeof sess, "%.*s", (int)strcspn(v + 14, ";"), v + 14);
        else if (strncmp(v, "cwtap_csrf=", 11) == 0)
            snprintf(csrf, sizeof csrf, "%.*s", (int)strcspn(v + 11, ";"), v + 11);
    }
    assert_true(sess[0] && csrf[0]);
    snprintf(a->cookie, sizeof a->cookie, "Cookie: cwtap_session=%s; cwtap_csrf=%s", sess, csrf);
    snprintf(a->csrf, sizeof a->csrf, "X-CSRF-Token: %s", csrf);
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

/* ---- the program's journey ---------------------------------------------------- */

static const int64_t T0 = 1786352400; /* 2026-08-10T09:00:00Z */

static void set_clock(const struct server *s, int64_t t)
{
    char buf[32];
    int n = snprintf(buf, sizeof buf, "%lld", (long long)t);
    assert_int_equal(h_write_file(s->clock, buf, (size_t)n), 0);
}

/* Waits past the server's poll of the program's change counter (once a second). */
static void settle(void)
{
    struct timespec ts = {1, 150 * 1000 * 1000};
    nanosleep(&ts, NULL);
}

static const char *jpath_str(json_t *j, const char *a, const char *b)
{
    json_t *v = json_object_get(j, a);
    if (b)
        v = json_object_get(v, b);
    return json_is_string(v) ? json_string_value(v) : "";
}

static void db_exec(const struct server *s, const char *sql, const char *arg)
{
    struct cwt__store *st = NULL;
    struct cwt_err err;
    assert_int_equal(cwt__store_open(s->db, NULL, &st, &err), CWT_OK);
    struct cwt__sv p[] = {CWT_SV_TEXT(arg)};
    if (cwt__store_exec(st, sql, p, arg ? 1 : 0, NULL, NULL, NULL, &err) != CWT_OK)
        fail_msg("%s: %s", sql, err.msg);
    cwt__store_free(st);
}

/* A verified site of @p a; its id into @p id. */
static void new_site(const struct server *s, const struct account *a, const char *domain, char id[40])
{
    char body[256];
    struct resp r;
    snprintf(body, sizeof body, "{\"domain\":\"%s\"}", domain);
    const char *h[] = {a->cookie, a->csrf, NULL};
    http(s, "POST", "/v1/sites", body, h, &r);
    expect(&r, 201, NULL, NULL);
    snprintf(id, 40, "%s", jstr(&r, "id"));
    resp_free(&r);
    struct cwt__store *st = NULL;
    struct cwt_err err;
    assert_int_equal(cwt__store_open(s->db, NULL, &st, &err), CWT_OK);
    assert_int_equal(cwt__store_site_set_verified(st, a->enterprise, id, "dns", T0 - 3600, &err), CWT_OK);
    cwt__store_free(st);
}

/*
 * What `cwtap worker` does after an audit: store the evaluation, detect the
 * SDK tag on the home page, run the mark's state machine. Returns the id.
 */
static void worker_evaluates(const struct server *s, const char *site_id, double total, int64_t at,
                             const char *home_html, char eval_id[32])
{
    struct cwt__store *st = NULL;
    struct cwt_err err;
    assert_int_equal(cwt__store_open(s->db, NULL, &st, &err), CWT_OK);
    struct cwt__evaluation ev = {0};
    cwt__store_new_id("v_", ev.id);
    snprintf(ev.site_id, sizeof ev.site_id, "%s", site_id);
    ev.at = at;
    snprintf(ev.model_version, sizeof ev.model_version, "test-1");
    ev.total = total;
    snprintf(ev.grade, sizeof ev.grade, "B");
    char report[256];
    snprintf(report, sizeof report, "{\"total\":%g,\"modules\":{\"basic\":{\"score\":%g},\"operational\":{\"score\":"
             "%g},\"content\":{\"score\":%g}}}", total, total, total, total);
    ev.report = report;
    assert_int_equal(cwt__store_eval_insert(st, &ev, &err), CWT_OK);
    enum cwt__integration integ = cwt__integration_detect(home_html, strlen(home_html), site_id, NULL, 0);
    struct cwt__program_policy p;
    struct cwt__eval_threshold th;
    cwt__program_policy_default(&p);
    if (cwt__markflow_evaluated(st, &p, &ev, integ, &th, &err) != CWT_OK)
        fail_msg("markflow: %s", err.msg);
    cwt__store_free(st);
    snprintf(eval_id, 32, "%s", ev.id);
}

static void get_mark(const struct server *s, const struct account *a, const char *site, struct resp *r)
{
    char path[128];
    snprintf(path, sizeof path, "/v1/sites/%s/mark", site);
    const char *h[] = {a->cookie, NULL};
    http(s, "GET", path, NULL, h, r);
    expect(r, 200, NULL, NULL);
}

static void post_csv(const struct server *s, const struct account *a, const char *site, const char *kind,
                     const char *fixture, struct resp *r)
{
    char path[128], rel[128];
    snprintf(path, sizeof path, "/v1/sites/%s/uploads/%s", site, kind);
    snprintf(rel, sizeof rel, "tests/fixtures/uploads/%s", fixture);
    char *csv = h_read_file(h_src(rel), NULL);
    assert_non_null(csv);
    const char *h[] = {a->cookie, a->csrf, "Content-Type: text/csv", NULL};
    http(s, "POST", path, csv, h, r);
    free(csv);
}

/* An API key with @p scope for a fresh account made of @p kind. */
static void api_key(const struct server *s, const char *email, const char *kind, const char *scope, char *hdr,
                    size_t n)
{
    struct account a;
    signup(s, email, &a);
    db_exec(s, kind[0] == 'o' ? "UPDATE enterprises SET kind = 'operator' WHERE id = ?"
                              : "UPDATE enterprises SET kind = 'platform' WHERE id = ?", a.enterprise);
    char body[128];
    snprintf(body, sizeof body, "{\"name\":\"k\",\"scopes\":[\"%s\"]}", scope);
    const char *h[] = {a.cookie, a.csrf, NULL};
    struct resp r;
    http(s, "POST", "/v1/keys", body, h, &r);
    expect(&r, 201, NULL, NULL);
    snprintf(hdr, n, "Authorization: Bearer %s", jstr(&r, "key"));
    resp_free(&r);
}

static void home_for(const char *id, char *out, size_t n)
{
    snprintf(out, n, "<html><head><script async src=\"https://trust.example/sdk/v1/cwtap.js\" data-site=\"%s\">"
             "</script></head><body>valves</body></html>", id);
}

static void test_green_uploads_green(void **state)
{
    struct server *s = *state;
    struct account a;
    struct resp r;
    char site[40], eval[32], home[300];
    signup(s, "green@valves.example", &a);
    new_site(s, &a, "valves.example", site);
    get_mark(s, &a, site, &r);
    assert_string_equal(jstr(&r, "state"), "not_integrated");
    resp_free(&r);

    /* A page without the tag: not integrated, however good the score. */
    worker_evaluates(s, site, 95, T0 - 600, "<html><body>no tag</body></html>", eval);
    get_mark(s, &a, site, &r);
    assert_string_equal(jstr(&r, "state"), "not_integrated");
    resp_free(&r);

    home_for(site, home, sizeof home);
    worker_evaluates(s, site, 82, T0, home, eval);
    get_mark(s, &a, site, &r);
    assert_string_equal(jstr(&r, "state"), "green_data_due");
    assert_string_equal(jpath_str(r.json, "duty", "countdown"), "72:00:00");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(r.json, "duty"), "seconds_left")), 259200);
    assert_string_equal(jpath_str(r.json, "duty", "due"), "2026-08-13T09:00:00Z");
    assert_string_equal(jstr(&r, "cycle"), "2026-Q3");
    resp_free(&r);

    /* The threshold in force comes with the evaluation. */
    char path[128];
    snprintf(path, sizeof path, "/v1/evaluations/%s", eval);
    const char *hc[] = {a.cookie, NULL};
    http(s, "GET", path, NULL, hc, &r);
    expect(&r, 200, NULL, NULL);
    json_t *th = json_object_get(r.json, "threshold");
    assert_true(json_real_value(json_object_get(th, "enter")) == 70.0);
    assert_true(json_is_true(json_object_get(th, "meets_enter")));
    assert_string_equal(jpath_str(r.json, "threshold", "cycle"), "2026-Q3");
    resp_free(&r);

    /* A customs file with a consignee column is refused, row and column named, and not stored. */
    set_clock(s, T0 + 3600);
    int64_t before = count_rows(s, "uploads");
    post_csv(s, &a, site, "customs", "customs_sensitive.csv", &r);
    expect(&r, 422, "upload_refused", "body");
    json_t *issues = json_object_get(json_object_get(r.json, "result"), "issues");
    assert_true(json_array_size(issues) >= 1);
    bool named = false;
    for (size_t i = 0; i < json_array_size(issues); i++) {
        json_t *it = json_array_get(issues, i);
        named |= json_integer_value(json_object_get(it, "row")) >= 1 && json_is_string(json_object_get(it, "column"));
    }
    assert_true(named);
    assert_null(strstr(r.body, "Siam Power"));
    resp_free(&r);
    assert_int_equal(count_rows(s, "uploads"), before);

    post_csv(s, &a, site, "customs", "customs_good.csv", &r);
    expect(&r, 201, NULL, NULL);
    resp_free(&r);
    post_csv(s, &a, site, "iso", "iso_good.csv", &r);
    expect(&r, 201, NULL, NULL);
    resp_free(&r);
    set_clock(s, T0 + 72 * 3600 - 1); /* 71:59:59 */
    get_mark(s, &a, site, &r);
    assert_string_equal(jpath_str(r.json, "duty", "countdown"), "00:00:01");
    resp_free(&r);
    post_csv(s, &a, site, "outlets", "outlets_good.csv", &r);
    expect(&r, 201, NULL, NULL);
    resp_free(&r);
    set_clock(s, T0 + 73 * 3600);
    get_mark(s, &a, site, &r);
    assert_string_equal(jstr(&r, "state"), "green");
    assert_true(json_is_true(json_object_get(json_object_get(r.json, "duty"), "met")));
    resp_free(&r);
    settle();

    /* The public registry and verification page. */
    http(s, "GET", "/v1/registry?country=CN", NULL, NULL, &r);
    expect(&r, 200, NULL, NULL);
    assert_int_equal(json_array_size(json_object_get(r.json, "items")), 1);
    resp_free(&r);
    snprintf(path, sizeof path, "/v1/sites/%s/industry", site);
    const char *hw[] = {a.cookie, a.csrf, NULL};
    http(s, "PUT", path, "{\"industry\":\"valves\"}", hw, &r);
    expect(&r, 200, NULL, NULL);
    resp_free(&r);
    http(s, "GET", "/v1/registry?industry=valves&grade=B", NULL, NULL, &r);
    assert_int_equal(json_array_size(json_object_get(r.json, "items")), 1);
    resp_free(&r);
    http(s, "GET", "/v1/registry?industry=textiles", NULL, NULL, &r);
    assert_int_equal(json_array_size(json_object_get(r.json, "items")), 0);
    resp_free(&r);
    http(s, "GET", "/v1/registry?country=TH", NULL, NULL, &r);
    assert_int_equal(json_array_size(json_object_get(r.json, "items")), 0);
    resp_free(&r);
    snprintf(path, sizeof path, "/v1/registry/%s", site);
    http(s, "GET", path, NULL, NULL, &r);
    expect(&r, 200, NULL, NULL);
    assert_string_equal(jstr(&r, "mark"), "green");
    assert_string_equal(jstr(&r, "green_since"), "2026-08-10T09:00:00Z");
    assert_true(json_real_value(json_object_get(json_object_get(r.json, "modules"), "basic")) == 82.0);
    resp_free(&r);

    /* Weights: green but qualified after 2026-Q3's deadline, so 1.00 until 2026-Q4 starts. */
    char plat[200];
    api_key(s, "buyer@market.example", "platform", "platform", plat, sizeof plat);
    const char *hp[] = {plat, NULL};
    snprintf(path, sizeof path, "/v1/platform/weights?site=%s", site);
    http(s, "GET", path, NULL, hp, &r);
    expect(&r, 200, NULL, NULL);
    assert_true(json_real_value(json_object_get(r.json, "weight")) == 1.0);
    assert_false(json_is_true(json_object_get(r.json, "in_pool")));
    resp_free(&r);
    http(s, "GET", path, NULL, hc, &r); /* an exporter's session has no platform scope */
    assert_true(r.status == 401 || r.status == 403);
    resp_free(&r);
    set_clock(s, 1790899200); /* 2026-10-02T00:00:00Z: 2026-Q4 runs; the site qualified by its deadline */
    http(s, "GET", path, NULL, hp, &r);
    expect(&r, 200, NULL, NULL);
    double w = json_real_value(json_object_get(r.json, "weight"));
    assert_true(json_is_true(json_object_get(r.json, "in_pool")));
    assert_string_equal(jstr(&r, "cycle"), "2026-Q4");
    assert_true(w > 1.0 && w <= 1.15);
    fprintf(stderr, "# weight of a green site scoring 82 against 70: %.4f\n", w);
    resp_free(&r);
    http(s, "GET", "/v1/platform/weights.ndjson", NULL, hp, &r);
    expect(&r, 200, NULL, NULL);
    assert_non_null(strstr(r.body, site));
    assert_int_equal(r.body[r.len - 1], '\n');
    resp_free(&r);

    /* A signed attestation verifies offline against the published keys, also after a rotation. */
    snprintf(path, sizeof path, "/v1/registry/%s/attestation", site);
    http(s, "GET", path, NULL, NULL, &r);
    expect(&r, 200, NULL, NULL);
    char token[2048];
    snprintf(token, sizeof token, "%s", jstr(&r, "token"));
    resp_free(&r);
    char op[200];
    api_key(s, "ops@operator.example", "operator", "operator", op, sizeof op);
    const char *ho[] = {op, NULL};
    http(s, "POST", "/v1/operator/keys/rotate", "{}", ho, &r);
    expect(&r, 200, NULL, NULL);
    resp_free(&r);
    http(s, "GET", "/.well-known/cwtap-keys.json", NULL, NULL, &r);
    expect(&r, 200, NULL, NULL);
    assert_null(strstr(r.body, "\"d\""));
    struct cwt__keyset ks;
    struct cwt_err err;
    cwt__keyset_init(&ks);
    assert_int_equal(cwt__keyset_from_json(&ks, r.body, r.len, &err), CWT_OK);
    assert_int_equal(ks.n, 2);
    resp_free(&r);
    struct cwt__attestation att;
    enum cwt__verdict vd;
    assert_int_equal(cwt__attest_verify(&ks, token, strlen(token), 1790899200 + 60, 300, &att, &vd, &err), CWT_OK);
    assert_int_equal(vd, CWT__ATT_VALID);
    assert_string_equal(att.site, site);
    assert_string_equal(att.mark, "green");
    token[strlen(token) - 3] ^= 1;
    assert_int_equal(cwt__attest_verify(&ks, token, strlen(token), 1790899200 + 60, 300, &att, &vd, &err), CWT_OK);
    assert_int_not_equal(vd, CWT__ATT_VALID);
    cwt__keyset_release(&ks);
}

static void test_missed_window_downgrade_and_lock(void **state)
{
    struct server *s = *state;
    struct account a;
    struct resp r;
    char site[40], eval[32], home[300], path[128];
    signup(s, "late@lamps.example", &a);
    new_site(s, &a, "lamps.example", site);
    home_for(site, home, sizeof home);
    worker_evaluates(s, site, 78, T0, home, eval);
    set_clock(s, T0 + 72 * 3600 - 1);
    get_mark(s, &a, site, &r);
    assert_string_equal(jstr(&r, "state"), "green_data_due");
    resp_free(&r);
    settle();
    http(s, "GET", "/v1/registry", NULL, NULL, &r);
    assert_int_equal(json_array_size(json_object_get(r.json, "items")), 1);
    resp_free(&r);

    set_clock(s, T0 + 72 * 3600); /* 72:00:00 */
    get_mark(s, &a, site, &r);
    assert_string_equal(jstr(&r, "state"), "downgraded");
    assert_string_equal(jstr(&r, "downgraded_at"), "2026-08-13T09:00:00Z");
    assert_string_equal(jstr(&r, "review_locked_until"), "2027-02-13T09:00:00Z");
    resp_free(&r);
    /* The registry drops it at once (the snapshot knows its next deadline). */
    http(s, "GET", "/v1/registry", NULL, NULL, &r);
    assert_int_equal(json_array_size(json_object_get(r.json, "items")), 0);
    resp_free(&r);
    snprintf(path, sizeof path, "/v1/registry/%s/attestation", site);
    http(s, "GET", path, NULL, NULL, &r);
    expect(&r, 404, NULL, NULL);
    resp_free(&r);

    snprintf(path, sizeof path, "/v1/sites/%s/review", site);
    const char *h[] = {a.cookie, a.csrf, NULL};
    set_clock(s, T0 + 72 * 3600 + 60);
    http(s, "POST", path, "{}", h, &r);
    expect(&r, 423, "review_locked", NULL);
    resp_free(&r);
    set_clock(s, 1802509199); /* 2027-02-13T08:59:59Z: one second before the lock ends */
    login(s, "late@lamps.example", &a); /* the first session expired months ago */
    http(s, "POST", path, "{}", h, &r);
    expect(&r, 423, "review_locked", NULL);
    assert_string_equal(jstr(&r, "locked_until"), "2027-02-13T09:00:00Z");
    assert_non_null(strstr(jpath_str(r.json, "error", "message"), "2027-02-13"));
    resp_free(&r);
    set_clock(s, 1802509200); /* the lock's end */
    http(s, "POST", path, "{}", h, &r);
    expect(&r, 202, NULL, NULL);
    resp_free(&r);
    get_mark(s, &a, site, &r);
    assert_string_equal(jstr(&r, "state"), "evaluating");
    resp_free(&r);

    /* The chain of mark changes verifies from the database; an edited row is caught. */
    char *argv[] = {getenv("CWTAP_BIN"), "log", "verify", "--db", s->db, "--json", NULL};
    struct h_run run;
    assert_int_equal(h_run(argv, NULL, &run), 0);
    if (run.status != 0)
        fail_msg("log verify: %d %s %s", run.status, run.out, run.err);
    assert_non_null(strstr(run.out, "\"ok\": true"));
    h_run_free(&run);
    db_exec(s, "UPDATE mark_log SET to_state = 'green' WHERE seq = 3", NULL);
    assert_int_equal(h_run(argv, NULL, &run), 0);
    assert_int_equal(run.status, 1);
    assert_non_null(strstr(run.out, "\"first_bad_seq\": 3"));
    h_run_free(&run);
}

static void test_operator_routes(void **state)
{
    struct server *s = *state;
    struct resp r;
    char op[200];
    api_key(s, "ops@operator.example", "operator", "operator", op, sizeof op);
    const char *ho[] = {op, NULL};
    http(s, "GET", "/v1/operator/cycles", NULL, ho, &r);
    expect(&r, 200, NULL, NULL);
    json_t *first = json_array_get(json_object_get(r.json, "items"), 0);
    assert_string_equal(json_string_value(json_object_get(first, "id")), "2026-Q3");
    assert_string_equal(json_string_value(json_object_get(first, "deadline")), "2026-07-31T23:59:59Z");
    assert_string_equal(jstr(&r, "current"), "2026-Q3");
    resp_free(&r);
    http(s, "PUT", "/v1/operator/cycles/2026-QX",
         "{\"deadline\":\"2026-11-30T23:59:59Z\",\"start\":\"2026-11-01T00:00:00Z\",\"end\":\"2026-12-01T00:00:00Z\"}",
         ho, &r);
    expect(&r, 400, NULL, NULL); /* overlaps 2026-Q4 */
    resp_free(&r);
    http(s, "PUT", "/v1/operator/cycles/2028-Q4",
         "{\"deadline\":\"2028-10-31T23:59:59Z\",\"start\":\"2028-10-01T00:00:00Z\",\"end\":\"2029-01-01T00:00:00Z\"}",
         ho, &r);
    expect(&r, 200, NULL, NULL);
    resp_free(&r);
    http(s, "PUT", "/v1/operator/cycles/2026-Q3/threshold", "{\"floor\":\"high\"}", ho, &r);
    expect(&r, 400, NULL, "floor");
    resp_free(&r);
    http(s, "PUT", "/v1/operator/cycles/2026-Q3/threshold", "{\"floor\":88.5,\"margin\":3,\"module_floors\":"
         "{\"content\":50}}", ho, &r);
    expect(&r, 200, NULL, NULL);
    resp_free(&r);
    http(s, "GET", "/v1/operator/cycles/2026-Q3/threshold", NULL, ho, &r);
    expect(&r, 200, NULL, NULL);
    assert_true(json_real_value(json_object_get(r.json, "floor")) == 88.5);
    assert_true(json_is_true(json_object_get(r.json, "operator_set")));
    resp_free(&r);
    /* The new floor is the threshold in force for the next evaluation. */
    struct account a;
    char site[40], eval[32], home[300];
    signup(s, "near@line.example", &a);
    new_site(s, &a, "line.example", site);
    home_for(site, home, sizeof home);
    worker_evaluates(s, site, 85, T0, home, eval);
    get_mark(s, &a, site, &r);
    assert_string_equal(jstr(&r, "state"), "below_threshold");
    assert_true(json_real_value(json_object_get(r.json, "threshold")) == 88.5);
    resp_free(&r);
    /* An exporter's session is not an operator. */
    const char *hx[] = {a.cookie, NULL};
    http(s, "GET", "/v1/operator/cycles", NULL, hx, &r);
    assert_true(r.status == 401 || r.status == 403);
    resp_free(&r);
}

#define CASES(setup)                                                                          \
    cmocka_unit_test_setup_teardown(test_green_uploads_green, setup, teardown),               \
    cmocka_unit_test_setup_teardown(test_missed_window_downgrade_and_lock, setup, teardown),  \
    cmocka_unit_test_setup_teardown(test_operator_routes, setup, teardown)

int main(void)
{
    if (!getenv("CWTAP_BIN")) {
        fprintf(stderr, "CWTAP_BIN is not set\n");
        return 1;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest sqlite[] = {CASES(setup_sqlite)};
    const struct CMUnitTest pg[] = {CASES(setup_pg)};
    int fails = cmocka_run_group_tests_name("marks-sqlite", sqlite, NULL, NULL);
    const char *conn = getenv("CWTAP_TEST_PG");
    if (conn && *conn)
        fails += cmocka_run_group_tests_name("marks-postgresql", pg, NULL, NULL);
    else
        fprintf(stderr, "# CWTAP_TEST_PG not set: PostgreSQL cases skipped\n");
    curl_global_cleanup();
    return fails;
}
