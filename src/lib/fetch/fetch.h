/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The fetch layer: the only user of libcurl. Fetches URLs with bounds on
 * everything (bytes, redirects, time), refuses private addresses at connect
 * time (SSRF guard) unless allowed, and converts bodies to UTF-8.
 * (Contract for the other layers; fetch owns the implementation.)
 */
#ifndef CWT_FETCH_H
#define CWT_FETCH_H

#include "util/common.h"

/*
 * Added by fetch: a look at the fetcher's own TLS handshakes, so that the caller (audit.c, which
 * hands them to the tls layer) need not make a second one. fetch names no OpenSSL type: it passes
 * libcurl's SSL_CTX * and SSL * through as void *.
 */
struct cwt__fetch_tls_tap {
    const char *host; /* the handshake wanted: https to this host (as in the URL, any case) ... */
    int port;         /* ... and port */
    /* called with the SSL_CTX * of every new TLS connection of the fetcher before its handshake;
     * false: the context could not be set up (no handshake of this fetcher is then offered) */
    bool (*setup)(void *ssl_ctx);
    /* called while the headers of a response arrive over a connection to host:port, with its SSL *,
     * the address connected to ("ADDR:PORT", "[V6]:PORT") and the ms from the transfer's start to the
     * handshake's end; returns true once it kept one (it is then not called again) */
    bool (*seen)(void *ud, void *ssl, const char *address, double handshake_ms);
    void *ud;
};

struct cwt__fetch_opts {
    const char *ca_file;            /* NULL: system store */
    const char *const *resolve;     /* "HOST:PORT:ADDR" entries as curl's --resolve */
    size_t nresolve;
    bool allow_private;             /* allow loopback/private/link-local targets */
    const char *user_agent;         /* NULL: CWT__USER_AGENT */
    bool verify_tls;                /* false: fetch even when the certificate fails (the tls layer judges it) */
    const char *accept;             /* Accept header; NULL: text/html first */
    const char *accept_language;    /* Accept-Language header (e.g. "th"); NULL: none */
    /* Added by fetch: targets let through although private: "ADDR[/PREFIX][:PORT]" ("[v6]:PORT"). */
    const char *const *allow_cidrs;
    size_t nallow_cidrs;
    /* Added by fetch: the caller's look at the TLS handshakes (NULL: none; must outlive the fetcher). */
    const struct cwt__fetch_tls_tap *tls_tap;
};

#define CWT__USER_AGENT "cwtap/" CWTAP_VERSION_STRING " (+https://cwtap.org/bot)"

struct cwt__header {
    char *name;  /* lowercase */
    char *value;
};

struct cwt__response {
    char *url;            /* as requested */
    char *final_url;      /* after redirects */
    long status;          /* HTTP status, 0 when no response */
    enum cwt_status rc;   /* CWT_OK when a response arrived (any status); else why not */
    char *error;          /* when rc != CWT_OK: "cannot connect to 'x': ..." naming the URL and reason */
    char *content_type;   /* media type, lowercase, without parameters */
    char *charset;        /* charset the body was converted from (NULL if none/unknown) */
    char *body;           /* NUL-terminated, UTF-8 for text types */
    size_t body_len;
    bool truncated;       /* body cut at the byte cap */
    struct cwt__header *headers; /* final response's headers */
    size_t nheaders;
    unsigned redirects;
    char *primary_ip;     /* address actually connected */
    char *http_version;   /* "1.1", "2" */
    double total_ms;
    /* Added by fetch: */
    char *charset_note;   /* a charset lie or guess explained ("declared 'gb2312' but ..."), NULL if none */
    const char *charset_source; /* "bom", "header", "meta", "sniffed", "default"; static; NULL if not converted */
    unsigned charset_replaced;  /* invalid sequences replaced by U+FFFD */
};

/* Value of header @p name (lowercase) in @p r, NULL if absent. */
const char *cwt__response_header(const struct cwt__response *r, const char *name);
void cwt__response_release(struct cwt__response *r);

/* Initialises libcurl's global state; called once from the main thread by cwt_global_init(). */
enum cwt_status cwt__fetch_global_init(void);

/*
 * Fetches @p n URLs concurrently (libcurl multi, connection reuse, HTTP/2),
 * each bounded by the ctx limits. out[i] is always filled (rc says whether a
 * response arrived); the return value is an error only for out-of-memory or
 * invalid options.
 */
enum cwt_status cwt__fetch_many(const struct cwt_ctx *ctx, const struct cwt__fetch_opts *opts,
                                const char *const *urls, size_t n, struct cwt__response *out);

/* One request of a fetcher run; zero fields take the ctx limits. */
struct cwt__fetch_req {
    const char *url;
    size_t max_bytes;   /* decoded body bytes; capped by ctx max_page_bytes */
    long timeout_ms;    /* whole transfer; capped by ctx timeout_ms */
    /* Added by fetch: the body is not wanted (status, headers and final URL are): the transfer stops at
     * the final response's first body bytes, none kept (body "", truncated set when there was one). */
    bool headers_only;
};

/*
 * A fetcher keeps one libcurl multi handle (its connection cache, HTTP/2
 * connections) across runs, so a crawl's successive rounds reuse connections.
 * Not thread-safe: one fetcher per thread.
 */
struct cwt__fetcher;
/* Creates a fetcher; CWT_EINVAL (with @p err) for a malformed allow-list entry. Free with cwt__fetcher_free(). */
enum cwt_status cwt__fetcher_new(const struct cwt_ctx *ctx, const struct cwt__fetch_opts *opts,
                                 struct cwt__fetcher **out, struct cwt_err *err);
/* Runs @p n requests concurrently; out[i] is always filled (release each with cwt__response_release()). */
enum cwt_status cwt__fetcher_run(struct cwt__fetcher *f, const struct cwt__fetch_req *reqs, size_t n,
                                 struct cwt__response *out);
void cwt__fetcher_free(struct cwt__fetcher *f);

/* Fetches one URL; as cwt__fetch_many() with n = 1. */
enum cwt_status cwt__fetch(const struct cwt_ctx *ctx, const struct cwt__fetch_opts *opts, const char *url,
                           struct cwt__response *out);

#endif
