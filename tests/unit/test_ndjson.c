/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of ops/ndjson.c: splitting NDJSON batches fed in chunks of every size, and the caps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops/ops.h"

struct got {
    char text[512];
    size_t nlines;
};

static enum cwt_status on_line(void *ud, size_t lineno, const char *line, size_t len, bool overlong,
                               struct cwt_err *err)
{
    (void)err;
    struct got *g = ud;
    size_t l = strlen(g->text);
    assert_int_equal(strlen(line), len);
    snprintf(g->text + l, sizeof g->text - l, "%zu:%s|", lineno, overlong ? "<long>" : line);
    g->nlines++;
    return CWT_OK;
}

static void test_split_any_chunking(void **state)
{
    (void)state;
    char longl[CWT__EVENT_LINE_MAX + 20];
    memset(longl, 'x', sizeof longl - 1);
    longl[sizeof longl - 1] = '\0';
    char exact[CWT__EVENT_LINE_MAX + 1];
    memset(exact, 'y', CWT__EVENT_LINE_MAX);
    exact[CWT__EVENT_LINE_MAX] = '\0';
    char with_long[sizeof longl + 16], with_exact[sizeof exact + 16];
    snprintf(with_long, sizeof with_long, "a\n%s\nb", longl);
    snprintf(with_exact, sizeof with_exact, "%s\r\nz\n", exact);
    static const struct {
        const char *in;
        const char *want;
    } cases[] = {
        {"a\nb\n", "1:a|2:b|"},
        {"a\r\nb", "1:a|2:b|"},
        {"\n\n  \na\n\t\n", "4:a|"},
        {"", ""},
        {"{\"x\":1}", "1:{\"x\":1}|"},
    };
    for (size_t c = 0; c < CWT_ARRAY_LEN(cases) + 2; c++) {
        const char *in = c < CWT_ARRAY_LEN(cases) ? cases[c].in : c == CWT_ARRAY_LEN(cases) ? with_long : with_exact;
        for (size_t piece = 1; piece <= 9; piece += 4) {
            struct cwt__ndjson nj;
            struct got g = {0};
            struct cwt_err err;
            cwt__ndjson_init(&nj, 100, 1 << 20);
            size_t n = strlen(in);
            for (size_t off = 0; off < n; off += piece)
                assert_int_equal(cwt__ndjson_feed(&nj, in + off, CWT_MIN(piece, n - off), on_line, &g, &err), CWT_OK);
            assert_int_equal(cwt__ndjson_finish(&nj, on_line, &g, &err), CWT_OK);
            if (c < CWT_ARRAY_LEN(cases))
                assert_string_equal(g.text, cases[c].want);
            else if (c == CWT_ARRAY_LEN(cases))
                assert_string_equal(g.text, "1:a|2:<long>|3:b|");
            else
                assert_int_equal(g.nlines, 2); /* a line of exactly the cap is kept */
        }
    }
}

static void test_caps(void **state)
{
    (void)state;
    struct cwt__ndjson nj;
    struct got g = {0};
    struct cwt_err err;
    cwt__ndjson_init(&nj, 2, 1 << 20);
    assert_int_equal(cwt__ndjson_feed(&nj, "a\n\nb\nc\n", 7, on_line, &g, &err), CWT_ETOOBIG);
    assert_string_equal(err.field, "lines");
    assert_int_equal(g.nlines, 2);
    cwt__ndjson_init(&nj, 100, 10);
    assert_int_equal(cwt__ndjson_feed(&nj, "aaaa\n", 5, on_line, &g, &err), CWT_OK);
    assert_int_equal(cwt__ndjson_feed(&nj, "bbbb\n", 5, on_line, &g, &err), CWT_OK);
    assert_int_equal(cwt__ndjson_feed(&nj, "c", 1, on_line, &g, &err), CWT_ETOOBIG);
    assert_string_equal(err.field, "bytes");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split_any_chunking),
        cmocka_unit_test(test_caps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
