/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of src/lib/program/cycle.c: seeded cycles, the generator, pools and deferral. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>

#include "program/cycle.h"
#include "util/timeutil.h"

static int64_t iso(const char *s)
{
    int64_t t = 0;
    assert_int_equal(cwt_time_parse_iso(s, &t), CWT_OK);
    return t;
}

static const struct {
    const char *id, *start, *deadline, *end;
} seeded[] = {
    {"2026-Q3", "2026-07-01T00:00:00Z", "2026-07-31T23:59:59Z", "2026-10-01T00:00:00Z"},
    {"2026-Q4", "2026-10-01T00:00:00Z", "2026-10-31T23:59:59Z", "2027-01-01T00:00:00Z"},
    {"2027-Q1", "2027-01-01T00:00:00Z", "2027-01-31T23:59:59Z", "2027-04-01T00:00:00Z"},
    {"2027-Q2", "2027-04-01T00:00:00Z", "2027-04-30T23:59:59Z", "2027-07-01T00:00:00Z"},
    {"2027-Q3", "2027-07-01T00:00:00Z", "2027-07-31T23:59:59Z", "2027-10-01T00:00:00Z"},
};

static void test_seed(void **state)
{
    (void)state;
    struct cwt__cycles cs;
    cwt__cycles_init(&cs);
    assert_int_equal(cwt__cycles_seed(&cs, 4, 1, NULL), CWT_OK);
    assert_int_equal(cs.n, CWT_ARRAY_LEN(seeded));
    for (size_t i = 0; i < cs.n; i++) {
        assert_string_equal(cs.v[i].id, seeded[i].id);
        assert_int_equal(cs.v[i].start, iso(seeded[i].start));
        assert_int_equal(cs.v[i].deadline, iso(seeded[i].deadline));
        assert_int_equal(cs.v[i].end, iso(seeded[i].end));
    }
    assert_string_equal(cwt__cycles_current(&cs, iso("2026-10-01T00:00:00Z"))->id, "2026-Q4");
    assert_string_equal(cwt__cycles_current(&cs, iso("2026-09-30T23:59:59Z"))->id, "2026-Q3");
    assert_null(cwt__cycles_current(&cs, iso("2026-06-30T23:59:59Z")));
    assert_non_null(cwt__cycles_find(&cs, "2027-Q2"));
    /* deadline the day before the start, operator's choice */
    assert_int_equal(cwt__cycles_generate_next(&cs, 0, NULL), CWT_OK);
    assert_string_equal(cs.v[cs.n - 1].id, "2027-Q4");
    assert_int_equal(cs.v[cs.n - 1].deadline, iso("2027-09-30T23:59:59Z"));
    cwt__cycles_release(&cs);
}

static void test_add_rules(void **state)
{
    (void)state;
    struct cwt__cycles cs;
    cwt__cycles_init(&cs);
    assert_int_equal(cwt__cycles_seed(&cs, 1, 1, NULL), CWT_OK);
    struct cwt_err err;
    struct cwt__cycle c = {"2026-Q4", iso("2027-01-15"), iso("2027-01-01"), iso("2027-02-01")};
    assert_int_equal(cwt__cycles_add(&cs, &c, &err), CWT_ECONFLICT);
    struct cwt__cycle overlap = {"promo", iso("2026-12-01"), iso("2026-11-01"), iso("2027-02-01")};
    assert_int_equal(cwt__cycles_add(&cs, &overlap, &err), CWT_EINVAL);
    assert_string_equal(err.field, "start");
    struct cwt__cycle late = {"late", iso("2027-05-01"), iso("2027-01-01"), iso("2027-04-01")};
    assert_int_equal(cwt__cycles_add(&cs, &late, &err), CWT_EINVAL);
    assert_string_equal(err.field, "deadline");
    /* an operator cycle before the seeded ones is kept in order */
    struct cwt__cycle pilot = {"pilot", iso("2026-05-31T23:59:59Z"), iso("2026-05-01"), iso("2026-07-01")};
    assert_int_equal(cwt__cycles_add(&cs, &pilot, &err), CWT_OK);
    assert_string_equal(cs.v[0].id, "pilot");
    cwt__cycles_release(&cs);
}

static const struct {
    const char *integrated, *passed, *pool;
    bool deferred;
    const char *missed;
} pool_cases[] = {
    {"2026-06-01T00:00:00Z", "2026-06-20T00:00:00Z", "2026-Q3", false, NULL},
    {"2026-07-01T00:00:00Z", "2026-07-31T23:59:59Z", "2026-Q3", false, NULL}, /* the last second */
    {"2026-07-01T00:00:00Z", "2026-08-01T00:00:00Z", "2026-Q4", true, "2026-Q3"}, /* one second late */
    {"2026-08-02T00:00:00Z", "2026-07-30T00:00:00Z", "2026-Q4", true, "2026-Q3"}, /* integrated late */
    {"2026-09-30T00:00:00Z", "2026-10-15T00:00:00Z", "2026-Q4", false, NULL},
    {"2026-10-30T00:00:00Z", "2026-11-01T00:00:00Z", "2027-Q1", true, "2026-Q4"},
};

static void test_pools(void **state)
{
    (void)state;
    struct cwt__cycles cs;
    cwt__cycles_init(&cs);
    assert_int_equal(cwt__cycles_seed(&cs, 3, 1, NULL), CWT_OK);
    for (size_t i = 0; i < CWT_ARRAY_LEN(pool_cases); i++) {
        struct cwt__pool_decision d;
        cwt__pool_decide(&cs, iso(pool_cases[i].integrated), iso(pool_cases[i].passed), &d);
        assert_non_null(d.cycle);
        if (strcmp(d.cycle->id, pool_cases[i].pool) != 0 || d.deferred != pool_cases[i].deferred)
            fail_msg("case %zu: pool %s deferred %d (%s)", i, d.cycle->id, d.deferred, d.explain);
        if (d.deferred) {
            assert_string_equal(d.missed->id, pool_cases[i].missed);
            assert_non_null(strstr(d.explain, "deferred to the pool of"));
            assert_non_null(strstr(d.explain, pool_cases[i].pool));
        }
        int64_t q = iso(pool_cases[i].passed) > iso(pool_cases[i].integrated) ? iso(pool_cases[i].passed)
                                                                                : iso(pool_cases[i].integrated);
        assert_true(cwt__pool_contains(d.cycle, q));
    }
    /* a site that qualified for Q3 stays in the later pools; one that never qualified is in none */
    assert_true(cwt__pool_contains(cwt__cycles_find(&cs, "2026-Q4"), iso("2026-07-10")));
    assert_false(cwt__pool_contains(cwt__cycles_find(&cs, "2026-Q3"), iso("2026-08-10")));
    assert_false(cwt__pool_contains(cwt__cycles_find(&cs, "2026-Q3"), 0));
    struct cwt__pool_decision d;
    cwt__pool_decide(&cs, iso("2030-01-01"), iso("2030-01-02"), &d);
    assert_null(d.cycle);
    cwt__cycles_release(&cs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed),
        cmocka_unit_test(test_add_rules),
        cmocka_unit_test(test_pools),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
