/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the walk that collects a page's content, shared by
 * the DOM walk (cwt__walk_dom, one iterative pre-order walk of the tree: no
 * recursion, so a page nested 100,000 deep costs no stack) and the SAX walk
 * (page_sax.c): the visible text, the links made absolute against the page
 * URL or <base href>, meta tags, the <html lang>, the title, the JSON-LD
 * blocks and the media sources. Every list and buffer has a cap; past it the
 * walk keeps going and drops the rest. Speed: each element's name is
 * classified once (a hash look-up, kept in the node's _private until the DOM
 * walk leaves it), attributes are read in place, the strings the document
 * keeps live in one arena, and simple links are resolved without libxml2
 * (page/resolve.c).
 */
#include <libxml/HTMLtree.h>
#include <libxml/tree.h>
#include <pthread.h>

#include "page/arena.h"
#include "page/page_walk.h"

#define MAX_LINKS 20000
#define MAX_XLINKS 2000
#define MAX_METAS 2000
#define MAX_JSONLD 128
#define MAX_JSONLD_BYTES (1u << 20)
#define MAX_MEDIA 5000
#define MAX_TEXT_BYTES (4u << 20)
#define MAX_ATTR_TEXT 2048 /* bytes kept of a link text, title, alt */



/* Writes @p s collapsed (see cwt__collapse) into @p dst, which has room for min(len, max) + 1 bytes;
 * returns the length written. */
static size_t collapse_to(char *dst, const char *s, size_t len, size_t max)
{
    size_t o = 0;
    bool space = false;
    for (size_t i = 0; s && i < len && s[i]; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((unsigned)(c - 0x21) < 0x5F) { /* a run of printable ASCII: as the general case below, in a loop */
            if (o + 2 > max)
                break;
            if (space)
                dst[o++] = ' ';
            space = false;
            dst[o++] = (char)c;
            while (i + 1 < len && (unsigned)((unsigned char)s[i + 1] - 0x21) < 0x5F && o + 2 <= max)
                dst[o++] = s[++i];
            continue;
        }
        bool nbsp = c == 0xC2 && i + 1 < len && (unsigned char)s[i + 1] == 0xA0;
        if (cwt__is_ws(c) || nbsp) {
            space = o > 0;
            i += nbsp;
            continue;
        }
        size_t clen = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
        if (clen > len - i || o + 1 + clen > max)
            break;
        if (space)
            dst[o++] = ' ';
        for (size_t k = 0; k < clen; k++)
            dst[o++] = s[i + k];
        space = false;
        i += clen - 1;
    }
    dst[o] = '\0';
    return o;
}

char *cwt__collapse(const char *s, size_t len, size_t max)
{
    char *out = cwt_malloc(CWT_MIN(len, max) + 1);
    if (out)
        collapse_to(out, s, len, max);
    return out;
}

/* The node's text content, whitespace collapsed, at most @p max bytes. */
static char *node_text(xmlNodePtr n, size_t max)
{
    xmlChar *c = xmlNodeGetContent(n);
    char *out = cwt__collapse(c ? (const char *)c : "", c ? strlen((const char *)c) : 0, max);
    xmlFree(c);
    return out;
}

static void note_rc(struct cwt__walk *w, enum cwt_status rc)
{
    if (rc == CWT_ENOMEM && !w->rc)
        w->rc = rc;
}

/* --- the arena of the document's strings --- */

/* @p n bytes from the arena, NULL (and w->rc set) when out of memory. */
static char *ar_alloc(struct cwt__walk *w, size_t n)
{
    char *p = cwt__arena_alloc((struct cwt__chunk **)&w->priv->strings, n, false);
    if (!p)
        note_rc(w, CWT_ENOMEM);
    w->last = p;
    return p;
}

/* Gives back the unused tail of the latest allocation @p p (of which @p used bytes are kept). */
static void ar_trim(struct cwt__walk *w, char *p, size_t used)
{
    struct cwt__chunk *c = w->priv->strings;
    if (p && p == w->last && c && p >= c->data && p < c->data + c->cap)
        c->used = (size_t)(p - c->data) + used;
}

static char *ar_strndup(struct cwt__walk *w, const char *s, size_t n)
{
    char *p = ar_alloc(w, n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

void cwt__walk_free_strings(void *strings)
{
    cwt__arena_free(strings);
}

/* cwt__collapse() into the arena. */
static char *ar_collapse(struct cwt__walk *w, const char *s, size_t len, size_t max)
{
    size_t room = CWT_MIN(len, max);
    char *p = ar_alloc(w, room + 1);
    if (!p)
        return NULL;
    size_t n = collapse_to(p, s, len, max);
    ar_trim(w, p, n + 1);
    return p;
}

static char *ar_lower(struct cwt__walk *w, const char *s)
{
    char *c = ar_collapse(w, s, strlen(s), MAX_ATTR_TEXT);
    for (char *p = c; p && *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p + 32);
    return c;
}

/* --- element names and attributes --- */

enum tag {
    T_OTHER, T_A, T_AREA, T_BASE, T_EMBED, T_HEAD, T_IFRAME, T_IMG, T_LINK, T_META, T_OBJECT, T_SCRIPT,
    T_SOURCE, T_SVG, T_TITLE, T_VIDEO, T_PLAIN
};
enum { F_BLOCK = 1, F_SKIP = 2 }; /* a block element (text breaks around it); its text is not visible */

struct tagdef {
    const char *name;
    unsigned char tag, flags;
};

/* Sorted by name. */
static const struct tagdef tags[] = {
    {"a", T_A, 0}, {"address", T_PLAIN, F_BLOCK}, {"area", T_AREA, 0}, {"article", T_PLAIN, F_BLOCK},
    {"aside", T_PLAIN, F_BLOCK}, {"audio", T_PLAIN, F_SKIP}, {"base", T_BASE, 0},
    {"blockquote", T_PLAIN, F_BLOCK}, {"body", T_PLAIN, F_BLOCK}, {"br", T_PLAIN, F_BLOCK},
    {"button", T_PLAIN, F_BLOCK}, {"caption", T_PLAIN, F_BLOCK}, {"dd", T_PLAIN, F_BLOCK},
    {"details", T_PLAIN, F_BLOCK}, {"div", T_PLAIN, F_BLOCK}, {"dl", T_PLAIN, F_BLOCK},
    {"dt", T_PLAIN, F_BLOCK}, {"embed", T_EMBED, F_SKIP}, {"fieldset", T_PLAIN, F_BLOCK},
    {"figcaption", T_PLAIN, F_BLOCK}, {"figure", T_PLAIN, F_BLOCK}, {"footer", T_PLAIN, F_BLOCK},
    {"form", T_PLAIN, F_BLOCK}, {"h1", T_PLAIN, F_BLOCK}, {"h2", T_PLAIN, F_BLOCK}, {"h3", T_PLAIN, F_BLOCK},
    {"h4", T_PLAIN, F_BLOCK}, {"h5", T_PLAIN, F_BLOCK}, {"h6", T_PLAIN, F_BLOCK}, {"head", T_HEAD, 0},
    {"header", T_PLAIN, F_BLOCK}, {"hr", T_PLAIN, F_BLOCK}, {"html", T_PLAIN, F_BLOCK},
    {"iframe", T_IFRAME, F_SKIP}, {"img", T_IMG, 0}, {"label", T_PLAIN, F_BLOCK}, {"li", T_PLAIN, F_BLOCK},
    {"link", T_LINK, 0}, {"main", T_PLAIN, F_BLOCK}, {"meta", T_META, 0}, {"nav", T_PLAIN, F_BLOCK},
    {"noscript", T_PLAIN, F_SKIP}, {"object", T_OBJECT, F_SKIP}, {"ol", T_PLAIN, F_BLOCK},
    {"option", T_PLAIN, F_BLOCK}, {"p", T_PLAIN, F_BLOCK}, {"pre", T_PLAIN, F_BLOCK},
    {"script", T_SCRIPT, 0}, {"section", T_PLAIN, F_BLOCK}, {"select", T_PLAIN, F_BLOCK},
    {"source", T_SOURCE, 0}, {"style", T_PLAIN, F_SKIP}, {"summary", T_PLAIN, F_BLOCK}, {"svg", T_SVG, 0},
    {"table", T_PLAIN, F_BLOCK}, {"tbody", T_PLAIN, F_BLOCK}, {"td", T_PLAIN, F_BLOCK},
    {"template", T_PLAIN, F_SKIP}, {"textarea", T_PLAIN, F_SKIP}, {"tfoot", T_PLAIN, F_BLOCK},
    {"th", T_PLAIN, F_BLOCK}, {"thead", T_PLAIN, F_BLOCK}, {"title", T_TITLE, 0}, {"tr", T_PLAIN, F_BLOCK},
    {"ul", T_PLAIN, F_BLOCK}, {"video", T_VIDEO, F_SKIP},
};

/* tags[] by a hash of the name (length, first and last byte), open addressing; built once. */
enum { TAG_SLOTS = 256 };
static unsigned char tag_slot[TAG_SLOTS]; /* index in tags[] + 1, 0 for an empty slot */
static pthread_once_t tag_once = PTHREAD_ONCE_INIT;

static unsigned tag_hash(const char *s, size_t len)
{
    return ((unsigned)len * 61u + (unsigned char)s[0] * 7u + (unsigned char)s[len - 1]) & (TAG_SLOTS - 1);
}

static void tag_index(void)
{
    for (size_t i = 0; i < CWT_ARRAY_LEN(tags); i++) {
        unsigned h = tag_hash(tags[i].name, strlen(tags[i].name));
        while (tag_slot[h])
            h = (h + 1) & (TAG_SLOTS - 1);
        tag_slot[h] = (unsigned char)(i + 1);
    }
}

/* The entry of element name @p s (ASCII case-insensitive), NULL for names not in the table. */
static const struct tagdef *tag_lookup(const xmlChar *s)
{
    char low[12];
    size_t i = 0;
    for (; s && s[i]; i++) {
        if (i + 1 >= sizeof low)
            return NULL;
        low[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
    }
    if (!i)
        return NULL;
    low[i] = '\0';
    pthread_once(&tag_once, tag_index);
    for (unsigned h = tag_hash(low, i); tag_slot[h]; h = (h + 1) & (TAG_SLOTS - 1)) {
        const struct tagdef *t = &tags[tag_slot[h] - 1];
        if (strcmp(t->name, low) == 0)
            return t;
    }
    return NULL;
}

/* The value of attribute @p a, read in place (the HTML parser gives each value one text node); a copy kept
 * in the junk list otherwise. NULL only when out of memory. */
static const char *attr_value(struct cwt__walk *w, xmlNodePtr n, xmlAttrPtr a)
{
    xmlNodePtr t = a->children;
    if (!t)
        return "";
    if (!t->next && (t->type == XML_TEXT_NODE || t->type == XML_CDATA_SECTION_NODE))
        return t->content ? (const char *)t->content : "";
    enum cwt_status rc = CWT_GROW(w->junk, w->njunk, &w->cap_junk, SIZE_MAX / 2);
    xmlChar *v = rc ? NULL : xmlNodeListGetString(n->doc, t, 1);
    if (!v) {
        note_rc(w, CWT_ENOMEM);
        return NULL;
    }
    w->junk[w->njunk++] = (char *)v;
    return (const char *)v;
}

/* The value of an attribute the SAX parser gave: a boolean attribute written without a value has its
 * name as value in the DOM (xmlSAX2StartElement), any other such attribute is empty. */
static const char *sax_value(const xmlChar *name, const xmlChar *value)
{
    if (value)
        return (const char *)value;
    return htmlIsBooleanAttr(name) ? (const char *)name : "";
}

/* The value of attribute @p name of element @p el, in place; NULL if absent. */
static const char *attr(struct cwt__walk *w, const struct cwt__el *el, const char *name)
{
    if (!el->node) {
        for (const xmlChar **a = el->atts; a && a[0]; a += 2)
            if (cwt__name_eq(a[0], name))
                return sax_value(a[0], a[1]);
        return NULL;
    }
    xmlNodePtr n = el->node;
    for (xmlAttrPtr a = n->properties; a; a = a->next)
        if (cwt__name_eq(a->name, name))
            return attr_value(w, n, a);
    return NULL;
}

/* Whether element @p el has attributes. */
static bool has_attrs(const struct cwt__el *el)
{
    return el->node ? ((xmlNodePtr)el->node)->properties != NULL : el->atts && el->atts[0];
}

/* In the SAX walk, a copy of attribute value @p s (slot @p k of w->keep) that outlives the element. */
static const char *keep(struct cwt__walk *w, unsigned k, const char *s)
{
    if (!w->sax || !s)
        return s;
    cwt_buf_reset(&w->keep[k]);
    if (cwt_buf_adds(&w->keep[k], s)) {
        note_rc(w, CWT_ENOMEM);
        return NULL;
    }
    return w->keep[k].data;
}

/* --- what the walk collects --- */

/* Resolves @p href against the walk's base into the arena: the simple forms directly, the rest through
 * cwt__url_resolve(). NULL with *rc CWT_EINVAL (not an http(s) link), CWT_ENOMEM. */
static char *resolve(struct cwt__walk *w, const char *href, enum cwt_status *rc)
{
    size_t len = strlen(href);
    const char *h = href;
    while (len && cwt__is_ws((unsigned char)h[len - 1]))
        len--;
    while (len && cwt__is_ws((unsigned char)*h))
        h++, len--;
    size_t need = CWT_MAX(w->fast.origin_len, w->fast.dir_len) + len + 1;
    char *out = len <= 8192 ? ar_alloc(w, need) : NULL;
    if (out) {
        size_t n = cwt__url_resolve_simple(&w->fast, h, len, out, need);
        ar_trim(w, out, n ? n + 1 : 0);
        if (n) {
            *rc = CWT_OK;
            return out;
        }
    }
    char *abs = NULL;
    *rc = cwt__url_resolve(w->base, href, &abs);
    out = *rc == CWT_OK ? ar_strndup(w, abs, strlen(abs)) : NULL;
    if (*rc == CWT_OK && !out)
        *rc = CWT_ENOMEM;
    cwt_free(abs);
    return out;
}

/* Room for one more link; false (and the link dropped) at the cap. */
static bool link_room(struct cwt__walk *w)
{
    struct cwt__doc *d = w->doc;
    enum cwt_status rc = CWT_GROW(d->links, d->nlinks, &w->cap_links, MAX_LINKS);
    note_rc(w, rc);
    return rc == CWT_OK;
}

/* Adds a link (after link_room()); returns its index. Takes @p href (arena). */
static size_t add_link(struct cwt__walk *w, char *href, const struct cwt__el *el)
{
    struct cwt__doc *d = w->doc;
    struct cwt__link *l = &d->links[d->nlinks];
    l->href = href;
    const char *rel = attr(w, el, "rel");
    const char *hl = attr(w, el, "hreflang");
    l->rel = rel ? ar_lower(w, rel) : NULL;
    l->hreflang = hl ? ar_lower(w, hl) : NULL;
    return d->nlinks++;
}

/* The node's text content, whitespace collapsed, at most @p max bytes, in the arena. */
static char *ar_node_text(struct cwt__walk *w, xmlNodePtr n, size_t max)
{
    xmlChar *c = xmlNodeGetContent(n);
    char *out = ar_collapse(w, c ? (const char *)c : "", c ? strlen((const char *)c) : 0, max);
    xmlFree(c);
    return out;
}

/* Adds an xlink; its text is the element's text content (read now from the DOM; the SAX walk is asked
 * for it with WANT_XLINK and hands it to cwt__walk_xlink_text() when the element ends). */
static void add_xlink(struct cwt__walk *w, const char *raw, const struct cwt__el *el)
{
    struct cwt__doc *d = w->doc;
    if (d->nxlinks >= MAX_XLINKS)
        return;
    char *h = ar_collapse(w, raw, strlen(raw), MAX_ATTR_TEXT);
    if (!h || !*h || cwt__has_prefix_ci(h, "javascript:") || cwt__has_prefix_ci(h, "data:") || !strchr(h, ':') ||
        strchr(h, ':') > strpbrk(h, ":/?#"))
        return;
    enum cwt_status rc = CWT_GROW(d->xlinks, d->nxlinks, &w->cap_xlinks, MAX_XLINKS);
    if (rc) {
        note_rc(w, rc);
        return;
    }
    struct cwt__link *l = &d->xlinks[d->nxlinks++];
    l->href = h;
    if (el->node) {
        l->text = ar_node_text(w, el->node, MAX_ATTR_TEXT);
    } else {
        w->want |= WANT_XLINK;
        w->want_xlink = d->nxlinks - 1;
    }
}

void cwt__walk_xlink_text(struct cwt__walk *w, size_t i, const char *s, size_t len)
{
    if (i < w->doc->nxlinks)
        w->doc->xlinks[i].text = ar_collapse(w, s, len, MAX_ATTR_TEXT);
}

static void add_media(struct cwt__walk *w, const char *kind, const struct cwt__el *el, const char *attr_name)
{
    struct cwt__doc *d = w->doc;
    if (d->nmedia >= MAX_MEDIA)
        return;
    const char *src = attr(w, el, attr_name);
    if (!src && strcmp(kind, "img") == 0)
        src = attr(w, el, "data-src");
    enum cwt_status rc;
    char *abs = src ? resolve(w, src, &rc) : NULL;
    if (!abs)
        return;
    rc = CWT_GROW(d->media, d->nmedia, &w->cap_media, MAX_MEDIA);
    if (rc) {
        note_rc(w, rc);
        return;
    }
    struct cwt__media *m = &d->media[d->nmedia++];
    m->kind = ar_strndup(w, kind, strlen(kind));
    m->src = abs;
    const char *t = attr(w, el, "title");
    if (!t)
        t = attr(w, el, "alt");
    if (!t)
        t = attr(w, el, "aria-label");
    if (t)
        m->title = ar_collapse(w, t, strlen(t), MAX_ATTR_TEXT);
}

void cwt__walk_video_source(struct cwt__walk *w, const struct cwt__el *el)
{
    if (cwt__name_eq(el->name, "source"))
        add_media(w, "video", el, "src");
}

static void add_meta(struct cwt__walk *w, const struct cwt__el *el)
{
    const char *name = attr(w, el, "name");
    if (!name)
        name = attr(w, el, "property");
    if (!name)
        name = attr(w, el, "http-equiv");
    if (!name)
        name = attr(w, el, "itemprop");
    const char *content = name ? attr(w, el, "content") : NULL;
    if (name && content) {
        struct cwt__doc *d = w->doc;
        enum cwt_status rc = CWT_GROW(d->metas, d->nmetas, &w->cap_metas, MAX_METAS);
        if (!rc) {
            struct cwt__meta *m = &d->metas[d->nmetas++];
            m->name = ar_lower(w, name);
            m->content = ar_collapse(w, content, strlen(content), 64 * 1024);
        }
        note_rc(w, rc);
    }
}

void cwt__walk_jsonld(struct cwt__walk *w, const char *c, size_t len)
{
    struct cwt__doc *d = w->doc;
    if (len <= MAX_JSONLD_BYTES) {
        enum cwt_status rc = CWT_GROW(d->jsonld, d->njsonld, &w->cap_jsonld, MAX_JSONLD);
        if (!rc) {
            d->jsonld[d->njsonld] = ar_strndup(w, c, len);
            if (d->jsonld[d->njsonld])
                d->njsonld++;
            else
                rc = CWT_ENOMEM;
        }
        note_rc(w, rc);
    }
}

static void add_jsonld(struct cwt__walk *w, xmlNodePtr n)
{
    xmlChar *c = xmlNodeGetContent(n);
    if (!c)
        return;
    cwt__walk_jsonld(w, (const char *)c, strlen((const char *)c));
    xmlFree(c);
}

static bool is_jsonld(struct cwt__walk *w, const struct cwt__el *el)
{
    const char *t = attr(w, el, "type");
    if (!t)
        return false;
    while (cwt__is_ws((unsigned char)*t))
        t++;
    return strncasecmp(t, "application/ld+json", 19) == 0;
}

/* Byte classes of text_add(): 1 a space, 2 the lead byte of U+00A0 (a space when 0xA0 follows), 3 the end. */
static const unsigned char text_class[256] = {[0] = 3, [' '] = 1, ['\t'] = 1, ['\n'] = 1, ['\r'] = 1,
                                              ['\f'] = 1, ['\v'] = 1, [0xC2] = 2};

/* The first byte after the spaces (and U+00A0) at @p p. */
static inline const unsigned char *skip_spaces(const unsigned char *p)
{
    for (;;) {
        unsigned k = text_class[*p];
        if (k == 1)
            p++;
        else if (k == 2 && p[1] == 0xA0)
            p += 2;
        else
            return p;
    }
}

/* Adds the text @p s (NUL-terminated, at most @p n bytes before the NUL) to the visible text, whitespace
 * collapsed. A node of spaces only (indentation, most of a page's text nodes) only owes a separator; else
 * the room it may need (all of it and one separator, within the cap) is made once and the words are
 * written in place. The separator owed is kept in a local: the writes through the buffer would otherwise
 * reload it from the walk at every byte. */
void cwt__walk_text(struct cwt__walk *w, const char *s, size_t n)
{
    if (w->in_head || w->text_full) /* once full, nothing is written: what is owed no longer matters */
        return;
    const unsigned char *p = skip_spaces((const unsigned char *)s);
    int pending = w->pending;
    if (p != (const unsigned char *)s && pending < 1)
        pending = 1;
    if (!*p) {
        w->pending = pending;
        return;
    }
    struct cwt_buf *b = &w->text;
    n -= CWT_MIN(n, (size_t)(p - (const unsigned char *)s));
    if (cwt_buf_reserve(b, CWT_MIN(n + 1, b->max - b->len))) {
        w->text_full = true;
        return;
    }
    char *d = b->data;
    size_t len = b->len, max = b->max;
    while (*p) { /* at a word */
        if (pending && len > 0) {
            if (len + 1 > max) {
                w->text_full = true;
                break;
            }
            d[len++] = pending == 2 ? '\n' : ' ';
        }
        pending = 0;
        /* the run of bytes up to the next space (or 0xC2) goes in at once */
        const unsigned char *q = p + 1;
        while (!text_class[*q])
            q++;
        size_t m = (size_t)(q - p);
        if (m > max - len) {
            w->text_full = true;
            break;
        }
        memcpy(d + len, p, m);
        len += m;
        p = skip_spaces(q);
        if (p != q)
            pending = 1;
    }
    w->pending = pending;
    b->len = len;
    d[len] = '\0';
}

static void block_break(struct cwt__walk *w)
{
    w->pending = 2;
}

static void anchor_close(struct cwt__walk *w)
{
    if (!w->anchor_open)
        return;
    if (w->anchor_link != SIZE_MAX) {
        struct cwt__link *l = &w->doc->links[w->anchor_link];
        const char *t = w->text.data ? w->text.data + w->anchor_start : "";
        l->text = ar_collapse(w, t, w->text.len - w->anchor_start, MAX_ATTR_TEXT);
        if (l->text && !*l->text) {
            const char *alt = w->anchor_alt;
            if (!alt)
                alt = w->anchor_aria;
            if (!alt)
                alt = w->anchor_title;
            if (alt)
                l->text = ar_collapse(w, alt, strlen(alt), MAX_ATTR_TEXT);
        }
        if (!l->text)
            note_rc(w, CWT_ENOMEM);
    }
    w->anchor_alt = w->anchor_aria = w->anchor_title = NULL;
    w->anchor_open = false;
    w->anchor_link = SIZE_MAX;
}

static void anchor_open(struct cwt__walk *w, const struct cwt__el *el)
{
    anchor_close(w); /* anchors do not nest */
    w->anchor_open = true;
    w->anchor = el->id;
    w->anchor_start = w->text.len;
    w->anchor_link = SIZE_MAX;
    const char *href = attr(w, el, "href");
    if (!href)
        return;
    if (!link_room(w)) { /* past the cap only links of other schemes are still collected */
        const char *colon = strchr(href, ':');
        char *abs = NULL;
        if (colon && colon <= strpbrk(href, ":/?#") && w->doc->nxlinks < MAX_XLINKS &&
            cwt__url_resolve(w->base, href, &abs) == CWT_EINVAL)
            add_xlink(w, href, el);
        cwt_free(abs);
        return;
    }
    enum cwt_status rc;
    char *abs = resolve(w, href, &rc);
    if (rc == CWT_OK) {
        w->anchor_link = add_link(w, abs, el);
        w->anchor_aria = keep(w, 1, attr(w, el, "aria-label"));
        w->anchor_title = keep(w, 2, attr(w, el, "title"));
    } else if (rc == CWT_EINVAL) {
        add_xlink(w, href, el);
    }
    note_rc(w, rc);
}

static void link_element(struct cwt__walk *w, const struct cwt__el *el)
{
    const char *href = attr(w, el, "href");
    const char *rel = attr(w, el, "rel");
    bool keep_it = attr(w, el, "hreflang") != NULL;
    if (rel) {
        static const char *const keep_rels[] = {"alternate", "canonical", "privacy-policy", "terms-of-service",
                                                "license", "author", "home", NULL};
        for (size_t i = 0; keep_rels[i] && !keep_it; i++)
            keep_it = strcasestr(rel, keep_rels[i]) != NULL;
    }
    if (!keep_it || !href || !link_room(w))
        return;
    enum cwt_status rc;
    char *abs = resolve(w, href, &rc);
    note_rc(w, rc);
    if (abs) {
        size_t i = add_link(w, abs, el);
        const char *t = attr(w, el, "title");
        w->doc->links[i].text = t ? ar_collapse(w, t, strlen(t), MAX_ATTR_TEXT) : ar_strndup(w, "", 0);
    }
}

/* Whether a style attribute hides its element (display:none, visibility:hidden; case and spaces ignored). */
static bool style_hides(const char *st)
{
    static const char *const pats[] = {"display:none", "visibility:hidden"};
    for (const char *p = st; *p; p++) {
        if (((unsigned)*p | 0x20) != 'd' && ((unsigned)*p | 0x20) != 'v')
            continue;
        for (size_t k = 0; k < 2; k++) {
            const char *q = p, *m = pats[k];
            while (*m && *q) {
                if (cwt__is_ws((unsigned char)*q)) {
                    q++;
                    continue;
                }
                if ((char)(*q >= 'A' && *q <= 'Z' ? *q + 32 : *q) != *m)
                    break;
                q++, m++;
            }
            if (!*m)
                return true;
        }
    }
    return false;
}

static bool hidden(struct cwt__walk *w, const struct cwt__el *el)
{
    if (!el->node) {
        for (const xmlChar **a = el->atts; a && a[0]; a += 2)
            if (cwt__name_eq(a[0], "hidden") || (cwt__name_eq(a[0], "style") && style_hides(sax_value(a[0], a[1]))))
                return true;
        return false;
    }
    xmlNodePtr n = el->node;
    for (xmlAttrPtr a = n->properties; a; a = a->next) {
        if (cwt__name_eq(a->name, "hidden"))
            return true;
        if (cwt__name_eq(a->name, "style")) {
            const char *st = attr_value(w, n, a);
            if (st && style_hides(st))
                return true;
        }
    }
    return false;
}

static void set_base(struct cwt__walk *w, char *abs)
{
    cwt_free(w->doc->base);
    w->doc->base = abs;
    w->base = abs;
    cwt__url_base_release(&w->fast);
    note_rc(w, cwt__url_base_init(&w->fast, abs));
}

void cwt__walk_title(struct cwt__walk *w, const char *s, size_t len)
{
    if (!w->doc->title && !(w->doc->title = cwt__collapse(s, len, MAX_ATTR_TEXT)))
        note_rc(w, CWT_ENOMEM);
}

bool cwt__walk_enter(struct cwt__walk *w, const struct cwt__el *el, const void **leave_td)
{
    struct cwt__doc *d = w->doc;
    xmlNodePtr n = el->node;
    const struct tagdef *td = tag_lookup(el->name);
    unsigned tag = td ? td->tag : T_OTHER, flags = td ? td->flags : 0;
    *leave_td = NULL;
    switch (tag) {
    case T_SCRIPT:
        if (is_jsonld(w, el)) {
            if (n)
                add_jsonld(w, n);
            else
                w->want |= WANT_JSONLD;
        }
        return false;
    case T_META:
        add_meta(w, el);
        return false;
    case T_LINK:
        link_element(w, el);
        return false;
    case T_BASE:
        if (!w->base_seen) {
            const char *h = attr(w, el, "href");
            char *abs = NULL;
            if (h && cwt__url_resolve(w->base, h, &abs) == CWT_OK)
                set_base(w, abs);
            w->base_seen = true;
        }
        return false;
    case T_TITLE:
        if (!d->title && !w->in_svg) {
            if (n)
                d->title = node_text(n, MAX_ATTR_TEXT);
            else
                w->want |= WANT_TITLE;
        }
        return false;
    case T_IFRAME:
        add_media(w, "iframe", el, "src");
        break;
    case T_EMBED:
        add_media(w, "embed", el, "src");
        break;
    case T_OBJECT:
        add_media(w, "object", el, "data");
        break;
    case T_VIDEO:
        add_media(w, "video", el, "src");
        if (!n)
            w->want |= WANT_VIDEO;
        for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next) {
            struct cwt__el ce = {.name = c->name, .node = c, .id = (uintptr_t)c};
            if (c->type == XML_ELEMENT_NODE)
                cwt__walk_video_source(w, &ce);
        }
        break;
    case T_IMG:
        add_media(w, "img", el, "src");
        if (w->anchor_open && !w->anchor_alt) {
            const char *alt = attr(w, el, "alt");
            if (alt && !*alt)
                alt = NULL;
            if (!alt)
                alt = attr(w, el, "title");
            w->anchor_alt = keep(w, 0, alt);
        }
        break;
    case T_AREA:
        anchor_open(w, el);
        anchor_close(w);
        break;
    default:
        break;
    }
    if ((flags & F_SKIP) || (has_attrs(el) && hidden(w, el)))
        return false;
    if (tag == T_HEAD)
        w->in_head++;
    else if (tag == T_SVG)
        w->in_svg++;
    else if (tag == T_A)
        anchor_open(w, el);
    if (flags & F_BLOCK)
        block_break(w);
    *leave_td = td;
    return true;
}

void cwt__walk_leave(struct cwt__walk *w, const void *leave_td, uintptr_t id)
{
    const struct tagdef *td = leave_td;
    if (!td)
        return;
    if (td->tag == T_HEAD && w->in_head)
        w->in_head--;
    else if (td->tag == T_SVG && w->in_svg)
        w->in_svg--;
    else if (w->anchor_open && id == w->anchor)
        anchor_close(w);
    if (td->flags & F_BLOCK)
        block_break(w);
}

void cwt__walk_end(struct cwt__walk *w)
{
    anchor_close(w);
}

/* Handles entering node @p n of the DOM; returns whether to descend into it. */
static bool enter(struct cwt__walk *w, xmlNodePtr n)
{
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
        if (n->content && !w->in_head)
            cwt__walk_text(w, (const char *)n->content, strlen((const char *)n->content));
        return false;
    }
    if (n->type != XML_ELEMENT_NODE)
        return false;
    struct cwt__el el = {.name = n->name, .node = n, .id = (uintptr_t)n};
    const void *td;
    if (!cwt__walk_enter(w, &el, &td))
        return false;
    n->_private = (void *)td; /* for leave(), which clears it (the extractors use _private after the walk) */
    return true;
}

/* Handles leaving element @p n after its children (only for elements enter() descended into). */
static void leave(struct cwt__walk *w, xmlNodePtr n)
{
    const void *td = n->_private;
    n->_private = NULL;
    cwt__walk_leave(w, td, (uintptr_t)n);
}

static void walk_tree(struct cwt__walk *w, xmlDocPtr xd)
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
    cwt__walk_end(w);
}

void cwt__walk_lang(struct cwt__walk *w, const struct cwt__el *el)
{
    if (!cwt__name_eq(el->name, "html"))
        return;
    const char *l = attr(w, el, "lang");
    if (!l)
        l = attr(w, el, "xml:lang");
    if (!l)
        return;
    char *c = cwt__collapse(l, strlen(l), MAX_ATTR_TEXT);
    for (char *p = c; p && *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p + 32);
    if (!c)
        note_rc(w, CWT_ENOMEM);
    if (c && !*c) {
        cwt_free(c);
        c = NULL;
    }
    cwt_free(w->doc->lang);
    w->doc->lang = c;
}

void cwt__walk_dom(struct cwt__walk *w, void *doc)
{
    xmlDocPtr xd = doc;
    if (!w->rc)
        walk_tree(w, xd);
    xmlNodePtr root = xmlDocGetRootElement(xd);
    struct cwt__el el = {.name = root ? root->name : NULL, .node = root, .id = (uintptr_t)root};
    if (root)
        cwt__walk_lang(w, &el);
}

void cwt__walk_init(struct cwt__walk *w, struct cwt__doc *d)
{
    *w = (struct cwt__walk){.doc = d, .priv = d->priv, .base = d->url, .anchor_link = SIZE_MAX};
    cwt_buf_init(&w->text, MAX_TEXT_BYTES);
    for (size_t i = 0; i < CWT_ARRAY_LEN(w->keep); i++)
        cwt_buf_init(&w->keep[i], SIZE_MAX / 2); /* as long as the attribute: its collapsed form may be short */
    w->rc = cwt__url_base_init(&w->fast, d->url);
}

/* Releases what the walk held and completes the document's text and title; returns the walk's status. */
enum cwt_status cwt__walk_finish(struct cwt__walk *w)
{
    struct cwt__doc *d = w->doc;
    cwt__url_base_release(&w->fast);
    for (size_t i = 0; i < w->njunk; i++)
        xmlFree(w->junk[i]);
    cwt_free(w->junk);
    for (size_t i = 0; i < CWT_ARRAY_LEN(w->keep); i++)
        cwt_buf_release(&w->keep[i]);
    d->text = cwt_buf_detach(&w->text, &d->text_len);
    if (!d->text && !(d->text = cwt_strdup("")))
        w->rc = CWT_ENOMEM;
    if (!d->title && !(d->title = cwt_strdup("")))
        w->rc = CWT_ENOMEM;
    return w->rc;
}
