/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the basic-module signals whois, contact and identity
 * (sig_whois.c, sig_contact.c, sig_identity.c) and company-name handling
 * (orgname.c), on fixture pages in tests/fixtures/basic (a consistent
 * exporter and a scam-like site) with registration records built in the test.
 */
#include <math.h>
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
#include "signals/orgname.h"
#include "signals/signal.h"
#include "util/timeutil.h"
#include "whois/whois_record.h"

#define MAXP 4

struct fx {
    struct cwt_ctx *ctx;
    struct cwt__response resp[MAXP];
    struct cwt__doc *doc[MAXP];
    struct cwt__site_page pages[MAXP];
    struct cwt__site site;
    struct cwt__signal done[4];
    size_t ndone;
};

struct pg {
    const char *file;
    const char *role;
};

static void fx_load(struct fx *f, const char *domain, const struct pg *pgs, size_t n)
{
    memset(f, 0, sizeof *f);
    assert_int_equal(cwt_ctx_new(&f->ctx), CWT_OK);
    static char home[300], host[300];
    snprintf(host, sizeof host, "www.%s", domain);
    snprintf(home, sizeof home, "https://www.%s/", domain);
    for (size_t i = 0; i < n; i++) {
        char rel[160], url[300];
        snprintf(rel, sizeof rel, "tests/fixtures/basic/%s", pgs[i].file);
        snprintf(url, sizeof url, "https://www.%s/%s", domain, pgs[i].file);
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
    f->site.url = home;
    f->site.host = host;
    f->site.reg_domain = domain;
    assert_int_equal(cwt_time_parse_iso("2026-11-30T00:00:00Z", &f->site.at), CWT_OK);
    f->site.pages = f->pages;
    f->site.npages = n;
    f->site.offline = true;
}

/* Runs signal @p id and keeps its result for the later ones. */
static const struct cwt__signal *fx_run(struct fx *f, const char *id)
{
    const struct cwt__signal_def *def = cwt__signal_find(id);
    assert_non_null(def);
    assert_true(f->ndone < 4);
    struct cwt__signal *s = &f->done[f->ndone];
    cwt__signal_init(s, def->id, def->module);
    f->site.done = f->done;
    f->site.ndone = f->ndone;
    assert_int_equal(def->run(&f->site, s), CWT_OK);
    f->ndone++;
    f->site.ndone = f->ndone;
    assert_non_null(s->summary);
    assert_true(s->value >= 0 && s->value <= 1);
    assert_true(s->confidence >= 0 && s->confidence <= 1);
    return s;
}

static void fx_free(struct fx *f)
{
    for (size_t i = 0; i < f->ndone; i++)
        cwt__signal_release(&f->done[i]);
    for (size_t i = 0; i < MAXP; i++) {
        cwt__doc_free(f->doc[i]);
        cwt_free(f->resp[i].url);
        cwt_free(f->resp[i].final_url);
    }
    cwt_ctx_free(f->ctx);
}

static const struct cwt__finding *finding(const struct cwt__signal *s, const char *code)
{
    for (size_t i = 0; i < s->nfindings; i++)
        if (strcmp(s->findings[i].code, code) == 0)
            return &s->findings[i];
    return NULL;
}

static struct cwt__whois *record(const char *org, const char *cc, const char *created, const char *expires)
{
    struct cwt__whois *w = cwt__whois_new();
    assert_non_null(w);
    w->source = CWT__WHOIS_RDAP;
    w->server = cwt_strdup("https://rdap.example/domain/x");
    w->domain = cwt_strdup("x");
    w->registrar = cwt_strdup("Alibaba Cloud Computing (Beijing) Co., Ltd.");
    if (org)
        w->registrant_org = cwt_strdup(org);
    else
        w->redacted = CWT__RED_REGISTRANT_ORG | CWT__RED_REGISTRANT_NAME;
    if (cc) {
        w->registrant_country = cwt_strdup(cc);
        cwt__country_code(cc, w->registrant_cc);
    }
    assert_int_equal(cwt_time_parse_iso(created, &w->created), CWT_OK);
    assert_int_equal(cwt_time_parse_iso(expires, &w->expires), CWT_OK);
    return w;
}

static void test_orgname(void **state)
{
    (void)state;
    static const struct {
        const char *in, *norm;
    } norms[] = {
        {"Ningbo Valves Co., Ltd.", "ningbo valves"},
        {"NINGBO VALVES LIMITED", "ningbo valves"},
        {"宁波阀门有限公司", "宁波阀门"},
        {"บริษัท สยามวาล์ว จำกัด (มหาชน)", "สยามวาล์ว"},
        {"Công ty TNHH Van Sài Gòn", "van sài gòn"},
        {"PT Katup Indonesia Tbk", "katup indonesia"},
        {"Katup Malaysia Sdn. Bhd.", "katup malaysia"},
        {"Lion City Valves Pte. Ltd.", "lion city valves"},
        {"株式会社 大阪バルブ", "大阪バルブ"},
    };
    for (size_t i = 0; i < CWT_ARRAY_LEN(norms); i++) {
        char out[CWT__ORGNAME_MAX];
        cwt__orgname_norm(norms[i].in, out, sizeof out);
        assert_string_equal(out, norms[i].norm);
    }
    assert_true(cwt__orgname_match("Ningbo Valves Co., Ltd.", "NINGBO VALVES LIMITED") == 1.0);
    assert_true(cwt__orgname_match("Ningbo Valves Co., Ltd.", "Ningbo Valves Import & Export Co., Ltd.") >= 0.8);
    assert_true(cwt__orgname_match("Ningbo Valves Co., Ltd.", "Global Valve Trading Limited") < 0.5);
    assert_true(cwt__orgname_match("Ningbo Valves Co., Ltd.", "宁波阀门有限公司") < -0.5); /* not comparable */
    assert_true(cwt__orgname_match("宁波阀门有限公司", "宁波阀门股份有限公司") == 1.0);

    const char *text = "Welcome. Ningbo Valves Co., Ltd. was founded in 2003.\n宁波阀门有限公司 版权所有\n"
                       "Partner: บริษัท สยามวาล์ว จำกัด, Công ty TNHH Van Sài Gòn, PT Katup Indonesia Tbk\n";
    char names[8][CWT__ORGNAME_MAX];
    size_t n = cwt__orgname_find(text, strlen(text), names, 8);
    assert_int_equal(n, 5);
    assert_string_equal(names[0], "Ningbo Valves Co., Ltd.");
    assert_string_equal(names[1], "宁波阀门有限公司");
    assert_string_equal(names[2], "บริษัท สยามวาล์ว จำกัด");
    assert_string_equal(names[3], "Công ty TNHH Van Sài Gòn");
    assert_string_equal(names[4], "PT Katup Indonesia Tbk");
    const char *heading = "About Ningbo Valves Co., Ltd.\nWelcome to Lion City Valves Pte. Ltd.";
    n = cwt__orgname_find(heading, strlen(heading), names, 8);
    assert_int_equal(n, 2);
    assert_string_equal(names[0], "Ningbo Valves Co., Ltd.");
    assert_string_equal(names[1], "Lion City Valves Pte. Ltd.");
}

static const struct pg good[] = {{"good-home.html", "home"}, {"good-contact.html", "contact"}};
static const struct pg scam[] = {{"scam-home.html", "home"}, {"scam-contact.html", "contact"}};

static void test_whois_signal(void **state)
{
    (void)state;
    struct fx f;
    /* no record: not measured */
    fx_load(&f, "ningbo-valves.example", good, 2);
    const struct cwt__signal *s = fx_run(&f, "whois");
    assert_false(s->measured);
    assert_true(s->nevidence >= 1);
    fx_free(&f);

    /* an old registration in the company's name, far from expiry */
    fx_load(&f, "ningbo-valves.example", good, 2);
    struct cwt__whois *w = record("NINGBO VALVES LIMITED", "CN", "2003-05-01T00:00:00Z", "2030-05-01T00:00:00Z");
    f.site.whois = w;
    s = fx_run(&f, "whois");
    assert_true(s->measured);
    assert_string_equal(s->raw_unit, "days");
    assert_true(fabs(s->raw - (double)(cwt_days_from_civil(2026, 11, 30) - cwt_days_from_civil(2003, 5, 1))) < 1);
    assert_true(s->value > 0.9);
    assert_int_equal(s->nfindings, 0);
    double strong = s->value;
    fx_free(&f);
    cwt__whois_free(w);

    /* redacted registrant: neutral (same age and expiry give the same value, an info finding) */
    fx_load(&f, "ningbo-valves.example", good, 2);
    w = record(NULL, NULL, "2003-05-01T00:00:00Z", "2030-05-01T00:00:00Z");
    f.site.whois = w;
    s = fx_run(&f, "whois");
    assert_true(fabs(s->value - strong) < 1e-9);
    assert_non_null(finding(s, "whois.redacted"));
    assert_int_equal(finding(s, "whois.redacted")->severity, CWT__SEV_INFO);
    fx_free(&f);
    cwt__whois_free(w);

    /* a young domain of another company, about to expire, registered elsewhere */
    fx_load(&f, "bestvalves-shop.example", scam, 2);
    w = record("Lucky Star Holdings Ltd", "PA", "2026-10-20T00:00:00Z", "2026-12-10T00:00:00Z");
    f.site.whois = w;
    s = fx_run(&f, "whois");
    assert_true(s->measured);
    assert_true(s->value < 0.5);
    assert_non_null(finding(s, "whois.young_domain"));
    assert_non_null(finding(s, "whois.expires_soon"));
    const struct cwt__finding *mm = finding(s, "whois.registrant_mismatch");
    assert_non_null(mm);
    assert_non_null(strstr(mm->ev.snippet, "Lucky Star"));
    assert_non_null(strstr(mm->ev.snippet, "Global Valve Trading"));
    assert_non_null(s->fix);
    fx_free(&f);
    cwt__whois_free(w);

    /* the registry says: not registered */
    fx_load(&f, "bestvalves-shop.example", scam, 2);
    w = cwt__whois_new();
    w->source = CWT__WHOIS_PORT43;
    w->not_found = true;
    w->domain = cwt_strdup("bestvalves-shop.example");
    f.site.whois = w;
    s = fx_run(&f, "whois");
    assert_non_null(finding(s, "whois.not_registered"));
    assert_true(s->value == 0);
    fx_free(&f);
    cwt__whois_free(w);
}

static void test_contact_signal(void **state)
{
    (void)state;
    struct fx f;
    fx_load(&f, "ningbo-valves.example", good, 2);
    const struct cwt__signal *g = fx_run(&f, "contact");
    assert_true(g->measured);
    assert_int_equal(json_integer_value(json_object_get(g->detail, "emails_own_domain")), 1);
    assert_int_equal(json_integer_value(json_object_get(g->detail, "registration_valid")), 1);
    assert_int_equal(json_integer_value(json_object_get(g->detail, "mismatches")), 0);
    assert_int_equal(json_integer_value(json_object_get(g->detail, "map_links")), 1);
    assert_string_equal(json_string_value(json_object_get(g->detail, "mx")), "skipped (offline)");
    assert_null(finding(g, "contact.mismatch"));
    assert_null(finding(g, "contact.regno_invalid"));
    double good_value = g->value;
    fx_free(&f);

    fx_load(&f, "bestvalves-shop.example", scam, 2);
    const struct cwt__signal *s = fx_run(&f, "contact");
    assert_true(s->value < good_value);
    const struct cwt__finding *mm = finding(s, "contact.mismatch");
    assert_non_null(mm); /* home: +86 mobile / gmail; contact page: +65 / own domain */
    assert_non_null(strstr(mm->ev.snippet, "|"));
    assert_non_null(finding(s, "contact.regno_invalid"));
    assert_non_null(finding(s, "contact.phone_invalid"));        /* +86 138 0013 800: 10 digits */
    assert_non_null(finding(s, "contact.postal_code_invalid"));  /* Singapore 18989 */
    assert_non_null(s->fix);
    fx_free(&f);
}

static void test_identity_signal(void **state)
{
    (void)state;
    struct fx f;
    fx_load(&f, "ningbo-valves.example", good, 2);
    struct cwt__whois *w = record("NINGBO VALVES LIMITED", "CN", "2003-05-01T00:00:00Z", "2030-05-01T00:00:00Z");
    f.site.whois = w;
    fx_run(&f, "whois");
    fx_run(&f, "contact");
    const struct cwt__signal *s = fx_run(&f, "identity");
    assert_true(s->measured);
    assert_true(s->value >= 0.9);
    assert_null(finding(s, "identity.mismatch"));
    json_t *matrix = json_object_get(s->detail, "matrix");
    assert_true(json_array_size(matrix) >= 3);
    assert_int_equal(json_integer_value(json_object_get(s->detail, "registration_numbers_valid")), 1);
    /* the Chinese name is in the matrix as "not comparable" with the English ones, not a mismatch */
    bool not_comparable = false;
    size_t i;
    json_t *cell;
    json_array_foreach(matrix, i, cell)
    {
        if (strcmp(json_string_value(json_object_get(cell, "verdict")), "not comparable") == 0)
            not_comparable = true;
    }
    assert_true(not_comparable);
    fx_free(&f);
    cwt__whois_free(w);

    fx_load(&f, "bestvalves-shop.example", scam, 2);
    w = record("Lucky Star Holdings Ltd", "PA", "2026-10-20T00:00:00Z", "2026-12-10T00:00:00Z");
    f.site.whois = w;
    fx_run(&f, "whois");
    fx_run(&f, "contact");
    s = fx_run(&f, "identity");
    assert_true(s->value < 0.5);
    assert_non_null(finding(s, "identity.mismatch"));
    const struct cwt__finding *cm = finding(s, "identity.country_mismatch");
    assert_non_null(cm); /* registrant in Panama, address in Singapore */
    assert_non_null(strstr(cm->ev.snippet, "PA"));
    assert_non_null(strstr(cm->ev.snippet, "SG"));
    fx_free(&f);
    cwt__whois_free(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_orgname),
        cmocka_unit_test(test_whois_signal),
        cmocka_unit_test(test_contact_signal),
        cmocka_unit_test(test_identity_signal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
