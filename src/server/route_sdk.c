/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements serving the SDK under its versioned URLs
 * (/sdk/v1/cwtap.js, cwtap.css, and cwtap.js.sri, the published Subresource
 * Integrity hash). The bytes are embedded at build time from web/sdk, so
 * what the server sends is exactly what web/sdk/SRI.txt hashes; versioned
 * URLs never change content, hence the year-long immutable cache. CORS is
 * open ("*") because a page that checks the hash loads the script with
 * crossorigin="anonymous".
 */
#include "server/sdk_files.h"
#include "server/server.h"

static void send_file(struct srv_req *rq, struct srv_resp *rs, const char *name)
{
    const struct srv_sdk_file *f = srv_sdk_files;
    while (f->name && strcmp(f->name, name) != 0)
        f++;
    if (!f->name) {
        srv_error(rs, 404, "not_found", NULL, "no such SDK file '%s'", name);
        return;
    }
    rs->no_etag = true;
    srv_header(rs, "ETag", f->etag);
    srv_header(rs, "Cache-Control", "public, max-age=31536000, immutable");
    srv_header(rs, "Access-Control-Allow-Origin", "*");
    srv_header(rs, "Cross-Origin-Resource-Policy", "cross-origin");
    const char *inm = rq->header(rq, "If-None-Match");
    if (inm && strstr(inm, f->etag)) {
        rs->status = 304;
        return;
    }
    rs->body = cwt_malloc(f->len + 1);
    if (!rs->body) {
        srv_error(rs, 503, "unavailable", NULL, "out of memory");
        return;
    }
    memcpy(rs->body, f->data, f->len);
    rs->body_len = f->len;
    rs->content_type = f->ctype;
    rs->status = 200;
}

void srv_route_sdk_js(struct srv_req *rq, struct srv_resp *rs)
{
    send_file(rq, rs, "cwtap.js");
}

void srv_route_sdk_css(struct srv_req *rq, struct srv_resp *rs)
{
    send_file(rq, rs, "cwtap.css");
}

void srv_route_sdk_sri(struct srv_req *rq, struct srv_resp *rs)
{
    send_file(rq, rs, "cwtap.js.sri");
}
