/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of src/lib/tls offline: every badssl.com chain in
 * tests/fixtures/badssl classified through cwt__tls_inspect_pem() (the code
 * path the live check uses), at 2026-11-30 (every leaf expired) and at the
 * leaf's midpoint, against the three roots in roots/ as the CA bundle, with
 * the full set of problems expected (not only the first). The scenario table
 * (scenarios.json) gives host names and midpoints; the expected problem codes
 * are the table below, read from badssl's SOURCE.md and the `expected` column.
 * Also: trust with the interception CA as anchor, garbage input, netaddr, IDN.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "harness.h"
#include "oom.h"
#include "tls/tls_report.h"
#include "util/idn.h"
#include "util/netaddr.h"
#include "util/timeutil.h"

#define NOW_2026 1795996800 /* 2026-11-30T00:00:00Z, the date SOURCE.md says every leaf is expired on */

/* Expected problem codes, space separated, in any order; "" means none. */
struct expect {
    const char *scenario; /* scenarios.json "scenario"; rows outside it name a file instead */
    const char *file;     /* only for chains not in scenarios.json (old/, backup/) */
    const char *host;     /* only for chains not in scenarios.json */
    const char *at_mid;   /* problems at the leaf's midpoint */
    const char *at_2026;  /* problems on 2026-11-30 */
    bool trusted;         /* chain anchored in roots/ (time aside) */
    const char *validation; /* from the leaf's CA/B Forum policy OID (DigiCert's badssl leaves say IV) */
};

static const struct expect table[] = {
    {"expired", NULL, NULL, "tls.expires_soon", "tls.expired", true, "DV"},
    {"wrong.host (substitute)", NULL, NULL, "tls.host_mismatch", "tls.host_mismatch tls.expired", true, "IV"},
    {"self-signed", NULL, NULL, "tls.self_signed", "tls.self_signed tls.expired", false, "OV"},
    {"revoked", NULL, NULL, "", "tls.expired", true, "DV"},
    {"no-common-name", NULL, NULL, "", "tls.expired", true, "OV"},
    {"no-subject", NULL, NULL, "", "tls.expired", true, "DV"},
    {"incomplete-chain", NULL, NULL, "tls.incomplete_chain", "tls.incomplete_chain tls.expired", false, "IV"},
    {"sha384", NULL, NULL, "", "tls.expired", true, "IV"},
    {"sha512", NULL, NULL, "", "tls.expired", true, "IV"},
    {"1000-sans", NULL, NULL, "", "tls.expired", true, "IV"},
    {"10000-sans", NULL, NULL, "", "tls.expired", true, "IV"},
    {"ecc256", NULL, NULL, "", "tls.expired", true, "IV"},
    {"ecc384", NULL, NULL, "", "tls.expired", true, "IV"},
    {"rsa2048", NULL, NULL, "", "tls.expired", true, "IV"},
    {"rsa4096", NULL, NULL, "", "tls.expired", true, "IV"},
    {"rsa8192", NULL, NULL, "tls.unusual_key", "tls.unusual_key tls.expired", true, "DV"},
    {"extended-validation", NULL, NULL, "", "tls.expired", true, "EV"},
    {"sha1-2016", NULL, NULL, "tls.weak_signature tls.untrusted_root", "tls.weak_signature tls.untrusted_root tls.expired",
     false, "DV"},
    {"sha1", NULL, NULL, "tls.weak_signature tls.untrusted_root", "tls.weak_signature tls.untrusted_root tls.expired",
     false, "DV"},
    {"sha1-2017", NULL, NULL, "tls.weak_signature", "tls.weak_signature tls.expired", true, "OV"},
    {"sha1-intermediate", NULL, NULL, "tls.weak_signature tls.untrusted_root",
     "tls.weak_signature tls.untrusted_root tls.expired", false, "DV"},
    {"invalid-expected-sct", NULL, NULL, "tls.untrusted_root", "tls.untrusted_root tls.expired", false, "DV"},
    {"no-sct", NULL, NULL, "", "tls.expired", true, "DV"},
    {"preloaded-expect-ct", NULL, NULL, "", "tls.expired", true, "IV"},
    {"captive-portal", NULL, NULL, "tls.host_mismatch", "tls.host_mismatch tls.expired", true, "IV"},
    {"xn--n1aae7f7o", NULL, NULL, "", "tls.expired", true, "DV"},
    {"superfish", NULL, NULL, "tls.untrusted_root", "tls.untrusted_root tls.expired", false, "OV"},
    {"edellroot", NULL, NULL, "tls.untrusted_root", "tls.untrusted_root tls.expired", false, "OV"},
    {"dsdtestprovider", NULL, NULL, "tls.untrusted_root", "tls.untrusted_root tls.expired", false, "OV"},
    {"fallback (no SNI / unknown subdomain)", NULL, NULL, "tls.untrusted_root tls.host_mismatch",
     "tls.untrusted_root tls.host_mismatch tls.expired", false, "OV"},
    /* chains in the corpus outside scenarios.json */
    {NULL, "chains/old/subdomain-sha384.pem", "sha384.badssl.com", "", "tls.expired", true, "IV"},
    {NULL, "chains/old/subdomain-sha512.pem", "sha512.badssl.com", "", "tls.expired", true, "IV"},
    {NULL, "chains/old/wildcard-incomplete-chain.pem", "incomplete-chain.badssl.com", "tls.incomplete_chain",
     "tls.incomplete_chain tls.expired", false, "DV"},
    {NULL, "chains/old/wildcard-main-old.pem", "badssl.com", "", "tls.expired", true, "DV"},
    {NULL, "chains/backup/wildcard-sha256-rsa2048-embeded-sct.crt", "www.badssl.com", "", "tls.expired", true, "IV"},
};

static struct cwt_ctx *ctx;
static char *roots_bundle; /* the three roots concatenated, in a temp dir */
static char *tmpdir;
static json_t *scenarios;

static int setup(void **state)
{
    (void)state;
    if (cwt_ctx_new(&ctx) != CWT_OK)
        return -1;
    tmpdir = h_tempdir("tls");
    char path[1024];
    snprintf(path, sizeof path, "%s/roots.pem", tmpdir);
    roots_bundle = strdup(path);
    if (h_sh("cat '%s'/*.pem > '%s'", h_src("tests/fixtures/badssl/roots"), roots_bundle) != 0)
        return -1;
    json_error_t je;
    scenarios = json_load_file(h_src("tests/fixtures/badssl/scenarios.json"), 0, &je);
    return scenarios ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    json_decref(scenarios);
    h_rmtree(tmpdir);
    free(tmpdir);
    free(roots_bundle);
    cwt_ctx_free(ctx);
    return 0;
}

static struct cwt__tls_report *inspect_file(const char *rel, const char *host, int64_t at, const char *ca_file)
{
    char path[512];
    snprintf(path, sizeof path, "tests/fixtures/badssl/%s", rel);
    size_t len = 0;
    char *pem = h_read_file(h_src(path), &len);
    assert_non_null(pem);
    struct cwt__tls_opts opts = {.ca_file = ca_file, .at = at};
    struct cwt__tls_report *r = NULL;
    struct cwt_err err = {0};
    assert_int_equal(cwt__tls_inspect_pem(ctx, &opts, pem, len, host, &r, &err), CWT_OK);
    free(pem);
    assert_non_null(r);
    return r;
}

/* Distinct problem codes of @p r, sorted, space separated. */
static void codes_of(const struct cwt__tls_report *r, char *out, size_t n)
{
    const char *codes[CWT__TLS_PROBLEMS_MAX];
    size_t k = 0;
    for (size_t i = 0; i < r->nproblems; i++) {
        const char *c = cwt__tls_problem_code(r->problems[i].kind);
        bool seen = false;
        for (size_t j = 0; j < k; j++)
            seen |= strcmp(codes[j], c) == 0;
        if (!seen)
            codes[k++] = c;
    }
    for (size_t i = 1; i < k; i++) /* insertion sort */
        for (size_t j = i; j > 0 && strcmp(codes[j - 1], codes[j]) > 0; j--) {
            const char *t = codes[j];
            codes[j] = codes[j - 1];
            codes[j - 1] = t;
        }
    out[0] = '\0';
    size_t off = 0;
    for (size_t i = 0; i < k && off < n; i++)
        off += (size_t)snprintf(out + off, n - off, "%s%s", i ? " " : "", codes[i]);
}

/* @p want sorted the same way. */
static void sorted_codes(const char *want, char *out, size_t n)
{
    char buf[512];
    snprintf(buf, sizeof buf, "%s", want);
    const char *codes[32];
    size_t k = 0;
    for (char *save = NULL, *t = strtok_r(buf, " ", &save); t && k < 32; t = strtok_r(NULL, " ", &save))
        codes[k++] = t;
    for (size_t i = 1; i < k; i++)
        for (size_t j = i; j > 0 && strcmp(codes[j - 1], codes[j]) > 0; j--) {
            const char *t = codes[j];
            codes[j] = codes[j - 1];
            codes[j - 1] = t;
        }
    out[0] = '\0';
    size_t off = 0;
    for (size_t i = 0; i < k && off < n; i++)
        off += (size_t)snprintf(out + off, n - off, "%s%s", i ? " " : "", codes[i]);
}

static const struct expect *find_expect(const char *scenario)
{
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (table[i].scenario && strcmp(table[i].scenario, scenario) == 0)
            return &table[i];
    return NULL;
}

static int64_t iso_time(const char *s)
{
    int64_t t = 0;
    assert_int_equal(cwt_time_parse_iso(s, &t), CWT_OK);
    return t;
}

/* Checks one chain at one instant; returns 1 when the codes match, prints a line either way. */
static int check_one(const char *name, const char *file, const char *host, int64_t at, const char *want,
                     bool want_trusted, const char *want_val, const char *when)
{
    struct cwt__tls_report *r = inspect_file(file, host, at, roots_bundle);
    char got[512], exp[512];
    codes_of(r, got, sizeof got);
    sorted_codes(want, exp, sizeof exp);
    int ok = strcmp(got, exp) == 0 && r->trusted == want_trusted && strcmp(cwt__tls_validation_name(r->validation), want_val) == 0;
    printf("  %-4s %-40s %-10s trusted=%d %-5s got [%s]%s%s%s\n", ok ? "ok" : "FAIL", name, when, r->trusted,
           cwt__tls_validation_name(r->validation), got, ok ? "" : " want [", ok ? "" : exp, ok ? "" : "]");
    if (!ok)
        for (size_t i = 0; i < r->nproblems; i++)
            printf("       %s@%d: %s\n", cwt__tls_problem_code(r->problems[i].kind), r->problems[i].depth,
                   r->problems[i].message);
    cwt__tls_report_free(r);
    return ok;
}

static void test_badssl_scenarios(void **state)
{
    (void)state;
    json_t *rows = json_object_get(scenarios, "rows");
    size_t i, nrows = 0, match_mid = 0, match_2026 = 0;
    json_t *row;
    json_array_foreach(rows, i, row) {
        const char *file = json_string_value(json_object_get(row, "chain_file"));
        const char *scen = json_string_value(json_object_get(row, "scenario"));
        if (!file || !file[0])
            continue; /* scenarios whose chain is not in the corpus (wrong.host, untrusted-root, ...) */
        nrows++;
        const struct expect *e = find_expect(scen);
        if (!e)
            fail_msg("scenario '%s' has a chain but no row in the expectation table", scen);
        const char *host = json_string_value(json_object_get(row, "hostname"));
        int64_t mid = json_integer_value(json_object_get(row, "leaf_midpoint_epoch"));
        assert_true(mid > 0);
        /* The report reads the leaf as the table does. */
        struct cwt__tls_report *r = inspect_file(file + strlen(""), host, mid, roots_bundle);
        const struct cwt__tls_cert *leaf = cwt__tls_leaf(r);
        assert_non_null(leaf);
        assert_int_equal(leaf->not_before, iso_time(json_string_value(json_object_get(row, "leaf_notBefore"))));
        assert_int_equal(leaf->not_after, iso_time(json_string_value(json_object_get(row, "leaf_notAfter"))));
        assert_string_equal(leaf->sig_alg, json_string_value(json_object_get(row, "leaf_sig_alg")));
        assert_int_equal(leaf->nsans_total, json_integer_value(json_object_get(row, "leaf_san_count")));
        int bits = 0;
        assert_int_equal(sscanf(strchr(json_string_value(json_object_get(row, "leaf_key")), ' '), "%d", &bits), 1);
        assert_int_equal(leaf->key_bits, bits);
        assert_int_equal(r->nserved, json_integer_value(json_object_get(row, "chain_len")));
        cwt__tls_report_free(r);
        match_mid += (size_t)check_one(scen, file, host, mid, e->at_mid, e->trusted, e->validation, "midpoint");
        match_2026 += (size_t)check_one(scen, file, host, NOW_2026, e->at_2026, e->trusted, e->validation, "2026-11-30");
    }
    printf("badssl scenarios with a chain: %zu; match at midpoint %zu/%zu, at 2026-11-30 %zu/%zu\n", nrows, match_mid,
           nrows, match_2026, nrows);
    assert_true(nrows >= 30);
    assert_int_equal(match_mid, nrows);
    assert_int_equal(match_2026, nrows);
}

static void test_badssl_other_chains(void **state)
{
    (void)state;
    size_t n = 0, ok = 0;
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        const struct expect *e = &table[i];
        if (e->scenario)
            continue;
        /* midpoint from the leaf's own window */
        struct cwt__tls_report *r = inspect_file(e->file, e->host, NOW_2026, roots_bundle);
        int64_t mid = cwt__tls_leaf(r)->not_before + (cwt__tls_leaf(r)->not_after - cwt__tls_leaf(r)->not_before) / 2;
        cwt__tls_report_free(r);
        n++;
        ok += (size_t)(check_one(e->file, e->file, e->host, mid, e->at_mid, e->trusted, e->validation, "midpoint") &
                       check_one(e->file, e->file, e->host, NOW_2026, e->at_2026, e->trusted, e->validation, "2026-11-30"));
    }
    assert_int_equal(ok, n);
}

/* Every problem is reported with its depth: at 2026 the intermediate of rsa2048 has expired too. */
static void test_every_problem_with_depth(void **state)
{
    (void)state;
    struct cwt__tls_report *r = inspect_file("chains/wildcard-rsa2048.pem", "wrong.host.badssl.com", NOW_2026,
                                             roots_bundle);
    bool leaf_expired = false, int_expired = false;
    for (size_t i = 0; i < r->nproblems; i++)
        if (r->problems[i].kind == CWT__TLS_P_EXPIRED) {
            leaf_expired |= r->problems[i].depth == 0;
            int_expired |= r->problems[i].depth == 1;
        }
    assert_true(leaf_expired && int_expired);
    assert_true(cwt__tls_has_problem(r, CWT__TLS_P_HOST_MISMATCH));
    assert_true(r->expired && !r->host_match && r->trusted);
    assert_true(r->days_to_expiry < -1600);
    assert_int_equal(r->nchain, 3); /* leaf, intermediate, DigiCert Global Root CA from the bundle */
    assert_true(r->chain[0].served && r->chain[1].served && !r->chain[2].served);
    assert_string_equal(cwt__tls_subject_org(r), "Lucas Garron Torres");
    /* the same chain for a name the wildcard covers */
    cwt__tls_report_free(r);
    r = inspect_file("chains/wildcard-rsa2048.pem", "rsa2048.badssl.com", 1650000000, roots_bundle);
    assert_true(r->host_match && r->trusted && !r->expired);
    assert_int_equal(r->nproblems, 0);
    cwt__tls_report_free(r);
}

/* The SHA-1 check covers the leaf and the intermediate but not the self-signed root. */
static void test_weak_signature_depths(void **state)
{
    (void)state;
    struct cwt__tls_report *r = inspect_file("chains/wildcard-sha1-2016.pem", "sha1-2016.badssl.com", 1450000000,
                                             roots_bundle);
    int depths = 0;
    for (size_t i = 0; i < r->nproblems; i++)
        if (r->problems[i].kind == CWT__TLS_P_WEAK_SIGNATURE)
            depths |= 1 << r->problems[i].depth;
    assert_int_equal(depths, 3);
    assert_string_equal(r->chain[0].sig_hash, "SHA1");
    cwt__tls_report_free(r);
}

/* With the interception CA as the trust anchor the same leaves verify: the untrusted verdict is about the root. */
static void test_interception_ca_as_anchor(void **state)
{
    (void)state;
    static const struct {
        const char *chain, *ca, *host;
        bool trusted; /* eDellRoot has no CA:TRUE basic constraint: OpenSSL refuses it as an issuer */
    } rows[] = {
        {"chains/subdomain-superfish.pem", "interception-ca/ca-superfish.crt", "superfish.badssl.com", true},
        {"chains/subdomain-edellroot.pem", "interception-ca/ca-edellroot.crt", "edellroot.badssl.com", false},
        {"chains/subdomain-dsdtestprovider.pem", "interception-ca/ca-dsdtestprovider.crt", "dsdtestprovider.badssl.com",
         true},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char rel[256];
        snprintf(rel, sizeof rel, "tests/fixtures/badssl/%s", rows[i].ca);
        char *ca = strdup(h_src(rel));
        struct cwt__tls_report *r = inspect_file(rows[i].chain, rows[i].host, 1560000000, ca);
        assert_int_equal(r->trusted, rows[i].trusted);
        assert_int_equal(cwt__tls_has_problem(r, CWT__TLS_P_INVALID_CHAIN), !rows[i].trusted);
        assert_true(r->host_match);
        assert_false(cwt__tls_has_problem(r, CWT__TLS_P_UNTRUSTED_ROOT));
        assert_int_equal(r->nchain, 2);
        assert_true(r->chain[1].self_signed && !r->chain[1].served);
        cwt__tls_report_free(r);
        free(ca);
    }
}

/* Without --ca-file the store is OpenSSL's default paths, read as X509_STORE_set_default_paths()
 * reads them (tls.c store_default_paths): SSL_CERT_FILE's bundle and SSL_CERT_DIR's hashed files. A
 * root found only in the directory still anchors the chain, and one found nowhere does not. Runs
 * first: the process keeps the first system store it loads. */
static void test_default_paths(void **state)
{
    (void)state;
    char dir[1024], file[1100], ca[256];
    snprintf(dir, sizeof dir, "%s/certdir", tmpdir);
    snprintf(file, sizeof file, "%s/empty-bundle.pem", tmpdir);
    snprintf(ca, sizeof ca, "tests/fixtures/badssl/interception-ca/ca-superfish.crt");
    /* the root under its subject hash, as c_rehash names it */
    assert_int_equal(h_sh("mkdir -p '%s' && : > '%s' && cp '%s' '%s'/$(openssl x509 -hash -noout -in '%s').0", dir, file,
                          h_src(ca), dir, h_src(ca)),
                     0);
    assert_int_equal(setenv("SSL_CERT_FILE", file, 1), 0);
    assert_int_equal(setenv("SSL_CERT_DIR", dir, 1), 0);
    struct cwt__tls_report *r = inspect_file("chains/subdomain-superfish.pem", "superfish.badssl.com", 1560000000, NULL);
    assert_true(r->trusted);
    assert_false(cwt__tls_has_problem(r, CWT__TLS_P_UNTRUSTED_ROOT));
    assert_int_equal(r->nchain, 2);
    assert_true(r->chain[1].self_signed && !r->chain[1].served);
    cwt__tls_report_free(r);
    /* a chain whose root is in neither: untrusted, its issuer named */
    r = inspect_file("chains/subdomain-dsdtestprovider.pem", "dsdtestprovider.badssl.com", 1560000000, NULL);
    assert_false(r->trusted);
    assert_true(cwt__tls_has_problem(r, CWT__TLS_P_UNTRUSTED_ROOT));
    cwt__tls_report_free(r);
    unsetenv("SSL_CERT_FILE");
    unsetenv("SSL_CERT_DIR");
}

/* libcurl's verification store (tls_store.c): one per file and directory for the process, read
 * again when the file changes, with libcurl's flags; none for a file that cannot be read. */
static void test_verify_store(void **state)
{
    (void)state;
    char path[1100];
    snprintf(path, sizeof path, "%s/verify-ca.pem", tmpdir);
    assert_int_equal(h_sh("cp '%s' '%s'", roots_bundle, path), 0);
    void *a = cwt__tls_verify_store(path, NULL), *b = cwt__tls_verify_store(path, NULL);
    assert_non_null(a);
    assert_ptr_equal(a, b); /* loaded once */
    unsigned long flags = X509_VERIFY_PARAM_get_flags(X509_STORE_get0_param(a));
    assert_true((flags & X509_V_FLAG_PARTIAL_CHAIN) && (flags & X509_V_FLAG_TRUSTED_FIRST));
    STACK_OF(X509_OBJECT) *objs = X509_STORE_get0_objects(a);
    assert_int_equal(sk_X509_OBJECT_num(objs), 3); /* the three badssl roots */
    void *c = cwt__tls_verify_store(path, "/nonexistent-dir");
    assert_non_null(c);
    assert_ptr_not_equal(c, a); /* another key */
    assert_int_equal(h_sh("head -n $(grep -n 'END CERT' '%s' | head -1 | cut -d: -f1) '%s' > '%s.new' && mv '%s.new' '%s'",
                          roots_bundle, roots_bundle, path, path, path),
                     0);
    void *d = cwt__tls_verify_store(path, NULL); /* the file changed: read again */
    assert_non_null(d);
    assert_ptr_not_equal(d, a);
    assert_int_equal(sk_X509_OBJECT_num(X509_STORE_get0_objects(d)), 1);
    h_write_file(path, "garbage\n", 8);
    assert_null(cwt__tls_verify_store(path, NULL));
    assert_null(cwt__tls_verify_store("/nonexistent/ca.pem", NULL));
    assert_null(cwt__tls_verify_store(NULL, NULL));
    cwt__tls_verify_store_free(a);
    cwt__tls_verify_store_free(b);
    cwt__tls_verify_store_free(c);
    cwt__tls_verify_store_free(d);
}

/* A self-signed certificate's verdict kept for the process (by its SHA-256) is its own: the same
 * certificate with one byte of its signature changed is not self-signed, before and after the good
 * one was judged, and the good one still is after it. */
static void test_self_signed_memo(void **state)
{
    (void)state;
    size_t len = 0;
    char *pem = h_read_file(h_src("tests/fixtures/badssl/chains/wildcard-self-signed.pem"), &len);
    assert_non_null(pem);
    BIO *in = BIO_new_mem_buf(pem, (int)len);
    X509 *x = PEM_read_bio_X509(in, NULL, NULL, NULL);
    assert_non_null(x);
    const ASN1_BIT_STRING *sig = NULL;
    X509_get0_signature(&sig, NULL, x);
    assert_true(sig && sig->length > 8);
    sig->data[sig->length / 2] ^= 0x01; /* (the signature is not part of the signed bytes' cached encoding) */
    BIO *out = BIO_new(BIO_s_mem());
    assert_int_equal(PEM_write_bio_X509(out, x), 1);
    char *bad = NULL;
    long blen = BIO_get_mem_data(out, &bad);
    assert_true(blen > 0);
    for (int round = 0; round < 2; round++) {
        const char *const pems[] = {bad, pem, bad, pem};
        const size_t lens[] = {(size_t)blen, len, (size_t)blen, len};
        for (size_t i = 0; i < 4; i++) {
            struct cwt__tls_opts opts = {.at = 1560000000};
            struct cwt__tls_report *r = NULL;
            struct cwt_err err = {0};
            assert_int_equal(cwt__tls_inspect_pem(ctx, &opts, pems[i], lens[i], "self-signed.badssl.com", &r, &err),
                             CWT_OK);
            assert_true(r->nchain >= 1);
            assert_int_equal(r->chain[0].self_signed, pems[i] == pem);
            cwt__tls_report_free(r);
        }
    }
    BIO_free(out);
    BIO_free(in);
    X509_free(x);
    free(pem);
}

static void test_garbage_and_bounds(void **state)
{
    (void)state;
    static const char *inputs[] = {
        "",
        "hello",
        "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
        "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n",
        "\x30\x82\x01\x00\x30",
    };
    struct cwt__tls_opts opts = {.ca_file = roots_bundle, .at = NOW_2026};
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        struct cwt__tls_report *r = NULL;
        struct cwt_err err = {0};
        assert_int_equal(cwt__tls_inspect_pem(ctx, &opts, inputs[i], strlen(inputs[i]), "a.example", &r, &err),
                         CWT_OK);
        assert_false(r->has_cert);
        assert_true(cwt__tls_has_problem(r, CWT__TLS_P_NO_CERT));
        assert_null(cwt__tls_subject_org(r));
        json_t *j = cwt__tls_report_json(r);
        assert_non_null(j);
        json_decref(j);
        cwt__tls_report_free(r);
    }
    struct cwt__tls_report *r = NULL;
    struct cwt_err err = {0};
    assert_int_equal(cwt__tls_inspect_pem(ctx, &opts, "x", (size_t)CWT__TLS_PEM_MAX + 1, "a.example", &r, &err),
                     CWT_ETOOBIG);
    assert_null(r);
    opts.ca_file = "/nonexistent/ca.pem";
    assert_int_equal(cwt__tls_inspect_pem(ctx, &opts, "x", 1, "a.example", &r, &err), CWT_EINVAL);
    assert_non_null(strstr(err.msg, "/nonexistent/ca.pem"));
    cwt__tls_report_free(NULL);
}

/* The 10000-SAN leaf is kept bounded and the JSON names every field. */
static void test_json_and_sans_cap(void **state)
{
    (void)state;
    struct cwt__tls_report *r = inspect_file("chains/subdomain-10000-sans.pem", "10000-sans.badssl.com", 1600000000,
                                             roots_bundle);
    assert_int_equal(r->chain[0].nsans_total, 10000);
    assert_int_equal(r->chain[0].nsans, CWT__TLS_SANS_MAX);
    json_t *j = cwt__tls_report_json(r);
    assert_non_null(j);
    assert_true(json_is_true(json_object_get(j, "trusted")));
    assert_string_equal(json_string_value(json_object_get(j, "mode")), "pem");
    assert_int_equal(json_array_size(json_object_get(j, "chain")), r->nchain);
    json_decref(j);
    cwt__tls_report_free(r);
}

/* The trust store is loaded once per CA file and read again when the file is replaced: the same
 * chain is trusted with the bundle and untrusted once the file holds another certificate. */
static void test_store_follows_file(void **state)
{
    (void)state;
    char path[4096];
    snprintf(path, sizeof path, "%s/roots-copy.pem", tmpdir);
    size_t len = 0, olen = 0;
    char *bundle = h_read_file(roots_bundle, &len);
    char *other = h_read_file(h_src("tests/fixtures/badssl/chains/wildcard-rsa2048.pem"), &olen);
    assert_non_null(bundle);
    assert_non_null(other);
    assert_int_equal(h_write_file(path, bundle, len), 0);
    for (int round = 0; round < 2; round++) {
        struct cwt__tls_report *r = inspect_file("chains/subdomain-10000-sans.pem", "10000-sans.badssl.com",
                                                 1600000000, path);
        json_t *j = cwt__tls_report_json(r);
        assert_true(json_is_true(json_object_get(j, "trusted")));
        json_decref(j);
        cwt__tls_report_free(r);
    }
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.new", path);
    assert_int_equal(h_write_file(tmp, other, olen), 0);
    assert_int_equal(rename(tmp, path), 0);
    struct cwt__tls_report *r = inspect_file("chains/subdomain-10000-sans.pem", "10000-sans.badssl.com", 1600000000,
                                             path);
    json_t *j = cwt__tls_report_json(r);
    assert_false(json_is_true(json_object_get(j, "trusted")));
    json_decref(j);
    cwt__tls_report_free(r);
    unlink(path);
    free(bundle);
    free(other);
}

/* Failing the Nth allocation, for every N, gives CWT_ENOMEM and no leak, until it succeeds. */
static void test_out_of_memory(void **state)
{
    (void)state;
    size_t len = 0;
    char *pem = h_read_file(h_src("tests/fixtures/badssl/chains/wildcard-rsa2048.pem"), &len);
    assert_non_null(pem);
    struct cwt__tls_opts opts = {.ca_file = roots_bundle, .at = NOW_2026};
    long n, m;
    struct cwt__tls_report *r = NULL;
    struct cwt_err err0 = {0};
    /* the store in the process's cache first (other tests' stores may have taken its slot): the
     * allocations counted below are the inspection's own */
    assert_int_equal(cwt__tls_inspect_pem(ctx, &opts, pem, len, "wrong.host.badssl.com", &r, &err0), CWT_OK);
    cwt__tls_report_free(r);
    r = NULL;
    h_oom_install();
    h_oom_fail_after(-1); /* count the allocations of a full inspection */
    assert_int_equal(cwt__tls_inspect_pem(ctx, &opts, pem, len, "wrong.host.badssl.com", &r, &err0), CWT_OK);
    long total = h_oom_count();
    cwt__tls_report_free(r);
    r = NULL;
    for (n = 0; n < 5000; n++) {
        struct cwt_err err = {0};
        h_oom_fail_after(n);
        enum cwt_status rc = cwt__tls_inspect_pem(ctx, &opts, pem, len, "wrong.host.badssl.com", &r, &err);
        h_oom_fail_after(-1);
        if (rc == CWT_OK)
            break;
        assert_int_equal(rc, CWT_ENOMEM);
        assert_null(r);
    }
    for (m = 0; m < 5000; m++) {
        h_oom_fail_after(m);
        json_t *j = cwt__tls_report_json(r);
        h_oom_fail_after(-1);
        if (j) {
            json_decref(j);
            break;
        }
    }
    h_oom_uninstall();
    assert_int_equal(n, total); /* no allocation failure is silently ignored */
    assert_true(m < 5000);
    assert_true(cwt__tls_has_problem(r, CWT__TLS_P_HOST_MISMATCH));
    printf("out of memory at each of the first %ld allocations of an inspection: CWT_ENOMEM, no leak\n", n);
    cwt__tls_report_free(r);
    free(pem);
}

static void test_netaddr(void **state)
{
    (void)state;
    static const struct {
        const char *addr;
        bool priv;
    } rows[] = {
        {"127.0.0.1", true},  {"10.1.2.3", true},      {"172.16.0.1", true},    {"172.32.0.1", false},
        {"192.168.1.1", true}, {"169.254.169.254", true}, {"100.64.0.1", true}, {"0.0.0.0", true},
        {"224.0.0.1", true},  {"8.8.8.8", false},      {"203.0.113.7", true},   {"1.1.1.1", false},
        {"::1", true},        {"::", true},            {"fe80::1", true},       {"fd00::1", true},
        {"ff02::1", true},    {"::ffff:127.0.0.1", true}, {"::ffff:8.8.8.8", true} /* every ipv4-mapped form is refused */, {"2001:db8::1", true},
        {"2606:4700::1111", false}, {"64:ff9b::a00:1", true},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct sockaddr_storage ss = {0};
        if (strchr(rows[i].addr, ':')) {
            struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
            a->sin6_family = AF_INET6;
            assert_int_equal(inet_pton(AF_INET6, rows[i].addr, &a->sin6_addr), 1);
        } else {
            struct sockaddr_in *a = (struct sockaddr_in *)&ss;
            a->sin_family = AF_INET;
            assert_int_equal(inet_pton(AF_INET, rows[i].addr, &a->sin_addr), 1);
        }
        if (cwt__addr_is_private((struct sockaddr *)&ss) != rows[i].priv)
            fail_msg("%s: expected private=%d", rows[i].addr, rows[i].priv);
    }
}

static void test_idn(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } rows[] = {
        {"WWW.Example.COM.", "www.example.com"},
        {"\xd1\x95\xd1\x80\xd0\xbe\xd0\xbe\xd2\x93.badssl.com", "xn--n1aae7f7o.badssl.com"},
        {"bücher.example", "xn--bcher-kva.example"},
        {"宁波阀门.example", "xn--w9s671bg43azca.example"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char *out = NULL;
        struct cwt_err err = {0};
        assert_int_equal(cwt__idn_to_ascii(rows[i].in, &out, &err), CWT_OK);
        assert_string_equal(out, rows[i].out);
        cwt_free(out);
    }
    char *out = NULL;
    struct cwt_err err = {0};
    assert_int_equal(cwt__idn_to_ascii("bad host/", &out, &err), CWT_EINVAL);
    assert_int_equal(cwt__idn_to_ascii("", &out, &err), CWT_EINVAL);
    /* the IDN scenario matches when given in Unicode: the tls layer compares A-labels */
    struct cwt__tls_report *r = inspect_file("chains/subdomain-xn--n1aae7f7o.pem", "\xd1\x95\xd1\x80\xd0\xbe\xd0\xbe\xd2\x93.badssl.com", 1550000000,
                                             roots_bundle);
    assert_string_equal(r->host, "xn--n1aae7f7o.badssl.com");
    assert_true(r->host_match);
    cwt__tls_report_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_paths),
        cmocka_unit_test(test_badssl_scenarios),
        cmocka_unit_test(test_badssl_other_chains),
        cmocka_unit_test(test_every_problem_with_depth),
        cmocka_unit_test(test_weak_signature_depths),
        cmocka_unit_test(test_interception_ca_as_anchor),
        cmocka_unit_test(test_self_signed_memo),
        cmocka_unit_test(test_garbage_and_bounds),
        cmocka_unit_test(test_json_and_sans_cap),
        cmocka_unit_test(test_store_follows_file),
        cmocka_unit_test(test_verify_store),
        cmocka_unit_test(test_out_of_memory),
        cmocka_unit_test(test_netaddr),
        cmocka_unit_test(test_idn),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
