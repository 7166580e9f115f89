/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the API test client (hapi.h): libcurl requests to a
 * `cwtap serve` subprocess with the reply's body, headers and parsed JSON,
 * and the checks and account helpers integration tests share.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "hapi.h"
#include "harness.h"
#include "store/store.h"
#include "store/store_records.h"

size_t hapi_on_body(char *p, size_t sz, size_t n, void *ud)
{
    struct hapi_resp *r = ud;
    char *nb = realloc(r->body, r->len + sz * n + 1);
    if (!nb)
        return 0;
    memcpy(nb + r->len, p, sz * n);
    r->len += sz * n;
    nb[r->len] = '\0';
    r->body = nb;
    return sz * n;
}

size_t hapi_on_header(char *p, size_t sz, size_t n, void *ud)
{
    struct hapi_resp *r = ud;
    size_t l = strlen(r->headers);
    snprintf(r->headers + l, sizeof r->headers - l, "%.*s", (int)(sz * n), p);
    return sz * n;
}

void hapi_resp_free(struct hapi_resp *r)
{
    free(r->body);
    json_decref(r->json);
    memset(r, 0, sizeof *r);
}

struct upload {
    const char *p;
    size_t left, piece;
};

static size_t on_read(char *buf, size_t sz, size_t n, void *ud)
{
    struct upload *u = ud;
    size_t k = u->left < sz * n ? u->left : sz * n;
    k = k < u->piece ? k : u->piece;
    memcpy(buf, u->p, k);
    u->p += k;
    u->left -= k;
    return k;
}

/* One request; the body sent whole, or chunked in pieces of @p piece bytes when piece > 0. */
static void perform(const struct hapi_server *s, const char *method, const char *path, const char *body,
                    size_t body_len, size_t piece, const char *const *hdrs, struct hapi_resp *r)
{
    memset(r, 0, sizeof *r);
    CURL *c = curl_easy_init();
    size_t ul = strlen(path) + 64;
    char *url = malloc(ul);
    snprintf(url, ul, "http://127.0.0.1:%d%s", s->port, path);
    struct curl_slist *hl = NULL;
    bool has_ct = false;
    for (size_t i = 0; hdrs && hdrs[i]; i++) {
        hl = curl_slist_append(hl, hdrs[i]);
        has_ct |= strncasecmp(hdrs[i], "Content-Type:", 13) == 0;
    }
    if (body && !has_ct)
        hl = curl_slist_append(hl, "Content-Type: application/json");
    hl = curl_slist_append(hl, "Expect:");
    struct upload up = {body, body_len, piece};
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    if (strcmp(method, "HEAD") == 0)
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    if (body && piece) {
        hl = curl_slist_append(hl, "Transfer-Encoding: chunked");
        curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
        curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
        curl_easy_setopt(c, CURLOPT_READDATA, &up);
    } else if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, hapi_on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, hapi_on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
    r->rc = (int)curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
    if (r->body)
        r->json = json_loads(r->body, 0, NULL);
    curl_slist_free_all(hl);
    curl_easy_cleanup(c);
    free(url);
}

void hapi_http_raw(const struct hapi_server *s, const char *method, const char *path, const char *body,
                   const char *const *hdrs, struct hapi_resp *r)
{
    perform(s, method, path, body, body ? strlen(body) : 0, 0, hdrs, r);
}

void hapi_http_stream(const struct hapi_server *s, const char *method, const char *path, const char *body,
                      size_t body_len, size_t piece, const char *const *hdrs, struct hapi_resp *r)
{
    perform(s, method, path, body, body_len, piece, hdrs, r);
    if (r->rc != CURLE_OK)
        fail_msg("%s %s: %s", method, path, curl_easy_strerror((CURLcode)r->rc));
}

void hapi_http(const struct hapi_server *s, const char *method, const char *path, const char *body,
               const char *const *hdrs, struct hapi_resp *r)
{
    hapi_http_stream(s, method, path, body, body ? strlen(body) : 0, 0, hdrs, r);
}

bool hapi_header(const struct hapi_resp *r, const char *name, char *out, size_t n)
{
    size_t l = strlen(name);
    for (const char *p = r->headers; (p = strcasestr(p, name)); p += l) {
        if ((p == r->headers || p[-1] == '\n') && p[l] == ':') {
            const char *v = p + l + 1;
            while (*v == ' ')
                v++;
            snprintf(out, n, "%.*s", (int)strcspn(v, "\r\n"), v);
            return true;
        }
    }
    return false;
}

const char *hapi_err_field(const struct hapi_resp *r)
{
    json_t *f = json_object_get(json_object_get(r->json, "error"), "field");
    return json_is_string(f) ? json_string_value(f) : "";
}

const char *hapi_err_code(const struct hapi_resp *r)
{
    const char *c = json_string_value(json_object_get(json_object_get(r->json, "error"), "code"));
    return c ? c : "";
}

const char *hapi_json_str(const json_t *j, const char *key)
{
    const char *v = json_string_value(json_object_get(j, key));
    return v ? v : "";
}

const char *hapi_jstr(const struct hapi_resp *r, const char *key)
{
    return hapi_json_str(r->json, key);
}

void hapi_expect(const struct hapi_resp *r, long status, const char *code, const char *field)
{
    if (r->status != status)
        fail_msg("status %ld, want %ld: %s", r->status, status, r->body ? r->body : "");
    if (code)
        assert_string_equal(hapi_err_code(r), code);
    if (field)
        assert_string_equal(hapi_err_field(r), field);
}

/* ---- the server subprocess ---------------------------------------------------- */

void hapi_start(struct hapi_server *s, const char *db, const char *const *extra)
{
    char portfile[600], log[600];
    snprintf(portfile, sizeof portfile, "%s/port", s->dir);
    snprintf(log, sizeof log, "%s/serve.log", s->dir);
    unlink(portfile);
    const char *argv[48] = {getenv("CWTAP_BIN"), "serve", "--listen", "127.0.0.1:0", "--db", db, "--port-file",
                            portfile, "--insecure-cookies", "--pwhash-cost", "min", "--rate-ip", "1000/2000",
                            "--rate-login", "1000/1000", "--threads", "4"};
    size_t n = 17;
    for (size_t i = 0; extra && extra[i] && n < 46; i++)
        argv[n++] = extra[i];
    argv[n] = NULL;
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

/* SIGTERM; returns the exit status. */
int hapi_stop(struct hapi_server *s)
{
    if (s->pid <= 0)
        return -1;
    kill(s->pid, SIGTERM);
    int st = 0;
    for (int i = 0; i < 600; i++) {
        if (waitpid(s->pid, &st, WNOHANG) == s->pid) {
            s->pid = 0;
            return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        }
        struct timespec ts = {0, 50 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    kill(s->pid, SIGKILL);
    waitpid(s->pid, &st, 0);
    s->pid = 0;
    return -1;
}


void hapi_take_cookies(const struct hapi_resp *r, struct hapi_account *a)
{
    char sess[128] = "", csrf[128] = "";
    for (const char *p = r->headers; (p = strcasestr(p, "Set-Cookie: ")); p += 12) {
        const char *v = p + 12;
        if (strncmp(v, "cwtap_session=", 14) == 0) {
            snprintf(sess, sizeof sess, "%.*s", (int)strcspn(v + 14, ";\r\n"), v + 14);
            assert_non_null(strstr(v, "HttpOnly"));
            assert_non_null(strstr(v, "SameSite=Strict"));
        } else if (strncmp(v, "cwtap_csrf=", 11) == 0) {
            snprintf(csrf, sizeof csrf, "%.*s", (int)strcspn(v + 11, ";\r\n"), v + 11);
        }
    }
    assert_true(sess[0] && csrf[0]);
    snprintf(a->session, sizeof a->session, "%s", sess);
    snprintf(a->cookie, sizeof a->cookie, "Cookie: cwtap_session=%s; cwtap_csrf=%s", sess, csrf);
    snprintf(a->csrf, sizeof a->csrf, "X-CSRF-Token: %s", csrf);
    const char *e = json_string_value(json_object_get(json_object_get(r->json, "enterprise"), "id"));
    if (e)
        snprintf(a->enterprise, sizeof a->enterprise, "%s", e);
}

void hapi_signup(const struct hapi_server *s, const char *email, struct hapi_account *a)
{
    char body[512];
    struct hapi_resp r;
    snprintf(body, sizeof body, "{\"enterprise_name\":\"Ent %s\",\"email\":\"%s\",\"password\":\"long enough pw\","
             "\"country\":\"CN\"}", email, email);
    hapi_http(s, "POST", "/v1/signup", body, NULL, &r);
    hapi_expect(&r, 201, NULL, NULL);
    hapi_take_cookies(&r, a);
    assert_string_equal(strchr(a->csrf, ' ') + 1, hapi_jstr(&r, "csrf_token"));
    hapi_resp_free(&r);
}

/* Logs @p email in again (sessions expire: the test clock moves months). */
void hapi_login(const struct hapi_server *s, const char *email, struct hapi_account *a)
{
    char body[256];
    struct hapi_resp r;
    snprintf(body, sizeof body, "{\"email\":\"%s\",\"password\":\"long enough pw\"}", email);
    hapi_http(s, "POST", "/v1/login", body, NULL, &r);
    hapi_expect(&r, 200, NULL, NULL);
    hapi_take_cookies(&r, a);
    hapi_resp_free(&r);
}

void hapi_set_kind(const struct hapi_server *s, const char *enterprise, const char *kind)
{
    struct cwt__store *st = NULL;
    struct cwt_err err;
    struct cwt__sv p[] = {CWT_SV_TEXT(kind), CWT_SV_TEXT(enterprise)};
    assert_int_equal(cwt__store_open(s->db, NULL, &st, &err), CWT_OK);
    assert_int_equal(cwt__store_exec(st, "UPDATE enterprises SET kind = ? WHERE id = ?", p, 2, NULL, NULL, NULL, &err),
                     CWT_OK);
    cwt__store_free(st);
}

void hapi_key(const struct hapi_server *s, const struct hapi_account *a, const char *scope, char *auth, size_t n)
{
    char body[128];
    struct hapi_resp r;
    const char *h[] = {a->cookie, a->csrf, NULL};
    snprintf(body, sizeof body, "{\"name\":\"feed\",\"scopes\":[\"%s\"]}", scope);
    hapi_http(s, "POST", "/v1/keys", body, h, &r);
    hapi_expect(&r, 201, NULL, NULL);
    snprintf(auth, n, "Authorization: Bearer %s", hapi_jstr(&r, "key"));
    hapi_resp_free(&r);
}

void hapi_db_prepare(struct hapi_server *s, const char *tag, const char *db_url)
{
    s->dir = h_tempdir(tag);
    if (!db_url) {
        snprintf(s->db, sizeof s->db, "sqlite:%s/%s.db", s->dir, tag);
        return;
    }
    snprintf(s->db, sizeof s->db, "%s", db_url);
    struct cwt__store *st = NULL;
    struct cwt_err err;
    if (cwt__store_open(s->db, NULL, &st, &err) != CWT_OK)
        fail_msg("%s: %s", s->db, err.msg);
    cwt__store_exec(st, "DROP SCHEMA public CASCADE", NULL, 0, NULL, NULL, NULL, &err);
    cwt__store_exec(st, "CREATE SCHEMA public", NULL, 0, NULL, NULL, NULL, &err);
    cwt__store_free(st);
}

void hapi_insert_eval(const struct hapi_server *s, const char *site_id, char *id_out, size_t n)
{
    struct cwt__store *st = NULL;
    struct cwt_err err;
    assert_int_equal(cwt__store_open(s->db, NULL, &st, &err), CWT_OK);
    struct cwt__evaluation ev = {0};
    cwt__store_new_id("v_", ev.id);
    snprintf(ev.site_id, sizeof ev.site_id, "%s", site_id);
    ev.at = 1780000000;
    snprintf(ev.model_version, sizeof ev.model_version, "test-1");
    ev.total = 77.5;
    snprintf(ev.grade, sizeof ev.grade, "C");
    ev.report = (char *)"{\"total\":77.5}";
    assert_int_equal(cwt__store_eval_insert(st, &ev, &err), CWT_OK);
    snprintf(id_out, n, "%s", ev.id);
    cwt__store_free(st);
}

int hapi_setup(void **state, const char *tag, const char *db_url, const char *const *extra)
{
    struct hapi_server *s = calloc(1, sizeof *s);
    hapi_db_prepare(s, tag, db_url);
    hapi_start(s, s->db, extra);
    *state = s;
    return 0;
}

int hapi_teardown(void **state)
{
    struct hapi_server *s = *state;
    *state = NULL;
    return s ? hapi_finish(s) : 0;
}

int64_t hapi_query_int(const struct hapi_server *s, const char *sql)
{
    struct cwt__store *st = NULL;
    struct cwt_err err;
    int64_t n = -1;
    assert_int_equal(cwt__store_open(s->db, NULL, &st, &err), CWT_OK);
    if (cwt__store_exec(st, sql, NULL, 0, cwt__row_get_int, &n, NULL, &err) != CWT_OK)
        fail_msg("%s: %s", sql, err.msg);
    cwt__store_free(st);
    return n;
}

int64_t hapi_count_rows(const struct hapi_server *s, const char *table)
{
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
    return hapi_query_int(s, sql);
}

int hapi_finish(struct hapi_server *s)
{
    int rc = hapi_stop(s); /* 0 only after a clean, leak-free (LeakSanitizer) exit */
    if (rc != 0) {
        char log[600];
        snprintf(log, sizeof log, "%s/serve.log", s->dir);
        char *l = h_read_file(log, NULL);
        fprintf(stderr, "cwtap serve exited with %d:\n%s\n", rc, l ? l : "");
        free(l);
    }
    h_rmtree(s->dir);
    free(s->dir);
    free(s);
    return rc == 0 ? 0 : -1;
}
