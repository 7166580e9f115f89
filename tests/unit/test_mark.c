/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of src/lib/program/mark.c: the mark's state machine at its boundaries (tables). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>

#include "program/mark.h"
#include "util/timeutil.h"

static int64_t iso(const char *s)
{
    int64_t t = 0;
    assert_int_equal(cwt_time_parse_iso(s, &t), CWT_OK);
    return t;
}

static struct cwt__program_policy policy(void)
{
    struct cwt__program_policy p;
    cwt__program_policy_default(&p);
    return p;
}

static enum cwt_status apply(struct cwt__mark *m, const struct cwt__program_policy *p, struct cwt__mark_event ev,
                             size_t *n, struct cwt_err *err)
{
    struct cwt__mark_change ch[CWT__MARK_MAX_CHANGES];
    size_t nn = 0;
    enum cwt_status rc = cwt__mark_apply(m, p, &ev, ch, &nn, err);
    if (n)
        *n = nn;
    for (size_t i = 0; i < nn; i++) {
        assert_int_not_equal(ch[i].from, ch[i].to);
        assert_true(ch[i].reason[0] != '\0');
    }
    return rc;
}

static void ok(struct cwt__mark *m, const struct cwt__program_policy *p, struct cwt__mark_event ev)
{
    struct cwt_err err;
    cwt_err_clear(&err);
    enum cwt_status rc = apply(m, p, ev, NULL, &err);
    if (rc != CWT_OK)
        fail_msg("event %d at %lld: %s", (int)ev.kind, (long long)ev.at, err.msg);
}

#define EV(k, t) ((struct cwt__mark_event){.kind = (k), .at = (t)})
#define EVAL(t, s, enter, stay) \
    ((struct cwt__mark_event){.kind = CWT__EV_EVALUATED, .at = (t), .score = (s), .meets_enter = (enter), .meets_stay = (stay)})
#define UPLOAD(t, u) ((struct cwt__mark_event){.kind = CWT__EV_UPLOAD_ACCEPTED, .at = (t), .upload = (u)})

/* A mark that got green at @p green. */
static struct cwt__mark green_at(const struct cwt__program_policy *p, int64_t green)
{
    struct cwt__mark m = {0};
    ok(&m, p, EV(CWT__EV_INTEGRATION_FOUND, green - 3600));
    assert_int_equal(m.state, CWT__MARK_EVALUATING);
    ok(&m, p, EVAL(green, 81.0, true, true));
    assert_int_equal(m.state, CWT__MARK_GREEN_DATA_DUE);
    assert_int_equal(m.green_at, green);
    return m;
}

static const struct {
    const char *name;
    int64_t last_upload; /* seconds after the green mark */
    enum cwt__mark_state want;
} window_cases[] = {
    {"all three at 0:00:00", 0, CWT__MARK_GREEN},
    {"last at 71:59:59", 72 * 3600 - 1, CWT__MARK_GREEN},
    {"last at 72:00:00", 72 * 3600, CWT__MARK_DOWNGRADED},
    {"last at 72:00:01", 72 * 3600 + 1, CWT__MARK_DOWNGRADED},
};

static void test_window_boundary(void **state)
{
    (void)state;
    struct cwt__program_policy p = policy();
    for (size_t i = 0; i < CWT_ARRAY_LEN(window_cases); i++) {
        int64_t g = iso("2026-09-14T08:30:00Z");
        struct cwt__mark m = green_at(&p, g);
        ok(&m, &p, UPLOAD(g, CWT__UPLOAD_CUSTOMS));
        ok(&m, &p, UPLOAD(g, CWT__UPLOAD_ISO));
        size_t n = 0;
        struct cwt_err err;
        assert_int_equal(apply(&m, &p, UPLOAD(g + window_cases[i].last_upload, CWT__UPLOAD_OUTLETS), &n, &err),
                         CWT_OK);
        if (m.state != window_cases[i].want)
            fail_msg("%s: state %s", window_cases[i].name, cwt__mark_state_name(m.state));
        assert_int_equal(n, 1);
        if (m.state == CWT__MARK_DOWNGRADED) {
            assert_int_equal(m.downgraded_at, g + 72 * 3600);
            assert_int_equal(m.since, g + 72 * 3600);
            assert_false(m.duties_met);
        } else {
            assert_true(m.duties_met);
        }
    }
}

static void test_tick_boundary(void **state)
{
    (void)state;
    struct cwt__program_policy p = policy();
    int64_t g = iso("2026-12-31T22:00:00Z");
    struct cwt__mark m = green_at(&p, g);
    assert_int_equal(cwt__mark_next_deadline(&m, &p), g + 72 * 3600);
    ok(&m, &p, EV(CWT__EV_TICK, g + 72 * 3600 - 1));
    assert_int_equal(m.state, CWT__MARK_GREEN_DATA_DUE);
    size_t n;
    struct cwt_err err;
    assert_int_equal(apply(&m, &p, EV(CWT__EV_TICK, g + 72 * 3600), &n, &err), CWT_OK);
    assert_int_equal(n, 1);
    assert_int_equal(m.state, CWT__MARK_DOWNGRADED);
    assert_int_equal(cwt__mark_next_deadline(&m, &p), 0);
    /* a late upload changes nothing */
    ok(&m, &p, UPLOAD(g + 80 * 3600, CWT__UPLOAD_CUSTOMS));
    assert_int_equal(m.state, CWT__MARK_DOWNGRADED);
    /* the window comes from the policy, not a constant */
    p.duty_window_s = 24 * 3600;
    struct cwt__mark m2 = green_at(&p, g);
    ok(&m2, &p, EV(CWT__EV_TICK, g + 24 * 3600));
    assert_int_equal(m2.state, CWT__MARK_DOWNGRADED);
}

static const struct {
    const char *due;       /* the window's end = the downgrade */
    int months;            /* policy */
    const char *lock_end;  /* expected */
    int64_t window_s;      /* the operator's window; 0: the default 72 h */
} lock_cases[] = {
    {"2027-08-31T00:00:00Z", 6, "2028-02-29T00:00:00Z"}, /* leap year, clamped */
    {"2026-08-31T10:15:00Z", 6, "2027-02-28T10:15:00Z"}, /* common year, clamped */
    {"2027-03-31T23:59:59Z", 6, "2027-09-30T23:59:59Z"},
    {"2027-12-31T12:00:00Z", 6, "2028-06-30T12:00:00Z"}, /* across a year end */
    {"2028-02-29T08:00:00Z", 6, "2028-08-29T08:00:00Z"}, /* from a leap day */
    {"2026-07-15T00:00:00Z", 6, "2027-01-15T00:00:00Z"},
    {"2027-11-30T00:00:00Z", 3, "2028-02-29T00:00:00Z"}, /* operator-set lock length */
    {"2027-08-31T00:00:00Z", 12, "2028-08-31T00:00:00Z"},
    /* an operator's policy of a 48 h window and a 3-month lock */
    {"2027-11-30T06:00:00Z", 3, "2028-02-29T06:00:00Z", 48 * 3600}, /* into a leap February */
    {"2026-11-30T06:00:00Z", 3, "2027-02-28T06:00:00Z", 48 * 3600}, /* into a common February */
    {"2028-02-29T23:59:59Z", 3, "2028-05-29T23:59:59Z", 48 * 3600}, /* from a leap day (window across it) */
    {"2028-05-31T00:00:00Z", 3, "2028-08-31T00:00:00Z", 48 * 3600},
    {"2027-03-31T12:00:00Z", 3, "2027-06-30T12:00:00Z", 48 * 3600}, /* clamped to a 30-day month */
    {"2027-10-31T00:00:00Z", 3, "2028-01-31T00:00:00Z", 48 * 3600}, /* across a year end */
};

static void test_lock_end_and_review(void **state)
{
    (void)state;
    for (size_t i = 0; i < CWT_ARRAY_LEN(lock_cases); i++) {
        struct cwt__program_policy p = policy();
        p.review_lock_months = lock_cases[i].months;
        if (lock_cases[i].window_s)
            p.duty_window_s = lock_cases[i].window_s;
        int64_t due = iso(lock_cases[i].due), want = iso(lock_cases[i].lock_end);
        struct cwt__mark m = green_at(&p, due - p.duty_window_s);
        ok(&m, &p, EV(CWT__EV_TICK, due + 86400));
        assert_int_equal(m.state, CWT__MARK_DOWNGRADED);
        if (m.review_locked_until != want) {
            char got[21];
            cwt_time_format_iso(m.review_locked_until, got);
            fail_msg("downgraded %s: lock ends %s, want %s", lock_cases[i].due, got, lock_cases[i].lock_end);
        }
        /* one second before the lock ends: refused, and the refusal names the date */
        struct cwt_err err;
        cwt_err_clear(&err);
        size_t n = 9;
        assert_int_equal(apply(&m, &p, EV(CWT__EV_REVIEW_REQUESTED, want - 1), &n, &err), CWT_ELOCKED);
        assert_int_equal(n, 0);
        assert_int_equal(m.state, CWT__MARK_DOWNGRADED);
        assert_string_equal(err.field, lock_cases[i].lock_end);
        assert_non_null(strstr(err.msg, lock_cases[i].lock_end));
        char months[32];
        snprintf(months, sizeof months, "locked for %d months", lock_cases[i].months);
        assert_non_null(strstr(err.msg, months));
        int64_t until;
        assert_int_equal(cwt__mark_review_allowed(&m, want - 1, &until), CWT_ELOCKED);
        assert_int_equal(until, want);
        /* at the instant it ends: accepted */
        assert_int_equal(apply(&m, &p, EV(CWT__EV_REVIEW_REQUESTED, want), &n, &err), CWT_OK);
        assert_int_equal(n, 1);
        assert_int_equal(m.state, CWT__MARK_EVALUATING);
        /* a new pass gives a new mark and a new window */
        ok(&m, &p, EVAL(want + 10, 90.0, true, true));
        assert_int_equal(m.state, CWT__MARK_GREEN_DATA_DUE);
        assert_int_equal(m.green_at, want + 10);
    }
}

static void test_review_one_second_after(void **state)
{
    (void)state;
    struct cwt__program_policy p = policy();
    int64_t due = iso("2027-08-31T00:00:00Z");
    struct cwt__mark m = green_at(&p, due - p.duty_window_s);
    ok(&m, &p, EV(CWT__EV_TICK, due));
    ok(&m, &p, EV(CWT__EV_REVIEW_REQUESTED, iso("2028-02-29T00:00:01Z")));
    assert_int_equal(m.state, CWT__MARK_EVALUATING);
}

static const enum cwt__mark_state all_states_reached[] = {
    CWT__MARK_EVALUATING, CWT__MARK_BELOW_THRESHOLD, CWT__MARK_GREEN_DATA_DUE, CWT__MARK_GREEN,
    CWT__MARK_DOWNGRADED, CWT__MARK_SUSPENDED,
};

/* Drives a fresh mark to @p want from 2026-09-01. */
static struct cwt__mark reach(const struct cwt__program_policy *p, enum cwt__mark_state want, int64_t *t)
{
    struct cwt__mark m = {0};
    int64_t g = iso("2026-09-01T00:00:00Z");
    ok(&m, p, EV(CWT__EV_INTEGRATION_FOUND, g));
    *t = g + 1;
    switch (want) {
    case CWT__MARK_EVALUATING: break;
    case CWT__MARK_BELOW_THRESHOLD: ok(&m, p, EVAL(g + 1, 40.0, false, false)); break;
    case CWT__MARK_GREEN_DATA_DUE: ok(&m, p, EVAL(g + 1, 80.0, true, true)); break;
    case CWT__MARK_GREEN:
        ok(&m, p, EVAL(g + 1, 80.0, true, true));
        for (int k = 0; k < CWT__UPLOAD_COUNT_; k++)
            ok(&m, p, UPLOAD(g + 2, (enum cwt__upload_kind)k));
        break;
    case CWT__MARK_DOWNGRADED:
        ok(&m, p, EVAL(g + 1, 80.0, true, true));
        ok(&m, p, EV(CWT__EV_TICK, g + 1 + p->duty_window_s));
        break;
    case CWT__MARK_SUSPENDED:
        ok(&m, p, EVAL(g + 1, 80.0, true, true));
        for (int k = 0; k < CWT__UPLOAD_COUNT_; k++)
            ok(&m, p, UPLOAD(g + 2, (enum cwt__upload_kind)k));
        ok(&m, p, EVAL(g + 3, 60.0, false, false));
        break;
    default: fail();
    }
    assert_int_equal(m.state, want);
    *t = m.since + 3600; /* inside any open window */
    return m;
}

static void test_integration_lost_from_every_state(void **state)
{
    (void)state;
    struct cwt__program_policy p = policy();
    for (size_t i = 0; i < CWT_ARRAY_LEN(all_states_reached); i++) {
        int64_t t;
        struct cwt__mark m = reach(&p, all_states_reached[i], &t);
        bool was_downgraded = m.state == CWT__MARK_DOWNGRADED;
        size_t n;
        struct cwt_err err;
        assert_int_equal(apply(&m, &p, EV(CWT__EV_INTEGRATION_LOST, t), &n, &err), CWT_OK);
        assert_int_equal(m.state, CWT__MARK_NOT_INTEGRATED);
        assert_int_equal(m.integrated_at, 0);
        assert_int_equal(m.qualified_at, 0);
        assert_false(cwt__mark_shows_green(m.state));
        /* a review is refused while not integrated (or while still locked) */
        assert_int_not_equal(apply(&m, &p, EV(CWT__EV_REVIEW_REQUESTED, t + 1), &n, &err), CWT_OK);
        /* re-integration: evaluating again, unless a lock still holds */
        ok(&m, &p, EV(CWT__EV_INTEGRATION_FOUND, t + 2));
        assert_int_equal(m.state, was_downgraded ? CWT__MARK_DOWNGRADED : CWT__MARK_EVALUATING);
    }
}

static void test_suspension_and_hysteresis(void **state)
{
    (void)state;
    struct cwt__program_policy p = policy();
    int64_t t;
    struct cwt__mark m = reach(&p, CWT__MARK_GREEN, &t);
    /* in the band (below enter, above stay): a green site keeps its mark */
    ok(&m, &p, EVAL(t, 69.0, false, true));
    assert_int_equal(m.state, CWT__MARK_GREEN);
    /* below the stay line: suspended */
    ok(&m, &p, EVAL(t + 86400, 67.0, false, false));
    assert_int_equal(m.state, CWT__MARK_SUSPENDED);
    assert_false(cwt__mark_shows_green(m.state));
    /* in the band again: stays suspended, no flapping */
    ok(&m, &p, EVAL(t + 2 * 86400, 69.0, false, true));
    assert_int_equal(m.state, CWT__MARK_SUSPENDED);
    /* meets the threshold: green again, duties already met */
    ok(&m, &p, EVAL(t + 3 * 86400, 71.0, true, true));
    assert_int_equal(m.state, CWT__MARK_GREEN);
}

static void test_suspended_with_open_window_downgrades(void **state)
{
    (void)state;
    struct cwt__program_policy p = policy();
    int64_t g = iso("2026-10-05T00:00:00Z");
    struct cwt__mark m = green_at(&p, g);
    ok(&m, &p, EVAL(g + 3600, 50.0, false, false));
    assert_int_equal(m.state, CWT__MARK_SUSPENDED);
    ok(&m, &p, UPLOAD(g + 7200, CWT__UPLOAD_CUSTOMS));
    size_t n;
    struct cwt_err err;
    /* the window closes: an evaluation that meets the threshold comes too late */
    assert_int_equal(apply(&m, &p, EVAL(g + 72 * 3600, 80.0, true, true), &n, &err), CWT_OK);
    assert_int_equal(m.state, CWT__MARK_DOWNGRADED);
    assert_int_equal(n, 1);
}

static void test_bad_events(void **state)
{
    (void)state;
    struct cwt__program_policy p = policy();
    int64_t t;
    struct cwt__mark m = reach(&p, CWT__MARK_GREEN, &t);
    struct cwt_err err;
    size_t n;
    assert_int_equal(apply(&m, &p, EV(CWT__EV_TICK, m.since - 1), &n, &err), CWT_EINVAL);
    assert_string_equal(err.field, "at");
    struct cwt__mark_event bad = UPLOAD(t, CWT__UPLOAD_COUNT_);
    assert_int_equal(apply(&m, &p, bad, &n, &err), CWT_EINVAL);
    struct cwt__mark fresh = {0};
    assert_int_equal(apply(&fresh, &p, EV(CWT__EV_REVIEW_REQUESTED, t), &n, &err), CWT_EPERM);
    /* evaluations of a site that is not integrated record the score only */
    ok(&fresh, &p, EVAL(t, 90.0, true, true));
    assert_int_equal(fresh.state, CWT__MARK_NOT_INTEGRATED);
    assert_true(fresh.has_score);
}

static void test_state_names(void **state)
{
    (void)state;
    for (int s = 0; s < CWT__MARK_STATE_COUNT_; s++) {
        enum cwt__mark_state back;
        assert_int_equal(cwt__mark_state_parse(cwt__mark_state_name((enum cwt__mark_state)s), &back), CWT_OK);
        assert_int_equal(back, s);
    }
    enum cwt__mark_state x;
    assert_int_equal(cwt__mark_state_parse("gold", &x), CWT_EINVAL);
    struct cwt__program_policy p = policy();
    assert_int_equal(cwt__program_policy_check(&p, NULL), CWT_OK);
    p.duty_window_s = 0;
    struct cwt_err err;
    assert_int_equal(cwt__program_policy_check(&p, &err), CWT_EINVAL);
    assert_string_equal(err.field, "duty_window_s");
}

/* ---- an operator-set policy at its boundaries --------------------------------------------- */

static const struct {
    int64_t window_s;    /* the operator's duty window */
    int64_t tick;        /* seconds after the green mark */
    enum cwt__mark_state want;
} op_window_cases[] = {
    {48 * 3600, 48 * 3600 - 1, CWT__MARK_GREEN_DATA_DUE}, /* 47:59:59 */
    {48 * 3600, 48 * 3600, CWT__MARK_DOWNGRADED},         /* 48:00:00 */
    {3600, 3599, CWT__MARK_GREEN_DATA_DUE},                /* the shortest window, 0:59:59 */
    {3600, 3600, CWT__MARK_DOWNGRADED},
    {30 * 86400, 30 * 86400 - 1, CWT__MARK_GREEN_DATA_DUE}, /* the longest */
    {30 * 86400, 30 * 86400, CWT__MARK_DOWNGRADED},
};

static void test_operator_window_boundary(void **state)
{
    (void)state;
    for (size_t i = 0; i < CWT_ARRAY_LEN(op_window_cases); i++) {
        struct cwt__program_policy p = policy();
        p.duty_window_s = op_window_cases[i].window_s;
        assert_int_equal(cwt__program_policy_check(&p, NULL), CWT_OK);
        int64_t g = iso("2028-02-28T12:00:00Z"); /* the window runs across a leap day */
        struct cwt__mark m = green_at(&p, g);
        assert_int_equal(m.duty_due_at, g + p.duty_window_s);
        assert_int_equal(cwt__mark_next_deadline(&m, &p), g + p.duty_window_s);
        ok(&m, &p, EV(CWT__EV_TICK, g + op_window_cases[i].tick));
        if (m.state != op_window_cases[i].want)
            fail_msg("window %lld s, tick at +%lld: %s", (long long)p.duty_window_s,
                     (long long)op_window_cases[i].tick, cwt__mark_state_name(m.state));
        /* an upload completing the duties at the same instant counts only inside the window */
        struct cwt__mark u = green_at(&p, g);
        ok(&u, &p, UPLOAD(g, CWT__UPLOAD_CUSTOMS));
        ok(&u, &p, UPLOAD(g, CWT__UPLOAD_ISO));
        ok(&u, &p, UPLOAD(g + op_window_cases[i].tick, CWT__UPLOAD_OUTLETS));
        assert_int_equal(u.state, op_window_cases[i].want == CWT__MARK_DOWNGRADED ? CWT__MARK_DOWNGRADED
                                                                                 : CWT__MARK_GREEN);
    }
}

/* A policy change applies to marks that turn green after it; an open window keeps its terms. */
static void test_policy_change_keeps_open_window(void **state)
{
    (void)state;
    struct cwt__program_policy before = policy(), after = policy();
    after.duty_window_s = 48 * 3600;
    after.review_lock_months = 3;
    int64_t g = iso("2026-09-14T08:30:00Z");
    struct cwt__mark m = green_at(&before, g); /* green under 72 h / 6 months */
    /* the operator shortens the window an hour later: every later event is judged under "after" */
    ok(&m, &after, EV(CWT__EV_TICK, g + 48 * 3600));
    assert_int_equal(m.state, CWT__MARK_GREEN_DATA_DUE);
    assert_int_equal(cwt__mark_next_deadline(&m, &after), g + 72 * 3600);
    ok(&m, &after, UPLOAD(g + 60 * 3600, CWT__UPLOAD_CUSTOMS)); /* inside the 72 h it was given */
    assert_int_equal(m.uploaded_at[CWT__UPLOAD_CUSTOMS], g + 60 * 3600);
    ok(&m, &after, EV(CWT__EV_TICK, g + 72 * 3600 - 1));
    assert_int_equal(m.state, CWT__MARK_GREEN_DATA_DUE);
    ok(&m, &after, EV(CWT__EV_TICK, g + 72 * 3600));
    assert_int_equal(m.state, CWT__MARK_DOWNGRADED);
    /* and the lock it was given: 6 months, not the new 3 */
    assert_int_equal(m.review_locked_until, iso("2027-03-17T08:30:00Z"));
    /* after the lock, a new pass is a new mark under the policy in force then */
    ok(&m, &after, EV(CWT__EV_REVIEW_REQUESTED, m.review_locked_until));
    int64_t g2 = m.since + 10;
    ok(&m, &after, EVAL(g2, 85.0, true, true));
    assert_int_equal(m.duty_due_at, g2 + 48 * 3600);
    assert_int_equal(m.lock_months, 3);
    /* a mark stored before the terms were kept (duty_due_at 0) follows the policy it is given */
    struct cwt__mark old = green_at(&before, g);
    old.duty_due_at = 0;
    old.lock_months = 0;
    ok(&old, &after, EV(CWT__EV_TICK, g + 48 * 3600));
    assert_int_equal(old.state, CWT__MARK_DOWNGRADED);
    assert_int_equal(old.review_locked_until, iso("2026-12-16T08:30:00Z"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_window_boundary),
        cmocka_unit_test(test_tick_boundary),
        cmocka_unit_test(test_lock_end_and_review),
        cmocka_unit_test(test_review_one_second_after),
        cmocka_unit_test(test_integration_lost_from_every_state),
        cmocka_unit_test(test_suspension_and_hysteresis),
        cmocka_unit_test(test_suspended_with_open_window_downgrades),
        cmocka_unit_test(test_bad_events),
        cmocka_unit_test(test_state_names),
        cmocka_unit_test(test_operator_window_boundary),
        cmocka_unit_test(test_policy_change_keeps_open_window),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
