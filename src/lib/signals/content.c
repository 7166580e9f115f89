/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the helpers shared by the content signals: GS1 check
 * digits, the table of test labs and certification bodies (names in text and
 * their own domains, for verification links), management system standards,
 * labelled identifiers ("Report No.", "证书编号", "Lot"), dates in several
 * written forms, and tolerant readers of schema.org items.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include "fetch/fetch.h"
#include "page/page.h"
#include "signals/content.h"
#include "signals/orgname.h"
#include "signals/marks.h"
#include "signals/units.h"
#include "util/timeutil.h"

#define A(...) ((const char *const[]){__VA_ARGS__, NULL})

/* ---- GTIN ---- */

bool cwt__gtin_valid(const char *s, size_t n)
{
    if (!s || (n != 8 && n != 12 && n != 13 && n != 14))
        return false;
    int sum = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        if (i == n - 1)
            break;
        /* weights 3,1,3,... counted from the digit left of the check digit */
        int w = ((n - 1 - i) % 2 == 1) ? 3 : 1;
        sum += (s[i] - '0') * w;
    }
    return (10 - sum % 10) % 10 == s[n - 1] - '0';
}

size_t cwt__gtin_digits(const char *in, size_t len, char out[static 15])
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        char c = in[i];
        if (c >= '0' && c <= '9') {
            if (n >= 14)
                return 0;
            out[n++] = c;
        } else if (c != ' ' && c != '-') {
            return 0;
        }
    }
    out[n] = '\0';
    return n;
}

/* ---- bodies ---- */

static const struct cwt__body bodies[] = {
    {"sgs", "SGS", CWT__BODY_LAB | CWT__BODY_CB, A("SGS", "通标"), A("sgs.com", "sgs.com.cn", "sgsgroup.com.cn")},
    {"intertek", "Intertek", CWT__BODY_LAB | CWT__BODY_CB, A("Intertek", "天祥"), A("intertek.com", "intertek.com.cn")},
    {"tuv_sud", "TÜV SÜD", CWT__BODY_LAB | CWT__BODY_CB, A("TÜV SÜD", "TUV SUD", "TÜV SUD", "TUEV SUED", "南德"),
     A("tuvsud.com", "tuvsud.cn")},
    {"tuv_rheinland", "TÜV Rheinland", CWT__BODY_LAB | CWT__BODY_CB, A("TÜV Rheinland", "TUV Rheinland", "莱茵"),
     A("tuv.com", "certipedia.com")},
    {"tuv_nord", "TÜV NORD", CWT__BODY_LAB | CWT__BODY_CB, A("TÜV NORD", "TUV NORD"), A("tuev-nord.de", "tuv-nord.com")},
    {"bv", "Bureau Veritas", CWT__BODY_LAB | CWT__BODY_CB, A("Bureau Veritas", "必维"),
     A("bureauveritas.com", "bureauveritas.cn", "bureauveritas.com.cn")},
    {"ul", "UL Solutions", CWT__BODY_LAB | CWT__BODY_CB, A("UL Solutions", "Underwriters Laboratories", "UL LLC"),
     A("ul.com", "ulsolutions.com", "ulprospector.com")},
    {"eurofins", "Eurofins", CWT__BODY_LAB, A("Eurofins", "欧陆"), A("eurofins.com", "eurofins.cn")},
    {"cti", "CTI (Centre Testing International)", CWT__BODY_LAB | CWT__BODY_CB,
     A("Centre Testing International", "华测", "CTI"), A("cti-cert.com")},
    {"cqc", "CQC (China Quality Certification Centre)", CWT__BODY_LAB | CWT__BODY_CB,
     A("China Quality Certification Centre", "中国质量认证中心", "CQC"), A("cqc.com.cn")},
    {"dekra", "DEKRA", CWT__BODY_LAB | CWT__BODY_CB, A("DEKRA"), A("dekra.com")},
    {"nemko", "Nemko", CWT__BODY_LAB | CWT__BODY_CB, A("Nemko"), A("nemko.com")},
    {"ccic", "CCIC", CWT__BODY_LAB | CWT__BODY_CB, A("CCIC", "中国检验认证集团"), A("ccic.com")},
    {"dnv", "DNV", CWT__BODY_CB, A("DNV GL", "DNV"), A("dnv.com")},
    {"lrqa", "LRQA", CWT__BODY_CB, A("LRQA", "Lloyd's Register"), A("lrqa.com")},
    {"bsi", "BSI", CWT__BODY_CB, A("BSI Group", "BSI"), A("bsigroup.com")},
    {"nqa", "NQA", CWT__BODY_CB, A("NQA"), A("nqa.com")},
    {"cqm", "CQM (China Quality Mark Certification)", CWT__BODY_CB, A("方圆标志认证", "CQM"), A("cqm.com.cn")},
    {"sirim_qas", "SIRIM QAS International", CWT__BODY_LAB | CWT__BODY_CB, A("SIRIM QAS"), A("sirim-qas.com.my")},
    {"stc", "STC (Hong Kong Standards and Testing Centre)", CWT__BODY_LAB, A("Hong Kong Standards and Testing Centre"),
     A("stc.group")},
};

size_t cwt__url_host_n(const char *url, char *out, size_t outsz)
{
    if (!url || outsz < 2)
        return 0;
    const char *p; /* (each test stops at a NUL, so no byte past the string is read) */
    if (url[0] == 'h' && url[1] == 't' && url[2] == 't' && url[3] == 'p' && url[4] == 's' && url[5] == ':' &&
        url[6] == '/' && url[7] == '/')
        p = url + 8;
    else if (url[0] == 'h' && url[1] == 't' && url[2] == 't' && url[3] == 'p' && url[4] == ':' && url[5] == '/' &&
             url[6] == '/')
        p = url + 7;
    else if (url[0] == '/' && url[1] == '/')
        p = url + 2;
    else
        return 0;
    /* the authority ends at the path, query or fragment; the host follows its last '@' and ends at a ':' */
    size_t end = strcspn(p, "/?#");
    const char *at = memrchr(p, '@', end);
    const char *h = at ? at + 1 : p;
    size_t rest = end - (size_t)(h - p);
    const char *colon = memchr(h, ':', rest);
    size_t n = colon ? (size_t)(colon - h) : rest;
    if (n == 0 || n >= outsz)
        return 0;
    for (size_t i = 0; i < n; i++)
        out[i] = (char)(h[i] >= 'A' && h[i] <= 'Z' ? h[i] - 'A' + 'a' : h[i]);
    out[n] = '\0';
    return n;
}

bool cwt__url_host(const char *url, char *out, size_t outsz)
{
    return cwt__url_host_n(url, out, outsz) != 0;
}

/* The bodies' domains in one table with their lengths, in the order of bodies[]; built once. */
#define BODY_DOMAINS_MAX 64
struct body_domain {
    const char *d;
    size_t len;
    const struct cwt__body *body;
};
static struct body_domain body_domains[BODY_DOMAINS_MAX];
static size_t nbody_domains;
static pthread_once_t body_domains_once = PTHREAD_ONCE_INIT;

static void body_domains_build(void)
{
    for (size_t i = 0; i < CWT_ARRAY_LEN(bodies); i++)
        for (const char *const *d = bodies[i].domains; *d; d++) {
            assert(nbody_domains < BODY_DOMAINS_MAX);
            if (nbody_domains < BODY_DOMAINS_MAX)
                body_domains[nbody_domains++] = (struct body_domain){*d, strlen(*d), &bodies[i]};
        }
}

static const struct cwt__body *body_by_host(const char *host, size_t hl)
{
    pthread_once(&body_domains_once, body_domains_build);
    for (size_t i = 0; i < nbody_domains && hl; i++) {
        const char *d = body_domains[i].d;
        size_t dl = body_domains[i].len;
        if (hl < dl || host[hl - 1] != d[dl - 1]) /* (the last byte rejects most: "m" of .com, "n" of .cn) */
            continue;
        if (hl == dl ? memcmp(host, d, dl) == 0 : (host[hl - dl - 1] == '.' && memcmp(host + hl - dl, d, dl) == 0))
            return body_domains[i].body;
    }
    return NULL;
}

const struct cwt__body *cwt__body_by_host(const char *host)
{
    return host ? cwt__body_by_host_n(host, strlen(host)) : NULL;
}

const struct cwt__body *cwt__body_by_host_n(const char *host, size_t hl)
{
    /* the last answer of this thread: a page's links mostly name one host */
    static _Thread_local char last[256];
    static _Thread_local const struct cwt__body *last_body;
    if (hl < sizeof last && memcmp(host, last, hl + 1) == 0)
        return last_body;
    const struct cwt__body *b = body_by_host(host, hl);
    if (hl < sizeof last) {
        memcpy(last, host, hl + 1);
        last_body = b;
    }
    return b;
}

static bool first_body(const struct cwt__body_hit *h, void *ud)
{
    *(const struct cwt__body **)ud = h->body;
    return false;
}

const struct cwt__body *cwt__body_by_name(const char *name)
{
    if (!name)
        return NULL;
    int c0 = tolower((unsigned char)name[0]); /* (the first byte rejects most bodies without a call) */
    for (size_t i = 0; i < CWT_ARRAY_LEN(bodies); i++)
        if ((c0 == tolower((unsigned char)bodies[i].id[0]) && strcasecmp(bodies[i].id, name) == 0) ||
            (c0 == tolower((unsigned char)bodies[i].name[0]) && strcasecmp(bodies[i].name, name) == 0))
            return &bodies[i];
    /* a name in the text: whole words, acronyms in capitals ("instructions" does not name CTI) */
    const struct cwt__body *b = NULL;
    cwt__bodies_scan(name, strlen(name), 1, first_body, &b);
    return b;
}

static bool is_alnum(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_upper_acronym(const char *s)
{
    size_t n = strlen(s);
    if (n > 4)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!(s[i] >= 'A' && s[i] <= 'Z'))
            return false;
    return true;
}

/* The body names by lowercase first byte (in table order within a byte) and the folded first bytes of
 * the MSS spellings (none starts with a blank): a scan skips every other position. Built once. */
#define BODY_NAMES 512
static struct body_name {
    const char *s;
    size_t n;
    unsigned short body;
    bool acronym;
} body_names[BODY_NAMES];
static unsigned short bn_start[257], bn_order[BODY_NAMES];
static bool mss_first[256];
static struct cwt__bigrams bn_pairs, mss_pairs; /* pairs of first bytes of the body names, of the MSS spellings */
static struct cwt__starts bn_starts; /* the finer test of a body name's start: acronyms exact, names folded */
static pthread_once_t first_once = PTHREAD_ONCE_INIT;
static void first_build(void);

static size_t bodies_scan(const char *text, size_t len, size_t max,
                          bool (*fn)(const struct cwt__body_hit *hit, void *ud), void *ud, bool filtered)
{
    pthread_once(&first_once, first_build);
    size_t found = 0;
    struct cwt__bigrams_cur cur; /* the candidates of a block read once */
    cwt__bigrams_cur_init(&cur, &bn_pairs, text, len);
    for (size_t i = 0; i < len && found < max; i++) {
        if (filtered && ((i = cwt__bigrams_cur_next(&cur, i)) >= len))
            break;
        if (filtered && !cwt__starts_at(&bn_starts, text, len, i))
            continue;
        int c0 = tolower((unsigned char)text[i]);
        if (bn_start[c0] == bn_start[c0 + 1])
            continue;
        if (i > 0 && is_alnum((unsigned char)text[i - 1]) && is_alnum((unsigned char)text[i]))
            continue;
        struct cwt__body_hit hit = {0};
        /* the names of this first byte in table order: the first that matches wins, as in a walk of the
         * whole table */
        for (size_t o = bn_start[c0]; o < bn_start[c0 + 1]; o++) {
            const struct body_name *bn = &body_names[bn_order[o]];
            size_t n = bn->n;
            if (n > len - i)
                continue;
            /* acronyms match case-sensitively, names case-insensitively (ASCII) */
            bool ok = bn->acronym ? memcmp(text + i, bn->s, n) == 0 : strncasecmp(text + i, bn->s, n) == 0;
            if (!ok)
                continue;
            if (is_alnum((unsigned char)bn->s[n - 1]) && i + n < len && is_alnum((unsigned char)text[i + n]))
                continue;
            hit.body = &bodies[bn->body];
            hit.off = i;
            hit.len = n;
            break;
        }
        if (!hit.body)
            continue;
        found++;
        if (fn && !fn(&hit, ud))
            break;
        i += hit.len - 1;
    }
    return found;
}

size_t cwt__bodies_scan(const char *text, size_t len, size_t max,
                        bool (*fn)(const struct cwt__body_hit *hit, void *ud), void *ud)
{
    return bodies_scan(text, len, max, fn, ud, true);
}

size_t cwt__bodies_scan_every(const char *text, size_t len, size_t max,
                              bool (*fn)(const struct cwt__body_hit *hit, void *ud), void *ud)
{
    return bodies_scan(text, len, max, fn, ud, false);
}

/* ---- management system standards ---- */

static const struct cwt__mss mss_table[] = {
    {"iso9001", "ISO 9001", A("ISO 9001", "GB/T 19001")},
    {"iso14001", "ISO 14001", A("ISO 14001", "GB/T 24001")},
    {"iso45001", "ISO 45001", A("ISO 45001", "GB/T 45001")},
    {"ohsas18001", "OHSAS 18001", A("OHSAS 18001")},
    {"iatf16949", "IATF 16949", A("IATF 16949", "ISO/TS 16949")},
    {"iso13485", "ISO 13485", A("ISO 13485", "YY/T 0287")},
    {"iso22000", "ISO 22000", A("ISO 22000")},
    {"fssc22000", "FSSC 22000", A("FSSC 22000")},
    {"iso27001", "ISO/IEC 27001", A("ISO/IEC 27001", "ISO 27001")},
    {"iso50001", "ISO 50001", A("ISO 50001")},
    {"iso17025", "ISO/IEC 17025", A("ISO/IEC 17025", "ISO 17025")},
    {"haccp", "HACCP", A("HACCP")},
    {"bsci", "amfori BSCI", A("amfori BSCI", "BSCI")},
};

static void first_build(void)
{
    size_t k = 0;
    for (size_t b = 0; b < CWT_ARRAY_LEN(bodies); b++)
        for (const char *const *s = bodies[b].names; *s && k < BODY_NAMES; s++) {
            body_names[k++] = (struct body_name){*s, strlen(*s), (unsigned short)b, is_upper_acronym(*s)};
            bn_start[tolower((unsigned char)(*s)[0]) + 1]++;
            cwt__bigrams_add(&bn_pairs, *s);
            cwt__starts_add(&bn_starts, *s, body_names[k - 1].acronym);
        }
    for (size_t c = 1; c < 257; c++)
        bn_start[c] = (unsigned short)(bn_start[c] + bn_start[c - 1]);
    unsigned short fill[256];
    memcpy(fill, bn_start, sizeof fill);
    for (size_t i = 0; i < k; i++)
        bn_order[fill[tolower((unsigned char)body_names[i].s[0])]++] = (unsigned short)i;
    for (size_t m = 0; m < CWT_ARRAY_LEN(mss_table); m++)
        for (const char *const *s = mss_table[m].spellings; *s; s++) {
            mss_first[tolower((unsigned char)(*s)[0])] = mss_first[toupper((unsigned char)(*s)[0])] = true;
            /* a blank second byte of a spelling matches loosely (zero to two separators): no pair filter */
            cwt__bigrams_add(&mss_pairs, (*s)[1] == ' ' ? "x" : *s);
        }
}

const struct cwt__mss *cwt__mss_get(const char *id)
{
    for (size_t i = 0; i < CWT_ARRAY_LEN(mss_table); i++)
        if (strcmp(mss_table[i].id, id) == 0)
            return &mss_table[i];
    return NULL;
}

/* Matches @p pat at text[i], a ' ' in the pattern matching zero to two of ' ', '-', ':' or a no-break
 * space; case-insensitive. Returns bytes matched or 0. */
static size_t loose_match(const char *t, size_t len, size_t i, const char *pat)
{
    size_t j = i;
    for (const char *p = pat; *p; p++) {
        if (*p == ' ') {
            for (int k = 0; k < 2 && j < len; k++) {
                if (t[j] == ' ' || t[j] == '-' || t[j] == ':')
                    j++;
                else if (j + 1 < len && (unsigned char)t[j] == 0xC2 && (unsigned char)t[j + 1] == 0xA0)
                    j += 2;
                else
                    break;
            }
            continue;
        }
        if (j >= len)
            return 0;
        char a = t[j], b = *p;
        if (a >= 'A' && a <= 'Z')
            a = (char)(a - 'A' + 'a');
        if (b >= 'A' && b <= 'Z')
            b = (char)(b - 'A' + 'a');
        if (a != b)
            return 0;
        j++;
    }
    return j - i;
}

size_t cwt__mss_scan(const char *text, size_t len, size_t max,
                     bool (*fn)(const struct cwt__mss_hit *hit, void *ud), void *ud)
{
    pthread_once(&first_once, first_build);
    const bool *first = mss_first;
    size_t found = 0;
    struct cwt__bigrams_cur cur; /* the candidates of a block read once */
    cwt__bigrams_cur_init(&cur, &mss_pairs, text, len);
    for (size_t i = 0; i < len && found < max; i++) {
        if ((i = cwt__bigrams_cur_next(&cur, i)) >= len)
            break;
        if (!first[(unsigned char)text[i]])
            continue;
        if (i > 0 && is_alnum((unsigned char)text[i - 1]))
            continue;
        struct cwt__mss_hit hit = {0};
        for (size_t m = 0; m < CWT_ARRAY_LEN(mss_table) && !hit.mss; m++) {
            for (const char *const *s = mss_table[m].spellings; *s; s++) {
                size_t n = loose_match(text, len, i, *s);
                if (!n || (i + n < len && is_alnum((unsigned char)text[i + n])))
                    continue;
                hit.mss = &mss_table[m];
                hit.off = i;
                hit.len = n;
                break;
            }
        }
        if (!hit.mss)
            continue;
        /* a year suffix belongs to the standard: "ISO 9001:2015" */
        size_t e = hit.off + hit.len;
        if (e + 5 <= len && text[e] == ':' && text[e + 1] >= '1' && text[e + 1] <= '2')
            hit.len += 5;
        found++;
        if (fn && !fn(&hit, ud))
            break;
        i = hit.off + hit.len - 1;
    }
    return found;
}

/* ---- labelled identifiers ---- */

const char *const cwt__report_no_labels[] = {
    "report no", "report number", "test report no", "report #", "report id", "报告编号", "报告号",
    "รายงานเลขที่", "số báo cáo", "nomor laporan", "no. laporan",
    /* last: the bare word, when the number follows it directly ("Intertek report 250412-0093") */
    "report", "报告", NULL};
const char *const cwt__cert_no_labels[] = {
    "certificate no", "certificate number", "cert. no", "cert no", "registration no", "certificate id",
    "证书编号", "证书号", "注册号", "ใบรับรองเลขที่", "số chứng chỉ", "số giấy chứng nhận", "nomor sertifikat",
    "no. sijil", "nombor sijil", NULL};
const char *const cwt__batch_labels[] = {
    "batch no", "batch number", "batch", "lot no", "lot number", "lot", "批号", "批次", "生产批号",
    "เลขที่ผลิต", "ล็อต", "số lô", "nomor batch", "no. lot", "nombor kelompok", NULL};
const char *const cwt__origin_labels[] = {
    "country of origin", "made in", "origin", "place of origin", "原产地", "产地", "ประเทศผู้ผลิต", "ผลิตใน",
    "xuất xứ", "sản xuất tại", "negara asal", "buatan", "dibuat di", NULL};
const char *const cwt__gtin_labels[] = {"gtin", "ean", "upc", "barcode", "bar code", "条码", "条形码",
                                        "บาร์โค้ด", "mã vạch", "kode batang", "kod bar", NULL};

static size_t skip_sep(const char *t, size_t len, size_t j)
{
    for (int guard = 0; guard < 8 && j < len; guard++) {
        unsigned char c = (unsigned char)t[j];
        if (c == ' ' || c == '\t' || c == ':' || c == '#' || c == '.' || c == '=')
            j++;
        else if (j + 2 < len && memcmp(t + j, "\xEF\xBC\x9A", 3) == 0) /* full-width colon */
            j += 3;
        else if (j + 1 < len && c == 0xC2 && (unsigned char)t[j + 1] == 0xA0)
            j += 2;
        else
            break;
    }
    return j;
}

/* The longest label of @p labels that starts at text[i] on a word boundary; its end in *after. */
static bool label_at(const char *text, size_t len, size_t i, const char *const *labels, size_t *after)
{
    size_t best = 0;
    unsigned char c0 = (unsigned char)text[i];
    if (c0 >= 'A' && c0 <= 'Z')
        c0 = (unsigned char)(c0 - 'A' + 'a');
    for (const char *const *l = labels; *l; l++) {
        unsigned char f = (unsigned char)(*l)[0];
        if (f >= 'A' && f <= 'Z')
            f = (unsigned char)(f - 'A' + 'a');
        if (f != c0)
            continue;
        size_t n = strlen(*l);
        if (n <= best || n > len - i || cwt__find_ci(text + i, n, *l) != 0)
            continue;
        bool wb = !(i > 0 && is_alnum((unsigned char)text[i - 1]) && is_alnum((unsigned char)(*l)[0])) &&
                  !(i + n < len && is_alnum((unsigned char)text[i + n]) && is_alnum((unsigned char)(*l)[n - 1]));
        if (wb)
            best = n;
    }
    *after = i + best;
    return best > 0;
}

/* The first label at or after @p from (one forward pass); its offset, or SIZE_MAX. */
static size_t find_label(const char *text, size_t len, size_t from, const char *const *labels, size_t *after)
{
    for (size_t i = from; i < len; i++)
        if (label_at(text, len, i, labels, after))
            return i;
    return SIZE_MAX;
}

size_t cwt__labelled_id(const char *text, size_t len, size_t from, const char *const *labels, char *out,
                        size_t outsz)
{
    for (size_t pos = from; pos < len;) {
        size_t after;
        size_t at = find_label(text, len, pos, labels, &after);
        if (at == SIZE_MAX)
            return SIZE_MAX;
        size_t j = skip_sep(text, len, after);
        size_t k = j;
        bool digit = false;
        while (k < len && k - j < outsz - 1) {
            char c = text[k];
            if (is_alnum((unsigned char)c) || c == '-' || c == '/' || c == '_' ||
                (c == '.' && k + 1 < len && is_alnum((unsigned char)text[k + 1]))) {
                digit |= c >= '0' && c <= '9';
                k++;
            } else {
                break;
            }
        }
        if (k - j >= 3 && digit) {
            memcpy(out, text + j, k - j);
            out[k - j] = '\0';
            return at;
        }
        pos = at + 1;
    }
    return SIZE_MAX;
}

size_t cwt__labelled_text(const char *text, size_t len, size_t from, const char *const *labels, char *out,
                          size_t outsz)
{
    size_t after;
    size_t at = find_label(text, len, from, labels, &after);
    if (at == SIZE_MAX)
        return SIZE_MAX;
    size_t j = skip_sep(text, len, after);
    size_t k = j;
    while (k < len && text[k] != '\n' && text[k] != '|' && text[k] != ';' && k - j < outsz - 1)
        k++;
    /* cut back to a UTF-8 boundary */
    while (k > j && k < len && ((unsigned char)text[k] & 0xC0) == 0x80)
        k--;
    while (k > j && text[k - 1] == ' ')
        k--;
    memcpy(out, text + j, k - j);
    out[k - j] = '\0';
    return k > j ? at : SIZE_MAX;
}

/* ---- dates ---- */

static size_t digits_at(const char *t, size_t len, size_t i, int maxd, int *v)
{
    int n = 0, x = 0;
    while (i + (size_t)n < len && n < maxd && t[i + n] >= '0' && t[i + n] <= '9') {
        x = x * 10 + (t[i + n] - '0');
        n++;
    }
    *v = x;
    return (size_t)n;
}

static int month_name(const char *t, size_t len, size_t i, size_t *n)
{
    static const char *const names[] = {"january", "february", "march", "april", "may", "june", "july",
                                        "august", "september", "october", "november", "december"};
    for (int m = 0; m < 12; m++) {
        size_t full = strlen(names[m]);
        if (full <= len - i && cwt__find_ci(t + i, full, names[m]) == 0) {
            *n = full;
            return m + 1;
        }
        if (3 <= len - i && cwt__find_ci(t + i, 3, (char[4]){names[m][0], names[m][1], names[m][2], 0}) == 0 &&
            !(i + 3 < len && ((t[i + 3] >= 'a' && t[i + 3] <= 'z') || (t[i + 3] >= 'A' && t[i + 3] <= 'Z')))) {
            *n = 3 + (i + 3 < len && t[i + 3] == '.');
            return m + 1;
        }
    }
    return 0;
}

static bool valid_ymd(int y, int m, int d)
{
    return y >= 1970 && y <= 2100 && m >= 1 && m <= 12 && d >= 1 && d <= cwt_days_in_month(y, m);
}

/* One date at t[i]; bytes used or 0. */
static size_t date_at(const char *t, size_t len, size_t i, int64_t *out)
{
    int y, m, d;
    size_t n = digits_at(t, len, i, 4, &y), j;
    if (n == 4) { /* Y-M-D, Y/M/D, Y.M.D, Y年M月D日 */
        j = i + 4;
        bool cjk = j + 2 < len && memcmp(t + j, "\xE5\xB9\xB4", 3) == 0;
        if (!(j < len && (t[j] == '-' || t[j] == '/' || t[j] == '.')) && !cjk)
            return 0;
        j += cjk ? 3 : 1;
        size_t k = digits_at(t, len, j, 2, &m);
        if (!k)
            return 0;
        j += k;
        if (cjk ? !(j + 2 < len && memcmp(t + j, "\xE6\x9C\x88", 3) == 0) : !(j < len && t[j] == t[i + 4]))
            return 0;
        j += cjk ? 3 : 1;
        k = digits_at(t, len, j, 2, &d);
        if (!k)
            return 0;
        j += k;
        if (cjk && j + 2 < len && memcmp(t + j, "\xE6\x97\xA5", 3) == 0)
            j += 3;
        if (!valid_ymd(y, m, d))
            return 0;
        *out = cwt_days_from_civil(y, m, d) * 86400;
        return j - i;
    }
    if (n == 1 || n == 2) { /* D.M.Y, D/M/Y (day first, as outside the US), D Month Y */
        d = y;
        j = i + n;
        if (j < len && (t[j] == '.' || t[j] == '/' || t[j] == '-')) {
            char sep = t[j];
            size_t k = digits_at(t, len, j + 1, 2, &m);
            if (!k || j + 1 + k >= len || t[j + 1 + k] != sep)
                return 0;
            j += 1 + k + 1;
            if (digits_at(t, len, j, 4, &y) != 4 || !valid_ymd(y, m, d))
                return 0;
            *out = cwt_days_from_civil(y, m, d) * 86400;
            return j + 4 - i;
        }
        if (j < len && t[j] == ' ') {
            size_t mn;
            m = month_name(t, len, j + 1, &mn);
            if (!m)
                return 0;
            j += 1 + mn;
            if (j < len && t[j] == ',')
                j++;
            if (!(j < len && t[j] == ' ') || digits_at(t, len, j + 1, 4, &y) != 4 || !valid_ymd(y, m, d))
                return 0;
            *out = cwt_days_from_civil(y, m, d) * 86400;
            return j + 5 - i;
        }
        return 0;
    }
    size_t mn; /* Month D, Y */
    m = month_name(t, len, i, &mn);
    if (!m)
        return 0;
    j = i + mn;
    if (!(j < len && t[j] == ' '))
        return 0;
    size_t k = digits_at(t, len, j + 1, 2, &d);
    if (!k)
        return 0;
    j += 1 + k;
    if (j < len && t[j] == ',')
        j++;
    if (!(j < len && t[j] == ' ') || digits_at(t, len, j + 1, 4, &y) != 4 || !valid_ymd(y, m, d))
        return 0;
    *out = cwt_days_from_civil(y, m, d) * 86400;
    return j + 5 - i;
}

size_t cwt__dates_scan(const char *text, size_t len, size_t max,
                       bool (*fn)(int64_t t, size_t off, size_t n, void *ud), void *ud)
{
    size_t found = 0;
    for (size_t i = 0; i < len && found < max; i++) {
        if (i > 0 && is_alnum((unsigned char)text[i - 1]))
            continue;
        int64_t t;
        size_t n = date_at(text, len, i, &t);
        if (!n)
            continue;
        found++;
        if (fn && !fn(t, i, n, ud))
            break;
        i += n - 1;
    }
    return found;
}

/* ---- schema.org items ---- */

const char *cwt__sd_text(const json_t *item, const char *name, char *tmp, size_t tmpsz)
{
    const char *s = cwt__sdata_str(item, name);
    if (s)
        return s;
    const json_t *v = cwt__sdata_get(item, name);
    if (json_is_integer(v) && tmp) {
        snprintf(tmp, tmpsz, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        return tmp;
    }
    if (json_is_real(v) && tmp) {
        snprintf(tmp, tmpsz, "%.10g", json_real_value(v));
        return tmp;
    }
    return NULL;
}

const char *cwt__sd_ident(const json_t *item, const char *name, char *tmp, size_t tmpsz)
{
    const json_t *v = cwt__sdata_get(item, name);
    if (json_is_object(v)) {
        static const char *const keys[] = {"termCode", "value", "identifier", "name"};
        for (size_t i = 0; i < CWT_ARRAY_LEN(keys); i++) {
            const char *s = cwt__sd_text(v, keys[i], tmp, tmpsz);
            if (s)
                return s;
        }
        return NULL;
    }
    return cwt__sd_text(item, name, tmp, tmpsz);
}

bool cwt__sd_number(const json_t *item, const char *name, double *out)
{
    const json_t *v = cwt__sdata_get(item, name);
    if (json_is_number(v)) {
        *out = json_number_value(v);
        return true;
    }
    if (!json_is_string(v))
        return false;
    const char *s = json_string_value(v);
    size_t len = strlen(s);
    size_t i = 0;
    bool neg = len > 0 && s[0] == '-';
    if (neg)
        i++;
    size_t n = cwt__number_parse(s + i, len - i, out);
    if (!n || i + n != len)
        return false;
    if (neg)
        *out = -*out;
    return true;
}

bool cwt__sd_date(const json_t *item, const char *name, int64_t *out)
{
    const char *s = cwt__sdata_str(item, name);
    return s && cwt_time_parse_iso(s, out) == CWT_OK;
}

/* ---- pages ---- */

bool cwt__role_is_product(const char *role)
{
    return role && (strcmp(role, "product") == 0 || strcmp(role, "products") == 0);
}

const char *cwt__page_url(const struct cwt__site_page *p)
{
    if (p->resp && p->resp->final_url)
        return p->resp->final_url;
    if (p->resp && p->resp->url)
        return p->resp->url;
    return p->doc ? p->doc->url : NULL;
}

const char *cwt__around(const char *text, size_t len, size_t off, size_t n, size_t around, char *out, size_t outsz)
{
    size_t from = off > around ? off - around : 0;
    size_t to = CWT_MIN(len, off + n + around);
    while (from > 0 && ((unsigned char)text[from] & 0xC0) == 0x80)
        from--;
    while (to < len && ((unsigned char)text[to] & 0xC0) == 0x80)
        to++;
    size_t k = CWT_MIN(to - from, outsz - 1);
    while (k > 0 && from + k < len && ((unsigned char)text[from + k] & 0xC0) == 0x80)
        k--;
    memcpy(out, text + from, k);
    out[k] = '\0';
    return out;
}

/* The items with a @type of page @p i of @p site, built on first use; NULL when none could be. */
static const struct cwt__typed_items *typed_items(const struct cwt__site *site, size_t i)
{
    struct cwt__site_memo *m = site->memo;
    if (!m->typed) {
        if (!(m->typed = cwt_calloc(site->npages ? site->npages : 1, sizeof *m->typed)))
            return NULL;
        m->ntyped = site->npages;
    }
    struct cwt__typed_items *t = &m->typed[i];
    if (!t->built) {
        const json_t *items = cwt__sdata_items(site->pages[i].doc), *first[256];
        size_t n = cwt__sdata_find(items, NULL, first, CWT_ARRAY_LEN(first)); /* one walk, unless there are more */
        if (n && !(t->v = cwt_calloc(n, sizeof *t->v)))
            return NULL;
        if (n && n <= CWT_ARRAY_LEN(first))
            memcpy(t->v, first, n * sizeof *t->v);
        else if (n)
            cwt__sdata_find(items, NULL, t->v, n);
        t->n = n;
        t->built = true;
    }
    return t;
}

size_t cwt__site_sdata_find(const struct cwt__site *site, const struct cwt__doc *doc, const char *type,
                            const json_t **found, size_t max)
{
    for (size_t i = 0; site->memo && doc && i < site->npages; i++) {
        if (site->pages[i].doc != doc)
            continue;
        const struct cwt__typed_items *t = typed_items(site, i);
        if (!t)
            break;
        size_t n = 0;
        for (size_t k = 0; k < t->n; k++)
            if (cwt__sdata_is(t->v[k], type)) {
                if (n < max)
                    found[n] = t->v[k];
                n++;
            }
        return n;
    }
    return cwt__sdata_find(cwt__sdata_items(doc), type, found, max);
}

void cwt__needles_init(struct cwt__needles *nd, const char *const *needles, const unsigned char *at, size_t n)
{
    memset(nd, 0, sizeof *nd);
    nd->n = CWT_MIN(n, (size_t)32);
    for (size_t k = 0; k < nd->n; k++) {
        assert(strlen(needles[k]) >= (size_t)at[k] + 2);
        nd->needle[k] = needles[k];
        nd->len[k] = strlen(needles[k]);
        nd->at[k] = at[k];
        cwt__bigrams_add(&nd->pairs, needles[k] + at[k]);
    }
}

uint32_t cwt__needles_in(const struct cwt__needles *nd, const char *s)
{
    uint32_t all = nd->n >= 32 ? UINT32_MAX : (1u << nd->n) - 1, found = 0;
    size_t len = strlen(s); /* (as strstr, nothing past the first NUL) */
    struct cwt__bigrams_cur cur;
    cwt__bigrams_cur_init(&cur, &nd->pairs, s, len);
    for (size_t i = 0; i < len && found != all; i++) {
        if ((i = cwt__bigrams_cur_next(&cur, i)) >= len)
            break;
        for (size_t k = 0; k < nd->n; k++) {
            size_t a = nd->at[k];
            /* (s[i + 1] is at most the terminating NUL, which no needle's byte is) */
            if ((found >> k & 1) || i < a || s[i] != nd->needle[k][a] || s[i + 1] != nd->needle[k][a + 1] ||
                i - a + nd->len[k] > len || memcmp(s + i - a, nd->needle[k], nd->len[k]) != 0)
                continue;
            found |= 1u << k;
        }
    }
    return found;
}

bool cwt__has_any(const char *s, struct cwt__kwset *words)
{
    return cwt__kwset_in_str(words, s);
}

void cwt__content_seen(struct cwt__signal *out, const struct cwt__site *site, size_t npages, const char *what)
{
    if (out->nevidence)
        return;
    char sn[200];
    snprintf(sn, sizeof sn, "%zu page(s) read; %s", npages, what);
    cwt__signal_evidence(out, site->url, "pages read", sn);
}

size_t cwt__page_products(const struct cwt__doc *doc, const json_t **found, size_t max)
{
    const json_t *items = cwt__sdata_items(doc);
    size_t n = 0, i;
    const json_t *it;
    json_array_foreach(items, i, it) {
        if (n >= max)
            break;
        if (cwt__sdata_is(it, "Product")) {
            found[n++] = it;
        } else if (cwt__sdata_is(it, "ItemList") || cwt__sdata_is(it, "OfferCatalog") ||
                   cwt__sdata_is(it, "WebPage")) {
            /* a listing: its elements (ListItem.item) or the page's mainEntity */
            const json_t *sub[32];
            size_t k = CWT_MIN(cwt__sdata_find(it, "Product", sub, 32), (size_t)32);
            for (size_t j = 0; j < k && n < max; j++)
                found[n++] = sub[j];
        }
    }
    return n;
}

void cwt__content_no_products(struct cwt__signal *out, const struct cwt__site *site, size_t listings, const char *what)
{
    out->measured = false;
    if (listings)
        cwt__signal_summary(out, "only a product listing was read (%zu page(s)), no product page, so %s could not be "
                                 "measured", listings, what);
    else
        cwt__signal_summary(out, "no product pages were found, so %s could not be measured", what);
    cwt__signal_fix(out, "Give each product its own page with its own URL, linked from the home page or the product "
                         "list, so buyers (and cwtap) can find it.");
    cwt__signal_evidence(out, site->url, "pages read", "no page with role product or a schema.org Product");
}

double cwt__clamp01(double v)
{
    return v < 0 ? 0 : v > 1 ? 1 : v;
}
