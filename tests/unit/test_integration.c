/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of src/lib/program/integration.c: the SDK tag as printed by the
 * WordPress, Shopify and Magento integrations and by hand, found only with
 * the right site id; comments, inline scripts and look-alikes do not count.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "program/integration.h"

#define SITE "s_7J3KQ2M4N5P6R7S8T9V2"

static void test_fixtures(void **state)
{
    (void)state;
    static const struct { const char *file; enum cwt__integration want; } cases[] = {
        {"wordpress.html", CWT__INTEG_FOUND}, {"shopify.html", CWT__INTEG_FOUND},
        {"magento.html", CWT__INTEG_FOUND},   {"pasted.html", CWT__INTEG_FOUND},
        {"commented.html", CWT__INTEG_ABSENT},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char rel[128];
        snprintf(rel, sizeof rel, "tests/fixtures/integration/%s", cases[i].file);
        size_t len = 0;
        char *html = h_read_file(h_src(rel), &len);
        assert_non_null(html);
        char why[200];
        enum cwt__integration got = cwt__integration_detect(html, len, SITE, why, sizeof why);
        if (got != cases[i].want)
            fail_msg("%s: got %d want %d (%s)", cases[i].file, got, cases[i].want, why);
        /* Another site's id never matches the same page. */
        if (cases[i].want == CWT__INTEG_FOUND)
            assert_int_equal(cwt__integration_detect(html, len, "s_OTHER", NULL, 0), CWT__INTEG_OTHER_SITE);
        free(html);
    }
}

static void test_table(void **state)
{
    (void)state;
    static const struct { const char *html; enum cwt__integration want; } cases[] = {
        {"<script src=\"/sdk/v1/cwtap.js\" data-site=\"" SITE "\"></script>", CWT__INTEG_FOUND},
        {"<script src=/sdk/v1/cwtap.js data-site=" SITE "></script>", CWT__INTEG_FOUND},
        {"<script\tsrc=\"https://a.example/x/sdk/v1/cwtap.js#f\"\ndata-site = '" SITE "' ></script>",
         CWT__INTEG_FOUND},
        {"<script src=\"/sdk/v1/cwtap.js\" data-site=\"\"></script>", CWT__INTEG_OTHER_SITE},
        {"<script src=\"/sdk/v1/cwtap.js\"></script>", CWT__INTEG_OTHER_SITE},
        {"<script src=\"/sdk/v1/cwtap.js\" data-site=\"" SITE "X\"></script>", CWT__INTEG_OTHER_SITE},
        {"<script src=\"/sdk/v2/cwtap.js\" data-site=\"" SITE "\"></script>", CWT__INTEG_ABSENT},
        {"<script src=\"/sdk/v1/cwtap.js.map\" data-site=\"" SITE "\"></script>", CWT__INTEG_ABSENT},
        {"<img src=\"/sdk/v1/cwtap.js\" data-site=\"" SITE "\">", CWT__INTEG_ABSENT},
        {"<scripts src=\"/sdk/v1/cwtap.js\" data-site=\"" SITE "\">", CWT__INTEG_ABSENT},
        {"<script>document.write('<script src=\"/sdk/v1/cwtap.js\" data-site=\"" SITE "\">')</script>",
         CWT__INTEG_ABSENT},
        {"<!-- <script src=\"/sdk/v1/cwtap.js\" data-site=\"" SITE "\"></script> -->", CWT__INTEG_ABSENT},
        {"<script src=\"/sdk/v1/cwtap.js\" data-site=\"" SITE, CWT__INTEG_OTHER_SITE}, /* cut: unterminated value */
        {"<script src=\"/sdk/v1/cwtap.js\" data-site=\"" SITE "\"", CWT__INTEG_FOUND},  /* cut before '>' */
        {"", CWT__INTEG_ABSENT},
        {"<", CWT__INTEG_ABSENT},
        {"<script", CWT__INTEG_ABSENT},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        enum cwt__integration got = cwt__integration_detect(cases[i].html, strlen(cases[i].html), SITE, NULL, 0);
        if (got != cases[i].want)
            fail_msg("case %zu (%s): got %d want %d", i, cases[i].html, got, cases[i].want);
    }
    /* Only the given length is read. */
    const char *h = "<script src=\"/sdk/v1/cwtap.js\" data-site=\"" SITE "\"></script>";
    assert_int_equal(cwt__integration_detect(h, 20, SITE, NULL, 0), CWT__INTEG_ABSENT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixtures),
        cmocka_unit_test(test_table),
    };
    return cmocka_run_group_tests_name("integration", tests, NULL, NULL);
}
