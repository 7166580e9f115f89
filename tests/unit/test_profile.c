/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of src/lib/signals/profile.c (the publishing profile checker): every example of
 * docs/metadata-profile.md (also tests/fixtures/profile/) is complete and scores with the signal
 * that reads it; malformed and incomplete items are named field by field; schema.org's own
 * Certification examples (tests/fixtures/content/schemaorg) are read.
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
#include "page/page.h"
#include "signals/content.h"
#include "signals/profile.h"
#include "util/timeutil.h"

static int64_t iso(const char *s)
{
    int64_t t = 0;
    assert_int_equal(cwt_time_parse_iso(s, &t), CWT_OK);
    return t;
}

static char *fixture(const char *rel, size_t *len)
{
    char *s = h_read_file(h_src(rel), len);
    if (!s)
        fail_msg("cannot read '%s'", rel);
    return s;
}

static void check(const char *text, size_t len, bool html, const char *at, struct cwt__pv_report *r)
{
    struct cwt_ctx *ctx = NULL;
    assert_int_equal(cwt_ctx_new(&ctx), CWT_OK);
    struct cwt_err err;
    cwt_err_clear(&err);
    cwt__pv_report_init(r);
    enum cwt_status rc = cwt__profile_check_text(ctx, text, len, html, "https://www.huaxin-appliance.example/", iso(at), r,
                                                 &err);
    if (rc)
        fail_msg("check failed: %s", err.msg);
    cwt_ctx_free(ctx);
}

static void dump(const struct cwt__pv_report *r)
{
    for (size_t i = 0; i < r->nissues; i++)
        fprintf(stderr, "  %s %s [%s] %s\n", cwt__pv_sev_name(r->issues[i].sev), r->issues[i].path, r->issues[i].code,
                r->issues[i].message);
}

/* The examples, the signal that reads each, the page role and the least value it must score. */
static const struct {
    const char *file;
    const char *type;
    const char *signal; /* NULL: read by a signal of another module (identity) */
    const char *role;
    double min;
} examples[] = {
    {"organization.jsonld", "Organization", NULL, "about", 0},
    {"certification.jsonld", "Certification", "certificates", "certificates", 0.95},
    {"test-report.jsonld", "Report", "test_reports", "reports", 0.95},
    {"product.jsonld", "Product", "parameters", "product", 0.95},
    {"product.jsonld", "Product", "traceability", "product", 0.5},
    {"factory-video.jsonld", "VideoObject", "factory", "factory", 0.6},
    {"production-feed.jsonld", "DataFeed", "factory", "factory", 0.4},
};
#define AT "2026-01-15T00:00:00Z"

static void test_examples_complete(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof examples / sizeof examples[0]; i++) {
        char rel[128];
        snprintf(rel, sizeof rel, "tests/fixtures/profile/%s", examples[i].file);
        size_t len;
        char *text = fixture(rel, &len);
        struct cwt__pv_report r;
        check(text, len, false, AT, &r);
        if (r.errors || r.warnings || !json_object_get(r.types, examples[i].type)) {
            dump(&r);
            fail_msg("%s: %zu errors, %zu warnings", examples[i].file, r.errors, r.warnings);
        }
        cwt__pv_report_release(&r);
        free(text);
    }
}

/* Runs @p signal on one page made of @p jsonld. */
static void score(const char *jsonld, const char *signal, const char *role, const char *at, struct cwt__signal *s)
{
    char html[16384];
    int n = snprintf(html, sizeof html,
                     "<!DOCTYPE html><html><head><title>t</title><script type=\"application/ld+json\">%s</script>"
                     "</head><body><h1>page</h1></body></html>",
                     jsonld);
    assert_true(n > 0 && (size_t)n < sizeof html);
    struct cwt_ctx *ctx = NULL;
    assert_int_equal(cwt_ctx_new(&ctx), CWT_OK);
    struct cwt__doc *doc = NULL;
    struct cwt_err err;
    const char *url = "https://www.huaxin-appliance.example/p";
    assert_int_equal(cwt__doc_parse(ctx, html, (size_t)n, url, &doc, &err), CWT_OK);
    struct cwt__response resp = {.url = (char *)url, .final_url = (char *)url, .status = 200};
    struct cwt__site_page pg = {&resp, doc, role};
    struct cwt__site site = {.ctx = ctx, .url = url, .host = "www.huaxin-appliance.example",
                             .reg_domain = "huaxin-appliance.example", .at = iso(at), .pages = &pg, .npages = 1};
    const struct cwt__signal_def *def = cwt__signal_find(signal);
    assert_non_null(def);
    cwt__signal_init(s, def->id, def->module);
    assert_int_equal(def->run(&site, s), CWT_OK);
    cwt__doc_free(doc);
    cwt_ctx_free(ctx);
}

static void test_examples_score(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof examples / sizeof examples[0]; i++) {
        if (!examples[i].signal)
            continue;
        char rel[128];
        snprintf(rel, sizeof rel, "tests/fixtures/profile/%s", examples[i].file);
        size_t len;
        char *text = fixture(rel, &len);
        struct cwt__signal s;
        score(text, examples[i].signal, examples[i].role, AT, &s);
        if (!s.measured || s.value < examples[i].min)
            fail_msg("%s scored %.3f by %s (%s)", examples[i].file, s.value, examples[i].signal, s.summary);
        cwt__signal_release(&s);
        free(text);
    }
}

/* docs/metadata-profile.md shows exactly the fixture files, and each of its JSON blocks is clean. */
static void test_examples_in_doc(void **state)
{
    (void)state;
    size_t dlen;
    char *doc = fixture("docs/metadata-profile.md", &dlen);
    size_t blocks = 0;
    for (const char *p = strstr(doc, "```json\n"); p; p = strstr(p, "```json\n")) {
        p += 8;
        const char *e = strstr(p, "\n```");
        assert_non_null(e);
        struct cwt__pv_report r;
        check(p, (size_t)(e - p), false, AT, &r);
        if (r.errors || r.warnings) {
            dump(&r);
            fail_msg("block %zu of docs/metadata-profile.md is not clean", blocks);
        }
        cwt__pv_report_release(&r);
        blocks++;
        p = e + 4;
    }
    static const char *const files[] = {"organization.jsonld", "certification.jsonld", "test-report.jsonld",
                                        "product.jsonld", "factory-video.jsonld", "production-feed.jsonld"};
    assert_int_equal(blocks, sizeof files / sizeof files[0]);
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char rel[128];
        snprintf(rel, sizeof rel, "tests/fixtures/profile/%s", files[i]);
        size_t len;
        char *text = fixture(rel, &len);
        while (len && text[len - 1] == '\n')
            text[--len] = '\0';
        if (!strstr(doc, text))
            fail_msg("docs/metadata-profile.md does not show %s verbatim", files[i]);
        free(text);
    }
    free(doc);
}

static bool has_issue(const struct cwt__pv_report *r, const char *path_end, const char *code, enum cwt__pv_sev sev)
{
    for (size_t i = 0; i < r->nissues; i++) {
        const struct cwt__pv_issue *is = &r->issues[i];
        size_t pl = strlen(is->path), el = strlen(path_end);
        if (is->sev == sev && strcmp(is->code, code) == 0 && pl >= el && strcmp(is->path + pl - el, path_end) == 0)
            return true;
    }
    return false;
}

static void test_malformed(void **state)
{
    (void)state;
    static const struct {
        const char *json;
        const char *path; /* end of the issue's path */
        const char *code;
        enum cwt__pv_sev sev;
    } rows[] = {
        {"{\"@type\":\"Certification\",\"name\":\"ISO 9001\",\"certificationIdentification\":\"X1\","
         "\"issuedBy\":{\"@type\":\"Organization\",\"name\":\"SGS\",\"url\":\"https://www.sgs.com/\"},"
         "\"validFrom\":\"2024-01-01\"}",
         ".expires", "missing", CWT__PV_ERROR},
        {"{\"@type\":\"Certification\",\"name\":\"ISO 9001\",\"certificationIdentification\":\"X1\","
         "\"issuedBy\":\"SGS\",\"validFrom\":\"01/02/2024\",\"expires\":\"2027-01-01\"}",
         ".validFrom", "malformed", CWT__PV_ERROR},
        {"{\"@type\":\"Certification\",\"name\":\"ISO 9001\",\"certificationIdentification\":\"X1\","
         "\"issuedBy\":\"SGS\",\"validFrom\":\"2020-01-01\",\"expires\":\"2023-01-01\","
         "\"certificationStatus\":\"Active\"}",
         ".expires", "expired", CWT__PV_WARN},
        {"{\"@type\":\"Certification\",\"name\":\"ISO 9001\",\"certificationIdentification\":\"X1\","
         "\"issuedBy\":\"SGS\",\"validFrom\":\"2020-01-01\",\"expires\":\"2023-01-01\","
         "\"certificationStatus\":\"Active\"}",
         ".certificationStatus", "malformed", CWT__PV_ERROR},
        {"{\"@type\":\"Certification\",\"name\":\"ISO 9001\",\"certificationIdentification\":\"X1\","
         "\"issuedBy\":\"SGS\",\"validFrom\":\"2027-01-01\",\"expires\":\"2026-01-01\"}",
         ".expires", "malformed", CWT__PV_ERROR},
        {"{\"@type\":\"Product\",\"name\":\"K\",\"gtin13\":\"6901234567893\"}", ".gtin13", "check_digit", CWT__PV_ERROR},
        {"{\"@type\":\"Product\",\"name\":\"K\",\"gtin8\":\"6901234567892\"}", ".gtin8", "check_digit", CWT__PV_ERROR},
        {"{\"@type\":\"Product\",\"name\":\"K\",\"additionalProperty\":{\"@type\":\"PropertyValue\",\"name\":\"Power\","
         "\"value\":2000,\"unitCode\":\"WAT\"}}",
         ".additionalProperty[0]", "unknown_unit", CWT__PV_WARN},
        {"{\"@type\":\"Product\",\"name\":\"K\",\"additionalProperty\":{\"@type\":\"PropertyValue\",\"name\":\"Power\","
         "\"value\":2000}}",
         ".additionalProperty[0]", "missing", CWT__PV_WARN},
        {"{\"@type\":\"Product\",\"additionalProperty\":{\"@type\":\"PropertyValue\",\"name\":\"Power\"}}",
         ".additionalProperty[0]", "missing", CWT__PV_ERROR},
        {"{\"@type\":\"Product\",\"additionalProperty\":{\"@type\":\"PropertyValue\",\"name\":\"Power\"}}", ".name",
         "missing", CWT__PV_ERROR},
        {"{\"@type\":\"Organization\",\"name\":\"A\",\"url\":\"https://a.example/\",\"leiCode\":\"3003009W8ZQ1UE8TSJ28\"}",
         ".leiCode", "check_digit", CWT__PV_ERROR},
        {"{\"@type\":\"Organization\",\"name\":\"A\",\"url\":\"a.example\"}", ".url", "malformed", CWT__PV_ERROR},
        {"{\"@type\":\"Organization\",\"name\":\"A\",\"url\":\"https://a.example/\",\"taxID\":\"91442000MA4UH6TQ55\","
         "\"address\":{\"@type\":\"PostalAddress\",\"addressCountry\":\"CN\"}}",
         ".taxID", "check_digit", CWT__PV_ERROR},
        {"{\"@type\":\"Organization\",\"name\":\"A\",\"url\":\"https://a.example/\",\"identifier\":"
         "{\"@type\":\"PropertyValue\",\"propertyID\":\"CN-USCC\",\"value\":\"91442000MA4UH6TQ55\"}}",
         ".identifier", "check_digit", CWT__PV_ERROR},
        {"{\"@type\":\"Organization\",\"name\":\"A\",\"url\":\"https://a.example/\"}", ".taxID", "missing", CWT__PV_ERROR},
        {"{\"@type\":\"Organization\",\"name\":\"A\",\"url\":\"https://a.example/\",\"taxID\":\"1\","
         "\"address\":{\"@type\":\"PostalAddress\",\"addressCountry\":\"China\"}}",
         ".address.addressCountry", "malformed", CWT__PV_WARN},
        {"{\"@type\":\"Report\",\"name\":\"R\",\"reportNumber\":\"N1\",\"datePublished\":\"2025-01-01\","
         "\"author\":{\"@type\":\"Organization\",\"name\":\"Intertek\",\"url\":\"https://www.intertek.com/\"},"
         "\"about\":{\"@type\":\"Product\",\"name\":\"K\"},\"url\":\"https://reports.exporter.example/N1\"}",
         ".url", "not_lab_domain", CWT__PV_WARN},
        {"{\"@type\":\"Report\",\"name\":\"R\",\"datePublished\":\"2025-01-01\"}", ".reportNumber", "missing",
         CWT__PV_ERROR},
        {"{\"@type\":\"Report\",\"name\":\"R\",\"datePublished\":\"2025-01-01\"}", ".author", "missing", CWT__PV_ERROR},
        {"{\"@type\":\"VideoObject\",\"name\":\"Factory\",\"thumbnailUrl\":\"https://a.example/t.jpg\","
         "\"embedUrl\":\"https://www.youtube.com/embed/x\"}",
         ".uploadDate", "missing", CWT__PV_ERROR},
        {"{\"@type\":\"VideoObject\",\"name\":\"Factory\",\"thumbnailUrl\":\"https://a.example/t.jpg\","
         "\"uploadDate\":\"2025-01-01\"}",
         ".contentUrl", "missing", CWT__PV_ERROR},
        {"{\"@type\":\"DataFeed\",\"name\":\"Capacity\",\"dateModified\":\"2025-12-01T00:00:00Z\","
         "\"dataFeedElement\":[]}",
         ".dateModified", "stale", CWT__PV_WARN},
        {"{\"@type\":\"DataFeed\",\"name\":\"Capacity\",\"dateModified\":\"2026-01-14\"}", ".dateModified", "malformed",
         CWT__PV_WARN},
        {"{\"@type\":\"DataFeed\",\"name\":\"Capacity\",\"dateModified\":\"2026-01-14\"}", ".distribution", "missing",
         CWT__PV_ERROR},
        {"{\"@type\":\"Certification\",\"name\":\"C\",}", "document", "malformed", CWT__PV_WARN},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct cwt__pv_report r;
        check(rows[i].json, strlen(rows[i].json), false, AT, &r);
        if (!has_issue(&r, rows[i].path, rows[i].code, rows[i].sev)) {
            dump(&r);
            fail_msg("row %zu: no %s '%s' at '...%s'", i, cwt__pv_sev_name(rows[i].sev), rows[i].code, rows[i].path);
        }
        cwt__pv_report_release(&r);
    }
    /* what does not parse at all is an error of the input, naming where */
    struct cwt_ctx *ctx = NULL;
    assert_int_equal(cwt_ctx_new(&ctx), CWT_OK);
    struct cwt__pv_report r;
    cwt__pv_report_init(&r);
    struct cwt_err err;
    cwt_err_clear(&err);
    assert_int_equal(cwt__profile_check_text(ctx, "<<<", 3, false, NULL, 0, &r, &err), CWT_EPARSE);
    assert_true(strstr(err.msg, "line") != NULL);
    cwt__pv_report_release(&r);
    cwt_ctx_free(ctx);
    /* the JSON form */
    check(rows[0].json, strlen(rows[0].json), false, AT, &r);
    json_t *o = cwt__pv_report_json(&r);
    assert_non_null(o);
    assert_int_equal(json_integer_value(json_object_get(o, "errors")), (json_int_t)r.errors);
    assert_int_equal(json_array_size(json_object_get(o, "issues")), r.nissues);
    json_decref(o);
    cwt__pv_report_release(&r);
}

static bool has_finding(const struct cwt__signal *s, const char *code)
{
    for (size_t i = 0; i < s->nfindings; i++)
        if (strcmp(s->findings[i].code, code) == 0)
            return true;
    return false;
}

static char *script_body(const char *rel)
{
    size_t len;
    char *html = fixture(rel, &len);
    char *a = strchr(html, '>');
    char *b = strstr(html, "</script>");
    assert_true(a && b && b > a);
    *b = '\0';
    memmove(html, a + 1, (size_t)(b - a));
    return html;
}

static void test_schemaorg_examples(void **state)
{
    (void)state;
    /* eg-0483: the EPREL Certification is read and valid until 2026-05-12 */
    char *j = script_body("tests/fixtures/content/schemaorg/eg-0483.jsonld.html");
    struct cwt__signal s;
    score(j, "certificates", "certificates", "2026-01-15T00:00:00Z", &s);
    assert_true(s.measured);
    assert_true(s.value >= 0.85);
    assert_false(has_finding(&s, "certificates.expired"));
    cwt__signal_release(&s);
    score(j, "certificates", "certificates", "2026-06-01T00:00:00Z", &s);
    assert_true(has_finding(&s, "certificates.expired"));
    assert_true(s.value < 0.3);
    cwt__signal_release(&s);
    struct cwt__pv_report r;
    check(j, strlen(j), false, "2026-01-15T00:00:00Z", &r);
    assert_int_equal(r.errors, 0);
    cwt__pv_report_release(&r);
    free(j);

    /* eg-0487: an FCC Certification numbered by a DefinedTerm, and a CE one without number or dates */
    j = script_body("tests/fixtures/content/schemaorg/eg-0487.jsonld.html");
    score(j, "certificates", "product", "2026-01-15T00:00:00Z", &s);
    bool numbered = false;
    for (size_t i = 0; i < s.nevidence; i++)
        numbered = numbered || strstr(s.evidence[i].snippet, "BCG-E3307A");
    assert_true(numbered);
    assert_true(has_finding(&s, "certificates.no_validity"));
    assert_true(has_finding(&s, "certificates.no_number"));
    cwt__signal_release(&s);
    /* their names are marks for the compliance signal: the Certification type is the context */
    score(j, "compliance", "product", "2026-01-15T00:00:00Z", &s);
    json_t *marks = json_object_get(s.detail, "marks");
    assert_non_null(json_object_get(marks, "ce"));
    assert_non_null(json_object_get(marks, "fcc"));
    assert_false(has_finding(&s, "compliance.no_marks"));
    cwt__signal_release(&s);
    check(j, strlen(j), false, "2026-01-15T00:00:00Z", &r);
    assert_true(has_issue(&r, "Certification 'CE'.certificationIdentification", "missing", CWT__PV_ERROR));
    assert_false(has_issue(&r, "Certification 'FCC'.certificationIdentification", "missing", CWT__PV_ERROR));
    cwt__pv_report_release(&r);
    free(j);

    /* eg-4505: a @graph; node references are followed (the address is described elsewhere) */
    size_t len;
    char *html = fixture("tests/fixtures/content/schemaorg/eg-4505.jsonld.html", &len);
    check(html, len, true, "2026-01-15T00:00:00Z", &r);
    assert_true(has_issue(&r, "Certification 'Certified Pretentious Wine'.expires", "missing", CWT__PV_ERROR));
    assert_false(has_issue(&r, "Organization 'Domaine du Château Snotty'.address.addressCountry", "missing",
                           CWT__PV_ERROR));
    assert_int_equal(json_integer_value(json_object_get(r.types, "Product")), 1);
    cwt__pv_report_release(&r);
    free(html);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_examples_complete),
        cmocka_unit_test(test_examples_score),
        cmocka_unit_test(test_examples_in_doc),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_schemaorg_examples),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
