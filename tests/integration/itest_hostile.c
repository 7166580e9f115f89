/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Integration test: hostile sites. Each case is a local server on 127.0.0.1
 * that misbehaves on purpose (slow drip, redirect loop, endless body, gzip
 * bomb, broken chunked encoding, charset lie, deep nesting, a million links,
 * 500 and 429 storms, a stalled TLS handshake, an unreachable or oversized
 * robots.txt). Every crawl must end within its budget with a clear finding
 * and no crash; the wall time and the peak RSS so far are printed per case.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include "crawl/crawl.h"
#include "crawl/robots.h"
#include "harness.h"
#include "hsrv.h"

#define HOST "hostile.example"

static const struct cwt_limits tight = {
    .max_pages = 20,
    .max_page_bytes = 256 << 10,
    .max_total_bytes = 1 << 20,
    .connect_timeout_ms = 2000,
    .timeout_ms = 4000,
    .site_time_ms = 12000,
};

struct result {
    struct cwt__crawl *c;
    double wall_ms;
    struct h_srv srv;
};

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static void run(const char *name, const struct h_route *routes, size_t n, bool https, const struct cwt_limits *lim,
                struct result *res)
{
    memset(res, 0, sizeof *res);
    assert_int_equal(h_srv_start(&res->srv, 0, routes, n), 0);
    char resolve[96], allow[64], url[128];
    snprintf(resolve, sizeof resolve, "%s:%d:127.0.0.1", HOST, res->srv.port);
    snprintf(allow, sizeof allow, "127.0.0.1:%d", res->srv.port);
    snprintf(url, sizeof url, "%s://%s:%d/", https ? "https" : "http", HOST, res->srv.port);
    const char *rv[] = {resolve};
    const char *al[] = {allow};
    struct cwt__fetch_opts fo = {.resolve = rv, .nresolve = 1, .allow_cidrs = al, .nallow_cidrs = 1};
    struct cwt__crawl_opts co = {.no_http_probe = true};
    struct cwt_ctx *ctx;
    assert_int_equal(cwt_ctx_new(&ctx), CWT_OK);
    cwt_ctx_set_limits(ctx, lim ? lim : &tight);
    struct cwt_err err;
    double t0 = now_ms();
    assert_int_equal(cwt__crawl_site_opts(ctx, &fo, &co, url, &res->c, &err), CWT_OK);
    res->wall_ms = now_ms() - t0;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    const struct cwt__response *home = &res->c->pages[0].resp;
    print_message("%-16s %7.0f ms  peak rss %6ld MiB  pages %zu  requests %u  home: %s %ld %s\n", name, res->wall_ms,
                  ru.ru_maxrss / 1024, res->c->npages, res->c->requests, cwt_status_name(home->rc), home->status,
                  home->error ? home->error : "");
    for (size_t i = 0; i < res->c->nnotes; i++)
        print_message("    note: %s\n", res->c->notes[i]);
    for (size_t i = 1; i < res->c->npages; i++)
        print_message("    page %-12s %ld %6.0f ms %s\n", res->c->pages[i].role, res->c->pages[i].resp.status,
                      res->c->pages[i].resp.total_ms, res->c->pages[i].resp.error ? res->c->pages[i].resp.error : "");
    const struct cwt_limits *l = lim ? lim : &tight;
    assert_true(res->wall_ms <= (double)l->site_time_ms + 3000);
    assert_true(res->c->npages >= 1 && res->c->npages <= l->max_pages);
    assert_true(res->c->total_bytes <= l->max_total_bytes + 4 * (CWT__ROBOTS_MAX_BYTES));
    cwt_ctx_free(ctx);
}

static void done(struct result *res)
{
    cwt__crawl_free(res->c);
    h_srv_stop(&res->srv);
}

static bool has_note(const struct cwt__crawl *c, const char *needle)
{
    for (size_t i = 0; i < c->nnotes; i++)
        if (strstr(c->notes[i], needle))
            return true;
    return false;
}

static void test_slow_drip(void **state)
{
    (void)state;
    static const char body[] = "<html><body><p>one byte a second</p></body></html>";
    struct h_route r[] = {{.path = "/", .headers = "Content-Type: text/html\r\n", .body = body, .mode = H_DRIP,
                           .drip_ms = 1000}};
    struct result res;
    run("slow drip", r, 1, false, NULL, &res);
    const struct cwt__response *h = &res.c->pages[0].resp;
    assert_int_equal(h->rc, CWT_ETIMEOUT);
    assert_non_null(strstr(h->error, "timed out"));
    assert_non_null(strstr(h->error, HOST));
    assert_true(res.wall_ms < tight.timeout_ms + 2000);
    done(&res);
}

static void test_redirect_loop(void **state)
{
    (void)state;
    struct h_route r[] = {{.path = "/", .status = 302, .headers = "Location: /a\r\n"},
                          {.path = "/a", .status = 302, .headers = "Location: /\r\n"}};
    struct result res;
    run("redirect loop", r, 2, false, NULL, &res);
    const struct cwt__response *h = &res.c->pages[0].resp;
    assert_int_equal(h->rc, CWT_EHTTP);
    assert_non_null(strstr(h->error, "more than 5 redirects"));
    done(&res);
}

static void test_endless_body(void **state)
{
    (void)state;
    struct h_route r[] = {{.path = "/", .headers = "Content-Type: text/html\r\n", .mode = H_ENDLESS,
                           .n = (size_t)5 << 30}};
    struct result res;
    run("5 GB body", r, 1, false, NULL, &res);
    const struct cwt__response *h = &res.c->pages[0].resp;
    assert_int_equal(h->rc, CWT_OK);
    assert_true(h->truncated);
    assert_int_equal(h->body_len, tight.max_page_bytes);
    assert_true(has_note(res.c, "was cut at 262144 bytes"));
    done(&res);
}

static void test_gzip_bomb(void **state)
{
    (void)state;
    size_t zlen;
    unsigned char *z = h_gzip_zeros((size_t)1 << 30, &zlen);
    assert_non_null(z);
    struct h_route r[] = {{.path = "/", .headers = "Content-Type: text/html\r\nContent-Encoding: gzip\r\n",
                           .body = (const char *)z, .body_len = zlen}};
    struct result res;
    run("gzip bomb 1 GiB", r, 1, false, NULL, &res);
    const struct cwt__response *h = &res.c->pages[0].resp;
    print_message("    (%zu bytes on the wire)\n", zlen);
    assert_int_equal(h->rc, CWT_OK);
    assert_true(h->truncated);
    assert_int_equal(h->body_len, tight.max_page_bytes);
    done(&res);
    free(z);
}

/* A gzip body whose data is damaged: an error naming the URL and the coding (not a page of garbage);
 * a coding we did not ask for and cannot read (br): refused by name. */
static void test_bad_encodings(void **state)
{
    (void)state;
    size_t zlen;
    unsigned char *z = h_gzip_zeros((size_t)100000, &zlen);
    assert_non_null(z);
    for (size_t i = 12; i < zlen - 8; i += 7)
        z[i] ^= 0x5a;
    struct h_route r[] = {{.path = "/", .headers = "Content-Type: text/html\r\nContent-Encoding: gzip\r\n",
                           .body = (const char *)z, .body_len = zlen}};
    struct result res;
    run("damaged gzip", r, 1, false, NULL, &res);
    const struct cwt__response *h = &res.c->pages[0].resp;
    assert_int_equal(h->rc, CWT_EHTTP);
    assert_non_null(strstr(h->error, "could not be decoded (Content-Encoding: gzip)"));
    assert_non_null(strstr(h->error, "http://" HOST));
    done(&res);
    free(z);
    struct h_route b[] = {{.path = "/", .headers = "Content-Type: text/html\r\nContent-Encoding: br\r\n",
                           .body = "\x1b\x03\x00\xf8\x25\x30\x30", .body_len = 7}};
    run("br unasked", b, 1, false, NULL, &res);
    h = &res.c->pages[0].resp;
    assert_int_equal(h->rc, CWT_EUNSUPPORTED);
    assert_non_null(strstr(h->error, "Content-Encoding: br"));
    assert_int_equal(h->body_len, 0);
    done(&res);
}

static void test_broken_chunked(void **state)
{
    (void)state;
    struct h_route r[] = {{.path = "/", .headers = "Content-Type: text/html\r\n", .body = "<p>start</p>",
                           .mode = H_BROKEN_CHUNKED}};
    struct result res;
    run("broken chunked", r, 1, false, NULL, &res);
    const struct cwt__response *h = &res.c->pages[0].resp;
    assert_int_equal(h->rc, CWT_EHTTP);
    assert_non_null(strstr(h->error, "transfer of 'http://" HOST));
    done(&res);
}

static void test_charset_lie(void **state)
{
    (void)state;
    struct h_route r[] = {{.path = "/", .headers = "Content-Type: text/html; charset=gb2312\r\n",
                           .body = "<html><body><p>联系我们：深圳市电子有限公司</p></body></html>"}};
    struct result res;
    run("charset lie", r, 1, false, NULL, &res);
    const struct cwt__response *h = &res.c->pages[0].resp;
    assert_int_equal(h->rc, CWT_OK);
    assert_string_equal(h->charset, "utf-8");
    assert_non_null(strstr(h->charset_note, "declared 'gb2312'"));
    assert_true(has_note(res.c, "valid utf-8"));
    assert_non_null(strstr(res.c->pages[0].doc->text, "深圳市电子有限公司"));
    done(&res);
}

static void test_deep_nesting(void **state)
{
    (void)state;
    size_t depth = 100000;
    char *body = malloc(depth * 5 + 64);
    size_t o = (size_t)snprintf(body, 64, "<html><body>");
    for (size_t i = 0; i < depth; i++, o += 5)
        memcpy(body + o, "<div>", 5);
    body[o] = '\0';
    struct h_route r[] = {{.path = "/", .headers = "Content-Type: text/html\r\n", .body = body}};
    struct cwt_limits lim = tight;
    lim.max_page_bytes = 1 << 20;
    struct result res;
    run("100k nesting", r, 1, false, &lim, &res);
    assert_int_equal(res.c->pages[0].resp.rc, CWT_OK);
    assert_int_equal(res.c->pages[0].resp.body_len, o);
    done(&res);
    free(body);
}

static void test_million_links(void **state)
{
    (void)state;
    size_t n = 1000000;
    char *body = malloc(n * 32 + 64);
    size_t o = (size_t)snprintf(body, 64, "<html><body>");
    for (size_t i = 0; i < n; i++)
        o += (size_t)snprintf(body + o, 32, "<a href=/p%zu>p</a>", i);
    body[o] = '\0';
    struct h_route r[] = {{.path = "/", .headers = "Content-Type: text/html\r\n", .body = body},
                          {.path = "*", .headers = "Content-Type: text/html\r\n", .body = "<p>x</p>"}};
    /* the default page cap (2 MiB): the page is cut there, so the parse stays bounded */
    struct cwt_limits lim = tight;
    lim.max_page_bytes = 2 << 20;
    lim.max_total_bytes = 4 << 20;
    lim.site_time_ms = 30000; /* the parse of 2 MiB of links is slow under the sanitizers */
    struct result res;
    run("1M links", r, 2, false, &lim, &res);
    print_message("    (%zu bytes, %zu links kept by the page layer)\n", o,
                  res.c->pages[0].doc ? res.c->pages[0].doc->nlinks : 0);
    assert_int_equal(res.c->pages[0].resp.rc, CWT_OK);
    assert_true(res.c->pages[0].resp.truncated);
    assert_int_equal(res.c->pages[0].resp.body_len, lim.max_page_bytes);
    /* none of those links is a due-diligence page: nothing else is fetched */
    assert_int_equal(res.c->npages, 1);
    done(&res);
    free(body);
}

static const char storm_home[] =
    "<html><body><a href=/contact>Contact</a><a href=/about>About us</a><a href=/privacy>Privacy</a>"
    "<a href=/terms>Terms</a><a href=/returns>Returns</a><a href=/certificates>Certificates</a>"
    "<a href=/products>Products</a><a href=/factory>Factory</a><a href=/downloads>Downloads</a></body></html>";

static void test_500_storm(void **state)
{
    (void)state;
    struct h_route r[] = {{.path = "/", .headers = "Content-Type: text/html\r\n", .body = storm_home},
                          {.path = "/robots.txt", .status = 404},
                          {.path = "*", .status = 500, .body = "oops"}};
    struct result res;
    run("500 storm", r, 3, false, NULL, &res);
    assert_true(has_note(res.c, "in a row failed"));
    assert_true(res.c->requests <= 3 + 9);
    for (size_t i = 1; i < res.c->npages; i++)
        assert_int_equal(res.c->pages[i].resp.status, 500);
    done(&res);
}

static void test_429_storm(void **state)
{
    (void)state;
    struct h_route r[] = {{.path = "/", .headers = "Content-Type: text/html\r\n", .body = storm_home},
                          {.path = "/robots.txt", .status = 404},
                          {.path = "*", .status = 429, .headers = "Retry-After: 1\r\n"}};
    struct result res;
    run("429 storm", r, 3, false, NULL, &res);
    size_t retried = 0;
    for (size_t i = 0; i < res.c->nnotes; i++)
        retried += strstr(res.c->notes[i], "retried once") != NULL;
    assert_true(retried >= 1 && retried <= 3);
    assert_true(has_note(res.c, "in a row failed"));
    done(&res);
}

static void test_429_long_retry_after(void **state)
{
    (void)state;
    struct h_route r[] = {{.path = "*", .status = 429, .headers = "Retry-After: 3600\r\n"}};
    struct result res;
    run("429 retry 1h", r, 1, false, NULL, &res);
    assert_int_equal(res.c->pages[0].resp.status, 429);
    assert_true(has_note(res.c, "not retried"));
    assert_true(res.wall_ms < 5000);
    done(&res);
}

/* Requests for the home page "/" (the log has one "METHOD TARGET" a line). */
static int home_requests(const struct h_srv *s)
{
    return h_srv_count(s, "GET /") - h_srv_count(s, "GET /robots.txt") - h_srv_count(s, "GET /sitemap.xml");
}

/* Retry-After as an HTTP-date (RFC 9110): counted from the response's Date header, so 2 s here whatever
 * our clock says; the page is asked for twice. */
static void test_503_retry_after_date(void **state)
{
    (void)state;
    struct h_route r[] = {{.path = "/robots.txt", .status = 404},
                          {.path = "*", .status = 503,
                           .headers = "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\nRetry-After: Sun, 06 Nov 1994 08:49:39 GMT\r\n"}};
    struct result res;
    run("503 retry date", r, 2, false, NULL, &res);
    assert_int_equal(res.c->pages[0].resp.status, 503);
    assert_true(has_note(res.c, "Retry-After: Sun, 06 Nov 1994 08:49:39 GMT (2 s); retried once"));
    assert_int_equal(home_requests(&res.srv), 2);
    assert_true(res.wall_ms >= 1900);
    done(&res);
}

/* An HTTP-date without a Date header is taken against our clock: one in the past means no wait. */
static void test_429_retry_after_past_date(void **state)
{
    (void)state;
    struct h_route r[] = {{.path = "/robots.txt", .status = 404},
                          {.path = "*", .status = 429, .headers = "Retry-After: Sunday, 06-Nov-94 08:49:37 GMT\r\n"}};
    struct result res;
    run("429 past date", r, 2, false, NULL, &res);
    assert_true(has_note(res.c, "(0 s); retried once"));
    assert_int_equal(home_requests(&res.srv), 2);
    assert_true(res.wall_ms < 2000);
    done(&res);
}

/* A wait the site's time budget cannot hold is not waited (8 s asked, 5 s budget), whatever its form. */
static void test_503_retry_after_past_budget(void **state)
{
    (void)state;
    static const char *const forms[] = {
        "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\nRetry-After: Sun Nov  6 08:49:45 1994\r\n",
        "Retry-After: 8\r\n",
    };
    for (size_t i = 0; i < CWT_ARRAY_LEN(forms); i++) {
        struct h_route r[] = {{.path = "/robots.txt", .status = 404}, {.path = "*", .status = 503, .headers = forms[i]}};
        struct cwt_limits lim = tight;
        lim.site_time_ms = 5000;
        struct result res;
        run("503 past budget", r, 2, false, &lim, &res);
        assert_true(has_note(res.c, "(8 s), longer than the site's time left; not retried"));
        assert_int_equal(home_requests(&res.srv), 1);
        assert_true(res.wall_ms < 3000);
        done(&res);
    }
}

/* A malformed Retry-After is no Retry-After: not retried. */
static void test_429_retry_after_malformed(void **state)
{
    (void)state;
    struct h_route r[] = {{.path = "/robots.txt", .status = 404},
                          {.path = "*", .status = 429, .headers = "Retry-After: sun, 06 nov 1994 08:49:37 gmt\r\n"}};
    struct result res;
    run("429 bad date", r, 2, false, NULL, &res);
    assert_false(has_note(res.c, "retried once"));
    assert_int_equal(home_requests(&res.srv), 1);
    done(&res);
}

static void test_stalled_tls(void **state)
{
    (void)state;
    struct h_route r[] = {{.path = "*", .mode = H_STALL}};
    struct result res;
    run("stalled tls", r, 1, true, NULL, &res);
    const struct cwt__response *h = &res.c->pages[0].resp;
    assert_int_equal(h->rc, CWT_ETIMEOUT);
    assert_non_null(strstr(h->error, "https://" HOST));
    assert_true(res.wall_ms < tight.connect_timeout_ms + 2000);
    done(&res);
}

static void test_robots_unreachable(void **state)
{
    (void)state;
    struct h_route r[] = {{.path = "/", .headers = "Content-Type: text/html\r\n", .body = storm_home},
                          {.path = "/robots.txt", .status = 503, .body = "down"}};
    struct result res;
    run("robots 503", r, 2, false, NULL, &res);
    assert_int_equal(res.c->npages, 1);
    assert_true(has_note(res.c, "robots.txt of"));
    assert_int_equal(h_srv_count(&res.srv, "GET /contact"), 0);
    done(&res);
}

static void test_robots_huge(void **state)
{
    (void)state;
    size_t n = 5 << 20;
    char *robots = malloc(n + 64);
    memset(robots, '#', n);
    for (size_t i = 80; i < n; i += 81)
        robots[i] = '\n';
    size_t o = n + (size_t)snprintf(robots + n, 64, "\nUser-agent: *\nDisallow: /\n");
    struct h_route r[] = {{.path = "/", .headers = "Content-Type: text/html\r\n", .body = storm_home},
                          {.path = "/robots.txt", .headers = "Content-Type: text/plain\r\n", .body = robots,
                           .body_len = o},
                          {.path = "*", .headers = "Content-Type: text/html\r\n", .body = "<p>x</p>"}};
    struct result res;
    run("5 MB robots.txt", r, 3, false, NULL, &res);
    /* only the first 500 KiB are read: the Disallow at the end is never seen */
    assert_true(res.c->npages > 1);
    done(&res);
    free(robots);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_slow_drip),        cmocka_unit_test(test_redirect_loop),
        cmocka_unit_test(test_endless_body),     cmocka_unit_test(test_gzip_bomb), cmocka_unit_test(test_bad_encodings),
        cmocka_unit_test(test_broken_chunked),   cmocka_unit_test(test_charset_lie),
        cmocka_unit_test(test_deep_nesting),     cmocka_unit_test(test_million_links),
        cmocka_unit_test(test_500_storm),        cmocka_unit_test(test_429_storm),
        cmocka_unit_test(test_429_long_retry_after), cmocka_unit_test(test_stalled_tls),
        cmocka_unit_test(test_503_retry_after_date), cmocka_unit_test(test_429_retry_after_past_date),
        cmocka_unit_test(test_503_retry_after_past_budget), cmocka_unit_test(test_429_retry_after_malformed),
        cmocka_unit_test(test_robots_unreachable), cmocka_unit_test(test_robots_huge),
    };
    if (getenv("CWT_TEST_FILTER")) /* e.g. CWT_TEST_FILTER='test_gzip*' */
        cmocka_set_test_filter(getenv("CWT_TEST_FILTER"));
    return cmocka_run_group_tests(tests, NULL, NULL);
}
