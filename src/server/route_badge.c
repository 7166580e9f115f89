/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements GET /v1/badge/{site}, the answer the SDK renders,
 * and GET /registry/{site}, the verification page the green badge links to.
 * Both read only the in-memory snapshot (hot.c). The badge is green only
 * when the asking page's registrable domain (Origin, else Referer) is the
 * one the mark was issued to; a copied snippet elsewhere gets
 * verified_for_origin false. The answers were serialised with the snapshot,
 * so a request picks one of two byte strings; it sets no cookie, and is
 * cached for 60 s only so a lapsed mark disappears quickly.
 */
#include <stdio.h>

#include "server/badge.h"
#include "server/snapshot.h"
#include "util/buf.h"

bool srv_badge_path(const char *path)
{
    static const char *const prefixes[] = {"/v1/badge/", "/sdk/", "/registry/"};
    for (size_t i = 0; path && i < CWT_ARRAY_LEN(prefixes); i++)
        if (strncmp(path, prefixes[i], strlen(prefixes[i])) == 0)
            return true;
    return false;
}

/* Whether the page that sent @p rq is on the registrable domain of @p b; @p host receives its host. */
static bool origin_matches(struct srv_req *rq, const struct srv_badge *b, bool *from_origin, char host[static 256])
{
    const char *origin = rq->header(rq, "Origin");
    bool ok = origin ? srv_origin_host(origin, false, host)
                     : srv_origin_host(rq->header(rq, "Referer"), true, host);
    *from_origin = origin && ok;
    if (!ok || !b)
        return false;
    const char *reg = srv_origin_registrable(srv_psl(rq->srv), host);
    return reg && strcmp(reg, b->registrable) == 0;
}

void srv_route_badge(struct srv_req *rq, struct srv_resp *rs)
{
    struct srv_snapshot *snap = srv_hot_acquire(rq->srv, rq->now);
    const struct srv_hot *hot = snap ? snap->data : NULL;
    const struct srv_badge *b = srv_hot_find(hot, rq->params[0]);
    char host[256];
    bool from_origin = false;
    bool own = origin_matches(rq, b, &from_origin, host);
    /* An Origin we could parse is echoed; its bytes are then only [a-z0-9.-:/]. */
    srv_header(rs, "Access-Control-Allow-Origin", from_origin ? rq->header(rq, "Origin") : "*");
    srv_header(rs, "Vary", "Origin, Referer");
    srv_header(rs, "Cache-Control", "public, max-age=60");
    if (!b) {
        srv_error(rs, 404, "not_found", "site", "no site '%s' in the registry", rq->params[0]);
        goto out;
    }
    rs->no_etag = true;
    srv_header(rs, "ETag", b->etag[own]);
    const char *inm = rq->header(rq, "If-None-Match");
    if (inm && strstr(inm, b->etag[own])) {
        rs->status = 304;
        goto out;
    }
    rs->body = cwt_malloc(b->len[own] + 1);
    if (!rs->body) {
        srv_error(rs, 503, "unavailable", NULL, "out of memory");
        goto out;
    }
    memcpy(rs->body, b->body[own], b->len[own] + 1);
    rs->body_len = b->len[own];
    rs->content_type = "application/json";
    rs->status = 200;
out:
    srv_snapshot_release(snap);
}

/* Appends @p s; a failure is remembered in *bad. */
static void put(struct cwt_buf *o, bool *bad, const char *s)
{
    if (cwt_buf_adds(o, s) != CWT_OK)
        *bad = true;
}

/* Appends @p s escaped as HTML text. */
static void html_text(struct cwt_buf *o, bool *bad, const char *s)
{
    for (; *s; s++) {
        char c[2] = {*s, 0};
        put(o, bad, *s == '<' ? "&lt;" : *s == '>' ? "&gt;" : *s == '&' ? "&amp;" : *s == '"' ? "&quot;" : c);
    }
}

void srv_route_registry_page(struct srv_req *rq, struct srv_resp *rs)
{
    struct srv_snapshot *snap = srv_hot_acquire(rq->srv, rq->now);
    const struct srv_badge *b = srv_hot_find(snap ? snap->data : NULL, rq->params[0]);
    struct cwt_buf o;
    bool bad = false;
    cwt_buf_init(&o, 64 << 10);
    bool green = b && strcmp(b->state, "green") == 0;
    put(&o, &bad, "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                     "<meta name=\"viewport\" content=\"width=device-width\"><title>CW-TAP registry: ");
    html_text(&o, &bad, b ? b->domain : "unknown site");
    put(&o, &bad, "</title></head><body><main><h1>CW-TAP trust mark registry</h1>\n");
    if (!b) {
        put(&o, &bad, "<p id=\"state\">No site with this id is registered.</p>\n");
    } else {
        char since[21] = "";
        if (b->since > 0)
            cwt_time_format_iso(b->since, since);
        put(&o, &bad, "<dl><dt>Site</dt><dd id=\"domain\">");
        html_text(&o, &bad, b->domain);
        put(&o, &bad, "</dd><dt>Mark</dt><dd id=\"state\">");
        put(&o, &bad, green ? "Green trust mark held" : "No green trust mark");
        put(&o, &bad, " (");
        html_text(&o, &bad, b->state);
        put(&o, &bad, ")</dd>");
        if (b->grade[0]) {
            put(&o, &bad, "<dt>Grade</dt><dd id=\"grade\">");
            html_text(&o, &bad, b->grade);
            put(&o, &bad, "</dd>");
        }
        if (since[0]) {
            put(&o, &bad, "<dt>Since</dt><dd id=\"since\">");
            put(&o, &bad, since);
            put(&o, &bad, "</dd>");
        }
        put(&o, &bad, "</dl>\n<p>The badge shows green only on ");
        html_text(&o, &bad, b->registrable);
        put(&o, &bad, " and its subdomains.</p>\n");
        if (srv_cfg(rq->srv)->static_dir) { /* the dashboard's full verification page (docs/internals/dashboard.md) */
            put(&o, &bad, "<p><a id=\"full\" href=\"/#/registry/");
            html_text(&o, &bad, b->id);
            put(&o, &bad, "\">Full verification page: module scores and the signed attestation</a></p>\n");
        }
    }
    put(&o, &bad, "</main></body></html>\n");
    srv_snapshot_release(snap);
    size_t len = 0;
    char *html = bad ? NULL : cwt_buf_detach(&o, &len);
    cwt_buf_release(&o);
    if (!html) {
        srv_error(rs, 503, "unavailable", NULL, "out of memory");
        return;
    }
    srv_header(rs, "Cache-Control", "public, max-age=60");
    srv_header(rs, "Content-Security-Policy", "default-src 'none'");
    rs->status = b ? 200 : 404;
    rs->body_len = len;
    rs->body = html;
    rs->content_type = "text/html; charset=utf-8";
}
