/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of src/lib/signals/marks.c: marks in context, word boundaries, languages. */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "harness.h"
#include "signals/marks.h"

struct ids {
    char s[256];
};

static bool add_id(const struct cwt__mark_hit *h, void *ud)
{
    struct ids *ids = ud;
    size_t n = strlen(ids->s);
    snprintf(ids->s + n, sizeof ids->s - n, "%s%s", n ? " " : "", h->mark->id);
    return true;
}

static void test_marks_in_context(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        const char *ids;
    } rows[] = {
        {"All products carry the CE marking.", "ce"},
        {"CE certified, RoHS compliant", "ce rohs"},
        {"CE-compliant charger", "ce"},
        {"Our CEO welcomes you", ""},
        {"The CE", ""},                            /* no context word */
        {"Reach us by phone; we reach every port", ""},
        {"REACH SVHC tested", "reach"},
        {"Meets FCC Part 15 Class B", "fcc"},
        {"UL listed power cord", "ul"},
        {"产品通过CE认证和3C认证", "ce ccc"},
        {"สินค้าได้รับ มอก. 1195-2561", "tisi standard"},
        {"SIRIM certified for Malaysia", "sirim"},
        {"Produk bersertifikat SNI 04-6292", "sni standard"},
        {"Registered with the SAFETY Mark", "sg_safety"},
        {"Sản phẩm đã được chứng nhận hợp quy theo QCVN 4:2009", "vn_cr vn_cr standard"},
        {"Download the MSDS (Safety Data Sheet)", "sds sds"},
        {"化学品安全技术说明书 下载", "sds"},
        {"Warning: do not immerse. คำเตือน ห้ามแช่น้ำ", "warning warning"},
        {"Peringatan: jauhkan dari anak-anak. Amaran!", "warning warning"},
        {"See the user manual / 使用说明书", "instructions instructions"},
        {"Hướng dẫn sử dụng an toàn", "instructions"},
        {"EU Declaration of Conformity per EN 60335-1:2012", "doc standard"},
        {"conforms to GB 4706.1-2005", "standard"},
        {"forewarning", ""},
        {"Deklarasi Kesesuaian dan Petunjuk Penggunaan", "doc instructions"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct ids ids = {{0}};
        cwt__marks_scan(rows[i].text, strlen(rows[i].text), 64, add_id, &ids);
        if (strcmp(ids.s, rows[i].ids) != 0)
            fail_msg("'%s': got '%s', want '%s'", rows[i].text, ids.s, rows[i].ids);
    }
}

static void test_marks_table(void **state)
{
    (void)state;
    size_t n;
    const struct cwt__mark *all = cwt__marks_all(&n);
    assert_true(n >= 16);
    for (size_t i = 0; i < n; i++) {
        assert_ptr_equal(cwt__mark_get(all[i].id), &all[i]);
        assert_string_not_equal(cwt__mark_kind_name(all[i].kind), "unknown");
    }
    assert_null(cwt__mark_get("nope"));
    assert_int_equal(cwt__find_ci("abc RoHS", 8, "rohs"), 4);
    assert_int_equal(cwt__find_ci("abc", 3, "abcd"), SIZE_MAX);
    /* the cap and early stop */
    const char *t = "RoHS RoHS RoHS RoHS";
    assert_int_equal(cwt__marks_scan(t, strlen(t), 2, NULL, NULL), 2);
}

/* The case-insensitive search, byte by byte: the first i where each byte of the needle equals the text's
 * with ASCII letters folded. */
static size_t naive_find_ci(const char *h, size_t len, const char *w, size_t n)
{
    for (size_t i = 0; n && i + n <= len; i++) {
        size_t k = 0;
        while (k < n && tolower((unsigned char)h[i + k]) == tolower((unsigned char)w[k]) &&
               (((unsigned char)h[i + k] < 0x80) == ((unsigned char)w[k] < 0x80)))
            k++;
        if (k == n)
            return i;
    }
    return SIZE_MAX;
}

static uint32_t rnd(uint32_t *s)
{
    *s = *s * 1103515245u + 12345u;
    return *s >> 8;
}

/* cwt__find_ci_n against the byte-by-byte search on random texts over a small alphabet (both cases,
 * bytes that differ from a letter only in 0x20 or the high bit), long enough for the 32-byte blocks. */
static void test_find_ci_random(void **state)
{
    (void)state;
    static const char alpha[] = {'a', 'A', 'b', 'B', '@', '`', '\xe1', '\xc1', ' ', 'c'};
    uint32_t seed = 11;
    for (int round = 0; round < 4000; round++) {
        char w[6], t[300];
        size_t n = 1 + rnd(&seed) % 5, len = rnd(&seed) % sizeof t;
        for (size_t k = 0; k < n; k++)
            w[k] = alpha[rnd(&seed) % sizeof alpha];
        w[n] = '\0';
        for (size_t k = 0; k < len; k++)
            t[k] = alpha[rnd(&seed) % sizeof alpha];
        size_t got = cwt__find_ci_n(t, len, w, n), want = naive_find_ci(t, len, w, n);
        if (got != want)
            fail_msg("round %d: '%s' in %zu bytes: got %zu want %zu", round, w, len, got, want);
    }
    char t[200];
    memset(t, 'x', sizeof t);
    memcpy(t + 31, "RoHS", 4); /* across a block's end, and at the very end */
    assert_int_equal(cwt__find_ci_n(t, sizeof t, "rohs", 4), 31);
    memcpy(t + 31, "xxxx", 4);
    memcpy(t + sizeof t - 4, "ROHS", 4);
    assert_int_equal(cwt__find_ci_n(t, sizeof t, "rohs", 4), sizeof t - 4);
    assert_int_equal(cwt__find_ci_n(t, sizeof t - 1, "rohs", 4), SIZE_MAX);
}

/* The hits of a scan, to compare the filtered scan with the reference that tries every position. */
struct hits {
    size_t n;
    struct cwt__mark_hit h[256];
};

static bool keep_hit(const struct cwt__mark_hit *h, void *ud)
{
    struct hits *k = ud;
    if (k->n < 256)
        k->h[k->n] = *h;
    k->n++;
    return true;
}

static void scans_same(const char *t, size_t len, const char *what)
{
    static struct hits a, b;
    a.n = b.n = 0;
    cwt__marks_scan(t, len, 256, keep_hit, &a);
    cwt__marks_scan_every(t, len, 256, keep_hit, &b);
    if (a.n != b.n)
        fail_msg("%s: %zu hits, %zu trying every position", what, a.n, b.n);
    for (size_t i = 0; i < a.n && i < 256; i++)
        if (a.h[i].mark != b.h[i].mark || a.h[i].off != b.h[i].off || a.h[i].len != b.h[i].len ||
            strcmp(a.h[i].lang, b.h[i].lang) != 0)
            fail_msg("%s: hit %zu: %s at %zu, %s at %zu trying every position", what, i, a.h[i].mark->id,
                     a.h[i].off, b.h[i].mark->id, b.h[i].off);
}

static void scans_same_page(const char *path, const char *s, size_t len, void *ud)
{
    (void)ud;
    scans_same(s, len, path);
}

/* The scan with its position filters (pairs of first bytes, exact pairs and folded quads) finds what a
 * scan trying every position finds: on random texts made of pieces of the keywords, context words and
 * standard prefixes in both cases, and on the fixture pages' bytes. */
static void test_marks_filtered(void **state)
{
    (void)state;
    static const char *const pieces[] = {
        "CE", "ce", "Ce", "RoHS", "ROHS", "rohs", "REACH", "reach", "FCC", "fcc ID", "FCC ID", "UL", "ul", "UL Listed",
        "CCC", "3C认证", "TISI", "มอก.", "SIRIM", "sirim", "SNI", "SPPT SNI", "SAFETY Mark", "Safety Mark", "PSB",
        "hợp quy", "CR mark", "QCVN", "SDS", "sds", "MSDS", "safety data sheet", "SAFETY DATA SHEET", "warning",
        "WARNING", "caution", "警告", "user manual", "Instructions for use", "EU DoC", "eu doc", "EN", "en", "EN 60335-1",
        "IEC", "IEC 62368", "GB/T 4706.1", "ISO 9001", "iso 9001", "ASTM D4236", "AS/NZS 3112", "JIS", "ANSI",
        "mark", "certified", "complies", "conform", "standard", "认证", "12345", "-", " ", "\n", ".", "x", "a",
        "e", "In", "De", "co", "Conformité Européenne", "EC 1907/2006", "ec 1907/2006", "é", "\xe0",
    };
    h_pieces_rounds(pieces, sizeof pieces / sizeof pieces[0], 7, 3000, 300, scans_same);
    static const char *const globs[] = {"tests/fixtures/sites/*/*.html", "tests/fixtures/pages/exporter/*.html",
                                        "tests/fixtures/pages/readability/*/source.html", NULL};
    assert_true(h_each_file(globs, scans_same_page, NULL) >= 10);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_marks_in_context),
        cmocka_unit_test(test_marks_table),
        cmocka_unit_test(test_find_ci_random),
        cmocka_unit_test(test_marks_filtered),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
