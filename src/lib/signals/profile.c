/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the checker of the publishing profile
 * (docs/metadata-profile.md). Each profile type has one check function that
 * names, for every item, the required fields that are missing (errors), the
 * recommended ones that are missing (warnings) and the values that are
 * malformed: dates that are not ISO 8601, unit codes that are not UN/CEFACT
 * common codes, GTINs with a wrong check digit, LEIs with a wrong checksum,
 * expired certificates, stale production feeds, verification links off the
 * lab's own domain. The same readers as the signals are used (page/sdata.h,
 * units.c, content.c), so what passes here is what the signals understand.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include "page/page.h"
#include "page/sdata.h"
#include "signals/contact_extract.h"
#include "signals/content.h"
#include "signals/profile.h"
#include "signals/units.h"
#include "util/buf.h"
#include "util/timeutil.h"

#define FEED_FRESH_DAYS 7

void cwt__pv_report_init(struct cwt__pv_report *r)
{
    memset(r, 0, sizeof *r);
}

void cwt__pv_report_release(struct cwt__pv_report *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nissues; i++) {
        cwt_free(r->issues[i].path);
        cwt_free(r->issues[i].code);
        cwt_free(r->issues[i].message);
    }
    cwt_free(r->issues);
    json_decref(r->types);
    memset(r, 0, sizeof *r);
}

const char *cwt__pv_sev_name(enum cwt__pv_sev s)
{
    return s == CWT__PV_ERROR ? "error" : s == CWT__PV_WARN ? "warning" : "ok";
}

struct chk {
    const json_t *graph; /* for @id references */
    struct cwt__pv_report *r;
    char where[160]; /* "Certification 'ISO 9001'" */
    int64_t at;
    enum cwt_status rc;
};

static void issue(struct chk *c, enum cwt__pv_sev sev, const char *field, const char *code, const char *fmt, ...)
    CWT_PRINTF(5, 6);

static void issue(struct chk *c, enum cwt__pv_sev sev, const char *field, const char *code, const char *fmt, ...)
{
    struct cwt__pv_report *r = c->r;
    if (sev == CWT__PV_ERROR)
        r->errors++;
    else
        r->warnings++;
    if (r->nissues >= CWT__PV_ISSUES_MAX || c->rc)
        return;
    if (CWT_GROW(r->issues, r->nissues, &r->capissues, CWT__PV_ISSUES_MAX)) {
        c->rc = CWT_ENOMEM;
        return;
    }
    char path[256], msg[400];
    snprintf(path, sizeof path, "%s%s%s", c->where, field ? "." : "", field ? field : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    struct cwt__pv_issue *is = &r->issues[r->nissues];
    is->sev = sev;
    is->path = cwt_strdup(path);
    is->code = cwt_strdup(code);
    is->message = cwt_strdup(msg);
    if (!is->path || !is->code || !is->message) {
        cwt_free(is->path);
        cwt_free(is->code);
        cwt_free(is->message);
        c->rc = CWT_ENOMEM;
        return;
    }
    r->nissues++;
}

static bool is_url(const char *s)
{
    return s && (strncmp(s, "https://", 8) == 0 || strncmp(s, "http://", 7) == 0) && strlen(s) > 10;
}

/* A text field: missing is an error (required) or a warning (recommended). Returns its value. */
static const char *need_text(struct chk *c, const json_t *it, const char *field, bool required, const char *what)
{
    char tmp[64];
    const char *v = cwt__sd_text(it, field, tmp, sizeof tmp);
    if (!v || !v[0]) {
        issue(c, required ? CWT__PV_ERROR : CWT__PV_WARN, field, "missing", "%s %s: %s",
              required ? "required" : "recommended", "field missing", what);
        return NULL;
    }
    return cwt__sdata_str(it, field) ? cwt__sdata_str(it, field) : "";
}

static bool need_url(struct chk *c, const json_t *it, const char *field, bool required, const char *what,
                     char *host, size_t hostsz)
{
    const json_t *v = cwt__sdata_get(it, field);
    if (!v) {
        issue(c, required ? CWT__PV_ERROR : CWT__PV_WARN, field, "missing", "%s field missing: %s",
              required ? "required" : "recommended", what);
        return false;
    }
    const char *s = json_is_string(v) ? json_string_value(v) : cwt__sdata_str(it, field);
    if (!is_url(s) || !cwt__url_host(s, host, hostsz)) {
        issue(c, CWT__PV_ERROR, field, "malformed", "'%.80s' is not an absolute http(s) URL", s ? s : "(not text)");
        return false;
    }
    return true;
}

/* A date field: ISO 8601 required when present. */
static bool need_date(struct chk *c, const json_t *it, const char *field, bool required, const char *what,
                      int64_t *out)
{
    const json_t *v = cwt__sdata_get(it, field);
    if (!v) {
        issue(c, required ? CWT__PV_ERROR : CWT__PV_WARN, field, "missing", "%s field missing: %s (ISO 8601)",
              required ? "required" : "recommended", what);
        return false;
    }
    const char *s = json_is_string(v) ? json_string_value(v) : NULL;
    if (!s || cwt_time_parse_iso(s, out) != CWT_OK) {
        issue(c, CWT__PV_ERROR, field, "malformed", "'%.40s' is not an ISO 8601 date (YYYY-MM-DD or date-time)",
              s ? s : "(not text)");
        return false;
    }
    return true;
}

/* Follows a node reference {"@id": X} to the item of the graph with that @id (one level). */
static const json_t *deref(const struct chk *c, const json_t *v)
{
    if (!json_is_object(v))
        return v;
    const char *id = json_string_value(json_object_get(v, "@id"));
    if (!id)
        return v;
    const char *k;
    const json_t *e;
    json_object_foreach((json_t *)v, k, e)
        if (k[0] != '@')
            return v; /* described here, not only referenced */
    size_t i;
    const json_t *it;
    json_array_foreach(c->graph, i, it) {
        const char *iid = json_string_value(json_object_get(it, "@id"));
        if (it != v && iid && strcmp(iid, id) == 0)
            return it;
    }
    return v;
}

static void where(struct chk *c, const char *type, const json_t *it)
{
    const char *name = cwt__sdata_str(it, "name");
    if (!name)
        name = cwt__sdata_str(it, "@id");
    if (name)
        snprintf(c->where, sizeof c->where, "%s '%.60s'", type, name);
    else
        snprintf(c->where, sizeof c->where, "%s #%zu", type, c->r->items);
}

/* ---- Organization ---- */

/* ISO 17442 LEI: 20 characters, ISO 7064 mod 97-10 over letters as numbers == 1. */
static bool lei_valid(const char *s)
{
    if (strlen(s) != 20)
        return false;
    unsigned rem = 0;
    for (size_t i = 0; i < 20; i++) {
        char ch = s[i];
        if (ch >= '0' && ch <= '9')
            rem = (rem * 10 + (unsigned)(ch - '0')) % 97;
        else if (ch >= 'A' && ch <= 'Z')
            rem = (rem * 100 + (unsigned)(ch - 'A' + 10)) % 97;
        else
            return false;
    }
    return rem == 1;
}

/* Registration-number schemes by identifier propertyID and by country (for taxID). */
static const struct {
    const char *property_id;
    const char *cc;
    enum cwt__regno_kind kind;
} regno_schemes[] = {
    {"CN-USCC", "CN", CWT__REG_CN_USCC}, {"SG-UEN", "SG", CWT__REG_SG_UEN},  {"TH-TIN", "TH", CWT__REG_TH_TIN},
    {"VN-MST", "VN", CWT__REG_VN_MST},   {"MY-SSM", "MY", CWT__REG_MY_SSM},  {"ID-NPWP", "ID", CWT__REG_ID_NPWP},
};

/* Registration numbers are checked with the contact signal's validators (contact_extract.h): an
 * identifier PropertyValue by its propertyID, a taxID by the address country. */
static void check_regnos(struct chk *c, const json_t *it)
{
    const json_t *ids[8];
    size_t n = CWT_MIN(cwt__sdata_values(it, "identifier", ids, 8), (size_t)8);
    for (size_t i = 0; i < n; i++) {
        const char *pid = json_is_object(ids[i]) ? cwt__sdata_str(ids[i], "propertyID") : NULL;
        char tmp[64];
        const char *v = json_is_object(ids[i]) ? cwt__sd_text(ids[i], "value", tmp, sizeof tmp) : NULL;
        for (size_t k = 0; pid && v && k < CWT_ARRAY_LEN(regno_schemes); k++)
            if (strcasecmp(pid, regno_schemes[k].property_id) == 0 && !cwt__regno_check(regno_schemes[k].kind, v))
                issue(c, CWT__PV_ERROR, "identifier", "check_digit", "'%.40s' is not a valid %s number", v,
                      regno_schemes[k].property_id);
    }
    const char *tax = cwt__sdata_str(it, "taxID");
    const json_t *addr = deref(c, cwt__sdata_get(it, "address"));
    const char *cc = json_is_object(addr) ? cwt__sdata_str(addr, "addressCountry") : NULL;
    for (size_t k = 0; tax && cc && k < CWT_ARRAY_LEN(regno_schemes); k++)
        if (strcasecmp(cc, regno_schemes[k].cc) == 0 && !cwt__regno_check(regno_schemes[k].kind, tax))
            issue(c, CWT__PV_ERROR, "taxID", "check_digit", "'%.40s' is not a valid %s number (address country %s)",
                  tax, regno_schemes[k].property_id, cc);
}

static void check_org(struct chk *c, const json_t *it)
{
    char host[256];
    need_text(c, it, "name", true, "the registered company name");
    need_url(c, it, "url", true, "the official website", host, sizeof host);
    static const char *const ids[] = {"taxID", "vatID", "leiCode", "duns", "iso6523Code", "identifier"};
    bool any = false;
    for (size_t i = 0; i < CWT_ARRAY_LEN(ids); i++)
        any = any || cwt__sdata_get(it, ids[i]);
    if (!any)
        issue(c, CWT__PV_ERROR, "taxID", "missing",
              "required: one registration number (taxID, vatID, leiCode, duns, iso6523Code or identifier "
              "PropertyValue with propertyID), e.g. the China USCC or the Singapore UEN");
    check_regnos(c, it);
    const char *lei = cwt__sdata_str(it, "leiCode");
    if (lei && !lei_valid(lei))
        issue(c, CWT__PV_ERROR, "leiCode", "check_digit", "'%.30s' is not a valid ISO 17442 LEI (20 characters, mod 97)",
              lei);
    const json_t *addr = deref(c, cwt__sdata_get(it, "address"));
    if (!json_is_object(addr)) {
        issue(c, CWT__PV_WARN, "address", "missing", "recommended field missing: PostalAddress with streetAddress, "
                                                       "addressLocality, postalCode, addressCountry");
    } else {
        const char *cc = cwt__sdata_str(addr, "addressCountry");
        if (!cc)
            issue(c, CWT__PV_ERROR, "address.addressCountry", "missing", "required field missing: ISO 3166-1 alpha-2 "
                                                                          "country code");
        else if (strlen(cc) != 2 || cc[0] < 'A' || cc[0] > 'Z' || cc[1] < 'A' || cc[1] > 'Z')
            issue(c, CWT__PV_WARN, "address.addressCountry", "malformed",
                  "'%.40s' is not an ISO 3166-1 alpha-2 code (CN, TH, VN, SG ...)", cc);
        if (!cwt__sdata_get(addr, "postalCode"))
            issue(c, CWT__PV_WARN, "address.postalCode", "missing", "recommended field missing: postal code");
    }
    if (!cwt__sdata_get(it, "telephone") && !cwt__sdata_get(it, "contactPoint"))
        issue(c, CWT__PV_WARN, "contactPoint", "missing",
              "recommended field missing: telephone or ContactPoint (telephone, email, availableLanguage)");
}

/* ---- Certification ---- */

static void check_cert(struct chk *c, const json_t *it)
{
    need_text(c, it, "name", true, "what is certified, e.g. 'ISO 9001:2015'");
    char tmp[64];
    if (!cwt__sd_ident(it, "certificationIdentification", tmp, sizeof tmp))
        issue(c, CWT__PV_ERROR, "certificationIdentification", "missing",
              "required field missing: the certificate number (text, or a DefinedTerm with termCode)");
    const json_t *by = deref(c, cwt__sdata_get(it, "issuedBy"));
    if (!by) {
        issue(c, CWT__PV_ERROR, "issuedBy", "missing", "required field missing: the certification body (Organization "
                                                       "with name and url)");
    } else if (!json_is_object(by)) {
        issue(c, CWT__PV_WARN, "issuedBy", "malformed", "give an Organization with name and url, not only a name");
    } else {
        char host[256];
        if (!cwt__sdata_str(by, "name"))
            issue(c, CWT__PV_ERROR, "issuedBy.name", "missing", "required field missing: the body's name");
        const char *u = cwt__sdata_str(by, "url");
        if (!u)
            issue(c, CWT__PV_WARN, "issuedBy.url", "missing", "recommended field missing: the body's website");
        else if (!is_url(u) || !cwt__url_host(u, host, sizeof host))
            issue(c, CWT__PV_ERROR, "issuedBy.url", "malformed", "'%.80s' is not an absolute http(s) URL", u);
    }
    int64_t from = 0, until = 0;
    bool hf = need_date(c, it, "validFrom", true, "the first day of validity", &from);
    bool hu = need_date(c, it, "expires", true, "the last day of validity", &until);
    if (hf && hu && until <= from)
        issue(c, CWT__PV_ERROR, "expires", "malformed", "expires is not after validFrom");
    if (hu && until < c->at) {
        char d[11];
        cwt_time_format_date(until, d);
        issue(c, CWT__PV_WARN, "expires", "expired", "the certificate expired on %s", d);
    }
    const char *st = cwt__sdata_str(it, "certificationStatus");
    if (!st)
        issue(c, CWT__PV_WARN, "certificationStatus", "missing",
              "recommended field missing: https://schema.org/CertificationActive or CertificationInactive");
    else if (strcmp(cwt__sdata_short(st), "CertificationActive") != 0 &&
             strcmp(cwt__sdata_short(st), "CertificationInactive") != 0)
        issue(c, CWT__PV_ERROR, "certificationStatus", "malformed",
              "'%.60s' is not CertificationActive or CertificationInactive", st);
    if (!cwt__sdata_get(it, "about"))
        issue(c, CWT__PV_WARN, "about", "missing", "recommended field missing: the certified Product or Organization");
}

/* ---- Report ---- */

static void check_report(struct chk *c, const json_t *it)
{
    need_text(c, it, "name", true, "the report's title, naming the standards tested to");
    need_text(c, it, "reportNumber", true, "the lab's report number");
    int64_t t;
    need_date(c, it, "datePublished", true, "the date the lab issued the report", &t);
    const char *who = cwt__sdata_get(it, "author") ? "author" : "publisher";
    const json_t *au = deref(c, cwt__sdata_get(it, who));
    const struct cwt__body *lab = NULL;
    if (!json_is_object(au)) {
        issue(c, CWT__PV_ERROR, "author", "missing",
              "required field missing: the lab (Organization with name and url) as author (or publisher)");
    } else {
        const char *n = cwt__sdata_str(au, "name");
        const char *u = cwt__sdata_str(au, "url");
        char host[256];
        char f[24];
        snprintf(f, sizeof f, "%s.name", who);
        if (!n)
            issue(c, CWT__PV_ERROR, f, "missing", "required field missing: the lab's name");
        lab = cwt__body_by_name(n);
        if (!lab && u && cwt__url_host(u, host, sizeof host))
            lab = cwt__body_by_host(host);
        snprintf(f, sizeof f, "%s.url", who);
        if (!u)
            issue(c, CWT__PV_WARN, f, "missing", "recommended field missing: the lab's website");
        if (!lab)
            issue(c, CWT__PV_WARN, who, "unknown_lab",
                  "'%.60s' is not a lab cwtap recognises; reports from recognised labs score higher", n ? n : "?");
    }
    if (!cwt__sdata_get(it, "about"))
        issue(c, CWT__PV_ERROR, "about", "missing", "required field missing: the Product tested (name, sku or gtin)");
    char host[256];
    if (need_url(c, it, "url", false, "the report's verification page on the lab's own domain", host, sizeof host) &&
        lab && cwt__body_by_host(host) != lab)
        issue(c, CWT__PV_WARN, "url", "not_lab_domain",
              "the verification link '%.60s' is not on %s's own domain", host, lab->name);
    const json_t *enc = cwt__sdata_get(it, "encoding");
    if (!json_is_object(enc) || !cwt__sdata_str(enc, "contentUrl"))
        issue(c, CWT__PV_WARN, "encoding", "missing",
              "recommended field missing: MediaObject with contentUrl of the report PDF and encodingFormat");
}

/* ---- Product ---- */

static void check_pv(struct chk *c, const json_t *pv, size_t i)
{
    char f[64];
    if (!json_is_object(pv)) {
        snprintf(f, sizeof f, "additionalProperty[%zu]", i);
        issue(c, CWT__PV_ERROR, f, "malformed", "give a PropertyValue object (name, value, unitCode)");
        return;
    }
    const char *name = cwt__sdata_str(pv, "name");
    snprintf(f, sizeof f, "additionalProperty[%zu]", i);
    if (!name)
        issue(c, CWT__PV_ERROR, f, "missing", "required: the parameter's name");
    double num;
    bool has_num = cwt__sd_number(pv, "value", &num) || cwt__sd_number(pv, "minValue", &num) ||
                   cwt__sd_number(pv, "maxValue", &num);
    bool has_value = cwt__sdata_get(pv, "value") || has_num;
    if (!has_value)
        issue(c, CWT__PV_ERROR, f, "missing", "'%.40s': required: value (or minValue/maxValue)", name ? name : "?");
    const char *code = cwt__sdata_str(pv, "unitCode");
    if (code && !cwt__unit_by_code(code))
        issue(c, CWT__PV_WARN, f, "unknown_unit", "'%.40s': unitCode '%.20s' is not a UN/CEFACT common code cwtap knows",
              name ? name : "?", code);
    else if (!code && has_num)
        issue(c, CWT__PV_WARN, f, "missing",
              "'%.40s': recommended: unitCode (UN/CEFACT common code such as MMT, KGM, VLT, WTT) for a measured value",
              name ? name : "?");
}

static void check_product(struct chk *c, const json_t *it)
{
    need_text(c, it, "name", true, "the product's name");
    const json_t *vals[64];
    size_t n = cwt__sdata_values(it, "additionalProperty", vals, 64);
    if (n == 0)
        issue(c, CWT__PV_WARN, "additionalProperty", "missing",
              "recommended field missing: the specification as PropertyValue items with unitCode");
    for (size_t i = 0; i < CWT_MIN(n, (size_t)64); i++)
        check_pv(c, vals[i], i);
    static const char *const gk[] = {"gtin", "gtin8", "gtin12", "gtin13", "gtin14"};
    bool any_gtin = false;
    for (size_t k = 0; k < CWT_ARRAY_LEN(gk); k++) {
        char tmp[40];
        const char *g = cwt__sd_text(it, gk[k], tmp, sizeof tmp);
        if (!g)
            continue;
        any_gtin = true;
        char d[15];
        size_t nd = cwt__gtin_digits(g, strlen(g), d);
        size_t want = k == 0 ? nd : strtoul(gk[k] + 4, NULL, 10);
        if (nd != want || !cwt__gtin_valid(d, nd))
            issue(c, CWT__PV_ERROR, gk[k], "check_digit", "'%.20s' is not a valid %s (digits and GS1 check digit)", g,
                  k == 0 ? "GTIN-8/12/13/14" : gk[k]);
    }
    if (!any_gtin)
        issue(c, CWT__PV_WARN, "gtin13", "missing", "recommended field missing: the GS1 GTIN (gtin13, gtin8 ...)");
    if (!cwt__sdata_get(it, "countryOfOrigin"))
        issue(c, CWT__PV_WARN, "countryOfOrigin", "missing", "recommended field missing: country of origin");
}

/* ---- VideoObject ---- */

static void check_video(struct chk *c, const json_t *it)
{
    char host[256];
    int64_t t;
    need_text(c, it, "name", true, "the video's title");
    need_text(c, it, "description", false, "what the video shows (factory, line, products)");
    need_url(c, it, "thumbnailUrl", true, "a still image of the video", host, sizeof host);
    need_date(c, it, "uploadDate", true, "when the video was published", &t);
    if (!cwt__sdata_get(it, "contentUrl") && !cwt__sdata_get(it, "embedUrl"))
        issue(c, CWT__PV_ERROR, "contentUrl", "missing", "required: contentUrl (the file) or embedUrl (the player)");
}

/* ---- DataFeed / Dataset (production capacity) ---- */

static void check_feed(struct chk *c, const json_t *it)
{
    int64_t t;
    need_text(c, it, "name", true, "what the feed measures, e.g. 'Production capacity (units per day)'");
    if (need_date(c, it, "dateModified", true, "the time of the last update, with time zone", &t)) {
        const char *s = cwt__sdata_str(it, "dateModified");
        if (s && !strchr(s, 'T'))
            issue(c, CWT__PV_WARN, "dateModified", "malformed", "give a date-time with time zone, not only a date");
        if (c->at - t > (int64_t)FEED_FRESH_DAYS * 86400)
            issue(c, CWT__PV_WARN, "dateModified", "stale", "the feed was last updated more than %d days ago",
                  FEED_FRESH_DAYS);
        else if (t - c->at > 86400)
            issue(c, CWT__PV_WARN, "dateModified", "malformed", "the feed is dated in the future");
    }
    const json_t *dist = cwt__sdata_get(it, "distribution");
    if (!cwt__sdata_get(it, "dataFeedElement") && !(json_is_object(dist) && cwt__sdata_str(dist, "contentUrl")))
        issue(c, CWT__PV_ERROR, "distribution", "missing",
              "required: dataFeedElement items or a distribution (DataDownload with contentUrl and encodingFormat)");
}

static const struct {
    const char *type;
    void (*check)(struct chk *c, const json_t *it);
} checks[] = {
    {"Organization", check_org}, {"Certification", check_cert}, {"Report", check_report},
    {"Product", check_product},  {"VideoObject", check_video},  {"DataFeed", check_feed},
    {"Dataset", check_feed},
};

/* A nested item that only points at something described elsewhere: {"@type": "Product", "sku": "X"}. */
static bool is_reference(const json_t *it)
{
    static const char *const ref_keys[] = {"@type", "@source", "@id", "name", "sku", "gtin", "gtin8", "gtin12",
                                           "gtin13", "gtin14", "url", "mpn", "alternateName"};
    const char *k;
    const json_t *v;
    json_object_foreach((json_t *)it, k, v) {
        bool known = false;
        for (size_t i = 0; i < CWT_ARRAY_LEN(ref_keys) && !known; i++)
            known = strcmp(k, ref_keys[i]) == 0;
        if (!known)
            return false;
    }
    return true;
}

static void check_item(struct chk *c, const json_t *it)
{
    for (size_t k = 0; k < CWT_ARRAY_LEN(checks); k++) {
        if (!cwt__sdata_is(it, checks[k].type))
            continue;
        if (strcmp(checks[k].type, "Dataset") == 0 && cwt__sdata_is(it, "DataFeed"))
            continue; /* checked as DataFeed */
        json_t *cnt = json_object_get(c->r->types, checks[k].type);
        if (json_object_set_new(c->r->types, checks[k].type, json_integer(cnt ? json_integer_value(cnt) + 1 : 1))) {
            c->rc = CWT_ENOMEM;
            return;
        }
        c->r->items++;
        where(c, checks[k].type, it);
        checks[k].check(c, it);
        return;
    }
}

/* Top-level items are always checked; nested ones unless they are mere references. */
static void walk(struct chk *c, const json_t *v, unsigned depth, bool top)
{
    if (depth > CWT__SDATA_MAX_DEPTH + 2 || c->rc)
        return;
    if (json_is_array(v)) {
        size_t i;
        const json_t *e;
        json_array_foreach(v, i, e)
            walk(c, e, depth + 1, top);
        return;
    }
    if (!json_is_object(v))
        return;
    bool typed = json_array_size(json_object_get(v, "@type")) > 0 || json_is_string(json_object_get(v, "@type"));
    if (typed && (top || !is_reference(v)))
        check_item(c, v);
    const char *k;
    const json_t *e;
    json_object_foreach((json_t *)v, k, e)
        if (k[0] != '@' && (json_is_object(e) || json_is_array(e)))
            walk(c, e, depth + 1, false);
}

enum cwt_status cwt__profile_check_graph(const json_t *graph, int64_t at, struct cwt__pv_report *r)
{
    if (!r->types && !(r->types = json_object()))
        return CWT_ENOMEM;
    struct chk c = {.graph = json_is_array(graph) ? graph : NULL, .r = r, .at = at};
    walk(&c, graph, 0, true);
    return c.rc;
}

enum cwt_status cwt__profile_check_text(const struct cwt_ctx *ctx, const char *text, size_t len, bool html,
                                        const char *url, int64_t at, struct cwt__pv_report *r, struct cwt_err *err)
{
    if (html) {
        struct cwt__doc *doc = NULL;
        enum cwt_status rc = cwt__doc_parse(ctx, text, len, url ? url : "https://localhost/", &doc, err);
        if (rc)
            return rc;
        rc = cwt__profile_check_graph(cwt__sdata_items(doc), at, r);
        cwt__doc_free(doc);
        return rc;
    }
    json_error_t jerr;
    json_t *strict = json_loadb(text, len, 0, &jerr);
    json_t *objs = NULL;
    enum cwt_status rc = cwt__jsonld_parse(text, len, &objs);
    if (rc == CWT_EPARSE) {
        json_decref(strict);
        return cwt_err_setf(err, CWT_EPARSE, "line", "cannot parse JSON-LD: line %d column %d: %s", jerr.line,
                            jerr.column, jerr.text);
    }
    if (rc) {
        json_decref(strict);
        return rc;
    }
    json_t *graph = json_array();
    rc = graph ? cwt__jsonld_normalise(objs, graph) : CWT_ENOMEM;
    if (!rc) {
        if (!strict) {
            struct chk c = {.r = r, .at = at};
            snprintf(c.where, sizeof c.where, "document");
            issue(&c, CWT__PV_WARN, NULL, "malformed",
                  "not strict JSON (line %d column %d: %s); cwtap repairs it, other readers may not", jerr.line,
                  jerr.column, jerr.text);
            rc = c.rc;
        }
        if (!rc)
            rc = cwt__profile_check_graph(graph, at, r);
    }
    json_decref(strict);
    json_decref(objs);
    json_decref(graph);
    return rc;
}

json_t *cwt__pv_report_json(const struct cwt__pv_report *r)
{
    json_t *o = json_object();
    json_t *arr = json_array();
    if (!o || !arr) {
        json_decref(o);
        json_decref(arr);
        return NULL;
    }
    json_object_set_new(o, "items", json_integer((json_int_t)r->items));
    json_object_set_new(o, "errors", json_integer((json_int_t)r->errors));
    json_object_set_new(o, "warnings", json_integer((json_int_t)r->warnings));
    if (r->types)
        json_object_set(o, "types", r->types);
    else
        json_object_set_new(o, "types", json_object());
    for (size_t i = 0; i < r->nissues; i++) {
        const struct cwt__pv_issue *is = &r->issues[i];
        json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s}", "severity", cwt__pv_sev_name(is->sev), "path",
                                             is->path, "code", is->code, "message", is->message));
    }
    json_object_set_new(o, "issues", arr);
    return o;
}
