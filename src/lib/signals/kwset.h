/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Keyword sets: "does any of these words occur in this text" answered in one
 * pass over the text (an Aho-Corasick automaton over byte classes, built on
 * first use and kept for the process), instead of one search per word. A set
 * matches ASCII letters case-insensitively (as cwt__find_ci() and strncasecmp
 * do; other bytes exactly) or, made with CWT__KWSET_EXACT, byte for byte (as
 * strstr does). The answers are those of the per-word searches: an empty word
 * never matches, a word longer than the text does not either.
 */
#ifndef CWT_KWSET_H
#define CWT_KWSET_H

#include <stdatomic.h>

#include "util/common.h"
#include "util/cpu.h"

struct cwt__kwdfa; /* kwset.c */

struct cwt__kwset {
    const char *const *words; /* NULL-terminated, static */
    bool exact;               /* byte for byte; else ASCII letters fold */
    _Atomic(struct cwt__kwdfa *) dfa; /* built on first use; a failed build falls back to per-word search */
};

/* A static set of the NULL-terminated list @p w: `static struct cwt__kwset s = CWT__KWSET(words);` */
#define CWT__KWSET(w) {(w), false, NULL}
#define CWT__KWSET_EXACT(w) {(w), true, NULL}

/* True when a word of @p ks occurs in the @p len bytes at @p s. */
bool cwt__kwset_in(struct cwt__kwset *ks, const char *s, size_t len);
/* The same over NUL-terminated @p s (NULL: false). */
bool cwt__kwset_in_str(struct cwt__kwset *ks, const char *s);
/* The answer of cwt__kwset_in() by one search per word (cwt__find_ci_n or memmem), as before keyword
 * sets: the fallback when no automaton can be built, and the reference of the tests and fuzz target. */
bool cwt__kwset_in_words(const struct cwt__kwset *ks, const char *s, size_t len);

/*
 * Window queries over one text: "does a word lie wholly within text[from, to)". Windows asked with
 * non-decreasing @p from and @p to are answered by one forward pass over their union, however
 * many overlap (the text between two windows apart is not read); any other window restarts the
 * scan at its start.
 */
struct cwt__kwcursor {
    struct cwt__kwset *ks;
    const char *text;
    size_t len;
    size_t floor;    /* where the current scan started */
    size_t pos;      /* text[floor, pos) scanned */
    uint32_t state;
    size_t last;     /* greatest start of a word found (in this scan or one before it), SIZE_MAX if none */
};

void cwt__kwcursor_init(struct cwt__kwcursor *c, struct cwt__kwset *ks, const char *text, size_t len);
bool cwt__kwcursor_within(struct cwt__kwcursor *c, size_t from, size_t to);

/*
 * A filter of scan positions for scanners that try a table of words at every byte: the pairs of
 * first two bytes (ASCII letters folded) the words start with. A position whose pair is not one
 * cannot start a word. A word of one byte turns the filter off (every position passes). Where the
 * CPU has AVX2 the positions are found 32 at a time (then 16), as Hyperscan's Teddy does: the pairs
 * are put in 8 buckets by their first byte, and four nibble tables (low and high nibble of the first
 * and of the second byte) looked up with byte shuffles give the buckets each nibble may belong to; a
 * position is a candidate when one bucket has all four (a superset the pair bitmap then decides).
 * Else, with few distinct first bytes, 16 at a time (SSE2).
 */
#define CWT__BIGRAMS_FIRST 8
struct cwt__bigrams {
    uint8_t bits[8192];
    bool off;
    uint8_t nfirst;                     /* distinct first bytes | 0x20; past CWT__BIGRAMS_FIRST: byte by byte */
    uint8_t first[CWT__BIGRAMS_FIRST];
    /* per nibble, the buckets (bit (first byte folded) & 7) of the pairs with that nibble in their
     * first / second byte, both cases of a letter */
    uint8_t lo_first[16], hi_first[16], lo_second[16], hi_second[16];
};

/* Adds @p w (NUL-terminated; its first two bytes) to @p b, which starts zeroed. */
void cwt__bigrams_add(struct cwt__bigrams *b, const char *w);
/* The first position at or after @p i where a word of @p b may start in @p t (@p len bytes), @p len if none. */
size_t cwt__bigrams_next(const struct cwt__bigrams *b, const char *t, size_t len, size_t i);

/*
 * A cursor over one text for the scanners that ask cwt__bigrams_next() again after each candidate:
 * it keeps the candidates of the last 32-byte block (AVX2), so that a text where candidates are
 * frequent is not read again from each one. Same answers as cwt__bigrams_next() for any @p i.
 */
struct cwt__bigrams_cur {
    const struct cwt__bigrams *b;
    const char *t;
    size_t len;
    size_t base;   /* the block kept: t[base, base + 32) */
    uint32_t mask; /* its candidates not yet ruled out */
    bool kept, avx2;
};

void cwt__bigrams_cur_init(struct cwt__bigrams_cur *c, const struct cwt__bigrams *b, const char *t, size_t len);
size_t cwt__bigrams_cur_next(struct cwt__bigrams_cur *c, size_t i);

/*
 * A finer test of the positions the pairs let through, for tables whose words mostly start with
 * common folded pairs ("in", "co", "de" start most English text): the exact first two bytes of the
 * words matched case-sensitively, and a hash set of the first four bytes (ASCII letters folded) of
 * the others (a shorter one adds its first two bytes in every case). A position in neither cannot
 * start a word. A word of one byte turns the test off (every position passes).
 */
struct cwt__starts {
    uint8_t pairs[65536 / 8];
    uint8_t quads[4096 / 8];
    bool off;
};

/* Adds @p w (NUL-terminated) to @p s, which starts zeroed; @p exact: matched byte for byte, else with
 * ASCII letters folded. */
void cwt__starts_add(struct cwt__starts *s, const char *w, bool exact);
/* Whether a word of @p s may start at t[i] (@p len bytes in all). */
bool cwt__starts_at(const struct cwt__starts *s, const char *t, size_t len, size_t i);

/* The first position at or after @p i where @p t (@p len bytes) holds an ASCII digit, @p a or @p b
 * (give '0' for none), @p len if none: for scanners of numbers, whose other positions start
 * nothing. 16 bytes at a time (SSE2). */
size_t cwt__next_digit(const char *t, size_t len, size_t i, char a, char b);
/* The first position at or after @p i where @p t holds an ASCII digit or capital letter, @p len if none
 * (16 bytes at a time, SSE2). */
size_t cwt__next_digit_upper(const char *t, size_t len, size_t i);

#endif
