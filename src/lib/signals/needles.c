/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the one-pass search of a few exact needles (needles.h): the anchor bytes
 * are found with SSE2 compares 16 bytes at a time (byte by byte elsewhere), the block's NUL ends the
 * text, and at each anchor byte the needles anchored on it are compared where they would start.
 * Every occurrence of a needle has its anchor byte at its start plus the anchor's offset, so none is
 * missed; a needle holds no NUL, so one that compares equal lies before the text's first NUL.
 */
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "signals/needles.h"

bool cwt__needles_init(struct cwt__needles *nd, const char *const *words)
{
    memset(nd, 0, sizeof *nd);
    nd->words = words;
    while (words[nd->nwords])
        nd->nwords++;
    if (nd->nwords > CWT__NEEDLES_MAX)
        return false;
    for (size_t k = 0; k < nd->nwords; k++) {
        size_t n = strlen(words[k]);
        if (n == 0 || n > 64)
            return false;
        const char *dot = strchr(words[k], '.');
        nd->len[k] = (uint8_t)n;
        nd->off[k] = (uint8_t)(dot ? (size_t)(dot - words[k]) : 0);
        nd->anchor[k] = (uint8_t)words[k][nd->off[k]];
        size_t j = 0;
        while (j < nd->nbytes && nd->bytes[j] != nd->anchor[k])
            j++;
        if (j == nd->nbytes) {
            if (nd->nbytes == 16)
                return false;
            nd->bytes[nd->nbytes++] = nd->anchor[k];
        }
    }
    return true;
}

/* The needles anchored at s[p] that occur there; @p end is the text's length (s[end] readable). */
static uint32_t at_anchor(const struct cwt__needles *nd, const char *s, size_t end, size_t p)
{
    uint32_t found = 0;
    uint8_t c = (uint8_t)s[p];
    for (size_t k = 0; k < nd->nwords; k++) {
        if (nd->anchor[k] != c || p < nd->off[k])
            continue;
        size_t start = p - nd->off[k];
        if (nd->len[k] <= end - start && memcmp(s + start, nd->words[k], nd->len[k]) == 0)
            found |= 1u << k;
    }
    return found;
}

static bool is_anchor(const struct cwt__needles *nd, uint8_t c)
{
    for (size_t j = 0; j < nd->nbytes; j++)
        if (nd->bytes[j] == c)
            return true;
    return false;
}

uint32_t cwt__needles_in(const struct cwt__needles *nd, const char *s, size_t len)
{
    uint32_t found = 0, all = nd->nwords >= 32 ? UINT32_MAX : (1u << nd->nwords) - 1;
    size_t i = 0;
    if (!s || !nd->nwords)
        return 0;
#if defined(__SSE2__)
    __m128i b[16];
    for (size_t j = 0; j < nd->nbytes; j++)
        b[j] = _mm_set1_epi8((char)nd->bytes[j]);
    const __m128i zero = _mm_setzero_si128();
    for (; i + 16 <= len && found != all; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        unsigned nul = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, zero));
        __m128i m = _mm_cmpeq_epi8(v, b[0]);
        for (size_t j = 1; j < nd->nbytes; j++)
            m = _mm_or_si128(m, _mm_cmpeq_epi8(v, b[j]));
        unsigned mask = (unsigned)_mm_movemask_epi8(m);
        if (nul) { /* the text ends in this block */
            unsigned z = (unsigned)__builtin_ctz(nul);
            mask &= (1u << z) - 1;
            len = i + z;
        }
        for (; mask; mask &= mask - 1)
            found |= at_anchor(nd, s, len, i + (unsigned)__builtin_ctz(mask));
        if (nul)
            return found;
    }
#endif
    for (; i < len && s[i] && found != all; i++)
        if (is_anchor(nd, (uint8_t)s[i]))
            found |= at_anchor(nd, s, len, i);
    return found;
}

uint32_t cwt__needles_in_strstr(const struct cwt__needles *nd, const char *s)
{
    uint32_t found = 0;
    for (size_t k = 0; s && k < nd->nwords; k++)
        if (strstr(s, nd->words[k]))
            found |= 1u << k;
    return found;
}
