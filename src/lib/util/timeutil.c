/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements UTC calendar arithmetic: civil dates to day numbers
 * and back (Howard Hinnant's public-domain algorithms), ISO 8601 parsing and
 * formatting, HTTP-date and Retry-After parsing (RFC 9110), and month arithmetic that clamps to the end of the month. All
 * times are Unix seconds, UTC.
 */
#include <stdio.h>
#include <string.h>

#include "util/timeutil.h"

int64_t cwt_days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153u * (unsigned)(m + (m > 2 ? -3 : 9)) + 2u) / 5u + (unsigned)d - 1u;
    const unsigned doe = yoe * 365u + yoe / 4u - yoe / 100u + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

void cwt_civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = (unsigned)(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t yy = (int64_t)yoe + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yy + (*m <= 2));
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

void cwt_time_to_tm(int64_t t, struct cwt_tm *tm)
{
    int64_t days = floor_div(t, 86400);
    int64_t rem = t - days * 86400;
    cwt_civil_from_days(days, &tm->year, &tm->month, &tm->day);
    tm->hour = (int)(rem / 3600);
    tm->min = (int)(rem / 60 % 60);
    tm->sec = (int)(rem % 60);
}

int64_t cwt_tm_to_time(const struct cwt_tm *tm)
{
    return cwt_days_from_civil(tm->year, tm->month, tm->day) * 86400 + tm->hour * 3600 + tm->min * 60 + tm->sec;
}

int cwt_days_in_month(int y, int m)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return dm[(m - 1) % 12];
}

int64_t cwt_time_add_months(int64_t t, int months)
{
    struct cwt_tm tm;
    cwt_time_to_tm(t, &tm);
    int64_t mi = (int64_t)tm.year * 12 + (tm.month - 1) + months;
    tm.year = (int)floor_div(mi, 12);
    tm.month = (int)(mi - (int64_t)tm.year * 12) + 1;
    int dim = cwt_days_in_month(tm.year, tm.month);
    if (tm.day > dim)
        tm.day = dim;
    return cwt_tm_to_time(&tm);
}

static int digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        char c = (*p)[i];
        if (c < '0' || c > '9')
            return -1;
        v = v * 10 + (c - '0');
    }
    *p += n;
    *out = v;
    return 0;
}

enum cwt_status cwt_time_parse_iso(const char *s, int64_t *out)
{
    struct cwt_tm tm = {0};
    const char *p = s;
    if (!s || digits(&p, 4, &tm.year) || *p++ != '-' || digits(&p, 2, &tm.month) || *p++ != '-' ||
        digits(&p, 2, &tm.day))
        return CWT_EPARSE;
    if (tm.month < 1 || tm.month > 12 || tm.day < 1 || tm.day > cwt_days_in_month(tm.year, tm.month))
        return CWT_EPARSE;
    int64_t offset = 0;
    if (*p == 'T' || *p == 't' || *p == ' ') {
        p++;
        if (digits(&p, 2, &tm.hour) || *p++ != ':' || digits(&p, 2, &tm.min))
            return CWT_EPARSE;
        if (*p == ':') {
            p++;
            if (digits(&p, 2, &tm.sec))
                return CWT_EPARSE;
            if (*p == '.' || *p == ',') {
                p++;
                if (*p < '0' || *p > '9')
                    return CWT_EPARSE;
                while (*p >= '0' && *p <= '9')
                    p++;
            }
        }
        if (tm.hour > 23 || tm.min > 59 || tm.sec > 60)
            return CWT_EPARSE;
        if (tm.sec == 60)
            tm.sec = 59;
        if (*p == 'Z' || *p == 'z') {
            p++;
        } else if (*p == '+' || *p == '-') {
            int sign = *p++ == '-' ? -1 : 1, oh, om = 0;
            if (digits(&p, 2, &oh))
                return CWT_EPARSE;
            if (*p == ':')
                p++;
            if (*p && digits(&p, 2, &om))
                return CWT_EPARSE;
            if (oh > 23 || om > 59)
                return CWT_EPARSE;
            offset = sign * (oh * 3600 + om * 60);
        }
    }
    if (*p)
        return CWT_EPARSE;
    *out = cwt_tm_to_time(&tm) - offset;
    return CWT_OK;
}

/* The index (1-7 or 1-12) of the name at *p among @p names (each @p len bytes, case-sensitive as RFC 9110
 * says), advancing *p; 0 when none. */
static int name_at(const char **p, const char *const *names, int n, size_t len)
{
    for (int i = 0; i < n; i++)
        if (strncmp(*p, names[i], len) == 0) {
            *p += len;
            return i + 1;
        }
    return 0;
}

static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
static const char *const wdays[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
static const char *const wdays_long[] = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};

/* "HH:MM:SS" */
static int hms(const char **p, struct cwt_tm *tm)
{
    if (digits(p, 2, &tm->hour) || *(*p)++ != ':' || digits(p, 2, &tm->min) || *(*p)++ != ':' ||
        digits(p, 2, &tm->sec))
        return -1;
    return 0;
}

enum cwt_status cwt_time_parse_http(const char *s, int64_t *out)
{
    struct cwt_tm tm = {0};
    const char *p = s;
    if (!s)
        return CWT_EPARSE;
    if (name_at(&p, wdays, 7, 3) && *p == ',') {
        /* IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT" */
        p++;
        if (*p++ != ' ' || digits(&p, 2, &tm.day) || *p++ != ' ' || !(tm.month = name_at(&p, months, 12, 3)) ||
            *p++ != ' ' || digits(&p, 4, &tm.year) || *p++ != ' ' || hms(&p, &tm) || strcmp(p, " GMT") != 0)
            return CWT_EPARSE;
    } else if (p == s + 3 && *p == ' ') {
        /* asctime: "Sun Nov  6 08:49:37 1994" */
        p++;
        if (!(tm.month = name_at(&p, months, 12, 3)) || *p++ != ' ')
            return CWT_EPARSE;
        if (*p == ' ') {
            p++;
            if (digits(&p, 1, &tm.day))
                return CWT_EPARSE;
        } else if (digits(&p, 2, &tm.day)) {
            return CWT_EPARSE;
        }
        if (*p++ != ' ' || hms(&p, &tm) || *p++ != ' ' || digits(&p, 4, &tm.year) || *p)
            return CWT_EPARSE;
    } else {
        /* rfc850: "Sunday, 06-Nov-94 08:49:37 GMT"; a two-digit year below 70 is 20xx */
        p = s;
        int wd = 0;
        for (int i = 0; i < 7 && !wd; i++) {
            size_t n = strlen(wdays_long[i]);
            if (strncmp(p, wdays_long[i], n) == 0) {
                wd = i + 1;
                p += n;
            }
        }
        int yy;
        if (!wd || *p++ != ',' || *p++ != ' ' || digits(&p, 2, &tm.day) || *p++ != '-' ||
            !(tm.month = name_at(&p, months, 12, 3)) || *p++ != '-' || digits(&p, 2, &yy) || *p++ != ' ' ||
            hms(&p, &tm) || strcmp(p, " GMT") != 0)
            return CWT_EPARSE;
        tm.year = yy < 70 ? 2000 + yy : 1900 + yy;
    }
    if (tm.day < 1 || tm.day > cwt_days_in_month(tm.year, tm.month) || tm.hour > 23 || tm.min > 59 || tm.sec > 60)
        return CWT_EPARSE;
    if (tm.sec == 60)
        tm.sec = 59;
    *out = cwt_tm_to_time(&tm);
    return CWT_OK;
}

enum cwt_status cwt_retry_after_parse(const char *value, int64_t now, int64_t *wait_s)
{
    if (!value)
        return CWT_EPARSE;
    while (*value == ' ' || *value == '\t')
        value++;
    size_t n = strlen(value);
    while (n && (value[n - 1] == ' ' || value[n - 1] == '\t'))
        n--;
    char v[64];
    if (n == 0 || n >= sizeof v)
        return CWT_EPARSE;
    memcpy(v, value, n);
    v[n] = '\0';
    if (v[0] >= '0' && v[0] <= '9') {
        /* delta-seconds = 1*DIGIT; a huge value saturates (it is refused by any cap anyway) */
        int64_t d = 0;
        for (const char *q = v; *q; q++) {
            if (*q < '0' || *q > '9')
                return CWT_EPARSE;
            d = d > (INT64_MAX - 9) / 10 ? INT64_MAX : d * 10 + (*q - '0');
        }
        *wait_s = d;
        return CWT_OK;
    }
    int64_t at;
    if (cwt_time_parse_http(v, &at) != CWT_OK)
        return CWT_EPARSE;
    *wait_s = at > now ? at - now : 0;
    return CWT_OK;
}

void cwt_time_format_iso(int64_t t, char out[static 21])
{
    struct cwt_tm tm;
    cwt_time_to_tm(t, &tm);
    char tmp[80];
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.year % 10000, tm.month, tm.day, tm.hour, tm.min,
             tm.sec);
    memcpy(out, tmp, 20);
    out[20] = '\0';
}

void cwt_time_format_date(int64_t t, char out[static 11])
{
    struct cwt_tm tm;
    cwt_time_to_tm(t, &tm);
    char tmp[40];
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", tm.year % 10000, tm.month, tm.day);
    memcpy(out, tmp, 10);
    out[10] = '\0';
}
