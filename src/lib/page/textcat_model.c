/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements page/textcat_model.h: libexttextcat's fingerprint files read the way
 * special_textcat_Init() and fp_Read() read them (a configuration line names a file and a language;
 * a fingerprint is the first 400 lines' first fields of at most 20 bytes, ranked by line), inverted
 * into a hash table from n-gram to (language, rank), and textcat_Classify()'s scoring over it.
 */
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

struct entry {
    char s[TC_GRAM_MAX + 1];
    uint16_t lang, rank;
};

struct post {
    uint16_t lang, rank;
};

struct gram {
    uint32_t str;   /* offset in strs */
    uint32_t post;  /* first posting */
    uint32_t npost;
};

struct cwt__tcmodel {
    char **names; /* "en--utf8", in the configuration's order */
    size_t nlang;
    char *strs;
    struct gram *grams;
    size_t ngrams;
    struct post *posts;
    uint32_t *slots; /* open addressing: gram index + 1, 0 empty */
    size_t mask;
};

static uint32_t hash(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

static int entry_cmp(const void *a, const void *b)
{
    const struct entry *x = a, *y = b;
    int c = strcmp(x->s, y->s);
    if (c)
        return c;
    if (x->lang != y->lang)
        return x->lang < y->lang ? -1 : 1;
    return x->rank < y->rank ? -1 : x->rank > y->rank;
}

/* Trims blanks (and the line end) at both ends of @p s in place. */
static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        s[--n] = '\0';
    return s;
}

/* Appends the fingerprint file @p path of language @p lang to @p *e (fp_Read's reading). */
static enum cwt_status read_lm(const char *path, uint16_t lang, struct entry **e, size_t *n, size_t *cap)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return CWT_EIO;
    char *line = NULL;
    size_t lcap = 0;
    enum cwt_status rc = CWT_OK;
    for (uint16_t rank = 0; rank < TC_NGRAMS && getline(&line, &lcap, f) >= 0;) {
        char *s = trim(line);
        s[strcspn(s, " \t")] = '\0';
        size_t k = strlen(s);
        if (k > TC_GRAM_MAX)
            continue;
        if (k) { /* an empty line takes a rank but cannot match: a text's n-grams are never empty */
            if ((rc = CWT_GROW(*e, *n, cap, (size_t)TC_LANGS * TC_NGRAMS)) != CWT_OK)
                break;
            memcpy((*e)[*n].s, s, k + 1);
            (*e)[*n].lang = lang;
            (*e)[*n].rank = rank;
            (*n)++;
        }
        rank++;
    }
    free(line);
    fclose(f);
    return rc;
}

/* Builds the table of @p m from @p e (sorted here); duplicates of an n-gram in one language keep the
 * first rank, as the merge of fp_Compare() matches only the first. */
static enum cwt_status build(struct cwt__tcmodel *m, struct entry *e, size_t n)
{
    qsort(e, n, sizeof *e, entry_cmp);
    size_t bytes = 0, grams = 0;
    for (size_t i = 0; i < n; i++)
        if (i == 0 || strcmp(e[i].s, e[i - 1].s) != 0) {
            grams++;
            bytes += strlen(e[i].s) + 1;
        }
    size_t slots = 16;
    while (slots < grams * 2)
        slots *= 2;
    m->strs = cwt_malloc(bytes ? bytes : 1);
    m->grams = cwt_calloc(grams ? grams : 1, sizeof *m->grams);
    m->posts = cwt_calloc(n ? n : 1, sizeof *m->posts);
    m->slots = cwt_calloc(slots, sizeof *m->slots);
    if (!m->strs || !m->grams || !m->posts || !m->slots)
        return CWT_ENOMEM;
    m->mask = slots - 1;
    size_t off = 0, np = 0;
    for (size_t i = 0; i < n; i++) {
        bool fresh = i == 0 || strcmp(e[i].s, e[i - 1].s) != 0;
        if (fresh) {
            struct gram *g = &m->grams[m->ngrams];
            size_t k = strlen(e[i].s);
            memcpy(m->strs + off, e[i].s, k + 1);
            g->str = (uint32_t)off;
            g->post = (uint32_t)np;
            off += k + 1;
            size_t h = hash(e[i].s, k) & m->mask;
            while (m->slots[h])
                h = (h + 1) & m->mask;
            m->slots[h] = (uint32_t)++m->ngrams;
        } else if (e[i].lang == e[i - 1].lang) {
            continue;
        }
        m->posts[np].lang = e[i].lang;
        m->posts[np].rank = e[i].rank;
        np++;
        m->grams[m->ngrams - 1].npost++;
    }
    return CWT_OK;
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
    char *line = NULL;
    size_t lcap = 0;
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
        rc = read_lm(path, (uint16_t)(m->nlang - 1), &e, &n, &cap);
    }
    free(line);
    fclose(f);
    if (rc == CWT_OK)
        rc = build(m, e, n);
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

static const struct gram *lookup(const struct cwt__tcmodel *m, const char *s, size_t n)
{
    for (size_t h = hash(s, n) & m->mask; m->slots[h]; h = (h + 1) & m->mask) {
        const struct gram *g = &m->grams[m->slots[h] - 1];
        const char *gs = m->strs + g->str;
        if (strncmp(gs, s, n) == 0 && gs[n] == '\0')
            return g;
    }
    return NULL;
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
    int ranks = (int)fp.n;
    for (int r = 0; r < ranks; r++) {
        const struct gram *g = lookup(m, fp.gram[r], fp.len[r]);
        for (uint32_t k = 0; g && k < g->npost; k++) {
            const struct post *ps = &m->posts[g->post + k];
            score[ps->lang] += abs((int)ps->rank - r) - TC_OUT_OF_PLACE;
        }
    }
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
