/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the checkers of single upload fields: ISO 3166-1
 * alpha-2 countries, ISO 4217 currencies, HS codes (6 to 10 digits, dots
 * allowed), UN/CEFACT unit codes, plain decimals, months and dates, ISO
 * management-system standards, certificate numbers and statuses,
 * international phone numbers, BCP 47 language lists and opening hours
 * ("Mo-Fr 09:00-18:00; Sa 09:00-12:00" or "24/7"). Each takes trimmed text.
 */
#include <ctype.h>
#include <stdio.h>

#include "program/csv.h"
#include "program/uploads.h"
#include "util/timeutil.h"

static bool in_list(const char *list, const char *s, size_t len)
{
    if (strlen(s) != len)
        return false;
    for (const char *p = list;; p += len + 1) {
        if (memcmp(p, s, len) == 0)
            return true;
        if (p[len] == '\0')
            return false;
    }
}

bool cwt__is_country(const char *s)
{
    static const char list[] =
        "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW "
        "BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ "
        "FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ "
        "IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH "
        "MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL "
        "PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD "
        "TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";
    return in_list(list, s, 2);
}

bool cwt__is_currency(const char *s)
{
    static const char list[] =
        "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD CAD CDF "
        "CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD "
        "HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD "
        "MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN "
        "PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP "
        "TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG ZWL";
    return in_list(list, s, 3);
}

bool cwt__is_hs_code(const char *s)
{
    size_t digits = 0;
    for (const char *p = s; *p; p++) {
        if (isdigit((unsigned char)*p))
            digits++;
        else if (*p != '.' || p == s || !isdigit((unsigned char)p[-1]) || !isdigit((unsigned char)p[1]))
            return false;
    }
    return digits >= 6 && digits <= 10 && digits % 2 == 0;
}

bool cwt__is_unit(const char *s)
{
    size_t n = strlen(s);
    if (n < 2 || n > 3)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isupper((unsigned char)s[i]) && !isdigit((unsigned char)s[i]))
            return false;
    return isupper((unsigned char)s[0]) || isupper((unsigned char)s[n - 1]);
}

bool cwt__is_uint(const char *s, uint64_t max)
{
    uint64_t v = 0;
    if (!*s || strlen(s) > 12)
        return false;
    for (const char *p = s; *p; p++) {
        if (!isdigit((unsigned char)*p))
            return false;
        v = v * 10 + (uint64_t)(*p - '0');
    }
    return v <= max;
}

bool cwt__is_decimal(const char *s)
{
    size_t ip = 0, fp = 0;
    const char *p = s;
    while (isdigit((unsigned char)*p))
        p++, ip++;
    if (*p == '.') {
        p++;
        while (isdigit((unsigned char)*p))
            p++, fp++;
        if (fp == 0)
            return false;
    }
    return *p == '\0' && ip >= 1 && ip <= 15 && fp <= 6;
}

bool cwt__is_month(const char *s, int *y, int *m)
{
    if (strlen(s) != 7 || s[4] != '-')
        return false;
    for (int i = 0; i < 7; i++)
        if (i != 4 && !isdigit((unsigned char)s[i]))
            return false;
    *y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    *m = (s[5] - '0') * 10 + (s[6] - '0');
    return *m >= 1 && *m <= 12 && *y >= 1970;
}

bool cwt__is_date(const char *s, int64_t *t)
{
    return strlen(s) == 10 && cwt_time_parse_iso(s, t) == CWT_OK;
}

bool cwt__is_iso_standard(const char *s)
{
    static const char *const prefixes[] = {"ISO/IEC ", "ISO/TS ", "ISO ", "IATF ", "IEC ", NULL};
    const char *p = NULL;
    for (const char *const *x = prefixes; *x && !p; x++)
        if (strncmp(s, *x, strlen(*x)) == 0)
            p = s + strlen(*x);
    if (!p)
        return false;
    size_t n = 0;
    while (isdigit((unsigned char)*p))
        p++, n++;
    if (n < 3 || n > 5)
        return false;
    if (*p == '-') {
        p++;
        n = 0;
        while (isdigit((unsigned char)*p))
            p++, n++;
        if (n < 1 || n > 2)
            return false;
    }
    if (*p == ':') {
        p++;
        n = 0;
        while (isdigit((unsigned char)*p))
            p++, n++;
        if (n != 4)
            return false;
    }
    return *p == '\0';
}

bool cwt__is_cert_number(const char *s)
{
    size_t n = strlen(s), alnum = 0;
    if (n < 1 || n > 64)
        return false;
    for (const char *p = s; *p; p++) {
        if (isalnum((unsigned char)*p))
            alnum++;
        else if (!strchr(" ./-_", *p))
            return false;
    }
    return alnum > 0;
}

bool cwt__is_iso_status(const char *s)
{
    static const char *const st[] = {"issued",  "renewed",     "suspended", "withdrawn", "expired",
                                     "restored", "scope_changed", "transferred", NULL};
    for (const char *const *x = st; *x; x++)
        if (strcmp(s, *x) == 0)
            return true;
    return false;
}

bool cwt__is_phone_intl(const char *s)
{
    if (s[0] != '+')
        return false;
    size_t digits = 0;
    for (const char *p = s + 1; *p; p++) {
        if (isdigit((unsigned char)*p))
            digits++;
        else if (!strchr(" -().", *p))
            return false;
    }
    return digits >= 7 && digits <= 15 && isdigit((unsigned char)s[1]) && s[1] != '0';
}

/* One BCP 47 tag, simplified: a 2-3 letter language, then subtags of 2-8 alphanumerics. */
static bool lang_tag(const char *s, size_t n)
{
    size_t i = 0, k = 0;
    while (i < n && islower((unsigned char)s[i]))
        i++, k++;
    if (k < 2 || k > 3)
        return false;
    while (i < n) {
        if (s[i] != '-')
            return false;
        i++;
        k = 0;
        while (i < n && isalnum((unsigned char)s[i]))
            i++, k++;
        if (k < 2 || k > 8)
            return false;
    }
    return true;
}

bool cwt__is_languages(const char *s)
{
    size_t count = 0;
    const char *p = s;
    while (*p) {
        while (*p == ' ')
            p++;
        const char *e = p;
        while (*e && *e != ';' && *e != ' ')
            e++;
        if (!lang_tag(p, (size_t)(e - p)) || ++count > 20)
            return false;
        while (*e == ' ')
            e++;
        if (*e == ';')
            e++;
        else if (*e)
            return false;
        p = e;
    }
    return count > 0;
}

static int day_index(const char *p)
{
    static const char days[] = "MoTuWeThFrSaSu";
    for (int i = 0; i < 7; i++)
        if (p[0] == days[2 * i] && p[1] == days[2 * i + 1])
            return i;
    return -1;
}

static bool hhmm(const char **pp, int *mins)
{
    const char *p = *pp;
    if (!isdigit((unsigned char)p[0]) || !isdigit((unsigned char)p[1]) || p[2] != ':' ||
        !isdigit((unsigned char)p[3]) || !isdigit((unsigned char)p[4]))
        return false;
    int h = (p[0] - '0') * 10 + (p[1] - '0'), m = (p[3] - '0') * 10 + (p[4] - '0');
    if (h > 24 || m > 59 || (h == 24 && m))
        return false;
    *mins = h * 60 + m;
    *pp = p + 5;
    return true;
}

/* One rule: "Mo-Fr,Su 09:00-12:00,13:00-18:00". */
static bool hours_rule(const char *p, const char *end)
{
    for (;;) {
        if (end - p < 2 || day_index(p) < 0)
            return false;
        p += 2;
        if (*p == '-') {
            p++;
            if (end - p < 2 || day_index(p) < 0)
                return false;
            p += 2;
        }
        if (*p != ',')
            break;
        p++;
    }
    if (*p != ' ')
        return false;
    while (*p == ' ')
        p++;
    for (;;) {
        int a, b;
        if (end - p < 11 || !hhmm(&p, &a) || *p++ != '-' || !hhmm(&p, &b) || a == b)
            return false;
        if (p == end)
            return true;
        if (*p++ != ',')
            return false;
    }
}

bool cwt__is_hours(const char *s)
{
    if (strcmp(s, "24/7") == 0)
        return true;
    size_t rules = 0;
    const char *p = s;
    while (*p) {
        while (*p == ' ')
            p++;
        const char *e = strchr(p, ';');
        if (!e)
            e = p + strlen(p);
        const char *t = e;
        while (t > p && t[-1] == ' ')
            t--;
        if (!hours_rule(p, t) || ++rules > 14)
            return false;
        p = *e ? e + 1 : e;
    }
    return rules > 0;
}

bool cwt__is_text(const char *s, size_t min, size_t max)
{
    size_t n = strlen(s);
    if (n < min || n > max)
        return false;
    bool letter = false;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x20 || *p == 0x7f)
            return false;
        if (isalpha(*p) || *p >= 0x80)
            letter = true;
    }
    return letter;
}
