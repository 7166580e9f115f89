/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Which of a few exact needles (at most 32, each 1 to 64 bytes, none holding a NUL) occur in a
 * NUL-terminated text, answered in one pass: the answers of one strstr() per needle (the text ends
 * at its first NUL). Each needle is anchored on one of its bytes (its first '.', else its first
 * byte); the pass finds the anchor bytes 16 at a time (SSE2) and compares the needles anchored on a
 * byte found there.
 */
#ifndef CWT_NEEDLES_H
#define CWT_NEEDLES_H

#include "util/common.h"

#define CWT__NEEDLES_MAX 32

struct cwt__needles {
    const char *const *words; /* NULL-terminated, static */
    size_t nwords;
    uint8_t len[CWT__NEEDLES_MAX];
    uint8_t off[CWT__NEEDLES_MAX];    /* the anchor's offset in the needle */
    uint8_t anchor[CWT__NEEDLES_MAX]; /* the anchor byte */
    uint8_t nbytes;                   /* distinct anchor bytes */
    uint8_t bytes[16];
};

/* Prepares @p nd for the NULL-terminated @p words; false when they are more than CWT__NEEDLES_MAX,
 * hold an empty word or one longer than 64 bytes, or anchor on more than 16 distinct bytes (then
 * only cwt__needles_in_strstr() may be asked, of the first CWT__NEEDLES_MAX words). */
bool cwt__needles_init(struct cwt__needles *nd, const char *const *words);

/* Bit k set when words[k] occurs in @p s (up to its first NUL, and within @p len bytes). */
uint32_t cwt__needles_in(const struct cwt__needles *nd, const char *s, size_t len);

/* The same by one strstr() per needle: the reference of the tests and the fuzz target. */
uint32_t cwt__needles_in_strstr(const struct cwt__needles *nd, const char *s);

#endif
