/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of src/lib/util: status, errors, buffers, the clock, UTC calendar arithmetic. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>

#include "util/buf.h"
#include "util/timeutil.h"
#include "util/idn.h"
#include "util/url.h"
#include "util/utf8.h"

static void test_strerror_covers_every_status(void **state)
{
    (void)state;
    for (int s = 0; s < CWT_STATUS_COUNT_; s++) {
        assert_non_null(cwt_strerror((enum cwt_status)s));
        assert_string_not_equal(cwt_status_name((enum cwt_status)s), "unknown");
    }
    assert_string_equal(cwt_strerror((enum cwt_status)9999), "unknown error");
}

static void test_err_set(void **state)
{
    (void)state;
    struct cwt_err err;
    cwt_err_clear(&err);
    assert_int_equal(cwt_err_setf(&err, CWT_EINVAL, "row 3", "bad value '%s'", "x"), CWT_EINVAL);
    assert_string_equal(err.field, "row 3");
    assert_string_equal(err.msg, "bad value 'x'");
    assert_int_equal(cwt_err_set(NULL, CWT_ENOMEM, "x"), CWT_ENOMEM);
}

static void test_buf_cap(void **state)
{
    (void)state;
    struct cwt_buf b;
    cwt_buf_init(&b, 8);
    assert_int_equal(cwt_buf_adds(&b, "12345"), CWT_OK);
    assert_int_equal(cwt_buf_adds(&b, "6789"), CWT_ETOOBIG);
    assert_string_equal(b.data, "12345");
    assert_int_equal(cwt_buf_printf(&b, "%d", 678), CWT_OK);
    assert_string_equal(b.data, "12345678");
    assert_int_equal(cwt_buf_addc(&b, 'x'), CWT_ETOOBIG);
    size_t len;
    char *d = cwt_buf_detach(&b, &len);
    assert_int_equal(len, 8);
    cwt_free(d);
    cwt_buf_release(&b);
    /* a reservation: one allocation of exactly what is asked, terminated, bounded by the cap */
    cwt_buf_init(&b, 8);
    assert_int_equal(cwt_buf_reserve(&b, 9), CWT_ETOOBIG);
    assert_null(b.data);
    assert_int_equal(cwt_buf_reserve(&b, 8), CWT_OK);
    assert_int_equal(b.cap, 9);
    assert_string_equal(b.data, "");
    assert_int_equal(cwt_buf_adds(&b, "1234"), CWT_OK);
    assert_int_equal(cwt_buf_reserve(&b, 5), CWT_ETOOBIG);
    assert_int_equal(cwt_buf_reserve(&b, 2), CWT_OK); /* room already: nothing moves */
    assert_int_equal(b.cap, 9);
    assert_int_equal(cwt_buf_adds(&b, "5678"), CWT_OK);
    assert_string_equal(b.data, "12345678");
    cwt_buf_release(&b);
}

static int64_t fixed_clock(void *ud)
{
    return *(int64_t *)ud;
}

static void test_ctx_clock_and_limits(void **state)
{
    (void)state;
    struct cwt_ctx *ctx;
    assert_int_equal(cwt_ctx_new(&ctx), CWT_OK);
    int64_t t = INT64_C(1785456000) * 1000000;
    cwt_ctx_set_clock(ctx, fixed_clock, &t);
    assert_int_equal(cwt_ctx_now(ctx), 1785456000);
    struct cwt_limits l = {.max_pages = 3};
    cwt_ctx_set_limits(ctx, &l);
    assert_int_equal(cwt_ctx_limits(ctx)->max_pages, 3);
    assert_int_equal(cwt_ctx_limits(ctx)->max_redirects, 5);
    cwt_ctx_free(ctx);
    cwt_ctx_free(NULL);
}

static const struct {
    const char *in;
    int64_t want; /* -1: parse error */
} iso_cases[] = {
    {"1970-01-01", 0},
    {"2026-07-31", 1785456000},
    {"2026-07-31T23:59:59Z", 1785542399},
    {"2026-07-31T23:59:59+07:00", 1785517199},
    {"2024-02-29T00:00:00.123Z", 1709164800},
    {"2023-02-29", -1},
    {"2026-13-01", -1},
    {"2026-07-31T24:00:00Z", -1},
    {"2026-07-31X", -1},
    {"", -1},
};

static void test_iso_parse(void **state)
{
    (void)state;
    for (size_t i = 0; i < CWT_ARRAY_LEN(iso_cases); i++) {
        int64_t t = 0;
        enum cwt_status rc = cwt_time_parse_iso(iso_cases[i].in, &t);
        if (iso_cases[i].want < 0) {
            assert_int_equal(rc, CWT_EPARSE);
        } else {
            assert_int_equal(rc, CWT_OK);
            assert_int_equal(t, iso_cases[i].want);
        }
    }
    char s[21];
    cwt_time_format_iso(1785542399, s);
    assert_string_equal(s, "2026-07-31T23:59:59Z");
}

/* HTTP-date (RFC 9110 5.6.7): the three forms, strictly; 784111777 is Sun, 06 Nov 1994 08:49:37 GMT. */
static const struct {
    const char *in;
    int64_t want; /* -1: parse error */
} http_date_cases[] = {
    {"Sun, 06 Nov 1994 08:49:37 GMT", 784111777},
    {"Sunday, 06-Nov-94 08:49:37 GMT", 784111777},
    {"Sun Nov  6 08:49:37 1994", 784111777},
    {"Sun Nov 16 08:49:37 1994", 784111777 + 10 * 86400},
    {"Thu, 31 Dec 2026 23:59:60 GMT", 1798761599},
    {"Friday, 31-Dec-27 00:00:00 GMT", 1830211200},
    {"Sun, 06 Nov 1994 08:49:37 UTC", -1},
    {"sun, 06 Nov 1994 08:49:37 GMT", -1},
    {"Sun, 6 Nov 1994 08:49:37 GMT", -1},
    {"Sun, 06 Nov 1994 08:49:37 GMT ", -1},
    {"Sun, 31 Feb 1994 08:49:37 GMT", -1},
    {"Sun, 06 Nov 1994 24:00:00 GMT", -1},
    {"Sun, 06 Nox 1994 08:49:37 GMT", -1},
    {"Sun Nov 6 08:49:37 1994", -1},
    {"Sun Nov  6 08:49:37 1994 GMT", -1},
    {"Sun, 06-Nov-94 08:49:37 GMT", -1},
    {"Sunday, 06 Nov 1994 08:49:37 GMT", -1},
    {"Sun", -1},
    {"", -1},
};

static void test_http_date(void **state)
{
    (void)state;
    for (size_t i = 0; i < CWT_ARRAY_LEN(http_date_cases); i++) {
        int64_t t = 0;
        enum cwt_status rc = cwt_time_parse_http(http_date_cases[i].in, &t);
        print_message("'%s' -> %s %lld\n", http_date_cases[i].in, cwt_status_name(rc), (long long)t);
        if (http_date_cases[i].want < 0) {
            assert_int_equal(rc, CWT_EPARSE);
        } else {
            assert_int_equal(rc, CWT_OK);
            assert_int_equal(t, http_date_cases[i].want);
        }
    }
}

static void test_retry_after(void **state)
{
    (void)state;
    int64_t w = -1, now = 784111777;
    assert_int_equal(cwt_retry_after_parse("120", now, &w), CWT_OK);
    assert_int_equal(w, 120);
    assert_int_equal(cwt_retry_after_parse(" 0\t", now, &w), CWT_OK);
    assert_int_equal(w, 0);
    assert_int_equal(cwt_retry_after_parse("99999999999999999999999", now, &w), CWT_OK);
    assert_int_equal(w, INT64_MAX);
    assert_int_equal(cwt_retry_after_parse("Sun, 06 Nov 1994 08:49:39 GMT", now, &w), CWT_OK);
    assert_int_equal(w, 2);
    assert_int_equal(cwt_retry_after_parse("Sun, 06 Nov 1994 08:49:30 GMT", now, &w), CWT_OK);
    assert_int_equal(w, 0); /* in the past: no wait */
    assert_int_equal(cwt_retry_after_parse("Sun Nov  6 09:49:37 1994", now, &w), CWT_OK);
    assert_int_equal(w, 3600);
    const char *bad[] = {"", "  ", "-1", "1.5", "10s", "+3", "soon", "Sun, 06 Nov 1994 08:49:39", NULL};
    for (size_t i = 0; i < CWT_ARRAY_LEN(bad); i++)
        assert_int_equal(cwt_retry_after_parse(bad[i], now, &w), CWT_EPARSE);
}

static void test_add_months(void **state)
{
    (void)state;
    static const struct {
        const char *from;
        int months;
        const char *want;
    } cases[] = {
        {"2026-08-31T10:00:00Z", 6, "2027-02-28T10:00:00Z"},
        {"2027-08-31T10:00:00Z", 6, "2028-02-29T10:00:00Z"}, /* leap year */
        {"2024-02-29T00:00:00Z", 12, "2025-02-28T00:00:00Z"},
        {"2026-01-31T00:00:00Z", 1, "2026-02-28T00:00:00Z"},
        {"2026-12-15T00:00:00Z", -12, "2025-12-15T00:00:00Z"},
        {"2026-03-31T00:00:00Z", -1, "2026-02-28T00:00:00Z"},
    };
    for (size_t i = 0; i < CWT_ARRAY_LEN(cases); i++) {
        int64_t t;
        assert_int_equal(cwt_time_parse_iso(cases[i].from, &t), CWT_OK);
        char s[21];
        cwt_time_format_iso(cwt_time_add_months(t, cases[i].months), s);
        assert_string_equal(s, cases[i].want);
    }
}

static void test_civil_roundtrip(void **state)
{
    (void)state;
    for (int64_t d = -800000; d < 800000; d += 997) {
        int y, m, dd;
        cwt_civil_from_days(d, &y, &m, &dd);
        assert_int_equal(cwt_days_from_civil(y, m, dd), d);
    }
    struct cwt_tm tm;
    cwt_time_to_tm(-1, &tm);
    assert_int_equal(tm.year, 1969);
    assert_int_equal(tm.sec, 59);
}

/* A-labels typed in ASCII are checked as their U-label form would be: one verdict for both forms. */
static void test_idn_alabels(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out; /* out NULL: refused */
    } rows[] = {
        {"XN--BCHER-KVA.Example", "xn--bcher-kva.example"},
        {"bücher.example", "xn--bcher-kva.example"},
        {"*.xn--bcher-kva.example", "*.xn--bcher-kva.example"},   /* certificate wildcards pass */
        {"_dmarc.example.com", "_dmarc.example.com"},
        {"xn--fsqu00a.xn--fiqs8s", "xn--fsqu00a.xn--fiqs8s"},      /* 例子.中国 */
        {"例子.中国", "xn--fsqu00a.xn--fiqs8s"},
        {"xn--72c1a1bt4awk9o.xn--o3cw4h", "xn--72c1a1bt4awk9o.xn--o3cw4h"}, /* ตัวอย่าง.ไทย */
        {"Công-Ty.vn", "xn--cng-ty-ixa.vn"},
        {"axn--zz.example", "axn--zz.example"},                  /* not a label start: plain ASCII */
        {"xn--zz.example", NULL},                                /* invalid punycode */
        {"www.xn--.example", NULL},
        {"xn--bcher-kvb.example", NULL},                         /* decodes to a character IDNA forbids */
    };
    for (size_t i = 0; i < CWT_ARRAY_LEN(rows); i++) {
        char *out = NULL;
        struct cwt_err err;
        cwt_err_clear(&err);
        enum cwt_status rc = cwt__idn_to_ascii(rows[i].in, &out, &err);
        if (rows[i].out) {
            if (rc != CWT_OK)
                fail_msg("'%s' refused: %s", rows[i].in, err.msg);
            assert_string_equal(out, rows[i].out);
        } else {
            if (rc != CWT_EINVAL)
                fail_msg("'%s' accepted as '%s'", rows[i].in, out ? out : "");
            assert_non_null(strstr(err.msg, rows[i].in)); /* the refusal names the host */
        }
        cwt_free(out);
    }
}

static void test_url_split(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        enum cwt_status rc;
        const char *host;
        int port;
    } cases[] = {
        {"https://www.Ningbo-Valves.example/", CWT_OK, "www.ningbo-valves.example", 443},
        {"http://example.com:8080/x?y#z", CWT_OK, "example.com", 8080},
        {"https://evil.example@127.0.0.1/", CWT_OK, "127.0.0.1", 443},
        {"https://[::1]:8443/", CWT_OK, "::1", 8443},
        {"https://bücher.example/", CWT_OK, "xn--bcher-kva.example", 443},
        {"https://例子.中国/", CWT_OK, "xn--fsqu00a.xn--fiqs8s", 443},
        {"ftp://example.com/", CWT_EUNSUPPORTED, NULL, 0},
        {"example.com", CWT_EINVAL, NULL, 0},
        {"https:///path", CWT_EINVAL, NULL, 0},
        {"https://example.com:0/", CWT_EINVAL, NULL, 0},
        {"https://example.com:99999/", CWT_EINVAL, NULL, 0},
        {"https://exa mple.com/", CWT_EINVAL, NULL, 0},
        {"https://[::1/", CWT_EINVAL, NULL, 0},
    };
    for (size_t i = 0; i < CWT_ARRAY_LEN(cases); i++) {
        struct cwt_url u;
        struct cwt_err err;
        cwt_err_clear(&err);
        enum cwt_status rc = cwt__url_split(cases[i].in, &u, &err);
        if (rc != cases[i].rc)
            fail_msg("'%s': got %s (%s)", cases[i].in, cwt_status_name(rc), err.msg);
        if (rc == CWT_OK) {
            assert_string_equal(u.host, cases[i].host);
            assert_int_equal(u.port, cases[i].port);
        } else {
            assert_string_equal(err.field, "url");
        }
    }
    char *rd = cwt__registrable_domain("www.shop.example.co.th");
    assert_string_equal(rd, "example.co.th");
    cwt_free(rd);
}

/* Encoding at each length boundary gives the RFC 3629 bytes, which validate. */
static void test_utf8_put(void **state)
{
    static const struct {
        unsigned long cp;
        const char *want;
    } v[] = {{0x41, "A"}, {0x7f, "\x7f"}, {0x80, "\xc2\x80"}, {0xe9, "\xc3\xa9"}, {0x7ff, "\xdf\xbf"},
             {0x800, "\xe0\xa0\x80"}, {0x4e2d, "\xe4\xb8\xad"}, {0xffff, "\xef\xbf\xbf"},
             {0x10000, "\xf0\x90\x80\x80"}, {0x1f600, "\xf0\x9f\x98\x80"}, {0x10ffff, "\xf4\x8f\xbf\xbf"}};
    for (size_t i = 0; i < CWT_ARRAY_LEN(v); i++) {
        char out[4];
        size_t n = (size_t)(cwt__utf8_put(out, v[i].cp) - out);
        if (n != strlen(v[i].want) || memcmp(out, v[i].want, n) != 0)
            fail_msg("U+%04lX: %zu bytes, not the %zu of RFC 3629", v[i].cp, n, strlen(v[i].want));
        assert_true(cwt__utf8_valid(out, n, NULL));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_strerror_covers_every_status),
        cmocka_unit_test(test_utf8_put),
        cmocka_unit_test(test_err_set),
        cmocka_unit_test(test_buf_cap),
        cmocka_unit_test(test_ctx_clock_and_limits),
        cmocka_unit_test(test_iso_parse),
        cmocka_unit_test(test_http_date),
        cmocka_unit_test(test_retry_after),
        cmocka_unit_test(test_add_months),
        cmocka_unit_test(test_civil_roundtrip),
        cmocka_unit_test(test_url_split),
        cmocka_unit_test(test_idn_alabels),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
