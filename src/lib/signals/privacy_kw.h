/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Keyword tables of the privacy signal (privacy_kw.c): the words that name a
 * privacy policy (link text, URL, title) and the words of the eight topics a
 * complete policy covers, in English, Chinese, Thai, Vietnamese, Indonesian
 * and Malay. Matched ASCII-case-insensitively as substrings of the text.
 */
#ifndef CWT_PRIVACY_KW_H
#define CWT_PRIVACY_KW_H

#include <stddef.h>

struct cwt__privacy_topic {
    const char *id;                /* "retention" */
    const char *label;             /* "how long data is kept" */
    const char *const *words;      /* NULL-terminated */
};

#define CWT__PRIVACY_TOPICS 8
extern const struct cwt__privacy_topic cwt__privacy_topics[CWT__PRIVACY_TOPICS];
/* Words naming a privacy policy in link text or a page title. */
extern const char *const cwt__privacy_title_words[];
/* Words naming a privacy policy in a URL (path segments). */
extern const char *const cwt__privacy_url_words[];

#endif
