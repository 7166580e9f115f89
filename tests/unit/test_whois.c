/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of src/lib/whois: the WHOIS text parser against three upstream
 * corpora (tests/fixtures/whois/expected.tsv, made by
 * scripts/import-whois-fixtures.py), the RDAP parser against ICANN's expected
 * gTLD renderings, redaction, the bootstrap registry, dates and countries.
 * Prints the field accuracy; fails below 95 %.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>
#include <ctype.h>
#include <strings.h>

#include <jansson.h>

#include "harness.h"
#include "util/timeutil.h"
#include "whois/whois_record.h"

#define ACCURACY_TARGET 0.95

static struct cwt__whois *parse_file(const char *rel)
{
    char path[1024];
    snprintf(path, sizeof path, "%s", h_src(rel));
    size_t len = 0;
    char *text = h_read_file(path, &len);
    if (!text)
        fail_msg("cannot read %s", path);
    struct cwt__whois *w = cwt__whois_new();
    assert_non_null(w);
    assert_int_equal(cwt__whois_parse_text(w, text, len), CWT_OK);
    free(text);
    return w;
}

/* Lowercase, whitespace collapsed, for name comparisons. */
static void canon(const char *s, char *out, size_t cap)
{
    size_t o = 0;
    bool sp = false;
    for (; s && *s && o + 1 < cap; s++) {
        if (isspace((unsigned char)*s)) {
            sp = o > 0;
            continue;
        }
        if (sp && o + 2 < cap)
            out[o++] = ' ';
        sp = false;
        out[o++] = (char)tolower((unsigned char)*s);
    }
    out[o] = '\0';
}

static bool same_name(const char *got, const char *want)
{
    char a[512], b[512];
    canon(got, a, sizeof a);
    canon(want, b, sizeof b);
    return got && strcmp(a, b) == 0;
}

static bool same_day(int64_t t, const char *want)
{
    if (!t)
        return false;
    char d[11];
    cwt_time_format_date(t, d);
    return strcmp(d, want) == 0;
}

static int cmpstr(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void append(char *dst, size_t cap, const char *s)
{
    size_t n = strlen(dst);
    snprintf(dst + n, cap - n, "%s", s);
}

static bool same_ns(const struct cwt__whois *w, const char *want)
{
    char *v[CWT__WHOIS_LIST_MAX];
    char got[4096] = "";
    for (size_t i = 0; i < w->nnameservers; i++)
        v[i] = w->nameservers[i];
    qsort(v, w->nnameservers, sizeof v[0], cmpstr);
    for (size_t i = 0; i < w->nnameservers; i++) {
        if (i)
            append(got, sizeof got, ",");
        append(got, sizeof got, v[i]);
    }
    return strcmp(got, want) == 0;
}

static bool check_field(const struct cwt__whois *w, const char *field, const char *want)
{
    if (strcmp(field, "domain") == 0)
        return w->domain && strcasecmp(w->domain, want) == 0;
    if (strcmp(field, "created") == 0)
        return same_day(w->created, want);
    if (strcmp(field, "updated") == 0)
        return same_day(w->updated, want);
    if (strcmp(field, "expires") == 0)
        return same_day(w->expires, want);
    if (strcmp(field, "registrar") == 0)
        return same_name(w->registrar, want);
    if (strcmp(field, "registrant_org") == 0 && (strcasestr(want, "redacted") || strcasestr(want, "not disclosed") ||
                                                 strcasestr(want, "privacy")))
        return (w->redacted & CWT__RED_REGISTRANT_ORG) != 0; /* redaction is recorded as a flag */
    if (strcmp(field, "registrant_org") == 0)
        return same_name(w->registrant_org, want) || same_name(w->registrant_name, want);
    if (strcmp(field, "registrant_country") == 0) {
        char cc[3];
        cwt__country_code(want, cc);
        return same_name(w->registrant_country, want) || (cc[0] && strcmp(cc, w->registrant_cc) == 0);
    }
    if (strcmp(field, "nameservers") == 0)
        return same_ns(w, want);
    if (strcmp(field, "notfound") == 0)
        return w->not_found;
    fail_msg("unknown field %s", field);
    return false;
}

#define NFIELDS 9
static const char *const field_names[NFIELDS] = {"domain",  "created",        "updated",
                                                 "expires", "registrar",      "registrant_org",
                                                 "registrant_country", "nameservers", "notfound"};

static int field_index(const char *f)
{
    for (int i = 0; i < NFIELDS; i++)
        if (strcmp(field_names[i], f) == 0)
            return i;
    return -1;
}

static void test_text_corpus_accuracy(void **state)
{
    (void)state;
    char *tsv = h_read_file(h_src("tests/fixtures/whois/expected.tsv"), NULL);
    assert_non_null(tsv);
    unsigned ok[NFIELDS] = {0}, total[NFIELDS] = {0};
    unsigned cok[3] = {0}, ctot[3] = {0}; /* richardpenman, likexian, weppos */
    char cur[512] = "";
    struct cwt__whois *w = NULL;
    bool verbose = getenv("CWTAP_WHOIS_VERBOSE") != NULL;
    for (char *line = tsv, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        if (line[0] == '#')
            continue;
        char *f = strchr(line, '\t');
        assert_non_null(f);
        *f++ = '\0';
        char *v = strchr(f, '\t');
        assert_non_null(v);
        *v++ = '\0';
        if (strcmp(cur, line) != 0) {
            cwt__whois_free(w);
            char rel[600];
            snprintf(rel, sizeof rel, "tests/fixtures/whois/%s", line);
            w = parse_file(rel);
            snprintf(cur, sizeof cur, "%s", line);
        }
        int fi = field_index(f);
        assert_true(fi >= 0);
        bool good = check_field(w, f, v);
        int c = strncmp(line, "richard", 7) == 0 ? 0 : strncmp(line, "likexian", 8) == 0 ? 1 : 2;
        total[fi]++;
        ctot[c]++;
        if (good) {
            ok[fi]++;
            cok[c]++;
        } else if (verbose) {
            char d[21] = "";
            if (fi >= 1 && fi <= 3) {
                int64_t t = fi == 1 ? w->created : fi == 2 ? w->updated : w->expires;
                if (t)
                    cwt_time_format_iso(t, d);
            }
            print_message("MISS %s %s want '%s' got '%s'\n", line, f, v,
                          fi == 0   ? (w->domain ? w->domain : "")
                          : fi <= 3 ? d
                          : fi == 4 ? (w->registrar ? w->registrar : "")
                          : fi == 5 ? (w->registrant_org ? w->registrant_org : "")
                          : fi == 6 ? (w->registrant_country ? w->registrant_country : "")
                                    : "");
        }
    }
    cwt__whois_free(w);
    free(tsv);
    unsigned aok = 0, atot = 0;
    print_message("whois text parser field accuracy (tests/fixtures/whois/expected.tsv):\n");
    for (int i = 0; i < NFIELDS; i++) {
        print_message("  %-20s %4u / %4u  %5.1f %%\n", field_names[i], ok[i], total[i],
                      total[i] ? 100.0 * ok[i] / total[i] : 0.0);
        aok += ok[i];
        atot += total[i];
    }
    static const char *const cn[3] = {"richardpenman", "likexian", "weppos"};
    for (int c = 0; c < 3; c++)
        print_message("  corpus %-13s %4u / %4u  %5.1f %%\n", cn[c], cok[c], ctot[c],
                      ctot[c] ? 100.0 * cok[c] / ctot[c] : 0.0);
    double acc = (double)aok / atot;
    print_message("  ALL                  %4u / %4u  %5.1f %% (target %.0f %%)\n", aok, atot, 100.0 * acc,
                  100.0 * ACCURACY_TARGET);
    assert_true(atot > 1000);
    assert_true(acc >= ACCURACY_TARGET);
}

struct rdap_case {
    const char *json;
    const char *gtld; /* the upstream expected rendering, parsed with the text parser */
};

static void test_rdap_against_gtld_renderings(void **state)
{
    (void)state;
    static const struct rdap_case cases[] = {
        {"lemonde.fr.json", "lemonde.fr-expected.gtld"},
        {"microsoft.click.json", "microsoft.click-expected.gtld"},
        {"home.moscow.json", "home.moscow-expected.gtld"},
    };
    unsigned ok = 0, total = 0;
    for (size_t i = 0; i < CWT_ARRAY_LEN(cases); i++) {
        char rel[256];
        snprintf(rel, sizeof rel, "tests/fixtures/rdap/%s", cases[i].json);
        size_t len;
        char *js = h_read_file(h_src(rel), &len);
        assert_non_null(js);
        struct cwt__whois *r = cwt__whois_new();
        struct cwt_err err;
        assert_int_equal(cwt__whois_parse_rdap(r, js, len, &err), CWT_OK);
        free(js);
        snprintf(rel, sizeof rel, "tests/fixtures/rdap/%s", cases[i].gtld);
        struct cwt__whois *g = parse_file(rel);
        /* the fields the rendering states, compared one by one */
        struct {
            const char *name;
            bool want, got;
        } f[] = {
            {"domain", g->domain != NULL, g->domain && r->domain && strcmp(g->domain, r->domain) == 0},
            {"created", g->created != 0, g->created == r->created},
            {"expires", g->expires != 0, g->expires == r->expires},
            {"updated", g->updated != 0, g->updated / 86400 == r->updated / 86400},
            {"registrar", g->registrar != NULL, same_name(r->registrar, g->registrar)},
            {"registrant_org", g->registrant_org != NULL, same_name(r->registrant_org, g->registrant_org)},
            {"registrant_country", g->registrant_country != NULL,
             same_name(r->registrant_country, g->registrant_country)},
            {"nameservers", g->nnameservers > 0, g->nnameservers == r->nnameservers},
        };
        for (size_t k = 0; k < CWT_ARRAY_LEN(f); k++) {
            if (!f[k].want)
                continue;
            total++;
            if (f[k].got)
                ok++;
            else
                print_message("RDAP MISS %s %s\n", cases[i].json, f[k].name);
        }
        cwt__whois_free(r);
        cwt__whois_free(g);
    }
    print_message("rdap parser vs expected gTLD renderings: %u / %u fields (%.1f %%)\n", ok, total,
                  100.0 * ok / total);
    assert_true(total >= 20);
    assert_true((double)ok / total >= ACCURACY_TARGET);
}

static struct cwt__whois *rdap_file(const char *name, enum cwt_status want)
{
    char rel[256];
    snprintf(rel, sizeof rel, "tests/fixtures/rdap/%s", name);
    size_t len;
    char *js = h_read_file(h_src(rel), &len);
    assert_non_null(js);
    struct cwt__whois *w = cwt__whois_new();
    struct cwt_err err;
    cwt_err_clear(&err);
    assert_int_equal(cwt__whois_parse_rdap(w, js, len, &err), want);
    free(js);
    return w;
}

static void test_rdap_redaction_and_errors(void **state)
{
    (void)state;
    struct cwt__whois *w = rdap_file("microsoft.click.json", CWT_OK);
    assert_string_equal(w->registrant_org, "Microsoft Corporation");
    assert_string_equal(w->registrant_cc, "US");
    assert_true(w->redacted & CWT__RED_REGISTRANT_NAME); /* name removed, org kept */
    assert_false(w->redacted & CWT__RED_REGISTRANT_ORG);
    cwt__whois_free(w);
    w = rdap_file("example-1_empty_value.json", CWT_OK);
    assert_true(w->redacted != 0);
    cwt__whois_free(w);
    w = rdap_file("example-2_partial_value.json", CWT_OK);
    assert_true(w->redacted & CWT__RED_REGISTRANT_NAME);
    cwt__whois_free(w);
    cwt__whois_free(rdap_file("error_ripe_net.json", CWT_EPARSE)); /* errorCode 501 */
    w = cwt__whois_new();
    static const char nf[] = "{\"errorCode\": 404, \"title\": \"Not Found\"}";
    assert_int_equal(cwt__whois_parse_rdap(w, nf, sizeof nf - 1, NULL), CWT_OK);
    assert_true(w->not_found);
    cwt__whois_free(w);
    cwt__whois_free(rdap_file("entity_arin_hostmaster.json", CWT_EPARSE));
    cwt__whois_free(rdap_file("malformed.json", CWT_EPARSE));
    cwt__whois_free(rdap_file("empty.html", CWT_EPARSE));
    w = rdap_file("domain-example.cz.json", CWT_OK);
    assert_string_equal(w->domain, "example.cz");
    assert_true(w->created != 0);
    cwt__whois_free(w);
    w = rdap_file("xn--fo-5ja_example.json", CWT_OK);
    assert_string_equal(w->domain, "xn--fo-5ja.example");
    cwt__whois_free(w);
}

static void test_bootstrap(void **state)
{
    (void)state;
    size_t len;
    char *js = h_read_file(h_src("data/rdap/dns.json"), &len);
    assert_non_null(js);
    char *url = NULL;
    struct cwt_err err;
    assert_int_equal(cwt__rdap_bootstrap_find(js, len, "example.cz", &url, &err), CWT_OK);
    assert_string_equal(url, "https://rdap.nic.cz/");
    cwt_free(url);
    assert_int_equal(cwt__rdap_bootstrap_find(js, len, "registro.com.br", &url, &err), CWT_OK);
    assert_string_equal(url, "https://rdap.registro.br/");
    cwt_free(url);
    assert_int_equal(cwt__rdap_bootstrap_find(js, len, "example.cn", &url, &err), CWT_OK);
    assert_null(url);
    free(js);
    static const char *const bad[] = {"dns_empty.json", "dns_syntax_error.json", "dns_bad_url.json",
                                      "dns_bad_services.json"};
    for (size_t i = 0; i < CWT_ARRAY_LEN(bad); i++) {
        char rel[256];
        snprintf(rel, sizeof rel, "tests/fixtures/rdap/%s", bad[i]);
        js = h_read_file(h_src(rel), &len);
        assert_non_null(js);
        cwt_err_clear(&err);
        assert_int_equal(cwt__rdap_bootstrap_find(js, len, "example.cz", &url, &err), CWT_EPARSE);
        assert_null(url);
        assert_true(err.msg[0] != '\0');
        free(js);
    }
}

static void test_dates(void **state)
{
    (void)state;
    static const struct {
        const char *in, *want; /* want NULL: must fail */
    } cases[] = {
        {"2003-03-17 12:20:05", "2003-03-17T12:20:05Z"},
        {"2014-11-12T19:15:55.283Z", "2014-11-12T19:15:55Z"},
        {"2019-11-09T00:00:00+08:00", "2019-11-08T16:00:00Z"},
        {"17-mar-2003", "2003-03-17T00:00:00Z"},
        {"05-Dec-2020", "2020-12-05T00:00:00Z"},
        {"2003/03/17", "2003-03-17T00:00:00Z"},
        {"2012. 05. 19.", "2012-05-19T00:00:00Z"},
        {"20030317", "2003-03-17T00:00:00Z"},
        {"17.03.2003", "2003-03-17T00:00:00Z"},
        {"Tue Mar 17 12:20:05 GMT 2003", "2003-03-17T12:20:05Z"},
        {"March 17, 2003", "2003-03-17T00:00:00Z"},
        {"before Aug-1996", "1996-08-01T00:00:00Z"},
        {"2024/10/01 01:00:44 (JST)", "2024-10-01T01:00:44Z"},
        {"", NULL},
        {"not a date", NULL},
        {"2003-02-30", NULL},
        {"99999999999999999999", NULL},
    };
    for (size_t i = 0; i < CWT_ARRAY_LEN(cases); i++) {
        int64_t t = 0;
        enum cwt_status rc = cwt__whois_parse_date(cases[i].in, &t);
        if (!cases[i].want) {
            assert_int_not_equal(rc, CWT_OK);
            continue;
        }
        assert_int_equal(rc, CWT_OK);
        char iso[21];
        cwt_time_format_iso(t, iso);
        assert_string_equal(iso, cases[i].want);
    }
}

static void test_countries_and_servers(void **state)
{
    (void)state;
    static const struct {
        const char *in, *cc;
    } cases[] = {{"CN", "CN"}, {"China", "CN"}, {"中国", "CN"}, {"Viet Nam", "VN"}, {"ประเทศไทย", "TH"},
                 {"uk", "GB"}, {"Korea, Republic of", "KR"}, {"Atlantis", ""}, {"", ""}};
    for (size_t i = 0; i < CWT_ARRAY_LEN(cases); i++) {
        char cc[3];
        cwt__country_code(cases[i].in, cc);
        assert_string_equal(cc, cases[i].cc);
    }
    assert_string_equal(cwt__whois_server_for("example.com.cn"), "whois.cnnic.cn");
    assert_string_equal(cwt__whois_server_for("example.vn"), ""); /* no public port 43 */
    assert_null(cwt__whois_server_for("example.zz"));
}

static void test_garbage_never_crashes(void **state)
{
    (void)state;
    static const char *const inputs[] = {
        "", ":", "::::", "[", "[]", "a. [", "Domain Name:\n\n\n", "Registrant:\n", "\t\t\t:\n",
        "Name Server: " "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "Creation Date: 9999-99-99\nExpiry Date: -1\nDomain Status: ,,,,\n",
    };
    for (size_t i = 0; i < CWT_ARRAY_LEN(inputs); i++) {
        struct cwt__whois *w = cwt__whois_new();
        assert_int_equal(cwt__whois_parse_text(w, inputs[i], strlen(inputs[i])), CWT_OK);
        assert_int_equal(w->created, 0);
        cwt__whois_free(w);
    }
    /* many name servers: the list is capped */
    char big[8192] = "";
    for (int i = 0; i < 100; i++) {
        char line[64];
        snprintf(line, sizeof line, "Name Server: ns%d.example.com\n", i);
        append(big, sizeof big, line);
    }
    struct cwt__whois *w = cwt__whois_new();
    assert_int_equal(cwt__whois_parse_text(w, big, strlen(big)), CWT_OK);
    assert_int_equal(w->nnameservers, CWT__WHOIS_LIST_MAX);
    json_t *j = cwt__whois_to_json(w);
    assert_non_null(j);
    json_decref(j);
    cwt__whois_free(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_countries_and_servers),
        cmocka_unit_test(test_garbage_never_crashes),
        cmocka_unit_test(test_bootstrap),
        cmocka_unit_test(test_rdap_redaction_and_errors),
        cmocka_unit_test(test_rdap_against_gtld_renderings),
        cmocka_unit_test(test_text_corpus_accuracy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
