/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Integration test of `cwtap worker` as processes: 1,000 queued jobs and two
 * worker processes racing for them (on SQLite and, with CWTAP_TEST_PG, on
 * PostgreSQL): every job ends done, none was claimed twice (attempts == 1),
 * none is lost. Also: the scheduler queues due sites once, an unknown job kind
 * is retried with backoff, and an evaluation of an unverified site is skipped.
 * And the graceful stop: SIGTERM during an evaluation (a real audit of a
 * fixture site served by nginx, scripts/sites.sh) lets it finish and be
 * stored, the job ends done and unlocked, and the worker exits 0.
 * And the probe scheduler: a scheduling worker probes the customer-service
 * channels that are due (loopback endpoints up, down and slow), once per
 * probe interval.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "hsrv.h"
#include "store/store_events.h"
#include "store/store_records.h"

struct fx {
    char *dir;
    char db[512];
    struct cwt__store *st;
};

static int setup_common(void **state, const char *pg)
{
    struct fx *f = calloc(1, sizeof *f);
    struct cwt_err err;
    f->dir = h_tempdir("worker");
    if (pg)
        snprintf(f->db, sizeof f->db, "%s", pg);
    else
        snprintf(f->db, sizeof f->db, "sqlite:%s/w.db", f->dir);
    if (cwt__store_open(f->db, NULL, &f->st, &err) != CWT_OK)
        return -1;
    if (pg) {
        cwt__store_exec(f->st, "DROP SCHEMA public CASCADE", NULL, 0, NULL, NULL, NULL, &err);
        cwt__store_exec(f->st, "CREATE SCHEMA public", NULL, 0, NULL, NULL, NULL, &err);
        cwt__store_free(f->st);
        if (cwt__store_open(f->db, NULL, &f->st, &err) != CWT_OK)
            return -1;
    }
    *state = f;
    return 0;
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

static pid_t spawn_worker_args(const struct fx *f, const char *id, const char *const *extra, size_t nextra)
{
    char log[600];
    snprintf(log, sizeof log, "%s/%s.log", f->dir, id);
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        dup2(fd, 2);
        dup2(fd, 1);
        const char *argv[16] = {getenv("CWTAP_BIN"), "worker", "--db", f->db, "--once", "--id", id};
        for (size_t i = 0; i < nextra && i < 8; i++)
            argv[7 + i] = extra[i];
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    return pid;
}

static pid_t spawn_worker(const struct fx *f, const char *id, const char *extra)
{
    return spawn_worker_args(f, id, &extra, extra ? 1 : 0);
}

static int wait_worker(pid_t pid)
{
    int st = 0;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int64_t count(const struct fx *f, const char *sql)
{
    int64_t n = -1;
    struct cwt_err err;
    assert_int_equal(cwt__store_exec(f->st, sql, NULL, 0, cwt__row_get_int, &n, NULL, &err), CWT_OK);
    return n;
}

static void test_two_worker_processes(void **state)
{
    struct fx *f = *state;
    struct cwt_err err;
    enum { N = 1000 };
    int64_t now = time(NULL); /* the workers use the system clock */
    for (int i = 0; i < N; i++)
        assert_int_equal(cwt__store_job_enqueue(f->st, "noop", NULL, "{}", NULL, 3, now - 1, now - 1, NULL, &err),
                         CWT_OK);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid_t a = spawn_worker(f, "wa", "--no-schedule"), b = spawn_worker(f, "wb", "--no-schedule");
    assert_int_equal(wait_worker(a), 0);
    assert_int_equal(wait_worker(b), 0);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double ms = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
    /* Each worker logs one line per job it ran: together exactly N, so no job ran twice. */
    size_t ran[2] = {0, 0};
    for (int w = 0; w < 2; w++) {
        char log[600];
        snprintf(log, sizeof log, "%s/%s.log", f->dir, w ? "wb" : "wa");
        char *text = h_read_file(log, NULL);
        assert_non_null(text);
        for (const char *p = text; (p = strstr(p, ": done\n")); p++)
            ran[w]++;
        free(text);
    }
    fprintf(stderr, "# %s: %d jobs, 2 worker processes: %.0f ms (%zu + %zu)\n",
            cwt__store_engine(f->st) == CWT__ENGINE_PG ? "postgresql" : "sqlite", N, ms, ran[0], ran[1]);
    assert_int_equal(ran[0] + ran[1], N);
    assert_int_equal(count(f, "SELECT count(*) FROM jobs WHERE state = 'done'"), N);
    assert_int_equal(count(f, "SELECT count(*) FROM jobs WHERE attempts <> 1"), 0);
    assert_int_equal(count(f, "SELECT count(*) FROM jobs WHERE locked_by IS NOT NULL"), 0);
}

/* A site of a new enterprise, with home page @p url; verified by "dns" at @p verified_at unless 0. */
static void add_site(const struct fx *f, const char *url, const char *domain, int64_t now, int64_t verified_at,
                     struct cwt__site *s)
{
    struct cwt_err err;
    struct cwt__enterprise e = {0};
    struct cwt__user u = {0};
    snprintf(e.name, sizeof e.name, "E");
    snprintf(e.kind, sizeof e.kind, "exporter");
    snprintf(u.email, sizeof u.email, "owner@%s", domain);
    snprintf(u.password_hash, sizeof u.password_hash, "x");
    assert_int_equal(cwt__store_signup(f->st, &e, &u, &err), CWT_OK);
    memset(s, 0, sizeof *s);
    cwt__store_new_id("s_", s->id);
    snprintf(s->enterprise_id, sizeof s->enterprise_id, "%s", e.id);
    snprintf(s->domain, sizeof s->domain, "%s", domain);
    snprintf(s->registrable, sizeof s->registrable, "%s", strchr(domain, '.') + 1);
    snprintf(s->url, sizeof s->url, "%s", url);
    snprintf(s->token, sizeof s->token, "t");
    s->active = true;
    s->created_at = now;
    assert_int_equal(cwt__store_site_create(f->st, s, &err), CWT_OK);
    if (verified_at)
        assert_int_equal(cwt__store_site_set_verified(f->st, e.id, s->id, "dns", verified_at, &err), CWT_OK);
}

static void test_scheduler_and_failures(void **state)
{
    struct fx *f = *state;
    struct cwt_err err;
    int64_t now = time(NULL);
    struct cwt__site s;
    add_site(f, "https://w.example.com/", "w.example.com", now, 0, &s);
    /* An evaluation of an unverified site is skipped (done, no evaluation stored). */
    assert_int_equal(cwt__store_job_enqueue(f->st, "evaluate", s.id, "{}", NULL, 3, now - 1, now - 1, NULL, &err),
                     CWT_OK);
    /* An unknown kind fails and is requeued with backoff, not lost. */
    assert_int_equal(cwt__store_job_enqueue(f->st, "mystery", NULL, "{}", NULL, 3, now - 1, now - 1, NULL, &err),
                     CWT_OK);
    assert_int_equal(wait_worker(spawn_worker(f, "w1", "--no-schedule")), 0);
    assert_int_equal(count(f, "SELECT count(*) FROM jobs WHERE kind = 'evaluate' AND state = 'done'"), 1);
    assert_int_equal(count(f, "SELECT count(*) FROM evaluations"), 0);
    assert_int_equal(count(f, "SELECT count(*) FROM jobs WHERE kind = 'mystery' AND state = 'queued' AND "
                              "attempts = 1 AND last_error LIKE '%unknown job kind%'"), 1);
    /* The scheduler queues a verified site that is due, once. */
    assert_int_equal(cwt__store_site_set_verified(f->st, s.enterprise_id, s.id, "meta", now - 10, &err), CWT_OK);
    assert_int_equal(wait_worker(spawn_worker(f, "w2", "--interval=3600")), 0);
    assert_int_equal(count(f, "SELECT count(*) FROM jobs WHERE kind = 'evaluate'"), 2);
    int64_t next = count(f, "SELECT next_eval_at FROM sites");
    assert_true(next >= now + 3600 - 5 && next <= now + 3600 + 60);
}

static void test_sigterm_finishes_current_job(void **state)
{
    struct fx *f = *state;
    struct cwt_err err;
    char sites[600];
    snprintf(sites, sizeof sites, "%s/sites", f->dir);
    int http = h_free_port(), https;
    do
        https = h_free_port();
    while (https == http);
    assert_int_equal(h_sh("sh '%s' start '%s' %d %d", h_src("scripts/sites.sh"), sites, http, https), 0);
    int64_t now = time(NULL);
    char url[256];
    snprintf(url, sizeof url, "https://www.ningbo-valves.example:%d/", https);
    struct cwt__site s;
    add_site(f, url, "www.ningbo-valves.example", now, now, &s);
    assert_int_equal(cwt__store_job_enqueue(f->st, "evaluate", s.id, "{}", NULL, 3, now - 1, now - 1, NULL, &err),
                     CWT_OK);
    char ca[700], r1[128], r2[128], hp[16], log[600];
    snprintf(ca, sizeof ca, "--ca-file=%s/ca.pem", sites);
    snprintf(r1, sizeof r1, "--resolve=www.ningbo-valves.example:%d:127.0.0.1", https);
    snprintf(r2, sizeof r2, "--resolve=www.ningbo-valves.example:%d:127.0.0.1", http);
    snprintf(hp, sizeof hp, "%d", http);
    snprintf(log, sizeof log, "%s/stop.log", f->dir);
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        dup2(fd, 2);
        dup2(fd, 1);
        const char *argv[] = {getenv("CWTAP_BIN"), "worker", "--db", f->db, "--no-schedule", "--id", "stopper",
                              "--allow-private", ca, r1, r2, "--http-port", hp, NULL};
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    /* SIGTERM as soon as the job is claimed: the audit (seconds under the sanitizers) is under way. */
    bool claimed = false;
    for (int i = 0; i < 1500 && !claimed; i++) {
        claimed = count(f, "SELECT count(*) FROM jobs WHERE state = 'running'") == 1;
        if (!claimed)
            nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
    }
    assert_true(claimed);
    assert_int_equal(count(f, "SELECT count(*) FROM evaluations"), 0);
    kill(pid, SIGTERM);
    int rc = wait_worker(pid);
    char *text = h_read_file(log, NULL);
    if (rc != 0)
        fail_msg("worker exited with %d: %s", rc, text ? text : "");
    free(text);
    h_sh("sh '%s' stop '%s'", h_src("scripts/sites.sh"), sites);
    /* The evaluation finished and was stored whole; the job is done and released, not left running. */
    assert_int_equal(count(f, "SELECT count(*) FROM evaluations"), 1);
    assert_int_equal(count(f, "SELECT count(*) FROM evaluations WHERE total > 0 AND report LIKE '{%}'"), 1);
    assert_int_equal(count(f, "SELECT count(*) FROM jobs WHERE state = 'done' AND locked_by IS NULL"), 1);
}

static void test_worker_probes(void **state)
{
    struct fx *f = *state;
    struct cwt_err err;
    static const struct h_route routes[] = {
        {.path = "/up", .status = 200, .body = "ok"},
        {.path = "/down", .status = 503, .body = "no"},
        {.path = "/slow", .mode = H_STALL},
    };
    struct h_srv hs;
    assert_int_equal(h_srv_start(&hs, 0, routes, CWT_ARRAY_LEN(routes)), 0);
    struct cwt__probe_target t[3];
    memset(t, 0, sizeof t);
    static const char *const paths[] = {"/up", "/down", "/slow"}, *const langs[] = {"th", "vi", ""};
    for (int i = 0; i < 3; i++) {
        snprintf(t[i].channel, sizeof t[i].channel, "ch%d", i);
        snprintf(t[i].url, sizeof t[i].url, "http://127.0.0.1:%d%s", hs.port, paths[i]);
        snprintf(t[i].lang, sizeof t[i].lang, "%s", langs[i]);
    }
    int64_t now = time(NULL); /* the worker uses the system clock */
    assert_int_equal(cwt__store_channels_set(f->st, "p.example.com", t, 3, now - 10, &err), CWT_OK);
    static const char *const args[] = {"--allow-private", "--probe-timeout", "500", "--probe-interval", "3600"};
    assert_int_equal(wait_worker(spawn_worker_args(f, "wp1", args, CWT_ARRAY_LEN(args))), 0);
    assert_int_equal(count(f, "SELECT count(*) FROM service_probes WHERE site = 'p.example.com'"), 3);
    assert_int_equal(count(f, "SELECT count(*) FROM service_probes WHERE ok = 1 AND url LIKE '%/up' AND lang = 'th'"),
                     1);
    assert_int_equal(count(f, "SELECT count(*) FROM service_probes WHERE ok = 0 AND http_status = 503"), 1);
    assert_int_equal(count(f, "SELECT count(*) FROM service_probes WHERE ok = 0 AND error LIKE '%timed out%'"), 1);
    int64_t next = count(f, "SELECT min(next_probe_at) FROM service_channels");
    assert_true(next >= now + 3600 - 5 && next <= now + 3600 + 60);
    /* not due again within the interval: a second worker run probes nothing */
    assert_int_equal(wait_worker(spawn_worker_args(f, "wp2", args, CWT_ARRAY_LEN(args))), 0);
    assert_int_equal(count(f, "SELECT count(*) FROM service_probes"), 3);
    assert_int_equal(h_srv_count(&hs, "GET /up"), 1);
    h_srv_stop(&hs);
}

#define CASES(setup)                                                             \
    cmocka_unit_test_setup_teardown(test_two_worker_processes, setup, teardown), \
    cmocka_unit_test_setup_teardown(test_worker_probes, setup, teardown),        \
    cmocka_unit_test_setup_teardown(test_scheduler_and_failures, setup, teardown), \
    cmocka_unit_test_setup_teardown(test_sigterm_finishes_current_job, setup, teardown)

int main(void)
{
    const struct CMUnitTest sqlite[] = {CASES(setup_sqlite)};
    const struct CMUnitTest pg[] = {CASES(setup_pg)};
    int fails = cmocka_run_group_tests_name("worker-sqlite", sqlite, NULL, NULL);
    const char *conn = getenv("CWTAP_TEST_PG");
    if (conn && *conn)
        fails += cmocka_run_group_tests_name("worker-postgresql", pg, NULL, NULL);
    else
        fprintf(stderr, "# CWTAP_TEST_PG not set: PostgreSQL cases skipped\n");
    return fails;
}
