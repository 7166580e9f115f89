/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the "compliance" signal: how complete the safety and
 * conformity statements are. It scans the visible text of every page with the
 * mark scanner (marks.c) for conformity marks (CE, RoHS, REACH, FCC, UL, CCC),
 * the marks of the RCEP markets (TISI, SIRIM, SNI, Singapore SAFETY Mark,
 * Vietnam CR), standard numbers, declarations of conformity, warnings and
 * instructions, and the links to documents (DoC, SDS, manuals). A site
 * selling chemicals must publish safety data sheets. See
 * docs/internals/signals-content.md.
 */
#include <stdio.h>

#include "signals/content.h"
#include "signals/marks.h"

#define HITS_PER_PAGE 200

struct cscan {
    unsigned kinds[CWT__MK_COUNT_];
    unsigned marks[32];
    const char *text;
    size_t len;
    const char *url;
    struct cwt__signal *out;
    bool page_has_claim;
};

static bool on_hit(const struct cwt__mark_hit *h, void *ud)
{
    struct cscan *c = ud;
    size_t n;
    const struct cwt__mark *all = cwt__marks_all(&n);
    size_t mi = (size_t)(h->mark - all);
    c->kinds[h->mark->kind]++;
    if (mi < CWT_ARRAY_LEN(c->marks)) {
        if (c->marks[mi] == 0 && h->mark->kind != CWT__MK_STANDARD) {
            char sn[200];
            cwt__signal_evidence(c->out, c->url, h->mark->label, cwt__around(c->text, c->len, h->off, h->len, 60, sn, sizeof sn));
        }
        c->marks[mi]++;
    }
    if (h->mark->kind == CWT__MK_CONFORMITY || h->mark->kind == CWT__MK_MARKET || h->mark->kind == CWT__MK_STANDARD)
        c->page_has_claim = true;
    return true;
}

/* Words that say the site sells chemicals (then an SDS is expected); "coating" or "resin" alone
 * are too common on other products to count. */
static const char *const chem_words[] = {"chemical", "cas no", "cas number", "cas-nr", "ghs", "化工", "化学品",
                                         "สารเคมี", "hóa chất", "bahan kimia", NULL};
static struct cwt__kwset chem_set = CWT__KWSET(chem_words);
#define SDS_LINK_WORDS "sds", "msds", "safety data sheet", "安全技术说明书", "安全数据表"
#define DOC_LINK_WORDS "declaration of conformity", "doc.pdf", "eu-doc", "符合性声明"
static const char *const sds_link_words[] = {SDS_LINK_WORDS, NULL};
static struct cwt__kwset sds_link_set = CWT__KWSET(sds_link_words);
static const char *const doc_link_words[] = {DOC_LINK_WORDS, NULL};
static struct cwt__kwset doc_link_set = CWT__KWSET(doc_link_words);
/* Both lists: a link in neither (most) is ruled out by one pass over its text and one over its URL. */
static const char *const doc_or_sds_words[] = {SDS_LINK_WORDS, DOC_LINK_WORDS, NULL};
static struct cwt__kwset doc_or_sds_set = CWT__KWSET(doc_or_sds_words);

enum cwt_status cwt__sig_compliance(const struct cwt__site *site, struct cwt__signal *out)
{
    struct cscan total = {0};
    size_t pages = 0, product_pages = 0, product_with_claims = 0, sds_links = 0, doc_links = 0;
    bool chemical = false;
    const char *silent_url = NULL;
    for (size_t i = 0; i < site->npages; i++) {
        const struct cwt__site_page *pg = &site->pages[i];
        const struct cwt__doc *doc = pg->doc;
        if (!doc || !doc->text)
            continue;
        pages++;
        struct cscan c = {.text = doc->text, .len = doc->text_len, .url = cwt__page_url(pg), .out = out};
        memcpy(c.marks, total.marks, sizeof c.marks); /* evidence once per mark across the site */
        cwt__marks_scan(doc->text, doc->text_len, HITS_PER_PAGE, on_hit, &c);
        for (size_t k = 0; k < CWT__MK_COUNT_; k++)
            total.kinds[k] += c.kinds[k];
        memcpy(total.marks, c.marks, sizeof c.marks);
        /* schema.org Certification items name marks too ("CE", "FCC"): the type is their context */
        const json_t *certs[16];
        size_t ncert = CWT_MIN(cwt__site_sdata_find(site, doc, "Certification", certs, 16), (size_t)16);
        for (size_t k = 0; k < ncert; k++) {
            const char *name = cwt__sdata_str(certs[k], "name");
            if (!name)
                continue;
            char buf[200];
            int n = snprintf(buf, sizeof buf, "%.150s certification", name);
            struct cscan sc = {.text = buf, .len = (size_t)n, .url = c.url, .out = out};
            memcpy(sc.marks, total.marks, sizeof sc.marks);
            cwt__marks_scan(buf, (size_t)n, 8, on_hit, &sc);
            for (size_t m = 0; m < CWT__MK_COUNT_; m++)
                total.kinds[m] += sc.kinds[m];
            memcpy(total.marks, sc.marks, sizeof sc.marks);
            c.page_has_claim = c.page_has_claim || sc.page_has_claim;
        }
        if (cwt__role_is_product(pg->role)) {
            product_pages++;
            if (c.page_has_claim)
                product_with_claims++;
            else if (!silent_url)
                silent_url = c.url;
        }
        chemical = chemical || cwt__has_any(doc->text, &chem_set);
        for (size_t l = 0; l < doc->nlinks; l++) {
            const struct cwt__link *ln = &doc->links[l];
            if (!cwt__has_any(ln->text, &doc_or_sds_set) && !cwt__has_any(ln->href, &doc_or_sds_set))
                continue;
            if (cwt__has_any(ln->text, &sds_link_set) || cwt__has_any(ln->href, &sds_link_set)) {
                if (sds_links++ == 0)
                    cwt__signal_evidence(out, ln->href, "safety data sheet link", ln->text ? ln->text : ln->href);
            }
            if (cwt__has_any(ln->text, &doc_link_set) || cwt__has_any(ln->href, &doc_link_set)) {
                if (doc_links++ == 0)
                    cwt__signal_evidence(out, ln->href, "declaration of conformity link", ln->text ? ln->text : ln->href);
            }
        }
    }
    if (pages == 0) {
        out->measured = false;
        cwt__signal_summary(out, "no page could be read, so compliance statements could not be measured");
        cwt__signal_evidence(out, site->url, "pages read", "none parsed");
        return CWT_OK;
    }
    bool conformity = total.kinds[CWT__MK_CONFORMITY] > 0;
    bool market = total.kinds[CWT__MK_MARKET] > 0;
    bool standard = total.kinds[CWT__MK_STANDARD] > 0;
    bool declaration = total.kinds[CWT__MK_DECLARATION] > 0 || doc_links > 0;
    bool warnings = total.kinds[CWT__MK_WARNING] > 0;
    bool instructions = total.kinds[CWT__MK_INSTRUCTIONS] > 0;
    bool sds = total.kinds[CWT__MK_SDS] > 0 || sds_links > 0;

    double v = 0;
    v += (conformity || market) ? 0.35 : 0;
    v += market ? 0.15 : 0;
    v += standard ? 0.15 : 0;
    v += declaration ? 0.15 : 0;
    v += warnings ? 0.1 : 0;
    v += instructions ? 0.1 : 0;
    if (product_pages)
        v *= 0.5 + 0.5 * (double)product_with_claims / (double)product_pages;
    if (chemical && !sds) {
        v *= 0.6;
        cwt__signal_finding(out, "compliance.no_sds", CWT__SEV_FAIL,
                            "the site sells chemical products but publishes no safety data sheet (SDS/MSDS)",
                            "Publish an SDS (GHS format, 16 sections) for each chemical product and link it from the "
                            "product page, in the buyers' languages.",
                            site->url, NULL);
    }
    if (!conformity && !market)
        cwt__signal_finding(out, "compliance.no_marks", CWT__SEV_FAIL, "no conformity or safety mark is stated",
                            "State which marks your products carry (CE, RoHS, FCC, UL, CCC ...) and the standards "
                            "they were tested to, on each product page.",
                            site->url, NULL);
    else if (!standard && !declaration)
        cwt__signal_finding(out, "compliance.unsupported_claim", CWT__SEV_WARN,
                            "marks are claimed without a standard number or a declaration of conformity",
                            "Name the standards (e.g. EN 60335-1, IEC 62368-1) and link the signed declaration of "
                            "conformity next to each mark.",
                            site->url, NULL);
    if (!market)
        cwt__signal_finding(out, "compliance.no_rcep_marks", CWT__SEV_INFO,
                            "no mark of a Southeast Asian market (TISI/มอก., SIRIM, SNI, SAFETY Mark, CR) is stated",
                            "If your products are certified for Thailand, Malaysia, Indonesia, Singapore or Vietnam, "
                            "say so with the certificate or licence number.",
                            site->url, NULL);
    if (product_pages && product_with_claims < product_pages)
        cwt__signal_finding(out, "compliance.product_pages_silent", CWT__SEV_WARN,
                            "some product pages state no mark or standard", "Add the compliance statement to every product page.",
                            silent_url, NULL);
    if (!warnings && !instructions)
        cwt__signal_finding(out, "compliance.no_instructions", CWT__SEV_WARN,
                            "no safety warnings or instructions for use were found",
                            "Publish the user manual and the safety warnings (PDF or page) for each product.", site->url,
                            NULL);

    out->measured = true;
    out->value = cwt__clamp01(v);
    out->confidence = cwt__clamp01(0.5 + 0.1 * (double)CWT_MIN(pages, (size_t)3) + (product_pages ? 0.2 : 0));
    out->raw = (double)(conformity + market + standard + declaration + warnings + instructions);
    out->raw_unit = "elements";
    json_t *d = cwt__signal_detail(out);
    if (d) {
        size_t n;
        const struct cwt__mark *all = cwt__marks_all(&n);
        json_t *marks = json_object();
        for (size_t k = 0; k < n && k < CWT_ARRAY_LEN(total.marks); k++)
            if (total.marks[k])
                json_object_set_new(marks, all[k].id, json_integer(total.marks[k]));
        json_object_set_new(d, "marks", marks);
        json_object_set_new(d, "product_pages", json_integer((json_int_t)product_pages));
        json_object_set_new(d, "product_pages_with_claims", json_integer((json_int_t)product_with_claims));
        json_object_set_new(d, "chemical", json_boolean(chemical));
        json_object_set_new(d, "sds", json_boolean(sds));
    }
    cwt__signal_summary(out, "marks %s, RCEP-market marks %s, standards %s, declaration %s, warnings %s, "
                             "instructions %s%s",
                        conformity ? "yes" : "no", market ? "yes" : "no", standard ? "yes" : "no",
                        declaration ? "yes" : "no", warnings ? "yes" : "no", instructions ? "yes" : "no",
                        chemical ? (sds ? ", SDS yes" : ", SDS missing") : "");
    if (out->value < 0.9)
        cwt__signal_fix(out, "On each product page, state the marks and the standards behind them, link the "
                             "declaration of conformity, add the marks of your Southeast Asian markets, and publish "
                             "warnings and instructions%s.",
                        chemical ? " and safety data sheets" : "");
    cwt__content_seen(out, site, pages, "no mark, standard, warning or instruction was found");
    return CWT_OK;
}
