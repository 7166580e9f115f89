/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The light tree of a page: what the microdata and RDFa extractors read (elements with their
 * attributes, text and CDATA nodes, and the other nodes as placeholders), in one arena. The SAX walk
 * (page_sax.c) builds it from the parser's events with the shape libxml2's tree builder would have given
 * the DOM; the DOM path copies it from the DOM (cwt__lt_from_dom). Both give the extractors the same
 * tree (tests/unit/test_pagesax.c and fuzz_sax compare their output), and the SAX way costs a fraction
 * of the DOM's: no allocation per node, no dictionary, nothing freed node by node.
 *
 * Typical use (an extractor):
 *     for (const struct cwt__ln *n = cwt__lt_doc(t)->children; n; n = n->next)
 *         if (n->type == CWT__LN_ELEMENT && cwt__ln_attr(n, "itemscope")) ...
 */
#ifndef CWT_PAGE_LTREE_H
#define CWT_PAGE_LTREE_H

#include <stdbool.h>
#include <stddef.h>

enum cwt__ln_type { CWT__LN_DOC, CWT__LN_ELEMENT, CWT__LN_TEXT, CWT__LN_CDATA, CWT__LN_OTHER };

struct cwt__ln {
    struct cwt__ln *parent, *children, *last, *next;
    const char *name;         /* an element's name (libxml2's, lowercase); NULL for other nodes */
    const char *const *atts;  /* the element's attributes the extractors read (itemprop, href, typeof ...):
                               * name, value, ..., NULL; a value is never NULL */
    const char *text;         /* a text or CDATA node's content (NUL-terminated); NULL for other nodes */
    size_t mark;              /* free for the extractor walking the tree (microdata: the item's index) */
    unsigned char type;       /* enum cwt__ln_type */
};

struct cwt__ltree;

/* A new tree holding only its document node; NULL when out of memory. */
struct cwt__ltree *cwt__lt_new(void);
void cwt__lt_free(struct cwt__ltree *t);
/* Whether an allocation of the builder failed (the tree is then incomplete and must not be read). */
bool cwt__lt_failed(const struct cwt__ltree *t);
struct cwt__ln *cwt__lt_doc(struct cwt__ltree *t);

/* The builder. Each appends a last child to @p parent (the document node when NULL) and returns it, NULL
 * when out of memory. @p atts are name, value pairs, NULL-terminated, a value may be NULL (read as "");
 * only the attributes the extractors read are kept, none of them one of HTML's boolean attributes;
 * the element's id (attribute id, or name of an <a>, not empty) is registered as libxml2 registers IDs:
 * the first element with an id keeps it. */
struct cwt__ln *cwt__lt_element(struct cwt__ltree *t, struct cwt__ln *parent, const char *name,
                                const char *const *atts);
struct cwt__ln *cwt__lt_text(struct cwt__ltree *t, struct cwt__ln *parent, const char *s, size_t n, bool cdata);
struct cwt__ln *cwt__lt_other(struct cwt__ltree *t, struct cwt__ln *parent);
/* A placeholder put first among the document's children (the DOCTYPE: libxml2 puts it there). */
struct cwt__ln *cwt__lt_prepend_other(struct cwt__ltree *t);

/* The copy of a libxml2 DOM (an xmlDocPtr), its IDs taken from the document's ID table; NULL when out of
 * memory. */
struct cwt__ltree *cwt__lt_from_dom(const void *xml_doc);

/* The value of attribute @p name (ASCII case-insensitive) of element @p n, NULL if absent. */
const char *cwt__ln_attr(const struct cwt__ln *n, const char *name);
/* The element whose id is @p id, NULL if none. */
const struct cwt__ln *cwt__lt_by_id(struct cwt__ltree *t, const char *id);
/* The text of every text and CDATA node under @p n, in document order (libxml2's xmlNodeGetContent()),
 * as a string the caller frees; NULL when out of memory. */
char *cwt__ln_content(const struct cwt__ln *n);

#endif
