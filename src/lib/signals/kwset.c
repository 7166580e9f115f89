/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements keyword sets (kwset.h): an Aho-Corasick automaton of
 * the words, completed into a DFA over byte classes (every byte no word holds
 * is one class; with folding, a letter and its capital share one), its rows
 * premultiplied and its accepting states numbered last, so that one step per
 * text byte is a table load and one comparison. Built on the first use of a
 * set, published with a compare-and-swap (two threads racing build twice and
 * one copy is dropped) and kept for the process. When the build fails (out of
 * memory) the per-word search answers instead.
 */
#include <stdlib.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__) && defined(__SSE2__)
#include <immintrin.h>
#define HAVE_AVX2_PATH 1
#endif

#include "signals/kwset.h"
#include "signals/marks.h"

#define KW_STATES_MAX (1u << 16) /* total bytes of a set's words, plus one: far above any list */

struct cwt__kwdfa {
    uint8_t cls[256];
    uint32_t ncls;
    uint32_t shallow;  /* rows below this one are the root and the states one byte deep (not accepting) */
    uint32_t acc;      /* rows at or past this one accept */
    uint32_t *next;    /* next[row + cls[byte]]: the row (state * ncls) after the byte */
    uint16_t *minlen;  /* per state: the shortest word ending there (0: none) */
    struct cwt__bigrams pairs; /* the words' first two bytes: where a match can start */
};

static unsigned char fold(unsigned char c, bool exact)
{
    return !exact && c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

/* fold() of a byte for the pair filter, without a branch. */
static inline unsigned fold_ascii(unsigned c)
{
    return c | (unsigned)(c - 'A' < 26u) << 5;
}

/* The pair of bytes x, y (ASCII letters folded) as an index of struct cwt__bigrams bits. */
static inline unsigned pair_key(unsigned char x, unsigned char y)
{
    return fold_ascii(x) << 8 | fold_ascii(y);
}

static inline bool pair_in(const struct cwt__bigrams *b, unsigned k)
{
    return (b->bits[k >> 3] >> (k & 7)) & 1u;
}

static inline bool pair_at(const struct cwt__bigrams *b, const char *t, size_t i)
{
    return pair_in(b, pair_key((unsigned char)t[i], (unsigned char)t[i + 1]));
}

static struct cwt__kwdfa *build(const struct cwt__kwset *ks)
{
    size_t total = 1;
    for (const char *const *w = ks->words; *w; w++)
        total += strlen(*w);
    if (total > KW_STATES_MAX)
        return NULL;
    uint8_t cls[256] = {0};
    uint32_t ncls = 1;
    for (const char *const *w = ks->words; *w; w++)
        for (const unsigned char *p = (const unsigned char *)*w; *p; p++) {
            unsigned char f = fold(*p, ks->exact);
            if (!cls[f])
                cls[f] = (uint8_t)ncls++;
        }
    if (!ks->exact)
        for (int c = 'A'; c <= 'Z'; c++)
            cls[c] = cls[c - 'A' + 'a'];
    int32_t *go = cwt_malloc(total * ncls * sizeof *go);
    uint32_t *fail = cwt_malloc(total * sizeof *fail), *queue = cwt_malloc(total * sizeof *queue);
    uint32_t *perm = cwt_malloc(total * sizeof *perm);
    uint16_t *minlen = cwt_calloc(total, sizeof *minlen), *depth = cwt_calloc(total, sizeof *depth);
    struct cwt__kwdfa *d = NULL;
    if (!go || !fail || !queue || !perm || !minlen || !depth)
        goto out;
    for (size_t k = 0; k < total * ncls; k++)
        go[k] = -1;
    /* the trie */
    uint32_t nst = 1;
    for (const char *const *w = ks->words; *w; w++) {
        size_t n = strlen(*w);
        if (n == 0)
            continue; /* an empty word never matches (as in cwt__find_ci) */
        uint32_t s = 0;
        for (size_t i = 0; i < n; i++) {
            int32_t *t = &go[s * ncls + cls[(unsigned char)(*w)[i]]];
            if (*t < 0) {
                depth[nst] = (uint16_t)(i + 1);
                *t = (int32_t)nst++;
            }
            s = (uint32_t)*t;
        }
        if (!minlen[s] || n < minlen[s])
            minlen[s] = (uint16_t)n;
    }
    /* failure links breadth first, completing each row from its failure state's (already complete) */
    size_t qh = 0, qt = 0;
    for (uint32_t c = 0; c < ncls; c++) {
        if (go[c] < 0) {
            go[c] = 0;
        } else {
            fail[go[c]] = 0;
            queue[qt++] = (uint32_t)go[c];
        }
    }
    while (qh < qt) {
        uint32_t s = queue[qh++];
        for (uint32_t c = 0; c < ncls; c++) {
            int32_t u = go[s * ncls + c];
            int32_t viaf = go[fail[s] * ncls + c];
            if (u < 0) {
                go[s * ncls + c] = viaf;
                continue;
            }
            fail[u] = (uint32_t)viaf;
            uint16_t fm = minlen[viaf];
            if (fm && (!minlen[u] || fm < minlen[u]))
                minlen[u] = fm;
            queue[qt++] = (uint32_t)u;
        }
    }
    /* the root first, then the other states one byte deep, then the deeper ones, accepting states
     * last (the root never accepts: no word is empty) */
    uint32_t k = 0;
    for (int pass = 0; pass < 3; pass++)
        for (uint32_t s = 0; s < nst; s++)
            if (pass == 0 ? !minlen[s] && depth[s] <= 1 : pass == 1 ? !minlen[s] && depth[s] > 1 : minlen[s] != 0)
                perm[s] = k++;
    uint32_t shallow = 0, acc_state = 0;
    for (uint32_t s = 0; s < nst; s++) {
        shallow += !minlen[s] && depth[s] <= 1;
        acc_state += !minlen[s];
    }
    d = cwt_calloc(1, sizeof *d + (size_t)nst * ncls * sizeof *d->next + (size_t)nst * sizeof *d->minlen);
    if (!d)
        goto out;
    d->next = (uint32_t *)(d + 1);
    d->minlen = (uint16_t *)(d->next + (size_t)nst * ncls);
    memcpy(d->cls, cls, sizeof cls);
    d->ncls = ncls;
    d->shallow = shallow * ncls;
    d->acc = acc_state * ncls;
    for (uint32_t s = 0; s < nst; s++) {
        d->minlen[perm[s]] = minlen[s];
        for (uint32_t c = 0; c < ncls; c++)
            d->next[perm[s] * ncls + c] = perm[go[s * ncls + c]] * ncls;
    }
    for (const char *const *w = ks->words; *w; w++)
        cwt__bigrams_add(&d->pairs, *w);
out:
    cwt_free(go);
    cwt_free(fail);
    cwt_free(queue);
    cwt_free(perm);
    cwt_free(minlen);
    cwt_free(depth);
    return d;
}

static const struct cwt__kwdfa *dfa_of(struct cwt__kwset *ks)
{
    struct cwt__kwdfa *d = atomic_load_explicit(&ks->dfa, memory_order_acquire);
    if (d)
        return d;
    d = build(ks);
    if (!d)
        return NULL;
    struct cwt__kwdfa *none = NULL;
    if (!atomic_compare_exchange_strong_explicit(&ks->dfa, &none, d, memory_order_acq_rel, memory_order_acquire)) {
        cwt_free(d);
        d = none;
    }
    return d;
}

bool cwt__kwset_in_words(const struct cwt__kwset *ks, const char *s, size_t len)
{
    for (const char *const *w = ks->words; *w; w++) {
        size_t n = strlen(*w);
        if (ks->exact ? n && n <= len && memmem(s, len, *w, n) : cwt__find_ci_n(s, len, *w, n) != SIZE_MAX)
            return true;
    }
    return false;
}

static bool pair_ok(const struct cwt__bigrams *b, unsigned char x, unsigned char y)
{
    return b->off || pair_in(b, pair_key(x, y));
}

/*
 * Runs the automaton of @p d over t[*pp, end) (@p len bytes in all) from row *pst. In the root it
 * skips to the next position whose two bytes start a word; one byte deep it drops back to the root
 * when the two bytes start none (no match can begin before the partial one the state stands for, so
 * nothing is missed). With @p last NULL it stops at the first match and returns true; else it
 * keeps in *last the greatest start of a match. *pp and *pst are where it stopped.
 */
static bool run(const struct cwt__kwdfa *d, const char *t, size_t len, size_t end, size_t *pp, uint32_t *pst,
                size_t *last)
{
    const uint32_t *next = d->next;
    const uint8_t *cls = d->cls;
    const uint32_t acc = d->acc, shallow = d->shallow;
    size_t p = *pp;
    uint32_t st = *pst;
    bool found = false;
    struct cwt__bigrams_cur cur;
    cwt__bigrams_cur_init(&cur, &d->pairs, t, len);
    while (p < end) {
        if (st == 0) {
            if ((p = cwt__bigrams_cur_next(&cur, p)) >= end) {
                p = end;
                break;
            }
        } else if (st < shallow && !pair_ok(&d->pairs, (unsigned char)t[p - 1], (unsigned char)t[p])) {
            st = 0;
            continue;
        }
        st = next[st + cls[(unsigned char)t[p++]]];
        if (st >= acc) {
            found = true;
            if (!last)
                break;
            size_t start = p - d->minlen[st / d->ncls]; /* the shortest word ending here starts last */
            if (*last == SIZE_MAX || start > *last)
                *last = start;
        }
    }
    *pp = p;
    *pst = st;
    return found;
}

bool cwt__kwset_in(struct cwt__kwset *ks, const char *s, size_t len)
{
    const struct cwt__kwdfa *d = dfa_of(ks);
    if (!d)
        return cwt__kwset_in_words(ks, s, len);
    size_t p = 0;
    uint32_t st = 0;
    return run(d, s, len, len, &p, &st, NULL);
}

bool cwt__kwset_in_str(struct cwt__kwset *ks, const char *s)
{
    return s && cwt__kwset_in(ks, s, strlen(s));
}

void cwt__kwcursor_init(struct cwt__kwcursor *c, struct cwt__kwset *ks, const char *text, size_t len)
{
    *c = (struct cwt__kwcursor){ks, text, len, 0, 0, 0, SIZE_MAX};
}

bool cwt__kwcursor_within(struct cwt__kwcursor *c, size_t from, size_t to)
{
    if (to > c->len)
        to = c->len;
    if (from >= to)
        return false;
    const struct cwt__kwdfa *d = dfa_of(c->ks);
    if (!d)
        return cwt__kwset_in_words(c->ks, c->text + from, to - from);
    if (to < c->pos || from < c->floor) { /* a window further back: scan again from its start */
        c->floor = c->pos = from;
        c->state = 0;
        c->last = SIZE_MAX;
    } else if (from > c->pos) { /* past the text scanned: no word before @p from matters any more */
        c->floor = c->pos = from;
        c->state = 0;
    }
    run(d, c->text, c->len, to, &c->pos, &c->state, &c->last);
    return c->last != SIZE_MAX && c->last >= from;
}

/* Adds byte @p c (folded) and, for a lowercase letter, its capital to bucket @p bit of the nibble
 * tables @p lo and @p hi. */
static void nibble_add(uint8_t lo[16], uint8_t hi[16], unsigned c, unsigned bit)
{
    lo[c & 15] = (uint8_t)(lo[c & 15] | bit);
    hi[c >> 4] = (uint8_t)(hi[c >> 4] | bit);
    if (c >= 'a' && c <= 'z')
        nibble_add(lo, hi, c - 'a' + 'A', bit);
}

void cwt__bigrams_add(struct cwt__bigrams *b, const char *w)
{
    if (!w[0] || !w[1]) {
        b->off = b->off || w[0]; /* an empty word never matches */
        return;
    }
    unsigned k = pair_key((unsigned char)w[0], (unsigned char)w[1]);
    b->bits[k >> 3] = (uint8_t)(b->bits[k >> 3] | (1u << (k & 7)));
    unsigned bucket = 1u << ((k >> 8) & 7);
    nibble_add(b->lo_first, b->hi_first, k >> 8, bucket);
    nibble_add(b->lo_second, b->hi_second, k & 0xff, bucket);
    uint8_t f = (uint8_t)((unsigned char)w[0] | 0x20);
    for (unsigned j = 0; j < b->nfirst && j < CWT__BIGRAMS_FIRST; j++)
        if (b->first[j] == f)
            return;
    if (b->nfirst < CWT__BIGRAMS_FIRST)
        b->first[b->nfirst] = f;
    if (b->nfirst <= CWT__BIGRAMS_FIRST)
        b->nfirst++;
}

#if HAVE_AVX2_PATH
/* The bucket tables of kwset.h, loaded once per scan. */
struct teddy {
    __m256i lo1, hi1, lo2, hi2;
};

__attribute__((target("avx2"))) static inline void teddy_load(struct teddy *td, const struct cwt__bigrams *b)
{
#define TABLE(x) _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)(const void *)(x)))
    td->lo1 = TABLE(b->lo_first);
    td->hi1 = TABLE(b->hi_first);
    td->lo2 = TABLE(b->lo_second);
    td->hi2 = TABLE(b->hi_second);
#undef TABLE
}

/* The positions of p[0, 32) whose byte and the next may be a pair of one bucket (p[32] is read). */
__attribute__((target("avx2"))) static inline uint32_t teddy_mask32(const struct teddy *td, const char *p)
{
    const __m256i nib = _mm256_set1_epi8(0x0f);
    __m256i v0 = _mm256_loadu_si256((const __m256i *)(const void *)p);
    __m256i v1 = _mm256_loadu_si256((const __m256i *)(const void *)(p + 1));
    __m256i a = _mm256_and_si256(_mm256_shuffle_epi8(td->lo1, _mm256_and_si256(v0, nib)),
                                 _mm256_shuffle_epi8(td->hi1, _mm256_and_si256(_mm256_srli_epi16(v0, 4), nib)));
    __m256i c = _mm256_and_si256(_mm256_shuffle_epi8(td->lo2, _mm256_and_si256(v1, nib)),
                                 _mm256_shuffle_epi8(td->hi2, _mm256_and_si256(_mm256_srli_epi16(v1, 4), nib)));
    return ~(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_and_si256(a, c), _mm256_setzero_si256()));
}

/* The same for p[0, 16) (p[16] is read): short texts, link texts and addresses. */
__attribute__((target("avx2"))) static inline uint32_t teddy_mask16(const struct teddy *td, const char *p)
{
    const __m128i nib = _mm_set1_epi8(0x0f);
    __m128i v0 = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i v1 = _mm_loadu_si128((const __m128i *)(const void *)(p + 1));
    __m128i a = _mm_and_si128(_mm_shuffle_epi8(_mm256_castsi256_si128(td->lo1), _mm_and_si128(v0, nib)),
                              _mm_shuffle_epi8(_mm256_castsi256_si128(td->hi1), _mm_and_si128(_mm_srli_epi16(v0, 4), nib)));
    __m128i c = _mm_and_si128(_mm_shuffle_epi8(_mm256_castsi256_si128(td->lo2), _mm_and_si128(v1, nib)),
                              _mm_shuffle_epi8(_mm256_castsi256_si128(td->hi2), _mm_and_si128(_mm_srli_epi16(v1, 4), nib)));
    return ~(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_and_si128(a, c), _mm_setzero_si128())) & 0xffffu;
}
#endif

#if defined(__SSE2__)
/* The first of the candidate positions base + k (k the set bits of @p mask) that starts a pair; SIZE_MAX if none. */
static inline size_t first_pair(const struct cwt__bigrams *b, const char *t, size_t base, uint32_t mask)
{
    for (; mask; mask &= mask - 1) {
        size_t p = base + (unsigned)__builtin_ctz(mask);
        if (pair_at(b, t, p))
            return p;
    }
    return SIZE_MAX;
}
#endif

#if HAVE_AVX2_PATH
/* The first position of t[i, len - 16) that starts a pair, 32 candidates at a time then 16; else where
 * the blocks stopped (*@p done false) for the bytes left. */
__attribute__((target("avx2"))) static size_t next_avx2(const struct cwt__bigrams *b, const char *t, size_t len,
                                                        size_t i, bool *done)
{
    struct teddy td;
    teddy_load(&td, b);
    *done = true;
    for (; i + 32 < len; i += 32) { /* the block and the byte after it are in the text */
        size_t p = first_pair(b, t, i, teddy_mask32(&td, t + i));
        if (p != SIZE_MAX)
            return p;
    }
    if (i + 16 < len) {
        size_t p = first_pair(b, t, i, teddy_mask16(&td, t + i));
        if (p != SIZE_MAX)
            return p;
        i += 16;
    }
    *done = false;
    return i;
}

/* The first 32-byte block of t[i, len - 1) with candidates (see next_avx2): its start, its candidates
 * in *@p mask; else where the blocks stopped, *@p mask 0. */
__attribute__((target("avx2"))) static size_t block_avx2(const struct cwt__bigrams *b, const char *t, size_t len,
                                                         size_t i, uint32_t *mask)
{
    struct teddy td;
    teddy_load(&td, b);
    for (; i + 32 < len; i += 32) {
        uint32_t m = teddy_mask32(&td, t + i);
        if (m) {
            *mask = m;
            return i;
        }
    }
    *mask = 0;
    return i;
}

#endif

size_t cwt__bigrams_next(const struct cwt__bigrams *b, const char *t, size_t len, size_t i)
{
    if (b->off)
        return i;
#if HAVE_AVX2_PATH
    if (i + 16 < len && cwt__cpu_avx2()) {
        bool done;
        i = next_avx2(b, t, len, i, &done);
        if (done)
            return i;
    } else
#endif
#if defined(__SSE2__)
    if (b->nfirst <= CWT__BIGRAMS_FIRST && b->nfirst > 0 && i + 16 < len) {
        /* candidates: bytes that OR 0x20 equal a first byte OR 0x20 (a superset of the folded first
         * bytes), 16 at a time; each is then checked against the pairs */
        __m128i f[CWT__BIGRAMS_FIRST];
        for (unsigned j = 0; j < b->nfirst; j++)
            f[j] = _mm_set1_epi8((char)b->first[j]);
        const __m128i low = _mm_set1_epi8(0x20);
        while (i + 16 < len) { /* the block and the byte after it are in the text */
            __m128i v = _mm_or_si128(_mm_loadu_si128((const __m128i *)(const void *)(t + i)), low);
            __m128i m = _mm_cmpeq_epi8(v, f[0]);
            for (unsigned j = 1; j < b->nfirst; j++)
                m = _mm_or_si128(m, _mm_cmpeq_epi8(v, f[j]));
            size_t p = first_pair(b, t, i, (uint32_t)_mm_movemask_epi8(m));
            if (p != SIZE_MAX)
                return p;
            i += 16;
        }
    }
#endif
    if (i + 1 >= len)
        return len;
    /* byte by byte, each folded once: the second byte of one pair is the first of the next */
    const unsigned char *u = (const unsigned char *)t;
    unsigned x = fold_ascii(u[i]) << 8;
    for (; i + 1 < len; i++) {
        unsigned y = fold_ascii(u[i + 1]);
        if (pair_in(b, x | y))
            return i;
        x = y << 8;
    }
    return len;
}

size_t cwt__next_digit(const char *t, size_t len, size_t i, char a, char b)
{
#if defined(__SSE2__)
    const __m128i zero = _mm_set1_epi8('0'), nine = _mm_set1_epi8(9);
    const __m128i va = _mm_set1_epi8(a), vb = _mm_set1_epi8(b);
    for (; i + 16 <= len; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(t + i));
        __m128i d = _mm_sub_epi8(v, zero); /* a digit is 0..9 unsigned */
        __m128i m = _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(d, nine), d),
                                 _mm_or_si128(_mm_cmpeq_epi8(v, va), _mm_cmpeq_epi8(v, vb)));
        unsigned mask = (unsigned)_mm_movemask_epi8(m);
        if (mask)
            return i + (unsigned)__builtin_ctz(mask);
    }
#endif
    while (i < len && !(t[i] >= '0' && t[i] <= '9') && t[i] != a && t[i] != b)
        i++;
    return i;
}

void cwt__bigrams_cur_init(struct cwt__bigrams_cur *c, const struct cwt__bigrams *b, const char *t, size_t len)
{
    *c = (struct cwt__bigrams_cur){.b = b, .t = t, .len = len};
#if HAVE_AVX2_PATH
    c->avx2 = !b->off && cwt__cpu_avx2();
#endif
}

size_t cwt__bigrams_cur_next(struct cwt__bigrams_cur *c, size_t i)
{
#if HAVE_AVX2_PATH
    while (c->avx2) {
        if (c->kept && i >= c->base && i - c->base < 32) {
            uint32_t m = c->mask & (~(uint32_t)0 << (i - c->base));
            for (; m; m &= m - 1) {
                size_t p = c->base + (unsigned)__builtin_ctz(m);
                if (pair_at(c->b, c->t, p)) {
                    c->mask = m;
                    return p;
                }
            }
            i = c->base + 32; /* the block is done */
        }
        c->kept = false;
        if (i + 32 >= c->len)
            break; /* the last bytes as cwt__bigrams_next() does */
        uint32_t m;
        c->base = block_avx2(c->b, c->t, c->len, i, &m);
        if (!m) {
            i = c->base;
            break;
        }
        c->mask = m;
        c->kept = true;
        if (i < c->base)
            i = c->base;
    }
#endif
    return cwt__bigrams_next(c->b, c->t, c->len, i);
}

size_t cwt__next_digit_upper(const char *t, size_t len, size_t i)
{
#if defined(__SSE2__)
    const __m128i zero = _mm_set1_epi8('0'), nine = _mm_set1_epi8(9);
    const __m128i a = _mm_set1_epi8('A'), z = _mm_set1_epi8('Z' - 'A');
    for (; i + 16 <= len; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(t + i));
        __m128i d = _mm_sub_epi8(v, zero), u = _mm_sub_epi8(v, a); /* in range: 0..9, 0..25 unsigned */
        __m128i m = _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(d, nine), d), _mm_cmpeq_epi8(_mm_min_epu8(u, z), u));
        unsigned mask = (unsigned)_mm_movemask_epi8(m);
        if (mask)
            return i + (unsigned)__builtin_ctz(mask);
    }
#endif
    while (i < len && !(t[i] >= '0' && t[i] <= '9') && !(t[i] >= 'A' && t[i] <= 'Z'))
        i++;
    return i;
}

static void starts_pair(struct cwt__starts *s, unsigned char a, unsigned char b)
{
    unsigned k = (unsigned)a << 8 | b;
    s->pairs[k >> 3] = (uint8_t)(s->pairs[k >> 3] | 1u << (k & 7));
}

static unsigned char lower_ascii(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

static unsigned char upper_ascii(unsigned char c)
{
    return c >= 'a' && c <= 'z' ? (unsigned char)(c - 'a' + 'A') : c;
}

/* The hash of the four bytes at @p w, ASCII letters folded, as a bit of struct cwt__starts quads. */
static unsigned quad_key(const char *w)
{
    uint32_t v = (uint32_t)lower_ascii((unsigned char)w[0]) | (uint32_t)lower_ascii((unsigned char)w[1]) << 8 |
                 (uint32_t)lower_ascii((unsigned char)w[2]) << 16 | (uint32_t)lower_ascii((unsigned char)w[3]) << 24;
    return (unsigned)((v * 2654435761u) >> 20) & (4096 - 1);
}

void cwt__starts_add(struct cwt__starts *s, const char *w, bool exact)
{
    size_t n = strlen(w);
    if (n < 2) {
        s->off = s->off || n == 1; /* an empty word never matches */
        return;
    }
    unsigned char a = (unsigned char)w[0], b = (unsigned char)w[1];
    if (exact) {
        starts_pair(s, a, b);
    } else if (n < 4) {
        starts_pair(s, lower_ascii(a), lower_ascii(b));
        starts_pair(s, lower_ascii(a), upper_ascii(b));
        starts_pair(s, upper_ascii(a), lower_ascii(b));
        starts_pair(s, upper_ascii(a), upper_ascii(b));
    } else {
        unsigned k = quad_key(w);
        s->quads[k >> 3] = (uint8_t)(s->quads[k >> 3] | 1u << (k & 7));
    }
}

bool cwt__starts_at(const struct cwt__starts *s, const char *t, size_t len, size_t i)
{
    if (s->off)
        return true;
    if (i + 1 >= len)
        return false;
    unsigned k = (unsigned)(unsigned char)t[i] << 8 | (unsigned char)t[i + 1];
    if (s->pairs[k >> 3] >> (k & 7) & 1)
        return true;
    if (i + 4 > len)
        return false;
    k = quad_key(t + i);
    return s->quads[k >> 3] >> (k & 7) & 1;
}
