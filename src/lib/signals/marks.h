/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The compliance text scanner: finds conformity and safety marks (CE, RoHS,
 * REACH, FCC, UL, CCC, TISI/มอก., SIRIM, SNI, Singapore Safety Mark, Vietnam
 * CR/hợp quy), safety data sheets, warnings, instructions, declarations of
 * conformity and standard numbers in visible text, in English, Chinese, Thai,
 * Vietnamese, Indonesian and Malay. Short acronyms count only as whole words
 * in their usual capitalisation and next to a context word ("CE marking",
 * "CE-compliant", "CE认证"), so "CEO" or "reach us" are not marks.
 */
#ifndef CWT_MARKS_H
#define CWT_MARKS_H

#include "util/common.h"

enum cwt__mark_kind {
    CWT__MK_CONFORMITY = 0, /* CE, RoHS, REACH, FCC, UL, CCC */
    CWT__MK_MARKET,         /* RCEP-market marks: TISI, SIRIM, SNI, Singapore Safety Mark, Vietnam CR */
    CWT__MK_SDS,            /* safety data sheet */
    CWT__MK_WARNING,        /* safety warnings */
    CWT__MK_INSTRUCTIONS,   /* instructions for use, manuals */
    CWT__MK_DECLARATION,    /* declaration of conformity */
    CWT__MK_STANDARD,       /* a standard number: "EN 60335-1", "GB 4706.1", "IEC 62368" */
    CWT__MK_COUNT_
};

struct cwt__mark {
    const char *id;    /* "ce", "rohs", ..., "sds", "warning", "standard" */
    const char *label; /* "CE marking" */
    enum cwt__mark_kind kind;
};

struct cwt__mark_hit {
    const struct cwt__mark *mark;
    size_t off, len;     /* the matched bytes in the scanned text */
    const char *lang;    /* language of the keyword that matched: "en", "zh", "th", "vi", "id", "ms", "*" */
};

/* The mark with @p id, NULL if none. */
const struct cwt__mark *cwt__mark_get(const char *id);
/* All marks, in table order, and their number. */
const struct cwt__mark *cwt__marks_all(size_t *n);
/* "conformity", "market", "sds", ... */
const char *cwt__mark_kind_name(enum cwt__mark_kind k);

/*
 * Calls @p fn for each mark found in @p text (@p len bytes of UTF-8), in text order, at most
 * @p max times; stops early when @p fn returns false. Overlapping hits of the same mark are
 * reported once. Returns the number of hits.
 */
size_t cwt__marks_scan(const char *text, size_t len, size_t max,
                       bool (*fn)(const struct cwt__mark_hit *hit, void *ud), void *ud);

/* cwt__marks_scan() trying every position of the text, without the filters of the positions a keyword
 * may start at: the reference of the tests and of the fuzz target. */
size_t cwt__marks_scan_every(const char *text, size_t len, size_t max,
                             bool (*fn)(const struct cwt__mark_hit *hit, void *ud), void *ud);

/* Case-insensitive (ASCII letters) search of @p needle in @p hay (@p len bytes); offset or SIZE_MAX. */
size_t cwt__find_ci(const char *hay, size_t len, const char *needle);
/* cwt__find_ci() of the first @p n bytes of @p needle (which need not be NUL-terminated). */
size_t cwt__find_ci_n(const char *hay, size_t len, const char *needle, size_t n);

#endif
