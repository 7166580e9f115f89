/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the page layer's fast link resolution: hrefs made only
 * of characters libxml2 neither escapes nor unescapes, with no dot segments, are
 * joined to the base's origin or directory directly (the prefixes themselves come
 * from cwt__url_resolve(), once per base), saving xmlBuildURI's parse of the base
 * and its allocations on every link. Absolute http(s) URLs with a plain host are
 * kept as written, as xmlBuildURI keeps them; plain network-path references
 * ("//host/path") get the base's scheme.
 */
#include "page/page.h"
#include "page/resolve.h"

static bool is_alnum(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool is_hex(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Path bytes xmlSaveUri writes back unchanged after unescaping (no '%': it would be decoded). */
static bool path_char(unsigned char c)
{
    return is_alnum(c) || c == '-' || c == '_' || c == '~' || c == '/' || c == '.';
}

/* Bytes besides letters and digits: QUERY in a query or fragment, PATH in an absolute URL's path (a table
 * rather than a strchr() call per byte; the NUL, which strchr() would find, never reaches them). */
enum { QUERY = 1, PATH = 2 };
static const unsigned char url_class[256] = {
    ['-'] = QUERY | PATH, ['_'] = QUERY | PATH, ['~'] = QUERY | PATH, ['.'] = QUERY | PATH, ['/'] = QUERY | PATH,
    ['?'] = QUERY, ['='] = QUERY | PATH, ['&'] = QUERY | PATH, [';'] = QUERY | PATH, [':'] = QUERY | PATH,
    ['@'] = QUERY | PATH, ['+'] = QUERY | PATH, [','] = QUERY | PATH, ['$'] = QUERY | PATH,
};

/* Query or fragment bytes kept as written (a '%' only before two hex digits). */
static bool query_ok(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '%') {
            if (i + 2 >= len)
                return false;
            if (!is_hex((unsigned char)s[i + 1]) || !is_hex((unsigned char)s[i + 2]))
                return false;
            i += 2;
        } else if (!is_alnum(c) && !(url_class[c] & QUERY)) {
            return false;
        }
    }
    return true;
}

/* Splits @p s at the first '?' or '#': path length in *plen, query (without '#...') in *q and *qlen. Checks
 * the query and fragment; false when they need libxml2. */
static bool split_rest(const char *s, size_t len, size_t *plen, const char **q, size_t *qlen)
{
    size_t p = 0;
    while (p < len && s[p] != '?' && s[p] != '#')
        p++;
    size_t h = p;
    while (h < len && s[h] != '#')
        h++;
    *plen = p;
    *q = s + p;
    *qlen = h - p;
    if (h < len && !query_ok(s + h + 1, len - h - 1))
        return false;
    return *qlen == 0 || query_ok(s + p + 1, *qlen - 1);
}

/* A path with only path_char bytes and no dot segment ("/." anywhere, or a leading "."). */
static bool plain_path(const char *s, size_t len)
{
    if (len && s[0] == '.')
        return false;
    for (size_t i = 0; i < len; i++) {
        if (!path_char((unsigned char)s[i]))
            return false;
        if (s[i] == '/' && i + 1 < len && s[i + 1] == '.')
            return false;
    }
    return true;
}

static size_t join(char *out, size_t cap, const char *a, size_t alen, const char *b, size_t blen)
{
    if (alen + blen + 1 > cap)
        return 0;
    memcpy(out, a, alen);
    memcpy(out + alen, b, blen);
    out[alen + blen] = '\0';
    return alen + blen;
}

/* "host[:port]" (after the "//") with a lowercase letters/digits/dots/hyphens host, followed by the end, '/', '?'
 * or '#'; returns its length or 0. */
static size_t plain_host_port(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len && ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '.' || s[i] == '-'))
        i++;
    if (i == 0 || s[0] == '.' || s[0] == '-')
        return 0;
    if (i < len && s[i] == ':') {
        size_t d = ++i;
        while (i < len && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == d || i - d > 5)
            return 0;
    }
    if (i < len && s[i] != '/' && s[i] != '?' && s[i] != '#')
        return 0;
    return i;
}

/* "http(s)://host[:port]" as plain_host_port() takes it; returns its length or 0. */
static size_t plain_authority(const char *s, size_t len)
{
    size_t i = strncmp(s, "http://", 7) == 0 ? 7 : strncmp(s, "https://", 8) == 0 ? 8 : 0;
    size_t hp = i ? plain_host_port(s + i, len - i) : 0;
    return hp ? i + hp : 0;
}

/* The length of @p s (an absolute URL after a plain authority of @p auth bytes) kept as written, without its
 * fragment: its path bytes are any a URI allows, its query plain; 0 when it needs libxml2. */
static size_t absolute_kept(const char *s, size_t len, size_t auth)
{
    size_t plen, qlen;
    const char *q;
    if (!split_rest(s + auth, len - auth, &plen, &q, &qlen))
        return 0;
    for (size_t i = auth; i < auth + plen; i++)
        if (!is_alnum((unsigned char)s[i]) && !(url_class[(unsigned char)s[i]] & PATH))
            return 0;
    return auth + plen + qlen;
}

size_t cwt__url_resolve_simple(const struct cwt__url_base *b, const char *href, size_t len, char *out, size_t cap)
{
    if (!len)
        return 0;
    size_t plen, qlen;
    const char *q;
    size_t auth = plain_authority(href, len);
    if (auth) {
        size_t n = absolute_kept(href, len, auth);
        return n ? join(out, cap, href, n, "", 0) : 0;
    }
    if (len > 2 && href[0] == '/' && href[1] == '/') {
        /* a network-path reference ("//cdn.example/x"): the base's scheme (its origin's, "http" or "https"),
         * then the reference, which xmlBuildURI re-writes from its parts: only a plain path and query, and
         * a port as it prints one (no leading zero) */
        const char *colon = b->origin ? strchr(b->origin, ':') : NULL;
        size_t hp = plain_host_port(href + 2, len - 2), net = 2 + hp;
        const char *port = hp ? memchr(href + 2, ':', hp) : NULL;
        if (!colon || !hp || (port && port[1] == '0') ||
            !split_rest(href + net, len - net, &plen, &q, &qlen) || !plain_path(href + net, plen))
            return 0;
        return join(out, cap, b->origin, (size_t)(colon - b->origin) + 1, href, net + plen + qlen);
    }
    if (!split_rest(href, len, &plen, &q, &qlen) || !plen || !plain_path(href, plen))
        return 0;
    const char *pre;
    size_t pre_len;
    if (href[0] == '/') {
        if (plen > 1 && href[1] == '/')
            return 0; /* network-path reference */
        pre = b->origin;
        pre_len = b->origin_len;
    } else {
        for (size_t i = 0; i + 1 < plen; i++) /* libxml2 collapses "//" in a merged relative path */
            if (href[i] == '/' && href[i + 1] == '/')
                return 0;
        pre = b->dir;
        pre_len = b->dir_len;
    }
    if (!pre)
        return 0;
    return join(out, cap, pre, pre_len, href, plen + qlen);
}

/* The resolution of @p probe against @p base minus its last @p cut bytes, when it ends with @p probe's tail. */
static enum cwt_status prefix(const char *base, const char *probe, size_t cut, char **out, size_t *out_len)
{
    char *r = NULL;
    *out = NULL;
    *out_len = 0;
    enum cwt_status st = cwt__url_resolve(base, probe, &r);
    if (st == CWT_ENOMEM)
        return st;
    if (st != CWT_OK)
        return CWT_OK;
    size_t n = strlen(r);
    /* cwt__url_resolve lowercases up to an '@': with userinfo the host would keep its case; no fast path */
    if (n < cut || strcmp(r + n - cut, probe + strlen(probe) - cut) != 0 || strchr(r, '@')) {
        cwt_free(r);
        return CWT_OK;
    }
    r[n - cut] = '\0';
    *out = r;
    *out_len = n - cut;
    return CWT_OK;
}

enum cwt_status cwt__url_base_init(struct cwt__url_base *b, const char *base)
{
    memset(b, 0, sizeof *b);
    enum cwt_status st = prefix(base, "/", 1, &b->origin, &b->origin_len);
    if (!st)
        st = prefix(base, "x", 1, &b->dir, &b->dir_len);
    if (st)
        cwt__url_base_release(b);
    return st;
}

void cwt__url_base_release(struct cwt__url_base *b)
{
    cwt_free(b->origin);
    cwt_free(b->dir);
    memset(b, 0, sizeof *b);
}
