/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the keyword sets and the pair-of-first-bytes filter (src/lib/signals/kwset.c):
 * each answer is compared with the per-word search it replaces (cwt__find_ci, memmem) on edge
 * cases (a word at the start or end of the text, overlapping words, words longer than the text,
 * empty words, non-ASCII bytes, case), on the fixture pages with the signals' own word lists, and
 * on random texts over a small alphabet (so that near-matches are frequent).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "harness.h"
#include "signals/contact_tables.h"
#include "signals/kwset.h"
#include "signals/marks.h"
#include "signals/privacy_kw.h"

/* The per-word answer: any word of @p words in s[0, len). */
static bool ref_in(const char *const *words, bool exact, const char *s, size_t len)
{
    struct cwt__kwset ks = {words, exact, NULL};
    return cwt__kwset_in_words(&ks, s, len);
}

/* Checks every answer of @p ks on @p s: the whole text, every prefix and suffix window of a few
 * lengths, and cursor windows [i - 64, i) at every @p step-th position, forwards and once back. */
static void check_text(struct cwt__kwset *ks, const char *s, size_t len, size_t step, const char *what)
{
    if (cwt__kwset_in(ks, s, len) != ref_in(ks->words, ks->exact, s, len))
        fail_msg("%s: whole text (%zu bytes): kwset %d", what, len, cwt__kwset_in(ks, s, len));
    static const size_t cuts[] = {0, 1, 2, 3, 5, 8, 17, 40};
    for (size_t k = 0; k < CWT_ARRAY_LEN(cuts) && cuts[k] <= len; k++) {
        size_t c = cuts[k];
        if (cwt__kwset_in(ks, s, c) != ref_in(ks->words, ks->exact, s, c))
            fail_msg("%s: prefix of %zu bytes", what, c);
        if (cwt__kwset_in(ks, s + len - c, c) != ref_in(ks->words, ks->exact, s + len - c, c))
            fail_msg("%s: suffix of %zu bytes", what, c);
    }
    struct cwt__kwcursor cur;
    cwt__kwcursor_init(&cur, ks, s, len);
    for (size_t i = 0; i <= len; i += step) {
        size_t from = i > 64 ? i - 64 : 0;
        bool want = ref_in(ks->words, ks->exact, s + from, i - from);
        if (cwt__kwcursor_within(&cur, from, i) != want)
            fail_msg("%s: window [%zu, %zu): want %d", what, from, i, want);
    }
    /* windows of varying widths and gaps: ahead of the text scanned (a jump), starting before the
     * last one's start (a restart), nested */
    static const size_t widths[] = {20, 3, 64, 1, 40, 90, 7};
    static const size_t gaps[] = {50, 1, 0, 130, 2, 9, 33};
    cwt__kwcursor_init(&cur, ks, s, len);
    for (size_t i = 0, k = 0; i <= len; i += gaps[k % CWT_ARRAY_LEN(gaps)], k++) {
        size_t w = widths[k % CWT_ARRAY_LEN(widths)], from = i > w ? i - w : 0;
        bool want = ref_in(ks->words, ks->exact, s + from, i - from);
        if (cwt__kwcursor_within(&cur, from, i) != want)
            fail_msg("%s: window %zu [%zu, %zu): want %d", what, k, from, i, want);
    }
    if (len > 10) { /* a window further back restarts the scan */
        bool want = ref_in(ks->words, ks->exact, s + 2, len / 2 - 2);
        if (cwt__kwcursor_within(&cur, 2, len / 2) != want)
            fail_msg("%s: window back [2, %zu)", what, len / 2);
    }
}

static const char *const he_words[] = {"he", "she", "his", "hers", NULL};
static struct cwt__kwset he_set = CWT__KWSET(he_words);

static void test_kwset_edges(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "he",        "she",        "ushers",       "hishe",      "HERS",      "sHe",     "h",       "",
        "xxxxxxxhe", "hexxxxxxxx", "xxxhxexsxhx",  "ahishers",   "Hi, She!", "h\xc3\xa9", "\0he",
    };
    for (size_t i = 0; i < CWT_ARRAY_LEN(texts); i++) {
        size_t len = i == CWT_ARRAY_LEN(texts) - 1 ? 3 : strlen(texts[i]);
        check_text(&he_set, texts[i], len, 1, texts[i]);
    }
    assert_true(cwt__kwset_in(&he_set, "ushers", 6));
    assert_false(cwt__kwset_in(&he_set, "ushers", 2));   /* "us" */
    assert_true(cwt__kwset_in(&he_set, "\0he", 3));      /* a length, not a string */
    assert_false(cwt__kwset_in_str(&he_set, "\0he"));     /* a string ends at its NUL, as strstr */
    assert_false(cwt__kwset_in_str(&he_set, NULL));

    /* case: ASCII letters fold, other bytes do not; an exact set does not fold */
    static const char *const mixed[] = {"TÜV SÜD", "Điện thoại", "WeChat ID", "微信", "", "3C认证", NULL};
    static struct cwt__kwset fold_set = CWT__KWSET(mixed), exact_set = CWT__KWSET_EXACT(mixed);
    assert_true(cwt__kwset_in_str(&fold_set, "by tÜv sÜd"));   /* t, v, s, d fold; Ü is Ü */
    assert_false(cwt__kwset_in_str(&fold_set, "by TüV SüD"));  /* ü is not Ü */
    assert_true(cwt__kwset_in_str(&fold_set, "ĐIệN THOạI"));  /* I, N, T, H, O fold */
    assert_false(cwt__kwset_in_str(&fold_set, "ĐIỆN THOẠI")); /* Ệ is not ệ: not ASCII, no fold */
    assert_true(cwt__kwset_in_str(&fold_set, "wechat id: x"));
    assert_false(cwt__kwset_in_str(&exact_set, "wechat id: x"));
    assert_true(cwt__kwset_in_str(&exact_set, "WeChat ID: x"));
    assert_true(cwt__kwset_in_str(&exact_set, "加微信"));
    assert_false(cwt__kwset_in_str(&fold_set, "")); /* the empty word matches nothing */
    assert_true(cwt__kwset_in_str(&fold_set, "3c认证"));
    /* bytes that equal a first byte only with 0x20 set (0xC5 | 0x20 = 0xE5 of 微) do not match */
    assert_false(cwt__kwset_in_str(&exact_set, "\xc5\xbe\xae\xc4\xbf\xa1 padding to sixteen bytes"));
    check_text(&fold_set, "WECHAT id 3C认证 TÜV SÜD Điện thoại 微信", strlen("WECHAT id 3C认证 TÜV SÜD Điện thoại 微信"),
               1, "mixed");
    check_text(&exact_set, "WECHAT id 3C认证 TÜV SÜD Điện thoại 微信", strlen("WECHAT id 3C认证 TÜV SÜD Điện thoại 微信"),
               1, "mixed exact");
    /* one-byte words turn the pair filter off; a list of only empty words matches nothing */
    static const char *const one[] = {"@", "xy", NULL}, *const none[] = {"", NULL};
    static struct cwt__kwset one_set = CWT__KWSET(one), none_set = CWT__KWSET(none);
    check_text(&one_set, "mail me at a@b or `x", 20, 1, "one byte");
    assert_false(cwt__kwset_in_str(&one_set, "mail me at `b or ``"));
    assert_true(cwt__kwset_in_str(&one_set, "@"));
    assert_false(cwt__kwset_in_str(&none_set, "anything"));
}

/* The pair filter against the pairs tried one by one. */
static void check_bigrams(const char *const *words, const char *s, size_t len)
{
    struct cwt__bigrams *b = calloc(1, sizeof *b);
    assert_non_null(b);
    bool one = false;
    for (const char *const *w = words; *w; w++) {
        cwt__bigrams_add(b, *w);
        one = one || strlen(*w) == 1;
    }
    for (size_t i = 0; i <= len; i++) {
        size_t want = len;
        for (size_t j = i; j < len && want == len; j++)
            for (const char *const *w = words; *w; w++) {
                size_t n = strlen(*w);
                if (n == 0 || (n >= 2 && j + 1 >= len))
                    continue;
                if (one || cwt__find_ci_n(s + j, 2, *w, 2) == 0) {
                    want = j;
                    break;
                }
            }
        size_t got = cwt__bigrams_next(b, s, len, i);
        if (one ? got != i : got != want)
            fail_msg("bigrams from %zu of %zu: got %zu want %zu", i, len, got, want);
    }
    /* the cursor: from each candidate to the next as the scanners ask, and from every position
     * (forwards, then one jump back) */
    struct cwt__bigrams_cur c;
    cwt__bigrams_cur_init(&c, b, s, len);
    for (size_t i = 0; i < len; i++) {
        size_t want = cwt__bigrams_next(b, s, len, i), got = cwt__bigrams_cur_next(&c, i);
        if (got != want)
            fail_msg("cursor from %zu of %zu: got %zu want %zu", i, len, got, want);
        i = got;
    }
    cwt__bigrams_cur_init(&c, b, s, len);
    for (size_t i = 0; i <= len; i++)
        if (cwt__bigrams_cur_next(&c, i) != cwt__bigrams_next(b, s, len, i))
            fail_msg("cursor at %zu of %zu", i, len);
    if (len > 40 && cwt__bigrams_cur_next(&c, 3) != cwt__bigrams_next(b, s, len, 3))
        fail_msg("cursor back at 3 of %zu", len);
    free(b);
}

static void test_bigrams(void **state)
{
    (void)state;
    static const char *const few[] = {"ce", "RoHS", "3C认证", NULL};
    static const char *const many[] = {"ab", "bc", "cd", "de", "ef", "fg", "gh", "hi", "ij", "jk", "微信", "xY", NULL};
    static const char *const one[] = {"a", "bc", NULL};
    const char *t = "xx CE and rohs, 3c认证; ABCDEFGHIJ XY xy \xc5\xbe\xae 微信 at the very end: ce";
    check_bigrams(few, t, strlen(t));
    check_bigrams(many, t, strlen(t));
    check_bigrams(one, t, strlen(t));
    check_bigrams(few, "c", 1);
    check_bigrams(few, "", 0);
    check_bigrams(few, "0123456789abcdefce", 18); /* a pair across the 16-byte blocks */
    check_bigrams(few, "0123456789abcdec", 16);   /* a first byte as the last byte */
    /* long texts (the 32-byte blocks): a pair across blocks, bytes that differ from a first or second
     * byte only in the high bit (\xe3 for 'c') or in 0x20 ('@' and '`'), capitals, the last pair */
    const char *l = "0123456789abcdef0123456789abcdec" "E\xe3\xe5 \xc3\xa9@`C\xc5 RO rOhS 3C认证 xx\xe5\xbe\xae\xe4\xbf"
                    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef HiJ @` 微信 XY ce";
    check_bigrams(few, l, strlen(l));
    check_bigrams(many, l, strlen(l));
    check_bigrams(one, l, strlen(l));
    static const char *const odd[] = {"@`", "\xe3\xe5", "`@", "\x80\xff", NULL};
    check_bigrams(odd, l, strlen(l));
    const char *h = "\x63\x65\xc3\xa5\x80\xff\x00\xe3\xe5@@``@`" "0123456789abcdef0123456789abcdef0123456789abcdef@`";
    check_bigrams(odd, h, 64);
    check_bigrams(few, h, 64);
}

static uint32_t rnd(uint32_t *s)
{
    *s = *s * 1103515245u + 12345u;
    return *s >> 8;
}

static void test_kwset_random(void **state)
{
    (void)state;
    static const char alpha[] = {'a', 'A', 'b', 'B', 'c', ' ', '\xc3', '\xa9', '@', '`', '\0'};
    uint32_t seed = 3;
    for (int round = 0; round < 300; round++) {
        char store[8][8];
        const char *words[9];
        size_t nw = 1 + rnd(&seed) % 8;
        for (size_t w = 0; w < nw; w++) {
            size_t n = rnd(&seed) % 5; /* 0 to 4 bytes: empty and one-byte words too */
            for (size_t k = 0; k < n; k++) {
                char c = alpha[rnd(&seed) % (sizeof alpha - 1)];
                store[w][k] = c;
            }
            store[w][n] = '\0';
            words[w] = store[w];
        }
        words[nw] = NULL;
        char text[300];
        size_t len = rnd(&seed) % sizeof text;
        for (size_t k = 0; k < len; k++)
            text[k] = alpha[rnd(&seed) % sizeof alpha];
        struct cwt__kwset fold_set = CWT__KWSET(words), exact_set = CWT__KWSET_EXACT(words);
        char what[64];
        snprintf(what, sizeof what, "round %d", round);
        check_text(&fold_set, text, len, 1, what);
        check_text(&exact_set, text, len, 1, what);
        check_bigrams(words, text, len);
        /* sets made in a test are not static: their automata are dropped here */
        cwt_free(atomic_load(&fold_set.dfa));
        cwt_free(atomic_load(&exact_set.dfa));
    }
}

/* cwt__next_digit and cwt__next_digit_upper against a byte-by-byte walk from every position, on random
 * texts of digits, '(', '+', capitals, the bytes either side of both ranges ('/', ':', '@', '[') and
 * high bytes, long enough for the 16-byte blocks. */
static void test_next_digit(void **state)
{
    (void)state;
    static const char alpha[] = {'0', '9', '/', ':', '(', '+', '@', 'A', 'Z', '[', 'a', 'z', '\xb0', '\xc1', '\xda', ' '};
    uint32_t seed = 5;
    for (int round = 0; round < 400; round++) {
        char t[80];
        size_t len = rnd(&seed) % sizeof t;
        for (size_t k = 0; k < len; k++)
            t[k] = rnd(&seed) % 4 ? ' ' : alpha[rnd(&seed) % sizeof alpha];
        for (size_t i = 0; i <= len; i++) {
            size_t want = i, want2 = i, want3 = i;
            while (want < len && !(t[want] >= '0' && t[want] <= '9') && t[want] != '(' && t[want] != '+')
                want++;
            while (want2 < len && !(t[want2] >= '0' && t[want2] <= '9'))
                want2++;
            while (want3 < len && !(t[want3] >= '0' && t[want3] <= '9') && !(t[want3] >= 'A' && t[want3] <= 'Z'))
                want3++;
            assert_int_equal(cwt__next_digit(t, len, i, '(', '+'), want);
            assert_int_equal(cwt__next_digit(t, len, i, '0', '0'), want2);
            assert_int_equal(cwt__next_digit_upper(t, len, i), want3);
        }
    }
}

/* The signals' own lists on the fixture pages (their raw bytes: real UTF-8 text and markup). */
static const char *const chem_words[] = {"chemical", "cas no", "cas number", "cas-nr", "ghs", "化工", "化学品",
                                         "สารเคมี", "hóa chất", "bahan kimia", NULL};
static const char *const raw_words[] = {"embed.tawk.to", "static.zdassets.com", "widget.intercom.io", "WeChat ID",
                                        "微信", NULL};
static struct cwt__kwset fixture_sets[] = {
    CWT__KWSET(cwt__phone_words), CWT__KWSET(cwt__address_words),       CWT__KWSET(cwt__street_words),
    CWT__KWSET(chem_words),       CWT__KWSET(cwt__privacy_title_words), CWT__KWSET(cwt__privacy_url_words),
    CWT__KWSET_EXACT(raw_words),  CWT__KWSET(he_words),
};

static void fixture_page(const char *path, const char *s, size_t len, void *ud)
{
    (void)ud;
    /* every window position on the small pages, every 29th on the long ones */
    for (size_t k = 0; k < CWT_ARRAY_LEN(fixture_sets); k++)
        check_text(&fixture_sets[k], s, len, len < 20000 ? 1 : 29, path);
}

static void test_kwset_fixtures(void **state)
{
    (void)state;
    static const char *const globs[] = {"tests/fixtures/sites/*/*.html", "tests/fixtures/pages/exporter/*.html",
                                        "tests/fixtures/pages/readability/*/source.html", NULL};
    assert_true(h_each_file(globs, fixture_page, NULL) >= 20);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kwset_edges),
        cmocka_unit_test(test_bigrams),
        cmocka_unit_test(test_kwset_random),
        cmocka_unit_test(test_next_digit),
        cmocka_unit_test(test_kwset_fixtures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
