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
#include <libxml/uri.h>

#include "page/ltree.h"
#include "page/page_int.h"
#include "page/sdata.h"

#define MAX_FRAMES 64
#define MAX_PROPS 200
#define MAX_TEXT 4096

typedef const struct cwt__ln *node;

struct frame {
    node node;
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

static bool named(node n, const char *name)
{
    return cwt__name_eq((const unsigned char *)n->name, name);
}

static json_t *literal(struct rdfa *r, node n)
{
    const char *v = cwt__ln_attr(n, "content");
    bool content = v != NULL;
    if (!v && (named(n, "a") || named(n, "link") || named(n, "area")))
        v = cwt__ln_attr(n, "href");
    if (!v && (named(n, "img") || named(n, "video") || named(n, "source") || named(n, "iframe")))
        v = cwt__ln_attr(n, "src");
    xmlChar *abs = v && !content && r->base ? xmlBuildURI((const xmlChar *)v, (const xmlChar *)r->base) : NULL;
    if (abs)
        v = (const char *)abs;
    if (!v)
        v = cwt__ln_attr(n, "datetime");
    if (!v)
        v = cwt__ln_attr(n, "resource");
    char *t;
    if (!v) {
        char *c = cwt__ln_content(n);
        t = cwt__collapse(c ? c : "", c ? strlen(c) : 0, MAX_TEXT);
        cwt_free(c);
    } else {
        t = cwt__collapse(v, strlen(v), MAX_TEXT);
    }
    xmlFree(abs);
    json_t *out = json_string(t ? t : "");
    cwt_free(t);
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
static bool has_rdfa_attr(node n)
{
    for (const char *const *a = n->atts; *a; a += 2) {
        const unsigned char *name = (const unsigned char *)a[0];
        if (cwt__name_eq(name, "vocab") || cwt__name_eq(name, "typeof") || cwt__name_eq(name, "property"))
            return true;
    }
    return false;
}

static void enter(struct rdfa *r, node n)
{
    if (!has_rdfa_attr(n))
        return;
    struct frame *t = top(r);
    bool schema = t ? t->schema : false;
    const char *vocab = cwt__ln_attr(n, "vocab");
    if (vocab)
        schema = is_schema_vocab(vocab);
    const char *typeof_ = cwt__ln_attr(n, "typeof");
    const char *property = cwt__ln_attr(n, "property");
    json_t *item = NULL;
    if (typeof_ && r->nframes < MAX_FRAMES && r->nitems < CWT__SDATA_MAX_ITEMS) {
        json_t *types = json_array();
        each_token(typeof_, add_type, types);
        item = json_object();
        json_object_set_new(item, "@type", types);
        json_object_set_new(item, "@source", json_string("rdfa"));
        const char *id = cwt__ln_attr(n, "resource");
        if (!id)
            id = cwt__ln_attr(n, "about");
        if (id && *id) {
            xmlChar *abs = r->base ? xmlBuildURI((const xmlChar *)id, (const xmlChar *)r->base) : NULL;
            json_object_set_new(item, "@id", json_string(abs ? (const char *)abs : id));
            xmlFree(abs);
        }
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
}

static void leave(struct rdfa *r, node n)
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
    *out = NULL;
    if (!p->lt)
        return CWT_EINVAL; /* parsed by cwt__doc_parse, which frees the tree once it has run us */
    node root = cwt__lt_doc(p->lt);
    struct rdfa r = {.base = cwt__doc_base(doc), .list = json_array()};
    if (!r.list)
        return CWT_ENOMEM;
    node n = root->children;
    while (n) {
        bool el = n->type == CWT__LN_ELEMENT;
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
            if (!n || n == root) {
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
