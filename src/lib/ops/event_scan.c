/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the JSON scanner of one platform event line: a strict
 * RFC 8259 reader specialised to the flat event object. It reads the whole
 * line (so a syntax error anywhere wins over a field error, as with a general
 * JSON parser), keeps the members that are event fields in fixed slots
 * (string values decoded into one arena the caller provides, no allocation),
 * keeps the names of the other members (for "unknown field" refusals and to
 * refuse duplicate names) and only checks the grammar of nested values, which
 * no event field may hold. tests/fuzz/fuzz_events.c checks it against
 * jansson: what it accepts, jansson reads as the same object.
 */
#include <stdio.h>

#include "ops/event_scan.h"
#include "util/utf8.h"

const char *const cwt__ev_field_names[CWT__EVF_N] = {
    "type",       "event_id",     "order_id",          "request_id",  "site",    "placed_at", "promised_ship_by",
    "shipped_at", "delivered_at", "status",            "requested_at", "first_response_at", "resolved_at",
    "outcome",
};

#define MAX_DEPTH 2048 /* as jansson's JSON_PARSER_MAX_DEPTH */

static bool fail(struct cwt__ev_scan *s, const char *why)
{
    if (!s->why) {
        s->why = why;
        s->at = (size_t)(s->p - s->base);
    }
    return false;
}

static void ws(struct cwt__ev_scan *s)
{
    while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
        s->p++;
}

static int hex4(const char *p)
{
    int v = 0;
    for (int i = 0; i < 4; i++) {
        int d = cwt_hexval(p[i]);
        if (d < 0)
            return -1;
        v = v << 4 | d;
    }
    return v;
}

/* Reads a \uXXXX escape (and its low surrogate) at s->p, just after the backslash-u. */
static bool unicode_escape(struct cwt__ev_scan *s, unsigned *cp)
{
    int hi = s->end - s->p >= 4 ? hex4(s->p) : -1;
    if (hi < 0)
        return fail(s, "invalid \\u escape");
    s->p += 4;
    if (hi >= 0xdc00 && hi <= 0xdfff)
        return fail(s, "invalid Unicode: a lone low surrogate");
    if (hi >= 0xd800 && hi <= 0xdbff) {
        int lo = s->end - s->p >= 6 && s->p[0] == '\\' && s->p[1] == 'u' ? hex4(s->p + 2) : -1;
        if (lo < 0xdc00 || lo > 0xdfff)
            return fail(s, "invalid Unicode: a high surrogate without its low one");
        s->p += 6;
        *cp = 0x10000u + (((unsigned)hi - 0xd800u) << 10) + ((unsigned)lo - 0xdc00u);
        return true;
    }
    if (hi == 0)
        return fail(s, "\\u0000 is not allowed in a string");
    *cp = (unsigned)hi;
    return true;
}

/*
 * Reads the string at s->p (on its opening quote). With @p keep, decodes it
 * NUL-terminated into the arena and sets *out and *len; the decoded text is
 * never longer than the quoted source, so an arena as long as the line holds
 * every string of it.
 */
static bool string(struct cwt__ev_scan *s, bool keep, const char **out, size_t *len)
{
    char *o = s->arena, *start = s->arena;
    s->p++;
    for (;;) {
        if (s->p >= s->end)
            return fail(s, "unterminated string");
        unsigned char c = (unsigned char)*s->p;
        if (c == '"')
            break;
        if (c < 0x20)
            return fail(s, "control character in a string");
        if (c != '\\') {
            const char *q = s->p + 1;
            while (q < s->end && *q != '"' && *q != '\\' && (unsigned char)*q >= 0x20)
                q++;
            if (keep) {
                memcpy(o, s->p, (size_t)(q - s->p));
                o += q - s->p;
            }
            s->p = q;
            continue;
        }
        if (++s->p >= s->end)
            return fail(s, "unterminated string");
        char e = *s->p++, d;
        switch (e) {
        case '"': d = '"'; break;
        case '\\': d = '\\'; break;
        case '/': d = '/'; break;
        case 'b': d = '\b'; break;
        case 'f': d = '\f'; break;
        case 'n': d = '\n'; break;
        case 'r': d = '\r'; break;
        case 't': d = '\t'; break;
        case 'u': {
            unsigned cp;
            if (!unicode_escape(s, &cp))
                return false;
            if (keep)
                o = cwt__utf8_put(o, cp);
            continue;
        }
        default: s->p--; return fail(s, "invalid escape");
        }
        if (keep)
            *o++ = d;
    }
    s->p++;
    if (keep) {
        *o++ = '\0';
        *out = start;
        *len = (size_t)(o - start - 1);
        s->arena = o;
    }
    return true;
}

static bool literal(struct cwt__ev_scan *s, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(s->end - s->p) < n || memcmp(s->p, word, n) != 0)
        return fail(s, "invalid token");
    s->p += n;
    return true;
}

static bool digits(struct cwt__ev_scan *s)
{
    const char *q = s->p;
    while (s->p < s->end && *s->p >= '0' && *s->p <= '9')
        s->p++;
    return s->p > q || fail(s, "invalid number");
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static bool number(struct cwt__ev_scan *s)
{
    if (s->p < s->end && *s->p == '-')
        s->p++;
    if (s->p < s->end && *s->p == '0')
        s->p++;
    else if (!digits(s))
        return false;
    if (s->p < s->end && *s->p == '.') {
        s->p++;
        if (!digits(s))
            return false;
    }
    if (s->p < s->end && (*s->p == 'e' || *s->p == 'E')) {
        s->p++;
        if (s->p < s->end && (*s->p == '+' || *s->p == '-'))
            s->p++;
        if (!digits(s))
            return false;
    }
    return true;
}

static bool scalar(struct cwt__ev_scan *s)
{
    switch (*s->p) {
    case '"': return string(s, false, NULL, NULL);
    case 't': return literal(s, "true");
    case 'f': return literal(s, "false");
    case 'n': return literal(s, "null");
    default: return (*s->p == '-' || (*s->p >= '0' && *s->p <= '9')) ? number(s) : fail(s, "invalid token");
    }
}

/* In a nested object: a member name and its colon. */
static bool nested_name(struct cwt__ev_scan *s)
{
    ws(s);
    if (s->p >= s->end || *s->p != '"')
        return fail(s, "string or '}' expected");
    if (!string(s, false, NULL, NULL))
        return false;
    ws(s);
    if (s->p >= s->end || *s->p != ':')
        return fail(s, "':' expected");
    s->p++;
    return true;
}

/* Checks the grammar of any value at s->p (arrays and objects iteratively, up to MAX_DEPTH). */
static bool value(struct cwt__ev_scan *s)
{
    char open[MAX_DEPTH];
    size_t depth = 0;
    for (;;) {
        ws(s);
        if (s->p >= s->end)
            return fail(s, "unexpected end of input");
        bool closed = true;
        if (*s->p == '[' || *s->p == '{') {
            if (depth == MAX_DEPTH)
                return fail(s, "too deeply nested");
            char c = *s->p++;
            open[depth++] = c;
            ws(s);
            if (s->p < s->end && *s->p == (c == '[' ? ']' : '}')) {
                s->p++;
                depth--;
            } else {
                closed = false;
                if (c == '{' && !nested_name(s))
                    return false;
            }
        } else if (!scalar(s)) {
            return false;
        }
        /* after a complete value: close what ends here, or go on after a comma */
        while (closed) {
            if (depth == 0)
                return true;
            ws(s);
            char c = open[depth - 1];
            if (s->p < s->end && *s->p == ',') {
                s->p++;
                if (c == '{' && !nested_name(s))
                    return false;
                closed = false;
            } else if (s->p < s->end && *s->p == (c == '[' ? ']' : '}')) {
                s->p++;
                depth--;
            } else {
                return fail(s, c == '[' ? "',' or ']' expected" : "',' or '}' expected");
            }
        }
    }
}

static int field_index(const char *name)
{
    for (int i = 0; i < CWT__EVF_N; i++)
        if (strcmp(cwt__ev_field_names[i], name) == 0)
            return i;
    return -1;
}

/* One member of the top-level object: its name, its value, kept in a slot or in the list of others. */
static bool member(struct cwt__ev_scan *s)
{
    ws(s);
    if (s->p >= s->end || *s->p != '"')
        return fail(s, "string or '}' expected");
    const char *name;
    size_t nlen;
    if (!string(s, true, &name, &nlen))
        return false;
    ws(s);
    if (s->p >= s->end || *s->p != ':')
        return fail(s, "':' expected");
    s->p++;
    ws(s);
    if (s->p >= s->end)
        return fail(s, "unexpected end of input");
    int fi = field_index(name); /* names hold no NUL: \u0000 is refused */
    struct cwt__ev_member m = {.type = CWT__EVJ_OTHER, .pos = s->nmembers};
    if (fi >= 0 && *s->p == '"') {
        if (!string(s, true, &m.s, &m.len))
            return false;
        m.type = CWT__EVJ_STRING;
    } else if (fi >= 0 && s->end - s->p >= 4 && memcmp(s->p, "null", 4) == 0) {
        s->p += 4;
        m.type = CWT__EVJ_NULL;
    } else if (!value(s)) {
        return false;
    }
    if (fi >= 0) {
        if (s->f[fi].type != CWT__EVJ_ABSENT)
            return fail(s, "duplicate object key");
        s->f[fi] = m;
    } else {
        for (size_t i = 0; i < s->nothers; i++)
            if (strcmp(s->others[i], name) == 0)
                return fail(s, "duplicate object key");
        if (s->nothers == CWT_ARRAY_LEN(s->others))
            return fail(s, "too many members");
        s->other_pos[s->nothers] = s->nmembers;
        s->others[s->nothers++] = name;
    }
    s->nmembers++;
    return true;
}

bool cwt__ev_scan(struct cwt__ev_scan *s, const char *line, size_t len, char *arena)
{
    memset(s, 0, offsetof(struct cwt__ev_scan, others));
    s->base = s->p = line;
    s->end = line + len;
    s->arena = arena;
    size_t bad;
    if (!cwt__utf8_valid(line, len, &bad)) {
        s->p = line + bad;
        return fail(s, "invalid UTF-8");
    }
    ws(s);
    if (s->p >= s->end || (*s->p != '{' && *s->p != '['))
        return fail(s, "'[' or '{' expected");
    if (*s->p == '[') {
        if (!value(s))
            return false;
    } else {
        s->object = true;
        s->p++;
        ws(s);
        if (s->p < s->end && *s->p == '}') {
            s->p++;
        } else {
            for (;;) {
                if (!member(s))
                    return false;
                ws(s);
                if (s->p < s->end && *s->p == ',') {
                    s->p++;
                    continue;
                }
                if (s->p < s->end && *s->p == '}') {
                    s->p++;
                    break;
                }
                return fail(s, "',' or '}' expected");
            }
        }
    }
    ws(s);
    return s->p == s->end || fail(s, "end of input expected");
}
