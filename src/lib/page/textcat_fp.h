/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A text's n-gram fingerprint exactly as libexttextcat 3.4's fp_Create() makes it (UTF-8 aware, minimum
 * document size 1, 400 n-grams) and fp_Print() lists it: the same n-grams, counts and ranks, ties in the
 * same order. libexttextcat cuts the text into "characters" by their lead byte, keeps n-grams of 1 to 5 of
 * them, counts them in a chained hash table of 8,192 buckets and takes the 400 most frequent through a
 * 400-slot min-heap fed bucket by bucket (newest n-gram of a bucket first); equal counts are ranked by
 * where that heap leaves them. This module makes the same heap moves over the same feeding order, but
 * counts in a per-thread, reusable open-addressing table (no allocation per text once warm) and skips
 * the alphabetical sort, the printing and the re-reading. tests/unit/test_textcat_fp.c and
 * tests/fuzz/fuzz_textcat_fp.c compare it with fp_Create + fp_Print.
 */
#ifndef CWT_TEXTCAT_FP_H
#define CWT_TEXTCAT_FP_H

#include "util/common.h"

#define CWT__TCFP_NGRAMS 400 /* n-grams of a fingerprint (libexttextcat's MAXNGRAMS) */
#define CWT__TCFP_GRAM 20    /* bytes of an n-gram at most (MAXNGRAMSIZE: 5 characters of up to 4 bytes) */
#define CWT__TCFP_MAX_TEXT ((size_t)1 << 22) /* longer texts are refused (CWT_ETOOBIG) */

/* A fingerprint: n n-grams, best first (index = fp_Print's line = rank). */
struct cwt__tcfp {
    size_t n;
    uint8_t len[CWT__TCFP_NGRAMS];
    char gram[CWT__TCFP_NGRAMS][CWT__TCFP_GRAM];
};

/*
 * Fills @p fp with the fingerprint of @p text of @p len bytes as fp_Create(handle, text, len, 400) makes
 * it. As there, the text is read as a C string that must be NUL-terminated at or after @p len: @p len
 * bounds what is kept (len + 1 bytes of the text with its runs of blanks and digits made one '_'), but
 * a run of blanks or digits that crosses @p len is read to its end, and the next word's bytes are kept
 * while they fit; a NUL before @p len ends the text. fp->n is 0 for an empty text (fp_Create's "too
 * short"). Returns CWT_OK, CWT_ETOOBIG past CWT__TCFP_MAX_TEXT, or CWT_ENOMEM (the per-thread table,
 * kept until the thread ends, could not grow).
 */
enum cwt_status cwt__tcfp_create(const char *text, size_t len, struct cwt__tcfp *fp);

#endif
