/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the badge service without sockets: reading the page's host
 * from Origin and Referer (tables of accepted and refused values), the
 * registrable-domain match by the Public Suffix List (www., subdomains,
 * look-alikes, private suffixes), the precomputed answers of a badge and the
 * snapshot's look-up by id.
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
#include "server/badge.h"

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_origin_host),
        cmocka_unit_test(test_registrable_match),
        cmocka_unit_test(test_badge_answers),
        cmocka_unit_test(test_hot_find),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
