/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The walk that collects a page's content (text, links, metas, media, ...), shared by the two ways a
 * page is read: the DOM walk (page.c, over the tree libxml2 built) and the SAX walk (page_sax.c, over
 * the parser's events, no tree). The element handlers (cwt__walk_enter/leave) are the same; what the
 * DOM walk reads ahead in the tree (a title's or a JSON-LD script's text, an xlink's text, a video's
 * <source> children) the SAX walk is asked for through walk.want and hands back when the element ends.
 */
#ifndef CWT_PAGE_WALK_H
#define CWT_PAGE_WALK_H

#include "page/page_int.h"
#include "page/resolve.h"
#include "util/buf.h"

/* libxml2's HTML parser options of both walks (the encoding is forced to UTF-8 too). */
#define CWT__HTML_PARSE_OPTS                                                                             \
    (HTML_PARSE_RECOVER | HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_COMPACT)

/* One element as the walk sees it. */
struct cwt__el {
    const unsigned char *name;
    void *node;                 /* xmlNodePtr in the DOM walk, NULL in the SAX walk */
    const unsigned char **atts; /* SAX walk: name, value pairs (a value may be NULL), NULL-terminated */
    uintptr_t id;               /* identity: the node, or the SAX walk's count of elements */
};

/* What the SAX walk is asked to collect for the element cwt__walk_enter() just met. */
enum { WANT_TITLE = 1, WANT_JSONLD = 2, WANT_VIDEO = 4, WANT_XLINK = 8 };

struct cwt__walk {
    struct cwt__doc *doc;
    struct cwt__page_priv *priv;
    const char *base;          /* base URL for relative links (page URL or <base href>) */
    struct cwt__url_base fast; /* its prefixes for cwt__url_resolve_simple() */
    char **junk;               /* attribute values that had to be copied out of the DOM, freed after the walk */
    size_t njunk, cap_junk;
    char *last;                /* the arena's latest allocation */
    bool text_full;            /* the text reached its cap: nothing more is added */
    struct cwt_buf text;
    int pending;               /* separator owed before the next visible character: 0, 1 ' ', 2 '\n' */
    unsigned in_head, in_svg;
    bool anchor_open;          /* an <a> is open (anchors do not nest) */
    uintptr_t anchor;          /* its cwt__el id */
    size_t anchor_start;       /* text.len when it opened */
    size_t anchor_link;        /* its index in doc->links, or SIZE_MAX */
    const char *anchor_alt;    /* first img alt/title inside it */
    const char *anchor_aria, *anchor_title; /* its aria-label and title */
    size_t cap_links, cap_xlinks, cap_metas, cap_jsonld, cap_media;
    bool base_seen;
    enum cwt_status rc;        /* first allocation failure */
    /* the SAX walk */
    bool sax;                  /* attribute values do not outlive the element: the anchor's are copied */
    unsigned want;             /* WANT_* for the element just entered */
    size_t want_xlink;         /* WANT_XLINK: the index in doc->xlinks whose text is the element's text */
    struct cwt_buf keep[3];    /* the copies of anchor_alt, anchor_aria, anchor_title */
};

/* Prepares @p w to fill @p d; cwt__walk_finish() releases what it holds and completes the document's text
 * and title, returning the walk's status (the first allocation failure). */
void cwt__walk_init(struct cwt__walk *w, struct cwt__doc *d);
enum cwt_status cwt__walk_finish(struct cwt__walk *w);
/* The DOM walk of the tree @p doc (an xmlDocPtr), then its root's lang. */
void cwt__walk_dom(struct cwt__walk *w, void *doc);
/* Frees the arena of a document's strings (struct cwt__page_priv.strings). */
void cwt__walk_free_strings(void *strings);

/* Handles entering element @p el; returns whether to descend into it, with in *leave_td what
 * cwt__walk_leave() needs when it is left (NULL: nothing). */
bool cwt__walk_enter(struct cwt__walk *w, const struct cwt__el *el, const void **leave_td);
/* Handles leaving element @p id (entered and descended into), @p td from cwt__walk_enter(). */
void cwt__walk_leave(struct cwt__walk *w, const void *td, uintptr_t id);
/* Adds a text node's content (NUL-terminated, @p n bytes or fewer before the NUL) to the visible text. */
void cwt__walk_text(struct cwt__walk *w, const char *s, size_t n);
/* The content (all the text of the subtree) of an element cwt__walk_enter() asked it for. */
void cwt__walk_title(struct cwt__walk *w, const char *s, size_t len);
void cwt__walk_jsonld(struct cwt__walk *w, const char *s, size_t len);
void cwt__walk_xlink_text(struct cwt__walk *w, size_t i, const char *s, size_t len);
/* A <source> child of a <video> (WANT_VIDEO). */
void cwt__walk_video_source(struct cwt__walk *w, const struct cwt__el *el);
/* The <html lang> of the root element @p el. */
void cwt__walk_lang(struct cwt__walk *w, const struct cwt__el *el);
/* The end of the walk (closes an open anchor). */
void cwt__walk_end(struct cwt__walk *w);

/*
 * The SAX walk of @p len bytes: fills @p w's document without building a DOM, and with @p tree the
 * light tree of the microdata and RDFa extractors (kept in the document's priv when the parser met the
 * name itemscope or typeof, which priv's has_microdata and has_rdfa say). Returns CWT_OK, CWT_EPARSE
 * (libxml2 started no document), CWT_ENOMEM, or, without @p tree, CWT_EUNSUPPORTED when the page needs
 * the tree: the caller then throws the document away and walks the page again with it.
 */
enum cwt_status cwt__sax_walk(struct cwt__walk *w, const char *html, size_t len, const char *url, bool tree);

/* Whether the parser (an htmlParserCtxtPtr, before it is freed) met the names the microdata and RDFa
 * extractors start from: every element and attribute name goes through its dictionary (lowercased), so
 * when "itemscope" (or "typeof") is not there no element has that attribute and the extractor would find
 * nothing. Both ways of reading a page ask it (page.c, page_sax.c). */
void cwt__parser_met_sdata(void *parser, bool *microdata, bool *rdfa);

#endif
