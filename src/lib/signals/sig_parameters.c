/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the "parameters" signal: how standardised the
 * product parameters are. On every product page it reads schema.org Product
 * items (additionalProperty PropertyValue with unitCode, weight/width/...
 * QuantitativeValue) and the values with units in the visible text (a
 * specification table or list), normalises each unit to its quantity and
 * UN/CEFACT code, and checks that each quantity is written in one unit across
 * the site. Coded structured data scores higher than text, text higher than
 * a specification that is only a picture. See docs/internals/signals-content.md.
 */
#include <stdio.h>

#include "fetch/fetch.h"
#include "signals/content.h"
#include "signals/units.h"

#define VALUES_PER_PAGE 400
#define PROPS_PER_PRODUCT 200

struct unit_use {
    const struct cwt__unit *unit;
    unsigned count;
    const char *url; /* borrowed: first page it was seen on */
};

struct par {
    struct unit_use uses[96];
    size_t nuses;
};

static void note_unit(struct par *p, const struct cwt__unit *u, const char *url)
{
    for (size_t i = 0; i < p->nuses; i++)
        if (p->uses[i].unit == u) {
            p->uses[i].count++;
            return;
        }
    if (p->nuses < CWT_ARRAY_LEN(p->uses))
        p->uses[p->nuses++] = (struct unit_use){u, 1, url};
}

struct page_scan {
    struct par *par;
    const char *url;
    size_t nvalues;
    char first[3][96];
    size_t nfirst;
    const char *text;
};

static bool on_value(const struct cwt__qvalue *v, void *ud)
{
    struct page_scan *ps = ud;
    ps->nvalues++;
    note_unit(ps->par, v->unit, ps->url);
    if (ps->nfirst < 3) {
        char raw[64];
        size_t n = CWT_MIN(v->len, sizeof raw - 1);
        memcpy(raw, ps->text + v->off, n);
        raw[n] = '\0';
        snprintf(ps->first[ps->nfirst++], sizeof ps->first[0], "%s = %s (%s)", raw, v->unit->code,
                 cwt__quantity_name(v->unit->q));
    }
    return true;
}

static const char *const spec_words[] = {"specification", "specs", "technical data", "parameter", "参数", "规格",
                                         "技术数据", "ข้อมูลจำเพาะ", "สเปค", "thông số", "spesifikasi", "spesifikasi teknis",
                                         NULL};
static struct cwt__kwset spec_set = CWT__KWSET(spec_words);

/* Structured parameters of one Product item: counts PropertyValues and how many carry a known unitCode. */
static void product_props(const json_t *prod, struct cwt__signal *out, struct par *par, const char *url,
                          size_t *nprops, size_t *ncoded, size_t *nbad)
{
    const json_t *vals[PROPS_PER_PRODUCT];
    size_t n = cwt__sdata_values(prod, "additionalProperty", vals, PROPS_PER_PRODUCT);
    n = CWT_MIN(n, (size_t)PROPS_PER_PRODUCT);
    static const char *const dims[] = {"weight", "width", "height", "depth"};
    for (size_t d = 0; d < CWT_ARRAY_LEN(dims) && n < PROPS_PER_PRODUCT; d++) {
        const json_t *v = cwt__sdata_get(prod, dims[d]);
        if (json_is_object(v))
            vals[n++] = v;
    }
    for (size_t i = 0; i < n; i++) {
        const json_t *pv = vals[i];
        if (!json_is_object(pv))
            continue;
        (*nprops)++;
        const char *code = cwt__sdata_str(pv, "unitCode");
        const char *utext = cwt__sdata_str(pv, "unitText");
        const char *name = cwt__sdata_str(pv, "name");
        char tmp[64];
        const char *value = cwt__sd_text(pv, "value", tmp, sizeof tmp);
        if (code) {
            const struct cwt__unit *u = cwt__unit_by_code(code);
            if (u) {
                (*ncoded)++;
                note_unit(par, u, url);
            } else {
                (*nbad)++;
                char msg[200];
                snprintf(msg, sizeof msg, "unitCode '%.40s' of '%.60s' is not a UN/CEFACT common code cwtap knows",
                         code, name ? name : "?");
                cwt__signal_finding(out, "parameters.unknown_unit_code", CWT__SEV_WARN, msg,
                                    "Use the UN/CEFACT Recommendation 20 common code (MMT, KGM, VLT, WTT ...).", url,
                                    code);
            }
        } else if (utext) {
            const struct cwt__unit *u = cwt__unit_find(utext, strlen(utext));
            if (u)
                note_unit(par, u, url);
        } else if (value) {
            struct cwt__qvalue qv;
            if (cwt__qvalue_parse(value, strlen(value), &qv) == CWT_OK)
                note_unit(par, qv.unit, url);
        }
    }
}

enum cwt_status cwt__sig_parameters(const struct cwt__site *site, struct cwt__signal *out)
{
    struct par *par = CWT_NEW(struct par);
    if (!par)
        return CWT_ENOMEM;
    size_t npages = 0, listings = 0, with_specs = 0, structured = 0, coded_pages = 0, image_only = 0, total_values = 0;
    double sum = 0;
    for (size_t i = 0; i < site->npages; i++) {
        const struct cwt__site_page *pg = &site->pages[i];
        const struct cwt__doc *doc = pg->doc;
        if (!doc)
            continue;
        const json_t *prods[16];
        size_t nprod = cwt__page_products(doc, prods, CWT_ARRAY_LEN(prods));
        if (!cwt__role_is_product(pg->role) && nprod == 0)
            continue;
        const char *url = cwt__page_url(pg);
        struct page_scan ps = {.par = par, .url = url, .text = doc->text};
        if (doc->text)
            cwt__qvalue_scan(doc->text, doc->text_len, VALUES_PER_PAGE, on_value, &ps);
        /* a product listing without data is a way to the products, not a product page */
        if (nprod == 0 && ps.nvalues < 3 && pg->role && strcmp(pg->role, "products") == 0) {
            listings++;
            continue;
        }
        npages++;
        size_t nprops = 0, ncoded = 0, nbad = 0;
        for (size_t k = 0; k < nprod; k++)
            product_props(prods[k], out, par, url, &nprops, &ncoded, &nbad);
        total_values += ps.nvalues + nprops;
        bool spec_heading = cwt__has_any(doc->text, &spec_set);
        double score = 0;
        if (ncoded >= 3) {
            score = 1.0;
            coded_pages++;
        } else if (nprops >= 1) {
            score = 0.8;
        } else if (ps.nvalues >= 3) {
            score = spec_heading ? 0.6 : 0.5;
        } else if (ps.nvalues >= 1) {
            score = 0.3;
        }
        if (nprops)
            structured++;
        if (nprops || ps.nvalues >= 3)
            with_specs++;
        for (size_t k = 0; k < ps.nfirst; k++)
            cwt__signal_evidence(out, url, "parameter in text", ps.first[k]);
        if (nprops) {
            char ev[160];
            snprintf(ev, sizeof ev, "%zu schema.org PropertyValue(s), %zu with a UN/CEFACT unitCode", nprops, ncoded);
            cwt__signal_evidence(out, url, "structured parameters", ev);
        }
        if (nprops == 0 && ps.nvalues < 3) {
            /* a specification that is only a picture: an image whose alt/title names it */
            bool pic = false;
            for (size_t m = 0; m < doc->nmedia && !pic; m++)
                pic = doc->media[m].kind && strcmp(doc->media[m].kind, "img") == 0 &&
                      (cwt__has_any(doc->media[m].title, &spec_set) || cwt__has_any(doc->media[m].src, &spec_set));
            if (pic) {
                image_only++;
                score = CWT_MAX(score, 0.15);
                cwt__signal_finding(out, "parameters.image_only", CWT__SEV_WARN,
                                    "the specification is an image: buyers and machines cannot read or compare it",
                                    "Write the specification as a table of text with units, and add schema.org "
                                    "additionalProperty with unitCode.",
                                    url, NULL);
            } else {
                cwt__signal_finding(out, "parameters.none", CWT__SEV_WARN,
                                    "a product page without measurable parameters",
                                    "Add a specification table (value and unit per row) to every product page.", url,
                                    NULL);
            }
        }
        sum += score;
    }

    json_t *d = cwt__signal_detail(out);
    if (npages == 0) {
        cwt__content_no_products(out, site, listings, "product parameters");
        cwt_free(par);
        return CWT_OK;
    }

    /* one unit per quantity across the site */
    size_t quantities = 0, consistent = 0;
    json_t *units = json_object();
    for (int q = 1; q < CWT__Q_COUNT_; q++) {
        size_t distinct = 0;
        char list[200] = "";
        size_t off = 0;
        const char *url = NULL;
        json_t *arr = json_array();
        for (size_t k = 0; k < par->nuses; k++) {
            if ((int)par->uses[k].unit->q != q)
                continue;
            distinct++;
            url = url ? url : par->uses[k].url;
            off += (size_t)snprintf(list + off, off < sizeof list ? sizeof list - off : 0, "%s%s (%s) x%u",
                                    distinct > 1 ? ", " : "", par->uses[k].unit->symbol, par->uses[k].unit->code,
                                    par->uses[k].count);
            if (off >= sizeof list)
                off = sizeof list - 1;
            json_array_append_new(arr, json_string(par->uses[k].unit->code));
        }
        if (distinct == 0) {
            json_decref(arr);
            continue;
        }
        json_object_set_new(units, cwt__quantity_name((enum cwt__quantity)q), arr);
        quantities++;
        if (distinct == 1) {
            consistent++;
        } else {
            char msg[300];
            snprintf(msg, sizeof msg, "%s is written in %zu different units: %s", cwt__quantity_name((enum cwt__quantity)q),
                     distinct, list);
            cwt__signal_finding(out, "parameters.mixed_units", CWT__SEV_WARN, msg,
                                "Write each quantity in one unit on every product page (e.g. all lengths in mm).", url,
                                list);
        }
    }
    double consistency = quantities ? (double)consistent / (double)quantities : 0.0;
    double mean = sum / (double)npages;
    out->measured = true;
    out->value = cwt__clamp01(0.8 * mean + 0.2 * consistency);
    out->confidence = cwt__clamp01(0.4 + 0.2 * (double)CWT_MIN(npages, (size_t)3));
    out->raw = (double)with_specs / (double)npages;
    out->raw_unit = "rate";
    if (d) {
        json_object_set_new(d, "product_pages", json_integer((json_int_t)npages));
        json_object_set_new(d, "pages_with_specs", json_integer((json_int_t)with_specs));
        json_object_set_new(d, "structured_pages", json_integer((json_int_t)structured));
        json_object_set_new(d, "coded_pages", json_integer((json_int_t)coded_pages));
        json_object_set_new(d, "image_only_pages", json_integer((json_int_t)image_only));
        json_object_set_new(d, "values", json_integer((json_int_t)total_values));
        json_object_set_new(d, "consistency", json_real(consistency));
        json_object_set_new(d, "units", units);
    } else {
        json_decref(units);
    }
    cwt__signal_summary(out, "%zu of %zu product pages state parameters with units (%zu as schema.org data); "
                             "%zu of %zu quantities use one unit",
                        with_specs, npages, structured, consistent, quantities);
    if (coded_pages < npages)
        cwt__signal_fix(out, "On every product page, give a specification table with a value and a standard unit per "
                             "row, and publish it as schema.org Product additionalProperty (PropertyValue with "
                             "unitCode such as MMT, KGM, VLT, WTT); use one unit per quantity across products.");
    cwt__content_seen(out, site, npages, "no value with a unit was found on the product pages");
    cwt_free(par);
    return CWT_OK;
}
