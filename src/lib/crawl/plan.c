/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the judging of links for the crawl plan: a link's
 * visible text and its URL path (percent-decoded) are matched against the
 * keyword table of keywords.c. Whole-text matches beat partial ones, text
 * beats URL, the last path segment beats earlier ones, longer keywords beat
 * shorter ones; ASCII keywords must stand as words. A products keyword in a
 * path that goes on ("/products/ball-valve-dn50") marks a product page.
 */
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

static int hexv(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)(c | 0x20);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
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
        if (c == '%' && hexv(p[1]) >= 0 && hexv(p[2]) >= 0) {
            c = (char)(hexv(p[1]) * 16 + hexv(p[2]));
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

void cwt__plan_judge(const char *text, const char *url, struct cwt__link_role *out)
{
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
     * (find_word looks for it first), which spares most of the table on every link */
    bool in_text[256] = {false}, in_path[256] = {false};
    for (size_t i = 0; text_usable && i < tl; i++)
        in_text[(unsigned char)t[i]] = true;
    for (size_t i = 0; i < end; i++)
        in_path[(unsigned char)path[i]] = true;

    memset(out, 0, sizeof *out);
    const char *best_role = NULL, *best_word = NULL;
    int best = 0;
    bool best_text = false;
    /* roles are contiguous in the table: score each role as best text + best URL */
    for (size_t i = 0; i < cwt__nkeywords;) {
        const char *role = cwt__keywords[i].role;
        int ts = 0, us = 0;
        const char *tw = NULL, *uw = NULL;
        bool product = false;
        for (; i < cwt__nkeywords && (cwt__keywords[i].role == role || strcmp(cwt__keywords[i].role, role) == 0);
             i++) {
            const struct cwt__keyword *k = &cwt__keywords[i];
            unsigned char w0 = (unsigned char)k->word[0];
            if ((k->where & CWT__KW_TEXT) && text_usable && in_text[w0]) {
                int s = 0;
                if (strcmp(t, k->word) == 0)
                    s = 30;
                else if (find_word(t, tl, k->word) >= 0)
                    s = tl > 40 ? 8 : 20;
                int bonus = s ? (int)CWT_MIN(strlen(k->word) / 4, (size_t)5) : 0;
                if (s && s + bonus > ts) {
                    ts = s + bonus;
                    tw = k->word;
                }
            }
            if ((k->where & CWT__KW_URL) && pl && in_path[w0]) {
                long at = find_word(path, end, k->word);
                if (at >= 0) {
                    bool in_last = (size_t)at >= last;
                    int s = (in_last ? 12 : 6) + (int)CWT_MIN(strlen(k->word) / 4, (size_t)5);
                    if (s > us) {
                        us = s;
                        uw = k->word;
                        /* "/products/x" or a last segment naming one item ("product-ball-valve.html",
                         * "product_123"): a product page, not the listing */
                        product = strcmp(role, "products") == 0 && (!in_last || item_segment(path + last,
                                                                                               end - last,
                                                                                               k->word));
                    }
                }
            }
        }
        int total = ts + us;
        if (total > best) {
            best = total;
            best_role = product && ts == 0 ? "product" : role;
            best_word = tw ? tw : uw;
            best_text = tw != NULL;
        }
    }
    if (best_role) {
        out->role = best_role;
        out->score = best;
        out->word = best_word;
        out->by_text = best_text;
    }
}
