/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements page/textcat_fp.h: libexttextcat 3.4's fp_Create() (fingerprint.c, with
 * utf8misc.c's character steps) step for step where the result depends on it, and differently where it
 * does not. The same: the cleaned text (prepbuffer: runs of isspace/isdigit bytes become one '_', the
 * text framed by '_', at most len + 1 bytes kept), the cut into characters (a lead byte 110xxxxx takes 1
 * more byte, 1110xxxx 2, 1111xxxx 3, whatever they are, up to the NUL; any other byte is one
 * character), the n-grams (from each character, 1 to 5 characters, ending after the first that starts
 * with '_'; the whole extraction stops at the first n-gram that reaches the end of the text), the hash
 * that picks their bucket (len * 13, then h * 31 + each signed byte, low 13 bits), the order in which
 * the buckets feed the heap (ascending, newest n-gram of a bucket first), and every move of the
 * 400-slot min-heap (strict comparisons of counts, a count equal to the root's replaces it, extraction
 * sifting over the old size) — these decide which of equally frequent n-grams are kept and their ranks.
 * Different: the counts live in an open-addressing table (slots holding the hash, the count and where
 * the n-gram's bytes are in the cleaned text, so a look-up touches one slot and bytes already in
 * cache), with the buckets' chains kept beside it only to give the feeding order; all in per-thread
 * storage reused from text to text (nothing allocated per text once warm, the used slots emptied after
 * each); the heap moves 8-byte items instead of 40-byte entries and sifts through a hole. The
 * fingerprint is returned in rank order: fp_Create's alphabetical sort and fp_Print's sort back to
 * ranks cancel out (the ranks are distinct). On 3,000-byte windows of the fixture pages: about 190 us
 * a text where fp_Create + fp_Print into a memory stream take 430.
 */
#include <ctype.h>
#include <pthread.h>

#include "page/textcat_fp.h"

#define FP_SYMBOLS 5      /* characters of an n-gram at most (MAXNGRAMSYMBOL) */
#define FP_BUCKETS 8192   /* libexttextcat's hash table (1 << TABLEPOW) */
#define FP_NONE UINT32_MAX
#define FP_PAD 24         /* bytes read past the cleaned text by same_gram() */
#define FP_OFF_BITS 27    /* offsets in the cleaned text (CWT__TCFP_MAX_TEXT + 3 fits) */
#define FP_KEEP_SLOTS ((size_t)1 << 16) /* a bigger table (made for a long text) is not kept */

/* An n-gram of the text, in the order of creation (which decides its place in its bucket's chain). */
struct fp_entry {
    uint32_t slot; /* where its count is */
    uint32_t next; /* the older entry of the same libexttextcat bucket, FP_NONE for none */
};

/* An n-gram's count, found by its hash without touching its entry. */
struct fp_slot {
    uint32_t hash;   /* libexttextcat's simplehash */
    uint32_t offlen; /* its first byte in the cleaned text, and its length << FP_OFF_BITS */
    uint32_t cnt;    /* 0 for an empty slot */
    uint32_t ent;
};

struct fp_item {
    uint32_t cnt;
    uint32_t ent;
};

/* The per-thread storage: grown as texts need, its slots emptied after each text. */
struct fp_scratch {
    char *text; /* the cleaned text, then FP_PAD bytes that whole-word comparisons may read */
    size_t text_cap;
    struct fp_entry *ents;
    size_t nents, ents_cap;
    struct fp_slot *slots; /* all empty between texts */
    size_t nslots;         /* a power of two, at least twice nents */
    uint32_t head[FP_BUCKETS];
    uint64_t used[FP_BUCKETS / 64]; /* buckets holding an entry of this text */
    struct fp_item heap[CWT__TCFP_NGRAMS];
};

static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;
static bool scratch_ok;

static void scratch_free(void *p)
{
    struct fp_scratch *s = p;
    if (!s)
        return;
    cwt_free(s->text);
    cwt_free(s->ents);
    cwt_free(s->slots);
    cwt_free(s);
}

static void scratch_init(void)
{
    scratch_ok = pthread_key_create(&scratch_key, scratch_free) == 0;
}

static struct fp_scratch *scratch_get(void)
{
    pthread_once(&scratch_once, scratch_init);
    if (!scratch_ok)
        return NULL;
    struct fp_scratch *s = pthread_getspecific(scratch_key);
    if (s)
        return s;
    if (!(s = CWT_NEW(struct fp_scratch)))
        return NULL;
    if (pthread_setspecific(scratch_key, s) != 0) {
        cwt_free(s);
        return NULL;
    }
    return s;
}

/* prepbuffer()'s test of a byte to drop (INVALID: isspace or isdigit in the current locale). */
static inline bool invalid(unsigned char c)
{
    return isspace(c) || isdigit(c);
}

/* prepbuffer(): writes the cleaned @p src (read up to its NUL, written up to @p limit bytes before the
 * final '_') into @p dst, which holds limit + 2 bytes, NUL-terminated; returns its length. */
static size_t clean(const unsigned char *src, char *dst, size_t limit)
{
    const unsigned char *p = src;
    size_t w = 0;
    for (;;) {
        while (invalid(*p))
            p++;
        if (!*p)
            break; /* the text ends after blanks (or is empty): a closing '_' */
        dst[w++] = '_';
        if (w == limit)
            goto out;
        for (;;) {
            dst[w++] = (char)*p++;
            if (w == limit)
                goto close;
            if (invalid(*p))
                break;
            if (!*p)
                goto out; /* the text ends inside a word: no closing '_' */
        }
    }
close:
    dst[w++] = '_';
out:
    dst[w] = '\0';
    return w;
}

/* utf8_charcopy()'s length of the character at @p s (s[0] != 0): the bytes its lead byte announces, up
 * to the NUL. */
static inline size_t char_len(const unsigned char *s)
{
    size_t k = 0;
    if (s[0] & 0x80)
        for (unsigned char esc = (unsigned char)((s[0] & 0xF0) << 1); (esc & 0x80) && s[k]; esc = (unsigned char)(esc << 1))
            k++;
    return s[k] ? k + 1 : k;
}

/* The first slot to try for @p hash (its high bits after a multiplication: simplehash's low bits are
 * poor). */
static inline size_t slot_of(uint32_t hash, size_t mask)
{
    return (size_t)(((uint64_t)hash * UINT64_C(0x9E3779B97F4A7C15)) >> 32) & mask;
}

/* Doubles the slot table (or makes its first), placing the counts again. */
static enum cwt_status grow_slots(struct fp_scratch *s)
{
    size_t n = s->nslots ? s->nslots * 2 : 4096;
    struct fp_slot *slots = cwt_calloc(n, sizeof *slots);
    if (!slots)
        return CWT_ENOMEM;
    for (size_t j = 0; j < s->nslots; j++) {
        const struct fp_slot *o = &s->slots[j];
        if (!o->cnt)
            continue;
        size_t i = slot_of(o->hash, n - 1);
        while (slots[i].cnt)
            i = (i + 1) & (n - 1);
        slots[i] = *o;
        s->ents[o->ent].slot = (uint32_t)i;
    }
    cwt_free(s->slots);
    s->slots = slots;
    s->nslots = n;
    return CWT_OK;
}

/* Whether the n-grams at @p a and @p b (both followed by at least FP_PAD readable bytes) have the same
 * @p len (<= CWT__TCFP_GRAM) bytes. */
static inline bool same_gram(const char *a, const char *b, size_t len)
{
    uint64_t x[3], y[3];
    memcpy(x, a, sizeof x);
    memcpy(y, b, sizeof y);
    uint64_t d0 = x[0] ^ y[0], d1 = x[1] ^ y[1], d2 = x[2] ^ y[2];
    /* keep the first len bytes of the 24 (little-endian: the low bytes of each word first) */
    if (len < 8)
        return (d0 & ((UINT64_C(1) << (len * 8)) - 1)) == 0;
    if (len < 16)
        return d0 == 0 && (d1 & ((UINT64_C(1) << ((len - 8) * 8)) - 1)) == 0;
    return d0 == 0 && d1 == 0 && (d2 & ((UINT64_C(1) << ((len - 16) * 8)) - 1)) == 0;
}

/* increasefreq(): counts the n-gram s->text[off, off + len) whose simplehash is @p hash. */
static inline enum cwt_status count(struct fp_scratch *s, uint32_t off, uint32_t len, uint32_t hash)
{
    size_t mask = s->nslots - 1;
    const char *g = s->text + off;
    for (size_t i = slot_of(hash, mask);; i = (i + 1) & mask) {
        struct fp_slot *sl = &s->slots[i];
        if (!sl->cnt) {
            if (s->nents == s->ents_cap) {
                enum cwt_status rc = CWT_GROW(s->ents, s->nents, &s->ents_cap, (size_t)UINT32_MAX);
                if (rc != CWT_OK)
                    return rc;
            }
            uint32_t e = (uint32_t)s->nents++;
            uint32_t b = hash & (FP_BUCKETS - 1);
            uint64_t bit = (uint64_t)1 << (b & 63);
            s->ents[e] = (struct fp_entry){(uint32_t)i, (s->used[b >> 6] & bit) ? s->head[b] : FP_NONE};
            s->used[b >> 6] |= bit;
            s->head[b] = e;
            *sl = (struct fp_slot){hash, off | len << FP_OFF_BITS, 1, e};
            return s->nents * 2 > s->nslots ? grow_slots(s) : CWT_OK;
        }
        if (sl->hash == hash && sl->offlen >> FP_OFF_BITS == len &&
            same_gram(s->text + (sl->offlen & ((1u << FP_OFF_BITS) - 1)), g, len)) {
            sl->cnt++;
            return CWT_OK;
        }
    }
}

/* createngramtable(), UTF-8 aware, over the cleaned text of @p n bytes. */
static enum cwt_status count_all(struct fp_scratch *s, size_t n)
{
    const unsigned char *t = (const unsigned char *)s->text;
    for (size_t p = 0;;) {
        /* the n-grams from the character at p: each adds the next character, until one that starts with
         * '_' (included) or the end of the text (which ends the whole extraction); their hashes first, so
         * that their slots are fetched while the earlier ones are counted */
        uint32_t hash[FP_SYMBOLS], len[FP_SYMBOLS];
        size_t q = p, first = 0, m = 0;
        bool end = false;
        uint32_t poly = 0, pw = 1;
        for (unsigned nsym = 1; nsym <= FP_SYMBOLS; nsym++) {
            size_t k = char_len(t + q);
            for (size_t j = 0; j < k; j++) {
                poly = poly * 31u + (uint32_t)(int32_t)(signed char)t[q + j];
                pw *= 31u;
            }
            if (nsym == 1)
                first = k;
            hash[m] = (uint32_t)nsym * 13u * pw + poly; /* simplehash: (nsym * 13) * 31^bytes + the bytes */
            len[m++] = (uint32_t)(q + k - p);
            if (nsym > 1 && t[q] == '_')
                break;
            q += k;
            if (q >= n) {
                end = true;
                break;
            }
        }
        for (size_t i = 0; i < m; i++)
            __builtin_prefetch(&s->slots[slot_of(hash[i], s->nslots - 1)]);
        for (size_t i = 0; i < m; i++) {
            enum cwt_status rc = count(s, (uint32_t)p, len[i], hash[i]);
            if (rc != CWT_OK)
                return rc;
        }
        if (end)
            return CWT_OK;
        p += first;
    }
}

/* siftdown() from the root over the first @p size items (moving the root's item down through a hole
 * instead of swapping: the same moves). */
static void sift_down(struct fp_item *h, size_t size)
{
    struct fp_item x = h[0];
    size_t parent = 0;
    for (size_t child = 1; child < size; parent = child, child = 2 * parent + 1) {
        if (child + 1 < size)
            child += h[child].cnt > h[child + 1].cnt; /* the right one only when strictly smaller */
        if (x.cnt <= h[child].cnt)
            break;
        h[parent] = h[child];
    }
    h[parent] = x;
}

/* table2heap(): the 400 most frequent entries into the min-heap, in libexttextcat's bucket order;
 * returns the heap's size. */
static size_t select_top(struct fp_scratch *s)
{
    struct fp_item *h = s->heap;
    size_t size = 0;
    for (size_t w = 0; w < FP_BUCKETS / 64; w++)
        for (uint64_t bits = s->used[w]; bits; bits &= bits - 1) {
            size_t b = w * 64 + (size_t)__builtin_ctzll(bits);
            for (uint32_t e = s->head[b]; e != FP_NONE; e = s->ents[e].next) {
                struct fp_item it = {s->slots[s->ents[e].slot].cnt, e};
                if (size < CWT__TCFP_NGRAMS) { /* siftup() */
                    size_t child = size++;
                    h[child] = it;
                    while (child > 0) {
                        size_t parent = (child - 1) >> 1;
                        if (h[parent].cnt <= h[child].cnt)
                            break;
                        struct fp_item t = h[parent];
                        h[parent] = h[child];
                        h[child] = t;
                        child = parent;
                    }
                } else if (it.cnt >= h[0].cnt) { /* not worse than the worst: replaces it */
                    h[0] = it;
                    sift_down(h, size);
                }
            }
        }
    return size;
}

enum cwt_status cwt__tcfp_create(const char *text, size_t len, struct cwt__tcfp *fp)
{
    fp->n = 0;
    if (len == 0) /* fp_Create's bufsize < mindocsize (1) */
        return CWT_OK;
    if (len > CWT__TCFP_MAX_TEXT)
        return CWT_ETOOBIG;
    struct fp_scratch *s = scratch_get();
    if (!s)
        return CWT_ENOMEM;
    enum cwt_status rc = CWT_GROW(s->text, len + 2 + FP_PAD, &s->text_cap, CWT__TCFP_MAX_TEXT + 3 + FP_PAD);
    if (rc == CWT_OK && !s->slots)
        rc = grow_slots(s);
    if (rc != CWT_OK)
        return rc;
    size_t n = clean((const unsigned char *)text, s->text, len + 1);
    memset(s->text + n, 0, FP_PAD + 1);
    s->nents = 0;
    memset(s->used, 0, sizeof s->used);
    rc = count_all(s, n);
    size_t size = rc == CWT_OK ? select_top(s) : 0;
    /* heapextract() of the least frequent first, into the last rank first */
    struct fp_item *h = s->heap;
    size_t keep = CWT_MIN(size, (size_t)CWT__TCFP_NGRAMS);
    for (size_t r = keep; r-- > 0;) {
        uint32_t offlen = s->slots[s->ents[h[0].ent].slot].offlen, glen = offlen >> FP_OFF_BITS;
        h[0] = h[size - 1];
        sift_down(h, size); /* over the old size, as heapextract() */
        size--;
        memcpy(fp->gram[r], s->text + (offlen & ((1u << FP_OFF_BITS) - 1)), glen);
        fp->len[r] = (uint8_t)glen;
    }
    fp->n = keep;
    for (size_t e = 0; e < s->nents; e++) /* empty the slots for the next text */
        s->slots[s->ents[e].slot].cnt = 0;
    if (s->nslots > FP_KEEP_SLOTS) { /* keep what texts of a few thousand bytes need, not more */
        cwt_free(s->slots);
        cwt_free(s->ents);
        cwt_free(s->text);
        *s = (struct fp_scratch){0};
    }
    return rc;
}
