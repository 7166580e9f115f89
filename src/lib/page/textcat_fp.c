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
 * Different: every n-gram ends at the first character '_' after its first, so the n-grams are those of
 * the words (a character '_', the characters up to the next '_', that '_') and of the text's last part;
 * each distinct word's n-grams are counted once, times the word's count, in the order of the words'
 * first occurrences, which creates each n-gram where it first occurs in the text, as fp_Create does.
 * An n-gram of up to 8 bytes is keyed by its bytes (the cleaned text holds no NUL); one of 1 or 2
 * bytes indexes a table directly, a longer one is looked up in an open-addressing table (a key of
 * more than 8 bytes is a hash, and the bytes are compared). An ASCII word's n-grams come from one
 * 8-byte load per position. Slots belong to the text whose generation they carry, so a new text finds
 * them empty without clearing. The buckets' feeding order comes from a counting sort of the entries by
 * bucket instead of chains. All of it in per-thread storage reused from text to text (nothing
 * allocated per text once warm); the heap moves 8-byte items instead of 40-byte entries and sifts
 * through a hole. The fingerprint is returned in rank order: fp_Create's alphabetical sort and
 * fp_Print's sort back to ranks cancel out (the ranks are distinct). bench/langid times it against
 * fp_Create in the same run (on the crawl's windows of the fixture pages: about 0.36 of fp_Create's
 * time, where the previous version of this module took 0.47).
 */
#include <ctype.h>
#include <endian.h>
#include <pthread.h>

#include "page/textcat_fp.h"

#define FP_SYMBOLS 5      /* characters of an n-gram at most (MAXNGRAMSYMBOL) */
#define FP_BUCKETS 8192   /* libexttextcat's hash table (1 << TABLEPOW) */
#define FP_PAD 24         /* bytes read past the cleaned text (same_gram(), load8()) */
#define FP_OFF_BITS 27    /* offsets in the cleaned text (CWT__TCFP_MAX_TEXT + 3 fits) */
#define FP_LEN_BITS 5     /* an n-gram's length (at most CWT__TCFP_GRAM) in a slot's stamp */
#define FP_GEN_MAX ((UINT32_C(1) << (32 - FP_LEN_BITS)) - 1) /* texts before the stamps start again */
#define FP_DIRECT 65536 /* n-grams of 1 or 2 bytes: their keys index a table */
#define FP_KEEP_SLOTS ((size_t)1 << 16) /* a bigger table (made for a long text) is not kept */

/* An n-gram of the text, in the order of creation (which decides its place in its bucket). */
struct fp_entry {
    uint32_t cnt;
    uint32_t bucket; /* libexttextcat's: its simplehash's low 13 bits */
};

/* Where an n-gram's entry (or a word) is, found by its key. A slot whose stamp is of an earlier text is
 * empty. */
struct fp_slot {
    uint64_t key;   /* gram_key() (a word: word_hash()) */
    uint32_t ent;   /* (a word's index) */
    uint32_t stamp; /* the text's generation << FP_LEN_BITS | the n-gram's length (a word: 0) */
};

/* A word of the cleaned text: from a character '_' to the next one, both included. */
struct fp_word {
    uint32_t off, len, cnt;
    bool ascii; /* its characters are its bytes */
};

/* The entry of an n-gram of 1 or 2 bytes, at the index of its key. */
struct fp_direct {
    uint32_t gen; /* of an earlier text: none */
    uint32_t ent;
};

struct fp_item {
    uint32_t cnt;
    uint32_t ent;
};

/* The per-thread storage: grown as texts need; the tables are emptied by the next text's generation. */
struct fp_scratch {
    char *text; /* the cleaned text, then FP_PAD bytes of zeros */
    size_t text_cap;
    uint32_t *chars; /* where a word's characters start */
    size_t chars_cap;
    struct fp_entry *ents;
    uint32_t *offlen; /* an entry's n-gram: its first byte in the cleaned text, its length << FP_OFF_BITS */
    size_t nents, ents_cap, offlen_cap;
    struct fp_slot *slots;
    size_t nslots; /* a power of two, at least twice nents */
    struct fp_direct *direct; /* FP_DIRECT of them */
    struct fp_word *words; /* the distinct words, in the order of their first occurrence */
    size_t nwords, words_cap;
    struct fp_slot *wslots;
    size_t nwslots; /* a power of two, at least twice nwords */
    uint32_t gen;   /* this text's, 1 to FP_GEN_MAX */
    struct fp_item *feed; /* the entries in the order they feed the heap */
    size_t feed_cap;
    uint32_t start[FP_BUCKETS];     /* a bucket's entries before the sort, then where they go (0 between texts) */
    uint64_t used[FP_BUCKETS / 64]; /* buckets holding an entry of this text */
    struct fp_item heap[CWT__TCFP_NGRAMS + 1]; /* and a sentinel past the last item (sift_down()) */
};

static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;
static bool scratch_ok;

static void scratch_release(struct fp_scratch *s)
{
    cwt_free(s->text);
    cwt_free(s->chars);
    cwt_free(s->ents);
    cwt_free(s->feed);
    cwt_free(s->offlen);
    cwt_free(s->slots);
    cwt_free(s->direct);
    cwt_free(s->words);
    cwt_free(s->wslots);
}

static void scratch_free(void *p)
{
    struct fp_scratch *s = p;
    if (!s)
        return;
    scratch_release(s);
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

/* The 8 bytes at @p p, the first one lowest. */
static inline uint64_t load8(const void *p)
{
    uint64_t x;
    memcpy(&x, p, sizeof x);
    return le64toh(x);
}

/* The first @p n (< 8) bytes of @p x. */
static inline uint64_t low_bytes(uint64_t x, size_t n)
{
    return x & ((UINT64_C(1) << (n * 8)) - 1);
}

/* A slot table's first slot for @p key (its high bits after a multiplication). */
static inline size_t slot_of(uint64_t key, size_t mask)
{
    return (size_t)((key * UINT64_C(0x9E3779B97F4A7C15)) >> 32) & mask;
}

/* The key of the n-gram @p g of @p len bytes (followed by at least FP_PAD readable bytes): its bytes
 * themselves up to 8 (the cleaned text holds no NUL, so the zeros past them tell the length), a hash of
 * them past 8 (then the bytes are compared too). */
static inline uint64_t gram_key(const char *g, size_t len)
{
    uint64_t a = load8(g);
    if (len <= 8)
        return len < 8 ? low_bytes(a, len) : a;
    uint64_t b = load8(g + 8), c = len < 16 ? low_bytes(b, len - 8) : b;
    uint64_t d = len < 16 ? 0 : len < 24 ? low_bytes(load8(g + 16), len - 16) : load8(g + 16);
    uint64_t h = (a ^ (c * UINT64_C(0xC2B2AE3D27D4EB4F))) * UINT64_C(0x165667B19E3779F9);
    return (h ^ (h >> 29) ^ (d * UINT64_C(0x27D4EB2F165667C5))) * UINT64_C(0x9E3779B97F4A7C15);
}

/* Whether the n-grams at @p a and @p b (both followed by at least FP_PAD readable bytes) have the same
 * @p len (<= CWT__TCFP_GRAM) bytes. */
static inline bool same_gram(const char *a, const char *b, size_t len)
{
    uint64_t x[3], y[3];
    memcpy(x, a, sizeof x);
    memcpy(y, b, sizeof y);
    uint64_t d0 = le64toh(x[0] ^ y[0]), d1 = le64toh(x[1] ^ y[1]), d2 = le64toh(x[2] ^ y[2]);
    if (len < 8)
        return low_bytes(d0, len) == 0;
    if (len < 16)
        return d0 == 0 && low_bytes(d1, len - 8) == 0;
    return d0 == 0 && d1 == 0 && low_bytes(d2, len - 16) == 0;
}

/* Doubles the slot table *@p slots of *@p n slots (or makes the first), placing this text's keys again. */
static enum cwt_status grow_table(struct fp_scratch *s, struct fp_slot **slots, size_t *n)
{
    size_t m = *n ? *n * 2 : 1024;
    struct fp_slot *t = cwt_calloc(m, sizeof *t); /* stamps 0: empty for every generation */
    if (!t)
        return CWT_ENOMEM;
    for (size_t j = 0; j < *n; j++) {
        const struct fp_slot *o = &(*slots)[j];
        if (o->stamp >> FP_LEN_BITS != s->gen)
            continue;
        size_t i = slot_of(o->key, m - 1);
        while (t[i].stamp)
            i = (i + 1) & (m - 1);
        t[i] = *o;
    }
    cwt_free(*slots);
    *slots = t;
    *n = m;
    return CWT_OK;
}

/* A new entry (the next in the order of creation) for the n-gram s->text[off, off + len) of simplehash
 * @p hash, counted @p w times. */
static inline enum cwt_status add_entry(struct fp_scratch *s, uint32_t off, uint32_t len, uint32_t hash, uint32_t w)
{
    enum cwt_status rc = CWT_OK;
    if (s->nents == s->ents_cap || s->nents == s->offlen_cap || s->nents == s->feed_cap)
        if ((rc = CWT_GROW(s->ents, s->nents, &s->ents_cap, (size_t)UINT32_MAX)) != CWT_OK ||
            (rc = CWT_GROW(s->offlen, s->nents, &s->offlen_cap, (size_t)UINT32_MAX)) != CWT_OK ||
            (rc = CWT_GROW(s->feed, s->nents, &s->feed_cap, (size_t)UINT32_MAX)) != CWT_OK)
            return rc;
    s->ents[s->nents] = (struct fp_entry){w, hash & (FP_BUCKETS - 1)};
    s->offlen[s->nents++] = off | len << FP_OFF_BITS;
    return CWT_OK;
}

/* increasefreq() @p w times: counts the n-gram s->text[off, off + len) whose key is @p key and whose
 * simplehash is @p hash. */
static inline enum cwt_status count(struct fp_scratch *s, uint32_t off, uint32_t len, uint64_t key, uint32_t hash,
                                    uint32_t w)
{
    if (len <= 2) {
        struct fp_direct *d = &s->direct[key];
        if (d->gen == s->gen) {
            s->ents[d->ent].cnt += w;
            return CWT_OK;
        }
        enum cwt_status rc = add_entry(s, off, len, hash, w);
        if (rc == CWT_OK)
            *d = (struct fp_direct){s->gen, (uint32_t)s->nents - 1};
        return rc;
    }
    size_t mask = s->nslots - 1;
    uint32_t stamp = s->gen << FP_LEN_BITS | len;
    for (size_t i = slot_of(key, mask);; i = (i + 1) & mask) {
        struct fp_slot *sl = &s->slots[i];
        if (sl->stamp == stamp && sl->key == key &&
            (len <= 8 || same_gram(s->text + (s->offlen[sl->ent] & ((1u << FP_OFF_BITS) - 1)), s->text + off, len))) {
            s->ents[sl->ent].cnt += w;
            return CWT_OK;
        }
        if (sl->stamp >> FP_LEN_BITS != s->gen) {
            enum cwt_status rc = add_entry(s, off, len, hash, w);
            if (rc != CWT_OK)
                return rc;
            *sl = (struct fp_slot){key, (uint32_t)s->nents - 1, stamp};
            return s->nents * 2 > s->nslots ? grow_table(s, &s->slots, &s->nslots) : CWT_OK;
        }
    }
}

#define FP_BATCH 64 /* n-grams whose slots are fetched before the first of them is counted */

/* n-grams waiting to be counted, their slots being fetched. */
struct fp_batch {
    size_t n;
    uint64_t key[FP_BATCH];
    uint32_t hash[FP_BATCH], off[FP_BATCH], len[FP_BATCH];
};

static enum cwt_status flush(struct fp_scratch *s, struct fp_batch *b, uint32_t w)
{
    for (size_t k = 0; k < b->n; k++) {
        enum cwt_status rc = count(s, b->off[k], b->len[k], b->key[k], b->hash[k], w);
        if (rc != CWT_OK)
            return rc;
    }
    b->n = 0;
    return CWT_OK;
}

/* count_grams() of a word whose bytes are all below 0x80 (each a character): an n-gram's key is a load
 * of its first byte masked, its simplehash the sum of its bytes' polynomial and a constant of its
 * length. */
static enum cwt_status count_ascii(struct fp_scratch *s, size_t from, size_t to, uint32_t w)
{
    static const uint32_t lead[FP_SYMBOLS + 1] = {0, 13u * 31u, 26u * 961u, 39u * 29791u, 52u * 923521u,
                                                  65u * 28629151u}; /* nsym * 13 * 31^nsym */
    struct fp_batch b;
    b.n = 0;
    size_t mask = s->nslots - 1;
    for (size_t i = from; i < to - 1; i++) { /* its last character, '_', starts the next word */
        size_t kmax = CWT_MIN(to - i, (size_t)FP_SYMBOLS);
        if (b.n + kmax > FP_BATCH) {
            enum cwt_status rc = flush(s, &b, w);
            if (rc != CWT_OK)
                return rc;
        }
        uint64_t x = load8(s->text + i);
        uint32_t poly = 0;
        for (size_t k = 1; k <= kmax; k++) {
            poly = poly * 31u + (uint32_t)((x >> (8 * (k - 1))) & 0xFF);
            uint64_t key = low_bytes(x, k);
            if (k > 2)
                __builtin_prefetch(&s->slots[slot_of(key, mask)]);
            b.key[b.n] = key;
            b.hash[b.n] = lead[k] + poly;
            b.off[b.n] = (uint32_t)i;
            b.len[b.n++] = (uint32_t)k;
        }
    }
    return flush(s, &b, w);
}

/* createngramtable()'s n-grams from the characters of s->text[from, to) (a word, or the text's last
 * part), each counted @p w times: from each character, 1 to 5 characters while they last. In the last
 * part (@p last), the first n-gram that reaches the end of the text ends the extraction. */
static enum cwt_status count_grams(struct fp_scratch *s, size_t from, size_t to, uint32_t w, bool last)
{
    const unsigned char *t = (const unsigned char *)s->text;
    uint32_t *cs = s->chars;
    size_t m = 0;
    for (size_t q = from; q < to; q += char_len(t + q))
        cs[m++] = (uint32_t)q;
    cs[m] = (uint32_t)to;
    struct fp_batch b;
    b.n = 0;
    for (size_t i = 0; i < (last ? m : m - 1); i++) { /* a word's last character starts the next word */
        size_t kmax = CWT_MIN(m - i, (size_t)FP_SYMBOLS);
        if (b.n + kmax > FP_BATCH) {
            enum cwt_status rc = flush(s, &b, w);
            if (rc != CWT_OK)
                return rc;
        }
        uint32_t poly = 0, pw = 1;
        for (size_t k = 0; k < kmax; k++) {
            for (size_t j = cs[i + k]; j < cs[i + k + 1]; j++) {
                poly = poly * 31u + (uint32_t)(int32_t)(signed char)t[j];
                pw *= 31u;
            }
            uint32_t len = cs[i + k + 1] - cs[i];
            uint64_t key = gram_key(s->text + cs[i], len);
            __builtin_prefetch(len > 2 ? (const void *)&s->slots[slot_of(key, s->nslots - 1)] : &s->direct[key]);
            b.key[b.n] = key;
            b.hash[b.n] = (uint32_t)(k + 1) * 13u * pw + poly; /* simplehash: (nsym * 13) * 31^bytes + the bytes */
            b.off[b.n] = cs[i];
            b.len[b.n++] = len;
        }
        if (last && m - i <= FP_SYMBOLS)
            break;
    }
    return flush(s, &b, w);
}

/* A hash of the @p len bytes at @p p (followed by at least 8 readable bytes). */
static inline uint64_t word_hash(const char *p, size_t len)
{
    uint64_t h = len * UINT64_C(0x9E3779B97F4A7C15);
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        h = (h ^ load8(p + i)) * UINT64_C(0xC2B2AE3D27D4EB4F);
        h ^= h >> 31;
    }
    if (i < len)
        h = (h ^ low_bytes(load8(p + i), len - i)) * UINT64_C(0x165667B19E3779F9);
    return h ^ (h >> 29);
}

/* Counts the word s->text[off, off + len) (@p ascii: its bytes are below 0x80). */
static enum cwt_status count_word(struct fp_scratch *s, uint32_t off, uint32_t len, bool ascii)
{
    uint64_t h = word_hash(s->text + off, len);
    size_t mask = s->nwslots - 1;
    uint32_t stamp = s->gen << FP_LEN_BITS;
    for (size_t i = slot_of(h, mask);; i = (i + 1) & mask) {
        struct fp_slot *sl = &s->wslots[i];
        if (sl->stamp != stamp) {
            enum cwt_status rc = CWT_GROW(s->words, s->nwords, &s->words_cap, (size_t)UINT32_MAX);
            if (rc != CWT_OK)
                return rc;
            *sl = (struct fp_slot){h, (uint32_t)s->nwords, stamp};
            s->words[s->nwords++] = (struct fp_word){off, len, 1, ascii};
            return s->nwords * 2 > s->nwslots ? grow_table(s, &s->wslots, &s->nwslots) : CWT_OK;
        }
        struct fp_word *wd = &s->words[sl->ent];
        if (sl->key == h && wd->len == len && memcmp(s->text + wd->off, s->text + off, len) == 0) {
            wd->cnt++;
            return CWT_OK;
        }
    }
}

/* createngramtable(), UTF-8 aware, over the cleaned text of @p n bytes (which starts with '_'). Every
 * n-gram ends at the first character '_' after its first, so the n-grams are those of the words (from a
 * character '_' to the next, both included) and of the text's last part (from its last character '_').
 * A word's n-grams are counted once per distinct word, times its count, in the order of the words' first
 * occurrences: each n-gram is created where it first occurs in the text, as there. */
static enum cwt_status count_all(struct fp_scratch *s, size_t n)
{
    const unsigned char *t = (const unsigned char *)s->text;
    s->nwords = 0;
    size_t p = 0; /* a character '_' */
    for (;;) {
        size_t q = p + 1;
        unsigned char high = 0;
        while (q < n && t[q] != '_') {
            high |= t[q];
            q += t[q] < 0x80 ? 1 : char_len(t + q);
        }
        if (q >= n)
            break;
        enum cwt_status rc = count_word(s, (uint32_t)p, (uint32_t)(q + 1 - p), high < 0x80);
        if (rc != CWT_OK)
            return rc;
        p = q;
    }
    for (size_t i = 0; i < s->nwords; i++) {
        const struct fp_word *wd = &s->words[i];
        enum cwt_status rc = wd->ascii ? count_ascii(s, wd->off, wd->off + wd->len, wd->cnt)
                                       : count_grams(s, wd->off, wd->off + wd->len, wd->cnt, false);
        if (rc != CWT_OK)
            return rc;
    }
    return count_grams(s, p, n, 1, true);
}

#define FP_SENTINEL ((struct fp_item){UINT32_MAX, 0}) /* h[size] for sift_down(): never the smaller child */

/* siftdown() from the root over the first @p size items, h[size] being FP_SENTINEL (moving the root's
 * item down through a hole instead of swapping: the same moves). */
static void sift_down(struct fp_item *h, size_t size)
{
    struct fp_item x = h[0];
    size_t parent = 0;
    for (size_t child = 1; child < size; parent = child, child = 2 * parent + 1) {
        child += h[child].cnt > h[child + 1].cnt; /* the right one only when strictly smaller */
        if (x.cnt <= h[child].cnt)
            break;
        h[parent] = h[child];
    }
    h[parent] = x;
}

/* table2heap()'s order: libexttextcat walks its buckets in ascending order, each from its newest entry
 * to its oldest. A counting sort of the entries by bucket, fed from the newest, gives that order in
 * s->feed (with the counts) without following chains. */
static void feed_order(struct fp_scratch *s)
{
    for (size_t e = 0; e < s->nents; e++) {
        uint32_t b = s->ents[e].bucket;
        s->start[b]++;
        s->used[b >> 6] |= (uint64_t)1 << (b & 63);
    }
    uint32_t sum = 0;
    for (size_t w = 0; w < FP_BUCKETS / 64; w++)
        for (uint64_t bits = s->used[w]; bits; bits &= bits - 1) {
            size_t b = w * 64 + (size_t)__builtin_ctzll(bits);
            uint32_t c = s->start[b];
            s->start[b] = sum;
            sum += c;
        }
    for (size_t e = s->nents; e-- > 0;)
        s->feed[s->start[s->ents[e].bucket]++] = (struct fp_item){s->ents[e].cnt, (uint32_t)e};
    for (size_t w = 0; w < FP_BUCKETS / 64; w++) { /* zeros for the next text */
        for (uint64_t bits = s->used[w]; bits; bits &= bits - 1)
            s->start[w * 64 + (size_t)__builtin_ctzll(bits)] = 0;
        s->used[w] = 0;
    }
}

/* table2heap(): the 400 most frequent entries into the min-heap, in libexttextcat's order; returns the
 * heap's size. */
static size_t select_top(struct fp_scratch *s)
{
    feed_order(s);
    struct fp_item *h = s->heap;
    size_t size = 0, i = 0;
    for (; i < s->nents && size < CWT__TCFP_NGRAMS; i++) { /* siftup() */
        struct fp_item x = s->feed[i];
        size_t child = size++;
        while (child > 0) { /* through a hole: the same moves as swaps */
            size_t parent = (child - 1) >> 1;
            if (h[parent].cnt <= x.cnt)
                break;
            h[child] = h[parent];
            child = parent;
        }
        h[child] = x;
    }
    uint32_t root = size ? h[0].cnt : 0;
    h[size] = FP_SENTINEL;
    for (; i < s->nents; i++) {
        struct fp_item it = s->feed[i];
        if (it.cnt >= root) { /* not worse than the worst: replaces it */
            h[0] = it;
            if (it.cnt > root) { /* (an equal count stays at the root) */
                sift_down(h, size);
                root = h[0].cnt;
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
    if (rc == CWT_OK)
        rc = CWT_GROW(s->chars, len + 2, &s->chars_cap, CWT__TCFP_MAX_TEXT + 3);
    if (rc == CWT_OK && !s->slots)
        rc = grow_table(s, &s->slots, &s->nslots);
    if (rc == CWT_OK && !s->wslots)
        rc = grow_table(s, &s->wslots, &s->nwslots);
    if (rc == CWT_OK && !s->direct && !(s->direct = cwt_calloc(FP_DIRECT, sizeof *s->direct)))
        rc = CWT_ENOMEM;
    if (rc != CWT_OK)
        return rc;
    if (s->gen == FP_GEN_MAX) { /* the stamps start again: every slot emptied */
        memset(s->slots, 0, s->nslots * sizeof *s->slots);
        memset(s->wslots, 0, s->nwslots * sizeof *s->wslots);
        memset(s->direct, 0, FP_DIRECT * sizeof *s->direct);
        s->gen = 0;
    }
    s->gen++; /* every slot of an earlier text is now empty */
    size_t n = clean((const unsigned char *)text, s->text, len + 1);
    memset(s->text + n, 0, FP_PAD + 1);
    s->nents = 0;
    rc = count_all(s, n);
    size_t size = rc == CWT_OK ? select_top(s) : 0;
    /* heapextract() of the least frequent first, into the last rank first */
    struct fp_item *h = s->heap;
    size_t keep = CWT_MIN(size, (size_t)CWT__TCFP_NGRAMS);
    for (size_t r = keep; r-- > 0;) {
        uint32_t offlen = s->offlen[h[0].ent], glen = offlen >> FP_OFF_BITS;
        h[0] = h[size - 1];
        h[size] = FP_SENTINEL;
        sift_down(h, size); /* over the old size, as heapextract() (h[size - 1] is a copy of h[0]) */
        size--;
        memcpy(fp->gram[r], s->text + (offlen & ((1u << FP_OFF_BITS) - 1)), glen);
        fp->len[r] = (uint8_t)glen;
    }
    fp->n = keep;
    if (s->nslots > FP_KEEP_SLOTS || s->nwslots > FP_KEEP_SLOTS) { /* keep what texts of a few thousand
                                                                      bytes need, not more */
        scratch_release(s);
        *s = (struct fp_scratch){0};
    }
    return rc;
}
