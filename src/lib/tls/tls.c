/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the entry points of the tls layer: the report's life
 * (new, problems, free), the offline inspection of a PEM (or DER) chain and the live
 * inspection, which both hand the chain to the one classification in
 * tls_chain.c. The live connection and handshake are in tls_live.c, the trust stores
 * (loaded once per process) in tls_store.c.
 */
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tls/tls_internal.h"
#include "util/idn.h"

static const char *const problem_codes[CWT__TLS_P_COUNT_] = {
    [CWT__TLS_P_NO_CONNECT] = "tls.no_connection",
    [CWT__TLS_P_HANDSHAKE] = "tls.handshake_failed",
    [CWT__TLS_P_NO_CERT] = "tls.no_certificate",
    [CWT__TLS_P_EXPIRED] = "tls.expired",
    [CWT__TLS_P_NOT_YET_VALID] = "tls.not_yet_valid",
    [CWT__TLS_P_EXPIRES_SOON] = "tls.expires_soon",
    [CWT__TLS_P_HOST_MISMATCH] = "tls.host_mismatch",
    [CWT__TLS_P_SELF_SIGNED] = "tls.self_signed",
    [CWT__TLS_P_UNTRUSTED_ROOT] = "tls.untrusted_root",
    [CWT__TLS_P_INCOMPLETE_CHAIN] = "tls.incomplete_chain",
    [CWT__TLS_P_BAD_SIGNATURE] = "tls.bad_signature",
    [CWT__TLS_P_INVALID_CHAIN] = "tls.invalid_chain",
    [CWT__TLS_P_WEAK_SIGNATURE] = "tls.weak_signature",
    [CWT__TLS_P_WEAK_KEY] = "tls.weak_key",
    [CWT__TLS_P_UNUSUAL_KEY] = "tls.unusual_key",
    [CWT__TLS_P_OLD_PROTOCOL] = "tls.old_protocol",
    [CWT__TLS_P_NO_OCSP_STAPLE] = "tls.no_ocsp_staple",
};

const char *cwt__tls_problem_code(enum cwt__tls_problem_kind k)
{
    return (unsigned)k < CWT__TLS_P_COUNT_ ? problem_codes[k] : "tls.unknown";
}

const char *cwt__tls_validation_name(enum cwt__tls_validation v)
{
    switch (v) {
    case CWT__TLS_VAL_DV:
        return "DV";
    case CWT__TLS_VAL_OV:
        return "OV";
    case CWT__TLS_VAL_IV:
        return "IV";
    case CWT__TLS_VAL_EV:
        return "EV";
    default:
        return "unknown";
    }
}

char *cwt__tls_strdupf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    char *s = cwt_malloc((size_t)n + 1);
    if (!s)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

struct cwt__tls_report *cwt__tls_report_new(const char *host, int port, int64_t at, bool live)
{
    struct cwt__tls_report *r = CWT_NEW(struct cwt__tls_report);
    if (!r)
        return NULL;
    r->port = port;
    r->at = at;
    r->live = live;
    if (host && !(r->host = cwt_strdup(host))) {
        cwt_free(r);
        return NULL;
    }
    return r;
}

enum cwt_status cwt__tls_problem_add(struct cwt__tls_report *r, enum cwt__tls_problem_kind kind,
                                     enum cwt__tls_severity sev, int depth, const char *fmt, ...)
{
    for (size_t i = 0; i < r->nproblems; i++)
        if (r->problems[i].kind == kind && r->problems[i].depth == depth)
            return CWT_OK;
    enum cwt_status rc = CWT_GROW(r->problems, r->nproblems, &r->capproblems, CWT__TLS_PROBLEMS_MAX);
    if (rc == CWT_ETOOBIG)
        return CWT_OK;
    if (rc)
        return rc;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *msg = n >= 0 ? cwt_malloc((size_t)n + 1) : NULL;
    if (!msg)
        return CWT_ENOMEM;
    va_start(ap, fmt);
    vsnprintf(msg, (size_t)n + 1, fmt, ap);
    va_end(ap);
    r->problems[r->nproblems++] = (struct cwt__tls_problem){kind, sev, depth, msg};
    return CWT_OK;
}

bool cwt__tls_has_problem(const struct cwt__tls_report *r, enum cwt__tls_problem_kind k)
{
    return cwt__tls_find_problem(r, k) != NULL;
}

const struct cwt__tls_problem *cwt__tls_find_problem(const struct cwt__tls_report *r, enum cwt__tls_problem_kind k)
{
    for (size_t i = 0; r && i < r->nproblems; i++)
        if (r->problems[i].kind == k)
            return &r->problems[i];
    return NULL;
}

const struct cwt__tls_cert *cwt__tls_leaf(const struct cwt__tls_report *r)
{
    return r && r->nchain > 0 ? &r->chain[0] : NULL;
}

const char *cwt__tls_subject_org(const struct cwt__tls_report *r)
{
    const struct cwt__tls_cert *leaf = cwt__tls_leaf(r);
    return leaf ? leaf->subject_org : NULL;
}

static void cert_release(struct cwt__tls_cert *c)
{
    cwt_free(c->subject);
    cwt_free(c->issuer);
    cwt_free(c->subject_cn);
    cwt_free(c->subject_org);
    cwt_free(c->issuer_cn);
    cwt_free(c->sig_alg);
    cwt_free(c->sig_hash);
    cwt_free(c->key_type);
    cwt_free(c->key_curve);
    for (size_t i = 0; i < c->nsans; i++)
        cwt_free(c->sans[i]);
    cwt_free(c->sans);
}

void cwt__tls_report_free(struct cwt__tls_report *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nchain; i++)
        cert_release(&r->chain[i]);
    cwt_free(r->chain);
    for (size_t i = 0; i < r->nproblems; i++)
        cwt_free(r->problems[i].message);
    cwt_free(r->problems);
    cwt_free(r->host);
    cwt_free(r->address);
    cwt_free(r->error);
    cwt_free(r->protocol);
    cwt_free(r->cipher);
    cwt_free(r->alpn);
    cwt_free(r->policy_oid);
    cwt_free(r);
}

static int64_t eval_time(const struct cwt_ctx *ctx, const struct cwt__tls_opts *opts)
{
    if (opts && opts->at)
        return opts->at;
    return ctx ? cwt_ctx_now(ctx) : 0;
}

/* Reads up to CWT__TLS_CHAIN_MAX certificates from PEM text (or one DER certificate). */
static enum cwt_status read_chain(const char *pem, size_t len, STACK_OF(X509) *sk, size_t *nseen)
{
    enum cwt_status rc = CWT_OK;
    *nseen = 0;
    BIO *bio = BIO_new_mem_buf(pem, (int)len);
    if (!bio)
        return CWT_ENOMEM;
    /* PEM_read_bio_X509 skips text between blocks and stops at the first broken block. */
    for (;;) {
        X509 *x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
        if (!x)
            break;
        (*nseen)++;
        if (sk_X509_num(sk) >= CWT__TLS_CHAIN_MAX || !sk_X509_push(sk, x)) {
            X509_free(x);
            if (sk_X509_num(sk) < CWT__TLS_CHAIN_MAX) {
                rc = CWT_ENOMEM;
                break;
            }
        }
    }
    BIO_free(bio);
    if (rc == CWT_OK && sk_X509_num(sk) == 0) {
        const unsigned char *p = (const unsigned char *)pem;
        X509 *x = d2i_X509(NULL, &p, (long)len);
        if (x) {
            *nseen = 1;
            if (!sk_X509_push(sk, x)) {
                X509_free(x);
                rc = CWT_ENOMEM;
            }
        }
    }
    ERR_clear_error();
    return rc;
}

enum cwt_status cwt__tls_inspect_pem(const struct cwt_ctx *ctx, const struct cwt__tls_opts *opts, const char *pem,
                                     size_t len, const char *host, struct cwt__tls_report **out,
                                     struct cwt_err *err)
{
    enum cwt_status rc = CWT_OK;
    struct cwt__tls_report *r = NULL;
    X509_STORE *store = NULL;
    STACK_OF(X509) *sk = NULL;
    char *ahost = NULL;
    *out = NULL;
    if (!pem && len)
        return cwt_err_set(err, CWT_EINVAL, "no pem given");
    if (len > CWT__TLS_PEM_MAX || len > INT32_MAX)
        return cwt_err_setf(err, CWT_ETOOBIG, "pem", "pem of %zu bytes exceeds the cap of %u bytes", len,
                            CWT__TLS_PEM_MAX);
    if (host && (rc = cwt__idn_to_ascii(host, &ahost, err)))
        goto out;
    if ((rc = cwt__tls_store_load(opts, &store, err)))
        goto out;
    if (!(r = cwt__tls_report_new(ahost, 0, eval_time(ctx, opts), false)) || !(sk = sk_X509_new_null())) {
        rc = CWT_ENOMEM;
        goto out;
    }
    size_t nseen = 0;
    if (len && (rc = read_chain(pem, len, sk, &nseen)))
        goto out;
    r->nserved = nseen;
    if (sk_X509_num(sk) == 0) {
        rc = cwt__tls_problem_add(r, CWT__TLS_P_NO_CERT, CWT__TLS_FAIL, -1, "no certificate could be read from the pem");
        goto out;
    }
    X509 *leaf = sk_X509_shift(sk);
    rc = cwt__tls_classify(r, store, leaf, sk);
    X509_free(leaf);
out:
    sk_X509_pop_free(sk, X509_free);
    X509_STORE_free(store);
    cwt_free(ahost);
    ERR_clear_error();
    if (rc) {
        cwt__tls_report_free(r);
        return rc == CWT_ENOMEM ? cwt_err_set(err, rc, "out of memory inspecting a pem chain") : rc;
    }
    *out = r;
    return CWT_OK;
}

/* A live report for @p host:@p port: from the handshake @p seen when given, else from a new connection. */
static enum cwt_status inspect_host(const struct cwt_ctx *ctx, const struct cwt__tls_opts *opts, const char *host,
                                    int port, const struct cwt__tls_seen *seen, struct cwt__tls_report **out,
                                    struct cwt_err *err)
{
    enum cwt_status rc = CWT_OK;
    struct cwt__tls_report *r = NULL;
    X509_STORE *store = NULL;
    char *ahost = NULL;
    *out = NULL;
    if (!host)
        return cwt_err_set(err, CWT_EINVAL, "no host given");
    if (port <= 0 || port > 65535)
        return cwt_err_setf(err, CWT_EINVAL, "port", "invalid port %d for '%s'", port, host);
    if ((rc = cwt__idn_to_ascii(host, &ahost, err)))
        goto out;
    if ((rc = cwt__tls_store_load(opts, &store, err)))
        goto out;
    if (!(r = cwt__tls_report_new(ahost, port, eval_time(ctx, opts), true))) {
        rc = CWT_ENOMEM;
        goto out;
    }
    if (!seen) {
        rc = cwt__tls_live(ctx, opts, store, r);
    } else {
        /* what the live inspection sets when it connects (tls_live.c open_conn) and handshakes */
        r->connected = true;
        r->handshake_ms = seen->handshake_ms;
        rc = seen->address && !(r->address = cwt_strdup(seen->address)) ? CWT_ENOMEM
                                                                         : cwt__tls_judge_handshake(r, store, seen);
    }
out:
    X509_STORE_free(store);
    cwt_free(ahost);
    ERR_clear_error();
    if (rc) {
        cwt__tls_report_free(r);
        return rc == CWT_ENOMEM ? cwt_err_set(err, rc, "out of memory inspecting '%s'", host) : rc;
    }
    *out = r;
    return CWT_OK;
}

enum cwt_status cwt__tls_inspect(const struct cwt_ctx *ctx, const struct cwt__tls_opts *opts, const char *host,
                                 int port, struct cwt__tls_report **out, struct cwt_err *err)
{
    return inspect_host(ctx, opts, host, port, NULL, out, err);
}

enum cwt_status cwt__tls_inspect_seen(const struct cwt_ctx *ctx, const struct cwt__tls_opts *opts, const char *host,
                                      int port, const struct cwt__tls_seen *seen, struct cwt__tls_report **out,
                                      struct cwt_err *err)
{
    if (!seen) {
        *out = NULL;
        return cwt_err_set(err, CWT_EINVAL, "no handshake given");
    }
    return inspect_host(ctx, opts, host, port, seen, out, err);
}
