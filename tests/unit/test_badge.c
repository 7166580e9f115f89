/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the badge service without sockets: reading the page's host
 * from Origin and Referer (tables of accepted and refused values), the
 * registrable-domain match by the Public Suffix List (www., subdomains,
 * look-alikes, private suffixes), the precomputed answers of a badge, the
 * snapshot's look-up by id, and the badge read from the program's mark table
 * (a SQLite store driven through program/markflow.h) at each transition.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>

#include <libpsl.h>

#include "harness.h"
#include "hmark.h"
#include "server/badge.h"
#include "server/site.h"
#include "util/timeutil.h"

static void test_origin_host(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        bool referer;
        const char *host; /* NULL: refused */
    } t[] = {
        {"https://www.ningbo-valves.example", false, "www.ningbo-valves.example"},
        {"http://Shop.Ningbo-Valves.EXAMPLE:8080", false, "shop.ningbo-valves.example"},
        {"https://ningbo-valves.example.", false, "ningbo-valves.example"},
        {"https://www.ningbo-valves.example/", false, NULL},           /* an Origin has no path */
        {"https://www.ningbo-valves.example/p/a?q=1#f", true, "www.ningbo-valves.example"},
        {"https://www.ningbo-valves.example?q", true, "www.ningbo-valves.example"},
        {"https://a.example:443/x", true, "a.example"},
        {"null", false, NULL},
        {"", false, NULL},
        {"ftp://a.example", false, NULL},
        {"https://", false, NULL},
        {"https://user@a.example", false, NULL},                       /* user info */
        {"https://a.example@evil.example/", true, NULL},
        {"https://[::1]:8080", false, NULL},                           /* IP literal */
        {"https://a.example:", false, NULL},
        {"https://a.example:123456", false, NULL},
        {"https://a.example:80x", false, NULL},
        {"https://a..example", false, NULL},
        {"https://.a.example", false, NULL},
        {"https://a_b.example", false, NULL},
        {"https://a.example\r\nSet-Cookie: x=1", false, NULL},
        {"https://xn--bcher-kva.example", false, "xn--bcher-kva.example"},
    };
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
        char host[256];
        bool ok = srv_origin_host(t[i].in, t[i].referer, host);
        if (ok != (t[i].host != NULL) || (ok && strcmp(host, t[i].host) != 0))
            fail_msg("case %zu '%s': got %s '%s'", i, t[i].in, ok ? "accepted" : "refused", host);
    }
    char host[256];
    assert_false(srv_origin_host(NULL, true, host));
    char longname[400];
    memset(longname, 'a', sizeof longname);
    memcpy(longname, "https://", 8);
    memcpy(longname + sizeof longname - 9, ".example", 9);
    assert_false(srv_origin_host(longname, false, host));
}

static void test_registrable_match(void **state)
{
    (void)state;
    const psl_ctx_t *psl = psl_builtin();
    if (!psl)
        skip();
    static const struct {
        const char *host, *mark, *want; /* want: the registrable domain; match = strcmp(want, mark) == 0 */
        bool match;
    } t[] = {
        {"www.ningbo-valves.example", "ningbo-valves.example", "ningbo-valves.example", true},
        {"ningbo-valves.example", "ningbo-valves.example", "ningbo-valves.example", true},
        {"shop.eu.ningbo-valves.example", "ningbo-valves.example", "ningbo-valves.example", true},
        {"ningbo-valves.example.evil.example", "ningbo-valves.example", "evil.example", false},
        {"evilningbo-valves.example", "ningbo-valves.example", "evilningbo-valves.example", false},
        {"shop.ningbo.com.cn", "ningbo.com.cn", "ningbo.com.cn", true},
        {"other.com.cn", "ningbo.com.cn", "other.com.cn", false},
        {"valves.co.th", "valves.co.th", "valves.co.th", true},
        {"www.valves.co.th", "co.th", "valves.co.th", false},
    };
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
        const char *reg = srv_origin_registrable(psl, t[i].host);
        assert_non_null(reg);
        assert_string_equal(reg, t[i].want);
        assert_int_equal(strcmp(reg, t[i].mark) == 0, t[i].match);
    }
    assert_null(srv_origin_registrable(psl, "com"));
    assert_null(srv_origin_registrable(NULL, "a.example"));
}

static void test_badge_answers(void **state)
{
    (void)state;
    struct srv_mark_row m = {.id = "site_a", .domain = "www.a.example", .registrable = "a.example",
                             .state = "green", .green = true, .grade = "A", .since = 1780003600};
    struct srv_badge b;
    assert_int_equal(srv_badge_fill(&b, &m, "https://trust.example"), CWT_OK);
    for (int own = 0; own < 2; own++) {
        json_error_t je;
        json_t *j = json_loadb(b.body[own], b.len[own], 0, &je);
        assert_non_null(j);
        assert_string_equal(json_string_value(json_object_get(j, "state")), "green");
        assert_int_equal(json_is_true(json_object_get(j, "verified_for_origin")), own);
        assert_string_equal(json_string_value(json_object_get(j, "verify_url")),
                            "https://trust.example/registry/site_a");
        assert_string_equal(json_string_value(json_object_get(j, "since")), "2026-05-28T21:26:40Z");
        assert_string_equal(json_string_value(json_object_get(j, "grade")), "A");
        json_decref(j);
        assert_int_equal(strlen(b.etag[own]), 34);
    }
    assert_string_not_equal(b.etag[0], b.etag[1]);
    srv_badge_release(&b);

    /* Not green: the state is the mark's, no grade or since when there is none. */
    struct srv_mark_row n = {.id = "site_b", .domain = "b.example", .registrable = "b.example",
                             .state = "not_integrated"};
    assert_int_equal(srv_badge_fill(&b, &n, "http://127.0.0.1:1"), CWT_OK);
    json_t *j = json_loadb(b.body[1], b.len[1], 0, NULL);
    assert_string_equal(json_string_value(json_object_get(j, "state")), "not_integrated");
    assert_null(json_object_get(j, "grade"));
    assert_null(json_object_get(j, "since"));
    json_decref(j);
    srv_badge_release(&b);
}

static void test_hot_find(void **state)
{
    (void)state;
    static const char *const ids[] = {"s_a", "s_b", "s_c", "s_d", "s_e"};
    struct srv_hot *h = CWT_NEW(struct srv_hot);
    assert_non_null(h);
    h->badges = cwt_calloc(5, sizeof *h->badges);
    assert_non_null(h->badges);
    for (size_t i = 0; i < 5; i++) {
        struct srv_mark_row m = {.id = ids[i], .domain = "x.example", .registrable = "x.example", .state = "green",
                                 .green = true};
        assert_int_equal(srv_badge_fill(&h->badges[i], &m, "http://t"), CWT_OK);
        h->n++;
    }
    for (size_t i = 0; i < 5; i++) {
        const struct srv_badge *b = srv_hot_find(h, ids[i]);
        assert_non_null(b);
        assert_string_equal(b->id, ids[i]);
    }
    assert_null(srv_hot_find(h, "s_"));
    assert_null(srv_hot_find(h, "s_f"));
    assert_null(srv_hot_find(h, "a"));
    assert_null(srv_hot_find(NULL, "s_a"));
    srv_hot_free(h);
    srv_hot_free(NULL);
}

/* ---- the badge from the program's mark table ----------------------------------- */

struct mfx {
    char *dir;
    struct cwt__store *st;
    struct cwt__site site;
    struct cwt__program_policy p;
};

static int mark_setup(void **state)
{
    struct mfx *f = calloc(1, sizeof *f);
    char url[600];
    struct cwt_err err;
    f->dir = h_tempdir("badgemarks");
    snprintf(url, sizeof url, "sqlite:%s/t.db", f->dir);
    if (cwt__store_open(url, NULL, &f->st, &err) != CWT_OK)
        return -1;
    if (h_mark_site(f->st, "www.ningbo-valves.example", "ningbo-valves.example", 1786000000, &f->site, &err) !=
        CWT_OK)
        return -1;
    cwt__program_policy_default(&f->p);
    *state = f;
    return 0;
}

static int mark_teardown(void **state)
{
    struct mfx *f = *state;
    cwt__store_free(f->st);
    h_rmtree(f->dir);
    free(f->dir);
    free(f);
    return 0;
}

/* What the worker does after an audit: the evaluation stored, then the program (integration found). */
static void mark_evaluate(struct mfx *f, double total, int64_t at)
{
    struct cwt_err err;
    if (h_mark_evaluate(f->st, &f->p, f->site.id, total, at, CWT__INTEG_FOUND, NULL, NULL, &err) != CWT_OK)
        fail_msg("markflow: %s", err.msg);
}

static void mark_upload(struct mfx *f, enum cwt__upload_kind k, const char *file, int64_t at)
{
    struct cwt_err err;
    bool stored = false;
    if (h_mark_upload(f->st, &f->p, f->site.id, k, file, at, &stored, &err) != CWT_OK || !stored)
        fail_msg("upload %s refused: %s", file, err.msg);
}

/* The badge of the site at @p now: its answer for the mark's own origin, parsed; *next the snapshot's next_change. */
static json_t *badge_at(struct mfx *f, int64_t now, int64_t *next)
{
    struct srv_hot *h = NULL;
    struct cwt_err err;
    if (srv_hot_load(f->st, &f->p, "https://trust.example", now, &h, &err) != CWT_OK)
        fail_msg("srv_hot_load: %s", err.msg);
    const struct srv_badge *b = srv_hot_find(h, f->site.id);
    assert_non_null(b);
    json_t *j = json_loadb(b->body[1], b->len[1], 0, NULL);
    assert_non_null(j);
    if (next)
        *next = h->next_change;
    srv_hot_free(h);
    return j;
}

/* Asserts the badge's state (green or not) and the mark's own state name at @p now. */
static void expect_badge(struct mfx *f, int64_t now, bool green, const char *mark)
{
    json_t *j = badge_at(f, now, NULL);
    const char *state = json_string_value(json_object_get(j, "state"));
    const char *m = json_string_value(json_object_get(j, "mark"));
    if ((strcmp(state, "green") == 0) != green || strcmp(m, mark) != 0)
        fail_msg("at %lld: badge state '%s', mark '%s'; want %s, mark '%s'", (long long)now, state, m,
                 green ? "green" : "not green", mark);
    json_decref(j);
}

static void test_badge_mark_transitions(void **state)
{
    struct mfx *f = *state;
    const int64_t t = 1786352400; /* 2026-08-10T09:00:00Z */
    struct cwt_err err;
    /* Registered, no mark yet: not integrated. */
    expect_badge(f, t - 7200, false, "not_integrated");
    assert_int_equal(cwt__store_site_set_verified(f->st, f->site.enterprise_id, f->site.id, "dns", t - 3600, &err),
                     CWT_OK);
    expect_badge(f, t - 60, false, "not_integrated");
    /* Green, uploads due: shown green; since = the green mark's start; the snapshot expires at the window's end. */
    mark_evaluate(f, 85, t);
    int64_t next = 0;
    json_t *j = badge_at(f, t + 60, &next);
    assert_string_equal(json_string_value(json_object_get(j, "state")), "green");
    assert_string_equal(json_string_value(json_object_get(j, "mark")), "green_data_due");
    assert_string_equal(json_string_value(json_object_get(j, "since")), "2026-08-10T09:00:00Z");
    assert_string_equal(json_string_value(json_object_get(j, "grade")), "A");
    json_decref(j);
    assert_int_equal(next, t + f->p.duty_window_s);
    /* A later evaluation falls below: suspended, not green. */
    mark_evaluate(f, 30, t + 3600);
    expect_badge(f, t + 3601, false, "suspended");
    /* Back above the threshold within the window: green again (data still due). */
    mark_evaluate(f, 88, t + 7200);
    expect_badge(f, t + 7201, true, "green_data_due");
    /* The window closes without the uploads: hidden at exactly its end, before any tick is stored ... */
    expect_badge(f, t + f->p.duty_window_s - 1, true, "green_data_due");
    expect_badge(f, t + f->p.duty_window_s, false, "downgraded");
    /* ... and after the program stores the downgrade. */
    size_t n = 0;
    assert_int_equal(cwt__markflow_tick_due(f->st, &f->p, t + f->p.duty_window_s + 5, &n, &err), CWT_OK);
    assert_int_equal(n, 1);
    expect_badge(f, t + f->p.duty_window_s + 6, false, "downgraded");
    json_decref(badge_at(f, t + f->p.duty_window_s + 6, &next));
    assert_int_equal(next, 0); /* nothing left to expire */
}

static void test_badge_mark_duties_met(void **state)
{
    struct mfx *f = *state;
    const int64_t t = 1786352400;
    struct cwt_err err;
    assert_int_equal(cwt__store_site_set_verified(f->st, f->site.enterprise_id, f->site.id, "dns", t - 3600, &err),
                     CWT_OK);
    mark_evaluate(f, 40, t - 600);
    expect_badge(f, t - 599, false, "below_threshold");
    mark_evaluate(f, 90, t);
    mark_upload(f, CWT__UPLOAD_CUSTOMS, "customs_good.csv", t + 3600);
    mark_upload(f, CWT__UPLOAD_ISO, "iso_good.csv", t + 7200);
    expect_badge(f, t + 7201, true, "green_data_due");
    mark_upload(f, CWT__UPLOAD_OUTLETS, "outlets_good.csv", t + 10800);
    /* Duties met: green, and nothing expires it any more. */
    int64_t next = -1;
    json_decref(badge_at(f, t + 10801, &next));
    assert_int_equal(next, 0);
    expect_badge(f, t + f->p.duty_window_s + 3600, true, "green");
    mark_evaluate(f, 20, t + f->p.duty_window_s + 7200);
    expect_badge(f, t + f->p.duty_window_s + 7201, false, "suspended");
    /* A green mark of a site that is no longer active is not shown. */
    assert_int_equal(cwt__store_exec(f->st, "UPDATE marks SET state = 'green'", NULL, 0, NULL, NULL, NULL, &err),
                     CWT_OK);
    expect_badge(f, t + f->p.duty_window_s + 7300, true, "green");
    assert_int_equal(cwt__store_exec(f->st, "UPDATE sites SET active = 0", NULL, 0, NULL, NULL, NULL, &err), CWT_OK);
    expect_badge(f, t + f->p.duty_window_s + 7300, false, "not_integrated");
    /* A state name this build does not know is never green. */
    assert_int_equal(cwt__store_exec(f->st, "UPDATE sites SET active = 1", NULL, 0, NULL, NULL, NULL, &err), CWT_OK);
    assert_int_equal(cwt__store_exec(f->st, "UPDATE marks SET state = 'green_forever'", NULL, 0, NULL, NULL, NULL,
                                     &err), CWT_OK);
    expect_badge(f, t + f->p.duty_window_s + 7300, false, "unknown");
}

/* ---- the owner's instructions per CMS match the integrations and their docs ------------- */

/* Whether the file at @p rel (from the source root) contains @p needle. */
static bool file_has(const char *rel, const char *needle)
{
    char *text = h_read_file(h_src(rel), NULL);
    if (!text)
        fail_msg("cannot read %s", rel);
    bool has = strstr(text, needle) != NULL;
    free(text);
    return has;
}

static void test_cms_instructions(void **state)
{
    (void)state;
    static const struct {
        const char *key, *path, *doc, *source, *label;
    } t[] = {
        {"wordpress", "Settings \u2192 CW-TAP Trust Mark", "docs/integrations/wordpress.md",
         "integrations/wordpress/cwtap-trust-mark/cwtap-trust-mark.php", "add_options_page('CW-TAP Trust Mark'"},
        {"shopify", "Online Store \u2192 Themes \u2192 Customize", "docs/integrations/shopify.md",
         "integrations/shopify/extensions/cwtap-trust-mark/blocks/trust-mark.liquid", "\"name\": \"CW-TAP trust mark\""},
        {"shopify", "block to a section", "docs/integrations/shopify.md",
         "integrations/shopify/extensions/cwtap-trust-mark/blocks/trust-mark.liquid", "\"target\": \"section\""},
        {"magento", "Stores \u2192 Configuration \u2192 General \u2192 CW-TAP Trust Mark", "docs/integrations/magento.md",
         "integrations/magento/Cwtap/TrustMark/etc/adminhtml/system.xml", "<label>CW-TAP Trust Mark</label>"},
        {"magento", "Stores \u2192 Configuration \u2192 General", "docs/integrations/magento.md",
         "integrations/magento/Cwtap/TrustMark/etc/adminhtml/system.xml", "<tab>general</tab>"},
        {"magento", "module:enable Cwtap_TrustMark", "docs/integrations/magento.md",
         "integrations/magento/Cwtap/TrustMark/etc/module.xml", "name=\"Cwtap_TrustMark\""},
    };
    static const char *const sources[] = {
        "integrations/wordpress/cwtap-trust-mark/cwtap-trust-mark.php",
        "integrations/shopify/extensions/cwtap-trust-mark/blocks/trust-mark.liquid",
        "integrations/magento/Cwtap/TrustMark/etc/adminhtml/system.xml",
    };
    struct cwt__site site = {.id = "s_abcdefghijklmnopqrst", .domain = "www.a.example", .registrable = "a.example",
                             .url = "https://www.a.example/", .token = "tok", .active = true};
    json_t *j = srv_site_json(&site, "https://trust.operator.example");
    assert_non_null(j);
    json_t *sdk = json_object_get(j, "sdk");
    for (size_t i = 0; i < CWT_ARRAY_LEN(t); i++) {
        const char *text = json_string_value(json_object_get(sdk, t[i].key));
        assert_non_null(text);
        if (!strstr(text, t[i].path))
            fail_msg("%s instructions lack '%s': %s", t[i].key, t[i].path, text);
        if (!file_has(t[i].doc, t[i].path))
            fail_msg("%s does not say '%s'", t[i].doc, t[i].path);
        if (!file_has(t[i].source, t[i].label))
            fail_msg("%s has no %s", t[i].source, t[i].label);
        /* The values to enter: the site id and this server (an operator's own, not the default). */
        assert_non_null(strstr(text, "Site ID s_abcdefghijklmnopqrst"));
        assert_non_null(strstr(text, "Trust server https://trust.operator.example"));
    }
    for (size_t i = 0; i < CWT_ARRAY_LEN(sources); i++)
        if (!file_has(sources[i], "Site ID") || !file_has(sources[i], "Trust server"))
            fail_msg("%s does not label its fields Site ID and Trust server", sources[i]);
    /* The snippet is the tag docs/integrations/README.md shows, with this site's values. */
    char *tag = h_replace(json_string_value(json_object_get(sdk, "html")), "https://trust.operator.example",
                          "https://TRUST-SERVER");
    char *generic = tag ? h_replace(tag, site.id, "SITE-ID") : NULL;
    assert_non_null(generic);
    if (!file_has("docs/integrations/README.md", generic))
        fail_msg("docs/integrations/README.md does not show the snippet %s", generic);
    free(tag);
    free(generic);
    json_decref(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_origin_host),
        cmocka_unit_test(test_registrable_match),
        cmocka_unit_test(test_badge_answers),
        cmocka_unit_test(test_hot_find),
        cmocka_unit_test(test_cms_instructions),
        cmocka_unit_test_setup_teardown(test_badge_mark_transitions, mark_setup, mark_teardown),
        cmocka_unit_test_setup_teardown(test_badge_mark_duties_met, mark_setup, mark_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
