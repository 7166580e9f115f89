/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the common life of a signal: initialisation, evidence
 * and findings (bounded, copied, trimmed to a snippet), summaries and fixes,
 * and the look-up of registered signals.
 */
#include <stdarg.h>
#include <stdio.h>

#include "signals/signal.h"
#include "util/buf.h"

const char *cwt__module_name(enum cwt__module m)
{
    switch (m) {
    case CWT__MOD_BASIC:
        return "basic";
    case CWT__MOD_OPERATIONAL:
        return "operational";
    case CWT__MOD_CONTENT:
        return "content";
    default:
        return "unknown";
    }
}

const struct cwt__signal_def *cwt__signal_find(const char *id)
{
    for (size_t i = 0; i < cwt__signal_count; i++)
        if (strcmp(cwt__signal_table[i].id, id) == 0)
            return &cwt__signal_table[i];
    return NULL;
}

const struct cwt__signal *cwt__site_signal(const struct cwt__site *site, const char *id)
{
    for (size_t i = 0; i < site->ndone; i++)
        if (strcmp(site->done[i].id, id) == 0)
            return &site->done[i];
    return NULL;
}

void cwt__signal_init(struct cwt__signal *s, const char *id, enum cwt__module module)
{
    memset(s, 0, sizeof *s);
    s->id = id;
    s->module = module;
    s->raw = NAN;
}

static void evidence_release(struct cwt__evidence *e)
{
    cwt_free(e->url);
    cwt_free(e->what);
    cwt_free(e->snippet);
}

void cwt__signal_release(struct cwt__signal *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->nevidence; i++)
        evidence_release(&s->evidence[i]);
    for (size_t i = 0; i < s->nfindings; i++) {
        cwt_free(s->findings[i].code);
        cwt_free(s->findings[i].message);
        cwt_free(s->findings[i].fix);
        evidence_release(&s->findings[i].ev);
    }
    cwt_free(s->evidence);
    cwt_free(s->findings);
    cwt_free(s->summary);
    cwt_free(s->fix);
    json_decref(s->detail);
    memset(s, 0, sizeof *s);
    s->raw = NAN;
}

static bool is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

char *cwt__snippet(const char *s, size_t len, size_t max)
{
    struct cwt_buf b;
    cwt_buf_init(&b, max + 8);
    bool space = false;
    for (size_t i = 0; s && i < len && s[i]; i++) {
        unsigned char c = (unsigned char)s[i];
        if (is_space(c)) {
            space = b.len > 0;
            continue;
        }
        size_t clen = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
        if (clen > len - i)
            break;
        if (b.len + (space ? 1 : 0) + clen > max)
            break;
        if (space && cwt_buf_addc(&b, ' '))
            break;
        space = false;
        if (cwt_buf_add(&b, s + i, clen))
            break;
        i += clen - 1;
    }
    return cwt_buf_detach(&b, NULL);
}

static enum cwt_status evidence_fill(struct cwt__evidence *e, const char *url, const char *what, const char *snippet)
{
    e->url = url ? cwt_strdup(url) : NULL;
    e->what = what ? cwt_strdup(what) : NULL;
    e->snippet = snippet ? cwt__snippet(snippet, strlen(snippet), CWT__SNIPPET_MAX) : NULL;
    if ((url && !e->url) || (what && !e->what) || (snippet && !e->snippet)) {
        evidence_release(e);
        return CWT_ENOMEM;
    }
    return CWT_OK;
}

enum cwt_status cwt__signal_evidence(struct cwt__signal *s, const char *url, const char *what, const char *snippet)
{
    if (s->nevidence >= CWT__EVIDENCE_MAX)
        return CWT_OK;
    enum cwt_status rc = CWT_GROW(s->evidence, s->nevidence, &s->capevidence, CWT__EVIDENCE_MAX);
    if (rc)
        return rc;
    rc = evidence_fill(&s->evidence[s->nevidence], url, what, snippet);
    if (!rc)
        s->nevidence++;
    return rc;
}

enum cwt_status cwt__signal_finding(struct cwt__signal *s, const char *code, enum cwt__severity sev,
                                   const char *message, const char *fix, const char *url, const char *snippet)
{
    if (s->nfindings >= CWT__FINDINGS_MAX)
        return CWT_OK;
    enum cwt_status rc = CWT_GROW(s->findings, s->nfindings, &s->capfindings, CWT__FINDINGS_MAX);
    if (rc)
        return rc;
    struct cwt__finding *f = &s->findings[s->nfindings];
    memset(f, 0, sizeof *f);
    f->severity = sev;
    f->code = cwt_strdup(code);
    f->message = cwt_strdup(message);
    f->fix = fix ? cwt_strdup(fix) : NULL;
    rc = evidence_fill(&f->ev, url, NULL, snippet);
    if (rc || !f->code || !f->message || (fix && !f->fix)) {
        cwt_free(f->code);
        cwt_free(f->message);
        cwt_free(f->fix);
        if (!rc)
            evidence_release(&f->ev);
        memset(f, 0, sizeof *f);
        return CWT_ENOMEM;
    }
    s->nfindings++;
    return CWT_OK;
}

static enum cwt_status set_text(char **dst, const char *fmt, va_list ap)
{
    struct cwt_buf b;
    cwt_buf_init(&b, 4096);
    enum cwt_status rc = cwt_buf_vprintf(&b, fmt, ap);
    if (rc) {
        cwt_buf_release(&b);
        return rc;
    }
    cwt_free(*dst);
    *dst = cwt_buf_detach(&b, NULL);
    return *dst ? CWT_OK : CWT_ENOMEM;
}

enum cwt_status cwt__signal_summary(struct cwt__signal *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    enum cwt_status rc = set_text(&s->summary, fmt, ap);
    va_end(ap);
    return rc;
}

enum cwt_status cwt__signal_fix(struct cwt__signal *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    enum cwt_status rc = set_text(&s->fix, fmt, ap);
    va_end(ap);
    return rc;
}

json_t *cwt__signal_detail(struct cwt__signal *s)
{
    if (!s->detail)
        s->detail = json_object();
    return s->detail;
}
