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

#include "hapi.h"
#include "harness.h"
#include "program/markflow.h"
#include "store/store_records.h"
#include "util/timeutil.h"

static int setup_common(void **state, const char *db_url)
{
    struct hapi_server *s = calloc(1, sizeof *s);
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
    hapi_start(s, s->db, extra);
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
    struct hapi_server *s = *state;
    int rc = hapi_stop(s); /* 0 only after a clean, leak-free (LeakSanitizer) exit */
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

/* ---- the program's journey ---------------------------------------------------- */

static const int64_t T0 = 1786352400; /* 2026-08-10T09:00:00Z */

static void set_clock(const struct hapi_server *s, int64_t t)
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

static void db_exec(const struct hapi_server *s, const char *sql, const char *arg)
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
static void new_site(const struct hapi_server *s, const struct hapi_account *a, const char *domain, char id[40])
{
    char body[256];
    struct hapi_resp r;
    snprintf(body, sizeof body, "{\"domain\":\"%s\"}", domain);
    const char *h[] = {a->cookie, a->csrf, NULL};
    hapi_http(s, "POST", "/v1/sites", body, h, &r);
    hapi_expect(&r, 201, NULL, NULL);
    snprintf(id, 40, "%s", hapi_jstr(&r, "id"));
    hapi_resp_free(&r);
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
static void worker_evaluates(const struct hapi_server *s, const char *site_id, double total, int64_t at,
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

static void get_mark(const struct hapi_server *s, const struct hapi_account *a, const char *site, struct hapi_resp *r)
{
    char path[128];
    snprintf(path, sizeof path, "/v1/sites/%s/mark", site);
    const char *h[] = {a->cookie, NULL};
    hapi_http(s, "GET", path, NULL, h, r);
    hapi_expect(r, 200, NULL, NULL);
}

static void post_csv(const struct hapi_server *s, const struct hapi_account *a, const char *site, const char *kind,
                     const char *fixture, struct hapi_resp *r)
{
    char path[128], rel[128];
    snprintf(path, sizeof path, "/v1/sites/%s/uploads/%s", site, kind);
    snprintf(rel, sizeof rel, "tests/fixtures/uploads/%s", fixture);
    char *csv = h_read_file(h_src(rel), NULL);
    assert_non_null(csv);
    const char *h[] = {a->cookie, a->csrf, "Content-Type: text/csv", NULL};
    hapi_http(s, "POST", path, csv, h, r);
    free(csv);
}

/* An API key with @p scope for a fresh account made of @p kind. */
static void api_key(const struct hapi_server *s, const char *email, const char *kind, const char *scope, char *hdr,
                    size_t n)
{
    struct hapi_account a;
    hapi_signup(s, email, &a);
    db_exec(s, kind[0] == 'o' ? "UPDATE enterprises SET kind = 'operator' WHERE id = ?"
                              : "UPDATE enterprises SET kind = 'platform' WHERE id = ?", a.enterprise);
    char body[128];
    snprintf(body, sizeof body, "{\"name\":\"k\",\"scopes\":[\"%s\"]}", scope);
    const char *h[] = {a.cookie, a.csrf, NULL};
    struct hapi_resp r;
    hapi_http(s, "POST", "/v1/keys", body, h, &r);
    hapi_expect(&r, 201, NULL, NULL);
    snprintf(hdr, n, "Authorization: Bearer %s", hapi_jstr(&r, "key"));
    hapi_resp_free(&r);
}

static void home_for(const char *id, char *out, size_t n)
{
    snprintf(out, n, "<html><head><script async src=\"https://trust.example/sdk/v1/cwtap.js\" data-site=\"%s\">"
             "</script></head><body>valves</body></html>", id);
}

static void test_green_uploads_green(void **state)
{
    struct hapi_server *s = *state;
    struct hapi_account a;
    struct hapi_resp r;
    char site[40], eval[32], home[300];
    hapi_signup(s, "green@valves.example", &a);
    new_site(s, &a, "valves.example", site);
    get_mark(s, &a, site, &r);
    assert_string_equal(hapi_jstr(&r, "state"), "not_integrated");
    assert_true(json_is_null(json_object_get(json_object_get(r.json, "pool"), "cycle")));
    assert_non_null(strstr(jpath_str(r.json, "pool", "explain"), "in no pool yet"));
    hapi_resp_free(&r);

    /* A page without the tag: not integrated, however good the score. */
    worker_evaluates(s, site, 95, T0 - 600, "<html><body>no tag</body></html>", eval);
    get_mark(s, &a, site, &r);
    assert_string_equal(hapi_jstr(&r, "state"), "not_integrated");
    hapi_resp_free(&r);

    home_for(site, home, sizeof home);
    worker_evaluates(s, site, 82, T0, home, eval);
    get_mark(s, &a, site, &r);
    assert_string_equal(hapi_jstr(&r, "state"), "green_data_due");
    assert_string_equal(jpath_str(r.json, "duty", "countdown"), "72:00:00");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(r.json, "duty"), "seconds_left")), 259200);
    assert_string_equal(jpath_str(r.json, "duty", "due"), "2026-08-13T09:00:00Z");
    assert_string_equal(hapi_jstr(&r, "cycle"), "2026-Q3");
    /* Qualified on 2026-08-10, after 2026-Q3's enrollment deadline (07-31): deferred to 2026-Q4's pool. */
    assert_string_equal(jpath_str(r.json, "pool", "cycle"), "2026-Q4");
    assert_string_equal(jpath_str(r.json, "pool", "missed"), "2026-Q3");
    assert_true(json_is_true(json_object_get(json_object_get(r.json, "pool"), "deferred")));
    assert_true(json_is_false(json_object_get(json_object_get(r.json, "pool"), "in_current")));
    assert_non_null(strstr(jpath_str(r.json, "pool", "explain"), "deferred to the pool of 2026-Q4"));
    hapi_resp_free(&r);

    /* The threshold in force comes with the evaluation. */
    char path[128];
    snprintf(path, sizeof path, "/v1/evaluations/%s", eval);
    const char *hc[] = {a.cookie, NULL};
    hapi_http(s, "GET", path, NULL, hc, &r);
    hapi_expect(&r, 200, NULL, NULL);
    json_t *th = json_object_get(r.json, "threshold");
    assert_true(json_real_value(json_object_get(th, "enter")) == 70.0);
    assert_true(json_is_true(json_object_get(th, "meets_enter")));
    assert_string_equal(jpath_str(r.json, "threshold", "cycle"), "2026-Q3");
    hapi_resp_free(&r);

    /* A customs file with a consignee column is refused, row and column named, and not stored. */
    set_clock(s, T0 + 3600);
    int64_t before = hapi_count_rows(s, "uploads");
    post_csv(s, &a, site, "customs", "customs_sensitive.csv", &r);
    hapi_expect(&r, 422, "upload_refused", "body");
    json_t *issues = json_object_get(json_object_get(r.json, "result"), "issues");
    assert_true(json_array_size(issues) >= 1);
    bool named = false;
    for (size_t i = 0; i < json_array_size(issues); i++) {
        json_t *it = json_array_get(issues, i);
        named |= json_integer_value(json_object_get(it, "row")) >= 1 && json_is_string(json_object_get(it, "column"));
    }
    assert_true(named);
    assert_null(strstr(r.body, "Siam Power"));
    hapi_resp_free(&r);
    assert_int_equal(hapi_count_rows(s, "uploads"), before);

    post_csv(s, &a, site, "customs", "customs_good.csv", &r);
    hapi_expect(&r, 201, NULL, NULL);
    hapi_resp_free(&r);
    post_csv(s, &a, site, "iso", "iso_good.csv", &r);
    hapi_expect(&r, 201, NULL, NULL);
    hapi_resp_free(&r);
    set_clock(s, T0 + 72 * 3600 - 1); /* 71:59:59 */
    get_mark(s, &a, site, &r);
    assert_string_equal(jpath_str(r.json, "duty", "countdown"), "00:00:01");
    hapi_resp_free(&r);
    post_csv(s, &a, site, "outlets", "outlets_good.csv", &r);
    hapi_expect(&r, 201, NULL, NULL);
    hapi_resp_free(&r);
    set_clock(s, T0 + 73 * 3600);
    get_mark(s, &a, site, &r);
    assert_string_equal(hapi_jstr(&r, "state"), "green");
    assert_true(json_is_true(json_object_get(json_object_get(r.json, "duty"), "met")));
    hapi_resp_free(&r);
    settle();

    /* The public registry and verification page. */
    hapi_http(s, "GET", "/v1/registry?country=CN", NULL, NULL, &r);
    hapi_expect(&r, 200, NULL, NULL);
    assert_int_equal(json_array_size(json_object_get(r.json, "items")), 1);
    hapi_resp_free(&r);
    snprintf(path, sizeof path, "/v1/sites/%s/industry", site);
    const char *hw[] = {a.cookie, a.csrf, NULL};
    hapi_http(s, "PUT", path, "{\"industry\":\"valves\"}", hw, &r);
    hapi_expect(&r, 200, NULL, NULL);
    hapi_resp_free(&r);
    hapi_http(s, "GET", "/v1/registry?industry=valves&grade=B", NULL, NULL, &r);
    assert_int_equal(json_array_size(json_object_get(r.json, "items")), 1);
    hapi_resp_free(&r);
    hapi_http(s, "GET", "/v1/registry?industry=textiles", NULL, NULL, &r);
    assert_int_equal(json_array_size(json_object_get(r.json, "items")), 0);
    hapi_resp_free(&r);
    hapi_http(s, "GET", "/v1/registry?country=TH", NULL, NULL, &r);
    assert_int_equal(json_array_size(json_object_get(r.json, "items")), 0);
    hapi_resp_free(&r);
    snprintf(path, sizeof path, "/v1/registry/%s", site);
    hapi_http(s, "GET", path, NULL, NULL, &r);
    hapi_expect(&r, 200, NULL, NULL);
    assert_string_equal(hapi_jstr(&r, "mark"), "green");
    assert_string_equal(hapi_jstr(&r, "green_since"), "2026-08-10T09:00:00Z");
    assert_true(json_real_value(json_object_get(json_object_get(r.json, "modules"), "basic")) == 82.0);
    hapi_resp_free(&r);

    /* Weights: green but qualified after 2026-Q3's deadline, so 1.00 until 2026-Q4 starts. */
    char plat[200];
    api_key(s, "buyer@market.example", "platform", "platform", plat, sizeof plat);
    const char *hp[] = {plat, NULL};
    snprintf(path, sizeof path, "/v1/platform/weights?site=%s", site);
    hapi_http(s, "GET", path, NULL, hp, &r);
    hapi_expect(&r, 200, NULL, NULL);
    assert_true(json_real_value(json_object_get(r.json, "weight")) == 1.0);
    assert_false(json_is_true(json_object_get(r.json, "in_pool")));
    hapi_resp_free(&r);
    hapi_http(s, "GET", path, NULL, hc, &r); /* an exporter's session has no platform scope */
    assert_true(r.status == 401 || r.status == 403);
    hapi_resp_free(&r);
    set_clock(s, 1790899200); /* 2026-10-02T00:00:00Z: 2026-Q4 runs; the site qualified by its deadline */
    hapi_http(s, "GET", path, NULL, hp, &r);
    hapi_expect(&r, 200, NULL, NULL);
    double w = json_real_value(json_object_get(r.json, "weight"));
    assert_true(json_is_true(json_object_get(r.json, "in_pool")));
    assert_string_equal(hapi_jstr(&r, "cycle"), "2026-Q4");
    assert_true(w > 1.0 && w <= 1.15);
    fprintf(stderr, "# weight of a green site scoring 82 against 70: %.4f\n", w);
    hapi_resp_free(&r);
    hapi_http(s, "GET", "/v1/platform/weights.ndjson", NULL, hp, &r);
    hapi_expect(&r, 200, NULL, NULL);
    assert_non_null(strstr(r.body, site));
    assert_int_equal(r.body[r.len - 1], '\n');
    hapi_resp_free(&r);

    /* A signed attestation verifies offline against the published keys, also after a rotation. */
    snprintf(path, sizeof path, "/v1/registry/%s/attestation", site);
    hapi_http(s, "GET", path, NULL, NULL, &r);
    hapi_expect(&r, 200, NULL, NULL);
    char token[2048];
    snprintf(token, sizeof token, "%s", hapi_jstr(&r, "token"));
    hapi_resp_free(&r);
    char op[200];
    api_key(s, "ops@operator.example", "operator", "operator", op, sizeof op);
    const char *ho[] = {op, NULL};
    hapi_http(s, "POST", "/v1/operator/keys/rotate", "{}", ho, &r);
    hapi_expect(&r, 200, NULL, NULL);
    hapi_resp_free(&r);
    hapi_http(s, "GET", "/.well-known/cwtap-keys.json", NULL, NULL, &r);
    hapi_expect(&r, 200, NULL, NULL);
    assert_null(strstr(r.body, "\"d\""));
    struct cwt__keyset ks;
    struct cwt_err err;
    cwt__keyset_init(&ks);
    assert_int_equal(cwt__keyset_from_json(&ks, r.body, r.len, &err), CWT_OK);
    assert_int_equal(ks.n, 2);
    hapi_resp_free(&r);
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
    struct hapi_server *s = *state;
    struct hapi_account a;
    struct hapi_resp r;
    char site[40], eval[32], home[300], path[128];
    hapi_signup(s, "late@lamps.example", &a);
    new_site(s, &a, "lamps.example", site);
    home_for(site, home, sizeof home);
    worker_evaluates(s, site, 78, T0, home, eval);
    set_clock(s, T0 + 72 * 3600 - 1);
    get_mark(s, &a, site, &r);
    assert_string_equal(hapi_jstr(&r, "state"), "green_data_due");
    hapi_resp_free(&r);
    settle();
    hapi_http(s, "GET", "/v1/registry", NULL, NULL, &r);
    assert_int_equal(json_array_size(json_object_get(r.json, "items")), 1);
    hapi_resp_free(&r);

    set_clock(s, T0 + 72 * 3600); /* 72:00:00 */
    get_mark(s, &a, site, &r);
    assert_string_equal(hapi_jstr(&r, "state"), "downgraded");
    assert_string_equal(hapi_jstr(&r, "downgraded_at"), "2026-08-13T09:00:00Z");
    assert_string_equal(hapi_jstr(&r, "review_locked_until"), "2027-02-13T09:00:00Z");
    hapi_resp_free(&r);
    /* The registry drops it at once (the snapshot knows its next deadline). */
    hapi_http(s, "GET", "/v1/registry", NULL, NULL, &r);
    assert_int_equal(json_array_size(json_object_get(r.json, "items")), 0);
    hapi_resp_free(&r);
    snprintf(path, sizeof path, "/v1/registry/%s/attestation", site);
    hapi_http(s, "GET", path, NULL, NULL, &r);
    hapi_expect(&r, 404, NULL, NULL);
    hapi_resp_free(&r);

    snprintf(path, sizeof path, "/v1/sites/%s/review", site);
    const char *h[] = {a.cookie, a.csrf, NULL};
    set_clock(s, T0 + 72 * 3600 + 60);
    hapi_http(s, "POST", path, "{}", h, &r);
    hapi_expect(&r, 423, "review_locked", NULL);
    hapi_resp_free(&r);
    set_clock(s, 1802509199); /* 2027-02-13T08:59:59Z: one second before the lock ends */
    hapi_login(s, "late@lamps.example", &a); /* the first session expired months ago */
    hapi_http(s, "POST", path, "{}", h, &r);
    hapi_expect(&r, 423, "review_locked", NULL);
    assert_string_equal(hapi_jstr(&r, "locked_until"), "2027-02-13T09:00:00Z");
    assert_non_null(strstr(jpath_str(r.json, "error", "message"), "2027-02-13"));
    hapi_resp_free(&r);
    set_clock(s, 1802509200); /* the lock's end */
    hapi_http(s, "POST", path, "{}", h, &r);
    hapi_expect(&r, 202, NULL, NULL);
    hapi_resp_free(&r);
    get_mark(s, &a, site, &r);
    assert_string_equal(hapi_jstr(&r, "state"), "evaluating");
    hapi_resp_free(&r);

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
    struct hapi_server *s = *state;
    struct hapi_resp r;
    char op[200];
    api_key(s, "ops@operator.example", "operator", "operator", op, sizeof op);
    const char *ho[] = {op, NULL};
    hapi_http(s, "GET", "/v1/operator/cycles", NULL, ho, &r);
    hapi_expect(&r, 200, NULL, NULL);
    json_t *first = json_array_get(json_object_get(r.json, "items"), 0);
    assert_string_equal(json_string_value(json_object_get(first, "id")), "2026-Q3");
    assert_string_equal(json_string_value(json_object_get(first, "deadline")), "2026-07-31T23:59:59Z");
    assert_string_equal(hapi_jstr(&r, "current"), "2026-Q3");
    hapi_resp_free(&r);
    hapi_http(s, "PUT", "/v1/operator/cycles/2026-QX",
         "{\"deadline\":\"2026-11-30T23:59:59Z\",\"start\":\"2026-11-01T00:00:00Z\",\"end\":\"2026-12-01T00:00:00Z\"}",
         ho, &r);
    hapi_expect(&r, 400, NULL, NULL); /* overlaps 2026-Q4 */
    hapi_resp_free(&r);
    hapi_http(s, "PUT", "/v1/operator/cycles/2028-Q4",
         "{\"deadline\":\"2028-10-31T23:59:59Z\",\"start\":\"2028-10-01T00:00:00Z\",\"end\":\"2029-01-01T00:00:00Z\"}",
         ho, &r);
    hapi_expect(&r, 200, NULL, NULL);
    hapi_resp_free(&r);
    hapi_http(s, "PUT", "/v1/operator/cycles/2026-Q3/threshold", "{\"floor\":\"high\"}", ho, &r);
    hapi_expect(&r, 400, NULL, "floor");
    hapi_resp_free(&r);
    hapi_http(s, "PUT", "/v1/operator/cycles/2026-Q3/threshold", "{\"floor\":88.5,\"margin\":3,\"module_floors\":"
         "{\"content\":50}}", ho, &r);
    hapi_expect(&r, 200, NULL, NULL);
    hapi_resp_free(&r);
    hapi_http(s, "GET", "/v1/operator/cycles/2026-Q3/threshold", NULL, ho, &r);
    hapi_expect(&r, 200, NULL, NULL);
    assert_true(json_real_value(json_object_get(r.json, "floor")) == 88.5);
    assert_true(json_is_true(json_object_get(r.json, "operator_set")));
    hapi_resp_free(&r);
    /* The new floor is the threshold in force for the next evaluation. */
    struct hapi_account a;
    char site[40], eval[32], home[300];
    hapi_signup(s, "near@line.example", &a);
    new_site(s, &a, "line.example", site);
    home_for(site, home, sizeof home);
    worker_evaluates(s, site, 85, T0, home, eval);
    get_mark(s, &a, site, &r);
    assert_string_equal(hapi_jstr(&r, "state"), "below_threshold");
    assert_true(json_real_value(json_object_get(r.json, "threshold")) == 88.5);
    hapi_resp_free(&r);
    /* An exporter's session is not an operator. */
    const char *hx[] = {a.cookie, NULL};
    hapi_http(s, "GET", "/v1/operator/cycles", NULL, hx, &r);
    assert_true(r.status == 401 || r.status == 403);
    hapi_resp_free(&r);
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
