/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the parser of port-43 WHOIS replies. Registries
 * write the same facts in many layouts: "Key: value" lines (ICANN gTLD
 * format, CNNIC, SGNIC...), "[Key] value" (JPRS), "Key ..... : value",
 * sections whose header is a key alone on its line with the values indented
 * below (Nominet, TWNIC, "Domain servers in listed order:"), and keys in
 * Korean, Japanese or Chinese. Every line is reduced to a normalised key and a
 * value; the key, prefixed by the open section when there is one, is looked up
 * in one alias table that names the field it fills. The first value of a
 * single-valued field wins (the registry speaks before the registrar).
 */
#include <ctype.h>
#include <stdio.h>
#include <strings.h>

#include "util/buf.h"
#include "whois/whois_record.h"

enum field {
    F_NONE,
    F_DOMAIN,
    F_CREATED,
    F_EXPIRES,
    F_UPDATED,
    F_REGISTRAR,
    F_IANA_ID,
    F_REG_NAME,
    F_REG_ORG,
    F_REG_COUNTRY,
    F_NS,
    F_STATUS,
    F_REFERRAL,
    F_SECTION_REGISTRANT, /* a section whose first plain line is the registrant (org) */
    F_SECTION_REGISTRAR,  /* a section whose first plain line is the registrar */
    F_SECTION_NS,         /* a section of name servers, one per line */
    F_SECTION_DOMAIN,     /* the domain's own block: first plain line is the name, keys as usual */
    F_SECTION_DATES,      /* a block of dates: keys and phrases as usual */
    F_SECTION_OTHER,      /* a contact section we do not read (admin, tech, billing) */
};

struct alias {
    const char *key; /* normalised: lowercase, punctuation collapsed to single spaces */
    enum field field;
};

/* Keys as they appear (normalised). Sectioned keys are written "<section>/<key>". */
static const struct alias aliases[] = {
    {"domain name", F_DOMAIN}, {"domain", F_DOMAIN}, {"domainname", F_DOMAIN}, {"domain name ascii", F_DOMAIN},
    {"query", F_DOMAIN}, {"도메인이름", F_DOMAIN}, {"ドメイン名", F_DOMAIN}, {"域名", F_DOMAIN},
    {"domain name/", F_DOMAIN}, {"complete domain name", F_DOMAIN}, {"dominio", F_DOMAIN},
    {"nombre de dominio", F_DOMAIN},
    {"creation date", F_CREATED}, {"created", F_CREATED}, {"created on", F_CREATED}, {"registered", F_CREATED},
    {"registered on", F_CREATED}, {"registration time", F_CREATED}, {"registration date", F_CREATED},
    {"registered date", F_CREATED}, {"domain registration date", F_CREATED}, {"created date", F_CREATED},
    {"record created", F_CREATED}, {"record created on", F_CREATED}, {"domain create date", F_CREATED},
    {"creation", F_CREATED}, {"domain created", F_CREATED}, {"registration", F_CREATED},
    {"domain record activated", F_CREATED}, {"activation", F_CREATED}, {"commencement date", F_CREATED},
    {"domain name commencement date", F_CREATED}, {"record created", F_CREATED}, {"record expired", F_EXPIRES},
    {"record last modified", F_UPDATED},
    {"domain datecreated", F_CREATED}, {"date of registration", F_CREATED}, {"fecha de registro", F_CREATED},
    {"created at", F_CREATED}, {"create date", F_CREATED}, {"등록일", F_CREATED}, {"登録年月日", F_CREATED},
    {"注册时间", F_CREATED}, {"first registration date", F_CREATED}, {"creation time", F_CREATED},
    {"domain registered", F_CREATED}, {"registration time utc", F_CREATED},
    {"relevant dates/registered on", F_CREATED},
    {"registry expiry date", F_EXPIRES}, {"registrar registration expiration date", F_EXPIRES},
    {"expiration date", F_EXPIRES}, {"expiry date", F_EXPIRES}, {"expires", F_EXPIRES}, {"expire date", F_EXPIRES},
    {"expires on", F_EXPIRES}, {"expiration time", F_EXPIRES}, {"paid till", F_EXPIRES}, {"expire", F_EXPIRES},
    {"record expires on", F_EXPIRES}, {"renewal date", F_EXPIRES}, {"valid until", F_EXPIRES},
    {"domain expiration date", F_EXPIRES}, {"domain expires", F_EXPIRES}, {"expiry", F_EXPIRES},
    {"expired", F_EXPIRES}, {"domain expiry date", F_EXPIRES}, {"domain dateexpires", F_EXPIRES},
    {"expiration", F_EXPIRES}, {"exp date", F_EXPIRES}, {"fecha de vencimiento", F_EXPIRES},
    {"사용 종료일", F_EXPIRES}, {"有効期限", F_EXPIRES}, {"过期时间", F_EXPIRES}, {"record expires", F_EXPIRES},
    {"registrar registration expiry date", F_EXPIRES}, {"expire on", F_EXPIRES}, {"validity", F_EXPIRES},
    {"free date", F_EXPIRES},
    {"updated date", F_UPDATED}, {"last updated", F_UPDATED}, {"last modified", F_UPDATED}, {"changed", F_UPDATED},
    {"modified", F_UPDATED}, {"last update", F_UPDATED}, {"updated on", F_UPDATED}, {"updated", F_UPDATED},
    {"last updated date", F_UPDATED}, {"record last updated on", F_UPDATED}, {"last updated on", F_UPDATED},
    {"domain last updated date", F_UPDATED}, {"modification date", F_UPDATED}, {"last modified date", F_UPDATED},
    {"domain datelastmodified", F_UPDATED}, {"update date", F_UPDATED}, {"last update of whois database", F_NONE},
    {"최근 정보 변경일", F_UPDATED}, {"最終更新", F_UPDATED}, {"last change", F_UPDATED},
    {"record last updated", F_UPDATED}, {"modified date", F_UPDATED},
    {"registrar", F_REGISTRAR}, {"registrar name", F_REGISTRAR}, {"sponsoring registrar", F_REGISTRAR},
    {"registrar organization", F_REGISTRAR}, {"sponsoring registrar organization", F_REGISTRAR},
    {"registration service provider", F_REGISTRAR}, {"authorized agency", F_REGISTRAR},
    {"registrar/name", F_REGISTRAR}, {"registrar/organization", F_REGISTRAR}, {"등록대행자", F_REGISTRAR},
    {"registrar of record", F_REGISTRAR}, {"record maintained by", F_REGISTRAR}, {"registrar handle", F_NONE},
    {"registrar/registrar name", F_REGISTRAR}, {"registrar/registrar", F_REGISTRAR},
    {"hostname", F_NS}, {"domain record last updated", F_UPDATED}, {"company english name", F_REG_ORG},
    {"record will expire on", F_EXPIRES}, {"registrar iana id", F_IANA_ID}, {"sponsoring registrar iana id", F_IANA_ID},
    {"registrant name", F_REG_NAME}, {"registrant contact name", F_REG_NAME}, {"holder", F_REG_NAME},
    {"registrant/name", F_REG_NAME},
    {"registrant organization", F_REG_ORG}, {"registrant organisation", F_REG_ORG}, {"registrant", F_REG_ORG},
    {"org", F_REG_ORG}, {"organization", F_REG_ORG}, {"organisation", F_REG_ORG}, {"registrant/organization", F_REG_ORG},
    {"registrant/organisation", F_REG_ORG}, {"registrant contact organisation", F_REG_ORG},
    {"registrant contact organization", F_REG_ORG}, {"등록인", F_REG_ORG}, {"組織名", F_REG_ORG},
    {"registrant org", F_REG_ORG}, {"owner", F_REG_ORG}, {"owner name", F_REG_ORG}, {"descr", F_NONE},
    {"registrant country", F_REG_COUNTRY}, {"registrant country code", F_REG_COUNTRY},
    {"registrant/country", F_REG_COUNTRY}, {"registrant/country code", F_REG_COUNTRY},
    {"registrant contact country", F_REG_COUNTRY}, {"country", F_REG_COUNTRY}, {"country code", F_REG_COUNTRY},
    {"name server", F_NS}, {"nameserver", F_NS}, {"nserver", F_NS}, {"name servers", F_NS}, {"nameservers", F_NS},
    {"host name", F_NS}, {"호스트이름", F_NS}, {"ネームサーバ", F_NS}, {"dns", F_NS}, {"domain nameservers", F_NS},
    {"primary server", F_NS}, {"secondary server", F_NS}, {"name server/", F_NS}, {"ns", F_NS},
    {"domain status", F_STATUS}, {"status", F_STATUS}, {"state", F_STATUS}, {"状態", F_STATUS},
    {"registration status", F_STATUS}, {"domain state", F_STATUS},
    {"registrar whois server", F_REFERRAL}, {"whois server", F_REFERRAL}, {"refer", F_REFERRAL},
    {"whois", F_REFERRAL}, {"referralserver", F_REFERRAL}, {"registrar whois", F_REFERRAL},
};

/* Keys that, alone on their line with no value, open a section. */
static const struct alias sections[] = {
    {"registrant", F_SECTION_REGISTRANT}, {"registrant contact", F_SECTION_REGISTRANT},
    {"registrant contacts", F_SECTION_REGISTRANT}, {"holder", F_SECTION_REGISTRANT}, {"owner", F_SECTION_REGISTRANT},
    {"registrant details", F_SECTION_REGISTRANT}, {"registrant contact information", F_SECTION_REGISTRANT},
    {"owner contact", F_SECTION_REGISTRANT}, {"domain holder", F_SECTION_REGISTRANT},
    {"registrar", F_SECTION_REGISTRAR}, {"sponsoring registrar", F_SECTION_REGISTRAR},
    {"registrar information", F_SECTION_REGISTRAR}, {"registrar details", F_SECTION_REGISTRAR},
    {"name servers", F_SECTION_NS}, {"nameservers", F_SECTION_NS}, {"domain servers in listed order", F_SECTION_NS},
    {"domain nameservers", F_SECTION_NS}, {"name server", F_SECTION_NS}, {"dns servers", F_SECTION_NS},
    {"servers", F_SECTION_NS}, {"nameserver", F_SECTION_NS}, {"name servers information", F_SECTION_NS},
    {"domain name servers", F_SECTION_NS}, {"hostname", F_SECTION_NS}, {"dns", F_SECTION_NS},
    {"name servers listed in order", F_SECTION_NS},
    {"administrative contact", F_SECTION_OTHER}, {"technical contact", F_SECTION_OTHER},
    {"billing contact", F_SECTION_OTHER}, {"admin contact", F_SECTION_OTHER}, {"tech contact", F_SECTION_OTHER},
    {"relevant dates", F_SECTION_DATES}, {"domain name", F_SECTION_DOMAIN}, {"domain", F_SECTION_DOMAIN},
    {"domain information", F_SECTION_DOMAIN}, {"data validation", F_SECTION_OTHER},
    {"registration status", F_SECTION_OTHER}, {"administrative contact ac", F_SECTION_OTHER},
};

/* Key-less lines that start with a phrase ("Record created on 2000-08-29"). */
static const struct alias phrases[] = {
    {"record created on ", F_CREATED},    {"record expires on ", F_EXPIRES}, {"record last updated on ", F_UPDATED},
    {"domain record activated: ", F_CREATED}, {"created on ", F_CREATED},   {"expires on ", F_EXPIRES},
    {"registered on ", F_CREATED}, {"domain ", F_DOMAIN},
};

static const char *const notfound_phrases[] = {
    "no match", "not found", "no data found", "no entries found", "is available for", "no matching record",
    "status: free", "status: available", "not registered", "nothing found", "no object found",
    "object does not exist", "queried object does not exist", "no such domain", "domain not found",
    "not been registered", "no information available", "is free", "does not exist in database",
    "no found", "available for registration", "not exist", "no records matching", "domain unknown",
    "%error:101: no entries found", "no entries", "not have an entry", "not known", "returned 0 objects",
    "does not have any data",
};

/* Copies @p s (len bytes) trimmed; NULL on ENOMEM. */
static char *trimdup(const char *s, size_t len)
{
    while (len && isspace((unsigned char)*s))
        s++, len--;
    while (len && isspace((unsigned char)s[len - 1]))
        len--;
    char *o = cwt_malloc(len + 1);
    if (o) {
        memcpy(o, s, len);
        o[len] = '\0';
    }
    return o;
}

/* Normalises a key into @p out: ASCII lowercased, ASCII punctuation and runs of spaces to one space. */
static void norm_key(const char *k, size_t len, char *out, size_t cap)
{
    size_t o = 0;
    bool sp = false;
    for (size_t i = 0; i < len && o + 1 < cap; i++) {
        unsigned char c = (unsigned char)k[i];
        if (c == '(' && o >= 3)
            break;
        if (c < 0x80 && !isalnum(c)) {
            sp = o > 0;
            continue;
        }
        if (sp && o + 2 < cap)
            out[o++] = ' ';
        sp = false;
        out[o++] = (char)(c < 0x80 ? tolower(c) : c);
    }
    out[o] = '\0';
}

static enum field lookup(const struct alias *t, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(t[i].key, key) == 0)
            return t[i].field;
    return F_NONE;
}

static bool has_alias(const char *key)
{
    for (size_t i = 0; i < CWT_ARRAY_LEN(aliases); i++)
        if (strcmp(aliases[i].key, key) == 0)
            return true;
    return false;
}

static bool is_redacted(const char *v)
{
    static const char *const marks[] = {"redacted", "privacy", "not disclosed", "withheld", "data protected",
                                        "gdpr", "statutory masking", "non-public", "hidden"};
    char low[128];
    size_t n = 0;
    for (; v[n] && n + 1 < sizeof low; n++)
        low[n] = (char)tolower((unsigned char)v[n]);
    low[n] = '\0';
    for (size_t i = 0; i < CWT_ARRAY_LEN(marks); i++)
        if (strstr(low, marks[i]))
            return true;
    return false;
}

/* A registry handle ("FMR13403268-NICAT", "ACTI-0024") rather than a name. */
static bool is_handle(const char *v)
{
    bool dash = false, digit = false;
    for (const char *p = v; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '-')
            dash = true;
        else if (isdigit(c))
            digit = true;
        else if (!isupper(c))
            return false;
    }
    return dash && digit;
}

static bool has_alnum(const char *v)
{
    for (; *v; v++)
        if (isalnum((unsigned char)*v) || (unsigned char)*v >= 0x80)
            return true;
    return false;
}

static enum cwt_status set1(char **slot, const char *v)
{
    if (*slot || !*v)
        return CWT_OK;
    *slot = cwt_strdup(v);
    return *slot ? CWT_OK : CWT_ENOMEM;
}

static enum cwt_status add_list(char **list, size_t *n, const char *v, bool lower)
{
    char tmp[256];
    size_t len = 0;
    /* a list value is its first word ("ns1.x.com 1.2.3.4"); statuses keep their first word too */
    while (v[len] && !isspace((unsigned char)v[len]) && v[len] != ',' && len + 1 < sizeof tmp) {
        tmp[len] = lower ? (char)tolower((unsigned char)v[len]) : v[len];
        len++;
    }
    while (len && tmp[len - 1] == '.')
        len--;
    tmp[len] = '\0';
    if (!len || *n >= CWT__WHOIS_LIST_MAX)
        return CWT_OK;
    for (size_t i = 0; i < *n; i++)
        if (strcmp(list[i], tmp) == 0)
            return CWT_OK;
    list[*n] = cwt_strdup(tmp);
    if (!list[*n])
        return CWT_ENOMEM;
    (*n)++;
    return CWT_OK;
}

static bool looks_like_host(const char *v)
{
    size_t dots = 0, i = 0;
    for (; v[i] && !isspace((unsigned char)v[i]); i++) {
        unsigned char c = (unsigned char)v[i];
        if (c == '.' && v[i + 1] && !isspace((unsigned char)v[i + 1]) && v[i + 1] != '.')
            dots++;
        else if (c == '.')
            continue;
        else if (!isalnum(c) && c != '-')
            return false;
    }
    return dots >= 1 && i > 3;
}

struct pstate {
    struct cwt__whois *w;
    enum field section;
    int section_indent;
    bool section_first; /* the next plain line is the section's first */
    bool any_field;
    bool status_free; /* a status line said "available" / "free" */
};

static enum cwt_status apply(struct pstate *ps, enum field f, const char *v)
{
    struct cwt__whois *w = ps->w;
    int64_t t;
    if (!*v)
        return CWT_OK;
    switch (f) {
    case F_DOMAIN: {
        char low[256];
        size_t n = 0;
        for (; v[n] && !isspace((unsigned char)v[n]) && n + 1 < sizeof low; n++)
            low[n] = (char)tolower((unsigned char)v[n]);
        while (n && low[n - 1] == '.')
            n--;
        low[n] = '\0';
        return set1(&w->domain, low);
    }
    case F_CREATED:
    case F_EXPIRES:
    case F_UPDATED: {
        int64_t *slot = f == F_CREATED ? &w->created : f == F_EXPIRES ? &w->expires : &w->updated;
        if (!*slot && cwt__whois_parse_date(v, &t) == CWT_OK)
            *slot = t;
        return CWT_OK;
    }
    case F_REGISTRAR:
        if (is_redacted(v) || is_handle(v))
            return CWT_OK;
        return set1(&w->registrar, v);
    case F_IANA_ID:
        return set1(&w->registrar_iana_id, v);
    case F_REG_NAME:
        if (is_redacted(v)) {
            w->redacted |= CWT__RED_REGISTRANT_NAME;
            return CWT_OK;
        }
        return set1(&w->registrant_name, v);
    case F_REG_ORG:
        if (is_handle(v))
            return CWT_OK;
        if (is_redacted(v)) {
            w->redacted |= CWT__RED_REGISTRANT_ORG;
            return CWT_OK;
        }
        return set1(&w->registrant_org, v);
    case F_REG_COUNTRY:
        if (is_redacted(v)) {
            w->redacted |= CWT__RED_REGISTRANT_COUNTRY;
            return CWT_OK;
        }
        return set1(&w->registrant_country, v);
    case F_NS:
        return looks_like_host(v) ? add_list(w->nameservers, &w->nnameservers, v, true) : CWT_OK;
    case F_STATUS: {
        if (strcasecmp(v, "available") == 0 || strcasecmp(v, "free") == 0 || strcasecmp(v, "not registered") == 0)
            ps->status_free = true;
        /* "clientUpdateProhibited,clientTransferProhibited" or "ok https://icann.org/epp#ok" */
        const char *p = v;
        enum cwt_status rc = CWT_OK;
        while (*p && rc == CWT_OK) {
            rc = add_list(w->statuses, &w->nstatuses, p, false);
            while (*p && *p != ',')
                p++;
            while (*p == ',' || isspace((unsigned char)*p))
                p++;
            if (strncmp(p, "http", 4) == 0)
                break;
        }
        return rc;
    }
    case F_REFERRAL: {
        const char *h = v;
        if (strncmp(h, "whois://", 8) == 0)
            h += 8;
        else if (strncmp(h, "rwhois://", 9) == 0 || strncmp(h, "http", 4) == 0)
            return CWT_OK;
        return looks_like_host(h) ? set1(&w->referral, h) : CWT_OK;
    }
    default:
        return CWT_OK;
    }
}

/* Reads the plain (key-less) line @p v inside the open section. */
static enum cwt_status section_line(struct pstate *ps, const char *v)
{
    if (!has_alnum(v))
        return CWT_OK;
    bool first = ps->section_first;
    ps->section_first = false;
    switch (ps->section) {
    case F_SECTION_NS:
        return apply(ps, F_NS, v);
    case F_SECTION_REGISTRANT:
        return first ? apply(ps, F_REG_ORG, v) : CWT_OK;
    case F_SECTION_REGISTRAR:
        return first ? apply(ps, F_REGISTRAR, v) : CWT_OK;
    case F_SECTION_DOMAIN:
        return first ? apply(ps, F_DOMAIN, v) : CWT_OK;
    default:
        return CWT_OK;
    }
}

static const char *section_name(enum field f)
{
    switch (f) {
    case F_SECTION_REGISTRANT:
        return "registrant";
    case F_SECTION_REGISTRAR:
        return "registrar";
    case F_SECTION_NS:
        return "name server";
    case F_SECTION_OTHER:
        return "other";
    case F_SECTION_DOMAIN:
        return "domain";
    case F_SECTION_DATES:
        return "dates";
    default:
        return NULL;
    }
}

/* Splits a line into key and value. Returns false for a line without a key. */
static bool split_line(const char *line, size_t len, size_t *klen_out, const char **key, const char **val)
{
    const char *p = line;
    const char *end = line + len;
    /* JPRS: "a. [Domain Name]   VALUE" or "[State]  VALUE" */
    if (len > 3 && isalpha((unsigned char)p[0]) && p[1] == '.' && p[2] == ' ')
        p += 3;
    else if (len > 3 && isalpha((unsigned char)p[0]) && p[1] == ' ' && p[2] == '[')
        p += 2;
    while (p < end && *p == ' ')
        p++;
    if (p < end && *p == '[') {
        const char *close = memchr(p, ']', (size_t)(end - p));
        if (!close || close == p + 1)
            return false;
        if (close + 1 < end && !isspace((unsigned char)close[1]))
            return false;
        *key = p + 1;
        *klen_out = (size_t)(close - p - 1);
        *val = close + 1;
        return true;
    }
    /* "Key: value", "Key....: value", "Key : value"; a colon in a URL does not count */
    for (const char *q = p; q < end; q++) {
        if (*q == ':') {
            if (q + 2 < end && q[1] == '/' && q[2] == '/')
                return false;
            if (q == p)
                return false;
            *key = p;
            *klen_out = (size_t)(q - p);
            *val = q + 1;
            return true;
        }
        if (*q == '\t' && q > p) { /* "key\tvalue" (some ccTLDs) */
            *key = p;
            *klen_out = (size_t)(q - p);
            *val = q + 1;
            return true;
        }
    }
    return false;
}

static enum cwt_status do_line(struct pstate *ps, const char *line, size_t len)
{
    enum cwt_status rc = CWT_OK;
    int indent = 0;
    while ((size_t)indent < len && (line[indent] == ' ' || line[indent] == '\t'))
        indent++;
    if ((size_t)indent == len) { /* blank line closes a value-less section only if it had values */
        if (ps->section && !ps->section_first)
            ps->section = F_NONE;
        return CWT_OK;
    }
    if (line[indent] == '%' || line[indent] == '#' || line[indent] == '>' ||
        (line[indent] == '[' && len > 2 && line[len - 1] == ']' && line[indent + 1] == ' '))
        return CWT_OK;

    const char *kp = NULL, *vp = NULL;
    size_t klen = 0;
    char key[160], skey[200];
    char *val = NULL;
    for (size_t i = 0; i < CWT_ARRAY_LEN(phrases); i++) {
        size_t pl = strlen(phrases[i].key);
        if (len - (size_t)indent > pl && strncasecmp(line + indent, phrases[i].key, pl) == 0 &&
            !memchr(line + indent, ':', pl)) {
            const char *rest = line + indent + pl;
            size_t rl = len - (size_t)indent - pl;
            if (phrases[i].field == F_DOMAIN && (rl > 80 || memchr(rest, ':', rl)))
                break;
            val = trimdup(rest, rl);
            if (!val)
                return CWT_ENOMEM;
            if (phrases[i].field == F_DOMAIN && !looks_like_host(val)) {
                cwt_free(val);
                val = NULL;
                break;
            }
            ps->any_field = true;
            rc = apply(ps, phrases[i].field, val);
            goto out;
        }
    }
    if (split_line(line + indent, len - (size_t)indent, &klen, &kp, &vp)) {
        if (klen >= 80)
            goto plain;
        if (ps->section && indent <= ps->section_indent && !ps->section_first)
            ps->section = F_NONE;
        norm_key(kp, klen, key, sizeof key);
        val = trimdup(vp, (size_t)(line + len - vp));
        if (!val)
            return CWT_ENOMEM;
        if (!*val) {
            enum field sf = lookup(sections, CWT_ARRAY_LEN(sections), key);
            if (sf) {
                ps->section = sf;
                ps->section_indent = indent;
                ps->section_first = true;
            }
            goto out;
        }
        enum field f = F_NONE;
        const char *sn = section_name(ps->section);
        ps->section_first = false;
        bool known = false;
        if (sn) {
            snprintf(skey, sizeof skey, "%s/%s", sn, key);
            f = lookup(aliases, CWT_ARRAY_LEN(aliases), skey);
            known = has_alias(skey);
        }
        if (!known && ps->section == F_SECTION_OTHER)
            goto out; /* "Organization:" inside the admin contact is not the registrant's */
        if (!known && ps->section == F_SECTION_REGISTRAR) {
            /* registrar block: "Name: x" / "Organization: x" already handled; others ignored */
            goto out;
        }
        if (!known && ps->section == F_SECTION_REGISTRANT) {
            /* registrant block: "Name:", "Organization:", "Country:" */
            if (strcmp(key, "name") == 0)
                f = F_REG_NAME;
            else if (strcmp(key, "organization") == 0 || strcmp(key, "organisation") == 0 ||
                     strcmp(key, "org") == 0)
                f = F_REG_ORG;
            else if (strcmp(key, "country") == 0 || strcmp(key, "country code") == 0)
                f = F_REG_COUNTRY;
            else
                goto out;
            known = true;
        }
        if (!known && ps->section == F_SECTION_DOMAIN && strcmp(key, "name") == 0) {
            f = F_DOMAIN;
            known = true;
        }
        if (!known)
            f = lookup(aliases, CWT_ARRAY_LEN(aliases), key);
        if (f) {
            ps->any_field = true;
            rc = apply(ps, f, val);
        }
        goto out;
    }
plain:
    val = trimdup(line + indent, len - (size_t)indent);
    if (!val)
        return CWT_ENOMEM;
    {
        char nk[160];
        norm_key(val, strlen(val), nk, sizeof nk);
        enum field sf = lookup(sections, CWT_ARRAY_LEN(sections), nk);
        if (sf && strlen(val) < 60) {
            ps->section = sf;
            ps->section_indent = indent;
            ps->section_first = true;
            goto out;
        }
    }
    if (ps->section)
        rc = section_line(ps, val);
out:
    cwt_free(val);
    return rc;
}

static bool contains_ci(const char *hay, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= len; i++)
        if (strncasecmp(hay + i, needle, n) == 0)
            return true;
    return false;
}

enum cwt_status cwt__whois_parse_text(struct cwt__whois *w, const char *text, size_t len)
{
    struct pstate ps = {.w = w};
    enum cwt_status rc = CWT_OK;
    size_t lines = 0;
    const char *p = text, *end = text + len;
    while (p < end && lines < 20000) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
        size_t ll = l;
        while (ll && (p[ll - 1] == '\r' || p[ll - 1] == '\0'))
            ll--;
        if (ll < 4096) {
            rc = do_line(&ps, p, ll);
            if (rc)
                return rc;
        }
        lines++;
        p += l + (nl ? 1 : 0);
    }
    if (ps.status_free && !w->created && !w->expires)
        w->not_found = true;
    if (!w->created && !w->expires && !w->registrar && !w->nnameservers) {
        size_t head = CWT_MIN(len, (size_t)4096);
        for (size_t i = 0; i < CWT_ARRAY_LEN(notfound_phrases); i++)
            if (contains_ci(text, head, notfound_phrases[i])) {
                w->not_found = true;
                break;
            }
    }
    if (w->registrant_country && !w->registrant_cc[0])
        cwt__country_code(w->registrant_country, w->registrant_cc);
    if (!w->raw_excerpt) {
        w->raw_excerpt = cwt__whois_excerpt(text, len);
        if (!w->raw_excerpt && len)
            return CWT_ENOMEM;
    }
    return CWT_OK;
}
