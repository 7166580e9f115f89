/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of src/lib/program/weight.c: properties of f and of the weight over a grid. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>

#include "program/weight.h"

static void check_curve(enum cwt__weight_curve curve)
{
    struct cwt__program_policy p;
    cwt__program_policy_default(&p);
    p.curve = curve;
    for (int th10 = 0; th10 < 1000; th10 += 7) {
        double th = th10 / 10.0;
        assert_true(cwt__weight_f(&p, th, th) == 0.0);
        assert_true(cwt__weight_f(&p, 100.0, th) == 1.0);
        assert_true(cwt__weight_f(&p, th - 5.0, th) == 0.0);
        double prev = -1.0;
        for (int s = -100; s <= 1100; s++) {
            double score = s / 10.0, f = cwt__weight_f(&p, score, th);
            if (!(f >= 0.0 && f <= 1.0) || f < prev)
                fail_msg("curve %d threshold %g score %g: f %g after %g", curve, th, score, f, prev);
            prev = f;
            double w = cwt__weight(&p, CWT__MARK_GREEN, true, score, th);
            assert_true(w >= 1.0 && w <= 1.0 + p.weight_bonus + 1e-12);
            assert_true(fabs(w - (1.0 + 0.15 * f)) < 1e-12);
        }
    }
}

static void test_curves_monotone_bounded(void **state)
{
    (void)state;
    check_curve(CWT__CURVE_LINEAR);
    check_curve(CWT__CURVE_SMOOTHSTEP);
}

static void test_exactly_one_when_not_eligible(void **state)
{
    (void)state;
    struct cwt__program_policy p;
    cwt__program_policy_default(&p);
    for (int s = 0; s < CWT__MARK_STATE_COUNT_; s++) {
        enum cwt__mark_state st = (enum cwt__mark_state)s;
        assert_true(cwt__weight(&p, st, false, 100.0, 70.0) == 1.0);
        double w = cwt__weight(&p, st, true, 100.0, 70.0);
        if (cwt__mark_shows_green(st))
            assert_true(w == 1.15);
        else
            assert_true(w == 1.0);
    }
    assert_true(cwt__weight(&p, CWT__MARK_GREEN, true, NAN, 70.0) == 1.0);
    assert_true(cwt__weight(&p, CWT__MARK_GREEN, true, 100.0, 100.0) == 1.0);
    /* midpoint: linear 0.5, smoothstep 0.5 as well (symmetric) */
    assert_true(fabs(cwt__weight_f(&p, 85.0, 70.0) - 0.5) < 1e-12);
    p.weight_bonus = 0.10; /* operator-set */
    assert_true(fabs(cwt__weight(&p, CWT__MARK_GREEN, true, 100.0, 70.0) - 1.10) < 1e-12);
}

static void test_weight_for_site(void **state)
{
    (void)state;
    struct cwt__program_policy p;
    cwt__program_policy_default(&p);
    struct cwt__cycles cs;
    cwt__cycles_init(&cs);
    assert_int_equal(cwt__cycles_seed(&cs, 2, 1, NULL), CWT_OK);
    const int64_t q3_in = INT64_C(1784505600);  /* 2026-07-20: before the 2026-Q3 deadline */
    const int64_t q3_out = INT64_C(1785628800); /* 2026-08-02: after it */
    const int64_t aug = INT64_C(1786000000), nov = INT64_C(1794000000), y2030 = INT64_C(1900000000);
    static const struct {
        enum cwt__mark_state st;
        int qualified; /* 0 none, 1 by the Q3 deadline, 2 after it */
        int when;      /* 0 August 2026, 1 November 2026, 2 no cycle */
        bool eligible;
    } v[] = {
        {CWT__MARK_GREEN, 1, 0, true},       {CWT__MARK_GREEN_DATA_DUE, 1, 0, true},
        {CWT__MARK_GREEN, 2, 0, false},      /* deferred: not in the Q3 pool */
        {CWT__MARK_GREEN, 2, 1, true},       /* in the Q4 pool */
        {CWT__MARK_SUSPENDED, 1, 0, false},  {CWT__MARK_DOWNGRADED, 1, 1, false},
        {CWT__MARK_GREEN, 1, 2, false},      {CWT__MARK_GREEN, 0, 0, false},
    };
    for (size_t i = 0; i < CWT_ARRAY_LEN(v); i++) {
        struct cwt__mark m = {.state = v[i].st, .score = 85.0, .has_score = true};
        m.qualified_at = v[i].qualified == 1 ? q3_in : v[i].qualified == 2 ? q3_out : 0;
        int64_t now = v[i].when == 0 ? aug : v[i].when == 1 ? nov : y2030;
        struct cwt__weight_info w;
        cwt__weight_for(&p, &m, &cs, 70.0, now, &w);
        if (w.eligible != v[i].eligible)
            fail_msg("case %zu: %s", i, w.why);
        assert_true(w.why[0] != '\0');
        if (w.eligible)
            assert_true(fabs(w.weight - 1.075) < 1e-12); /* smoothstep(0.5) = 0.5 */
        else
            assert_true(w.weight == 1.0);
    }
    cwt__cycles_release(&cs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_curves_monotone_bounded),
        cmocka_unit_test(test_exactly_one_when_not_eligible),
        cmocka_unit_test(test_weight_for_site),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
