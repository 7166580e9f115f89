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

#include "signals/kwset.h"
#include "signals/marks.h"

#define KW_STATES_MAX (1u << 16) /* total bytes of a set's words, plus one: far above any list */

struct cwt__kwdfa {
    uint8_t cls[256];
    uint32_t ncls;
    uint32_t acc;      /* rows at or past this one accept */
    uint32_t *next;    /* next[row + cls[byte]]: the row (state * ncls) after the byte */
    uint16_t *minlen;  /* per state: the shortest word ending there (0: none) */
};

static unsigned char fold(unsigned char c, bool exact)
{
    return !exact && c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
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
    uint16_t *minlen = cwt_calloc(total, sizeof *minlen);
    struct cwt__kwdfa *d = NULL;
    if (!go || !fail || !queue || !perm || !minlen)
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
            if (*t < 0)
                *t = (int32_t)nst++;
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
    /* accepting states last (the root never accepts: no word is empty) */
    uint32_t k = 0;
    for (uint32_t s = 0; s < nst; s++)
        if (!minlen[s])
            perm[s] = k++;
    uint32_t acc_state = k;
    for (uint32_t s = 0; s < nst; s++)
        if (minlen[s])
            perm[s] = k++;
    d = cwt_malloc(sizeof *d + (size_t)nst * ncls * sizeof *d->next + (size_t)nst * sizeof *d->minlen);
    if (!d)
        goto out;
    d->next = (uint32_t *)(d + 1);
    d->minlen = (uint16_t *)(d->next + (size_t)nst * ncls);
    memcpy(d->cls, cls, sizeof cls);
    d->ncls = ncls;
    d->acc = acc_state * ncls;
    for (uint32_t s = 0; s < nst; s++) {
        d->minlen[perm[s]] = minlen[s];
        for (uint32_t c = 0; c < ncls; c++)
            d->next[perm[s] * ncls + c] = perm[go[s * ncls + c]] * ncls;
    }
out:
    cwt_free(go);
    cwt_free(fail);
    cwt_free(queue);
    cwt_free(perm);
    cwt_free(minlen);
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

/* The per-word search, when no automaton could be built. */
static bool plain_in(const struct cwt__kwset *ks, const char *s, size_t len)
{
    for (const char *const *w = ks->words; *w; w++) {
        size_t n = strlen(*w);
        if (ks->exact ? n && n <= len && memmem(s, len, *w, n) : cwt__find_ci_n(s, len, *w, n) != SIZE_MAX)
            return true;
    }
    return false;
}

bool cwt__kwset_in(struct cwt__kwset *ks, const char *s, size_t len)
{
    const struct cwt__kwdfa *d = dfa_of(ks);
    if (!d)
        return plain_in(ks, s, len);
    const uint32_t *next = d->next;
    const uint8_t *cls = d->cls;
    const uint32_t acc = d->acc;
    uint32_t st = 0;
    for (size_t i = 0; i < len; i++) {
        st = next[st + cls[(unsigned char)s[i]]];
        if (st >= acc)
            return true;
    }
    return false;
}

bool cwt__kwset_in_str(struct cwt__kwset *ks, const char *s)
{
    if (!s)
        return false;
    const struct cwt__kwdfa *d = dfa_of(ks);
    if (!d)
        return plain_in(ks, s, strlen(s));
    const uint32_t *next = d->next;
    const uint8_t *cls = d->cls;
    const uint32_t acc = d->acc;
    uint32_t st = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        st = next[st + cls[*p]];
        if (st >= acc)
            return true;
    }
    return false;
}

void cwt__kwcursor_init(struct cwt__kwcursor *c, struct cwt__kwset *ks, const char *text, size_t len)
{
    *c = (struct cwt__kwcursor){ks, text, len, 0, 0, SIZE_MAX};
}

bool cwt__kwcursor_within(struct cwt__kwcursor *c, size_t from, size_t to)
{
    if (to > c->len)
        to = c->len;
    if (from >= to)
        return false;
    const struct cwt__kwdfa *d = dfa_of(c->ks);
    if (!d)
        return plain_in(c->ks, c->text + from, to - from);
    if (to < c->pos) { /* a window further back: scan again from the start */
        c->pos = 0;
        c->state = 0;
        c->last = SIZE_MAX;
    }
    const uint32_t *next = d->next;
    const uint8_t *cls = d->cls;
    uint32_t st = c->state;
    for (size_t p = c->pos; p < to; p++) {
        st = next[st + cls[(unsigned char)c->text[p]]];
        if (st >= d->acc) {
            size_t start = p + 1 - d->minlen[st / d->ncls]; /* the shortest word ending here starts last */
            if (c->last == SIZE_MAX || start > c->last)
                c->last = start;
        }
    }
    c->pos = to;
    c->state = st;
    return c->last != SIZE_MAX && c->last >= from;
}
