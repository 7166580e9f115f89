/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the judging of links for the crawl plan: a link's
 * visible text and its URL path (percent-decoded) are matched against the
 * keyword table of keywords.c. Whole-text matches beat partial ones, text
 * beats URL, the last path segment beats earlier ones, longer keywords beat
 * shorter ones; ASCII keywords must stand as words. A products keyword in a
 * path that goes on ("/products/ball-valve-dn50") marks a product page.
 */
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

/* Finds @p w in @p s; ASCII words must not touch letters or digits on either side. Returns the offset or -1. */
static long find_word(const char *s, size_t n, const char *w)
{
    size_t wl = strlen(w);
    if (wl > n)
        return -1;
    int ascii = -1; /* decided on the first hit */
    for (const char *p = s; (p = memchr(p, w[0], (size_t)(s + n - wl + 1 - p))) != NULL; p++) {
        if (memcmp(p, w, wl) != 0)
            continue;
        if (ascii < 0)
            ascii = is_ascii_word(w);
        size_t i = (size_t)(p - s);
        if (ascii && ((i > 0 && is_alnum(s[i - 1])) || (i + wl < n && is_alnum(s[i + wl]))))
            continue;
        return (long)i;
    }
    return -1;
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

/* The keyword table indexed once: each keyword's role group (roles are contiguous in the table) and
 * the keywords by first byte, in table order within a byte. */
#define PLAN_ROLES 64
static unsigned short kw_role[1024], kw_start[257], kw_order[1024];
static const char *role_names[PLAN_ROLES];
static size_t nroles;
static bool kw_ok; /* the table fits the index (1024 keywords, 64 roles; else no link gets a role) */
static pthread_once_t kw_once = PTHREAD_ONCE_INIT;

static void kw_index(void)
{
    if (cwt__nkeywords > CWT_ARRAY_LEN(kw_order))
        return;
    for (size_t i = 0; i < cwt__nkeywords; i++) {
        const char *role = cwt__keywords[i].role;
        if (i == 0 || !(role == role_names[nroles - 1] || strcmp(role, role_names[nroles - 1]) == 0)) {
            if (nroles == PLAN_ROLES)
                return;
            role_names[nroles++] = role;
        }
        kw_role[i] = (unsigned short)(nroles - 1);
        kw_start[(unsigned char)cwt__keywords[i].word[0] + 1]++;
    }
    for (size_t b = 1; b < 257; b++)
        kw_start[b] = (unsigned short)(kw_start[b] + kw_start[b - 1]);
    unsigned short fill[256];
    memcpy(fill, kw_start, sizeof fill);
    for (size_t i = 0; i < cwt__nkeywords; i++)
        kw_order[fill[(unsigned char)cwt__keywords[i].word[0]]++] = (unsigned short)i;
    kw_ok = true;
}

/* The best text and URL keyword of each role so far: the highest score, the earliest keyword of the
 * table on a tie (as a walk of the table in order that keeps only strictly better ones). */
struct role_best {
    int ts, us;
    size_t tk, uk; /* keyword indexes, SIZE_MAX if none */
    bool product;
};

void cwt__plan_judge(const char *text, const char *url, struct cwt__link_role *out)
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

    /* the bytes present in the text and in the path: a keyword whose first byte is absent cannot match
     * (find_word looks for it first), so only the keywords of the bytes present are tried */
    bool in_text[256] = {false}, in_path[256] = {false};
    for (size_t i = 0; text_usable && i < tl; i++)
        in_text[(unsigned char)t[i]] = true;
    for (size_t i = 0; i < end; i++)
        in_path[(unsigned char)path[i]] = true;

    memset(out, 0, sizeof *out);
    struct role_best rb[PLAN_ROLES];
    for (size_t r = 0; r < nroles; r++)
        rb[r] = (struct role_best){0, 0, SIZE_MAX, SIZE_MAX, false};
    for (size_t b = 0; b < 256 && kw_ok; b++) {
        bool bt = text_usable && in_text[b], bu = pl && in_path[b];
        if (!bt && !bu)
            continue;
        for (size_t o = kw_start[b]; o < kw_start[b + 1]; o++) {
            size_t i = kw_order[o];
            const struct cwt__keyword *k = &cwt__keywords[i];
            struct role_best *r = &rb[kw_role[i]];
            if ((k->where & CWT__KW_TEXT) && bt) {
                int s = 0;
                if (strcmp(t, k->word) == 0)
                    s = 30;
                else if (find_word(t, tl, k->word) >= 0)
                    s = tl > 40 ? 8 : 20;
                int bonus = s ? (int)CWT_MIN(strlen(k->word) / 4, (size_t)5) : 0;
                if (s && (s + bonus > r->ts || (s + bonus == r->ts && i < r->tk))) {
                    r->ts = s + bonus;
                    r->tk = i;
                }
            }
            if ((k->where & CWT__KW_URL) && bu) {
                long at = find_word(path, end, k->word);
                if (at >= 0) {
                    bool in_last = (size_t)at >= last;
                    int s = (in_last ? 12 : 6) + (int)CWT_MIN(strlen(k->word) / 4, (size_t)5);
                    if (s > r->us || (s == r->us && i < r->uk)) {
                        r->us = s;
                        r->uk = i;
                        /* "/products/x" or a last segment naming one item ("product-ball-valve.html",
                         * "product_123"): a product page, not the listing */
                        r->product = strcmp(k->role, "products") == 0 &&
                                     (!in_last || item_segment(path + last, end - last, k->word));
                    }
                }
            }
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
