/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the life of a registration record (new, free, "no
 * data" with a reason), its JSON rendering, the raw excerpt kept as evidence,
 * and the date parser for the many ways registries write a date: ISO 8601,
 * "17-Mar-2003", "2003/03/17", "2003. 03. 17.", "20030317", "17.03.2003",
 * "Tue Mar 17 12:20:05 GMT 2003", "March 17, 2003", "before Aug-1996".
 */
#include <ctype.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <strings.h>

#include "util/timeutil.h"
#include "whois/whois_record.h"

struct cwt__whois *cwt__whois_new(void)
{
    return CWT_NEW(struct cwt__whois);
}

void cwt__whois_free(struct cwt__whois *w)
{
    if (!w)
        return;
    cwt_free(w->reason);
    cwt_free(w->server);
    cwt_free(w->domain);
    cwt_free(w->registrar);
    cwt_free(w->registrar_iana_id);
    cwt_free(w->registrant_name);
    cwt_free(w->registrant_org);
    cwt_free(w->registrant_country);
    for (size_t i = 0; i < w->nstatuses; i++)
        cwt_free(w->statuses[i]);
    for (size_t i = 0; i < w->nnameservers; i++)
        cwt_free(w->nameservers[i]);
    cwt_free(w->raw_excerpt);
    cwt_free(w->referral);
    cwt_free(w);
}

enum cwt_status cwt__whois_set_none(struct cwt__whois *w, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    w->source = CWT__WHOIS_NONE;
    cwt_free(w->reason);
    w->reason = cwt_strdup(msg);
    return w->reason ? CWT_OK : CWT_ENOMEM;
}

char *cwt__whois_excerpt(const char *text, size_t len)
{
    size_t n = CWT_MIN(len, (size_t)CWT__WHOIS_RAW_EXCERPT);
    while (n > 0 && n < len && ((unsigned char)text[n] & 0xC0) == 0x80)
        n--;
    char *o = cwt_malloc(n + 1);
    if (!o)
        return NULL;
    size_t j = 0;
    for (size_t i = 0; i < n; i++)
        if (text[i] != '\0' && text[i] != '\r')
            o[j++] = text[i];
    o[j] = '\0';
    return o;
}

static const char *const months[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                     "jul", "aug", "sep", "oct", "nov", "dec"};

static bool valid_ymd(int y, int m, int d)
{
    return y >= 1980 && y <= 2200 && m >= 1 && m <= 12 && d >= 1 && d <= cwt_days_in_month(y, m);
}

enum cwt_status cwt__whois_parse_date(const char *s, int64_t *out)
{
    long num[8];
    int digits[8];
    size_t nn = 0;
    int month = 0, hh = 0, mi = 0, ss = 0;
    bool have_time = false;
    const char *p = s;
    size_t steps = 0;
    while (*p == ' ' || *p == '\t')
        p++;
    /* ISO 8601 with an offset goes through the shared parser first */
    if (isdigit((unsigned char)p[0]) && strlen(p) >= 10 && p[4] == '-' && p[7] == '-') {
        char iso[40];
        size_t n = 0;
        while (p[n] && p[n] != '(' && n + 1 < sizeof iso) {
            if (p[n] == ' ' && !(n == 10 && isdigit((unsigned char)p[n + 1])))
                break;
            iso[n] = p[n];
            n++;
        }
        iso[n] = '\0';
        if (cwt_time_parse_iso(iso, out) == CWT_OK)
            return CWT_OK;
    }
    while (*p && steps++ < 200) {
        unsigned char c = (unsigned char)*p;
        if (isdigit(c)) {
            const char *q = p;
            long v = 0;
            int nd = 0;
            while (isdigit((unsigned char)*q) && nd < 9)
                v = v * 10 + (*q++ - '0'), nd++;
            while (isdigit((unsigned char)*q))
                q++;
            if (*q == ':' && !have_time && nd <= 2) { /* HH:MM[:SS] */
                hh = (int)v;
                q++;
                mi = (int)strtol(q, (char **)&q, 10);
                if (*q == ':') {
                    q++;
                    ss = (int)strtol(q, (char **)&q, 10);
                }
                while (*q == '.' || isdigit((unsigned char)*q))
                    q++;
                have_time = true;
            } else if (nn < CWT_ARRAY_LEN(num)) {
                num[nn] = v;
                digits[nn] = nd;
                nn++;
            }
            p = q;
        } else if (isalpha(c)) {
            const char *q = p;
            while (isalpha((unsigned char)*q))
                q++;
            if (!month && q - p >= 3)
                for (int i = 0; i < 12; i++)
                    if (strncasecmp(p, months[i], 3) == 0) {
                        month = i + 1;
                        break;
                    }
            p = q;
        } else {
            p++;
        }
        if (nn >= 3 && have_time)
            break;
    }
    int y = 0, m = 0, d = 0;
    if (nn >= 1 && digits[0] == 8 && !month) {
        y = (int)(num[0] / 10000);
        m = (int)(num[0] / 100 % 100);
        d = (int)(num[0] % 100);
    } else if (month) {
        m = month;
        d = 1;
        bool dset = false;
        for (size_t i = 0; i < nn; i++) {
            if (digits[i] == 4 && !y)
                y = (int)num[i];
            else if (!dset && num[i] >= 1 && num[i] <= 31 && digits[i] <= 2) {
                d = (int)num[i];
                dset = true;
            }
        }
    } else if (nn >= 3 && digits[0] == 4) {
        y = (int)num[0];
        m = (int)num[1];
        d = (int)num[2];
    } else if (nn >= 3 && digits[2] == 4) {
        d = (int)num[0];
        m = (int)num[1];
        y = (int)num[2];
        if (m > 12 && d <= 12) {
            int t = m;
            m = d;
            d = t;
        }
    } else if (nn >= 3 && digits[2] == 2) {
        d = (int)num[0];
        m = (int)num[1];
        y = (int)num[2] + (num[2] < 70 ? 2000 : 1900);
    } else {
        return CWT_EPARSE;
    }
    if (!valid_ymd(y, m, d) || hh > 23 || mi > 59 || ss > 60)
        return CWT_EPARSE;
    *out = cwt_days_from_civil(y, m, d) * 86400 + hh * 3600 + mi * 60 + (ss > 59 ? 59 : ss);
    return CWT_OK;
}

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *date_or_null(int64_t t)
{
    if (!t)
        return json_null();
    char iso[21];
    cwt_time_format_iso(t, iso);
    return json_string(iso);
}

json_t *cwt__whois_to_json(const struct cwt__whois *w)
{
    json_t *o = json_object();
    json_t *st = json_array(), *ns = json_array(), *red = json_array();
    if (!o || !st || !ns || !red)
        goto fail;
    static const char *const src[] = {"none", "rdap", "whois"};
    if (json_object_set_new(o, "source", json_string(src[w->source])) ||
        json_object_set_new(o, "reason", str_or_null(w->reason)) ||
        json_object_set_new(o, "not_found", json_boolean(w->not_found)) ||
        json_object_set_new(o, "server", str_or_null(w->server)) ||
        json_object_set_new(o, "domain", str_or_null(w->domain)) ||
        json_object_set_new(o, "registrar", str_or_null(w->registrar)) ||
        json_object_set_new(o, "registrar_iana_id", str_or_null(w->registrar_iana_id)) ||
        json_object_set_new(o, "registrant_name", str_or_null(w->registrant_name)) ||
        json_object_set_new(o, "registrant_org", str_or_null(w->registrant_org)) ||
        json_object_set_new(o, "registrant_country", str_or_null(w->registrant_country)) ||
        json_object_set_new(o, "registrant_cc", w->registrant_cc[0] ? json_string(w->registrant_cc) : json_null()) ||
        json_object_set_new(o, "created", date_or_null(w->created)) ||
        json_object_set_new(o, "expires", date_or_null(w->expires)) ||
        json_object_set_new(o, "updated", date_or_null(w->updated)))
        goto fail;
    for (size_t i = 0; i < w->nstatuses; i++)
        if (json_array_append_new(st, json_string(w->statuses[i])))
            goto fail;
    for (size_t i = 0; i < w->nnameservers; i++)
        if (json_array_append_new(ns, json_string(w->nameservers[i])))
            goto fail;
    static const char *const rn[] = {"registrant_name", "registrant_org", "registrant_country",
                                     "registrant_contact"};
    for (unsigned i = 0; i < 4; i++)
        if ((w->redacted & (1u << i)) && json_array_append_new(red, json_string(rn[i])))
            goto fail;
    /* json_object_set_new() takes the reference even when it fails */
    int bad = json_object_set_new(o, "statuses", st);
    st = NULL;
    bad |= json_object_set_new(o, "nameservers", ns);
    ns = NULL;
    bad |= json_object_set_new(o, "redacted", red);
    red = NULL;
    if (bad)
        goto fail;
    return o;
fail:
    json_decref(st);
    json_decref(ns);
    json_decref(red);
    json_decref(o);
    return NULL;
}
