/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Company names as the whois and identity signals compare them: legal forms
 * and scripts normalised away ("Co., Ltd.", "Limited", "有限公司", "Pte. Ltd.",
 * "บริษัท … จำกัด", "Công ty TNHH", "PT … Tbk", "Sdn. Bhd."), names found in
 * page text, and the identity a site declares (schema.org Organization and
 * imprint text) with where each was seen.
 */
#ifndef CWT_ORGNAME_H
#define CWT_ORGNAME_H

#include "signals/signal.h"

#define CWT__ORGNAME_MAX 160 /* bytes of a normalised name */
#define CWT__DECLARED_MAX 8  /* names / countries kept per source */

/* Normalises @p in into @p out: lowercase ASCII, punctuation to spaces, legal-form words and
 * their local-script equivalents removed, whitespace collapsed. */
void cwt__orgname_norm(const char *in, char *out, size_t cap);

/* The script class of a name: 'L' Latin, 'H' Han, 'T' Thai, 'K' Korean, 'J' Japanese kana, '?' none. */
char cwt__orgname_script(const char *s);

/*
 * Agreement of two names in [0,1]: 1 equal after normalisation, 0.9 one contains the other as
 * whole words, else the share of common words (Jaccard). Returns -1 when they cannot be compared
 * (different scripts, e.g. a Chinese and an English name: neither agreement nor contradiction).
 */
double cwt__orgname_match(const char *a, const char *b);

/* Finds company names with a legal form in @p text; up to @p max copies (each < CWT__ORGNAME_MAX
 * bytes) into @p out. Returns how many were stored. */
size_t cwt__orgname_find(const char *text, size_t len, char out[][CWT__ORGNAME_MAX], size_t max);

struct cwt__declared_name {
    char name[CWT__ORGNAME_MAX];
    const char *url;   /* borrowed from the site's page */
    const char *how;   /* "schema.org legalName", "schema.org name", "page text"; static */
};

/* What the site says about its company. */
struct cwt__declared {
    struct cwt__declared_name schema[CWT__DECLARED_MAX]; /* schema.org Organization legalName / name */
    size_t nschema;
    struct cwt__declared_name text[CWT__DECLARED_MAX];   /* imprint / about / contact text */
    size_t ntext;
    char country[3];        /* the address country the site declares ("" if none) */
    const char *country_url;
    const char *country_how; /* "schema.org addressCountry" or "address text"; static */
};

/* The items with a @type of one page's structured-data graph, in the order cwt__sdata_find() visits
 * them (cwt__site_sdata_find()). */
struct cwt__typed_items {
    const json_t **v;
    size_t n;
    bool built;
};

/* Results shared by the signals of one audit (struct cwt__site.memo). Release with
 * cwt__site_memo_release(). */
struct cwt__site_memo {
    bool have_declared; /* declared holds cwt__declared_collect()'s answer for the site */
    struct cwt__declared declared;
    struct cwt__typed_items *typed; /* per page of the site (its order), NULL until first asked */
    size_t ntyped;                  /* the site's pages */
};

void cwt__site_memo_release(struct cwt__site_memo *m);

/* Collects the declared identity from the site's pages (borrowed strings live as long as @p site).
 * Computed once per audit when the site has a memo (contact, identity and whois all read it). */
void cwt__declared_collect(const struct cwt__site *site, struct cwt__declared *out);

#endif
