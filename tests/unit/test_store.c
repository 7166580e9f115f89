/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of src/lib/store. Every case runs on SQLite (a temp file) and,
 * when CWTAP_TEST_PG holds a conninfo URL, again on PostgreSQL (the schema is
 * dropped before each case). `make check` starts a throwaway cluster for it
 * (scripts/pg.sh).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "harness.h"
#include "store/store_records.h"

struct fx {
    char *dir;
    char url[512];
    struct cwt__store *st;
};

static const int64_t T0 = 1780000000; /* 2026-05-28 */

static int open_fx(struct fx *f)
{
    struct cwt_err err;
    cwt_err_clear(&err);
    /* `make valgrind` runs the suite about 20 times slower (CWTAP_TEST_TIME_SCALE=20): the writers'
     * queue waits as much longer, so that test_jobs_two_workers still shows none is refused */
    struct cwt__store_opts o = {0};
    const char *scale = getenv("CWTAP_TEST_TIME_SCALE");
    if (scale && atoi(scale) > 1 && atoi(scale) <= 100)
        o.busy_timeout_ms = 5000 * atoi(scale);
    if (cwt__store_open(f->url, &o, &f->st, &err) != CWT_OK) {
        fprintf(stderr, "store open: %s\n", err.msg);
        return -1;
    }
    return 0;
}

static int setup_sqlite(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    f->dir = h_tempdir("store");
    snprintf(f->url, sizeof f->url, "sqlite:%s/t.db", f->dir);
    *state = f;
    return open_fx(f);
}

static int setup_pg(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    snprintf(f->url, sizeof f->url, "%s", getenv("CWTAP_TEST_PG"));
    *state = f;
    if (open_fx(f))
        return -1;
    struct cwt_err err;
    if (cwt__store_exec(f->st, "DROP SCHEMA public CASCADE", NULL, 0, NULL, NULL, NULL, &err) ||
        cwt__store_exec(f->st, "CREATE SCHEMA public", NULL, 0, NULL, NULL, NULL, &err)) {
        fprintf(stderr, "reset: %s\n", err.msg);
        return -1;
    }
    cwt__store_free(f->st);
    return open_fx(f);
}

static int teardown(void **state)
{
    struct fx *f = *state;
    cwt__store_free(f->st);
    if (f->dir) {
        h_rmtree(f->dir);
        free(f->dir);
    }
    free(f);
    return 0;
}

static void mk_account(struct cwt__store *st, const char *email, struct cwt__enterprise *e, struct cwt__user *u)
{
    memset(e, 0, sizeof *e);
    memset(u, 0, sizeof *u);
    snprintf(e->name, sizeof e->name, "Acme of %s", email);
    snprintf(e->kind, sizeof e->kind, "exporter");
    snprintf(e->country, sizeof e->country, "CN");
    e->created_at = u->created_at = T0;
    snprintf(u->email, sizeof u->email, "%s", email);
    snprintf(u->password_hash, sizeof u->password_hash, "$argon2id$fake");
    struct cwt_err err;
    assert_int_equal(cwt__store_signup(st, e, u, &err), CWT_OK);
}

static void mk_site(struct cwt__store *st, const char *ent, const char *domain, int64_t at, struct cwt__site *s)
{
    memset(s, 0, sizeof *s);
    cwt__store_new_id("s_", s->id);
    snprintf(s->enterprise_id, sizeof s->enterprise_id, "%s", ent);
    snprintf(s->domain, sizeof s->domain, "%s", domain);
    snprintf(s->registrable, sizeof s->registrable, "%s", domain);
    snprintf(s->url, sizeof s->url, "https://%s/", domain);
    snprintf(s->token, sizeof s->token, "tok-%s", domain);
    s->active = true;
    s->created_at = at;
    struct cwt_err err;
    assert_int_equal(cwt__store_site_create(st, s, &err), CWT_OK);
}

static void test_migrations(void **state)
{
    struct fx *f = *state;
    int v = 0;
    struct cwt_err err;
    assert_int_equal(cwt__store_schema_version(f->st, &v, &err), CWT_OK);
    assert_true(v >= 3);
    /* Reopening applies nothing twice. */
    cwt__store_free(f->st);
    assert_int_equal(open_fx(f), 0);
    int v2 = 0;
    assert_int_equal(cwt__store_schema_version(f->st, &v2, &err), CWT_OK);
    assert_int_equal(v, v2);
    assert_int_equal(cwt__store_ping(f->st, &err), CWT_OK);
}

static void test_open_refuses_bad_urls(void **state)
{
    (void)state;
    static const char *bad[] = {"", "mysql://x", "sqlite:", "sqlite::memory:", "sqlite:/nonexistent-dir/x/y.db"};
    for (size_t i = 0; i < CWT_ARRAY_LEN(bad); i++) {
        struct cwt__store *st = NULL;
        struct cwt_err err;
        cwt_err_clear(&err);
        assert_int_not_equal(cwt__store_open(bad[i], NULL, &st, &err), CWT_OK);
        assert_null(st);
        assert_true(err.msg[0] != '\0');
    }
}

static void test_signup_and_users(void **state)
{
    struct fx *f = *state;
    struct cwt__enterprise e, e2;
    struct cwt__user u, u2, got;
    struct cwt_err err;
    mk_account(f->st, "a@example.com", &e, &u);
    memset(&e2, 0, sizeof e2);
    memset(&u2, 0, sizeof u2);
    snprintf(e2.name, sizeof e2.name, "Other");
    snprintf(e2.kind, sizeof e2.kind, "exporter");
    snprintf(u2.email, sizeof u2.email, "a@example.com");
    snprintf(u2.password_hash, sizeof u2.password_hash, "x");
    assert_int_equal(cwt__store_signup(f->st, &e2, &u2, &err), CWT_ECONFLICT);
    assert_string_equal(err.field, "email");
    /* The refused signup left no enterprise behind. */
    struct cwt__enterprise ge;
    assert_int_equal(cwt__store_enterprise_get(f->st, e2.id, &ge, &err), CWT_ENOTFOUND);
    assert_int_equal(cwt__store_user_by_email(f->st, "a@example.com", &got, &err), CWT_OK);
    assert_string_equal(got.id, u.id);
    assert_string_equal(got.enterprise_id, e.id);
    assert_int_equal(cwt__store_user_get(f->st, u.id, &got, &err), CWT_OK);
    assert_int_equal(cwt__store_enterprise_get(f->st, e.id, &ge, &err), CWT_OK);
    assert_string_equal(ge.country, "CN");
    assert_int_equal(cwt__store_user_by_email(f->st, "nobody@example.com", &got, &err), CWT_ENOTFOUND);
    /* Hostile text is data, not SQL. */
    struct cwt__enterprise e3;
    struct cwt__user u3;
    mk_account(f->st, "x'); DROP TABLE users; --@example.com", &e3, &u3);
    assert_int_equal(cwt__store_user_by_email(f->st, "x'); DROP TABLE users; --@example.com", &got, &err), CWT_OK);
    assert_int_equal(cwt__store_user_by_email(f->st, "a@example.com", &got, &err), CWT_OK);
}

static void test_sessions(void **state)
{
    struct fx *f = *state;
    struct cwt__enterprise e;
    struct cwt__user u, got;
    struct cwt_err err;
    char csrf[80];
    mk_account(f->st, "s@example.com", &e, &u);
    assert_int_equal(cwt__store_session_create(f->st, "h1", u.id, "c1", T0, T0 + 3600, &err), CWT_OK);
    assert_int_equal(cwt__store_session_create(f->st, "h2", u.id, "c2", T0, T0 + 10, &err), CWT_OK);
    assert_int_equal(cwt__store_session_create(f->st, "h1", u.id, "c3", T0, T0 + 10, &err), CWT_ECONFLICT);
    static const struct { const char *h; int64_t at; enum cwt_status want; } cases[] = {
        {"h1", T0, CWT_OK}, {"h1", T0 + 3599, CWT_OK}, {"h1", T0 + 3600, CWT_ENOTFOUND},
        {"h2", T0 + 9, CWT_OK}, {"h2", T0 + 10, CWT_ENOTFOUND}, {"nope", T0, CWT_ENOTFOUND},
    };
    for (size_t i = 0; i < CWT_ARRAY_LEN(cases); i++) {
        assert_int_equal(cwt__store_session_lookup(f->st, cases[i].h, cases[i].at, &got, csrf, sizeof csrf, &err),
                         cases[i].want);
        if (cases[i].want == CWT_OK)
            assert_string_equal(got.id, u.id);
    }
    int64_t n = 0;
    assert_int_equal(cwt__store_session_purge(f->st, T0 + 100, &n, &err), CWT_OK);
    assert_int_equal(n, 1);
    assert_int_equal(cwt__store_session_delete(f->st, "h1", &err), CWT_OK);
    assert_int_equal(cwt__store_session_lookup(f->st, "h1", T0, &got, csrf, sizeof csrf, &err), CWT_ENOTFOUND);
}

struct collect {
    char ids[64][CWT__ID_LEN];
    size_t n;
};

static enum cwt_status collect_site(void *ud, const void *item)
{
    struct collect *c = ud;
    snprintf(c->ids[c->n++], CWT__ID_LEN, "%s", ((const struct cwt__site *)item)->id);
    return CWT_OK;
}

static enum cwt_status collect_key(void *ud, const void *item)
{
    struct collect *c = ud;
    snprintf(c->ids[c->n++], CWT__ID_LEN, "%s", ((const struct cwt__api_key *)item)->id);
    return CWT_OK;
}

static enum cwt_status collect_eval(void *ud, const void *item)
{
    struct collect *c = ud;
    snprintf(c->ids[c->n++], CWT__ID_LEN, "%s", ((const struct cwt__evaluation *)item)->id);
    return CWT_OK;
}

static void test_api_keys(void **state)
{
    struct fx *f = *state;
    struct cwt__enterprise e, e2;
    struct cwt__user u, u2;
    struct cwt_err err;
    mk_account(f->st, "k@example.com", &e, &u);
    mk_account(f->st, "k2@example.com", &e2, &u2);
    struct cwt__api_key k = {0}, got;
    cwt__store_new_id("k_", k.id);
    snprintf(k.enterprise_id, sizeof k.enterprise_id, "%s", e.id);
    snprintf(k.name, sizeof k.name, "ci");
    snprintf(k.prefix, sizeof k.prefix, "cwt_ab");
    snprintf(k.key_hash, sizeof k.key_hash, "hash1");
    snprintf(k.scopes, sizeof k.scopes, "platform");
    k.created_at = T0;
    assert_int_equal(cwt__store_key_create(f->st, &k, &err), CWT_OK);
    assert_int_equal(cwt__store_key_lookup(f->st, "hash1", T0 + 5, &got, &err), CWT_OK);
    assert_string_equal(got.scopes, "platform");
    assert_int_equal(got.last_used_at, T0 + 5);
    /* Another enterprise cannot revoke it; its owner can, once. */
    assert_int_equal(cwt__store_key_revoke(f->st, e2.id, k.id, T0, &err), CWT_ENOTFOUND);
    assert_int_equal(cwt__store_key_lookup(f->st, "hash1", T0 + 6, &got, &err), CWT_OK);
    assert_int_equal(cwt__store_key_revoke(f->st, e.id, k.id, T0, &err), CWT_OK);
    assert_int_equal(cwt__store_key_revoke(f->st, e.id, k.id, T0, &err), CWT_ENOTFOUND);
    assert_int_equal(cwt__store_key_lookup(f->st, "hash1", T0 + 7, &got, &err), CWT_ENOTFOUND);
    struct cwt__page pg = {.limit = 10};
    struct collect c = {0};
    assert_int_equal(cwt__store_key_list(f->st, e.id, &pg, collect_key, &c, &err), CWT_OK);
    assert_int_equal(c.n, 1);
    c.n = 0;
    assert_int_equal(cwt__store_key_list(f->st, e2.id, &pg, collect_key, &c, &err), CWT_OK);
    assert_int_equal(c.n, 0);
}

static void test_sites_ownership_and_pages(void **state)
{
    struct fx *f = *state;
    struct cwt__enterprise e, e2;
    struct cwt__user u, u2;
    struct cwt_err err;
    mk_account(f->st, "o@example.com", &e, &u);
    mk_account(f->st, "p@example.com", &e2, &u2);
    struct cwt__site s[5], got;
    char dom[64];
    for (int i = 0; i < 5; i++) {
        snprintf(dom, sizeof dom, "site%d.example.com", i);
        mk_site(f->st, e.id, dom, T0 + (i / 2), &s[i]); /* equal created_at pairs test the id tie-break */
    }
    struct cwt__site dup = s[0];
    cwt__store_new_id("s_", dup.id);
    assert_int_equal(cwt__store_site_create(f->st, &dup, &err), CWT_ECONFLICT);
    assert_string_equal(err.field, "domain");
    /* The same domain under another enterprise is allowed (ownership proof decides). */
    struct cwt__site other;
    mk_site(f->st, e2.id, "site0.example.com", T0, &other);
    assert_int_equal(cwt__store_site_get(f->st, e.id, s[1].id, &got, &err), CWT_OK);
    assert_string_equal(got.domain, "site1.example.com");
    assert_int_equal(cwt__store_site_get(f->st, e2.id, s[1].id, &got, &err), CWT_ENOTFOUND);
    assert_int_equal(cwt__store_site_get(f->st, NULL, s[1].id, &got, &err), CWT_OK);
    assert_int_equal(cwt__store_site_set_verified(f->st, e2.id, s[1].id, "dns", T0, &err), CWT_ENOTFOUND);
    assert_int_equal(cwt__store_site_set_verified(f->st, e.id, s[1].id, "dns", T0 + 9, &err), CWT_OK);
    assert_int_equal(cwt__store_site_get(f->st, e.id, s[1].id, &got, &err), CWT_OK);
    assert_int_equal(got.verified_at, T0 + 9);
    assert_string_equal(got.verify_method, "dns");
    /* Pages of 2 visit all 5 once, in order. */
    struct collect c = {0};
    struct cwt__page pg = {.limit = 2};
    char cursor[64] = "";
    int pages = 0;
    do {
        pg.cursor = cursor;
        assert_int_equal(cwt__store_site_list(f->st, e.id, &pg, collect_site, &c, &err), CWT_OK);
        snprintf(cursor, sizeof cursor, "%s", pg.next_cursor);
        pages++;
    } while (cursor[0] && pages < 10);
    assert_int_equal(pages, 3);
    assert_int_equal(c.n, 5);
    for (size_t i = 0; i < c.n; i++)
        for (size_t j = i + 1; j < c.n; j++)
            assert_string_not_equal(c.ids[i], c.ids[j]);
    static const char *bad[] = {"x", "1.", ".abc", "-1.abc", "1.ab'c", "1.abcdefghijklmnopqrstuvwxyzabcdefgh"};
    for (size_t i = 0; i < CWT_ARRAY_LEN(bad); i++) {
        pg.cursor = bad[i];
        assert_int_equal(cwt__store_site_list(f->st, e.id, &pg, collect_site, &c, &err), CWT_EINVAL);
        assert_string_equal(err.field, "cursor");
    }
}

static void test_evaluations(void **state)
{
    struct fx *f = *state;
    struct cwt__enterprise e, e2;
    struct cwt__user u, u2;
    struct cwt_err err;
    mk_account(f->st, "ev@example.com", &e, &u);
    mk_account(f->st, "ev2@example.com", &e2, &u2);
    struct cwt__site s;
    mk_site(f->st, e.id, "ev.example.com", T0, &s);
    static const struct { int64_t at; double total; const char *grade; } rows[] = {
        {T0 + 10, 71.25, "C"}, {T0 + 30, -1, "?"}, {T0 + 20, 88.5, "B"},
    };
    char ids[3][CWT__ID_LEN];
    for (size_t i = 0; i < CWT_ARRAY_LEN(rows); i++) {
        struct cwt__evaluation ev = {0};
        cwt__store_new_id("v_", ev.id);
        snprintf(ids[i], sizeof ids[i], "%s", ev.id);
        snprintf(ev.site_id, sizeof ev.site_id, "%s", s.id);
        ev.at = rows[i].at;
        snprintf(ev.model_version, sizeof ev.model_version, "2026.1");
        ev.total = rows[i].total;
        snprintf(ev.grade, sizeof ev.grade, "%s", rows[i].grade);
        ev.report = (char *)"{\"total\":1}";
        assert_int_equal(cwt__store_eval_insert(f->st, &ev, &err), CWT_OK);
    }
    struct collect c = {0};
    struct cwt__page pg = {.limit = 2};
    assert_int_equal(cwt__store_eval_list(f->st, e.id, s.id, &pg, collect_eval, &c, &err), CWT_OK);
    assert_int_equal(c.n, 2);
    assert_string_equal(c.ids[0], ids[1]); /* newest first */
    assert_string_equal(c.ids[1], ids[2]);
    assert_true(pg.next_cursor[0]);
    pg.cursor = pg.next_cursor;
    char cur[64];
    snprintf(cur, sizeof cur, "%s", pg.next_cursor);
    pg.cursor = cur;
    assert_int_equal(cwt__store_eval_list(f->st, e.id, s.id, &pg, collect_eval, &c, &err), CWT_OK);
    assert_int_equal(c.n, 3);
    assert_string_equal(c.ids[2], ids[0]);
    assert_string_equal(pg.next_cursor, "");
    c.n = 0;
    pg.cursor = NULL;
    assert_int_equal(cwt__store_eval_list(f->st, e2.id, s.id, &pg, collect_eval, &c, &err), CWT_OK);
    assert_int_equal(c.n, 0);
    struct cwt__evaluation got;
    assert_int_equal(cwt__store_eval_get(f->st, e.id, ids[0], &got, &err), CWT_OK);
    assert_true(got.total > 71.2499 && got.total < 71.2501);
    assert_string_equal(got.report, "{\"total\":1}");
    cwt__evaluation_release(&got);
    assert_int_equal(cwt__store_eval_get(f->st, e.id, ids[1], &got, &err), CWT_OK);
    assert_true(got.total < 0);
    cwt__evaluation_release(&got);
    assert_int_equal(cwt__store_eval_get(f->st, e2.id, ids[0], &got, &err), CWT_ENOTFOUND);
}

static void test_jobs_lifecycle(void **state)
{
    struct fx *f = *state;
    struct cwt_err err;
    struct cwt__job j;
    bool q = false;
    assert_int_equal(cwt__store_job_enqueue(f->st, "test", NULL, "{\"n\":1}", "k1", 2, T0, T0, &q, &err), CWT_OK);
    assert_true(q);
    assert_int_equal(cwt__store_job_enqueue(f->st, "test", NULL, "{}", "k1", 2, T0, T0, &q, &err), CWT_OK);
    assert_false(q); /* deduplicated while queued */
    assert_int_equal(cwt__store_job_claim(f->st, "w1", T0 - 1, 60, &j, &err), CWT_ENOTFOUND); /* not yet due */
    assert_int_equal(cwt__store_job_claim(f->st, "w1", T0, 60, &j, &err), CWT_OK);
    assert_string_equal(j.payload, "{\"n\":1}");
    assert_int_equal(j.attempts, 1);
    char id[CWT__ID_LEN];
    snprintf(id, sizeof id, "%s", j.id);
    cwt__job_release(&j);
    assert_int_equal(cwt__store_job_claim(f->st, "w2", T0, 60, &j, &err), CWT_ENOTFOUND); /* leased */
    assert_int_equal(cwt__store_job_fail(f->st, id, "w2", "x", T0, &err), CWT_ECONFLICT);
    assert_int_equal(cwt__store_job_fail(f->st, id, "w1", "boom", T0, &err), CWT_OK);
    /* Requeued after the backoff, not before. */
    assert_int_equal(cwt__store_job_claim(f->st, "w1", T0 + cwt__job_backoff(1) - 1, 60, &j, &err), CWT_ENOTFOUND);
    assert_int_equal(cwt__store_job_claim(f->st, "w1", T0 + cwt__job_backoff(1), 60, &j, &err), CWT_OK);
    assert_int_equal(j.attempts, 2);
    cwt__job_release(&j);
    /* The second failure is final (max_attempts 2) and frees the dedupe key. */
    assert_int_equal(cwt__store_job_fail(f->st, id, "w1", "boom", T0 + 100, &err), CWT_OK);
    int64_t n = 0;
    assert_int_equal(cwt__store_job_count(f->st, "failed", &n, &err), CWT_OK);
    assert_int_equal(n, 1);
    assert_int_equal(cwt__store_job_enqueue(f->st, "test", NULL, "{}", "k1", 2, T0, T0, &q, &err), CWT_OK);
    assert_true(q);
    /* A lease that expires (a dead worker) makes the job claimable; the old holder cannot complete it. */
    assert_int_equal(cwt__store_job_claim(f->st, "dead", T0, 60, &j, &err), CWT_OK);
    snprintf(id, sizeof id, "%s", j.id);
    cwt__job_release(&j);
    assert_int_equal(cwt__store_job_claim(f->st, "w3", T0 + 60, 60, &j, &err), CWT_ENOTFOUND);
    assert_int_equal(cwt__store_job_claim(f->st, "w3", T0 + 61, 60, &j, &err), CWT_OK);
    assert_string_equal(j.id, id);
    cwt__job_release(&j);
    assert_int_equal(cwt__store_job_complete(f->st, id, "dead", T0 + 62, &err), CWT_ECONFLICT);
    assert_int_equal(cwt__store_job_complete(f->st, id, "w3", T0 + 62, &err), CWT_OK);
    assert_int_equal(cwt__store_job_count(f->st, "done", &n, &err), CWT_OK);
    assert_int_equal(n, 1);
}

static void test_backoff_table(void **state)
{
    (void)state;
    static const struct { int attempts; int64_t want; } cases[] = {
        {1, 30}, {2, 60}, {3, 120}, {10, 15360}, {11, 21600}, {50, 21600},
    };
    for (size_t i = 0; i < CWT_ARRAY_LEN(cases); i++)
        assert_int_equal(cwt__job_backoff(cases[i].attempts), cases[i].want);
}

static void test_scheduler(void **state)
{
    struct fx *f = *state;
    struct cwt__enterprise e;
    struct cwt__user u;
    struct cwt_err err;
    mk_account(f->st, "sch@example.com", &e, &u);
    struct cwt__site a, b;
    mk_site(f->st, e.id, "a.example.com", T0, &a);
    mk_site(f->st, e.id, "b.example.com", T0, &b); /* never verified: never scheduled */
    assert_int_equal(cwt__store_site_set_verified(f->st, e.id, a.id, "meta", T0, &err), CWT_OK);
    int64_t n = -1;
    assert_int_equal(cwt__store_schedule_due(f->st, T0, 86400, &n, &err), CWT_OK);
    assert_int_equal(n, 1);
    assert_int_equal(cwt__store_schedule_due(f->st, T0 + 3600, 86400, &n, &err), CWT_OK);
    assert_int_equal(n, 0); /* not due again yet */
    /* Due again after the interval, but the first job is still queued: deduplicated. */
    assert_int_equal(cwt__store_schedule_due(f->st, T0 + 86400, 86400, &n, &err), CWT_OK);
    assert_int_equal(n, 0);
    struct cwt__job j;
    assert_int_equal(cwt__store_job_claim(f->st, "w", T0 + 86400, 60, &j, &err), CWT_OK);
    assert_string_equal(j.site_id, a.id);
    assert_string_equal(j.kind, "evaluate");
    assert_int_equal(cwt__store_job_complete(f->st, j.id, "w", T0 + 86400, &err), CWT_OK);
    cwt__job_release(&j);
    assert_int_equal(cwt__store_schedule_due(f->st, T0 + 2 * 86400, 86400, &n, &err), CWT_OK);
    assert_int_equal(n, 1);
}

static void test_change_counters(void **state)
{
    struct fx *f = *state;
    struct cwt_err err;
    int64_t v = -1, sum = -1;
    assert_int_equal(cwt__store_counter(f->st, "evaluations", &v, &err), CWT_OK);
    assert_int_equal(v, 0);
    assert_int_equal(cwt__store_counters_sum(f->st, &sum, &err), CWT_OK);
    assert_int_equal(sum, 0);
    struct cwt__enterprise e;
    struct cwt__user u;
    mk_account(f->st, "cc@example.com", &e, &u);
    struct cwt__site s;
    mk_site(f->st, e.id, "cc.example.com", T0, &s);
    assert_int_equal(cwt__store_site_set_verified(f->st, e.id, s.id, "dns", T0, &err), CWT_OK);
    struct cwt__evaluation ev = {0};
    cwt__store_new_id("v_", ev.id);
    snprintf(ev.site_id, sizeof ev.site_id, "%s", s.id);
    snprintf(ev.model_version, sizeof ev.model_version, "m");
    snprintf(ev.grade, sizeof ev.grade, "A");
    ev.total = 90;
    for (int i = 0; i < 2; i++) {
        cwt__store_new_id("v_", ev.id);
        assert_int_equal(cwt__store_eval_insert(f->st, &ev, &err), CWT_OK);
    }
    assert_int_equal(cwt__store_counter(f->st, "evaluations", &v, &err), CWT_OK);
    assert_int_equal(v, 2);
    assert_int_equal(cwt__store_counter(f->st, "sites", &v, &err), CWT_OK);
    assert_int_equal(v, 1);
    /* A refused write bumps nothing: the bump is in the same transaction. */
    assert_int_equal(cwt__store_eval_insert(f->st, &ev, &err), CWT_ECONFLICT);
    assert_int_equal(cwt__store_site_set_verified(f->st, "e_other", s.id, "dns", T0, &err), CWT_ENOTFOUND);
    assert_int_equal(cwt__store_counters_sum(f->st, &sum, &err), CWT_OK);
    assert_int_equal(sum, 3);
}

/* ---- 1,000 jobs, two workers: none run twice, none lost ---------------- */

enum { NJOBS = 1000 };

struct race {
    struct cwt__store *st;
    char ids[NJOBS][CWT__ID_LEN];
    int runs[NJOBS];
    pthread_mutex_t mu;
    int per_worker[2];
    int errors;
};

struct worker_arg {
    struct race *r;
    int n;
};

static void *race_worker(void *ud)
{
    struct worker_arg *a = ud;
    char name[16];
    snprintf(name, sizeof name, "w%d", a->n);
    for (;;) {
        struct cwt__job j;
        struct cwt_err err;
        enum cwt_status rc = cwt__store_job_claim(a->r->st, name, T0, 600, &j, &err);
        if (rc == CWT_ENOTFOUND)
            break;
        if (rc != CWT_OK) {
            /* an error (SQLite busy under contention): count it, say it, and retry */
            pthread_mutex_lock(&a->r->mu);
            if (a->r->errors++ == 0)
                fprintf(stderr, "# claim by %s: %s\n", name, err.msg);
            pthread_mutex_unlock(&a->r->mu);
            if (a->r->errors > 1000)
                break;
            continue;
        }
        int idx = atoi(j.payload);
        pthread_mutex_lock(&a->r->mu);
        a->r->runs[idx]++;
        a->r->per_worker[a->n]++;
        pthread_mutex_unlock(&a->r->mu);
        rc = cwt__store_job_complete(a->r->st, j.id, name, T0, &err); /* no retry: writers queue, none is refused */
        if (rc != CWT_OK) {
            pthread_mutex_lock(&a->r->mu);
            if (a->r->errors++ == 0)
                fprintf(stderr, "# complete by %s: %s\n", name, err.msg);
            pthread_mutex_unlock(&a->r->mu);
        }
        cwt__job_release(&j);
    }
    return NULL;
}

struct nested {
    struct cwt__tx *tx;
    int rows, inner;
};

/* Runs, for each row, the very statement that is stepping (a cached one must not be handed out twice). */
static enum cwt_status on_nested_row(void *ud, const struct cwt__row *row)
{
    struct nested *n = ud;
    struct cwt_err err;
    int64_t v = -1;
    struct cwt__sv p[] = {CWT_SV_INT(cwt__row_int(row, 0))};
    n->rows++;
    enum cwt_status rc = cwt__tx_exec(n->tx, "SELECT x FROM cache_t WHERE x >= ? ORDER BY x LIMIT 1", p, 1,
                                      cwt__row_get_int, &v, NULL, &err);
    if (rc == CWT_OK && v == cwt__row_int(row, 0))
        n->inner++;
    return rc;
}

/* The SQLite statement cache: more distinct statements than it holds, a statement run inside its own row
 * callback; the same calls on PostgreSQL. */
static void test_statement_reuse(void **state)
{
    struct fx *f = *state;
    struct cwt_err err;
    assert_int_equal(cwt__store_exec(f->st, "CREATE TABLE cache_t (x BIGINT NOT NULL, s TEXT)", NULL, 0, NULL, NULL,
                                     NULL, &err), CWT_OK);
    for (int round = 0; round < 2; round++)
        for (int i = 0; i < 70; i++) {
            char sql[96];
            snprintf(sql, sizeof sql, "INSERT INTO cache_t (x, s) VALUES (?, ?) -- statement %d", i);
            struct cwt__sv p[] = {CWT_SV_INT(round * 100 + i), i % 2 ? CWT_SV_TEXT("odd") : CWT_SV_NULL};
            assert_int_equal(cwt__store_exec(f->st, sql, p, 2, NULL, NULL, NULL, &err), CWT_OK);
        }
    int64_t n = -1;
    assert_int_equal(cwt__store_exec(f->st, "SELECT count(*) FROM cache_t WHERE s IS NULL", NULL, 0,
                                     cwt__row_get_int, &n, NULL, &err), CWT_OK);
    assert_int_equal(n, 70); /* each use binds its own values: a NULL after a text is NULL */
    struct cwt__tx *tx = NULL;
    assert_int_equal(cwt__tx_begin(f->st, CWT__TX_READ, &tx, &err), CWT_OK);
    struct nested nd = {tx, 0, 0};
    struct cwt__sv p[] = {CWT_SV_INT(100)};
    assert_int_equal(cwt__tx_exec(tx, "SELECT x FROM cache_t WHERE x >= ? ORDER BY x LIMIT 1", p, 1, on_nested_row,
                                  &nd, NULL, &err), CWT_OK);
    assert_int_equal(cwt__tx_commit(tx, &err), CWT_OK);
    assert_int_equal(nd.rows, 1);
    assert_int_equal(nd.inner, 1);
}

static void test_jobs_two_workers(void **state)
{
    struct fx *f = *state;
    struct cwt_err err;
    struct race *r = calloc(1, sizeof *r);
    r->st = f->st;
    pthread_mutex_init(&r->mu, NULL);
    for (int i = 0; i < NJOBS; i++) {
        char payload[16];
        snprintf(payload, sizeof payload, "%d", i);
        assert_int_equal(cwt__store_job_enqueue(f->st, "test", NULL, payload, NULL, 3, T0, T0, NULL, &err), CWT_OK);
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pthread_t th[2];
    struct worker_arg args[2] = {{r, 0}, {r, 1}};
    for (int i = 0; i < 2; i++)
        pthread_create(&th[i], NULL, race_worker, &args[i]);
    for (int i = 0; i < 2; i++)
        pthread_join(th[i], NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double ms = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
    fprintf(stderr, "# %s: %d jobs, 2 workers: %.0f ms (%d + %d claimed, %d retried errors)\n",
            cwt__store_engine(f->st) == CWT__ENGINE_PG ? "postgresql" : "sqlite", NJOBS, ms, r->per_worker[0],
            r->per_worker[1], r->errors);
    for (int i = 0; i < NJOBS; i++)
        assert_int_equal(r->runs[i], 1);
    int64_t n = 0;
    assert_int_equal(cwt__store_job_count(f->st, "done", &n, &err), CWT_OK);
    assert_int_equal(n, NJOBS);
    assert_int_equal(r->errors, 0);
    pthread_mutex_destroy(&r->mu);
    free(r);
}

#define CASES(setup)                                                                             \
    cmocka_unit_test_setup_teardown(test_migrations, setup, teardown),                           \
    cmocka_unit_test_setup_teardown(test_signup_and_users, setup, teardown),                     \
    cmocka_unit_test_setup_teardown(test_sessions, setup, teardown),                             \
    cmocka_unit_test_setup_teardown(test_api_keys, setup, teardown),                             \
    cmocka_unit_test_setup_teardown(test_sites_ownership_and_pages, setup, teardown),            \
    cmocka_unit_test_setup_teardown(test_evaluations, setup, teardown),                          \
    cmocka_unit_test_setup_teardown(test_jobs_lifecycle, setup, teardown),                       \
    cmocka_unit_test_setup_teardown(test_scheduler, setup, teardown),                            \
    cmocka_unit_test_setup_teardown(test_change_counters, setup, teardown),                      \
    cmocka_unit_test_setup_teardown(test_statement_reuse, setup, teardown),                      \
    cmocka_unit_test_setup_teardown(test_jobs_two_workers, setup, teardown)

int main(void)
{
    const struct CMUnitTest common[] = {
        cmocka_unit_test(test_open_refuses_bad_urls),
        cmocka_unit_test(test_backoff_table),
    };
    const struct CMUnitTest sqlite[] = {CASES(setup_sqlite)};
    const struct CMUnitTest pg[] = {CASES(setup_pg)};
    int fails = cmocka_run_group_tests_name("store", common, NULL, NULL);
    fails += cmocka_run_group_tests_name("store-sqlite", sqlite, NULL, NULL);
    const char *conn = getenv("CWTAP_TEST_PG");
    if (conn && *conn)
        fails += cmocka_run_group_tests_name("store-postgresql", pg, NULL, NULL);
    else
        fprintf(stderr, "# CWTAP_TEST_PG not set: PostgreSQL cases skipped\n");
    return fails;
}
