/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Integration test of the fetch layer against nginx on 127.0.0.1 with a test
 * CA: HTTP/2 over TLS, --ca-file, a TLS failure when verifying (expired
 * certificate) and the same site fetched when not verifying, compression,
 * header capture, non-HTML types, many URLs at once, a refused connection, an
 * unresolvable name (only inside the test's own network namespace), the
 * user agent the sites see, and a request for the headers alone.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "fetch/fetch.h"
#include "harness.h"

#define GOOD "www.good-valves.example"
#define EXPIRED "www.expired-valves.example"

static char *dir;
static struct h_ca ca;
static struct h_nginx ng;
static struct cwt_ctx *ctx;
static char rv[3][128], allow[2][64];
static const char *resolve[3], *allows[2];

static const char *conf_tpl =
    "  log_format ua '$http_user_agent';\n"
    "  server { listen 127.0.0.1:@HTTP_PORT@; server_name " GOOD "; root @D@/www; access_log @D@/ua.log ua;\n"
    "           location /redir { return 301 https://" GOOD ":@HTTPS_PORT@/; } }\n"
    "  server { listen 127.0.0.1:@HTTPS_PORT@ ssl http2; server_name " GOOD "; root @D@/www;\n"
    "           ssl_certificate @D@/good.pem; ssl_certificate_key @D@/good.key;\n"
    "           gzip on; gzip_min_length 10; gzip_types text/plain;\n"
    "           add_header X-Trace Abc always; }\n"
    "  server { listen 127.0.0.1:@PORT0@ ssl; server_name " EXPIRED "; root @D@/www;\n"
    "           ssl_certificate @D@/expired.pem; ssl_certificate_key @D@/expired.key; }\n";

static int setup(void **state)
{
    (void)state;
    if (cwt_ctx_new(&ctx) != CWT_OK || !(dir = h_tempdir("fetch")))
        return -1;
    struct cwt_limits lim = {.connect_timeout_ms = 3000, .timeout_ms = 8000};
    cwt_ctx_set_limits(ctx, &lim);
    if (h_ca_create(&ca, dir) || h_ca_issue(&ca, "good", GOOD, false, -30, 365) ||
        h_ca_issue(&ca, "expired", EXPIRED, false, -400, -10))
        return -1;
    char p[1024];
    snprintf(p, sizeof p, "%s/www", dir);
    mkdir(p, 0700);
    static const char page[] = "<!doctype html><html lang=en><head><title>Good Valves</title></head><body>"
                               "<p>Brass ball valves, brass ball valves, brass ball valves, brass ball valves.</p>"
                               "</body></html>";
    snprintf(p, sizeof p, "%s/www/index.html", dir);
    h_write_file(p, page, strlen(page));
    snprintf(p, sizeof p, "%s/www/logo.png", dir);
    h_write_file(p, "\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
    for (int i = 0; i < 24; i++) {
        char body[64];
        snprintf(p, sizeof p, "%s/www/p%d.html", dir, i);
        int n = snprintf(body, sizeof body, "<p>page %d</p>", i);
        h_write_file(p, body, (size_t)n);
    }
    char *a = h_replace(conf_tpl, "@D@", dir);
    int rc = h_nginx_start(&ng, a);
    free(a);
    if (rc)
        return -1;
    snprintf(rv[0], sizeof rv[0], GOOD ":%d:127.0.0.1", ng.https_port);
    snprintf(rv[1], sizeof rv[1], GOOD ":%d:127.0.0.1", ng.http_port);
    snprintf(rv[2], sizeof rv[2], EXPIRED ":%d:127.0.0.1", ng.ports[0]);
    snprintf(allow[0], sizeof allow[0], "127.0.0.1:%d", ng.https_port);
    snprintf(allow[1], sizeof allow[1], "127.0.0.1:%d", ng.ports[0]);
    for (int i = 0; i < 3; i++)
        resolve[i] = rv[i];
    allows[0] = allow[0];
    allows[1] = allow[1];
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    h_nginx_stop(&ng);
    h_ca_free(&ca);
    h_rmtree(dir);
    free(dir);
    cwt_ctx_free(ctx);
    return 0;
}

static void url_of(char *buf, size_t n, const char *scheme, const char *host, int port, const char *path)
{
    snprintf(buf, n, "%s://%s:%d%s", scheme, host, port, path);
}

static void test_https_h2_ca_file(void **state)
{
    (void)state;
    struct cwt__fetch_opts o = {.ca_file = ca.ca_pem, .verify_tls = true, .resolve = resolve, .nresolve = 3,
                                .allow_private = true};
    char u[256];
    url_of(u, sizeof u, "https", GOOD, ng.https_port, "/");
    struct cwt__response r;
    assert_int_equal(cwt__fetch(ctx, &o, u, &r), CWT_OK);
    assert_int_equal(r.rc, CWT_OK);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.http_version, "2");
    assert_string_equal(r.content_type, "text/html");
    assert_string_equal(r.primary_ip, "127.0.0.1");
    assert_string_equal(cwt__response_header(&r, "x-trace"), "Abc");
    assert_string_equal(cwt__response_header(&r, "content-encoding"), "gzip"); /* decoded for us */
    assert_non_null(strstr(r.body, "Brass ball valves"));
    assert_true(r.total_ms > 0);
    cwt__response_release(&r);
}

static void test_tls_failure_and_no_verify(void **state)
{
    (void)state;
    char u[256];
    url_of(u, sizeof u, "https", EXPIRED, ng.ports[0], "/");
    struct cwt__fetch_opts o = {.ca_file = ca.ca_pem, .verify_tls = true, .resolve = resolve, .nresolve = 3,
                                .allow_cidrs = allows, .nallow_cidrs = 2};
    struct cwt__response r;
    assert_int_equal(cwt__fetch(ctx, &o, u, &r), CWT_OK);
    assert_int_equal(r.rc, CWT_ETLS);
    assert_non_null(strstr(r.error, "tls failure for '"));
    assert_non_null(strstr(r.error, EXPIRED));
    cwt__response_release(&r);
    /* the tls layer judges certificates; the crawl still reads the site */
    o.verify_tls = false;
    assert_int_equal(cwt__fetch(ctx, &o, u, &r), CWT_OK);
    assert_int_equal(r.rc, CWT_OK);
    assert_int_equal(r.status, 200);
    cwt__response_release(&r);
    /* system store only: the test CA is unknown */
    o.verify_tls = true;
    o.ca_file = NULL;
    url_of(u, sizeof u, "https", GOOD, ng.https_port, "/");
    assert_int_equal(cwt__fetch(ctx, &o, u, &r), CWT_OK);
    assert_int_equal(r.rc, CWT_ETLS);
    cwt__response_release(&r);
}

/* A verified fetch checks the chain against the store libcurl 7.88 would load for the connection,
 * read once per process (tls_store.c) and read again when the file changes: the same answers as
 * libcurl's own, its partial chains included (a CA file holding the site's own certificate anchors
 * it), and a file that cannot be read is libcurl's error as before. */
static void test_verify_store(void **state)
{
    (void)state;
    char u[256], leaf[1100], ca_copy[1100], good[1100];
    url_of(u, sizeof u, "https", GOOD, ng.https_port, "/");
    snprintf(good, sizeof good, "%s/good.pem", dir);
    snprintf(ca_copy, sizeof ca_copy, "%s/ca-copy.pem", dir);
    snprintf(leaf, sizeof leaf, "%s/leaf-as-ca.pem", dir);
    assert_int_equal(h_sh("cp '%s' '%s' && cp '%s' '%s'", ca.ca_pem, ca_copy, good, leaf), 0);
    struct cwt__fetch_opts o = {.ca_file = ca_copy, .verify_tls = true, .resolve = resolve, .nresolve = 3,
                                .allow_private = true};
    struct cwt__response r;
    for (int i = 0; i < 2; i++) { /* the second time from the process's copy */
        assert_int_equal(cwt__fetch(ctx, &o, u, &r), CWT_OK);
        assert_int_equal(r.rc, CWT_OK);
        assert_int_equal(r.status, 200);
        cwt__response_release(&r);
    }
    o.ca_file = leaf; /* X509_V_FLAG_PARTIAL_CHAIN, as libcurl sets it */
    assert_int_equal(cwt__fetch(ctx, &o, u, &r), CWT_OK);
    assert_int_equal(r.rc, CWT_OK);
    cwt__response_release(&r);
    /* the file rewritten with another certificate: read again, the site's chain no longer trusted */
    h_write_file(ca_copy, "", 0);
    assert_int_equal(h_sh("cat '%s/expired.pem' > '%s'", dir, ca_copy), 0);
    o.ca_file = ca_copy;
    assert_int_equal(cwt__fetch(ctx, &o, u, &r), CWT_OK);
    assert_int_equal(r.rc, CWT_ETLS);
    assert_non_null(strstr(r.error, "tls failure for '"));
    cwt__response_release(&r);
    /* a file that cannot be read: libcurl reads it itself and says so */
    h_write_file(ca_copy, "not a certificate\n", 18);
    assert_int_equal(cwt__fetch(ctx, &o, u, &r), CWT_OK);
    assert_int_equal(r.rc, CWT_ETLS);
    assert_non_null(strstr(r.error, "ca-copy.pem"));
    cwt__response_release(&r);
}

static void test_many_and_types(void **state)
{
    (void)state;
    struct cwt__fetch_opts o = {.ca_file = ca.ca_pem, .verify_tls = true, .resolve = resolve, .nresolve = 3,
                                .allow_cidrs = allows, .nallow_cidrs = 2};
    enum { N = 26 };
    char bufs[N][256];
    const char *urls[N];
    for (int i = 0; i < 24; i++) {
        char path[32];
        snprintf(path, sizeof path, "/p%d.html", i);
        url_of(bufs[i], sizeof bufs[i], "https", GOOD, ng.https_port, path);
    }
    url_of(bufs[24], sizeof bufs[24], "https", GOOD, ng.https_port, "/logo.png");
    url_of(bufs[25], sizeof bufs[25], "https", GOOD, ng.https_port, "/missing.html");
    for (int i = 0; i < N; i++)
        urls[i] = bufs[i];
    struct cwt__response out[N];
    assert_int_equal(cwt__fetch_many(ctx, &o, urls, N, out), CWT_OK);
    for (int i = 0; i < 24; i++) {
        char want[32];
        snprintf(want, sizeof want, "<p>page %d</p>", i);
        assert_int_equal(out[i].rc, CWT_OK);
        assert_string_equal(out[i].body, want);
        assert_string_equal(out[i].url, urls[i]);
    }
    assert_string_equal(out[24].content_type, "image/png");
    assert_null(out[24].charset);
    assert_int_equal(out[24].body_len, 16);
    assert_int_equal(memcmp(out[24].body, "\x89PNG", 4), 0);
    assert_int_equal(out[25].rc, CWT_OK); /* a response arrived */
    assert_int_equal(out[25].status, 404);
    for (int i = 0; i < N; i++)
        cwt__response_release(&out[i]);
}

static void test_errors_name_the_url(void **state)
{
    (void)state;
    struct cwt__fetch_opts o = {.allow_private = true, .resolve = resolve, .nresolve = 3};
    char u[256];
    url_of(u, sizeof u, "http", "127.0.0.1", h_free_port(), "/");
    struct cwt__response r;
    assert_int_equal(cwt__fetch(ctx, &o, u, &r), CWT_OK);
    assert_int_equal(r.rc, CWT_ECONNECT);
    assert_non_null(strstr(r.error, "cannot connect to '"));
    assert_non_null(strstr(r.error, u));
    cwt__response_release(&r);

    assert_int_equal(cwt__fetch(ctx, &o, "", &r), CWT_OK);
    assert_int_equal(r.rc, CWT_EINVAL);
    cwt__response_release(&r);
    assert_int_equal(cwt__fetch(ctx, &o, "http://exa mple.com/", &r), CWT_OK);
    assert_true(r.rc == CWT_EINVAL || r.rc == CWT_ERESOLVE);
    cwt__response_release(&r);

    const char *ns = getenv("CWTAP_NETNS");
    if (!ns || strcmp(ns, "1") != 0) {
        print_message("not in a private network namespace: the unresolvable-name case is skipped\n");
        return;
    }
    assert_int_equal(cwt__fetch(ctx, &o, "http://no-such-host.invalid/", &r), CWT_OK);
    assert_int_equal(r.rc, CWT_ERESOLVE);
    assert_non_null(strstr(r.error, "cannot resolve 'no-such-host.invalid'"));
    cwt__response_release(&r);
}

static void test_user_agent_and_redirect(void **state)
{
    (void)state;
    struct cwt__fetch_opts o = {.ca_file = ca.ca_pem, .verify_tls = true, .resolve = resolve, .nresolve = 3,
                                .allow_private = true};
    char u[256];
    url_of(u, sizeof u, "http", GOOD, ng.http_port, "/redir");
    struct cwt__response r;
    assert_int_equal(cwt__fetch(ctx, &o, u, &r), CWT_OK);
    assert_int_equal(r.rc, CWT_OK);
    assert_int_equal(r.redirects, 1);
    assert_non_null(strstr(r.final_url, "https://" GOOD));
    cwt__response_release(&r);
    char p[1024];
    snprintf(p, sizeof p, "%s/ua.log", dir);
    char *log = h_read_file(p, NULL);
    assert_non_null(log);
    assert_non_null(strstr(log, "cwtap/" CWTAP_VERSION_STRING " (+https://cwtap.org/bot)"));
    free(log);
}

/* A request for the headers alone (the crawl's plain-http probe): the redirect is followed and the final
 * response's status, headers and URL are kept, its body is not read; the HTTP/2 connection it rode still
 * serves the next run's transfers. */
static void test_headers_only(void **state)
{
    (void)state;
    struct cwt__fetch_opts o = {.ca_file = ca.ca_pem, .verify_tls = true, .resolve = resolve, .nresolve = 3,
                                .allow_private = true};
    struct cwt__fetcher *f = NULL;
    struct cwt_err err;
    assert_int_equal(cwt__fetcher_new(ctx, &o, &f, &err), CWT_OK);
    char u[2][256];
    url_of(u[0], sizeof u[0], "http", GOOD, ng.http_port, "/redir");
    url_of(u[1], sizeof u[1], "https", GOOD, ng.https_port, "/index.html");
    struct cwt__fetch_req reqs[2] = {{.url = u[0], .headers_only = true}, {.url = u[1], .headers_only = true}};
    struct cwt__response out[2];
    assert_int_equal(cwt__fetcher_run(f, reqs, 2, out), CWT_OK);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(out[i].rc, CWT_OK);
        assert_int_equal(out[i].status, 200);
        assert_int_equal(out[i].body_len, 0);
        assert_string_equal(out[i].body, "");
        assert_true(out[i].truncated);
        assert_string_equal(out[i].content_type, "text/html");
        assert_string_equal(cwt__response_header(&out[i], "x-trace"), "Abc");
    }
    assert_int_equal(out[0].redirects, 1);
    assert_non_null(strstr(out[0].final_url, "https://" GOOD));
    for (int i = 0; i < 2; i++)
        cwt__response_release(&out[i]);
    reqs[1].headers_only = false;
    assert_int_equal(cwt__fetcher_run(f, &reqs[1], 1, out), CWT_OK);
    assert_int_equal(out[0].rc, CWT_OK);
    assert_false(out[0].truncated);
    assert_non_null(strstr(out[0].body, "<title>Good Valves</title>"));
    cwt__response_release(&out[0]);
    cwt__fetcher_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_https_h2_ca_file),    cmocka_unit_test(test_tls_failure_and_no_verify),
        cmocka_unit_test(test_verify_store),
        cmocka_unit_test(test_many_and_types),      cmocka_unit_test(test_errors_name_the_url),
        cmocka_unit_test(test_user_agent_and_redirect), cmocka_unit_test(test_headers_only),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
