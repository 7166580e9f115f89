/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internals shared by the files of the page layer (page.c, the structured-data
 * extractors). The DOM is an xmlDocPtr passed as void * so that this header
 * does not pull libxml2 into the rest of the library.
 */
#ifndef CWT_PAGE_INT_H
#define CWT_PAGE_INT_H

#include <jansson.h>
#include <strings.h>

#include "page/page.h"

/* What struct cwt__doc.priv points to. */
struct cwt__ltree;

struct cwt__page_priv {
    void *xd;      /* xmlDocPtr: the DOM of the DOM path, kept by cwt__doc_parse_dom only */
    struct cwt__ltree *lt; /* the light tree (page/ltree.h) of a page with microdata or RDFa, kept by
                            * cwt__doc_parse_dom only */
    json_t *sdata; /* the structured-data graph (page/sdata.h), always an array after parse */
    void *strings; /* arena chunks holding the strings of links, xlinks, metas, media and JSON-LD */
    bool has_microdata, has_rdfa; /* the parser met the name itemscope / typeof: the extractors have work */
};

/* Builds the structured-data graph of @p doc into its priv (called by cwt__doc_parse). */
enum cwt_status cwt__sdata_build(struct cwt__doc *doc);

/* Whether the name @p a (an element's or attribute's, may be NULL) is @p b (not empty), ASCII
 * case-insensitively; the first two bytes are compared inline, so most mismatches cost no call ("href" is
 * not "hidden", "src" not "style"). */
static inline bool cwt__name_eq(const unsigned char *a, const char *b)
{
    return a && a[0] && (((unsigned)a[0] | 0x20) == ((unsigned)(unsigned char)b[0] | 0x20)) &&
           (((unsigned)a[1] | 0x20) == ((unsigned)(unsigned char)b[1] | 0x20)) &&
           strcasecmp((const char *)a, b) == 0;
}

static inline bool cwt__is_ws(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Whether @p s starts with @p p, ASCII case-insensitively. */
static inline bool cwt__has_prefix_ci(const char *s, const char *p)
{
    return strncasecmp(s, p, strlen(p)) == 0;
}

/* Copies at most @p max bytes of @p s with whitespace (and U+00A0) collapsed and trimmed, cut on a
 * UTF-8 boundary; caller frees; "" (not NULL) for empty input, NULL only on allocation failure. */
char *cwt__collapse(const char *s, size_t len, size_t max);

#endif
