/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements robots.txt as RFC 9309 specifies it: groups of
 * user-agent lines followed by allow/disallow rules, the groups that match
 * our product token merged (else the "*" groups), the longest matching rule
 * deciding (allow on a tie), '*' and '$' in patterns, percent-encoding
 * normalised on both sides, /robots.txt itself always allowed. Crawl-delay
 * (not in the RFC, widely used) and Sitemap lines are kept. Everything is
 * capped: bytes read, rules, pattern length, sitemaps.
 */
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include "crawl/robots.h"
#include "util/buf.h"

enum { MAX_RULES = 4096, MAX_PATTERN = 2048, MAX_SITEMAPS = 32, MAX_PATH = 8192 };

struct rule {
    char *pat; /* normalised */
    size_t len;
    bool allow;
};

struct ruleset {
    struct rule *rules;
    size_t n, cap;
    double delay;
};

struct cwt__robots {
    struct ruleset ours, star; /* after parsing, 'ours' holds the rules in force */
    bool have_ours;
    char **sitemaps;
    size_t nsitemaps, cap_sitemaps;
};

static bool unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
           c == '_' || c == '~';
}

/* Normalises percent-encoding into @p out (3 * n + 1 bytes): %xx of unreserved decoded, other %xx uppercased, raw bytes >= 0x80 and spaces encoded. */
static size_t normalize(const char *s, size_t n, char *out)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '%' && i + 2 < n && cwt_hexval((unsigned char)s[i + 1]) >= 0 &&
            cwt_hexval((unsigned char)s[i + 2]) >= 0) {
            unsigned char v = (unsigned char)(cwt_hexval((unsigned char)s[i + 1]) * 16 + cwt_hexval((unsigned char)s[i + 2]));
            if (unreserved(v)) {
                out[o++] = (char)v;
            } else {
                out[o++] = '%';
                out[o++] = hex[v >> 4];
                out[o++] = hex[v & 15];
            }
            i += 2;
        } else if (c >= 0x80 || c == ' ') {
            out[o++] = '%';
            out[o++] = hex[c >> 4];
            out[o++] = hex[c & 15];
        } else {
            out[o++] = (char)c;
        }
    }
    out[o] = '\0';
    return o;
}

/* Matches pattern @p p (with '*' and a final '$') against the start of @p s. */
static bool pat_match(const char *p, size_t plen, const char *s, size_t slen)
{
    size_t pi = 0, si = 0, star_p = (size_t)-1, star_s = 0;
    bool anchored = plen && p[plen - 1] == '$';
    if (anchored)
        plen--;
    for (;;) {
        if (pi == plen) {
            if (!anchored || si == slen)
                return true;
        } else if (p[pi] == '*') {
            star_p = ++pi;
            star_s = si;
            continue;
        } else if (si < slen && p[pi] == s[si]) {
            pi++;
            si++;
            continue;
        }
        /* mismatch (or anchored end not reached): let the last '*' eat one more byte */
        if (star_p == (size_t)-1 || star_s >= slen)
            return false;
        pi = star_p;
        si = ++star_s;
    }
}

static enum cwt_status add_rule(struct ruleset *rs, const char *v, size_t n, bool allow)
{
    if (n == 0) /* "Disallow:" with no path allows everything: not a rule */
        return CWT_OK;
    if (n > MAX_PATTERN)
        n = MAX_PATTERN;
    if (rs->n >= MAX_RULES)
        return CWT_OK;
    enum cwt_status st = CWT_GROW(rs->rules, rs->n, &rs->cap, MAX_RULES);
    if (st)
        return st;
    char *pat = cwt_malloc(3 * n + 1);
    if (!pat)
        return CWT_ENOMEM;
    rs->rules[rs->n].len = normalize(v, n, pat);
    rs->rules[rs->n].pat = pat;
    rs->rules[rs->n].allow = allow;
    rs->n++;
    return CWT_OK;
}

static void ruleset_release(struct ruleset *rs)
{
    for (size_t i = 0; i < rs->n; i++)
        cwt_free(rs->rules[i].pat);
    cwt_free(rs->rules);
    memset(rs, 0, sizeof *rs);
}

static bool agent_matches(const char *v, size_t n, const char *agent)
{
    size_t k = 0;
    while (k < n && ((v[k] >= 'a' && v[k] <= 'z') || (v[k] >= 'A' && v[k] <= 'Z') || v[k] == '-' || v[k] == '_'))
        k++;
    return k == strlen(agent) && strncasecmp(v, agent, k) == 0;
}

enum cwt_status cwt__robots_parse(const char *text, size_t len, const char *agent, struct cwt__robots **out)
{
    enum cwt_status st = CWT_OK;
    struct cwt__robots *r = CWT_NEW(struct cwt__robots);
    if (!r)
        return CWT_ENOMEM;
    r->ours.delay = r->star.delay = -1;
    if (len > CWT__ROBOTS_MAX_BYTES)
        len = CWT__ROBOTS_MAX_BYTES;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
        text += 3;
        len -= 3;
    }
    bool in_agents = false;  /* the previous record was a user-agent line */
    bool g_ours = false, g_star = false;
    const char *p = text, *end = text + len;
    while (p < end && st == CWT_OK) {
        const char *eol = p;
        while (eol < end && *eol != '\n' && *eol != '\r')
            eol++;
        const char *line_end = memchr(p, '#', (size_t)(eol - p));
        if (!line_end)
            line_end = eol;
        const char *colon = memchr(p, ':', (size_t)(line_end - p));
        const char *next = eol < end ? eol + 1 : eol;
        if (!colon) {
            p = next;
            continue;
        }
        const char *k = p, *ke = colon, *v = colon + 1, *ve = line_end;
        while (k < ke && (*k == ' ' || *k == '\t'))
            k++;
        while (ke > k && (ke[-1] == ' ' || ke[-1] == '\t'))
            ke--;
        while (v < ve && (*v == ' ' || *v == '\t'))
            v++;
        while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
            ve--;
        size_t kl = (size_t)(ke - k), vl = (size_t)(ve - v);
#define KEY(s) (kl == sizeof(s) - 1 && strncasecmp(k, s, kl) == 0)
        if (KEY("user-agent")) {
            if (!in_agents)
                g_ours = g_star = false;
            in_agents = true;
            if (vl == 1 && *v == '*')
                g_star = true;
            else if (agent_matches(v, vl, agent))
                g_ours = true;
        } else if (KEY("allow") || KEY("disallow")) {
            in_agents = false;
            bool allow = KEY("allow");
            if (g_ours)
                st = add_rule(&r->ours, v, vl, allow);
            if (g_star && st == CWT_OK)
                st = add_rule(&r->star, v, vl, allow);
        } else if (KEY("crawl-delay")) {
            in_agents = false;
            char num[32];
            snprintf(num, sizeof num, "%.*s", (int)CWT_MIN(vl, sizeof num - 1), v);
            char *e;
            double d = strtod(num, &e);
            if (e != num && d >= 0 && d < 86400) {
                if (g_ours)
                    r->ours.delay = d;
                if (g_star)
                    r->star.delay = d;
            }
        } else if (KEY("sitemap")) {
            if (vl && r->nsitemaps < MAX_SITEMAPS) {
                st = CWT_GROW(r->sitemaps, r->nsitemaps, &r->cap_sitemaps, MAX_SITEMAPS);
                if (st == CWT_OK && !(r->sitemaps[r->nsitemaps] = cwt_strndup(v, CWT_MIN(vl, (size_t)2048))))
                    st = CWT_ENOMEM;
                if (st == CWT_OK)
                    r->nsitemaps++;
            }
        } else {
            in_agents = false;
        }
        if (KEY("user-agent") && g_ours)
            r->have_ours = true;
#undef KEY
        p = next;
    }
    if (st) {
        cwt__robots_free(r);
        return st;
    }
    if (!r->have_ours) { /* no group names us: the "*" groups apply */
        ruleset_release(&r->ours);
        r->ours = r->star;
        memset(&r->star, 0, sizeof r->star);
    }
    *out = r;
    return CWT_OK;
}

void cwt__robots_free(struct cwt__robots *r)
{
    if (!r)
        return;
    ruleset_release(&r->ours);
    ruleset_release(&r->star);
    for (size_t i = 0; i < r->nsitemaps; i++)
        cwt_free(r->sitemaps[i]);
    cwt_free(r->sitemaps);
    cwt_free(r);
}

bool cwt__robots_allowed(const struct cwt__robots *r, const char *path)
{
    if (!r || !path)
        return true;
    size_t n = strnlen(path, MAX_PATH);
    char norm[3 * MAX_PATH + 1];
    size_t nl = normalize(path, n, norm);
    if (strcmp(norm, "/robots.txt") == 0)
        return true;
    size_t best_allow = 0, best_disallow = 0;
    bool any_allow = false, any_disallow = false;
    for (size_t i = 0; i < r->ours.n; i++) {
        const struct rule *ru = &r->ours.rules[i];
        if (!pat_match(ru->pat, ru->len, norm, nl))
            continue;
        if (ru->allow) {
            if (!any_allow || ru->len > best_allow)
                best_allow = ru->len;
            any_allow = true;
        } else {
            if (!any_disallow || ru->len > best_disallow)
                best_disallow = ru->len;
            any_disallow = true;
        }
    }
    return !any_disallow || (any_allow && best_allow >= best_disallow);
}

double cwt__robots_crawl_delay(const struct cwt__robots *r)
{
    return r ? r->ours.delay : -1;
}

size_t cwt__robots_sitemaps(const struct cwt__robots *r, const char *const **out)
{
    *out = r ? (const char *const *)r->sitemaps : NULL;
    return r ? r->nsitemaps : 0;
}

size_t cwt__robots_nrules(const struct cwt__robots *r)
{
    return r ? r->ours.n : 0;
}
