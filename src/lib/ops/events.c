/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the parsing and validation of one platform event
 * (an NDJSON line): an order event or a refund/return event. Every refusal
 * names the field and the reason, so that a batch reply can list each
 * refused line with why; unknown fields are refused too (a typo must not
 * silently drop a measurement).
 */
#include <jansson.h>
#include <stdio.h>

#include "ops/ops.h"
#include "util/timeutil.h"

static enum cwt_status get_id(json_t *o, const char *key, char *dst, struct cwt_err *err)
{
    json_t *v = json_object_get(o, key);
    if (!v)
        return cwt_err_setf(err, CWT_EINVAL, key, "missing field '%s'", key);
    if (!json_is_string(v))
        return cwt_err_setf(err, CWT_EINVAL, key, "field '%s' must be a string", key);
    size_t len = json_string_length(v);
    if (len == 0 || len >= CWT__EVENT_ID_MAX)
        return cwt_err_setf(err, CWT_EINVAL, key, "field '%s' must be 1 to %d bytes", key, CWT__EVENT_ID_MAX - 1);
    const char *s = json_string_value(v);
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] < 0x20)
            return cwt_err_setf(err, CWT_EINVAL, key, "field '%s' holds a control character at byte %zu", key, i);
    memcpy(dst, s, len + 1);
    return CWT_OK;
}

static enum cwt_status get_time(json_t *o, const char *key, bool required, int64_t *dst, struct cwt_err *err)
{
    json_t *v = json_object_get(o, key);
    *dst = 0;
    if (!v || json_is_null(v)) {
        if (required)
            return cwt_err_setf(err, CWT_EINVAL, key, "missing field '%s'", key);
        return CWT_OK;
    }
    if (!json_is_string(v) || cwt_time_parse_iso(json_string_value(v), dst) != CWT_OK)
        return cwt_err_setf(err, CWT_EINVAL, key, "field '%s' must be an ISO 8601 time such as 2026-07-31T12:00:00Z",
                            key);
    if (*dst <= 0)
        return cwt_err_setf(err, CWT_EINVAL, key, "field '%s' is before 1970", key);
    return CWT_OK;
}

static enum cwt_status get_enum(json_t *o, const char *key, const char *const *allowed, char *dst, size_t n,
                                struct cwt_err *err)
{
    json_t *v = json_object_get(o, key);
    if (!v)
        return cwt_err_setf(err, CWT_EINVAL, key, "missing field '%s'", key);
    const char *s = json_string_value(v);
    for (size_t i = 0; s && allowed[i]; i++)
        if (strcmp(s, allowed[i]) == 0) {
            snprintf(dst, n, "%s", s);
            return CWT_OK;
        }
    return cwt_err_setf(err, CWT_EINVAL, key, "field '%s' must be one of the documented values", key);
}

static const char *const order_fields[] = {"type", "event_id", "order_id", "site", "placed_at", "promised_ship_by",
                                           "shipped_at", "delivered_at", "status", NULL};
static const char *const refund_fields[] = {"type", "event_id", "request_id", "site", "requested_at",
                                            "first_response_at", "resolved_at", "outcome", NULL};
static const char *const order_status[] = {"placed", "shipped", "delivered", "cancelled", "returned", NULL};
static const char *const refund_outcome[] = {"pending", "refunded", "replaced", "rejected", "withdrawn", NULL};

static enum cwt_status unknown_fields(json_t *o, const char *const *known, struct cwt_err *err)
{
    const char *key;
    json_t *v;
    json_object_foreach(o, key, v) {
        bool ok = false;
        for (size_t i = 0; known[i] && !ok; i++)
            ok = strcmp(key, known[i]) == 0;
        if (!ok)
            return cwt_err_setf(err, CWT_EINVAL, key, "unknown field '%.64s'", key);
    }
    return CWT_OK;
}

static enum cwt_status parse_order(json_t *o, struct cwt__event *e, struct cwt_err *err)
{
    enum cwt_status rc;
    if ((rc = unknown_fields(o, order_fields, err)) || (rc = get_id(o, "order_id", e->subject_id, err)) ||
        (rc = get_time(o, "placed_at", true, &e->placed_at, err)) ||
        (rc = get_time(o, "promised_ship_by", true, &e->promised_ship_by, err)) ||
        (rc = get_time(o, "shipped_at", false, &e->shipped_at, err)) ||
        (rc = get_time(o, "delivered_at", false, &e->delivered_at, err)) ||
        (rc = get_enum(o, "status", order_status, e->status, sizeof e->status, err)))
        return rc;
    if (e->promised_ship_by < e->placed_at)
        return cwt_err_setf(err, CWT_EINVAL, "promised_ship_by", "field 'promised_ship_by' is before 'placed_at'");
    if (e->shipped_at && e->shipped_at < e->placed_at)
        return cwt_err_setf(err, CWT_EINVAL, "shipped_at", "field 'shipped_at' is before 'placed_at'");
    if (e->delivered_at && (!e->shipped_at || e->delivered_at < e->shipped_at))
        return cwt_err_setf(err, CWT_EINVAL, "delivered_at", "field 'delivered_at' needs an earlier 'shipped_at'");
    if ((strcmp(e->status, "shipped") == 0 || strcmp(e->status, "delivered") == 0) && !e->shipped_at)
        return cwt_err_setf(err, CWT_EINVAL, "shipped_at", "status '%s' needs 'shipped_at'", e->status);
    return CWT_OK;
}

static enum cwt_status parse_refund(json_t *o, struct cwt__event *e, struct cwt_err *err)
{
    enum cwt_status rc;
    if ((rc = unknown_fields(o, refund_fields, err)) || (rc = get_id(o, "request_id", e->subject_id, err)) ||
        (rc = get_time(o, "requested_at", true, &e->requested_at, err)) ||
        (rc = get_time(o, "first_response_at", false, &e->first_response_at, err)) ||
        (rc = get_time(o, "resolved_at", false, &e->resolved_at, err)) ||
        (rc = get_enum(o, "outcome", refund_outcome, e->outcome, sizeof e->outcome, err)))
        return rc;
    if (e->first_response_at && e->first_response_at < e->requested_at)
        return cwt_err_setf(err, CWT_EINVAL, "first_response_at", "field 'first_response_at' is before 'requested_at'");
    if (e->resolved_at && e->resolved_at < e->requested_at)
        return cwt_err_setf(err, CWT_EINVAL, "resolved_at", "field 'resolved_at' is before 'requested_at'");
    return CWT_OK;
}

enum cwt_status cwt__event_parse(const char *line, size_t len, struct cwt__event *out, struct cwt_err *err)
{
    memset(out, 0, sizeof *out);
    if (len > CWT__EVENT_LINE_MAX)
        return cwt_err_setf(err, CWT_ETOOBIG, "line", "line of %zu bytes exceeds %d", len, CWT__EVENT_LINE_MAX);
    json_error_t je;
    json_t *o = json_loadb(line, len, JSON_REJECT_DUPLICATES, &je);
    if (!o)
        return cwt_err_setf(err, CWT_EPARSE, "line", "invalid JSON at byte %d: %s", je.position, je.text);
    enum cwt_status rc;
    if (!json_is_object(o)) {
        rc = cwt_err_setf(err, CWT_EINVAL, "line", "an event must be a JSON object");
        goto out;
    }
    const char *type = json_string_value(json_object_get(o, "type"));
    if (!type) {
        rc = cwt_err_setf(err, CWT_EINVAL, "type", "missing field 'type' (order or refund)");
        goto out;
    }
    if ((rc = get_id(o, "event_id", out->event_id, err)) || (rc = get_id(o, "site", out->site, err)))
        goto out;
    if (strcmp(type, "order") == 0) {
        out->kind = CWT__EV_ORDER;
        rc = parse_order(o, out, err);
    } else if (strcmp(type, "refund") == 0 || strcmp(type, "return") == 0) {
        out->kind = CWT__EV_REFUND;
        rc = parse_refund(o, out, err);
    } else {
        rc = cwt_err_setf(err, CWT_EINVAL, "type", "field 'type' must be 'order' or 'refund'");
    }
out:
    json_decref(o);
    return rc;
}
