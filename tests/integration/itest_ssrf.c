/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Integration test of the SSRF guard: a matrix of bypass attempts (numeric
 * IPv4 forms, IPv6 forms, userinfo tricks, names resolving to private
 * addresses, redirects from an allowed server to forbidden ones, non-http
 * schemes) against two local servers. Server A is on the allow-list (its exact
 * port); server B is not, and must never see a request. Private non-loopback
 * targets are refused before connect(), so no packet leaves the host.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "fetch/fetch.h"
#include "harness.h"
#include "hsrv.h"

static struct h_srv srv_a, srv_b;
static struct cwt_ctx *ctx;
static char allow_a[64];

struct attempt {
    const char *url;           /* %A: port of A, %B: port of B */
    enum cwt_status want;
    const char *want_in_error; /* substring of the error */
};

static const struct attempt attempts[] = {
    {"http://127.0.0.1:%B/", CWT_EREFUSED, "loopback address"},
    {"http://2130706433:%B/", CWT_EREFUSED, "loopback address"},
    {"http://0x7f000001:%B/", CWT_EREFUSED, "loopback address"},
    {"http://0177.0.0.1:%B/", CWT_EREFUSED, "loopback address"},
    {"http://127.1:%B/", CWT_EREFUSED, "loopback address"},
    {"http://0:%B/", CWT_EREFUSED, "unspecified address"},
    {"http://0.0.0.0:%B/", CWT_EREFUSED, "unspecified address"},
    {"http://[::1]:%B/", CWT_EREFUSED, "loopback address"},
    {"http://[::]:%B/", CWT_EREFUSED, "unspecified address"},
    {"http://[::ffff:127.0.0.1]:%B/", CWT_EREFUSED, "ipv4-mapped"},
    {"http://[0:0:0:0:0:ffff:7f00:1]:%B/", CWT_EREFUSED, "ipv4-mapped"},
    {"http://[::127.0.0.1]:%B/", CWT_EREFUSED, "ipv4-compatible"},
    {"http://[64:ff9b::7f00:1]:%B/", CWT_EREFUSED, "nat64"},
    {"http://[64:ff9b::a00:1]/", CWT_EREFUSED, "nat64"},
    {"http://evil.example@127.0.0.1:%B/", CWT_EREFUSED, "loopback address"},
    {"http://127.0.0.1:%B@evil.example/", CWT_EREFUSED, "private address (10.0.0.0/8)"},
    {"http://www.evil.example:%B/", CWT_EREFUSED, "loopback address"},
    {"http://ten.evil.example/", CWT_EREFUSED, "private address (10.0.0.0/8)"},
    {"http://metadata.evil.example/latest/meta-data/", CWT_EREFUSED, "link-local"},
    {"http://cgnat.evil.example/", CWT_EREFUSED, "cgnat"},
    {"http://home.evil.example/", CWT_EREFUSED, "192.168.0.0/16"},
    {"http://corp.evil.example/", CWT_EREFUSED, "172.16.0.0/12"},
    {"http://v6.evil.example/", CWT_EREFUSED, "loopback address"},
    {"http://ula.evil.example/", CWT_EREFUSED, "unique local"},
    {"http://ll.evil.example/", CWT_EREFUSED, "link-local"},
    {"http://169.254.169.254/latest/meta-data/", CWT_EREFUSED, "link-local"},
    {"http://224.0.0.1/", CWT_EREFUSED, "multicast"},
    {"http://255.255.255.255/", CWT_EREFUSED, "broadcast"},
    {"http://240.0.0.1/", CWT_EREFUSED, "reserved"},
    {"http://[ff02::1]/", CWT_EREFUSED, "multicast"},
    {"http://127.0.0.1:%A/to-b", CWT_EREFUSED, "redirected from"},
    {"http://127.0.0.1:%A/to-b-decimal", CWT_EREFUSED, "loopback address"},
    {"http://127.0.0.1:%A/to-b-v6", CWT_EREFUSED, "loopback address"},
    {"http://127.0.0.1:%A/to-b-name", CWT_EREFUSED, "loopback address"},
    {"http://127.0.0.1:%A/to-ten", CWT_EREFUSED, "private address (10.0.0.0/8)"},
    {"http://127.0.0.1:%A/to-metadata", CWT_EREFUSED, "link-local"},
    {"http://127.0.0.1:%A/to-mapped", CWT_EREFUSED, "ipv4-mapped"},
    {"http://127.0.0.1:%A/to-file", CWT_EUNSUPPORTED, "unsupported scheme"},
    {"file:///etc/passwd", CWT_EUNSUPPORTED, "unsupported scheme"},
    {"gopher://127.0.0.1:%B/_GET%20/", CWT_EUNSUPPORTED, "unsupported scheme"},
    {"dict://127.0.0.1:%B/info", CWT_EUNSUPPORTED, "unsupported scheme"},
    /* positive controls: the allowed server itself, directly and by redirect */
    {"http://127.0.0.1:%A/", CWT_OK, NULL},
    {"http://127.0.0.1:%A/to-self", CWT_OK, NULL},
};

static char *expand(const char *tmpl)
{
    char pa[16], pb[16];
    snprintf(pa, sizeof pa, "%d", srv_a.port);
    snprintf(pb, sizeof pb, "%d", srv_b.port);
    char *t = h_replace(tmpl, "%A", pa);
    char *u = h_replace(t, "%B", pb);
    free(t);
    return u;
}

static int setup(void **state)
{
    (void)state;
    int pa = h_free_port(), pb = h_free_port();
    while (pb == pa)
        pb = h_free_port();
    static char loc[8][160];
    snprintf(loc[0], sizeof loc[0], "Location: http://127.0.0.1:%d/\r\n", pb);
    snprintf(loc[1], sizeof loc[1], "Location: http://2130706433:%d/\r\n", pb);
    snprintf(loc[2], sizeof loc[2], "Location: http://[::1]:%d/\r\n", pb);
    snprintf(loc[3], sizeof loc[3], "Location: http://www.evil.example:%d/\r\n", pb);
    snprintf(loc[4], sizeof loc[4], "Location: http://10.0.0.1/\r\n");
    snprintf(loc[5], sizeof loc[5], "Location: http://169.254.169.254/latest/meta-data/\r\n");
    snprintf(loc[6], sizeof loc[6], "Location: http://[::ffff:127.0.0.1]:%d/\r\n", pb);
    snprintf(loc[7], sizeof loc[7], "Location: http://127.0.0.1:%d/\r\n", pa);
    static struct h_route ra[10];
    ra[0] = (struct h_route){.path = "/", .headers = "Content-Type: text/html\r\n", .body = "<p>a</p>"};
    ra[1] = (struct h_route){.path = "/to-b", .status = 302, .headers = loc[0]};
    ra[2] = (struct h_route){.path = "/to-b-decimal", .status = 302, .headers = loc[1]};
    ra[3] = (struct h_route){.path = "/to-b-v6", .status = 302, .headers = loc[2]};
    ra[4] = (struct h_route){.path = "/to-b-name", .status = 302, .headers = loc[3]};
    ra[5] = (struct h_route){.path = "/to-ten", .status = 302, .headers = loc[4]};
    ra[6] = (struct h_route){.path = "/to-metadata", .status = 302, .headers = loc[5]};
    ra[7] = (struct h_route){.path = "/to-mapped", .status = 302, .headers = loc[6]};
    ra[8] = (struct h_route){.path = "/to-self", .status = 302, .headers = loc[7]};
    ra[9] = (struct h_route){.path = "/to-file", .status = 302, .headers = "Location: file:///etc/passwd\r\n"};
    static const struct h_route rb[] = {{.path = "*", .body = "secret"}};
    if (h_srv_start(&srv_a, pa, ra, CWT_ARRAY_LEN(ra)) != 0 || h_srv_start(&srv_b, pb, rb, 1) != 0)
        return -1;
    snprintf(allow_a, sizeof allow_a, "127.0.0.1:%d", srv_a.port);
    if (cwt_ctx_new(&ctx) != CWT_OK)
        return -1;
    struct cwt_limits lim = {.connect_timeout_ms = 2000, .timeout_ms = 5000};
    cwt_ctx_set_limits(ctx, &lim);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    h_srv_stop(&srv_a);
    h_srv_stop(&srv_b);
    cwt_ctx_free(ctx);
    return 0;
}

static void test_matrix(void **state)
{
    (void)state;
    char rv[10][96];
    snprintf(rv[0], sizeof rv[0], "www.evil.example:%d:127.0.0.1", srv_b.port);
    snprintf(rv[1], sizeof rv[1], "ten.evil.example:80:10.0.0.1");
    snprintf(rv[2], sizeof rv[2], "metadata.evil.example:80:169.254.169.254");
    snprintf(rv[3], sizeof rv[3], "cgnat.evil.example:80:100.64.0.1");
    snprintf(rv[4], sizeof rv[4], "home.evil.example:80:192.168.1.1");
    snprintf(rv[5], sizeof rv[5], "corp.evil.example:80:172.16.0.1");
    snprintf(rv[6], sizeof rv[6], "v6.evil.example:80:[::1]");
    snprintf(rv[7], sizeof rv[7], "ula.evil.example:80:[fd00::1]");
    snprintf(rv[8], sizeof rv[8], "ll.evil.example:80:[fe80::1]");
    snprintf(rv[9], sizeof rv[9], "evil.example:80:10.0.0.1");
    const char *resolve[10];
    for (size_t i = 0; i < 10; i++)
        resolve[i] = rv[i];
    const char *allow[] = {allow_a};
    struct cwt__fetch_opts opts = {
        .resolve = resolve, .nresolve = 10, .allow_cidrs = allow, .nallow_cidrs = 1, .verify_tls = true};

    size_t n = CWT_ARRAY_LEN(attempts);
    char **urls = calloc(n, sizeof *urls);
    struct cwt__response *out = calloc(n, sizeof *out);
    for (size_t i = 0; i < n; i++)
        urls[i] = expand(attempts[i].url);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    assert_int_equal(cwt__fetch_many(ctx, &opts, (const char *const *)urls, n, out), CWT_OK);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    int refused = 0;
    for (size_t i = 0; i < n; i++) {
        const struct cwt__response *r = &out[i];
        print_message("%-48s -> %s: %s\n", urls[i], cwt_status_name(r->rc), r->error ? r->error : "(ok)");
        assert_int_equal(r->rc, attempts[i].want);
        if (attempts[i].want_in_error) {
            assert_non_null(r->error);
            assert_non_null(strstr(r->error, attempts[i].want_in_error));
            refused++;
        } else {
            assert_int_equal(r->status, 200);
            assert_string_equal(r->body, "<p>a</p>");
        }
        if (r->rc == CWT_EREFUSED) {
            assert_non_null(strstr(r->error, "refused to connect to "));
            assert_non_null(strstr(r->error, "--allow-private"));
        }
    }
    assert_true(refused >= 25);
    /* server B never saw a request, whatever the form of the address */
    assert_int_equal(h_srv_count(&srv_b, "GET"), 0);
    print_message("%d bypass attempts refused in %.1f ms\n", refused,
                  (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
    for (size_t i = 0; i < n; i++) {
        cwt__response_release(&out[i]);
        free(urls[i]);
    }
    free(urls);
    free(out);
}

static void test_allow_private_reaches_b(void **state)
{
    (void)state;
    char *url = expand("http://127.0.0.1:%B/");
    struct cwt__fetch_opts opts = {.allow_private = true};
    struct cwt__response r;
    assert_int_equal(cwt__fetch(ctx, &opts, url, &r), CWT_OK);
    assert_int_equal(r.rc, CWT_OK);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.primary_ip, "127.0.0.1");
    assert_int_equal(h_srv_count(&srv_b, "GET /"), 1);
    cwt__response_release(&r);
    free(url);
}

static void test_bad_allow_entry(void **state)
{
    (void)state;
    const char *allow[] = {"127.0.0.1:99999"};
    struct cwt__fetch_opts opts = {.allow_cidrs = allow, .nallow_cidrs = 1};
    struct cwt__response r;
    assert_int_equal(cwt__fetch(ctx, &opts, "http://127.0.0.1/", &r), CWT_EINVAL);
    assert_non_null(strstr(r.error, "invalid allow-list entry '127.0.0.1:99999'"));
    cwt__response_release(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matrix),
        cmocka_unit_test(test_allow_private_reaches_b),
        cmocka_unit_test(test_bad_allow_entry),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
