/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of src/lib/program/threshold.c: floors, cohort percentiles, hysteresis, explanations. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>

#include "program/mark.h"
#include "program/threshold.h"

static const struct {
    const char *name;
    double floor, pct, margin;
    bool use_pct;
    size_t min_cohort, n;
    double want_enter, want_stay;
    bool from_pct;
} cases[] = {
    /* cohort 0, 1, ..., n-1 (given shuffled) */
    {"floor only", 70, 60, 2, false, 0, 100, 70, 68, false},
    {"percentile above floor", 50, 60, 2, true, 10, 101, 60, 58, true},
    {"floor above percentile", 70, 60, 2, true, 10, 101, 70, 68, false},
    {"interpolated percentile", 0, 50, 1, true, 2, 4, 1.5, 0.5, true},
    {"cohort too small", 50, 90, 2, true, 20, 19, 50, 48, false},
    {"empty cohort", 65, 60, 3, true, 0, 0, 65, 62, false},
    {"margin larger than threshold", 1, 60, 5, false, 0, 0, 1, 0, false},
};

static void test_compute_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < CWT_ARRAY_LEN(cases); i++) {
        struct cwt__threshold_policy tp;
        cwt__threshold_policy_default(&tp);
        tp.floor = cases[i].floor;
        tp.percentile = cases[i].pct;
        tp.margin = cases[i].margin;
        tp.use_percentile = cases[i].use_pct;
        tp.min_cohort = cases[i].min_cohort;
        double *cohort = calloc(cases[i].n + 1, sizeof *cohort);
        for (size_t k = 0; k < cases[i].n; k++)
            cohort[k] = (double)((k * 37) % cases[i].n); /* a permutation of 0..n-1 when gcd(37, n) = 1 */
        struct cwt__threshold t;
        struct cwt_err err;
        assert_int_equal(cwt__threshold_compute(&tp, "2026-Q4", cohort, cases[i].n, &t, &err), CWT_OK);
        if (fabs(t.enter - cases[i].want_enter) > 1e-9 || fabs(t.stay - cases[i].want_stay) > 1e-9)
            fail_msg("%s: enter %g stay %g", cases[i].name, t.enter, t.stay);
        assert_int_equal(t.from_percentile, cases[i].from_pct);
        assert_non_null(strstr(t.explain, "2026-Q4"));
        free(cohort);
    }
}

static void test_hysteresis_band(void **state)
{
    (void)state;
    struct cwt__threshold_policy tp;
    cwt__threshold_policy_default(&tp);
    struct cwt__threshold t;
    assert_int_equal(cwt__threshold_compute(&tp, "2026-Q4", NULL, 0, &t, NULL), CWT_OK);
    static const struct {
        double total;
        bool enter, stay;
    } v[] = {{70.0, true, true}, {69.99, false, true}, {68.0, false, true}, {67.99, false, false}, {NAN, false, false}};
    for (size_t i = 0; i < CWT_ARRAY_LEN(v); i++) {
        struct cwt__threshold_verdict out;
        cwt__threshold_judge(&t, v[i].total, NULL, true, &out);
        if (out.meets_enter != v[i].enter || out.meets_stay != v[i].stay)
            fail_msg("total %g: enter %d stay %d", v[i].total, out.meets_enter, out.meets_stay);
        /* The threshold in force once, then the verdict (the dashboard shows this paragraph as is). */
        const char *first = strstr(out.explain, "in force");
        assert_true(first == strstr(out.explain, "threshold 70.0 in force") + strlen("threshold 70.0 "));
        assert_null(strstr(first + 1, "in force"));
        assert_non_null(strstr(out.explain, "the keep line 68.0"));
    }
}

static void test_module_floors(void **state)
{
    (void)state;
    struct cwt__threshold_policy tp;
    cwt__threshold_policy_default(&tp);
    tp.module_floor[0] = 50.0; /* basic */
    tp.module_floor[2] = 40.0; /* content */
    struct cwt__threshold t;
    assert_int_equal(cwt__threshold_compute(&tp, "2026-Q4", NULL, 0, &t, NULL), CWT_OK);
    assert_non_null(strstr(t.explain, "basic 50.0"));
    struct cwt__threshold_verdict out;
    double good[3] = {60, 10, 45}, low_basic[3] = {49, 90, 90}, band[3] = {49, 90, 90};
    cwt__threshold_judge(&t, 80, good, false, &out);
    assert_true(out.meets_enter);
    cwt__threshold_judge(&t, 80, low_basic, false, &out);
    assert_false(out.meets_enter);
    assert_non_null(strstr(out.explain, "module basic 49.0 is below its floor 50.0"));
    cwt__threshold_judge(&t, 80, band, true, &out); /* module in its own band: kept */
    assert_true(out.meets_stay);
    cwt__threshold_judge(&t, 80, NULL, false, &out); /* module scores unknown: floors not met */
    assert_false(out.meets_enter);
}

static void test_bad_policy(void **state)
{
    (void)state;
    struct cwt__threshold_policy tp;
    cwt__threshold_policy_default(&tp);
    struct cwt__threshold t;
    struct cwt_err err;
    tp.floor = 101;
    assert_int_equal(cwt__threshold_compute(&tp, "x", NULL, 0, &t, &err), CWT_EINVAL);
    assert_string_equal(err.field, "floor");
    cwt__threshold_policy_default(&tp);
    tp.use_percentile = true;
    tp.min_cohort = 1;
    double bad[2] = {50, NAN};
    assert_int_equal(cwt__threshold_compute(&tp, "x", bad, 2, &t, &err), CWT_EINVAL);
    assert_string_equal(err.field, "cohort[1]");
}

/* Scores that wobble around the threshold, fed through the verdict into the mark: changes counted. */
static size_t changes_for_margin(double margin)
{
    static const double wobble[] = {70.5, 69.2, 70.1, 68.9, 71.0, 69.5, 70.0, 68.4, 70.3, 69.9, 70.2, 67.5, 69.0, 70.0};
    struct cwt__program_policy p;
    cwt__program_policy_default(&p);
    struct cwt__threshold_policy tp;
    cwt__threshold_policy_default(&tp);
    tp.margin = margin;
    struct cwt__threshold t;
    assert_int_equal(cwt__threshold_compute(&tp, "2026-Q4", NULL, 0, &t, NULL), CWT_OK);
    struct cwt__mark m = {0};
    int64_t at = INT64_C(1790000000);
    struct cwt__mark_change ch[CWT__MARK_MAX_CHANGES];
    size_t n, total = 0;
    struct cwt__mark_event found = {.kind = CWT__EV_INTEGRATION_FOUND, .at = at};
    assert_int_equal(cwt__mark_apply(&m, &p, &found, ch, &n, NULL), CWT_OK);
    for (size_t i = 0; i < CWT_ARRAY_LEN(wobble); i++) {
        at += 86400;
        struct cwt__threshold_verdict v;
        cwt__threshold_judge(&t, wobble[i], NULL, cwt__mark_shows_green(m.state), &v);
        struct cwt__mark_event ev = {.kind = CWT__EV_EVALUATED, .at = at, .score = wobble[i],
                                     .meets_enter = v.meets_enter, .meets_stay = v.meets_stay};
        assert_int_equal(cwt__mark_apply(&m, &p, &ev, ch, &n, NULL), CWT_OK);
        total += n;
        if (i == 0) { /* duties met at once, so only the threshold moves the mark */
            for (int k = 0; k < CWT__UPLOAD_COUNT_; k++) {
                struct cwt__mark_event up = {.kind = CWT__EV_UPLOAD_ACCEPTED, .at = at + 60, .upload = k};
                assert_int_equal(cwt__mark_apply(&m, &p, &up, ch, &n, NULL), CWT_OK);
            }
            at += 60;
        }
    }
    return total;
}

static void test_hysteresis_stops_flapping(void **state)
{
    (void)state;
    size_t with = changes_for_margin(2.0), without = changes_for_margin(0.0);
    print_message("mark changes over 14 wobbling evaluations: %zu with a margin of 2, %zu without\n", with, without);
    assert_int_equal(with, 3); /* green at 70.5, suspended at 67.5, green again at 70.0 */
    assert_true(without >= 10);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_compute_table),
        cmocka_unit_test(test_hysteresis_band),
        cmocka_unit_test(test_module_floors),
        cmocka_unit_test(test_bad_policy),
        cmocka_unit_test(test_hysteresis_stops_flapping),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
