/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the text statistics of page/textstat.h: textstat's
 * word and sentence counting for English with a syllable heuristic tuned to
 * CMUdict (textstat's source), Flesch reading ease and Flesch-Kincaid grade;
 * sentence length in characters for scripts without word spaces; and language
 * identification by Unicode script, then libexttextcat fingerprints.
 */
#include <stdio.h>

#include "page/textcat_model.h"
#include "page/textstat.h"

/* ---- UTF-8 helpers ---- */

static uint32_t next_cp(const char *s, size_t len, size_t *i)
{
    const unsigned char *u = (const unsigned char *)s + *i;
    size_t left = len - *i;
    uint32_t cp;
    size_t n;
    if (u[0] < 0x80) {
        cp = u[0], n = 1;
    } else if ((u[0] >> 5) == 6 && left >= 2) {
        cp = ((uint32_t)(u[0] & 31) << 6) | (u[1] & 63), n = 2;
    } else if ((u[0] >> 4) == 14 && left >= 3) {
        cp = ((uint32_t)(u[0] & 15) << 12) | ((uint32_t)(u[1] & 63) << 6) | (u[2] & 63), n = 3;
    } else if ((u[0] >> 3) == 30 && left >= 4) {
        cp = ((uint32_t)(u[0] & 7) << 18) | ((uint32_t)(u[1] & 63) << 12) | ((uint32_t)(u[2] & 63) << 6) | (u[3] & 63);
        n = 4;
    } else {
        cp = 0xFFFD, n = 1;
    }
    *i += n;
    return cp;
}

static bool cp_space(uint32_t c)
{
    return c == ' ' || (c >= 9 && c <= 13) || c == 0xA0 || c == 0x3000 || (c >= 0x2000 && c <= 0x200A) ||
           c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x85;
}

/* Python's \w, approximately: letters, digits, underscore, and non-ASCII outside the punctuation blocks. */
static bool cp_word(uint32_t c)
{
    if (c < 0x80)
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (cp_space(c))
        return false;
    if ((c >= 0xA1 && c <= 0xBF && c != 0xAA && c != 0xB5 && c != 0xBA) || c == 0xD7 || c == 0xF7)
        return false;
    if ((c >= 0x2000 && c <= 0x206F) || (c >= 0x3000 && c <= 0x303F) || (c >= 0xFF01 && c <= 0xFF0F) ||
        (c >= 0xFF1A && c <= 0xFF20) || (c >= 0xFF3B && c <= 0xFF40) || (c >= 0xFF5B && c <= 0xFF65) ||
        (c >= 0x2190 && c <= 0x2BFF) || c == 0xE5A || c == 0xE5B || c == 0xE2F)
        return false;
    return true;
}

/* ---- syllables ---- */

static bool vowel(char c)
{
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
}

static bool ends(const char *b, size_t n, const char *suf)
{
    size_t k = strlen(suf);
    return n >= k && memcmp(b + n - k, suf, k) == 0;
}

unsigned cwt__syllables_en(const char *word, size_t len)
{
    char b[64];
    size_t n = 0;
    /* an acronym of 2-4 capitals is spelled: TV, SGS, CEO (W says three syllables) */
    bool caps = len >= 2 && len <= 4;
    unsigned spelled = 0;
    for (size_t i = 0; caps && i < len; i++) {
        caps = word[i] >= 'A' && word[i] <= 'Z';
        spelled += word[i] == 'W' ? 3 : 1;
    }
    if (caps)
        return spelled;
    if (len == 3 && strncasecmp(word, "etc", 3) == 0)
        return 4; /* et cetera */
    for (size_t i = 0; i < len && n < sizeof b - 1; i++) {
        char c = word[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c + 32);
        if (c >= 'a' && c <= 'z')
            b[n++] = c;
    }
    b[n] = '\0';
    if (n <= 3)
        return 1;
    /* n't after a consonant is a syllable of its own: didn't, couldn't, isn't */
    unsigned extra = ends(b, n, "nt") && n >= 3 && !vowel(b[n - 3]) && len >= 3 &&
                     (memcmp(word + len - 3, "n't", 3) == 0 || (len >= 5 && memcmp(word + len - 5, "n\xE2\x80\x99t", 5) == 0));
    /* a silent e inside common compounds: someone, something, homework, lifetime */
    static const char *const compounds[] = {"some", "home", "life", "time", "care", "where", "there", "love",
                                            "like", "wide", "safe", "base", "fore", "note", "name"};
    for (size_t k = 0; k < CWT_ARRAY_LEN(compounds); k++) {
        size_t pl = strlen(compounds[k]);
        if (n > pl + 1 && memcmp(b, compounds[k], pl) == 0 && !vowel(b[pl])) {
            memmove(b + pl - 1, b + pl, n - pl + 1);
            n--;
            break;
        }
    }
    if (ends(b, n, "iage")) { /* marriage, carriage: one syllable */
        b[n - 4] = 'i', b[n - 3] = 'g', b[n - 2] = '\0';
        n -= 2;
    }
    /* endings */
    if (ends(b, n, "es") && n >= 3 &&
        (strchr("csxzg", b[n - 3]) || ends(b, n, "ches") || ends(b, n, "shes"))) {
        /* -es after a sibilant is a syllable: places, boxes, judges */
    } else if (ends(b, n, "ed") && n >= 3 && (b[n - 3] == 't' || b[n - 3] == 'd')) {
        /* wanted, ended */
    } else if (ends(b, n, "le") && n >= 3 && vowel(b[n - 3])) {
        b[--n] = '\0'; /* whole, sale */
    } else if (ends(b, n, "yed") && n >= 4 && vowel(b[n - 4])) {
        n -= 2; /* played, enjoyed */
        b[n] = '\0';
    } else if (n >= 3 && (ends(b, n, "es") || ends(b, n, "ed")) && !vowel(b[n - 3]) && b[n - 3] != 'l') {
        n -= 3;
        b[n] = '\0';
    } else if (n >= 2 && b[n - 1] == 'e' && !vowel(b[n - 2]) && b[n - 2] != 'l') {
        n -= 2;
        b[n] = '\0';
    }
    size_t start = b[0] == 'y' ? 1 : 0;
    unsigned count = 0;
    for (size_t i = start; i < n;) {
        if (!vowel(b[i])) {
            i++;
            continue;
        }
        size_t r = 0;
        while (i < n && vowel(b[i]))
            i++, r++;
        count += (unsigned)((r + 1) / 2);
    }
    /* vowel pairs that are two syllables: media, radio, actual, medium, create, doing */
    for (size_t i = start; i + 1 < n;) {
        char p = i > start ? b[i - 1] : '\0';
        char nx = i + 2 < n ? b[i + 2] : '\0';
        size_t adv = 0;
        if (b[i] == 'i' && b[i + 1] == 'a' && !strchr("ctsgx", p ? p : '-') && nx != 'g')
            adv = 2;
        else if (b[i] == 'i' && b[i + 1] == 'o' && !strchr("ctsgx", p ? p : '-') && nx != 'n')
            adv = 2;
        else if (b[i] == 'u' && (b[i + 1] == 'a' || b[i + 1] == 'o') && p != 'q')
            adv = 2;
        else if (b[i] == 'i' && b[i + 1] == 'u')
            adv = 2;
        else if (i + 4 <= n && memcmp(b + i, "crea", 4) == 0)
            adv = 4;
        else if (i + 4 == n && strchr("aeiou", b[i]) && memcmp(b + i + 1, "ing", 3) == 0)
            adv = 4;
        else if (b[i] == 'y' && b[i + 1] == 'a')
            adv = 2;
        if (adv) {
            count++;
            i += adv;
        } else {
            i++;
        }
    }
    count += extra;
    return count ? count : 1;
}

/* ---- English statistics ---- */

/* Counts words of @p s[0..len) after removing punctuation other than apostrophes; adds syllables. */
static size_t count_words(const char *s, size_t len, size_t *syllables)
{
    size_t words = 0, i = 0;
    char w[128];
    size_t wn = 0;
    bool in = false;
    while (i <= len) {
        uint32_t c = i < len ? next_cp(s, len, &i) : (i++, ' ');
        if (c != ' ' && !cp_space(c)) {
            if (cp_word(c) || c == '\'') {
                if (!in)
                    in = true, wn = 0;
                if (c < 0x80 && wn < sizeof w)
                    w[wn++] = (char)c;
                else if (c >= 0x80 && wn + 1 < sizeof w)
                    w[wn++] = '_'; /* a non-ASCII letter: a letter the heuristic does not count */
            }
            continue; /* punctuation is removed, joining what is around it */
        }
        if (in) {
            words++;
            if (syllables)
                *syllables += cwt__syllables_en(w, wn);
        }
        in = false;
    }
    return words;
}

void cwt__textstat_en(const char *text, size_t len, struct cwt__textstat *out)
{
    memset(out, 0, sizeof *out);
    len = CWT_MIN(len, (size_t)CWT__TEXTSTAT_MAX_BYTES);
    out->words = count_words(text, len, &out->syllables);
    /* sentences: stretches between runs of . ! ? that contain a word character; those of two words or
     * fewer are not counted (textstat) */
    size_t segs = 0, ignored = 0;
    for (size_t i = 0; i < len;) {
        size_t st = i;
        bool word = false;
        while (i < len && text[i] != '.' && text[i] != '!' && text[i] != '?') {
            size_t j = i;
            uint32_t c = next_cp(text, len, &j);
            word = word || cp_word(c);
            i = j;
        }
        if (word) {
            segs++;
            if (count_words(text + st, i - st, NULL) <= 2)
                ignored++;
        }
        while (i < len && (text[i] == '.' || text[i] == '!' || text[i] == '?'))
            i++;
    }
    out->sentences = segs ? CWT_MAX((size_t)1, segs - ignored) : 0;
    if (out->words && out->sentences) {
        double wps = (double)out->words / (double)out->sentences;
        double spw = (double)out->syllables / (double)out->words;
        out->flesch_ease = 206.835 - 1.015 * wps - 84.6 * spw;
        out->fk_grade = 0.39 * wps + 11.8 * spw - 15.59;
    }
}

void cwt__textstat_chars(const char *text, size_t len, bool thai, struct cwt__textstat *out)
{
    memset(out, 0, sizeof *out);
    len = CWT_MIN(len, (size_t)CWT__TEXTSTAT_MAX_BYTES);
    size_t in_sentence = 0;
    for (size_t i = 0; i <= len;) {
        uint32_t c = i < len ? next_cp(text, len, &i) : (i++, '\n');
        bool end = c == 0x3002 || c == 0xFF01 || c == 0xFF1F || c == 0xFF1B || c == '!' || c == '?' || c == ';' ||
                   c == '\n' || (c == '.' && (i >= len || text[i] == ' ' || text[i] == '\n')) ||
                   (thai && cp_space(c));
        if (end) {
            /* a stretch shorter than a short sentence is a heading, a menu item or a label, not prose
             * (textstat likewise skips sentences of two words or fewer) */
            if (in_sentence >= CWT__MIN_SENTENCE_CHARS) {
                out->char_sentences++;
                out->chars += in_sentence;
            }
            in_sentence = 0;
            continue;
        }
        bool thai_mark = c == 0x0E31 || (c >= 0x0E34 && c <= 0x0E3A) || (c >= 0x0E47 && c <= 0x0E4E);
        if (cp_word(c) && !thai_mark) /* a Thai vowel or tone mark sits on its consonant: not counted */
            in_sentence++;
    }
    if (out->char_sentences)
        out->chars_per_sentence = (double)out->chars / (double)out->char_sentences;
}

/* ---- language identification ---- */

struct cwt__langid {
    const struct cwt__tcmodel *m; /* the n-gram fingerprints, NULL when they could not be loaded */
    struct cwt__tcmodel *own;     /* m when loaded from a configuration of the caller's */
};

#define LANGID_DIR "/usr/share/libexttextcat/"

enum cwt_status cwt__langid_new(const char *conf, struct cwt__langid **out)
{
    struct cwt__langid *lid = CWT_NEW(struct cwt__langid);
    if (!lid)
        return CWT_ENOMEM;
    if (conf) {
        enum cwt_status rc = cwt__tcmodel_load(conf, LANGID_DIR, &lid->own);
        if (rc == CWT_ENOMEM) {
            cwt_free(lid);
            return rc;
        }
        lid->m = lid->own;
    } else {
        lid->m = cwt__tcmodel_default(); /* loaded once per process, read-only */
    }
    *out = lid;
    return CWT_OK;
}

void cwt__langid_free(struct cwt__langid *lid)
{
    if (!lid)
        return;
    cwt__tcmodel_free(lid->own);
    cwt_free(lid);
}

#define LANGID_SAMPLE 3000 /* bytes classified by n-grams */

size_t cwt__langid_window(const char *text, size_t len, size_t *n)
{
    /* the middle of the text (navigation sits at both ends), cut on character boundaries */
    size_t from = len > LANGID_SAMPLE ? (len - LANGID_SAMPLE) / 2 : 0;
    while (from < len && ((unsigned char)text[from] & 0xC0) == 0x80)
        from++;
    *n = CWT_MIN((size_t)LANGID_SAMPLE, len - from);
    while (*n && from + *n < len && ((unsigned char)text[from + *n] & 0xC0) == 0x80)
        (*n)--;
    return from;
}

/* The letters among the 8 bytes at text + i when they are all ASCII and counting them cannot take
 * @p letters to the script count's limit (20,000, checked before each character), else SIZE_MAX. A
 * byte is a letter when (b | 0x20) is 'a' to 'z': per byte, adding 0x1F sets its high bit from 'a' up,
 * adding 0x05 from '{' up (no byte carries into the next: all are below 0x80). */
static inline size_t ascii_letters8(const char *text, size_t len, size_t i, size_t letters)
{
    if (len - i < 8 || letters + 8 >= 20000)
        return SIZE_MAX;
    uint64_t x;
    memcpy(&x, text + i, sizeof x);
    const uint64_t high = UINT64_C(0x8080808080808080), ones = UINT64_C(0x0101010101010101);
    if (x & high)
        return SIZE_MAX;
    uint64_t y = x | ones * 0x20;
    uint64_t m = ((y + ones * 0x1F) & ~(y + ones * 0x05) & high) >> 7; /* 1 in each letter's byte */
    return (size_t)((m * ones) >> 56);
}

bool cwt__langid_detect(struct cwt__langid *lid, const char *text, size_t len, char *out, size_t outlen)
{
    size_t thai = 0, han = 0, kana = 0, hangul = 0, latin = 0, letters = 0;
    len = CWT_MIN(len, (size_t)CWT__TEXTSTAT_MAX_BYTES);
    for (size_t i = 0; i < len && letters < 20000;) {
        unsigned char b = (unsigned char)text[i];
        if (b < 0x80) { /* ASCII (most of it): a letter is Latin, anything else is not counted */
            size_t k = ascii_letters8(text, len, i, letters);
            if (k != SIZE_MAX) { /* 8 ASCII bytes at once */
                letters += k;
                latin += k;
                i += 8;
                continue;
            }
            i++;
            bool alpha = (unsigned char)((b | 0x20) - 'a') < 26;
            letters += alpha;
            latin += alpha;
            continue;
        }
        uint32_t c = next_cp(text, len, &i);
        /* the common scripts first: what cp_word() and the ranges below answer for them, without its
         * chain of tests (of its exclusions, only these lie in them) */
        if (c >= 0x4E00 && c <= 0x9FFF) {
            letters++, han++;
            continue;
        }
        if (c >= 0x3040 && c <= 0x30FF) {
            letters++, kana++;
            continue;
        }
        if (c >= 0xAC00 && c <= 0xD7AF) {
            letters++, hangul++;
            continue;
        }
        if (c >= 0x0E00 && c <= 0x0E7F) {
            if (c != 0x0E2F && c != 0x0E5A && c != 0x0E5B)
                letters++, thai++;
            continue;
        }
        if (c >= 0xC0 && c < 0x250) {
            if (c != 0xD7 && c != 0xF7)
                letters++, latin++;
            continue;
        }
        if (!cp_word(c) || (c >= '0' && c <= '9') || c == '_')
            continue;
        letters++;
        if (c >= 0x0E00 && c <= 0x0E7F)
            thai++;
        else if ((c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0xF900 && c <= 0xFAFF))
            han++;
        else if (c >= 0x3040 && c <= 0x30FF)
            kana++;
        else if ((c >= 0xAC00 && c <= 0xD7AF) || (c >= 0x1100 && c <= 0x11FF))
            hangul++;
        else if (c < 0x250 || (c >= 0x1E00 && c <= 0x1EFF))
            latin++;
    }
    const char *code = NULL;
    if (letters < 20)
        return false;
    if (thai * 10 >= letters * 3)
        code = "th";
    else if (kana * 20 >= letters && (kana + han) * 10 >= letters * 3)
        code = "ja";
    else if (hangul * 10 >= letters * 3)
        code = "ko";
    else if (han * 10 >= letters * 3)
        code = "zh";
    char buf[16];
    if (!code && lid && lid->m && latin * 2 >= letters) {
        size_t n, from = cwt__langid_window(text, len, &n);
        char r[256];
        if (cwt__tcmodel_classify(lid->m, text + from, n, r, sizeof r) != CWT_OK)
            r[0] = '\0'; /* out of memory: no answer, as for an unknown language */
        /* textcat lists up to five near-equal candidates, best first ("[en--utf8][sco--utf8]"); a near tie
         * with a small relative (Scots, Catalan, Romansh) is the trade language in this trade: take the
         * first candidate that is one of them, else no answer */
        static const char *const preferred[] = {"en", "zh", "th", "vi", "id", "ms", "tl", "ja", "ko", "de", "fr",
                                                "es", "pt", "it", "nl", "ru", "ar", "hi", "tr", "pl", "km", "lo",
                                                "my", "bn", "ur", "fa", "uk", "cs", "sv", NULL};
        for (const char *p = r; p && *p == '[' && !code;) {
            size_t k = 0;
            for (p++; *p && *p != '-' && *p != ']' && k < sizeof buf - 1; p++)
                buf[k++] = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
            buf[k] = '\0';
            for (size_t i = 0; preferred[i] && !code; i++)
                if (strcmp(buf, preferred[i]) == 0)
                    code = strcmp(buf, "tl") == 0 ? "fil" : buf;
            p = strchr(p, ']');
            p = p ? p + 1 : NULL;
        }
    }
    if (!code)
        return false;
    snprintf(out, outlen, "%s", code);
    return true;
}

enum cwt_status cwt__doc_detect_lang(struct cwt__doc *doc, struct cwt__langid *lid)
{
    char code[16];
    cwt_free(doc->detected_lang);
    doc->detected_lang = NULL;
    doc->lang_detected = false;
    if (cwt__langid_detect(lid, doc->text, doc->text_len, code, sizeof code) &&
        !(doc->detected_lang = cwt_strdup(code)))
        return CWT_ENOMEM;
    doc->lang_detected = true;
    return CWT_OK;
}

bool cwt__doc_lang(const struct cwt__doc *doc, struct cwt__langid *lid, char *out, size_t outlen)
{
    if (!doc->lang_detected)
        return cwt__langid_detect(lid, doc->text, doc->text_len, out, outlen);
    if (!doc->detected_lang)
        return false;
    snprintf(out, outlen, "%s", doc->detected_lang);
    return true;
}
