/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target of the keyword sets and the pair-of-first-bytes filter (src/lib/signals/kwset.c),
 * differential: every answer must be the per-word search's (cwt__kwset_in_words: cwt__find_ci_n, memmem), and
 * cwt__find_ci_n's a byte-by-byte search's. The input is
 * up to eight words, one per line, a blank line, then the text; the signals' contact word lists are
 * tried on the text too.
 */
#include <stdint.h>
#include <stdlib.h>

#include "signals/contact_tables.h"
#include "signals/kwset.h"
#include "signals/marks.h" /* cwt__find_ci_n */

static void check(struct cwt__kwset *ks, const char *s, size_t len)
{
    if (cwt__kwset_in(ks, s, len) != cwt__kwset_in_words(ks, s, len))
        abort();
    struct cwt__kwcursor c;
    cwt__kwcursor_init(&c, ks, s, len);
    for (size_t i = 0; i <= len; i++) {
        size_t from = i > 64 ? i - 64 : 0;
        if (cwt__kwcursor_within(&c, from, i) != cwt__kwset_in_words(ks, s + from, i - from))
            abort();
    }
    /* windows of widths and gaps taken from the text: jumps ahead and restarts */
    cwt__kwcursor_init(&c, ks, s, len);
    for (size_t i = 0, k = 0; i <= len && k < len; k++) {
        size_t w = (unsigned char)s[k] % 80, from = i > w ? i - w : 0;
        if (cwt__kwcursor_within(&c, from, i) != cwt__kwset_in_words(ks, s + from, i - from))
            abort();
        i += (unsigned char)s[len - 1 - k] % 40;
    }
}

static void check_pairs(const char *const *words, const char *s, size_t len)
{
    static struct cwt__bigrams b;
    memset(&b, 0, sizeof b);
    bool one = false;
    for (const char *const *w = words; *w; w++) {
        cwt__bigrams_add(&b, *w);
        one = one || strlen(*w) == 1;
    }
    size_t next = cwt__bigrams_next(&b, s, len, 0);
    for (size_t j = 0; j < len && !one; j++) {
        bool starts = false;
        for (const char *const *w = words; *w && !starts; w++)
            starts = strlen(*w) >= 2 && j + 1 < len && cwt__find_ci_n(s + j, 2, *w, 2) == 0;
        if (starts != (next == j))
            abort();
        if (starts)
            next = cwt__bigrams_next(&b, s, len, j + 1);
    }
    if (one ? next != 0 : next != len)
        abort();
    struct cwt__bigrams_cur c; /* the cursor as the scanners use it */
    cwt__bigrams_cur_init(&c, &b, s, len);
    for (size_t j = 0; j < len; j++) {
        size_t want = cwt__bigrams_next(&b, s, len, j);
        if (cwt__bigrams_cur_next(&c, j) != want)
            abort();
        j = want;
    }
}

/* cwt__find_ci_n (the reference above; memchr or 32 pairs of bytes at a time) against a byte-by-byte search. */
static void check_find(const char *w, const char *s, size_t len)
{
    size_t n = strlen(w), want = SIZE_MAX;
    for (size_t i = 0; n && i + n <= len && want == SIZE_MAX; i++) {
        size_t k = 0;
        while (k < n) {
            unsigned char a = (unsigned char)s[i + k], b = (unsigned char)w[k];
            a = a >= 'A' && a <= 'Z' ? (unsigned char)(a + 32) : a;
            b = b >= 'A' && b <= 'Z' ? (unsigned char)(b + 32) : b;
            if (a != b)
                break;
            k++;
        }
        if (k == n)
            want = i;
    }
    if (cwt__find_ci_n(s, len, w, n) != want)
        abort();
}

static struct cwt__kwset phone_set = CWT__KWSET(cwt__phone_words), address_set = CWT__KWSET(cwt__address_words);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char store[8][33];
    const char *words[9];
    size_t nw = 0, i = 0;
    while (nw < 8 && i < size && data[i] != '\n') { /* words up to a blank line */
        size_t n = 0;
        while (i < size && data[i] != '\n' && data[i] != '\0') {
            if (n < 32)
                store[nw][n++] = (char)data[i];
            i++;
        }
        store[nw][n] = '\0';
        words[nw] = store[nw];
        nw++;
        i += i < size;
    }
    words[nw] = NULL;
    i += i < size;
    const char *text = (const char *)data + i;
    size_t len = size - i;
    struct cwt__kwset fold_set = CWT__KWSET(words), exact_set = CWT__KWSET_EXACT(words);
    check(&fold_set, text, len);
    check(&exact_set, text, len);
    check_pairs(words, text, len);
    for (size_t k = 0; k < nw; k++)
        check_find(words[k], text, len);
    check(&phone_set, text, len);
    check(&address_set, text, len);
    cwt_free(atomic_load(&fold_set.dfa));
    cwt_free(atomic_load(&exact_set.dfa));
    return 0;
}
