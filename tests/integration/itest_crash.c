/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Crash consistency of `cwtap serve`: many concurrent writes, killed with
 * SIGKILL at a random moment, then a restart; every request that got a 2xx is
 * fully present and no half-written row or upload exists. The writes, mixed
 * in random order, 32 in flight: signups each followed by a site
 * registration, CSV uploads (customs, ISO changes, outlets) by a few
 * exporters, and NDJSON event batches by a platform (most small, some over
 * the 1,000-line transaction chunk). Each body is unique, so each stored
 * upload and event is matched to the request that sent it. 1,000 uploads and
 * batches and 240 signups are sent once each, in random order, through
 * several kills and restarts on one database, on SQLite and, when
 * CWTAP_TEST_PG is set, on PostgreSQL: a round starts requests from where the
 * last one stopped and is killed after a random number of replies (30-100 %
 * of an even share of the queue, plus 0-40 ms), so the kill lands mid-stream
 * on a fast or a slow machine alike; the requests in flight at the kill are
 * not resent. After each restart everything sent so far is checked. The seed
 * is printed (replay with CWTAP_CRASH_SEED).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>

#include "hapi.h"
#include "harness.h"
#include "store/store_events.h"
#include "store/store_records.h"

enum {
    ROUNDS = 5,       /* an even share of the queue per kill (the last one may take more rounds) */
    SIGNUPS = 240,    /* each followed by a site registration */
    WRITES = 1000,    /* uploads and event batches */
    PARALLEL = 32,
    EXPORTERS = 6,    /* accounts the uploads are spread over */
    BIG_EVERY = 25,   /* one event batch in 25 spans several transaction chunks */
};

static const char *const kinds[] = {"customs", "iso", "outlets"};

/* ---- what was sent and what the clients were told ------------------------------- */

struct signup_ack {
    char email[80];
    char enterprise[40];
    char site[40];   /* "" until a site registration got 201 */
    char domain[80];
};

struct write {
    int upload;      /* 0..2: an upload of kinds[upload]; -1: an event batch */
    int acct;        /* the exporter (uploads) */
    char *body;
    size_t rows;     /* CSV data rows, or NDJSON lines */
    char prefix[32]; /* event ids of the batch: prefix + 5 digits */
    bool acked;
};

struct fixture {
    struct hapi_server s;
    struct hapi_account exporters[EXPORTERS];
    char sites[EXPORTERS][40];
    char platform[40];
    char bearer[200];
    char *csv[3];    /* the good fixtures, made unique per upload */
    size_t csv_rows[3];
};

enum job_kind { J_SIGNUP, J_SITE, J_WRITE };

struct job {
    CURL *c;
    struct curl_slist *hl;
    char *body;      /* owned by the job for signups and sites, borrowed for writes */
    struct hapi_resp r;
    enum job_kind kind;
    size_t idx;
};

static struct job *job_new(const struct hapi_server *s, enum job_kind kind, size_t idx, const char *path,
                           char *body, bool owned, const char *const *hdrs)
{
    struct job *j = calloc(1, sizeof *j);
    j->kind = kind;
    j->idx = idx;
    j->c = curl_easy_init();
    j->body = owned ? body : NULL;
    char url[256];
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", s->port, path);
    j->hl = curl_slist_append(NULL, "Expect:");
    for (size_t i = 0; hdrs && hdrs[i]; i++)
        j->hl = curl_slist_append(j->hl, hdrs[i]);
    curl_easy_setopt(j->c, CURLOPT_URL, url);
    curl_easy_setopt(j->c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(j->c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    curl_easy_setopt(j->c, CURLOPT_HTTPHEADER, j->hl);
    curl_easy_setopt(j->c, CURLOPT_WRITEFUNCTION, hapi_on_body);
    curl_easy_setopt(j->c, CURLOPT_WRITEDATA, &j->r);
    curl_easy_setopt(j->c, CURLOPT_HEADERFUNCTION, hapi_on_header);
    curl_easy_setopt(j->c, CURLOPT_HEADERDATA, &j->r);
    curl_easy_setopt(j->c, CURLOPT_TIMEOUT, 60L);
    curl_easy_setopt(j->c, CURLOPT_PRIVATE, j);
    return j;
}

static void job_free(struct job *j)
{
    curl_slist_free_all(j->hl);
    curl_easy_cleanup(j->c);
    hapi_resp_free(&j->r);
    free(j->body);
    free(j);
}

static void kill_server(struct hapi_server *s)
{
    kill(s->pid, SIGKILL);
    int st;
    waitpid(s->pid, &st, 0);
    s->pid = 0;
}

/* @p text with every @p from replaced by @p to (caller frees). */
static char *subst(const char *text, const char *from, const char *to)
{
    size_t n = 0, fl = strlen(from), tl = strlen(to);
    for (const char *p = text; (p = strstr(p, from)); p += fl)
        n++;
    char *out = malloc(strlen(text) + n * tl + 1), *o = out;
    for (const char *p = text, *q; ; p = q + fl) {
        q = strstr(p, from);
        size_t k = q ? (size_t)(q - p) : strlen(p);
        memcpy(o, p, k);
        o += k;
        if (!q)
            break;
        memcpy(o, to, tl);
        o += tl;
    }
    *o = '\0';
    return out;
}

/* The body of write @p w (number @p uid of the engine's run), unique to it. */
static void write_make(struct fixture *f, struct write *w, size_t i, unsigned uid)
{
    char u[32];
    if (w->upload >= 0) {
        /* A unique declared value, certificate number or phone number: the row stays valid. */
        static const char *const field[] = {"86400.00", "CN-QMS-2023-04417", "+66 2 123 4567"};
        if (w->upload == 0)
            snprintf(u, sizeof u, "%u.00", 86400 + uid);
        else if (w->upload == 1)
            snprintf(u, sizeof u, "CN-QMS-2023-%05u", uid);
        else
            snprintf(u, sizeof u, "+66 2 12%u", 10000 + uid);
        w->body = subst(f->csv[w->upload], field[w->upload], u);
        w->rows = f->csv_rows[w->upload];
        return;
    }
    w->rows = i % BIG_EVERY == 0 ? 1000 + (size_t)(rand() % 1500) : 1 + (size_t)(rand() % 40);
    snprintf(w->prefix, sizeof w->prefix, "c%04zu-", i);
    size_t cap = w->rows * 400 + 1, off = 0;
    w->body = malloc(cap);
    for (size_t l = 0; l < w->rows; l++)
        off += (size_t)snprintf(w->body + off, cap - off,
                                "{\"type\":\"order\",\"event_id\":\"%s%05zu\",\"order_id\":\"O-%s%05zu\","
                                "\"site\":\"crash-%zu.example.com\",\"placed_at\":\"2026-08-01T03:00:00Z\","
                                "\"promised_ship_by\":\"2026-08-03T03:00:00Z\",\"shipped_at\":\"2026-08-02T09:12:00Z\","
                                "\"delivered_at\":null,\"status\":\"shipped\"}\n",
                                w->prefix, l, w->prefix, l, (size_t)uid % EXPORTERS);
}

static struct job *write_job(struct fixture *f, struct write *w, size_t idx)
{
    char path[128];
    if (w->upload < 0) {
        const char *h[] = {f->bearer, "Content-Type: application/x-ndjson", NULL};
        return job_new(&f->s, J_WRITE, idx, "/v1/platform/events", w->body, false, h);
    }
    const struct hapi_account *a = &f->exporters[w->acct];
    snprintf(path, sizeof path, "/v1/sites/%s/uploads/%s", f->sites[w->acct], kinds[w->upload]);
    const char *h[] = {a->cookie, a->csrf, "Content-Type: text/csv", NULL};
    return job_new(&f->s, J_WRITE, idx, path, w->body, false, h);
}

/* A finished write: 2xx must say what was sent (every line accepted, every row counted). */
static void write_done(struct write *w, const struct hapi_resp *r)
{
    if (w->upload < 0) {
        json_int_t acc = json_integer_value(json_object_get(r->json, "accepted"));
        if (r->status != 200 || acc != (json_int_t)w->rows)
            fail_msg("batch %s (%zu lines): %ld %s", w->prefix, w->rows, r->status, r->body ? r->body : "");
    } else {
        json_int_t rows = json_integer_value(json_object_get(r->json, "rows"));
        if (r->status != 201 || rows != (json_int_t)w->rows || !json_is_true(json_object_get(r->json, "stored")))
            fail_msg("upload %s: %ld %s", kinds[w->upload], r->status, r->body ? r->body : "");
    }
    w->acked = true;
}

static void signup_done(struct fixture *f, CURLM *m, struct signup_ack *a, const struct hapi_resp *r, size_t idx,
                        bool killed, size_t *running)
{
    if (r->status != 201)
        fail_msg("signup %s: %ld %s", a->email, r->status, r->body ? r->body : "");
    const char *e = json_string_value(json_object_get(json_object_get(r->json, "enterprise"), "id"));
    assert_non_null(e);
    snprintf(a->enterprise, sizeof a->enterprise, "%s", e);
    struct hapi_account acc;
    hapi_take_cookies(r, &acc);
    if (killed)
        return;
    char *body = malloc(200);
    snprintf(body, 200, "{\"domain\":\"%s\"}", a->domain);
    const char *h[] = {acc.cookie, acc.csrf, "Content-Type: application/json", NULL};
    curl_multi_add_handle(m, job_new(&f->s, J_SITE, idx, "/v1/sites", body, true, h)->c);
    (*running)++;
}

/*
 * One round: requests from the queue @p order (SIGNUPS signup+site chains and the WRITES writes), from
 * *next on, PARALLEL at a time; SIGKILL once @p kill_after requests were answered (and @p extra_ms more).
 * Fills the acks; *next moves past what was started.
 */
static void round_run(struct fixture *f, const size_t *order, size_t *nextp, size_t kill_after, int extra_ms,
                      struct signup_ack *acks, struct write *writes)
{
    size_t total = SIGNUPS + WRITES, next = *nextp, running = 0, done = 0;
    CURLM *m = curl_multi_init();
    bool killed = false;
    struct timespec t_kill = {0};
    for (;;) {
        while (!killed && running < PARALLEL && next < total) {
            size_t i = order[next++];
            struct job *j;
            if (i < SIGNUPS) {
                struct signup_ack *a = &acks[i];
                snprintf(a->email, sizeof a->email, "s%zu@crash.example.com", i);
                snprintf(a->domain, sizeof a->domain, "s%zu.crash-example.com", i);
                char *body = malloc(400);
                snprintf(body, 400, "{\"enterprise_name\":\"Crash %zu\",\"email\":\"%s\",\"password\":"
                         "\"long enough pw\",\"country\":\"CN\"}", i, a->email);
                const char *h[] = {"Content-Type: application/json", NULL};
                j = job_new(&f->s, J_SIGNUP, i, "/v1/signup", body, true, h);
            } else {
                j = write_job(f, &writes[i - SIGNUPS], i - SIGNUPS);
            }
            curl_multi_add_handle(m, j->c);
            running++;
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
            curl_easy_getinfo(j->c, CURLINFO_RESPONSE_CODE, &j->r.status);
            if (msg->data.result == CURLE_OK) {
                /* A complete reply: the server answered before the kill. */
                j->r.json = j->r.body ? json_loads(j->r.body, 0, NULL) : NULL;
                done++;
                if (j->kind == J_SIGNUP) {
                    signup_done(f, m, &acks[j->idx], &j->r, j->idx, killed, &running);
                } else if (j->kind == J_SITE) {
                    if (j->r.status != 201)
                        fail_msg("site %s: %ld %s", acks[j->idx].domain, j->r.status, j->r.body ? j->r.body : "");
                    snprintf(acks[j->idx].site, sizeof acks[j->idx].site, "%s", hapi_jstr(&j->r, "id"));
                } else {
                    write_done(&writes[j->idx], &j->r);
                }
            } else if (!killed) {
                fail_msg("a request failed before the kill: %s", curl_easy_strerror(msg->data.result));
            }
            curl_multi_remove_handle(m, j->c);
            job_free(j);
            running--;
        }
        if (!killed && done >= kill_after && !t_kill.tv_sec)
            clock_gettime(CLOCK_MONOTONIC, &t_kill);
        if (!killed && t_kill.tv_sec) {
            struct timespec now;
            clock_gettime(CLOCK_MONOTONIC, &now);
            if ((now.tv_sec - t_kill.tv_sec) * 1000 + (now.tv_nsec - t_kill.tv_nsec) / 1000000 >= extra_ms) {
                kill_server(&f->s);
                killed = true;
            }
        }
        if (running == 0 && (killed || next >= total))
            break;
        curl_multi_poll(m, NULL, 0, 5, NULL);
    }
    if (!killed) /* everything finished before the kill: kill anyway, idle */
        kill_server(&f->s);
    curl_multi_cleanup(m);
    *nextp = next;
}

/* ---- checks after the restart ---------------------------------------------------- */

static int64_t q_int(struct cwt__store *st, const char *sql, const char *p1, const char *p2)
{
    struct cwt_err err;
    int64_t n = -1;
    struct cwt__sv pv[] = {cwt__sv_text(p1), cwt__sv_text(p2)};
    if (cwt__store_exec(st, sql, pv, p2 ? 2 : p1 ? 1 : 0, cwt__row_get_int, &n, NULL, &err) != CWT_OK)
        fail_msg("%s: %s", sql, err.msg);
    return n;
}

static char *q_str(struct cwt__store *st, const char *sql, const char *p1, const char *p2)
{
    struct cwt_err err;
    char *v = NULL;
    struct cwt__sv pv[] = {cwt__sv_text(p1), cwt__sv_text(p2)};
    if (cwt__store_exec(st, sql, pv, 2, cwt__row_get_str, &v, NULL, &err) != CWT_OK)
        fail_msg("%s: %s", sql, err.msg);
    return v;
}

struct tally {
    size_t signups, sites, uploads, batches, events; /* acknowledged */
    size_t stored_uploads, stored_events;            /* present after the restart, acknowledged or not */
};

/* Every stored upload is whole: its CSV's data rows, its result's "rows" and rows_n agree. */
static enum cwt_status on_upload(void *ud, const struct cwt__row *row)
{
    size_t *bad = ud;
    const char *data = cwt__row_text(row, 0);
    int64_t rows_n = cwt__row_int(row, 1);
    json_t *res = json_loads(cwt__row_text(row, 2), 0, NULL);
    int64_t lines = 0;
    for (const char *p = data; p && *p; p++)
        lines += *p == '\n' || (p[1] == '\0' && *p != '\n');
    if (!res || json_integer_value(json_object_get(res, "rows")) != rows_n || lines - 1 != rows_n)
        (*bad)++;
    json_decref(res);
    return CWT_OK;
}

static void check_writes(struct fixture *f, struct cwt__store *st, const struct write *writes, struct tally *t)
{
    for (size_t i = 0; i < WRITES; i++) {
        const struct write *w = &writes[i];
        if (w->upload >= 0) {
            int64_t n = q_int(st, "SELECT count(*) FROM uploads WHERE site_id = ? AND data = ?", f->sites[w->acct],
                              w->body);
            if (n > 1 || (w->acked && n != 1))
                fail_msg("upload %zu (%s, acknowledged %d) is stored %lld times", i, kinds[w->upload], w->acked,
                         (long long)n);
            t->stored_uploads += (size_t)n;
            t->uploads += w->acked;
            continue;
        }
        char like[40], last[64];
        snprintf(like, sizeof like, "%s%%", w->prefix);
        int64_t n = q_int(st, "SELECT count(*) FROM platform_events WHERE platform = ? AND event_id LIKE ?",
                          f->platform, like);
        if (w->acked && n != (int64_t)w->rows)
            fail_msg("acknowledged batch %s: %lld of %zu lines stored", w->prefix, (long long)n, w->rows);
        if (n > 0) {
            /* Lines are committed in order, a chunk at a time: what is stored is a prefix of the batch. */
            char *max = q_str(st, "SELECT max(event_id) FROM platform_events WHERE platform = ? AND event_id LIKE ?",
                              f->platform, like);
            snprintf(last, sizeof last, "%s%05lld", w->prefix, (long long)n - 1);
            if (!max || strcmp(max, last) != 0 || n > (int64_t)w->rows)
                fail_msg("batch %s: %lld lines stored, the last %s: not a prefix", w->prefix, (long long)n,
                         max ? max : "?");
            cwt_free(max);
        }
        t->stored_events += (size_t)n;
        t->batches += w->acked;
        t->events += w->acked ? w->rows : 0;
    }
}

/* After a restart: everything acknowledged so far is present (into @p t), nothing half-written. */
static void check_after(struct fixture *f, const struct signup_ack *acks, const struct write *writes, struct tally *t)
{
    struct cwt__store *st = NULL;
    struct cwt_err err;
    assert_int_equal(cwt__store_open(f->s.db, NULL, &st, &err), CWT_OK);
    t->signups = t->sites = 0;
    for (size_t i = 0; i < SIGNUPS; i++) {
        const struct signup_ack *a = &acks[i];
        if (!a->enterprise[0])
            continue;
        t->signups++;
        if (q_int(st, "SELECT count(*) FROM enterprises WHERE id = ?", a->enterprise, NULL) != 1)
            fail_msg("acknowledged enterprise %s (%s) is missing", a->enterprise, a->email);
        if (q_int(st, "SELECT count(*) FROM users WHERE email = ?", a->email, NULL) != 1)
            fail_msg("acknowledged user %s is missing", a->email);
        if (a->site[0]) {
            t->sites++;
            if (q_int(st, "SELECT count(*) FROM sites WHERE id = ?", a->site, NULL) != 1)
                fail_msg("acknowledged site %s (%s) is missing", a->site, a->domain);
        }
    }
    /* Every write so far (an earlier round's rows must survive later kills too). */
    struct tally w = {0};
    check_writes(f, st, writes, &w);
    t->stored_uploads = w.stored_uploads;
    t->stored_events = w.stored_events;
    t->uploads = w.uploads;
    t->batches = w.batches;
    t->events = w.events;
    /* Nothing stored that no request sent: every upload and event row is one of ours, whole. */
    if (q_int(st, "SELECT count(*) FROM uploads", NULL, NULL) != (int64_t)w.stored_uploads)
        fail_msg("%lld uploads stored, %zu of them match a body sent",
                 (long long)q_int(st, "SELECT count(*) FROM uploads", NULL, NULL), w.stored_uploads);
    if (q_int(st, "SELECT count(*) FROM platform_events", NULL, NULL) != (int64_t)w.stored_events)
        fail_msg("%lld events stored, %zu of them from a batch sent",
                 (long long)q_int(st, "SELECT count(*) FROM platform_events", NULL, NULL), w.stored_events);
    size_t bad = 0;
    assert_int_equal(cwt__store_exec(st, "SELECT data, rows_n, result FROM uploads", NULL, 0, on_upload, &bad, NULL,
                                     &err), CWT_OK);
    if (bad)
        fail_msg("%zu half-written uploads (rows_n, result and data disagree)", bad);
    /* No half-written rows anywhere in the database. */
    static const char *const orphans[] = {
        "SELECT count(*) FROM enterprises e WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.enterprise_id = e.id)",
        "SELECT count(*) FROM users u WHERE NOT EXISTS (SELECT 1 FROM enterprises e WHERE e.id = u.enterprise_id)",
        "SELECT count(*) FROM sites s WHERE NOT EXISTS (SELECT 1 FROM enterprises e WHERE e.id = s.enterprise_id)",
        "SELECT count(*) FROM sessions s WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = s.user_id)",
        "SELECT count(*) FROM enterprises WHERE name = '' OR created_at <= 0",
        "SELECT count(*) FROM users WHERE password_hash NOT LIKE '$argon2id$%'",
        "SELECT count(*) FROM uploads u WHERE NOT EXISTS (SELECT 1 FROM sites s WHERE s.id = u.site_id)",
        "SELECT count(*) FROM platform_events WHERE subject_id <> 'O-' || event_id OR state <> 'shipped' OR "
        "placed_at IS NULL OR promised_ship_by IS NULL OR shipped_at IS NULL OR site NOT LIKE 'crash-%'",
    };
    for (size_t i = 0; i < CWT_ARRAY_LEN(orphans); i++) {
        int64_t n = q_int(st, orphans[i], NULL, NULL);
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

/* ---- the run -------------------------------------------------------------------------- */

static void start(struct fixture *f)
{
    char master[600];
    snprintf(master, sizeof master, "%s/master.key", f->s.dir);
    const char *extra[] = {"--clock-file", f->s.clock, "--master-key", master, "--rate-ip", "100000/100000",
                           "--rate-login", "100000/100000", "--rate-key", "100000/100000", "--no-access-log", NULL};
    hapi_start(&f->s, f->s.db, extra);
}

/* The exporters with a site each, a platform with a key, and the fixture CSVs. */
static void setup_accounts(struct fixture *f)
{
    for (int i = 0; i < EXPORTERS; i++) {
        char email[64], body[128];
        snprintf(email, sizeof email, "exporter%d@crash.example.com", i);
        hapi_signup(&f->s, email, &f->exporters[i]);
        snprintf(body, sizeof body, "{\"domain\":\"crash-%d.example.com\"}", i);
        const char *h[] = {f->exporters[i].cookie, f->exporters[i].csrf, NULL};
        struct hapi_resp r;
        hapi_http(&f->s, "POST", "/v1/sites", body, h, &r);
        hapi_expect(&r, 201, NULL, NULL);
        snprintf(f->sites[i], sizeof f->sites[i], "%s", hapi_jstr(&r, "id"));
        hapi_resp_free(&r);
    }
    struct hapi_account p;
    hapi_signup(&f->s, "platform@crash.example.com", &p);
    snprintf(f->platform, sizeof f->platform, "%s", p.enterprise);
    hapi_set_kind(&f->s, p.enterprise, "platform");
    hapi_key(&f->s, &p, "platform", f->bearer, sizeof f->bearer);
    static const char *const files[] = {"customs_good.csv", "iso_good.csv", "outlets_good.csv"};
    for (int k = 0; k < 3; k++) {
        char rel[128];
        snprintf(rel, sizeof rel, "tests/fixtures/uploads/%s", files[k]);
        f->csv[k] = h_read_file(h_src(rel), NULL);
        assert_non_null(f->csv[k]);
        f->csv_rows[k] = 0;
        for (const char *c = strchr(f->csv[k], '\n'); c && c[1]; c = strchr(c + 1, '\n'))
            f->csv_rows[k]++;
    }
}

static void run_engine(const char *db_url)
{
    struct fixture *f = calloc(1, sizeof *f);
    hapi_db_prepare(&f->s, "crash", db_url);
    snprintf(f->s.clock, sizeof f->s.clock, "%s/clock", f->s.dir);
    h_write_file(f->s.clock, "1786352400", 10); /* 2026-08-10T09:00:00Z: the customs months are recent */
    const char *seed_env = getenv("CWTAP_CRASH_SEED");
    unsigned seed = seed_env ? (unsigned)strtoul(seed_env, NULL, 10) : (unsigned)time(NULL);
    const char *engine = db_url ? "postgresql" : "sqlite";
    fprintf(stderr, "crash (%s): seed %u (CWTAP_CRASH_SEED)\n", engine, seed);
    srand(seed);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    start(f);
    setup_accounts(f);
    struct signup_ack *acks = calloc(SIGNUPS, sizeof *acks);
    struct write *writes = calloc(WRITES, sizeof *writes);
    for (size_t i = 0; i < WRITES; i++) {
        struct write *w = &writes[i];
        w->upload = rand() % 2 ? rand() % 3 : -1;
        w->acct = rand() % EXPORTERS;
        write_make(f, w, i, (unsigned)i);
    }
    size_t total = SIGNUPS + WRITES, next = 0, *order = malloc(total * sizeof *order);
    for (size_t i = 0; i < total; i++)
        order[i] = i;
    for (size_t i = total - 1; i > 0; i--) {
        size_t k = (size_t)rand() % (i + 1), tmp = order[i];
        order[i] = order[k];
        order[k] = tmp;
    }
    struct tally t = {0};
    int rounds = 0;
    for (; next < total; rounds++) {
        size_t kill_after = (size_t)(total / ROUNDS) * (30 + (size_t)(rand() % 71)) / 100;
        int extra_ms = rand() % 40;
        size_t from = next;
        struct tally before = t;
        round_run(f, order, &next, kill_after, extra_ms, acks, writes);
        start(f); /* the restart after a SIGKILL must succeed (recovery, migrations) */
        check_after(f, acks, writes, &t);
        fprintf(stderr, "crash (%s): round %d: %zu requests started, killed after %zu replies + %d ms: %zu signups, "
                "%zu sites, %zu uploads, %zu event batches more acknowledged, all present; %zu uploads and %zu events "
                "stored in all\n", engine, rounds, next - from, kill_after, extra_ms, t.signups - before.signups,
                t.sites - before.sites, t.uploads - before.uploads, t.batches - before.batches, t.stored_uploads,
                t.stored_events);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    fprintf(stderr, "crash (%s): %d rounds, %d uploads and batches and %d signups sent; %zu uploads + %zu batches "
            "(%zu events) + %zu signups acknowledged and present; %.1f s\n", engine, rounds, WRITES, SIGNUPS,
            t.uploads, t.batches, t.events, t.signups,
            (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
    assert_int_equal(hapi_stop(&f->s), 0);
    /* The kills did not all land before any write. */
    assert_true(t.signups > 0 && t.uploads > 0 && t.batches > 0);
    for (size_t i = 0; i < WRITES; i++)
        free(writes[i].body);
    free(writes);
    free(acks);
    free(order);
    for (int k = 0; k < 3; k++)
        free(f->csv[k]);
    h_rmtree(f->s.dir);
    free(f->s.dir);
    free(f);
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
