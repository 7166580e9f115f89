/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of src/lib/fetch without the network: the SSRF guard's address
 * classes and allow-list, and charset detection/conversion with real encoded
 * samples (made with iconv here) and a real page that lies about its charset;
 * Content-Encoding decoding (decode.c) against zlib's own output; the crawl's look-up of a
 * site's name (lookup.c) against getaddrinfo's own answer for "localhost" (/etc/hosts).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <iconv.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fetch/charset.h"
#include "fetch/decode.h"
#include "fetch/lookup.h"
#include <zlib.h>
#include "util/netaddr.h"
#include "harness.h"

/* Builds a sockaddr for a textual address; returns its length. */
static socklen_t mkaddr(const char *s, int port, struct sockaddr_storage *ss)
{
    memset(ss, 0, sizeof *ss);
    struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
    if (inet_pton(AF_INET, s, &s4->sin_addr) == 1) {
        s4->sin_family = AF_INET;
        s4->sin_port = htons((unsigned short)port);
        return sizeof *s4;
    }
    assert_int_equal(inet_pton(AF_INET6, s, &s6->sin6_addr), 1);
    s6->sin6_family = AF_INET6;
    s6->sin6_port = htons((unsigned short)port);
    return sizeof *s6;
}

static const struct {
    const char *addr;
    const char *why; /* substring of the refusal; NULL: public */
} addr_cases[] = {
    {"8.8.8.8", NULL},
    {"1.1.1.1", NULL},
    {"93.184.216.34", NULL},
    {"100.63.255.255", NULL},
    {"100.128.0.0", NULL},
    {"172.32.0.1", NULL},
    {"192.169.0.1", NULL},
    {"2606:4700::1111", NULL},
    {"2a00:1450:4001:80e::200e", NULL},
    {"64:ff9b::808:808", NULL},
    {"2002:808:808::1", NULL},
    {"127.0.0.1", "loopback"},
    {"127.255.255.254", "loopback"},
    {"10.0.0.1", "10.0.0.0/8"},
    {"172.16.0.1", "172.16.0.0/12"},
    {"172.31.255.255", "172.16.0.0/12"},
    {"192.168.0.1", "192.168.0.0/16"},
    {"169.254.169.254", "link-local"},
    {"100.64.0.1", "cgnat"},
    {"100.127.255.255", "cgnat"},
    {"0.0.0.0", "unspecified"},
    {"0.1.2.3", "this network"},
    {"224.0.0.251", "multicast"},
    {"239.255.255.250", "multicast"},
    {"240.0.0.1", "reserved"},
    {"255.255.255.255", "broadcast"},
    {"192.0.2.1", "documentation"},
    {"198.18.0.1", "benchmarking"},
    {"192.0.0.8", "ietf"},
    {"::", "unspecified"},
    {"::1", "loopback"},
    {"::ffff:127.0.0.1", "ipv4-mapped"},
    {"::ffff:8.8.8.8", "ipv4-mapped"},
    {"::127.0.0.1", "ipv4-compatible"},
    {"64:ff9b::7f00:1", "nat64"},
    {"64:ff9b::a9fe:a9fe", "nat64"},
    {"64:ff9b:1::1", "local-use nat64"},
    {"fc00::1", "unique local"},
    {"fd12:3456::1", "unique local"},
    {"fe80::1", "link-local"},
    {"febf::1", "link-local"},
    {"fec0::1", "site-local"},
    {"ff02::1", "multicast"},
    {"2001:db8::1", "documentation"},
    {"2001:0:4136:e378::1", "teredo"},
    {"2002:7f00:1::1", "6to4"},
    {"2002:a00:1::1", "6to4"},
    {"100::1", "reserved"},
    {"4000::1", "reserved"},
};

static void test_addr_classes(void **state)
{
    (void)state;
    for (size_t i = 0; i < CWT_ARRAY_LEN(addr_cases); i++) {
        struct sockaddr_storage ss;
        socklen_t len = mkaddr(addr_cases[i].addr, 80, &ss);
        const char *why = cwt__addr_refusal((struct sockaddr *)&ss, len);
        if (!addr_cases[i].why) {
            if (why)
                fail_msg("%s refused as %s", addr_cases[i].addr, why);
        } else {
            if (!why || !strstr(why, addr_cases[i].why))
                fail_msg("%s: got '%s', want '%s'", addr_cases[i].addr, why ? why : "(public)", addr_cases[i].why);
        }
    }
    struct sockaddr sa = {.sa_family = AF_UNIX};
    assert_non_null(cwt__addr_refusal(&sa, sizeof sa));
    assert_non_null(cwt__addr_refusal(NULL, 0));
}

static const struct {
    const char *entry;
    const char *addr;
    int port;
    bool match;
} allow_cases[] = {
    {"127.0.0.1:8080", "127.0.0.1", 8080, true},
    {"127.0.0.1:8080", "127.0.0.1", 8081, false},
    {"127.0.0.1:8080", "127.0.0.2", 8080, false},
    {"127.0.0.1", "127.0.0.1", 1, true},
    {"10.0.0.0/8", "10.200.3.4", 443, true},
    {"10.0.0.0/8", "11.0.0.1", 443, false},
    {"10.0.0.0/8:443", "10.1.1.1", 80, false},
    {"192.168.1.0/25", "192.168.1.127", 80, true},
    {"192.168.1.0/25", "192.168.1.128", 80, false},
    {"[::1]:9000", "::1", 9000, true},
    {"[::1]:9000", "127.0.0.1", 9000, false},
    {"fd00::/8", "fd12::1", 80, true},
    {"[fd00::/8]:80", "fd12::1", 81, false},
    {"0.0.0.0/0", "1.2.3.4", 5, true},
};

static void test_allow_list(void **state)
{
    (void)state;
    for (size_t i = 0; i < CWT_ARRAY_LEN(allow_cases); i++) {
        struct cwt__allow a;
        struct cwt_err err;
        if (cwt__allow_parse(allow_cases[i].entry, &a, &err) != CWT_OK)
            fail_msg("cannot parse '%s': %s", allow_cases[i].entry, err.msg);
        struct sockaddr_storage ss;
        socklen_t len = mkaddr(allow_cases[i].addr, allow_cases[i].port, &ss);
        if (cwt__allow_match(&a, 1, (struct sockaddr *)&ss, len) != allow_cases[i].match)
            fail_msg("'%s' vs %s:%d", allow_cases[i].entry, allow_cases[i].addr, allow_cases[i].port);
    }
    static const char *bad[] = {"", "localhost", "127.0.0.1:0", "127.0.0.1:70000", "10.0.0.0/33", "[::1",
                                "::1/129", "1.2.3.4:80x", "1.2.3.4/"};
    for (size_t i = 0; i < CWT_ARRAY_LEN(bad); i++) {
        struct cwt__allow a;
        struct cwt_err err;
        cwt_err_clear(&err);
        if (cwt__allow_parse(bad[i], &a, &err) != CWT_EINVAL)
            fail_msg("'%s' accepted", bad[i]);
        assert_non_null(strstr(err.msg, "invalid allow-list entry"));
    }
}

/* Encodes UTF-8 @p s into @p cs with iconv; caller frees. */
static char *encode(const char *s, const char *cs, size_t *out_len)
{
    iconv_t cd = iconv_open(cs, "UTF-8");
    assert_true(cd != (iconv_t)-1);
    size_t il = strlen(s), ol = il * 4 + 16;
    char *out = malloc(ol), *op = out, *ip = (char *)s;
    assert_true(iconv(cd, &ip, &il, &op, &ol) != (size_t)-1);
    iconv(cd, NULL, NULL, &op, &ol);
    iconv_close(cd);
    *out_len = (size_t)(op - out);
    return out;
}

static const struct {
    const char *text;     /* UTF-8 */
    const char *encode_as; /* iconv name used to make the sample */
    const char *label;    /* declared label */
    const char *where;    /* "header" or "meta" */
    const char *want;     /* canonical charset */
} cs_cases[] = {
    {"联系我们 深圳市电子有限公司 质量证书", "GB18030", "gb2312", "header", "gbk"},
    {"联系我们 深圳市电子有限公司", "GBK", "GBK", "meta", "gbk"},
    {"聯絡我們 台北市電子股份有限公司 品質證書", "BIG5", "big5", "header", "big5"},
    {"ติดต่อเรา บริษัท ส่งออก จำกัด", "TIS-620", "tis-620", "meta", "windows-874"},
    {"ติดต่อเรา บริษัท", "CP874", "windows-874", "header", "windows-874"},
    {"Liên hệ với chúng tôi, Công ty xuất khẩu", "CP1258", "windows-1258", "meta", "windows-1258"},
    {"お問い合わせ 会社概要 品質保証", "SHIFT_JIS", "shift_jis", "header", "shift_jis"},
    {"お問い合わせ 会社概要", "EUC-JP", "euc-jp", "meta", "euc-jp"},
    {"문의하기 회사 소개", "EUC-KR", "euc-kr", "header", "euc-kr"},
    {"Über uns - Impressum, Größe", "ISO-8859-15", "iso-8859-15", "header", "iso-8859-15"},
    {"Café, crème brûlée", "ISO-8859-1", "iso-8859-1", "meta", "windows-1252"},
    {"Kontakt, Sprzedaż żółć", "ISO-8859-2", "latin2", "header", "iso-8859-2"},
    {"Связаться с нами", "KOI8-R", "koi8-r", "meta", "koi8-r"},
};

static void test_charset_samples(void **state)
{
    (void)state;
    for (size_t i = 0; i < CWT_ARRAY_LEN(cs_cases); i++) {
        size_t elen;
        char *enc = encode(cs_cases[i].text, cs_cases[i].encode_as, &elen);
        char page[2048];
        bool meta = strcmp(cs_cases[i].where, "meta") == 0;
        int hl = snprintf(page, sizeof page, "<html><head>%s%s%s</head><body><p>", meta ? "<meta charset=\"" : "",
                          meta ? cs_cases[i].label : "", meta ? "\">" : "");
        memcpy(page + hl, enc, elen);
        size_t plen = (size_t)hl + elen;
        memcpy(page + plen, "</p></body></html>", 18);
        plen += 18;
        struct cwt__charset_result r;
        assert_int_equal(cwt__charset_to_utf8(page, plen, meta ? NULL : cs_cases[i].label, true, &r), CWT_OK);
        if (strcmp(r.charset, cs_cases[i].want) != 0)
            fail_msg("case %zu: charset %s, want %s", i, r.charset, cs_cases[i].want);
        assert_string_equal(r.source, cs_cases[i].where);
        assert_int_equal(r.replaced, 0);
        if (!strstr(r.out, cs_cases[i].text))
            fail_msg("case %zu (%s): text not recovered: %s", i, cs_cases[i].label, r.out);
        assert_true(cwt__utf8_valid(r.out, r.out_len, NULL));
        assert_int_equal(strlen(r.out), r.out_len);
        cwt_free(r.out);
        free(enc);
    }
}

static void test_charset_lie_real_page(void **state)
{
    (void)state;
    size_t len;
    char *html = h_read_file(h_src("tests/fixtures/fetch/qq-head.html"), &len);
    assert_non_null(html);
    struct cwt__charset_result r;
    /* declared in <meta> only, and declared in the header as well */
    for (int hdr = 0; hdr < 2; hdr++) {
        assert_int_equal(cwt__charset_to_utf8(html, len, hdr ? "GB2312" : NULL, true, &r), CWT_OK);
        assert_string_equal(r.charset, "utf-8");
        assert_non_null(strstr(r.note, "declared"));
        assert_non_null(strstr(r.note, "valid utf-8"));
        assert_non_null(strstr(r.out, "人工智能迈上新台阶"));
        assert_int_equal(r.out_len, len);
        cwt_free(r.out);
    }
    free(html);
}

/* cwt__charset_to_utf8_take() of a copy of @p in: the same result as cwt__charset_to_utf8(); a
 * well-formed UTF-8 body is handed over in the caller's buffer (at its start, past a BOM too). */
static void check_take(const char *in, size_t len, const char *header, bool html, bool handed_over)
{
    struct cwt__charset_result a, b;
    assert_int_equal(cwt__charset_to_utf8(in, len, header, html, &a), CWT_OK);
    char *buf = cwt_malloc(len + 1);
    assert_non_null(buf);
    memcpy(buf, in, len);
    buf[len] = '\0';
    assert_int_equal(cwt__charset_to_utf8_take(buf, len, header, html, &b), CWT_OK);
    assert_int_equal(b.out_len, a.out_len);
    assert_memory_equal(b.out, a.out, a.out_len);
    assert_int_equal(b.out[b.out_len], '\0');
    assert_string_equal(b.charset, a.charset);
    assert_string_equal(b.source, a.source);
    assert_string_equal(b.note, a.note);
    assert_int_equal(b.replaced, a.replaced);
    if (handed_over)
        assert_ptr_equal(b.out, buf); /* else buf was freed: the sanitizer build would see a leak */
    else
        assert_ptr_not_equal(b.out, buf);
    cwt_free(a.out);
    cwt_free(b.out);
}

static void test_charset_take(void **state)
{
    (void)state;
    check_take("<p>plain ascii</p>", 18, NULL, true, true);
    check_take("<p>h\xC3\xA9 \xE8\x81\x94</p>", 14, "utf-8", true, true);
    check_take("<p>h\xC3\xA9 \xE8\x81\x94</p>", 14, "gbk", true, true); /* the lie: utf-8 whatever it says */
    check_take("\xEF\xBB\xBFh\xC3\xA9", 6, "gbk", true, true);           /* past a BOM */
    check_take("", 0, NULL, true, true);
    check_take("\xFF\xFEh\0i\0", 6, NULL, true, false);                    /* UTF-16: converted */
    check_take("a\xFF" "b\xC0\xAF" "c", 6, "utf-8", false, false);         /* ill-formed: replaced */
    check_take("caf\xE9", 4, "iso-8859-1", false, false);
    size_t elen;
    char *gbk = encode("<meta charset=gbk><p>联系我们</p>", "GBK", &elen);
    check_take(gbk, elen, "utf-8", true, false); /* the <meta> wins over a header the bytes contradict */
    check_take(gbk + 18, elen - 18, NULL, false, false);
    free(gbk);
}

static void test_charset_edges(void **state)
{
    (void)state;
    struct cwt__charset_result r;
    /* BOM wins over a header */
    assert_int_equal(cwt__charset_to_utf8("\xEF\xBB\xBFh\xC3\xA9", 6, "gbk", true, &r), CWT_OK);
    assert_string_equal(r.source, "bom");
    assert_string_equal(r.out, "h\xC3\xA9");
    cwt_free(r.out);
    /* UTF-16LE BOM */
    assert_int_equal(cwt__charset_to_utf8("\xFF\xFEh\0i\0", 6, NULL, true, &r), CWT_OK);
    assert_string_equal(r.out, "hi");
    cwt_free(r.out);
    /* long ASCII runs (read 32 bytes at a time) with one ill-formed or multibyte sequence at every offset
     * of a block, declared utf-8 and declared nothing: replaced and counted, or kept as they are */
    for (size_t at = 0; at < 70; at++) {
        char body[100];
        memset(body, 'a', sizeof body);
        memcpy(body + at, "\xC3\xA9", 2); /* é */
        assert_int_equal(cwt__charset_to_utf8(body, sizeof body, "utf-8", false, &r), CWT_OK);
        assert_int_equal(r.replaced, 0);
        assert_int_equal(r.out_len, sizeof body);
        assert_memory_equal(r.out, body, sizeof body);
        cwt_free(r.out);
        body[at + 1] = 'a'; /* a lone lead byte */
        assert_int_equal(cwt__charset_to_utf8(body, sizeof body, "utf-8", false, &r), CWT_OK);
        assert_int_equal(r.replaced, 1);
        assert_int_equal(r.out_len, sizeof body + 2);
        cwt_free(r.out);
        assert_int_equal(cwt__charset_to_utf8(body, sizeof body, NULL, false, &r), CWT_OK);
        assert_string_not_equal(r.charset, "utf-8"); /* not valid utf-8: sniffed as another charset */
        cwt_free(r.out);
    }
    /* declared utf-8 with invalid bytes: replaced, counted */
    assert_int_equal(cwt__charset_to_utf8("a\xFF" "b\xC0\xAF" "c", 6, "utf-8", false, &r), CWT_OK);
    assert_string_equal(r.out, "a\xEF\xBF\xBD" "b\xEF\xBF\xBD\xEF\xBF\xBD" "c");
    assert_int_equal(r.replaced, 3);
    cwt_free(r.out);
    /* header says utf-8, body is GBK with a matching <meta>: the meta wins, and it is said */
    size_t elen;
    char *gbk = encode("<meta charset=gbk><p>联系我们</p>", "GBK", &elen);
    assert_int_equal(cwt__charset_to_utf8(gbk, elen, "utf-8", true, &r), CWT_OK);
    assert_string_equal(r.charset, "gbk");
    assert_non_null(strstr(r.out, "联系我们"));
    assert_non_null(strstr(r.note, "not utf-8"));
    cwt_free(r.out);
    /* nothing declared, GBK bytes: sniffed */
    assert_int_equal(cwt__charset_to_utf8(gbk + 18, elen - 18, NULL, false, &r), CWT_OK);
    assert_string_equal(r.charset, "gbk");
    assert_string_equal(r.source, "sniffed");
    cwt_free(r.out);
    free(gbk);
    /* truncated multibyte at the end of a GBK body: replaced, no overrun */
    assert_int_equal(cwt__charset_to_utf8("ab\xD6", 3, "gbk", false, &r), CWT_OK);
    assert_string_equal(r.out, "ab\xEF\xBF\xBD");
    cwt_free(r.out);
    /* an unassigned EUC-KR pair at the end: glibc's converter takes both bytes and fails (EILSEQ) with
     * nothing left; one replacement, no step past the end (fuzz_charset) */
    assert_int_equal(cwt__charset_to_utf8("ab\xA2\xE8", 4, "euc-kr", false, &r), CWT_OK);
    assert_string_equal(r.out, "ab\xEF\xBF\xBD");
    assert_int_equal(r.replaced, 1);
    cwt_free(r.out);
    /* unknown label: bytes judged on their own, the label named */
    assert_int_equal(cwt__charset_to_utf8("plain", 5, "x-klingon", false, &r), CWT_OK);
    assert_string_equal(r.charset, "utf-8");
    assert_non_null(strstr(r.note, "x-klingon"));
    cwt_free(r.out);
    /* empty input */
    assert_int_equal(cwt__charset_to_utf8("", 0, NULL, true, &r), CWT_OK);
    assert_int_equal(r.out_len, 0);
    cwt_free(r.out);
}

static const struct {
    const char *html;
    const char *want; /* NULL: none */
} meta_cases[] = {
    {"<meta charset=\"GB2312\">", "gb2312"},
    {"<META CHARSET=big5>", "big5"},
    {"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-874\" />", "windows-874"},
    {"<meta content='text/html;charset=Shift_JIS' http-equiv='content-type'>", "shift_jis"},
    {"<meta name=\"description\" content=\"no charset here\">", NULL},
    {"<p>charset=gbk</p>", NULL},
    {"<meta charset=", NULL},
};

static void test_sniff_meta(void **state)
{
    (void)state;
    for (size_t i = 0; i < CWT_ARRAY_LEN(meta_cases); i++) {
        char buf[64];
        bool got = cwt__charset_sniff_meta(meta_cases[i].html, strlen(meta_cases[i].html), buf, sizeof buf);
        if (!meta_cases[i].want)
            assert_false(got);
        else {
            assert_true(got);
            assert_string_equal(buf, meta_cases[i].want);
        }
    }
    /* a meta past the first 1024 bytes is not looked at */
    char big[1200];
    memset(big, ' ', sizeof big);
    memcpy(big + 1100, "<meta charset=gbk>", 18);
    char buf[64];
    assert_false(cwt__charset_sniff_meta(big, sizeof big, buf, sizeof buf));
}

/* Compresses @p n bytes with zlib: @p wbits 31 gzip, 15 zlib, -15 raw deflate. */
static unsigned char *zpack(const void *in, size_t n, int wbits, size_t *out_len)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, wbits, 8, Z_DEFAULT_STRATEGY), Z_OK);
    size_t cap = deflateBound(&z, (uLong)n) + 64;
    unsigned char *out = malloc(cap);
    assert_non_null(out);
    z.next_in = (unsigned char *)in;
    z.avail_in = (uInt)n;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
    *out_len = z.total_out;
    deflateEnd(&z);
    return out;
}

static char *sample_text(size_t n)
{
    char *t = malloc(n + 1);
    assert_non_null(t);
    uint32_t x = 12345;
    for (size_t i = 0; i < n; i++) {
        x = x * 1103515245u + 12345u;
        t[i] = "abcdefgh <p>\n"[(x >> 16) % 13];
    }
    t[n] = '\0';
    return t;
}

static void expect_decoded(enum cwt__encoding enc, const unsigned char *in, size_t n, bool in_cut, size_t cap,
                           enum cwt_status want, const char *text, size_t text_len, bool want_cut)
{
    char *out = NULL, why[160];
    size_t out_len = 0;
    bool cut = false;
    assert_int_equal(cwt__decode_body(enc, in, n, in_cut, cap, &out, &out_len, &cut, why, sizeof why), want);
    assert_int_equal(out_len, text_len);
    assert_int_equal(cut, want_cut);
    if (text_len) {
        assert_non_null(out);
        assert_memory_equal(out, text, text_len);
        assert_int_equal(out[out_len], '\0');
    }
    if (want != CWT_OK)
        assert_true(why[0] != '\0');
    cwt_free(out);
}

static void test_decode(void **state)
{
    (void)state;
    assert_int_equal(cwt__encoding_of(NULL), CWT__ENC_IDENTITY);
    assert_int_equal(cwt__encoding_of(" identity "), CWT__ENC_IDENTITY);
    assert_int_equal(cwt__encoding_of("GZIP"), CWT__ENC_GZIP);
    assert_int_equal(cwt__encoding_of("x-gzip"), CWT__ENC_GZIP);
    assert_int_equal(cwt__encoding_of("deflate"), CWT__ENC_DEFLATE);
    assert_int_equal(cwt__encoding_of("br"), CWT__ENC_UNSUPPORTED);
    assert_int_equal(cwt__encoding_of("gzip, gzip"), CWT__ENC_UNSUPPORTED);

    size_t n = 300000, zn = 0;
    char *text = sample_text(n);
    unsigned char *gz = zpack(text, n, 31, &zn);
    /* whole (libdeflate's path), and with the cap exactly the size */
    expect_decoded(CWT__ENC_GZIP, gz, zn, false, 1 << 20, CWT_OK, text, n, false);
    expect_decoded(CWT__ENC_GZIP, gz, zn, false, n, CWT_OK, text, n, false);
    /* over the cap: the first cap bytes, cut (zlib's path) */
    expect_decoded(CWT__ENC_GZIP, gz, zn, false, 1000, CWT_OK, text, 1000, true);
    expect_decoded(CWT__ENC_GZIP, gz, zn, false, n - 1, CWT_OK, text, n - 1, true);
    /* input cut at a byte cap: what it holds, cut, no error; the same input not cut is an error */
    char *out = NULL, why[160];
    size_t out_len = 0;
    bool cut = false;
    assert_int_equal(cwt__decode_body(CWT__ENC_GZIP, gz, zn / 2, true, 1 << 20, &out, &out_len, &cut, why, sizeof why),
                     CWT_OK);
    assert_true(cut);
    assert_true(out_len > 0 && out_len < n);
    assert_memory_equal(out, text, out_len);
    cwt_free(out);
    assert_int_equal(cwt__decode_body(CWT__ENC_GZIP, gz, zn / 2, false, 1 << 20, &out, &out_len, &cut, why, sizeof why),
                     CWT_EPARSE);
    assert_non_null(strstr(why, "ends early"));
    cwt_free(out);
    /* two members, as RFC 1952 allows */
    size_t half = n / 2, z1 = 0, z2 = 0;
    unsigned char *g1 = zpack(text, half, 31, &z1), *g2 = zpack(text + half, n - half, 31, &z2);
    unsigned char *both = malloc(z1 + z2);
    assert_non_null(both);
    memcpy(both, g1, z1);
    memcpy(both + z1, g2, z2);
    expect_decoded(CWT__ENC_GZIP, both, z1 + z2, false, 1 << 20, CWT_OK, text, n, false);
    /* a damaged byte in the data, and a trailer whose size lies: errors naming gzip */
    unsigned char *bad = malloc(zn);
    assert_non_null(bad);
    memcpy(bad, gz, zn);
    bad[zn - 5] ^= 0xff; /* the CRC */
    assert_int_equal(cwt__decode_body(CWT__ENC_GZIP, bad, zn, false, 1 << 20, &out, &out_len, &cut, why, sizeof why),
                     CWT_EPARSE);
    assert_non_null(strstr(why, "gzip"));
    cwt_free(out);
    memcpy(bad, gz, zn);
    bad[zn - 4] ^= 0x01; /* ISIZE */
    assert_int_equal(cwt__decode_body(CWT__ENC_GZIP, bad, zn, false, 1 << 20, &out, &out_len, &cut, why, sizeof why),
                     CWT_EPARSE);
    cwt_free(out);
    /* not gzip at all */
    expect_decoded(CWT__ENC_GZIP, (const unsigned char *)"hello world, plain", 18, false, 100, CWT_EPARSE, NULL, 0,
                   false);
    /* deflate, zlib-wrapped and raw; empty bodies; an unsupported coding */
    size_t dn = 0, rn = 0;
    unsigned char *zl = zpack(text, n, 15, &dn), *raw = zpack(text, n, -15, &rn);
    expect_decoded(CWT__ENC_DEFLATE, zl, dn, false, 1 << 20, CWT_OK, text, n, false);
    expect_decoded(CWT__ENC_DEFLATE, raw, rn, false, 1 << 20, CWT_OK, text, n, false);
    expect_decoded(CWT__ENC_DEFLATE, raw, rn, false, 5000, CWT_OK, text, 5000, true);
    expect_decoded(CWT__ENC_GZIP, gz, 0, false, 100, CWT_OK, NULL, 0, false);
    expect_decoded(CWT__ENC_UNSUPPORTED, gz, zn, false, 100, CWT_EUNSUPPORTED, NULL, 0, false);
    free(zl);
    free(raw);
    free(bad);
    free(both);
    free(g1);
    free(g2);
    free(gz);
    free(text);
}

/* An addrinfo entry over @p ss for an address given as text (AF_UNIX when @p text is NULL). */
static struct addrinfo mkai(const char *text, struct sockaddr_storage *ss, struct addrinfo *next)
{
    struct addrinfo ai = {.ai_socktype = SOCK_STREAM, .ai_next = next};
    if (text) {
        ai.ai_addrlen = mkaddr(text, 0, ss);
        ai.ai_family = ss->ss_family;
    } else {
        memset(ss, 0, sizeof *ss);
        ss->ss_family = AF_UNIX;
        ai.ai_family = AF_UNIX;
        ai.ai_addrlen = sizeof *ss;
    }
    ai.ai_addr = (struct sockaddr *)ss;
    return ai;
}

static void test_lookup(void **state)
{
    (void)state;
    char out[200];
    struct sockaddr_storage s1, s2, s3, s4;
    struct addrinfo a4 = mkai("192.0.2.7", &s4, NULL), a3 = mkai("2001:db8::1", &s3, &a4),
                    a2 = mkai(NULL, &s2, &a3), a1 = mkai("10.0.0.1", &s1, &a2);
    /* IPv4 and IPv6 in order (IPv6 bracketed, as CURLOPT_RESOLVE wants it), other families skipped */
    assert_true(cwt__lookup_format(&a1, out, sizeof out));
    assert_string_equal(out, "10.0.0.1,[2001:db8::1],192.0.2.7");
    assert_false(cwt__lookup_format(&a1, out, 20)); /* does not fit: nothing to hand libcurl */
    assert_true(cwt__lookup_format(&a1, out, 33));  /* exactly fits with its NUL */
    assert_true(cwt__lookup_format(&a2, out, sizeof out)); /* an AF_UNIX entry first */
    assert_string_equal(out, "[2001:db8::1],192.0.2.7");
    a2.ai_next = NULL;
    assert_false(cwt__lookup_format(&a2, out, sizeof out)); /* no internet address */
    assert_false(cwt__lookup_format(NULL, out, sizeof out));

    /* "localhost" from /etc/hosts: getaddrinfo's own answer with libcurl's hints, in its order */
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res = NULL;
    int fd6 = socket(AF_INET6, SOCK_DGRAM, 0);
    if (fd6 < 0)
        hints.ai_family = AF_INET;
    else
        close(fd6);
    assert_int_equal(getaddrinfo("localhost", NULL, &hints, &res), 0);
    char want[200] = "";
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        char a[64];
        const void *src = ai->ai_family == AF_INET ? (const void *)&((struct sockaddr_in *)ai->ai_addr)->sin_addr
                                                   : (const void *)&((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr;
        assert_non_null(inet_ntop(ai->ai_family, src, a, sizeof a));
        snprintf(want + strlen(want), sizeof want - strlen(want), ai->ai_family == AF_INET6 ? "%s[%s]" : "%s%s",
                 want[0] ? "," : "", a);
    }
    freeaddrinfo(res);
    for (int i = 0; i < 3; i++) { /* the pool's threads serve the next look-ups */
        assert_true(cwt__lookup_addrs("localhost", 5000, out, sizeof out));
        assert_string_equal(out, want);
    }
    assert_non_null(strstr(out, "127.0.0.1"));
    assert_false(cwt__lookup_addrs("localhost", 5000, out, 4)); /* does not fit */
    assert_false(cwt__lookup_addrs("localhost", 0, out, sizeof out)); /* no time: left to libcurl */
    assert_false(cwt__lookup_addrs("", 5000, out, sizeof out));
    assert_false(cwt__lookup_addrs(NULL, 5000, out, sizeof out));
    /* a wait too short to finish: answered or given up, never a crash or a leak (a later call frees
     * a look-up glibc was still running) */
    for (int i = 0; i < 20; i++)
        if (cwt__lookup_addrs("localhost", 1, out, sizeof out))
            assert_string_equal(out, want);
    usleep(100 * 1000);
    assert_true(cwt__lookup_addrs("localhost", 5000, out, sizeof out));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_addr_classes),     cmocka_unit_test(test_allow_list),
        cmocka_unit_test(test_charset_samples),  cmocka_unit_test(test_charset_lie_real_page),
        cmocka_unit_test(test_charset_edges),    cmocka_unit_test(test_sniff_meta),
        cmocka_unit_test(test_charset_take),
        cmocka_unit_test(test_decode),
        cmocka_unit_test(test_lookup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
