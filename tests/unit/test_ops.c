/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of src/lib/ops and the operational signals: event validation, Beta-smoothed measures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>

#include <jansson.h>

#include "fetch/fetch.h"
#include "ops/ops.h"
#include "page/page.h"
#include "signals/signal.h"
#include "util/timeutil.h"

static const struct {
    const char *line;
    const char *field; /* NULL: accepted */
} parse_cases[] = {
    {"{\"type\":\"order\",\"event_id\":\"e1\",\"order_id\":\"o1\",\"site\":\"s.example.com\",\"placed_at\":\"2026-11-01T00:00:00Z\","
     "\"promised_ship_by\":\"2026-11-03T00:00:00Z\",\"shipped_at\":\"2026-11-02T10:00:00Z\",\"delivered_at\":null,"
     "\"status\":\"shipped\"}",
     NULL},
    {"{\"type\":\"refund\",\"event_id\":\"e2\",\"request_id\":\"r1\",\"site\":\"s.example.com\",\"requested_at\":\"2026-11-01T00:00:00Z\","
     "\"first_response_at\":\"2026-11-01T05:00:00Z\",\"outcome\":\"pending\"}",
     NULL},
    {"{\"type\":\"order\",\"event_id\":\"e1\",\"site\":\"s.example.com\"}", "order_id"},
    {"{\"type\":\"order\",\"event_id\":\"e1\",\"order_id\":\"o1\",\"site\":\"s.example.com\",\"placed_at\":\"yesterday\"}", "placed_at"},
    {"{\"type\":\"order\",\"event_id\":\"e1\",\"order_id\":\"o1\",\"site\":\"s.example.com\",\"placed_at\":\"2026-11-05T00:00:00Z\","
     "\"promised_ship_by\":\"2026-11-03T00:00:00Z\",\"status\":\"placed\"}",
     "promised_ship_by"},
    {"{\"type\":\"order\",\"event_id\":\"e1\",\"order_id\":\"o1\",\"site\":\"s.example.com\",\"placed_at\":\"2026-11-01T00:00:00Z\","
     "\"promised_ship_by\":\"2026-11-03T00:00:00Z\",\"status\":\"shipped\"}",
     "shipped_at"},
    {"{\"type\":\"order\",\"event_id\":\"e1\",\"order_id\":\"o1\",\"site\":\"s.example.com\",\"placed_at\":\"2026-11-01T00:00:00Z\","
     "\"promised_ship_by\":\"2026-11-03T00:00:00Z\",\"status\":\"lost\"}",
     "status"},
    {"{\"type\":\"order\",\"event_id\":\"e1\",\"order_id\":\"o1\",\"site\":\"s.example.com\",\"colour\":\"red\"}", "colour"},
    {"{\"type\":\"parcel\",\"event_id\":\"e1\",\"site\":\"s.example.com\"}", "type"},
    {"{\"event_id\":\"e1\"}", "type"},
    {"{\"type\":\"order\",\"event_id\":\"e1\",\"order_id\":\"o1\",\"site\":\"ningbo-valves\"}", "site"},
    {"{\"type\":\"order\",\"event_id\":\"e1\",\"order_id\":\"o1\",\"site\":\"a..example.com\"}", "site"},
    {"{\"type\":\"order\",\"event_id\":\"e1\",\"order_id\":\"o1\",\"site\":\"-a.example.com\"}", "site"},
    {"{\"type\":\"order\",\"event_id\":\"e1\",\"site\":\"s.example.com\",\"type\":\"order\"}", "line"},
    {"{\"type\":\"order\",\"event_id\":\"e\\u0000\",\"site\":\"s.example.com\"}", "line"},
    {"{\"type\":\"order\",\"event_id\":\"e1\",\"site\":\"s.example.com\"} x", "line"},
    {"{\"type\":\"order\",\"event_id\":7,\"site\":\"s.example.com\"}", "event_id"},
    {"{\"type\":\"order\",\"event_id\":\"e1\",\"order_id\":\"o1\",\"site\":\"s.example.com\","
     "\"request_id\":\"r\"}", "request_id"},
    {"{\"type\":\"order\",\"event_id\":\"e1\",\"\":\"o2\",\"site\":\"s.example.com\"}", "line"},
    {"[1,2]", "line"},
    {"{\"type\":\"order\",", "line"},
    {"{\"type\":\"order\",\"event_id\":\"\",\"site\":\"s.example.com\"}", "event_id"},
    {"{\"type\":\"refund\",\"event_id\":\"e\",\"request_id\":\"r\",\"site\":\"s.example.com\",\"requested_at\":\"2026-11-02T00:00:00Z\","
     "\"first_response_at\":\"2026-11-01T00:00:00Z\",\"outcome\":\"pending\"}",
     "first_response_at"},
};

static void test_event_parse_names_the_field(void **state)
{
    (void)state;
    for (size_t i = 0; i < CWT_ARRAY_LEN(parse_cases); i++) {
        struct cwt__event e;
        struct cwt_err err;
        cwt_err_clear(&err);
        enum cwt_status rc = cwt__event_parse(parse_cases[i].line, strlen(parse_cases[i].line), &e, &err);
        if (!parse_cases[i].field) {
            if (rc)
                fail_msg("case %zu refused: %s (%s)", i, err.msg, err.field);
        } else {
            if (!rc)
                fail_msg("case %zu accepted", i);
            assert_string_equal(err.field, parse_cases[i].field);
        }
    }
    char big[CWT__EVENT_LINE_MAX + 10];
    memset(big, ' ', sizeof big);
    struct cwt__event e;
    struct cwt_err err;
    assert_int_equal(cwt__event_parse(big, sizeof big, &e, &err), CWT_ETOOBIG);
}

/* The site key: A-label, lowercase, no final dot, no leading "www."; escapes decoded before. */
static void test_site_key(void **state)
{
    (void)state;
    static const struct {
        const char *in, *want;
    } ok[] = {
        {"Shop.Example.COM", "shop.example.com"}, {"www.shop.example.com.", "shop.example.com"},
        {"WWW.Bücher.example", "xn--bcher-kva.example"}, {"www.example", "www.example"},
    };
    char key[CWT__EVENT_ID_MAX];
    struct cwt_err err;
    for (size_t i = 0; i < CWT_ARRAY_LEN(ok); i++) {
        assert_int_equal(cwt__ops_site_key(ok[i].in, key, &err), CWT_OK);
        assert_string_equal(key, ok[i].want);
    }
    static const char *const bad[] = {"shop", "a_b.example.com", "shop.example.com-", "", "a b.example"};
    for (size_t i = 0; i < CWT_ARRAY_LEN(bad); i++) {
        assert_int_equal(cwt__ops_site_key(bad[i], key, &err), CWT_EINVAL);
        assert_string_equal(err.field, "site");
    }
    /* as a field of an event, with JSON escapes */
    const char *line = "{\"type\":\"refund\",\"event_id\":\"e\\u00e9\",\"request_id\":\"r\",\"site\":\"WWW.B\\u00fccher.example\","
                       "\"requested_at\":\"2026-11-01T00:00:00Z\",\"outcome\":\"pending\"}";
    struct cwt__event e;
    assert_int_equal(cwt__event_parse(line, strlen(line), &e, &err), CWT_OK);
    assert_string_equal(e.site, "xn--bcher-kva.example");
    assert_string_equal(e.event_id, "e\xc3\xa9");
}

static int64_t T(const char *iso)
{
    int64_t t = 0;
    assert_int_equal(cwt_time_parse_iso(iso, &t), CWT_OK);
    return t;
}

static struct cwt__event order(const char *id, int64_t placed, int64_t due, int64_t shipped, const char *status)
{
    struct cwt__event e = {.kind = CWT__EV_ORDER, .placed_at = placed, .promised_ship_by = due, .shipped_at = shipped};
    snprintf(e.event_id, sizeof e.event_id, "ev-%s-%s", id, status);
    snprintf(e.subject_id, sizeof e.subject_id, "%s", id);
    snprintf(e.status, sizeof e.status, "%s", status);
    return e;
}

static void test_beta_smoothing_small_vs_large_samples(void **state)
{
    (void)state;
    struct cwt__ops_policy pol;
    cwt__ops_policy_default(&pol);
    double three = cwt__beta_mean(3, 3, pol.prior_on_time_mean, pol.prior_strength);
    double many = cwt__beta_mean(3000, 3000, pol.prior_on_time_mean, pol.prior_strength);
    assert_true(three < 0.9);      /* 3 perfect orders do not look perfect */
    assert_true(many > 0.995);     /* 3,000 do */
    assert_true(cwt__sample_confidence(3, pol.min_orders) < 0.2);
    assert_true(cwt__sample_confidence(3000, pol.min_orders) > 0.99);
    /* monotone in successes */
    for (unsigned k = 0; k < 50; k++)
        assert_true(cwt__beta_mean(k + 1, 50, 0.85, 10) > cwt__beta_mean(k, 50, 0.85, 10));
}

static void test_measures_window_latest_and_platforms(void **state)
{
    (void)state;
    int64_t at = T("2026-11-30T00:00:00Z");
    struct cwt__event ev[] = {
        order("o1", T("2026-11-01T00:00:00Z"), T("2026-11-03T00:00:00Z"), 0, "placed"),
        order("o1", T("2026-11-01T00:00:00Z"), T("2026-11-03T00:00:00Z"), T("2026-11-02T00:00:00Z"), "shipped"),
        order("o2", T("2026-11-05T00:00:00Z"), T("2026-11-07T00:00:00Z"), T("2026-11-09T00:00:00Z"), "shipped"),
        order("o3", T("2026-11-28T00:00:00Z"), T("2026-12-02T00:00:00Z"), 0, "placed"),           /* not yet due */
        order("o4", T("2026-06-01T00:00:00Z"), T("2026-06-03T00:00:00Z"), T("2026-06-02T00:00:00Z"), "shipped"), /* old */
        order("o5", T("2026-11-10T00:00:00Z"), T("2026-11-12T00:00:00Z"), 0, "cancelled"),
        order("o6", T("2026-11-10T00:00:00Z"), T("2026-11-12T00:00:00Z"), 0, "placed"),            /* overdue */
        order("o1", T("2026-11-01T00:00:00Z"), T("2026-11-03T00:00:00Z"), T("2026-11-02T00:00:00Z"), "delivered"),
    };
    struct cwt__event r1 = {.kind = CWT__EV_REFUND, .requested_at = T("2026-11-10T00:00:00Z"),
                            .first_response_at = T("2026-11-10T06:00:00Z")};
    struct cwt__event r2 = {.kind = CWT__EV_REFUND, .requested_at = T("2026-11-11T00:00:00Z"),
                            .first_response_at = T("2026-11-14T00:00:00Z")};
    struct cwt__event r3 = {.kind = CWT__EV_REFUND, .requested_at = T("2026-11-29T12:00:00Z")}; /* within 48 h */
    snprintf(r1.subject_id, sizeof r1.subject_id, "r1");
    snprintf(r2.subject_id, sizeof r2.subject_id, "r2");
    snprintf(r3.subject_id, sizeof r3.subject_id, "r3");
    struct cwt__event all[CWT_ARRAY_LEN(ev) + 3];
    const char *plat[CWT_ARRAY_LEN(all)];
    for (size_t i = 0; i < CWT_ARRAY_LEN(ev); i++) {
        all[i] = ev[i];
        plat[i] = i == 2 ? "shopee" : "lazada";
    }
    all[CWT_ARRAY_LEN(ev)] = r1;
    all[CWT_ARRAY_LEN(ev) + 1] = r2;
    all[CWT_ARRAY_LEN(ev) + 2] = r3;
    for (size_t i = CWT_ARRAY_LEN(ev); i < CWT_ARRAY_LEN(all); i++)
        plat[i] = "lazada";
    struct cwt__ops ops = {.events = all, .platforms = plat, .nevents = CWT_ARRAY_LEN(all)};
    struct cwt__ops_policy pol;
    cwt__ops_policy_default(&pol);
    struct cwt__ops_measure *ms;
    size_t n;
    assert_int_equal(cwt__ops_measure(&ops, &pol, at, &ms, &n), CWT_OK);
    assert_int_equal(n, 3);
    assert_string_equal(ms[0].platform, "*");
    assert_int_equal(ms[0].orders_due, 3);     /* o1 (latest: delivered on time), o2 (late), o6 (overdue) */
    assert_int_equal(ms[0].orders_on_time, 1);
    assert_int_equal(ms[0].refunds_due, 2);    /* r3 is still within its 48 hours */
    assert_int_equal(ms[0].refunds_answered_48h, 1);
    assert_float_equal(ms[0].median_response_h, (6.0 + 72.0) / 2, 1e-9);
    for (size_t i = 1; i < n; i++) {
        if (strcmp(ms[i].platform, "shopee") == 0) {
            assert_int_equal(ms[i].orders_due, 1);
            assert_int_equal(ms[i].orders_on_time, 0);
        } else {
            assert_string_equal(ms[i].platform, "lazada");
            assert_int_equal(ms[i].orders_due, 2);
            assert_int_equal(ms[i].refunds_due, 2);
        }
    }
    cwt_free(ms);
}

static void test_signals_without_platform_data_are_not_measured(void **state)
{
    (void)state;
    struct cwt__site site = {.at = T("2026-11-30T00:00:00Z")};
    struct cwt__signal s;
    cwt__signal_init(&s, "fulfillment", CWT__MOD_OPERATIONAL);
    assert_int_equal(cwt__sig_fulfillment(&site, &s), CWT_OK);
    assert_false(s.measured);
    assert_non_null(strstr(s.summary, "no platform data"));
    cwt__signal_release(&s);
    cwt__signal_init(&s, "refunds", CWT__MOD_OPERATIONAL);
    assert_int_equal(cwt__sig_refunds(&site, &s), CWT_OK);
    assert_false(s.measured);
    cwt__signal_release(&s);
}

static void test_fulfillment_signal_from_events(void **state)
{
    (void)state;
    int64_t at = T("2026-11-30T00:00:00Z");
    struct cwt__event ev[40];
    const char *plat[40];
    for (int i = 0; i < 40; i++) {
        char id[16];
        snprintf(id, sizeof id, "o%d", i);
        int64_t placed = at - (int64_t)(i + 3) * 86400;
        ev[i] = order(id, placed, placed + 2 * 86400, placed + (i % 10 == 0 ? 3 : 1) * 86400, "shipped");
        plat[i] = "lazada";
    }
    struct cwt__ops ops = {.events = ev, .platforms = plat, .nevents = 40};
    struct cwt__site site = {.at = at, .ops = &ops};
    struct cwt__signal s;
    cwt__signal_init(&s, "fulfillment", CWT__MOD_OPERATIONAL);
    assert_int_equal(cwt__sig_fulfillment(&site, &s), CWT_OK);
    assert_true(s.measured);
    assert_true(s.value > 0.85 && s.value < 0.9); /* 36/40 raw, pulled toward the 0.85 prior */
    assert_true(s.confidence > 0.6);
    assert_non_null(s.detail);
    cwt__signal_release(&s);
}

static const char *evidence_of(const struct cwt__signal *s, const char *what)
{
    for (size_t i = 0; i < s->nevidence; i++)
        if (strcmp(s->evidence[i].what, what) == 0)
            return s->evidence[i].snippet;
    return NULL;
}

/*
 * The service signal: each channel endpoint with the target-market language of its page (the
 * variants the worker probes), the languages covered, and with probes the availability per
 * language and per target time zone.
 */
static void test_service_variants_and_coverage(void **state)
{
    (void)state;
    static const char *const html[] = {
        "<html lang=\"th\"><body><a href=\"https://line.me/R/ti/p/@shop-th\">LINE</a>"
        "<script src=\"https://embed.tawk.to/x/default\"></script><script src=\"//code.tidio.co/k.js\"></script>"
        "<a href=\"mailto:help@shop.example.com\">mail</a></body></html>",
        "<html lang=\"en-US\"><body><a href=\"https://wa.me/6612345678\">WhatsApp</a>"
        "<script src=\"https://embed.tawk.to/x/default\"></script>"
        "<script src=\"https://client.crisp.chat/l.js\"></script><!-- wchat.freshchat.com --></body></html>",
    };
    static const char *const roles[] = {"home", "contact"};
    struct cwt_ctx *ctx = NULL;
    assert_int_equal(cwt_ctx_new(&ctx), CWT_OK);
    struct cwt__response resp[2];
    struct cwt__doc *doc[2];
    struct cwt__site_page pages[2];
    memset(resp, 0, sizeof resp);
    for (int i = 0; i < 2; i++) {
        char url[64];
        snprintf(url, sizeof url, "https://shop.example.com/%d", i);
        assert_int_equal(cwt__doc_parse(ctx, html[i], strlen(html[i]), url, &doc[i], NULL), CWT_OK);
        resp[i].body = (char *)html[i];
        resp[i].body_len = strlen(html[i]);
        resp[i].status = 200;
        pages[i] = (struct cwt__site_page){&resp[i], doc[i], roles[i]};
    }
    struct cwt__ops ops = {0};
    int64_t at = T("2026-11-10T03:00:00Z"); /* 10:00 in UTC+7 */
    cwt__ops_count_probe(&ops, "th", at, true);
    cwt__ops_count_probe(&ops, "th", at + 3600, true);
    cwt__ops_count_probe(&ops, "en", at, false);
    cwt__ops_count_probe(&ops, "", at + 12 * 3600, true); /* 22:00 in UTC+7: after hours */
    struct cwt__site site = {.ctx = ctx, .at = at + 86400, .pages = pages, .npages = 2, .ops = NULL};
    for (int with_probes = 0; with_probes < 2; with_probes++) {
        site.ops = with_probes ? &ops : NULL;
        struct cwt__signal s;
        cwt__signal_init(&s, "service", CWT__MOD_OPERATIONAL);
        assert_int_equal(cwt__sig_service(&site, &s), CWT_OK);
        assert_true(s.measured);
        const char *cov = evidence_of(&s, "language coverage");
        assert_non_null(cov);
        assert_non_null(strstr(cov, "2 of 7 target-market languages served: en, th"));
        json_t *eps = json_object_get(s.detail, "endpoints");
        /* LINE and Tidio on the Thai page, WhatsApp on the English one, the tawk.to widget on both, Crisp
         * and Freshchat (two of the three needles that share a search) on the English one; e-mail is not probed */
        assert_int_equal(json_array_size(eps), 7);
        size_t i;
        json_t *e;
        int line_th = 0, chat = 0;
        json_array_foreach(eps, i, e) {
            const char *ch = json_string_value(json_object_get(e, "channel"));
            const char *lang = json_string_value(json_object_get(e, "lang"));
            line_th += strcmp(ch, "LINE") == 0 && strcmp(lang, "th") == 0;
            chat += strcmp(ch, "live chat") == 0;
            assert_true(strcmp(ch, "e-mail") != 0);
        }
        assert_int_equal(line_th, 1);
        assert_int_equal(chat, 5);
        if (with_probes) {
            assert_string_equal(evidence_of(&s, "channel probes"), "3 of 4 probes answered");
            assert_non_null(strstr(evidence_of(&s, "probes in th"), "2 of 2"));
            assert_non_null(strstr(evidence_of(&s, "probes in en"), "0 of 1"));
            assert_non_null(strstr(evidence_of(&s, "time zone UTC+7"), "2 of 3 probes in 09:00-18:00 UTC+7"));
            assert_true(s.confidence > 0.6);
        } else {
            assert_null(evidence_of(&s, "probes in th"));
            assert_true(s.confidence == 0.6);
        }
        cwt__signal_release(&s);
    }
    for (int i = 0; i < 2; i++)
        cwt__doc_free(doc[i]);
    cwt_ctx_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_event_parse_names_the_field),
        cmocka_unit_test(test_site_key),
        cmocka_unit_test(test_service_variants_and_coverage),
        cmocka_unit_test(test_beta_smoothing_small_vs_large_samples),
        cmocka_unit_test(test_measures_window_latest_and_platforms),
        cmocka_unit_test(test_signals_without_platform_data_are_not_measured),
        cmocka_unit_test(test_fulfillment_signal_from_events),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
