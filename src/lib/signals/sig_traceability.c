/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the "traceability" signal: whether each product can
 * be traced. On every product page it looks for four elements: a batch or lot
 * number, the country of origin, a GTIN (8, 12, 13 or 14 digits with a valid
 * GS1 check digit; an invalid one is a finding) and a traceability QR code or
 * link, in the visible text, the links, the images and schema.org Product
 * items (gtin*, countryOfOrigin). See docs/internals/signals-content.md.
 */
#include <stdio.h>

#include "signals/content.h"
#include "signals/marks.h"

static const char *const trace_words[] = {"traceability", "trace code", "track and trace", "verify product",
                                          "product verification", "authenticity", "溯源", "追溯", "防伪",
                                          "ตรวจสอบย้อนกลับ", "truy xuất nguồn gốc", "truy xuất", "ketertelusuran",
                                          "keterlacakan", "kebolehkesanan", NULL};
static struct cwt__kwset trace_set = CWT__KWSET(trace_words);
static const char *const qr_words[] = {"qr code", "qr-code", "qrcode", "二维码", "คิวอาร์โค้ด", "mã qr", "kode qr",
                                       "kod qr", NULL};
static struct cwt__kwset qr_set = CWT__KWSET(qr_words);

struct gtin_seen {
    size_t valid, invalid;
    char first_valid[16], first_invalid[16];
};

static void check_gtin(struct cwt__signal *out, const char *url, const char *raw, size_t len, struct gtin_seen *g)
{
    char d[15];
    size_t n = cwt__gtin_digits(raw, len, d);
    if (n != 8 && n != 12 && n != 13 && n != 14)
        return;
    if (cwt__gtin_valid(d, n)) {
        if (!g->valid++)
            snprintf(g->first_valid, sizeof g->first_valid, "%s", d);
    } else {
        if (!g->invalid++)
            snprintf(g->first_invalid, sizeof g->first_invalid, "%s", d);
        char msg[120];
        snprintf(msg, sizeof msg, "GTIN %s has a wrong check digit", d);
        cwt__signal_finding(out, "traceability.gtin_invalid", CWT__SEV_FAIL, msg,
                            "Copy the GTIN exactly as GS1 assigned it; a wrong check digit means a typo or an "
                            "invented number.",
                            url, d);
    }
}

/* GTINs labelled in text: "EAN: 6901234567892", "条码：..." */
static void text_gtins(struct cwt__signal *out, const char *url, const char *text, size_t len, struct gtin_seen *g)
{
    size_t from = 0;
    for (int k = 0; k < 16 && from < len; k++) {
        char id[64];
        size_t at = cwt__labelled_id(text, len, from, cwt__gtin_labels, id, sizeof id);
        if (at == SIZE_MAX)
            break;
        check_gtin(out, url, id, strlen(id), g);
        from = at + 1;
    }
}

enum cwt_status cwt__sig_traceability(const struct cwt__site *site, struct cwt__signal *out)
{
    size_t npages = 0, listings = 0, with_batch = 0, with_origin = 0, with_gtin = 0, with_trace = 0;
    double sum = 0;
    for (size_t i = 0; i < site->npages; i++) {
        const struct cwt__site_page *pg = &site->pages[i];
        const struct cwt__doc *doc = pg->doc;
        if (!doc)
            continue;
        const json_t *prods[16];
        size_t nprod = cwt__page_products(doc, prods, 16);
        if (!cwt__role_is_product(pg->role) && nprod == 0)
            continue;
        if (nprod == 0 && pg->role && strcmp(pg->role, "products") == 0) {
            listings++; /* a listing: traceability is judged on the product pages themselves */
            continue;
        }
        npages++;
        const char *url = cwt__page_url(pg);
        const char *text = doc->text ? doc->text : "";
        size_t len = doc->text ? doc->text_len : 0;
        char val[120];
        bool batch = cwt__labelled_id(text, len, 0, cwt__batch_labels, val, sizeof val) != SIZE_MAX;
        if (batch)
            cwt__signal_evidence(out, url, "batch/lot", val);
        bool origin = false;
        struct gtin_seen g = {0};
        for (size_t k = 0; k < nprod; k++) {
            const char *co = cwt__sdata_str(prods[k], "countryOfOrigin");
            if (co && !origin) {
                origin = true;
                cwt__signal_evidence(out, url, "countryOfOrigin", co);
            }
            static const char *const gk[] = {"gtin", "gtin8", "gtin12", "gtin13", "gtin14"};
            for (size_t q = 0; q < CWT_ARRAY_LEN(gk); q++) {
                char tmp[32];
                const char *gv = cwt__sd_text(prods[k], gk[q], tmp, sizeof tmp);
                if (gv)
                    check_gtin(out, url, gv, strlen(gv), &g);
            }
        }
        if (!origin && cwt__labelled_text(text, len, 0, cwt__origin_labels, val, sizeof val) != SIZE_MAX) {
            origin = true;
            cwt__signal_evidence(out, url, "country of origin", val);
        }
        text_gtins(out, url, text, len, &g);
        bool gtin = g.valid > 0;
        if (gtin)
            cwt__signal_evidence(out, url, "GTIN", g.first_valid);
        /* a traceability link or QR image first (they show where), then words in the text */
        const char *seen = NULL;
        for (size_t l = 0; l < doc->nlinks && !seen; l++)
            if (cwt__has_any(doc->links[l].text, &trace_set) || cwt__has_any(doc->links[l].href, &trace_set))
                seen = doc->links[l].href;
        for (size_t m = 0; m < doc->nmedia && !seen; m++)
            if (cwt__has_any(doc->media[m].title, &qr_set) || cwt__has_any(doc->media[m].src, &qr_set))
                seen = doc->media[m].src;
        char sn[200];
        for (const char *const *w = trace_words; *w && !seen; w++) {
            size_t at = cwt__find_ci(text, len, *w);
            if (at != SIZE_MAX)
                seen = cwt__around(text, len, at, strlen(*w), 60, sn, sizeof sn);
        }
        for (const char *const *w = qr_words; *w && !seen; w++) {
            size_t at = cwt__find_ci(text, len, *w);
            if (at != SIZE_MAX)
                seen = cwt__around(text, len, at, strlen(*w), 60, sn, sizeof sn);
        }
        bool trace = seen != NULL;
        if (trace)
            cwt__signal_evidence(out, url, "traceability QR or link", seen);
        with_batch += batch;
        with_origin += origin;
        with_gtin += gtin;
        with_trace += trace;
        sum += 0.25 * (batch + origin + gtin + trace);
        if (!batch && !origin && !gtin && !trace)
            cwt__signal_finding(out, "traceability.none", CWT__SEV_WARN, "a product page without any traceability data",
                                "Give batch/lot numbering, the country of origin, the GTIN and a traceability QR "
                                "code or link on the product page.",
                                url, NULL);
    }
    if (npages == 0) {
        cwt__content_no_products(out, site, listings, "traceability");
        return CWT_OK;
    }
    if (!with_origin)
        cwt__signal_finding(out, "traceability.no_origin", CWT__SEV_WARN, "no product page states the country of origin",
                            "State the country of origin on every product page and in schema.org countryOfOrigin.",
                            site->url, NULL);
    if (!with_gtin)
        cwt__signal_finding(out, "traceability.no_gtin", CWT__SEV_INFO, "no valid GTIN is published",
                            "Publish each product's GS1 GTIN (gtin13 in schema.org Product).", site->url, NULL);
    out->measured = true;
    out->value = cwt__clamp01(sum / (double)npages);
    out->confidence = cwt__clamp01(0.4 + 0.2 * (double)CWT_MIN(npages, (size_t)3));
    out->raw = sum / (double)npages * 4.0;
    out->raw_unit = "elements per product";
    json_t *d = cwt__signal_detail(out);
    if (d) {
        json_object_set_new(d, "product_pages", json_integer((json_int_t)npages));
        json_object_set_new(d, "batch", json_integer((json_int_t)with_batch));
        json_object_set_new(d, "origin", json_integer((json_int_t)with_origin));
        json_object_set_new(d, "gtin", json_integer((json_int_t)with_gtin));
        json_object_set_new(d, "trace", json_integer((json_int_t)with_trace));
    }
    cwt__signal_summary(out, "of %zu product pages: %zu batch/lot, %zu origin, %zu valid GTIN, %zu traceability QR/link",
                        npages, with_batch, with_origin, with_gtin, with_trace);
    if (out->value < 0.95)
        cwt__signal_fix(out, "On each product page give the batch/lot numbering, the country of origin, the GS1 GTIN "
                             "(with schema.org gtin13 and countryOfOrigin) and a traceability QR code or link.");
    cwt__content_seen(out, site, npages, "no batch, origin, GTIN or traceability link was found");
    return CWT_OK;
}
