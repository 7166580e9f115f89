/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the judging of links for the crawl plan: a link's
 * visible text and its URL path (percent-decoded) are matched against the
 * keyword table of keywords.c. Whole-text matches beat partial ones, text
 * beats URL, the last path segment beats earlier ones, longer keywords beat
 * shorter ones; ASCII keywords must stand as words. A products keyword in a
 * path that goes on ("/products/ball-valve-dn50") marks a product page.
 */
#include <limits.h>
#include <pthread.h>
#include <strings.h>

#include "crawl/plan.h"

enum { MAX_TEXT = 160, MAX_PATH = 2048 };

static bool is_ascii_word(const char *w)
{
    for (; *w; w++)
        if ((unsigned char)*w >= 0x80)
            return false;
    return true;
}

static bool is_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* Lowercases ASCII, collapses whitespace (and no-break spaces), trims; returns the length written (< cap). */
static size_t fold_text(const char *in, char *out, size_t cap)
{
    size_t o = 0;
    bool space = true;
    for (const unsigned char *p = (const unsigned char *)in; *p && o + 1 < cap; p++) {
        bool ws = *p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f';
        if (*p == 0xC2 && p[1] == 0xA0) {
            ws = true;
            p++;
        }
        if (ws) {
            if (!space)
                out[o++] = ' ';
            space = true;
            continue;
        }
        out[o++] = (*p >= 'A' && *p <= 'Z') ? (char)(*p + 32) : (char)*p;
        space = false;
    }
    while (o && out[o - 1] == ' ')
        o--;
    out[o] = '\0';
    return o;
}

/* The path of @p url (after host, before query), percent-decoded, lowercased, into @p out. */
static size_t url_path(const char *url, char *out, size_t cap)
{
    const char *p = strstr(url, "://");
    p = p ? strchr(p + 3, '/') : NULL;
    size_t o = 0;
    if (!p)
        p = "/";
    for (; *p && *p != '?' && *p != '#' && o + 1 < cap; p++) {
        char c = *p;
        if (c == '%' && cwt_hexval(p[1]) >= 0 && cwt_hexval(p[2]) >= 0) {
            c = (char)(cwt_hexval(p[1]) * 16 + cwt_hexval(p[2]));
            p += 2;
        }
        out[o++] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
    }
    out[o] = '\0';
    return o;
}

bool cwt__plan_is_file(const char *url)
{
    static const char *const exts[] = {".pdf", ".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".ico", ".zip",
                                       ".rar", ".7z",  ".gz",   ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx",
                                       ".mp4", ".mov", ".avi",  ".mp3", ".exe", ".dmg", ".apk",  ".css", ".js",
                                       ".xml", ".json", ".txt", ".csv", ".woff", ".woff2", ".ttf"};
    char path[MAX_PATH];
    size_t n = url_path(url, path, sizeof path);
    for (size_t i = 0; i < CWT_ARRAY_LEN(exts); i++) {
        size_t el = strlen(exts[i]);
        if (n >= el && strcmp(path + n - el, exts[i]) == 0)
            return true;
    }
    return false;
}

/* True when segment @p seg (@p n bytes) is @p word followed by '-' or '_' and more, e.g. "product-x.html". */
static bool item_segment(const char *seg, size_t n, const char *word)
{
    size_t wl = strlen(word);
    if (n <= wl + 1 || strncmp(seg, word, wl) != 0 || (seg[wl] != '-' && seg[wl] != '_'))
        return false;
    char c = seg[wl + 1];
    return c != '.' && c != '\0';
}

/* The keyword table indexed once: each keyword's role group (roles are contiguous in the table), its
 * length and whether it is ASCII, and two indexes (the text keywords and the URL keywords) by a hash of
 * their first two bytes, in table order within a bucket. A text is then scanned once, position by
 * position, rather than once per keyword. */
#define PLAN_ROLES 64
#define PLAN_KW 1024
#define PLAN_BUCKETS 512
struct kw_index {
    unsigned short start[PLAN_BUCKETS + 1], order[PLAN_KW];
    uint8_t pairs[65536 / 8]; /* the exact first two bytes of the keywords: a position with others starts none
                                 (the buckets, 512 for all pairs, are mostly shared with other pairs) */
};
static unsigned short kw_role[PLAN_KW], kw_len[PLAN_KW];
static bool kw_ascii[PLAN_KW];
static struct kw_index idx_text, idx_url;
static const char *role_names[PLAN_ROLES];
static size_t nroles;
static bool kw_ok; /* the table fits the index (1024 keywords of 2 bytes or more, 64 roles; else no link gets a role) */
static pthread_once_t kw_once = PTHREAD_ONCE_INIT;

static unsigned bucket_of(unsigned char b0, unsigned char b1)
{
    return ((unsigned)b0 * 31u + (unsigned)b1 * 7u) & (PLAN_BUCKETS - 1);
}

static void index_build(struct kw_index *x, unsigned where)
{
    for (size_t i = 0; i < cwt__nkeywords; i++)
        if (cwt__keywords[i].where & where) {
            const unsigned char *w = (const unsigned char *)cwt__keywords[i].word;
            x->start[bucket_of(w[0], w[1]) + 1]++;
            unsigned k = (unsigned)w[0] << 8 | w[1];
            x->pairs[k >> 3] = (uint8_t)(x->pairs[k >> 3] | 1u << (k & 7));
        }
    for (size_t b = 1; b <= PLAN_BUCKETS; b++)
        x->start[b] = (unsigned short)(x->start[b] + x->start[b - 1]);
    unsigned short fill[PLAN_BUCKETS];
    memcpy(fill, x->start, sizeof fill);
    for (size_t i = 0; i < cwt__nkeywords; i++)
        if (cwt__keywords[i].where & where) {
            const unsigned char *w = (const unsigned char *)cwt__keywords[i].word;
            x->order[fill[bucket_of(w[0], w[1])]++] = (unsigned short)i;
        }
}

static void kw_index(void)
{
    if (cwt__nkeywords > PLAN_KW)
        return;
    for (size_t i = 0; i < cwt__nkeywords; i++) {
        const char *role = cwt__keywords[i].role;
        if (i == 0 || !(role == role_names[nroles - 1] || strcmp(role, role_names[nroles - 1]) == 0)) {
            if (nroles == PLAN_ROLES)
                return;
            role_names[nroles++] = role;
        }
        size_t len = strlen(cwt__keywords[i].word);
        if (len < 2 || len > USHRT_MAX)
            return;
        kw_role[i] = (unsigned short)(nroles - 1);
        kw_len[i] = (unsigned short)len;
        kw_ascii[i] = is_ascii_word(cwt__keywords[i].word);
    }
    index_build(&idx_text, CWT__KW_TEXT);
    index_build(&idx_url, CWT__KW_URL);
    kw_ok = true;
}

/* The keywords of index @p x found in @p s (@p n bytes), each at its first position where an ASCII keyword
 * does not touch a letter or digit on either side (as find_word() would find it). Fills at[] (indexed by
 * keyword, -1 when absent; the caller sets them all to -1) and hits[] (the keywords found), returns how many. */
static size_t scan(const struct kw_index *x, const char *s, size_t n, long *at, unsigned short *hits, bool filtered)
{
    size_t nhits = 0;
    for (size_t p = 0; p + 1 < n; p++) {
        unsigned char b0 = (unsigned char)s[p], b1 = (unsigned char)s[p + 1];
        unsigned k = (unsigned)b0 << 8 | b1;
        if (filtered && (!(x->pairs[k >> 3] >> (k & 7) & 1)))
            continue;
        unsigned b = bucket_of(b0, b1);
        for (size_t o = x->start[b]; o < x->start[b + 1]; o++) {
            size_t i = x->order[o];
            const char *w = cwt__keywords[i].word;
            size_t wl = kw_len[i];
            if (at[i] >= 0 || (unsigned char)w[0] != b0 || (unsigned char)w[1] != b1 || wl > n - p ||
                memcmp(s + p + 2, w + 2, wl - 2) != 0)
                continue;
            if (kw_ascii[i] && ((p > 0 && is_alnum(s[p - 1])) || (p + wl < n && is_alnum(s[p + wl]))))
                continue;
            at[i] = (long)p;
            hits[nhits++] = (unsigned short)i;
        }
    }
    return nhits;
}

/* The best text and URL keyword of each role: the highest score, the earliest keyword of the table on a
 * tie (as a walk of the table in order that keeps only strictly better ones). */
struct role_best {
    int ts, us;
    size_t tk, uk; /* keyword indexes, SIZE_MAX if none */
    bool product;
};

static void judge(const char *text, const char *url, struct cwt__link_role *out, bool filtered)
{
    pthread_once(&kw_once, kw_index);
    char t[MAX_TEXT * 4];
    char path[MAX_PATH];
    size_t tl = text ? fold_text(text, t, sizeof t) : 0;
    bool text_usable = tl > 0 && tl <= MAX_TEXT;
    size_t pl = url ? url_path(url, path, sizeof path) : 0;
    /* the last non-empty segment starts after the last '/' that is followed by something */
    size_t end = pl;
    while (end > 0 && path[end - 1] == '/')
        end--;
    size_t last = end;
    while (last > 0 && path[last - 1] != '/')
        last--;

    memset(out, 0, sizeof *out);
    if (!kw_ok)
        return;
    struct role_best rb[PLAN_ROLES];
    for (size_t r = 0; r < nroles; r++)
        rb[r] = (struct role_best){0, 0, SIZE_MAX, SIZE_MAX, false};
    long at[PLAN_KW];
    unsigned short hits[PLAN_KW];
    for (size_t i = 0; i < cwt__nkeywords; i++)
        at[i] = -1;
    size_t nhits = text_usable ? scan(&idx_text, t, tl, at, hits, filtered) : 0;
    for (size_t h = 0; h < nhits; h++) {
        size_t i = hits[h];
        struct role_best *r = &rb[kw_role[i]];
        int s = at[i] == 0 && kw_len[i] == tl ? 30 : tl > 40 ? 8 : 20; /* the whole text, or a part of it */
        s += (int)CWT_MIN(kw_len[i] / 4u, 5u);
        if (s > r->ts || (s == r->ts && i < r->tk)) {
            r->ts = s;
            r->tk = i;
        }
        at[i] = -1; /* ready for the URL's scan */
    }
    nhits = pl ? scan(&idx_url, path, end, at, hits, filtered) : 0;
    for (size_t h = 0; h < nhits; h++) {
        size_t i = hits[h];
        const struct cwt__keyword *k = &cwt__keywords[i];
        struct role_best *r = &rb[kw_role[i]];
        bool in_last = (size_t)at[i] >= last;
        int s = (in_last ? 12 : 6) + (int)CWT_MIN(kw_len[i] / 4u, 5u);
        if (s > r->us || (s == r->us && i < r->uk)) {
            r->us = s;
            r->uk = i;
            /* "/products/x" or a last segment naming one item ("product-ball-valve.html",
             * "product_123"): a product page, not the listing */
            r->product = strcmp(k->role, "products") == 0 &&
                         (!in_last || item_segment(path + last, end - last, k->word));
        }
    }
    const char *best_role = NULL, *best_word = NULL;
    int best = 0;
    bool best_text = false;
    for (size_t ri = 0; ri < nroles; ri++) {
        const struct role_best *r = &rb[ri];
        int total = r->ts + r->us;
        if (total > best) {
            best = total;
            best_role = r->product && r->ts == 0 ? "product" : role_names[ri];
            best_word = r->tk != SIZE_MAX ? cwt__keywords[r->tk].word : cwt__keywords[r->uk].word;
            best_text = r->tk != SIZE_MAX;
        }
    }
    if (best_role) {
        out->role = best_role;
        out->score = best;
        out->word = best_word;
        out->by_text = best_text;
    }
}

void cwt__plan_judge(const char *text, const char *url, struct cwt__link_role *out)
{
    judge(text, url, out, true);
}

void cwt__plan_judge_every(const char *text, const char *url, struct cwt__link_role *out)
{
    judge(text, url, out, false);
}
