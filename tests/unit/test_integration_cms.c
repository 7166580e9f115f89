/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Integration detection on the exact output of each integration
 * (tests/fixtures/badge/integration/SOURCE.md): the WordPress plugin (6.3+
 * and older tag forms), the Shopify app block, the Magento template and a
 * hand-pasted tag count as integrated for site_ningbo; a copied snippet with
 * another site id, a tag inside a comment, and look-alikes do not.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>

#include "harness.h"
#include "program/integration.h"

static void test_cms_outputs(void **state)
{
    (void)state;
    static const struct {
        const char *file, *site;
        enum cwt__integration want;
    } t[] = {
        {"wordpress.html", "site_ningbo", CWT__INTEG_FOUND},
        {"wordpress-5.html", "site_ningbo", CWT__INTEG_FOUND},
        {"shopify.html", "site_ningbo", CWT__INTEG_FOUND},
        {"magento.html", "site_ningbo", CWT__INTEG_FOUND},
        {"hand.html", "site_ningbo", CWT__INTEG_FOUND},
        {"wordpress.html", "site_other", CWT__INTEG_OTHER_SITE},
        {"shopify.html", "site_ningb", CWT__INTEG_OTHER_SITE},
        {"wrong-site.html", "site_ningbo", CWT__INTEG_OTHER_SITE},
        {"wrong-site.html", "site_other", CWT__INTEG_FOUND},
        {"absent.html", "site_ningbo", CWT__INTEG_ABSENT},
    };
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
        char rel[200];
        snprintf(rel, sizeof rel, "tests/fixtures/badge/integration/%s", t[i].file);
        size_t len = 0;
        char *html = h_read_file(h_src(rel), &len);
        assert_non_null(html);
        char why[256] = "";
        enum cwt__integration got = cwt__integration_detect(html, len, t[i].site, why, sizeof why);
        if (got != t[i].want)
            fail_msg("%s for %s: got %d, want %d (%s)", t[i].file, t[i].site, (int)got, (int)t[i].want, why);
        free(html);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cms_outputs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
