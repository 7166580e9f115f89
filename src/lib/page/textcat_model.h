/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libexttextcat's classifier with the comparison inverted. textcat_Classify() compares the text's
 * fingerprint (its 400 most frequent 1-5 character n-grams, ranked) with each of ~160 language
 * fingerprints in turn, a merge of two sorted lists per language (most of the CPU of language
 * identification). This module reads the same fingerprint files into one table from n-gram to the
 * (language, rank) pairs that hold it, so a text costs one look-up per n-gram of its fingerprint. The
 * text's fingerprint is fp_Create's, made by page/textcat_fp.c, and the scores, the 1.03 threshold, the
 * five-candidate limit and the order of the answer are textcat_Classify's, so the answers are the same
 * strings (tests/unit/test_textstat.c and test_textcat_fp.c compare them on every fixture and corpus
 * page).
 */
#ifndef CWT_TEXTCAT_MODEL_H
#define CWT_TEXTCAT_MODEL_H

#include "util/common.h"

struct cwt__tcmodel;

/* Reads the configuration @p conf (libexttextcat's fpdb.conf format: "file name" per line, '#'
 * comments) and the fingerprint files it names, relative to @p dir. CWT_EIO when a file cannot be
 * read, CWT_ENOMEM, else CWT_OK with *out set (free with cwt__tcmodel_free()). */
enum cwt_status cwt__tcmodel_load(const char *conf, const char *dir, struct cwt__tcmodel **out);
void cwt__tcmodel_free(struct cwt__tcmodel *m);
/* The Debian default fingerprints, loaded once per process (read-only afterwards, so shared by all
 * threads); NULL when they cannot be read. */
const struct cwt__tcmodel *cwt__tcmodel_default(void);
/* What textcat_Classify() answers for @p text[0..len): "[en--utf8][sco--utf8]" (best first, at most
 * five), "SHORT" or "UNKNOWN" (no candidate, or more than five). @p text must be NUL-terminated at or
 * after @p len: as textcat, a run of blanks or digits across @p len is read past it (see
 * cwt__tcfp_create()). Returns CWT_OK, CWT_ENOMEM, or CWT_ETOOBIG past CWT__TCFP_MAX_TEXT bytes. */
enum cwt_status cwt__tcmodel_classify(const struct cwt__tcmodel *m, const char *text, size_t len, char *out,
                                      size_t outlen);

#endif
