/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements integration detection: a bounded scan of the home
 * page's raw HTML for <script> start tags, skipping comments, reading each
 * tag's attributes (HTML's rules: case-insensitive names, values in double,
 * single or no quotes) and checking src and data-site. It reads raw HTML
 * rather than the DOM so that it sees the tag exactly as a CMS printed it
 * (WordPress, Shopify and Magento all emit it in the page source).
 */
#include "program/integration.h"

#include <stdio.h>

struct scan {
    const char *p, *end;
};

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static bool ieq_n(const char *a, size_t an, const char *b)
{
    size_t bn = strlen(b);
    if (an != bn)
        return false;
    for (size_t i = 0; i < an; i++)
        if (lower(a[i]) != b[i])
            return false;
    return true;
}

/* True when @p v (length @p n) is an SDK URL: its path ends in /sdk/v1/cwtap.js (query/fragment ignored). */
static bool is_sdk_src(const char *v, size_t n)
{
    static const char tail[] = "/sdk/v1/cwtap.js";
    size_t t = sizeof tail - 1;
    for (size_t i = 0; i < n; i++)
        if (v[i] == '?' || v[i] == '#') {
            n = i;
            break;
        }
    return n >= t && memcmp(v + n - t, tail, t) == 0;
}

struct tag {
    bool has_src, sdk;
    const char *site;
    size_t site_len;
    bool has_site;
};

/* Reads the attributes of a start tag from s->p up to '>'; s->p ends after it. */
static void read_attrs(struct scan *s, struct tag *t)
{
    const char *p = s->p;
    while (p < s->end && *p != '>') {
        while (p < s->end && (is_space(*p) || *p == '/'))
            p++;
        const char *n0 = p;
        while (p < s->end && !is_space(*p) && *p != '=' && *p != '>' && *p != '/')
            p++;
        size_t nlen = (size_t)(p - n0);
        while (p < s->end && is_space(*p))
            p++;
        const char *v0 = NULL;
        size_t vlen = 0;
        if (p < s->end && *p == '=') {
            p++;
            while (p < s->end && is_space(*p))
                p++;
            if (p < s->end && (*p == '"' || *p == '\'')) {
                char q = *p++;
                v0 = p;
                while (p < s->end && *p != q)
                    p++;
                vlen = (size_t)(p - v0);
                if (p < s->end)
                    p++;
                else
                    v0 = NULL; /* an unterminated value is no value */
            } else {
                v0 = p;
                while (p < s->end && !is_space(*p) && *p != '>')
                    p++;
                vlen = (size_t)(p - v0);
            }
        }
        if (nlen == 0 && p < s->end && *p != '>')
            p++; /* a stray character: move on */
        if (ieq_n(n0, nlen, "src") && v0) {
            t->has_src = true;
            t->sdk = is_sdk_src(v0, vlen);
        } else if (ieq_n(n0, nlen, "data-site") && v0) {
            t->has_site = true;
            t->site = v0;
            t->site_len = vlen;
        }
    }
    s->p = p < s->end ? p + 1 : p;
}

static const char *find(const char *p, const char *end, const char *needle)
{
    size_t n = strlen(needle);
    for (; p + n <= end; p++)
        if (memcmp(p, needle, n) == 0)
            return p;
    return NULL;
}

enum cwt__integration cwt__integration_detect(const char *html, size_t len, const char *site_id, char *why,
                                               size_t why_len)
{
    if (len > CWT__INTEGRATION_MAX_BYTES)
        len = CWT__INTEGRATION_MAX_BYTES;
    struct scan s = {html, html + len};
    size_t id_len = site_id ? strlen(site_id) : 0;
    bool saw_sdk = false;
    while (s.p < s.end) {
        const char *lt = memchr(s.p, '<', (size_t)(s.end - s.p));
        if (!lt)
            break;
        s.p = lt + 1;
        if (s.end - s.p >= 3 && memcmp(s.p, "!--", 3) == 0) {
            const char *ce = find(s.p + 3, s.end, "-->");
            s.p = ce ? ce + 3 : s.end;
            continue;
        }
        if (s.end - s.p < 7 || !ieq_n(s.p, 6, "script") || !(is_space(s.p[6]) || s.p[6] == '>'))
            continue;
        s.p += 6;
        struct tag t = {0};
        read_attrs(&s, &t);
        /* The script's content is not markup: skip to its end tag. */
        for (const char *q = s.p; q + 9 <= s.end; q++)
            if (q[0] == '<' && q[1] == '/' && ieq_n(q + 2, 6, "script")) {
                s.p = q + 8;
                break;
            }
        if (!t.sdk)
            continue;
        saw_sdk = true;
        if (t.has_site && id_len && t.site_len == id_len && memcmp(t.site, site_id, id_len) == 0) {
            if (why)
                snprintf(why, why_len, "the SDK tag with data-site=\"%s\" is on the home page", site_id);
            return CWT__INTEG_FOUND;
        }
    }
    if (why)
        snprintf(why, why_len,
                 saw_sdk ? "an SDK tag is on the home page but its data-site is not \"%s\""
                         : "no SDK tag (<script src=\".../sdk/v1/cwtap.js\" data-site=\"%s\">) on the home page",
                 site_id ? site_id : "");
    return saw_sdk ? CWT__INTEG_OTHER_SITE : CWT__INTEG_ABSENT;
}
