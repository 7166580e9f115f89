/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Robustness of the page layer on real pages (tests/fixtures/pages: Mozilla Readability's pages in
 * English, German, Spanish, Japanese and Chinese, and the handcrafted exporter pages): every page
 * parses, yields its structured data, a detected language, and the privacy and languages signals
 * run on it, with no sanitizer report. Prints per-page timings (no timing is asserted: budgets
 * live in bench/).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <cmocka.h>

#include "fetch/fetch.h"
#include "harness.h"
#include "page/sdata.h"
#include "page/textstat.h"
#include "signals/content.h"

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static const char *const pages[] = {
    "readability/001/source.html",       "readability/gitlab-blog/source.html",
    "readability/gmw/source.html",       "readability/heise/source.html",
    "readability/hukumusume/source.html", "readability/la-nacion/source.html",
    "readability/pixnet/source.html",    "readability/qq/source.html",
    "readability/schema-org-context-object/source.html", "readability/telegraph/source.html",
    "readability/wordpress/source.html", "readability/yahoo-4/source.html",
    "exporter/index.html",               "exporter/product.html",
};

static void test_corpus(void **state)
{
    (void)state;
    struct cwt_ctx *ctx = NULL;
    assert_int_equal(cwt_ctx_new(&ctx), CWT_OK);
    struct cwt__langid *lid = NULL;
    assert_int_equal(cwt__langid_new(NULL, &lid), CWT_OK);
    printf("# %-52s %9s %8s %6s %6s %6s %5s %8s %8s\n", "page", "bytes", "parse_ms", "links", "items", "lang",
           "det", "priv_ms", "lang_ms");
    double total = 0;
    size_t bytes = 0;
    for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
        char rel[256];
        snprintf(rel, sizeof rel, "tests/fixtures/pages/%s", pages[i]);
        size_t len = 0;
        char *html = h_read_file(h_src(rel), &len);
        assert_non_null(html);
        struct cwt__doc *d = NULL;
        struct cwt_err err;
        cwt_err_clear(&err);
        double t0 = now_ms();
        assert_int_equal(cwt__doc_parse(ctx, html, len, "https://www.example.com/a/b.html", &d, &err), CWT_OK);
        double t1 = now_ms();
        assert_true(d->text_len > 0);
        assert_true(json_is_array(cwt__sdata_items(d)));
        assert_int_equal(cwt__doc_detect_lang(d, lid), CWT_OK);

        struct cwt__response resp = {.url = "https://www.example.com/a/b.html", .final_url = "https://www.example.com/a/b.html",
                                     .status = 200};
        struct cwt__site_page sp = {&resp, d, "home"};
        struct cwt__site site = {.ctx = ctx, .url = "https://www.example.com/", .host = "www.example.com",
                                 .reg_domain = "example.com", .at = 1767225600, .pages = &sp, .npages = 1};
        double ms[2];
        const char *ids[2] = {"privacy", "languages"};
        for (int k = 0; k < 2; k++) {
            const struct cwt__signal_def *def = cwt__signal_find(ids[k]);
            struct cwt__signal s;
            cwt__signal_init(&s, def->id, def->module);
            double a = now_ms();
            assert_int_equal(def->run(&site, &s), CWT_OK);
            ms[k] = now_ms() - a;
            assert_true(s.measured);
            assert_true(s.nevidence > 0);
            cwt__signal_release(&s);
        }
        printf("# %-52s %9zu %8.1f %6zu %6zu %6s %5s %8.1f %8.1f\n", pages[i], len, t1 - t0, d->nlinks,
               json_array_size(cwt__sdata_items(d)), d->lang ? d->lang : "-", d->detected_lang ? d->detected_lang : "-",
               ms[0], ms[1]);
        total += t1 - t0;
        bytes += len;
        cwt__doc_free(d);
        free(html);
    }
    printf("# parsed %zu bytes in %.1f ms (%.1f MB/s)\n", bytes, total, total > 0 ? (double)bytes / total / 1e3 : 0);
    cwt__langid_free(lid);
    cwt_ctx_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_corpus),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
