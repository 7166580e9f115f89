/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements charset detection and conversion to UTF-8 for the
 * bodies the fetch layer receives. The order of evidence follows the HTML
 * standard's encoding sniffing: a byte-order mark, then the Content-Type
 * charset, then a <meta> in the first 1024 bytes, then the bytes themselves.
 * Labels are mapped WHATWG-style (gb2312 means GBK, tis-620 means
 * windows-874, iso-8859-1 means windows-1252) and converted with the C
 * library's iconv. A declared charset the bytes contradict is detected: a body
 * that is valid UTF-8 with multibyte characters is UTF-8 whatever it claims
 * (qq.com declares gb2312 and sends UTF-8). Invalid sequences become U+FFFD;
 * nothing here can read past the input or grow past 4 bytes per input byte.
 */
#include <errno.h>
#include <iconv.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <stdio.h>
#include <strings.h>

#include "fetch/charset.h"

struct cs_label {
    const char *label;
    const char *canonical;
    const char *iconv_name; /* NULL: UTF-8 (validated, not converted) */
};

static const struct cs_label cs_labels[] = {
    {"utf-8", "utf-8", NULL},
    {"utf8", "utf-8", NULL},
    {"unicode-1-1-utf-8", "utf-8", NULL},
    {"gbk", "gbk", "GB18030"},
    {"gb2312", "gbk", "GB18030"},
    {"gb_2312", "gbk", "GB18030"},
    {"gb_2312-80", "gbk", "GB18030"},
    {"x-gbk", "gbk", "GB18030"},
    {"chinese", "gbk", "GB18030"},
    {"csgb2312", "gbk", "GB18030"},
    {"iso-ir-58", "gbk", "GB18030"},
    {"cp936", "gbk", "GB18030"},
    {"windows-936", "gbk", "GB18030"},
    {"gb18030", "gb18030", "GB18030"},
    {"big5", "big5", "BIG5-HKSCS"},
    {"big5-hkscs", "big5", "BIG5-HKSCS"},
    {"cn-big5", "big5", "BIG5-HKSCS"},
    {"csbig5", "big5", "BIG5-HKSCS"},
    {"x-x-big5", "big5", "BIG5-HKSCS"},
    {"cp950", "big5", "BIG5-HKSCS"},
    {"tis-620", "windows-874", "CP874"},
    {"iso-8859-11", "windows-874", "CP874"},
    {"iso8859-11", "windows-874", "CP874"},
    {"windows-874", "windows-874", "CP874"},
    {"dos-874", "windows-874", "CP874"},
    {"x-cp1258", "windows-1258", "CP1258"},
    {"cp1258", "windows-1258", "CP1258"},
    {"windows-1258", "windows-1258", "CP1258"},
    {"shift_jis", "shift_jis", "CP932"},
    {"shift-jis", "shift_jis", "CP932"},
    {"sjis", "shift_jis", "CP932"},
    {"x-sjis", "shift_jis", "CP932"},
    {"ms932", "shift_jis", "CP932"},
    {"ms_kanji", "shift_jis", "CP932"},
    {"windows-31j", "shift_jis", "CP932"},
    {"csshiftjis", "shift_jis", "CP932"},
    {"euc-jp", "euc-jp", "EUC-JP"},
    {"x-euc-jp", "euc-jp", "EUC-JP"},
    {"iso-2022-jp", "iso-2022-jp", "ISO-2022-JP"},
    {"euc-kr", "euc-kr", "CP949"},
    {"ks_c_5601-1987", "euc-kr", "CP949"},
    {"korean", "euc-kr", "CP949"},
    {"windows-949", "euc-kr", "CP949"},
    {"cseuckr", "euc-kr", "CP949"},
    {"windows-1252", "windows-1252", "CP1252"},
    {"cp1252", "windows-1252", "CP1252"},
    {"x-cp1252", "windows-1252", "CP1252"},
    {"iso-8859-1", "windows-1252", "CP1252"},
    {"iso8859-1", "windows-1252", "CP1252"},
    {"iso_8859-1", "windows-1252", "CP1252"},
    {"latin1", "windows-1252", "CP1252"},
    {"l1", "windows-1252", "CP1252"},
    {"us-ascii", "windows-1252", "CP1252"},
    {"ascii", "windows-1252", "CP1252"},
    {"iso-8859-2", "iso-8859-2", "ISO-8859-2"},
    {"latin2", "iso-8859-2", "ISO-8859-2"},
    {"iso-8859-3", "iso-8859-3", "ISO-8859-3"},
    {"iso-8859-4", "iso-8859-4", "ISO-8859-4"},
    {"iso-8859-5", "iso-8859-5", "ISO-8859-5"},
    {"iso-8859-6", "iso-8859-6", "ISO-8859-6"},
    {"iso-8859-7", "iso-8859-7", "ISO-8859-7"},
    {"iso-8859-8", "iso-8859-8", "ISO-8859-8"},
    {"iso-8859-9", "windows-1254", "CP1254"},
    {"latin5", "windows-1254", "CP1254"},
    {"iso-8859-10", "iso-8859-10", "ISO-8859-10"},
    {"iso-8859-13", "iso-8859-13", "ISO-8859-13"},
    {"iso-8859-14", "iso-8859-14", "ISO-8859-14"},
    {"iso-8859-15", "iso-8859-15", "ISO-8859-15"},
    {"latin9", "iso-8859-15", "ISO-8859-15"},
    {"iso-8859-16", "iso-8859-16", "ISO-8859-16"},
    {"windows-1250", "windows-1250", "CP1250"},
    {"windows-1251", "windows-1251", "CP1251"},
    {"windows-1253", "windows-1253", "CP1253"},
    {"windows-1254", "windows-1254", "CP1254"},
    {"windows-1255", "windows-1255", "CP1255"},
    {"windows-1256", "windows-1256", "CP1256"},
    {"windows-1257", "windows-1257", "CP1257"},
    {"koi8-r", "koi8-r", "KOI8-R"},
    {"koi8-u", "koi8-u", "KOI8-U"},
    {"utf-16le", "utf-16le", "UTF-16LE"},
    {"utf-16", "utf-16le", "UTF-16LE"},
    {"utf-16be", "utf-16be", "UTF-16BE"},
};

static const struct cs_label *cs_find(const char *label, size_t len)
{
    while (len && (*label == ' ' || *label == '\t' || *label == '"' || *label == '\'')) {
        label++;
        len--;
    }
    while (len && (label[len - 1] == ' ' || label[len - 1] == '\t' || label[len - 1] == '"' ||
                   label[len - 1] == '\'' || label[len - 1] == ';'))
        len--;
    for (size_t i = 0; i < CWT_ARRAY_LEN(cs_labels); i++)
        if (strlen(cs_labels[i].label) == len && strncasecmp(cs_labels[i].label, label, len) == 0)
            return &cs_labels[i];
    return NULL;
}

const char *cwt__charset_canonical(const char *label, size_t len)
{
    const struct cs_label *l = label ? cs_find(label, len) : NULL;
    return l ? l->canonical : NULL;
}

/* Length of the well-formed UTF-8 sequence at s (1..4), 0 if none. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    if (c < 0x80)
        return 1;
    size_t need;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF)
        need = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        need = 3;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 4;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else {
        return 0;
    }
    if (n < need || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < need; i++)
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
    return need;
}

/* Counts multibyte sequences; false at the first ill-formed byte. */
static bool utf8_scan(const char *s, size_t len, size_t *multibyte)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, mb = 0;
    while (i < len) {
        if (p[i] < 0x80) {
#if defined(__SSE2__)
            while (i + 32 <= len) { /* 32 ASCII bytes at a time (most of a page) */
                __m128i a = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
                __m128i b = _mm_loadu_si128((const __m128i *)(const void *)(p + i + 16));
                if (_mm_movemask_epi8(_mm_or_si128(a, b)))
                    break;
                i += 32;
            }
#endif
            uint64_t w; /* eight ASCII bytes at a time */
            while (i + 8 <= len && (memcpy(&w, p + i, 8), (w & 0x8080808080808080u) == 0))
                i += 8;
            if (i < len && p[i] < 0x80)
                i++;
            continue;
        }
        size_t k = utf8_seq(p + i, len - i);
        if (!k)
            return false;
        mb++;
        i += k;
    }
    if (multibyte)
        *multibyte = mb;
    return true;
}

static void put_fffd(char **o)
{
    memcpy(*o, "\xEF\xBF\xBD", 3);
    *o += 3;
}

/* Copies UTF-8, replacing each ill-formed byte by U+FFFD; @p out holds 3 * len bytes. */
static size_t utf8_sanitize(const char *in, size_t len, char *out, unsigned *replaced)
{
    const unsigned char *p = (const unsigned char *)in;
    char *o = out;
    size_t i = 0;
    while (i < len) {
        size_t k = utf8_seq(p + i, len - i);
        if (!k) {
            put_fffd(&o);
            (*replaced)++;
            i++;
            continue;
        }
        memcpy(o, p + i, k);
        o += k;
        i += k;
    }
    return (size_t)(o - out);
}

/* Converts with iconv into @p out (4 * len + 4 bytes); -1 when iconv cannot open @p name. */
static long iconv_convert(const char *name, const char *in, size_t len, char *out, size_t outcap, unsigned *replaced)
{
    iconv_t cd = iconv_open("UTF-8", name);
    if (cd == (iconv_t)-1)
        return -1;
    char *ip = (char *)in, *op = out;
    size_t il = len, ol = outcap;
    while (il > 0) {
        if (iconv(cd, &ip, &il, &op, &ol) != (size_t)-1)
            break;
        if (errno == E2BIG || ol < 3)
            break; /* cannot happen with the 4x bound; stop rather than overrun */
        put_fffd(&op);
        ol -= 3;
        (*replaced)++;
        if (errno == EINVAL || il == 0) /* incomplete sequence at the end, or nothing left to skip */
            break;
        ip++; /* (glibc's CP949 converter fails with EILSEQ after taking the last bytes, a2 e8: fuzz_charset) */
        il--;
        iconv(cd, NULL, NULL, NULL, NULL);
    }
    iconv(cd, NULL, NULL, &op, &ol);
    iconv_close(cd);
    return (long)(op - out);
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '/';
}

/* The first place of @p needle (lower case) in [h, end), any case: its first byte is compared before the rest. */
static const char *find_ci(const char *h, const char *end, const char *needle)
{
    size_t n = strlen(needle);
    char c0 = needle[0], c1 = (c0 >= 'a' && c0 <= 'z') ? (char)(c0 - 32) : c0;
    for (const char *p = h; p + n <= end; p++)
        if ((*p == c0 || *p == c1) && strncasecmp(p + 1, needle + 1, n - 1) == 0)
            return p;
    return NULL;
}

bool cwt__charset_sniff_meta(const char *html, size_t len, char *buf, size_t size)
{
    const char *end = html + CWT_MIN(len, (size_t)1024);
    const char *p = html;
    while ((p = find_ci(p, end, "<meta")) != NULL) {
        const char *tag_end = memchr(p, '>', (size_t)(end - p));
        if (!tag_end)
            tag_end = end;
        const char *cs = find_ci(p, tag_end, "charset");
        p += 5;
        if (!cs)
            continue;
        cs += 7;
        while (cs < tag_end && is_space(*cs))
            cs++;
        if (cs >= tag_end || *cs != '=')
            continue;
        cs++;
        while (cs < tag_end && (is_space(*cs) || *cs == '"' || *cs == '\''))
            cs++;
        size_t n = 0;
        while (cs + n < tag_end && cs[n] != '"' && cs[n] != '\'' && cs[n] != ';' && cs[n] != '>' &&
               !is_space(cs[n]))
            n++;
        if (!n || n >= size)
            continue;
        for (size_t i = 0; i < n; i++)
            buf[i] = (char)((cs[i] >= 'A' && cs[i] <= 'Z') ? cs[i] + 32 : cs[i]);
        buf[n] = '\0';
        return true;
    }
    return false;
}

/* Decodes with @p l into res; CWT_ENOMEM or CWT_OK. @p valid: whether the bytes are well-formed
 * UTF-8 when the caller has scanned them (1 or 0), else -1. @p own: the caller's buffer that @p in
 * lies in (at its start, or past a BOM), which well-formed UTF-8 is handed over in instead of being
 * copied (then *own becomes NULL); NULL when @p in is not ours to keep. */
static enum cwt_status decode_as(const struct cs_label *l, const char *in, size_t len,
                                 struct cwt__charset_result *res, int valid, char **own)
{
    res->replaced = 0;
    if (!l->iconv_name && (valid < 0 ? utf8_scan(in, len, NULL) : valid == 1)) { /* well-formed UTF-8: the bytes as they are */
        char *copy;
        if (own && *own) {
            copy = *own;
            *own = NULL;
            if (copy != in)
                memmove(copy, in, len); /* past a BOM */
        } else if ((copy = cwt_malloc(len + 1)) != NULL) {
            memcpy(copy, in, len);
        } else {
            return CWT_ENOMEM;
        }
        copy[len] = '\0';
        res->charset = l->canonical;
        cwt_free(res->out);
        res->out = copy;
        res->out_len = len;
        return CWT_OK;
    }
    size_t cap = len * 4 + 4;
    char *out = cwt_malloc(cap + 1);
    if (!out)
        return CWT_ENOMEM;
    size_t n;
    long r = l->iconv_name ? iconv_convert(l->iconv_name, in, len, out, cap, &res->replaced) : -1;
    if (r >= 0) {
        n = (size_t)r;
        res->charset = l->canonical;
    } else {
        /* UTF-8 (or a converter the C library lacks): keep the bytes, replace what is ill-formed */
        n = utf8_sanitize(in, len, out, &res->replaced);
        res->charset = l->iconv_name ? "utf-8" : l->canonical;
        if (l->iconv_name)
            snprintf(res->note, sizeof res->note, "no converter for '%s'; bytes kept as utf-8", l->canonical);
    }
    out[n] = '\0';
    if (n + 1 < cap / 2) { /* give back the worst-case reserve */
        char *shrunk = cwt_realloc(out, n + 1);
        if (shrunk)
            out = shrunk;
    }
    cwt_free(res->out);
    res->out = out;
    res->out_len = n;
    return CWT_OK;
}

/* Converts with @p l and reports whether it was clean, without keeping the result. */
static bool decodes_cleanly(const struct cs_label *l, const char *in, size_t len)
{
    if (!l->iconv_name)
        return cwt__utf8_valid(in, len, NULL);
    struct cwt__charset_result tmp = {0};
    if (decode_as(l, in, len, &tmp, -1, NULL) != CWT_OK)
        return false;
    bool clean = tmp.replaced == 0 && strcmp(tmp.charset, l->canonical) == 0;
    cwt_free(tmp.out);
    return clean;
}

/* cwt__charset_to_utf8(), handing well-formed UTF-8 over in *@p own when @p own is given (see decode_as). */
static enum cwt_status to_utf8(const char *in, size_t len, const char *header_charset, bool is_html,
                               struct cwt__charset_result *res, char **own)
{
    static const struct cs_label utf8 = {"utf-8", "utf-8", NULL};
    static const struct cs_label u16le = {"utf-16le", "utf-16le", "UTF-16LE"};
    static const struct cs_label u16be = {"utf-16be", "utf-16be", "UTF-16BE"};
    static const struct cs_label gbk = {"gbk", "gbk", "GB18030"};
    static const struct cs_label w1252 = {"windows-1252", "windows-1252", "CP1252"};
    enum cwt_status rc;
    memset(res, 0, sizeof *res);
    const unsigned char *u = (const unsigned char *)in;

    if (len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
        res->source = "bom";
        return decode_as(&utf8, in + 3, len - 3, res, -1, own);
    }
    if (len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF))) {
        res->source = "bom";
        return decode_as(u[0] == 0xFF ? &u16le : &u16be, in + 2, len - 2, res, -1, own);
    }

    const struct cs_label *declared = NULL, *meta = NULL;
    char label[64] = "";
    char meta_label[64] = "";
    if (header_charset && *header_charset) {
        declared = cs_find(header_charset, strlen(header_charset));
        snprintf(label, sizeof label, "%s", header_charset);
        res->source = "header";
    }
    if (is_html && cwt__charset_sniff_meta(in, len, meta_label, sizeof meta_label))
        meta = cs_find(meta_label, strlen(meta_label));
    if (!declared && meta) {
        declared = meta;
        snprintf(label, sizeof label, "%s", meta_label);
        res->source = "meta";
    }
    /* UTF-16 declared by a page that is readable ASCII is a lie browsers also ignore */
    if (declared && declared->iconv_name && strncmp(declared->canonical, "utf-16", 6) == 0 &&
        strcmp(res->source, "meta") == 0)
        declared = &utf8;

    size_t mb = 0;
    bool valid_utf8 = utf8_scan(in, len, &mb);

    if (declared && !declared->iconv_name) { /* declared UTF-8 */
        if (valid_utf8 || !meta || meta == declared || !meta->iconv_name || !decodes_cleanly(meta, in, len))
            return decode_as(declared, in, len, res, valid_utf8, own);
        rc = decode_as(meta, in, len, res, valid_utf8, own);
        snprintf(res->note, sizeof res->note,
                 "declared utf-8 in the header but the body is not utf-8; decoded as '%s' per <meta>",
                 meta->canonical);
        res->source = "meta";
        return rc;
    }
    if (declared) {
        if (valid_utf8 && mb >= 2) {
            rc = decode_as(&utf8, in, len, res, valid_utf8, own);
            snprintf(res->note, sizeof res->note, "declared '%s' (%s) but the body is valid utf-8; decoded as utf-8",
                     label, res->source);
            res->source = "sniffed";
            return rc;
        }
        return decode_as(declared, in, len, res, valid_utf8, own);
    }
    if (header_charset && *header_charset)
        snprintf(res->note, sizeof res->note, "unknown charset '%.60s' in the header; ", header_charset);
    size_t nl = strlen(res->note);
    if (valid_utf8) {
        res->source = mb ? "sniffed" : "default";
        rc = decode_as(&utf8, in, len, res, valid_utf8, own);
        if (nl >= 2)
            res->note[nl - 2] = '\0'; /* drop the "; " */
    } else if (decodes_cleanly(&gbk, in, len)) {
        res->source = "sniffed";
        rc = decode_as(&gbk, in, len, res, valid_utf8, own);
        snprintf(res->note + nl, sizeof res->note - nl, "no charset declared; the bytes decode as gbk");
    } else {
        res->source = "default";
        rc = decode_as(&w1252, in, len, res, valid_utf8, own);
        snprintf(res->note + nl, sizeof res->note - nl, "no charset declared; decoded as windows-1252");
    }
    return rc;
}

enum cwt_status cwt__charset_to_utf8(const char *in, size_t len, const char *header_charset, bool is_html,
                                     struct cwt__charset_result *res)
{
    return to_utf8(in, len, header_charset, is_html, res, NULL);
}

enum cwt_status cwt__charset_to_utf8_take(char *in, size_t len, const char *header_charset, bool is_html,
                                          struct cwt__charset_result *res)
{
    char *own = in;
    enum cwt_status st = to_utf8(in, len, header_charset, is_html, res, &own);
    cwt_free(own); /* not handed over: converted, or an error */
    return st;
}
