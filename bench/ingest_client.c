/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the client of bench/ingest.sh: it generates N
 * platform order events and loads each batch twice, alternating: over HTTP
 * (POST /v1/platform/events, one keep-alive connection) and directly into a
 * SQLite file with one prepared INSERT and one transaction per batch (the
 * baseline). Alternating batch by batch makes both see the same load of a
 * shared machine. It prints the events per second of both timed parts
 * (the generation of the batch text is not timed in either).
 *
 *   ingest_client URL KEY DBFILE SCHEMA.sql N BATCH    prints "HTTP_RATE DIRECT_RATE"
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <sqlite3.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Event i: an order placed on day i % 80 of the window at a site of a pool of 100. */
static int event_line(char *out, size_t n, long i)
{
    long d = i % 80, h = i % 24;
    return snprintf(out, n,
                    "{\"type\":\"order\",\"event_id\":\"ev-%ld\",\"order_id\":\"O-%ld\",\"site\":\"s%ld.example.com\","
                    "\"placed_at\":\"2026-09-%02ldT%02ld:00:00Z\",\"promised_ship_by\":\"2026-10-%02ldT%02ld:00:00Z\","
                    "\"shipped_at\":\"2026-10-%02ldT%02ld:00:00Z\",\"delivered_at\":null,\"status\":\"shipped\"}\n",
                    i, i, i % 100, d % 28 + 1, h, d % 28 + 1, h, d % 28 + 1, h);
}

static size_t discard(char *p, size_t sz, size_t n, void *ud)
{
    (void)p;
    size_t *got = ud;
    *got += sz * n;
    return sz * n;
}

struct http {
    CURL *c;
    struct curl_slist *hl;
    char *body;
    size_t cap, got;
};

static int http_open(struct http *h, const char *url, const char *key, long batch)
{
    char auth[300];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", key);
    h->c = curl_easy_init();
    h->hl = curl_slist_append(NULL, auth);
    h->hl = curl_slist_append(h->hl, "Content-Type: application/x-ndjson");
    h->hl = curl_slist_append(h->hl, "Expect:");
    h->cap = (size_t)batch * 512;
    h->body = malloc(h->cap);
    h->got = 0;
    if (!h->c || !h->body)
        return 1;
    curl_easy_setopt(h->c, CURLOPT_URL, url);
    curl_easy_setopt(h->c, CURLOPT_HTTPHEADER, h->hl);
    curl_easy_setopt(h->c, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(h->c, CURLOPT_WRITEDATA, &h->got);
    return 0;
}

/* Posts events [i, i+m); adds the seconds of the request to *t. */
static int http_batch(struct http *h, long i, long m, double *t)
{
    size_t len = 0;
    for (long k = i; k < i + m; k++)
        len += (size_t)event_line(h->body + len, h->cap - len, k);
    curl_easy_setopt(h->c, CURLOPT_POSTFIELDS, h->body);
    curl_easy_setopt(h->c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    double t0 = now_s();
    CURLcode rc = curl_easy_perform(h->c);
    long status = 0;
    curl_easy_getinfo(h->c, CURLINFO_RESPONSE_CODE, &status);
    *t += now_s() - t0;
    if (rc != CURLE_OK || status != 200) {
        fprintf(stderr, "ingest_client: batch at %ld: %s, HTTP %ld\n", i, curl_easy_strerror(rc), status);
        return 1;
    }
    return 0;
}

static void http_close(struct http *h)
{
    free(h->body);
    curl_slist_free_all(h->hl);
    curl_easy_cleanup(h->c);
}

struct direct {
    sqlite3 *db;
    sqlite3_stmt *st;
    char (*ids)[32];
};

static int direct_open(struct direct *d, const char *path, const char *schema_path, long batch)
{
    FILE *f = fopen(schema_path, "rb");
    char schema[8192];
    size_t sl = f ? fread(schema, 1, sizeof schema - 1, f) : 0;
    if (f)
        fclose(f);
    schema[sl] = '\0';
    if (!sl || sqlite3_open(path, &d->db) != SQLITE_OK ||
        sqlite3_exec(d->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(d->db, schema, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(d->db,
                           "INSERT INTO platform_events (platform, event_id, kind, site, subject_id, at, placed_at, "
                           "promised_ship_by, shipped_at, delivered_at, requested_at, first_response_at, resolved_at, "
                           "state, received_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                           -1, &d->st, NULL) != SQLITE_OK) {
        fprintf(stderr, "ingest_client: cannot set up '%s': %s\n", path, d->db ? sqlite3_errmsg(d->db) : "?");
        return 1;
    }
    d->ids = malloc((size_t)batch * 3 * 32);
    return d->ids ? 0 : 1;
}

/* Inserts events [i, i+m) in one transaction; adds its seconds to *t. */
static int direct_batch(struct direct *d, long i, long m, double *t)
{
    sqlite3_stmt *st = d->st;
    for (long k = 0; k < m; k++) {
        snprintf(d->ids[3 * k], 32, "ev-%ld", i + k);
        snprintf(d->ids[3 * k + 1], 32, "O-%ld", i + k);
        snprintf(d->ids[3 * k + 2], 32, "s%ld.example.com", (i + k) % 100);
    }
    double t0 = now_s();
    sqlite3_exec(d->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    for (long k = 0; k < m; k++) {
        long day = (i + k) % 80, h = (i + k) % 24;
        sqlite3_int64 placed = 1788134400 + (day % 28) * 86400 + h * 3600; /* 2026-09-01 + days + hours */
        sqlite3_bind_text(st, 1, "bench-platform", -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, d->ids[3 * k], -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 3, 1);
        sqlite3_bind_text(st, 4, d->ids[3 * k + 2], -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, d->ids[3 * k + 1], -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 6, placed);
        sqlite3_bind_int64(st, 7, placed);
        sqlite3_bind_int64(st, 8, placed + 30 * 86400);
        sqlite3_bind_int64(st, 9, placed + 30 * 86400);
        sqlite3_bind_null(st, 10);
        sqlite3_bind_null(st, 11);
        sqlite3_bind_null(st, 12);
        sqlite3_bind_null(st, 13);
        sqlite3_bind_text(st, 14, "shipped", -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 15, 1796000000);
        if (sqlite3_step(st) != SQLITE_DONE) {
            fprintf(stderr, "ingest_client: insert: %s\n", sqlite3_errmsg(d->db));
            return 1;
        }
        sqlite3_reset(st);
    }
    if (sqlite3_exec(d->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        fprintf(stderr, "ingest_client: commit: %s\n", sqlite3_errmsg(d->db));
        return 1;
    }
    *t += now_s() - t0;
    return 0;
}

static void direct_close(struct direct *d)
{
    free(d->ids);
    sqlite3_finalize(d->st);
    sqlite3_close(d->db);
}

int main(int argc, char **argv)
{
    if (argc != 7) {
        fprintf(stderr, "usage: ingest_client URL KEY DBFILE SCHEMA.sql N BATCH\n");
        return 2;
    }
    long n = atol(argv[5]), batch = atol(argv[6]);
    if (n < 1 || batch < 1 || batch > 10000)
        return 2;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    struct http h = {0};
    struct direct d = {0};
    double th = 0, td = 0;
    int rc = http_open(&h, argv[1], argv[2], batch) || direct_open(&d, argv[3], argv[4], batch);
    /* alternate: batch i over HTTP, then the same batch directly, so both see the same load of the machine */
    for (long i = 0; i < n && !rc; i += batch) {
        long m = i + batch < n ? batch : n - i;
        rc = http_batch(&h, i, m, &th) || direct_batch(&d, i, m, &td);
    }
    if (!rc)
        printf("%.0f %.0f\n", (double)n / th, (double)n / td);
    http_close(&h);
    direct_close(&d);
    curl_global_cleanup();
    return rc;
}
