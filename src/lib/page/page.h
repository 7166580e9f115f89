/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The page layer: the only user of libxml2. Parses one HTML page once into a
 * struct cwt__doc that every extractor shares: visible text, links, meta tags,
 * language, JSON-LD blocks, media. (Contract for the other layers; page owns
 * the implementation and may add fields.)
 */
#ifndef CWT_PAGE_H
#define CWT_PAGE_H

#include "util/common.h"

struct cwt__link {
    char *href;     /* absolute URL, fragment removed */
    char *text;     /* visible text (or img alt / title), whitespace collapsed */
    char *rel;      /* rel attribute or NULL */
    char *hreflang; /* hreflang attribute or NULL */
};

struct cwt__meta {
    char *name;    /* name=, property= or http-equiv=, lowercase */
    char *content;
};

struct cwt__media {
    char *kind;  /* "video", "iframe", "embed", "object", "img" */
    char *src;   /* absolute URL */
    char *title; /* title/alt/aria-label, may be NULL */
};

struct cwt__doc {
    char *url;        /* the page's URL (base for relative links) */
    char *title;
    char *lang;       /* <html lang>, lowercase, NULL if absent */
    char *text;       /* visible text, UTF-8; blocks separated by '\n', whitespace collapsed */
    size_t text_len;
    struct cwt__link *links;
    size_t nlinks;
    struct cwt__meta *metas;
    size_t nmetas;
    char **jsonld;    /* raw contents of <script type="application/ld+json"> blocks */
    size_t njsonld;
    struct cwt__media *media;
    size_t nmedia;
    /* Added by the page layer: */
    char *base;          /* resolved <base href>, NULL if none (links are already resolved against it) */
    struct cwt__link *xlinks; /* links of other schemes (mailto:, tel:, whatsapp:, weixin: ...), href as
                                 written (whitespace collapsed), rel/hreflang NULL; javascript: and data: dropped */
    size_t nxlinks;
    char *detected_lang; /* language of the visible text (see cwt__doc_detect_lang), NULL until detected */
    bool lang_detected;  /* detected_lang is set (NULL then means unknown) */
    void *priv;       /* page-layer internals (the DOM); do not touch outside page/ */
};

/*
 * Parses @p len bytes of UTF-8 HTML fetched from @p url (a <meta charset> is ignored: the
 * fetch layer already converted the body). Bounded by the ctx limits (a body over
 * max_page_bytes is CWT_ETOOBIG) and fixed caps (docs/internals/page.md). Also builds the
 * structured-data graph (page/sdata.h). On success the caller frees *out with cwt__doc_free().
 * Returns CWT_ENOMEM, CWT_ETOOBIG, CWT_EPARSE (libxml2 gave no document) or CWT_OK.
 */
enum cwt_status cwt__doc_parse(const struct cwt_ctx *ctx, const char *html, size_t len, const char *url,
                               struct cwt__doc **out, struct cwt_err *err);
void cwt__doc_free(struct cwt__doc *doc);

/* Initialises libxml2's global state; called once from the main thread by cwt_global_init(). */
void cwt__page_global_init(void);

/* Content of the first meta with @p name (lowercase), NULL if none. */
const char *cwt__doc_meta(const struct cwt__doc *doc, const char *name);

/* The URL relative links of @p doc resolve against: <base href> if present, else the page URL. */
const char *cwt__doc_base(const struct cwt__doc *doc);

/*
 * Resolves @p href against @p base (RFC 3986, via libxml2) into an absolute http(s) URL with the
 * fragment removed, scheme and host lowercased; spaces and non-ASCII bytes are percent-encoded.
 * Returns CWT_OK (*out set, caller frees), CWT_EINVAL when the result is not http(s) or does not
 * parse, CWT_ENOMEM.
 */
enum cwt_status cwt__url_resolve(const char *base, const char *href, char **out);

#endif
