/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the parsing and validation of one platform event
 * (an NDJSON line): an order event or a refund/return event. The line is read
 * by the event scanner (event_scan.c: strict JSON, no allocation); every
 * refusal names the field and the reason, so that a batch reply can list
 * each refused line with why; unknown fields are refused too (a typo must not
 * silently drop a measurement).
 */
#include <stdio.h>
#include <strings.h>

#include "ops/event_scan.h"
#include "util/idn.h"
#include "util/timeutil.h"

#define F(name) CWT__EVF_##name
#define BIT(name) (1u << CWT__EVF_##name)

static enum cwt_status get_id(const struct cwt__ev_scan *s, enum cwt__ev_field f, char *dst, struct cwt_err *err)
{
    const struct cwt__ev_member *v = &s->f[f];
    const char *key = cwt__ev_field_names[f];
    if (v->type == CWT__EVJ_ABSENT)
        return cwt_err_setf(err, CWT_EINVAL, key, "missing field '%s'", key);
    if (v->type != CWT__EVJ_STRING)
        return cwt_err_setf(err, CWT_EINVAL, key, "field '%s' must be a string", key);
    if (v->len == 0 || v->len >= CWT__EVENT_ID_MAX)
        return cwt_err_setf(err, CWT_EINVAL, key, "field '%s' must be 1 to %d bytes", key, CWT__EVENT_ID_MAX - 1);
    for (size_t i = 0; i < v->len; i++)
        if ((unsigned char)v->s[i] < 0x20)
            return cwt_err_setf(err, CWT_EINVAL, key, "field '%s' holds a control character at byte %zu", key, i);
    memcpy(dst, v->s, v->len + 1);
    return CWT_OK;
}

static enum cwt_status get_time(const struct cwt__ev_scan *s, enum cwt__ev_field f, bool required, int64_t *dst,
                                struct cwt_err *err)
{
    const struct cwt__ev_member *v = &s->f[f];
    const char *key = cwt__ev_field_names[f];
    *dst = 0;
    if (v->type == CWT__EVJ_ABSENT || v->type == CWT__EVJ_NULL) {
        if (required)
            return cwt_err_setf(err, CWT_EINVAL, key, "missing field '%s'", key);
        return CWT_OK;
    }
    if (v->type != CWT__EVJ_STRING || cwt_time_parse_iso(v->s, dst) != CWT_OK)
        return cwt_err_setf(err, CWT_EINVAL, key, "field '%s' must be an ISO 8601 time such as 2026-07-31T12:00:00Z",
                            key);
    if (*dst <= 0)
        return cwt_err_setf(err, CWT_EINVAL, key, "field '%s' is before 1970", key);
    return CWT_OK;
}

static enum cwt_status get_enum(const struct cwt__ev_scan *s, enum cwt__ev_field f, const char *const *allowed,
                                char *dst, size_t n, struct cwt_err *err)
{
    const struct cwt__ev_member *v = &s->f[f];
    const char *key = cwt__ev_field_names[f];
    if (v->type == CWT__EVJ_ABSENT)
        return cwt_err_setf(err, CWT_EINVAL, key, "missing field '%s'", key);
    for (size_t i = 0; v->type == CWT__EVJ_STRING && allowed[i]; i++)
        if (strcmp(v->s, allowed[i]) == 0) {
            snprintf(dst, n, "%s", v->s);
            return CWT_OK;
        }
    return cwt_err_setf(err, CWT_EINVAL, key, "field '%s' must be one of the documented values", key);
}

enum cwt_status cwt__ops_site_key(const char *domain, char out[CWT__EVENT_ID_MAX], struct cwt_err *err)
{
    static const char *const key = "site";
    bool ascii = true;
    for (const char *p = domain; *p && ascii; p++)
        ascii = (unsigned char)*p < 0x80;
    char *a = NULL;
    if (!ascii && cwt__idn_to_ascii(domain, &a, NULL) != CWT_OK)
        return cwt_err_setf(err, CWT_EINVAL, key, "field 'site' must be the site's domain name, such as shop.example.com");
    const char *src = a ? a : domain;
    size_t n = strlen(src);
    if (n && src[n - 1] == '.')
        n--;
    if (n >= 4 && strncasecmp(src, "www.", 4) == 0 && memchr(src + 4, '.', n - 4)) {
        src += 4; /* www.example.com and example.com are one storefront */
        n -= 4;
    }
    size_t labels = 0, len = 0;
    bool ok = n > 0 && n < CWT__EVENT_ID_MAX;
    for (size_t i = 0; ok && i <= n; i++) {
        char c = i < n ? src[i] : '.';
        if (c == '.') {
            ok = len > 0 && len <= 63 && out[i - 1] != '-' && out[i - len] != '-';
            labels++;
            len = 0;
            if (i < n)
                out[i] = '.';
            continue;
        }
        if (c >= 'A' && c <= 'Z')
            c = (char)(c + 32);
        ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
        out[i] = c;
        len++;
    }
    cwt_free(a);
    if (!ok || labels < 2)
        return cwt_err_setf(err, CWT_EINVAL, key, "field 'site' must be the site's domain name, such as shop.example.com");
    out[n] = '\0';
    return CWT_OK;
}

static const unsigned order_fields = BIT(TYPE) | BIT(EVENT_ID) | BIT(ORDER_ID) | BIT(SITE) | BIT(PLACED_AT) |
                                     BIT(PROMISED_SHIP_BY) | BIT(SHIPPED_AT) | BIT(DELIVERED_AT) | BIT(STATUS);
static const unsigned refund_fields = BIT(TYPE) | BIT(EVENT_ID) | BIT(REQUEST_ID) | BIT(SITE) | BIT(REQUESTED_AT) |
                                      BIT(FIRST_RESPONSE_AT) | BIT(RESOLVED_AT) | BIT(OUTCOME);
static const char *const order_status[] = {"placed", "shipped", "delivered", "cancelled", "returned", NULL};
static const char *const refund_outcome[] = {"pending", "refunded", "replaced", "rejected", "withdrawn", NULL};

/* Refuses the first member (in the line's order) that is not a field of this kind of event. */
static enum cwt_status unknown_fields(const struct cwt__ev_scan *s, unsigned known, struct cwt_err *err)
{
    const char *key = s->nothers ? s->others[0] : NULL;
    size_t pos = s->nothers ? s->other_pos[0] : SIZE_MAX;
    for (int i = 0; i < CWT__EVF_N; i++)
        if (s->f[i].type != CWT__EVJ_ABSENT && !(known & (1u << i)) && s->f[i].pos < pos) {
            pos = s->f[i].pos;
            key = cwt__ev_field_names[i];
        }
    if (key && !*key)
        return cwt_err_setf(err, CWT_EINVAL, "line", "a member of the event has an empty name");
    return key ? cwt_err_setf(err, CWT_EINVAL, key, "unknown field '%.64s'", key) : CWT_OK;
}

static enum cwt_status parse_order(const struct cwt__ev_scan *s, struct cwt__event *e, struct cwt_err *err)
{
    enum cwt_status rc;
    if ((rc = unknown_fields(s, order_fields, err)) || (rc = get_id(s, F(ORDER_ID), e->subject_id, err)) ||
        (rc = get_time(s, F(PLACED_AT), true, &e->placed_at, err)) ||
        (rc = get_time(s, F(PROMISED_SHIP_BY), true, &e->promised_ship_by, err)) ||
        (rc = get_time(s, F(SHIPPED_AT), false, &e->shipped_at, err)) ||
        (rc = get_time(s, F(DELIVERED_AT), false, &e->delivered_at, err)) ||
        (rc = get_enum(s, F(STATUS), order_status, e->status, sizeof e->status, err)))
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

static enum cwt_status parse_refund(const struct cwt__ev_scan *s, struct cwt__event *e, struct cwt_err *err)
{
    enum cwt_status rc;
    if ((rc = unknown_fields(s, refund_fields, err)) || (rc = get_id(s, F(REQUEST_ID), e->subject_id, err)) ||
        (rc = get_time(s, F(REQUESTED_AT), true, &e->requested_at, err)) ||
        (rc = get_time(s, F(FIRST_RESPONSE_AT), false, &e->first_response_at, err)) ||
        (rc = get_time(s, F(RESOLVED_AT), false, &e->resolved_at, err)) ||
        (rc = get_enum(s, F(OUTCOME), refund_outcome, e->outcome, sizeof e->outcome, err)))
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
    struct cwt__ev_scan s;
    char arena[CWT__EVENT_LINE_MAX + 1];
    if (!cwt__ev_scan(&s, line, len, arena))
        return cwt_err_setf(err, CWT_EPARSE, "line", "invalid JSON at byte %zu: %s", s.at, s.why);
    if (!s.object)
        return cwt_err_setf(err, CWT_EINVAL, "line", "an event must be a JSON object");
    const struct cwt__ev_member *type = &s.f[F(TYPE)];
    if (type->type != CWT__EVJ_STRING)
        return cwt_err_setf(err, CWT_EINVAL, "type", "missing field 'type' (order or refund)");
    enum cwt_status rc;
    char site[CWT__EVENT_ID_MAX];
    if ((rc = get_id(&s, F(EVENT_ID), out->event_id, err)) || (rc = get_id(&s, F(SITE), site, err)) ||
        (rc = cwt__ops_site_key(site, out->site, err)))
        return rc;
    if (strcmp(type->s, "order") == 0) {
        out->kind = CWT__EV_ORDER;
        return parse_order(&s, out, err);
    }
    if (strcmp(type->s, "refund") == 0 || strcmp(type->s, "return") == 0) {
        out->kind = CWT__EV_REFUND;
        return parse_refund(&s, out, err);
    }
    return cwt_err_setf(err, CWT_EINVAL, "type", "field 'type' must be 'order' or 'refund'");
}
