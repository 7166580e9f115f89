/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the light tree of a page (ltree.h): nodes, attribute
 * arrays and strings in one arena (arena.h), the IDs in a list hashed on the
 * first look-up, the copy of a libxml2 DOM, and the readers the extractors use.
 */
#include <libxml/hash.h>
#include <libxml/tree.h>
#include <libxml/valid.h>

#include "page/arena.h"
#include "page/ltree.h"
#include "page/page_int.h"
#include "util/buf.h"

struct id {
    const char *value;
    struct cwt__ln *el;
};

struct cwt__ltree {
    struct cwt__ln doc;
    struct cwt__chunk *chunks;
    bool failed;
    struct id *ids; /* in registration order; the first of a value wins */
    size_t nids, capids;
    size_t *slots;  /* open addressing over ids (index + 1, 0 empty), built on the first look-up */
    size_t nslots;
};

/* @p n bytes from the arena (8-aligned when @p align), NULL (and the tree failed) when out of memory. */
static void *ar_alloc(struct cwt__ltree *t, size_t n, bool align)
{
    void *p = cwt__arena_alloc(&t->chunks, n, align);
    if (!p)
        t->failed = true;
    return p;
}

static char *ar_strndup(struct cwt__ltree *t, const char *s, size_t n)
{
    char *p = ar_alloc(t, n + 1, false);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

struct cwt__ltree *cwt__lt_new(void)
{
    struct cwt__ltree *t = CWT_NEW(struct cwt__ltree);
    if (t)
        t->doc.type = CWT__LN_DOC;
    return t;
}

void cwt__lt_free(struct cwt__ltree *t)
{
    if (!t)
        return;
    cwt__arena_free(t->chunks);
    cwt_free(t->ids);
    cwt_free(t->slots);
    cwt_free(t);
}

bool cwt__lt_failed(const struct cwt__ltree *t)
{
    return t->failed;
}

struct cwt__ln *cwt__lt_doc(struct cwt__ltree *t)
{
    return &t->doc;
}

static struct cwt__ln *node_new(struct cwt__ltree *t, struct cwt__ln *parent, unsigned char type)
{
    struct cwt__ln *n = ar_alloc(t, sizeof *n, true);
    if (!n)
        return NULL;
    *n = (struct cwt__ln){.type = type, .parent = parent ? parent : &t->doc};
    struct cwt__ln *p = n->parent;
    if (p->last)
        p->last->next = n;
    else
        p->children = n;
    p->last = n;
    return n;
}

static void add_id(struct cwt__ltree *t, const char *value, struct cwt__ln *el)
{
    if (t->nids == t->capids && CWT_GROW(t->ids, t->nids, &t->capids, SIZE_MAX / 2)) {
        t->failed = true;
        return;
    }
    t->ids[t->nids++] = (struct id){.value = value, .el = el};
}

/* Whether the extractors read attribute @p n (microdata.c, rdfa.c, the ids): the tree keeps only those (a
 * page's class, style and data- attributes are most of its attribute bytes). */
static bool kept_attr(const char *n)
{
    static const char *const kept[] = {"about", "content", "data", "datetime", "href", "id", "itemid", "itemprop",
                                       "itemref", "itemscope", "itemtype", "name", "property", "required",
                                       "resource", "src", "typeof", "value", "vocab"};
    if (!strchr("acdhinprstv", n[0] | 0x20))
        return false;
    for (size_t i = 0; i < CWT_ARRAY_LEN(kept); i++)
        if (cwt__name_eq((const unsigned char *)n, kept[i]))
            return true;
    return false;
}

/* An element with a copy of @p atts (those kept_attr() keeps; none is one of HTML's boolean attributes,
 * whose missing value the tree builder would make the name); its ids registered when @p ids (the SAX way:
 * libxml2's xmlIsID() for an HTML document, and xmlAddID() refuses an empty value). */
static struct cwt__ln *element_new(struct cwt__ltree *t, struct cwt__ln *parent, const char *name,
                                   const char *const *atts, bool ids)
{
    struct cwt__ln *n = node_new(t, parent, CWT__LN_ELEMENT);
    if (!n || !(n->name = ar_strndup(t, name, strlen(name))))
        return NULL;
    size_t na = 0; /* room for all: each is asked kept_attr() once, below */
    while (atts && atts[na])
        na += 2;
    const char **a = ar_alloc(t, (na + 1) * sizeof *a, true);
    if (!a)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; atts && atts[i]; i += 2) {
        if (!kept_attr(atts[i]))
            continue;
        const char *v = atts[i + 1] ? atts[i + 1] : "";
        if (!(a[k] = ar_strndup(t, atts[i], strlen(atts[i]))) || !(a[k + 1] = ar_strndup(t, v, strlen(v))))
            return NULL;
        if (ids && *v && (strcmp(atts[i], "id") == 0 || (strcmp(atts[i], "name") == 0 && strcmp(name, "a") == 0)))
            add_id(t, a[k + 1], n);
        k += 2;
    }
    a[k] = NULL;
    n->atts = a;
    return n;
}

struct cwt__ln *cwt__lt_element(struct cwt__ltree *t, struct cwt__ln *parent, const char *name,
                                const char *const *atts)
{
    return element_new(t, parent, name, atts, true);
}

struct cwt__ln *cwt__lt_text(struct cwt__ltree *t, struct cwt__ln *parent, const char *s, size_t n, bool cdata)
{
    struct cwt__ln *x = node_new(t, parent, cdata ? CWT__LN_CDATA : CWT__LN_TEXT);
    if (x && !(x->text = ar_strndup(t, s, n)))
        return NULL;
    return x;
}

struct cwt__ln *cwt__lt_other(struct cwt__ltree *t, struct cwt__ln *parent)
{
    return node_new(t, parent, CWT__LN_OTHER);
}

struct cwt__ln *cwt__lt_prepend_other(struct cwt__ltree *t)
{
    struct cwt__ln *n = ar_alloc(t, sizeof *n, true);
    if (!n)
        return NULL;
    *n = (struct cwt__ln){.type = CWT__LN_OTHER, .parent = &t->doc, .next = t->doc.children};
    t->doc.children = n;
    if (!t->doc.last)
        t->doc.last = n;
    return n;
}

const char *cwt__ln_attr(const struct cwt__ln *n, const char *name)
{
    if (n->type != CWT__LN_ELEMENT)
        return NULL;
    for (const char *const *a = n->atts; *a; a += 2)
        if (cwt__name_eq((const unsigned char *)a[0], name))
            return a[1];
    return NULL;
}

static size_t hash(const char *s)
{
    size_t h = 14695981039346656037u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

const struct cwt__ln *cwt__lt_by_id(struct cwt__ltree *t, const char *id)
{
    if (!t->nids || !id)
        return NULL;
    if (!t->slots) {
        size_t ns = 16;
        while (ns < t->nids * 2)
            ns *= 2;
        if (!(t->slots = cwt_calloc(ns, sizeof *t->slots)))
            return NULL;
        t->nslots = ns;
        for (size_t i = 0; i < t->nids; i++) {
            size_t s = hash(t->ids[i].value) & (ns - 1);
            while (t->slots[s] && strcmp(t->ids[t->slots[s] - 1].value, t->ids[i].value) != 0)
                s = (s + 1) & (ns - 1);
            if (!t->slots[s]) /* a later element with the same id does not get it */
                t->slots[s] = i + 1;
        }
    }
    for (size_t s = hash(id) & (t->nslots - 1); t->slots[s]; s = (s + 1) & (t->nslots - 1))
        if (strcmp(t->ids[t->slots[s] - 1].value, id) == 0)
            return t->ids[t->slots[s] - 1].el;
    return NULL;
}

char *cwt__ln_content(const struct cwt__ln *root)
{
    struct cwt_buf b;
    cwt_buf_init(&b, SIZE_MAX / 2);
    for (const struct cwt__ln *n = root; n;) {
        if ((n->type == CWT__LN_TEXT || n->type == CWT__LN_CDATA) && cwt_buf_adds(&b, n->text)) {
            cwt_buf_release(&b);
            return NULL;
        }
        if (n->type == CWT__LN_ELEMENT && n->children) {
            n = n->children;
            continue;
        }
        while (n != root && !n->next)
            n = n->parent;
        n = n == root ? NULL : n->next;
    }
    char *out = cwt_buf_detach(&b, NULL);
    return out ? out : cwt_strdup("");
}

/* ---- the copy of a DOM ---- */

static void dom_id(void *payload, void *data, const xmlChar *name)
{
    (void)name;
    xmlIDPtr id = payload;
    struct cwt__ltree *t = data;
    struct cwt__ln *el = id->attr && id->attr->parent ? id->attr->parent->_private : NULL;
    const char *v = el ? cwt__ln_attr(el, (const char *)id->attr->name) : NULL;
    if (v)
        add_id(t, v, el);
}

/* A copy of element @p x under @p parent; its attribute values as the DOM walk reads them. */
static struct cwt__ln *dom_element(struct cwt__ltree *t, struct cwt__ln *parent, xmlNodePtr x)
{
    size_t na = 0;
    for (xmlAttrPtr a = x->properties; a; a = a->next)
        na += 2;
    const char **atts = cwt_calloc(na + 1, sizeof *atts);
    if (!atts) {
        t->failed = true;
        return NULL;
    }
    size_t i = 0;
    for (xmlAttrPtr a = x->properties; a; a = a->next, i += 2) {
        atts[i] = (const char *)a->name;
        atts[i + 1] = (const char *)xmlNodeListGetString(x->doc, a->children, 1);
    }
    struct cwt__ln *n = element_new(t, parent, (const char *)x->name, atts, false);
    for (i = 1; i < na; i += 2)
        xmlFree((void *)atts[i]);
    cwt_free(atts);
    if (n)
        x->_private = n; /* for dom_id() */
    return n;
}

struct cwt__ltree *cwt__lt_from_dom(const void *xml_doc)
{
    xmlDocPtr xd = (xmlDocPtr)xml_doc;
    struct cwt__ltree *t = cwt__lt_new();
    if (!t)
        return NULL;
    struct cwt__ln *parent = NULL;
    for (xmlNodePtr x = xd->children; x && !t->failed;) {
        struct cwt__ln *n;
        if (x->type == XML_ELEMENT_NODE)
            n = dom_element(t, parent, x);
        else if (x->type == XML_TEXT_NODE || x->type == XML_CDATA_SECTION_NODE)
            n = cwt__lt_text(t, parent, x->content ? (const char *)x->content : "",
                             x->content ? strlen((const char *)x->content) : 0, x->type == XML_CDATA_SECTION_NODE);
        else
            n = cwt__lt_other(t, parent);
        if (!n)
            break;
        if (x->type == XML_ELEMENT_NODE && x->children) {
            x = x->children;
            parent = n;
            continue;
        }
        while (x && !x->next) {
            x = x->parent;
            if (!x || x == (xmlNodePtr)xd) {
                x = NULL;
                break;
            }
            parent = parent ? parent->parent : NULL;
            if (parent == &t->doc)
                parent = NULL;
        }
        if (x)
            x = x->next;
    }
    if (!t->failed && xd->ids)
        xmlHashScan(xd->ids, dom_id, t);
    if (t->failed) {
        cwt__lt_free(t);
        return NULL;
    }
    return t;
}
