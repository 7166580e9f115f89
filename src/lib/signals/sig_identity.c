/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the "identity" signal: whether one company identity
 * is agreed across the site's own text (imprint, about, contact), its
 * schema.org Organization, the domain's registrant (RDAP/WHOIS) and the
 * certificate's subject O=, after legal forms and scripts are normalised.
 * The agreement matrix of every pair of sources is the evidence (detail
 * JSON); names in different scripts are "not comparable", never a mismatch. A
 * registrant country that contradicts the declared address is a finding. It
 * runs after tls, whois and contact and reads their results.
 */
#include <stdio.h>

#include "signals/orgname.h"
#include "tls/tls.h"
#include "whois/whois_record.h"

#define AGREE 0.8
#define PARTIAL 0.5
#define SOURCES_MAX 8

struct source {
    const char *kind; /* "site text", "schema.org", "registrant", "certificate" */
    const char *name;
    const char *url;
};

static const char *verdict(double m)
{
    return m < -0.5 ? "not comparable" : m >= AGREE ? "agree" : m >= PARTIAL ? "partial" : "disagree";
}

enum cwt_status cwt__sig_identity(const struct cwt__site *site, struct cwt__signal *out)
{
    enum cwt_status rc = CWT_OK;
    struct cwt__declared *decl = CWT_NEW(struct cwt__declared);
    struct source src[SOURCES_MAX];
    size_t ns = 0;
    json_t *jsrc = NULL, *matrix = NULL;
    if (!decl)
        return CWT_ENOMEM;
    cwt__declared_collect(site, decl);
    /* the site's own names: schema.org first (legalName before name), then text */
    for (size_t i = 0; i < decl->nschema && ns < 3; i++)
        src[ns++] = (struct source){"schema.org", decl->schema[i].name, decl->schema[i].url};
    for (size_t i = 0; i < decl->ntext && ns < 5; i++)
        src[ns++] = (struct source){"site text", decl->text[i].name, decl->text[i].url};
    size_t nsite = ns;
    const struct cwt__whois *w = site->whois;
    if (w && w->source != CWT__WHOIS_NONE && w->registrant_org)
        src[ns++] = (struct source){"registrant", w->registrant_org, w->server};
    const char *o = site->tls ? cwt__tls_subject_org(site->tls) : NULL;
    if (o && *o && ns < SOURCES_MAX)
        src[ns++] = (struct source){"certificate", o, site->url};

    json_t *d = cwt__signal_detail(out);
    jsrc = json_array();
    matrix = json_array();
    if (!d || !jsrc || !matrix) {
        rc = CWT_ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < ns; i++) {
        char norm[CWT__ORGNAME_MAX];
        cwt__orgname_norm(src[i].name, norm, sizeof norm);
        json_array_append_new(jsrc, json_pack("{s:s, s:s, s:s, s:s?}", "source", src[i].kind, "name", src[i].name,
                                              "normalised", norm, "url", src[i].url));
    }
    /* pairwise matrix; agreement counted between the site's names and each outside source, and
     * between schema.org and the text when both exist */
    size_t agree = 0, partial = 0, disagree = 0, comparable = 0;
    for (size_t i = 0; i < ns; i++)
        for (size_t j = i + 1; j < ns; j++) {
            double m = cwt__orgname_match(src[i].name, src[j].name);
            json_array_append_new(matrix, json_pack("{s:i, s:i, s:s, s:f}", "a", (int)i, "b", (int)j, "verdict",
                                                    verdict(m), "score", m < 0 ? -1.0 : m));
        }
    for (size_t j = 0; j < ns; j++) {
        bool outside = j >= nsite;
        bool schema_vs_text = j < nsite && strcmp(src[j].kind, "site text") == 0 && decl->nschema > 0;
        if (!outside && !schema_vs_text)
            continue;
        double best = -2;
        size_t bi = 0;
        size_t lim = outside ? nsite : decl->nschema < 3 ? decl->nschema : 3;
        for (size_t i = 0; i < lim; i++) {
            double m = cwt__orgname_match(src[i].name, src[j].name);
            if (m > best) {
                best = m;
                bi = i;
            }
        }
        if (best < -0.5) {
            if (lim && (rc = cwt__signal_evidence(out, src[j].url, "name in another script (not compared)",
                                                  src[j].name)))
                goto out;
            continue;
        }
        comparable++;
        char both[500];
        snprintf(both, sizeof both, "%s '%s' vs %s '%s'", src[j].kind, src[j].name, src[bi].kind, src[bi].name);
        if (best >= AGREE) {
            agree++;
            rc = cwt__signal_evidence(out, src[j].url, "identity agrees", both);
        } else if (best >= PARTIAL) {
            partial++;
            rc = cwt__signal_evidence(out, src[j].url, "identity partly agrees", both);
        } else {
            disagree++;
            char msg[160];
            snprintf(msg, sizeof msg, "the %s names another company than the site", src[j].kind);
            rc = cwt__signal_finding(out, "identity.mismatch", CWT__SEV_WARN, msg,
                                     "use one legal company name on the site, in schema.org, in the domain "
                                     "registration and in the certificate",
                                     src[j].url, both);
        }
        if (rc)
            goto out;
    }
    /* registrant country against the declared address */
    if (w && w->registrant_cc[0] && decl->country[0] && strcmp(w->registrant_cc, decl->country) != 0) {
        char both[160];
        snprintf(both, sizeof both, "registrant country %s vs declared address country %s (%s)", w->registrant_cc,
                 decl->country, decl->country_how ? decl->country_how : "site");
        if ((rc = cwt__signal_finding(out, "identity.country_mismatch", CWT__SEV_WARN,
                                      "the domain's registrant country contradicts the address the site declares",
                                      "register the domain with the company's declared address", decl->country_url,
                                      both)))
            goto out;
        disagree++;
        comparable++;
    }
    /* what earlier signals add: a registration number with a right check digit supports the identity */
    const struct cwt__signal *contact = cwt__site_signal(site, "contact");
    json_int_t regs = 0;
    if (contact && contact->detail)
        regs = json_integer_value(json_object_get(contact->detail, "registration_valid"));
    const struct cwt__signal *ws = cwt__site_signal(site, "whois");
    if (json_object_set_new(d, "sources", jsrc) || json_object_set_new(d, "matrix", matrix)) {
        jsrc = matrix = NULL;
        rc = CWT_ENOMEM;
        goto out;
    }
    jsrc = matrix = NULL;
    json_object_set_new(d, "declared_country", decl->country[0] ? json_string(decl->country) : json_null());
    json_object_set_new(d, "registrant_country",
                        w && w->registrant_cc[0] ? json_string(w->registrant_cc) : json_null());
    json_object_set_new(d, "registration_numbers_valid", json_integer(regs));
    json_object_set_new(d, "whois_measured", json_boolean(ws && ws->measured));
    if (nsite == 0) {
        out->measured = site->npages > 0;
        out->value = 0;
        out->confidence = out->measured ? 0.5 : 0;
        if (out->measured &&
            (rc = cwt__signal_finding(out, "identity.no_company_name", CWT__SEV_FAIL,
                                      "the site does not name its company (no legal name in text or schema.org)",
                                      "state the company's legal name on the about or contact page and in a "
                                      "schema.org Organization (legalName)",
                                      site->url, NULL)))
            goto out;
        rc = cwt__signal_summary(out, "the site names no company");
        if (!rc && out->measured)
            rc = cwt__signal_fix(out, "state the company's legal name on the site and in schema.org");
        goto out;
    }
    out->measured = true;
    if (comparable) {
        out->value = ((double)agree + 0.5 * (double)partial) / (double)comparable;
        out->confidence = CWT_MIN(1.0, 0.5 + 0.15 * (double)comparable + (regs ? 0.1 : 0));
    } else { /* only the site's own word: nothing to agree with */
        out->value = regs ? 0.7 : 0.5;
        out->confidence = 0.3;
    }
    rc = cwt__signal_summary(out, "company '%s': %zu of %zu comparisons agree%s", src[0].name, agree, comparable,
                             disagree ? ", some sources name another company" : "");
    if (!rc && disagree)
        rc = cwt__signal_fix(out, "use one legal company name everywhere: site, schema.org legalName, domain "
                                  "registration and certificate");
out:
    json_decref(jsrc);
    json_decref(matrix);
    cwt_free(decl);
    return rc;
}
