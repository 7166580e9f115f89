/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the classification of a certificate chain, the one
 * code path behind live and offline inspections. OpenSSL builds and verifies
 * the chain at the evaluation instant (X509_V_FLAG_USE_CHECK_TIME) with a
 * verify callback that records every error and lets verification go on, so
 * an expired, self-signed, wrongly named certificate is reported as all three.
 * What OpenSSL does not judge is checked here: MD5/SHA-1 signatures (leaf and
 * intermediates, not self-signed roots), key sizes, the host name (SAN only,
 * wildcards one label), days to expiry and the validation level (CA/Browser
 * Forum policy OIDs). A chain that stops at a certificate whose issuer is not
 * available is told apart as a missing intermediate (a leaf that names its
 * issuer's URL in authorityInfoAccess) or an unknown root (anything else).
 */
#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>
#include <pthread.h>
#include <stdio.h>
#include <time.h>

#include "tls/tls_internal.h"
#include "util/timeutil.h"

#define VERIFY_DEPTH 8 /* certificates above the leaf OpenSSL may chain through */
#define VERR_MAX 32    /* verify errors recorded */
#define DAY 86400

struct verr {
    int code;
    int depth;
};

struct vstate {
    struct verr errs[VERR_MAX];
    size_t n;
};

/* Whether @p x is self-signed, its own signature verified (X509_self_signed(x, 1) == 1). The answer
 * depends on the certificate's bytes alone, and the self-issued certificates are the few roots every
 * audit chains to: their answers are kept for the process by their SHA-256 (@p md), so that a root's
 * signature is verified once, not once per audit (a slot holds the last root that hashed to it). */
#define SELF_SLOTS 64
static struct {
    unsigned char md[32];
    bool used, self_signed;
} self_memo[SELF_SLOTS];
static pthread_mutex_t self_lock = PTHREAD_MUTEX_INITIALIZER;

static bool self_signed(X509 *x, const unsigned char *md, unsigned mdlen)
{
    if (X509_self_signed(x, 0) != 1) /* not self-issued (or no key): no signature to verify */
        return false;
    if (mdlen != 32)
        return X509_self_signed(x, 1) == 1;
    size_t slot = md[0] % SELF_SLOTS;
    pthread_mutex_lock(&self_lock);
    bool hit = self_memo[slot].used && memcmp(self_memo[slot].md, md, 32) == 0, v = self_memo[slot].self_signed;
    pthread_mutex_unlock(&self_lock);
    if (hit)
        return v;
    v = X509_self_signed(x, 1) == 1;
    pthread_mutex_lock(&self_lock);
    memcpy(self_memo[slot].md, md, 32);
    self_memo[slot].used = true;
    self_memo[slot].self_signed = v;
    pthread_mutex_unlock(&self_lock);
    return v;
}

/* Records every verification error and continues (return 1), so all of them are seen. */
static int verify_cb(int ok, X509_STORE_CTX *sctx)
{
    if (ok)
        return 1;
    struct vstate *st = X509_STORE_CTX_get_app_data(sctx);
    int code = X509_STORE_CTX_get_error(sctx), depth = X509_STORE_CTX_get_error_depth(sctx);
    for (size_t i = 0; i < st->n; i++)
        if (st->errs[i].code == code && st->errs[i].depth == depth)
            return 1;
    if (st->n < VERR_MAX)
        st->errs[st->n++] = (struct verr){code, depth};
    return 1;
}

/* Replaces control characters and bytes of invalid UTF-8 in @p s by '?', in place. */
static void sanitize_utf8(char *s)
{
    unsigned char *p = (unsigned char *)s;
    while (*p) {
        size_t need = *p < 0x80 ? 0 : (*p & 0xe0) == 0xc0 ? 1 : (*p & 0xf0) == 0xe0 ? 2 : (*p & 0xf8) == 0xf0 ? 3 : 9;
        bool ok = need < 4 && !(need == 1 && *p < 0xc2);
        for (size_t k = 1; ok && k <= need; k++)
            ok = (p[k] & 0xc0) == 0x80;
        if (!ok || (need == 0 && (*p < 0x20 || *p == 0x7f))) {
            *p++ = '?';
            continue;
        }
        p += need + 1;
    }
}

/* A copy of the ASN.1 string as UTF-8 with control characters replaced; NULL on failure. */
static char *asn1_utf8(const ASN1_STRING *s)
{
    unsigned char *u = NULL;
    int n = ASN1_STRING_to_UTF8(&u, s);
    if (n < 0)
        return cwt_strdup("");
    char *out = cwt_strndup((const char *)u, (size_t)n);
    OPENSSL_free(u);
    if (out)
        sanitize_utf8(out);
    return out;
}

static char *name_entry(const X509_NAME *nm, int nid)
{
    int i = nm ? X509_NAME_get_index_by_NID(nm, nid, -1) : -1;
    if (i < 0)
        return NULL;
    return asn1_utf8(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(nm, i)));
}

/* *out = the entry or NULL when absent; CWT_ENOMEM when present but not copied. */
static enum cwt_status name_field(const X509_NAME *nm, int nid, char **out)
{
    *out = name_entry(nm, nid);
    return *out || !nm || X509_NAME_get_index_by_NID(nm, nid, -1) < 0 ? CWT_OK : CWT_ENOMEM;
}

/* RFC 2253 one line ("CN=a,O=b"), UTF-8 kept; "" for an empty name. */
static char *name_line(const X509_NAME *nm)
{
    BIO *b = BIO_new(BIO_s_mem());
    if (!b)
        return NULL;
    X509_NAME_print_ex(b, nm, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
    char *p = NULL;
    long n = BIO_get_mem_data(b, &p);
    char *out = cwt_strndup(n > 0 ? p : "", n > 0 ? (size_t)n : 0);
    BIO_free(b);
    if (out)
        sanitize_utf8(out);
    return out;
}

static int64_t asn1_time(const ASN1_TIME *t)
{
    struct tm tm;
    if (!t || ASN1_TIME_to_tm(t, &tm) != 1)
        return 0;
    struct cwt_tm c = {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec};
    return cwt_tm_to_time(&c);
}

/* Printable copy of a SAN's bytes. */
static char *san_copy(const unsigned char *d, int n)
{
    char *s = cwt_malloc((size_t)n + 1);
    if (!s)
        return NULL;
    for (int i = 0; i < n; i++)
        s[i] = d[i] < 0x20 || d[i] >= 0x7f ? '?' : (char)d[i];
    s[n] = '\0';
    return s;
}

static enum cwt_status read_sans(X509 *x, struct cwt__tls_cert *c)
{
    GENERAL_NAMES *gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
    if (!gens)
        return CWT_OK;
    enum cwt_status rc = CWT_OK;
    int n = sk_GENERAL_NAME_num(gens);
    c->sans = cwt_calloc((size_t)CWT_MIN(n, CWT__TLS_SANS_MAX) + 1, sizeof *c->sans);
    if (!c->sans)
        rc = CWT_ENOMEM;
    for (int i = 0; rc == CWT_OK && i < n; i++) {
        const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
        char *s = NULL;
        if (g->type == GEN_DNS) {
            c->nsans_total++;
            if (c->nsans < CWT__TLS_SANS_MAX)
                s = san_copy(ASN1_STRING_get0_data(g->d.dNSName), ASN1_STRING_length(g->d.dNSName));
            else
                continue;
        } else if (g->type == GEN_IPADD) {
            c->nsans_total++;
            if (c->nsans >= CWT__TLS_SANS_MAX)
                continue;
            char buf[64] = "?";
            int len = ASN1_STRING_length(g->d.iPAddress);
            const unsigned char *d = ASN1_STRING_get0_data(g->d.iPAddress);
            if (len == 4 || len == 16)
                inet_ntop(len == 4 ? AF_INET : AF_INET6, d, buf, sizeof buf);
            s = cwt_strdup(buf);
        } else {
            continue;
        }
        if (!s)
            rc = CWT_ENOMEM;
        else
            c->sans[c->nsans++] = s;
    }
    GENERAL_NAMES_free(gens);
    return rc;
}

static bool weak_md(int mdnid)
{
    return mdnid == NID_md5 || mdnid == NID_md4 || mdnid == NID_md2 || mdnid == NID_sha1 || mdnid == NID_md5_sha1 ||
           mdnid == NID_mdc2;
}

/* Fills @p c from @p x (everything but `served`). */
static enum cwt_status read_cert(X509 *x, struct cwt__tls_cert *c)
{
    const X509_NAME *subj = X509_get_subject_name(x), *iss = X509_get_issuer_name(x);
    c->subject = name_line(subj);
    c->issuer = name_line(iss);
    if (!c->subject || !c->issuer || name_field(subj, NID_commonName, &c->subject_cn) ||
        name_field(subj, NID_organizationName, &c->subject_org) || name_field(iss, NID_commonName, &c->issuer_cn))
        return CWT_ENOMEM;
    c->not_before = asn1_time(X509_get0_notBefore(x));
    c->not_after = asn1_time(X509_get0_notAfter(x));

    int signid = X509_get_signature_nid(x), mdnid = NID_undef, pknid = NID_undef, secbits = 0;
    uint32_t flags = 0;
    c->sig_alg = cwt_strdup(signid != NID_undef ? OBJ_nid2ln(signid) : "unknown");
    if (X509_get_signature_info(x, &mdnid, &pknid, &secbits, &flags) != 1 || mdnid == NID_undef)
        if (signid == NID_undef || !OBJ_find_sigid_algs(signid, &mdnid, &pknid))
            mdnid = NID_undef;
    if (mdnid != NID_undef && !(c->sig_hash = cwt_strdup(OBJ_nid2sn(mdnid))))
        return CWT_ENOMEM;
    if (!c->sig_alg)
        return CWT_ENOMEM;
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    if (X509_digest(x, EVP_sha256(), md, &mdlen) != 1)
        mdlen = 0;
    for (unsigned i = 0; i < mdlen && i < 32; i++)
        snprintf(c->sha256 + 2 * i, 3, "%02x", md[i]);
    c->self_signed = self_signed(x, md, mdlen);
    c->is_ca = X509_check_ca(x) > 0;
    c->weak_signature = !c->self_signed && (weak_md(mdnid) || (secbits > 0 && secbits < 80));

    EVP_PKEY *pk = X509_get0_pubkey(x);
    if (pk) {
        const char *tn = EVP_PKEY_get0_type_name(pk);
        c->key_type = cwt_strdup(tn ? tn : "unknown");
        c->key_bits = EVP_PKEY_get_bits(pk);
        char grp[64];
        size_t glen = 0;
        if (EVP_PKEY_get_utf8_string_param(pk, "group", grp, sizeof grp, &glen) == 1 &&
            !(c->key_curve = cwt_strdup(grp)))
            return CWT_ENOMEM;
        int base = EVP_PKEY_get_base_id(pk);
        if (base == EVP_PKEY_RSA || base == EVP_PKEY_RSA_PSS || base == EVP_PKEY_DSA || base == EVP_PKEY_DH)
            c->weak_key = c->key_bits < 2048;
        else if (base == EVP_PKEY_EC)
            c->weak_key = c->key_bits < 224;
    } else {
        c->key_type = cwt_strdup("unknown");
    }
    if (!c->key_type)
        return CWT_ENOMEM;

    ERR_clear_error();
    return read_sans(x, c);
}

/* The CA/Browser Forum policy OIDs of the leaf decide DV/OV/IV/EV. */
static enum cwt_status read_policies(X509 *leaf, struct cwt__tls_report *r)
{
    static const struct {
        const char *oid;
        enum cwt__tls_validation v;
    } cabf[] = {
        {"2.23.140.1.1", CWT__TLS_VAL_EV},
        {"2.23.140.1.2.2", CWT__TLS_VAL_OV},
        {"2.23.140.1.2.3", CWT__TLS_VAL_IV},
        {"2.23.140.1.2.1", CWT__TLS_VAL_DV},
    };
    CERTIFICATEPOLICIES *pol = X509_get_ext_d2i(leaf, NID_certificate_policies, NULL, NULL);
    for (int i = 0; pol && i < sk_POLICYINFO_num(pol); i++) {
        char oid[80];
        OBJ_obj2txt(oid, sizeof oid, sk_POLICYINFO_value(pol, i)->policyid, 1);
        for (size_t k = 0; k < CWT_ARRAY_LEN(cabf); k++)
            if (strcmp(oid, cabf[k].oid) == 0 && cabf[k].v > r->validation) {
                r->validation = cabf[k].v;
                cwt_free(r->policy_oid);
                if (!(r->policy_oid = cwt_strdup(oid))) {
                    CERTIFICATEPOLICIES_free(pol);
                    return CWT_ENOMEM;
                }
            }
    }
    CERTIFICATEPOLICIES_free(pol);
    if (r->validation == CWT__TLS_VAL_UNKNOWN && r->nchain > 0)
        r->validation = r->chain[0].subject_org ? CWT__TLS_VAL_OV : CWT__TLS_VAL_DV;
    return CWT_OK;
}

/* True when @p x names where its issuer's certificate can be downloaded (AIA caIssuers). */
static bool has_ca_issuers(X509 *x)
{
    AUTHORITY_INFO_ACCESS *aia = X509_get_ext_d2i(x, NID_info_access, NULL, NULL);
    bool found = false;
    for (int i = 0; aia && i < sk_ACCESS_DESCRIPTION_num(aia); i++)
        if (OBJ_obj2nid(sk_ACCESS_DESCRIPTION_value(aia, i)->method) == NID_ad_ca_issuers)
            found = true;
    AUTHORITY_INFO_ACCESS_free(aia);
    return found;
}

static const char *cert_label(const struct cwt__tls_cert *c)
{
    return c->subject_cn ? c->subject_cn : c->subject_org ? c->subject_org : c->subject[0] ? c->subject : "(empty subject)";
}

static const char *depth_word(int depth, const struct cwt__tls_cert *c)
{
    if (depth == 0)
        return "certificate";
    return c && c->self_signed ? "root certificate" : "intermediate certificate";
}

static void fmt_date(int64_t t, char out[11])
{
    cwt_time_format_date(t, out);
}

/* Maps the recorded OpenSSL verify errors to problems. */
static enum cwt_status map_verify_errors(struct cwt__tls_report *r, const struct vstate *st, X509 *top_x)
{
    enum cwt_status rc = CWT_OK;
    char d1[11], d2[11];
    fmt_date(r->at, d2);
    r->trusted = true;
    for (size_t i = 0; rc == CWT_OK && i < st->n; i++) {
        int code = st->errs[i].code, depth = st->errs[i].depth;
        const struct cwt__tls_cert *c = depth >= 0 && (size_t)depth < r->nchain ? &r->chain[depth] : NULL;
        const char *label = c ? cert_label(c) : "?";
        if (code != X509_V_ERR_CERT_HAS_EXPIRED && code != X509_V_ERR_CERT_NOT_YET_VALID)
            r->trusted = false;
        switch (code) {
        case X509_V_ERR_CERT_HAS_EXPIRED:
            r->expired = true;
            fmt_date(c ? c->not_after : 0, d1);
            rc = cwt__tls_problem_add(r, CWT__TLS_P_EXPIRED, CWT__TLS_FAIL, depth, "%s '%s' expired on %s (checked at %s)",
                                      depth_word(depth, c), label, d1, d2);
            break;
        case X509_V_ERR_CERT_NOT_YET_VALID:
            r->not_yet_valid = true;
            fmt_date(c ? c->not_before : 0, d1);
            rc = cwt__tls_problem_add(r, CWT__TLS_P_NOT_YET_VALID, CWT__TLS_FAIL, depth,
                                      "%s '%s' is not valid before %s (checked at %s)", depth_word(depth, c), label, d1,
                                      d2);
            break;
        case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
            rc = cwt__tls_problem_add(r, CWT__TLS_P_SELF_SIGNED, CWT__TLS_FAIL, 0,
                                      "certificate '%s' is self-signed: no trusted authority vouches for it", label);
            break;
        case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
            rc = cwt__tls_problem_add(r, CWT__TLS_P_UNTRUSTED_ROOT, CWT__TLS_FAIL, -1,
                                      "the chain ends at root '%s', which is not in the trust store", label);
            break;
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
        case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE: {
            /* The chain stops at the top certificate built so far: its issuer is nowhere. A leaf that
             * names its issuer's download URL was issued by an intermediate the server should send;
             * a CA certificate whose issuer is missing points at a root the store does not hold. */
            const struct cwt__tls_cert *top = r->nchain ? &r->chain[r->nchain - 1] : NULL;
            char *iss = NULL;
            if (top_x && name_field(X509_get_issuer_name(top_x), NID_commonName, &iss))
                return CWT_ENOMEM;
            const char *issuer = iss ? iss : top ? top->issuer : "?";
            if (r->nchain == 1 && top && !top->is_ca && top_x && has_ca_issuers(top_x))
                rc = cwt__tls_problem_add(r, CWT__TLS_P_INCOMPLETE_CHAIN, CWT__TLS_FAIL, -1,
                                          "the server does not send intermediate certificate '%s' that issued '%s'",
                                          issuer, label);
            else
                rc = cwt__tls_problem_add(r, CWT__TLS_P_UNTRUSTED_ROOT, CWT__TLS_FAIL, -1,
                                          "the chain ends at issuer '%s', which is not in the trust store", issuer);
            cwt_free(iss);
            break;
        }
        case X509_V_ERR_CERT_SIGNATURE_FAILURE:
        case X509_V_ERR_UNABLE_TO_DECRYPT_CERT_SIGNATURE:
        case X509_V_ERR_UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY:
            rc = cwt__tls_problem_add(r, CWT__TLS_P_BAD_SIGNATURE, CWT__TLS_FAIL, depth,
                                      "the signature on %s '%s' does not verify", depth_word(depth, c), label);
            break;
        default:
            rc = cwt__tls_problem_add(r, CWT__TLS_P_INVALID_CHAIN, CWT__TLS_FAIL, depth, "%s '%s': %s",
                                      depth_word(depth, c), label, X509_verify_cert_error_string(code));
            break;
        }
    }
    return rc;
}

/* Host name match on the SAN (never the CN, as browsers), wildcards covering exactly one label. */
static bool host_matches(X509 *leaf, const char *host)
{
    if (!host || !host[0])
        return false;
    unsigned char tmp[16];
    if (inet_pton(AF_INET, host, tmp) == 1 || inet_pton(AF_INET6, host, tmp) == 1)
        return X509_check_ip_asc(leaf, host, 0) == 1;
    return X509_check_host(leaf, host, strlen(host),
                           X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS | X509_CHECK_FLAG_NEVER_CHECK_SUBJECT, NULL) == 1;
}

static enum cwt_status own_checks(struct cwt__tls_report *r, X509 *leaf)
{
    enum cwt_status rc = CWT_OK;
    const struct cwt__tls_cert *lc = &r->chain[0];
    char d1[11];
    r->host_match = host_matches(leaf, r->host);
    if (r->host && !r->host_match) {
        char names[200] = "";
        size_t off = 0;
        for (size_t i = 0; i < lc->nsans && i < 5 && off < sizeof names; i++)
            off += (size_t)snprintf(names + off, sizeof names - off, "%s%s", i ? ", " : "", lc->sans[i]);
        if (lc->nsans_total > 5 && off < sizeof names)
            snprintf(names + off, sizeof names - off, " and %zu more", lc->nsans_total - 5);
        rc = cwt__tls_problem_add(r, CWT__TLS_P_HOST_MISMATCH, CWT__TLS_FAIL, 0,
                                  "certificate is not valid for '%s' (it names: %s)", r->host,
                                  lc->nsans ? names : "no DNS names");
    }
    int64_t left = lc->not_after - r->at;
    r->days_to_expiry = left >= 0 ? left / DAY : -((-left + DAY - 1) / DAY);
    if (rc == CWT_OK && left >= 0 && r->days_to_expiry < CWT__TLS_SOON_DAYS && lc->not_before <= r->at) {
        fmt_date(lc->not_after, d1);
        rc = cwt__tls_problem_add(r, CWT__TLS_P_EXPIRES_SOON, CWT__TLS_WARN, 0,
                                  "certificate expires on %s, in %lld days", d1, (long long)r->days_to_expiry);
    }
    for (size_t d = 0; rc == CWT_OK && d < r->nchain; d++) {
        const struct cwt__tls_cert *c = &r->chain[d];
        if (c->weak_signature) {
            r->weak_signature = true;
            rc = cwt__tls_problem_add(r, CWT__TLS_P_WEAK_SIGNATURE, CWT__TLS_FAIL, (int)d,
                                      "%s '%s' is signed with %s, which is broken", depth_word((int)d, c),
                                      cert_label(c), c->sig_hash ? c->sig_hash : c->sig_alg);
        }
        /* A weak key matters on the leaf and on intermediates; a self-signed root is the store's business. */
        if (rc == CWT_OK && c->weak_key && (d == 0 || !c->self_signed)) {
            r->weak_key = true;
            rc = cwt__tls_problem_add(r, CWT__TLS_P_WEAK_KEY, CWT__TLS_FAIL, (int)d, "%s '%s' has a %d-bit %s key",
                                      depth_word((int)d, c), cert_label(c), c->key_bits, c->key_type);
        }
    }
    if (rc == CWT_OK && lc->key_type && strcmp(lc->key_type, "RSA") == 0 && lc->key_bits > 4096)
        rc = cwt__tls_problem_add(r, CWT__TLS_P_UNUSUAL_KEY, CWT__TLS_INFO, 0,
                                  "certificate has an unusual %d-bit RSA key (slow handshakes; some clients refuse it)",
                                  lc->key_bits);
    return rc;
}

static bool in_stack(STACK_OF(X509) *sk, X509 *x)
{
    for (int i = 0; sk && i < sk_X509_num(sk); i++)
        if (X509_cmp(sk_X509_value(sk, i), x) == 0)
            return true;
    return false;
}

enum cwt_status cwt__tls_classify(struct cwt__tls_report *r, X509_STORE *store, X509 *leaf, STACK_OF(X509) *rest)
{
    enum cwt_status rc = CWT_OK;
    struct vstate st = {0};
    X509_STORE_CTX *sctx = X509_STORE_CTX_new();
    if (!sctx || X509_STORE_CTX_init(sctx, store, leaf, rest) != 1) {
        rc = CWT_ENOMEM;
        goto out;
    }
    X509_VERIFY_PARAM *vp = X509_STORE_CTX_get0_param(sctx);
    X509_VERIFY_PARAM_set_time(vp, (time_t)r->at); /* sets X509_V_FLAG_USE_CHECK_TIME */
    X509_VERIFY_PARAM_set_depth(vp, VERIFY_DEPTH);
    X509_VERIFY_PARAM_set_purpose(vp, X509_PURPOSE_SSL_SERVER);
    X509_VERIFY_PARAM_set_auth_level(vp, -1); /* key and digest strength are judged below, all of them */
    X509_STORE_CTX_set_app_data(sctx, &st);
    X509_STORE_CTX_set_verify_cb(sctx, verify_cb);
    (void)X509_verify_cert(sctx); /* the callback keeps it going; the errors are in st */

    STACK_OF(X509) *built = X509_STORE_CTX_get0_chain(sctx);
    int nbuilt = built ? sk_X509_num(built) : 0;
    if (nbuilt <= 0) { /* cannot happen after init, but keep the leaf */
        built = NULL;
        nbuilt = 1;
    }
    nbuilt = CWT_MIN(nbuilt, CWT__TLS_CHAIN_MAX);
    if (!(r->chain = cwt_calloc((size_t)nbuilt, sizeof *r->chain))) {
        rc = CWT_ENOMEM;
        goto out;
    }
    X509 *top_x = leaf;
    for (int i = 0; i < nbuilt; i++) {
        X509 *x = built ? sk_X509_value(built, i) : leaf;
        struct cwt__tls_cert *c = &r->chain[i];
        r->nchain++;
        if ((rc = read_cert(x, c)))
            goto out;
        c->served = i == 0 || in_stack(rest, x);
        top_x = x;
    }
    r->has_cert = true;
    if ((rc = map_verify_errors(r, &st, top_x)))
        goto out;
    if ((rc = own_checks(r, leaf)))
        goto out;
    rc = read_policies(leaf, r);
out:
    X509_STORE_CTX_free(sctx);
    ERR_clear_error();
    return rc;
}
