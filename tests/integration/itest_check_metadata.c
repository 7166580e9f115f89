/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Integration test of `cwtap check-metadata` (src/cli/cmd_check_metadata.c): the real binary on
 * the profile examples and exporter pages, from files, stdin and URLs served by nginx on 127.0.0.1,
 * text and --json, and its exit codes (0 clean, 1 errors, 2 usage, 3 URL not fetched, 4 unreadable
 * input).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "harness.h"

struct row {
    const char *args[6]; /* after "check-metadata" */
    const char *stdin_text;
    int status;
    const char *out_has; /* substring of stdout, or NULL */
    const char *err_has; /* substring of stderr, or NULL */
};

/* Runs `cwtap check-metadata` per row; the index of the first row not as expected (its output on
 * stderr), or SIZE_MAX. */
static size_t run_rows(const char *bin, const struct row *rows, size_t nrows)
{
    for (size_t i = 0; i < nrows; i++) {
        char *argv[10] = {(char *)bin, "check-metadata"};
        size_t n = 2;
        for (size_t k = 0; k < 6 && rows[i].args[k]; k++)
            argv[n++] = (char *)rows[i].args[k];
        argv[n] = NULL;
        struct h_run r;
        if (h_run(argv, rows[i].stdin_text, &r) != 0)
            return i;
        bool ok = r.status == rows[i].status && (!rows[i].out_has || strstr(r.out, rows[i].out_has)) &&
                  (!rows[i].err_has || strstr(r.err, rows[i].err_has));
        if (!ok)
            fprintf(stderr, "row %zu: status %d (want %d)\nstdout: %s\nstderr: %s\n", i, r.status, rows[i].status,
                    r.out, r.err);
        h_run_free(&r);
        if (!ok)
            return i;
    }
    return SIZE_MAX;
}

static void test_cli_table(void **state)
{
    (void)state;
    const char *bin = getenv("CWTAP_BIN");
    assert_non_null(bin);
    char cert[512], page[512], org[512];
    snprintf(cert, sizeof cert, "%s", h_src("tests/fixtures/profile/certification.jsonld"));
    snprintf(page, sizeof page, "%s", h_src("tests/fixtures/content/product_en.html"));
    snprintf(org, sizeof org, "%s", h_src("tests/fixtures/profile/organization.jsonld"));
    const struct row rows[] = {
        {{"--help"}, NULL, 0, "usage: cwtap check-metadata", NULL},
        {{NULL}, NULL, 2, NULL, "expected one FILE"},
        {{"--bogus", cert}, NULL, 2, NULL, "unknown option"},
        {{"--at", "yesterday", cert}, NULL, 2, NULL, "--at 'yesterday'"},
        {{"--at", "2026-01-15", cert}, NULL, 0, "0 error(s), 0 warning(s)", NULL},
        {{"--at", "2026-01-15", org}, NULL, 0, "Organization 1", NULL},
        {{"--at", "2029-01-15", cert}, NULL, 0, "the certificate expired on 2028-01-09", NULL},
        {{"--at", "2026-01-15", page}, NULL, 1, "Certification 'CE LVD test report'.expires", NULL},
        {{"--at", "2026-01-15", "-q", page}, NULL, 1, "error", NULL},
        {{"/nonexistent/page.html"}, NULL, 4, NULL, "cannot open '/nonexistent/page.html'"},
        {{"--jsonld", "-"}, "<<< not json", 4, NULL, "cannot parse JSON-LD"},
        {{"--jsonld", "-"}, "{\"@type\":\"Product\",\"gtin13\":\"6901234567893\"}", 1, "gtin13", NULL},
    };
    size_t bad = run_rows(bin, rows, sizeof rows / sizeof rows[0]);
    if (bad != SIZE_MAX)
        fail_msg("row %zu failed", bad);
}

static void test_cli_json(void **state)
{
    (void)state;
    const char *bin = getenv("CWTAP_BIN");
    char page[512];
    snprintf(page, sizeof page, "%s", h_src("tests/fixtures/content/product_en.html"));
    char *argv[] = {(char *)bin, "check-metadata", "--json", "--at", "2026-01-15", page, NULL};
    struct h_run r;
    assert_int_equal(h_run(argv, NULL, &r), 0);
    assert_int_equal(r.status, 1);
    json_error_t je;
    json_t *o = json_loads(r.out, 0, &je);
    if (!o)
        fail_msg("not JSON: %s", je.text);
    assert_int_equal(json_integer_value(json_object_get(o, "errors")), 1);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(o, "types"), "Report")), 1);
    json_t *issues = json_object_get(o, "issues");
    assert_true(json_array_size(issues) >= 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(issues, 0), "severity")), "error");
    json_decref(o);
    h_run_free(&r);
    /* the command is listed under its dashed name */
    char *help[] = {(char *)bin, "--help", NULL};
    assert_int_equal(h_run(help, NULL, &r), 0);
    assert_non_null(strstr(r.out, "check-metadata"));
    h_run_free(&r);
}

/* Pages served by nginx on 127.0.0.1: fetched through the fetch layer, the SSRF guard in force. */
static void test_cli_url(void **state)
{
    (void)state;
    const char *bin = getenv("CWTAP_BIN");
    char conf[2048], prof[512], content[512];
    snprintf(prof, sizeof prof, "%s", h_src("tests/fixtures/profile")); /* h_src's buffer is reused */
    snprintf(content, sizeof content, "%s", h_src("tests/fixtures/content"));
    snprintf(conf, sizeof conf,
             "server { listen 127.0.0.1:@HTTP_PORT@; server_name localhost;\n"
             "  types { text/html html; application/ld+json jsonld; }\n"
             "  location /profile/ { alias %s/; }\n"
             "  location / { root %s; }\n}\n",
             prof, content);
    struct h_nginx ng;
    if (h_nginx_start(&ng, conf) != 0)
        fail_msg("cannot start nginx");
    char page[256], feed[256], missing[256];
    snprintf(page, sizeof page, "http://127.0.0.1:%d/product_en.html", ng.http_port);
    snprintf(feed, sizeof feed, "http://127.0.0.1:%d/profile/production-feed.jsonld", ng.http_port);
    snprintf(missing, sizeof missing, "http://127.0.0.1:%d/nope.html", ng.http_port);
    const struct row rows[] = {
        {{"--allow-private", "--at", "2026-01-15", page}, NULL, 1, "Certification 'CE LVD test report'.expires", NULL},
        {{"--allow-private", "--at", "2026-01-15", feed}, NULL, 0, "DataFeed 1", NULL},
        {{"--allow-private", "--at", "2026-03-15", feed}, NULL, 0, "[stale]", NULL},
        {{"--allow-private", missing}, NULL, 3, NULL, "HTTP 404"},
        {{page}, NULL, 3, NULL, "127.0.0.1"}, /* loopback is refused without --allow-private */
    };
    size_t bad = run_rows(bin, rows, sizeof rows / sizeof rows[0]);
    h_nginx_stop(&ng);
    if (bad != SIZE_MAX)
        fail_msg("url row %zu failed", bad);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cli_table),
        cmocka_unit_test(test_cli_json),
        cmocka_unit_test(test_cli_url),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
