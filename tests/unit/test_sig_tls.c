/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the signal `tls` (src/lib/signals/sig_tls.c): value, gate,
 * findings and fixes from a TLS report (badssl chains inspected offline),
 * the home page's Strict-Transport-Security header and the http:// probe.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "fetch/fetch.h"
#include "harness.h"
#include "signals/signal.h"
#include "tls/tls_report.h"

enum cwt_status cwt__sig_tls(const struct cwt__site *site, struct cwt__signal *out);

struct sig_case {
    const char *name;
    const char *chain;  /* fixture under tests/fixtures/badssl */
    const char *host;
    int64_t at;
    const char *hsts;   /* header value; NULL: absent */
    const char *http_final; /* final URL of the http:// probe; NULL: no probe */
    bool gate;
    double value;
    const char *codes;  /* findings expected, each must be present (space separated) */
    const char *fix;    /* substring of the main fix; NULL: no main fix */
};

#define MID_RSA2048 1630000000 /* 2021-08-26, inside the rsa2048 leaf's window */
#define NOW_2026 1795996800

static const struct sig_case cases[] = {
    {"all good", "chains/wildcard-rsa2048.pem", "rsa2048.badssl.com", MID_RSA2048, "max-age=31536000; includeSubDomains",
     "https://rsa2048.badssl.com/", false, 1.0, "", NULL},
    {"no HSTS", "chains/wildcard-rsa2048.pem", "rsa2048.badssl.com", MID_RSA2048, NULL, "https://rsa2048.badssl.com/",
     false, 0.85, "tls.no_hsts", "add Strict-Transport-Security: max-age=31536000"},
    {"short HSTS", "chains/wildcard-rsa2048.pem", "rsa2048.badssl.com", MID_RSA2048, "max-age=86400",
     "https://rsa2048.badssl.com/", false, 0.95, "tls.hsts_short", "max-age=31536000"},
    {"no redirect", "chains/wildcard-rsa2048.pem", "rsa2048.badssl.com", MID_RSA2048, "max-age=31536000",
     "http://rsa2048.badssl.com/", false, 0.85, "tls.no_https_redirect", "redirect http:// to https:// with a 301"},
    {"expired", "chains/wildcard-rsa2048.pem", "rsa2048.badssl.com", NOW_2026, "max-age=31536000",
     "https://rsa2048.badssl.com/", true, 0.0, "tls.expired", "renew the certificate now"},
    {"wrong host", "chains/wildcard-rsa2048.pem", "wrong.host.badssl.com", MID_RSA2048, "max-age=31536000",
     "https://wrong.host.badssl.com/", true, 0.0, "tls.host_mismatch", "include 'wrong.host.badssl.com'"},
    {"incomplete chain", "chains/wildcard-incomplete-chain.pem", "incomplete-chain.badssl.com", MID_RSA2048,
     "max-age=31536000", "https://incomplete-chain.badssl.com/", true, 0.0, "tls.incomplete_chain",
     "serve the intermediate certificate 'DigiCert SHA2 Secure Server CA'"},
    {"self-signed", "chains/wildcard-self-signed.pem", "self-signed.badssl.com", 1500000000, "max-age=31536000",
     "https://self-signed.badssl.com/", true, 0.0, "tls.self_signed", "publicly trusted CA"},
    {"SHA-1 leaf", "chains/wildcard-sha1-2017.pem", "sha1-2017.badssl.com", 1460000000, "max-age=31536000",
     "https://sha1-2017.badssl.com/", false, 0.2, "tls.weak_signature", "SHA-256"},
    {"expires in a day", "chains/wildcard-expired.pem", "expired.badssl.com", 1428710399, "max-age=31536000",
     "https://expired.badssl.com/", false, 0.85, "tls.expires_soon", "renew the certificate before 2015-04-12"},
    {"no http probe", "chains/wildcard-rsa2048.pem", "rsa2048.badssl.com", MID_RSA2048, "max-age=31536000", NULL,
     false, 1.0, "", NULL},
};

static struct cwt_ctx *ctx;
static char *tmpdir, *bundle;

static int setup(void **state)
{
    (void)state;
    if (cwt_ctx_new(&ctx))
        return -1;
    tmpdir = h_tempdir("sigtls");
    char p[1024];
    snprintf(p, sizeof p, "%s/roots.pem", tmpdir);
    bundle = strdup(p);
    return h_sh("cat '%s'/*.pem > '%s'", h_src("tests/fixtures/badssl/roots"), bundle);
}

static int teardown(void **state)
{
    (void)state;
    h_rmtree(tmpdir);
    free(tmpdir);
    free(bundle);
    cwt_ctx_free(ctx);
    return 0;
}

static bool has_finding(const struct cwt__signal *s, const char *code)
{
    for (size_t i = 0; i < s->nfindings; i++)
        if (strcmp(s->findings[i].code, code) == 0)
            return true;
    return false;
}

static void test_cases(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct sig_case *c = &cases[i];
        char rel[256], url[256];
        snprintf(rel, sizeof rel, "tests/fixtures/badssl/%s", c->chain);
        size_t len = 0;
        char *pem = h_read_file(h_src(rel), &len);
        assert_non_null(pem);
        struct cwt__tls_opts opts = {.ca_file = bundle, .at = c->at};
        struct cwt__tls_report *r = NULL;
        struct cwt_err err = {0};
        assert_int_equal(cwt__tls_inspect_pem(ctx, &opts, pem, len, c->host, &r, &err), CWT_OK);
        free(pem);
        snprintf(url, sizeof url, "https://%s/", c->host);
        char http_url[256];
        snprintf(http_url, sizeof http_url, "http://%s/", c->host);
        struct cwt__header hdr = {"strict-transport-security", (char *)c->hsts};
        struct cwt__response home = {.url = url, .final_url = url, .status = 200, .rc = CWT_OK,
                                     .headers = c->hsts ? &hdr : NULL, .nheaders = c->hsts ? 1 : 0};
        struct cwt__response probe = {.url = http_url, .final_url = (char *)c->http_final, .status = 200,
                                      .rc = CWT_OK, .redirects = 1};
        struct cwt__site_page page = {&home, NULL, "home"};
        struct cwt__site site = {.ctx = ctx, .url = url, .host = c->host, .at = c->at, .pages = &page, .npages = 1,
                                 .tls = r, .http_probe = c->http_final ? &probe : NULL};
        struct cwt__signal s;
        cwt__signal_init(&s, "tls", CWT__MOD_BASIC);
        assert_int_equal(cwt__sig_tls(&site, &s), CWT_OK);
        printf("  %-18s value %.2f conf %.2f gate %d raw %.0f findings %zu fix: %s\n", c->name, s.value, s.confidence,
               s.gate_failed, s.raw, s.nfindings, s.fix ? s.fix : "-");
        assert_true(s.measured);
        assert_int_equal(s.gate_failed, c->gate);
        assert_true(fabs(s.value - c->value) < 1e-9);
        assert_true(s.confidence > 0.5 && s.confidence <= 1.0);
        assert_true(s.nevidence >= 5); /* subject, issuer, validity, names, key (+ HSTS, http) */
        assert_true(s.raw == (double)r->days_to_expiry);
        char codes[256];
        snprintf(codes, sizeof codes, "%s", c->codes);
        for (char *save = NULL, *t = strtok_r(codes, " ", &save); t; t = strtok_r(NULL, " ", &save))
            if (!has_finding(&s, t))
                fail_msg("%s: finding %s missing", c->name, t);
        if (!c->codes[0])
            assert_int_equal(s.nfindings, 0);
        if (c->fix) {
            assert_non_null(s.fix);
            if (!strstr(s.fix, c->fix))
                fail_msg("%s: fix '%s' lacks '%s'", c->name, s.fix, c->fix);
        } else {
            assert_null(s.fix);
        }
        for (size_t k = 0; k < s.nfindings; k++)
            if (s.findings[k].severity != CWT__SEV_INFO)
                assert_non_null(s.findings[k].fix);
        assert_non_null(json_object_get(s.detail, "tls"));
        cwt__signal_release(&s);
        cwt__tls_report_free(r);
    }
}

static void test_not_measured(void **state)
{
    (void)state;
    struct cwt__site site = {.ctx = ctx, .url = "https://a.example/", .host = "a.example"};
    struct cwt__signal s;
    cwt__signal_init(&s, "tls", CWT__MOD_BASIC);
    assert_int_equal(cwt__sig_tls(&site, &s), CWT_OK);
    assert_false(s.measured);
    assert_false(s.gate_failed);
    assert_true(s.nevidence >= 1);
    cwt__signal_release(&s);
    assert_non_null(cwt__signal_find("tls"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_not_measured),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
