/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the page layer's parse: libxml2's forgiving HTML
 * parser builds the DOM once, then one iterative walk (no recursion, so a
 * page nested 100,000 deep costs no stack) collects the visible text, the
 * links made absolute against the page URL or <base href>, meta tags, the
 * <html lang>, the title, the JSON-LD blocks and the media sources. Every
 * list and buffer has a cap; past it the walk keeps going and drops the rest.
 */
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <libxml/uri.h>
#include <limits.h>

#include "page/page.h"
#include "page/page_int.h"
#include "util/buf.h"

#define MAX_LINKS 20000
#define MAX_XLINKS 2000
#define MAX_METAS 2000
#define MAX_JSONLD 128
#define MAX_JSONLD_BYTES (1u << 20)
#define MAX_MEDIA 5000
#define MAX_TEXT_BYTES (4u << 20)
#define MAX_ATTR_TEXT 2048 /* bytes kept of a link text, title, alt */

struct walk {
    struct cwt__doc *doc;
    const char *base;          /* base URL for relative links (page URL or <base href>) */
    struct cwt_buf text;
    int pending;               /* separator owed before the next visible character: 0, 1 ' ', 2 '\n' */
    unsigned in_head, in_svg;
    xmlNodePtr anchor;         /* the open <a>, if any */
    size_t anchor_start;       /* text.len when it opened */
    size_t anchor_link;        /* its index in doc->links, or SIZE_MAX */
    char *anchor_alt;          /* first img alt/title inside it */
    size_t cap_links, cap_xlinks, cap_metas, cap_jsonld, cap_media;
    bool base_seen;
    enum cwt_status rc;        /* first allocation failure */
};

static bool name_is(xmlNodePtr n, const char *name)
{
    return n->name && xmlStrcasecmp(n->name, (const xmlChar *)name) == 0;
}

static bool name_in(xmlNodePtr n, const char *const *names)
{
    for (size_t i = 0; names[i]; i++)
        if (name_is(n, names[i]))
            return true;
    return false;
}

/* The attribute's value as a string the caller frees (cwt_free), NULL if absent. */
char *cwt__node_attr(const void *node, const char *name)
{
    xmlNodePtr n = (xmlNodePtr)node;
    if (n->type != XML_ELEMENT_NODE)
        return NULL;
    for (xmlAttrPtr a = n->properties; a; a = a->next) {
        if (!a->name || xmlStrcasecmp(a->name, (const xmlChar *)name) != 0)
            continue;
        xmlChar *v = xmlNodeListGetString(n->doc, a->children, 1);
        char *out = cwt_strdup(v ? (const char *)v : "");
        xmlFree(v);
        return out;
    }
    return NULL;
}

bool cwt__node_has_attr(const void *node, const char *name)
{
    xmlNodePtr n = (xmlNodePtr)node;
    if (n->type != XML_ELEMENT_NODE)
        return false;
    for (xmlAttrPtr a = n->properties; a; a = a->next)
        if (a->name && xmlStrcasecmp(a->name, (const xmlChar *)name) == 0)
            return true;
    return false;
}

static bool is_ws(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

char *cwt__collapse(const char *s, size_t len, size_t max)
{
    struct cwt_buf b;
    cwt_buf_init(&b, max + 8);
    bool space = false;
    for (size_t i = 0; s && i < len && s[i]; i++) {
        unsigned char c = (unsigned char)s[i];
        bool nbsp = c == 0xC2 && i + 1 < len && (unsigned char)s[i + 1] == 0xA0;
        if (is_ws(c) || nbsp) {
            space = b.len > 0;
            i += nbsp;
            continue;
        }
        size_t clen = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
        if (clen > len - i || b.len + 1 + clen > max)
            break;
        if ((space && cwt_buf_addc(&b, ' ')) || cwt_buf_add(&b, s + i, clen))
            break;
        space = false;
        i += clen - 1;
    }
    char *out = cwt_buf_detach(&b, NULL);
    return out ? out : cwt_strdup("");
}

/* The node's text content, whitespace collapsed, at most @p max bytes. */
static char *node_text(xmlNodePtr n, size_t max)
{
    xmlChar *c = xmlNodeGetContent(n);
    char *out = cwt__collapse(c ? (const char *)c : "", c ? strlen((const char *)c) : 0, max);
    xmlFree(c);
    return out;
}

/* Percent-encodes what xmlBuildURI refuses (spaces, non-ASCII, a few ASCII) and drops tabs and line
 * breaks, as browsers do. Caller frees. */
static char *uri_prepare(const char *href)
{
    size_t len = strlen(href);
    while (len && is_ws((unsigned char)href[len - 1]))
        len--;
    while (len && is_ws((unsigned char)*href))
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

static bool has_prefix_ci(const char *s, const char *p)
{
    return strncasecmp(s, p, strlen(p)) == 0;
}

enum cwt_status cwt__url_resolve(const char *base, const char *href, char **out)
{
    *out = NULL;
    char *h = uri_prepare(href);
    if (!h)
        return CWT_EINVAL;
    if (!*h || has_prefix_ci(h, "javascript:") || has_prefix_ci(h, "data:")) {
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
    size_t skip = has_prefix_ci(s, "http://") ? 7 : has_prefix_ci(s, "https://") ? 8 : 0;
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

static void note_rc(struct walk *w, enum cwt_status rc)
{
    if (rc == CWT_ENOMEM && !w->rc)
        w->rc = rc;
}

static char *lower_dup(const char *s)
{
    char *c = cwt__collapse(s, strlen(s), MAX_ATTR_TEXT);
    for (char *p = c; p && *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p + 32);
    return c;
}

/* Adds a link; returns its index or SIZE_MAX when dropped. Takes @p href. */
static size_t add_link(struct walk *w, char *href, xmlNodePtr n)
{
    struct cwt__doc *d = w->doc;
    enum cwt_status rc = CWT_GROW(d->links, d->nlinks, &w->cap_links, MAX_LINKS);
    if (rc) {
        note_rc(w, rc);
        cwt_free(href);
        return SIZE_MAX;
    }
    struct cwt__link *l = &d->links[d->nlinks];
    l->href = href;
    char *rel = cwt__node_attr(n, "rel");
    char *hl = cwt__node_attr(n, "hreflang");
    l->rel = rel ? lower_dup(rel) : NULL;
    l->hreflang = hl ? lower_dup(hl) : NULL;
    cwt_free(rel);
    cwt_free(hl);
    return d->nlinks++;
}

static void add_xlink(struct walk *w, const char *raw, xmlNodePtr n)
{
    struct cwt__doc *d = w->doc;
    char *h = cwt__collapse(raw, strlen(raw), MAX_ATTR_TEXT);
    if (!h || !*h || has_prefix_ci(h, "javascript:") || has_prefix_ci(h, "data:") || !strchr(h, ':') ||
        strchr(h, ':') > strpbrk(h, ":/?#")) {
        cwt_free(h);
        return;
    }
    enum cwt_status rc = CWT_GROW(d->xlinks, d->nxlinks, &w->cap_xlinks, MAX_XLINKS);
    if (rc) {
        note_rc(w, rc);
        cwt_free(h);
        return;
    }
    struct cwt__link *l = &d->xlinks[d->nxlinks++];
    l->href = h;
    l->text = node_text(n, MAX_ATTR_TEXT);
}

static void add_media(struct walk *w, const char *kind, xmlNodePtr n, const char *attr)
{
    char *src = cwt__node_attr(n, attr);
    if (!src && strcmp(kind, "img") == 0)
        src = cwt__node_attr(n, "data-src");
    char *abs = NULL;
    if (src && cwt__url_resolve(w->base, src, &abs) == CWT_OK) {
        struct cwt__doc *d = w->doc;
        enum cwt_status rc = CWT_GROW(d->media, d->nmedia, &w->cap_media, MAX_MEDIA);
        if (rc) {
            note_rc(w, rc);
            cwt_free(abs);
        } else {
            struct cwt__media *m = &d->media[d->nmedia++];
            m->kind = cwt_strdup(kind);
            m->src = abs;
            char *t = cwt__node_attr(n, "title");
            if (!t)
                t = cwt__node_attr(n, "alt");
            if (!t)
                t = cwt__node_attr(n, "aria-label");
            if (t) {
                m->title = cwt__collapse(t, strlen(t), MAX_ATTR_TEXT);
                cwt_free(t);
            }
        }
    }
    cwt_free(src);
}

static void add_meta(struct walk *w, xmlNodePtr n)
{
    char *name = cwt__node_attr(n, "name");
    if (!name)
        name = cwt__node_attr(n, "property");
    if (!name)
        name = cwt__node_attr(n, "http-equiv");
    if (!name)
        name = cwt__node_attr(n, "itemprop");
    char *content = name ? cwt__node_attr(n, "content") : NULL;
    if (name && content) {
        struct cwt__doc *d = w->doc;
        enum cwt_status rc = CWT_GROW(d->metas, d->nmetas, &w->cap_metas, MAX_METAS);
        if (!rc) {
            struct cwt__meta *m = &d->metas[d->nmetas++];
            m->name = lower_dup(name);
            m->content = cwt__collapse(content, strlen(content), 64 * 1024);
        }
        note_rc(w, rc);
    }
    cwt_free(name);
    cwt_free(content);
}

static void add_jsonld(struct walk *w, xmlNodePtr n)
{
    xmlChar *c = xmlNodeGetContent(n);
    if (!c)
        return;
    size_t len = strlen((const char *)c);
    struct cwt__doc *d = w->doc;
    if (len <= MAX_JSONLD_BYTES) {
        enum cwt_status rc = CWT_GROW(d->jsonld, d->njsonld, &w->cap_jsonld, MAX_JSONLD);
        if (!rc) {
            d->jsonld[d->njsonld] = cwt_strndup((const char *)c, len);
            if (d->jsonld[d->njsonld])
                d->njsonld++;
            else
                rc = CWT_ENOMEM;
        }
        note_rc(w, rc);
    }
    xmlFree(c);
}

static bool is_jsonld(xmlNodePtr n)
{
    char *t = cwt__node_attr(n, "type");
    bool yes = false;
    if (t) {
        char *l = lower_dup(t);
        yes = l && strncmp(l, "application/ld+json", 19) == 0;
        cwt_free(l);
        cwt_free(t);
    }
    return yes;
}

static void text_add(struct walk *w, const char *s, size_t len)
{
    if (w->in_head)
        return;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        bool nbsp = c == 0xC2 && i + 1 < len && (unsigned char)s[i + 1] == 0xA0;
        if (is_ws(c) || nbsp) {
            if (w->pending < 1)
                w->pending = 1;
            i += nbsp;
            continue;
        }
        if (w->pending && w->text.len > 0 && cwt_buf_addc(&w->text, w->pending == 2 ? '\n' : ' '))
            return;
        w->pending = 0;
        if (cwt_buf_addc(&w->text, (char)c))
            return;
    }
}

static void block_break(struct walk *w)
{
    w->pending = 2;
}

static void anchor_close(struct walk *w)
{
    if (!w->anchor)
        return;
    if (w->anchor_link != SIZE_MAX) {
        struct cwt__link *l = &w->doc->links[w->anchor_link];
        const char *t = w->text.data ? w->text.data + w->anchor_start : "";
        l->text = cwt__collapse(t, w->text.len - w->anchor_start, MAX_ATTR_TEXT);
        if (l->text && !*l->text) {
            char *alt = w->anchor_alt;
            if (!alt)
                alt = cwt__node_attr(w->anchor, "aria-label");
            if (!alt)
                alt = cwt__node_attr(w->anchor, "title");
            if (alt) {
                cwt_free(l->text);
                l->text = cwt__collapse(alt, strlen(alt), MAX_ATTR_TEXT);
                if (alt != w->anchor_alt)
                    cwt_free(alt);
            }
        }
        if (!l->text)
            note_rc(w, CWT_ENOMEM);
    }
    cwt_free(w->anchor_alt);
    w->anchor_alt = NULL;
    w->anchor = NULL;
    w->anchor_link = SIZE_MAX;
}

static void anchor_open(struct walk *w, xmlNodePtr n)
{
    anchor_close(w); /* anchors do not nest */
    w->anchor = n;
    w->anchor_start = w->text.len;
    w->anchor_link = SIZE_MAX;
    char *href = cwt__node_attr(n, "href");
    if (!href)
        return;
    char *abs = NULL;
    enum cwt_status rc = cwt__url_resolve(w->base, href, &abs);
    if (rc == CWT_OK)
        w->anchor_link = add_link(w, abs, n);
    else if (rc == CWT_EINVAL)
        add_xlink(w, href, n);
    note_rc(w, rc);
    cwt_free(href);
}

static void link_element(struct walk *w, xmlNodePtr n)
{
    char *href = cwt__node_attr(n, "href");
    char *rel = cwt__node_attr(n, "rel");
    char *abs = NULL;
    bool keep = cwt__node_has_attr(n, "hreflang");
    if (rel) {
        static const char *const keep_rels[] = {"alternate", "canonical", "privacy-policy", "terms-of-service",
                                                "license", "author", "home", NULL};
        char *l = lower_dup(rel);
        for (size_t i = 0; l && keep_rels[i] && !keep; i++)
            keep = strstr(l, keep_rels[i]) != NULL;
        cwt_free(l);
    }
    if (keep && href && cwt__url_resolve(w->base, href, &abs) == CWT_OK) {
        size_t i = add_link(w, abs, n);
        if (i != SIZE_MAX) {
            char *t = cwt__node_attr(n, "title");
            w->doc->links[i].text = t ? cwt__collapse(t, strlen(t), MAX_ATTR_TEXT) : cwt_strdup("");
            cwt_free(t);
        }
    }
    cwt_free(href);
    cwt_free(rel);
}

static bool hidden(xmlNodePtr n)
{
    if (cwt__node_has_attr(n, "hidden"))
        return true;
    char *st = cwt__node_attr(n, "style");
    bool h = false;
    if (st) {
        char *p = st, *q = st;
        for (; *p; p++)
            if (!is_ws((unsigned char)*p))
                *q++ = (char)((*p >= 'A' && *p <= 'Z') ? *p + 32 : *p);
        *q = '\0';
        h = strstr(st, "display:none") != NULL || strstr(st, "visibility:hidden") != NULL;
        cwt_free(st);
    }
    return h;
}

static const char *const block_tags[] = {
    "address", "article", "aside", "blockquote", "body", "br", "caption", "dd", "details", "div", "dl",
    "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
    "header", "hr", "html", "li", "main", "nav", "ol", "option", "p", "pre", "section", "summary",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "select", "button", "label", NULL};

/* Handles entering element @p n; returns whether to descend into it. */
static bool enter(struct walk *w, xmlNodePtr n)
{
    struct cwt__doc *d = w->doc;
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
        if (n->content)
            text_add(w, (const char *)n->content, strlen((const char *)n->content));
        return false;
    }
    if (n->type != XML_ELEMENT_NODE)
        return false;
    if (name_is(n, "script")) {
        if (is_jsonld(n))
            add_jsonld(w, n);
        return false;
    }
    static const char *const skip[] = {"style", "noscript", "template", "iframe", "object", "embed",
                                       "video", "audio", "textarea", NULL};
    if (name_is(n, "meta")) {
        add_meta(w, n);
        return false;
    }
    if (name_is(n, "link")) {
        link_element(w, n);
        return false;
    }
    if (name_is(n, "base")) {
        if (!w->base_seen) {
            char *h = cwt__node_attr(n, "href"), *abs = NULL;
            if (h && cwt__url_resolve(w->base, h, &abs) == CWT_OK) {
                cwt_free(d->base);
                d->base = abs;
                w->base = abs;
            }
            cwt_free(h);
            w->base_seen = true;
        }
        return false;
    }
    if (name_is(n, "title")) {
        if (!d->title && !w->in_svg)
            d->title = node_text(n, MAX_ATTR_TEXT);
        return false;
    }
    if (name_is(n, "iframe") || name_is(n, "embed"))
        add_media(w, name_is(n, "iframe") ? "iframe" : "embed", n, "src");
    else if (name_is(n, "object"))
        add_media(w, "object", n, "data");
    else if (name_is(n, "video")) {
        add_media(w, "video", n, "src");
        for (xmlNodePtr c = n->children; c; c = c->next)
            if (c->type == XML_ELEMENT_NODE && name_is(c, "source"))
                add_media(w, "video", c, "src");
    } else if (name_is(n, "img")) {
        add_media(w, "img", n, "src");
        if (w->anchor && !w->anchor_alt) {
            w->anchor_alt = cwt__node_attr(n, "alt");
            if (w->anchor_alt && !*w->anchor_alt) {
                cwt_free(w->anchor_alt);
                w->anchor_alt = NULL;
            }
            if (!w->anchor_alt)
                w->anchor_alt = cwt__node_attr(n, "title");
        }
    } else if (name_is(n, "area")) {
        anchor_open(w, n);
        anchor_close(w);
    }
    if (name_in(n, skip) || hidden(n))
        return false;
    if (name_is(n, "head"))
        w->in_head++;
    else if (name_is(n, "svg"))
        w->in_svg++;
    else if (name_is(n, "a"))
        anchor_open(w, n);
    if (name_in(n, block_tags))
        block_break(w);
    return true;
}

/* Handles leaving element @p n after its children (only for elements enter() descended into). */
static void leave(struct walk *w, xmlNodePtr n)
{
    if (name_is(n, "head") && w->in_head)
        w->in_head--;
    else if (name_is(n, "svg") && w->in_svg)
        w->in_svg--;
    else if (n == w->anchor)
        anchor_close(w);
    if (name_in(n, block_tags))
        block_break(w);
}

static void walk_tree(struct walk *w, xmlDocPtr xd)
{
    xmlNodePtr cur = xd->children;
    while (cur) {
        if (enter(w, cur)) {
            if (cur->children) {
                cur = cur->children;
                continue;
            }
            leave(w, cur);
        }
        /* cur is finished; climb until a sibling exists, leaving each parent. */
        while (cur) {
            if (cur->next) {
                cur = cur->next;
                break;
            }
            cur = cur->parent;
            if (!cur || cur == (xmlNodePtr)xd)
                cur = NULL;
            else if (cur->type == XML_ELEMENT_NODE)
                leave(w, cur);
        }
    }
    anchor_close(w);
}

static void html_lang(struct cwt__doc *d, xmlDocPtr xd)
{
    xmlNodePtr root = xmlDocGetRootElement(xd);
    if (!root || !name_is(root, "html"))
        return;
    char *l = cwt__node_attr(root, "lang");
    if (!l)
        l = cwt__node_attr(root, "xml:lang");
    if (l) {
        char *c = lower_dup(l);
        cwt_free(l);
        if (c && !*c) {
            cwt_free(c);
            c = NULL;
        }
        d->lang = c;
    }
}

enum cwt_status cwt__doc_parse(const struct cwt_ctx *ctx, const char *html, size_t len, const char *url,
                               struct cwt__doc **out, struct cwt_err *err)
{
    *out = NULL;
    const struct cwt_limits *lim = cwt_ctx_limits(ctx);
    if (len > INT_MAX || (lim->max_page_bytes && len > lim->max_page_bytes))
        return cwt_err_setf(err, CWT_ETOOBIG, "body", "page '%s' is %zu bytes, over the cap", url ? url : "",
                            len);
    enum cwt_status rc = CWT_ENOMEM;
    struct cwt__doc *d = CWT_NEW(struct cwt__doc);
    if (!d || !(d->url = cwt_strdup(url ? url : "")))
        goto out;
    int opts = HTML_PARSE_RECOVER | HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
               HTML_PARSE_COMPACT;
    xmlDocPtr xd = htmlReadMemory(len ? html : " ", len ? (int)len : 1, d->url, "UTF-8", opts);
    if (!xd) {
        rc = cwt_err_setf(err, CWT_EPARSE, "body", "cannot parse the html of '%s'", d->url);
        goto out;
    }
    struct cwt__page_priv *priv = CWT_NEW(struct cwt__page_priv);
    if (!priv) {
        xmlFreeDoc(xd);
        goto out;
    }
    priv->xd = xd;
    d->priv = priv;
    struct walk w = {.doc = d, .base = d->url, .anchor_link = SIZE_MAX};
    cwt_buf_init(&w.text, MAX_TEXT_BYTES);
    walk_tree(&w, xd);
    html_lang(d, xd);
    d->text = cwt_buf_detach(&w.text, &d->text_len);
    if (!d->text && !(d->text = cwt_strdup("")))
        w.rc = CWT_ENOMEM;
    if (!d->title && !(d->title = cwt_strdup("")))
        w.rc = CWT_ENOMEM;
    rc = w.rc;
    if (!rc)
        rc = cwt__sdata_build(d);
    if (rc)
        cwt_err_set(err, rc, "out of memory parsing '%s'", d->url);
out:
    if (rc) {
        if (rc == CWT_ENOMEM)
            cwt_err_set(err, rc, "out of memory parsing '%s'", url ? url : "");
        cwt__doc_free(d);
        return rc;
    }
    *out = d;
    return CWT_OK;
}

static void free_links(struct cwt__link *l, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        cwt_free(l[i].href);
        cwt_free(l[i].text);
        cwt_free(l[i].rel);
        cwt_free(l[i].hreflang);
    }
    cwt_free(l);
}

void cwt__doc_free(struct cwt__doc *doc)
{
    if (!doc)
        return;
    struct cwt__page_priv *priv = doc->priv;
    if (priv) {
        xmlFreeDoc((xmlDocPtr)priv->xd);
        json_decref(priv->sdata);
        cwt_free(priv);
    }
    free_links(doc->links, doc->nlinks);
    free_links(doc->xlinks, doc->nxlinks);
    for (size_t i = 0; i < doc->nmetas; i++) {
        cwt_free(doc->metas[i].name);
        cwt_free(doc->metas[i].content);
    }
    cwt_free(doc->metas);
    for (size_t i = 0; i < doc->njsonld; i++)
        cwt_free(doc->jsonld[i]);
    cwt_free(doc->jsonld);
    for (size_t i = 0; i < doc->nmedia; i++) {
        cwt_free(doc->media[i].kind);
        cwt_free(doc->media[i].src);
        cwt_free(doc->media[i].title);
    }
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
