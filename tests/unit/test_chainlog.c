/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of src/lib/program/chainlog.c: sealing, and detection of edited, inserted, reordered, deleted entries. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>

#include "program/chainlog.h"

#define N 6

/* A log of N mark changes of one site, made by the state machine. */
static void build(struct cwt__log_entry log[N])
{
    struct cwt__program_policy p;
    cwt__program_policy_default(&p);
    struct cwt__mark m = {0};
    int64_t t = INT64_C(1790000000);
    const struct cwt__mark_event evs[] = {
        {.kind = CWT__EV_INTEGRATION_FOUND, .at = t},
        {.kind = CWT__EV_EVALUATED, .at = t + 10, .score = 60, .meets_enter = false},
        {.kind = CWT__EV_EVALUATED, .at = t + 20, .score = 75, .meets_enter = true, .meets_stay = true},
        {.kind = CWT__EV_TICK, .at = t + 20 + p.duty_window_s},
        {.kind = CWT__EV_INTEGRATION_LOST, .at = t + 30 + p.duty_window_s},
        {.kind = CWT__EV_INTEGRATION_FOUND, .at = t + 40 + p.duty_window_s},
    };
    size_t k = 0;
    for (size_t i = 0; i < CWT_ARRAY_LEN(evs); i++) {
        struct cwt__mark_change ch[CWT__MARK_MAX_CHANGES];
        size_t n;
        assert_int_equal(cwt__mark_apply(&m, &p, &evs[i], ch, &n, NULL), CWT_OK);
        for (size_t j = 0; j < n; j++) {
            assert_true(k < N);
            cwt__log_entry_from_change(&log[k], "site-0042", &ch[j]);
            cwt__log_entry_seal(&log[k], k ? &log[k - 1] : NULL);
            k++;
        }
    }
    assert_int_equal(k, N);
}

static struct cwt__log_verdict check(const struct cwt__log_entry *v, size_t n, const char *head, uint64_t count)
{
    struct cwt__log_array_iter it = {v, n, 0};
    struct cwt__log_verdict out;
    assert_int_equal(cwt__log_verify(cwt__log_array_next, &it, head, count, &out, NULL), CWT_OK);
    return out;
}

static void test_intact(void **state)
{
    (void)state;
    struct cwt__log_entry log[N];
    build(log);
    struct cwt__log_verdict v = check(log, N, log[N - 1].hash, N);
    assert_true(v.ok);
    assert_int_equal(v.checked, N);
    assert_string_equal(v.head, log[N - 1].hash);
    assert_string_equal(log[0].prev, "0000000000000000000000000000000000000000000000000000000000000000");
    assert_string_equal(log[1].prev, log[0].hash);
    assert_string_equal(log[3].to, "downgraded");
    /* an empty log is intact */
    assert_true(check(log, 0, NULL, 0).ok);
}

enum edit { EDIT_REASON, EDIT_AT, EDIT_TO, EDIT_REHASH, DELETE, INSERT, SWAP, TRUNCATE };

static const struct {
    const char *name;
    enum edit how;
    size_t at;          /* 0-based entry */
    uint64_t bad_index; /* expected first bad position, 1-based */
} tamper_cases[] = {
    {"reason edited", EDIT_REASON, 2, 3},
    {"time edited", EDIT_AT, 0, 1},
    {"state edited", EDIT_TO, 5, 6},
    {"edited and re-hashed", EDIT_REHASH, 2, 4},
    {"entry deleted", DELETE, 2, 3},
    {"entry inserted", INSERT, 3, 4},
    {"entries swapped", SWAP, 1, 2},
    {"tail truncated", TRUNCATE, 4, 5},
};

static void test_tampering_detected(void **state)
{
    (void)state;
    for (size_t i = 0; i < CWT_ARRAY_LEN(tamper_cases); i++) {
        struct cwt__log_entry log[N], v[N + 1];
        build(log);
        size_t n = N, a = tamper_cases[i].at;
        memcpy(v, log, sizeof log);
        switch (tamper_cases[i].how) {
        case EDIT_REASON: v[a].reason[0] ^= 0x20; break;
        case EDIT_AT: v[a].at += 1; break;
        case EDIT_TO: snprintf(v[a].to, sizeof v[a].to, "green"); break;
        case EDIT_REHASH:
            snprintf(v[a].to, sizeof v[a].to, "green");
            cwt__log_entry_digest(&v[a], v[a].hash);
            break;
        case DELETE:
            memmove(&v[a], &v[a + 1], (N - a - 1) * sizeof *v);
            n--;
            break;
        case INSERT:
            memmove(&v[a + 1], &v[a], (N - a) * sizeof *v);
            v[a] = v[a - 1];
            n++;
            break;
        case SWAP: {
            struct cwt__log_entry t = v[a];
            v[a] = v[a + 1];
            v[a + 1] = t;
            break;
        }
        case TRUNCATE: n = a; break;
        }
        struct cwt__log_verdict out = check(v, n, log[N - 1].hash, N);
        if (out.ok || out.bad_index != tamper_cases[i].bad_index)
            fail_msg("%s: ok %d, first bad %llu (%s)", tamper_cases[i].name, out.ok,
                     (unsigned long long)out.bad_index, out.why);
        assert_true(out.why[0] != '\0');
    }
}

static void test_ndjson_roundtrip_and_edit(void **state)
{
    (void)state;
    struct cwt__log_entry log[N];
    build(log);
    char text[16384] = "";
    size_t tl = 0;
    for (size_t i = 0; i < N; i++) {
        json_t *j = cwt__log_entry_to_json(&log[i]);
        char *s = json_dumps(j, JSON_COMPACT);
        tl += (size_t)snprintf(text + tl, sizeof text - tl, "%s\n", s);
        free(s);
        json_decref(j);
    }
    struct cwt__log_ndjson_iter it = {text, tl, 0, 0};
    struct cwt__log_verdict out;
    assert_int_equal(cwt__log_verify(cwt__log_ndjson_next, &it, NULL, 0, &out, NULL), CWT_OK);
    assert_true(out.ok);
    assert_int_equal(out.checked, N);
    /* edit one row of the export: green instead of below_threshold */
    char *p = strstr(text, "\"to\":\"below_threshold\"");
    assert_non_null(p);
    char edited[16384];
    snprintf(edited, sizeof edited, "%.*s\"to\":\"green\"%s", (int)(p - text), text, p + strlen("\"to\":\"below_threshold\""));
    struct cwt__log_ndjson_iter it2 = {edited, strlen(edited), 0, 0};
    assert_int_equal(cwt__log_verify(cwt__log_ndjson_next, &it2, NULL, 0, &out, NULL), CWT_OK);
    assert_false(out.ok);
    assert_int_equal(out.bad_index, 2);
    assert_non_null(strstr(out.why, "edited"));
    /* a broken line is an error naming the line */
    const char *broken = "\n{\"seq\":1}\n";
    struct cwt__log_ndjson_iter it3 = {broken, strlen(broken), 0, 0};
    struct cwt_err err;
    assert_int_equal(cwt__log_verify(cwt__log_ndjson_next, &it3, NULL, 0, &out, &err), CWT_EPARSE);
    assert_string_equal(err.field, "line 2");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_intact),
        cmocka_unit_test(test_tampering_detected),
        cmocka_unit_test(test_ndjson_roundtrip_and_edit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
