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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_curves_monotone_bounded),
        cmocka_unit_test(test_exactly_one_when_not_eligible),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
