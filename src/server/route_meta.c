/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the operational routes: /healthz (the process
 * answers), /readyz (the store answers and its schema is migrated), /metrics
 * (Prometheus text) and /v1/openapi.yaml (the API description, read from
 * docs/openapi.yaml at request time so it is the file the tests check).
 */
#include <stdio.h>

#include "server/server.h"

void srv_route_healthz(struct srv_req *rq, struct srv_resp *rs)
{
    CWT_UNUSED(rq);
    rs->no_etag = true;
    srv_json(rs, 200, json_pack("{s:s, s:s}", "status", "ok", "version", cwt_version()));
}

void srv_route_readyz(struct srv_req *rq, struct srv_resp *rs)
{
    struct cwt_err err;
    int version = 0;
    cwt_err_clear(&err);
    rs->no_etag = true;
    if (cwt__store_ping(srv_store(rq->srv), &err) != CWT_OK ||
        cwt__store_schema_version(srv_store(rq->srv), &version, &err) != CWT_OK) {
        srv_error(rs, 503, "store_unavailable", NULL, "the store does not answer: %s", err.msg);
        return;
    }
    srv_json(rs, 200, json_pack("{s:s, s:i, s:s}", "status", "ready", "schema_version", version, "engine",
                                cwt__store_engine(srv_store(rq->srv)) == CWT__ENGINE_PG ? "postgresql" : "sqlite"));
}

void srv_route_metrics(struct srv_req *rq, struct srv_resp *rs)
{
    char *text = srv_metrics_render(srv_metrics_of(rq->srv), rq->srv);
    if (!text) {
        srv_error(rs, 500, "internal", NULL, "out of memory");
        return;
    }
    rs->status = 200;
    rs->body = text;
    rs->body_len = strlen(text);
    rs->content_type = "text/plain; version=0.0.4; charset=utf-8";
    rs->no_etag = true;
}

void srv_route_openapi(struct srv_req *rq, struct srv_resp *rs)
{
    const char *path = srv_cfg(rq->srv)->openapi_path;
    FILE *f = path ? fopen(path, "rb") : NULL;
    if (!f) {
        srv_error(rs, 404, "not_found", NULL, "the OpenAPI document is not installed");
        return;
    }
    char *buf = cwt_malloc(1 << 20);
    size_t n = buf ? fread(buf, 1, (1 << 20) - 1, f) : 0;
    fclose(f);
    if (!buf) {
        srv_error(rs, 500, "internal", NULL, "out of memory");
        return;
    }
    buf[n] = '\0';
    rs->status = 200;
    rs->body = buf;
    rs->body_len = n;
    rs->content_type = "application/yaml";
}
