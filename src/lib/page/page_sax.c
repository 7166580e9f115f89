/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the SAX walk of a page: libxml2's HTML parser runs
 * with handlers of ours instead of its tree builder, and the walk's element
 * handlers (page_walk.h) see the same elements, attributes and text nodes, in
 * the same order, as the DOM walk would see in the tree it did not build.
 * The tree builder's own state is mirrored where the parser or the tree
 * depend on it: each open element is pushed on the parser's node stack
 * (nodePush, so its depth limit stops the parse where the tree builder's
 * would, and the parser's own nodePop of an element it cannot finish is
 * seen), adjacent text is joined into one run as into one text node, text
 * outside any element is dropped, and an element opened after the root
 * element ended becomes that root's last child (or the document's, once a
 * DOCTYPE or a comment heads the document). What the DOM walk reads ahead
 * (a title's or JSON-LD script's text, an xlink's text, a video's <source>
 * children) is collected until the element ends. When asked, the walk also
 * builds the light tree (ltree.h) the microdata and RDFa extractors read,
 * with the tree builder's shape: every node, text node, CDATA node, comment
 * and DOCTYPE where libxml2 would have put it. Not asked, it stops at the
 * first element with itemscope or typeof (CWT_EUNSUPPORTED): the caller parses
 * again with the tree.
 */
#include <limits.h>

#include <libxml/HTMLparser.h>
#include <libxml/parserInternals.h>

#include "page/ltree.h"
#include "page/page_walk.h"
#include "page/sax_input.h"

enum {
    FR_DESCENDED = 1, /* the walk entered it and descends: cwt__walk_leave() when it ends */
    FR_SKIP = 2,      /* not descended into: nothing under it is walked */
    FR_VIDEO = 4,     /* its <source> children are media */
    FR_CAPTURE = 8,   /* its text content is collected (title, JSON-LD, xlink) */
    FR_ROOT = 16,     /* the document's first node, the root element */
};

struct frame {
    const void *td;  /* for cwt__walk_leave() */
    struct cwt__ln *tn; /* its node in the light tree (when one is built) */
    uintptr_t id;
    size_t start;    /* FR_CAPTURE: where its text starts in sax.log */
    size_t xlink;    /* WANT_XLINK: the xlink whose text it is */
    unsigned want;   /* WANT_* it was entered with */
    unsigned flags;
};

struct sax {
    struct cwt__walk *w;
    xmlNode dummy;        /* what the parser's node stack holds for every open element (it reads ->last) */
    struct frame *fr;     /* the open elements, as the parser's node stack */
    size_t nfr, capfr;
    unsigned skip;        /* open FR_SKIP elements: the events under them are not walked */
    unsigned captures;    /* open FR_CAPTURE elements */
    struct cwt_buf log;   /* the text of the document since the first open capture began */
    struct cwt_buf run;   /* the text node being built (adjacent text events) */
    bool run_cdata;       /* it is a CDATA node */
    struct cwt__ltree *lt; /* the light tree being built, or NULL */
    struct cwt_buf trun;  /* the light tree's text node being built (all text, the walk's run only some) */
    struct cwt__ln *root_tn; /* the root element's node in the light tree */
    bool dtd;             /* the light tree has its DOCTYPE */
    bool started;         /* the parser started the document (the tree builder would have made one) */
    bool needs_dom;       /* an element has itemscope or typeof: the parse was stopped */
    bool root_seen;
    enum { DOC_EMPTY, DOC_ELEMENT, DOC_OTHER } first; /* the document's first child */
    bool root_skipped;    /* the root element was not descended into (nor are its late children) */
    bool root_pending;    /* the root element ended but the walk leaves it later (late children) */
    struct frame root;
    uintptr_t ids;
    unsigned long last_pos; /* where the parser stood at the last event (cwt__sax_input_pos) */
    bool last_start;      /* that event was a start tag's: the parser steps over its '>' after it */
    /* the start tag whose long values the walk took (shorten_tag()): where it starts and ends in the
     * input, its values (NUL-terminated, at vals_at[k] in vals) until its start event */
    unsigned long short_start, short_end;
    size_t nshort;
    size_t vals_at[CWT__TAG_VALUES];
    struct cwt_buf vals;
    const xmlChar **atts;     /* the start event's attributes with the values put back */
    size_t atts_cap;
};

static struct sax *sax_of(void *ctx)
{
    return ((htmlParserCtxtPtr)ctx)->_private;
}

static void capture_failed(struct sax *s)
{
    if (!s->w->rc)
        s->w->rc = CWT_ENOMEM;
}

/* The text node being built is complete (its parent is the element on top of the stack). */
static void run_flush(struct sax *s)
{
    if (s->run.len)
        cwt__walk_text(s->w, s->run.data, s->run.len);
    cwt_buf_reset(&s->run);
    if (s->trun.len) {
        if (s->nfr && !cwt__lt_text(s->lt, s->fr[s->nfr - 1].tn, s->trun.data, s->trun.len, s->run_cdata))
            capture_failed(s);
        cwt_buf_reset(&s->trun);
    }
}

/* The element on top of the stack ends (after the text node being built, which is its child). */
static void frame_pop(struct sax *s)
{
    struct cwt__walk *w = s->w;
    run_flush(s);
    struct frame f = s->fr[--s->nfr];
    if (f.flags & FR_CAPTURE) {
        const char *t = s->log.data ? s->log.data + f.start : "";
        size_t n = s->log.len - f.start;
        if (f.want & WANT_TITLE)
            cwt__walk_title(w, t, n);
        if (f.want & WANT_JSONLD)
            cwt__walk_jsonld(w, t, n);
        if (f.want & WANT_XLINK)
            cwt__walk_xlink_text(w, f.xlink, t, n);
        if (!--s->captures)
            cwt_buf_reset(&s->log);
    }
    if (f.flags & FR_SKIP)
        s->skip--;
    if (f.flags & FR_ROOT) {
        s->root_skipped = !(f.flags & FR_DESCENDED);
        if (s->first == DOC_ELEMENT && (f.flags & FR_DESCENDED)) { /* it may still get children */
            s->root_pending = true;
            s->root = f;
            return;
        }
    }
    if (f.flags & FR_DESCENDED)
        cwt__walk_leave(w, f.td, f.id);
}

/* The parser pops an element it could not finish (no end event): its frame goes too. */
static void sync(struct sax *s, htmlParserCtxtPtr ctxt)
{
    while (s->nfr > (size_t)(ctxt->nodeNr > 0 ? ctxt->nodeNr : 0))
        frame_pop(s);
}

static void root_leave(struct sax *s)
{
    if (s->root_pending) {
        s->root_pending = false;
        cwt__walk_leave(s->w, s->root.td, s->root.id);
    }
}

static void on_start_document(void *ctx)
{
    sax_of(ctx)->started = true;
}

/* The element's name in the tree: xmlSAX2StartElement splits a prefix off (xmlSplitQName, even for HTML),
 * so <sdo:meta> is a meta element; a name starting or ending with its first ':' is kept whole. */
static const xmlChar *tree_name(const xmlChar *name)
{
    const xmlChar *c = name[0] == ':' ? NULL : (const xmlChar *)strchr((const char *)name, ':');
    return c && c[1] ? c + 1 : name;
}

static bool sdata_name(const xmlChar *n)
{
    return cwt__name_eq(n, "itemscope") || cwt__name_eq(n, "typeof");
}

/* The tree builder's start of an element, and the walk's; whether the element was opened (pushed). */
static bool open_element(void *ctx, const xmlChar *name, const xmlChar **atts)
{
    htmlParserCtxtPtr ctxt = ctx;
    struct sax *s = sax_of(ctx);
    struct cwt__walk *w = s->w;
    if (s->needs_dom)
        return false;
    for (const xmlChar **a = atts; !s->lt && a && a[0]; a += 2) {
        if (sdata_name(a[0])) {
            s->needs_dom = true;
            xmlStopParser(ctxt);
            return false;
        }
    }
    sync(s, ctxt);
    run_flush(s);
    bool at_root = ctxt->nodeNr <= 0;
    if (s->nfr == s->capfr && CWT_GROW(s->fr, s->nfr, &s->capfr, SIZE_MAX / 2)) {
        capture_failed(s);
        xmlStopParser(ctxt);
        return false;
    }
    if (nodePush(ctxt, &s->dummy) < 0) /* too deep: the tree builder stops the parse here */
        return false;
    struct frame *parent = s->nfr ? &s->fr[s->nfr - 1] : NULL;
    struct frame *f = &s->fr[s->nfr++];
    *f = (struct frame){.id = ++s->ids};
    struct cwt__el el = {.name = tree_name(name), .atts = atts, .id = f->id};
    if (s->lt) { /* a root-level element after the root element is its last child (xmlSAX2StartElement) */
        struct cwt__ln *tp = parent ? parent->tn : at_root && s->first == DOC_ELEMENT ? s->root_tn : NULL;
        if (!(f->tn = cwt__lt_element(s->lt, tp, (const char *)el.name, (const char *const *)atts))) {
            capture_failed(s);
            xmlStopParser(ctxt);
        }
        if (at_root && !s->root_seen && s->first == DOC_EMPTY)
            s->root_tn = f->tn;
    }
    bool walk = s->skip == 0;
    if (at_root) {
        if (!s->root_seen) {
            s->root_seen = true;
            if (s->first == DOC_EMPTY) {
                s->first = DOC_ELEMENT;
                f->flags |= FR_ROOT;
            }
            cwt__walk_lang(w, &el);
        } else if (s->first == DOC_ELEMENT) { /* a late child of the root element */
            walk = !s->root_skipped;
        } else { /* a sibling of the root element, after it */
            root_leave(s);
        }
    } else if (parent && (parent->flags & FR_VIDEO)) {
        cwt__walk_video_source(w, &el);
    }
    if (!walk) {
        if (at_root) { /* under the skipped root */
            f->flags |= FR_SKIP;
            s->skip++;
        }
        return true;
    }
    w->want = 0;
    if (cwt__walk_enter(w, &el, &f->td)) {
        f->flags |= FR_DESCENDED;
    } else {
        f->flags |= FR_SKIP;
        s->skip++;
    }
    if (w->want & WANT_VIDEO)
        f->flags |= FR_VIDEO;
    if (w->want & (WANT_TITLE | WANT_JSONLD | WANT_XLINK)) {
        f->flags |= FR_CAPTURE;
        f->want = w->want;
        f->xlink = w->want_xlink;
        f->start = s->log.len;
        s->captures++;
    }
    return true;
}

/* The tree builder's end of an element (it pops its current node whatever the name), and the walk's;
 * whether the element was closed (popped). */
static bool close_element(htmlParserCtxtPtr ctxt)
{
    struct sax *s = sax_of(ctxt);
    if (s->needs_dom)
        return false;
    sync(s, ctxt);
    run_flush(s);
    if (ctxt->nodeNr <= 0)
        return false;
    nodePop(ctxt);
    frame_pop(s);
    return true;
}

static void on_text(htmlParserCtxtPtr ctxt, const xmlChar *ch, int len, bool cdata)
{
    struct sax *s = sax_of(ctxt);
    struct cwt__walk *w = s->w;
    if (s->needs_dom)
        return;
    sync(s, ctxt);
    if (ctxt->nodeNr <= 0 || len <= 0) /* no current node: the tree builder drops it */
        return;
    if (s->run_cdata != cdata) {
        run_flush(s);
        s->run_cdata = cdata;
    }
    if (s->captures && cwt_buf_add(&s->log, ch, (size_t)len))
        capture_failed(s);
    if (s->lt && cwt_buf_add(&s->trun, ch, (size_t)len))
        capture_failed(s);
    if (!s->skip && !w->in_head && !w->text_full && cwt_buf_add(&s->run, ch, (size_t)len))
        capture_failed(s);
}

/* Takes the bytes from @p p to @p e as the parser's own text event would hand them on, when they are plain
 * (sax_input.h), and moves the parser to @p e; @p over_gt as cwt__sax_jump(). */
static void take(htmlParserCtxtPtr ctxt, const xmlChar *p, const xmlChar *e, bool cdata, bool over_gt)
{
    if (!e || e == p || e - p > INT_MAX || !cwt__plain_text(p, (size_t)(e - p)))
        return;
    on_text(ctxt, p, (int)(e - p), cdata);
    cwt__sax_jump(ctxt, e, over_gt);
}

/* Where the parser read on from since the last event: after the '>' of a start tag it stood on then.
 * NULL when the parser no longer holds those bytes. */
static const xmlChar *since_last_event(htmlParserCtxtPtr ctxt)
{
    struct sax *s = sax_of(ctxt);
    xmlParserInputPtr in = ctxt->input;
    const xmlChar *since = cwt__sax_input_at(ctxt, s->last_pos);
    if (since && s->last_start && since < in->cur && *since == '>')
        since++;
    return since;
}

#define SHORT_MIN 8 /* the shortest attribute value worth taking (the parser then reads a 2-byte token) */

/* The parser is about to read the start tag at @p p: when it is one cwt__start_tag_scan() accepts, with
 * values of SHORT_MIN bytes or more, the walk keeps those values and writes the tag again, each such
 * value replaced by a token ("\x01" and a letter, which the parser copies as it is: no quote, blank,
 * '>' or '&'), at the end of the bytes the tag took, then moves the parser to it (@p over_gt as
 * cwt__sax_jump()). The parser reads the same names, quotes and blanks, so it makes the same decisions
 * about the tag; unshorten() puts the values back in its start event. Called only where the parser's
 * content loop reads next (not inside a tag, not in a script or style). */
static void shorten_tag(htmlParserCtxtPtr ctxt, const xmlChar *p, bool over_gt)
{
    struct sax *s = sax_of(ctxt);
    xmlParserInputPtr in = ctxt->input;
    if (p + 1 >= in->end || p[0] != '<' || !(((p[1] | 0x20) >= 'a' && (p[1] | 0x20) <= 'z')))
        return;
    unsigned long pos = cwt__sax_input_pos(ctxt) + (unsigned long)(p - in->cur);
    struct cwt__tag_scan t;
    if ((s->nshort && pos == s->short_start) || !cwt__start_tag_scan(p, in->end, SHORT_MIN, &t) || !t.n)
        return;
    size_t whole = (size_t)(t.end - p), taken = 0;
    for (size_t k = 0; k < t.n; k++)
        taken += t.len[k];
    cwt_buf_reset(&s->vals);
    if (cwt_buf_reserve(&s->vals, taken + t.n)) {
        capture_failed(s);
        return;
    }
    char *v = s->vals.data;
    for (size_t k = 0; k < t.n; k++) {
        s->vals_at[k] = (size_t)(v - s->vals.data);
        memcpy(v, p + t.at[k], t.len[k]);
        v[t.len[k]] = '\0';
        v += t.len[k] + 1;
    }
    s->vals.len = taken + t.n;
    s->vals.data[s->vals.len] = '\0';
    /* the shortened tag ends where the tag ended; from the last value back, each stretch between values
     * moves right by what the values after it gave up (never over a stretch still to move), then its
     * value's token follows it */
    xmlChar *w = (xmlChar *)t.end, *q = (xmlChar *)t.end;
    for (size_t k = t.n; k-- > 0;) {
        const xmlChar *after = p + t.at[k] + t.len[k];
        size_t n = (size_t)(q - after);
        w -= n;
        memmove(w, after, n);
        *--w = (xmlChar)('A' + k);
        *--w = 0x01;
        q = (xmlChar *)p + t.at[k];
    }
    w -= (size_t)(q - p);
    memmove(w, p, (size_t)(q - p));
    xmlChar *start = w;
    s->nshort = t.n;
    s->short_start = pos + (unsigned long)(start - p);
    s->short_end = pos + (unsigned long)whole;
    cwt__sax_jump(ctxt, start, over_gt);
}

/* The start event's attributes @p atts, with the values shorten_tag() took put back when the event is the
 * shortened tag's (the parser stands on its closing '>' or "/>"). */
static const xmlChar **unshorten(htmlParserCtxtPtr ctxt, const xmlChar **atts)
{
    struct sax *s = sax_of(ctxt);
    if (!s->nshort || !atts)
        return atts;
    unsigned long pos = cwt__sax_input_pos(ctxt);
    if (pos + 1 != s->short_end && pos + 2 != s->short_end)
        return atts;
    size_t n = 0;
    while (atts[n])
        n += 2;
    if (CWT_GROW(s->atts, n, &s->atts_cap, SIZE_MAX / 2)) {
        capture_failed(s);
        return atts;
    }
    for (size_t i = 0; i < n; i += 2) {
        const xmlChar *v = atts[i + 1];
        s->atts[i] = atts[i];
        s->atts[i + 1] = v && v[0] == 0x01 && v[1] >= 'A' && (size_t)(v[1] - 'A') < s->nshort && !v[2]
                             ? (const xmlChar *)s->vals.data + s->vals_at[v[1] - 'A']
                             : v;
    }
    s->atts[n] = NULL;
    s->nshort = 0;
    return s->atts;
}

/* A <script> or <style> just opened: libxml2 would read its content character by character
 * (htmlParseScript) and hand it on in blocks of CDATA. When its start tag ended with '>' (the parser stands
 * on it) and the content is plain, the walk takes it as one CDATA event itself and moves the parser to the
 * end tag (sax_input.h). A quarter of the bench's HTML bytes are scripts and styles. */
static void take_raw_text(htmlParserCtxtPtr ctxt, const xmlChar *name)
{
    xmlParserInputPtr in = ctxt->input;
    if (!cwt__sax_input_ours(ctxt) || !ctxt->name || !xmlStrEqual(ctxt->name, name) || *in->cur != '>')
        return;
    const xmlChar *p = in->cur + 1;
    /* content starting with '<' is left to libxml2: before htmlParseScript, its content loop reads an end tag
     * there ("<script></div>" ends the script) or a start tag that may close the script */
    if (*p != '<')
        take(ctxt, p, cwt__raw_text_end(p, in->end, name), true, true);
}

/* Whether text under element @p name makes htmlParseCharData() open a <p> first (htmlCheckParagraph: no
 * element, or html or head). */
static bool paragraph_implied(const xmlChar *name)
{
    return !name || xmlStrEqual(name, BAD_CAST "html") || xmlStrEqual(name, BAD_CAST "head");
}

/* The character data up to the next '<' or '&' at @p p, when the parser would hand it on unchanged to the
 * element it belongs to (blanks too: they are kept): plain, under an element that implies no <p>. The walk
 * takes it as one text event and moves the parser to its end; @p over_gt as cwt__sax_jump(). */
static void take_char_data(htmlParserCtxtPtr ctxt, const xmlChar *p, const xmlChar *under, bool over_gt)
{
    if (!paragraph_implied(under))
        take(ctxt, p, cwt__char_data_end(p, ctxt->input->end), false, over_gt);
}

/* An element just opened: the text before its first child. Only for the event of a start tag whose bytes
 * are all the parser read since the previous event (not an element libxml2 implied, html, head, body or
 * a <p> before text, which opens at another tag or in text), ending on '>', of an element with content. */
static void take_first_text(htmlParserCtxtPtr ctxt, const xmlChar *name)
{
    xmlParserInputPtr in = ctxt->input;
    if (!cwt__sax_input_ours(ctxt) || *in->cur != '>' || !ctxt->name || !xmlStrEqual(ctxt->name, name))
        return;
    if (!cwt__is_start_tag(since_last_event(ctxt), in->cur, name))
        return;
    if (in->end - in->cur >= 2 && in->cur[1] != '<') { /* text (most elements have none) */
        const htmlElemDesc *info = htmlTagLookup(name);
        if (!info || !info->empty)
            take_char_data(ctxt, in->cur + 1, name, true);
    }
    if (*in->cur == '>') /* (after the text taken, on the '>' written before its end) */
        shorten_tag(ctxt, in->cur + 1, true);
}

/* An element just closed by its end tag: the text after it, its parent's. Only for the event of an end tag
 * whose bytes are all the parser read since the previous event, so that it is the element the tag names
 * (htmlAutoCloseOnClose closes the elements above it first, each with an event of its own), or of an
 * element closed right after its own start event (a void element after its '>', any after "/>": nothing
 * else closes an element without reading on). Called after the walk popped the element; the parser pops
 * its name after the event. */
static void take_text_after(htmlParserCtxtPtr ctxt, const xmlChar *name)
{
    struct sax *s = sax_of(ctxt);
    xmlParserInputPtr in = ctxt->input;
    if (!cwt__sax_input_ours(ctxt) || ctxt->nameNr < 2 || !xmlStrEqual(ctxt->name, name))
        return;
    /* an element closed right after its own start: a void one after its '>', any after "/>" */
    const xmlChar *at = cwt__sax_input_at(ctxt, s->last_pos);
    bool at_start = at && s->last_start &&
                    ((in->cur - at == 1 && at[0] == '>') || (in->cur - at == 2 && at[0] == '/' && at[1] == '>'));
    if (!at_start && !cwt__is_end_tag(since_last_event(ctxt), in->cur, name))
        return;
    if (*in->cur != '<')
        take_char_data(ctxt, in->cur, ctxt->nameTab[ctxt->nameNr - 2], false);
    shorten_tag(ctxt, in->cur, false);
}

/* Every event: where the parser stood (take_first_text, take_text_after compare with it). */
static void note_event(htmlParserCtxtPtr ctxt, bool start)
{
    struct sax *s = sax_of(ctxt);
    s->last_pos = cwt__sax_input_pos(ctxt);
    s->last_start = start;
}

/* A comment or processing instruction: a node of its own, which ends the text node being built. */
static void on_other_node(htmlParserCtxtPtr ctxt)
{
    struct sax *s = sax_of(ctxt);
    if (s->needs_dom)
        return;
    sync(s, ctxt);
    run_flush(s);
    if (ctxt->nodeNr <= 0 && s->first == DOC_EMPTY)
        s->first = DOC_OTHER;
    if (s->lt && !cwt__lt_other(s->lt, s->nfr ? s->fr[s->nfr - 1].tn : NULL))
        capture_failed(s);
    note_event(ctxt, false);
}

static void on_characters(void *ctx, const xmlChar *ch, int len)
{
    on_text(ctx, ch, len, false);
    /* (libxml2's own character data, which ends where its content loop reads on; a lone '<' it hands on
     * before stepping over it is not followed by a letter) */
    if (cwt__sax_input_ours(ctx) && !sax_of(ctx)->needs_dom)
        shorten_tag(ctx, ((htmlParserCtxtPtr)ctx)->input->cur, false);
    note_event(ctx, false);
}

static void on_cdata(void *ctx, const xmlChar *ch, int len)
{
    on_text(ctx, ch, len, true);
    note_event(ctx, false);
}

static void on_comment(void *ctx, const xmlChar *value)
{
    (void)value;
    on_other_node(ctx);
}

static void on_pi(void *ctx, const xmlChar *target, const xmlChar *data)
{
    (void)target;
    (void)data;
    on_other_node(ctx);
}

static void on_start(void *ctx, const xmlChar *name, const xmlChar **atts)
{
    if (open_element(ctx, name, unshorten(ctx, atts)) && !sax_of(ctx)->needs_dom) {
        if (xmlStrEqual(name, BAD_CAST "script") || xmlStrEqual(name, BAD_CAST "style"))
            take_raw_text(ctx, name);
        else
            take_first_text(ctx, name);
    }
    note_event(ctx, true);
}

static void on_end(void *ctx, const xmlChar *name)
{
    if (close_element(ctx))
        take_text_after(ctx, name);
    note_event(ctx, false);
}

/* The first DOCTYPE becomes the document's first child (xmlCreateIntSubset on an HTML document); others
 * are ignored. It is not a child of the current node: the text node being built goes on. */
static void on_doctype(void *ctx, const xmlChar *name, const xmlChar *ext, const xmlChar *sys)
{
    (void)name;
    (void)ext;
    (void)sys;
    struct sax *s = sax_of(ctx);
    note_event(ctx, false);
    if (s->needs_dom)
        return;
    s->first = DOC_OTHER;
    if (s->lt && !s->dtd) {
        s->dtd = true;
        if (!cwt__lt_prepend_other(s->lt))
            capture_failed(s);
    }
}

/* xmlParserInputBufferCreateMem()'s read callback (xmlInputReadCallbackNop, not in libxml2's headers):
 * a memory input has nothing more to read. */
static int read_nothing(void *context, char *buffer, int len)
{
    (void)context;
    (void)buffer;
    (void)len;
    return 0;
}

/* htmlCtxtReadMemory(ctxt, html, len, url, "UTF-8", CWT__HTML_PARSE_OPTS) step for step (with its
 * htmlDoRead), but without its copy of the page: the input buffer is a static one over @p html, which
 * libxml2 only reads, converting it at once into its own UTF-8 buffer (for HTML, switching the encoding
 * converts the whole of a memory input) where the parser reads and the walk reads ahead. A page of
 * under 3 bytes goes the copying way: the switch looks for a byte order mark in 3 bytes. Returns false
 * when out of memory (or past libxml2's int sizes). */
static bool read_in_place(htmlParserCtxtPtr ctxt, const char *html, size_t len, const char *url)
{
    if (len > INT_MAX) /* (the SAX walk takes pages of 5 MB at most) */
        return false;
    if (len < 3) {
        xmlFreeDoc(htmlCtxtReadMemory(ctxt, html, (int)len, url, "UTF-8", CWT__HTML_PARSE_OPTS));
        return true;
    }
    xmlInitParser();
    htmlCtxtReset(ctxt);
    xmlParserInputBufferPtr buf = xmlParserInputBufferCreateStatic(html, (int)len, XML_CHAR_ENCODING_NONE);
    if (!buf)
        return false;
    buf->readcallback = read_nothing;
    xmlParserInputPtr in = xmlNewIOInputStream(ctxt, buf, XML_CHAR_ENCODING_NONE);
    if (!in) {
        xmlFreeParserInputBuffer(buf);
        return false;
    }
    inputPush(ctxt, in);
    htmlCtxtUseOptions(ctxt, CWT__HTML_PARSE_OPTS);
    ctxt->html = 1;
    xmlCharEncodingHandlerPtr utf8 = xmlFindCharEncodingHandler("UTF-8");
    if (utf8) {
        xmlSwitchToEncoding(ctxt, utf8);
        xmlFree((xmlChar *)ctxt->input->encoding);
        ctxt->input->encoding = xmlStrdup((const xmlChar *)"UTF-8");
    }
    if (url && !ctxt->input->filename)
        ctxt->input->filename = (char *)xmlStrdup((const xmlChar *)url);
    htmlParseDocument(ctxt);
    xmlFreeDoc(ctxt->myDoc);
    ctxt->myDoc = NULL;
    return true;
}

enum cwt_status cwt__sax_walk(struct cwt__walk *w, const char *html, size_t len, const char *url, bool tree)
{
    htmlParserCtxtPtr ctxt = htmlNewParserCtxt();
    if (!ctxt)
        return CWT_ENOMEM;
    struct sax s = {.w = w, .dummy = {.type = XML_ELEMENT_NODE}};
    if (tree && !(s.lt = cwt__lt_new())) {
        htmlFreeParserCtxt(ctxt);
        return CWT_ENOMEM;
    }
    cwt_buf_init(&s.log, SIZE_MAX / 2);
    cwt_buf_init(&s.run, SIZE_MAX / 2);
    cwt_buf_init(&s.trun, SIZE_MAX / 2);
    cwt_buf_init(&s.vals, SIZE_MAX / 2);
    xmlSAXHandler *h = ctxt->sax;
    h->startDocument = on_start_document;
    h->endDocument = NULL;
    h->startElement = on_start;
    h->endElement = on_end;
    h->characters = on_characters;
    h->cdataBlock = on_cdata;
    h->ignorableWhitespace = NULL; /* xmlSAX2IgnorableWhitespace does nothing either */
    h->comment = on_comment;
    h->processingInstruction = on_pi;
    h->internalSubset = on_doctype;
    h->externalSubset = NULL;
    h->reference = NULL;
    ctxt->_private = &s;
    bool read = read_in_place(ctxt, html, len, url);
    enum cwt_status rc = CWT_OK;
    bool md, rdfa;
    cwt__parser_met_sdata(ctxt, &md, &rdfa);
    if (!read) {
        rc = CWT_ENOMEM;
    } else if (s.needs_dom || (!s.lt && (md || rdfa))) {
        rc = CWT_EUNSUPPORTED;
    } else if (!s.started) {
        rc = CWT_EPARSE;
    } else { /* the walk leaves what is still open, as the DOM walk climbs out of the tree */
        run_flush(&s);
        while (s.nfr)
            frame_pop(&s);
        root_leave(&s);
        cwt__walk_end(w);
        w->priv->has_microdata = md;
        w->priv->has_rdfa = rdfa;
        if (s.lt && cwt__lt_failed(s.lt))
            rc = CWT_ENOMEM;
        else if (s.lt && (md || rdfa)) { /* the document keeps it */
            w->priv->lt = s.lt;
            s.lt = NULL;
        }
    }
    htmlFreeParserCtxt(ctxt);
    cwt_buf_release(&s.log);
    cwt_buf_release(&s.run);
    cwt_buf_release(&s.trun);
    cwt_buf_release(&s.vals);
    cwt_free(s.atts);
    cwt__lt_free(s.lt);
    cwt_free(s.fr);
    return rc;
}
