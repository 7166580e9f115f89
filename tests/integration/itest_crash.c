/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Crash consistency of `cwtap serve`: many concurrent writes (signups, then a
 * site registration by each new enterprise) while the server is killed with
 * SIGKILL at a random moment; after a restart, every request that got a 2xx
 * is fully present and no half-written row exists (an enterprise without its
 * user, a user or site without its enterprise). Several rounds on one
 * database, on SQLite and, when CWTAP_TEST_PG is set, on PostgreSQL. The
 * random seed is printed so a failing round can be replayed (CWTAP_CRASH_SEED).
 * Uploads and event batches join the mix once those routes exist.
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
#include <strings.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>

#include "harness.h"
#include "store/store_records.h"

enum { ROUNDS = 4, PER_ROUND = 120, PARALLEL = 24 };

struct server {
    char *dir;
    char db[512];
    pid_t pid;
    int port;
};

static void start(struct server *s)
{
    char portfile[600], log[600];
    snprintf(portfile, sizeof portfile, "%s/port", s->dir);
    snprintf(log, sizeof log, "%s/serve.log", s->dir);
    unlink(portfile);
    const char *argv[] = {getenv("CWTAP_BIN"), "serve", "--listen", "127.0.0.1:0", "--db", s->db, "--port-file",
                          portfile, "--insecure-cookies", "--pwhash-cost", "min", "--rate-ip", "100000/100000",
                          "--rate-login", "100000/100000", "--rate-key", "100000/100000", "--threads", "4",
                          "--no-access-log", NULL};
    s->pid = fork();
    if (s->pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
        dup2(fd, 2);
        dup2(fd, 1);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    for (int i = 0; i < 600; i++) {
        char *p = h_read_file(portfile, NULL);
        if (p) {
            s->port = atoi(p);
            free(p);
            return;
        }
        int st;
        if (waitpid(s->pid, &st, WNOHANG) == s->pid) {
            char *l = h_read_file(log, NULL);
            fail_msg("cwtap serve exited: %s", l ? l : "");
        }
        struct timespec ts = {0, 50 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    fail_msg("cwtap serve did not start");
}

static int stop_term(struct server *s)
{
    kill(s->pid, SIGTERM);
    int st = 0;
    waitpid(s->pid, &st, 0);
    s->pid = 0;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* ---- what the clients were told ------------------------------------------------ */

struct acked {
    char email[80];
    char enterprise[40];
    char site[40];   /* "" until a site registration got 201 */
    char domain[80];
};

struct job {
    CURL *c;
    struct curl_slist *hl;
    char body[600];
    char *resp;
    size_t len;
    char headers[4096];
    size_t idx;      /* into the acked table */
    bool is_site;
};

static size_t on_body(char *p, size_t sz, size_t n, void *ud)
{
    struct job *j = ud;
    char *nb = realloc(j->resp, j->len + sz * n + 1);
    if (!nb)
        return 0;
    memcpy(nb + j->len, p, sz * n);
    j->len += sz * n;
    nb[j->len] = '\0';
    j->resp = nb;
    return sz * n;
}

static size_t on_header(char *p, size_t sz, size_t n, void *ud)
{
    struct job *j = ud;
    size_t l = strlen(j->headers);
    snprintf(j->headers + l, sizeof j->headers - l, "%.*s", (int)(sz * n), p);
    return sz * n;
}

static void cookie_of(const char *headers, const char *name, char *out, size_t n)
{
    out[0] = '\0';
    size_t l = strlen(name);
    for (const char *p = headers; (p = strcasestr(p, "Set-Cookie: ")); p += 12)
        if (strncmp(p + 12, name, l) == 0 && p[12 + l] == '=')
            snprintf(out, n, "%.*s", (int)strcspn(p + 13 + l, ";\r\n"), p + 13 + l);
}

static struct job *job_new(const struct server *s, const char *path, const char *body, const char *cookie,
                           const char *csrf)
{
    struct job *j = calloc(1, sizeof *j);
    j->c = curl_easy_init();
    char url[256];
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", s->port, path);
    snprintf(j->body, sizeof j->body, "%s", body);
    j->hl = curl_slist_append(NULL, "Content-Type: application/json");
    j->hl = curl_slist_append(j->hl, "Expect:");
    if (cookie)
        j->hl = curl_slist_append(j->hl, cookie);
    if (csrf)
        j->hl = curl_slist_append(j->hl, csrf);
    curl_easy_setopt(j->c, CURLOPT_URL, url);
    curl_easy_setopt(j->c, CURLOPT_POSTFIELDS, j->body);
    curl_easy_setopt(j->c, CURLOPT_HTTPHEADER, j->hl);
    curl_easy_setopt(j->c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(j->c, CURLOPT_WRITEDATA, j);
    curl_easy_setopt(j->c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(j->c, CURLOPT_HEADERDATA, j);
    curl_easy_setopt(j->c, CURLOPT_TIMEOUT, 20L);
    curl_easy_setopt(j->c, CURLOPT_PRIVATE, j);
    return j;
}

static void job_free(struct job *j)
{
    curl_slist_free_all(j->hl);
    curl_easy_cleanup(j->c);
    free(j->resp);
    free(j);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* One round: PER_ROUND signups, each followed by a site registration, PARALLEL at a time; SIGKILL after
 * @p kill_ms. Fills @p acks (entries with enterprise[0] were acknowledged). */
static void round_run(struct server *s, int round, double kill_ms, struct acked *acks)
{
    CURLM *m = curl_multi_init();
    size_t next = 0, running_jobs = 0;
    bool killed = false;
    double t0 = now_ms();
    for (;;) {
        while (!killed && running_jobs < PARALLEL && next < PER_ROUND) {
            struct acked *a = &acks[next];
            snprintf(a->email, sizeof a->email, "r%d-%zu@crash.example.com", round, next);
            snprintf(a->domain, sizeof a->domain, "r%d-%zu.crash-example.com", round, next);
            char body[400];
            snprintf(body, sizeof body, "{\"enterprise_name\":\"Crash %d %zu\",\"email\":\"%s\",\"password\":"
                     "\"long enough pw\",\"country\":\"CN\"}", round, next, a->email);
            struct job *j = job_new(s, "/v1/signup", body, NULL, NULL);
            j->idx = next++;
            curl_multi_add_handle(m, j->c);
            running_jobs++;
        }
        int still = 0;
        curl_multi_perform(m, &still);
        CURLMsg *msg;
        int left;
        while ((msg = curl_multi_info_read(m, &left))) {
            if (msg->msg != CURLMSG_DONE)
                continue;
            struct job *j = NULL;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&j);
            long status = 0;
            curl_easy_getinfo(j->c, CURLINFO_RESPONSE_CODE, &status);
            bool ok = msg->data.result == CURLE_OK && status >= 200 && status < 300;
            struct acked *a = &acks[j->idx];
            json_t *js = ok && j->resp ? json_loads(j->resp, 0, NULL) : NULL;
            if (ok && !js)
                fail_msg("2xx without a JSON body: %s", j->resp ? j->resp : "");
            if (ok && !j->is_site) {
                const char *e = json_string_value(json_object_get(json_object_get(js, "enterprise"), "id"));
                assert_non_null(e);
                snprintf(a->enterprise, sizeof a->enterprise, "%s", e);
                char sess[128], csrf[128], ck[300], ch[160], body[200];
                cookie_of(j->headers, "cwtap_session", sess, sizeof sess);
                cookie_of(j->headers, "cwtap_csrf", csrf, sizeof csrf);
                snprintf(ck, sizeof ck, "Cookie: cwtap_session=%s; cwtap_csrf=%s", sess, csrf);
                snprintf(ch, sizeof ch, "X-CSRF-Token: %s", csrf);
                snprintf(body, sizeof body, "{\"domain\":\"%s\"}", a->domain);
                if (!killed) {
                    struct job *sj = job_new(s, "/v1/sites", body, ck, ch);
                    sj->idx = j->idx;
                    sj->is_site = true;
                    curl_multi_add_handle(m, sj->c);
                    running_jobs++;
                }
            } else if (ok) {
                const char *id = json_string_value(json_object_get(js, "id"));
                assert_non_null(id);
                snprintf(a->site, sizeof a->site, "%s", id);
            }
            json_decref(js);
            curl_multi_remove_handle(m, j->c);
            job_free(j);
            running_jobs--;
        }
        if (!killed && now_ms() - t0 >= kill_ms) {
            kill(s->pid, SIGKILL);
            int st;
            waitpid(s->pid, &st, 0);
            s->pid = 0;
            killed = true;
        }
        if (running_jobs == 0 && (killed || next >= PER_ROUND))
            break;
        curl_multi_poll(m, NULL, 0, 20, NULL);
    }
    if (!killed) { /* everything finished before the kill: kill anyway, idle */
        kill(s->pid, SIGKILL);
        int st;
        waitpid(s->pid, &st, 0);
        s->pid = 0;
    }
    curl_multi_cleanup(m);
}

/* ---- checks after the restart ---------------------------------------------------- */

static int64_t q_int(struct cwt__store *st, const char *sql, const char *p1)
{
    struct cwt_err err;
    int64_t n = -1;
    struct cwt__sv pv[1];
    size_t np = 0;
    if (p1) {
        pv[0] = cwt__sv_text(p1);
        np = 1;
    }
    if (cwt__store_exec(st, sql, pv, np, cwt__row_get_int, &n, NULL, &err) != CWT_OK)
        fail_msg("%s: %s", sql, err.msg);
    return n;
}

static void check_after(struct server *s, const struct acked *acks, size_t *nacked, size_t *nsites)
{
    struct cwt__store *st = NULL;
    struct cwt_err err;
    assert_int_equal(cwt__store_open(s->db, NULL, &st, &err), CWT_OK);
    for (size_t i = 0; i < PER_ROUND; i++) {
        const struct acked *a = &acks[i];
        if (!a->enterprise[0])
            continue;
        (*nacked)++;
        if (q_int(st, "SELECT count(*) FROM enterprises WHERE id = ?", a->enterprise) != 1)
            fail_msg("acknowledged enterprise %s (%s) is missing", a->enterprise, a->email);
        if (q_int(st, "SELECT count(*) FROM users WHERE email = ?", a->email) != 1)
            fail_msg("acknowledged user %s is missing", a->email);
        if (a->site[0]) {
            (*nsites)++;
            if (q_int(st, "SELECT count(*) FROM sites WHERE id = ?", a->site) != 1)
                fail_msg("acknowledged site %s (%s) is missing", a->site, a->domain);
        }
    }
    /* No half-written rows anywhere in the database. */
    static const char *const orphans[] = {
        "SELECT count(*) FROM enterprises e WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.enterprise_id = e.id)",
        "SELECT count(*) FROM users u WHERE NOT EXISTS (SELECT 1 FROM enterprises e WHERE e.id = u.enterprise_id)",
        "SELECT count(*) FROM sites s WHERE NOT EXISTS (SELECT 1 FROM enterprises e WHERE e.id = s.enterprise_id)",
        "SELECT count(*) FROM sessions s WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = s.user_id)",
        "SELECT count(*) FROM enterprises WHERE name = '' OR created_at <= 0",
        "SELECT count(*) FROM users WHERE password_hash NOT LIKE '$argon2id$%'",
    };
    for (size_t i = 0; i < CWT_ARRAY_LEN(orphans); i++) {
        int64_t n = q_int(st, orphans[i], NULL);
        if (n != 0)
            fail_msg("%lld half-written rows: %s", (long long)n, orphans[i]);
    }
    if (cwt__store_engine(st) == CWT__ENGINE_SQLITE) {
        char *ok = NULL;
        assert_int_equal(cwt__store_exec(st, "PRAGMA integrity_check", NULL, 0, cwt__row_get_str, &ok, NULL, &err),
                         CWT_OK);
        assert_string_equal(ok, "ok");
        cwt_free(ok);
    }
    cwt__store_free(st);
}

static void run_engine(const char *db_url)
{
    struct server s = {0};
    s.dir = h_tempdir("crash");
    if (db_url) {
        snprintf(s.db, sizeof s.db, "%s", db_url);
        struct cwt__store *st = NULL;
        struct cwt_err err;
        assert_int_equal(cwt__store_open(s.db, NULL, &st, &err), CWT_OK);
        cwt__store_exec(st, "DROP SCHEMA public CASCADE", NULL, 0, NULL, NULL, NULL, &err);
        cwt__store_exec(st, "CREATE SCHEMA public", NULL, 0, NULL, NULL, NULL, &err);
        cwt__store_free(st);
    } else {
        snprintf(s.db, sizeof s.db, "sqlite:%s/crash.db", s.dir);
    }
    const char *seed_env = getenv("CWTAP_CRASH_SEED");
    unsigned seed = seed_env ? (unsigned)strtoul(seed_env, NULL, 10) : (unsigned)time(NULL);
    fprintf(stderr, "crash (%s): seed %u (CWTAP_CRASH_SEED)\n", db_url ? "postgresql" : "sqlite", seed);
    srand(seed);
    size_t total_acked = 0, total_sites = 0;
    for (int round = 0; round < ROUNDS; round++) {
        struct acked *acks = calloc(PER_ROUND, sizeof *acks);
        start(&s);
        double kill_ms = 150 + rand() % 1500;
        round_run(&s, round, kill_ms, acks);
        start(&s); /* the restart after a SIGKILL must succeed (recovery, migrations) */
        size_t na = 0, ns = 0;
        check_after(&s, acks, &na, &ns);
        fprintf(stderr, "crash: round %d killed at %.0f ms: %zu signups and %zu sites acknowledged, all present\n",
                round, kill_ms, na, ns);
        total_acked += na;
        total_sites += ns;
        assert_int_equal(stop_term(&s), 0);
        free(acks);
    }
    assert_true(total_acked > 0); /* the kills did not all land before any write */
    h_rmtree(s.dir);
    free(s.dir);
}

static void test_crash_sqlite(void **state)
{
    (void)state;
    run_engine(NULL);
}

static void test_crash_pg(void **state)
{
    (void)state;
    const char *pg = getenv("CWTAP_TEST_PG");
    if (!pg || !*pg)
        skip();
    run_engine(pg);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crash_sqlite),
        cmocka_unit_test(test_crash_pg),
    };
    int rc = cmocka_run_group_tests_name("crash consistency", tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
