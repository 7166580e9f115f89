/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the "whois" signal: consistency of the domain's
 * registration data (RDAP or WHOIS, looked up by the audit into site->whois)
 * with the company the site declares, the domain's age (raw, in days, for the
 * model's response curve) and the time left to expiry. Redacted registrant
 * data is neutral: it neither scores nor penalises. No registration data
 * leaves the signal unmeasured. See docs/internals/whois.md.
 */
#include <math.h>
#include <stdio.h>

#include "signals/orgname.h"
#include "util/timeutil.h"
#include "whois/whois_record.h"

#define YOUNG_DAYS 90
#define MATURE_DAYS (3 * 365)
#define SOON_DAYS 30
#define AGREE 0.8

static const char *source_name(const struct cwt__whois *w)
{
    return w->source == CWT__WHOIS_RDAP ? "RDAP" : "WHOIS";
}

/* The best agreement of @p org with the site's declared names; *best_name is the one matched. */
static double best_match(const struct cwt__declared *d, const char *org, const struct cwt__declared_name **best)
{
    double m = -2;
    *best = NULL;
    for (size_t k = 0; k < 2; k++) {
        const struct cwt__declared_name *arr = k == 0 ? d->schema : d->text;
        size_t n = k == 0 ? d->nschema : d->ntext;
        for (size_t i = 0; i < n; i++) {
            double s = cwt__orgname_match(org, arr[i].name);
            if (s > m) {
                m = s;
                *best = &arr[i];
            }
        }
    }
    return m;
}

enum cwt_status cwt__sig_whois(const struct cwt__site *site, struct cwt__signal *out)
{
    const struct cwt__whois *w = site->whois;
    enum cwt_status rc = CWT_OK;
    struct cwt__declared *decl = NULL;
    if (!w || w->source == CWT__WHOIS_NONE) {
        out->measured = false;
        out->confidence = 0;
        const char *why = !w ? (site->offline ? "registry look-ups are off" : "the domain was not looked up")
                             : (w->reason ? w->reason : "no registration data");
        if ((rc = cwt__signal_summary(out, "no registration data for %s: %s",
                                      site->reg_domain ? site->reg_domain : "the domain", why)))
            return rc;
        return cwt__signal_evidence(out, w ? w->server : NULL, "registration look-up", why);
    }
    json_t *d = cwt__signal_detail(out);
    json_t *rec = cwt__whois_to_json(w);
    if (!d || !rec || json_object_set_new(d, "record", rec))
        return CWT_ENOMEM;
    char snip[512], cre[11] = "?", exp[11] = "?";
    if (w->created)
        cwt_time_format_date(w->created, cre);
    if (w->expires)
        cwt_time_format_date(w->expires, exp);
    snprintf(snip, sizeof snip, "%s: registrar %s; created %s; expires %s; registrant %s%s%s", source_name(w),
             w->registrar ? w->registrar : "?", cre, exp,
             w->registrant_org ? w->registrant_org : (w->redacted ? "redacted" : "not given"),
             w->registrant_cc[0] ? ", " : "", w->registrant_cc);
    if ((rc = cwt__signal_evidence(out, w->server, "registration record", snip)))
        return rc;
    if (w->not_found) {
        out->measured = true;
        out->value = 0;
        out->confidence = 0.8;
        if ((rc = cwt__signal_finding(out, "whois.not_registered", CWT__SEV_FAIL,
                                      "the registry says the domain is not registered",
                                      "register the domain in the company's name", w->server, snip)) ||
            (rc = cwt__signal_summary(out, "%s says %s is not registered", source_name(w), w->domain)))
            return rc;
        return cwt__signal_fix(out, "register the domain in the company's name");
    }
    double sum = 0, wsum = 0;
    /* age */
    if (w->created && w->created <= site->at) {
        double age = (double)(site->at - w->created) / 86400.0;
        out->raw = floor(age);
        out->raw_unit = "days";
        double s = CWT_MIN(1.0, age / MATURE_DAYS);
        sum += 0.35 * s;
        wsum += 0.35;
        json_object_set_new(d, "age_days", json_integer((json_int_t)age));
        if (age < YOUNG_DAYS &&
            (rc = cwt__signal_finding(out, "whois.young_domain", CWT__SEV_WARN,
                                      "the domain was registered less than 90 days ago",
                                      "keep using one established domain; new domains earn trust over time",
                                      w->server, cre)))
            return rc;
    }
    /* expiry */
    if (w->expires) {
        double left = (double)(w->expires - site->at) / 86400.0;
        json_object_set_new(d, "days_to_expiry", json_integer((json_int_t)floor(left)));
        double s = left < 0 ? 0 : left < SOON_DAYS ? 0.3 : CWT_MIN(1.0, 0.5 + 0.5 * left / 365.0);
        sum += 0.25 * s;
        wsum += 0.25;
        if (left < 0)
            rc = cwt__signal_finding(out, "whois.expired", CWT__SEV_FAIL, "the domain registration has expired",
                                     "renew the domain registration now", w->server, exp);
        else if (left < SOON_DAYS)
            rc = cwt__signal_finding(out, "whois.expires_soon", CWT__SEV_WARN,
                                     "the domain registration expires within 30 days",
                                     "renew the domain for several years and turn on auto-renewal", w->server, exp);
        if (rc)
            return rc;
    }
    /* registrant vs the declared company */
    decl = CWT_NEW(struct cwt__declared);
    if (!decl)
        return CWT_ENOMEM;
    cwt__declared_collect(site, decl);
    if (w->registrant_org) {
        const struct cwt__declared_name *best = NULL;
        double m = best_match(decl, w->registrant_org, &best);
        json_object_set_new(d, "registrant_match", m >= -1 ? json_real(m) : json_null());
        if (m >= AGREE) {
            sum += 0.3;
            wsum += 0.3;
            rc = cwt__signal_evidence(out, best->url, "declared company matches registrant", best->name);
        } else if (m >= 0 && best) {
            sum += 0.3 * m;
            wsum += 0.3;
            char both[600];
            snprintf(both, sizeof both, "registrant '%s' vs site '%s'", w->registrant_org, best->name);
            rc = cwt__signal_finding(out, "whois.registrant_mismatch", CWT__SEV_WARN,
                                     "the domain's registrant is not the company the site declares",
                                     "register the domain in the legal name the site shows, or show that name",
                                     best->url, both);
        } else if (m == -1) {
            rc = cwt__signal_evidence(out, best ? best->url : NULL, "registrant in another script (not compared)",
                                      w->registrant_org);
        }
        if (rc)
            goto out;
    } else if (w->redacted) {
        rc = cwt__signal_finding(out, "whois.redacted", CWT__SEV_INFO,
                                 "the registrant is redacted for privacy (neutral: not a penalty)", NULL, w->server,
                                 "registrant data redacted");
        if (rc)
            goto out;
    }
    if (w->registrant_cc[0] && decl->country[0]) {
        bool same = strcmp(w->registrant_cc, decl->country) == 0;
        sum += same ? 0.1 : 0;
        wsum += 0.1;
        if (!same) {
            char both[128];
            snprintf(both, sizeof both, "registrant country %s vs declared %s", w->registrant_cc, decl->country);
            rc = cwt__signal_finding(out, "whois.country_mismatch", CWT__SEV_WARN,
                                     "the registrant's country differs from the country the site declares",
                                     "make the registrant's address the company's declared address",
                                     decl->country_url, both);
            if (rc)
                goto out;
        }
    }
    out->measured = wsum > 0;
    out->value = wsum > 0 ? sum / wsum : 0;
    out->confidence = CWT_MIN(1.0, 0.4 + (w->created ? 0.2 : 0) + (w->expires ? 0.1 : 0) +
                                       (w->registrant_org ? 0.2 : 0) + (w->source == CWT__WHOIS_RDAP ? 0.1 : 0));
    if (!out->measured)
        out->confidence = 0.1;
    rc = cwt__signal_summary(out, "%s record from %s: created %s, expires %s%s", source_name(w),
                             w->server ? w->server : "?", cre, exp,
                             w->redacted ? ", registrant redacted (neutral)" : "");
    for (size_t i = 0; rc == CWT_OK && i < out->nfindings; i++)
        if (out->findings[i].fix) { /* the first finding that asks for something (redaction does not) */
            rc = cwt__signal_fix(out, "%s", out->findings[i].fix);
            break;
        }
out:
    cwt_free(decl);
    return rc;
}
