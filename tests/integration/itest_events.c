/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Integration test of POST /v1/platform/events over real HTTP (libcurl, the
 * body sent chunked in small pieces so lines straddle reads) against a real
 * `cwtap serve` on 127.0.0.1, on SQLite and, when CWTAP_TEST_PG is set, on
 * PostgreSQL: accepted and refused lines with their reasons, replay
 * idempotence, the caps on lines, bytes and line length, the key scope, and
 * that every acknowledged line survives a SIGKILL and restart. Also
 * `cwtap ingest FILE` into the same store, and the customer-service probe
 * scheduler against loopback channel endpoints that are up, down and slow.
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

#include "cwtap/ctx.h"
#include "fetch/fetch.h"
#include "hapi.h"
#include "harness.h"
#include "hsrv.h"
#include "program/probes.h"
#include "store/store_events.h"
#include "util/timeutil.h"
#include "store/store_records.h"

static int setup_sqlite(void **state)
{
    return hapi_setup(state, "events", NULL, NULL);
}

static int setup_pg(void **state)
{
    return hapi_setup(state, "events", getenv("CWTAP_TEST_PG"), NULL);
}

static int teardown(void **state)
{
    return hapi_teardown(state);
}

/* ---- helpers ---------------------------------------------------------------- */

/* Signs up an enterprise of @p kind and makes an API key with @p scope: "Authorization: Bearer ..." into @p auth. */
static void key_for(const struct hapi_server *s, const char *email, const char *kind, const char *scope, char *auth,
                    size_t n, char *enterprise, size_t en)
{
    struct hapi_account a;
    hapi_signup(s, email, &a);
    snprintf(enterprise, en, "%s", a.enterprise);
    hapi_set_kind(s, a.enterprise, kind); /* public signup makes exporters; an operator makes platforms */
    hapi_key(s, &a, scope, auth, n);
}

static void order_line(char *out, size_t n, const char *id, const char *site)
{
    snprintf(out, n, "{\"type\":\"order\",\"event_id\":\"%s\",\"order_id\":\"O-%s\",\"site\":\"%s\","
             "\"placed_at\":\"2026-11-01T03:00:00Z\",\"promised_ship_by\":\"2026-11-03T03:00:00Z\","
             "\"shipped_at\":\"2026-11-02T09:12:00Z\",\"delivered_at\":null,\"status\":\"shipped\"}", id, id, site);
}

static void post_events(const struct hapi_server *s, const char *auth, const char *body, size_t piece,
                        struct hapi_resp *r)
{
    const char *h[] = {auth, "Content-Type: application/x-ndjson", NULL};
    hapi_http_stream(s, "POST", "/v1/platform/events", body, strlen(body), piece, h, r);
}

static json_int_t jint(const struct hapi_resp *r, const char *key)
{
    return json_integer_value(json_object_get(r->json, key));
}

/* ---- cases ---------------------------------------------------------------------- */

static void test_lines_judged_one_by_one(void **state)
{
    struct hapi_server *s = *state;
    char auth[200], ent[40], l1[600], l2[600], l4[600];
    key_for(s, "market@example.com", "platform", "platform", auth, sizeof auth, ent, sizeof ent);
    order_line(l1, sizeof l1, "e-1", "Ningbo-Valves.example.com");
    order_line(l2, sizeof l2, "e-2", "ningbo-valves.example.com");
    order_line(l4, sizeof l4, "e-4", "ningbo-valves.example.com");
    char *longline = calloc(1, 5000);
    memset(longline, 'x', 4999);
    char *body = calloc(1, 20000);
    snprintf(body, 20000,
             "%s\n%s\r\n{\"type\":\"order\",\"event_id\":\"e-3\"}\n\n%s\n"
             "{\"type\":\"refund\",\"event_id\":\"r-1\",\"request_id\":\"RR-1\",\"site\":\"ningbo-valves.example.com\","
             "\"requested_at\":\"2026-11-10T00:00:00Z\",\"first_response_at\":\"yesterday\",\"outcome\":\"pending\"}\n"
             "%s\n"
             "{\"type\":\"refund\",\"event_id\":\"r-2\",\"request_id\":\"RR-2\",\"site\":\"ningbo-valves.example.com\","
             "\"requested_at\":\"2026-11-10T00:00:00Z\",\"first_response_at\":\"2026-11-10T06:00:00Z\","
             "\"resolved_at\":null,\"outcome\":\"pending\"}",
             l1, l2, l4, longline);
    struct hapi_resp r;
    post_events(s, auth, body, 97, &r); /* 97-byte pieces: lines straddle reads */
    hapi_expect(&r, 200, NULL, NULL);
    assert_string_equal(hapi_jstr(&r, "platform"), ent);
    assert_int_equal(jint(&r, "lines"), 7);
    assert_int_equal(jint(&r, "accepted"), 4);
    assert_int_equal(jint(&r, "refused"), 3);
    assert_int_equal(jint(&r, "duplicates"), 0);
    static const struct { json_int_t line; const char *field; } want[] = {{3, "site"}, {6, "first_response_at"},
                                                                          {7, "line"}};
    json_t *rl = json_object_get(r.json, "refused_lines");
    assert_int_equal(json_array_size(rl), CWT_ARRAY_LEN(want));
    for (size_t i = 0; i < CWT_ARRAY_LEN(want); i++) {
        json_t *e = json_array_get(rl, i);
        assert_int_equal(json_integer_value(json_object_get(e, "line")), want[i].line);
        assert_string_equal(json_string_value(json_object_get(e, "field")), want[i].field);
        assert_true(strlen(json_string_value(json_object_get(e, "message"))) > 5);
    }
    hapi_resp_free(&r);
    assert_int_equal(hapi_query_int(s, "SELECT count(*) FROM platform_events WHERE site = 'ningbo-valves.example.com'"), 4);

    /* Replay: nothing changes, every good line is a duplicate. */
    post_events(s, auth, body, 4096, &r);
    hapi_expect(&r, 200, NULL, NULL);
    assert_int_equal(jint(&r, "accepted"), 0);
    assert_int_equal(jint(&r, "duplicates"), 4);
    json_t *dl = json_object_get(r.json, "duplicate_lines");
    static const json_int_t dups[] = {1, 2, 5, 8};
    assert_int_equal(json_array_size(dl), 4);
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(json_integer_value(json_array_get(dl, i)), dups[i]);
    hapi_resp_free(&r);
    assert_int_equal(hapi_query_int(s, "SELECT count(*) FROM platform_events"), 4);

    /* The same event id twice in one batch: the second is a duplicate. */
    char twice[1400];
    order_line(l1, sizeof l1, "e-9", "a.example.com");
    snprintf(twice, sizeof twice, "%s\n%s\n", l1, l1);
    post_events(s, auth, twice, 0, &r);
    hapi_expect(&r, 200, NULL, NULL);
    assert_int_equal(jint(&r, "accepted"), 1);
    assert_int_equal(jint(&r, "duplicates"), 1);
    hapi_resp_free(&r);
    free(body);
    free(longline);
}

static void test_scope_and_media_type(void **state)
{
    struct hapi_server *s = *state;
    char auth[200], ent[40], line[600];
    order_line(line, sizeof line, "s-1", "a.example.com");
    struct hapi_resp r;
    post_events(s, "X-None: 1", line, 0, &r);
    hapi_expect(&r, 401, NULL, NULL);
    hapi_resp_free(&r);
    key_for(s, "exporter@example.com", "exporter", "sites", auth, sizeof auth, ent, sizeof ent);
    post_events(s, auth, line, 0, &r);
    hapi_expect(&r, 403, "forbidden", NULL);
    hapi_resp_free(&r);
    key_for(s, "market2@example.com", "platform", "platform", auth, sizeof auth, ent, sizeof ent);
    const char *h[] = {auth, "Content-Type: application/xml", NULL};
    hapi_http_stream(s, "POST", "/v1/platform/events", line, strlen(line), 0, h, &r);
    hapi_expect(&r, 415, NULL, "Content-Type");
    hapi_resp_free(&r);
    assert_int_equal(hapi_query_int(s, "SELECT count(*) FROM platform_events"), 0);
}

static void test_caps(void **state)
{
    struct hapi_server *s = *state;
    char auth[200], ent[40], line[600];
    key_for(s, "market3@example.com", "platform", "platform", auth, sizeof auth, ent, sizeof ent);
    /* 10,001 lines (small invalid ones): 413 naming "lines". */
    size_t n = 10001;
    char *body = calloc(n, 4);
    for (size_t i = 0; i < n; i++)
        memcpy(body + i * 3, "{}\n", 3);
    struct hapi_resp r;
    post_events(s, auth, body, 65536, &r);
    hapi_expect(&r, 413, "too_large", "lines");
    hapi_resp_free(&r);
    free(body);
    /* More than 8 MiB, announced by Content-Length: refused before reading. */
    size_t big = (8u << 20) + 10;
    body = malloc(big + 1);
    memset(body, ' ', big);
    body[big] = '\0';
    post_events(s, auth, body, 0, &r);
    hapi_expect(&r, 413, "too_large", "bytes");
    hapi_resp_free(&r);
    /* ... and the same streamed without a length: refused when the cap is passed. */
    post_events(s, auth, body, 65536, &r);
    hapi_expect(&r, 413, "too_large", "bytes");
    hapi_resp_free(&r);
    free(body);
    /* A good line still goes in after those. */
    order_line(line, sizeof line, "c-1", "a.example.com");
    post_events(s, auth, line, 0, &r);
    hapi_expect(&r, 200, NULL, NULL);
    assert_int_equal(jint(&r, "accepted"), 1);
    hapi_resp_free(&r);
}

static void test_acknowledged_lines_survive_kill(void **state)
{
    struct hapi_server *s = *state;
    char auth[200], ent[40], line[600];
    key_for(s, "market4@example.com", "platform", "platform", auth, sizeof auth, ent, sizeof ent);
    size_t n = 3000, acked = 0;
    char *body = calloc(n, sizeof line);
    size_t off = 0;
    for (size_t i = 0; i < n; i++) {
        char id[32];
        snprintf(id, sizeof id, "k-%zu", i);
        order_line(line, sizeof line, id, "kill.example.com");
        off += (size_t)snprintf(body + off, n * sizeof line - off, "%s\n", line);
    }
    struct hapi_resp r;
    post_events(s, auth, body, 8192, &r);
    hapi_expect(&r, 200, NULL, NULL);
    acked = (size_t)jint(&r, "accepted");
    hapi_resp_free(&r);
    assert_int_equal(acked, n);
    kill(s->pid, SIGKILL); /* no graceful stop: only what was committed remains */
    int st;
    waitpid(s->pid, &st, 0);
    s->pid = 0;
    hapi_start(s, s->db, NULL);
    assert_int_equal(hapi_query_int(s, "SELECT count(*) FROM platform_events WHERE site = 'kill.example.com'"),
                     (int64_t)acked);
    post_events(s, auth, body, 8192, &r);
    hapi_expect(&r, 200, NULL, NULL);
    assert_int_equal(jint(&r, "duplicates"), (json_int_t)n);
    hapi_resp_free(&r);
    free(body);
}

static void test_cli_ingest(void **state)
{
    struct hapi_server *s = *state;
    char path[600], line[600];
    snprintf(path, sizeof path, "%s/events.ndjson", s->dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    for (int i = 0; i < 5; i++) {
        char id[16];
        snprintf(id, sizeof id, "f-%d", i);
        order_line(line, sizeof line, id, "file.example.com");
        fprintf(f, "%s\n", line);
    }
    fprintf(f, "{\"type\":\"order\"}\n");
    fclose(f);
    char *argv[] = {(char *)getenv("CWTAP_BIN"), "ingest", path, "--platform", "lazada", "--db", s->db, "--json",
                    NULL};
    struct h_run hr;
    assert_int_equal(h_run(argv, NULL, &hr), 0);
    assert_int_equal(hr.status, 1); /* some lines refused */
    json_t *j = json_loads(hr.out, 0, NULL);
    assert_non_null(j);
    assert_int_equal(json_integer_value(json_object_get(j, "accepted")), 5);
    assert_int_equal(json_integer_value(json_object_get(j, "refused")), 1);
    json_decref(j);
    h_run_free(&hr);
    assert_int_equal(h_run(argv, NULL, &hr), 0);
    assert_int_equal(hr.status, 1);
    j = json_loads(hr.out, 0, NULL);
    assert_int_equal(json_integer_value(json_object_get(j, "duplicates")), 5);
    json_decref(j);
    h_run_free(&hr);
    assert_int_equal(hapi_query_int(s, "SELECT count(*) FROM platform_events WHERE platform = 'lazada'"), 5);
}

/* Customer-service probes: channel endpoints from a report, probed on loopback nginx, stored, counted. */
static void test_probes(void **state)
{
    struct hapi_server *s = *state;
    struct h_nginx ng;
    assert_int_equal(h_nginx_start(&ng, "server { listen 127.0.0.1:@HTTP_PORT@; "
                                         "location /chat { return 200 'ok'; } "
                                         "location /wa { return 302 /chat; } "
                                         "location / { return 503; } }"), 0);
    char report[2048];
    snprintf(report, sizeof report,
             "{\"signals\":[{\"id\":\"tls\",\"evidence\":[{\"url\":null,\"what\":\"x\",\"snippet\":\"http://127.0.0.1:%d/chat\"}]},"
             "{\"id\":\"service\",\"evidence\":["
             "{\"url\":\"https://a.example.com/\",\"what\":\"live chat\",\"snippet\":\"http://127.0.0.1:%d/chat\"},"
             "{\"url\":\"https://a.example.com/\",\"what\":\"WhatsApp\",\"snippet\":\"http://127.0.0.1:%d/wa\"},"
             "{\"url\":\"https://a.example.com/\",\"what\":\"LINE\",\"snippet\":\"http://127.0.0.1:%d/down\"},"
             "{\"url\":\"https://a.example.com/\",\"what\":\"e-mail\",\"snippet\":\"mailto:help@a.example.com\"},"
             "{\"url\":\"https://a.example.com/\",\"what\":\"live chat\",\"snippet\":\"http://127.0.0.1:%d/chat\"}]}]}",
             ng.http_port, ng.http_port, ng.http_port, ng.http_port, ng.http_port);
    struct cwt__probe_target t[8];
    size_t n = cwt__probe_targets(report, t, 8);
    assert_int_equal(n, 3);
    struct cwt_ctx *ctx = NULL;
    struct cwt_err err;
    assert_int_equal(cwt_ctx_new(&ctx), CWT_OK);
    /* The SSRF guard is on by default: loopback endpoints are not probed. */
    struct cwt__fetch_opts guarded = {.verify_tls = true};
    assert_int_equal(cwt__probe_run(ctx, &guarded, 0, t, n, &err), CWT_OK);
    for (size_t i = 0; i < n; i++)
        assert_false(t[i].ok);
    struct cwt__fetch_opts fo = {.allow_private = true, .verify_tls = true};
    assert_int_equal(cwt__probe_run(ctx, &fo, 0, t, n, &err), CWT_OK);
    static const bool want[] = {true, true, false};
    struct cwt__store *st = NULL;
    assert_int_equal(cwt__store_open(s->db, NULL, &st, &err), CWT_OK);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(t[i].ok, want[i]);
        assert_int_equal(cwt__store_probe_add(st, "A.example.com", t[i].channel, t[i].url, t[i].lang,
                                              1790000000 + (int64_t)i, t[i].ok, (int)t[i].status, t[i].error, &err),
                         CWT_OK);
    }
    /* An old probe outside the window does not count. */
    assert_int_equal(cwt__store_probe_add(st, "a.example.com", "LINE", "http://x/", "", 1000, false, 0, "old", &err),
                     CWT_OK);
    struct cwt_ops_data *d = NULL;
    assert_int_equal(cwt__store_ops_load(st, "a.example.com", 1789000000, 1791000000, 1000, &d, &err), CWT_OK);
    assert_int_equal(d->ops.probes_total, 3);
    assert_int_equal(d->ops.probes_ok, 2);
    cwt__ops_data_free(d);
    cwt__store_free(st);
    cwt_ctx_free(ctx);
    h_nginx_stop(&ng);
}

static int64_t probes_where(const struct hapi_server *s, const char *cond)
{
    char sql[300];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM service_probes WHERE site = 'shop.example.com' AND %s", cond);
    return hapi_query_int(s, sql);
}

/*
 * The probe scheduler: the channels an evaluation found (per language
 * variant) are stored, probed when due (a channel that is up, one that
 * answers 503, one that never answers: a failed probe after the timeout),
 * not again before the interval, and counted per language and time zone.
 */
static void test_probe_scheduler(void **state)
{
    struct hapi_server *s = *state;
    static const struct h_route routes[] = {
        {.path = "/up", .status = 200, .body = "ok"},
        {.path = "/down", .status = 503, .body = "no"},
        {.path = "/slow", .mode = H_STALL},
    };
    struct h_srv hs;
    assert_int_equal(h_srv_start(&hs, 0, routes, CWT_ARRAY_LEN(routes)), 0);
    char report[2048];
    snprintf(report, sizeof report,
             "{\"signals\":[{\"id\":\"service\",\"evidence\":[],\"detail\":{\"endpoints\":["
             "{\"channel\":\"LINE\",\"url\":\"http://127.0.0.1:%d/up\",\"lang\":\"th\"},"
             "{\"channel\":\"WhatsApp\",\"url\":\"http://127.0.0.1:%d/down\",\"lang\":\"en\"},"
             "{\"channel\":\"live chat\",\"url\":\"http://127.0.0.1:%d/slow\",\"lang\":\"\"},"
             "{\"channel\":\"e-mail\",\"url\":\"mailto:help@shop.example.com\",\"lang\":\"en\"}]}}]}",
             hs.port, hs.port, hs.port);
    int64_t t0;
    assert_int_equal(cwt_time_parse_iso("2026-11-10T03:00:00Z", &t0), CWT_OK); /* 10:00 UTC+7, 11:00 UTC+8 */
    struct cwt__store *st = NULL;
    struct cwt_ctx *ctx = NULL;
    struct cwt_err err;
    assert_int_equal(cwt_ctx_new(&ctx), CWT_OK);
    assert_int_equal(cwt__store_open(s->db, NULL, &st, &err), CWT_OK);
    /* "www." and case do not make another site */
    assert_int_equal(cwt__probes_update_channels(st, "WWW.Shop.example.com", report, t0, &err), CWT_OK);
    assert_int_equal(hapi_query_int(s, "SELECT count(*) FROM service_channels WHERE site = 'shop.example.com'"), 3);
    struct cwt__probe_policy pol = {.interval_s = 3600, .timeout_ms = 500, .max_per_round = 16};
    struct cwt__fetch_opts fo = {.allow_private = true, .verify_tls = true};
    size_t n = 0;
    assert_int_equal(cwt__probes_run_due(ctx, st, &fo, &pol, t0, &n, &err), CWT_OK);
    assert_int_equal(n, 3);
    assert_int_equal(probes_where(s, "ok = 1 AND lang = 'th' AND http_status = 200 AND url LIKE '%/up'"), 1);
    assert_int_equal(probes_where(s, "ok = 0 AND lang = 'en' AND http_status = 503"), 1);
    assert_int_equal(probes_where(s, "ok = 0 AND lang = '' AND error LIKE '%timed out%'"), 1);
    /* not due again before the interval; due after it */
    assert_int_equal(cwt__probes_run_due(ctx, st, &fo, &pol, t0 + 60, &n, &err), CWT_OK);
    assert_int_equal(n, 0);
    assert_int_equal(cwt__probes_run_due(ctx, st, &fo, &pol, t0 + 3600, &n, &err), CWT_OK);
    assert_int_equal(n, 3);
    assert_int_equal(h_srv_count(&hs, "GET /up"), 2);
    assert_int_equal(h_srv_count(&hs, "GET /down"), 2);
    /* availability over the window: overall, per language variant, per time zone's business hours */
    struct cwt_ops_data *d = NULL;
    assert_int_equal(cwt__store_ops_load(st, "shop.example.com", t0 - 1, t0 + 3600, 100, &d, &err), CWT_OK);
    assert_int_equal(d->ops.probes_total, 6);
    assert_int_equal(d->ops.probes_ok, 2);
    int th = cwt__ops_lang_index("th"), en = cwt__ops_lang_index("en");
    assert_int_equal(d->ops.lang[th].total, 2);
    assert_int_equal(d->ops.lang[th].ok, 2);
    assert_int_equal(d->ops.lang[en].total, 2);
    assert_int_equal(d->ops.lang[en].ok, 0);
    assert_int_equal(d->ops.zone[0].total, 6); /* 03:00 and 04:00 UTC: business hours in UTC+7 and UTC+8 */
    assert_int_equal(d->ops.zone[1].ok, 2);
    cwt__ops_data_free(d);
    /* probes at 12:00 UTC are after hours in both zones */
    assert_int_equal(cwt__probes_run_due(ctx, st, &fo, &pol, t0 + 9 * 3600, &n, &err), CWT_OK);
    assert_int_equal(cwt__store_ops_load(st, "shop.example.com", t0 - 1, t0 + 9 * 3600, 100, &d, &err), CWT_OK);
    assert_int_equal(d->ops.probes_total, 9);
    assert_int_equal(d->ops.zone[0].total, 6);
    cwt__ops_data_free(d);
    /* the next evaluation no longer finds WhatsApp: it is not probed any more */
    char *wa = strstr(report, "WhatsApp");
    memcpy(wa, "Messengr", 8);
    assert_int_equal(cwt__probes_update_channels(st, "shop.example.com", report, t0 + 86400, &err), CWT_OK);
    assert_int_equal(hapi_query_int(s, "SELECT count(*) FROM service_channels WHERE channel = 'WhatsApp'"), 0);
    assert_int_equal(hapi_query_int(s, "SELECT count(*) FROM service_channels WHERE site = 'shop.example.com'"), 3);
    cwt__store_free(st);
    cwt_ctx_free(ctx);
    h_srv_stop(&hs);
}

/* Events loaded for an audit: the site's own, in the window, with their platform. */
static void test_ops_load(void **state)
{
    struct hapi_server *s = *state;
    char auth[200], ent[40], line[600];
    key_for(s, "market5@example.com", "platform", "platform", auth, sizeof auth, ent, sizeof ent);
    char body[2000];
    char l2[600];
    order_line(line, sizeof line, "w-1", "Window.example.com");
    order_line(l2, sizeof l2, "w-2", "other.example.com");
    snprintf(body, sizeof body, "%s\n%s\n", line, l2);
    struct hapi_resp r;
    post_events(s, auth, body, 0, &r);
    hapi_expect(&r, 200, NULL, NULL);
    hapi_resp_free(&r);
    struct cwt__store *st = NULL;
    struct cwt_err err;
    struct cwt_ops_data *d = NULL;
    assert_int_equal(cwt__store_open(s->db, NULL, &st, &err), CWT_OK);
    /* placed 2026-11-01T03:00:00Z = 1793502000 */
    assert_int_equal(cwt__store_ops_load(st, "window.example.com", 1793502000 - 86400, 1793502000 + 86400, 100, &d,
                                         &err), CWT_OK);
    assert_int_equal(d->ops.nevents, 1);
    assert_string_equal(d->ops.platforms[0], ent);
    assert_string_equal(d->ops.events[0].event_id, "w-1");
    assert_int_equal(d->ops.events[0].shipped_at, 1793502000 + 86400 + 6 * 3600 + 12 * 60);
    cwt__ops_data_free(d);
    assert_int_equal(cwt__store_ops_load(st, "window.example.com", 1793502000 + 1, 1793502000 + 86400, 100, &d, &err),
                     CWT_OK);
    assert_int_equal(d->ops.nevents, 0);
    cwt__ops_data_free(d);
    cwt__store_free(st);
}

#define CASES(setup)                                                                      \
    cmocka_unit_test_setup_teardown(test_lines_judged_one_by_one, setup, teardown),       \
    cmocka_unit_test_setup_teardown(test_scope_and_media_type, setup, teardown),          \
    cmocka_unit_test_setup_teardown(test_caps, setup, teardown),                          \
    cmocka_unit_test_setup_teardown(test_acknowledged_lines_survive_kill, setup, teardown), \
    cmocka_unit_test_setup_teardown(test_cli_ingest, setup, teardown),                    \
    cmocka_unit_test_setup_teardown(test_probes, setup, teardown),                        \
    cmocka_unit_test_setup_teardown(test_probe_scheduler, setup, teardown),               \
    cmocka_unit_test_setup_teardown(test_ops_load, setup, teardown)

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest sqlite[] = {CASES(setup_sqlite)};
    const struct CMUnitTest pg[] = {CASES(setup_pg)};
    int fails = cmocka_run_group_tests_name("events-sqlite", sqlite, NULL, NULL);
    const char *conn = getenv("CWTAP_TEST_PG");
    if (conn && *conn)
        fails += cmocka_run_group_tests_name("events-postgresql", pg, NULL, NULL);
    else
        fprintf(stderr, "# CWTAP_TEST_PG not set: PostgreSQL cases skipped\n");
    curl_global_cleanup();
    return fails;
}
