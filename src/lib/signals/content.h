/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared pieces of the content signals (parameters, compliance, test_reports,
 * certificates, factory, traceability): GTIN check digits, the table of
 * test labs and certification bodies with their own domains, management
 * system standards (ISO 9001 ...), labelled identifiers ("Report No.: X"),
 * dates in text, and small readers of schema.org items (jansson objects as
 * the page layer's structured-data graph gives them).
 */
#ifndef CWT_CONTENT_H
#define CWT_CONTENT_H

#include <jansson.h>

#include "page/sdata.h"
#include "signals/kwset.h"
#include "signals/signal.h"

/* ---- GTIN ---- */

/* True when @p s is exactly @p n digits, n is 8, 12, 13 or 14, and the GS1 check digit is right. */
bool cwt__gtin_valid(const char *s, size_t n);
/* Copies the digits of @p in (@p len bytes; blanks and '-' dropped) into @p out (15 bytes); returns
 * the number of digits, or 0 when another character appears or there are more than 14. */
size_t cwt__gtin_digits(const char *in, size_t len, char out[static 15]);

/* ---- labs and certification bodies ---- */

enum cwt__body_flags { CWT__BODY_LAB = 1 << 0, CWT__BODY_CB = 1 << 1 };

struct cwt__body {
    const char *id;                /* "sgs", "tuv_sud" */
    const char *name;              /* "SGS" */
    unsigned flags;                /* enum cwt__body_flags */
    const char *const *names;      /* spellings in text, NULL-terminated */
    const char *const *domains;    /* its own registrable domains, NULL-terminated */
};

struct cwt__body_hit {
    const struct cwt__body *body;
    size_t off, len;
};

/* The body whose own domain is @p host or a parent of it ("www.sgs.com" -> SGS); NULL if none. */
const struct cwt__body *cwt__body_by_host(const char *host);
/* cwt__body_by_host() of a host of @p hl bytes (as cwt__url_host_n() returns it). */
const struct cwt__body *cwt__body_by_host_n(const char *host, size_t hl);
/* The body whose id or one of whose names equals @p name (case-insensitive); NULL if none. */
const struct cwt__body *cwt__body_by_name(const char *name);
/* The host part of an http(s) URL, lowercase, into @p out; false if not a URL. */
bool cwt__url_host(const char *url, char *out, size_t outsz);
/* cwt__url_host() returning the host's length, 0 if not a URL (or the host does not fit @p outsz). */
size_t cwt__url_host_n(const char *url, char *out, size_t outsz);
/* Bodies named in @p text, in text order; as cwt__marks_scan(). */
size_t cwt__bodies_scan(const char *text, size_t len, size_t max,
                        bool (*fn)(const struct cwt__body_hit *hit, void *ud), void *ud);
/* cwt__bodies_scan() trying every position, without the filters of the positions a name may start at:
 * the reference of the tests. */
size_t cwt__bodies_scan_every(const char *text, size_t len, size_t max,
                              bool (*fn)(const struct cwt__body_hit *hit, void *ud), void *ud);

/* ---- management system standards ---- */

struct cwt__mss {
    const char *id;    /* "iso9001" */
    const char *label; /* "ISO 9001" */
    const char *const *spellings;
};

struct cwt__mss_hit {
    const struct cwt__mss *mss;
    size_t off, len;
};

size_t cwt__mss_scan(const char *text, size_t len, size_t max,
                     bool (*fn)(const struct cwt__mss_hit *hit, void *ud), void *ud);
const struct cwt__mss *cwt__mss_get(const char *id);

/* ---- labelled identifiers and dates ---- */

/* Label sets for cwt__labelled_id(). */
extern const char *const cwt__report_no_labels[];
extern const char *const cwt__cert_no_labels[];
extern const char *const cwt__batch_labels[];
extern const char *const cwt__origin_labels[];
extern const char *const cwt__gtin_labels[];

/*
 * Finds the first label of @p labels in @p text (from byte @p from) followed by an optional
 * ":", "：", "#" or "." and blanks, then an identifier (letters, digits, '-', '/', '.', at least
 * 3 characters and one digit). Copies it to @p out; returns the offset of the label or SIZE_MAX.
 */
size_t cwt__labelled_id(const char *text, size_t len, size_t from, const char *const *labels, char *out,
                        size_t outsz);

/* Like cwt__labelled_id() but copies up to the end of the line (at most @p outsz - 1 bytes). */
size_t cwt__labelled_text(const char *text, size_t len, size_t from, const char *const *labels, char *out,
                          size_t outsz);

/* Dates written in text: "2025-03-15", "2025/3/15", "15.03.2025", "15 March 2025", "March 15, 2025",
 * "2025年3月15日". Calls @p fn with Unix seconds (midnight UTC). Returns the number found. */
size_t cwt__dates_scan(const char *text, size_t len, size_t max,
                       bool (*fn)(int64_t t, size_t off, size_t n, void *ud), void *ud);

/* ---- schema.org items (page/sdata.h graph) ---- */

/* Property @p name of @p item as text: cwt__sdata_str(), or a number printed into @p tmp. NULL if absent. */
const char *cwt__sd_text(const json_t *item, const char *name, char *tmp, size_t tmpsz);
/* An identifier property: text, or the termCode/value/identifier of a DefinedTerm or PropertyValue. */
const char *cwt__sd_ident(const json_t *item, const char *name, char *tmp, size_t tmpsz);
/* Property @p name of @p item as a number: a JSON number or a string that is one. */
bool cwt__sd_number(const json_t *item, const char *name, double *out);
/* Property @p name parsed as an ISO 8601 date or date-time; false if absent or malformed. */
bool cwt__sd_date(const json_t *item, const char *name, int64_t *out);

/* ---- pages ---- */

/* cwt__sdata_find() over the structured data of @p doc, a page of @p site: the same answer, from the
 * list of the page's typed items the site's memo keeps (built on the first question about the page),
 * not from a walk of the page's whole graph per question (the signals ask a dozen per page). Without a
 * memo, or for a doc not of the site, it is cwt__sdata_find(). */
size_t cwt__site_sdata_find(const struct cwt__site *site, const struct cwt__doc *doc, const char *type,
                            const json_t **found, size_t max);

/* True for crawl roles of product pages ("product", "products"). */
bool cwt__role_is_product(const char *role);
/* The Product items a page describes: top-level ones, and those an ItemList or OfferCatalog lists
 * (not a Product that is only the "about" of a report or certificate). Up to @p max are stored;
 * returns how many were stored. */
size_t cwt__page_products(const struct cwt__doc *doc, const json_t **found, size_t max);
/* The URL a page's evidence names: the final URL, else the requested one. */
const char *cwt__page_url(const struct cwt__site_page *p);
/* Copies about @p around bytes either side of text[off, off+n) into @p out (cut on UTF-8 boundaries). */
const char *cwt__around(const char *text, size_t len, size_t off, size_t n, size_t around, char *out, size_t outsz);
/* True when @p s (NUL-terminated; NULL: false) contains any word of @p words (a CWT__KWSET: ASCII
 * case-insensitive), in one pass over @p s. */
bool cwt__has_any(const char *s, struct cwt__kwset *words);
/*
 * Which of at most 32 needles occur in a NUL-terminated text, as strstr() says, in one pass: the pair
 * filter of kwset.h (Teddy with AVX2) finds the places where the two bytes of a needle from its byte
 * at[k] occur (letters folded), each then compared with the needles not found yet. One pass with
 * pairs chosen rare in the texts (e.g. "zd" of "static.zdassets.com") rather than one strstr() pass
 * per needle. cwt__needles_init() builds it once (the needles are kept by pointer).
 */
struct cwt__needles {
    struct cwt__bigrams pairs;
    const char *needle[32];
    size_t len[32];
    unsigned char at[32];
    size_t n;
};
void cwt__needles_init(struct cwt__needles *nd, const char *const *needles, const unsigned char *at, size_t n);
/* The needles of @p nd in @p s (bit k: needle k). */
uint32_t cwt__needles_in(const struct cwt__needles *nd, const char *s);
/* When @p out has no evidence yet, records what was read: "<n> pages read, <what>" (a signal
 * always shows what it looked at, even when it found nothing). */
void cwt__content_seen(struct cwt__signal *out, const struct cwt__site *site, size_t npages, const char *what);
/* Marks @p out unmeasured because no product page was read (only @p listings product listings, maybe),
 * with the summary naming @p what ("product parameters"), the fix and the evidence. */
void cwt__content_no_products(struct cwt__signal *out, const struct cwt__site *site, size_t listings, const char *what);
/* Clamps to [0,1]. */
double cwt__clamp01(double v);

#endif
