/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the "contact" signal: whether the site's contact
 * details can be verified. E-mail addresses on the site's own registrable
 * domain (Public Suffix List) with MX records (c-ares, skipped with lower
 * confidence when look-ups are off), phone numbers valid for their country,
 * postal addresses with a postal code of their country's form, business
 * registration numbers with a right check digit, a map link, and the same
 * contact on every page and in schema.org. See docs/internals/contact.md.
 */
#include <stdio.h>
#include <strings.h>

#include "dns/dns.h"
#include "page/page.h"
#include "page/sdata.h"
#include "signals/contact_extract.h"
#include "signals/content.h"
#include "signals/contact_tables.h"
#include "signals/orgname.h"
#include "util/url.h"
#include "whois/whois_record.h"

#define MX_LOOKUPS_MAX 2
#define MX_TIMEOUT_MS 3000

/* (each holds "map": has_map() searches for that first) */
static const char *const map_hosts[] = {"google.com/maps", "maps.google.", "goo.gl/maps", "maps.app.goo.gl",
                                        "map.baidu.com", "amap.com", "openstreetmap.org", "map.naver.com",
                                        "maps.apple.com", "map.qq.com", "bing.com/maps", NULL};

#define SEEN_MAX 64

/* Whether @p key was seen before; remembers it. A full set counts everything as new. */
static bool seen_before(char seen[][48], size_t *n, const char *key)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp(seen[i], key) == 0)
            return true;
    if (*n < SEEN_MAX)
        snprintf(seen[(*n)++], sizeof seen[0], "%s", key);
    return false;
}

struct page_contacts {
    const char *url;
    struct cwt__contacts c;
};

static bool has_map(const char *s)
{
    if (!s || !strstr(s, "map")) /* every map host holds "map": most URLs need no other search */
        return false;
    for (const char *const *h = map_hosts; *h; h++)
        if (strstr(s, *h))
            return true;
    return false;
}

/* The country assumed for numbers without a calling code: the declared one, else the ccTLD's. */
static void default_country(const struct cwt__site *site, const struct cwt__declared *decl, char cc[3])
{
    cc[0] = '\0';
    if (decl->country[0]) {
        memcpy(cc, decl->country, 3);
        return;
    }
    const char *h = site->reg_domain ? site->reg_domain : site->host;
    const char *dot = h ? strrchr(h, '.') : NULL;
    if (dot && strlen(dot + 1) == 2) {
        cc[0] = (char)(dot[1] - 'a' + 'A');
        cc[1] = (char)(dot[2] - 'a' + 'A');
        cc[2] = '\0';
    }
}

static bool share_phone(const struct cwt__contacts *a, const struct cwt__contacts *b)
{
    for (size_t i = 0; i < a->nphones; i++)
        for (size_t j = 0; j < b->nphones; j++)
            if (a->phones[i].e164[0] && strcmp(a->phones[i].e164, b->phones[j].e164) == 0)
                return true;
    return false;
}

static bool share_email(const struct cwt__contacts *a, const struct cwt__contacts *b)
{
    for (size_t i = 0; i < a->nemails; i++)
        for (size_t j = 0; j < b->nemails; j++)
            if (strcmp(a->emails[i].addr, b->emails[j].addr) == 0)
                return true;
    return false;
}

/* Adds the page's tel:/mailto: links to its extracted contacts. */
static void add_links(const struct cwt__doc *doc, const char *cc, struct cwt__contacts *c)
{
    for (size_t i = 0; i < doc->nxlinks; i++) {
        const char *h = doc->xlinks[i].href;
        if (!h)
            continue;
        if (strncasecmp(h, "tel:", 4) == 0 && c->nphones < CWT__CONTACT_MAX) {
            struct cwt__phone p;
            cwt__phone_check(h + 4, strlen(h + 4), cc, &p);
            bool dup = false;
            for (size_t k = 0; k < c->nphones; k++)
                dup = dup || (p.e164[0] && strcmp(p.e164, c->phones[k].e164) == 0);
            if (!dup && p.raw[0])
                c->phones[c->nphones++] = p;
        } else if (strncasecmp(h, "mailto:", 7) == 0 && c->nemails < CWT__CONTACT_MAX) {
            struct cwt__contacts tmp;
            const char *addr = h + 7;
            size_t n = strcspn(addr, "?");
            cwt__contact_extract(addr, n, cc, &tmp);
            for (size_t k = 0; k < tmp.nemails && c->nemails < CWT__CONTACT_MAX; k++) {
                bool dup = false;
                for (size_t j = 0; j < c->nemails; j++)
                    dup = dup || strcmp(c->emails[j].addr, tmp.emails[k].addr) == 0;
                if (!dup)
                    c->emails[c->nemails++] = tmp.emails[k];
            }
        }
    }
}

/* Snippet of @p text around @p off. */
static void around(const char *text, size_t len, size_t off, char *out, size_t cap)
{
    size_t a = off > 40 ? off - 40 : 0;
    while (a > 0 && ((unsigned char)text[a] & 0xC0) == 0x80)
        a--;
    size_t n = CWT_MIN(len - a, (size_t)120);
    char *s = cwt__snippet(text + a, n, cap - 1);
    snprintf(out, cap, "%s", s ? s : "");
    cwt_free(s);
}

/* Checks the schema.org Organization contacts against the pages' ones. */
static enum cwt_status check_schema(const struct cwt__site *site, const struct page_contacts *pc, size_t npc,
                                    const char *cc, struct cwt__signal *out, size_t *schema_n, size_t *schema_ok,
                                    size_t *schema_postal_ok)
{
    enum cwt_status rc = CWT_OK;
    for (size_t p = 0; p < site->npages && rc == CWT_OK; p++) {
        const struct cwt__doc *doc = site->pages[p].doc;
        if (!doc)
            continue;
        const json_t *orgs[4];
        size_t no = CWT_MIN(cwt__site_sdata_find(site, doc, "Organization", orgs, 4), (size_t)4);
        for (size_t i = 0; i < no && rc == CWT_OK; i++) {
            const json_t *addr = cwt__sdata_get(orgs[i], "address");
            const char *pc_code = json_is_object(addr) ? cwt__sdata_str(addr, "postalCode") : NULL;
            const char *ctry = json_is_object(addr) ? cwt__sdata_str(addr, "addressCountry") : NULL;
            char acc[3] = "";
            if (ctry)
                cwt__country_code(ctry, acc);
            const struct cwt__postal_rule *rule = cwt__postal_rule_cc(acc[0] ? acc : cc);
            if (pc_code && rule && rule->form != CWT__POSTAL_NONE) {
                char snip[200];
                snprintf(snip, sizeof snip, "schema.org postalCode %s (%s)", pc_code, acc[0] ? acc : cc);
                if (cwt__postal_valid(rule, pc_code)) {
                    (*schema_postal_ok)++;
                    rc = cwt__signal_evidence(out, doc->url, "schema.org postal address", snip);
                } else {
                    rc = cwt__signal_finding(out, "contact.postal_code_invalid", CWT__SEV_WARN,
                                             "the schema.org postal code does not have the form of its country",
                                             "give the correct postal code in the schema.org PostalAddress",
                                             doc->url, snip);
                }
                if (rc)
                    break;
            }
            const char *tel = cwt__sdata_str(orgs[i], "telephone");
            if (!tel)
                continue;
            struct cwt__phone ph;
            cwt__phone_check(tel, strlen(tel), cc, &ph);
            (*schema_n)++;
            bool seen = false;
            for (size_t k = 0; k < npc && !seen; k++)
                for (size_t j = 0; j < pc[k].c.nphones && !seen; j++)
                    seen = ph.e164[0] && strcmp(pc[k].c.phones[j].e164, ph.e164) == 0;
            if (seen) {
                (*schema_ok)++;
                rc = cwt__signal_evidence(out, doc->url, "schema.org telephone matches the page", tel);
            } else if (npc) {
                char both[400];
                snprintf(both, sizeof both, "schema.org telephone '%s' vs page phone '%s'", tel,
                         pc[0].c.nphones ? pc[0].c.phones[0].raw : "none");
                rc = cwt__signal_finding(out, "contact.mismatch", CWT__SEV_WARN,
                                         "the phone number in schema.org is not the one on the pages",
                                         "use the same phone number in the page text and in the schema.org markup",
                                         doc->url, both);
            }
        }
    }
    return rc;
}

enum cwt_status cwt__sig_contact(const struct cwt__site *site, struct cwt__signal *out)
{
    enum cwt_status rc = CWT_OK;
    struct cwt__declared *decl = CWT_NEW(struct cwt__declared);
    struct page_contacts *pc = cwt_calloc(site->npages ? site->npages : 1, sizeof *pc);
    char *own = NULL;
    char(*seen)[48] = NULL;
    char cc[3];
    size_t npc = 0, pages = 0, maps = 0;
    if (!decl || !pc) {
        rc = CWT_ENOMEM;
        goto out;
    }
    cwt__declared_collect(site, decl);
    default_country(site, decl, cc);
    const char *canon_url = NULL;
    size_t canon = (size_t)-1;
    for (size_t i = 0; i < site->npages; i++) {
        const struct cwt__doc *doc = site->pages[i].doc;
        if (!doc)
            continue;
        pages++;
        struct page_contacts *p = &pc[npc];
        p->url = doc->url;
        cwt__contact_extract(doc->text, doc->text_len, cc, &p->c);
        add_links(doc, cc, &p->c);
        for (size_t k = 0; k < doc->nlinks; k++)
            if (has_map(doc->links[k].href)) {
                maps++;
                break;
            }
        for (size_t k = 0; k < doc->nmedia; k++)
            if (has_map(doc->media[k].src)) {
                maps++;
                break;
            }
        if (p->c.nemails || p->c.nphones || p->c.npostals || p->c.nregnos) {
            const char *role = site->pages[i].role;
            if (canon == (size_t)-1 || (role && strcmp(role, "contact") == 0)) {
                canon = npc;
                canon_url = doc->url;
            }
            npc++;
        }
    }
    if (!pages) {
        out->measured = false;
        rc = cwt__signal_summary(out, "no page could be read");
        goto out;
    }
    json_t *d = cwt__signal_detail(out);
    if (!d) {
        rc = CWT_ENOMEM;
        goto out;
    }
    own = site->reg_domain ? cwt_strdup(site->reg_domain) : (site->host ? cwt__registrable_domain(site->host) : NULL);
    size_t em_own = 0, em_web = 0, em_other = 0, ph_ok = 0, ph_bad = 0, po_ok = 0, po_bad = 0, po_none = 0;
    size_t rg_ok = 0, rg_bad = 0, mismatch = 0, mx_ok = 0, mx_bad = 0, mx_tried = 0;
    char mx_domains[MX_LOOKUPS_MAX][128];
    size_t nmxd = 0;
    size_t nseen = 0;
    seen = cwt_calloc(SEEN_MAX, sizeof *seen);
    if (!seen) {
        rc = CWT_ENOMEM;
        goto out;
    }
    for (size_t k = 0; k < npc && rc == CWT_OK; k++) {
        const struct cwt__contacts *c = &pc[k].c;
        const char *url = pc[k].url;
        const struct cwt__doc *doc = NULL;
        for (size_t i = 0; i < site->npages; i++)
            if (site->pages[i].doc && site->pages[i].doc->url == url)
                doc = site->pages[i].doc;
        for (size_t i = 0; i < c->nemails && rc == CWT_OK; i++) {
            if (seen_before(seen, &nseen, c->emails[i].addr))
                continue;
            const char *dom = strchr(c->emails[i].addr, '@') + 1;
            char *rd = cwt__registrable_domain(dom);
            bool mine = own && rd && strcasecmp(rd, own) == 0;
            cwt_free(rd);
            if (mine) {
                em_own++;
                bool dup = false;
                for (size_t j = 0; j < nmxd; j++)
                    dup = dup || strcmp(mx_domains[j], dom) == 0;
                if (!dup && nmxd < MX_LOOKUPS_MAX)
                    snprintf(mx_domains[nmxd++], sizeof mx_domains[0], "%s", dom);
            } else if (cwt__webmail_domain(dom)) {
                em_web++;
            } else {
                em_other++;
            }
            rc = cwt__signal_evidence(out, url, mine ? "e-mail on the site's domain" : "e-mail", c->emails[i].addr);
        }
        for (size_t i = 0; i < c->nphones && rc == CWT_OK; i++) {
            const struct cwt__phone *ph = &c->phones[i];
            if (seen_before(seen, &nseen, ph->e164[0] ? ph->e164 : ph->raw))
                continue;
            if (ph->valid) {
                ph_ok++;
                rc = cwt__signal_evidence(out, url, "phone", ph->raw);
            } else {
                ph_bad++;
                char msg[200];
                snprintf(msg, sizeof msg, "the phone number is not a valid number%s%s", ph->cc[0] ? " for " : "",
                         ph->cc[0] ? ph->cc : " (unknown country)");
                rc = cwt__signal_finding(out, "contact.phone_invalid", CWT__SEV_WARN, msg,
                                         "write the phone number in international form (+country code, number)",
                                         url, ph->raw);
            }
        }
        for (size_t i = 0; i < c->npostals && rc == CWT_OK; i++) {
            const struct cwt__postal *po = &c->postals[i];
            char key[48];
            snprintf(key, sizeof key, "postal:%.2s:%.36s", po->cc, po->code[0] ? po->code : po->line);
            if (seen_before(seen, &nseen, key))
                continue;
            if (po->valid || po->no_codes) {
                po_ok++;
                if (k == canon)
                    rc = cwt__signal_evidence(out, url, "postal address", po->line);
            } else if (po->code[0]) {
                po_bad++;
                rc = cwt__signal_finding(out, "contact.postal_code_invalid", CWT__SEV_WARN,
                                         "the postal code does not have the form of the address's country",
                                         "give the full postal address with the correct postal code", url, po->line);
            } else {
                po_none++;
                rc = cwt__signal_finding(out, "contact.postal_code_missing", CWT__SEV_WARN,
                                         "the postal address has no postal code",
                                         "add the postal code to the address", url, po->line);
            }
        }
        for (size_t i = 0; i < c->nregnos && rc == CWT_OK; i++) {
            const struct cwt__regno *r = &c->regnos[i];
            char key[48];
            snprintf(key, sizeof key, "reg:%s", r->value);
            if (seen_before(seen, &nseen, key))
                continue;
            char what[64];
            snprintf(what, sizeof what, "registration number (%s)", cwt__regno_name(r->kind));
            if (r->valid) {
                rg_ok++;
                rc = cwt__signal_evidence(out, url, what, r->raw);
            } else {
                rg_bad++;
                rc = cwt__signal_finding(out, "contact.regno_invalid", CWT__SEV_FAIL,
                                         r->has_check ? "the business registration number has a wrong check digit"
                                                      : "the business registration number has the wrong form",
                                         "copy the registration number exactly from the business licence", url,
                                         r->raw);
            }
        }
        /* the same contact on every page: a page whose phones and e-mails share none with the contact page */
        if (rc == CWT_OK && canon != (size_t)-1 && k != canon && (c->nphones || c->nemails)) {
            const struct cwt__contacts *cc0 = &pc[canon].c;
            bool comparable = (c->nphones && cc0->nphones) || (c->nemails && cc0->nemails);
            if (comparable && !share_phone(c, cc0) && !share_email(c, cc0)) {
                mismatch++;
                char a[160], b[160], both[400];
                if (c->nphones)
                    around(doc ? doc->text : "", doc ? doc->text_len : 0, c->phones[0].off, a, sizeof a);
                else
                    snprintf(a, sizeof a, "%s", c->emails[0].addr);
                snprintf(b, sizeof b, "%s", cc0->nphones ? cc0->phones[0].raw : cc0->emails[0].addr);
                snprintf(both, sizeof both, "this page: '%s' | %s: '%s'", a, canon_url ? canon_url : "contact page", b);
                rc = cwt__signal_finding(out, "contact.mismatch", CWT__SEV_WARN,
                                         "the contact details differ between pages",
                                         "publish one phone number and e-mail address and use them on every page",
                                         url, both);
            }
        }
    }
    if (rc)
        goto out;
    size_t schema_n = 0, schema_ok = 0, schema_postal = 0;
    if ((rc = check_schema(site, pc, npc, cc, out, &schema_n, &schema_ok, &schema_postal)))
        goto out;
    po_ok += schema_postal && !po_ok ? 1 : 0; /* a well-formed schema.org address counts when the text has none */
    /* MX of the site's own e-mail domains */
    bool mx_skipped = site->offline || nmxd == 0;
    for (size_t i = 0; i < nmxd && !site->offline; i++) {
        struct cwt__dns_result r;
        struct cwt_err err;
        rc = cwt__dns_mx(site->ctx, site->dns_server, mx_domains[i], MX_TIMEOUT_MS, &r, &err);
        if (rc == CWT_ENOMEM)
            goto out;
        rc = CWT_OK;
        mx_tried++;
        if (r.rc == CWT_OK) {
            mx_ok++;
            char s[300];
            snprintf(s, sizeof s, "%s MX %u %s", mx_domains[i], r.mx[0].priority, r.mx[0].host);
            rc = cwt__signal_evidence(out, NULL, "mail exchanger", s);
        } else if (r.rc == CWT_ENOTFOUND) {
            mx_bad++;
            rc = cwt__signal_finding(out, "contact.email_no_mx", CWT__SEV_FAIL,
                                     "the e-mail domain has no mail server (no MX record): mail to it bounces",
                                     "publish MX records for the e-mail domain or use an address that works", NULL,
                                     r.error ? r.error : mx_domains[i]);
        } else {
            mx_skipped = true; /* a timeout says nothing about the domain */
        }
        cwt__dns_result_release(&r);
        if (rc)
            goto out;
    }
    if (!npc) {
        rc = cwt__signal_finding(out, "contact.none", CWT__SEV_FAIL, "no e-mail, phone or address found on the site",
                                 "publish a contact page with the company's address, phone and e-mail", site->url,
                                 NULL);
        if (rc)
            goto out;
    }
    if (em_own + em_web + em_other > 0 && em_own == 0 &&
        (rc = cwt__signal_finding(out, "contact.email_not_own_domain", CWT__SEV_WARN,
                                  "no e-mail address on the site's own domain",
                                  "use an e-mail address on the company's own domain", canon_url, NULL)))
        goto out;
    /* components */
    double email = em_own ? 1.0 : em_web ? 0.5 : em_other ? 0.3 : 0;
    double phone = ph_ok ? (ph_bad ? 0.7 : 1.0) : ph_bad ? 0.2 : 0;
    double addr = po_ok ? (po_bad ? 0.7 : 1.0) : po_bad ? 0.3 : po_none ? 0.4 : 0;
    double consist = npc <= 1 ? (npc ? 0.8 : 0) : mismatch ? CWT_MAX(0.0, 1.0 - (double)mismatch / (double)npc) : 1.0;
    if (schema_n)
        consist = 0.7 * consist + 0.3 * ((double)schema_ok / (double)schema_n);
    double reg = rg_bad ? 0 : rg_ok ? 1.0 : 0.5;
    double map = maps ? 1.0 : 0;
    double mx = mx_tried && !mx_skipped ? (double)mx_ok / (double)mx_tried : mx_bad ? 0 : 0.5;
    out->measured = true;
    out->value = 0.2 * email + 0.2 * phone + 0.2 * addr + 0.15 * consist + 0.1 * reg + 0.05 * map + 0.1 * mx;
    out->raw = out->value;
    out->raw_unit = "rate";
    out->confidence = (pages >= 2 ? 0.9 : 0.7) - (mx_skipped && em_own ? 0.15 : 0);
    json_object_set_new(d, "pages_with_contacts", json_integer((json_int_t)npc));
    json_object_set_new(d, "emails_own_domain", json_integer((json_int_t)em_own));
    json_object_set_new(d, "emails_webmail", json_integer((json_int_t)em_web));
    json_object_set_new(d, "emails_other", json_integer((json_int_t)em_other));
    json_object_set_new(d, "phones_valid", json_integer((json_int_t)ph_ok));
    json_object_set_new(d, "phones_invalid", json_integer((json_int_t)ph_bad));
    json_object_set_new(d, "postal_valid", json_integer((json_int_t)po_ok));
    json_object_set_new(d, "postal_invalid", json_integer((json_int_t)po_bad));
    json_object_set_new(d, "registration_valid", json_integer((json_int_t)rg_ok));
    json_object_set_new(d, "registration_invalid", json_integer((json_int_t)rg_bad));
    json_object_set_new(d, "mismatches", json_integer((json_int_t)mismatch));
    json_object_set_new(d, "map_links", json_integer((json_int_t)maps));
    json_object_set_new(d, "mx", json_string(mx_skipped ? (site->offline ? "skipped (offline)" : "not checked")
                                             : mx_bad   ? "missing"
                                                        : "found"));
    json_object_set_new(d, "default_country", cc[0] ? json_string(cc) : json_null());
    rc = cwt__signal_summary(out, "%zu of %zu pages show contacts: %zu own-domain e-mail, %zu valid phone, %zu "
                                  "valid address, %zu registration number(s)",
                             npc, pages, em_own, ph_ok, po_ok, rg_ok);
    for (size_t i = 0; rc == CWT_OK && i < out->nfindings; i++)
        if (out->findings[i].fix) {
            rc = cwt__signal_fix(out, "%s", out->findings[i].fix);
            break;
        }
out:
    cwt_free(seen);
    cwt_free(own);
    cwt_free(pc);
    cwt_free(decl);
    return rc;
}
