/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the "languages" signal: which languages the site
 * offers, from four sources (hreflang alternates, language-switcher links,
 * <html lang>, and the detected language of each page's text: Unicode script
 * for zh/ja/ko/th, libexttextcat otherwise), against the target markets of the
 * program (en, th, vi, id, ms, zh, fil). See docs/internals/signals-privacy.md
 * (the languages section).
 */
#include <ctype.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>

#include "page/textstat.h"
#include "signals/content.h"
#include "signals/marks.h"

static const char *const targets[] = {"en", "th", "vi", "id", "ms", "zh", "fil"};
#define NTARGETS 7
#define MAX_LANGS 32
#define OTHER_TARGETS_FOR_FULL 3.0 /* besides English, three target languages give full marks */

/* Link texts of language switchers (whole text, case-insensitive) and the language they name. */
static const struct {
    const char *code;
    const char *const names[12];
} lang_names[] = {
    {"en", {"english", "eng", "en", "english (us)", "english (uk)", "英文", "英語", "อังกฤษ", "tiếng anh", NULL}},
    {"zh", {"中文", "简体中文", "繁體中文", "繁体中文", "简体", "繁體", "汉语", "chinese", "zh", "cn", "中文版", NULL}},
    {"th", {"ไทย", "ภาษาไทย", "thai", "th", NULL}},
    {"vi", {"tiếng việt", "vietnamese", "vi", "vn", "việt nam", NULL}},
    {"id", {"bahasa indonesia", "indonesia", "indonesian", "id", NULL}},
    {"ms", {"bahasa melayu", "melayu", "malay", "bahasa malaysia", "ms", "bm", NULL}},
    {"fil", {"filipino", "tagalog", "fil", "tl", NULL}},
    {"ja", {"日本語", "japanese", "ja", "jp", NULL}},
    {"ko", {"한국어", "korean", "ko", "kr", NULL}},
    {"de", {"deutsch", "german", "de", NULL}},
    {"fr", {"français", "francais", "french", "fr", NULL}},
    {"es", {"español", "espanol", "spanish", "es", NULL}},
    {"pt", {"português", "portugues", "portuguese", "pt", NULL}},
    {"ru", {"русский", "russian", "ru", NULL}},
    {"ar", {"العربية", "arabic", "ar", NULL}},
};

struct lang_entry {
    char code[8];
    unsigned sources; /* 1 hreflang, 2 switcher, 4 html lang, 8 detected */
};

struct langs {
    struct lang_entry e[MAX_LANGS];
    size_t n;
};

enum { SRC_HREFLANG = 1, SRC_SWITCHER = 2, SRC_HTML = 4, SRC_DETECTED = 8 };

/* Normalises a language tag to its primary subtag, mapping old and regional codes ("zh-hans" -> "zh",
 * "tl" -> "fil", "in" -> "id"); false for "x-default" and junk. */
static bool norm_tag(const char *tag, char out[8])
{
    size_t k = 0;
    for (; tag && tag[k] && tag[k] != '-' && tag[k] != '_' && k < 7; k++) {
        char c = tag[k];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c + 32);
        if (c < 'a' || c > 'z')
            return false;
        out[k] = c;
    }
    out[k] = '\0';
    if (k < 2 || k > 3 || (tag[k] && tag[k] != '-' && tag[k] != '_') || strcmp(out, "x") == 0)
        return false;
    if (strcmp(out, "tl") == 0)
        memcpy(out, "fil", 4);
    else if (strcmp(out, "in") == 0)
        memcpy(out, "id", 3);
    else if (strcmp(out, "zsm") == 0)
        memcpy(out, "ms", 3);
    return true;
}

/* Adds a language; returns true when it is new for this source. */
static bool add_lang(struct langs *L, const char *code, unsigned src)
{
    for (size_t i = 0; i < L->n; i++)
        if (strcmp(L->e[i].code, code) == 0) {
            bool fresh = !(L->e[i].sources & src);
            L->e[i].sources |= src;
            return fresh;
        }
    if (L->n >= MAX_LANGS)
        return false;
    snprintf(L->e[L->n].code, sizeof L->e[L->n].code, "%s", code);
    L->e[L->n++].sources = src;
    return true;
}

static bool has_lang(const struct langs *L, const char *code)
{
    for (size_t i = 0; i < L->n; i++)
        if (strcmp(L->e[i].code, code) == 0)
            return true;
    return false;
}

/* Whether @p href carries a language marker for @p code: /code/ or /code-xx/ as first path segment,
 * lang=code (or hl=, language=, locale=) in the query, or code. as first host label. */
static bool href_marks(const char *href, const char *code)
{
    size_t cl = strlen(code);
    const char *h = strstr(href, "://");
    if (!h)
        return false;
    h += 3;
    if (strncasecmp(h, code, cl) == 0 && h[cl] == '.')
        return true;
    const char *path = strchr(h, '/');
    if (path && strncasecmp(path + 1, code, cl) == 0 && strchr("/-_?", path[1 + cl] ? path[1 + cl] : '/'))
        return true;
    const char *q = strchr(href, '?');
    static const char *const keys[] = {"lang=", "hl=", "language=", "locale=", "lng="};
    for (size_t i = 0; q && i < CWT_ARRAY_LEN(keys); i++) {
        const char *p = strstr(q, keys[i]);
        if (p && (p[-1] == '?' || p[-1] == '&') && strncasecmp(p + strlen(keys[i]), code, cl) == 0)
            return true;
    }
    return false;
}

/* The language a switcher link names, or NULL. A two- or three-letter code as text counts only when the
 * link's URL also carries it. */
static bool name_first[256]; /* the first bytes of the names, both cases: a text starting otherwise names none */
static uint8_t name_len[CWT_ARRAY_LEN(lang_names)][12]; /* each name's length */
static pthread_once_t name_first_once = PTHREAD_ONCE_INIT;

static void name_first_build(void)
{
    for (size_t i = 0; i < CWT_ARRAY_LEN(lang_names); i++)
        for (const char *const *n = lang_names[i].names; *n; n++) {
            unsigned char c = (unsigned char)(*n)[0];
            name_first[tolower(c)] = name_first[toupper(c)] = true;
            name_len[i][n - lang_names[i].names] = (uint8_t)strlen(*n);
        }
}

static const char *switcher_lang(const struct cwt__link *l)
{
    pthread_once(&name_first_once, name_first_build);
    size_t tl;
    if (!l->text || !name_first[(unsigned char)l->text[0]] || (tl = strlen(l->text)) > 40)
        return NULL;
    int t0 = tolower((unsigned char)l->text[0]);
    for (size_t i = 0; i < CWT_ARRAY_LEN(lang_names); i++)
        for (const char *const *n = lang_names[i].names; *n; n++) {
            /* (the length and the first byte reject most names without a call: strcasecmp folds ASCII
             * letters alone, so names equal to the text have its length) */
            if (name_len[i][n - lang_names[i].names] != tl || t0 != tolower((unsigned char)(*n)[0]) ||
                strcasecmp(l->text, *n) != 0)
                continue;
            if (strlen(*n) <= 3 && !href_marks(l->href, lang_names[i].code) &&
                !(strcmp(lang_names[i].code, "zh") == 0 && href_marks(l->href, "cn")))
                return NULL;
            return lang_names[i].code;
        }
    return NULL;
}

static void evidence(struct cwt__signal *out, const char *url, const char *what, const char *fmt, ...)
    CWT_PRINTF(4, 5);
static void evidence(struct cwt__signal *out, const char *url, const char *what, const char *fmt, ...)
{
    char sn[CWT__SNIPPET_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sn, sizeof sn, fmt, ap);
    va_end(ap);
    cwt__signal_evidence(out, url, what, sn);
}

enum cwt_status cwt__sig_languages(const struct cwt__site *site, struct cwt__signal *out)
{
    struct langs L = {.n = 0};
    size_t pages = 0, mismatches = 0;
    struct cwt__langid *lid = NULL;
    enum cwt_status rc = cwt__langid_new(NULL, &lid);
    if (rc)
        return rc;
    json_t *per_page = json_array();
    for (size_t i = 0; i < site->npages; i++) {
        const struct cwt__site_page *p = &site->pages[i];
        const struct cwt__doc *doc = p->doc;
        if (!doc)
            continue;
        pages++;
        const char *url = cwt__page_url(p);
        char code[8], det[16] = "";
        for (size_t k = 0; k < doc->nlinks; k++) {
            const struct cwt__link *l = &doc->links[k];
            if (l->hreflang && norm_tag(l->hreflang, code) && add_lang(&L, code, SRC_HREFLANG))
                evidence(out, url, "hreflang", "hreflang=\"%s\" -> %s", l->hreflang, l->href);
            const char *sw = switcher_lang(l);
            if (sw && add_lang(&L, sw, SRC_SWITCHER))
                evidence(out, url, "language switcher", "'%s' -> %s", l->text, l->href);
        }
        bool html_ok = doc->lang && norm_tag(doc->lang, code);
        if (html_ok && add_lang(&L, code, SRC_HTML))
            evidence(out, url, "html lang", "<html lang=\"%s\">", doc->lang);
        bool detected = cwt__doc_lang(doc, lid, det, sizeof det);
        if (detected && add_lang(&L, det, SRC_DETECTED)) {
            char sn[120];
            cwt__around(doc->text, doc->text_len, doc->text_len / 2, 0, 50, sn, sizeof sn);
            evidence(out, url, "text language", "detected %s: %s", det, sn);
        }
        json_t *pp = json_object();
        json_object_set_new(pp, "url", json_string(url ? url : ""));
        json_object_set_new(pp, "html_lang", doc->lang ? json_string(doc->lang) : json_null());
        json_object_set_new(pp, "detected", detected ? json_string(det) : json_null());
        if (json_array_size(per_page) < 64)
            json_array_append_new(per_page, pp);
        else
            json_decref(pp);
        /* <html lang> that disagrees with the text (only for a page with enough text to tell) */
        if (html_ok && detected && doc->text_len > 200 && strcmp(code, det) != 0 &&
            !((strcmp(code, "id") == 0 || strcmp(code, "ms") == 0) && (strcmp(det, "id") == 0 || strcmp(det, "ms") == 0))) {
            mismatches++;
            if (mismatches <= 3) {
                char msg[200];
                snprintf(msg, sizeof msg, "The page declares lang=\"%s\" but its text reads as %s.", doc->lang, det);
                cwt__signal_finding(out, "languages.lang_mismatch", CWT__SEV_WARN, msg,
                                    "Set <html lang> to the language the page is written in, so search engines and "
                                    "screen readers serve it to the right buyers.",
                                    url, NULL);
            }
        }
    }
    cwt__langid_free(lid);
    if (!pages) {
        json_decref(per_page);
        out->measured = false;
        cwt__signal_summary(out, "no HTML page could be read, so the languages were not checked");
        cwt__content_seen(out, site, 0, "no HTML page");
        return CWT_OK;
    }
    out->measured = true;
    out->raw_unit = "target languages";
    json_t *d = cwt__signal_detail(out);
    if (!d) {
        json_decref(per_page);
        return CWT_ENOMEM;
    }
    json_object_set_new(d, "pages", per_page);
    json_t *offered = json_object();
    bool declared = false;
    for (size_t i = 0; i < L.n; i++) {
        json_t *src = json_array();
        static const char *const names[] = {"hreflang", "switcher", "html_lang", "detected"};
        for (unsigned b = 0; b < 4; b++)
            if (L.e[i].sources & (1u << b))
                json_array_append_new(src, json_string(names[b]));
        json_object_set_new(offered, L.e[i].code, src);
        declared = declared || (L.e[i].sources & (SRC_HREFLANG | SRC_SWITCHER));
    }
    json_object_set_new(d, "offered", offered);
    size_t covered = 0, others = 0;
    char missing[64] = "", have[64] = "";
    json_t *tj = json_array();
    for (size_t t = 0; t < NTARGETS; t++) {
        bool ok = has_lang(&L, targets[t]);
        char *dst = ok ? have : missing;
        size_t dl = strlen(dst);
        snprintf(dst + dl, 64 - dl, "%s%s", dl ? ", " : "", targets[t]);
        if (ok) {
            covered++;
            others += t > 0;
            json_array_append_new(tj, json_string(targets[t]));
        }
    }
    json_object_set_new(d, "targets_offered", tj);
    bool en = has_lang(&L, "en");
    out->raw = (double)covered;
    out->value = cwt__clamp01((en ? 0.4 : 0) + 0.6 * CWT_MIN(1.0, (double)others / OTHER_TARGETS_FOR_FULL));
    out->confidence = declared ? 0.9 : 0.7;
    cwt__signal_summary(out, "%zu language(s) offered on %zu page(s); target markets covered: %s", L.n, pages,
                        covered ? have : "none");
    if (!en)
        cwt__signal_finding(out, "languages.no_english", CWT__SEV_WARN, "The site has no English version.",
                            "Offer an English version of the main pages (home, products, contact, certificates).",
                            site->url, NULL);
    if (L.n <= 1)
        cwt__signal_finding(out, "languages.single", CWT__SEV_WARN, "The site is in one language only.",
                            "Translate the main pages for your target markets and link them with hreflang.",
                            site->url, NULL);
    if (covered < NTARGETS) {
        char msg[160];
        snprintf(msg, sizeof msg, "Target-market languages not offered: %s.", missing);
        cwt__signal_finding(out, "languages.missing_targets", CWT__SEV_INFO, msg,
                            "Add the languages of the markets you sell to, each with an hreflang alternate.", NULL,
                            NULL);
    }
    if (!declared && L.n > 0)
        cwt__signal_finding(out, "languages.no_hreflang", CWT__SEV_INFO,
                            "No hreflang alternates or language switcher were found.",
                            "Link each language version with <link rel=\"alternate\" hreflang=\"..\"> and a visible switcher.",
                            site->url, NULL);
    if (out->value < 1)
        cwt__signal_fix(out, "%s", en ? "Add versions in the languages of your target markets (Thai, Vietnamese, "
                                        "Indonesian, Malay, Chinese, Filipino) and link them with hreflang."
                                      : "Add an English version, then the languages of your target markets.");
    cwt__content_seen(out, site, pages, "no language markers");
    return CWT_OK;
}
