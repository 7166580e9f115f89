/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The JSON scanner of one platform event line (event_scan.c), private to
 * src/lib/ops: the members that are event fields land in fixed slots, the
 * names of the others in a list, strings decoded into a caller's arena.
 */
#ifndef CWT_OPS_EVENT_SCAN_H
#define CWT_OPS_EVENT_SCAN_H

#include "ops/ops.h"

enum cwt__ev_field {
    CWT__EVF_TYPE,
    CWT__EVF_EVENT_ID,
    CWT__EVF_ORDER_ID,
    CWT__EVF_REQUEST_ID,
    CWT__EVF_SITE,
    CWT__EVF_PLACED_AT,
    CWT__EVF_PROMISED_SHIP_BY,
    CWT__EVF_SHIPPED_AT,
    CWT__EVF_DELIVERED_AT,
    CWT__EVF_STATUS,
    CWT__EVF_REQUESTED_AT,
    CWT__EVF_FIRST_RESPONSE_AT,
    CWT__EVF_RESOLVED_AT,
    CWT__EVF_OUTCOME,
    CWT__EVF_N
};
extern const char *const cwt__ev_field_names[CWT__EVF_N];

enum cwt__ev_jtype { CWT__EVJ_ABSENT = 0, CWT__EVJ_STRING, CWT__EVJ_NULL, CWT__EVJ_OTHER };

struct cwt__ev_member {
    enum cwt__ev_jtype type;
    const char *s; /* CWT__EVJ_STRING: decoded, NUL-terminated (no NUL inside) */
    size_t len;
    size_t pos;    /* index of the member in the object */
};

struct cwt__ev_scan {
    const char *base, *p, *end;
    char *arena;
    bool object;        /* the line is an object (not an array) */
    const char *why;    /* the syntax error, NULL when the line is well-formed */
    size_t at;          /* its byte offset */
    size_t nmembers;
    struct cwt__ev_member f[CWT__EVF_N];
    size_t nothers;
    /* last: not cleared by cwt__ev_scan() */
    const char *others[CWT__EVENT_LINE_MAX / 4]; /* names of the members that are not event fields */
    size_t other_pos[CWT__EVENT_LINE_MAX / 4];
};

/*
 * Reads @p line (at most CWT__EVENT_LINE_MAX bytes) into @p s, decoding the
 * strings it keeps into @p arena (at least @p len + 1 bytes). False on a
 * syntax error, with s->why and s->at; true for a well-formed object or array.
 */
bool cwt__ev_scan(struct cwt__ev_scan *s, const char *line, size_t len, char *arena);

#endif
