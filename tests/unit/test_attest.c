/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of src/lib/program/attest.c: signing, verification, tampering, wrong keys, expiry, rotation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>

#include "oom.h"
#include "program/attest.h"

#define T0 INT64_C(1790000000) /* 2026-09-21 */

static const unsigned char seed1[32] = {1}, seed2[32] = {2};

static struct cwt__attestation sample(int64_t iat)
{
    struct cwt__attestation a = {0};
    snprintf(a.site, sizeof a.site, "site-0042");
    snprintf(a.domain, sizeof a.domain, "shenzhen-power.example");
    snprintf(a.mark, sizeof a.mark, "green");
    snprintf(a.cycle, sizeof a.cycle, "2026-Q4");
    a.score = 82.4;
    a.iat = iat;
    a.exp = iat + 7 * 86400;
    return a;
}

static char *sign(struct cwt__keyset *ks, int64_t iat)
{
    struct cwt__attestation a = sample(iat);
    char *tok = NULL;
    struct cwt_err err;
    assert_int_equal(cwt__attest_sign(ks, &a, &tok, &err), CWT_OK);
    return tok;
}

static enum cwt__verdict verify(const struct cwt__keyset *ks, const char *tok, int64_t now, struct cwt__attestation *out)
{
    struct cwt__attestation tmp;
    enum cwt__verdict v;
    struct cwt_err err;
    cwt_err_clear(&err);
    assert_int_equal(cwt__attest_verify(ks, tok, strlen(tok), now, 300, out ? out : &tmp, &v, &err), CWT_OK);
    if (v != CWT__ATT_VALID)
        assert_true(err.msg[0] != '\0');
    return v;
}

static void test_sign_verify_expiry(void **state)
{
    (void)state;
    struct cwt__keyset ks;
    cwt__keyset_init(&ks);
    assert_int_equal(cwt__keyset_rotate(&ks, T0 - 86400, seed1, NULL), CWT_OK);
    char *tok = sign(&ks, T0);
    struct cwt__attestation a;
    static const struct {
        int64_t now;
        enum cwt__verdict want;
    } times[] = {
        {T0, CWT__ATT_VALID},
        {T0 - 300, CWT__ATT_VALID},             /* within the skew */
        {T0 - 301, CWT__ATT_NOT_YET},
        {T0 + 7 * 86400 - 1, CWT__ATT_VALID},
        {T0 + 7 * 86400, CWT__ATT_EXPIRED},
    };
    for (size_t i = 0; i < CWT_ARRAY_LEN(times); i++)
        if (verify(&ks, tok, times[i].now, &a) != times[i].want)
            fail_msg("now %lld: verdict %s", (long long)times[i].now, cwt__verdict_name(verify(&ks, tok, times[i].now, &a)));
    verify(&ks, tok, T0, &a);
    assert_string_equal(a.site, "site-0042");
    assert_string_equal(a.domain, "shenzhen-power.example");
    assert_string_equal(a.mark, "green");
    assert_string_equal(a.cycle, "2026-Q4");
    assert_string_equal(a.kid, cwt__keyset_active(&ks)->kid);
    assert_true(a.score > 82.39 && a.score < 82.41);
    assert_int_equal(a.exp, T0 + 7 * 86400);
    cwt_free(tok);
    cwt__keyset_release(&ks);
}

/* Re-encodes the payload of @p tok with @p from replaced by @p to, keeping the signature. */
static char *tamper(const char *tok, const char *from, const char *to)
{
    const char *dot = strchr(tok, '.');
    unsigned char bin[4096];
    size_t blen;
    assert_int_equal(sodium_base642bin(bin, sizeof bin - 1, tok, (size_t)(dot - tok), NULL, &blen, NULL,
                                       sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                     0);
    bin[blen] = '\0';
    char *p = strstr((char *)bin, from);
    assert_non_null(p);
    char edited[4096];
    snprintf(edited, sizeof edited, "%.*s%s%s", (int)(p - (char *)bin), (char *)bin, to, p + strlen(from));
    char *out = malloc(8192);
    sodium_bin2base64(out, 8192, (unsigned char *)edited, strlen(edited), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    size_t ol = strlen(out);
    snprintf(out + ol, 8192 - ol, "%s", dot);
    return out;
}

static void test_tampering_and_wrong_keys(void **state)
{
    (void)state;
    struct cwt__keyset ks, other;
    cwt__keyset_init(&ks);
    cwt__keyset_init(&other);
    assert_int_equal(cwt__keyset_rotate(&ks, T0 - 86400, seed1, NULL), CWT_OK);
    assert_int_equal(cwt__keyset_rotate(&other, T0 - 86400, seed2, NULL), CWT_OK);
    char *tok = sign(&ks, T0), *tok2 = sign(&other, T0);
    static const struct {
        const char *from, *to;
    } edits[] = {{"82.4", "99.9"}, {"green", "gree0"}, {"shenzhen-power.example", "evil.example"}, {"2026-Q4", "2027-Q1"}};
    for (size_t i = 0; i < CWT_ARRAY_LEN(edits); i++) {
        char *t = tamper(tok, edits[i].from, edits[i].to);
        assert_int_equal(verify(&ks, t, T0, NULL), CWT__ATT_BAD_SIGNATURE);
        free(t);
    }
    /* a token of another key set: its kid is unknown here */
    assert_int_equal(verify(&ks, tok2, T0, NULL), CWT__ATT_UNKNOWN_KEY);
    /* our payload with the other key's signature */
    char mixed[8192];
    snprintf(mixed, sizeof mixed, "%.*s%s", (int)(strchr(tok, '.') - tok), tok, strchr(tok2, '.'));
    assert_int_equal(verify(&ks, mixed, T0, NULL), CWT__ATT_BAD_SIGNATURE);
    /* the other key's payload re-labelled with our kid */
    char *relabel = tamper(tok2, cwt__keyset_active(&other)->kid, cwt__keyset_active(&ks)->kid);
    assert_int_equal(verify(&ks, relabel, T0, NULL), CWT__ATT_BAD_SIGNATURE);
    free(relabel);
    /* malformed tokens */
    static const char *const bad[] = {"", ".", "abc", "a.b", "a.b.c", "eyJ2IjoxfQ.", "!!!.AAAA", "eyJ2IjoxfQ==.AAAA"};
    for (size_t i = 0; i < CWT_ARRAY_LEN(bad); i++)
        assert_int_equal(verify(&ks, bad[i], T0, NULL), CWT__ATT_MALFORMED);
    char *longtok = malloc(CWT__TOKEN_MAX + 2);
    memset(longtok, 'A', CWT__TOKEN_MAX + 1);
    longtok[CWT__TOKEN_MAX + 1] = '\0';
    assert_int_equal(verify(&ks, longtok, T0, NULL), CWT__ATT_MALFORMED);
    free(longtok);
    cwt_free(tok);
    cwt_free(tok2);
    cwt__keyset_release(&ks);
    cwt__keyset_release(&other);
}

static void test_rotation(void **state)
{
    (void)state;
    struct cwt__keyset ks, old;
    cwt__keyset_init(&ks);
    cwt__keyset_init(&old);
    int64_t rot = T0 + 30 * 86400;
    assert_int_equal(cwt__keyset_rotate(&ks, T0 - 86400, seed1, NULL), CWT_OK);
    assert_int_equal(cwt__keyset_rotate(&old, T0 - 86400, seed1, NULL), CWT_OK); /* a copy that never rotates */
    char *before = sign(&ks, rot - 3600);
    char kid1[24];
    snprintf(kid1, sizeof kid1, "%s", cwt__keyset_active(&ks)->kid);
    assert_int_equal(cwt__keyset_rotate(&ks, rot, seed2, NULL), CWT_OK);
    assert_int_equal(ks.n, 2);
    assert_string_not_equal(cwt__keyset_active(&ks)->kid, kid1);
    const struct cwt__key *k1 = cwt__keyset_find(&ks, kid1);
    assert_non_null(k1);
    assert_false(k1->has_secret);
    assert_int_equal(k1->retired, rot);
    char *after = sign(&ks, rot + 60);
    /* a token of the retired key stays valid until it expires */
    assert_int_equal(verify(&ks, before, rot + 60, NULL), CWT__ATT_VALID);
    assert_int_equal(verify(&ks, after, rot + 60, NULL), CWT__ATT_VALID);
    /* a token the retired key signed after its retirement (a stolen key) is refused */
    char *stolen = sign(&old, rot + 3600);
    assert_int_equal(verify(&ks, stolen, rot + 3600, NULL), CWT__ATT_KEY_RETIRED);
    /* the published document verifies offline but cannot sign; the private one can */
    char *pub = NULL, *priv = NULL;
    assert_int_equal(cwt__keyset_to_json(&ks, false, &pub, NULL), CWT_OK);
    assert_int_equal(cwt__keyset_to_json(&ks, true, &priv, NULL), CWT_OK);
    assert_null(strstr(pub, "\"d\""));
    assert_non_null(strstr(priv, "\"d\""));
    assert_non_null(strstr(pub, "\"retired\""));
    struct cwt__keyset p1, p2;
    cwt__keyset_init(&p1);
    cwt__keyset_init(&p2);
    struct cwt_err err;
    assert_int_equal(cwt__keyset_from_json(&p1, pub, strlen(pub), &err), CWT_OK);
    assert_int_equal(verify(&p1, before, rot + 60, NULL), CWT__ATT_VALID);
    assert_int_equal(verify(&p1, after, rot + 60, NULL), CWT__ATT_VALID);
    assert_int_equal(verify(&p1, stolen, rot + 3600, NULL), CWT__ATT_KEY_RETIRED);
    struct cwt__attestation a = sample(rot);
    char *t = NULL;
    assert_int_equal(cwt__attest_sign(&p1, &a, &t, &err), CWT_EINVAL);
    assert_int_equal(cwt__keyset_from_json(&p2, priv, strlen(priv), &err), CWT_OK);
    char *t2 = sign(&p2, rot + 120);
    assert_int_equal(verify(&p1, t2, rot + 120, NULL), CWT__ATT_VALID);
    /* prune: the old key goes once its tokens have expired */
    cwt__keyset_prune(&p1, rot + 1);
    assert_int_equal(p1.n, 1);
    assert_int_equal(verify(&p1, before, rot + 60, NULL), CWT__ATT_UNKNOWN_KEY);
    cwt_free(t2);
    cwt_free(pub);
    cwt_free(priv);
    cwt_free(before);
    cwt_free(after);
    cwt_free(stolen);
    cwt__keyset_release(&p1);
    cwt__keyset_release(&p2);
    cwt__keyset_release(&ks);
    cwt__keyset_release(&old);
}

static void test_bad_key_documents(void **state)
{
    (void)state;
    static const struct {
        const char *doc, *field;
    } bad[] = {
        {"[]", "keys"},
        {"{\"keys\":[{\"kid\":\"x\"}]}", "keys[0]"},
        {"{\"keys\":[{\"kid\":\"AAAA\",\"crv\":\"Ed25519\",\"x\":\"AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\","
         "\"status\":\"active\"}]}",
         "keys[0]"}, /* kid does not match x */
        {"{\"keys\":[{\"kid\":\"AAAA\",\"crv\":\"X25519\",\"x\":\"AA\",\"status\":\"active\"}]}", "keys[0]"},
        {"not json", "keys"},
    };
    for (size_t i = 0; i < CWT_ARRAY_LEN(bad); i++) {
        struct cwt__keyset ks;
        cwt__keyset_init(&ks);
        struct cwt_err err;
        cwt_err_clear(&err);
        assert_int_equal(cwt__keyset_from_json(&ks, bad[i].doc, strlen(bad[i].doc), &err), CWT_EPARSE);
        assert_string_equal(err.field, bad[i].field);
        cwt__keyset_release(&ks);
    }
}

/* Failing the Nth allocation of loading keys, signing and verifying: an error, never success, no leak. */
static void test_out_of_memory(void **state)
{
    (void)state;
    struct cwt__keyset ks;
    cwt__keyset_init(&ks);
    assert_int_equal(cwt__keyset_rotate(&ks, T0, seed1, NULL), CWT_OK);
    char *priv = NULL, *tok = sign(&ks, T0);
    assert_int_equal(cwt__keyset_to_json(&ks, true, &priv, NULL), CWT_OK);
    h_oom_install();
    long totals[3];
    for (int step = 0; step < 3; step++) {
        for (long n = -1;; n++) {
            h_oom_fail_after(n);
            enum cwt_status rc;
            struct cwt__keyset k2;
            cwt__keyset_init(&k2);
            char *t = NULL;
            struct cwt__attestation a = sample(T0), out;
            enum cwt__verdict v = CWT__ATT_MALFORMED;
            if (step == 0)
                rc = cwt__keyset_from_json(&k2, priv, strlen(priv), NULL);
            else if (step == 1)
                rc = cwt__attest_sign(&ks, &a, &t, NULL);
            else
                rc = cwt__attest_verify(&ks, tok, strlen(tok), T0, 300, &out, &v, NULL);
            long used = h_oom_count();
            h_oom_fail_after(-1);
            cwt__keyset_release(&k2);
            cwt_free(t);
            if (n == -1) {
                assert_int_equal(rc, CWT_OK);
                totals[step] = used;
                continue;
            }
            if (n >= totals[step])
                break;
            /* jansson does not always tell a failed allocation from bad input, so the JSON readers may
               report a parse error; what must never happen is a crash, a leak, success or a valid verdict. */
            if (step == 1 ? rc != CWT_ENOMEM : rc == CWT_OK && (step == 0 || v == CWT__ATT_VALID))
                fail_msg("step %d: allocation %ld of %ld failed: status %s", step, n, totals[step], cwt_status_name(rc));
        }
    }
    h_oom_uninstall();
    print_message("out of memory at each allocation of load (%ld), sign (%ld), verify (%ld): refused\n", totals[0],
                  totals[1], totals[2]);
    cwt_free(priv);
    cwt_free(tok);
    cwt__keyset_release(&ks);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sign_verify_expiry),
        cmocka_unit_test(test_tampering_and_wrong_keys),
        cmocka_unit_test(test_rotation),
        cmocka_unit_test(test_bad_key_documents),
        cmocka_unit_test(test_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
