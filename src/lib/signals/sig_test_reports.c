/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the "test_reports" signal: third-party test reports
 * published by the site. A report is found three ways: a schema.org item
 * (Report, DigitalDocument, Certification or CreativeWork) whose author,
 * publisher or issuer is a recognised lab; a link to a document (PDF) whose
 * text or address names a report or a lab; or a lab named in text next to a
 * report number. Each report scores for a recognised lab, a number, a date,
 * a document and a verification link on the lab's own domain; embedded
 * structured data scores highest. See docs/internals/signals-content.md.
 */
#include <stdio.h>

#include "signals/content.h"
#include "signals/marks.h"
#include "util/timeutil.h"

#define REPORTS_MAX 48
#define STALE_DAYS (3 * 365)

struct report {
    const struct cwt__body *lab;
    char number[64];
    int64_t date;        /* 0: unknown */
    bool document;       /* a document (PDF) is linked */
    bool verify;         /* a link on the lab's own domain */
    bool jsonld;
    bool merged;         /* folded into another report of the same lab */
    const char *url;     /* borrowed: where it was seen */
    char what[160];
};

struct rscan {
    struct report r[REPORTS_MAX];
    size_t n;
};

static struct report *add_report(struct rscan *s, const char *number, const char *url)
{
    if (number && number[0])
        for (size_t i = 0; i < s->n; i++)
            if (strcmp(s->r[i].number, number) == 0)
                return &s->r[i];
    if (s->n >= REPORTS_MAX)
        return NULL;
    struct report *r = &s->r[s->n++];
    memset(r, 0, sizeof *r);
    if (number)
        snprintf(r->number, sizeof r->number, "%s", number);
    r->url = url;
    return r;
}

static bool first_date(int64_t t, size_t off, size_t n, void *ud)
{
    CWT_UNUSED(off);
    CWT_UNUSED(n);
    *(int64_t *)ud = t;
    return false;
}

static const char *const report_words[] = {"test report", "report", "检测报告", "测试报告", "报告", "รายงานผลการทดสอบ",
                                           "báo cáo thử nghiệm", "laporan uji", "laporan ujian", NULL};
static struct cwt__kwset report_set = CWT__KWSET(report_words);

static const char *const test_words[] = {"report", "tested", "test ", "testing", "laborator", "检测", "测试", "报告",
                                         "ทดสอบ", "thử nghiệm", "kiểm nghiệm", "uji", "ujian", NULL};
static struct cwt__kwset test_set = CWT__KWSET(test_words);

static bool is_pdf(const char *href)
{
    if (!href)
        return false;
    size_t n = strlen(href);
    const char *q = strchr(href, '?');
    size_t end = q ? (size_t)(q - href) : n;
    return end >= 4 && cwt__find_ci(href + end - 4, 4, ".pdf") == 0;
}

static const struct cwt__body *lab_of(const json_t *item)
{
    static const char *const who[] = {"author", "publisher", "issuedBy", "creator", "provider", "sourceOrganization"};
    for (size_t k = 0; k < CWT_ARRAY_LEN(who); k++) {
        const json_t *o = cwt__sdata_get(item, who[k]);
        if (!o)
            continue;
        const char *name = cwt__sdata_str(item, who[k]);
        const struct cwt__body *b = cwt__body_by_name(name);
        char host[256];
        const char *u = json_is_object(o) ? cwt__sdata_str(o, "url") : NULL;
        if (!b && u && cwt__url_host(u, host, sizeof host))
            b = cwt__body_by_host(host);
        if (b)
            return b;
    }
    return NULL;
}

static void from_items(const struct cwt__site *site, const struct cwt__doc *doc, const char *url, struct rscan *s)
{
    static const char *const types[] = {"Report", "DigitalDocument", "CreativeWork"};
    for (size_t t = 0; t < CWT_ARRAY_LEN(types); t++) {
        const json_t *found[32];
        size_t n = CWT_MIN(cwt__site_sdata_find(site, doc, types[t], found, 32), (size_t)32);
        for (size_t i = 0; i < n; i++) {
            const json_t *it = found[i];
            if (t == 2 && (cwt__sdata_is(it, "Report") || cwt__sdata_is(it, "DigitalDocument") ||
                           !cwt__has_any(cwt__sdata_str(it, "name"), &report_set)))
                continue; /* Reports and documents were read above; other works only when named a report */
            const struct cwt__body *lab = lab_of(it);
            if (!lab)
                continue;
            char tmp[64];
            const char *num = cwt__sd_text(it, "reportNumber", tmp, sizeof tmp);
            if (!num)
                num = cwt__sd_ident(it, "identifier", tmp, sizeof tmp);
            struct report *r = add_report(s, num, url);
            if (!r)
                return;
            r->lab = lab;
            r->jsonld = true;
            int64_t when;
            if (cwt__sd_date(it, "datePublished", &when) || cwt__sd_date(it, "dateCreated", &when) ||
                cwt__sd_date(it, "validFrom", &when))
                r->date = when;
            static const char *const links[] = {"url", "contentUrl", "sameAs", "mainEntityOfPage", "encoding"};
            for (size_t k = 0; k < CWT_ARRAY_LEN(links); k++) {
                const char *u = cwt__sdata_str(it, links[k]);
                const json_t *enc = cwt__sdata_get(it, links[k]);
                if (json_is_object(enc))
                    u = cwt__sdata_str(enc, "contentUrl") ? cwt__sdata_str(enc, "contentUrl") : u;
                char host[256];
                if (!u || !cwt__url_host(u, host, sizeof host))
                    continue;
                r->document = r->document || is_pdf(u) || k == 4;
                if (cwt__body_by_host(host) == lab)
                    r->verify = true;
            }
            snprintf(r->what, sizeof r->what, "schema.org %s by %s%s%s", types[t], lab->name, r->number[0] ? " no. " : "",
                     r->number);
        }
    }
}

static void from_links(const struct cwt__doc *doc, const char *url, struct rscan *s)
{
    for (size_t l = 0; l < doc->nlinks; l++) {
        const struct cwt__link *ln = &doc->links[l];
        char host[256];
        size_t hl = cwt__url_host_n(ln->href, host, sizeof host);
        if (!hl)
            continue;
        /* a link on a lab's domain, or a PDF named a report or naming a lab (asked in the order of
         * their cost: most links are neither on a lab's domain nor PDFs) */
        const struct cwt__body *on_lab = cwt__body_by_host_n(host, hl);
        if (!on_lab && !is_pdf(ln->href))
            continue;
        const struct cwt__body *named = cwt__body_by_name(ln->text);
        if (!on_lab && !named && !cwt__has_any(ln->text, &report_set) && !cwt__has_any(ln->href, &report_set))
            continue;
        char num[64] = "";
        if (ln->text)
            cwt__labelled_id(ln->text, strlen(ln->text), 0, cwt__report_no_labels, num, sizeof num);
        struct report *r = add_report(s, num, url);
        if (!r)
            return;
        r->lab = r->lab ? r->lab : (on_lab ? on_lab : named);
        r->document = r->document || is_pdf(ln->href);
        r->verify = r->verify || (on_lab && (!named || named == on_lab));
        int64_t t = 0;
        if (ln->text)
            cwt__dates_scan(ln->text, strlen(ln->text), 1, first_date, &t);
        if (t && !r->date)
            r->date = t;
        snprintf(r->what, sizeof r->what, "%s: %s", on_lab ? "link on the lab's domain" : "report document",
                 ln->text ? ln->text : ln->href);
        r->url = ln->href;
    }
}

struct lab_ctx {
    struct rscan *s;
    const char *text;
    size_t len;
    const char *url;
};

static bool on_lab(const struct cwt__body_hit *h, void *ud)
{
    struct lab_ctx *c = ud;
    if (!(h->body->flags & CWT__BODY_LAB))
        return true;
    /* a report number within 200 bytes after the lab's name (or 100 before) */
    size_t from = h->off > 100 ? h->off - 100 : 0;
    size_t to = CWT_MIN(c->len, h->off + h->len + 200);
    char num[64];
    size_t at = cwt__labelled_id(c->text + from, to - from, 0, cwt__report_no_labels, num, sizeof num);
    if (at == SIZE_MAX) {
        /* a lab named without a number counts only when a report or a test is mentioned near it
         * (a lab is often named as the certification or notified body) */
        size_t nf = h->off, nt = h->off + h->len; /* the text block (line) the lab is named in */
        while (nf > 0 && h->off - nf < 160 && c->text[nf - 1] != '\n')
            nf--;
        while (nt < c->len && nt - h->off < 200 && c->text[nt] != '\n')
            nt++;
        char near[400];
        size_t nl = CWT_MIN(nt - nf, sizeof near - 1);
        memcpy(near, c->text + nf, nl);
        near[nl] = '\0';
        if (!cwt__has_any(near, &test_set))
            return true;
        for (size_t i = 0; i < c->s->n; i++)
            if (c->s->r[i].lab == h->body && !c->s->r[i].number[0])
                return true; /* this lab is already noted */
        struct report *r = add_report(c->s, NULL, c->url);
        if (r && !r->lab) {
            r->lab = h->body;
            cwt__around(c->text, c->len, h->off, h->len, 60, r->what, sizeof r->what);
        }
        return true;
    }
    struct report *r = add_report(c->s, num, c->url);
    if (!r)
        return false;
    r->lab = r->lab ? r->lab : h->body;
    int64_t t = 0;
    cwt__dates_scan(c->text + from, to - from, 1, first_date, &t);
    if (t && !r->date)
        r->date = t;
    if (!r->what[0])
        cwt__around(c->text, c->len, h->off, h->len, 80, r->what, sizeof r->what);
    return true;
}

static double report_score(const struct report *r)
{
    double v = (r->lab ? 0.25 : 0) + (r->number[0] ? 0.2 : 0) + (r->date ? 0.15 : 0) + (r->document ? 0.15 : 0) +
               (r->verify ? 0.25 : 0);
    return r->jsonld ? CWT_MIN(1.0, v + 0.15) : CWT_MIN(0.7, v);
}

enum cwt_status cwt__sig_test_reports(const struct cwt__site *site, struct cwt__signal *out)
{
    struct rscan *s = CWT_NEW(struct rscan);
    if (!s)
        return CWT_ENOMEM;
    size_t pages = 0;
    for (size_t i = 0; i < site->npages; i++) {
        const struct cwt__site_page *pg = &site->pages[i];
        if (!pg->doc)
            continue;
        pages++;
        const char *url = cwt__page_url(pg);
        from_items(site, pg->doc, url, s);
        from_links(pg->doc, url, s);
        if (pg->doc->text) {
            struct lab_ctx c = {s, pg->doc->text, pg->doc->text_len, url};
            cwt__bodies_scan(pg->doc->text, pg->doc->text_len, 64, on_lab, &c);
        }
    }
    if (pages == 0) {
        out->measured = false;
        cwt__signal_summary(out, "no page could be read, so test reports could not be measured");
        cwt__signal_evidence(out, site->url, "pages read", "none parsed");
        cwt_free(s);
        return CWT_OK;
    }
    /* an unnumbered mention or link of a lab merges into a numbered report of the same lab: a
     * "verify at SGS" link next to "SGS report No. X" verifies X */
    for (size_t i = 0; i < s->n; i++) {
        struct report *r = &s->r[i];
        if (r->number[0] || r->jsonld || !r->lab)
            continue;
        for (size_t k = 0; k < s->n; k++) {
            struct report *into = &s->r[k];
            if (k == i || into->lab != r->lab || !into->number[0] || into->merged)
                continue;
            into->verify = into->verify || r->verify;
            into->document = into->document || r->document;
            into->date = into->date ? into->date : r->date;
            r->merged = true;
            break;
        }
    }
    double best = 0, sum = 0;
    size_t counted = 0, jsonld = 0, verified = 0, numbered = 0;
    for (size_t i = 0; i < s->n; i++) {
        struct report *r = &s->r[i];
        if (r->merged)
            continue;
        double sc = report_score(r);
        best = CWT_MAX(best, sc);
        sum += sc;
        counted++;
        jsonld += r->jsonld;
        verified += r->verify;
        numbered += r->number[0] != 0;
        char ev[240];
        char date[11] = "no date";
        if (r->date)
            cwt_time_format_date(r->date, date);
        snprintf(ev, sizeof ev, "%.110s | lab %.40s | no. %.40s | %s%s%s", r->what, r->lab ? r->lab->name : "?",
                 r->number[0] ? r->number : "none", date, r->document ? " | document" : "",
                 r->verify ? " | verification link" : "");
        cwt__signal_evidence(out, r->url, "test report", ev);
        if (!r->number[0])
            cwt__signal_finding(out, "test_reports.unnumbered", CWT__SEV_WARN,
                                "a lab is named but no report number is given",
                                "Give the report number and date next to the lab's name, and link the report.", r->url,
                                r->what);
        else if (!r->verify)
            cwt__signal_finding(out, "test_reports.no_verification", CWT__SEV_WARN,
                                "a report is given without a verification link on the lab's own domain",
                                "Link the lab's own verification page for the report (e.g. its report check service), "
                                "not only a copy on your site.",
                                r->url, r->number);
        if (r->date && site->at - r->date > (int64_t)STALE_DAYS * 86400)
            cwt__signal_finding(out, "test_reports.stale", CWT__SEV_WARN, "a test report is more than three years old",
                                "Re-test the product and publish the current report.", r->url, r->number);
    }
    out->measured = true;
    out->raw = (double)counted;
    out->raw_unit = "reports";
    if (counted == 0) {
        out->value = 0;
        out->confidence = 0.5;
        cwt__signal_finding(out, "test_reports.none", CWT__SEV_FAIL, "no third-party test report was found",
                            "Publish your products' test reports from recognised labs (SGS, Intertek, TÜV, BV, UL ...) "
                            "with number, date and the lab's verification link, and embed them as schema.org JSON-LD.",
                            site->url, NULL);
        cwt__signal_summary(out, "no third-party test report found on %zu pages", pages);
    } else {
        out->value = cwt__clamp01(0.7 * best + 0.3 * sum / (double)counted);
        out->confidence = cwt__clamp01(0.6 + 0.1 * (double)CWT_MIN(counted, (size_t)4));
        cwt__signal_summary(out, "%zu test report(s): %zu numbered, %zu with a verification link, %zu as JSON-LD",
                            counted, numbered, verified, jsonld);
        if (jsonld == 0 || verified < counted)
            cwt__signal_fix(out, "Embed each report as schema.org JSON-LD (Report with reportNumber, datePublished, "
                                 "author = the lab, about = the product) and link the lab's own verification page.");
    }
    json_t *d = cwt__signal_detail(out);
    if (d) {
        json_object_set_new(d, "reports", json_integer((json_int_t)counted));
        json_object_set_new(d, "numbered", json_integer((json_int_t)numbered));
        json_object_set_new(d, "verified", json_integer((json_int_t)verified));
        json_object_set_new(d, "jsonld", json_integer((json_int_t)jsonld));
    }
    cwt__content_seen(out, site, pages, "no lab, report link or report number was found");
    cwt_free(s);
    return CWT_OK;
}
