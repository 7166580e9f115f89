/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of src/lib/report: the terminal text (at a glance, colours only
 * when asked, site text cleaned of escapes), the self-contained HTML (every
 * string escaped, nothing loaded from the network, only http(s) links), the
 * CSV rows, and the JSON written byte for byte as jansson writes it. The rendered samples are kept under the build directory
 * (artifacts/) for people and for the browser test to look at.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "harness.h"
#include "oom.h"
#include "report/report.h"
#include "sample.h"
#include "schema.h"

static void keep_artifact(const char *name, const char *text)
{
    const char *root = getenv("CWTAP_BUILD_ROOT");
    if (!root)
        return;
    char path[1024];
    snprintf(path, sizeof path, "%s/artifacts", root);
    mkdir(path, 0755);
    snprintf(path, sizeof path, "%s/artifacts/%s", root, name);
    assert_int_equal(h_write_file(path, text, strlen(text)), 0);
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p++)
        n++;
    return n;
}

static void test_text_at_a_glance(void **state)
{
    (void)state;
    json_t *ev = h_sample_evaluation(H_SAMPLE_STRONG);
    assert_non_null(ev);
    char *plain = NULL, *color = NULL;
    assert_int_equal(cwt__render_text(ev, false, &plain), CWT_OK);
    assert_int_equal(cwt__render_text(ev, true, &color), CWT_OK);
    keep_artifact("report-strong.txt", plain);
    assert_null(strchr(plain, '\033'));
    assert_non_null(strchr(color, '\033'));
    /* Grade and total on the first lines, then the three bars, then the fixes. */
    char head[64];
    snprintf(head, sizeof head, " %s ", json_string_value(json_object_get(json_object_get(ev, "grade"), "letter")));
    const char *g = strstr(plain, head);
    char total[32];
    snprintf(total, sizeof total, "%.1f / 100", json_number_value(json_object_get(ev, "total")));
    const char *t = strstr(plain, total);
    const char *b = strstr(plain, "  basic "), *op = strstr(plain, "  operational "), *c = strstr(plain, "  content ");
    const char *fx = strstr(plain, "Top fixes"), *sg = strstr(plain, "Signals");
    assert_true(g && t && b && op && c && fx && sg);
    assert_true(g < b && t < b && b < op && op < c && c < fx && fx < sg);
    assert_non_null(strstr(plain, "not enough data: not counted")); /* operational: no platform events */
    assert_non_null(strstr(plain, "  5. "));
    assert_null(strstr(plain, "  6. "));
    /* The top fix is the first advice's. */
    const json_t *a0 = json_array_get(json_object_get(ev, "advice"), 0);
    assert_non_null(strstr(fx, json_string_value(json_object_get(a0, "fix"))));
    assert_non_null(strstr(plain, "No. 88 Yinxian Avenue"));
    cwt_free(plain);
    cwt_free(color);
    json_decref(ev);
}

static void test_hostile_text_is_cleaned(void **state)
{
    (void)state;
    json_t *ev = h_sample_evaluation(H_SAMPLE_HOSTILE);
    assert_non_null(ev);
    char *plain = NULL, *html = NULL, *csv = NULL;
    assert_int_equal(cwt__render_text(ev, false, &plain), CWT_OK);
    for (const char *p = plain; *p; p++)
        assert_true((unsigned char)*p >= 0x20 || *p == '\n');
    assert_int_equal(cwt__render_html(ev, &html), CWT_OK);
    keep_artifact("report-hostile.html", html);
    assert_non_null(strstr(html, "provisional: too little data")); /* 3 signals: coverage 30 % */
    assert_non_null(strstr(plain, "provisional: too little data"));
    assert_null(strstr(html, "<script"));
    assert_null(strstr(html, "<iframe"));
    assert_null(strstr(html, "<img"));
    assert_null(strstr(html, "href=\"javascript:"));
    assert_null(strstr(html, "\"onmouseover"));
    assert_non_null(strstr(html, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
    for (const char *p = html; *p; p++)
        assert_true((unsigned char)*p >= 0x20 || *p == '\n');
    assert_int_equal(cwt__render_csv(ev, true, &csv), CWT_OK);
    cwt_free(plain);
    cwt_free(html);
    cwt_free(csv);
    json_decref(ev);
}

static void test_html_self_contained(void **state)
{
    (void)state;
    for (int which = H_SAMPLE_STRONG; which <= H_SAMPLE_WEAK; which++) {
        json_t *ev = h_sample_evaluation((enum h_sample)which);
        assert_non_null(ev);
        char *html = NULL;
        assert_int_equal(cwt__render_html(ev, &html), CWT_OK);
        keep_artifact(which == H_SAMPLE_STRONG ? "report-strong.html" : "report-weak.html", html);
        assert_true(strncmp(html, "<!DOCTYPE html>", 15) == 0);
        assert_non_null(strstr(html, "</html>"));
        /* Nothing is loaded: no scripts, stylesheets, images, frames or fonts from anywhere. */
        assert_null(strstr(html, "<script"));
        assert_null(strstr(html, "<link"));
        assert_null(strstr(html, " src="));
        assert_null(strstr(html, "url("));
        assert_null(strstr(html, "@import"));
        assert_int_equal(count(html, "<svg class=\"gauge\""), 3);
        /* Every signal of the evaluation has its section, every piece of advice its rank. */
        const json_t *sigs = json_object_get(ev, "signals");
        for (size_t i = 0; i < json_array_size(sigs); i++) {
            char id[64];
            snprintf(id, sizeof id, "id=\"sig-%s\"", json_string_value(json_object_get(json_array_get(sigs, i), "id")));
            assert_non_null(strstr(html, id));
        }
        assert_int_equal(count(html, "<div class=\"rank\">"), json_array_size(json_object_get(ev, "advice")));
        if (which == H_SAMPLE_WEAK) {
            assert_non_null(strstr(html, "\">mandatory.privacy</code>"));
            assert_non_null(strstr(html, "Also failed"));
            assert_non_null(strstr(html, "mandatory item failed"));
        } else {
            assert_non_null(strstr(html, "Pages read"));
            assert_non_null(strstr(html, "more pieces of evidence"));
        }
        cwt_free(html);
        json_decref(ev);
    }
}

static void test_csv_rows(void **state)
{
    (void)state;
    json_t *a = h_sample_evaluation(H_SAMPLE_STRONG), *b = h_sample_evaluation(H_SAMPLE_WEAK);
    char *h = NULL, *r = NULL;
    assert_int_equal(cwt__render_csv(a, true, &h), CWT_OK);
    assert_int_equal(cwt__render_csv(b, false, &r), CWT_OK);
    assert_int_equal(count(h, "\r\n"), 2);
    assert_int_equal(count(r, "\r\n"), 1);
    assert_true(strncmp(h, "site,at,model,total,grade,", 26) == 0);
    /* Same number of cells in the header and in a row (no commas inside the quoted cells here). */
    const char *row1 = strstr(h, "\r\n") + 2;
    size_t hc = 0, rc = 0;
    for (const char *p = h; p < row1; p++)
        hc += *p == ',';
    for (const char *p = r; *p; p++)
        rc += *p == ',';
    assert_int_equal(hc, rc);
    assert_non_null(strstr(r, "\"tls.untrusted;mandatory.tls;mandatory.contact;mandatory.privacy\""));
    char total[32];
    snprintf(total, sizeof total, ",%.2f,", json_number_value(json_object_get(b, "total")));
    assert_non_null(strstr(r, total));
    size_t len = strlen(h) + strlen(r) + 1;
    char *both = malloc(len);
    snprintf(both, len, "%s%s", h, r);
    keep_artifact("batch.csv", both);
    free(both);
    cwt_free(h);
    cwt_free(r);
    json_decref(a);
    json_decref(b);
}

static void test_samples_follow_schema(void **state)
{
    (void)state;
    for (int which = H_SAMPLE_STRONG; which <= H_SAMPLE_HOSTILE; which++) {
        json_t *ev = h_sample_evaluation((enum h_sample)which);
        char msg[512];
        if (h_schema_validate_file("docs/schema/evaluation.schema.json", ev, msg, sizeof msg))
            fail_msg("sample %d: %s", which, msg);
        if (which == H_SAMPLE_STRONG) {
            char *js = json_dumps(ev, JSON_INDENT(2));
            keep_artifact("evaluation-strong.json", js);
            free(js);
        }
        json_decref(ev);
    }
}

static void test_render_rejects_non_objects(void **state)
{
    (void)state;
    json_t *arr = json_array();
    char *out = NULL;
    assert_int_equal(cwt__render_text(arr, false, &out), CWT_EINVAL);
    assert_int_equal(cwt__render_html(arr, &out), CWT_EINVAL);
    assert_int_equal(cwt__render_csv(arr, true, &out), CWT_EINVAL);
    json_decref(arr);
    /* An empty object renders (every member reads as absent). */
    json_t *empty = json_object();
    assert_int_equal(cwt__render_html(empty, &out), CWT_OK);
    cwt_free(out);
    assert_int_equal(cwt__render_text(empty, true, &out), CWT_OK);
    cwt_free(out);
    json_decref(empty);
}

/* cwt__render_json() writes what json_dumps(JSON_INDENT(2)) writes, byte for byte, and leaves to jansson
 * what jansson refuses (a cycle, invalid UTF-8). */
static void expect_same_json(const json_t *v)
{
    char *want = json_dumps(v, JSON_INDENT(2)), *got = NULL;
    enum cwt_status rc = cwt__render_json(v, &got);
    if (!want) {
        assert_int_equal(rc, CWT_ENOMEM);
        assert_null(got);
        return;
    }
    assert_int_equal(rc, CWT_OK);
    assert_string_equal(got, want);
    free(want);
    cwt_free(got);
}

static void test_json_as_jansson_writes_it(void **state)
{
    (void)state;
    for (int which = H_SAMPLE_STRONG; which <= H_SAMPLE_HOSTILE; which++) {
        json_t *ev = h_sample_evaluation((enum h_sample)which);
        expect_same_json(ev);
        json_decref(ev);
    }
    static const double reals[] = {0.0, -0.0, 1.0, -2.5, 0.1, 1.0 / 3, 1e20, 1e21, 1e-5, 1.5e-300, 123456789012345678.0,
                                   5e-324, 1.7976931348623157e308, 100.0, 72.45, -1e100};
    json_t *o = json_object(), *rs = json_array();
    for (size_t i = 0; i < sizeof reals / sizeof reals[0]; i++)
        json_array_append_new(rs, json_real(reals[i]));
    json_object_set_new(o, "reals", rs);
    json_object_set_new(o, "ints", json_pack("[I,I,I]", (json_int_t)0, (json_int_t)-9223372036854775807 - 1,
                                             (json_int_t)9223372036854775807));
    json_object_set_new(o, "esc", json_stringn("q\"b\\s/\b\f\n\r\t\x01\x1f\x7f \0end", 19));
    json_object_set_new(o, "utf8", json_string("\xE8\x81\x94\xE7\xB3\xBB \xF0\x9F\x98\x80 \xC2\xA0"));
    json_object_set_new(o, "k\"ey\n", json_pack("{s:{},s:[],s:[{}],s:n,s:b,s:b}", "eo", "ea", "nested", "n", "t", 1, "f",
                                                 0));
    expect_same_json(o);
    expect_same_json(rs = json_array()); /* an empty top-level array */
    json_decref(rs);
    /* deeper than the writer goes: jansson's answer */
    json_t *deep = json_array(), *cur = deep;
    for (int i = 0; i < 600; i++) {
        json_t *n = json_array();
        json_array_append_new(cur, n);
        cur = n;
    }
    expect_same_json(deep);
    json_decref(deep);
    /* refused by jansson, so by us: invalid UTF-8, a cycle, a string at the top */
    json_object_set_new(o, "bad", json_stringn_nocheck("a\xC0\xAF" "b", 4));
    expect_same_json(o);
    json_object_del(o, "bad");
    json_t *loop = json_array();
    json_array_append(loop, loop);
    expect_same_json(loop);
    json_array_clear(loop);
    json_decref(loop);
    json_t *str = json_string("top");
    char *out = NULL;
    assert_int_equal(cwt__render_json(str, &out), CWT_EINVAL);
    json_decref(str);
    json_decref(o);
}

/* Each renderer either renders in full or says CWT_ENOMEM, whichever allocation fails. */
static void test_render_survives_allocation_failures(void **state)
{
    (void)state;
    json_t *ev = h_sample_evaluation(H_SAMPLE_STRONG);
    for (int which = 0; which < 4; which++) {
        char *full = NULL;
        assert_int_equal(which == 0   ? cwt__render_text(ev, true, &full)
                         : which == 1 ? cwt__render_html(ev, &full)
                         : which == 2 ? cwt__render_csv(ev, true, &full)
                                      : cwt__render_json(ev, &full),
                         CWT_OK);
        long failures = 0;
                for (long fail_at = 1; fail_at < 10000; fail_at++) {
            char *out = NULL;
            h_oom_install();
            h_oom_fail_after(fail_at - 1); /* the first fail_at - 1 succeed, the rest fail */
            enum cwt_status rc = which == 0   ? cwt__render_text(ev, true, &out)
                                 : which == 1 ? cwt__render_html(ev, &out)
                                 : which == 2 ? cwt__render_csv(ev, true, &out)
                                              : cwt__render_json(ev, &out);
            long left = (fail_at - 1) - h_oom_count(); /* > 0: fewer allocations than fail_at - 1 */
            h_oom_uninstall();
            if (rc == CWT_OK) {
                assert_string_equal(out, full);
            } else {
                assert_int_equal(rc, CWT_ENOMEM);
                assert_null(out);
                failures++;
            }
            cwt_free(out);
            if (left > 0)
                break;
        }
        assert_true(failures > 0);
        cwt_free(full);
    }
    json_decref(ev);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_at_a_glance),
        cmocka_unit_test(test_hostile_text_is_cleaned),
        cmocka_unit_test(test_html_self_contained),
        cmocka_unit_test(test_csv_rows),
        cmocka_unit_test(test_samples_follow_schema),
        cmocka_unit_test(test_render_rejects_non_objects),
        cmocka_unit_test(test_json_as_jansson_writes_it),
        cmocka_unit_test(test_render_survives_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
