/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Integration test of the ownership proofs end to end over loopback: a real
 * `cwtap serve` checks POST /v1/sites/{id}/verify against the fixture sites
 * served by nginx with the test CA (scripts/sites.sh) and TXT records served
 * by dnsmasq on 127.0.0.1 (`--dns-server`). Each proof (DNS TXT, <meta> tag,
 * /.well-known/cwtap.txt) is refused clearly when the token is missing, wrong,
 * published for another name, or reached through a redirect to another host,
 * or when the certificate has expired, and nothing is stored by a refusal;
 * then it is proven.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "hapi.h"
#include "harness.h"
#include "util/common.h"

struct fx {
    struct hapi_server srv;
    char *sites;  /* the sites.sh directory */
    int http, https, dns;
    struct hapi_account acct;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    f->sites = h_tempdir("verify-sites");
    f->srv.dir = h_tempdir("verify");
    f->http = h_free_port();
    do
        f->https = h_free_port();
    while (f->https == f->http);
    do
        f->dns = h_free_port();
    while (f->dns == f->http || f->dns == f->https);
    if (h_sh("sh '%s' start '%s' %d %d %d", h_src("scripts/sites.sh"), f->sites, f->http, f->https, f->dns) != 0)
        return -1;
    static char args[14][600];
    snprintf(args[0], sizeof args[0], "--ca-file=%s/ca.pem", f->sites);
    snprintf(args[1], sizeof args[1], "--dns-server=127.0.0.1:%d", f->dns);
    static const char *const hosts[] = {"www.ningbo-valves.example", "www.shenzhen-gadgets.example",
                                        "www.cheap-brand-outlet.example", "cheap-brand-outlet.example",
                                        "old-gadgets.example"};
    size_t n = 2;
    for (size_t i = 0; i < CWT_ARRAY_LEN(hosts); i++) {
        snprintf(args[n++], sizeof args[0], "--resolve=%s:%d:127.0.0.1", hosts[i], f->http);
        snprintf(args[n++], sizeof args[0], "--resolve=%s:%d:127.0.0.1", hosts[i], f->https);
    }
    const char *extra[16] = {"--allow-private"};
    for (size_t i = 0; i < n; i++)
        extra[i + 1] = args[i];
    snprintf(f->srv.db, sizeof f->srv.db, "sqlite:%s/v.db", f->srv.dir);
    hapi_start(&f->srv, f->srv.db, extra);
    hapi_signup(&f->srv, "owner@ningbo-valves.example", &f->acct);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    int rc = hapi_stop(&f->srv);
    h_sh("sh '%s' stop '%s'", h_src("scripts/sites.sh"), f->sites);
    h_rmtree(f->sites);
    h_rmtree(f->srv.dir);
    free(f->sites);
    free(f->srv.dir);
    free(f);
    return rc == 0 ? 0 : -1;
}

/* Registers @p domain; its id and token into @p id and @p token. */
static void reg(const struct fx *f, const char *domain, char id[static 40], char token[static 64])
{
    const char *h[] = {f->acct.cookie, f->acct.csrf, NULL};
    char body[300];
    struct hapi_resp r;
    snprintf(body, sizeof body, "{\"domain\":\"%s\"}", domain);
    hapi_http(&f->srv, "POST", "/v1/sites", body, h, &r);
    hapi_expect(&r, 201, NULL, NULL);
    snprintf(id, 40, "%s", hapi_jstr(&r, "id"));
    const char *v = json_string_value(json_object_get(json_object_get(json_object_get(r.json, "verification"), "dns"),
                                                      "value"));
    assert_non_null(v);
    assert_true(strncmp(v, "cwtap-site-verification=", 24) == 0);
    snprintf(token, 64, "%s", v + 24);
    hapi_resp_free(&r);
}

/* POST verify; refused (422, field "method", message holding @p why) when @p why is not NULL, else proven. */
static void verify(const struct fx *f, const char *id, const char *method, const char *why)
{
    const char *h[] = {f->acct.cookie, f->acct.csrf, NULL};
    char path[96], body[64];
    struct hapi_resp r;
    snprintf(path, sizeof path, "/v1/sites/%s/verify", id);
    snprintf(body, sizeof body, "{\"method\":\"%s\"}", method);
    hapi_http(&f->srv, "POST", path, body, h, &r);
    if (why) {
        hapi_expect(&r, 422, "not_verified", "method");
        const char *msg = json_string_value(json_object_get(json_object_get(r.json, "error"), "message"));
        if (!msg || !strstr(msg, why))
            fail_msg("%s proof of %s: '%s' lacks '%s'", method, id, msg ? msg : "", why);
        hapi_resp_free(&r);
        /* nothing stored: the site is still unverified */
        snprintf(path, sizeof path, "/v1/sites/%s", id);
        hapi_http(&f->srv, "GET", path, NULL, h, &r);
        hapi_expect(&r, 200, NULL, NULL);
        assert_true(json_is_false(json_object_get(r.json, "verified")));
        assert_true(json_is_null(json_object_get(r.json, "verify_method")) ||
                    !json_object_get(r.json, "verify_method"));
    } else {
        if (r.status != 200)
            fail_msg("%s proof of %s refused: %s", method, id, r.body ? r.body : "");
        assert_true(json_is_true(json_object_get(r.json, "verified")));
        assert_string_equal(hapi_jstr(&r, "verify_method"), method);
        assert_string_equal(hapi_jstr(&r, "id"), id);
    }
    hapi_resp_free(&r);
}

/* Writes @p text to the fixture file @p rel under the nginx root. */
static void put(const struct fx *f, const char *rel, const char *text)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/root/%s", f->sites, rel);
    assert_int_equal(h_sh("mkdir -p \"$(dirname '%s')\"", path), 0);
    assert_int_equal(h_write_file(path, text, strlen(text)), 0);
}

/* Replaces the TXT records dnsmasq serves beyond the fixed ones ("NAME,VALUE" lines) and restarts it. */
static void txt(const struct fx *f, const char *records)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/txt-records", f->sites);
    assert_int_equal(h_write_file(path, records, strlen(records)), 0);
    assert_int_equal(h_sh("sh '%s' dns '%s' %d", h_src("scripts/sites.sh"), f->sites, f->dns), 0);
}

static void test_dns_txt(void **state)
{
    struct fx *f = *state;
    char id[40], tok[64], other_id[40], other[64], domain[128], recs[512];
    snprintf(domain, sizeof domain, "https://www.ningbo-valves.example:%d/", f->https);
    reg(f, domain, id, tok);
    reg(f, "www.shenzhen-gadgets.example", other_id, other);
    verify(f, id, "dns", "no TXT record 'cwtap-site-verification=");
    verify(f, id, "dns", "at '_cwtap.www.ningbo-valves.example'");
    /* the record of another site (its token) */
    snprintf(recs, sizeof recs, "_cwtap.www.ningbo-valves.example,cwtap-site-verification=%s\n", other);
    txt(f, recs);
    verify(f, id, "dns", "found 'cwtap-site-verification=");
    /* the right token at the wrong name (the apex, not the registered www host) */
    snprintf(recs, sizeof recs, "_cwtap.ningbo-valves.example,cwtap-site-verification=%s\n", tok);
    txt(f, recs);
    verify(f, id, "dns", "at '_cwtap.www.ningbo-valves.example'");
    /* proven, among other records of the name */
    snprintf(recs, sizeof recs, "_cwtap.www.ningbo-valves.example,v=spf1 -all\n"
             "_cwtap.www.ningbo-valves.example,cwtap-site-verification=%s\n", tok);
    txt(f, recs);
    verify(f, id, "dns", NULL);
    verify(f, id, "dns", NULL); /* again: still verified, nothing changes */
}

static void test_meta_tag(void **state)
{
    struct fx *f = *state;
    char id[40], tok[64], other_id[40], other[64], domain[128], html[512];
    snprintf(domain, sizeof domain, "https://www.shenzhen-gadgets.example:%d/", f->https);
    reg(f, domain, id, tok);
    reg(f, "other-shop.example.com", other_id, other);
    verify(f, id, "meta", "has no such tag");
    /* another site's token */
    snprintf(html, sizeof html, "<html><head><meta name=\"cwtap-site-verification\" content=\"%s\"></head>"
             "<body>Shenzhen Gadgets</body></html>", other);
    put(f, "shenzhen-gadgets/index.html", html);
    verify(f, id, "meta", "has no such tag");
    /* the token in the page text, not in the tag */
    snprintf(html, sizeof html, "<html><head></head><body>cwtap-site-verification %s</body></html>", tok);
    put(f, "shenzhen-gadgets/index.html", html);
    verify(f, id, "meta", "has no <meta name=\"cwtap-site-verification\"");
    snprintf(html, sizeof html, "<html><head><meta charset=\"utf-8\">\n<META NAME='cwtap-site-verification' "
             "content='%s'/></head><body>Shenzhen Gadgets</body></html>", tok);
    put(f, "shenzhen-gadgets/index.html", html);
    verify(f, id, "meta", NULL);
}

static void test_well_known(void **state)
{
    struct fx *f = *state;
    char id[40], tok[64], other_id[40], other[64], domain[128], text[256];
    /* plain http: the shop's certificate has expired */
    snprintf(domain, sizeof domain, "http://www.cheap-brand-outlet.example:%d", f->http);
    reg(f, domain, id, tok);
    reg(f, "another-shop.example.com", other_id, other);
    verify(f, id, "well-known", "/.well-known/cwtap.txt answered HTTP 404");
    snprintf(text, sizeof text, "cwtap-site-verification=%s\n", other);
    put(f, "cheap-brand-outlet/.well-known/cwtap.txt", text);
    verify(f, id, "well-known", "holds 'cwtap-site-verification=");
    put(f, "cheap-brand-outlet/.well-known/cwtap.txt", "\n");
    verify(f, id, "well-known", "does not hold 'cwtap-site-verification=");
    snprintf(text, sizeof text, "# cwtap\ncwtap-site-verification=%s\r\n", tok);
    put(f, "cheap-brand-outlet/.well-known/cwtap.txt", text);
    verify(f, id, "well-known", NULL);
    /* the same shop registered on https: its expired certificate proves nothing */
    char id2[40], tok2[64];
    snprintf(domain, sizeof domain, "https://cheap-brand-outlet.example:%d/", f->https);
    reg(f, domain, id2, tok2);
    snprintf(text, sizeof text, "cwtap-site-verification=%s\n", tok2);
    put(f, "cheap-brand-outlet/.well-known/cwtap.txt", text);
    verify(f, id2, "well-known", "certificate");
}

/* A page reached through a redirect to another host proves nothing for the registered one. */
static void test_redirect_to_another_host(void **state)
{
    struct fx *f = *state;
    char id[40], tok[64], domain[128], text[512];
    snprintf(domain, sizeof domain, "http://old-gadgets.example:%d/", f->http);
    reg(f, domain, id, tok);
    snprintf(text, sizeof text, "<html><head><meta name=\"cwtap-site-verification\" content=\"%s\"></head></html>",
             tok);
    put(f, "shenzhen-gadgets/index.html", text);
    snprintf(text, sizeof text, "cwtap-site-verification=%s\n", tok);
    put(f, "shenzhen-gadgets/.well-known/cwtap.txt", text);
    verify(f, id, "meta", "redirected to another host ('http://www.shenzhen-gadgets.example:");
    verify(f, id, "well-known", "redirected to another host");
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_dns_txt, setup, teardown),
        cmocka_unit_test_setup_teardown(test_meta_tag, setup, teardown),
        cmocka_unit_test_setup_teardown(test_well_known, setup, teardown),
        cmocka_unit_test_setup_teardown(test_redirect_to_another_host, setup, teardown),
    };
    int fails = cmocka_run_group_tests_name("verify", tests, NULL, NULL);
    curl_global_cleanup();
    return fails;
}
