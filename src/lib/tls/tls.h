/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The tls layer: the only user of OpenSSL. Inspects a server's certificate
 * chain and handshake (live), or a PEM chain offline through the same code
 * path, and reports every problem, not only the first. (Contract for the other
 * layers; tls owns the implementation and may add fields.)
 */
#ifndef CWT_TLS_H
#define CWT_TLS_H

#include "util/common.h"

struct cwt__tls_opts {
    const char *ca_file;        /* PEM bundle to trust instead of the system store; NULL: system */
    const char *connect_addr;   /* connect here instead of resolving the host (from --resolve); NULL */
    bool allow_private;         /* allow connecting to loopback/private addresses */
    int64_t at;                 /* evaluate validity at this instant (Unix seconds) */
    long timeout_ms;
};

struct cwt__tls_report; /* defined in tls/tls_report.h by the tls layer */

/* Connects to @p host:@p port, handshakes, inspects. A failed handshake is a finding in the
 * report, not an error: errors are only CWT_ENOMEM / CWT_EINVAL. Free with cwt__tls_report_free(). */
enum cwt_status cwt__tls_inspect(const struct cwt_ctx *ctx, const struct cwt__tls_opts *opts, const char *host,
                                 int port, struct cwt__tls_report **out, struct cwt_err *err);
/* Inspects a PEM chain (leaf first) offline for @p host, through the same checks. */
enum cwt_status cwt__tls_inspect_pem(const struct cwt_ctx *ctx, const struct cwt__tls_opts *opts, const char *pem,
                                     size_t len, const char *host, struct cwt__tls_report **out,
                                     struct cwt_err *err);
void cwt__tls_report_free(struct cwt__tls_report *r);

/*
 * The crawl's own handshake, judged instead of a second one (audit.c wires fetch to these; the
 * pointers are OpenSSL's, passed as void * so that only this layer names OpenSSL types).
 */
/* The trust store libcurl 7.88 fills for every connection it verifies (@p ca_file, the hashed
 * directory @p ca_dir, either may be NULL; trusted issuers first, partial chains), loaded once per
 * process (an X509_STORE *, up-referenced); NULL when the file cannot be read or both are NULL, and
 * libcurl is then left to load it (and to report it). Release with cwt__tls_verify_store_free(). */
void *cwt__tls_verify_store(const char *ca_file, const char *ca_dir);
void cwt__tls_verify_store_free(void *store);
/* Makes @p ssl_ctx (libcurl's SSL_CTX *) verify against @p store instead of its own. */
bool cwt__tls_verify_store_use(void *ssl_ctx, void *store);
struct cwt__tls_seen; /* what a finished handshake showed; defined in tls/tls_internal.h */
/* Configures @p ssl_ctx (an SSL_CTX *, e.g. libcurl's for a new connection) to handshake exactly as
 * the live inspection's client does: same versions, ciphers, security level, options, OCSP status
 * request (ALPN and SNI are the caller's: libcurl offers h2 and http/1.1 and the host's name, as the
 * live client does). False on failure: the connection's handshake then differs and must not be used. */
bool cwt__tls_client_setup(void *ssl_ctx);
/* Records the finished handshake of @p ssl (an SSL *) made to @p address ("ADDR:PORT") in
 * @p handshake_ms; NULL for a resumed session (its certificate and OCSP staple are not the
 * server's answer to a full handshake) or on allocation failure. */
struct cwt__tls_seen *cwt__tls_seen_take(void *ssl, const char *address, double handshake_ms);
void cwt__tls_seen_free(struct cwt__tls_seen *s);
/* As cwt__tls_inspect(), from the handshake @p seen to @p host:@p port instead of a new connection:
 * the same report (handshake_ms aside), classified by the same code. */
enum cwt_status cwt__tls_inspect_seen(const struct cwt_ctx *ctx, const struct cwt__tls_opts *opts, const char *host,
                                      int port, const struct cwt__tls_seen *seen, struct cwt__tls_report **out,
                                      struct cwt_err *err);
/* The certificate subject's O= (organisation) or NULL; borrowed from @p r. */
const char *cwt__tls_subject_org(const struct cwt__tls_report *r);

#endif
