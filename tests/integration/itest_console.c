/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Integration test of what the operator console and the public registry
 * pages use, over real HTTP against `cwtap serve` on 127.0.0.1 (SQLite, and
 * PostgreSQL when CWTAP_TEST_PG is set):
 *   - `cwtap accounts create` makes operator, platform and portal accounts
 *     (password from stdin or a file, never argv; exit codes 0, 2, 4);
 *   - their sessions reach the scoped routes their kind allows (operator:
 *     /v1/operator/...; platform: /v1/platform/...), writes still need the
 *     CSRF header, and an exporter's or portal's session is refused there;
 *   - GET /v1/operator/log pages through the hash-chained log and reports the
 *     chain intact, then names the first broken entry after a row is edited;
 *   - GET /v1/operator/models lists the versions of --models, and
 *     /v1/operator/models/{v}/preview re-scores the stored latest evaluations;
 *   - GET /v1/registry pages and filters (country, industry, grade) together.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <jansson.h>

#include "hapi.h"
#include "harness.h"
#include "hseed.h"
#include "sample.h"
#include "store/store_records.h"

static const int64_t T0 = 1786352400; /* 2026-08-10T09:00:00Z, inside the default cycle 2026-Q3 */

static int setup_common(void **state, const char *db_url)
{
    struct hapi_server *s = calloc(1, sizeof *s);
    hapi_db_prepare(s, "console", db_url);
    snprintf(s->clock, sizeof s->clock, "%s/clock", s->dir);
    h_write_file(s->clock, "1786352400", 10);
    /* Two model versions: v1 as shipped, and 2.0.0-test without the content module. */
    char models[600], path[700], master[600];
    snprintf(models, sizeof models, "%s/models", s->dir);
    h_sh("mkdir -p '%s'", models);
    char *v1 = h_read_file(h_src("models/cwtap-model-v1.json"), NULL), *v2 = h_model_v2_text();
    snprintf(path, sizeof path, "%s/cwtap-model-v1.json", models);
    h_write_file(path, v1, strlen(v1));
    snprintf(path, sizeof path, "%s/cwtap-model-v2-test.json", models);
    h_write_file(path, v2, strlen(v2));
    free(v1);
    free(v2);
    snprintf(master, sizeof master, "%s/var/master.key", s->dir);
    const char *extra[] = {"--clock-file", s->clock, "--master-key", master, "--models", models, NULL};
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
    return hapi_finish(*state);
}

/*
 * Moves the test clock on by two seconds: the server polls the change counters
 * once a second of its (test) clock, so other processes' writes show after this.
 */
static void settle(const struct hapi_server *s)
{
    static int64_t t = 1786352400;
    char buf[32];
    t += 2;
    int n = snprintf(buf, sizeof buf, "%lld", (long long)t);
    assert_int_equal(h_write_file(s->clock, buf, (size_t)n), 0);
}

static struct cwt__store *open_store(const struct hapi_server *s)
{
    struct cwt__store *st = NULL;
    struct cwt_err err;
    assert_int_equal(cwt__store_open(s->db, NULL, &st, &err), CWT_OK);
    return st;
}

/* `cwtap accounts create` with the password on stdin; the exit status, output in @p r. */
static int accounts(const struct hapi_server *s, const char *kind, const char *email, const char *password,
                    const char *more, struct h_run *r)
{
    char *argv[16] = {getenv("CWTAP_BIN"), "accounts", "create", "--db", (char *)s->db, "--kind", (char *)kind,
                      "--name", "Console Test", "--email", (char *)email, "--pwhash-cost", "min"};
    size_t n = 13;
    if (more)
        argv[n++] = (char *)more;
    argv[n] = NULL;
    assert_int_equal(h_run(argv, password, r), 0);
    return r->status;
}

static void make_account(const struct hapi_server *s, const char *kind, const char *email)
{
    struct h_run r;
    int rc = accounts(s, kind, email, "long enough pw\n", NULL, &r);
    if (rc != 0)
        fail_msg("accounts create %s: %d %s", email, rc, r.err);
    h_run_free(&r);
}

/* ---- accounts and sessions on scoped routes ----------------------------------- */

static void test_accounts_and_sessions(void **state)
{
    struct hapi_server *s = *state;
    struct h_run r;
    char *help[] = {getenv("CWTAP_BIN"), "accounts", "--help", NULL};
    assert_int_equal(h_run(help, NULL, &r), 0);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "--password-file"));
    h_run_free(&r);

    assert_int_equal(accounts(s, "operator", "Ops@Trust.Example", "long enough pw\n", "--json", &r), 0);
    json_t *j = json_loads(r.out, 0, NULL);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(json_object_get(j, "enterprise"), "kind")), "operator");
    assert_string_equal(json_string_value(json_object_get(json_object_get(j, "user"), "email")), "ops@trust.example");
    json_decref(j);
    h_run_free(&r);
    /* the same e-mail again, a short password, a bad kind, the password on the command line */
    assert_int_equal(accounts(s, "operator", "ops@trust.example", "long enough pw\n", NULL, &r), 4);
    assert_non_null(strstr(r.err, "email"));
    h_run_free(&r);
    assert_int_equal(accounts(s, "operator", "short@trust.example", "short\n", NULL, &r), 4);
    assert_non_null(strstr(r.err, "at least 10"));
    h_run_free(&r);
    assert_int_equal(accounts(s, "admin", "x@trust.example", "long enough pw\n", NULL, &r), 2);
    assert_non_null(strstr(r.err, "--kind 'admin'"));
    h_run_free(&r);
    assert_int_equal(accounts(s, "operator", "y@trust.example", "long enough pw\n", "long enough pw", &r), 2);
    h_run_free(&r);
    /* --password-file */
    char pwfile[600];
    snprintf(pwfile, sizeof pwfile, "%s/pw", s->dir);
    h_write_file(pwfile, "long enough pw\n", 15);
    char *argv[] = {getenv("CWTAP_BIN"), "accounts", "create", "--db", s->db, "--kind", "platform", "--name",
                    "Shop Platform", "--email", "plat@shop.example", "--password-file", pwfile, "--pwhash-cost", "min",
                    NULL};
    assert_int_equal(h_run(argv, NULL, &r), 0);
    assert_int_equal(r.status, 0);
    h_run_free(&r);
    make_account(s, "portal", "buyer@portal.example");

    struct hapi_account op, ex, pl, po;
    struct hapi_resp hr;
    hapi_login(s, "ops@trust.example", &op);
    hapi_signup(s, "exporter@valves.example", &ex);
    hapi_login(s, "plat@shop.example", &pl);
    hapi_login(s, "buyer@portal.example", &po);
    const char *hop[] = {op.cookie, NULL}, *hopw[] = {op.cookie, op.csrf, NULL};
    hapi_http(s, "GET", "/v1/me", NULL, hop, &hr);
    hapi_expect(&hr, 200, NULL, NULL);
    assert_string_equal(json_string_value(json_object_get(json_object_get(hr.json, "enterprise"), "kind")),
                        "operator");
    hapi_resp_free(&hr);
    hapi_http(s, "GET", "/v1/operator/cycles", NULL, hop, &hr);
    hapi_expect(&hr, 200, NULL, NULL);
    hapi_resp_free(&hr);
    static const char cycle[] = "{\"deadline\":\"2026-12-15T00:00:00Z\",\"start\":\"2027-01-01T00:00:00Z\","
                                "\"end\":\"2027-03-31T23:59:59Z\"}";
    hapi_http(s, "PUT", "/v1/operator/cycles/2027-Q1", cycle, hop, &hr); /* no CSRF header */
    hapi_expect(&hr, 403, "csrf", "X-CSRF-Token");
    hapi_resp_free(&hr);
    hapi_http(s, "PUT", "/v1/operator/cycles/2027-Q1", cycle, hopw, &hr);
    hapi_expect(&hr, 200, NULL, NULL);
    hapi_resp_free(&hr);
    hapi_http(s, "PUT", "/v1/operator/cycles/2027-Q1/threshold", "{\"floor\":72.5,\"margin\":2}", hopw, &hr);
    hapi_expect(&hr, 200, NULL, NULL);
    assert_true(json_real_value(json_object_get(hr.json, "floor")) == 72.5);
    hapi_resp_free(&hr);
    hapi_http(s, "GET", "/v1/operator/log", NULL, hop, &hr);
    hapi_expect(&hr, 200, NULL, NULL);
    hapi_resp_free(&hr);

    /* Other kinds: refused on operator routes; a platform's session reaches the platform's routes. */
    const struct hapi_account *others[] = {&ex, &pl, &po};
    static const char *const oproutes[] = {"/v1/operator/cycles", "/v1/operator/log", "/v1/operator/models",
                                           "/v1/operator/models/1.0.0/preview"};
    for (size_t i = 0; i < 3; i++)
        for (size_t k = 0; k < CWT_ARRAY_LEN(oproutes); k++) {
            const char *h[] = {others[i]->cookie, NULL};
            hapi_http(s, "GET", oproutes[k], NULL, h, &hr);
            hapi_expect(&hr, 403, "forbidden", NULL);
            hapi_resp_free(&hr);
        }
    const char *hex[] = {ex.cookie, ex.csrf, NULL};
    hapi_http(s, "PUT", "/v1/operator/cycles/2027-Q2", cycle, hex, &hr);
    hapi_expect(&hr, 403, "forbidden", NULL);
    hapi_resp_free(&hr);
    const char *hpl[] = {pl.cookie, NULL}, *hexr[] = {ex.cookie, NULL};
    hapi_http(s, "GET", "/v1/platform/weights?site=nowhere.example", NULL, hpl, &hr);
    hapi_expect(&hr, 404, "not_found", "site");
    hapi_resp_free(&hr);
    hapi_http(s, "GET", "/v1/platform/weights?site=nowhere.example", NULL, hexr, &hr);
    hapi_expect(&hr, 403, "forbidden", NULL);
    hapi_resp_free(&hr);
    /* after logout the cookie is worth nothing */
    hapi_http(s, "POST", "/v1/logout", "{}", hopw, &hr);
    hapi_resp_free(&hr);
    hapi_http(s, "GET", "/v1/operator/cycles", NULL, hop, &hr);
    hapi_expect(&hr, 401, "unauthorized", NULL);
    hapi_resp_free(&hr);
}

/* ---- the audit log and the model preview --------------------------------------- */

static void test_log_and_models(void **state)
{
    struct hapi_server *s = *state;
    struct hapi_resp r;
    struct hapi_account op;
    make_account(s, "operator", "ops@trust.example");
    hapi_login(s, "ops@trust.example", &op);
    const char *h[] = {op.cookie, NULL};

    /* Three sites evaluated by v1 (the stored total is v1's), each through the worker's step. */
    struct cwt__store *st = open_store(s);
    char ent[32], site[3][32];
    hseed_account(st, "Seed Exporter", "exporter", "CN", "seed@valves.example", "long enough pw", T0 - 86400, ent);
    for (int w = H_SAMPLE_STRONG; w <= H_SAMPLE_HOSTILE; w++) {
        char dom[64];
        snprintf(dom, sizeof dom, "site%d.example", w);
        hseed_site(st, ent, dom, "valves", T0 - 86400, site[w]);
        json_t *ev = h_sample_evaluation((enum h_sample)w);
        double total = json_number_value(json_object_get(ev, "total"));
        const char *g = json_string_value(json_object_get(json_object_get(ev, "grade"), "letter"));
        hseed_evaluate(st, site[w], T0 - 3600 + w, ev, total, g, "1.0.0", true, NULL);
        json_decref(ev);
    }
    cwt__store_free(st);

    hapi_http(s, "GET", "/v1/operator/models", NULL, h, &r);
    hapi_expect(&r, 200, NULL, NULL);
    json_t *items = json_object_get(r.json, "items");
    assert_int_equal(json_array_size(items), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "version")), "1.0.0");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 0), "latest_evaluations")), 3);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 1), "latest_evaluations")), 0);
    hapi_resp_free(&r);

    /* The version that made the scores moves nothing. */
    hapi_http(s, "GET", "/v1/operator/models/1.0.0/preview", NULL, h, &r);
    hapi_expect(&r, 200, NULL, NULL);
    json_t *sum = json_object_get(r.json, "summary");
    assert_int_equal(json_integer_value(json_object_get(sum, "sites")), 3);
    assert_int_equal(json_integer_value(json_object_get(sum, "unchanged")), 3);
    assert_int_equal(json_integer_value(json_object_get(sum, "grade_up")) +
                         json_integer_value(json_object_get(sum, "grade_down")), 0);
    hapi_resp_free(&r);

    /* Without the content module, scores move; the counts agree with the rows, largest move first. */
    hapi_http(s, "GET", "/v1/operator/models/2.0.0-test/preview", NULL, h, &r);
    hapi_expect(&r, 200, NULL, NULL);
    sum = json_object_get(r.json, "summary");
    json_t *rows = json_object_get(r.json, "sites");
    assert_int_equal(json_array_size(rows), 3);
    json_int_t up = 0, down = 0, same = 0, gup = 0, gdown = 0;
    double prev = INFINITY;
    for (size_t i = 0; i < 3; i++) {
        json_t *row = json_array_get(rows, i);
        double from = json_number_value(json_object_get(row, "total_from")),
               to = json_number_value(json_object_get(row, "total_to")),
               ch = json_number_value(json_object_get(row, "change"));
        assert_true(fabs(to - from - ch) < 0.011);
        assert_true(fabs(ch) <= prev + 1e-9);
        prev = fabs(ch);
        up += ch > 0.005;
        down += ch < -0.005;
        same += fabs(ch) <= 0.005;
        const char *gm = json_string_value(json_object_get(row, "grade_move"));
        gup += strcmp(gm, "up") == 0;
        gdown += strcmp(gm, "down") == 0;
        assert_string_equal(json_string_value(json_object_get(row, "model_from")), "1.0.0");
        assert_int_equal(strncmp(json_string_value(json_object_get(row, "url")), "http", 4), 0);
    }
    assert_int_equal(json_integer_value(json_object_get(sum, "up")), up);
    assert_int_equal(json_integer_value(json_object_get(sum, "down")), down);
    assert_int_equal(json_integer_value(json_object_get(sum, "unchanged")), same);
    assert_int_equal(json_integer_value(json_object_get(sum, "grade_up")), gup);
    assert_int_equal(json_integer_value(json_object_get(sum, "grade_down")), gdown);
    assert_true(up + down >= 1);
    assert_false(json_is_true(json_object_get(r.json, "truncated")));
    hapi_resp_free(&r);
    hapi_http(s, "GET", "/v1/operator/models/2.0.0-test/preview?limit=1", NULL, h, &r);
    hapi_expect(&r, 200, NULL, NULL);
    assert_int_equal(json_array_size(json_object_get(r.json, "sites")), 1);
    assert_true(json_is_true(json_object_get(r.json, "truncated")));
    hapi_resp_free(&r);
    hapi_http(s, "GET", "/v1/operator/models/9.9.9/preview", NULL, h, &r);
    hapi_expect(&r, 404, "not_found", "version");
    hapi_resp_free(&r);
    hapi_http(s, "GET", "/v1/operator/models/1.0.0/preview?limit=0", NULL, h, &r);
    hapi_expect(&r, 400, "invalid", "limit");
    hapi_resp_free(&r);

    /* The log: one page at a time, newest first, every entry once; the chain intact. */
    hapi_http(s, "GET", "/v1/operator/log", NULL, h, &r);
    hapi_expect(&r, 200, NULL, NULL);
    json_int_t total = json_integer_value(json_object_get(r.json, "total"));
    assert_true(total >= 3);
    json_t *v = json_object_get(r.json, "verification");
    assert_true(json_is_true(json_object_get(v, "ok")));
    assert_int_equal(json_integer_value(json_object_get(v, "checked")), total);
    assert_true(json_is_null(json_object_get(v, "first_bad_seq")));
    hapi_resp_free(&r);
    char path[200], cursor[64] = "";
    json_int_t seen = 0, last = total + 1;
    do {
        snprintf(path, sizeof path, "/v1/operator/log?limit=2%s%s", cursor[0] ? "&cursor=" : "", cursor);
        hapi_http(s, "GET", path, NULL, h, &r);
        hapi_expect(&r, 200, NULL, NULL);
        json_t *it = json_object_get(r.json, "items");
        for (size_t i = 0; i < json_array_size(it); i++) {
            json_int_t seq = json_integer_value(json_object_get(json_array_get(it, i), "seq"));
            assert_int_equal(seq, last - 1);
            last = seq;
            seen++;
        }
        const char *nc = hapi_jstr(&r, "next_cursor");
        snprintf(cursor, sizeof cursor, "%s", nc ? nc : "");
        hapi_resp_free(&r);
    } while (cursor[0]);
    assert_int_equal(seen, total);
    assert_int_equal(last, 1);
    static const char *const badc[] = {"abc", "5.xyz", "0.log"};
    for (size_t i = 0; i < CWT_ARRAY_LEN(badc); i++) {
        snprintf(path, sizeof path, "/v1/operator/log?cursor=%s", badc[i]);
        hapi_http(s, "GET", path, NULL, h, &r);
        hapi_expect(&r, 400, "invalid", "cursor");
        hapi_resp_free(&r);
    }

    /* An edited row: the verdict names it, and entries from it on are flagged. */
    st = open_store(s);
    struct cwt_err err;
    assert_int_equal(cwt__store_exec(st, "UPDATE mark_log SET reason = 'edited by hand' WHERE seq = 2", NULL, 0, NULL,
                                     NULL, NULL, &err), CWT_OK);
    cwt__store_free(st);
    hapi_http(s, "GET", "/v1/operator/log?limit=200", NULL, h, &r);
    hapi_expect(&r, 200, NULL, NULL);
    v = json_object_get(r.json, "verification");
    assert_false(json_is_true(json_object_get(v, "ok")));
    assert_int_equal(json_integer_value(json_object_get(v, "first_bad_seq")), 2);
    assert_int_equal(json_integer_value(json_object_get(v, "first_bad_position")), 2);
    items = json_object_get(r.json, "items");
    for (size_t i = 0; i < json_array_size(items); i++) {
        json_t *it = json_array_get(items, i);
        assert_int_equal(json_is_true(json_object_get(it, "after_break")),
                         json_integer_value(json_object_get(it, "seq")) >= 2);
    }
    hapi_resp_free(&r);
}

/* ---- the public registry: pages and filters together ---------------------------- */

struct reg_site {
    const char *domain, *country, *industry;
    double total;
    const char *grade;
};

/* Every site id of /v1/registry?QUERY, following next_cursor with @p limit per page; the count. */
static size_t registry_walk(const struct hapi_server *s, const char *query, int limit, char ids[][32], size_t max)
{
    char path[300], cursor[64] = "";
    size_t n = 0;
    int pages = 0;
    do {
        snprintf(path, sizeof path, "/v1/registry?limit=%d%s%s%s%s", limit, query[0] ? "&" : "", query,
                 cursor[0] ? "&cursor=" : "", cursor);
        struct hapi_resp r;
        hapi_http(s, "GET", path, NULL, NULL, &r);
        hapi_expect(&r, 200, NULL, NULL);
        json_t *it = json_object_get(r.json, "items");
        assert_true(json_array_size(it) <= (size_t)limit);
        for (size_t i = 0; i < json_array_size(it); i++) {
            assert_true(n < max);
            json_t *row = json_array_get(it, i);
            assert_string_equal(json_string_value(json_object_get(row, "mark")), "green");
            snprintf(ids[n], 32, "%s", json_string_value(json_object_get(row, "site_id")));
            if (n)
                assert_true(strcmp(ids[n - 1], ids[n]) < 0); /* keyset order: no repeats, no gaps */
            n++;
        }
        const char *nc = hapi_jstr(&r, "next_cursor");
        snprintf(cursor, sizeof cursor, "%s", nc ? nc : "");
        hapi_resp_free(&r);
        assert_true(++pages < 50);
    } while (cursor[0]);
    return n;
}

static void test_registry_pages_and_filters(void **state)
{
    struct hapi_server *s = *state;
    static const struct reg_site sites[] = {
        {"valves-a.example", "CN", "valves", 88, "A"},   {"valves-b.example", "CN", "valves", 76, "B"},
        {"textile-c.example", "CN", "textiles", 79, "B"}, {"pumps-d.example", "TH", "valves", 90, "A"},
        {"rice-e.example", "TH", "food", 74, "B"},        {"weak-f.example", "CN", "valves", 41, "D"},
    };
    struct cwt__store *st = open_store(s);
    char ids[CWT_ARRAY_LEN(sites)][32];
    for (size_t i = 0; i < CWT_ARRAY_LEN(sites); i++) {
        char ent[32], email[64];
        snprintf(email, sizeof email, "owner@%s", sites[i].domain);
        hseed_account(st, sites[i].domain, "exporter", sites[i].country, email, "long enough pw", T0 - 86400, ent);
        hseed_site(st, ent, sites[i].domain, sites[i].industry, T0 - 86400, ids[i]);
        hseed_evaluate(st, ids[i], T0 - 60, NULL, sites[i].total, sites[i].grade, "1.0.0", true, NULL);
    }
    cwt__store_free(st);
    settle(s);

    char got[16][32];
    /* All five green sites, whatever the page size; the weak one is not listed. */
    for (int limit = 1; limit <= 6; limit++)
        assert_int_equal(registry_walk(s, "", limit, got, 16), 5);
    struct {
        const char *q;
        size_t want;
    } filters[] = {
        {"country=CN", 3},        {"country=cn", 3},          {"country=TH", 2},          {"industry=valves", 3},
        {"grade=A", 2},           {"grade=b", 3},             {"country=CN&industry=valves", 2},
        {"country=TH&grade=A", 1}, {"country=CN&industry=valves&grade=A", 1}, {"country=VN", 0},
        {"industry=food&grade=A", 0},
    };
    for (size_t f = 0; f < CWT_ARRAY_LEN(filters); f++)
        for (int limit = 1; limit <= 3; limit++) {
            size_t n = registry_walk(s, filters[f].q, limit, got, 16);
            if (n != filters[f].want)
                fail_msg("%s (limit %d): %zu sites, want %zu", filters[f].q, limit, n, filters[f].want);
        }
    struct hapi_resp r;
    static const char *const bad[] = {"/v1/registry?limit=0", "/v1/registry?limit=201", "/v1/registry?cursor=zz"};
    for (size_t i = 0; i < CWT_ARRAY_LEN(bad); i++) {
        hapi_http(s, "GET", bad[i], NULL, NULL, &r);
        hapi_expect(&r, 400, "invalid", NULL);
        hapi_resp_free(&r);
    }
    /* The verification data of one supplier, and its attestation. */
    char path[128];
    snprintf(path, sizeof path, "/v1/registry/%s", ids[3]);
    hapi_http(s, "GET", path, NULL, NULL, &r);
    hapi_expect(&r, 200, NULL, NULL);
    assert_string_equal(hapi_jstr(&r, "country"), "TH");
    assert_string_equal(hapi_jstr(&r, "grade"), "A");
    assert_true(json_real_value(json_object_get(json_object_get(r.json, "modules"), "content")) == 90.0);
    hapi_resp_free(&r);
    snprintf(path, sizeof path, "/v1/registry/%s/attestation", ids[3]);
    hapi_http(s, "GET", path, NULL, NULL, &r);
    hapi_expect(&r, 200, NULL, NULL);
    assert_int_equal(strncmp(hapi_jstr(&r, "token"), "eyJ", 3), 0);
    hapi_resp_free(&r);
    snprintf(path, sizeof path, "/v1/registry/%s/attestation", ids[5]);
    hapi_http(s, "GET", path, NULL, NULL, &r);
    hapi_expect(&r, 404, "not_found", "site");
    hapi_resp_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_accounts_and_sessions, setup_sqlite, teardown),
        cmocka_unit_test_setup_teardown(test_log_and_models, setup_sqlite, teardown),
        cmocka_unit_test_setup_teardown(test_registry_pages_and_filters, setup_sqlite, teardown),
    };
    const struct CMUnitTest pg_tests[] = {
        cmocka_unit_test_setup_teardown(test_accounts_and_sessions, setup_pg, teardown),
        cmocka_unit_test_setup_teardown(test_log_and_models, setup_pg, teardown),
        cmocka_unit_test_setup_teardown(test_registry_pages_and_filters, setup_pg, teardown),
    };
    int rc = cmocka_run_group_tests_name("console (sqlite)", tests, NULL, NULL);
    if (getenv("CWTAP_TEST_PG"))
        rc |= cmocka_run_group_tests_name("console (postgresql)", pg_tests, NULL, NULL);
    return rc;
}
