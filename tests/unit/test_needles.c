/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the one-pass needle search (src/lib/signals/needles.c): every answer is compared
 * with one strstr() per needle (what sig_service did) on edge cases (a needle at the start or the
 * end, across the 16-byte blocks, before and after an embedded NUL, overlapping needles, a text
 * shorter than a needle), on the fixture pages with the service signal's own needles, and on random
 * texts over a small alphabet.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "harness.h"
#include "signals/needles.h"

static void check(const char *const *words, const char *s, size_t len, const char *what)
{
    struct cwt__needles nd;
    assert_true(cwt__needles_init(&nd, words));
    uint32_t got = cwt__needles_in(&nd, s, len), want = cwt__needles_in_strstr(&nd, s);
    if (got != want)
        fail_msg("%s (%zu bytes): got %#x want %#x", what, len, got, want);
}

/* sig_service's raw-HTML needles */
static const char *const raw[] = {"embed.tawk.to", "static.zdassets.com", "widget.intercom.io", "cdn.livechatinc.com",
                                  "js.hs-scripts.com", "client.crisp.chat", "wchat.freshchat.com", "code.tidio.co",
                                  "WeChat ID", "微信", NULL};

static void test_needles_edges(void **state)
{
    (void)state;
    static const char *const few[] = {"a.b", ".x", "ab", "b", NULL};
    const char *texts[] = {"",
                           "a",
                           "a.b",
                           ".x at the start and a.b at the end: a.b",
                           "0123456789abcde.x 0123456789abcdea.b", /* anchors at the end of a block */
                           "0123456789abcdea.b0123456789abcdef",
                           "no needle here at all, none 0123456789",
                           "b",
                           "a..b a.x a.b"};
    for (size_t i = 0; i < CWT_ARRAY_LEN(texts); i++) {
        check(few, texts[i], strlen(texts[i]), texts[i]);
        check(raw, texts[i], strlen(texts[i]), texts[i]);
    }
    const char *page = "<script src=\"https://embed.tawk.to/x\"></script> 微信: abc <b>WeChat ID</b>"
                       "<script src=//code.tidio.co/1.js>";
    check(raw, page, strlen(page), "page");
    struct cwt__needles nd;
    assert_true(cwt__needles_init(&nd, raw));
    assert_int_equal(cwt__needles_in(&nd, page, strlen(page)), 1u | 1u << 7 | 1u << 8 | 1u << 9);
    /* an embedded NUL ends the text, as for strstr, in a block and in the tail */
    char nul[] = "0123456789 embed.tawk.to\0 code.tidio.co 0123456789 0123456789 WeChat ID";
    check(raw, nul, sizeof nul - 1, "NUL in a block");
    assert_int_equal(cwt__needles_in(&nd, nul, sizeof nul - 1), 1u);
    char nul2[] = "embed.tawk\0.to";
    check(raw, nul2, sizeof nul2 - 1, "NUL inside a needle");
    char nul3[] = "0123456789abcdefembed.t\0awk.to";
    check(raw, nul3, sizeof nul3 - 1, "NUL inside a needle across blocks");
    /* limits of init */
    static const char *const empty[] = {"x", "", NULL};
    assert_false(cwt__needles_init(&nd, empty));
    static const char *const none[] = {NULL};
    assert_true(cwt__needles_init(&nd, none));
    assert_int_equal(cwt__needles_in(&nd, "anything", 8), 0);
}

static uint32_t rnd(uint32_t *s)
{
    *s = *s * 1103515245u + 12345u;
    return *s >> 8;
}

static void test_needles_random(void **state)
{
    (void)state;
    static const char alpha[] = {'a', 'b', '.', 'W', '\xe5', '\xbe', 'c', '\0'};
    uint32_t seed = 7;
    for (int round = 0; round < 2000; round++) {
        char store[6][8];
        const char *words[7];
        size_t nw = 1 + rnd(&seed) % 6;
        for (size_t w = 0; w < nw; w++) {
            size_t n = 1 + rnd(&seed) % 5;
            for (size_t k = 0; k < n; k++)
                store[w][k] = alpha[rnd(&seed) % (sizeof alpha - 2)]; /* no NUL in a needle */
            store[w][n] = '\0';
            words[w] = store[w];
        }
        words[nw] = NULL;
        char text[200];
        size_t len = rnd(&seed) % (sizeof text - 1);
        for (size_t k = 0; k < len; k++)
            text[k] = rnd(&seed) % 40 ? alpha[rnd(&seed) % (sizeof alpha - 2)] : '\0';
        text[len] = '\0';
        char what[32];
        snprintf(what, sizeof what, "round %d", round);
        check(words, text, len, what);
    }
}

static void fixture_page(const char *path, const char *s, size_t len, void *ud)
{
    (void)ud;
    check(raw, s, len, path);
    static const char *const common[] = {"<div", ".com", "class=", "https://", ".", "\xe4\xb8", NULL};
    check(common, s, len, path);
}

static void test_needles_fixtures(void **state)
{
    (void)state;
    static const char *const globs[] = {"tests/fixtures/sites/*/*.html", "tests/fixtures/pages/exporter/*.html",
                                        "tests/fixtures/pages/readability/*/source.html", NULL};
    assert_true(h_each_file(globs, fixture_page, NULL) >= 20);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_needles_edges),
        cmocka_unit_test(test_needles_random),
        cmocka_unit_test(test_needles_fixtures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
