/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Integration test of the worker's home-page fetch (PROGRAM.md: "integration
 * counts only while the crawler finds the SDK tag with the right site id on
 * the home page"): `cwtap worker` processes audit a fixture site served by a
 * real nginx on 127.0.0.1 (scripts/sites.sh, HTTPS with a test CA, host
 * names through --resolve), and the test edits the served home page between
 * evaluations. No tag: not integrated. The tag with this site's id:
 * integrated, and with the cycle's floor at 0 the mark turns green. The tag
 * with another site's id, the tag removed, the tag inside an HTML comment,
 * or no home page at all (404): integration lost, so the mark falls back to
 * not integrated, its qualification and upload window cleared, each change in
 * the verified hash-chained log. Also: without --interval, the scheduler
 * re-evaluates at the interval of the operator's policy in the store.
 * On SQLite and, with CWTAP_TEST_PG, PostgreSQL.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "harness.h"
#include "program/markflow.h"
#include "store/store_policy.h"
#include "store/store_records.h"

static char *sites_dir;
static int https_port;
static char resolve_args[4096];
static char *home_original;

struct fx {
    char *dir;
    char db[512];
    struct cwt__store *st;
    struct cwt__site site;
    int runs;
};

static int group_setup(void **state)
{
    (void)state;
    sites_dir = h_tempdir("homesites");
    int http_port = h_free_port();
    do
        https_port = h_free_port();
    while (https_port == http_port);
    if (h_sh("sh '%s' start '%s' %d %d", h_src("scripts/sites.sh"), sites_dir, http_port, https_port) != 0)
        return -1;
    char path[1024];
    snprintf(path, sizeof path, "%s/resolve", sites_dir);
    char *r = h_read_file(path, NULL);
    snprintf(path, sizeof path, "%s/root/ningbo-valves/index.html", sites_dir);
    home_original = h_read_file(path, NULL);
    if (!r || !home_original)
        return -1;
    snprintf(resolve_args, sizeof resolve_args, "%s", r);
    free(r);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    h_sh("sh '%s' stop '%s'", h_src("scripts/sites.sh"), sites_dir);
    h_rmtree(sites_dir);
    free(sites_dir);
    free(home_original);
    return 0;
}

static int setup_common(void **state, const char *pg)
{
    struct fx *f = calloc(1, sizeof *f);
    f->dir = h_tempdir("homepage");
    f->st = h_store_fresh(f->dir, pg, f->db, sizeof f->db);
    *state = f;
    return f->st ? 0 : -1;
}

static int setup_sqlite(void **state)
{
    return setup_common(state, NULL);
}

static int setup_pg(void **state)
{
    return setup_common(state, getenv("CWTAP_TEST_PG"));
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

/* A verified site at the fixture's HTTPS address; the floor of the cycle running now set to 0. */
static void mk_site(struct fx *f)
{
    struct cwt_err err;
    int64_t now = time(NULL); /* the worker runs on the system clock */
    struct cwt__enterprise e = {0};
    struct cwt__user u = {0};
    snprintf(e.name, sizeof e.name, "Ningbo Valves");
    snprintf(e.kind, sizeof e.kind, "exporter");
    snprintf(e.country, sizeof e.country, "CN");
    snprintf(u.email, sizeof u.email, "it@ningbo-valves.example");
    snprintf(u.password_hash, sizeof u.password_hash, "x");
    assert_int_equal(cwt__store_signup(f->st, &e, &u, &err), CWT_OK);
    struct cwt__site *s = &f->site;
    cwt__store_new_id("s_", s->id);
    snprintf(s->enterprise_id, sizeof s->enterprise_id, "%s", e.id);
    snprintf(s->domain, sizeof s->domain, "www.ningbo-valves.example");
    snprintf(s->registrable, sizeof s->registrable, "ningbo-valves.example");
    snprintf(s->url, sizeof s->url, "https://www.ningbo-valves.example:%d/", https_port);
    snprintf(s->token, sizeof s->token, "t");
    s->active = true;
    s->created_at = now - 60;
    assert_int_equal(cwt__store_site_create(f->st, s, &err), CWT_OK);
    assert_int_equal(cwt__store_site_set_verified(f->st, e.id, s->id, "meta", now - 30, &err), CWT_OK);
    struct cwt__cycle c;
    assert_int_equal(cwt__markflow_cycle_at(f->st, now, &c, &err), CWT_OK);
    struct cwt__threshold_policy tp;
    cwt__threshold_policy_default(&tp);
    tp.floor = 0; /* whatever the model scores, the mark depends on integration alone */
    assert_int_equal(cwt__store_threshold_put(f->st, c.id, &tp, now, &err), CWT_OK);
}

enum home { HOME_PLAIN, HOME_TAG, HOME_OTHER_ID, HOME_COMMENTED, HOME_MISSING };

/* Rewrites the served home page: the fixture's own, with the SDK tag of @p id placed as @p how, or none. */
static void serve_home(const struct fx *f, enum home how)
{
    char path[1024], tag[400];
    snprintf(path, sizeof path, "%s/root/ningbo-valves/index.html", sites_dir);
    if (how == HOME_MISSING) {
        assert_int_equal(remove(path), 0);
        return;
    }
    const char *id = how == HOME_OTHER_ID ? "s_someoneelse0000000000" : f->site.id;
    snprintf(tag, sizeof tag, "%s<script async src=\"https://trust.example/sdk/v1/cwtap.js\" data-site=\"%s\">"
             "</script>%s\n", how == HOME_COMMENTED ? "<!-- " : "", id, how == HOME_COMMENTED ? " -->" : "");
    const char *head_end = strstr(home_original, "</head>");
    assert_non_null(head_end);
    size_t pre = (size_t)(head_end - home_original);
    size_t cap = strlen(home_original) + sizeof tag;
    char *page = malloc(cap);
    int n = how == HOME_PLAIN ? snprintf(page, cap, "%s", home_original)
                              : snprintf(page, cap, "%.*s%s%s", (int)pre, home_original, tag, head_end);
    assert_int_equal(h_write_file(path, page, (size_t)n), 0);
    free(page);
}

static int64_t count(const struct fx *f, const char *sql, const char *arg)
{
    int64_t n = -1;
    struct cwt_err err;
    struct cwt__sv p[] = {CWT_SV_TEXT(arg)};
    assert_int_equal(cwt__store_exec(f->st, sql, p, arg ? 1 : 0, cwt__row_get_int, &n, NULL, &err), CWT_OK);
    return n;
}

/* Runs one `cwtap worker --once` process (scheduling too when @p schedule); its log into @p log. */
static void worker_run(struct fx *f, bool schedule, char **log)
{
    char ca[1100], id[32], buf[sizeof resolve_args];
    snprintf(ca, sizeof ca, "%s/ca.pem", sites_dir);
    snprintf(id, sizeof id, "w%d", ++f->runs);
    char *argv[64];
    int n = 0;
    argv[n++] = getenv("CWTAP_BIN");
    argv[n++] = "worker";
    argv[n++] = "--db";
    argv[n++] = f->db;
    argv[n++] = "--once";
    if (!schedule)
        argv[n++] = "--no-schedule";
    argv[n++] = "--allow-private";
    argv[n++] = "--id";
    argv[n++] = id;
    argv[n++] = "--ca-file";
    argv[n++] = ca;
    snprintf(buf, sizeof buf, "%s", resolve_args);
    for (char *p = buf; *p && n < 60;) { /* the --resolve arguments, split at spaces */
        while (*p == ' ' || *p == '\n')
            *p++ = '\0';
        if (!*p)
            break;
        argv[n++] = p;
        p += strcspn(p, " \n");
    }
    argv[n] = NULL;
    struct h_run r;
    assert_int_equal(h_run(argv, NULL, &r), 0);
    if (r.status != 0)
        fail_msg("worker exited %d: %s", r.status, r.err);
    *log = r.err;
    free(r.out);
}

/* Queues an evaluation and runs one `cwtap worker --once --no-schedule` on it; the worker's log into @p log. */
static void worker_evaluates(struct fx *f, char **log)
{
    struct cwt_err err;
    int64_t now = time(NULL);
    int64_t before = count(f, "SELECT count(*) FROM evaluations WHERE site_id = ?", f->site.id);
    assert_int_equal(cwt__store_job_enqueue(f->st, "evaluate", f->site.id, "{}", NULL, 1, now - 1, now - 1, NULL,
                                            &err), CWT_OK);
    worker_run(f, false, log);
    assert_int_equal(count(f, "SELECT count(*) FROM evaluations WHERE site_id = ?", f->site.id), before + 1);
    assert_int_equal(count(f, "SELECT count(*) FROM jobs WHERE state <> 'done'", NULL), 0);
}

static struct cwt__mark mark_of(struct fx *f, int64_t *next_deadline)
{
    struct cwt__mark_row r;
    struct cwt_err err;
    assert_int_equal(cwt__store_mark_get(f->st, f->site.id, &r, &err), CWT_OK);
    struct cwt__mark m = r.m;
    if (next_deadline)
        *next_deadline = r.next_deadline;
    cwt__mark_row_release(&r);
    return m;
}

static const struct {
    enum home how;
    enum cwt__mark_state want;
    const char *why;       /* in the worker's log line for the site */
    const char *last_log;  /* reason of the newest log entry after it ("" = no new entry) */
} steps[] = {
    {HOME_PLAIN, CWT__MARK_NOT_INTEGRATED, "", ""},
    {HOME_TAG, CWT__MARK_GREEN_DATA_DUE, "", "meets the threshold"},
    {HOME_OTHER_ID, CWT__MARK_NOT_INTEGRATED, "", "integration lost"},
    {HOME_TAG, CWT__MARK_GREEN_DATA_DUE, "", "meets the threshold"},
    {HOME_PLAIN, CWT__MARK_NOT_INTEGRATED, "", "integration lost"},
    {HOME_COMMENTED, CWT__MARK_NOT_INTEGRATED, "", ""},
    {HOME_TAG, CWT__MARK_GREEN_DATA_DUE, "", "meets the threshold"},
    {HOME_MISSING, CWT__MARK_NOT_INTEGRATED, "home page not fetched", "integration lost"},
};

static enum cwt_status newest_reason(void *ud, const struct cwt__row *r)
{
    snprintf(ud, 256, "%s", cwt__row_text(r, 0));
    return CWT_OK;
}

static void test_homepage_integration(void **state)
{
    struct fx *f = *state;
    struct cwt_err err;
    mk_site(f);
    int64_t entries = 0;
    for (size_t i = 0; i < CWT_ARRAY_LEN(steps); i++) {
        serve_home(f, steps[i].how);
        char *log = NULL;
        worker_evaluates(f, &log);
        int64_t next = 0;
        struct cwt__mark m = mark_of(f, &next);
        if (m.state != steps[i].want)
            fail_msg("step %zu: mark %s, want %s; worker log:\n%s", i, cwt__mark_state_name(m.state),
                     cwt__mark_state_name(steps[i].want), log);
        char line[128];
        snprintf(line, sizeof line, "cwtap worker: %s: %s", f->site.id, steps[i].why);
        assert_non_null(strstr(log, line));
        free(log);
        if (m.state == CWT__MARK_GREEN_DATA_DUE) {
            assert_true(m.integrated_at > 0 && m.qualified_at > 0 && m.green_at > 0);
            assert_int_equal(next, m.duty_due_at); /* the 72-hour window runs */
            assert_int_equal(m.duty_due_at, m.green_at + 72 * 3600);
        } else {
            /* not integrated: no qualification for a pool, no window, no weighting */
            assert_int_equal(m.integrated_at, 0);
            assert_int_equal(m.qualified_at, 0);
            assert_int_equal(m.green_at, 0);
            assert_int_equal(next, 0);
        }
        int64_t now_entries = count(f, "SELECT count(*) FROM mark_log WHERE site = ?", f->site.id);
        if (steps[i].last_log[0]) {
            char reason[256] = "";
            struct cwt__sv p[] = {CWT_SV_TEXT(f->site.id)};
            assert_int_equal(cwt__store_exec(f->st, "SELECT reason FROM mark_log WHERE site = ? ORDER BY seq DESC "
                                                    "LIMIT 1", p, 1, newest_reason, reason, NULL, &err), CWT_OK);
            if (!strstr(reason, steps[i].last_log))
                fail_msg("step %zu: newest log entry '%s', want '%s'", i, reason, steps[i].last_log);
            assert_true(now_entries > entries);
        } else {
            assert_int_equal(now_entries, entries); /* nothing changed, nothing logged */
        }
        entries = now_entries;
    }
    struct cwt__log_verdict v;
    assert_int_equal(cwt__store_log_verify(f->st, NULL, 0, &v, &err), CWT_OK);
    assert_true(v.ok);
    /* not_integrated -> evaluating -> green, lost, found -> evaluating -> green, lost, found, green, lost */
    assert_int_equal(v.checked, 9);
    serve_home(f, HOME_PLAIN); /* the fixture as it was, for the other engine */
}

/* The scheduler's re-evaluation interval is the operator's policy (--interval not given): 2 hours here. */
static void test_interval_from_policy(void **state)
{
    struct fx *f = *state;
    struct cwt_err err;
    mk_site(f);
    struct cwt__program_policy p;
    struct cwt__policy_row row;
    bool changed = false;
    cwt__program_policy_default(&p);
    p.reeval_interval_s = 7200;
    int64_t t = time(NULL);
    assert_int_equal(cwt__store_policy_put(f->st, &p, 0, "test", t, &row, &changed, &err), CWT_OK);
    assert_true(changed);
    char *log = NULL;
    worker_run(f, true, &log); /* schedules the verified site, then evaluates it */
    free(log);
    int64_t next = count(f, "SELECT next_eval_at FROM sites WHERE id = ?", f->site.id);
    if (!(next >= t + 7200 && next <= time(NULL) + 7200))
        fail_msg("next evaluation at now%+lld s, want +7200", (long long)(next - t));
    assert_int_equal(count(f, "SELECT count(*) FROM jobs WHERE kind = 'evaluate' AND state = 'done'", NULL), 1);
}

#define CASES(setup)                                                             \
    cmocka_unit_test_setup_teardown(test_homepage_integration, setup, teardown), \
    cmocka_unit_test_setup_teardown(test_interval_from_policy, setup, teardown)

int main(void)
{
    const struct CMUnitTest sqlite[] = {CASES(setup_sqlite)};
    const struct CMUnitTest pg[] = {CASES(setup_pg)};
    int fails = cmocka_run_group_tests_name("homepage-sqlite", sqlite, group_setup, group_teardown);
    const char *conn = getenv("CWTAP_TEST_PG");
    if (conn && *conn)
        fails += cmocka_run_group_tests_name("homepage-postgresql", pg, group_setup, group_teardown);
    else
        fprintf(stderr, "# CWTAP_TEST_PG not set: PostgreSQL cases skipped\n");
    return fails;
}
