/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the tolerant reading of JSON-LD script blocks and
 * their normalisation into the structured-data graph. Real pages wrap the JSON
 * in CDATA or HTML comments, leave JavaScript comments and raw control
 * characters in it, escape quotes the JavaScript way, HTML-encode it, or append
 * junk after the value; one repair pass fixes what it can and jansson decodes
 * the leading values. Normalisation shortens schema.org IRIs, spreads @graph
 * and bounds nesting.
 */
#include <stdio.h>

#include "page/sdata.h"
#include "util/buf.h"
#include "util/utf8.h"

#define MAX_VALUES 64    /* concatenated top-level values decoded from one block */
#define MAX_OBJS 1000    /* objects kept from one block */

static bool is_ws(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static bool starts_with(const char *s, size_t len, const char *p)
{
    size_t n = strlen(p);
    return len >= n && memcmp(s, p, n) == 0;
}

/* Trims whitespace and the wrappers around the JSON: "//<![CDATA[", "<![CDATA[", "<!--" and their ends. */
static void unwrap(const char **ps, size_t *plen)
{
    const char *s = *ps;
    size_t len = *plen;
    for (int round = 0; round < 4; round++) {
        while (len && is_ws((unsigned char)*s))
            s++, len--;
        while (len && is_ws((unsigned char)s[len - 1]))
            len--;
        if (starts_with(s, len, "//")) { /* a comment line before the JSON, e.g. //<![CDATA[ */
            const char *nl = memchr(s, '\n', len);
            size_t cut = nl ? (size_t)(nl - s) + 1 : len;
            s += cut, len -= cut;
            continue;
        }
        if (starts_with(s, len, "<![CDATA[")) {
            s += 9, len -= 9;
            continue;
        }
        if (starts_with(s, len, "<!--")) { /* a one-line comment before the value, or a wrapper */
            const char *end = NULL;
            for (size_t k = 4; k + 2 < len && s[k] != '{' && s[k] != '['; k++)
                if (memcmp(s + k, "-->", 3) == 0) {
                    end = s + k + 3;
                    break;
                }
            size_t cut = end ? (size_t)(end - s) : 4;
            s += cut, len -= cut;
            continue;
        }
        if (len >= 3 && memcmp(s + len - 3, "]]>", 3) == 0) {
            len -= 3;
            while (len && is_ws((unsigned char)s[len - 1]))
                len--;
            if (len >= 2 && memcmp(s + len - 2, "//", 2) == 0)
                len -= 2;
            continue;
        }
        if (len >= 3 && memcmp(s + len - 3, "-->", 3) == 0) {
            len -= 3;
            continue;
        }
        break;
    }
    *ps = s;
    *plen = len;
}

static enum cwt_status add_utf8(struct cwt_buf *b, unsigned long cp)
{
    char u[4];
    if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        cp = 0xFFFD;
    size_t n = (size_t)(cwt__utf8_put(u, cp) - u);
    return cwt_buf_add(b, u, n);
}

/* Decodes the HTML entity at s (after '&'); returns bytes consumed after '&' (0: not an entity). */
static size_t entity(const char *s, size_t len, struct cwt_buf *b, enum cwt_status *rc)
{
    static const struct {
        const char *name;
        const char *text;
    } named[] = {{"quot;", "\""}, {"amp;", "&"}, {"lt;", "<"}, {"gt;", ">"}, {"apos;", "'"}, {"nbsp;", "\xC2\xA0"}};
    for (size_t i = 0; i < CWT_ARRAY_LEN(named); i++)
        if (starts_with(s, len, named[i].name)) {
            *rc = cwt_buf_adds(b, named[i].text);
            return strlen(named[i].name);
        }
    if (len < 3 || s[0] != '#')
        return 0;
    bool hex = s[1] == 'x' || s[1] == 'X';
    size_t i = hex ? 2 : 1;
    unsigned long cp = 0;
    size_t digits = 0;
    for (; i < len && digits < 7; i++, digits++) {
        int v = hex ? cwt_hexval(s[i]) : (s[i] >= '0' && s[i] <= '9' ? s[i] - '0' : -1);
        if (v < 0)
            break;
        cp = cp * (hex ? 16 : 10) + (unsigned long)v;
    }
    if (!digits || i >= len || s[i] != ';')
        return 0;
    *rc = add_utf8(b, cp);
    return i + 1;
}

/* Decodes HTML character references (numeric and the common named ones), like Python's
 * html.unescape, which is what pages that HTML-encode their JSON-LD need. */
static enum cwt_status unescape_html(const char *s, size_t len, struct cwt_buf *b)
{
    enum cwt_status rc = CWT_OK;
    for (size_t i = 0; i < len && !rc; i++) {
        if (s[i] == '&') {
            size_t n = entity(s + i + 1, len - i - 1, b, &rc);
            if (n) {
                i += n;
                continue;
            }
            rc = cwt_buf_addc(b, s[i]);
            continue;
        }
        const char *amp = memchr(s + i, '&', len - i); /* the run up to the next '&' at once */
        size_t run = amp ? (size_t)(amp - (s + i)) : len - i;
        rc = cwt_buf_add(b, s + i, run);
        i += run - 1;
    }
    return rc;
}

/*
 * One pass over the block: outside strings drops // and block comments; inside strings escapes raw
 * control characters, turns \' into ' and \xHH into \u00HH, doubles a lone backslash.
 */
static enum cwt_status repair(const char *s, size_t len, struct cwt_buf *b)
{
    enum cwt_status rc = CWT_OK;
    bool in_str = false;
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < len && !rc; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!in_str) {
            if (c == '/' && i + 1 < len && s[i + 1] == '/') {
                while (i < len && s[i] != '\n')
                    i++;
                continue;
            }
            if (c == '/' && i + 1 < len && s[i + 1] == '*') {
                const char *end = NULL;
                for (size_t k = i + 2; k + 1 < len; k++)
                    if (s[k] == '*' && s[k + 1] == '/') {
                        end = s + k;
                        break;
                    }
                i = end ? (size_t)(end - s) + 1 : len;
                continue;
            }
            if (c == '"')
                in_str = true;
            if (c == '}' || c == ']') { /* drop a trailing comma */
                size_t k = b->len;
                while (k && is_ws((unsigned char)b->data[k - 1]))
                    k--;
                if (k && b->data[k - 1] == ',')
                    b->data[k - 1] = ' ';
            }
            size_t j = i + 1; /* with the bytes up to the next one that matters here (none after a quote) */
            while (!in_str && j < len && s[j] != '/' && s[j] != '"' && s[j] != '}' && s[j] != ']')
                j++;
            rc = cwt_buf_add(b, s + i, j - i);
            i = j - 1;
            continue;
        }
        if (c == '"') {
            in_str = false;
            rc = cwt_buf_addc(b, '"');
        } else if (c == '\\' && i + 1 < len) {
            char e = s[i + 1];
            if (strchr("\"\\/bfnrt", e)) {
                rc = cwt_buf_add(b, s + i, 2);
                i++;
            } else if (e == 'u' && i + 5 < len && cwt_hexval(s[i + 2]) >= 0 && cwt_hexval(s[i + 3]) >= 0 &&
                       cwt_hexval(s[i + 4]) >= 0 && cwt_hexval(s[i + 5]) >= 0) {
                rc = cwt_buf_add(b, s + i, 6);
                i += 5;
            } else if (e == '\'') {
                rc = cwt_buf_addc(b, '\'');
                i++;
            } else if (e == 'x' && i + 3 < len && cwt_hexval(s[i + 2]) >= 0 && cwt_hexval(s[i + 3]) >= 0) {
                char u[6] = {'\\', 'u', '0', '0', s[i + 2], s[i + 3]};
                rc = cwt_buf_add(b, u, 6);
                i += 3;
            } else {
                rc = cwt_buf_add(b, "\\\\", 2);
            }
        } else if (c == '\\') {
            rc = cwt_buf_add(b, "\\\\", 2);
        } else if (c < 0x20) {
            char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            rc = cwt_buf_add(b, u, 6);
        } else {
            size_t j = i + 1; /* the plain bytes of the string up to the next quote, backslash or control */
            while (j < len && s[j] != '"' && s[j] != '\\' && (unsigned char)s[j] >= 0x20)
                j++;
            rc = cwt_buf_add(b, s + i, j - i);
            i = j - 1;
        }
    }
    return rc;
}

static enum cwt_status push_items(json_t *out, json_t *v)
{
    if (json_is_array(v)) {
        size_t i;
        json_t *e;
        json_array_foreach(v, i, e) {
            if (json_array_size(out) >= MAX_OBJS)
                break;
            if (json_is_object(e) && json_object_size(e) > 0 && json_array_append(out, e))
                return CWT_ENOMEM;
        }
    } else if (json_is_object(v) && json_object_size(v) > 0 && json_array_size(out) < MAX_OBJS) {
        if (json_array_append(out, v))
            return CWT_ENOMEM;
    }
    return CWT_OK;
}

/* Decodes the leading JSON values of @p s into @p out; returns how many values were decoded. */
static size_t decode_values(const char *s, size_t len, size_t flags, json_t *out, enum cwt_status *rc)
{
    size_t pos = 0, nvalues = 0;
    while (nvalues < MAX_VALUES) {
        while (pos < len && (is_ws((unsigned char)s[pos]) || s[pos] == ';' || s[pos] == ','))
            pos++;
        if (pos >= len)
            break;
        json_error_t e;
        json_t *v = json_loadb(s + pos, len - pos, flags | JSON_DECODE_ANY | JSON_DISABLE_EOF_CHECK | JSON_ALLOW_NUL, &e);
        if (!v)
            break;
        nvalues++;
        *rc = push_items(out, v);
        json_decref(v);
        if (*rc || e.position <= 0)
            break;
        pos += (size_t)e.position;
    }
    return nvalues;
}

/* Repairs and decodes @p s; returns the number of values decoded (0: nothing). */
static size_t parse_repaired(const char *s, size_t len, json_t *arr, enum cwt_status *rc)
{
    struct cwt_buf b;
    cwt_buf_init(&b, len * 2 + 16);
    size_t n = 0;
    *rc = repair(s, len, &b);
    if (!*rc && b.data) {
        n = decode_values(b.data, b.len, 0, arr, rc);
        if (!n && !*rc) /* a number too big for an integer: read integers as reals */
            n = decode_values(b.data, b.len, JSON_DECODE_INT_AS_REAL, arr, rc);
    }
    cwt_buf_release(&b);
    return n;
}

enum cwt_status cwt__jsonld_parse(const char *text, size_t len, json_t **out)
{
    *out = NULL;
    const char *s = text;
    unwrap(&s, &len);
    struct cwt_buf u;
    cwt_buf_init(&u, len + 1);
    json_t *arr = json_array();
    enum cwt_status rc = arr ? unescape_html(s, len, &u) : CWT_ENOMEM;
    size_t n = 0;
    if (!rc && u.data)
        n = parse_repaired(u.data, u.len, arr, &rc);
    if (!rc && !n && len) /* the entities were meant literally */
        n = parse_repaired(s, len, arr, &rc);
    cwt_buf_release(&u);
    if (!rc && !n)
        rc = CWT_EPARSE;
    if (rc) {
        json_decref(arr);
        return rc;
    }
    *out = arr;
    return CWT_OK;
}

/* ---- normalisation ---- */

const char *cwt__sdata_short(const char *iri)
{
    static const char *const prefixes[] = {"http://schema.org/", "https://schema.org/", "http://www.schema.org/",
                                           "https://www.schema.org/", "schema:", "sdo:"};
    for (size_t i = 0; i < CWT_ARRAY_LEN(prefixes); i++) {
        size_t n = strlen(prefixes[i]);
        if (strncasecmp(iri, prefixes[i], n) == 0 && iri[n])
            return iri + n;
    }
    return iri;
}

static json_t *norm_value(const json_t *v, unsigned depth);

static json_t *norm_types(const json_t *t)
{
    json_t *arr = json_array();
    if (!arr)
        return NULL;
    if (json_is_string(t)) {
        json_array_append_new(arr, json_string(cwt__sdata_short(json_string_value(t))));
    } else if (json_is_array(t)) {
        size_t i;
        json_t *e;
        json_array_foreach(t, i, e) {
            if (json_is_string(e) && i < 16)
                json_array_append_new(arr, json_string(cwt__sdata_short(json_string_value(e))));
        }
    }
    return arr;
}

/* A normalised copy of JSON-LD object @p o (NULL on allocation failure or past the depth cap). */
static json_t *norm_object(const json_t *o, unsigned depth)
{
    if (depth >= CWT__SDATA_MAX_DEPTH)
        return NULL;
    json_t *val = json_object_get(o, "@value");
    if (val)
        return norm_value(val, depth + 1);
    json_t *item = json_object();
    if (!item)
        return NULL;
    json_t *types = norm_types(json_object_get(o, "@type"));
    if (!types || json_object_set_new(item, "@type", types) ||
        json_object_set_new(item, "@source", json_string("json-ld"))) {
        json_decref(item);
        return NULL;
    }
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)o, k, v) {
        if (strcmp(k, "@type") == 0 || strcmp(k, "@context") == 0 || strcmp(k, "@graph") == 0)
            continue;
        const char *key = strcmp(k, "@id") == 0 ? k : cwt__sdata_short(k);
        json_t *nv = norm_value(v, depth + 1);
        if (nv)
            json_object_set_new(item, key, nv);
    }
    return item;
}

static json_t *norm_value(const json_t *v, unsigned depth)
{
    if (depth >= CWT__SDATA_MAX_DEPTH)
        return NULL;
    if (json_is_object(v))
        return norm_object(v, depth);
    if (json_is_array(v)) {
        json_t *arr = json_array();
        size_t i;
        json_t *e;
        json_array_foreach(v, i, e) {
            if (!arr || i >= 1000)
                break;
            json_t *ne = norm_value(e, depth + 1);
            if (ne)
                json_array_append_new(arr, ne);
        }
        return arr;
    }
    return json_deep_copy(v);
}

static enum cwt_status add_object(const json_t *o, json_t *graph)
{
    if (json_array_size(graph) >= CWT__SDATA_MAX_ITEMS)
        return CWT_OK;
    json_t *g = json_object_get(o, "@graph");
    if (json_is_array(g)) {
        size_t i;
        json_t *e;
        json_array_foreach(g, i, e) {
            if (json_is_object(e) && add_object(e, graph))
                return CWT_ENOMEM;
        }
        if (json_object_size(o) <= 2) /* only @context and @graph */
            return CWT_OK;
    } else if (json_is_object(g)) {
        if (add_object(g, graph))
            return CWT_ENOMEM;
    }
    json_t *item = norm_object(o, 0);
    if (!item)
        return CWT_ENOMEM;
    return json_array_append_new(graph, item) ? CWT_ENOMEM : CWT_OK;
}

enum cwt_status cwt__jsonld_normalise(const json_t *objs, json_t *graph)
{
    size_t i;
    json_t *o;
    json_array_foreach((json_t *)objs, i, o) {
        if (json_is_object(o) && add_object(o, graph))
            return CWT_ENOMEM;
    }
    return CWT_OK;
}
