/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the libmicrohttpd glue of `cwtap serve`: the daemon
 * (thread pool, connection timeout, header memory cap), reading request
 * bodies under a byte cap, per-address and per-caller rate limits (429 with
 * Retry-After), dispatch through the route table, ETags and 304s on reads,
 * static files under --static-dir, JSON access logs on stderr, metrics, and
 * the graceful stop (MHD_quiesce_daemon, then waiting for in-flight requests).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>
#include <libpsl.h>
#include <sodium.h>

#include "server/badge.h"
#include "server/server.h"
#include "server/site.h"
#include "server/snapshot.h"
#include "server/program.h"
#include "util/buf.h"

struct srv {
    struct srv_config cfg;
    struct cwt__store *store;
    struct cwt_ctx *ctx;
    struct MHD_Daemon *d;
    int port;
    char public_base[256];
    struct srv_ratelimit *rl;
    struct srv_metrics *metrics;
    struct srv_snapshot_holder *snaps;
    struct srv_snapshot_holder *prog_snaps; /* the program's data (program_snapshot.c) */
    psl_ctx_t *psl;
    atomic_int inflight;
    char dummy_hash[160];
};

/* Per-request state kept across the access handler's calls. */
struct rqstate {
    bool begun;       /* on_request has seen the request (the URI callback makes the state first) */
    char bad_field[8]; /* "path" or "query" when the request target holds a control byte */
    char bad[160];    /* ... and what and where, for the 400 */
    struct cwt_buf body;
    bool too_big;
    bool responded;   /* a response was queued before the body was read (413) */
    size_t dropped;   /* body bytes read past the cap */
    struct timespec t0;
    size_t route_idx;
    int status;
    size_t bytes;
    char ip[64];
    char method[12];
    char path[160];
    /* streamed routes (struct srv_stream) */
    const struct srv_route *stream_route;
    void *stream;
    bool stream_stopped;
    struct srv_resp early;          /* refused before the body (auth, rate limit, open) */
    struct srv_caller caller;
};

/* ---- response helpers ---------------------------------------------------- */

void srv_header(struct srv_resp *rs, const char *name, const char *value)
{
    if (rs->nheaders >= SRV_MAX_HEADERS)
        return;
    rs->headers[rs->nheaders][0] = cwt_strdup(name);
    rs->headers[rs->nheaders][1] = cwt_strdup(value);
    rs->nheaders++;
}

void srv_json(struct srv_resp *rs, int status, json_t *body)
{
    json_decref(rs->json);
    rs->status = status;
    rs->json = body;
}

void srv_error(struct srv_resp *rs, int status, const char *code, const char *field, const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    json_t *e = json_pack("{s:{s:s, s:s, s:s?}}", "error", "code", code, "message", msg, "field",
                          field && *field ? field : NULL);
    rs->no_etag = true;
    srv_json(rs, status, e);
}

void srv_error_from(struct srv_resp *rs, const struct cwt_err *err)
{
    static const struct { enum cwt_status st; int http; const char *code; } map[] = {
        {CWT_EINVAL, 400, "invalid"}, {CWT_EPARSE, 400, "invalid"}, {CWT_ETOOBIG, 413, "too_large"},
        {CWT_ENOTFOUND, 404, "not_found"}, {CWT_ECONFLICT, 409, "conflict"}, {CWT_EPERM, 403, "forbidden"},
        {CWT_ELIMIT, 429, "rate_limited"}, {CWT_ELOCKED, 423, "locked"}, {CWT_EREFUSED, 422, "refused"},
        {CWT_EUNSUPPORTED, 422, "unsupported"}, {CWT_ESTORE, 503, "store_unavailable"},
    };
    for (size_t i = 0; i < CWT_ARRAY_LEN(map); i++)
        if (map[i].st == err->status) {
            srv_error(rs, map[i].http, map[i].code, err->field, "%s", err->msg[0] ? err->msg : cwt_strerror(err->status));
            return;
        }
    srv_error(rs, 500, "internal", NULL, "internal error");
}

void srv_resp_release(struct srv_resp *rs)
{
    json_decref(rs->json);
    cwt_free(rs->body);
    for (size_t i = 0; i < rs->nheaders; i++) {
        cwt_free(rs->headers[i][0]);
        cwt_free(rs->headers[i][1]);
    }
    memset(rs, 0, sizeof *rs);
}

/* ---- request accessors ----------------------------------------------------- */

static const char *hdr(const struct srv_req *rq, const char *name)
{
    return MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, name);
}

static const char *qry(const struct srv_req *rq, const char *name)
{
    return MHD_lookup_connection_value(rq->conn, MHD_GET_ARGUMENT_KIND, name);
}

static const char *hdr_of(struct MHD_Connection *conn, const char *name)
{
    return MHD_lookup_connection_value(conn, MHD_HEADER_KIND, name);
}

static const char *cky(const struct srv_req *rq, const char *name)
{
    return MHD_lookup_connection_value(rq->conn, MHD_COOKIE_KIND, name);
}

/* ---- static files ------------------------------------------------------------ */

static const char *mime_of(const char *path)
{
    static const struct { const char *ext, *type; } t[] = {
        {".js", "text/javascript; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
        {".html", "text/html; charset=utf-8"}, {".json", "application/json"}, {".svg", "image/svg+xml"},
        {".png", "image/png"}, {".txt", "text/plain; charset=utf-8"}, {".yaml", "application/yaml"},
    };
    const char *dot = strrchr(path, '.');
    for (size_t i = 0; dot && i < CWT_ARRAY_LEN(t); i++)
        if (strcmp(dot, t[i].ext) == 0)
            return t[i].type;
    return "application/octet-stream";
}

/* Serves @p path from the static directory; false when there is no such file. */
static bool serve_static(struct srv *s, const char *path, struct srv_resp *rs)
{
    if (!s->cfg.static_dir || strstr(path, "..") || strstr(path, "//") || strlen(path) > 200)
        return false;
    for (const char *p = path; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              strchr("/._-", *p)))
            return false;
    char full[512];
    snprintf(full, sizeof full, "%s%s%s", s->cfg.static_dir, path,
             path[strlen(path) - 1] == '/' ? "index.html" : "");
    struct stat sb;
    if (stat(full, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size > (16 << 20))
        return false;
    FILE *f = fopen(full, "rb");
    if (!f)
        return false;
    char *buf = cwt_malloc((size_t)sb.st_size + 1);
    size_t n = buf ? fread(buf, 1, (size_t)sb.st_size, f) : 0;
    fclose(f);
    if (!buf || n != (size_t)sb.st_size) {
        cwt_free(buf);
        return false;
    }
    rs->status = 200;
    rs->body = buf;
    rs->body_len = n;
    rs->content_type = mime_of(full);
    /* Pages (the dashboard) run only the scripts and styles of this origin: no inline code, no
     * framing, forms post here only. Static files are revalidated (ETag) so an upgrade shows at once. */
    if (strncmp(rs->content_type, "text/html", 9) == 0) {
        srv_header(rs, "Content-Security-Policy", SRV_PAGE_CSP);
        srv_header(rs, "X-Frame-Options", "DENY");
        srv_header(rs, "Referrer-Policy", "same-origin");
    }
    srv_header(rs, "Cache-Control", "no-cache");
    return true;
}

/* ---- dispatch ------------------------------------------------------------------ */

/* Rate limits, routing and authentication: the route to run, or NULL with @p rs filled. */
static const struct srv_route *gate(struct srv *s, struct srv_req *rq, struct srv_resp *rs, struct rqstate *st)
{
    int retry = 0;
    char key[128];
    st->route_idx = SIZE_MAX;
    bool badge = srv_badge_path(rq->path); /* its own, larger bucket (or none) */
    snprintf(key, sizeof key, "%s:%s", badge ? "badge" : "ip", rq->client_ip);
    bool allowed = badge ? s->cfg.badge_unlimited || srv_ratelimit_take(s->rl, key, s->cfg.rate_badge,
                                                                        s->cfg.burst_badge,
                                                                        cwt_ctx_now_us(s->ctx), &retry)
                         : srv_ratelimit_take(s->rl, key, s->cfg.rate_ip, s->cfg.burst_ip, cwt_ctx_now_us(s->ctx),
                                              &retry);
    if (!allowed) {
        char ra[16];
        snprintf(ra, sizeof ra, "%d", retry);
        srv_header(rs, "Retry-After", ra);
        srv_error(rs, 429, "rate_limited", NULL, "too many requests from this address; retry in %d s", retry);
        return NULL;
    }
    bool path_known = false;
    const struct srv_route *r = srv_route_match(rq->method, rq->path, rq, &path_known);
    if (!r) {
        if ((strcmp(rq->method, "GET") == 0 || strcmp(rq->method, "HEAD") == 0) && strncmp(rq->path, "/v1/", 4) &&
            serve_static(s, rq->path, rs))
            return NULL;
        if (path_known)
            srv_error(rs, 405, "method_not_allowed", NULL, "%s is not allowed on '%s'", rq->method, rq->path);
        else
            srv_error(rs, 404, "not_found", NULL, "no such resource '%.200s'", rq->path);
        return NULL;
    }
    st->route_idx = (size_t)(r - srv_routes);
    if (st->too_big) {
        srv_error(rs, 413, "too_large", "", "the request body is larger than %zu bytes", s->cfg.max_body);
        return NULL;
    }
    if (!srv_authenticate(rq, rs, r))
        return NULL;
    if (rq->caller.authed) {
        snprintf(key, sizeof key, "caller:%s",
                 rq->caller.key_id[0] ? rq->caller.key_id : rq->caller.session_hash);
        if (!srv_ratelimit_take(s->rl, key, s->cfg.rate_key, s->cfg.burst_key, cwt_ctx_now_us(s->ctx), &retry)) {
            char ra[16];
            snprintf(ra, sizeof ra, "%d", retry);
            srv_header(rs, "Retry-After", ra);
            srv_error(rs, 429, "rate_limited", NULL, "too many requests for this key; retry in %d s", retry);
            return NULL;
        }
    }
    return r;
}

static void dispatch(struct srv *s, struct srv_req *rq, struct srv_resp *rs, struct rqstate *st)
{
    const struct srv_route *r = gate(s, rq, rs, st);
    if (!r)
        return;
    r->handler(rq, rs);
    if (!rs->status)
        srv_error(rs, 500, "internal", NULL, "the handler gave no response");
}

void srv_etag(const char *body, size_t len, char out[static 40])
{
    unsigned char h[16];
    crypto_generichash(h, sizeof h, (const unsigned char *)body, len, NULL, 0);
    out[0] = '"';
    sodium_bin2hex(out + 1, 33, h, sizeof h);
    out[33] = '"';
    out[34] = '\0';
}

static enum MHD_Result send_resp(struct MHD_Connection *conn, struct srv_req *rq, struct srv_resp *rs,
                            struct rqstate *st)
{
    char *text = NULL;
    size_t len = 0;
    const char *ctype = rs->content_type;
    if (rs->json) {
        text = json_dumps(rs->json, JSON_COMPACT);
        if (!text) {
            rs->status = 500;
            text = cwt_strdup("{\"error\":{\"code\":\"internal\",\"message\":\"out of memory\"}}");
        }
        len = text ? strlen(text) : 0;
        ctype = "application/json";
    } else if (rs->body) {
        text = rs->body;
        len = rs->body_len;
        rs->body = NULL;
    }
    int status = rs->status;
    char etag[40] = "";
    bool is_get = strcmp(rq->method, "GET") == 0 || strcmp(rq->method, "HEAD") == 0;
    if (is_get && status == 200 && !rs->no_etag && text) {
        srv_etag(text, len, etag);
        const char *inm = hdr(rq, "If-None-Match");
        if (inm && strstr(inm, etag)) {
            status = 304;
            len = 0;
        }
    }
    struct MHD_Response *resp = MHD_create_response_from_buffer(status == 304 ? 0 : len, text ? text : (char *)"",
                                                                MHD_RESPMEM_MUST_COPY);
    cwt_free(text); /* jansson allocates through cwt_malloc too (cwt_set_allocator) */
    if (!resp)
        return MHD_NO;
    if (ctype && status != 304)
        MHD_add_response_header(resp, "Content-Type", ctype);
    if (etag[0])
        MHD_add_response_header(resp, "ETag", etag);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    bool cache_set = false; /* a handler's own Cache-Control (the badge's 60 s) wins */
    for (size_t i = 0; i < rs->nheaders; i++)
        cache_set |= rs->headers[i][0] && strcasecmp(rs->headers[i][0], "Cache-Control") == 0;
    if (strncmp(rq->path, "/v1/", 4) == 0 && !cache_set)
        MHD_add_response_header(resp, "Cache-Control", "no-cache");
    for (size_t i = 0; i < rs->nheaders; i++)
        if (rs->headers[i][0] && rs->headers[i][1])
            MHD_add_response_header(resp, rs->headers[i][0], rs->headers[i][1]);
    st->status = status;
    st->bytes = status == 304 ? 0 : len;
    enum MHD_Result ret = MHD_queue_response(conn, (unsigned)status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static void client_ip(struct MHD_Connection *conn, char *out, size_t n)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    snprintf(out, n, "?");
    if (!ci || !ci->client_addr)
        return;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out, (socklen_t)n);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out, (socklen_t)n);
}

/* A streamed route: rate limits and authentication before the body, then open(). */
static void stream_open(struct srv *s, struct MHD_Connection *conn, const char *url, const char *method,
                        struct rqstate *st)
{
    bool known = false;
    const struct srv_route *r = srv_route_match(method, url, NULL, &known);
    if (!r || !r->stream)
        return;
    struct srv_req rq = {
        .srv = s, .method = method, .path = url, .body = "", .content_type = hdr_of(conn, "Content-Type"),
        .client_ip = st->ip, .header = hdr, .query = qry, .cookie = cky, .conn = conn, .now = cwt_ctx_now(s->ctx),
    };
    st->stream_route = r;
    if (gate(s, &rq, &st->early, st))
        st->stream = r->stream->open(&rq, &st->early);
    st->caller = rq.caller;
}

static enum MHD_Result stream_end(struct srv *s, struct MHD_Connection *conn, const char *url, const char *method,
                                  struct rqstate *st)
{
    struct srv_req rq = {
        .srv = s, .method = method, .path = url, .body = "", .content_type = hdr_of(conn, "Content-Type"),
        .client_ip = st->ip, .header = hdr, .query = qry, .cookie = cky, .conn = conn, .now = cwt_ctx_now(s->ctx),
        .caller = st->caller, .stream = st->stream,
    };
    bool known = false;
    srv_route_match(method, url, &rq, &known);
    struct srv_resp rs = {0};
    if (st->stream) {
        st->stream_route->handler(&rq, &rs);
        if (!rs.status)
            srv_error(&rs, 500, "internal", NULL, "the handler gave no response");
    } else {
        rs = st->early;
        memset(&st->early, 0, sizeof st->early);
        if (!rs.status)
            srv_error(&rs, 500, "internal", NULL, "the stream could not be opened");
    }
    enum MHD_Result ret = send_resp(conn, &rq, &rs, st);
    srv_resp_release(&rs);
    return ret;
}

/* Body bytes past the cap still read (and dropped) so that clients sending a whole body see the 413. */
static size_t drain_max(const struct srv *s)
{
    return CWT_MAX(s->cfg.max_body * 16, (size_t)1 << 20);
}

/*
 * Looks for a control byte (0x00-0x1f, 0x7f), raw or percent-encoded, in the request target as the client
 * sent it. libmicrohttpd decodes the target in place, so "%00" would silently cut the path or a query value
 * short; such a request is refused instead, naming the byte and where it is.
 */
static void check_target(const char *uri, struct rqstate *st)
{
    const char *q = strchr(uri, '?');
    for (const char *p = uri; *p; p++) {
        int b = (unsigned char)*p;
        size_t enc = 0;
        if (*p == '%' && cwt_hexval(p[1]) >= 0 && cwt_hexval(p[2]) >= 0) {
            b = cwt_hexval(p[1]) * 16 + cwt_hexval(p[2]);
            enc = 3;
        }
        if (b >= 0x20 && b != 0x7f) {
            p += enc ? enc - 1 : 0;
            continue;
        }
        bool in_query = q && p > q;
        snprintf(st->bad_field, sizeof st->bad_field, "%s", in_query ? "query" : "path");
        snprintf(st->bad, sizeof st->bad, "the %s holds the control byte 0x%02x%s at byte %zu of the request "
                 "target; control bytes are refused, not cut off", st->bad_field, (unsigned)b,
                 enc ? " (percent-encoded)" : "", (size_t)(p - uri));
        return;
    }
}

/* MHD_OPTION_URI_LOG_CALLBACK: the request target before decoding; the request's state starts here. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
    CWT_UNUSED(cls);
    CWT_UNUSED(conn);
    struct rqstate *st = CWT_NEW(struct rqstate);
    if (st && uri)
        check_target(uri, st);
    return st;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
    struct srv *s = cls;
    CWT_UNUSED(version);
    struct rqstate *st = *con_cls;
    bool answer_now = false;
    if (!st || !st->begun) {
        if (!st && !(st = CWT_NEW(struct rqstate)))
            return MHD_NO;
        st->begun = true;
        cwt_buf_init(&st->body, s->cfg.max_body);
        clock_gettime(CLOCK_MONOTONIC, &st->t0);
        st->route_idx = SIZE_MAX;
        client_ip(conn, st->ip, sizeof st->ip);
        snprintf(st->method, sizeof st->method, "%s", method);
        snprintf(st->path, sizeof st->path, "%s", url);
        atomic_fetch_add(&s->inflight, 1);
        *con_cls = st;
        if (st->bad[0]) { /* answered before routing and before the body, which is dropped */
            st->responded = true;
            struct srv_req rq = {.srv = s, .method = method, .path = url, .body = "", .client_ip = st->ip,
                                 .header = hdr, .query = qry, .cookie = cky, .conn = conn};
            struct srv_resp rs = {0};
            srv_error(&rs, 400, "invalid", st->bad_field, "%s", st->bad);
            enum MHD_Result ret = send_resp(conn, &rq, &rs, st);
            srv_resp_release(&rs);
            return ret;
        }
        stream_open(s, conn, url, method, st);
        if (st->stream_route)
            return MHD_YES; /* a streamed route has its own caps (srv_stream.open sees Content-Length) */
        /* A declared length we would not even drain is answered now, before the body (MHD then closes). */
        const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
        if (!cl || strtoull(cl, NULL, 10) <= drain_max(s))
            return MHD_YES;
        st->too_big = st->responded = answer_now = true;
    } else if (st->stream_route) {
        if (*upload_data_size) {
            if (st->stream && !st->stream_stopped &&
                !st->stream_route->stream->feed(st->stream, upload_data, *upload_data_size))
                st->stream_stopped = true; /* keep reading (and dropping) so the reply can be sent */
            *upload_data_size = 0;
            return MHD_YES;
        }
        return stream_end(s, conn, url, method, st);
    } else if (st->responded) {
        *upload_data_size = 0; /* the 413 is queued; the rest of the body is dropped */
        return MHD_YES;
    }
    if (!answer_now && *upload_data_size) {
        /*
         * Past the cap the body is read and dropped so a client that sends it whole still
         * reads the 413; a chunked body that goes on past 16 times the cap closes the connection.
         */
        if (!st->too_big && cwt_buf_add(&st->body, upload_data, *upload_data_size) != CWT_OK)
            st->too_big = true;
        st->dropped += st->too_big ? *upload_data_size : 0;
        *upload_data_size = 0;
        return st->dropped <= drain_max(s) ? MHD_YES : MHD_NO;
    }
    struct srv_req rq = {
        .srv = s, .method = method, .path = url, .body = st->body.data ? st->body.data : "",
        .body_len = st->body.len, .content_type = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Type"),
        .client_ip = st->ip, .header = hdr, .query = qry, .cookie = cky, .conn = conn, .now = cwt_ctx_now(s->ctx),
    };
    struct srv_resp rs = {0};
    dispatch(s, &rq, &rs, st);
    enum MHD_Result ret = send_resp(conn, &rq, &rs, st);
    srv_resp_release(&rs);
    return ret;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct srv *s = cls;
    struct rqstate *st = *con_cls;
    if (!st)
        return;
    if (!st->begun) { /* the connection ended after the request line */
        cwt_free(st);
        *con_cls = NULL;
        return;
    }
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - st->t0.tv_sec) + (double)(t1.tv_nsec - st->t0.tv_nsec) / 1e9;
    int status = st->status ? st->status : 499;
    srv_metrics_observe(s->metrics, st->route_idx, status, secs);
    if (s->cfg.access_log) {
        char ts[21];
        cwt_time_format_iso(cwt_ctx_now(s->ctx), ts);
        json_t *line = json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:f, s:I, s:b}", "ts", ts, "ip", st->ip,
                                 "method", st->method, "path", st->path, "route",
                                 st->route_idx == SIZE_MAX ? "-" : srv_routes[st->route_idx].pattern, "status",
                                 status, "ms", secs * 1e3, "bytes", (json_int_t)st->bytes, "completed",
                                 toe == MHD_REQUEST_TERMINATED_COMPLETED_OK);
        char *text = line ? json_dumps(line, JSON_COMPACT | JSON_REAL_PRECISION(6)) : NULL;
        if (text)
            fprintf(stderr, "%s\n", text);
        cwt_free(text);
        json_decref(line);
    }
    cwt_buf_release(&st->body);
    if (st->stream)
        st->stream_route->stream->free(st->stream);
    srv_resp_release(&st->early);
    cwt_free(st);
    *con_cls = NULL;
    atomic_fetch_sub(&s->inflight, 1);
}

/* ---- lifecycle ------------------------------------------------------------------ */

/* The snapshot's watched version: any change counter bumped by any process moves it. */
static enum cwt_status store_version(void *ud, int64_t *v)
{
    struct srv *s = ud;
    struct cwt_err err;
    return s->store ? cwt__store_counters_sum(s->store, v, &err) : CWT_ENOTFOUND;
}

enum cwt_status srv_new(const struct srv_config *cfg, struct cwt__store *store, struct cwt_ctx *ctx,
                        struct srv **out, struct cwt_err *err)
{
    struct srv *s = CWT_NEW(struct srv);
    if (!s)
        return cwt_err_set(err, CWT_ENOMEM, "out of memory");
    s->cfg = *cfg;
    s->store = store;
    s->ctx = ctx;
    if (!s->cfg.listen_addr)
        s->cfg.listen_addr = "127.0.0.1";
    if (!s->cfg.threads)
        s->cfg.threads = 4;
    if (!s->cfg.max_body)
        s->cfg.max_body = 64 << 10;
    if (!s->cfg.max_header)
        s->cfg.max_header = 16 << 10;
    if (!s->cfg.max_conns)
        s->cfg.max_conns = 1000;
    if (!s->cfg.max_conns_per_ip)
        s->cfg.max_conns_per_ip = 64;
    if (!s->cfg.conn_timeout_s)
        s->cfg.conn_timeout_s = 30;
    if (!s->cfg.session_ttl_s)
        s->cfg.session_ttl_s = 7 * 86400;
    if (s->cfg.rate_ip <= 0)
        s->cfg.rate_ip = 20, s->cfg.burst_ip = CWT_MAX(s->cfg.burst_ip, 40);
    if (s->cfg.burst_ip < 1)
        s->cfg.burst_ip = 1;
    if (s->cfg.rate_key <= 0)
        s->cfg.rate_key = 50, s->cfg.burst_key = CWT_MAX(s->cfg.burst_key, 100);
    if (s->cfg.burst_key < 1)
        s->cfg.burst_key = 1;
    if (s->cfg.rate_login <= 0)
        s->cfg.rate_login = 0.2, s->cfg.burst_login = CWT_MAX(s->cfg.burst_login, 5);
    if (s->cfg.burst_login < 1)
        s->cfg.burst_login = 1;
    if (s->cfg.rate_badge <= 0)
        s->cfg.rate_badge = 1000, s->cfg.burst_badge = CWT_MAX(s->cfg.burst_badge, 2000);
    if (s->cfg.burst_badge < 1)
        s->cfg.burst_badge = 1;
    enum cwt_status rc = CWT_OK;
    if (sodium_init() < 0) {
        rc = cwt_err_set(err, CWT_EINTERNAL, "cannot initialise libsodium");
        goto out;
    }
    s->rl = srv_ratelimit_new(8192);
    size_t nroutes = 0;
    while (srv_routes[nroutes].method)
        nroutes++;
    s->metrics = srv_metrics_new(nroutes);
    s->snaps = srv_snapshot_holder_new();
    s->prog_snaps = srv_snapshot_holder_new();
    if (s->prog_snaps)
        srv_snapshot_set_builder(s->prog_snaps, srv_program_snapshot_build, s); /* the program's hot path */
    s->psl = psl_latest(NULL);
    if (!s->psl)
        s->psl = (psl_ctx_t *)psl_builtin();
    if (!s->rl || !s->metrics || !s->snaps || !s->prog_snaps) {
        rc = cwt_err_set(err, CWT_ENOMEM, "out of memory");
        goto out;
    }
    if (!s->psl) {
        rc = cwt_err_set(err, CWT_EINTERNAL, "no Public Suffix List (install the publicsuffix package)");
        goto out;
    }
    srv_snapshot_watch(s->snaps, store_version, s, 1);
    srv_snapshot_watch(s->prog_snaps, store_version, s, 1);
    srv_snapshot_set_builder(s->snaps, srv_hot_build, s); /* the badge's data (hot.c) */
    char pw[80];
    srv_token_new("", pw, sizeof pw);
    if ((rc = srv_password_hash(s, pw, s->dummy_hash, sizeof s->dummy_hash, err)))
        goto out;
    *out = s;
    return CWT_OK;
out:
    srv_free(s);
    return rc;
}

enum cwt_status srv_start(struct srv *s, struct cwt_err *err)
{
    /* The program's snapshot is built before the first request (it makes the first signing key). */
    srv_snapshot_release(srv_snapshot_acquire(s->prog_snaps, cwt_ctx_now(s->ctx)));
    srv_snapshot_release(srv_snapshot_acquire(s->snaps, cwt_ctx_now(s->ctx))); /* and the badge's */
    struct sockaddr_in a4 = {.sin_family = AF_INET, .sin_port = htons((uint16_t)s->cfg.port)};
    struct sockaddr_in6 a6 = {.sin6_family = AF_INET6, .sin6_port = htons((uint16_t)s->cfg.port)};
    const struct sockaddr *sa = NULL;
    /*
     * poll(), not epoll: libmicrohttpd 0.9.75 (Debian 12) removes the listen socket from each
     * worker's epoll set both in MHD_quiesce_daemon() and in the worker thread that sees the
     * quiesce flag, and panics (abort) when it loses that race ("Failed to remove listen FD from
     * epoll set", seen once in a loaded make check). With poll() quiescing only signals the
     * workers (MHD_USE_ITC).
     */
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL | MHD_USE_ITC;
    if (inet_pton(AF_INET, s->cfg.listen_addr, &a4.sin_addr) == 1) {
        sa = (const struct sockaddr *)&a4;
    } else if (inet_pton(AF_INET6, s->cfg.listen_addr, &a6.sin6_addr) == 1) {
        sa = (const struct sockaddr *)&a6;
        flags |= MHD_USE_IPv6;
    } else {
        return cwt_err_setf(err, CWT_EINVAL, "listen", "'%s' is not an IP address", s->cfg.listen_addr);
    }
    s->d = MHD_start_daemon(flags, (uint16_t)s->cfg.port, NULL, NULL, on_request, s,
                            MHD_OPTION_SOCK_ADDR, sa,
                            MHD_OPTION_THREAD_POOL_SIZE, (unsigned)s->cfg.threads,
                            MHD_OPTION_CONNECTION_TIMEOUT, s->cfg.conn_timeout_s,
                            MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)s->cfg.max_header,
                            MHD_OPTION_CONNECTION_LIMIT, s->cfg.max_conns,
                            MHD_OPTION_PER_IP_CONNECTION_LIMIT, s->cfg.max_conns_per_ip,
                            MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
                            MHD_OPTION_URI_LOG_CALLBACK, on_uri, s,
                            MHD_OPTION_END);
    if (!s->d)
        return cwt_err_setf(err, CWT_ECONNECT, "listen", "cannot listen on %s:%d: %s", s->cfg.listen_addr,
                            s->cfg.port, strerror(errno));
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
    s->port = di ? di->port : s->cfg.port;
    if (s->cfg.public_base)
        snprintf(s->public_base, sizeof s->public_base, "%s", s->cfg.public_base);
    else
        snprintf(s->public_base, sizeof s->public_base, "http://%s:%d", s->cfg.listen_addr, s->port);
    return CWT_OK;
}

int srv_port(const struct srv *s)
{
    return s->port;
}

void srv_stop(struct srv *s, int grace_ms)
{
    if (!s || !s->d)
        return;
    MHD_socket fd = MHD_quiesce_daemon(s->d);
    for (int waited = 0; atomic_load(&s->inflight) > 0 && waited < grace_ms; waited += 10) {
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    MHD_stop_daemon(s->d);
    if (fd != MHD_INVALID_SOCKET)
        close(fd);
    s->d = NULL;
}

void srv_free(struct srv *s)
{
    if (!s)
        return;
    srv_stop(s, 0);
    srv_ratelimit_free(s->rl);
    srv_metrics_free(s->metrics);
    srv_snapshot_holder_free(s->snaps);
    srv_snapshot_holder_free(s->prog_snaps);
    if (s->psl && s->psl != psl_builtin())
        psl_free(s->psl);
    cwt_free(s);
}

struct cwt__store *srv_store(const struct srv *s) { return s->store; }
struct cwt_ctx *srv_ctx(const struct srv *s) { return s->ctx; }
const struct srv_config *srv_cfg(const struct srv *s) { return &s->cfg; }
struct srv_snapshot_holder *srv_snapshots(const struct srv *s) { return s->snaps; }
struct srv_snapshot_holder *srv_program_snapshots(const struct srv *s) { return s->prog_snaps; }
const char *srv_public_base(const struct srv *s) { return s->public_base; }
const void *srv_psl(const struct srv *s) { return s->psl; }
int srv_inflight(const struct srv *s) { return atomic_load(&s->inflight); }
struct srv_metrics *srv_metrics_of(const struct srv *s) { return s->metrics; }
struct srv_ratelimit *srv_ratelimit_of(const struct srv *s) { return s->rl; }
const char *srv_dummy_hash(const struct srv *s) { return s->dummy_hash; }
