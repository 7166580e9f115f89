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
#include <math.h>
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
#include "store/store_policy.h"
#include "store/store_records.h"
#include "util/timeutil.h"

static int setup_common(void **state, const char *db_url)
{
    struct hapi_server *s = calloc(1, sizeof *s);
    hapi_db_prepare(s, "marks", db_url);
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
    return hapi_teardown(state);
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
    struct cwt__policy_row pol; /* the operator's policy in force at the evaluation, as the worker reads it */
    struct cwt__eval_threshold th;
    assert_int_equal(cwt__store_policy_at(st, at, &pol, &err), CWT_OK);
    if (cwt__markflow_evaluated(st, &pol.p, &ev, integ, &th, &err) != CWT_OK)
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

static int64_t jint(json_t *j, const char *a, const char *b)
{
    json_t *v = json_object_get(j, a);
    return json_integer_value(b ? json_object_get(v, b) : v);
}

static enum cwt_status count_policy_log(void *ud, const struct cwt__row *r)
{
    *(int64_t *)ud = cwt__row_int(r, 0);
    snprintf((char *)ud + sizeof(int64_t), 200, "%s", cwt__row_text(r, 1));
    return CWT_OK;
}

/*
 * The operator's program policy over HTTP: read, refused changes naming the
 * field, a change in force from its instant (a mark green before it keeps its
 * 72 h; one green after it gets the 48 h window and 3-month lock, checked at
 * 47:59:59 and 48:00:00), and the change in the hash-chained log with who.
 */
static void test_operator_policy(void **state)
{
    struct hapi_server *s = *state;
    struct hapi_resp r;
    char op[200];
    api_key(s, "policy@operator.example", "operator", "operator", op, sizeof op);
    const char *ho[] = {op, NULL};
    hapi_http(s, "GET", "/v1/operator/policy", NULL, ho, &r);
    hapi_expect(&r, 200, NULL, NULL);
    assert_int_equal(jint(r.json, "version", NULL), 1);
    assert_int_equal(jint(r.json, "policy", "duty_window_s"), 259200);
    assert_int_equal(jint(r.json, "policy", "review_lock_months"), 6);
    assert_true(json_real_value(json_object_get(json_object_get(r.json, "policy"), "weight_bonus")) == 0.15);
    assert_string_equal(hapi_jstr(&r, "set_by"), "seed");
    hapi_resp_free(&r);

    static const struct { const char *body; long status; const char *field; } bad[] = {
        {"{\"duty_window_s\":3599}", 400, "duty_window_s"},
        {"{\"duty_window_s\":2592001}", 400, "duty_window_s"},
        {"{\"review_lock_months\":25}", 400, "review_lock_months"},
        {"{\"weight_bonus\":1.01}", 400, "weight_bonus"},
        {"{\"curve\":\"cubic\"}", 400, "curve"},
        {"{\"duty_window\":172800}", 400, "duty_window"},
        {"{\"version\":\"1\"}", 400, "version"},
        {"{\"version\":7,\"duty_window_s\":172800}", 409, "version"},
        {"[]", 400, ""},
    };
    for (size_t i = 0; i < CWT_ARRAY_LEN(bad); i++) {
        hapi_http(s, "PUT", "/v1/operator/policy", bad[i].body, ho, &r);
        if (r.status != bad[i].status || strcmp(hapi_err_field(&r), bad[i].field) != 0)
            fail_msg("%s: %ld %s", bad[i].body, r.status, r.body);
        hapi_resp_free(&r);
    }
    struct hapi_account a, b;
    hapi_signup(s, "before@policy.example", &a);
    const char *hx[] = {a.cookie, a.csrf, NULL};
    hapi_http(s, "PUT", "/v1/operator/policy", "{\"duty_window_s\":172800}", hx, &r);
    assert_true(r.status == 401 || r.status == 403); /* an exporter is not an operator */
    hapi_resp_free(&r);

    /* Site A turns green under version 1. */
    char sa[40], sb[40], eval[32], home[300];
    new_site(s, &a, "before.example", sa);
    home_for(sa, home, sizeof home);
    worker_evaluates(s, sa, 80, T0, home, eval);

    /* An hour later: 48 h, a 3-month lock, 10 % weighting. */
    set_clock(s, T0 + 3600);
    hapi_http(s, "PUT", "/v1/operator/policy",
              "{\"version\":1,\"duty_window_s\":172800,\"review_lock_months\":3,\"weight_bonus\":0.1}", ho, &r);
    hapi_expect(&r, 200, NULL, NULL);
    assert_int_equal(jint(r.json, "version", NULL), 2);
    assert_true(json_is_true(json_object_get(r.json, "changed")));
    assert_string_equal(hapi_jstr(&r, "set_at"), "2026-08-10T10:00:00Z");
    assert_non_null(strstr(hapi_jstr(&r, "set_by"), "key "));
    assert_int_equal(jint(r.json, "policy", "customs_months"), 6); /* left out: kept */
    hapi_resp_free(&r);
    hapi_http(s, "GET", "/v1/operator/policy", NULL, ho, &r);
    assert_int_equal(jint(r.json, "version", NULL), 2);
    assert_int_equal(jint(r.json, "policy", "duty_window_s"), 172800);
    hapi_resp_free(&r);

    /* Site B turns green after the change: the 48 h window. */
    hapi_signup(s, "after@policy.example", &b);
    new_site(s, &b, "after.example", sb);
    home_for(sb, home, sizeof home);
    worker_evaluates(s, sb, 80, T0 + 3600, home, eval);
    get_mark(s, &b, sb, &r);
    assert_string_equal(jpath_str(r.json, "duty", "countdown"), "48:00:00");
    assert_string_equal(jpath_str(r.json, "duty", "due"), "2026-08-12T10:00:00Z");
    hapi_resp_free(&r);
    get_mark(s, &a, sa, &r);
    assert_string_equal(jpath_str(r.json, "duty", "due"), "2026-08-13T09:00:00Z"); /* A keeps its 72 h */
    hapi_resp_free(&r);

    set_clock(s, T0 + 3600 + 48 * 3600 - 1); /* B at 47:59:59 */
    get_mark(s, &b, sb, &r);
    assert_string_equal(hapi_jstr(&r, "state"), "green_data_due");
    assert_string_equal(jpath_str(r.json, "duty", "countdown"), "00:00:01");
    hapi_resp_free(&r);
    set_clock(s, T0 + 3600 + 48 * 3600); /* B at 48:00:00 */
    get_mark(s, &b, sb, &r);
    assert_string_equal(hapi_jstr(&r, "state"), "downgraded");
    assert_string_equal(hapi_jstr(&r, "review_locked_until"), "2026-11-12T10:00:00Z"); /* 3 months */
    hapi_resp_free(&r);
    get_mark(s, &a, sa, &r);
    assert_string_equal(hapi_jstr(&r, "state"), "green_data_due");
    assert_string_equal(jpath_str(r.json, "duty", "countdown"), "23:00:00");
    hapi_resp_free(&r);
    set_clock(s, T0 + 72 * 3600);
    get_mark(s, &a, sa, &r);
    assert_string_equal(hapi_jstr(&r, "state"), "downgraded");
    assert_string_equal(hapi_jstr(&r, "review_locked_until"), "2027-02-13T09:00:00Z"); /* the 6 months it had */
    hapi_resp_free(&r);

    /* The change is one entry of the chain, naming who and what; the chain verifies. */
    struct cwt__store *st = NULL;
    struct cwt_err err;
    char acc[sizeof(int64_t) + 200];
    memset(acc, 0, sizeof acc);
    assert_int_equal(cwt__store_open(s->db, NULL, &st, &err), CWT_OK);
    assert_int_equal(cwt__store_exec(st, "SELECT count(*), max(reason) FROM mark_log WHERE site = 'policy'", NULL, 0,
                                     count_policy_log, acc, NULL, &err), CWT_OK);
    cwt__store_free(st);
    int64_t nlog;
    memcpy(&nlog, acc, sizeof nlog);
    assert_int_equal(nlog, 1);
    assert_non_null(strstr(acc + sizeof(int64_t), "set by key "));
    assert_non_null(strstr(acc + sizeof(int64_t), "duty_window_s 259200 -> 172800"));
    char *argv[] = {getenv("CWTAP_BIN"), "log", "verify", "--db", s->db, "--json", NULL};
    struct h_run run;
    assert_int_equal(h_run(argv, NULL, &run), 0);
    if (run.status != 0)
        fail_msg("log verify: %d %s %s", run.status, run.out, run.err);
    h_run_free(&run);
}

/* GETs @p path (public) and appends the site ids of its items to @p ids; returns next_cursor ("" at the end). */
static void registry_page(const struct hapi_server *s, const char *path, char ids[][40], size_t *n, char *next,
                          size_t next_n)
{
    struct hapi_resp r;
    hapi_http(s, "GET", path, NULL, NULL, &r);
    hapi_expect(&r, 200, NULL, NULL);
    json_t *items = json_object_get(r.json, "items");
    for (size_t i = 0; i < json_array_size(items); i++) {
        json_t *it = json_array_get(items, i);
        assert_string_equal(json_string_value(json_object_get(it, "mark")), "green");
        snprintf(ids[(*n)++], 40, "%s", json_string_value(json_object_get(it, "site_id")));
    }
    json_t *c = json_object_get(r.json, "next_cursor");
    snprintf(next, next_n, "%s", json_is_string(c) ? json_string_value(c) : "");
    hapi_resp_free(&r);
}

/* Walks every page of @p query with @p limit; the ids in order into @p ids, the number of pages returned. */
static size_t registry_walk(const struct hapi_server *s, const char *query, int limit, char ids[][40], size_t *n)
{
    char path[256], next[128] = "";
    size_t pages = 0;
    *n = 0;
    do {
        snprintf(path, sizeof path, "/v1/registry?limit=%d%s%s%s", limit, query, next[0] ? "&cursor=" : "", next);
        size_t before = *n;
        registry_page(s, path, ids, n, next, sizeof next);
        pages++;
        assert_true(*n - before <= (size_t)limit);
        assert_true(pages < 20);
    } while (next[0]);
    for (size_t i = 1; i < *n; i++)
        assert_true(strcmp(ids[i - 1], ids[i]) < 0); /* keyset order: no repeats, none skipped between pages */
    return pages;
}

/*
 * The public registry's keyset pagination over HTTP: 7 green sites of two
 * countries and two industries, one below the threshold and one downgraded
 * (never listed), walked page by page with several limits and filters; a
 * page boundary survives a site added meanwhile; bad limits and cursors are
 * refused naming the parameter.
 */
static void test_registry_pagination(void **state)
{
    struct hapi_server *s = *state;
    struct hapi_account cn, th;
    char ids[12][40], eval[32], home[300], path[256];
    hapi_signup(s, "cn@pages.example", &cn);
    hapi_signup(s, "th@pages.example", &th);
    db_exec(s, "UPDATE enterprises SET country = 'TH' WHERE id = ?", th.enterprise);
    static const struct { int acct; const char *domain; double score; const char *industry; } sites[] = {
        {0, "a1.example", 81, "valves"}, {0, "a2.example", 90, "valves"}, {0, "a3.example", 72, "pumps"},
        {1, "b1.example", 88, "valves"}, {1, "b2.example", 75, "pumps"},  {1, "b3.example", 95, "valves"},
        {0, "a4.example", 70, "pumps"},  {0, "low.example", 40, "valves"}, {1, "late.example", 85, "valves"},
    };
    char site[CWT_ARRAY_LEN(sites)][40];
    struct hapi_resp r;
    for (size_t i = 0; i < CWT_ARRAY_LEN(sites); i++) {
        struct hapi_account *a = sites[i].acct ? &th : &cn;
        new_site(s, a, sites[i].domain, site[i]);
        home_for(site[i], home, sizeof home);
        /* late.example turned green 80 hours ago and missed its window: downgraded, never listed */
        int64_t at = i == 8 ? T0 - 80 * 3600 : T0 + (int64_t)i;
        worker_evaluates(s, site[i], sites[i].score, at, home, eval);
        snprintf(path, sizeof path, "/v1/sites/%s/industry", site[i]);
        char body[64];
        snprintf(body, sizeof body, "{\"industry\":\"%s\"}", sites[i].industry);
        const char *hw[] = {a->cookie, a->csrf, NULL};
        hapi_http(s, "PUT", path, body, hw, &r);
        hapi_expect(&r, 200, NULL, NULL);
        hapi_resp_free(&r);
    }
    settle();
    /* Every green site once, in id order, however the pages are cut. */
    char want[7][40], got[12][40];
    for (size_t i = 0; i < 7; i++)
        snprintf(want[i], 40, "%s", site[i]);
    qsort(want, 7, 40, (int (*)(const void *, const void *))strcmp);
    size_t n = 0;
    assert_int_equal(registry_walk(s, "", 50, got, &n), 1);
    assert_int_equal(n, 7);
    for (size_t i = 0; i < 7; i++)
        assert_string_equal(got[i], want[i]);
    static const struct { int limit; size_t pages; } cuts[] = {{1, 7}, {2, 4}, {3, 3}, {6, 2}, {7, 1}};
    for (size_t c = 0; c < CWT_ARRAY_LEN(cuts); c++) {
        assert_int_equal(registry_walk(s, "", cuts[c].limit, ids, &n), cuts[c].pages);
        assert_int_equal(n, 7);
        for (size_t i = 0; i < 7; i++)
            assert_string_equal(ids[i], want[i]);
    }
    /* Filters, combined, with pages: the count and that every item matches. */
    static const struct { const char *q; int limit; size_t n, pages; } filters[] = {
        {"&country=TH", 1, 3, 3},           {"&country=cn", 2, 4, 2}, /* case-insensitive */
        {"&industry=valves&country=CN", 1, 2, 2}, {"&industry=pumps", 2, 3, 2},
        {"&grade=B&industry=valves", 10, 4, 1},   {"&grade=A", 5, 0, 1},
        {"&country=DE", 1, 0, 1},
    };
    for (size_t f = 0; f < CWT_ARRAY_LEN(filters); f++) {
        size_t pages = registry_walk(s, filters[f].q, filters[f].limit, ids, &n);
        if (n != filters[f].n || pages != filters[f].pages)
            fail_msg("%s limit %d: %zu items in %zu pages", filters[f].q, filters[f].limit, n, pages);
        for (size_t i = 0; i < n; i++) {
            size_t k = 0;
            while (strcmp(site[k], ids[i]) != 0)
                k++;
            if (strstr(filters[f].q, "TH"))
                assert_int_equal(sites[k].acct, 1);
            if (strstr(filters[f].q, "pumps"))
                assert_string_equal(sites[k].industry, "pumps");
        }
    }
    /* The below-threshold and downgraded sites are on no page, but have a verification page. */
    snprintf(path, sizeof path, "/v1/registry/%s", site[8]);
    hapi_http(s, "GET", path, NULL, NULL, &r);
    hapi_expect(&r, 200, NULL, NULL);
    assert_string_equal(hapi_jstr(&r, "mark"), "none");
    hapi_resp_free(&r);

    /* A site turning green between two pages: the walk still shows each earlier site exactly once. */
    char next[128];
    n = 0;
    registry_page(s, "/v1/registry?limit=3", got, &n, next, sizeof next);
    assert_true(next[0] != '\0');
    char extra[40];
    new_site(s, &cn, "a5.example", extra);
    home_for(extra, home, sizeof home);
    worker_evaluates(s, extra, 77, T0 + 100, home, eval);
    set_clock(s, T0 + 200); /* the server polls the change counters at most once a (test clock) second */
    while (next[0]) {
        snprintf(path, sizeof path, "/v1/registry?limit=3&cursor=%s", next);
        registry_page(s, path, got, &n, next, sizeof next);
    }
    bool extra_seen = false;
    size_t seen_want = 0;
    for (size_t i = 0; i < n; i++) {
        extra_seen |= strcmp(got[i], extra) == 0;
        for (size_t k = 0; k < 7; k++)
            seen_want += strcmp(got[i], want[k]) == 0;
    }
    assert_int_equal(seen_want, 7);
    assert_int_equal(n, 7 + (extra_seen ? 1 : 0));
    assert_true(extra_seen == (strcmp(extra, got[2]) > 0)); /* listed iff its id is after the first page */

    /* Bad parameters are refused by name. */
    static const struct { const char *q; const char *field; } bad[] = {
        {"/v1/registry?limit=0", "limit"}, {"/v1/registry?limit=201", "limit"}, {"/v1/registry?limit=x", "limit"},
        {"/v1/registry?cursor=not-a-cursor", "cursor"},
    };
    for (size_t i = 0; i < CWT_ARRAY_LEN(bad); i++) {
        hapi_http(s, "GET", bad[i].q, NULL, NULL, &r);
        hapi_expect(&r, 400, NULL, bad[i].field);
        hapi_resp_free(&r);
    }
}

/* The threshold in force shown with evaluation @p eval (GET /v1/evaluations/{id}); checks enter, stay and verdicts. */
static void expect_threshold(const struct hapi_server *s, const struct hapi_account *a, const char *eval,
                             double enter, double stay, bool meets_enter, bool meets_stay, const char *explain)
{
    char path[128];
    struct hapi_resp r;
    snprintf(path, sizeof path, "/v1/evaluations/%s", eval);
    const char *h[] = {a->cookie, NULL};
    hapi_http(s, "GET", path, NULL, h, &r);
    hapi_expect(&r, 200, NULL, NULL);
    json_t *th = json_object_get(r.json, "threshold");
    double e = json_real_value(json_object_get(th, "enter")), st = json_real_value(json_object_get(th, "stay"));
    if (fabs(e - enter) > 1e-9 || fabs(st - stay) > 1e-9 ||
        json_is_true(json_object_get(th, "meets_enter")) != meets_enter ||
        json_is_true(json_object_get(th, "meets_stay")) != meets_stay ||
        !strstr(json_string_value(json_object_get(th, "explain")), explain))
        fail_msg("evaluation %s: want enter %.2f stay %.2f (%d/%d) '%s'; got %s", eval, enter, stay, meets_enter,
                 meets_stay, explain, r.body);
    /* One paragraph: the threshold in force named once, then the verdict. */
    const char *once = strstr(json_string_value(json_object_get(th, "explain")), "in force");
    if (!once || strstr(once + 1, "in force"))
        fail_msg("evaluation %s: the threshold is not explained exactly once: %s", eval, r.body);
    assert_string_equal(jpath_str(r.json, "threshold", "cycle"), "2026-Q3");
    hapi_resp_free(&r);
}

/*
 * The percentile threshold of a cycle's cohort over HTTP: the operator sets
 * floor 50, the 60th percentile, a cohort of at least 4 and a margin of 2 for
 * 2026-Q3; each evaluation shows the threshold in force when it was judged
 * (type 7 percentile of the latest scores of the cohort), the floor while the
 * cohort is too small, and the hysteresis: a site holding the mark keeps it at
 * 79 against 80 (keep line 78), a site without it does not get it at 79.
 */
static void test_percentile_threshold(void **state)
{
    struct hapi_server *s = *state;
    struct hapi_resp r;
    struct hapi_account a;
    char op[200], path[128], home[300];
    api_key(s, "pct@operator.example", "operator", "operator", op, sizeof op);
    const char *ho[] = {op, NULL};
    hapi_http(s, "PUT", "/v1/operator/cycles/2026-Q3/threshold",
              "{\"floor\":50,\"use_percentile\":true,\"percentile\":60,\"min_cohort\":4,\"margin\":2}", ho, &r);
    hapi_expect(&r, 200, NULL, NULL);
    hapi_resp_free(&r);
    hapi_http(s, "PUT", "/v1/operator/cycles/2026-Q3/threshold", "{\"percentile\":101,\"use_percentile\":true}",
              ho, &r);
    hapi_expect(&r, 400, NULL, "percentile");
    hapi_resp_free(&r);
    hapi_http(s, "GET", "/v1/operator/cycles/2026-Q3/threshold", NULL, ho, &r);
    assert_true(json_is_true(json_object_get(r.json, "use_percentile")));
    assert_true(json_real_value(json_object_get(r.json, "percentile")) == 60.0);
    hapi_resp_free(&r);

    hapi_signup(s, "cohort@pct.example", &a);
    static const double scores[] = {60, 70, 80, 90, 75, 85};
    char site[6][40], ev[8][32];
    for (size_t i = 0; i < 6; i++) {
        char dom[64];
        snprintf(dom, sizeof dom, "c%zu.example", i);
        new_site(s, &a, dom, site[i]);
        home_for(site[i], home, sizeof home);
        worker_evaluates(s, site[i], scores[i], T0 + 60 * (int64_t)i, home, ev[i]);
    }
    /* Cohorts of 0..3 scores: the floor alone. */
    for (size_t i = 0; i < 4; i++)
        expect_threshold(s, &a, ev[i], 50, 48, true, true, "percentile is not used");
    expect_threshold(s, &a, ev[3], 50, 48, true, true, "3 scores in the cohort, 4 needed");
    /* [60 70 80 90]: P60 = 78 > 50, so 75 is below. */
    expect_threshold(s, &a, ev[4], 78, 76, false, false, "the 60-th percentile of 4 scores in the cohort (78.0)");
    /* [60 70 75 80 90]: P60 = 77; 85 meets it. */
    expect_threshold(s, &a, ev[5], 77, 75, true, true, "of 5 scores");
    get_mark(s, &a, site[4], &r);
    assert_string_equal(hapi_jstr(&r, "state"), "below_threshold");
    assert_true(fabs(json_real_value(json_object_get(r.json, "threshold")) - 78) < 1e-9);
    hapi_resp_free(&r);

    /* Re-evaluations at 79 against [60 70 75 80 85 90] -> P60 = 80, keep line 78. */
    home_for(site[0], home, sizeof home);
    worker_evaluates(s, site[0], 79, T0 + 3600, home, ev[6]);
    expect_threshold(s, &a, ev[6], 80, 78, false, true, "keep");
    get_mark(s, &a, site[0], &r);
    assert_string_equal(hapi_jstr(&r, "state"), "green_data_due"); /* held: kept */
    hapi_resp_free(&r);
    home_for(site[4], home, sizeof home);
    worker_evaluates(s, site[4], 79, T0 + 3660, home, ev[7]);
    expect_threshold(s, &a, ev[7], 80, 78, false, true, "of 6 scores");
    get_mark(s, &a, site[4], &r);
    assert_string_equal(hapi_jstr(&r, "state"), "below_threshold"); /* not held: not obtained */
    hapi_resp_free(&r);

    /* The list of a site's evaluations shows the threshold in force with each, newest first. */
    snprintf(path, sizeof path, "/v1/sites/%s/evaluations", site[0]);
    const char *h[] = {a.cookie, NULL};
    hapi_http(s, "GET", path, NULL, h, &r);
    hapi_expect(&r, 200, NULL, NULL);
    json_t *items = json_object_get(r.json, "items");
    assert_int_equal(json_array_size(items), 2);
    assert_true(fabs(json_real_value(json_object_get(json_object_get(json_array_get(items, 0), "threshold"),
                                                     "enter")) - 80) < 1e-9);
    assert_true(json_real_value(json_object_get(json_object_get(json_array_get(items, 1), "threshold"), "enter")) ==
                50);
    hapi_resp_free(&r);
}

#define CASES(setup)                                                                          \
    cmocka_unit_test_setup_teardown(test_green_uploads_green, setup, teardown),               \
    cmocka_unit_test_setup_teardown(test_missed_window_downgrade_and_lock, setup, teardown),  \
    cmocka_unit_test_setup_teardown(test_operator_routes, setup, teardown),                   \
    cmocka_unit_test_setup_teardown(test_operator_policy, setup, teardown),                   \
    cmocka_unit_test_setup_teardown(test_registry_pagination, setup, teardown),               \
    cmocka_unit_test_setup_teardown(test_percentile_threshold, setup, teardown)

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
