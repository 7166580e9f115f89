/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements page/textcat_model.h: libexttextcat's fingerprint files read the way
 * special_textcat_Init() and fp_Read() read them (a configuration line names a file and a language;
 * a fingerprint is the first 400 lines' first fields of at most 20 bytes, ranked by line), inverted
 * into a hash table from n-gram to (language, rank) built in the files' order (no sort), and
 * textcat_Classify()'s scoring over it. An n-gram is found by its first 8 bytes and its length (its
 * bytes past 8 compared); the 400 look-ups of a text go in passes that prefetch what the next pass
 * reads. An n-gram that 24 languages or more hold keeps a row of every language's rank (absent: a rank
 * that scores 400 whatever the text's), summed for all languages at once in 16 bits (with AVX2 where the
 * CPU has it); a rarer one keeps its (language, rank) pairs. The sums are integers:
 * the scores are textcat's exactly.
 */
#include <endian.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "page/textcat_fp.h"
#include "page/textcat_model.h"

#define TC_NGRAMS CWT__TCFP_NGRAMS /* n-grams of a fingerprint (libexttextcat's MAXNGRAMS) */
#define TC_GRAM_MAX 20      /* longer fingerprint lines are skipped (MAXNGRAMSIZE) */
#define TC_OUT_OF_PLACE 400 /* the cost of an n-gram a language lacks (MAXOUTOFPLACE) */
#define TC_THRESHOLD 1.03   /* candidates score below the best times this (THRESHOLDVALUE) */
#define TC_CANDIDATES 5     /* more candidates than this is "UNKNOWN" (MAXCANDIDATES) */
#define TC_LANGS 1024       /* languages a configuration may name */
#define TC_DEFAULT_CONF "/usr/share/libexttextcat/fpdb.conf"
#define TC_DEFAULT_DIR "/usr/share/libexttextcat/"
#if defined(__x86_64__) && defined(__GNUC__)
#define TC_AVX2 1 /* the dense rows are also summed in an AVX2 version, used where the CPU has it */
#else
#define TC_AVX2 0
#endif

struct entry {
    char s[TC_GRAM_MAX + 1];
    uint8_t len;
    uint16_t lang, rank;
};

struct post {
    uint16_t lang, rank;
};

struct gram {
    uint64_t head;  /* its first 8 bytes (zero-padded when shorter), read little-endian */
    uint32_t str;   /* offset in strs */
    uint32_t post;  /* first posting, or for a dense one its row's first rank in dense */
    uint32_t npost; /* postings; 0 for a dense one */
    uint32_t len;
};

#define TC_DENSE_MIN 24      /* an n-gram of this many languages or more has a row of every language's rank */
#define TC_DENSE_ABSENT 2000 /* a row's rank for a language without the n-gram: |rank - r| >= 400 */
#define TC_DENSE_FLUSH 80    /* rows summed in 16 bits (each adds -400 to 0) before they go into the scores */

struct cwt__tcmodel {
    char **names; /* "en--utf8", in the configuration's order */
    size_t nlang;
    size_t row;   /* ranks in a dense row (nlang rounded up to 16) */
    char *strs;
    struct gram *grams;
    size_t ngrams;
    struct post *posts;
    int16_t *dense;  /* the dense rows: rank per language, TC_DENSE_ABSENT for none */
    uint32_t *slots; /* open addressing: gram index + 1, 0 empty */
    size_t mask;
    bool avx2; /* the CPU has AVX2 (add_row()) */
};

/* The first 8 bytes of the n-gram @p s of @p len bytes (which may be read to its 8th byte), the bytes
 * past @p len zeroed. */
static inline uint64_t head_of(const char *s, size_t len)
{
    uint64_t head;
    memcpy(&head, s, sizeof head);
    head = le64toh(head);
    return len < sizeof head ? head & ((UINT64_C(1) << (len * 8)) - 1) : head;
}

/* The first slot to try for the n-gram of @p len bytes that starts with @p head. */
static inline size_t slot_of(uint64_t head, size_t len, size_t mask)
{
    return (size_t)(((head ^ len) * UINT64_C(0x9E3779B97F4A7C15)) >> 40) & mask;
}

/* A blank that fp_Read's line reading trims at both ends of a line. */
static inline bool blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Reads the file @p path whole into *@p buf (of capacity *@p cap, reused from file to file); its size
 * in *@p size. */
static enum cwt_status slurp(const char *path, char **buf, size_t *cap, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return CWT_EIO;
    enum cwt_status rc = CWT_OK;
    size_t n = 0, r;
    do {
        if (n == *cap && (rc = CWT_GROW(*buf, n + 8192, cap, (size_t)1 << 30)) != CWT_OK)
            break;
        r = fread(*buf + n, 1, *cap - n, f);
        n += r;
    } while (r > 0);
    if (rc == CWT_OK && ferror(f))
        rc = CWT_EIO;
    fclose(f);
    *size = n;
    return rc;
}

/* Appends the fingerprint file @p path of language @p lang to @p *e, read as fp_Read reads it: line by
 * line (getline), each as a C string (to its first NUL) trimmed of blanks at both ends, its first field
 * (up to a space or a tab) the n-gram; a field over TC_GRAM_MAX bytes is skipped, an empty one takes a
 * rank but cannot match (a text's n-grams are never empty); TC_NGRAMS ranks at most. The file is read
 * whole into @p buf (reused). */
static enum cwt_status read_lm(const char *path, uint16_t lang, struct entry **e, size_t *n, size_t *cap,
                               char **buf, size_t *bcap)
{
    size_t size;
    enum cwt_status rc = slurp(path, buf, bcap, &size);
    const char *p = *buf, *end = *buf + size;
    for (uint16_t rank = 0; rc == CWT_OK && rank < TC_NGRAMS && p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *next = nl ? nl + 1 : end, *z = memchr(p, '\0', (size_t)(next - p));
        const char *s = p, *t = z ? z : next;
        p = next;
        while (s < t && blank(*s))
            s++;
        while (t > s && blank(t[-1]))
            t--;
        const char *f = s;
        while (f < t && *f != ' ' && *f != '\t')
            f++;
        size_t k = (size_t)(f - s);
        if (k > TC_GRAM_MAX)
            continue;
        if (k) {
            if ((rc = CWT_GROW(*e, *n, cap, (size_t)TC_LANGS * TC_NGRAMS)) != CWT_OK)
                break;
            memcpy((*e)[*n].s, s, k);
            (*e)[*n].s[k] = '\0';
            (*e)[*n].len = (uint8_t)k;
            (*e)[*n].lang = lang;
            (*e)[*n].rank = rank;
            (*n)++;
        }
        rank++;
    }
    return rc;
}

/* The model's n-gram of @p len bytes starting with @p head (the rest, past 8 bytes, at @p s + 8), looked
 * for from slot @p h on: its slot (empty when no language has it). */
static size_t find_slot(const struct cwt__tcmodel *m, size_t h, uint64_t head, const char *s, size_t len)
{
    for (; m->slots[h]; h = (h + 1) & m->mask) {
        const struct gram *g = &m->grams[m->slots[h] - 1];
        if (g->head == head && g->len == len &&
            (len <= sizeof head || memcmp(m->strs + g->str + sizeof head, s + sizeof head, len - sizeof head) == 0))
            break;
    }
    return h;
}

/* Makes m->slots a table of @p n slots (a power of two) holding m's n-grams. */
static enum cwt_status place_grams(struct cwt__tcmodel *m, size_t n)
{
    cwt_free(m->slots);
    if (!(m->slots = cwt_calloc(n, sizeof *m->slots)))
        return CWT_ENOMEM;
    m->mask = n - 1;
    for (size_t g = 0; g < m->ngrams; g++) {
        size_t h = slot_of(m->grams[g].head, m->grams[g].len, m->mask);
        while (m->slots[h])
            h = (h + 1) & m->mask;
        m->slots[h] = (uint32_t)(g + 1);
    }
    return CWT_OK;
}

/* Builds the table of @p m from @p e, in the order the files list them (no sort): the distinct n-grams
 * as they come, a duplicate of an n-gram in one language keeping the first (best) rank, as the merge of
 * fp_Compare() matches only the first. An n-gram of TC_DENSE_MIN languages or more keeps its ranks in
 * a dense row instead of postings. */
static enum cwt_status build(struct cwt__tcmodel *m, const struct entry *e, size_t n)
{
    size_t slots = 16;
    while (slots < n * 2)
        slots *= 2;
    uint32_t *of = cwt_calloc(n ? n : 1, sizeof *of);     /* an entry's n-gram + 1, 0 for a duplicate */
    uint32_t *langs = cwt_calloc(n ? n : 1, sizeof *langs); /* an n-gram's languages */
    uint16_t *last = cwt_calloc(n ? n : 1, sizeof *last);   /* an n-gram's last language + 1 */
    m->strs = cwt_calloc(n * (TC_GRAM_MAX + 1) + sizeof(uint64_t), 1); /* zeros to read a head past */
    m->grams = cwt_calloc(n ? n : 1, sizeof *m->grams);
    m->row = (m->nlang + 15) & ~(size_t)15;
    enum cwt_status rc = of && langs && last && m->strs && m->grams ? place_grams(m, slots) : CWT_ENOMEM;
    size_t off = 0, np = 0, nd = 0;
    for (size_t i = 0; rc == CWT_OK && i < n; i++) {
        size_t k = e[i].len;
        uint64_t head = head_of(e[i].s, k);
        size_t h = find_slot(m, slot_of(head, k, m->mask), head, e[i].s, k);
        if (!m->slots[h]) {
            memcpy(m->strs + off, e[i].s, k + 1);
            m->grams[m->ngrams] = (struct gram){head, (uint32_t)off, 0, 0, (uint32_t)k};
            off += k + 1;
            m->slots[h] = (uint32_t)++m->ngrams;
        }
        uint32_t g = m->slots[h] - 1;
        if (last[g] != e[i].lang + 1) { /* (a language's entries come together, best rank first) */
            last[g] = (uint16_t)(e[i].lang + 1);
            langs[g]++;
            of[i] = g + 1;
        }
    }
    for (size_t g = 0; rc == CWT_OK && g < m->ngrams; g++) {
        if (langs[g] >= TC_DENSE_MIN) {
            m->grams[g].post = (uint32_t)(nd++ * m->row);
        } else {
            m->grams[g].post = (uint32_t)np;
            np += langs[g];
        }
    }
    if (rc == CWT_OK) {
        m->posts = cwt_calloc(np ? np : 1, sizeof *m->posts);
        m->dense = cwt_calloc(nd ? nd * m->row : 1, sizeof *m->dense);
        rc = m->posts && m->dense ? CWT_OK : CWT_ENOMEM;
    }
    for (size_t x = 0; rc == CWT_OK && x < nd * m->row; x++)
        m->dense[x] = TC_DENSE_ABSENT;
    for (size_t i = 0; rc == CWT_OK && i < n; i++) {
        if (!of[i])
            continue;
        struct gram *g = &m->grams[of[i] - 1];
        if (langs[of[i] - 1] >= TC_DENSE_MIN)
            m->dense[g->post + e[i].lang] = (int16_t)e[i].rank;
        else
            m->posts[g->post + g->npost++] = (struct post){e[i].lang, e[i].rank};
    }
    size_t fit = 16;
    while (fit < m->ngrams * 2)
        fit *= 2;
    if (rc == CWT_OK)
        rc = place_grams(m, fit);
    char *strs = rc == CWT_OK ? cwt_realloc(m->strs, off + sizeof(uint64_t)) : NULL;
    if (strs)
        m->strs = strs;
    cwt_free(of);
    cwt_free(langs);
    cwt_free(last);
    return rc;
}

enum cwt_status cwt__tcmodel_load(const char *conf, const char *dir, struct cwt__tcmodel **out)
{
    *out = NULL;
    FILE *f = fopen(conf, "r");
    if (!f)
        return CWT_EIO;
    struct cwt__tcmodel *m = CWT_NEW(struct cwt__tcmodel);
    struct entry *e = NULL;
    size_t n = 0, cap = 0, ncap = 0;
    char *line = NULL, *buf = NULL;
    size_t lcap = 0, bcap = 0;
    enum cwt_status rc = m ? CWT_OK : CWT_ENOMEM;
    while (rc == CWT_OK && getline(&line, &lcap, f) >= 0) {
        line[strcspn(line, "#")] = '\0';
        char *save = NULL, *file = strtok_r(line, " \t\r\n", &save);
        char *name = file ? strtok_r(NULL, " \t\r\n", &save) : NULL;
        if (!name)
            continue;
        if (m->nlang >= TC_LANGS) {
            rc = CWT_ETOOBIG;
            break;
        }
        char path[1024];
        if ((size_t)snprintf(path, sizeof path, "%s%s", dir, file) >= sizeof path) {
            rc = CWT_EIO;
            break;
        }
        if ((rc = CWT_GROW(m->names, m->nlang, &ncap, (size_t)TC_LANGS)) != CWT_OK)
            break;
        if (!(m->names[m->nlang] = cwt_strdup(name))) {
            rc = CWT_ENOMEM;
            break;
        }
        m->nlang++;
        rc = read_lm(path, (uint16_t)(m->nlang - 1), &e, &n, &cap, &buf, &bcap);
    }
    free(line);
    cwt_free(buf);
    fclose(f);
    if (rc == CWT_OK)
        rc = build(m, e, n);
#if TC_AVX2
    if (rc == CWT_OK) {
        __builtin_cpu_init();
        m->avx2 = __builtin_cpu_supports("avx2");
    }
#endif
    cwt_free(e);
    if (rc) {
        cwt__tcmodel_free(m);
        return rc;
    }
    *out = m;
    return CWT_OK;
}

void cwt__tcmodel_free(struct cwt__tcmodel *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->nlang; i++)
        cwt_free(m->names[i]);
    cwt_free(m->names);
    cwt_free(m->strs);
    cwt_free(m->grams);
    cwt_free(m->posts);
    cwt_free(m->dense);
    cwt_free(m->slots);
    cwt_free(m);
}

static struct cwt__tcmodel *default_model;
static pthread_once_t default_once = PTHREAD_ONCE_INIT;

static void default_load(void)
{
    if (cwt__tcmodel_load(TC_DEFAULT_CONF, TC_DEFAULT_DIR, &default_model) != CWT_OK)
        default_model = NULL;
}

const struct cwt__tcmodel *cwt__tcmodel_default(void)
{
    pthread_once(&default_once, default_load);
    return default_model;
}

/* The model's n-gram of @p len bytes starting with @p head (the rest, past 8 bytes, at @p s + 8), whose
 * first slot is @p h; NULL when no language has it. */
static const struct gram *lookup(const struct cwt__tcmodel *m, size_t h, uint64_t head, const char *s, size_t len)
{
    h = find_slot(m, h, head, s, len);
    return m->slots[h] ? &m->grams[m->slots[h] - 1] : NULL;
}

/* The model's n-grams of @p fp into @p g (NULL for one no language has). The model (about 1 MB) is
 * mostly out of the cache between texts: the look-ups go in passes, each prefetching what the next reads
 * (the first slots, their n-grams, the ranks), so that the misses overlap instead of following each
 * other. */
static void lookup_all(const struct cwt__tcmodel *m, const struct cwt__tcfp *fp, const struct gram **g)
{
    uint64_t head[CWT__TCFP_NGRAMS];
    uint32_t first[CWT__TCFP_NGRAMS];
    for (size_t r = 0; r < fp->n; r++) {
        head[r] = head_of(fp->gram[r], fp->len[r]);
        first[r] = (uint32_t)slot_of(head[r], fp->len[r], m->mask);
        __builtin_prefetch(&m->slots[first[r]]);
    }
    for (size_t r = 0; r < fp->n; r++)
        if (m->slots[first[r]])
            __builtin_prefetch(&m->grams[m->slots[first[r]] - 1]);
    for (size_t r = 0; r < fp->n; r++) {
        g[r] = lookup(m, first[r], head[r], fp->gram[r], fp->len[r]);
        if (!g[r])
            continue;
        const char *p = g[r]->npost ? (const char *)&m->posts[g[r]->post] : (const char *)&m->dense[g[r]->post];
        size_t bytes = g[r]->npost ? g[r]->npost * sizeof *m->posts : m->row * sizeof *m->dense;
        for (size_t b = 0; b < bytes; b += 64)
            __builtin_prefetch(p + b);
    }
}

/* part[l] += min(|row[l] - rr|, 400) - 400 for the @p n languages of a dense row (in 16 bits). */
static inline __attribute__((always_inline)) void add_row_n(int16_t *restrict part, const int16_t *restrict row,
                                                            size_t n, int16_t rr)
{
    for (size_t l = 0; l < n; l++) {
        int16_t d = (int16_t)(row[l] - rr);
        d = d < 0 ? (int16_t)-d : d;
        part[l] = (int16_t)(part[l] + (d < TC_OUT_OF_PLACE ? d : TC_OUT_OF_PLACE) - TC_OUT_OF_PLACE);
    }
}

#if TC_AVX2
/* add_row_n() in 16 lanes where the CPU has AVX2 (the same sums). */
__attribute__((target("avx2"))) static void add_row_avx2(int16_t *restrict part, const int16_t *restrict row,
                                                         size_t n, int16_t rr)
{
    add_row_n(part, row, n, rr);
}
#endif

static void add_row(const struct cwt__tcmodel *m, int16_t *restrict part, const int16_t *restrict row, int16_t rr)
{
#if TC_AVX2
    if (m->avx2) {
        add_row_avx2(part, row, m->row, rr);
        return;
    }
#endif
    add_row_n(part, row, m->row, rr);
}

enum cwt_status cwt__tcmodel_classify(const struct cwt__tcmodel *m, const char *text, size_t len, char *out,
                                      size_t outlen)
{
    /* the text's fingerprint, best first (rank = index), as fp_Create and fp_Print list it */
    struct cwt__tcfp fp;
    enum cwt_status rc = cwt__tcfp_create(text, len, &fp);
    if (rc != CWT_OK)
        return rc;
    if (fp.n == 0) {
        snprintf(out, outlen, "SHORT");
        return CWT_OK;
    }
    /* a language's score: the rank distance of each shared n-gram, TC_OUT_OF_PLACE for each other one
     * (fp_Compare's sum; its early exit only spares languages that cannot be candidates) */
    int score[TC_LANGS] = {0};
    int16_t part[TC_LANGS] = {0}; /* the dense rows' sum since the last flush into score */
    int ranks = (int)fp.n, rows = 0;
    const struct gram *found[CWT__TCFP_NGRAMS];
    lookup_all(m, &fp, found);
    for (int r = 0; r < ranks; r++) {
        const struct gram *g = found[r];
        if (g && !g->npost) { /* a dense row: min(|rank - r|, 400) - 400 for every language, in 16 bits */
            add_row(m, part, m->dense + g->post, (int16_t)r);
            if (++rows == TC_DENSE_FLUSH) {
                for (size_t l = 0; l < m->row; l++) {
                    score[l] += part[l];
                    part[l] = 0;
                }
                rows = 0;
            }
            continue;
        }
        for (uint32_t k = 0; g && k < g->npost; k++) {
            const struct post *ps = &m->posts[g->post + k];
            score[ps->lang] += abs((int)ps->rank - r) - TC_OUT_OF_PLACE;
        }
    }
    for (size_t l = 0; l < m->row; l++)
        score[l] += part[l];
    if (!m->nlang) {
        snprintf(out, outlen, "UNKNOWN"); /* no candidate: textcat's count 0 is its "UNKNOWN" */
        return CWT_OK;
    }
    int best = INT32_MAX;
    for (size_t l = 0; l < m->nlang; l++) {
        score[l] += TC_OUT_OF_PLACE * ranks;
        best = CWT_MIN(best, score[l]);
    }
    int threshold = (int)((double)best * TC_THRESHOLD);
    /* candidates in the configuration's order, then a stable sort by score (glibc's qsort, a merge sort,
     * keeps textcat's ties in that order) */
    size_t cand[TC_CANDIDATES + 1], nc = 0;
    for (size_t l = 0; l < m->nlang && nc <= TC_CANDIDATES; l++)
        if (score[l] < threshold)
            cand[nc++] = l;
    if (nc == 0 || nc > TC_CANDIDATES) { /* none (all scores 0) reads as textcat's UNKNOWN (0) too */
        snprintf(out, outlen, "UNKNOWN");
        return CWT_OK;
    }
    for (size_t i = 1; i < nc; i++)
        for (size_t j = i; j > 0 && score[cand[j - 1]] > score[cand[j]]; j--) {
            size_t t = cand[j];
            cand[j] = cand[j - 1];
            cand[j - 1] = t;
        }
    size_t o = 0;
    if (outlen)
        out[0] = '\0';
    for (size_t i = 0; i < nc && o < outlen; i++) {
        int w = snprintf(out + o, outlen - o, "[%s]", m->names[cand[i]]);
        o += w > 0 ? (size_t)w : 0;
    }
    return CWT_OK;
}
