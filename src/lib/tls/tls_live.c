/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the live half of the tls layer: it resolves the host
 * (or takes the --resolve address), refuses private addresses unless allowed
 * (the same rule as fetch's SSRF guard, util/netaddr.c), connects with a
 * non-blocking socket and poll() under one deadline, and handshakes with an
 * OpenSSL client that accepts everything on purpose (TLS 1.0 and up, security
 * level 0, no verification during the handshake) so that old and broken
 * servers can be seen and judged. It offers SNI, ALPN (h2, http/1.1) and asks
 * for a stapled OCSP response; the chain the server sent then goes through
 * the same classification as an offline PEM chain. Its settings are also
 * applied to libcurl's context for the crawl (cwt__tls_client_setup()), whose
 * handshake is then judged instead of a second one (tls_seen.c).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "tls/tls_internal.h"
#include "util/netaddr.h"

#define ADDRS_MAX 8 /* resolved addresses tried */

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int remaining(int64_t deadline)
{
    int64_t left = deadline - mono_ms();
    return left <= 0 ? 0 : (int)CWT_MIN(left, INT32_MAX);
}

/* Waits until @p fd is readable (@p events POLLIN) or writable; 1 ready, 0 timed out, -1 error. */
static int wait_fd(int fd, short events, int64_t deadline)
{
    for (;;) {
        struct pollfd p = {.fd = fd, .events = events};
        int n = poll(&p, 1, remaining(deadline));
        if (n < 0 && errno == EINTR)
            continue;
        return n < 0 ? -1 : n;
    }
}

static int connect_one(const struct addrinfo *ai, int64_t deadline, char *why, size_t whylen)
{
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
    if (fd < 0) {
        snprintf(why, whylen, "socket: %s", strerror(errno));
        return -1;
    }
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
        return fd;
    if (errno != EINPROGRESS) {
        snprintf(why, whylen, "%s", strerror(errno));
        close(fd);
        return -1;
    }
    int w = wait_fd(fd, POLLOUT, deadline);
    int soerr = 0;
    socklen_t sl = sizeof soerr;
    if (w == 0) {
        snprintf(why, whylen, "connect timed out");
    } else if (w < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0) {
        snprintf(why, whylen, "%s", strerror(errno));
    } else if (soerr != 0) {
        snprintf(why, whylen, "%s", strerror(soerr));
    } else {
        return fd;
    }
    close(fd);
    return -1;
}

/* Connects to the first usable address; fills r->address or r->error. Returns the fd or -1. */
static int open_conn(const struct cwt__tls_opts *opts, struct cwt__tls_report *r, int64_t deadline,
                     enum cwt_status *rc)
{
    char port[8], why[160] = "no address", addr[64];
    snprintf(port, sizeof port, "%d", r->port);
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
    const char *node = r->host;
    if (opts && opts->connect_addr) {
        node = opts->connect_addr;
        hints.ai_flags = AI_NUMERICHOST;
    }
    struct addrinfo *res = NULL;
    int g = getaddrinfo(node, port, &hints, &res);
    if (g != 0) {
        *rc = (r->error = cwt__tls_strdupf("cannot resolve '%s': %s", node, gai_strerror(g))) ? CWT_OK : CWT_ENOMEM;
        return -1;
    }
    int fd = -1, tried = 0;
    for (const struct addrinfo *ai = res; ai && tried < ADDRS_MAX && fd < 0; ai = ai->ai_next, tried++) {
        cwt__addr_format(ai->ai_addr, ai->ai_addrlen, addr, sizeof addr);
        const char *refusal = cwt__addr_refusal(ai->ai_addr, ai->ai_addrlen);
        if (!(opts && opts->allow_private) && refusal) {
            snprintf(why, sizeof why, "refused %s %s (private targets are not allowed)", refusal, addr);
            continue;
        }
        if (remaining(deadline) == 0) {
            snprintf(why, sizeof why, "connect timed out");
            break;
        }
        fd = connect_one(ai, deadline, why, sizeof why);
    }
    freeaddrinfo(res);
    if (fd >= 0) {
        r->connected = true;
        *rc = (r->address = cwt_strdup(addr)) ? CWT_OK : CWT_ENOMEM;
    } else {
        *rc = (r->error = cwt__tls_strdupf("cannot connect to '%s' port %d: %s", r->host, r->port, why)) ? CWT_OK
                                                                                                     : CWT_ENOMEM;
    }
    return fd;
}

/* An OpenSSL client that lets every server through, so the report can judge it. One per process:
 * an SSL_CTX is safe to share between threads once set up, and building it per site cost more CPU
 * than the handshake it served. */
static SSL_CTX *client_ctx_shared;

/* The settings that make the handshake the inspection's, on a context of ours or libcurl's. */
static bool client_configure(SSL_CTX *sc)
{
    SSL_CTX_set_security_level(sc, 0);
    if (SSL_CTX_set_min_proto_version(sc, TLS1_VERSION) != 1 || SSL_CTX_set_max_proto_version(sc, 0) != 1 ||
        SSL_CTX_set_cipher_list(sc, "ALL:!aNULL:!eNULL:@SECLEVEL=0") != 1)
        return false;
    SSL_CTX_set_verify(sc, SSL_VERIFY_NONE, NULL);
    return true;
}

/* OpenSSL's options for a new context plus these two (compression off, middlebox compatibility). */
#define CLIENT_OPTIONS (SSL_OP_LEGACY_SERVER_CONNECT | SSL_OP_IGNORE_UNEXPECTED_EOF)

static void client_ctx_build(void)
{
    SSL_CTX *sc = SSL_CTX_new(TLS_client_method());
    if (!sc)
        return;
    static const unsigned char alpn[] = "\x02h2\x08http/1.1";
    if (!client_configure(sc) || SSL_CTX_set_alpn_protos(sc, alpn, sizeof alpn - 1) != 0) {
        SSL_CTX_free(sc);
        return;
    }
    SSL_CTX_set_options(sc, CLIENT_OPTIONS);
    /* a client context caches no session by itself (SSL_SESS_CACHE_SERVER) and nothing here calls
     * SSL_set_session(): every inspection stays a full handshake, as with a context per site */
    client_ctx_shared = sc;
}

static SSL_CTX *client_ctx(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, client_ctx_build);
    return client_ctx_shared;
}

bool cwt__tls_client_setup(void *ssl_ctx)
{
    SSL_CTX *sc = ssl_ctx, *live = client_ctx();
    if (!sc || !live || !client_configure(sc))
        return false;
    /* the live client's options exactly (they shape the ClientHello: tickets, padding, EMS, ...),
     * but the owner's way of reading a peer that closes without close_notify */
    uint64_t keep = SSL_CTX_get_options(sc) & SSL_OP_IGNORE_UNEXPECTED_EOF;
    SSL_CTX_clear_options(sc, ~(uint64_t)0);
    SSL_CTX_set_options(sc, (SSL_CTX_get_options(live) & ~(uint64_t)SSL_OP_IGNORE_UNEXPECTED_EOF) | keep);
    /* libcurl opts in to TLS 1.3 post-handshake authentication (an extension in the ClientHello);
     * the live client does not, and nothing here has a client certificate */
    SSL_CTX_set_post_handshake_auth(sc, 0);
    /* ask for a stapled OCSP response as the live client does per SSL (SSL_new copies it) */
    return SSL_CTX_set_tlsext_status_type(sc, TLSEXT_STATUSTYPE_ocsp) == 1;
}

static void ssl_error_text(char *out, size_t n, int sslerr)
{
    unsigned long e = ERR_peek_last_error();
    if (e) {
        ERR_error_string_n(e, out, n);
    } else if (sslerr == SSL_ERROR_SYSCALL || sslerr == SSL_ERROR_ZERO_RETURN) {
        snprintf(out, n, "connection closed by the server during the handshake");
    } else {
        snprintf(out, n, "ssl error %d", sslerr);
    }
}

/* Runs the handshake under the deadline: 1 done, 0 failed (why filled). */
static int handshake(SSL *ssl, int fd, int64_t deadline, char *why, size_t n)
{
    for (;;) {
        ERR_clear_error();
        int ret = SSL_connect(ssl);
        if (ret == 1)
            return 1;
        int e = SSL_get_error(ssl, ret);
        if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
            ssl_error_text(why, n, e);
            return 0;
        }
        int w = wait_fd(fd, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline);
        if (w == 0) {
            snprintf(why, n, "handshake timed out");
            return 0;
        }
        if (w < 0) {
            snprintf(why, n, "poll: %s", strerror(errno));
            return 0;
        }
    }
}

enum cwt_status cwt__tls_live(const struct cwt_ctx *ctx, const struct cwt__tls_opts *opts, X509_STORE *store,
                              struct cwt__tls_report *r)
{
    enum cwt_status rc = CWT_OK;
    SSL_CTX *sc = NULL;
    SSL *ssl = NULL;
    struct cwt__tls_seen *seen = NULL;
    const struct cwt_limits *lim = ctx ? cwt_ctx_limits(ctx) : NULL;
    long total = opts && opts->timeout_ms > 0 ? opts->timeout_ms : lim && lim->timeout_ms ? lim->timeout_ms : 15000;
    long conn = lim && lim->connect_timeout_ms ? CWT_MIN(lim->connect_timeout_ms, total) : total;
    int64_t start = mono_ms();
    char why[256];

    /* OpenSSL writes with write(2): a peer that hangs up must not kill the process with SIGPIPE. */
    sigset_t pipe_set, old_set;
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_set, &old_set);

    int fd = open_conn(opts, r, start + conn, &rc);
    if (fd < 0) {
        if (rc == CWT_OK)
            rc = cwt__tls_problem_add(r, CWT__TLS_P_NO_CONNECT, CWT__TLS_FAIL, -1, "%s", r->error);
        goto out;
    }
    if (!(sc = client_ctx()) || !(ssl = SSL_new(sc)) || SSL_set_fd(ssl, fd) != 1) {
        rc = CWT_ENOMEM;
        goto out;
    }
    unsigned char tmp[16];
    if (inet_pton(AF_INET, r->host, tmp) != 1 && inet_pton(AF_INET6, r->host, tmp) != 1)
        SSL_set_tlsext_host_name(ssl, r->host);
    SSL_set_tlsext_status_type(ssl, TLSEXT_STATUSTYPE_ocsp);
    int hs = handshake(ssl, fd, start + total, why, sizeof why);
    r->handshake_ms = (double)(mono_ms() - start);
    if (!hs) {
        if (!(r->error = cwt__tls_strdupf("tls handshake with '%s' failed: %s", r->host, why))) {
            rc = CWT_ENOMEM;
            goto out;
        }
        rc = cwt__tls_problem_add(r, CWT__TLS_P_HANDSHAKE, CWT__TLS_FAIL, -1, "%s", r->error);
        goto out;
    }
    if (!(seen = cwt__tls_seen_of(ssl, NULL, r->handshake_ms))) {
        rc = CWT_ENOMEM;
        goto out;
    }
    rc = cwt__tls_judge_handshake(r, store, seen);
out:
    cwt__tls_seen_free(seen);
    SSL_free(ssl);
    if (fd >= 0)
        close(fd);
    /* Swallow a SIGPIPE raised while it was blocked, then restore the mask. */
    sigset_t pending;
    sigemptyset(&pending);
    if (sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) && !sigismember(&old_set, SIGPIPE)) {
        struct timespec zero = {0, 0};
        sigtimedwait(&pipe_set, NULL, &zero);
    }
    pthread_sigmask(SIG_SETMASK, &old_set, NULL);
    ERR_clear_error();
    return rc;
}
