/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the content signals (sig_parameters.c, sig_compliance.c, sig_test_reports.c,
 * sig_certificates.c, sig_factory.c, sig_traceability.c) and their helpers (content.c) on
 * exporter pages in tests/fixtures/content (English, Chinese, Thai, Vietnamese, Indonesian).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>
#include <dirent.h>
#include <time.h>

#include "fetch/fetch.h"
#include "harness.h"
#include "page/page.h"
#include "page/sdata.h"
#include "signals/content.h"
#include "signals/orgname.h"
#include "util/timeutil.h"

#define MAXP 8

struct fx {
    struct cwt_ctx *ctx;
    struct cwt__response resp[MAXP];
    struct cwt__doc *doc[MAXP];
    struct cwt__site_page pages[MAXP];
    struct cwt__site site;
};

struct pg {
    const char *file; /* under tests/fixtures/content/ */
    const char *role;
};

static void fx_load(struct fx *f, const struct pg *pgs, size_t n, const char *at_iso)
{
    memset(f, 0, sizeof *f);
    assert_int_equal(cwt_ctx_new(&f->ctx), CWT_OK);
    for (size_t i = 0; i < n; i++) {
        char rel[160], url[200];
        snprintf(rel, sizeof rel, "tests/fixtures/content/%s", pgs[i].file);
        snprintf(url, sizeof url, "https://www.huaxin-appliance.example/%s", pgs[i].file);
        size_t len = 0;
        char *html = h_read_file(h_src(rel), &len);
        assert_non_null(html);
        struct cwt_err err;
        cwt_err_clear(&err);
        assert_int_equal(cwt__doc_parse(f->ctx, html, len, url, &f->doc[i], &err), CWT_OK);
        free(html);
        f->resp[i].url = cwt_strdup(url);
        f->resp[i].final_url = cwt_strdup(url);
        f->resp[i].status = 200;
        f->pages[i] = (struct cwt__site_page){&f->resp[i], f->doc[i], pgs[i].role};
    }
    f->site.ctx = f->ctx;
    f->site.url = "https://www.huaxin-appliance.example/";
    f->site.host = "www.huaxin-appliance.example";
    f->site.reg_domain = "huaxin-appliance.example";
    assert_int_equal(cwt_time_parse_iso(at_iso, &f->site.at), CWT_OK);
    f->site.pages = f->pages;
    f->site.npages = n;
}

static void fx_free(struct fx *f)
{
    for (size_t i = 0; i < MAXP; i++) {
        cwt__doc_free(f->doc[i]);
        cwt_free(f->resp[i].url);
        cwt_free(f->resp[i].final_url);
    }
    cwt_ctx_free(f->ctx);
}

static bool has_finding(const struct cwt__signal *s, const char *code)
{
    for (size_t i = 0; i < s->nfindings; i++)
        if (strcmp(s->findings[i].code, code) == 0)
            return true;
    return false;
}

static void run(const struct cwt__site *site, const char *id, struct cwt__signal *s)
{
    const struct cwt__signal_def *def = cwt__signal_find(id);
    assert_non_null(def);
    assert_int_equal(def->module, CWT__MOD_CONTENT);
    cwt__signal_init(s, def->id, def->module);
    assert_int_equal(def->run(site, s), CWT_OK);
}

/* Every signal explains itself: a summary, evidence, findings named after it, values in range. */
static bool explained(const struct cwt__signal *s, const char *id)
{
    bool ok = s->summary && s->nevidence > 0 && s->value >= 0 && s->value <= 1 && s->confidence >= 0 &&
              s->confidence <= 1;
    for (size_t i = 0; i < s->nfindings; i++)
        ok = ok && strncmp(s->findings[i].code, id, strlen(id)) == 0 && s->findings[i].message;
    return ok;
}

/* One case: the signal on a set of pages at an instant, with the expected outcome. */
struct sig_case {
    const char *id;
    struct pg pages[4];
    const char *at;
    bool measured;
    double min, max;         /* value range */
    const char *finding;     /* a finding that must be present, or NULL */
    const char *no_finding;  /* a finding that must be absent, or NULL */
};

static const struct sig_case cases[] = {
    /* parameters */
    {"parameters", {{"product_en.html", "product"}}, "2026-01-15T00:00:00Z", true, 0.95, 1.0, NULL, "parameters.mixed_units"},
    {"parameters", {{"product_en.html", "product"}, {"product_zh.html", "product"}}, "2026-01-15T00:00:00Z", true, 0.6, 0.9,
     "parameters.mixed_units", NULL},
    {"parameters", {{"product_zh.html", "product"}}, "2026-01-15T00:00:00Z", true, 0.5, 0.75, NULL, "parameters.none"},
    {"parameters", {{"product_th.html", "product"}}, "2026-01-15T00:00:00Z", true, 0.6, 0.7, NULL, "parameters.none"},
    {"parameters", {{"product_th.html", "product"}, {"product_ms.html", "product"}}, "2026-01-15T00:00:00Z", true, 0.55,
     0.7, NULL, "parameters.mixed_units"},
    {"parameters", {{"product_bare.html", "product"}}, "2026-01-15T00:00:00Z", true, 0.0, 0.2, "parameters.image_only", NULL},
    {"parameters", {{"certificates_en.html", "certificates"}}, "2026-01-15T00:00:00Z", false, 0, 0, NULL, NULL},
    {"parameters", {{"products_list.html", "products"}}, "2026-01-15T00:00:00Z", false, 0, 0, NULL, NULL},
    {"parameters", {{"products_list.html", "products"}, {"product_en.html", "product"}}, "2026-01-15T00:00:00Z", true,
     0.95, 1.0, NULL, "parameters.none"},
    /* schema.org's microdata examples: one coded PropertyValue per product, one unit per quantity */
    {"parameters",
     {{"schemaorg/eg-0406.microdata.html", "product"},
      {"schemaorg/eg-0407.microdata.html", "product"},
      {"schemaorg/eg-0408.microdata.html", "product"},
      {"schemaorg/eg-0409.microdata.html", "product"}},
     "2026-01-15T00:00:00Z", true, 0.8, 0.9, NULL, "parameters.unknown_unit_code"},
    /* compliance */
    {"compliance", {{"product_en.html", "product"}}, "2026-01-15T00:00:00Z", true, 0.7, 0.9, "compliance.no_rcep_marks",
     "compliance.no_marks"},
    {"compliance", {{"product_vi.html", "product"}}, "2026-01-15T00:00:00Z", true, 0.6, 1.0, NULL, "compliance.no_rcep_marks"},
    {"compliance", {{"product_zh.html", "product"}}, "2026-01-15T00:00:00Z", true, 0.5, 0.9, NULL, "compliance.no_marks"},
    {"compliance", {{"product_id.html", "product"}}, "2026-01-15T00:00:00Z", true, 0.3, 0.7, "compliance.no_sds", NULL},
    {"compliance", {{"product_th.html", "product"}}, "2026-01-15T00:00:00Z", true, 0.6, 1.0, NULL, "compliance.no_rcep_marks"},
    {"compliance", {{"product_ms.html", "product"}}, "2026-01-15T00:00:00Z", true, 0.6, 1.0, NULL, "compliance.no_rcep_marks"},
    {"compliance", {{"product_bare.html", "product"}}, "2026-01-15T00:00:00Z", true, 0.0, 0.05, "compliance.no_marks", NULL},
    /* test_reports */
    {"test_reports", {{"product_en.html", "product"}}, "2026-01-15T00:00:00Z", true, 0.9, 1.0, NULL, "test_reports.none"},
    {"test_reports", {{"product_zh.html", "product"}}, "2026-01-15T00:00:00Z", true, 0.3, 0.7,
     "test_reports.no_verification", NULL},
    {"test_reports", {{"product_en.html", "product"}}, "2029-06-01T00:00:00Z", true, 0.5, 1.0, "test_reports.stale", NULL},
    {"test_reports", {{"product_bare.html", "product"}}, "2026-01-15T00:00:00Z", true, 0.0, 0.0, "test_reports.none", NULL},
    /* certificates */
    {"certificates", {{"certificates_en.html", "certificates"}}, "2026-01-15T00:00:00Z", true, 0.75, 1.0,
     "certificates.expired", "certificates.none"},
    {"certificates", {{"certificates_en.html", "certificates"}}, "2028-06-01T00:00:00Z", true, 0.0, 0.4,
     "certificates.expired", NULL},
    {"certificates", {{"product_bare.html", "product"}}, "2026-01-15T00:00:00Z", true, 0.0, 0.0, "certificates.none", NULL},
    /* factory */
    {"factory", {{"factory_th.html", "factory"}}, "2026-01-15T00:00:00Z", true, 0.95, 1.0, NULL, "factory.feed_stale"},
    {"factory", {{"factory_th.html", "factory"}}, "2026-03-15T00:00:00Z", true, 0.6, 0.85, "factory.feed_stale", NULL},
    {"factory", {{"factory_th.html", "factory"}}, "2025-12-01T00:00:00Z", true, 0.6, 0.85, "factory.feed_future", NULL},
    {"factory", {{"product_bare.html", "product"}}, "2026-01-15T00:00:00Z", true, 0.0, 0.0, "factory.no_video", NULL},
    /* traceability */
    {"traceability", {{"product_en.html", "product"}}, "2026-01-15T00:00:00Z", true, 1.0, 1.0, NULL,
     "traceability.gtin_invalid"},
    {"traceability", {{"product_zh.html", "product"}}, "2026-01-15T00:00:00Z", true, 0.5, 0.5, "traceability.gtin_invalid",
     NULL},
    {"traceability", {{"product_vi.html", "product"}}, "2026-01-15T00:00:00Z", true, 0.75, 0.75, NULL,
     "traceability.gtin_invalid"},
    {"traceability", {{"product_th.html", "product"}}, "2026-01-15T00:00:00Z", true, 0.5, 0.5, NULL, NULL},
    {"traceability", {{"product_ms.html", "product"}}, "2026-01-15T00:00:00Z", true, 0.75, 0.75, NULL, NULL},
    {"traceability", {{"product_bare.html", "product"}}, "2026-01-15T00:00:00Z", true, 0.0, 0.0, "traceability.none", NULL},
    {"traceability", {{"factory_th.html", "factory"}}, "2026-01-15T00:00:00Z", false, 0, 0, NULL, NULL},
    {"traceability", {{"products_list.html", "products"}}, "2026-01-15T00:00:00Z", false, 0, 0, NULL, NULL},
};

static void test_signal_cases(void **state)
{
    (void)state;
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        const struct sig_case *k = &cases[c];
        size_t n = 0;
        while (n < 4 && k->pages[n].file)
            n++;
        struct fx f;
        fx_load(&f, k->pages, n, k->at);
        struct cwt__signal s;
        run(&f.site, k->id, &s);
        bool ok = explained(&s, k->id) && s.measured == k->measured && (!k->measured || (s.value >= k->min - 1e-9 && s.value <= k->max + 1e-9)) &&
                  (!k->finding || has_finding(&s, k->finding)) && (!k->no_finding || !has_finding(&s, k->no_finding));
        if (!ok) {
            fprintf(stderr, "case %zu %s on %s at %s: measured %d value %.3f conf %.2f; %s\n", c, k->id, k->pages[0].file,
                    k->at, s.measured, s.value, s.confidence, s.summary);
            for (size_t i = 0; i < s.nfindings; i++)
                fprintf(stderr, "  finding %s: %s\n", s.findings[i].code, s.findings[i].message);
            for (size_t i = 0; i < s.nevidence; i++)
                fprintf(stderr, "  evidence %s: %s\n", s.evidence[i].what, s.evidence[i].snippet);
            fail_msg("case %zu failed", c);
        }
        if (!s.measured)
            assert_true(s.nfindings == 0 || s.fix != NULL || s.summary != NULL);
        cwt__signal_release(&s);
        fx_free(&f);
    }
}

static void test_gtin(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        bool valid;
    } rows[] = {
        {"6901234567892", true}, {"6901234567893", false}, {"12345670", true},  {"12345678", false},
        {"036000291452", true},  {"036000291453", false},  {"10614141000415", true}, {"10614141000416", false},
        {"123456789", false},    {"69012345678a2", false}, {"", false},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        if (cwt__gtin_valid(rows[i].in, strlen(rows[i].in)) != rows[i].valid)
            fail_msg("gtin '%s'", rows[i].in);
    char d[15];
    assert_int_equal(cwt__gtin_digits("690 1234-567892", 15, d), 13);
    assert_string_equal(d, "6901234567892");
    assert_int_equal(cwt__gtin_digits("69012x", 6, d), 0);
    assert_int_equal(cwt__gtin_digits("123456789012345", 15, d), 0);
}

static void test_bodies_and_hosts(void **state)
{
    (void)state;
    static const struct {
        const char *url;
        const char *body; /* id or NULL */
    } rows[] = {
        {"https://www.sgs.com/en/x", "sgs"}, {"https://certipedia.com/certificates/1", "tuv_rheinland"},
        {"https://www.tuvsud.com/", "tuv_sud"}, {"http://www.cqc.com.cn/", "cqc"},
        {"https://notsgs.com/", NULL}, {"https://sgs.com.evil.example/", NULL}, {"mailto:a@sgs.com", NULL},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char host[256];
        const struct cwt__body *b = cwt__url_host(rows[i].url, host, sizeof host) ? cwt__body_by_host(host) : NULL;
        if (rows[i].body ? !b || strcmp(b->id, rows[i].body) != 0 : b != NULL)
            fail_msg("host of '%s'", rows[i].url);
    }
    /* every body's every domain, as the host, under a subdomain, and spoilt at either end */
    static const char *const domains[] = {"sgs.com", "sgs.com.cn", "sgsgroup.com.cn", "intertek.com.cn", "tuvsud.cn",
                                          "tuv.com", "certipedia.com", "tuev-nord.de", "bureauveritas.com.cn",
                                          "ul.com", "ulprospector.com", "cti-cert.com", "cqc.com.cn", "sirim-qas.com.my",
                                          "stc.group", "dnv.com", "com", "m", ""};
    static const char *const want[] = {"sgs", "sgs", "sgs", "intertek", "tuv_sud", "tuv_rheinland", "tuv_rheinland",
                                       "tuv_nord", "bv", "ul", "ul", "cti", "cqc", "sirim_qas", "stc", "dnv", NULL,
                                       NULL, NULL};
    for (size_t i = 0; i < sizeof domains / sizeof domains[0]; i++) {
        static const char *const pre[] = {"", "www.", "a.b.", "x", "", ""}, *const post[] = {"", "", "", "", "x", ".evil.example"};
        for (size_t f = 0; f < sizeof pre / sizeof pre[0]; f++) {
            char host[96];
            snprintf(host, sizeof host, "%s%s%s", pre[f], domains[i], post[f]);
            const struct cwt__body *b = cwt__body_by_host(host);
            const char *w = f < 3 ? want[i] : NULL;
            if (f == 3 && strcmp(domains[i], "sgs.com") == 0)
                w = NULL; /* "xsgs.com" */
            if (w ? !b || strcmp(b->id, w) != 0 : b != NULL)
                fail_msg("body of host '%s': %s, want %s", host, b ? b->id : "none", w ? w : "none");
            assert_ptr_equal(cwt__body_by_host_n(host, strlen(host)), b);
        }
    }
    assert_string_equal(cwt__body_by_name("TÜV SÜD Product Service")->id, "tuv_sud");
    assert_string_equal(cwt__body_by_name("Intertek Testing Services")->id, "intertek");
    assert_null(cwt__body_by_name("Acme Labs"));
    assert_null(cwt__body_by_name("Installation and operating instructions (PDF)")); /* not CTI */
    assert_string_equal(cwt__body_by_name("tested by CTI Shenzhen")->id, "cti");
    assert_int_equal(cwt__bodies_scan("tested by Intertek and BV", 25, 8, NULL, NULL), 1);
}

/* cwt__url_host() as it was before cwt__url_host_n() (byte by byte, the authority read twice): the reference. */
static bool url_host_ref(const char *url, char *out, size_t outsz)
{
    if (!url || outsz < 2)
        return false;
    const char *p = NULL;
    if (strncmp(url, "https://", 8) == 0)
        p = url + 8;
    else if (strncmp(url, "http://", 7) == 0)
        p = url + 7;
    else if (strncmp(url, "//", 2) == 0)
        p = url + 2;
    if (!p)
        return false;
    const char *at = NULL;
    for (const char *q = p; *q && *q != '/' && *q != '?' && *q != '#'; q++)
        if (*q == '@')
            at = q;
    if (at)
        p = at + 1;
    size_t n = 0;
    for (; p[n] && p[n] != '/' && p[n] != ':' && p[n] != '?' && p[n] != '#'; n++)
        if (n + 1 >= outsz)
            return false;
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++)
        out[i] = (char)(p[i] >= 'A' && p[i] <= 'Z' ? p[i] - 'A' + 'a' : p[i]);
    out[n] = '\0';
    return true;
}

/* cwt__url_host_n() against the reference on every prefix, authority and end, in buffers of every size. */
static void test_url_host_reference(void **state)
{
    (void)state;
    static const char *const pre[] = {"https://", "http://", "//", "HTTPS://", "htt", "http:/", "https:/", "ftp://",
                                      "", "h", "https", "mailto:"};
    static const char *const auth[] = {"", "www.SGS.com", "a", "u:p@Host.Example", "@x", "a@b@c.d", "x:8080",
                                       ":80", "u@:1", "user@", "h\xc3\xa9.example", "a.b.c.d.e.f.g.h.i.j.k"};
    static const char *const end[] = {"", "/", "/p?q#f", "?q", "#f", ":443/x", "/a@b:c", "@y/z"};
    size_t checked = 0;
    for (size_t a = 0; a < CWT_ARRAY_LEN(pre); a++)
        for (size_t b = 0; b < CWT_ARRAY_LEN(auth); b++)
            for (size_t c = 0; c < CWT_ARRAY_LEN(end); c++)
                for (size_t sz = 0; sz <= 24; sz++) {
                    char url[128], got[32], want[32];
                    snprintf(url, sizeof url, "%s%s%s", pre[a], auth[b], end[c]);
                    memset(got, 'G', sizeof got);
                    memset(want, 'W', sizeof want);
                    bool w = url_host_ref(url, want, sz);
                    size_t n = cwt__url_host_n(url, got, sz);
                    if (w != (n != 0) || (w && (strcmp(got, want) != 0 || n != strlen(want))))
                        fail_msg("host of '%s' in %zu bytes: '%s' (%zu), want '%s'", url, sz, n ? got : "-", n,
                                 w ? want : "-");
                    if (w != cwt__url_host(url, got, sz))
                        fail_msg("cwt__url_host of '%s' in %zu bytes", url, sz);
                    checked += w;
                }
    assert_true(checked > 1000);
    assert_false(cwt__url_host_n(NULL, (char[8]){0}, 8));
}

struct got {
    char s[200];
};

static bool add_mss(const struct cwt__mss_hit *h, void *ud)
{
    struct got *g = ud;
    size_t n = strlen(g->s);
    snprintf(g->s + n, sizeof g->s - n, "%s%s", n ? " " : "", h->mss->id);
    return true;
}

static bool keep_date(int64_t t, size_t off, size_t n, void *ud)
{
    (void)off;
    (void)n;
    *(int64_t *)ud = t;
    return true;
}

static void test_mss_labels_dates(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        const char *ids;
    } rows[] = {
        {"ISO 9001:2015 and ISO14001 certified", "iso9001 iso14001"},
        {"IATF 16949, ISO-13485 and GB/T 19001-2016", "iatf16949 iso13485 iso9001"},
        {"ISO 90012 is not a standard", ""},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct got g = {{0}};
        cwt__mss_scan(rows[i].text, strlen(rows[i].text), 16, add_mss, &g);
        if (strcmp(g.s, rows[i].ids) != 0)
            fail_msg("'%s': got '%s'", rows[i].text, g.s);
    }
    static const struct {
        const char *text;
        const char *const *labels;
        const char *id; /* NULL: none */
    } ids[] = {
        {"Test Report No.: SHES250301234501, issued", cwt__report_no_labels, "SHES250301234501"},
        {"报告编号：SHES240512345601，日期", cwt__report_no_labels, "SHES240512345601"},
        {"Certificate No. CN25/00012345 issued", cwt__cert_no_labels, "CN25/00012345"},
        {"Lot No.: L2025-0312 ·", cwt__batch_labels, "L2025-0312"},
        {"Intertek report 250412-0093 (2025-04-12)", cwt__report_no_labels, "250412-0093"},
        {"Test report: SGS", cwt__report_no_labels, NULL},
        {"a lot of love, lot 7", cwt__batch_labels, NULL},
        {"Số lô: L2025-0312", cwt__batch_labels, "L2025-0312"},
    };
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        char out[64] = "";
        size_t at = cwt__labelled_id(ids[i].text, strlen(ids[i].text), 0, ids[i].labels, out, sizeof out);
        if (ids[i].id ? at == SIZE_MAX || strcmp(out, ids[i].id) != 0 : at != SIZE_MAX)
            fail_msg("'%s': got '%s'", ids[i].text, out);
    }
    static const struct {
        const char *text;
        const char *date; /* NULL: none */
    } dates[] = {
        {"issued 2025-03-18.", "2025-03-18"}, {"2024年5月20日", "2024-05-20"},   {"on 15.03.2025", "2025-03-15"},
        {"15 March 2025", "2025-03-15"},      {"Mar 5, 2025", "2025-03-05"},     {"2025-02-30", NULL},
        {"version 1.2.3", NULL},              {"model 2025-ABC", NULL},
    };
    for (size_t i = 0; i < sizeof dates / sizeof dates[0]; i++) {
        int64_t t = 0;
        size_t n = cwt__dates_scan(dates[i].text, strlen(dates[i].text), 1, keep_date, &t);
        if (!dates[i].date) {
            if (n != 0)
                fail_msg("'%s' is not a date", dates[i].text);
            continue;
        }
        char got[11] = "";
        if (n == 1)
            cwt_time_format_date(t, got);
        if (n != 1 || strcmp(got, dates[i].date) != 0)
            fail_msg("'%s': got '%s'", dates[i].text, got);
    }
}

static double ms_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

/*
 * Robustness: every content signal on every real page of tests/fixtures/pages/readability (or the
 * directory in $CWT_CONTENT_PAGES, each page as <name>/source.html), as a product page: no crash, no
 * sanitizer report, an explained result. Prints per-page timings (informative, never asserted).
 */
static void test_real_pages(void **state)
{
    (void)state;
    static const char *const ids[] = {"parameters", "compliance", "test_reports", "certificates", "factory",
                                      "traceability"};
    const char *dir = getenv("CWT_CONTENT_PAGES");
    char root[512];
    snprintf(root, sizeof root, "%s", dir && dir[0] ? dir : h_src("tests/fixtures/pages/readability"));
    DIR *d = opendir(root);
    assert_non_null(d);
    struct dirent *e;
    size_t pages = 0;
    double total = 0;
    struct cwt_ctx *ctx = NULL;
    assert_int_equal(cwt_ctx_new(&ctx), CWT_OK);
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s/source.html", root, e->d_name);
        size_t len = 0;
        char *html = h_read_file(path, &len);
        if (!html)
            continue;
        struct cwt__doc *doc = NULL;
        struct cwt_err err;
        const char *url = "https://www.example.com/product";
        if (cwt__doc_parse(ctx, html, len, url, &doc, &err) != CWT_OK) {
            free(html);
            continue;
        }
        struct cwt__response resp = {.url = (char *)url, .final_url = (char *)url, .status = 200};
        struct cwt__site_page pg = {&resp, doc, "product"};
        struct cwt__site site = {.ctx = ctx, .url = url, .host = "www.example.com", .reg_domain = "example.com",
                                 .at = 1768435200, .pages = &pg, .npages = 1};
        struct timespec t0;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        char line[512];
        size_t off = (size_t)snprintf(line, sizeof line, "%-48s %8zu B", e->d_name, len);
        for (size_t k = 0; k < sizeof ids / sizeof ids[0]; k++) {
            struct cwt__signal s;
            run(&site, ids[k], &s);
            assert_true(explained(&s, ids[k]));
            if (off < sizeof line)
                off += (size_t)snprintf(line + off, sizeof line - off, " %s=%.2f", ids[k], s.measured ? s.value : -1.0);
            cwt__signal_release(&s);
        }
        double ms = ms_since(&t0);
        total += ms;
        fprintf(stderr, "%s  %.1f ms\n", line, ms);
        cwt__doc_free(doc);
        free(html);
        pages++;
    }
    closedir(d);
    cwt_ctx_free(ctx);
    fprintf(stderr, "content signals on %zu real pages: %.1f ms in all\n", pages, total);
    assert_true(pages > 0);
}

/* The site memo's answer to "the items of this type on this page" is cwt__sdata_find()'s, for the types
 * the signals ask and for any max, on every fixture page with structured data. */
struct memo_run {
    struct cwt_ctx *ctx;
    size_t typed_pages; /* pages with an item with a @type */
};

static void memo_types_page(const char *path, const char *html, size_t len, void *ud)
{
    struct memo_run *run = ud;
    struct cwt__doc *doc = NULL;
    struct cwt_err err;
    if (cwt__doc_parse(run->ctx, html, len, "https://a.example/", &doc, &err) != CWT_OK)
        return;
    run->typed_pages += cwt__sdata_find(cwt__sdata_items(doc), NULL, NULL, 0) > 0;
    static const char *const types[] = {"Organization", "ContactPoint", "Certification", "Report", "DigitalDocument",
                                        "CreativeWork", "VideoObject", "DataFeed", "Dataset", "Product",
                                        "PostalAddress", "Thing"};
    struct cwt__response resp = {.url = (char *)"https://a.example/", .status = 200};
    struct cwt__site_page pg[2] = {{&resp, NULL, "home"}, {&resp, doc, "contact"}};
    struct cwt__site_memo memo = {0};
    struct cwt__site site = {.url = "https://a.example/", .host = "a.example", .pages = pg, .npages = 2, .memo = &memo};
    for (int round = 0; round < 2; round++) /* the list built, then kept */
        for (size_t t = 0; t < sizeof types / sizeof types[0]; t++)
            for (size_t max = 0; max <= 64; max += 3) {
                const json_t *a[64], *b[64];
                size_t na = cwt__site_sdata_find(&site, doc, types[t], a, max);
                size_t nb = cwt__sdata_find(cwt__sdata_items(doc), types[t], b, max);
                if (na != nb || memcmp(a, b, CWT_MIN(na, max) * sizeof a[0]) != 0)
                    fail_msg("%s: %s (max %zu): %zu from the memo, %zu found", path, types[t], max, na, nb);
            }
    cwt__site_memo_release(&memo);
    cwt__doc_free(doc);
}

static void test_site_sdata_find(void **state)
{
    (void)state;
    struct memo_run run = {0};
    assert_int_equal(cwt_ctx_new(&run.ctx), CWT_OK);
    static const char *const globs[] = {"tests/fixtures/sites/*/*.html", "tests/fixtures/pages/exporter/*.html",
                                        "tests/fixtures/pages/*/*.html", NULL};
    assert_true(h_each_file(globs, memo_types_page, &run) >= 10);
    print_message("%zu pages with typed items\n", run.typed_pages);
    assert_true(run.typed_pages >= 5);
    cwt_ctx_free(run.ctx);
}

/* A digest of a lab scan's hits (body, offset, length, in order). */
static bool body_digest(const struct cwt__body_hit *h, void *ud)
{
    uint64_t *d = ud;
    *d = (*d ^ (uintptr_t)h->body) * 1099511628211u;
    *d = (*d ^ (h->off << 16) ^ h->len) * 1099511628211u;
    return true;
}

static void bodies_same(const char *t, size_t len, const char *what)
{
    uint64_t a = 1, b = 1;
    size_t na = cwt__bodies_scan(t, len, 64, body_digest, &a), nb = cwt__bodies_scan_every(t, len, 64, body_digest, &b);
    if (na != nb || a != b)
        fail_msg("%s: %zu labs named, %zu trying every position (or not the same)", what, na, nb);
}

static void bodies_same_page(const char *path, const char *s, size_t len, void *ud)
{
    (void)ud;
    bodies_same(s, len, path);
}

/* The lab scan with its position filters (pairs, then exact pairs of the acronyms and folded quads of the
 * names) finds what a scan trying every position finds: random texts of pieces of names in both cases,
 * and the fixture pages. */
static void test_bodies_filtered(void **state)
{
    (void)state;
    static const char *const pieces[] = {"SGS", "sgs", "Intertek", "INTERTEK", "intertek", "TÜV SÜD", "TUV SUD",
                                         "tuv sud", "Bureau Veritas", "UL Solutions", "UL", "ul", "UL LLC", "CTI",
                                         "cti", "CQC", "DEKRA", "dekra", "DNV GL", "DNV", "BSI", "BSI Group",
                                         "通标", "华测", "x", "a", " ", "\n", "-", "1", "In", "Ce", "é"};
    h_pieces_rounds(pieces, sizeof pieces / sizeof pieces[0], 9, 3000, 255, bodies_same);
    static const char *const globs[] = {"tests/fixtures/sites/*/*.html", "tests/fixtures/pages/exporter/*.html",
                                        "tests/fixtures/pages/readability/*/source.html", NULL};
    assert_true(h_each_file(globs, bodies_same_page, NULL) >= 10);
}

/* cwt__needles_in() says what strstr() says of each needle: each needle alone from its every pair,
 * the service signal's set (its pairs) in one pass, and overlapping needles sharing a pair, on texts
 * made of pieces of the needles and on the fixture pages. */
static const char *const raw_needles[] = {"embed.tawk.to", "static.zdassets.com", "widget.intercom.io",
                                          "cdn.livechatinc.com", "js.hs-scripts.com", "client.crisp.chat",
                                          "wchat.freshchat.com", "code.tidio.co", "WeChat ID", "微信", "abab", "aab",
                                          "Ab", NULL};
static const unsigned char raw_at[] = {8, 7, 2, 3, 3, 11, 0, 4, 0, 4, 2, 1, 0};

static void strstr_same(const char *s)
{
    uint32_t want = 0;
    size_t n = 0;
    for (const char *const *nd = raw_needles; *nd; nd++, n++) {
        want |= (uint32_t)(strstr(s, *nd) != NULL) << n;
        for (size_t a = 0; a + 2 <= strlen(*nd); a++) {
            const unsigned char at = (unsigned char)a;
            struct cwt__needles one;
            cwt__needles_init(&one, nd, &at, 1);
            if ((cwt__needles_in(&one, s) == 1) != (strstr(s, *nd) != NULL))
                fail_msg("'%s' from byte %zu: %d, strstr %d", *nd, a, !(strstr(s, *nd) != NULL), strstr(s, *nd) != NULL);
        }
    }
    static struct cwt__needles all;
    if (!all.n)
        cwt__needles_init(&all, raw_needles, raw_at, n);
    assert_int_equal(cwt__needles_in(&all, s), want);
}

static void strstr_same_round(const char *t, size_t len, const char *what)
{
    (void)len;
    (void)what;
    strstr_same(t);
}

static void strstr_same_page(const char *path, const char *s, size_t len, void *ud)
{
    (void)path;
    (void)len;
    (void)ud;
    strstr_same(s); /* (h_each_file's data is NUL-terminated) */
}

static void test_needles(void **state)
{
    (void)state;
    static const char *const pieces[] = {"a", "b", "ab", "zdassets", "static.", ".com", "wk.to", "embed.ta",
                                         "We", "Chat ID", "微", "信", "x", "chat", "cdn.live", "inc", "client.crisp.",
                                         "wchat.fresh", "w", "code.tidio.co", ".tidio", "js.hs-", "AB", "aB"};
    h_pieces_rounds(pieces, sizeof pieces / sizeof pieces[0], 3, 2000, 127, strstr_same_round);
    static const char *const globs[] = {"tests/fixtures/sites/*/*.html", "tests/fixtures/pages/exporter/*.html", NULL};
    assert_true(h_each_file(globs, strstr_same_page, NULL) >= 10);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gtin),
        cmocka_unit_test(test_bodies_and_hosts),
        cmocka_unit_test(test_url_host_reference),
        cmocka_unit_test(test_mss_labels_dates),
        cmocka_unit_test(test_signal_cases),
        cmocka_unit_test(test_real_pages),
        cmocka_unit_test(test_needles),
        cmocka_unit_test(test_bodies_filtered),
        cmocka_unit_test(test_site_sdata_find),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
