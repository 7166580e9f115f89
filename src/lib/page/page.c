/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the page layer's parse: it reads one HTML page with
 * libxml2's forgiving HTML parser into a struct cwt__doc, one of two ways with
 * the same walk (page_walk.c): without a DOM, by the SAX walk over the
 * parser's events (page_sax.c), which also builds the light tree (ltree.h)
 * the microdata and RDFa extractors read when the page has itemscope or
 * typeof; or, for a page too large for it and for the extractors' tests,
 * libxml2 builds the DOM, the DOM walk reads it and the light tree is copied
 * from it. Both ways give the same document (page_diff.c,
 * tests/unit/test_pagesax.c, fuzz_sax). Also here: URL resolution through
 * libxml2.
 */
#include <libxml/HTMLparser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/uri.h>
#include <limits.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "page/ltree.h"
#include "page/page.h"
#include "page/page_int.h"
#include "page/page_walk.h"
#include "page/sdata.h"

/* Percent-encodes what xmlBuildURI refuses (spaces, non-ASCII, a few ASCII) and drops tabs and line
 * breaks, as browsers do. Caller frees. */
static char *uri_prepare(const char *href)
{
    size_t len = strlen(href);
    while (len && cwt__is_ws((unsigned char)href[len - 1]))
        len--;
    while (len && cwt__is_ws((unsigned char)*href))
        href++, len--;
    if (len > 8192)
        return NULL;
    struct cwt_buf b;
    cwt_buf_init(&b, len * 3 + 1);
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)href[i];
        if (c == '\t' || c == '\n' || c == '\r')
            continue;
        if (c <= 0x20 || c >= 0x7F || strchr("\"<>\\^`{|}", c)) {
            char e[3] = {'%', hex[c >> 4], hex[c & 15]};
            if (cwt_buf_add(&b, e, 3))
                break;
        } else if (cwt_buf_addc(&b, (char)c)) {
            break;
        }
    }
    char *out = cwt_buf_detach(&b, NULL);
    return out ? out : cwt_strdup("");
}

/* Whether @p href (leading spaces skipped) starts with a scheme other than http and https ("mailto:",
 * "tel:", "javascript:"): xmlBuildURI keeps a URI with a scheme as written, or fails when it is no URI
 * (a reference relative to the base cannot have a ':' in its first segment), so it never makes an http(s)
 * URL of it and cwt__url_resolve() answers CWT_EINVAL without preparing it and asking libxml2. */
static bool other_scheme(const char *href)
{
    while (cwt__is_ws((unsigned char)*href))
        href++;
    const char *p = href;
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
        return false;
    while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '+' ||
           *p == '-' || *p == '.')
        p++;
    size_t n = (size_t)(p - href);
    return *p == ':' && !(n == 4 && strncasecmp(href, "http", 4) == 0) &&
           !(n == 5 && strncasecmp(href, "https", 5) == 0);
}

enum cwt_status cwt__url_resolve(const char *base, const char *href, char **out)
{
    *out = NULL;
    if (other_scheme(href))
        return CWT_EINVAL;
    char *h = uri_prepare(href);
    if (!h)
        return CWT_EINVAL;
    if (!*h || cwt__has_prefix_ci(h, "javascript:") || cwt__has_prefix_ci(h, "data:")) {
        cwt_free(h);
        return CWT_EINVAL;
    }
    xmlChar *abs = xmlBuildURI((const xmlChar *)h, (const xmlChar *)(base ? base : ""));
    cwt_free(h);
    if (!abs)
        return CWT_EINVAL;
    char *s = (char *)abs;
    char *hash = strchr(s, '#');
    if (hash)
        *hash = '\0';
    enum cwt_status rc = CWT_EINVAL;
    size_t skip = cwt__has_prefix_ci(s, "http://") ? 7 : cwt__has_prefix_ci(s, "https://") ? 8 : 0;
    if (skip && s[skip] && !strchr("/?", s[skip])) {
        for (size_t i = 0; i < skip; i++)
            s[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
        for (size_t i = skip; s[i] && !strchr("/?@", s[i]); i++)
            s[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
        *out = cwt_strdup(s);
        rc = *out ? CWT_OK : CWT_ENOMEM;
    }
    xmlFree(abs);
    return rc;
}

void cwt__parser_met_sdata(void *parser, bool *microdata, bool *rdfa)
{
    htmlParserCtxtPtr ctxt = parser;
    *microdata = !ctxt->dict || xmlDictExists(ctxt->dict, (const xmlChar *)"itemscope", 9);
    *rdfa = !ctxt->dict || xmlDictExists(ctxt->dict, (const xmlChar *)"typeof", 6);
}

/* htmlReadMemory() through a parser context of ours, so that its dictionary can be asked, before it is
 * freed, whether the parser met the names the microdata and RDFa extractors start from. */
static xmlDocPtr parse_html(const char *html, size_t len, const char *url, bool *microdata, bool *rdfa)
{
    *microdata = *rdfa = false;
    htmlParserCtxtPtr ctxt = htmlNewParserCtxt();
    if (!ctxt)
        return NULL;
    xmlDocPtr xd = htmlCtxtReadMemory(ctxt, len ? html : " ", len ? (int)len : 1, url, "UTF-8", CWT__HTML_PARSE_OPTS);
    cwt__parser_met_sdata(ctxt, microdata, rdfa);
    htmlFreeParserCtxt(ctxt);
    return xd;
}

/* A new document of @p url with its private part, NULL when out of memory. */
static struct cwt__doc *doc_new(const char *url)
{
    struct cwt__doc *d = CWT_NEW(struct cwt__doc);
    if (!d)
        return NULL;
    if (!(d->url = cwt_strdup(url ? url : "")) || !(d->priv = CWT_NEW(struct cwt__page_priv))) {
        cwt__doc_free(d);
        return NULL;
    }
    return d;
}

/* The structured data of @p d, then its light tree freed unless @p keep (nothing else reads it). */
static enum cwt_status build_sdata(struct cwt__doc *d, bool keep)
{
    struct cwt__page_priv *priv = d->priv;
    enum cwt_status rc = cwt__sdata_build(d);
    if (!keep) {
        cwt__lt_free(priv->lt);
        priv->lt = NULL;
    }
    return rc;
}

/* The DOM path: parse, walk the tree, copy the light tree from it when the extractors have work, build
 * the structured data. */
static enum cwt_status parse_dom(struct cwt__doc *d, const char *html, size_t len, bool keep_dom,
                                 struct cwt_err *err)
{
    struct cwt__page_priv *priv = d->priv;
    xmlDocPtr xd = parse_html(html, len, d->url, &priv->has_microdata, &priv->has_rdfa);
    if (!xd)
        return cwt_err_setf(err, CWT_EPARSE, "body", "cannot parse the html of '%s'", d->url);
    priv->xd = xd;
    struct cwt__walk w;
    cwt__walk_init(&w, d);
    cwt__walk_dom(&w, xd);
    enum cwt_status rc = cwt__walk_finish(&w);
    if (!rc && (keep_dom || priv->has_microdata || priv->has_rdfa) && !(priv->lt = cwt__lt_from_dom(xd)))
        rc = CWT_ENOMEM;
    if (!keep_dom) { /* nothing reads it any more: freed now rather than with the doc (peak RSS) */
        xmlFreeDoc(xd);
        priv->xd = NULL;
    }
    return rc ? rc : build_sdata(d, keep_dom);
}

/* The SAX path (page_sax.c): no DOM; with @p tree the light tree too; CWT_EUNSUPPORTED when the page
 * needs it and @p tree is false. */
static enum cwt_status parse_sax(struct cwt__doc *d, const char *html, size_t len, bool tree, struct cwt_err *err)
{
    struct cwt__walk w;
    cwt__walk_init(&w, d);
    w.sax = true;
    enum cwt_status rc = w.rc ? w.rc : cwt__sax_walk(&w, len ? html : " ", len ? len : 1, d->url, tree);
    enum cwt_status frc = cwt__walk_finish(&w);
    if (rc == CWT_EPARSE)
        return cwt_err_setf(err, CWT_EPARSE, "body", "cannot parse the html of '%s'", d->url);
    if (!rc)
        rc = frc;
    return rc ? rc : build_sdata(d, false);
}

/* parse_sax() of a new document, again with the light tree when the page turns out to need it. */
static enum cwt_status parse_sax_doc(const char *url, const char *html, size_t len, bool tree,
                                     struct cwt__doc **out, struct cwt_err *err)
{
    for (;;) {
        struct cwt__doc *d = doc_new(url);
        if (!d)
            return CWT_ENOMEM;
        enum cwt_status rc = parse_sax(d, html, len, tree, err);
        if (rc == CWT_EUNSUPPORTED && !tree) {
            cwt__doc_free(d);
            tree = true;
            continue;
        }
        if (rc) {
            cwt__doc_free(d);
            return rc;
        }
        *out = d;
        return CWT_OK;
    }
}

/* Whether the bytes at @p c, a candidate of sdata_likely() ("ms" or "yp"), are in the word itemscope, or
 * in typeof followed by '='. */
static bool sdata_at(const char *html, const char *end, const char *c)
{
    if (c[0] == 'm')
        return c - html >= 3 && end - c >= 6 && memcmp(c - 3, "itemscope", 9) == 0;
    if (c - html < 1 || end - c < 5 || memcmp(c - 1, "typeof", 6) != 0)
        return false;
    const char *q = c + 5;
    while (q < end && cwt__is_ws((unsigned char)*q))
        q++;
    return q < end && *q == '=';
}

/* Whether the page likely has microdata or RDFa (the word itemscope, or typeof followed by '='), which
 * the SAX path would find out only when it meets them and then parse again with the tree. Only a guess
 * for speed: the SAX path itself decides exactly. One pass over the page for the two words: the byte
 * pairs "ms" (iteMScope) and "yp" (tYPeof), sixteen positions at a time with SSE2, are the candidates
 * sdata_at() checks (a quarter of the time of two memmem() passes). */
static bool sdata_likely(const char *html, size_t len)
{
    if (!len)
        return false;
    const char *p = html, *end = html + len;
#ifdef __SSE2__
    const __m128i m = _mm_set1_epi8('m'), s = _mm_set1_epi8('s'), y = _mm_set1_epi8('y'), pe = _mm_set1_epi8('p');
    for (; end - p >= 17; p += 16) {
        __m128i a = _mm_loadu_si128((const __m128i *)(const void *)p);
        __m128i b = _mm_loadu_si128((const __m128i *)(const void *)(p + 1));
        __m128i hit = _mm_or_si128(_mm_and_si128(_mm_cmpeq_epi8(a, m), _mm_cmpeq_epi8(b, s)),
                                   _mm_and_si128(_mm_cmpeq_epi8(a, y), _mm_cmpeq_epi8(b, pe)));
        for (unsigned bits = (unsigned)_mm_movemask_epi8(hit); bits; bits &= bits - 1)
            if (sdata_at(html, end, p + __builtin_ctz(bits)))
                return true;
    }
#endif
    for (; end - p >= 2; p++)
        if (((p[0] == 'm' && p[1] == 's') || (p[0] == 'y' && p[1] == 'p')) && sdata_at(html, end, p))
            return true;
    return false;
}

/* Pages larger than this take the DOM path: libxml2's tree builder stops the parse at a text node of
 * XML_MAX_TEXT_LENGTH bytes, which a page of half that (every byte may become two when the parser falls
 * back to Latin-1) cannot reach. */
#define SAX_MAX_BYTES (XML_MAX_TEXT_LENGTH / 2)

/* cwt__doc_parse(); @p keep_dom takes the DOM path and keeps the DOM and the light tree in the doc's priv
 * after the walk and the structured-data extraction, which are their only users in the library (the
 * extractors' tests and fuzzer call them again). Without it, a page is read by the SAX walk and never has
 * a DOM, unless it is too large for it. */
static enum cwt_status doc_parse(const struct cwt_ctx *ctx, const char *html, size_t len, const char *url,
                                 bool keep_dom, struct cwt__doc **out, struct cwt_err *err)
{
    *out = NULL;
    const struct cwt_limits *lim = cwt_ctx_limits(ctx);
    if (len > INT_MAX || (lim->max_page_bytes && len > lim->max_page_bytes))
        return cwt_err_setf(err, CWT_ETOOBIG, "body", "page '%s' is %zu bytes, over the cap", url ? url : "",
                            len);
    enum cwt_status rc;
    struct cwt__doc *d = NULL;
    if (!keep_dom && len <= SAX_MAX_BYTES) {
        rc = parse_sax_doc(url, html, len, sdata_likely(html, len), &d, err);
    } else if (!(d = doc_new(url))) {
        rc = CWT_ENOMEM;
    } else {
        rc = parse_dom(d, html, len, keep_dom, err);
    }
    if (rc) {
        if (rc == CWT_ENOMEM)
            cwt_err_set(err, rc, "out of memory parsing '%s'", url ? url : "");
        cwt__doc_free(d);
        return rc;
    }
    *out = d;
    return CWT_OK;
}

enum cwt_status cwt__doc_parse_path(const struct cwt_ctx *ctx, const char *html, size_t len, const char *url,
                                    bool dom, struct cwt__doc **out, struct cwt_err *err)
{
    (void)ctx;
    *out = NULL;
    if (!dom)
        return parse_sax_doc(url, html, len, false, out, err);
    struct cwt__doc *d = doc_new(url);
    if (!d)
        return CWT_ENOMEM;
    enum cwt_status rc = parse_dom(d, html, len, false, err);
    if (rc) {
        cwt__doc_free(d);
        return rc;
    }
    *out = d;
    return CWT_OK;
}

enum cwt_status cwt__doc_parse(const struct cwt_ctx *ctx, const char *html, size_t len, const char *url,
                               struct cwt__doc **out, struct cwt_err *err)
{
    return doc_parse(ctx, html, len, url, false, out, err);
}

enum cwt_status cwt__doc_parse_dom(const struct cwt_ctx *ctx, const char *html, size_t len, const char *url,
                                   struct cwt__doc **out, struct cwt_err *err)
{
    return doc_parse(ctx, html, len, url, true, out, err);
}

void cwt__doc_free(struct cwt__doc *doc)
{
    if (!doc)
        return;
    struct cwt__page_priv *priv = doc->priv;
    if (priv) {
        xmlFreeDoc((xmlDocPtr)priv->xd);
        cwt__lt_free(priv->lt);
        json_decref(priv->sdata);
        cwt__walk_free_strings(priv->strings);
        cwt_free(priv);
    }
    cwt_free(doc->links); /* their strings are in the arena */
    cwt_free(doc->xlinks);
    cwt_free(doc->metas);
    cwt_free(doc->jsonld);
    cwt_free(doc->media);
    cwt_free(doc->url);
    cwt_free(doc->base);
    cwt_free(doc->title);
    cwt_free(doc->lang);
    cwt_free(doc->text);
    cwt_free(doc->detected_lang);
    cwt_free(doc);
}

const char *cwt__doc_meta(const struct cwt__doc *doc, const char *name)
{
    for (size_t i = 0; doc && i < doc->nmetas; i++)
        if (strcmp(doc->metas[i].name, name) == 0)
            return doc->metas[i].content;
    return NULL;
}

const char *cwt__doc_base(const struct cwt__doc *doc)
{
    return doc->base ? doc->base : doc->url;
}

void cwt__page_global_init(void)
{
    xmlInitParser();
}
