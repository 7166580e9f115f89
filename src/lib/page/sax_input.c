/* SPDX-License-Identifier: Apache-2.0 */
/* This module implements the SAX walk's reading ahead in libxml2's parser input (sax_input.h). */
#include <string.h>
#include <strings.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__) && defined(__SSE2__)
#include <immintrin.h>
#define HAVE_AVX2_PATH 1
#endif

#include "page/sax_input.h"
#include "util/cpu.h"

bool cwt__sax_input_ours(htmlParserCtxtPtr ctxt)
{
    xmlParserInputPtr in = ctxt->input;
    return ctxt->recovery && ctxt->keepBlanks && in && in->buf && in->buf->encoder && in->cur && in->cur < in->end;
}

unsigned long cwt__sax_input_pos(htmlParserCtxtPtr ctxt)
{
    xmlParserInputPtr in = ctxt->input;
    return in && in->cur ? in->consumed + (unsigned long)(in->cur - in->base) : 0;
}

const xmlChar *cwt__sax_input_at(htmlParserCtxtPtr ctxt, unsigned long pos)
{
    xmlParserInputPtr in = ctxt->input;
    if (!in || !in->cur || pos < in->consumed || pos - in->consumed > (unsigned long)(in->cur - in->base))
        return NULL;
    return in->base + (pos - in->consumed);
}

#if HAVE_AVX2_PATH
/* How many of the @p n bytes at @p p, in whole 32-byte blocks from the first, are printable ASCII, tabs
 * and line breaks (the SSE2 test below, 32 bytes at a time). */
__attribute__((target("avx2"))) static size_t plain_blocks_avx2(const unsigned char *p, size_t n)
{
    const __m256i space = _mm256_set1_epi8(0x20), tab = _mm256_set1_epi8('\t'), lf = _mm256_set1_epi8('\n'),
                  cr = _mm256_set1_epi8('\r');
    size_t i = 0;
    for (; n - i >= 32; i += 32) {
        __m256i v = _mm256_loadu_si256((const __m256i *)(const void *)(p + i));
        __m256i odd = _mm256_cmpgt_epi8(space, v);
        __m256i ws = _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(v, tab), _mm256_cmpeq_epi8(v, lf)),
                                     _mm256_cmpeq_epi8(v, cr));
        if (_mm256_movemask_epi8(_mm256_andnot_si256(ws, odd)))
            break;
    }
    return i;
}

#endif

bool cwt__plain_text(const unsigned char *p, size_t n)
{
    size_t block = 0; /* where the bytes checked sixteen at a time end */
#if HAVE_AVX2_PATH
    bool avx2 = n >= 64 && cwt__cpu_avx2();
#endif
    for (size_t i = 0; i < n;) {
#ifdef __SSE2__
        if (i >= block) { /* sixteen bytes of printable ASCII, tabs and line breaks at a time */
#if HAVE_AVX2_PATH
            if (avx2) /* (32 at a time first) */
                i += plain_blocks_avx2(p + i, n - i);
#endif
            const __m128i space = _mm_set1_epi8(0x20), tab = _mm_set1_epi8('\t'), lf = _mm_set1_epi8('\n'),
                          cr = _mm_set1_epi8('\r');
            while (n - i >= 16) {
                __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
                __m128i odd = _mm_cmpgt_epi8(space, v); /* below 0x20, or 0x80 and over (signed) */
                __m128i ws = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, tab), _mm_cmpeq_epi8(v, lf)),
                                          _mm_cmpeq_epi8(v, cr));
                if (_mm_movemask_epi8(_mm_andnot_si128(ws, odd)))
                    break;
                i += 16;
            }
            block = i + 16;
            if (i >= n)
                break;
        }
#endif
        unsigned c = p[i];
        if ((c >= 0x20 && c < 0x80) || c == '\t' || c == '\n' || c == '\r') {
            i++;
            continue;
        }
        size_t len = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
        if (!len || n - i < len)
            return false;
        unsigned cp = c & (0xFFu >> (len + 1));
        for (size_t k = 1; k < len; k++) {
            if ((p[i + k] & 0xC0) != 0x80)
                return false;
            cp = cp << 6 | (p[i + k] & 0x3F);
        }
        if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFFFE || cp == 0xFFFF)
            return false;
        i += len;
    }
    return true;
}

const xmlChar *cwt__raw_text_end(const xmlChar *p, const xmlChar *end, const xmlChar *name)
{
    size_t nl = strlen((const char *)name);
    for (const xmlChar *q = p; q < end && (q = memchr(q, '<', (size_t)(end - q))); q++)
        if ((size_t)(end - q) >= 2 + nl && q[1] == '/' && strncasecmp((const char *)q + 2, (const char *)name, nl) == 0)
            return q;
    return NULL;
}

const xmlChar *cwt__char_data_end(const xmlChar *p, const xmlChar *end)
{
    const xmlChar *lt = memchr(p, '<', (size_t)(end - p));
    const xmlChar *amp = memchr(p, '&', (size_t)((lt ? lt : end) - p));
    return amp ? amp : lt;
}

static bool blank(xmlChar c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool cwt__is_start_tag(const xmlChar *p, const xmlChar *cur, const xmlChar *name)
{
    size_t nl = strlen((const char *)name);
    if (!p || cur < p || (size_t)(cur - p) < 1 + nl || p[0] != '<' || strncasecmp((const char *)p + 1, (const char *)name, nl) != 0)
        return false;
    xmlChar after = p[1 + nl]; /* (at most the byte at cur) */
    return blank(after) || after == '/' || after == '>';
}

bool cwt__is_end_tag(const xmlChar *p, const xmlChar *cur, const xmlChar *name)
{
    size_t nl = strlen((const char *)name);
    if (!p || cur < p || (size_t)(cur - p) < 3 + nl || p[0] != '<' || p[1] != '/' ||
        strncasecmp((const char *)p + 2, (const char *)name, nl) != 0 || cur[-1] != '>')
        return false;
    for (const xmlChar *q = p + 2 + nl; q < cur - 1; q++)
        if (!blank(*q))
            return false;
    return true;
}

/* htmlParseHTMLName()'s characters: the first one, and the others. */
static bool name_start(xmlChar c)
{
    return ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c == '_' || c == ':' || c == '.';
}

static bool name_char(xmlChar c)
{
    return name_start(c) || (c >= '0' && c <= '9') || c == '-';
}

/* The end of the name at @p p (before @p end), NULL when there is none or it is as long as
 * htmlParseHTMLName() reads at most (100 characters: the rest would be read as another name). */
static const xmlChar *name_end(const xmlChar *p, const xmlChar *end)
{
    const xmlChar *q = p;
    if (q >= end || !name_start(*q))
        return NULL;
    while (q < end && name_char(*q))
        q++;
    return q - p < 100 ? q : NULL;
}

static const xmlChar *skip_blanks(const xmlChar *p, const xmlChar *end)
{
    while (p < end && blank(*p))
        p++;
    return p;
}

bool cwt__start_tag_scan(const xmlChar *p, const xmlChar *end, size_t min, struct cwt__tag_scan *t)
{
    t->n = 0;
    const xmlChar *q = name_end(p + 1, end);
    if (p >= end || *p != '<' || !q)
        return false;
    static const char *const special[] = {"html", "head", "body", "meta"};
    for (size_t i = 0; i < sizeof special / sizeof *special; i++)
        if ((size_t)(q - p - 1) == strlen(special[i]) && strncasecmp((const char *)p + 1, special[i], strlen(special[i])) == 0)
            return false;
    for (;;) {
        const xmlChar *b = skip_blanks(q, end);
        if (b < end && *b == '>') {
            t->end = b + 1;
            break;
        }
        if (end - b >= 2 && b[0] == '/' && b[1] == '>') {
            t->end = b + 2;
            break;
        }
        if (b == q && q[-1] != '"' && q[-1] != '\'') /* a name right after the tag's name or an unquoted value */
            return false;
        if (!(q = name_end(b, end)))
            return false;
        const xmlChar *e = skip_blanks(q, end);
        if (e >= end || *e != '=')
            continue; /* no value: the next attribute or the end (blanks skipped again) */
        const xmlChar *v = skip_blanks(e + 1, end), *ve;
        if (v >= end)
            return false;
        if (*v == '"' || *v == '\'') {
            if (!(ve = memchr(v + 1, *v, (size_t)(end - v - 1))))
                return false;
            q = ve + 1;
            v++;
        } else {
            for (ve = v; ve < end && !blank(*ve) && *ve != '>'; ve++)
                if (*ve == '&')
                    return false;
            q = ve;
        }
        if ((size_t)(ve - v) >= min && t->n < CWT__TAG_VALUES && !memchr(v, '&', (size_t)(ve - v))) {
            t->at[t->n] = (size_t)(v - p);
            t->len[t->n++] = (size_t)(ve - v);
        }
    }
    return !t->n || cwt__plain_text(p, (size_t)(t->end - p)); /* (nothing to take: no need to know) */
}

void cwt__sax_jump(htmlParserCtxtPtr ctxt, const xmlChar *to, bool over_gt)
{
    if (over_gt) {
        ((xmlChar *)to)[-1] = '>';
        to--;
    }
    ctxt->input->cur = to;
}
