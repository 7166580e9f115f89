/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared inside src/lib/tls only (the one place OpenSSL types may appear):
 * the report builder, the trust store and the classification that both the
 * live and the offline inspection run.
 */
#ifndef CWT_TLS_INTERNAL_H
#define CWT_TLS_INTERNAL_H

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "tls/tls_report.h"

/* A new empty report for @p host (copied, may be NULL); NULL on allocation failure. */
struct cwt__tls_report *cwt__tls_report_new(const char *host, int port, int64_t at, bool live);
/* Appends a problem with a printf-formatted message; past CWT__TLS_PROBLEMS_MAX it is dropped (CWT_OK).
 * A problem of the same kind at the same depth is kept once. */
enum cwt_status cwt__tls_problem_add(struct cwt__tls_report *r, enum cwt__tls_problem_kind kind,
                                     enum cwt__tls_severity sev, int depth, const char *fmt, ...) CWT_PRINTF(5, 6);
/* printf into a new string (caller frees with cwt_free()); NULL on allocation failure. */
char *cwt__tls_strdupf(const char *fmt, ...) CWT_PRINTF(1, 2);

/* The trust store: @p opts->ca_file, else the system default paths. Caller frees with X509_STORE_free(). */
enum cwt_status cwt__tls_store_load(const struct cwt__tls_opts *opts, X509_STORE **out, struct cwt_err *err);

/*
 * Classifies the chain @p leaf + @p rest (the other served certificates, any order, may be NULL)
 * for r->host at r->at against @p store: fills chain, verdicts and problems of @p r. Live and
 * offline inspections both end here.
 */
enum cwt_status cwt__tls_classify(struct cwt__tls_report *r, X509_STORE *store, X509 *leaf, STACK_OF(X509) *rest);

/* A finished handshake as the inspection judges it (tls_seen.c): taken from the live client's own
 * SSL or from the crawl's (libcurl's) connection, then judged by the same code. */
struct cwt__tls_seen {
    int protocol_version; /* SSL_version() */
    char *protocol;       /* SSL_get_version() */
    char *cipher;         /* "unknown" when none */
    char *alpn;           /* NULL when none */
    bool ocsp_stapled;
    STACK_OF(X509) *chain; /* the served chain, leaf first, up-referenced; at most CWT__TLS_CHAIN_MAX + 1 */
    size_t nserved;        /* certificates the server sent (the chain may keep fewer) */
    char *address;         /* "ADDR:PORT" connected to, NULL when the caller fills the report's */
    double handshake_ms;
};

/* Copies what the inspection judges of the finished handshake of @p ssl into a new record
 * (address may be NULL); NULL on allocation failure. */
struct cwt__tls_seen *cwt__tls_seen_of(SSL *ssl, const char *address, double handshake_ms);
/* Fills the session fields of @p r from @p s (handshake_ok, protocol, cipher, ALPN, OCSP), classifies
 * the served chain and judges the session (old protocol, OCSP staple). Both the live inspection and
 * the crawl's handshake end here. */
enum cwt_status cwt__tls_judge_handshake(struct cwt__tls_report *r, X509_STORE *store, const struct cwt__tls_seen *s);

/* The live handshake (tls_live.c): fills the connection fields of @p r and, when a chain
 * arrived, classifies it. */
enum cwt_status cwt__tls_live(const struct cwt_ctx *ctx, const struct cwt__tls_opts *opts, X509_STORE *store,
                              struct cwt__tls_report *r);

#endif
