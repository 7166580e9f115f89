/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the JSON report: the evaluation written byte for byte
 * as jansson's json_dumps(eval, JSON_INDENT(2)) writes it (members in their
 * order, two spaces a level, "key": value, strings escaped only where JSON
 * requires it, reals as "%.17g" with ".0" added to a whole number and the
 * exponent's '+' and leading zeros dropped), into one growing buffer. jansson's
 * own writer hands every piece to a callback and keeps a hash set of the open
 * containers (a pointer printed as a key for each) against cycles, which cost
 * more than the writing itself on a report of many small objects. A string
 * that is not valid UTF-8, a container nested deeper than any evaluation is (a
 * cycle), or a non-finite real is left to json_dumps, which refuses them as
 * before.
 */
#include <locale.h>
#include <stdio.h>

#include "report/report.h"
#include "util/buf.h"
#include "util/utf8.h"

enum { INDENT = 2, MAX_DEPTH = 512 };

struct jw {
    struct cwt_buf b;
    enum cwt_status rc; /* first failure: CWT_ENOMEM, or CWT_EINVAL for what json_dumps must judge */
};

static void put(struct jw *w, const char *s, size_t n)
{
    if (w->b.cap - w->b.len > n) { /* room (and the terminator's): no call */
        memcpy(w->b.data + w->b.len, s, n);
        w->b.len += n;
        w->b.data[w->b.len] = '\0';
    } else if (!w->rc && cwt_buf_add(&w->b, s, n)) {
        w->rc = CWT_ENOMEM;
    }
}

static void newline(struct jw *w, unsigned depth)
{
    static const char spaces[] = "\n                                                                ";
    size_t n = (size_t)depth * INDENT;
    put(w, spaces, 1);
    for (; n > 0;) {
        size_t k = CWT_MIN(n, sizeof spaces - 2);
        put(w, spaces + 1, k);
        n -= k;
    }
}

static void put_string(struct jw *w, const char *s, size_t len)
{
    if (!cwt__utf8_valid(s, len, NULL)) {
        if (!w->rc)
            w->rc = CWT_EINVAL;
        return;
    }
    put(w, "\"", 1);
    size_t run = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        put(w, s + run, i - run);
        run = i + 1;
        char e[8];
        const char *t = e;
        size_t tl = 2;
        switch (c) {
        case '"':
            t = "\\\"";
            break;
        case '\\':
            t = "\\\\";
            break;
        case '\b':
            t = "\\b";
            break;
        case '\f':
            t = "\\f";
            break;
        case '\n':
            t = "\\n";
            break;
        case '\r':
            t = "\\r";
            break;
        case '\t':
            t = "\\t";
            break;
        default:
            snprintf(e, sizeof e, "\\u%04X", (unsigned)c);
            tl = 6;
        }
        put(w, t, tl);
    }
    put(w, s + run, len - run);
    put(w, "\"", 1);
}

/* jansson's jsonp_dtostr() with its default precision (17). */
static void put_real(struct jw *w, double v)
{
    if (v != v || v - v != 0) { /* NaN or infinite: jansson has none; json_dumps decides */
        if (!w->rc)
            w->rc = CWT_EINVAL;
        return;
    }
    char buf[64];
    int n = snprintf(buf, sizeof buf - 3, "%.17g", v);
    if (n < 0 || (size_t)n >= sizeof buf - 3) {
        if (!w->rc)
            w->rc = CWT_EINVAL;
        return;
    }
    size_t len = (size_t)n;
    const char *point = localeconv()->decimal_point;
    char *p = *point != '.' ? strchr(buf, *point) : NULL;
    if (p)
        *p = '.';
    if (!strchr(buf, '.') && !strchr(buf, 'e')) {
        memcpy(buf + len, ".0", 3);
        len += 2;
    }
    char *start = strchr(buf, 'e');
    if (start) { /* "1e+20" -> "1e20", "1e-05" -> "1e-5" */
        start++;
        char *end = start + 1;
        if (*start == '-')
            start++;
        while (*end == '0')
            end++;
        if (end != start) {
            memmove(start, end, len - (size_t)(end - buf) + 1);
            len -= (size_t)(end - start);
        }
    }
    put(w, buf, len);
}

static void put_value(struct jw *w, const json_t *v, unsigned depth)
{
    if (w->rc)
        return;
    if (depth > MAX_DEPTH) {
        w->rc = CWT_EINVAL;
        return;
    }
    switch (json_typeof(v)) {
    case JSON_NULL:
        put(w, "null", 4);
        break;
    case JSON_TRUE:
        put(w, "true", 4);
        break;
    case JSON_FALSE:
        put(w, "false", 5);
        break;
    case JSON_INTEGER: {
        char buf[32];
        int n = snprintf(buf, sizeof buf, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        put(w, buf, (size_t)n);
        break;
    }
    case JSON_REAL:
        put_real(w, json_real_value(v));
        break;
    case JSON_STRING:
        put_string(w, json_string_value(v), json_string_length(v));
        break;
    case JSON_ARRAY: {
        size_t n = json_array_size(v);
        put(w, "[", 1);
        for (size_t i = 0; i < n; i++) {
            if (i)
                put(w, ",", 1);
            newline(w, depth + 1);
            put_value(w, json_array_get(v, i), depth + 1);
        }
        if (n)
            newline(w, depth);
        put(w, "]", 1);
        break;
    }
    case JSON_OBJECT: {
        put(w, "{", 1);
        bool any = false;
        for (void *it = json_object_iter((json_t *)v); it; it = json_object_iter_next((json_t *)v, it)) {
            if (any)
                put(w, ",", 1);
            any = true;
            newline(w, depth + 1);
            put_string(w, json_object_iter_key(it), json_object_iter_key_len(it));
            put(w, ": ", 2);
            put_value(w, json_object_iter_value(it), depth + 1);
        }
        if (any)
            newline(w, depth);
        put(w, "}", 1);
        break;
    }
    default:
        w->rc = CWT_EINVAL;
    }
}

enum cwt_status cwt__render_json(const json_t *eval, char **out)
{
    *out = NULL;
    if (!json_is_object(eval) && !json_is_array(eval))
        return CWT_EINVAL;
    struct jw w = {.rc = CWT_OK};
    cwt_buf_init(&w.b, SIZE_MAX / 2);
    put_value(&w, eval, 0);
    if (w.rc == CWT_OK) {
        *out = cwt_buf_detach(&w.b, NULL);
        if (!*out)
            *out = cwt_strdup("");
        return *out ? CWT_OK : CWT_ENOMEM;
    }
    cwt_buf_release(&w.b);
    if (w.rc == CWT_ENOMEM)
        return CWT_ENOMEM;
    /* what jansson must judge (a cycle, invalid UTF-8, a non-finite real): its answer, NULL or not */
    *out = json_dumps(eval, JSON_INDENT(2));
    return *out ? CWT_OK : CWT_ENOMEM;
}
