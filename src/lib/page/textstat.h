/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Readability statistics of a text (used by the privacy signal): Flesch reading
 * ease and Flesch-Kincaid grade for English, counted the way textstat counts
 * (punctuation other than apostrophes removed before counting words; sentences
 * of two words or fewer not counted; syllables by a heuristic tuned to CMUdict),
 * and the average sentence length in characters for languages written without
 * word spaces (Chinese, Japanese, Thai). Also the language of a text: Unicode
 * script ranges for zh/ja/ko/th, libexttextcat n-gram fingerprints otherwise.
 */
#ifndef CWT_TEXTSTAT_H
#define CWT_TEXTSTAT_H

#include "page/page.h"

#define CWT__TEXTSTAT_MAX_BYTES (512u * 1024) /* bytes of text looked at */

struct cwt__textstat {
    size_t words;        /* words after punctuation removal */
    size_t sentences;    /* sentences of more than two words (0 for an empty text) */
    size_t syllables;
    double flesch_ease;  /* 206.835 - 1.015 w/s - 84.6 syl/w; 0 without words */
    double fk_grade;     /* 0.39 w/s + 11.8 syl/w - 15.59; 0 without words */
    size_t chars;        /* letters (code points that are not space or punctuation) */
    size_t char_sentences; /* sentences split at 。！？!?.; and line breaks (and spaces for Thai) */
    double chars_per_sentence;
};

/* English statistics of @p text (UTF-8, @p len bytes; at most CWT__TEXTSTAT_MAX_BYTES read). */
void cwt__textstat_en(const char *text, size_t len, struct cwt__textstat *out);
#define CWT__MIN_SENTENCE_CHARS 6 /* shorter stretches (headings, menu items) are not sentences */
/* Character statistics (chars, char_sentences, chars_per_sentence) for zh/ja/th text; @p thai makes
 * a space end a sentence, as Thai writes it. Only sentences of CWT__MIN_SENTENCE_CHARS or more
 * characters are counted, in chars as in char_sentences. */
void cwt__textstat_chars(const char *text, size_t len, bool thai, struct cwt__textstat *out);
/* Syllables of one English word (heuristic; digits count as one). */
unsigned cwt__syllables_en(const char *word, size_t len);

/* ---- language identification ---- */
struct cwt__langid;
/* Loads the libexttextcat fingerprints (@p conf NULL: the Debian default
 * /usr/share/libexttextcat/fpdb.conf). Without them detection falls back to scripts only (still CWT_OK,
 * *out set). Free with cwt__langid_free(). With @p conf NULL the fingerprints are loaded once per process
 * and shared (read-only). */
enum cwt_status cwt__langid_new(const char *conf, struct cwt__langid **out);
void cwt__langid_free(struct cwt__langid *lid);
/* The language of @p text as a lowercase ISO 639 code ("en", "zh", "th", "vi", "id", "ms", "fil",
 * "ja", "ko", "de", ...) written into @p out (at least 8 bytes); false when unknown or too short.
 * @p lid may be NULL (scripts only). Not safe to share one @p lid between threads. */
bool cwt__langid_detect(struct cwt__langid *lid, const char *text, size_t len, char *out, size_t outlen);
/* The part of a text of @p len bytes (already capped at CWT__TEXTSTAT_MAX_BYTES) that
 * cwt__langid_detect() classifies by n-grams: returns its first byte, *n its length. */
size_t cwt__langid_window(const char *text, size_t len, size_t *n);
/* Detects the language of @p doc's visible text and stores it in doc->detected_lang (NULL when
 * unknown), setting doc->lang_detected. Returns CWT_ENOMEM or CWT_OK. */
enum cwt_status cwt__doc_detect_lang(struct cwt__doc *doc, struct cwt__langid *lid);
/* cwt__langid_detect() of @p doc's visible text, computed once per page: the crawl detects it after the
 * parse (cwt__doc_detect_lang), and a page parsed elsewhere is detected here with @p lid. */
bool cwt__doc_lang(const struct cwt__doc *doc, struct cwt__langid *lid, char *out, size_t outlen);

#endif
