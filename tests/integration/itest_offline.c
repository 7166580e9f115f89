/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Integration test of the offline commands of the program: `cwtap keys`,
 * `cwtap verify` (valid, expired, tampered, unknown key, rotated key),
 * `cwtap log verify` (intact, edited, deleted, truncated) and `cwtap uploads
 * check`, run as a user runs them, exit codes and output checked.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static char *dir;

static int run(struct h_run *r, const char *stdin_text, ...)
{
    char *argv[32];
    int n = 0;
    argv[n++] = getenv("CWTAP_BIN");
    va_list ap;
    va_start(ap, stdin_text);
    for (char *a; n < 31 && (a = va_arg(ap, char *)) != NULL;)
        argv[n++] = a;
    va_end(ap);
    argv[n] = NULL;
    assert_int_equal(h_run(argv, stdin_text, r), 0);
    return r->status;
}

static char *path(const char *name)
{
    static char buf[4][1024];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

static void trim(char *s)
{
    size_t n = strlen(s);
    while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
        s[--n] = '\0';
}

static void test_keys_and_verify(void **state)
{
    (void)state;
    struct h_run r;
    assert_int_equal(run(&r, NULL, "keys", "new", path("ks.json"), "--at", "2026-09-01T00:00:00Z", NULL), 0);
    h_run_free(&r);
    /* refuses to overwrite */
    assert_int_equal(run(&r, NULL, "keys", "new", path("ks.json"), NULL), 4);
    h_run_free(&r);
    assert_int_equal(run(&r, NULL, "keys", "sign", path("ks.json"), "--site", "site-42", "--domain",
                         "shenzhen-power.example", "--mark", "green", "--score", "82.4", "--cycle", "2026-Q4", "--at",
                         "2026-09-21T10:00:00Z", NULL),
                     0);
    char *tok = strdup(r.out);
    trim(tok);
    h_run_free(&r);
    assert_int_equal(run(&r, NULL, "keys", "public", path("ks.json"), NULL), 0);
    assert_null(strstr(r.out, "\"d\""));
    assert_int_equal(h_write_file(path("pub.json"), r.out, strlen(r.out)), 0);
    h_run_free(&r);

    assert_int_equal(run(&r, NULL, "verify", tok, "--keys", path("pub.json"), "--at", "2026-09-22T00:00:00Z", NULL), 0);
    assert_non_null(strstr(r.out, "valid"));
    assert_non_null(strstr(r.out, "shenzhen-power.example"));
    assert_non_null(strstr(r.out, "2026-Q4"));
    h_run_free(&r);
    /* expired, from stdin, as JSON */
    assert_int_equal(run(&r, tok, "verify", "-", "--keys", path("pub.json"), "--at", "2026-09-28T10:00:00Z", "--json",
                         NULL),
                     1);
    assert_non_null(strstr(r.out, "\"verdict\": \"expired\""));
    h_run_free(&r);
    /* tampered: one character of the payload changed */
    char *bad = strdup(tok);
    bad[10] = bad[10] == 'A' ? 'B' : 'A';
    int st = run(&r, NULL, "verify", bad, "--keys", path("pub.json"), "--at", "2026-09-22T00:00:00Z", NULL);
    assert_true(st == 1 || st == 4);
    assert_null(strstr(r.out, "valid:"));
    h_run_free(&r);
    free(bad);
    /* another key set does not know the key */
    assert_int_equal(run(&r, NULL, "keys", "new", path("other.json"), NULL), 0);
    h_run_free(&r);
    assert_int_equal(run(&r, NULL, "verify", tok, "--keys", path("other.json"), "--at", "2026-09-22T00:00:00Z", NULL), 1);
    assert_non_null(strstr(r.out, "unknown_key"));
    h_run_free(&r);
    /* rotation: the old key stays published as retired and still verifies its tokens */
    assert_int_equal(run(&r, NULL, "keys", "rotate", path("ks.json"), "--at", "2026-09-25T00:00:00Z", NULL), 0);
    h_run_free(&r);
    assert_int_equal(run(&r, NULL, "keys", "public", path("ks.json"), NULL), 0);
    assert_non_null(strstr(r.out, "\"retired\""));
    assert_int_equal(h_write_file(path("pub2.json"), r.out, strlen(r.out)), 0);
    h_run_free(&r);
    assert_int_equal(run(&r, NULL, "verify", tok, "--keys", path("pub2.json"), "--at", "2026-09-26T00:00:00Z", NULL), 0);
    assert_non_null(strstr(r.out, "(retired)"));
    h_run_free(&r);
    assert_int_equal(run(&r, NULL, "verify", tok, NULL), 2); /* no key set */
    h_run_free(&r);
    free(tok);
}

static void test_log_verify(void **state)
{
    (void)state;
    struct h_run r;
    const char *fx = h_src("tests/fixtures/log/marks.ndjson");
    assert_int_equal(run(&r, NULL, "log", "verify", "--file", fx, NULL), 0);
    assert_non_null(strstr(r.out, "ok: 8 entries"));
    h_run_free(&r);
    size_t len;
    char *text = h_read_file(fx, &len);
    assert_non_null(text);
    /* edit one row: suspended -> green */
    char *p = strstr(text, "\"to\":\"suspended\"");
    assert_non_null(p);
    char edited[8192];
    snprintf(edited, sizeof edited, "%.*s\"to\":\"green\"%s", (int)(p - text), text, p + strlen("\"to\":\"suspended\""));
    assert_int_equal(h_write_file(path("edited.ndjson"), edited, strlen(edited)), 0);
    assert_int_equal(run(&r, NULL, "log", "verify", "--file", path("edited.ndjson"), NULL), 1);
    assert_non_null(strstr(r.out, "BROKEN at position 6"));
    h_run_free(&r);
    /* delete the third line */
    char *l3 = text;
    for (int i = 0; i < 2; i++)
        l3 = strchr(l3, '\n') + 1;
    char *l4 = strchr(l3, '\n') + 1;
    char deleted[8192];
    snprintf(deleted, sizeof deleted, "%.*s%s", (int)(l3 - text), text, l4);
    assert_int_equal(run(&r, deleted, "log", "verify", "--file", "-", "--json", NULL), 1);
    assert_non_null(strstr(r.out, "\"first_bad_position\": 3"));
    h_run_free(&r);
    /* a broken line is bad input, named by line */
    assert_int_equal(run(&r, "{\"seq\":1}\n", "log", "verify", "--file", "-", NULL), 4);
    assert_non_null(strstr(r.err, "line 1"));
    h_run_free(&r);
    free(text);
}

static void test_uploads_check(void **state)
{
    (void)state;
    struct h_run r;
    assert_int_equal(run(&r, NULL, "uploads", "check", "customs", h_src("tests/fixtures/uploads/customs_good.csv"),
                         "--at", "2026-08-10", NULL),
                     0);
    h_run_free(&r);
    assert_int_equal(run(&r, NULL, "uploads", "check", "customs",
                         h_src("tests/fixtures/uploads/customs_sensitive.csv"), "--at", "2026-08-10", "--json", NULL),
                     1);
    assert_non_null(strstr(r.out, "\"sensitive\": 8"));
    assert_null(strstr(r.out, "example-exporter"));
    h_run_free(&r);
    assert_int_equal(run(&r, NULL, "uploads", "check", "receipts", "x.csv", NULL), 2);
    h_run_free(&r);
}

static int setup(void **state)
{
    (void)state;
    dir = h_tempdir("offline");
    return dir ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    h_rmtree(dir);
    free(dir);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keys_and_verify),
        cmocka_unit_test(test_log_verify),
        cmocka_unit_test(test_uploads_check),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
