/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of src/lib/signals/signal.c: evidence, findings, snippets, bounds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "signals/signal.h"

static void test_snippet_trims_at_utf8_boundary(void **state)
{
    (void)state;
    const char *s = "  联系  我们\n\tcontact ";
    char *sn = cwt__snippet(s, strlen(s), 100);
    assert_string_equal(sn, "联系 我们 contact");
    cwt_free(sn);
    sn = cwt__snippet(s, strlen(s), 5); /* "联" is 3 bytes; "联系" is 6 */
    assert_string_equal(sn, "联");
    cwt_free(sn);
}

static void test_evidence_and_findings_bounded(void **state)
{
    (void)state;
    struct cwt__signal s;
    cwt__signal_init(&s, "contact", CWT__MOD_BASIC);
    assert_true(isnan(s.raw));
    for (int i = 0; i < CWT__EVIDENCE_MAX + 10; i++)
        assert_int_equal(cwt__signal_evidence(&s, "https://a.example/", "e-mail", "info@a.example"), CWT_OK);
    assert_int_equal(s.nevidence, CWT__EVIDENCE_MAX);
    assert_int_equal(cwt__signal_finding(&s, "contact.none", CWT__SEV_FAIL, "no e-mail", "publish one", NULL, NULL),
                     CWT_OK);
    assert_int_equal(s.nfindings, 1);
    assert_string_equal(s.findings[0].fix, "publish one");
    assert_int_equal(cwt__signal_summary(&s, "%d pages", 3), CWT_OK);
    assert_string_equal(s.summary, "3 pages");
    assert_non_null(cwt__signal_detail(&s));
    cwt__signal_release(&s);
    cwt__signal_release(NULL);
}

static void test_module_names(void **state)
{
    (void)state;
    assert_string_equal(cwt__module_name(CWT__MOD_BASIC), "basic");
    assert_string_equal(cwt__module_name(CWT__MOD_OPERATIONAL), "operational");
    assert_string_equal(cwt__module_name(CWT__MOD_CONTENT), "content");
    for (size_t i = 0; i < cwt__signal_count; i++)
        assert_ptr_equal(cwt__signal_find(cwt__signal_table[i].id), &cwt__signal_table[i]);
    assert_null(cwt__signal_find("no-such-signal"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_snippet_trims_at_utf8_boundary),
        cmocka_unit_test(test_evidence_and_findings_bounded),
        cmocka_unit_test(test_module_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
