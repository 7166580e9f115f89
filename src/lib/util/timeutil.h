/* SPDX-License-Identifier: Apache-2.0 */
/*
 * UTC calendar arithmetic without the C library's time zone machinery
 * (gmtime and localtime are banned): civil dates to days and back, ISO 8601
 * parsing and formatting, adding calendar months.
 */
#ifndef CWT_TIMEUTIL_H
#define CWT_TIMEUTIL_H

#include "util/common.h"

struct cwt_tm {
    int year, month, day; /* month 1-12, day 1-31 */
    int hour, min, sec;
};

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
int64_t cwt_days_from_civil(int y, int m, int d);
/* The civil date of day @p days since 1970-01-01. */
void cwt_civil_from_days(int64_t days, int *y, int *m, int *d);
/* Unix seconds to broken-down UTC, and back. */
void cwt_time_to_tm(int64_t t, struct cwt_tm *tm);
int64_t cwt_tm_to_time(const struct cwt_tm *tm);
/* Days in month @p m of year @p y. */
int cwt_days_in_month(int y, int m);
/*
 * Adds @p months calendar months to @p t, clamping the day to the end of the
 * target month (2026-08-31 + 6 months = 2027-02-28), time of day kept.
 */
int64_t cwt_time_add_months(int64_t t, int months);
/*
 * Parses ISO 8601 / RFC 3339: "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS[.frac]]"
 * followed by "Z", "+HH:MM", "+HHMM" or nothing (UTC). Also accepts a space
 * for 'T'. Returns CWT_OK and *out in Unix seconds, or CWT_EPARSE.
 */
enum cwt_status cwt_time_parse_iso(const char *s, int64_t *out);
/*
 * Parses an HTTP-date (RFC 9110 section 5.6.7) strictly: IMF-fixdate "Sun, 06 Nov 1994 08:49:37 GMT",
 * and the obsolete rfc850 "Sunday, 06-Nov-94 08:49:37 GMT" (two-digit year below 70: 20xx) and asctime
 * "Sun Nov  6 08:49:37 1994" forms. Names are case-sensitive, nothing may follow. CWT_OK and *out in
 * Unix seconds, or CWT_EPARSE.
 */
enum cwt_status cwt_time_parse_http(const char *s, int64_t *out);
/*
 * Parses a Retry-After value (RFC 9110 section 10.2.3): delta-seconds, or an HTTP-date taken relative to
 * @p now (Unix seconds; a date in the past waits 0). Surrounding blanks allowed. CWT_OK and *wait_s, or
 * CWT_EPARSE.
 */
enum cwt_status cwt_retry_after_parse(const char *value, int64_t now, int64_t *wait_s);
/* Formats @p t as "YYYY-MM-DDTHH:MM:SSZ" into @p out (at least 21 bytes). */
void cwt_time_format_iso(int64_t t, char out[static 21]);
/* Formats @p t as "YYYY-MM-DD" into @p out (at least 11 bytes). */
void cwt_time_format_date(int64_t t, char out[static 11]);

#endif
