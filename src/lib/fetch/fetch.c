/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the fetch layer on libcurl's multi interface: many
 * transfers at once over reused connections (HTTP/2 where offered), each
 * bounded in decoded bytes (a gzip bomb is decoded up to the cap only: decode.c),
 * headers (count and size), redirects and time. The SSRF guard runs in the
 * open-socket callback, i.e. on the address actually about to be connected,
 * for the first hop and every redirect, before any packet is sent. Only http
 * and https are allowed, environment proxies are ignored. Text bodies are
 * converted to UTF-8 (charset.c; one already in UTF-8 is handed over in the
 * buffer it arrived or was gunzipped in, not copied); failures become a
 * status and a message that names the URL and the reason. A caller's TLS tap
 * sees every new connection's SSL_CTX and the handshake of the connection to
 * one host:port (audit.c hands them to the tls layer, which then makes no
 * second handshake). A fetcher that verifies hands every new SSL_CTX the
 * tls layer's copy of the store libcurl would read for each connection.
 */
#include <curl/curl.h>
#include <stdio.h>
#include <strings.h>
#include <sys/socket.h>

#include "fetch/charset.h"
#include "fetch/decode.h"
#include "fetch/fetch.h"
#include "tls/tls.h"
#include "util/netaddr.h"
#include "util/url.h"
#include "util/buf.h"

enum {
    MAX_HEADERS = 100,          /* kept per response */
    MAX_HEADER_VALUE = 8192,    /* bytes kept per header value */
    MAX_HEADER_BYTES = 256 << 10, /* all header lines of all hops; past this the transfer stops */
    MAX_ALLOW = 64,
    MAX_HOST_CONNECTIONS = 6,
    MAX_TOTAL_CONNECTIONS = 32,
};

struct cwt__fetcher {
    const struct cwt_ctx *ctx;
    struct cwt__fetch_opts opts;
    CURLM *multi;
    struct curl_slist *resolve;
    struct curl_slist *req_headers;
    struct cwt__allow allow[MAX_ALLOW];
    size_t nallow;
    bool tap_done; /* the tap kept a handshake, or a context could not be set up: no more offers */
    void *verify_store; /* verify_tls: the process's copy of the store libcurl would load per connection */
};

struct xfer {
    struct cwt__fetcher *f;
    CURL *easy;
    const char *url;
    struct cwt__response *out;
    struct cwt_buf body;  /* the body as received (still encoded when enc says so) */
    size_t cap;
    bool truncated;
    bool headers_only;    /* the request's: stop at the first body bytes */
    bool enc_known;       /* enc read from the final response's headers, at its first body bytes */
    enum cwt__encoding enc;
    bool header_overflow;
    size_t header_bytes;
    struct cwt__header *headers;
    size_t nheaders, headers_cap;
    long timeout_ms;
    char refused[600];
    char errbuf[CURL_ERROR_SIZE];
};

static void headers_clear(struct xfer *x)
{
    for (size_t i = 0; i < x->nheaders; i++) {
        cwt_free(x->headers[i].name);
        cwt_free(x->headers[i].value);
    }
    x->nheaders = 0;
}

/* True when @p url is https to @p host (any case; an IPv6 address without brackets) and @p port. */
static bool url_is_tls_to(const char *url, const char *host, int port)
{
    struct cwt_url u;
    return cwt__url_split(url, &u, NULL) == CWT_OK && strcmp(u.scheme, "https") == 0 && strcasecmp(u.host, host) == 0 &&
           u.port == port;
}

/* Offers the handshake of the connection a response arrives on to the tap, when it is the one wanted. */
static void tap_offer(struct xfer *x)
{
    struct cwt__fetcher *f = x->f;
    const struct cwt__fetch_tls_tap *tap = f->opts.tls_tap;
    struct curl_tlssessioninfo *ti = NULL;
    char *eff = NULL, *ip = NULL;
    long port = 0;
    curl_off_t appconnect = 0;
    if (curl_easy_getinfo(x->easy, CURLINFO_TLS_SSL_PTR, &ti) != CURLE_OK || !ti ||
        ti->backend != CURLSSLBACKEND_OPENSSL || !ti->internals)
        return; /* not over TLS */
    if (curl_easy_getinfo(x->easy, CURLINFO_EFFECTIVE_URL, &eff) != CURLE_OK || !eff ||
        !url_is_tls_to(eff, tap->host, tap->port) || curl_easy_getinfo(x->easy, CURLINFO_PRIMARY_IP, &ip) != CURLE_OK ||
        !ip || !*ip || curl_easy_getinfo(x->easy, CURLINFO_PRIMARY_PORT, &port) != CURLE_OK)
        return;
    curl_easy_getinfo(x->easy, CURLINFO_APPCONNECT_TIME_T, &appconnect);
    char addr[80]; /* as cwt__addr_format() writes it, like the tls layer's own connections */
    snprintf(addr, sizeof addr, strchr(ip, ':') ? "[%s]:%ld" : "%s:%ld", ip, port);
    if (tap->seen(tap->ud, ti->internals, addr, (double)appconnect / 1000.0))
        f->tap_done = true;
}

static CURLcode on_ssl_ctx(CURL *easy, void *ssl_ctx, void *ud)
{
    struct cwt__fetcher *f = ud;
    CWT_UNUSED(easy);
    if (f->verify_store && !cwt__tls_verify_store_use(ssl_ctx, f->verify_store))
        return CURLE_SSL_CACERT_BADFILE;
    if (f->opts.tls_tap && !f->opts.tls_tap->setup(ssl_ctx))
        f->tap_done = true; /* this connection's handshake is not the inspection's: offer none */
    return CURLE_OK;
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *ud)
{
    struct xfer *x = ud;
    size_t n = size * nmemb;
    x->header_bytes += n;
    if (x->header_bytes > MAX_HEADER_BYTES) {
        x->header_overflow = true;
        return 0;
    }
    if (n >= 5 && strncmp(data, "HTTP/", 5) == 0) { /* a new response (redirect hop, 100 continue) */
        headers_clear(x);
        if (x->f->opts.tls_tap && !x->f->tap_done)
            tap_offer(x);
        return n;
    }
    const char *colon = memchr(data, ':', n);
    if (!colon || colon == data || x->nheaders >= MAX_HEADERS)
        return n;
    size_t nl = (size_t)(colon - data);
    const char *v = colon + 1, *end = data + n;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\t'))
        end--;
    if (CWT_GROW(x->headers, x->nheaders, &x->headers_cap, MAX_HEADERS) != CWT_OK)
        return n;
    char *name = cwt_strndup(data, nl);
    char *value = cwt_strndup(v, CWT_MIN((size_t)(end - v), (size_t)MAX_HEADER_VALUE));
    if (!name || !value) {
        cwt_free(name);
        cwt_free(value);
        return n;
    }
    for (char *p = name; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p + 32);
    x->headers[x->nheaders].name = name;
    x->headers[x->nheaders].value = value;
    x->nheaders++;
    return n;
}

/* The value of the first header named @p name (lower case) among @p n, or NULL. */
static const char *header_find(const struct cwt__header *h, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(h[i].name, name) == 0)
            return h[i].value;
    return NULL;
}

/* Receives the body as sent (decoded later: decode.c); stops the transfer at the cap (curl then
 * reports a write error). A coding we did not ask for and cannot read stops it at once; a request for the
 * headers alone stops at the first bytes, keeping none. */
static size_t on_body(char *data, size_t size, size_t nmemb, void *ud)
{
    struct xfer *x = ud;
    size_t n = size * nmemb;
    if (!x->enc_known) {
        x->enc_known = true;
        x->enc = cwt__encoding_of(header_find(x->headers, x->nheaders, "content-encoding"));
        /* a stated length within the cap: one allocation instead of doubling (when it lies, the cap
         * still bounds what is kept, and a failed reservation only leaves the doubling) */
        curl_off_t cl = -1;
        if (!x->headers_only && curl_easy_getinfo(x->easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &cl) == CURLE_OK &&
            cl > 0 && (uint64_t)cl <= x->cap && x->body.len == 0)
            (void)cwt_buf_reserve(&x->body, (size_t)cl);
    }
    if (x->enc == CWT__ENC_UNSUPPORTED)
        return 0;
    if (x->headers_only) { /* the final response's headers are in: stop here, as at a cap of 0 */
        x->truncated = true;
        return 0;
    }
    size_t room = x->cap - x->body.len;
    if (n > room) {
        if (room)
            cwt_buf_add(&x->body, data, room);
        x->truncated = true;
        return 0;
    }
    return cwt_buf_add(&x->body, data, n) == CWT_OK ? n : 0;
}

/* The SSRF guard: runs for every connection attempt, with the address about to be connected. */
static curl_socket_t on_open_socket(void *ud, curlsocktype purpose, struct curl_sockaddr *a)
{
    struct xfer *x = ud;
    CWT_UNUSED(purpose);
    const struct sockaddr *sa = &a->addr;
    if (a->family != AF_INET && a->family != AF_INET6) {
        snprintf(x->refused, sizeof x->refused, "refused to connect for '%s': not an internet address", x->url);
        return CURL_SOCKET_BAD;
    }
    const char *why = cwt__addr_refusal(sa, a->addrlen);
    if (why && !x->f->opts.allow_private && !cwt__allow_match(x->f->allow, x->f->nallow, sa, a->addrlen)) {
        char addr[80];
        char *hop = NULL;
        long nredir = 0;
        cwt__addr_format(sa, a->addrlen, addr, sizeof addr);
        curl_easy_getinfo(x->easy, CURLINFO_EFFECTIVE_URL, &hop);
        curl_easy_getinfo(x->easy, CURLINFO_REDIRECT_COUNT, &nredir);
        if (hop && nredir > 0)
            snprintf(x->refused, sizeof x->refused,
                     "refused to connect to %s for '%.200s' (redirected from '%.200s'): %s (private targets are "
                     "refused; use --allow-private)",
                     addr, hop, x->url, why);
        else
            snprintf(x->refused, sizeof x->refused,
                     "refused to connect to %s for '%.300s': %s (private targets are refused; use --allow-private)",
                     addr, x->url, why);
        return CURL_SOCKET_BAD;
    }
    return socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
}

static enum cwt_status setup_easy(struct xfer *x, const struct cwt__fetch_req *req)
{
    const struct cwt_limits *lim = cwt_ctx_limits(x->f->ctx);
    const struct cwt__fetch_opts *o = &x->f->opts;
    CURL *e = curl_easy_init();
    if (!e)
        return CWT_ENOMEM;
    x->easy = e;
    x->cap = lim->max_page_bytes;
    if (req->max_bytes && req->max_bytes < x->cap)
        x->cap = req->max_bytes;
    x->headers_only = req->headers_only;
    cwt_buf_init(&x->body, x->cap);
    x->timeout_ms = lim->timeout_ms;
    if (req->timeout_ms > 0 && req->timeout_ms < x->timeout_ms)
        x->timeout_ms = req->timeout_ms;
    CURLcode c = CURLE_OK;
#define SET(opt, val)                                                                                                  \
    if (c == CURLE_OK)                                                                                                 \
    c = curl_easy_setopt(e, opt, val)
    SET(CURLOPT_URL, x->url);
    SET(CURLOPT_PRIVATE, x);
    SET(CURLOPT_ERRORBUFFER, x->errbuf);
    SET(CURLOPT_NOSIGNAL, 1L);
    SET(CURLOPT_PROTOCOLS_STR, "http,https");
    SET(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    SET(CURLOPT_PROXY, ""); /* never an environment proxy: the guard judges the real target */
    SET(CURLOPT_FOLLOWLOCATION, 1L);
    SET(CURLOPT_MAXREDIRS, (long)lim->max_redirects);
    SET(CURLOPT_CONNECTTIMEOUT_MS, CWT_MIN(lim->connect_timeout_ms, x->timeout_ms));
    SET(CURLOPT_TIMEOUT_MS, x->timeout_ms);
    SET(CURLOPT_HTTP_CONTENT_DECODING, 0L); /* Accept-Encoding: gzip is in req_headers; decode.c decodes */
    SET(CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
    SET(CURLOPT_USERAGENT, o->user_agent ? o->user_agent : CWT__USER_AGENT);
    SET(CURLOPT_HTTPHEADER, x->f->req_headers);
    SET(CURLOPT_COOKIEFILE, ""); /* in-memory cookies across a redirect chain */
    SET(CURLOPT_WRITEFUNCTION, on_body);
    SET(CURLOPT_WRITEDATA, x);
    SET(CURLOPT_HEADERFUNCTION, on_header);
    SET(CURLOPT_HEADERDATA, x);
    SET(CURLOPT_OPENSOCKETFUNCTION, on_open_socket);
    SET(CURLOPT_OPENSOCKETDATA, x);
    SET(CURLOPT_SSL_VERIFYPEER, o->verify_tls ? 1L : 0L);
    SET(CURLOPT_SSL_VERIFYHOST, o->verify_tls ? 2L : 0L);
    if (x->f->verify_store) {
        /* libcurl loads nothing: on_ssl_ctx hands it the store it would have loaded (fetcher_new) */
        SET(CURLOPT_CAINFO, NULL);
        SET(CURLOPT_CAPATH, NULL);
    } else if (o->verify_tls && o->ca_file) {
        SET(CURLOPT_CAINFO, o->ca_file);
    } else if (!o->verify_tls) {
        /* nothing verified, nothing to load: without this libcurl parses its CA bundle (the system's
         * ~140 certificates) for every site; the tls signal judges the chain with its own store */
        SET(CURLOPT_CAINFO, NULL);
        SET(CURLOPT_CAPATH, NULL);
    }
    if (x->f->resolve)
        SET(CURLOPT_RESOLVE, x->f->resolve);
    if (o->tls_tap || x->f->verify_store) {
        SET(CURLOPT_SSL_CTX_FUNCTION, on_ssl_ctx);
        SET(CURLOPT_SSL_CTX_DATA, x->f);
    }
#undef SET
    return c == CURLE_OK ? CWT_OK : CWT_EINVAL;
}

static char *host_of(const char *url)
{
    CURLU *u = curl_url();
    char *host = NULL, *out = NULL;
    if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK && curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK)
        out = cwt_strdup(host);
    curl_free(host);
    curl_url_cleanup(u);
    return out;
}

static enum cwt_status set_error(struct cwt__response *r, enum cwt_status st, const char *fmt, ...) CWT_PRINTF(3, 4);
static enum cwt_status set_error(struct cwt__response *r, enum cwt_status st, const char *fmt, ...)
{
    struct cwt_buf b;
    cwt_buf_init(&b, 1024);
    va_list ap;
    va_start(ap, fmt);
    cwt_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    cwt_free(r->error);
    r->error = cwt_buf_detach(&b, NULL);
    r->rc = st;
    return st;
}

/* Maps a libcurl result to a status and a message naming the URL and the reason. */
static void map_result(struct xfer *x, CURLcode cc)
{
    struct cwt__response *r = x->out;
    const char *why = x->errbuf[0] ? x->errbuf : curl_easy_strerror(cc);
    const char *u = x->url;
    if (cc == CURLE_OK || (cc == CURLE_WRITE_ERROR && x->truncated)) {
        r->rc = CWT_OK;
        return;
    }
    if (x->header_overflow) {
        set_error(r, CWT_ETOOBIG, "response headers of '%s' exceed %d KiB", u, MAX_HEADER_BYTES >> 10);
        return;
    }
    switch (cc) {
    case CURLE_COULDNT_RESOLVE_HOST: {
        char *h = host_of(u);
        set_error(r, CWT_ERESOLVE, "cannot resolve '%s' for '%s'", h ? h : "?", u);
        cwt_free(h);
        break;
    }
    case CURLE_COULDNT_CONNECT:
        if (x->refused[0])
            set_error(r, CWT_EREFUSED, "%s", x->refused);
        else
            set_error(r, CWT_ECONNECT, "cannot connect to '%s': %s", u, why);
        break;
    case CURLE_OPERATION_TIMEDOUT:
        set_error(r, CWT_ETIMEOUT, "fetching '%s' timed out after %ld ms: %s", u, x->timeout_ms, why);
        break;
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_CRL_BADFILE:
        set_error(r, CWT_ETLS, "tls failure for '%s': %s", u, why);
        break;
    case CURLE_TOO_MANY_REDIRECTS:
        set_error(r, CWT_EHTTP, "more than %u redirects from '%s'", cwt_ctx_limits(x->f->ctx)->max_redirects, u);
        break;
    case CURLE_UNSUPPORTED_PROTOCOL:
        set_error(r, CWT_EUNSUPPORTED, "unsupported scheme for '%s' (only http and https are fetched): %s", u, why);
        break;
    case CURLE_URL_MALFORMAT:
        set_error(r, CWT_EINVAL, "invalid url '%s': %s", u, why);
        break;
    case CURLE_OUT_OF_MEMORY:
        set_error(r, CWT_ENOMEM, "out of memory fetching '%s'", u);
        break;
    default:
        set_error(r, CWT_EHTTP, "transfer of '%s' failed: %s", u, why);
        break;
    }
}

static bool is_xml_type(const char *ct)
{
    size_t n = strlen(ct);
    return strcmp(ct, "text/xml") == 0 || strcmp(ct, "application/xml") == 0 ||
           (n > 4 && strcmp(ct + n - 4, "+xml") == 0 && strcmp(ct, "application/xhtml+xml") != 0);
}

/* Fills content_type and charset, converts text bodies to UTF-8. */
static enum cwt_status finish_body(struct xfer *x)
{
    struct cwt__response *r = x->out;
    char *ct = NULL;
    char hdr_charset[64] = "";
    curl_easy_getinfo(x->easy, CURLINFO_CONTENT_TYPE, &ct);
    if (ct) {
        size_t n = strcspn(ct, ";");
        while (n && (ct[n - 1] == ' ' || ct[n - 1] == '\t'))
            n--;
        r->content_type = cwt_strndup(ct, n);
        if (!r->content_type)
            return CWT_ENOMEM;
        for (char *p = r->content_type; *p; p++)
            if (*p >= 'A' && *p <= 'Z')
                *p = (char)(*p + 32);
        const char *cs = strcasestr(ct, "charset=");
        if (cs) {
            cs += 8;
            size_t m = strcspn(cs, "; \t");
            snprintf(hdr_charset, sizeof hdr_charset, "%.*s", (int)CWT_MIN(m, sizeof hdr_charset - 1), cs);
        }
    }
    size_t len = 0;
    char *raw = cwt_buf_detach(&x->body, &len);
    if (!raw) {
        raw = cwt_strdup("");
        if (!raw)
            return CWT_ENOMEM;
    }
    const char *type = r->content_type ? r->content_type : "";
    bool is_html = strcmp(type, "text/html") == 0 || strcmp(type, "application/xhtml+xml") == 0 ||
                   (!*type && len && memchr(raw, '<', CWT_MIN(len, (size_t)256)));
    bool is_text = is_html || (strncmp(type, "text/", 5) == 0 && !is_xml_type(type));
    if (!is_text || len == 0) {
        r->body = raw;
        r->body_len = len;
        return CWT_OK;
    }
    struct cwt__charset_result cr; /* a UTF-8 body (most are) is handed over as it is, not copied */
    enum cwt_status st = cwt__charset_to_utf8_take(raw, len, hdr_charset[0] ? hdr_charset : NULL, is_html, &cr);
    if (st != CWT_OK)
        return st;
    r->body = cr.out;
    r->body_len = cr.out_len;
    r->charset = cwt_strdup(cr.charset);
    r->charset_source = cr.source;
    r->charset_replaced = cr.replaced;
    if (cr.note[0])
        r->charset_note = cwt_strdup(cr.note);
    return r->charset ? CWT_OK : CWT_ENOMEM;
}

static enum cwt_status finish(struct xfer *x, CURLcode cc)
{
    struct cwt__response *r = x->out;
    CURL *e = x->easy;
    long code = 0, ver = 0, nredir = 0;
    char *eff = NULL, *ip = NULL;
    double t = 0;
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &code);
    curl_easy_getinfo(e, CURLINFO_EFFECTIVE_URL, &eff);
    curl_easy_getinfo(e, CURLINFO_PRIMARY_IP, &ip);
    curl_easy_getinfo(e, CURLINFO_HTTP_VERSION, &ver);
    curl_easy_getinfo(e, CURLINFO_REDIRECT_COUNT, &nredir);
    curl_easy_getinfo(e, CURLINFO_TOTAL_TIME, &t);
    r->status = code;
    r->redirects = (unsigned)nredir;
    r->total_ms = t * 1000.0;
    r->final_url = cwt_strdup(eff ? eff : x->url);
    if (ip && *ip)
        r->primary_ip = cwt_strdup(ip);
    const char *v = ver == CURL_HTTP_VERSION_1_0   ? "1.0"
                    : ver == CURL_HTTP_VERSION_1_1 ? "1.1"
                    : ver == CURL_HTTP_VERSION_2_0 ? "2"
                    : ver == CURL_HTTP_VERSION_3   ? "3"
                                                   : NULL;
    if (v)
        r->http_version = cwt_strdup(v);
    r->headers = x->headers;
    r->nheaders = x->nheaders;
    x->headers = NULL;
    x->nheaders = 0;
    const char *coding = cwt__response_header(r, "content-encoding");
    r->truncated = x->truncated;
    if (x->enc == CWT__ENC_UNSUPPORTED) {
        set_error(r, CWT_EUNSUPPORTED, "'%s' was sent with Content-Encoding: %s, which cwtap did not ask for (it asks for gzip)",
                  x->url, coding);
        cwt_buf_release(&x->body);
        return finish_body(x);
    }
    map_result(x, cc);
    if (r->rc != CWT_OK && code == 0) {
        /* no response: no body worth keeping */
        cwt_buf_release(&x->body);
    }
    if (x->enc != CWT__ENC_IDENTITY && x->body.data) {
        char *dec = NULL, why[160];
        size_t dlen = 0;
        bool cut = false;
        enum cwt_status ds = cwt__decode_body(x->enc, (const unsigned char *)x->body.data, x->body.len, x->truncated,
                                              x->cap, &dec, &dlen, &cut, why, sizeof why);
        if (ds == CWT_ENOMEM)
            return CWT_ENOMEM;
        cwt_buf_release(&x->body);
        x->body.data = dec;
        x->body.len = dlen;
        x->body.cap = dec ? dlen + 1 : 0;
        x->body.max = x->cap;
        r->truncated = x->truncated || cut;
        if (ds != CWT_OK && r->rc == CWT_OK)
            set_error(r, CWT_EHTTP, "content of '%s' could not be decoded (Content-Encoding: %s): %s", x->url, coding,
                      why);
    }
    return finish_body(x);
}

enum cwt_status cwt__fetcher_new(const struct cwt_ctx *ctx, const struct cwt__fetch_opts *opts,
                                 struct cwt__fetcher **out, struct cwt_err *err)
{
    enum cwt_status st = CWT_ENOMEM;
    *out = NULL;
    if (opts->nallow_cidrs > MAX_ALLOW)
        return cwt_err_setf(err, CWT_ETOOBIG, "allow", "more than %d allow-list entries", MAX_ALLOW);
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return cwt_err_set(err, CWT_EINTERNAL, "cannot initialise libcurl");
    struct cwt__fetcher *f = CWT_NEW(struct cwt__fetcher);
    if (!f) {
        curl_global_cleanup();
        return cwt_err_set(err, CWT_ENOMEM, "out of memory");
    }
    f->ctx = ctx;
    f->opts = *opts;
    for (size_t i = 0; i < opts->nallow_cidrs; i++) {
        st = cwt__allow_parse(opts->allow_cidrs[i], &f->allow[f->nallow++], err);
        if (st)
            goto fail;
    }
    st = CWT_ENOMEM;
    for (size_t i = 0; i < opts->nresolve; i++) {
        struct curl_slist *l = curl_slist_append(f->resolve, opts->resolve[i]);
        if (!l)
            goto fail;
        f->resolve = l;
    }
    /* the parsed forms are kept; the caller's arrays need not outlive this call */
    f->opts.resolve = NULL;
    f->opts.nresolve = 0;
    f->opts.allow_cidrs = NULL;
    f->opts.nallow_cidrs = 0;
    char accept[512];
    snprintf(accept, sizeof accept, "Accept: %s",
             opts->accept ? opts->accept : "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5");
    f->req_headers = curl_slist_append(NULL, accept);
    if (f->req_headers) { /* gzip only: the coding decode.c reads fastest, and every server offers it */
        struct curl_slist *l = curl_slist_append(f->req_headers, "Accept-Encoding: gzip");
        if (!l)
            goto fail;
        f->req_headers = l;
    }
    if (f->req_headers && opts->accept_language) {
        char al[96];
        snprintf(al, sizeof al, "Accept-Language: %s", opts->accept_language);
        struct curl_slist *l = curl_slist_append(f->req_headers, al);
        if (!l)
            goto fail;
        f->req_headers = l;
    }
    f->multi = curl_multi_init();
    if (!f->req_headers || !f->multi)
        goto fail;
    if (opts->verify_tls) {
        /* libcurl 7.88 reads its CA file (Debian's bundle: 144 certificates, 28 ms of CPU) into a new
         * store for every connection it verifies; the same store, read once per process, instead.
         * NULL (a file that cannot be read): libcurl loads it and reports it as before. */
        const curl_version_info_data *vi = curl_version_info(CURLVERSION_NOW);
        if (vi->ssl_version && strncmp(vi->ssl_version, "OpenSSL/", 8) == 0) /* an SSL_CTX to hand it to */
            f->verify_store = cwt__tls_verify_store(opts->ca_file ? opts->ca_file : vi->cainfo, vi->capath);
    }
    curl_multi_setopt(f->multi, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX);
    curl_multi_setopt(f->multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)MAX_HOST_CONNECTIONS);
    curl_multi_setopt(f->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)MAX_TOTAL_CONNECTIONS);
    *out = f;
    return CWT_OK;
fail:
    if (st == CWT_ENOMEM)
        cwt_err_set(err, CWT_ENOMEM, "out of memory");
    cwt__fetcher_free(f);
    return st;
}

void cwt__fetcher_free(struct cwt__fetcher *f)
{
    if (!f)
        return;
    if (f->multi)
        curl_multi_cleanup(f->multi);
    curl_slist_free_all(f->resolve);
    curl_slist_free_all(f->req_headers);
    cwt__tls_verify_store_free(f->verify_store);
    cwt_free(f);
    curl_global_cleanup();
}

enum cwt_status cwt__fetcher_run(struct cwt__fetcher *f, const struct cwt__fetch_req *reqs, size_t n,
                                 struct cwt__response *out)
{
    enum cwt_status st = CWT_OK;
    struct xfer *xs = n ? cwt_calloc(n, sizeof *xs) : NULL;
    for (size_t i = 0; i < n; i++) {
        memset(&out[i], 0, sizeof out[i]);
        out[i].url = cwt_strdup(reqs[i].url ? reqs[i].url : "");
        if (!out[i].url)
            st = CWT_ENOMEM;
    }
    if (n && !xs)
        st = CWT_ENOMEM;
    if (st)
        goto out;
    for (size_t i = 0; i < n; i++) {
        struct xfer *x = &xs[i];
        x->f = f;
        x->url = out[i].url;
        x->out = &out[i];
        if (!reqs[i].url || !*reqs[i].url) {
            set_error(&out[i], CWT_EINVAL, "empty url");
            continue;
        }
        st = setup_easy(x, &reqs[i]);
        if (st == CWT_ENOMEM)
            goto out;
        if (st || curl_multi_add_handle(f->multi, x->easy) != CURLM_OK) {
            set_error(&out[i], CWT_EINVAL, "cannot fetch '%s': invalid request", x->url);
            curl_easy_cleanup(x->easy);
            x->easy = NULL;
            st = CWT_OK;
        }
    }
    int running = 1;
    while (running) {
        if (curl_multi_perform(f->multi, &running) != CURLM_OK)
            break;
        int left;
        CURLMsg *m;
        while ((m = curl_multi_info_read(f->multi, &left)) != NULL) {
            if (m->msg != CURLMSG_DONE)
                continue;
            struct xfer *x = NULL;
            curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&x);
            CURLcode cc = m->data.result;
            enum cwt_status fs = finish(x, cc);
            curl_multi_remove_handle(f->multi, x->easy);
            curl_easy_cleanup(x->easy);
            x->easy = NULL;
            if (fs == CWT_ENOMEM)
                st = CWT_ENOMEM;
        }
        if (running && curl_multi_poll(f->multi, NULL, 0, 1000, NULL) != CURLM_OK)
            break;
    }
out:
    for (size_t i = 0; xs && i < n; i++) {
        struct xfer *x = &xs[i];
        if (x->easy) { /* left over after an error in the loop */
            curl_multi_remove_handle(f->multi, x->easy);
            curl_easy_cleanup(x->easy);
            if (out[i].rc == CWT_OK && !out[i].error)
                set_error(&out[i], CWT_EINTERNAL, "transfer of '%s' did not complete", x->url);
        }
        headers_clear(x);
        cwt_free(x->headers);
        cwt_buf_release(&x->body);
    }
    cwt_free(xs);
    return st;
}

enum cwt_status cwt__fetch_many(const struct cwt_ctx *ctx, const struct cwt__fetch_opts *opts,
                                const char *const *urls, size_t n, struct cwt__response *out)
{
    struct cwt__fetcher *f = NULL;
    struct cwt_err err;
    enum cwt_status st = cwt__fetcher_new(ctx, opts, &f, &err);
    if (st) {
        for (size_t i = 0; i < n; i++) {
            memset(&out[i], 0, sizeof out[i]);
            out[i].url = cwt_strdup(urls[i]);
            set_error(&out[i], st, "cannot fetch '%s': %s", urls[i], err.msg);
        }
        return st;
    }
    struct cwt__fetch_req *reqs = n ? cwt_calloc(n, sizeof *reqs) : NULL;
    if (n && !reqs) {
        cwt__fetcher_free(f);
        return CWT_ENOMEM;
    }
    for (size_t i = 0; i < n; i++)
        reqs[i].url = urls[i];
    st = cwt__fetcher_run(f, reqs, n, out);
    cwt_free(reqs);
    cwt__fetcher_free(f);
    return st;
}

enum cwt_status cwt__fetch(const struct cwt_ctx *ctx, const struct cwt__fetch_opts *opts, const char *url,
                           struct cwt__response *out)
{
    return cwt__fetch_many(ctx, opts, &url, 1, out);
}

const char *cwt__response_header(const struct cwt__response *r, const char *name)
{
    return r ? header_find(r->headers, r->nheaders, name) : NULL;
}

void cwt__response_release(struct cwt__response *r)
{
    if (!r)
        return;
    cwt_free(r->url);
    cwt_free(r->final_url);
    cwt_free(r->error);
    cwt_free(r->content_type);
    cwt_free(r->charset);
    cwt_free(r->charset_note);
    cwt_free(r->body);
    for (size_t i = 0; i < r->nheaders; i++) {
        cwt_free(r->headers[i].name);
        cwt_free(r->headers[i].value);
    }
    cwt_free(r->headers);
    cwt_free(r->primary_ip);
    cwt_free(r->http_version);
    memset(r, 0, sizeof *r);
}

enum cwt_status cwt__fetch_global_init(void)
{
    return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? CWT_OK : CWT_EINTERNAL;
}
