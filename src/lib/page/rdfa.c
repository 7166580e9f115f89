/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the RDFa Lite extractor for schema.org: vocab,
 * typeof, property, resource/about and the schema: prefix. An element with
 * typeof starts an item (a property value of the enclosing item when it also
 * has property, else a top-level item); an element with property adds a value
 * (content, href/src, datetime, else its text) to the nearest enclosing item.
 * The walk is iterative; the stack of open items is capped, deeper typeof
 * elements are read as plain properties of the last item kept.
 */
#include <libxml/tree.h>
#include <libxml/uri.h>

#include "page/page_int.h"
#include "page/sdata.h"

#define MAX_FRAMES 64
#define MAX_PROPS 200
#define MAX_TEXT 4096

struct frame {
    xmlNodePtr node;
    json_t *item; /* the current item */
    bool owns;    /* the frame holds a reference to item (it started it) */
    bool schema;  /* vocab is schema.org */
};

struct rdfa {
    const char *base;
    json_t *list;
    struct frame frames[MAX_FRAMES];
    size_t nframes;
    size_t nitems;
};

static bool is_schema_vocab(const char *v)
{
    return v && strstr(v, "schema.org") != NULL;
}

/* The property name to store, or NULL when it is not a schema.org term in this context. */
static const char *prop_name(const char *p, bool schema_vocab)
{
    const char *s = cwt__sdata_short(p);
    if (s != p)
        return s;
    if (strchr(p, ':'))
        return NULL; /* another vocabulary: og:, dc:, http://purl.org/... */
    return schema_vocab ? p : NULL;
}

static void add_value(json_t *item, const char *name, json_t *v)
{
    json_t *old = json_object_get(item, name);
    if (!old) {
        if (json_object_size(item) < MAX_PROPS)
            json_object_set(item, name, v);
    } else if (json_is_array(old)) {
        if (json_array_size(old) < 1000)
            json_array_append(old, v);
    } else {
        json_t *arr = json_array();
        json_array_append(arr, old);
        json_array_append(arr, v);
        json_object_set_new(item, name, arr);
    }
}

static json_t *literal(struct rdfa *r, xmlNodePtr n)
{
    char *v = cwt__node_attr(n, "content");
    if (!v && (cwt__name_eq(n->name, "a") || cwt__name_eq(n->name, "link") || cwt__name_eq(n->name, "area")))
        v = cwt__node_attr(n, "href");
    if (!v && (cwt__name_eq(n->name, "img") || cwt__name_eq(n->name, "video") || cwt__name_eq(n->name, "source") ||
               cwt__name_eq(n->name, "iframe"))) {
        v = cwt__node_attr(n, "src");
    }
    if (v && !cwt__node_has_attr(n, "content") && r->base) {
        xmlChar *abs = xmlBuildURI((const xmlChar *)v, (const xmlChar *)r->base);
        if (abs) {
            cwt_free(v);
            v = cwt_strdup((const char *)abs);
            xmlFree(abs);
        }
    }
    if (!v)
        v = cwt__node_attr(n, "datetime");
    if (!v)
        v = cwt__node_attr(n, "resource");
    if (!v) {
        xmlChar *c = xmlNodeGetContent(n);
        v = cwt__collapse(c ? (const char *)c : "", c ? strlen((const char *)c) : 0, MAX_TEXT);
        xmlFree(c);
    } else {
        char *t = cwt__collapse(v, strlen(v), MAX_TEXT);
        cwt_free(v);
        v = t;
    }
    json_t *out = json_string(v ? v : "");
    cwt_free(v);
    return out;
}

/* Splits @p s on whitespace, calling fn for each token (at most 16). */
static void each_token(const char *s, void (*fn)(void *, const char *), void *ud)
{
    char tok[256];
    for (unsigned count = 0; s && *s && count < 16;) {
        while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
            s++;
        size_t n = strcspn(s, " \t\n\r");
        if (n && n < sizeof tok) {
            memcpy(tok, s, n);
            tok[n] = '\0';
            fn(ud, tok);
            count++;
        }
        s += n;
    }
}

static void add_type(void *ud, const char *t)
{
    json_array_append_new((json_t *)ud, json_string(cwt__sdata_short(t)));
}

struct prop_ctx {
    json_t *item;
    json_t *value;
    bool schema;
};

static void add_prop(void *ud, const char *p)
{
    struct prop_ctx *c = ud;
    const char *name = prop_name(p, c->schema);
    if (name)
        add_value(c->item, name, c->value);
}

static struct frame *top(struct rdfa *r)
{
    return r->nframes ? &r->frames[r->nframes - 1] : NULL;
}

/* Whether element @p n has one of the attributes enter() acts on (vocab, typeof, property): most have none,
 * and then enter() has nothing to do. */
static bool has_rdfa_attr(xmlNodePtr n)
{
    for (xmlAttrPtr a = n->properties; a; a = a->next)
        if (cwt__name_eq(a->name, "vocab") || cwt__name_eq(a->name, "typeof") || cwt__name_eq(a->name, "property"))
            return true;
    return false;
}

static void enter(struct rdfa *r, xmlNodePtr n)
{
    if (!has_rdfa_attr(n))
        return;
    struct frame *t = top(r);
    bool schema = t ? t->schema : false;
    char *vocab = cwt__node_attr(n, "vocab");
    if (vocab)
        schema = is_schema_vocab(vocab);
    char *typeof_ = cwt__node_attr(n, "typeof");
    char *property = cwt__node_attr(n, "property");
    json_t *item = NULL;
    if (typeof_ && r->nframes < MAX_FRAMES && r->nitems < CWT__SDATA_MAX_ITEMS) {
        json_t *types = json_array();
        each_token(typeof_, add_type, types);
        item = json_object();
        json_object_set_new(item, "@type", types);
        json_object_set_new(item, "@source", json_string("rdfa"));
        char *id = cwt__node_attr(n, "resource");
        if (!id)
            id = cwt__node_attr(n, "about");
        if (id && *id) {
            xmlChar *abs = r->base ? xmlBuildURI((const xmlChar *)id, (const xmlChar *)r->base) : NULL;
            json_object_set_new(item, "@id", json_string(abs ? (const char *)abs : id));
            xmlFree(abs);
        }
        cwt_free(id);
        r->nitems++;
        if (property && t && t->item) {
            struct prop_ctx c = {.item = t->item, .value = item, .schema = schema};
            each_token(property, add_prop, &c);
        } else {
            json_array_append(r->list, item);
        }
    } else if (property && t && t->item) {
        json_t *v = literal(r, n);
        struct prop_ctx c = {.item = t->item, .value = v, .schema = schema};
        each_token(property, add_prop, &c);
        json_decref(v);
    }
    if ((item || vocab) && r->nframes < MAX_FRAMES)
        r->frames[r->nframes++] =
            (struct frame){.node = n, .item = item ? item : (t ? t->item : NULL), .owns = item != NULL, .schema = schema};
    else
        json_decref(item);
    cwt_free(vocab);
    cwt_free(typeof_);
    cwt_free(property);
}

static void leave(struct rdfa *r, xmlNodePtr n)
{
    if (r->nframes && r->frames[r->nframes - 1].node == n) {
        r->nframes--;
        if (r->frames[r->nframes].owns)
            json_decref(r->frames[r->nframes].item);
    }
}

enum cwt_status cwt__rdfa_extract(const struct cwt__doc *doc, json_t **out)
{
    const struct cwt__page_priv *p = doc->priv;
    xmlDocPtr xd = p->xd;
    *out = NULL;
    if (!xd)
        return CWT_EINVAL; /* parsed by cwt__doc_parse, which frees the DOM once it has run us */
    struct rdfa r = {.base = cwt__doc_base(doc), .list = json_array()};
    if (!r.list)
        return CWT_ENOMEM;
    xmlNodePtr n = xd->children;
    while (n) {
        bool el = n->type == XML_ELEMENT_NODE;
        if (el)
            enter(&r, n);
        if (el && n->children) {
            n = n->children;
            continue;
        }
        if (el)
            leave(&r, n);
        while (n && !n->next) {
            n = n->parent;
            if (!n || n == (xmlNodePtr)xd) {
                n = NULL;
                break;
            }
            leave(&r, n);
        }
        if (n)
            n = n->next;
    }
    while (r.nframes) /* not reached: every frame is left */
        leave(&r, r.frames[r.nframes - 1].node);
    /* a top-level item with a property but no enclosing item is kept; one inside another item was
     * added to it. Items without any property other than @type/@source are noise: drop them. */
    json_t *list = json_array();
    size_t i;
    json_t *it;
    json_array_foreach(r.list, i, it) {
        if (json_object_size(it) > 2)
            json_array_append(list, it);
    }
    json_decref(r.list);
    *out = list;
    return list ? CWT_OK : CWT_ENOMEM;
}
