/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements POST /v1/platform/events: a marketplace (an API key
 * with scope "platform"; the platform is the key's enterprise) sends a batch
 * of order and refund events as NDJSON. The body is streamed: each chunk
 * libmicrohttpd delivers goes straight into an ingest session
 * (store/store_events.h) that parses line by line and commits every chunk of
 * lines, so the reply (sent only after the last commit) lists each refused
 * line with its field and reason and each replayed line as a duplicate.
 */
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include "server/server.h"
#include "store/store_events.h"

struct ev_state {
    struct cwt__ingest *in;
    json_t *refused;    /* [{line, field, message}] */
    json_t *duplicates; /* [line] */
    bool failed;
    struct cwt_err err; /* why the session failed (a cap or the store) */
};

static enum cwt_status on_result(void *ud, size_t lineno, enum cwt__line_result res, const struct cwt_err *why)
{
    struct ev_state *es = ud;
    int rc = 0;
    if (res == CWT__LINE_REFUSED)
        rc = json_array_append_new(es->refused, json_pack("{s:I, s:s, s:s}", "line", (json_int_t)lineno, "field",
                                                          why->field, "message", why->msg));
    else if (res == CWT__LINE_DUPLICATE)
        rc = json_array_append_new(es->duplicates, json_integer((json_int_t)lineno));
    return rc == 0 ? CWT_OK : CWT_ENOMEM;
}

static void ev_free(void *state)
{
    struct ev_state *es = state;
    if (!es)
        return;
    cwt__ingest_free(es->in);
    json_decref(es->refused);
    json_decref(es->duplicates);
    cwt_free(es);
}

static bool ndjson_type(const char *ct)
{
    static const char *const ok[] = {"application/x-ndjson", "application/ndjson", "application/jsonl",
                                     "application/x-jsonlines", "text/plain"};
    if (!ct)
        return true;
    for (size_t i = 0; i < CWT_ARRAY_LEN(ok); i++) {
        size_t n = strlen(ok[i]);
        if (strncasecmp(ct, ok[i], n) == 0 && (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' '))
            return true;
    }
    return false;
}

static void *ev_open(struct srv_req *rq, struct srv_resp *rs)
{
    if (!ndjson_type(rq->content_type)) {
        srv_error(rs, 415, "unsupported_media_type", "Content-Type",
                  "send the events as application/x-ndjson, one JSON object per line");
        return NULL;
    }
    const char *cl = rq->header(rq, "Content-Length");
    if (cl && strtoull(cl, NULL, 10) > CWT__INGEST_MAX_BYTES) {
        srv_error(rs, 413, "too_large", "bytes", "a batch holds at most %u bytes; split it", CWT__INGEST_MAX_BYTES);
        return NULL;
    }
    struct ev_state *es = CWT_NEW(struct ev_state);
    struct cwt_err err;
    if (!es || !(es->refused = json_array()) || !(es->duplicates = json_array())) {
        ev_free(es);
        srv_error(rs, 500, "internal", NULL, "out of memory");
        return NULL;
    }
    struct cwt__ingest_opts o = {.platform = rq->caller.enterprise_id, .now = rq->now};
    if (cwt__ingest_new(srv_store(rq->srv), &o, on_result, es, &es->in, &err) != CWT_OK) {
        ev_free(es);
        srv_error_from(rs, &err);
        return NULL;
    }
    return es;
}

static bool ev_feed(void *state, const char *data, size_t len)
{
    struct ev_state *es = state;
    if (cwt__ingest_feed(es->in, data, len, &es->err) != CWT_OK) {
        es->failed = true;
        return false;
    }
    return true;
}

const struct srv_stream srv_events_stream = {ev_open, ev_feed, ev_free};

void srv_route_events_post(struct srv_req *rq, struct srv_resp *rs)
{
    struct ev_state *es = rq->stream;
    if (!es->failed && cwt__ingest_finish(es->in, &es->err) != CWT_OK)
        es->failed = true;
    struct cwt__ingest_counts c;
    cwt__ingest_counts(es->in, &c);
    if (es->failed) {
        if (es->err.status == CWT_ETOOBIG)
            srv_error(rs, 413, "too_large", es->err.field, "%s; at most %u lines and %u bytes per batch (lines "
                      "reported below as accepted or duplicate before the cap are stored)", es->err.msg,
                      CWT__INGEST_MAX_LINES, CWT__INGEST_MAX_BYTES);
        else
            srv_error_from(rs, &es->err);
    } else {
        srv_json(rs, 200, json_object());
    }
    json_t *o = rs->json;
    if (!o)
        return;
    json_object_set_new(o, "platform", json_string(rq->caller.enterprise_id));
    json_object_set_new(o, "lines", json_integer((json_int_t)c.lines));
    json_object_set_new(o, "accepted", json_integer((json_int_t)c.accepted));
    json_object_set_new(o, "duplicates", json_integer((json_int_t)c.duplicates));
    json_object_set_new(o, "refused", json_integer((json_int_t)c.refused));
    json_object_set(o, "refused_lines", es->refused);
    json_object_set(o, "duplicate_lines", es->duplicates);
    rs->no_etag = true;
}
