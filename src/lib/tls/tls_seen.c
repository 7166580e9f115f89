/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the judging of a finished handshake, whoever made it:
 * the live inspection's own client (tls_live.c) or the crawl's libcurl
 * connection, whose SSL the fetch layer hands over while the first response
 * arrives. What the handshake showed (protocol, cipher, ALPN, stapled OCSP,
 * the served chain) is copied into a record that outlives the connection, and
 * one function turns a record into the report's session fields, classifies
 * the chain and judges the session, so both paths give the same report.
 */
#include <openssl/ssl.h>

#include "tls/tls_internal.h"

void cwt__tls_seen_free(struct cwt__tls_seen *s)
{
    if (!s)
        return;
    sk_X509_pop_free(s->chain, X509_free);
    cwt_free(s->protocol);
    cwt_free(s->cipher);
    cwt_free(s->alpn);
    cwt_free(s->address);
    cwt_free(s);
}

struct cwt__tls_seen *cwt__tls_seen_of(SSL *ssl, const char *address, double handshake_ms)
{
    struct cwt__tls_seen *s = CWT_NEW(struct cwt__tls_seen);
    if (!s)
        return NULL;
    const unsigned char *alpn = NULL, *ocsp = NULL;
    unsigned int alen = 0;
    s->protocol_version = SSL_version(ssl);
    s->protocol = cwt_strdup(SSL_get_version(ssl));
    const SSL_CIPHER *ci = SSL_get_current_cipher(ssl);
    s->cipher = cwt_strdup(ci ? SSL_CIPHER_get_name(ci) : "unknown");
    SSL_get0_alpn_selected(ssl, &alpn, &alen);
    if (alen)
        s->alpn = cwt_strndup((const char *)alpn, alen);
    s->ocsp_stapled = SSL_get_tlsext_status_ocsp_resp(ssl, &ocsp) > 0 && ocsp;
    s->handshake_ms = handshake_ms;
    if (address)
        s->address = cwt_strdup(address);
    bool ok = s->protocol && s->cipher && (!alen || s->alpn) && (!address || s->address) &&
              (s->chain = sk_X509_new_null()) != NULL;
    STACK_OF(X509) *peer = SSL_get_peer_cert_chain(ssl); /* client side: leaf first, included */
    int npeer = peer ? sk_X509_num(peer) : 0;
    s->nserved = (size_t)npeer;
    for (int i = 0; ok && i < npeer && i <= CWT__TLS_CHAIN_MAX; i++) {
        X509 *x = sk_X509_value(peer, i);
        ok = X509_up_ref(x) == 1;
        if (ok && !sk_X509_push(s->chain, x)) {
            X509_free(x);
            ok = false;
        }
    }
    if (!ok) {
        cwt__tls_seen_free(s);
        return NULL;
    }
    return s;
}

struct cwt__tls_seen *cwt__tls_seen_take(void *ssl, const char *address, double handshake_ms)
{
    if (!ssl || SSL_session_reused((SSL *)ssl) || !SSL_is_init_finished((SSL *)ssl))
        return NULL;
    return cwt__tls_seen_of(ssl, address, handshake_ms);
}

static enum cwt_status judge_session(struct cwt__tls_report *r)
{
    enum cwt_status rc = CWT_OK;
    if (r->protocol_version < TLS1_2_VERSION)
        rc = cwt__tls_problem_add(r, CWT__TLS_P_OLD_PROTOCOL, CWT__TLS_FAIL, -1,
                                  "the server negotiated %s; TLS 1.2 or newer is required", r->protocol);
    if (rc == CWT_OK && !r->ocsp_stapled && r->has_cert)
        rc = cwt__tls_problem_add(r, CWT__TLS_P_NO_OCSP_STAPLE, CWT__TLS_INFO, -1,
                                  "the server does not staple an OCSP response");
    return rc;
}

enum cwt_status cwt__tls_judge_handshake(struct cwt__tls_report *r, X509_STORE *store, const struct cwt__tls_seen *s)
{
    r->handshake_ok = true;
    r->protocol_version = s->protocol_version;
    r->ocsp_stapled = s->ocsp_stapled;
    if (!(r->protocol = cwt_strdup(s->protocol)) || !(r->cipher = cwt_strdup(s->cipher)) ||
        (s->alpn && !(r->alpn = cwt_strdup(s->alpn))))
        return CWT_ENOMEM;
    r->nserved = s->nserved;
    int n = sk_X509_num(s->chain);
    if (n <= 0)
        return cwt__tls_problem_add(r, CWT__TLS_P_NO_CERT, CWT__TLS_FAIL, -1, "the server sent no certificate");
    STACK_OF(X509) *rest = sk_X509_new_null();
    if (!rest)
        return CWT_ENOMEM;
    enum cwt_status rc = CWT_OK;
    for (int i = 1; i < n; i++)
        if (!sk_X509_push(rest, sk_X509_value(s->chain, i))) {
            rc = CWT_ENOMEM;
            break;
        }
    if (rc == CWT_OK)
        rc = cwt__tls_classify(r, store, sk_X509_value(s->chain, 0), rest);
    sk_X509_free(rest); /* borrowed from the record */
    return rc == CWT_OK ? judge_session(r) : rc;
}
