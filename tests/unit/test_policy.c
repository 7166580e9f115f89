/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of src/lib/program/policy.c and policy_json.c: the operator's
 * program policy read from JSON at the bounds of every field (a table: the
 * last good and first bad value, the refusal naming the field), unknown
 * members and wrong types, the round trip, and the change summary written to
 * the hash-chained log.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>

#include "program/policy.h"

static const struct {
    const char *json;   /* one member */
    const char *field;  /* NULL: accepted; else the field the refusal names */
} cases[] = {
    {"{\"duty_window_s\":3599}", "duty_window_s"},       /* below 1 hour */
    {"{\"duty_window_s\":3600}", NULL},
    {"{\"duty_window_s\":172800}", NULL},                /* 48 h */
    {"{\"duty_window_s\":2592000}", NULL},               /* 30 days */
    {"{\"duty_window_s\":2592001}", "duty_window_s"},
    {"{\"duty_window_s\":\"72h\"}", "duty_window_s"},    /* wrong type */
    {"{\"duty_window_s\":72.5}", "duty_window_s"},
    {"{\"review_lock_months\":-1}", "review_lock_months"},
    {"{\"review_lock_months\":0}", NULL},
    {"{\"review_lock_months\":24}", NULL},
    {"{\"review_lock_months\":25}", "review_lock_months"},
    {"{\"review_lock_months\":4294967302}", "review_lock_months"}, /* does not fit an int */
    {"{\"customs_months\":0}", "customs_months"},
    {"{\"customs_months\":36}", NULL},
    {"{\"weight_bonus\":-0.0001}", "weight_bonus"},
    {"{\"weight_bonus\":0}", NULL},
    {"{\"weight_bonus\":1}", NULL},                      /* 100 % */
    {"{\"weight_bonus\":1.0001}", "weight_bonus"},
    {"{\"weight_bonus\":true}", "weight_bonus"},
    {"{\"score_top\":0}", "score_top"},
    {"{\"score_top\":1000}", NULL},
    {"{\"curve\":\"linear\"}", NULL},
    {"{\"curve\":\"cubic\"}", "curve"},
    {"{\"curve\":1}", "curve"},
    {"{\"attestation_ttl_s\":0}", "attestation_ttl_s"},
    {"{\"clock_skew_s\":86401}", "clock_skew_s"},
    {"{\"reeval_interval_s\":59}", "reeval_interval_s"},
    {"{\"reeval_interval_s\":60}", NULL},
    {"{\"reeval_interval_s\":7776001}", "reeval_interval_s"},
    {"{\"duty_window\":172800}", "duty_window"},         /* unknown member, named */
    {"[1]", ""},                                         /* not an object */
};

static void test_from_json_bounds(void **state)
{
    (void)state;
    struct cwt__program_policy base, out;
    cwt__program_policy_default(&base);
    for (size_t i = 0; i < CWT_ARRAY_LEN(cases); i++) {
        json_t *j = json_loads(cases[i].json, JSON_DECODE_ANY, NULL);
        assert_non_null(j);
        struct cwt_err err;
        cwt_err_clear(&err);
        out = base;
        out.duty_window_s = -7; /* untouched on refusal */
        enum cwt_status rc = cwt__program_policy_from_json(j, &base, &out, &err);
        json_decref(j);
        if (!cases[i].field) {
            if (rc != CWT_OK)
                fail_msg("%s refused: %s", cases[i].json, err.msg);
            assert_int_equal(cwt__program_policy_check(&out, NULL), CWT_OK);
            continue;
        }
        if (rc != CWT_EINVAL)
            fail_msg("%s accepted", cases[i].json);
        assert_string_equal(err.field, cases[i].field);
        assert_non_null(strstr(err.msg, cases[i].field[0] ? cases[i].field : "object"));
        assert_int_equal(out.duty_window_s, -7);
    }
}

static void test_partial_keeps_base_and_round_trip(void **state)
{
    (void)state;
    struct cwt__program_policy base, out, back;
    cwt__program_policy_default(&base);
    json_t *j = json_loads("{\"duty_window_s\":172800,\"review_lock_months\":3,\"weight_bonus\":0.2}", 0, NULL);
    struct cwt_err err;
    assert_int_equal(cwt__program_policy_from_json(j, &base, &out, &err), CWT_OK);
    json_decref(j);
    assert_int_equal(out.duty_window_s, 172800);
    assert_int_equal(out.review_lock_months, 3);
    assert_true(out.weight_bonus == 0.2);
    assert_int_equal(out.customs_months, base.customs_months); /* left out: kept */
    assert_int_equal(out.curve, CWT__CURVE_SMOOTHSTEP);
    json_t *o = cwt__program_policy_to_json(&out);
    assert_string_equal(json_string_value(json_object_get(o, "curve")), "smoothstep");
    assert_int_equal(json_integer_value(json_object_get(o, "reeval_interval_s")), 86400);
    assert_int_equal(cwt__program_policy_from_json(o, &base, &back, &err), CWT_OK);
    json_decref(o);
    assert_int_equal(cwt__program_policy_diff(&out, &back, NULL, 0), 0);

    char d[256];
    assert_int_equal(cwt__program_policy_diff(&base, &out, d, sizeof d), 3);
    assert_string_equal(d, "duty_window_s 259200 -> 172800; review_lock_months 6 -> 3; weight_bonus 0.15 -> 0.2");
    char small[24];
    assert_int_equal(cwt__program_policy_diff(&base, &out, small, sizeof small), 3); /* truncated, terminated */
    assert_int_equal(strlen(small), sizeof small - 1);
    assert_int_equal(cwt__program_policy_diff(&base, &base, d, sizeof d), 0);
    assert_string_equal(d, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_from_json_bounds),
        cmocka_unit_test(test_partial_keeps_base_and_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
