/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the "certificates" signal: quality-system and
 * similar certificates (ISO 9001/14001/45001, IATF 16949, ISO 13485 ...). It
 * reads schema.org Certification items (certificationIdentification,
 * issuedBy, validFrom, expires, certificationStatus) and the text around each
 * standard named on the site: a certificate number, a certification body and
 * the dates near it. Each certificate scores for the standard, number, body
 * and a validity that covers the evaluation instant; an expired certificate
 * is a finding. See docs/internals/signals-content.md.
 */
#include <stdio.h>

#include "signals/content.h"
#include "signals/marks.h"
#include "util/timeutil.h"

#define CERTS_MAX 48
#define WINDOW 300

struct cert {
    char standard[48];  /* "ISO 9001" or the Certification's name */
    const char *mss_id; /* static, NULL for other certifications */
    char number[64];
    char body[96];
    bool body_known;    /* a recognised certification body */
    int64_t from, until; /* 0: unknown */
    bool inactive;       /* certificationStatus says so */
    bool jsonld;
    const char *url;
    char what[200];
};

struct cscan {
    struct cert c[CERTS_MAX];
    size_t n;
};

static struct cert *find_or_add(struct cscan *s, const char *mss_id, const char *number)
{
    for (size_t i = 0; i < s->n; i++) {
        struct cert *c = &s->c[i];
        if (number && number[0] && strcmp(c->number, number) == 0)
            return c;
        if (mss_id && c->mss_id == mss_id && (!c->number[0] || !number || !number[0]))
            return c;
    }
    if (s->n >= CERTS_MAX)
        return NULL;
    struct cert *c = &s->c[s->n++];
    memset(c, 0, sizeof *c);
    return c;
}

static bool first_mss(const struct cwt__mss_hit *h, void *ud)
{
    *(const struct cwt__mss **)ud = h->mss;
    return false;
}

static void from_items(const struct cwt__site *site, const struct cwt__doc *doc, const char *url, struct cscan *s)
{
    const json_t *found[32];
    size_t n = CWT_MIN(cwt__site_sdata_find(site, doc, "Certification", found, 32), (size_t)32);
    for (size_t i = 0; i < n; i++) {
        const json_t *it = found[i];
        char tmp[64];
        const char *num = cwt__sd_ident(it, "certificationIdentification", tmp, sizeof tmp);
        const char *name = cwt__sdata_str(it, "name");
        const struct cwt__mss *mss = NULL;
        if (name)
            cwt__mss_scan(name, strlen(name), 1, first_mss, &mss);
        struct cert *c = find_or_add(s, mss ? mss->id : NULL, num);
        if (!c)
            return;
        c->jsonld = true;
        c->url = url;
        if (num)
            snprintf(c->number, sizeof c->number, "%s", num);
        snprintf(c->standard, sizeof c->standard, "%s", name ? name : "Certification");
        c->mss_id = mss ? mss->id : NULL;
        const char *body = cwt__sdata_str(it, "issuedBy");
        if (body) {
            snprintf(c->body, sizeof c->body, "%s", body);
            const json_t *iss = cwt__sdata_get(it, "issuedBy");
            const char *bu = json_is_object(iss) ? cwt__sdata_str(iss, "url") : NULL;
            char host[256];
            c->body_known = cwt__body_by_name(body) != NULL ||
                            (bu && cwt__url_host(bu, host, sizeof host) && cwt__body_by_host(host));
        }
        int64_t t;
        if (cwt__sd_date(it, "validFrom", &t))
            c->from = t;
        if (cwt__sd_date(it, "expires", &t) || cwt__sd_date(it, "validUntil", &t))
            c->until = t;
        const char *st = cwt__sdata_str(it, "certificationStatus");
        if (st && cwt__find_ci(st, strlen(st), "Inactive") != SIZE_MAX)
            c->inactive = true;
        snprintf(c->what, sizeof c->what, "schema.org Certification '%s'", c->standard);
    }
}

struct tctx {
    struct cscan *s;
    const char *text;
    size_t len;
    const char *url;
    struct cwt__mss_hit hits[64];
    size_t nhits;
};

static bool on_body(const struct cwt__body_hit *h, void *ud)
{
    const struct cwt__body **b = ud;
    if (h->body->flags & CWT__BODY_CB) {
        *b = h->body;
        return false;
    }
    return true;
}

struct dates {
    int64_t min, max;
    size_t n;
};

static bool on_date(int64_t t, size_t off, size_t n, void *ud)
{
    CWT_UNUSED(off);
    CWT_UNUSED(n);
    struct dates *d = ud;
    if (d->n == 0 || t < d->min)
        d->min = t;
    if (d->n == 0 || t > d->max)
        d->max = t;
    d->n++;
    return true;
}

static bool collect_mss(const struct cwt__mss_hit *h, void *ud)
{
    struct tctx *c = ud;
    if (c->nhits < CWT_ARRAY_LEN(c->hits))
        c->hits[c->nhits++] = *h;
    return c->nhits < CWT_ARRAY_LEN(c->hits);
}

/* One standard named in text; its number, body and dates are read from the text after it, up to
 * the next standard named (or WINDOW bytes). */
static bool on_mss(const struct cwt__mss_hit *h, size_t next, struct tctx *c)
{
    size_t from = h->off;
    size_t to = CWT_MIN(CWT_MIN(c->len, h->off + h->len + WINDOW), next);
    char num[64] = "";
    cwt__labelled_id(c->text + from, to - from, 0, cwt__cert_no_labels, num, sizeof num);
    struct cert *ct = find_or_add(c->s, h->mss->id, num);
    if (!ct)
        return false;
    if (ct->jsonld)
        return true;
    ct->mss_id = h->mss->id;
    snprintf(ct->standard, sizeof ct->standard, "%s", h->mss->label);
    if (num[0] && !ct->number[0])
        snprintf(ct->number, sizeof ct->number, "%s", num);
    if (!ct->body[0]) {
        const struct cwt__body *b = NULL;
        cwt__bodies_scan(c->text + from, to - from, 16, on_body, &b);
        if (b) {
            snprintf(ct->body, sizeof ct->body, "%s", b->name);
            ct->body_known = true;
        }
    }
    struct dates d = {0};
    cwt__dates_scan(c->text + from, to - from, 8, on_date, &d);
    if (d.n >= 2 && !ct->from) {
        ct->from = d.min;
        ct->until = d.max;
    } else if (d.n == 1 && !ct->until) {
        /* one date next to "valid until"/"expiry"/"有效期" is the end; otherwise the issue date */
        size_t win = to - from;
        static const char *const until_words[] = {"valid until", "valid till", "expir", "有效期", "หมดอายุ",
                                                  "hết hạn", "berlaku", "tamat", NULL};
        bool is_until = false;
        for (const char *const *w = until_words; *w && !is_until; w++)
            is_until = cwt__find_ci(c->text + from, win, *w) != SIZE_MAX;
        if (is_until)
            ct->until = d.min;
        else
            ct->from = d.min;
    }
    if (!ct->url) {
        ct->url = c->url;
        cwt__around(c->text, c->len, h->off, h->len, 80, ct->what, sizeof ct->what);
    }
    return true;
}

static double cert_score(const struct cert *c, int64_t at, bool *expired)
{
    *expired = c->inactive || (c->until && c->until < at);
    double v = 0.25 + (c->number[0] ? 0.25 : 0) + (c->body[0] ? (c->body_known ? 0.25 : 0.15) : 0) +
               (c->until && !*expired ? 0.25 : 0);
    if (*expired)
        v *= 0.2;
    return c->jsonld ? v : CWT_MIN(v, 0.8);
}

enum cwt_status cwt__sig_certificates(const struct cwt__site *site, struct cwt__signal *out)
{
    struct cscan *s = CWT_NEW(struct cscan);
    if (!s)
        return CWT_ENOMEM;
    size_t pages = 0;
    for (size_t i = 0; i < site->npages; i++) {
        const struct cwt__site_page *pg = &site->pages[i];
        if (!pg->doc)
            continue;
        pages++;
        from_items(site, pg->doc, cwt__page_url(pg), s);
    }
    for (size_t i = 0; i < site->npages; i++) {
        const struct cwt__site_page *pg = &site->pages[i];
        if (!pg->doc || !pg->doc->text)
            continue;
        struct tctx *c = CWT_NEW(struct tctx);
        if (!c) {
            cwt_free(s);
            return CWT_ENOMEM;
        }
        *c = (struct tctx){.s = s, .text = pg->doc->text, .len = pg->doc->text_len, .url = cwt__page_url(pg)};
        cwt__mss_scan(pg->doc->text, pg->doc->text_len, CWT_ARRAY_LEN(c->hits), collect_mss, c);
        for (size_t k = 0; k < c->nhits; k++)
            if (!on_mss(&c->hits[k], k + 1 < c->nhits ? c->hits[k + 1].off : c->len, c))
                break;
        cwt_free(c);
    }
    if (pages == 0) {
        out->measured = false;
        cwt__signal_summary(out, "no page could be read, so certificates could not be measured");
        cwt__signal_evidence(out, site->url, "pages read", "none parsed");
        cwt_free(s);
        return CWT_OK;
    }
    double best = 0, sum = 0;
    size_t valid = 0, expired_n = 0, jsonld = 0;
    for (size_t i = 0; i < s->n; i++) {
        struct cert *c = &s->c[i];
        bool expired;
        double sc = cert_score(c, site->at, &expired);
        best = CWT_MAX(best, sc);
        sum += sc;
        jsonld += c->jsonld;
        char f[11] = "?", u[11] = "?", ev[240];
        if (c->from)
            cwt_time_format_date(c->from, f);
        if (c->until)
            cwt_time_format_date(c->until, u);
        snprintf(ev, sizeof ev, "%.47s | no. %.40s | body %.60s | valid %s to %s", c->standard, c->number[0] ? c->number : "none",
                 c->body[0] ? c->body : "none", f, u);
        cwt__signal_evidence(out, c->url, c->jsonld ? "schema.org Certification" : "certificate in text", ev);
        if (expired) {
            expired_n++;
            char msg[200];
            snprintf(msg, sizeof msg, "the %s certificate%s%s expired on %s", c->standard, c->number[0] ? " no. " : "",
                     c->number, c->inactive && !c->until ? "(status inactive)" : u);
            cwt__signal_finding(out, "certificates.expired", CWT__SEV_FAIL, msg,
                                "Renew the certificate, or remove it and publish the current one with its new "
                                "validity dates.",
                                c->url, ev);
        } else if (c->until) {
            valid++;
        }
        if (!c->number[0])
            cwt__signal_finding(out, "certificates.no_number", CWT__SEV_WARN, "a certificate is claimed without its number",
                                "Publish the certificate number so buyers can check it with the body.", c->url,
                                c->standard);
        if (!c->body[0])
            cwt__signal_finding(out, "certificates.no_body", CWT__SEV_WARN,
                                "a certificate is claimed without the body that issued it",
                                "Name the certification body (e.g. SGS, TÜV SÜD, BV, DNV, CQC) and link its "
                                "certificate database.",
                                c->url, c->standard);
        if (!c->until && !expired)
            cwt__signal_finding(out, "certificates.no_validity", CWT__SEV_WARN,
                                "a certificate is claimed without its validity dates",
                                "Give the issue and expiry dates of each certificate.", c->url, c->standard);
    }
    out->measured = true;
    out->raw = (double)valid;
    out->raw_unit = "valid certificates";
    if (s->n == 0) {
        out->value = 0;
        out->confidence = 0.5;
        cwt__signal_finding(out, "certificates.none", CWT__SEV_FAIL, "no quality-system certificate was found",
                            "Publish your ISO 9001 (and ISO 14001, ISO 45001, IATF 16949 or ISO 13485 where they "
                            "apply) certificates with number, body and validity, as text and as schema.org "
                            "Certification.",
                            site->url, NULL);
        cwt__signal_summary(out, "no quality-system certificate found on %zu pages", pages);
    } else {
        out->value = cwt__clamp01(0.7 * best + 0.3 * sum / (double)s->n);
        out->confidence = cwt__clamp01(0.6 + 0.1 * (double)CWT_MIN(s->n, (size_t)4));
        cwt__signal_summary(out, "%zu certificate(s): %zu valid with dates, %zu expired, %zu as schema.org Certification",
                            s->n, valid, expired_n, jsonld);
        if (out->value < 0.95)
            cwt__signal_fix(out, "For each certificate give the number, the certification body and the validity "
                                 "dates, and embed it as schema.org Certification (certificationIdentification, "
                                 "issuedBy, validFrom, expires, certificationStatus).");
    }
    json_t *d = cwt__signal_detail(out);
    if (d) {
        json_object_set_new(d, "certificates", json_integer((json_int_t)s->n));
        json_object_set_new(d, "valid", json_integer((json_int_t)valid));
        json_object_set_new(d, "expired", json_integer((json_int_t)expired_n));
        json_object_set_new(d, "jsonld", json_integer((json_int_t)jsonld));
    }
    cwt__content_seen(out, site, pages, "no certificate was found");
    cwt_free(s);
    return CWT_OK;
}
