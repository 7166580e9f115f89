/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of src/lib/store/store_marks.c and src/lib/program/markflow.c:
 * the mark's journey through the store (green, uploads, the 72-hour deadline
 * at its boundary, the review lock), a refused upload leaving no trace, the
 * seeded and operator-set cycles and thresholds, the threshold in force per
 * evaluation, sealed attestation keys, and a log row edited or deleted in the
 * database being detected. Every case runs on SQLite and, when CWTAP_TEST_PG
 * is set, on PostgreSQL (as tests/unit/test_store.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "harness.h"
#include "hmark.h"
#include "program/markflow.h"
#include "store/store_policy.h"
#include "util/timeutil.h"

struct fx {
    char *dir;
    char url[512];
    struct cwt__store *st;
    struct cwt__site site;
    struct cwt__program_policy p;
};

static int64_t iso(const char *s)
{
    int64_t t = 0;
    assert_int_equal(cwt_time_parse_iso(s, &t), CWT_OK);
    return t;
}

static int open_fx(struct fx *f)
{
    struct cwt_err err;
    if (cwt__store_open(f->url, NULL, &f->st, &err) != CWT_OK) {
        fprintf(stderr, "store open: %s\n", err.msg);
        return -1;
    }
    return 0;
}

static void mk_site(struct fx *f)
{
    struct cwt__enterprise e = {0};
    struct cwt__user u = {0};
    struct cwt_err err;
    snprintf(e.name, sizeof e.name, "Ningbo Example Valves");
    snprintf(e.kind, sizeof e.kind, "exporter");
    snprintf(e.country, sizeof e.country, "CN");
    snprintf(u.email, sizeof u.email, "ops@valves.example");
    snprintf(u.password_hash, sizeof u.password_hash, "$argon2id$fake");
    e.created_at = u.created_at = iso("2026-08-01T00:00:00Z");
    assert_int_equal(cwt__store_signup(f->st, &e, &u, &err), CWT_OK);
    struct cwt__site *s = &f->site;
    memset(s, 0, sizeof *s);
    cwt__store_new_id("s_", s->id);
    snprintf(s->enterprise_id, sizeof s->enterprise_id, "%s", e.id);
    snprintf(s->domain, sizeof s->domain, "valves.example");
    snprintf(s->registrable, sizeof s->registrable, "valves.example");
    snprintf(s->url, sizeof s->url, "https://valves.example/");
    snprintf(s->token, sizeof s->token, "tok");
    s->active = true;
    s->created_at = e.created_at;
    assert_int_equal(cwt__store_site_create(f->st, s, &err), CWT_OK);
    cwt__program_policy_default(&f->p);
}

static int setup_sqlite(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    f->dir = h_tempdir("storemarks");
    snprintf(f->url, sizeof f->url, "sqlite:%s/t.db", f->dir);
    *state = f;
    if (open_fx(f))
        return -1;
    mk_site(f);
    return 0;
}

static int setup_pg(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    f->dir = h_tempdir("storemarks");
    snprintf(f->url, sizeof f->url, "%s", getenv("CWTAP_TEST_PG"));
    *state = f;
    if (open_fx(f))
        return -1;
    struct cwt_err err;
    if (cwt__store_exec(f->st, "DROP SCHEMA public CASCADE", NULL, 0, NULL, NULL, NULL, &err) ||
        cwt__store_exec(f->st, "CREATE SCHEMA public", NULL, 0, NULL, NULL, NULL, &err))
        return -1;
    cwt__store_free(f->st);
    if (open_fx(f))
        return -1;
    mk_site(f);
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    cwt__store_free(f->st);
    h_rmtree(f->dir);
    free(f->dir);
    free(f);
    return 0;
}

/* Stores an evaluation of @p total at @p at and runs the program on it. */
static void evaluate(struct fx *f, double total, int64_t at, enum cwt__integration integ,
                     struct cwt__eval_threshold *th)
{
    struct cwt_err err;
    struct cwt__eval_threshold t;
    char id[CWT__ID_LEN];
    if (h_mark_evaluate(f->st, &f->p, f->site.id, total, at, integ, th ? th : &t, id, &err) != CWT_OK)
        fail_msg("markflow: %s", err.msg);
    struct cwt__eval_threshold back;
    assert_int_equal(cwt__store_eval_threshold_get(f->st, id, &back, &err), CWT_OK);
    assert_true(back.enter == (th ? th : &t)->enter);
}

static enum cwt__mark_state state_of(struct fx *f)
{
    struct cwt__mark_row r;
    struct cwt_err err;
    assert_int_equal(cwt__store_mark_get(f->st, f->site.id, &r, &err), CWT_OK);
    enum cwt__mark_state s = r.m.state;
    cwt__mark_row_release(&r);
    return s;
}

static void upload(struct fx *f, enum cwt__upload_kind k, const char *file, int64_t at, bool want_stored)
{
    struct cwt_err err;
    bool stored = true;
    if (h_mark_upload(f->st, &f->p, f->site.id, k, file, at, &stored, &err) != CWT_OK)
        fail_msg("upload %s: %s", file, err.msg);
    assert_int_equal(stored, want_stored);
}

static void verify_ok(struct fx *f, uint64_t want_entries)
{
    struct cwt__log_verdict v;
    struct cwt_err err;
    assert_int_equal(cwt__store_log_verify(f->st, NULL, 0, &v, &err), CWT_OK);
    if (!v.ok)
        fail_msg("log: %s", v.why);
    assert_int_equal(v.checked, want_entries);
}

static void test_green_then_uploads(void **state)
{
    struct fx *f = *state;
    int64_t t = iso("2026-08-10T09:00:00Z");
    struct cwt__eval_threshold th;
    evaluate(f, 82, t, CWT__INTEG_FOUND, &th);
    assert_string_equal(th.cycle_id, "2026-Q3");
    assert_true(th.enter == 70 && th.meets_enter);
    assert_int_equal(state_of(f), CWT__MARK_GREEN_DATA_DUE);
    upload(f, CWT__UPLOAD_CUSTOMS, "customs_good.csv", t + 3600, true);
    upload(f, CWT__UPLOAD_ISO, "iso_good.csv", t + 7200, true);
    assert_int_equal(state_of(f), CWT__MARK_GREEN_DATA_DUE);
    upload(f, CWT__UPLOAD_OUTLETS, "outlets_good.csv", t + 72 * 3600 - 1, true); /* 71:59:59 */
    assert_int_equal(state_of(f), CWT__MARK_GREEN);
    /* The clock passing 72 h changes nothing now. */
    size_t n = 9;
    struct cwt_err err;
    assert_int_equal(cwt__markflow_tick_due(f->st, &f->p, t + 100 * 3600, &n, &err), CWT_OK);
    assert_int_equal(n, 0);
    assert_int_equal(state_of(f), CWT__MARK_GREEN);
    /* not_integrated -> evaluating -> green_data_due -> green */
    verify_ok(f, 3);
    /* A later evaluation below the stay line suspends; one at the threshold restores. */
    evaluate(f, 67.5, t + 200 * 3600, CWT__INTEG_FOUND, NULL);
    assert_int_equal(state_of(f), CWT__MARK_SUSPENDED);
    evaluate(f, 70, t + 300 * 3600, CWT__INTEG_FOUND, NULL);
    assert_int_equal(state_of(f), CWT__MARK_GREEN);
    /* The SDK tag gone: not integrated. */
    evaluate(f, 90, t + 400 * 3600, CWT__INTEG_ABSENT, NULL);
    assert_int_equal(state_of(f), CWT__MARK_NOT_INTEGRATED);
    verify_ok(f, 6);
}

static void test_deadline_and_lock(void **state)
{
    struct fx *f = *state;
    struct cwt_err err;
    int64_t t = iso("2026-08-31T10:00:00Z");
    evaluate(f, 75, t, CWT__INTEG_FOUND, NULL);
    upload(f, CWT__UPLOAD_CUSTOMS, "customs_good.csv", t + 60, true);
    size_t n = 0;
    assert_int_equal(cwt__markflow_tick_due(f->st, &f->p, t + 72 * 3600 - 1, &n, &err), CWT_OK);
    assert_int_equal(n, 0);
    assert_int_equal(state_of(f), CWT__MARK_GREEN_DATA_DUE);
    assert_int_equal(cwt__markflow_tick_due(f->st, &f->p, t + 72 * 3600, &n, &err), CWT_OK);
    assert_int_equal(n, 1);
    assert_int_equal(state_of(f), CWT__MARK_DOWNGRADED);
    struct cwt__mark_row r;
    assert_int_equal(cwt__store_mark_get(f->st, f->site.id, &r, &err), CWT_OK);
    /* Downgraded 2026-09-03T10:00:00Z; 6 months later across the year end and February. */
    assert_int_equal(r.m.downgraded_at, iso("2026-09-03T10:00:00Z"));
    assert_int_equal(r.m.review_locked_until, iso("2027-03-03T10:00:00Z"));
    assert_int_equal(r.next_deadline, 0);
    cwt__mark_row_release(&r);
    /* An upload after the window is stored but does not restore the mark. */
    upload(f, CWT__UPLOAD_ISO, "iso_good.csv", t + 73 * 3600, true);
    assert_int_equal(state_of(f), CWT__MARK_DOWNGRADED);
    cwt_err_clear(&err);
    assert_int_equal(cwt__markflow_review(f->st, &f->p, f->site.id, iso("2027-03-03T09:59:59Z"), &err), CWT_ELOCKED);
    assert_string_equal(err.field, "2027-03-03T10:00:00Z");
    assert_non_null(strstr(err.msg, "2027-03-03"));
    assert_int_equal(state_of(f), CWT__MARK_DOWNGRADED);
    assert_int_equal(cwt__markflow_review(f->st, &f->p, f->site.id, iso("2027-03-03T10:00:00Z"), &err), CWT_OK);
    assert_int_equal(state_of(f), CWT__MARK_EVALUATING);
    int64_t nu = 0;
    assert_int_equal(cwt__store_upload_count(f->st, f->site.id, &nu, &err), CWT_OK);
    assert_int_equal(nu, 2);
    verify_ok(f, 4);
}

static enum cwt_status find_text(void *ud, const struct cwt__row *r)
{
    bool *found = ud;
    for (size_t c = 0; c < cwt__row_ncols(r); c++)
        if (strstr(cwt__row_text(r, c), "Siam Power"))
            *found = true;
    return CWT_OK;
}

static void test_refused_upload_leaves_no_trace(void **state)
{
    struct fx *f = *state;
    struct cwt_err err;
    int64_t t = iso("2026-08-10T09:00:00Z");
    evaluate(f, 80, t, CWT__INTEG_FOUND, NULL);
    upload(f, CWT__UPLOAD_CUSTOMS, "customs_sensitive.csv", t + 60, false);
    int64_t nu = 1;
    assert_int_equal(cwt__store_upload_count(f->st, NULL, &nu, &err), CWT_OK);
    assert_int_equal(nu, 0);
    static const char *const tables[] = {"uploads", "marks", "mark_log", "evaluations", "evaluation_thresholds"};
    for (size_t i = 0; i < CWT_ARRAY_LEN(tables); i++) {
        char sql[96];
        bool found = false;
        snprintf(sql, sizeof sql, "SELECT * FROM %s", tables[i]);
        assert_int_equal(cwt__store_exec(f->st, sql, NULL, 0, find_text, &found, NULL, &err), CWT_OK);
        if (found)
            fail_msg("a cell of the refused file is in table %s", tables[i]);
    }
    struct cwt__mark_row r;
    assert_int_equal(cwt__store_mark_get(f->st, f->site.id, &r, &err), CWT_OK);
    assert_int_equal(r.m.uploaded_at[CWT__UPLOAD_CUSTOMS], 0);
    cwt__mark_row_release(&r);
}

static void test_log_tamper_detected(void **state)
{
    struct fx *f = *state;
    struct cwt_err err;
    int64_t t = iso("2026-08-10T09:00:00Z");
    evaluate(f, 80, t, CWT__INTEG_FOUND, NULL);
    assert_int_equal(cwt__markflow_tick_due(f->st, &f->p, t + 72 * 3600, NULL, &err), CWT_OK);
    verify_ok(f, 3);
    struct cwt__log_verdict v;
    /* Edit one row's reason. */
    assert_int_equal(cwt__store_exec(f->st, "UPDATE mark_log SET reason = 'all fine' WHERE seq = 2", NULL, 0, NULL,
                                     NULL, NULL, &err), CWT_OK);
    assert_int_equal(cwt__store_log_verify(f->st, NULL, 0, &v, &err), CWT_OK);
    assert_false(v.ok);
    assert_int_equal(v.bad_seq, 2);
    /* A deleted row is caught as well. */
    assert_int_equal(cwt__store_exec(f->st, "DELETE FROM mark_log WHERE seq = 2", NULL, 0, NULL, NULL, NULL, &err),
                     CWT_OK);
    assert_int_equal(cwt__store_log_verify(f->st, NULL, 0, &v, &err), CWT_OK);
    assert_false(v.ok);
    fprintf(stderr, "# %s: tamper detected at seq %llu: %s\n",
            cwt__store_engine(f->st) == CWT__ENGINE_PG ? "postgresql" : "sqlite", (unsigned long long)v.bad_seq,
            v.why);
}

static void test_cycles_and_thresholds(void **state)
{
    struct fx *f = *state;
    struct cwt_err err;
    struct cwt__cycles cs;
    cwt__cycles_init(&cs);
    assert_int_equal(cwt__store_cycles_load(f->st, &cs, &err), CWT_OK);
    assert_true(cs.n >= 5);
    const struct cwt__cycle *q3 = cwt__cycles_find(&cs, "2026-Q3"), *q4 = cwt__cycles_find(&cs, "2026-Q4");
    assert_non_null(q3);
    assert_non_null(q4);
    assert_int_equal(q3->deadline, iso("2026-07-31T23:59:59Z"));
    assert_int_equal(q4->start, iso("2026-10-01T00:00:00Z"));
    assert_int_equal(cs.v[2].start, iso("2027-01-01T00:00:00Z")); /* quarterly after */
    /* The seeded rows agree with the library's own seed. */
    struct cwt__cycles seed;
    cwt__cycles_init(&seed);
    assert_int_equal(cwt__cycles_seed(&seed, 8, 1, &err), CWT_OK);
    for (size_t i = 0; i < seed.n && i < cs.n; i++) {
        assert_string_equal(seed.v[i].id, cs.v[i].id);
        assert_int_equal(seed.v[i].deadline, cs.v[i].deadline);
        assert_int_equal(seed.v[i].end, cs.v[i].end);
    }
    cwt__cycles_release(&seed);
    /* Operator edits: an overlap is refused, a move of the deadline is kept. */
    struct cwt__cycle bad = {"2026-X", iso("2026-11-01T00:00:00Z"), iso("2026-11-01T00:00:00Z"),
                             iso("2026-12-01T00:00:00Z")};
    assert_int_equal(cwt__store_cycle_put(f->st, &bad, 1, &err), CWT_EINVAL);
    struct cwt__cycle moved = *q4;
    moved.deadline = iso("2026-10-15T23:59:59Z");
    assert_int_equal(cwt__store_cycle_put(f->st, &moved, 1, &err), CWT_OK);
    cwt__cycles_release(&cs);
    cwt__cycles_init(&cs);
    assert_int_equal(cwt__store_cycles_load(f->st, &cs, &err), CWT_OK);
    assert_int_equal(cwt__cycles_find(&cs, "2026-Q4")->deadline, moved.deadline);
    cwt__cycles_release(&cs);
    /* Threshold policy: default until set; the set one is in force for the next evaluation. */
    struct cwt__threshold_policy tp;
    bool set = true;
    assert_int_equal(cwt__store_threshold_get(f->st, "2026-Q4", &tp, &set, &err), CWT_OK);
    assert_false(set);
    assert_true(tp.floor == 70);
    tp.floor = 85.5;
    tp.module_floor[1] = 40;
    assert_int_equal(cwt__store_threshold_put(f->st, "2026-Q4", &tp, 1, &err), CWT_OK);
    assert_int_equal(cwt__store_threshold_put(f->st, "1999-Q1", &tp, 1, &err), CWT_ENOTFOUND);
    tp.floor = -3;
    assert_int_equal(cwt__store_threshold_put(f->st, "2026-Q4", &tp, 1, &err), CWT_EINVAL);
    struct cwt__threshold_policy back;
    assert_int_equal(cwt__store_threshold_get(f->st, "2026-Q4", &back, &set, &err), CWT_OK);
    assert_true(set && back.floor == 85.5 && back.module_floor[1] == 40 && back.module_floor[0] < 0);
    struct cwt__eval_threshold th;
    evaluate(f, 84, iso("2026-10-05T00:00:00Z"), CWT__INTEG_FOUND, &th);
    assert_string_equal(th.cycle_id, "2026-Q4");
    assert_true(th.enter == 85.5 && !th.meets_enter);
    assert_int_equal(state_of(f), CWT__MARK_BELOW_THRESHOLD);
}

static void test_keys_sealed(void **state)
{
    struct fx *f = *state;
    struct cwt_err err;
    char path[600], other[600];
    snprintf(path, sizeof path, "%s/var/master.key", f->dir);
    snprintf(other, sizeof other, "%s/other.key", f->dir);
    unsigned char mk[32], mk2[32], bad[32];
    assert_int_equal(cwt__master_key_load(path, true, mk, &err), CWT_OK);
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    assert_int_equal(cwt__master_key_load(path, false, mk2, &err), CWT_OK);
    assert_memory_equal(mk, mk2, 32);
    chmod(path, 0644);
    assert_int_equal(cwt__master_key_load(path, false, mk2, &err), CWT_EPERM);
    chmod(path, 0600);
    assert_int_equal(cwt__markflow_keys_rotate(f->st, mk, 1000, &err), CWT_OK);
    assert_int_equal(cwt__markflow_keys_rotate(f->st, mk, 2000, &err), CWT_OK);
    struct cwt__keyset ks;
    cwt__keyset_init(&ks);
    assert_int_equal(cwt__markflow_keys_load(f->st, mk, &ks, &err), CWT_OK);
    assert_int_equal(ks.n, 2);
    const struct cwt__key *act = cwt__keyset_active(&ks);
    assert_non_null(act);
    assert_int_equal(act->created, 2000);
    assert_false(ks.v[0].has_secret); /* the retired key's secret is gone from the store */
    /* The loaded secret signs tokens the public set verifies. */
    struct cwt__attestation a = {.score = 80, .iat = 2000, .exp = 9000};
    snprintf(a.site, sizeof a.site, "%s", f->site.id);
    snprintf(a.mark, sizeof a.mark, "green");
    char *tok = NULL;
    assert_int_equal(cwt__attest_sign(&ks, &a, &tok, &err), CWT_OK);
    struct cwt__attestation out;
    enum cwt__verdict vd;
    assert_int_equal(cwt__attest_verify(&ks, tok, strlen(tok), 3000, 300, &out, &vd, &err), CWT_OK);
    assert_int_equal(vd, CWT__ATT_VALID);
    cwt_free(tok);
    cwt__keyset_release(&ks);
    /* Another master key cannot unseal the stored secret. */
    assert_int_equal(cwt__master_key_load(other, true, bad, &err), CWT_OK);
    cwt__keyset_init(&ks);
    assert_int_equal(cwt__markflow_keys_load(f->st, bad, &ks, &err), CWT_EPERM);
    cwt__keyset_release(&ks);
}

/* ---- the operator's program policy ------------------------------------------------------------ */

static enum cwt_status last_log(void *ud, const struct cwt__row *r)
{
    struct cwt__log_entry *e = ud;
    cwt__row_copy(r, 0, e->site, sizeof e->site);
    cwt__row_copy(r, 1, e->from, sizeof e->from);
    cwt__row_copy(r, 2, e->to, sizeof e->to);
    cwt__row_copy(r, 3, e->reason, sizeof e->reason);
    e->at = cwt__row_int(r, 4);
    return CWT_OK;
}

static void test_policy_versions(void **state)
{
    struct fx *f = *state;
    struct cwt_err err;
    struct cwt__policy_row cur, next;
    struct cwt__program_policy def, p2;
    bool changed = true;
    /* The seed is the announced program, exactly cwt__program_policy_default(). */
    cwt__program_policy_default(&def);
    assert_int_equal(cwt__store_policy_current(f->st, &cur, &err), CWT_OK);
    assert_int_equal(cur.version, 1);
    assert_string_equal(cur.set_by, "seed");
    assert_int_equal(cwt__program_policy_diff(&def, &cur.p, NULL, 0), 0);
    struct cwt__policy_cache cache = {0};
    assert_int_equal(cwt__policy_cache_at(f->st, &cache, iso("2026-08-10T09:00:00Z"), &f->p, &err), CWT_OK);
    assert_int_equal(f->p.duty_window_s, 72 * 3600);

    /* A mark turns green under version 1 (72 h, 6 months). */
    int64_t t = iso("2026-08-10T09:00:00Z"), change = t + 3600;
    evaluate(f, 80, t, CWT__INTEG_FOUND, NULL);
    assert_int_equal(state_of(f), CWT__MARK_GREEN_DATA_DUE);

    /* An hour later the operator sets 48 h and a 3-month lock. */
    p2 = def;
    p2.duty_window_s = 48 * 3600;
    p2.review_lock_months = 3;
    p2.duty_window_s = 0;
    assert_int_equal(cwt__store_policy_put(f->st, &p2, 0, "key k_1 of e_1", change, &next, &changed, &err),
                     CWT_EINVAL);
    assert_string_equal(err.field, "duty_window_s");
    p2.duty_window_s = 48 * 3600;
    assert_int_equal(cwt__store_policy_put(f->st, &p2, 2, "key k_1 of e_1", change, &next, &changed, &err),
                     CWT_ECONFLICT); /* based on a version that is not in force */
    assert_string_equal(err.field, "version");
    assert_int_equal(cwt__store_policy_put(f->st, &p2, 1, "key k_1 of e_1", change, &next, &changed, &err), CWT_OK);
    assert_true(changed);
    assert_int_equal(next.version, 2);
    assert_int_equal(next.set_at, change);
    /* the same policy again changes nothing */
    assert_int_equal(cwt__store_policy_put(f->st, &p2, 0, "key k_1 of e_1", change + 5, &next, &changed, &err),
                     CWT_OK);
    assert_false(changed);
    assert_int_equal(next.version, 2);
    /* The change is in the chain, with who and what. */
    struct cwt__log_entry e;
    memset(&e, 0, sizeof e);
    assert_int_equal(cwt__store_exec(f->st, "SELECT site, from_state, to_state, reason, at FROM mark_log ORDER BY "
                                            "seq DESC LIMIT 1", NULL, 0, last_log, &e, NULL, &err), CWT_OK);
    assert_string_equal(e.site, CWT__POLICY_LOG_SITE);
    assert_string_equal(e.from, "v1");
    assert_string_equal(e.to, "v2");
    assert_int_equal(e.at, change);
    assert_string_equal(e.reason, "set by key k_1 of e_1: duty_window_s 259200 -> 172800; review_lock_months 6 -> 3");
    verify_ok(f, 3);

    /* The version in force by instant; the cache sees the change through the counter. */
    assert_int_equal(cwt__store_policy_at(f->st, change - 1, &cur, &err), CWT_OK);
    assert_int_equal(cur.version, 1);
    assert_int_equal(cwt__store_policy_at(f->st, change, &cur, &err), CWT_OK);
    assert_int_equal(cur.version, 2);
    assert_int_equal(cwt__policy_cache_at(f->st, &cache, change, &f->p, &err), CWT_OK);
    assert_int_equal(f->p.duty_window_s, 48 * 3600);
    assert_int_equal(cwt__policy_cache_at(f->st, &cache, change - 1, &f->p, &err), CWT_OK);
    assert_int_equal(f->p.duty_window_s, 72 * 3600); /* an evaluation from before the change */

    /* The open window keeps its 72 h: 48:00:00 changes nothing, 72:00:00 downgrades with 6 months. */
    assert_int_equal(cwt__policy_cache_at(f->st, &cache, t + 48 * 3600, &f->p, &err), CWT_OK);
    size_t n = 9;
    assert_int_equal(cwt__markflow_tick_due(f->st, &f->p, t + 48 * 3600, &n, &err), CWT_OK);
    assert_int_equal(n, 0);
    assert_int_equal(cwt__markflow_tick_due(f->st, &f->p, t + 72 * 3600 - 1, &n, &err), CWT_OK);
    assert_int_equal(state_of(f), CWT__MARK_GREEN_DATA_DUE);
    assert_int_equal(cwt__markflow_tick_due(f->st, &f->p, t + 72 * 3600, &n, &err), CWT_OK);
    assert_int_equal(state_of(f), CWT__MARK_DOWNGRADED);
    struct cwt__mark_row r;
    assert_int_equal(cwt__store_mark_get(f->st, f->site.id, &r, &err), CWT_OK);
    assert_int_equal(r.m.review_locked_until, iso("2027-02-13T09:00:00Z"));
    cwt__mark_row_release(&r);

    /* After the lock, a new pass gets the new terms: 47:59:59 open, 48:00:00 downgraded, 3 months. */
    assert_int_equal(cwt__markflow_review(f->st, &f->p, f->site.id, iso("2027-02-13T09:00:00Z"), &err), CWT_OK);
    int64_t g2 = iso("2027-11-28T00:00:00Z");
    evaluate(f, 85, g2, CWT__INTEG_FOUND, NULL);
    assert_int_equal(cwt__store_mark_get(f->st, f->site.id, &r, &err), CWT_OK);
    assert_int_equal(r.m.duty_due_at, g2 + 48 * 3600);
    assert_int_equal(r.next_deadline, g2 + 48 * 3600);
    cwt__mark_row_release(&r);
    assert_int_equal(cwt__markflow_tick_due(f->st, &f->p, g2 + 48 * 3600 - 1, &n, &err), CWT_OK);
    assert_int_equal(state_of(f), CWT__MARK_GREEN_DATA_DUE);
    assert_int_equal(cwt__markflow_tick_due(f->st, &f->p, g2 + 48 * 3600, &n, &err), CWT_OK);
    assert_int_equal(state_of(f), CWT__MARK_DOWNGRADED);
    assert_int_equal(cwt__store_mark_get(f->st, f->site.id, &r, &err), CWT_OK);
    assert_int_equal(r.m.review_locked_until, iso("2028-02-29T00:00:00Z")); /* 2027-11-30 + 3 months */
    cwt__mark_row_release(&r);
    verify_ok(f, 7);
}

/* ---- the console's reads: log pages, latest evaluation per site ---------------------------- */

static enum cwt_status collect_seq(void *ud, const struct cwt__log_entry *e)
{
    uint64_t *v = ud;
    v[++v[0]] = e->seq;
    return CWT_OK;
}

static enum cwt_status collect_eval(void *ud, const void *item)
{
    const struct cwt__evaluation *e = item;
    char *out = ud;
    size_t l = strlen(out);
    snprintf(out + l, 256 - l, "%s%s", e->id, e->report ? "+report;" : ";");
    return CWT_OK;
}

static void test_log_pages_and_latest(void **state)
{
    struct fx *f = *state;
    struct cwt_err err;
    uint64_t seqs[16] = {0}, next = 9, total = 9;
    /* An empty log: no entry, no next page. */
    assert_int_equal(cwt__store_log_page(f->st, 0, 10, collect_seq, seqs, &next, &total, &err), CWT_OK);
    assert_int_equal(seqs[0], 0);
    assert_int_equal(next, 0);
    assert_int_equal(total, 0);
    int64_t t = iso("2026-08-10T09:00:00Z");
    evaluate(f, 80, t - 60, CWT__INTEG_FOUND, NULL);
    evaluate(f, 60, t, CWT__INTEG_FOUND, NULL);
    assert_int_equal(cwt__markflow_tick_due(f->st, &f->p, t + 72 * 3600, NULL, &err), CWT_OK);
    assert_int_equal(cwt__store_log_page(f->st, 0, 100, collect_seq, seqs, &next, &total, &err), CWT_OK);
    uint64_t n = seqs[0];
    assert_true(n >= 3);
    assert_int_equal(total, n);
    assert_int_equal(next, 0);
    for (uint64_t i = 1; i <= n; i++)
        assert_int_equal(seqs[i], n + 1 - i); /* newest first */
    /* Pages of 2 from the head, then from each cursor: every entry once, the last page ends it. */
    uint64_t before = 0, seen = 0;
    do {
        seqs[0] = 0;
        assert_int_equal(cwt__store_log_page(f->st, before, 2, collect_seq, seqs, &next, &total, &err), CWT_OK);
        assert_true(seqs[0] >= 1 && seqs[0] <= 2);
        assert_int_equal(seqs[1], n - seen);
        seen += seqs[0];
        assert_int_equal(next != 0, seen < n);
        before = next;
    } while (before);
    assert_int_equal(seen, n);
    /* A page of exactly what is left has no next page. */
    seqs[0] = 0;
    assert_int_equal(cwt__store_log_page(f->st, 0, (size_t)n, collect_seq, seqs, &next, &total, &err), CWT_OK);
    assert_int_equal(next, 0);

    /* The latest evaluation of the one site, with its report; none past the cap. */
    char got[256] = "";
    size_t cnt = 9;
    assert_int_equal(cwt__store_eval_latest_each(f->st, 10, collect_eval, got, &cnt, &err), CWT_OK);
    assert_int_equal(cnt, 1);
    struct cwt__mark_row mr;
    assert_int_equal(cwt__store_mark_get(f->st, f->site.id, &mr, &err), CWT_OK);
    char want[64];
    snprintf(want, sizeof want, "%s+report;", mr.last_eval_id);
    assert_string_equal(got, want);
    cwt__mark_row_release(&mr);
    got[0] = '\0';
    assert_int_equal(cwt__store_eval_latest_each(f->st, 0, collect_eval, got, &cnt, &err), CWT_OK);
    assert_int_equal(cnt, 0);
    assert_string_equal(got, "");
}

#define CASES(setup)                                                                     \
    cmocka_unit_test_setup_teardown(test_green_then_uploads, setup, teardown),           \
    cmocka_unit_test_setup_teardown(test_deadline_and_lock, setup, teardown),            \
    cmocka_unit_test_setup_teardown(test_refused_upload_leaves_no_trace, setup, teardown), \
    cmocka_unit_test_setup_teardown(test_log_tamper_detected, setup, teardown),          \
    cmocka_unit_test_setup_teardown(test_cycles_and_thresholds, setup, teardown),        \
    cmocka_unit_test_setup_teardown(test_keys_sealed, setup, teardown),                 \
    cmocka_unit_test_setup_teardown(test_policy_versions, setup, teardown),             \
    cmocka_unit_test_setup_teardown(test_log_pages_and_latest, setup, teardown)

int main(void)
{
    const struct CMUnitTest sqlite[] = {CASES(setup_sqlite)};
    const struct CMUnitTest pg[] = {CASES(setup_pg)};
    int fails = cmocka_run_group_tests_name("store-marks-sqlite", sqlite, NULL, NULL);
    const char *conn = getenv("CWTAP_TEST_PG");
    if (conn && *conn)
        fails += cmocka_run_group_tests_name("store-marks-postgresql", pg, NULL, NULL);
    else
        fprintf(stderr, "# CWTAP_TEST_PG not set: PostgreSQL cases skipped\n");
    return fails;
}
