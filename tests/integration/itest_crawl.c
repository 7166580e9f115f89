/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Integration test of the crawl layer against a scripted exporter site on
 * 127.0.0.1 reached under its real-looking name through --resolve: the plan
 * (which pages, for which role, why), robots.txt honoured (the server's log
 * proves the disallowed page was never requested), the sitemap used, the
 * product sample capped, a GBK page converted, other sites left alone, and
 * the plain-http probe recorded.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>

#include "crawl/crawl.h"
#include "harness.h"
#include "hsrv.h"

#define HOST "www.ningbo-valves.example"

static struct h_srv srv;
static struct cwt_ctx *ctx;
static char resolve_entry[96], allow_entry[64], base[128];
static char *gbk_contact;

static const char home_html[] =
    "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>宁波阀门有限公司</title></head><body>"
    "<nav><a href=\"/\">首页</a> <a href=\"/about-us/\">About us</a> <a href=\"/lianxi.html\">联系我们</a>"
    " <a href=\"/products/\">产品中心</a> <a href=\"/admin/certs\">资质证书</a>"
    " <a href=\"http://other-site.example/contact\">Contact our partner</a>"
    " <a href=\"/files/catalog.pdf\">Download catalog (PDF)</a></nav>"
    "<p>Brass ball valves since 1998.</p>"
    "<footer><a href=\"/yinsi.html\">隐私政策</a> <a href=\"/terms\">Terms of use</a></footer></body></html>";

static const char products_html[] =
    "<html><body><h1>Products</h1><ul>"
    "<li><a href=\"/products/ball-valve-dn15.html\">Ball valve DN15</a></li>"
    "<li><a href=\"/products/ball-valve-dn20.html\">Ball valve DN20</a></li>"
    "<li><a href=\"/products/ball-valve-dn25.html\">Ball valve DN25</a></li>"
    "<li><a href=\"/products/gate-valve-dn50.html\">Gate valve DN50</a></li>"
    "<li><a href=\"/products/check-valve-dn80.html\">Check valve DN80</a></li>"
    "</ul></body></html>";

static int setup(void **state)
{
    (void)state;
    int port = h_free_port();
    /* the contact page is GBK, declared in the Content-Type header */
    const char *utf8 = "<html><body><h1>联系我们</h1><p>地址：浙江省宁波市</p></body></html>";
    iconv_t cd = iconv_open("GBK", "UTF-8");
    size_t il = strlen(utf8), ol = il * 2 + 1;
    gbk_contact = calloc(1, ol);
    char *ip = (char *)utf8, *op = gbk_contact;
    iconv(cd, &ip, &il, &op, &ol);
    iconv_close(cd);
    static char robots[256], sitemap[512], probe_loc[128];
    snprintf(robots, sizeof robots, "User-agent: *\nDisallow: /admin\n\nSitemap: http://%s:%d/sitemap.xml\n", HOST,
             port);
    snprintf(sitemap, sizeof sitemap,
             "<?xml version=\"1.0\"?><urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
             "<url><loc>http://%s:%d/</loc></url><url><loc>http://%s:%d/factory-tour.html</loc></url></urlset>",
             HOST, port, HOST, port);
    snprintf(probe_loc, sizeof probe_loc, "Location: https://%s/\r\n", HOST);
    static struct h_route routes[16];
    size_t n = 0;
    const char *html = "Content-Type: text/html; charset=utf-8\r\n";
    routes[n++] = (struct h_route){.path = "/", .headers = html, .body = home_html};
    routes[n++] = (struct h_route){.path = "/robots.txt", .headers = "Content-Type: text/plain\r\n", .body = robots};
    routes[n++] = (struct h_route){.path = "/sitemap.xml", .headers = "Content-Type: application/xml\r\n", .body = sitemap};
    routes[n++] = (struct h_route){.path = "/about-us/", .headers = html, .body = "<p>About Ningbo Valves</p>"};
    routes[n++] = (struct h_route){.path = "/lianxi.html", .headers = "Content-Type: text/html; charset=GBK\r\n",
                                   .body = gbk_contact};
    routes[n++] = (struct h_route){.path = "/products/", .headers = html, .body = products_html};
    routes[n++] = (struct h_route){.path = "/yinsi.html", .headers = html, .body = "<p>隐私政策全文</p>"};
    routes[n++] = (struct h_route){.path = "/terms", .headers = html, .body = "<p>Terms</p>"};
    routes[n++] = (struct h_route){.path = "/factory-tour.html", .headers = html, .body = "<p>Our factory</p>"};
    routes[n++] = (struct h_route){.path = "/probe", .status = 301, .headers = probe_loc};
    routes[n++] = (struct h_route){.path = "*", .headers = html, .body = "<p>a product</p>"};
    if (h_srv_start(&srv, port, routes, n) != 0)
        return -1;
    snprintf(resolve_entry, sizeof resolve_entry, "%s:%d:127.0.0.1", HOST, port);
    snprintf(allow_entry, sizeof allow_entry, "127.0.0.1:%d", port);
    snprintf(base, sizeof base, "http://%s:%d", HOST, port);
    return cwt_ctx_new(&ctx) == CWT_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    h_srv_stop(&srv);
    cwt_ctx_free(ctx);
    free(gbk_contact);
    return 0;
}

static const struct cwt__crawl_page *find_role(const struct cwt__crawl *c, const char *role, size_t *count)
{
    const struct cwt__crawl_page *first = NULL;
    *count = 0;
    for (size_t i = 0; i < c->npages; i++)
        if (strcmp(c->pages[i].role, role) == 0) {
            if (!first)
                first = &c->pages[i];
            (*count)++;
        }
    return first;
}

static bool has_note(const struct cwt__crawl *c, const char *needle)
{
    for (size_t i = 0; i < c->nnotes; i++)
        if (strstr(c->notes[i], needle))
            return true;
    return false;
}

static void test_plan_and_politeness(void **state)
{
    (void)state;
    const char *resolve[] = {resolve_entry};
    const char *allow[] = {allow_entry};
    struct cwt__fetch_opts fo = {.resolve = resolve, .nresolve = 1, .allow_cidrs = allow, .nallow_cidrs = 1};
    char probe[160], start[160];
    snprintf(probe, sizeof probe, "%s/probe", base);
    snprintf(start, sizeof start, "%s/", base);
    struct cwt__crawl_opts co = {.http_probe_url = probe};
    struct cwt__crawl *c;
    struct cwt_err err;
    assert_int_equal(cwt__crawl_site_opts(ctx, &fo, &co, start, &c, &err), CWT_OK);
    for (size_t i = 0; i < c->npages; i++)
        print_message("%-13s %3ld %s  (%s)\n", c->pages[i].role, c->pages[i].resp.status, c->pages[i].resp.url,
                      c->pages[i].reason);
    for (size_t i = 0; i < c->nnotes; i++)
        print_message("note: %s\n", c->notes[i]);

    size_t k;
    assert_string_equal(c->pages[0].role, "home");
    assert_int_equal(c->pages[0].resp.status, 200);
    assert_non_null(c->pages[0].doc);
    assert_string_equal(c->pages[0].doc->lang, "zh-cn");

    const struct cwt__crawl_page *p = find_role(c, "contact", &k);
    assert_non_null(p);
    assert_int_equal(k, 1);
    assert_non_null(strstr(p->reason, "联系我们"));
    assert_string_equal(p->resp.charset, "gbk");
    assert_non_null(strstr(p->resp.body, "浙江省宁波市"));
    assert_non_null(p->doc);

    assert_non_null(find_role(c, "about", &k));
    assert_non_null((p = find_role(c, "privacy", &k)));
    assert_non_null(strstr(p->reason, "隐私政策"));
    assert_non_null(find_role(c, "terms", &k));
    assert_non_null((p = find_role(c, "factory", &k)));
    assert_non_null(strstr(p->reason, "sitemap.xml"));
    assert_non_null((p = find_role(c, "products", &k)));
    assert_int_equal(p->depth, 1);
    assert_non_null((p = find_role(c, "product", &k)));
    assert_int_equal(k, 3);
    assert_int_equal(p->depth, 2);
    assert_non_null(strstr(p->reason, "under the products page"));
    /* robots.txt: the disallowed certificates page was planned but never requested */
    assert_null(find_role(c, "certificates", &k));
    assert_true(has_note(c, "robots.txt disallows"));
    assert_int_equal(h_srv_count(&srv, "GET /admin"), 0);
    assert_int_equal(h_srv_count(&srv, "GET /robots.txt"), 1);
    assert_int_equal(h_srv_count(&srv, "GET /files/"), 0);
    assert_int_equal(c->robots_status, 200);
    assert_int_equal(c->robots_rules, 1);
    assert_int_equal(c->sitemap_urls, 2);
    /* no page of another site */
    for (size_t i = 0; i < c->npages; i++)
        assert_null(strstr(c->pages[i].resp.url, "other-site"));
    /* the plain-http probe */
    assert_true(c->have_http_probe);
    assert_int_equal(c->http_probe.status, 301);
    assert_non_null(cwt__response_header(&c->http_probe, "location"));
    assert_non_null(strstr(cwt__response_header(&c->http_probe, "location"), "https://"));
    assert_true(c->total_bytes > 0);
    assert_true(c->npages <= cwt_ctx_limits(ctx)->max_pages);
    cwt__crawl_free(c);
}

static void test_page_budget_and_bad_url(void **state)
{
    (void)state;
    const char *resolve[] = {resolve_entry};
    const char *allow[] = {allow_entry};
    struct cwt__fetch_opts fo = {.resolve = resolve, .nresolve = 1, .allow_cidrs = allow, .nallow_cidrs = 1};
    struct cwt_limits lim = {.max_pages = 3};
    struct cwt_ctx *small;
    assert_int_equal(cwt_ctx_new(&small), CWT_OK);
    cwt_ctx_set_limits(small, &lim);
    char start[160];
    snprintf(start, sizeof start, "%s/", base);
    struct cwt__crawl *c;
    struct cwt_err err;
    assert_int_equal(cwt__crawl_site(small, &fo, start, &c, &err), CWT_OK);
    assert_int_equal(c->npages, 3);
    assert_true(has_note(c, "page budget of 3 reached"));
    /* the first roles by priority were taken */
    assert_string_equal(c->pages[1].role, "contact");
    cwt__crawl_free(c);
    cwt_ctx_free(small);

    cwt_err_clear(&err);
    assert_int_equal(cwt__crawl_site(ctx, &fo, "ftp://" HOST "/", &c, &err), CWT_EINVAL);
    assert_null(c);
    assert_non_null(strstr(err.msg, "ftp://" HOST "/"));
}

static void test_refused_home_is_still_a_page(void **state)
{
    (void)state;
    /* without the allow-list, the loopback site is refused; the result still has pages[0] */
    const char *resolve[] = {resolve_entry};
    struct cwt__fetch_opts fo = {.resolve = resolve, .nresolve = 1};
    char start[160];
    snprintf(start, sizeof start, "%s/", base);
    struct cwt__crawl *c;
    struct cwt_err err;
    int before = h_srv_count(&srv, "GET");
    assert_int_equal(cwt__crawl_site(ctx, &fo, start, &c, &err), CWT_OK);
    assert_int_equal(c->npages, 1);
    assert_int_equal(c->pages[0].resp.rc, CWT_EREFUSED);
    assert_non_null(strstr(c->pages[0].resp.error, "loopback"));
    assert_int_equal(h_srv_count(&srv, "GET"), before);
    cwt__crawl_free(c);
}

static void test_probe_uses_the_resolve_address(void **state)
{
    (void)state;
    /* --resolve names the host's address for one port only: the probe of port 80 must reach the same
       address (here refused by the allow-list, which lets only the site's port through), never DNS */
    const char *resolve[] = {resolve_entry};
    const char *allow[] = {allow_entry};
    struct cwt__fetch_opts fo = {.resolve = resolve, .nresolve = 1, .allow_cidrs = allow, .nallow_cidrs = 1};
    struct cwt__crawl_opts co = {.http_probe_url = "http://" HOST "/"};
    struct cwt_limits lim = {.max_pages = 1};
    struct cwt_ctx *one;
    assert_int_equal(cwt_ctx_new(&one), CWT_OK);
    cwt_ctx_set_limits(one, &lim);
    char start[160];
    snprintf(start, sizeof start, "%s/", base);
    struct cwt__crawl *c;
    struct cwt_err err;
    assert_int_equal(cwt__crawl_site_opts(one, &fo, &co, start, &c, &err), CWT_OK);
    assert_true(c->have_http_probe);
    assert_int_equal(c->http_probe.rc, CWT_EREFUSED);
    assert_non_null(strstr(c->http_probe.error, "127.0.0.1:80 "));
    cwt__crawl_free(c);
    cwt_ctx_free(one);
}

static void test_unresolvable_start_host(void **state)
{
    (void)state;
    /* no --resolve entry: the crawl looks the name up once itself (fetch/lookup.c); when that fails,
       libcurl looks it up as before and the home page carries libcurl's error, naming the host */
    struct cwt__fetch_opts fo = {0};
    struct cwt__crawl_opts co = {.http_probe_url = "http://no-such-host.invalid/"};
    struct cwt__crawl *c = NULL;
    struct cwt_err err;
    assert_int_equal(cwt__crawl_site_opts(ctx, &fo, &co, "https://no-such-host.invalid/", &c, &err), CWT_OK);
    assert_true(c->npages >= 1);
    assert_int_equal(c->pages[0].resp.rc, CWT_ERESOLVE);
    assert_non_null(strstr(c->pages[0].resp.error, "cannot resolve 'no-such-host.invalid'"));
    cwt__crawl_free(c);
}

/* Crawls http://HOST:PORT/ (HOST at 127.0.0.1 through --resolve, no http probe). */
static struct cwt__crawl *crawl_local(const char *host, int port)
{
    char rv[96], al[64], start[128];
    snprintf(rv, sizeof rv, "%s:%d:127.0.0.1", host, port);
    snprintf(al, sizeof al, "127.0.0.1:%d", port);
    snprintf(start, sizeof start, "http://%s:%d/", host, port);
    const char *resolve[] = {rv};
    const char *allow[] = {al};
    struct cwt__fetch_opts fo = {.resolve = resolve, .nresolve = 1, .allow_cidrs = allow, .nallow_cidrs = 1};
    struct cwt__crawl_opts co = {.no_http_probe = true};
    struct cwt__crawl *c = NULL;
    struct cwt_err err;
    assert_int_equal(cwt__crawl_site_opts(ctx, &fo, &co, start, &c, &err), CWT_OK);
    return c;
}

static void test_crawl_delay(void **state)
{
    (void)state;
    static const struct h_route r[] = {
        {.path = "/", .headers = "Content-Type: text/html\r\n",
         .body = "<a href=/contact>Contact</a> <a href=/about>About us</a> <a href=/privacy>Privacy</a>"},
        {.path = "/robots.txt", .body = "User-agent: *\nCrawl-delay: 0.5\n"},
        {.path = "*", .headers = "Content-Type: text/html\r\n", .body = "<p>x</p>"},
    };
    struct h_srv s;
    assert_int_equal(h_srv_start(&s, 0, r, CWT_ARRAY_LEN(r)), 0);
    struct cwt__crawl *c = crawl_local("polite.example", s.port);
    assert_true(c->crawl_delay_s == 0.5);
    assert_int_equal(c->npages, 4);
    /* after robots.txt: the sitemap and three pages, one at a time, 0.5 s apart */
    assert_true(c->elapsed_ms >= 4 * 500 - 50);
    assert_true(has_note(c, "crawl-delay of 0.5 s"));
    cwt__crawl_free(c);
    h_srv_stop(&s);
}

/* A sitemap index named in robots.txt: its child sitemaps are followed (the page sitemap first), at most
 * four, never one of another site or one robots.txt disallows, a nested index is not followed, and an
 * endless child is cut at the sitemap byte budget. */
static void test_sitemap_index(void **state)
{
    (void)state;
    int port = h_free_port();
    char robots[160], index[2048], pages[512], nested[512];
    snprintf(robots, sizeof robots, "User-agent: *\nDisallow: /private/\nSitemap: http://maps.example:%d/index.xml\n",
             port);
    const char *kids[] = {"post-sitemap.xml", "product-sitemap1.xml", "product-sitemap2.xml", "nested.xml",
                          "page-sitemap.xml", "private/page-sitemap.xml", "huge-sitemap.xml", "product-sitemap3.xml"};
    int off = snprintf(index, sizeof index, "<?xml version=\"1.0\"?><sitemapindex "
                                            "xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
                                            "<sitemap><loc>http://other-site.example/page-sitemap.xml</loc></sitemap>");
    for (size_t i = 0; i < CWT_ARRAY_LEN(kids); i++)
        off += snprintf(index + off, sizeof index - (size_t)off,
                        "<sitemap><loc>http://maps.example:%d/%s</loc></sitemap>", port, kids[i]);
    snprintf(index + off, sizeof index - (size_t)off, "</sitemapindex>");
    snprintf(pages, sizeof pages,
             "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"><url><loc>http://maps.example:%d/"
             "factory-tour.html</loc></url><url><loc>http://maps.example:%d/about-us.html</loc></url></urlset>",
             port, port);
    snprintf(nested, sizeof nested,
             "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"><sitemap><loc>http://maps.example:%d/"
             "deep.xml</loc></sitemap></sitemapindex>",
             port);
    const char *xml = "Content-Type: application/xml\r\n", *html = "Content-Type: text/html\r\n";
    const struct h_route r[] = {
        {.path = "/", .headers = html, .body = "<p>Valves since 1998.</p>"},
        {.path = "/robots.txt", .body = robots},
        {.path = "/index.xml", .headers = xml, .body = index},
        {.path = "/page-sitemap.xml", .headers = xml, .body = pages},
        {.path = "/nested.xml", .headers = xml, .body = nested},
        {.path = "/huge-sitemap.xml", .headers = xml, .mode = H_ENDLESS, .n = (size_t)64 << 20},
        {.path = "/post-sitemap.xml", .headers = xml, .body = "<urlset></urlset>"},
        {.path = "*", .headers = html, .body = "<p>x</p>"},
    };
    struct h_srv s;
    assert_int_equal(h_srv_start(&s, port, r, CWT_ARRAY_LEN(r)), 0);
    struct cwt__crawl *c = crawl_local("maps.example", port);
    for (size_t i = 0; i < c->nnotes; i++)
        print_message("note: %s\n", c->notes[i]);
    size_t k;
    const struct cwt__crawl_page *p = find_role(c, "factory", &k);
    assert_non_null(p);
    assert_non_null(strstr(p->reason, "page-sitemap.xml"));
    assert_non_null(find_role(c, "about", &k));
    /* the page sitemap first, then the index's order; four in all; the disallowed one never asked for */
    assert_int_equal(h_srv_count(&s, "GET /index.xml"), 1);
    assert_int_equal(h_srv_count(&s, "GET /page-sitemap.xml"), 1);
    assert_int_equal(h_srv_count(&s, "GET /post-sitemap.xml"), 1);
    assert_int_equal(h_srv_count(&s, "GET /product-sitemap1.xml"), 1);
    assert_int_equal(h_srv_count(&s, "GET /product-sitemap2.xml"), 1);
    assert_int_equal(h_srv_count(&s, "GET /nested.xml"), 0);
    assert_int_equal(h_srv_count(&s, "GET /huge-sitemap.xml"), 0);
    assert_int_equal(h_srv_count(&s, "GET /private/"), 0);
    assert_int_equal(h_srv_count(&s, "-sitemap3.xml"), 0);
    assert_true(has_note(c, "sitemap index of 9 sitemaps: 4 followed, 5 not"));
    assert_int_equal(c->sitemap_urls, 2);
    cwt__crawl_free(c);
    h_srv_stop(&s);

    /* the nested index and the endless sitemap first: one is not followed, the other is cut */
    snprintf(index, sizeof index,
             "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"><sitemap><loc>http://maps.example:%d/"
             "nested.xml</loc></sitemap><sitemap><loc>http://maps.example:%d/huge-sitemap.xml</loc></sitemap>"
             "</sitemapindex>",
             port, port);
    assert_int_equal(h_srv_start(&s, port, r, CWT_ARRAY_LEN(r)), 0);
    c = crawl_local("maps.example", port);
    for (size_t i = 0; i < c->nnotes; i++)
        print_message("note: %s\n", c->notes[i]);
    assert_int_equal(h_srv_count(&s, "GET /nested.xml"), 1);
    assert_int_equal(h_srv_count(&s, "GET /deep.xml"), 0);
    assert_true(has_note(c, "nested.xml' is a sitemap index inside a sitemap index; not followed"));
    assert_int_equal(h_srv_count(&s, "GET /huge-sitemap.xml"), 1);
    assert_true(has_note(c, "huge-sitemap.xml' is not a sitemap"));
    /* read up to its cap (the page byte budget, at most 4 MB a sitemap), not one byte further */
    size_t cap = CWT_MIN(cwt_ctx_limits(ctx)->max_page_bytes, (size_t)4 << 20);
    print_message("total bytes %zu, sitemap cap %zu\n", c->total_bytes, cap);
    assert_true(c->total_bytes >= cap && c->total_bytes <= cap + 4096);
    cwt__crawl_free(c);
    h_srv_stop(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plan_and_politeness),
        cmocka_unit_test(test_page_budget_and_bad_url),
        cmocka_unit_test(test_refused_home_is_still_a_page),
        cmocka_unit_test(test_probe_uses_the_resolve_address),
        cmocka_unit_test(test_unresolvable_start_host),
        cmocka_unit_test(test_crawl_delay),
        cmocka_unit_test(test_sitemap_index),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
