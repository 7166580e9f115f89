/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the client of bench/ingest.sh: it generates N
 * platform order events and loads them in batches either over HTTP
 * (POST /v1/platform/events, one keep-alive connection) or directly into a
 * SQLite file with one prepared INSERT and one transaction per batch (the
 * baseline), and prints the events per second of the timed part (the
 * generation of the batch text is not timed in either mode).
 *
 *   ingest_client http URL KEY N BATCH
 *   ingest_client direct DBFILE SCHEMA.sql N BATCH
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

static int run_http(const char *url, const char *key, long n, long batch)
{
    CURL *c = curl_easy_init();
    char auth[300];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", key);
    struct curl_slist *hl = curl_slist_append(NULL, auth);
    hl = curl_slist_append(hl, "Content-Type: application/x-ndjson");
    hl = curl_slist_append(hl, "Expect:");
    size_t cap = (size_t)batch * 512;
    char *body = malloc(cap);
    size_t got = 0;
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &got);
    double t = 0;
    for (long i = 0; i < n; i += batch) {
        size_t len = 0;
        for (long k = i; k < i + batch && k < n; k++)
            len += (size_t)event_line(body + len, cap - len, k);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
        double t0 = now_s();
        CURLcode rc = curl_easy_perform(c);
        long status = 0;
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
        t += now_s() - t0;
        if (rc != CURLE_OK || status != 200) {
            fprintf(stderr, "ingest_client: batch at %ld: %s, HTTP %ld\n", i, curl_easy_strerror(rc), status);
            return 1;
        }
    }
    printf("%.0f\n", (double)n / t);
    free(body);
    curl_slist_free_all(hl);
    curl_easy_cleanup(c);
    return 0;
}

static int run_direct(const char *path, const char *schema_path, long n, long batch)
{
    sqlite3 *db = NULL;
    FILE *f = fopen(schema_path, "rb");
    char schema[8192];
    size_t sl = f ? fread(schema, 1, sizeof schema - 1, f) : 0;
    if (f)
        fclose(f);
    schema[sl] = '\0';
    if (!sl || sqlite3_open(path, &db) != SQLITE_OK ||
        sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(db, schema, NULL, NULL, NULL) != SQLITE_OK) {
        fprintf(stderr, "ingest_client: cannot set up '%s': %s\n", path, db ? sqlite3_errmsg(db) : "?");
        return 1;
    }
    sqlite3_stmt *st = NULL;
    sqlite3_prepare_v2(db,
                       "INSERT INTO platform_events (platform, event_id, kind, site, subject_id, at, placed_at, "
                       "promised_ship_by, shipped_at, delivered_at, requested_at, first_response_at, resolved_at, "
                       "state, received_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                       -1, &st, NULL);
    char (*ids)[32] = malloc((size_t)batch * 3 * 32);
    double t = 0;
    for (long i = 0; i < n; i += batch) {
        long m = i + batch < n ? batch : n - i;
        for (long k = 0; k < m; k++) {
            snprintf(ids[3 * k], 32, "ev-%ld", i + k);
            snprintf(ids[3 * k + 1], 32, "O-%ld", i + k);
            snprintf(ids[3 * k + 2], 32, "s%ld.example.com", (i + k) % 100);
        }
        double t0 = now_s();
        sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
        for (long k = 0; k < m; k++) {
            long d = (i + k) % 80, h = (i + k) % 24;
            sqlite3_int64 placed = 1788134400 + (d % 28) * 86400 + h * 3600; /* 2026-09-01 + d days + h */
            sqlite3_bind_text(st, 1, "bench-platform", -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 2, ids[3 * k], -1, SQLITE_STATIC);
            sqlite3_bind_int(st, 3, 1);
            sqlite3_bind_text(st, 4, ids[3 * k + 2], -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 5, ids[3 * k + 1], -1, SQLITE_STATIC);
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
                fprintf(stderr, "ingest_client: insert: %s\n", sqlite3_errmsg(db));
                return 1;
            }
            sqlite3_reset(st);
        }
        if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
            fprintf(stderr, "ingest_client: commit: %s\n", sqlite3_errmsg(db));
            return 1;
        }
        t += now_s() - t0;
    }
    printf("%.0f\n", (double)n / t);
    free(ids);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: ingest_client http URL KEY N BATCH | direct DBFILE SCHEMA.sql N BATCH\n");
        return 2;
    }
    long n = atol(argv[4]), batch = atol(argv[5]);
    if (n < 1 || batch < 1 || batch > 10000)
        return 2;
    if (strcmp(argv[1], "http") == 0) {
        curl_global_init(CURL_GLOBAL_DEFAULT);
        int rc = run_http(argv[2], argv[3], n, batch);
        curl_global_cleanup();
        return rc;
    }
    return run_direct(argv[2], argv[3], n, batch);
}
