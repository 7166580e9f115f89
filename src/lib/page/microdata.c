/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the microdata extractor (WHATWG microdata, the rules
 * extruct follows, so its test corpus applies): items are the elements with
 * itemscope in document order; an item's properties are the descendants with
 * itemprop not inside a nested item, plus those reached through itemref; the
 * value of a property follows the element (meta content, a/link href, img src,
 * object data, data/meter value, time datetime, else the text laid out as
 * html_text does). Items nest up to CWT__SDATA_MAX_DEPTH; every walk is
 * iterative and all of them share one budget of visited nodes.
 */
#include <libxml/uri.h>

#include "page/ltree.h"
#include "page/page_int.h"
#include "page/sdata.h"
#include "util/buf.h"

#define MAX_ITEMS 5000        /* itemscope elements considered per page */
#define MAX_VISITS 4000000    /* nodes visited by all walks of one page */
#define MAX_TEXT 65536        /* bytes of one text value */
#define MAX_REFS 32           /* itemref ids per item */
#define MAX_CLIMB 512         /* ancestors looked at to find a property's scope */

typedef const struct cwt__ln *node;

struct md {
    struct cwt__ltree *lt;
    bool strict;
    const char *base;
    struct cwt__ln **items;
    size_t nitems;
    unsigned char *seen;
    size_t visits;
};

static bool is_el(node n, const char *name)
{
    return n->type == CWT__LN_ELEMENT && cwt__name_eq((const unsigned char *)n->name, name);
}

static bool name_in(node n, const char *const *names)
{
    for (size_t i = 0; names[i]; i++)
        if (is_el(n, names[i]))
            return true;
    return false;
}

/* Next node of a pre-order walk of the subtree of @p root; @p descend says whether to enter @p n. */
static node next_node(node root, node n, bool descend)
{
    if (descend && n->children && n->type == CWT__LN_ELEMENT)
        return n->children;
    while (n && n != root) {
        if (n->next)
            return n->next;
        n = n->parent;
    }
    return NULL;
}

/* Splits a space-separated attribute into a jansson array of strings. */
static json_t *split_attr(node n, const char *attr)
{
    const char *v = cwt__ln_attr(n, attr);
    json_t *arr = json_array();
    for (const char *p = v; p && arr && *p && json_array_size(arr) < 32;) {
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f')
            p++;
        const char *s = p;
        while (*p && !(*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f'))
            p++;
        if (p > s)
            json_array_append_new(arr, json_stringn(s, (size_t)(p - s)));
    }
    return arr;
}

/* ---- text content, laid out like html_text (extruct's text values) ---- */

enum prev_kind { PREV_NONE, PREV_TEXT, PREV_NL, PREV_NL2 };

struct layout {
    struct cwt_buf b;
    enum prev_kind prev;
    bool prev_trailing_ws, prev_open_bracket;
};

static const char *const nl2_tags[] = {"blockquote", "dl", "figure", "h1", "h2", "h3", "h4", "h5", "h6",
                                       "ol", "p", "pre", "title", "ul", NULL};
static const char *const nl_tags[] = {"article", "aside", "br", "dd", "details", "div", "dt", "fieldset",
                                      "figcaption", "footer", "form", "header", "hr", "legend", "li", "main",
                                      "nav", "table", "tr", NULL};

static void lay_newlines(struct layout *l, node n)
{
    if (l->prev == PREV_NL2)
        return;
    if (name_in(n, nl2_tags)) {
        cwt_buf_adds(&l->b, l->prev == PREV_NL ? "\n" : "\n\n");
        l->prev = PREV_NL2;
    } else if (name_in(n, nl_tags)) {
        if (l->prev != PREV_NL)
            cwt_buf_addc(&l->b, '\n');
        l->prev = PREV_NL;
    }
}

static bool uspace(const unsigned char *s, size_t *clen)
{
    *clen = 1;
    if (*s == ' ' || (*s >= 0x09 && *s <= 0x0D) || (*s >= 0x1C && *s <= 0x1F))
        return true;
    if (s[0] == 0xC2 && (s[1] == 0xA0 || s[1] == 0x85)) {
        *clen = 2;
        return true;
    }
    if (s[0] == 0xE2 && s[1] == 0x80 && ((s[2] >= 0x80 && s[2] <= 0x8A) || s[2] == 0xA8 || s[2] == 0xA9 || s[2] == 0xAF)) {
        *clen = 3;
        return true;
    }
    if ((s[0] == 0xE3 && s[1] == 0x80 && s[2] == 0x80) || (s[0] == 0xE2 && s[1] == 0x81 && s[2] == 0x9F)) {
        *clen = 3;
        return true;
    }
    return false;
}

static void lay_text(struct layout *l, const char *raw)
{
    if (!raw)
        return;
    /* normalise: runs of whitespace -> one space, trimmed */
    size_t len = strlen(raw);
    const unsigned char *s = (const unsigned char *)raw;
    size_t start = 0, clen;
    while (start < len && uspace(s + start, &clen))
        start += clen;
    if (start >= len)
        return;
    bool punct_after = strchr(",:;.!?\")", raw[start]) != NULL;
    bool space = l->prev == PREV_TEXT && !(!l->prev_trailing_ws && (punct_after || l->prev_open_bracket));
    if (space)
        cwt_buf_addc(&l->b, ' ');
    bool pending = false, last_ws = false;
    for (size_t i = start; i < len;) {
        if (uspace(s + i, &clen)) {
            pending = true;
            last_ws = true;
            i += clen;
            continue;
        }
        if (pending)
            cwt_buf_addc(&l->b, ' ');
        pending = false;
        last_ws = false;
        size_t j = i + 1; /* the run up to the next space goes in at once (byte by byte at the cap) */
        while (j < len && !uspace(s + j, &clen))
            j++;
        if (cwt_buf_add(&l->b, raw + i, j - i) != CWT_OK)
            for (size_t k = i; k < j; k++)
                cwt_buf_addc(&l->b, raw[k]);
        i = j;
    }
    l->prev = PREV_TEXT;
    l->prev_trailing_ws = last_ws;
    size_t e = len;
    l->prev_open_bracket = e && raw[e - 1] == '(';
}

static char *text_content(struct md *m, node root)
{
    static const char *const killed[] = {"script", "style", "link", "meta", NULL};
    struct layout l = {.prev = PREV_NL2};
    cwt_buf_init(&l.b, MAX_TEXT);
    node n = root;
    while (n && m->visits++ < MAX_VISITS) {
        bool entered = false;
        if (n->type == CWT__LN_TEXT || n->type == CWT__LN_CDATA) {
            lay_text(&l, n->text);
        } else if (n->type == CWT__LN_ELEMENT && (n == root || !name_in(n, killed))) {
            lay_newlines(&l, n);
            entered = true;
        }
        if (entered && n->children) {
            n = n->children;
            continue;
        }
        if (entered)
            lay_newlines(&l, n); /* leaving a childless element */
        while (n != root && !n->next) {
            n = n->parent;
            lay_newlines(&l, n); /* leaving a parent */
        }
        n = n == root ? NULL : n->next;
    }
    /* strip */
    size_t s = 0, e = l.b.len;
    while (s < e && (l.b.data[s] == ' ' || l.b.data[s] == '\n'))
        s++;
    while (e > s && (l.b.data[e - 1] == ' ' || l.b.data[e - 1] == '\n'))
        e--;
    char *out = cwt_strndup(l.b.data ? l.b.data + s : "", e - s);
    cwt_buf_release(&l.b);
    return out;
}

/* ---- values ---- */

static json_t *url_value(struct md *m, node n, const char *attr)
{
    const char *v = cwt__ln_attr(n, attr);
    if (!v || !*v)
        v = cwt__ln_attr(n, "content");
    if (!v)
        return json_string("");
    const char *s = v, *e = v + strlen(v);
    while (*s && strchr(" \t\n\r\f", *s))
        s++;
    while (e > s && strchr(" \t\n\r\f", e[-1]))
        e--;
    char *t = cwt_strndup(s, (size_t)(e - s));
    if (!t)
        return NULL;
    json_t *out = NULL;
    if (m->base && *t) {
        xmlChar *abs = xmlBuildURI((const xmlChar *)t, (const xmlChar *)m->base);
        if (abs)
            out = json_string((const char *)abs);
        xmlFree(abs);
    }
    if (!out)
        out = json_string(t);
    cwt_free(t);
    return out;
}

static json_t *attr_value(node n, const char *attr)
{
    const char *v = cwt__ln_attr(n, attr);
    return json_string(v ? v : "");
}

static json_t *extract_item(struct md *m, node item, unsigned depth);

static json_t *prop_value(struct md *m, node n, bool force, unsigned depth)
{
    static const char *const src_tags[] = {"audio", "embed", "iframe", "img", "source", "track", "video", NULL};
    static const char *const href_tags[] = {"a", "area", "link", NULL};
    if (!force && cwt__ln_attr(n, "itemscope")) {
        if (depth >= CWT__SDATA_MAX_DEPTH)
            return json_null();
        json_t *it = extract_item(m, n, depth + 1);
        return it ? it : json_null();
    }
    if (is_el(n, "meta"))
        return attr_value(n, "content");
    if (name_in(n, src_tags))
        return url_value(m, n, "src");
    if (name_in(n, href_tags))
        return url_value(m, n, "href");
    if (is_el(n, "object"))
        return url_value(m, n, "data");
    if (is_el(n, "data") || is_el(n, "meter"))
        return attr_value(n, "value");
    if (is_el(n, "time"))
        return attr_value(n, "datetime");
    const char *content = cwt__ln_attr(n, "content");
    if (content && *content)
        return json_string(content);
    const char *ip = cwt__ln_attr(n, "itemprop");
    size_t il = ip ? strlen(ip) : 0;
    bool action = ip && ((il >= 6 && strcmp(ip + il - 6, "-input") == 0) || (il >= 7 && strcmp(ip + il - 7, "-output") == 0));
    if (action) {
        json_t *o = json_object();
        if (cwt__ln_attr(n, "required"))
            json_object_set_new(o, "valueRequired", json_true());
        const char *name = cwt__ln_attr(n, "name");
        if (name && *name)
            json_object_set_new(o, "valueName", json_string(name));
        return o;
    }
    char *t = text_content(m, n);
    json_t *out = json_string(t ? t : "");
    cwt_free(t);
    return out;
}

/* Appends the values of property element @p p to @p props (name -> array of values). */
static void add_property(struct md *m, json_t *props, node p, unsigned depth)
{
    json_t *names = split_attr(p, "itemprop");
    if (json_array_size(names)) {
        json_t *v = prop_value(m, p, false, depth);
        size_t i;
        json_t *name;
        json_array_foreach(names, i, name) {
            const char *k = json_string_value(name);
            json_t *list = json_object_get(props, k);
            if (!list) {
                list = json_array(); /* set_new frees it when it fails (out of memory): then skip the name */
                if (!list || json_object_set_new(props, k, list) != 0)
                    continue;
            }
            if (v && json_array_size(list) < 1000)
                json_array_append(list, v);
        }
        json_decref(v);
    }
    json_decref(names);
}

/* The nearest ancestor of @p n (excluding @p n unless @p self) with itemscope; NULL if none near. */
static node scope_of(node n, bool self)
{
    node a = self ? n : n->parent;
    for (unsigned i = 0; a && a->type == CWT__LN_ELEMENT && i < MAX_CLIMB; i++, a = a->parent)
        if (cwt__ln_attr(a, "itemscope"))
            return a;
    return NULL;
}

static void add_ref_properties(struct md *m, json_t *props, node item, unsigned depth)
{
    json_t *refs = split_attr(item, "itemref");
    size_t i;
    json_t *r;
    json_array_foreach(refs, i, r) {
        if (i >= MAX_REFS)
            break;
        node ref = cwt__lt_by_id(m->lt, json_string_value(r));
        if (!ref || ref == item)
            continue;
        if (cwt__ln_attr(ref, "itemprop") && cwt__ln_attr(ref, "itemscope")) {
            add_property(m, props, ref, depth);
            continue;
        }
        node base_scope = scope_of(ref, true);
        for (node n = ref; n && m->visits++ < MAX_VISITS;) {
            if (n->type == CWT__LN_ELEMENT && cwt__ln_attr(n, "itemprop") && scope_of(n, false) == base_scope)
                add_property(m, props, n, depth);
            n = next_node(ref, n, n->type == CWT__LN_ELEMENT);
        }
    }
    json_decref(refs);
}

static json_t *extract_item(struct md *m, node item, unsigned depth)
{
    size_t idx = item->mark;
    if (!idx || m->seen[idx - 1])
        return NULL;
    m->seen[idx - 1] = 1;
    json_t *out = json_object();
    json_t *types = split_attr(item, "itemtype");
    if (json_array_size(types)) {
        if (!m->strict && json_array_size(types) == 1)
            json_object_set(out, "type", json_array_get(types, 0));
        else
            json_object_set(out, "type", types);
        const char *id = cwt__ln_attr(item, "itemid");
        if (id) {
            char *t = cwt__collapse(id, strlen(id), 4096);
            if (t && *t)
                json_object_set_new(out, "id", json_string(t));
            cwt_free(t);
        }
    }
    json_decref(types);
    json_t *props = json_object();
    /* properties: descendants with itemprop, not inside a nested item */
    for (node n = item->children; n && m->visits++ < MAX_VISITS;) {
        bool descend = n->type == CWT__LN_ELEMENT;
        if (descend && cwt__ln_attr(n, "itemprop"))
            add_property(m, props, n, depth);
        if (descend && cwt__ln_attr(n, "itemscope"))
            descend = false;
        n = next_node(item, n, descend);
    }
    add_ref_properties(m, props, item, depth);
    if (json_object_size(props)) {
        const char *k;
        json_t *v;
        json_object_foreach(props, k, v) {
            if (!m->strict && json_array_size(v) == 1)
                json_object_set(props, k, json_array_get(v, 0));
        }
        json_object_set(out, "properties", props);
    } else {
        json_object_set_new(out, "value", prop_value(m, item, true, depth));
    }
    json_decref(props);
    return out;
}

enum cwt_status cwt__microdata_extract(const struct cwt__doc *doc, bool strict, const char *base, json_t **out)
{
    *out = NULL;
    const struct cwt__page_priv *p = doc->priv;
    if (!p->lt)
        return CWT_EINVAL; /* parsed by cwt__doc_parse, which frees the tree once it has run us */
    struct md m = {.lt = p->lt, .strict = strict, .base = base};
    json_t *list = json_array();
    enum cwt_status rc = CWT_ENOMEM;
    size_t cap = 0;
    if (!list)
        goto out;
    node root = cwt__lt_doc(m.lt);
    for (struct cwt__ln *n = root->children; n && m.visits++ < MAX_VISITS;) {
        if (n->type == CWT__LN_ELEMENT && cwt__ln_attr(n, "itemscope") && m.nitems < MAX_ITEMS) {
            if (CWT_GROW(m.items, m.nitems, &cap, MAX_ITEMS))
                goto out;
            m.items[m.nitems++] = n;
            n->mark = m.nitems;
        }
        n = (struct cwt__ln *)next_node(root, n, n->type == CWT__LN_ELEMENT);
    }
    m.visits = 0;
    if (m.nitems && !(m.seen = cwt_calloc(m.nitems, 1)))
        goto out;
    for (size_t i = 0; i < m.nitems; i++) {
        json_t *it = extract_item(&m, m.items[i], 0);
        if (it && json_array_append_new(list, it))
            goto out;
    }
    rc = CWT_OK;
out:
    for (size_t i = 0; i < m.nitems; i++)
        m.items[i]->mark = 0;
    cwt_free(m.items);
    cwt_free(m.seen);
    if (rc) {
        json_decref(list);
        return rc;
    }
    *out = list;
    return CWT_OK;
}

/* ---- normalisation into the graph ---- */

/* The extracted items share values (an element's value goes to each name of its itemprop, a nested item
 * to every property naming it), so copying them into a tree can multiply them: a 3 KB page of nested
 * items with many names each reached 3 GB. The copy of one page's items stops at these. */
#define NORM_MAX_NODES 100000
#define NORM_MAX_BYTES (4u << 20)

struct norm_budget {
    size_t nodes, bytes;
};

/* Whether one more node of @p bytes fits; counts it. */
static bool norm_take(struct norm_budget *b, size_t bytes)
{
    if (b->nodes >= NORM_MAX_NODES || bytes > NORM_MAX_BYTES - b->bytes)
        return false;
    b->nodes++;
    b->bytes += bytes;
    return true;
}

static json_t *norm_md_value(const json_t *v, unsigned depth, struct norm_budget *b);

/* A copy of a scalar value within the budget. */
static json_t *norm_copy(const json_t *v, struct norm_budget *b)
{
    if (!norm_take(b, json_is_string(v) ? json_string_length(v) : 0))
        return NULL;
    return json_deep_copy(v);
}

static json_t *norm_md_item(const json_t *it, unsigned depth, struct norm_budget *b)
{
    if (depth >= CWT__SDATA_MAX_DEPTH)
        return NULL;
    const json_t *props = json_object_get(it, "properties");
    if (!props) /* an item without properties stands for its value */
        return norm_md_value(json_object_get(it, "value"), depth, b);
    if (!norm_take(b, 0))
        return NULL;
    json_t *o = json_object();
    json_t *types = json_array();
    const json_t *t = json_object_get(it, "type");
    if (json_is_string(t))
        json_array_append_new(types, json_string(cwt__sdata_short(json_string_value(t))));
    size_t i;
    const json_t *e;
    json_array_foreach(t, i, e) json_array_append_new(types, json_string(cwt__sdata_short(json_string_value(e))));
    json_object_set_new(o, "@type", types);
    json_object_set_new(o, "@source", json_string("microdata"));
    if (json_object_get(it, "id"))
        json_object_set(o, "@id", json_object_get(it, "id"));
    const char *k;
    json_object_foreach((json_t *)props, k, e) {
        json_t *nv = norm_md_value(e, depth + 1, b);
        if (nv)
            json_object_set_new(o, cwt__sdata_short(k), nv);
    }
    return o;
}

static json_t *norm_md_value(const json_t *v, unsigned depth, struct norm_budget *b)
{
    if (!v)
        return NULL;
    if (json_is_array(v)) {
        if (!norm_take(b, 0))
            return NULL;
        json_t *arr = json_array();
        size_t i;
        const json_t *e;
        json_array_foreach(v, i, e) {
            json_t *ne = norm_md_value(e, depth, b);
            if (ne)
                json_array_append_new(arr, ne);
        }
        return arr;
    }
    if (json_is_null(v))
        return NULL;
    if (json_is_object(v) && (json_object_get(v, "properties") || json_object_get(v, "type") ||
                              json_object_get(v, "value")))
        return norm_md_item(v, depth, b);
    if (json_is_object(v)) /* an action's input/output description: a few scalars */
        return norm_take(b, 0) ? json_deep_copy(v) : NULL;
    return norm_copy(v, b);
}

enum cwt_status cwt__microdata_normalise(const json_t *items, json_t *graph)
{
    struct norm_budget b = {0};
    size_t i;
    const json_t *it;
    json_array_foreach(items, i, it) {
        if (json_array_size(graph) >= CWT__SDATA_MAX_ITEMS)
            break;
        if (!json_object_get(it, "properties"))
            continue;
        json_t *o = norm_md_item(it, 0, &b);
        if (o && json_array_append_new(graph, o))
            return CWT_ENOMEM;
    }
    return CWT_OK;
}
