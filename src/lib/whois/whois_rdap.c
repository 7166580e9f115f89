/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the RDAP side of the whois layer: the parser of an
 * RDAP domain object (RFC 9083: events, status, nameservers, entities with
 * jCard vCards, RFC 9537 redaction) into a struct cwt__whois, and the look-up
 * of a TLD's RDAP base URL in the IANA bootstrap registry (RFC 9224), which
 * is validated as a whole: a registry with one bad service or URL is refused.
 */
#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <strings.h>

#include "util/timeutil.h"
#include "whois/whois_record.h"

#define ENTITY_DEPTH_MAX 3
#define ITEMS_MAX 256 /* array members looked at per array */

static const char *jstr(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static bool has_role(const json_t *ent, const char *role)
{
    const json_t *roles = json_object_get(ent, "roles");
    size_t i;
    const json_t *r;
    json_array_foreach(roles, i, r)
    {
        if (i >= ITEMS_MAX)
            break;
        if (json_is_string(r) && strcasecmp(json_string_value(r), role) == 0)
            return true;
    }
    return false;
}

/* The jCard property @p name of entity @p ent ([name, params, type, value]); NULL if absent. */
static const json_t *vcard_prop(const json_t *ent, const char *name)
{
    const json_t *va = json_object_get(ent, "vcardArray");
    if (!json_is_array(va) || json_array_size(va) != 2)
        return NULL;
    const json_t *props = json_array_get(va, 1);
    size_t i;
    const json_t *p;
    json_array_foreach(props, i, p)
    {
        if (i >= ITEMS_MAX)
            break;
        if (!json_is_array(p) || json_array_size(p) < 4)
            continue;
        const json_t *n = json_array_get(p, 0);
        if (json_is_string(n) && strcasecmp(json_string_value(n), name) == 0)
            return p;
    }
    return NULL;
}

static const char *vcard_text(const json_t *ent, const char *name)
{
    const json_t *p = vcard_prop(ent, name);
    if (!p)
        return NULL;
    const json_t *v = json_array_get(p, 3);
    if (json_is_array(v)) /* "org" may be structured: first component */
        v = json_array_get(v, 0);
    return json_is_string(v) && json_string_value(v)[0] ? json_string_value(v) : NULL;
}

/* The country of the entity's address: the "cc" parameter, else the country-name component. */
static const char *vcard_country(const json_t *ent)
{
    const json_t *p = vcard_prop(ent, "adr");
    if (!p)
        return NULL;
    const char *cc = jstr(json_array_get(p, 1), "cc");
    if (cc && cc[0])
        return cc;
    const json_t *v = json_array_get(p, 3);
    if (json_is_array(v) && json_array_size(v) >= 7) {
        const json_t *c = json_array_get(v, 6);
        if (json_is_string(c) && json_string_value(c)[0])
            return json_string_value(c);
    }
    return NULL;
}

static enum cwt_status set1(char **slot, const char *v)
{
    if (*slot || !v || !*v)
        return CWT_OK;
    *slot = cwt_strdup(v);
    return *slot ? CWT_OK : CWT_ENOMEM;
}

static bool redacted_text(const char *s)
{
    return s && (strcasestr(s, "redacted") || strcasestr(s, "privacy") || strcasestr(s, "withheld"));
}

static bool remarks_redacted(const json_t *ent)
{
    const json_t *rem = json_object_get(ent, "remarks");
    size_t i;
    const json_t *r;
    json_array_foreach(rem, i, r)
    {
        if (i >= ITEMS_MAX)
            break;
        if (redacted_text(jstr(r, "title")) || redacted_text(jstr(r, "type")))
            return true;
    }
    return false;
}

static enum cwt_status read_registrar(struct cwt__whois *w, const json_t *ent)
{
    enum cwt_status rc = set1(&w->registrar, vcard_text(ent, "fn"));
    if (!rc && !w->registrar)
        rc = set1(&w->registrar, vcard_text(ent, "org"));
    const json_t *ids = json_object_get(ent, "publicIds");
    size_t i;
    const json_t *id;
    json_array_foreach(ids, i, id)
    {
        if (rc || i >= ITEMS_MAX)
            break;
        const char *type = jstr(id, "type");
        if (type && strcasestr(type, "IANA"))
            rc = set1(&w->registrar_iana_id, jstr(id, "identifier"));
    }
    return rc;
}

static enum cwt_status read_registrant(struct cwt__whois *w, const json_t *ent)
{
    const char *fn = vcard_text(ent, "fn");
    const char *org = vcard_text(ent, "org");
    const char *cty = vcard_country(ent);
    enum cwt_status rc = CWT_OK;
    bool rem = remarks_redacted(ent);
    if (fn && !redacted_text(fn))
        rc = set1(&w->registrant_name, fn);
    else if (fn || rem)
        w->redacted |= CWT__RED_REGISTRANT_NAME;
    if (rc)
        return rc;
    if (org && !redacted_text(org))
        rc = set1(&w->registrant_org, org);
    else if (org || rem)
        w->redacted |= CWT__RED_REGISTRANT_ORG;
    if (rc)
        return rc;
    if (cty && !redacted_text(cty))
        rc = set1(&w->registrant_country, cty);
    else if (cty || rem)
        w->redacted |= CWT__RED_REGISTRANT_COUNTRY;
    if (!vcard_text(ent, "email") && rem)
        w->redacted |= CWT__RED_REGISTRANT_CONTACT;
    return rc;
}

/* A link whose rel is "related" and type RDAP, or whose href is an RDAP domain URL. */
static const char *related_link(const json_t *o)
{
    const json_t *links = json_object_get(o, "links");
    size_t i;
    const json_t *l;
    json_array_foreach(links, i, l)
    {
        if (i >= ITEMS_MAX)
            break;
        const char *rel = jstr(l, "rel"), *href = jstr(l, "href"), *type = jstr(l, "type");
        if (rel && href && strcasecmp(rel, "related") == 0 && (strncmp(href, "https://", 8) == 0 ||
                                                                strncmp(href, "http://", 7) == 0) &&
            ((type && strcasestr(type, "rdap")) || strstr(href, "/domain/")))
            return href;
    }
    return NULL;
}

static enum cwt_status read_entities(struct cwt__whois *w, const json_t *o, int depth)
{
    enum cwt_status rc = CWT_OK;
    const json_t *ents = json_object_get(o, "entities");
    size_t i;
    const json_t *e;
    if (depth > ENTITY_DEPTH_MAX)
        return CWT_OK;
    json_array_foreach(ents, i, e)
    {
        if (rc || i >= ITEMS_MAX)
            break;
        if (!json_is_object(e))
            continue;
        if (has_role(e, "registrar")) {
            rc = read_registrar(w, e);
            if (!rc && !w->referral)
                rc = set1(&w->referral, related_link(e));
        }
        if (!rc && has_role(e, "registrant"))
            rc = read_registrant(w, e);
        if (!rc)
            rc = read_entities(w, e, depth + 1);
    }
    return rc;
}

/* RFC 9537 "redacted" members name the fields ("Registrant Organization", ...). */
static void read_redacted(struct cwt__whois *w, const json_t *root)
{
    const json_t *red = json_object_get(root, "redacted");
    size_t i;
    const json_t *r;
    json_array_foreach(red, i, r)
    {
        if (i >= ITEMS_MAX)
            break;
        const char *d = jstr(json_object_get(r, "name"), "description");
        if (!d)
            d = jstr(json_object_get(r, "name"), "type");
        if (!d || !strcasestr(d, "registrant"))
            continue;
        if (strcasestr(d, "organi"))
            w->redacted |= CWT__RED_REGISTRANT_ORG;
        else if (strcasestr(d, "country"))
            w->redacted |= CWT__RED_REGISTRANT_COUNTRY;
        else if (strcasestr(d, "name"))
            w->redacted |= CWT__RED_REGISTRANT_NAME;
        else
            w->redacted |= CWT__RED_REGISTRANT_CONTACT;
    }
}

static enum cwt_status add_str(char **list, size_t *n, const char *v, bool lower)
{
    if (!v || !*v || *n >= CWT__WHOIS_LIST_MAX)
        return CWT_OK;
    char *c = cwt_strdup(v);
    if (!c)
        return CWT_ENOMEM;
    size_t len = strlen(c);
    while (len && c[len - 1] == '.')
        c[--len] = '\0';
    if (lower)
        for (char *p = c; *p; p++)
            *p = (char)tolower((unsigned char)*p);
    list[(*n)++] = c;
    return CWT_OK;
}

enum cwt_status cwt__whois_parse_rdap(struct cwt__whois *w, const char *json, size_t len, struct cwt_err *err)
{
    json_error_t jerr;
    enum cwt_status rc = CWT_OK;
    json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root)
        return cwt_err_setf(err, CWT_EPARSE, "byte", "rdap reply is not json at byte %d: %s", jerr.position,
                            jerr.text);
    if (!json_is_object(root)) {
        rc = cwt_err_set(err, CWT_EPARSE, "rdap reply is not a json object");
        goto out;
    }
    const json_t *ec = json_object_get(root, "errorCode");
    if (json_is_integer(ec)) {
        if (json_integer_value(ec) == 404)
            w->not_found = true;
        else
            rc = cwt_err_setf(err, CWT_EPARSE, "errorCode", "rdap error %lld",
                              (long long)json_integer_value(ec));
        goto out;
    }
    const char *cls = jstr(root, "objectClassName");
    if (!cls || strcmp(cls, "domain") != 0) {
        rc = cwt_err_setf(err, CWT_EPARSE, "objectClassName", "rdap reply is not a domain object ('%s')",
                          cls ? cls : "none");
        goto out;
    }
    const char *ldh = jstr(root, "ldhName");
    if (ldh) {
        char low[256];
        size_t n = 0;
        for (; ldh[n] && n + 1 < sizeof low; n++)
            low[n] = (char)tolower((unsigned char)ldh[n]);
        while (n && low[n - 1] == '.')
            n--;
        low[n] = '\0';
        if ((rc = set1(&w->domain, low)))
            goto out;
    }
    size_t i;
    const json_t *x;
    json_array_foreach(json_object_get(root, "events"), i, x)
    {
        if (i >= ITEMS_MAX)
            break;
        const char *act = jstr(x, "eventAction"), *date = jstr(x, "eventDate");
        int64_t t;
        if (!act || !date || cwt_time_parse_iso(date, &t) != CWT_OK)
            continue;
        if (strcasecmp(act, "registration") == 0 && !w->created)
            w->created = t;
        else if (strcasecmp(act, "expiration") == 0 && !w->expires)
            w->expires = t;
        else if (strcasecmp(act, "last changed") == 0 && !w->updated)
            w->updated = t;
    }
    json_array_foreach(json_object_get(root, "status"), i, x)
    {
        if (json_is_string(x) && (rc = add_str(w->statuses, &w->nstatuses, json_string_value(x), false)))
            goto out;
    }
    json_array_foreach(json_object_get(root, "nameservers"), i, x)
    {
        if ((rc = add_str(w->nameservers, &w->nnameservers, jstr(x, "ldhName"), true)))
            goto out;
    }
    if ((rc = read_entities(w, root, 0)))
        goto out;
    if (!w->referral && (rc = set1(&w->referral, related_link(root))))
        goto out;
    read_redacted(w, root);
    if (w->registrant_country && !w->registrant_cc[0])
        cwt__country_code(w->registrant_country, w->registrant_cc);
    if (!w->raw_excerpt && !(w->raw_excerpt = cwt__whois_excerpt(json, len)))
        rc = CWT_ENOMEM;
out:
    json_decref(root);
    return rc;
}

/* An absolute http(s) URL without spaces, control bytes or bad percent escapes. */
static bool good_url(const char *u)
{
    if (strncmp(u, "https://", 8) != 0 && strncmp(u, "http://", 7) != 0)
        return false;
    const char *host = strstr(u, "://") + 3;
    if (!isalnum((unsigned char)*host))
        return false;
    for (const char *p = u; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c <= ' ' || c == 0x7f || c == '"' || c == '<' || c == '>' || c == '\\')
            return false;
        if (c == '%' && !(isxdigit((unsigned char)p[1]) && isxdigit((unsigned char)p[2])))
            return false;
    }
    return true;
}

enum cwt_status cwt__rdap_bootstrap_find(const char *json, size_t len, const char *domain, char **out,
                                         struct cwt_err *err)
{
    json_error_t jerr;
    enum cwt_status rc = CWT_OK;
    *out = NULL;
    json_t *root = json_loadb(json, len, 0, &jerr);
    if (!root)
        return cwt_err_setf(err, CWT_EPARSE, "byte", "bootstrap registry is not json at byte %d: %s", jerr.position,
                            jerr.text);
    const json_t *svcs = json_object_get(root, "services");
    if (!json_is_array(svcs) || json_array_size(svcs) == 0 || json_array_size(svcs) > 10000) {
        rc = cwt_err_setf(err, CWT_EPARSE, "services", "bootstrap registry has no services array");
        goto out;
    }
    const char *best = NULL;
    size_t bestlen = 0;
    size_t i;
    const json_t *s;
    json_array_foreach(svcs, i, s)
    {
        const json_t *tlds = json_array_get(s, 0), *urls = json_array_get(s, 1);
        if (!json_is_array(s) || json_array_size(s) != 2 || !json_is_array(tlds) || !json_is_array(urls) ||
            json_array_size(tlds) == 0 || json_array_size(urls) == 0) {
            rc = cwt_err_setf(err, CWT_EPARSE, "services", "bootstrap service %zu is malformed", i);
            goto out;
        }
        const char *pick = NULL;
        size_t j;
        const json_t *u;
        json_array_foreach(urls, j, u)
        {
            if (!json_is_string(u) || !good_url(json_string_value(u))) {
                rc = cwt_err_setf(err, CWT_EPARSE, "services", "bootstrap service %zu has a bad url", i);
                goto out;
            }
            if (!pick || strncmp(json_string_value(u), "https://", 8) == 0)
                pick = json_string_value(u);
        }
        const json_t *t;
        json_array_foreach(tlds, j, t)
        {
            if (!json_is_string(t)) {
                rc = cwt_err_setf(err, CWT_EPARSE, "services", "bootstrap service %zu has a bad tld", i);
                goto out;
            }
            const char *tld = json_string_value(t);
            size_t tl = strlen(tld), dl = strlen(domain);
            if (tl && tl <= dl && strcasecmp(domain + dl - tl, tld) == 0 &&
                (tl == dl || domain[dl - tl - 1] == '.') && tl > bestlen) {
                best = pick;
                bestlen = tl;
            }
        }
    }
    if (best) {
        size_t bl = strlen(best);
        char *o = cwt_malloc(bl + 2);
        if (!o) {
            rc = CWT_ENOMEM;
            goto out;
        }
        memcpy(o, best, bl + 1);
        if (bl == 0 || o[bl - 1] != '/') {
            o[bl] = '/';
            o[bl + 1] = '\0';
        }
        *out = o;
    }
out:
    json_decref(root);
    return rc;
}
