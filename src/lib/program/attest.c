/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements attestations and their key set with libsodium:
 * Ed25519 (crypto_sign_detached), SHA-256 for key ids, base64url without
 * padding; jansson for the payload and the key documents. The key documents
 * follow RFC 8037 JWKs (kty OKP, crv Ed25519, x, and d for the secret seed)
 * with cwtap's "status", "created" and "retired". Verification checks, in
 * order: shape and size, the key id, the signature, the payload's fields,
 * that a retired key did not sign after its retirement, and the times.
 */
#include <jansson.h>
#include <math.h>
#include <sodium.h>
#include <stdio.h>

#include "program/attest.h"
#include "util/timeutil.h"

#define B64 sodium_base64_VARIANT_URLSAFE_NO_PADDING

static enum cwt_status sodium_ready(struct cwt_err *err)
{
    if (sodium_init() < 0)
        return cwt_err_set(err, CWT_EINTERNAL, "libsodium cannot be initialised");
    return CWT_OK;
}

void cwt__keyset_init(struct cwt__keyset *ks)
{
    ks->v = NULL;
    ks->n = ks->cap = 0;
}

void cwt__keyset_release(struct cwt__keyset *ks)
{
    if (ks->v)
        sodium_memzero(ks->v, ks->cap * sizeof *ks->v);
    cwt_free(ks->v);
    cwt__keyset_init(ks);
}

static void make_kid(const unsigned char pk[32], char kid[24])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, pk, 32);
    sodium_bin2base64(kid, 24, h, 9, B64);
}

const struct cwt__key *cwt__keyset_active(const struct cwt__keyset *ks)
{
    for (size_t i = 0; i < ks->n; i++)
        if (ks->v[i].retired == 0 && ks->v[i].has_secret)
            return &ks->v[i];
    return NULL;
}

const struct cwt__key *cwt__keyset_find(const struct cwt__keyset *ks, const char *kid)
{
    for (size_t i = 0; kid && i < ks->n; i++)
        if (strcmp(ks->v[i].kid, kid) == 0)
            return &ks->v[i];
    return NULL;
}

enum cwt_status cwt__keyset_rotate(struct cwt__keyset *ks, int64_t at, const unsigned char *seed,
                                   struct cwt_err *err)
{
    enum cwt_status rc = sodium_ready(err);
    if (rc)
        return rc;
    if (ks->n >= CWT__KEYSET_MAX)
        return cwt_err_setf(err, CWT_ETOOBIG, "keys", "more than %d keys; prune retired keys", CWT__KEYSET_MAX);
    rc = CWT_GROW(ks->v, ks->n, &ks->cap, CWT__KEYSET_MAX);
    if (rc)
        return cwt_err_set(err, rc, "cannot grow the key set");
    struct cwt__key k = {.created = at, .has_secret = true};
    unsigned char sk[crypto_sign_SECRETKEYBYTES];
    if (seed)
        memcpy(k.seed, seed, sizeof k.seed);
    else
        randombytes_buf(k.seed, sizeof k.seed);
    crypto_sign_seed_keypair(k.pk, sk, k.seed);
    sodium_memzero(sk, sizeof sk);
    make_kid(k.pk, k.kid);
    if (cwt__keyset_find(ks, k.kid)) {
        sodium_memzero(&k, sizeof k);
        return cwt_err_setf(err, CWT_ECONFLICT, "kid", "key '%s' is already in the set", k.kid);
    }
    for (size_t i = 0; i < ks->n; i++)
        if (ks->v[i].retired == 0) {
            ks->v[i].retired = at;
            sodium_memzero(ks->v[i].seed, sizeof ks->v[i].seed);
            ks->v[i].has_secret = false;
        }
    ks->v[ks->n++] = k;
    sodium_memzero(&k, sizeof k);
    return CWT_OK;
}

void cwt__keyset_prune(struct cwt__keyset *ks, int64_t before)
{
    size_t w = 0;
    for (size_t i = 0; i < ks->n; i++) {
        if (ks->v[i].retired != 0 && ks->v[i].retired < before)
            continue;
        ks->v[w++] = ks->v[i];
    }
    if (w < ks->n)
        sodium_memzero(&ks->v[w], (ks->n - w) * sizeof *ks->v);
    ks->n = w;
}

enum cwt_status cwt__keyset_to_json(const struct cwt__keyset *ks, bool with_secrets, char **out,
                                    struct cwt_err *err)
{
    enum cwt_status rc = CWT_ENOMEM;
    json_t *doc = json_object(), *keys = json_array();
    *out = NULL;
    if (!doc || !keys || json_object_set(doc, "keys", keys))
        goto out;
    for (size_t i = 0; i < ks->n; i++) {
        const struct cwt__key *k = &ks->v[i];
        char x[64], d[64], created[21], retired[21];
        sodium_bin2base64(x, sizeof x, k->pk, sizeof k->pk, B64);
        cwt_time_format_iso(k->created, created);
        json_t *j = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "kid", k->kid, "kty", "OKP", "crv", "Ed25519",
                              "alg", "EdDSA", "use", "sig", "x", x, "status", k->retired ? "retired" : "active",
                              "created", created);
        if (!j || json_array_append_new(keys, j))
            goto out;
        if (k->retired) {
            cwt_time_format_iso(k->retired, retired);
            if (json_object_set_new(j, "retired", json_string(retired)))
                goto out;
        }
        if (with_secrets && k->has_secret) {
            sodium_bin2base64(d, sizeof d, k->seed, sizeof k->seed, B64);
            int bad = json_object_set_new(j, "d", json_string(d));
            sodium_memzero(d, sizeof d);
            if (bad)
                goto out;
        }
    }
    *out = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    rc = *out ? CWT_OK : CWT_ENOMEM;
out:
    json_decref(keys);
    json_decref(doc);
    if (rc)
        cwt_err_set(err, rc, "cannot render the key set");
    return rc;
}

static bool b64_exact(const char *s, unsigned char *bin, size_t want)
{
    size_t got = 0;
    const char *end = NULL;
    size_t len = strlen(s);
    if (sodium_base642bin(bin, want, s, len, NULL, &got, &end, B64) != 0)
        return false;
    return got == want && end == s + len;
}

enum cwt_status cwt__keyset_from_json(struct cwt__keyset *ks, const char *text, size_t len, struct cwt_err *err)
{
    json_error_t jerr;
    enum cwt_status rc = sodium_ready(err);
    if (rc)
        return rc;
    if (len > 1u << 20)
        return cwt_err_setf(err, CWT_ETOOBIG, "keys", "key document of %zu bytes is too big", len);
    json_t *doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!doc && json_error_code(&jerr) == json_error_out_of_memory)
        return cwt_err_set(err, CWT_ENOMEM, "out of memory");
    if (!doc)
        return cwt_err_setf(err, CWT_EPARSE, "keys", "key document: %s at line %d", jerr.text, jerr.line);
    json_t *keys = json_object_get(doc, "keys");
    if (!json_is_array(keys)) {
        rc = cwt_err_setf(err, CWT_EPARSE, "keys", "key document has no \"keys\" array");
        goto out;
    }
    size_t i;
    json_t *j;
    json_array_foreach(keys, i, j)
    {
        char f[48];
        snprintf(f, sizeof f, "keys[%zu]", i);
        if (ks->n >= CWT__KEYSET_MAX) {
            rc = cwt_err_setf(err, CWT_ETOOBIG, f, "more than %d keys", CWT__KEYSET_MAX);
            goto out;
        }
        const char *kid = NULL, *x = NULL, *status = NULL, *created = NULL, *retired = NULL, *d = NULL,
                   *crv = NULL;
        if (json_unpack(j, "{s:s,s:s,s:s,s:s,s?s,s?s,s?s}", "kid", &kid, "crv", &crv, "x", &x, "status", &status,
                        "created", &created, "retired", &retired, "d", &d) != 0) {
            rc = cwt_err_setf(err, CWT_EPARSE, f, "%s needs string fields kid, crv, x and status", f);
            goto out;
        }
        struct cwt__key k = {0};
        if (strcmp(crv, "Ed25519") != 0 || !b64_exact(x, k.pk, sizeof k.pk)) {
            rc = cwt_err_setf(err, CWT_EPARSE, f, "%s is not an Ed25519 public key", f);
            goto out;
        }
        make_kid(k.pk, k.kid);
        if (strcmp(k.kid, kid) != 0) {
            rc = cwt_err_setf(err, CWT_EPARSE, f, "%s: kid '%s' does not match its key (expected '%s')", f, kid,
                              k.kid);
            goto out;
        }
        if ((created && cwt_time_parse_iso(created, &k.created) != CWT_OK) ||
            (retired && cwt_time_parse_iso(retired, &k.retired) != CWT_OK)) {
            rc = cwt_err_setf(err, CWT_EPARSE, f, "%s: created/retired must be ISO 8601 times", f);
            goto out;
        }
        if (strcmp(status, "retired") == 0 && !k.retired)
            k.retired = k.created ? k.created : 1;
        else if (strcmp(status, "active") != 0 && strcmp(status, "retired") != 0) {
            rc = cwt_err_setf(err, CWT_EPARSE, f, "%s: status must be active or retired", f);
            goto out;
        }
        if (d) {
            unsigned char pk[32], sk[64];
            if (!b64_exact(d, k.seed, sizeof k.seed)) {
                rc = cwt_err_setf(err, CWT_EPARSE, f, "%s: d is not a 32-byte seed", f);
                goto out;
            }
            crypto_sign_seed_keypair(pk, sk, k.seed);
            sodium_memzero(sk, sizeof sk);
            if (memcmp(pk, k.pk, 32) != 0) {
                sodium_memzero(&k, sizeof k);
                rc = cwt_err_setf(err, CWT_EPARSE, f, "%s: the secret does not match the public key", f);
                goto out;
            }
            k.has_secret = true;
        }
        if (cwt__keyset_find(ks, k.kid)) {
            rc = cwt_err_setf(err, CWT_EPARSE, f, "%s: key '%s' appears twice", f, k.kid);
            goto out;
        }
        rc = CWT_GROW(ks->v, ks->n, &ks->cap, CWT__KEYSET_MAX);
        if (rc) {
            rc = cwt_err_set(err, rc, "cannot grow the key set");
            goto out;
        }
        ks->v[ks->n++] = k;
        sodium_memzero(&k, sizeof k);
    }
out:
    json_decref(doc);
    return rc;
}

const char *cwt__verdict_name(enum cwt__verdict v)
{
    static const char *const names[] = {"valid", "expired", "not_yet_valid", "bad_signature", "unknown_key",
                                        "key_retired", "malformed"};
    return (unsigned)v < CWT_ARRAY_LEN(names) ? names[v] : "unknown";
}

enum cwt_status cwt__attest_sign(const struct cwt__keyset *ks, struct cwt__attestation *a, char **token,
                                 struct cwt_err *err)
{
    enum cwt_status rc = sodium_ready(err);
    char *payload = NULL, *tok = NULL;
    json_t *j = NULL;
    *token = NULL;
    if (rc)
        return rc;
    const struct cwt__key *k = cwt__keyset_active(ks);
    if (!k)
        return cwt_err_set(err, CWT_EINVAL, "the key set has no active key");
    if (!isfinite(a->score) || a->exp <= a->iat)
        return cwt_err_setf(err, CWT_EINVAL, "payload", "score must be a number and exp later than iat");
    snprintf(a->kid, sizeof a->kid, "%s", k->kid);
    double score = round(a->score * 10.0) / 10.0;
    j = json_pack("{s:i,s:s,s:s,s:s,s:s,s:f,s:s,s:I,s:I}", "v", 1, "kid", a->kid, "site", a->site, "domain",
                  a->domain, "mark", a->mark, "score", score, "cycle", a->cycle, "iat", (json_int_t)a->iat, "exp",
                  (json_int_t)a->exp);
    if (!j || !(payload = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(6)))) {
        rc = cwt_err_set(err, CWT_ENOMEM, "out of memory");
        goto out;
    }
    size_t plen = strlen(payload);
    size_t b1 = sodium_base64_ENCODED_LEN(plen, B64), b2 = sodium_base64_ENCODED_LEN(crypto_sign_BYTES, B64);
    if (b1 + b2 > CWT__TOKEN_MAX) {
        rc = cwt_err_setf(err, CWT_ETOOBIG, "payload", "token would exceed %d bytes", CWT__TOKEN_MAX);
        goto out;
    }
    tok = cwt_malloc(b1 + b2 + 1);
    if (!tok) {
        rc = cwt_err_set(err, CWT_ENOMEM, "out of memory");
        goto out;
    }
    sodium_bin2base64(tok, b1, (const unsigned char *)payload, plen, B64);
    size_t l1 = strlen(tok);
    unsigned char sk[crypto_sign_SECRETKEYBYTES], pk[32], sig[crypto_sign_BYTES];
    crypto_sign_seed_keypair(pk, sk, k->seed);
    crypto_sign_detached(sig, NULL, (const unsigned char *)tok, l1, sk);
    sodium_memzero(sk, sizeof sk);
    tok[l1] = '.';
    sodium_bin2base64(tok + l1 + 1, b2, sig, sizeof sig, B64);
    *token = tok;
    tok = NULL;
out:
    cwt_free(tok);
    cwt_free(payload);
    json_decref(j);
    return rc;
}

static bool copy_str(json_t *o, const char *key, char *dst, size_t n)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_string(v) || json_string_length(v) >= n || strlen(json_string_value(v)) != json_string_length(v))
        return false;
    memcpy(dst, json_string_value(v), json_string_length(v) + 1);
    return true;
}

enum cwt_status cwt__attest_verify(const struct cwt__keyset *ks, const char *token, size_t len, int64_t now,
                                   int64_t skew, struct cwt__attestation *out, enum cwt__verdict *verdict,
                                   struct cwt_err *err)
{
    enum cwt_status rc = sodium_ready(err);
    unsigned char payload[CWT__TOKEN_MAX], sig[crypto_sign_BYTES];
    json_t *j = NULL;
    memset(out, 0, sizeof *out);
    *verdict = CWT__ATT_MALFORMED;
    if (rc)
        return rc;
    if (len > CWT__TOKEN_MAX) {
        cwt_err_setf(err, CWT_ETOOBIG, "token", "token of %zu bytes is longer than %d", len, CWT__TOKEN_MAX);
        goto out;
    }
    const char *dot = memchr(token, '.', len);
    if (!dot || memchr(dot + 1, '.', len - (size_t)(dot - token) - 1) || memchr(token, '\0', len)) {
        cwt_err_setf(err, CWT_EPARSE, "token", "a token is two base64url parts joined by one '.'");
        goto out;
    }
    size_t l1 = (size_t)(dot - token), l2 = len - l1 - 1, plen = 0, slen = 0;
    const char *end = NULL;
    if (l1 == 0 || sodium_base642bin(payload, sizeof payload - 1, token, l1, NULL, &plen, &end, B64) != 0 ||
        end != dot) {
        cwt_err_setf(err, CWT_EPARSE, "payload", "the payload is not base64url");
        goto out;
    }
    if (sodium_base642bin(sig, sizeof sig, dot + 1, l2, NULL, &slen, &end, B64) != 0 || end != token + len ||
        slen != sizeof sig) {
        cwt_err_setf(err, CWT_EPARSE, "signature", "the signature is not 64 bytes of base64url");
        goto out;
    }
    json_error_t jerr;
    j = json_loadb((const char *)payload, plen, JSON_REJECT_DUPLICATES, &jerr);
    if (!j && json_error_code(&jerr) == json_error_out_of_memory) {
        rc = cwt_err_set(err, CWT_ENOMEM, "out of memory");
        goto out;
    }
    json_t *v = json_object_get(j, "v"), *score = json_object_get(j, "score"), *iat = json_object_get(j, "iat"),
           *exp = json_object_get(j, "exp");
    if (!json_is_object(j) || !json_is_integer(v) || json_integer_value(v) != 1 || !copy_str(j, "kid", out->kid, sizeof out->kid) ||
        !copy_str(j, "site", out->site, sizeof out->site) || !copy_str(j, "domain", out->domain, sizeof out->domain) ||
        !copy_str(j, "mark", out->mark, sizeof out->mark) || !copy_str(j, "cycle", out->cycle, sizeof out->cycle) ||
        !json_is_number(score) || !json_is_integer(iat) || !json_is_integer(exp)) {
        cwt_err_setf(err, CWT_EPARSE, "payload", "the payload is not a version 1 attestation");
        goto out;
    }
    out->score = json_number_value(score);
    out->iat = json_integer_value(iat);
    out->exp = json_integer_value(exp);
    const struct cwt__key *k = cwt__keyset_find(ks, out->kid);
    if (!k) {
        *verdict = CWT__ATT_UNKNOWN_KEY;
        cwt_err_setf(err, CWT_ENOTFOUND, "kid", "no key '%s' in the key set", out->kid);
        goto out;
    }
    if (crypto_sign_verify_detached(sig, (const unsigned char *)token, l1, k->pk) != 0) {
        *verdict = CWT__ATT_BAD_SIGNATURE;
        cwt_err_setf(err, CWT_EPERM, "signature", "the signature does not match key '%s': the token was altered",
                     out->kid);
        goto out;
    }
    char t1[21], t2[21];
    if (k->retired && out->iat > k->retired + skew) {
        *verdict = CWT__ATT_KEY_RETIRED;
        cwt_time_format_iso(k->retired, t1);
        cwt_err_setf(err, CWT_EPERM, "kid", "key '%s' was retired at %s, before the token was issued", out->kid, t1);
        goto out;
    }
    if (out->iat > now + skew) {
        *verdict = CWT__ATT_NOT_YET;
        cwt_time_format_iso(out->iat, t1);
        cwt_err_setf(err, CWT_EINVAL, "iat", "issued at %s, in the future", t1);
        goto out;
    }
    if (now >= out->exp) {
        *verdict = CWT__ATT_EXPIRED;
        cwt_time_format_iso(out->exp, t2);
        cwt_err_setf(err, CWT_EINVAL, "exp", "expired at %s", t2);
        goto out;
    }
    *verdict = CWT__ATT_VALID;
out:
    json_decref(j);
    return rc;
}
