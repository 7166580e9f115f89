/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements company-name handling for the whois and identity
 * signals (see orgname.h): normalisation that strips legal forms in the
 * languages of the region, a word-level agreement score that refuses to
 * compare names in different scripts, the search for names with a legal form
 * in page text, and the collection of the identity a site declares.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <strings.h>

#include "page/page.h"
#include "page/sdata.h"
#include "signals/contact_extract.h"
#include "signals/content.h"
#include "signals/kwset.h"
#include "signals/orgname.h"
#include "whois/whois_record.h"

/* Legal forms written in scripts without spaces, removed as substrings (longest first). */
static const char *const cjk_forms[] = {
    "股份有限公司", "有限责任公司", "有限責任公司", "有限公司", "集团", "集團", "公司", "株式会社", "有限会社",
    "주식회사", "(주)", "㈜", "บริษัท", "(มหาชน)", "มหาชน", "จำกัด",
};

/* Legal-form words removed from Latin-script names (after lowercasing and splitting). */
static const char *const legal_words[] = {
    "co", "ltd", "limited", "company", "inc", "incorporated", "corp", "corporation", "llc", "plc", "gmbh", "ag",
    "pte", "private", "sdn", "bhd", "berhad", "sendirian", "pt", "tbk", "cv", "jsc", "tnhh", "cong", "công", "ty",
    "cp", "phan", "phần", "cổ", "mtv", "pcl", "kk", "the", "trach", "trách", "nhiem", "nhiệm", "huu", "hữu",
    "han", "hạn", "mot", "một", "thanh", "thành", "vien", "viên", "public", "group", "s.a", "sa", "bv", "oy",
};

static bool is_legal_word(const char *w, size_t n)
{
    for (size_t i = 0; i < CWT_ARRAY_LEN(legal_words); i++)
        if (legal_words[i][0] == w[0] && strlen(legal_words[i]) == n && strncmp(legal_words[i], w, n) == 0)
            return true;
    return false;
}

void cwt__orgname_norm(const char *in, char *out, size_t cap)
{
    char tmp[CWT__ORGNAME_MAX * 2];
    size_t n = 0;
    assert(cap > 0);
    out[0] = '\0';
    if (!in)
        return;
    /* 1. lowercase ASCII, ASCII punctuation to spaces, local-script legal forms to spaces */
    for (const char *p = in; *p && n + 2 < sizeof tmp;) {
        bool hit = false;
        for (size_t i = 0; i < CWT_ARRAY_LEN(cjk_forms); i++) {
            if (cjk_forms[i][0] != *p) /* (the first byte rejects most forms without a call) */
                continue;
            size_t l = strlen(cjk_forms[i]);
            if (strncmp(p, cjk_forms[i], l) == 0) {
                tmp[n++] = ' ';
                p += l;
                hit = true;
                break;
            }
        }
        if (hit)
            continue;
        unsigned char c = (unsigned char)*p++;
        if (c < 0x80)
            tmp[n++] = isalnum(c) ? (char)tolower(c) : ' ';
        else
            tmp[n++] = (char)c;
    }
    tmp[n] = '\0';
    /* 2. words, legal-form words dropped */
    size_t o = 0;
    const char *p = tmp;
    while (*p) {
        while (*p == ' ')
            p++;
        const char *w = p;
        while (*p && *p != ' ')
            p++;
        size_t wl = (size_t)(p - w);
        if (!wl || is_legal_word(w, wl))
            continue;
        if (o + wl + 2 > cap)
            break;
        if (o)
            out[o++] = ' ';
        memcpy(out + o, w, wl);
        o += wl;
    }
    out[o] = '\0';
}

char cwt__orgname_script(const char *s)
{
    bool latin = false;
    for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
        if (p[0] == 0xE0 && (p[1] == 0xB8 || p[1] == 0xB9))
            return 'T';
        if (p[0] >= 0xE4 && p[0] <= 0xE9)
            return 'H';
        if (p[0] >= 0xEA && p[0] <= 0xED)
            return 'K';
        if (p[0] == 0xE3 && p[1] >= 0x81 && p[1] <= 0x83)
            return 'J';
        if (isalpha(p[0]) || (p[0] >= 0xC3 && p[0] <= 0xE1)) /* Latin with diacritics (Vietnamese) */
            latin = true;
    }
    return latin ? 'L' : '?';
}

static size_t words(const char *s, const char *w[], size_t max)
{
    size_t n = 0;
    while (*s && n < max) {
        while (*s == ' ')
            s++;
        if (!*s)
            break;
        w[n++] = s;
        while (*s && *s != ' ')
            s++;
    }
    return n;
}

static bool word_eq(const char *a, const char *b)
{
    while (*a && *a != ' ' && *a == *b)
        a++, b++;
    return (*a == '\0' || *a == ' ') && (*b == '\0' || *b == ' ');
}

double cwt__orgname_match(const char *a, const char *b)
{
    char na[CWT__ORGNAME_MAX], nb[CWT__ORGNAME_MAX];
    cwt__orgname_norm(a, na, sizeof na);
    cwt__orgname_norm(b, nb, sizeof nb);
    char sa = cwt__orgname_script(na), sb = cwt__orgname_script(nb);
    if (!na[0] || !nb[0] || sa == '?' || sb == '?')
        return -1;
    if ((sa == 'H' || sa == 'J') && (sb == 'H' || sb == 'J'))
        sa = sb; /* kanji and hanzi compare as one script */
    if (sa != sb)
        return -1;
    if (strcmp(na, nb) == 0)
        return 1.0;
    if (sa != 'L') /* no spaces: containment only */
        return (strstr(na, nb) || strstr(nb, na)) ? 0.9 : 0.0;
    const char *wa[24], *wb[24];
    size_t ka = words(na, wa, 24), kb = words(nb, wb, 24), common = 0;
    for (size_t i = 0; i < ka; i++)
        for (size_t j = 0; j < kb; j++)
            if (word_eq(wa[i], wb[j])) {
                common++;
                break;
            }
    if (common == CWT_MIN(ka, kb) && common > 0)
        return 0.9;
    size_t uni = ka + kb - common;
    return uni ? (double)common / (double)uni : 0.0;
}

/* ---- names in text ---- */

static const char *const latin_suffixes[] = {
    "co., ltd.", "co.,ltd.", "co., ltd", "co.,ltd", "co. ltd.", "co ltd", "company limited", "pte. ltd.",
    "pte ltd", "sdn. bhd.", "sdn bhd", "limited", "inc.", "corporation", "llc", "gmbh", "jsc", "tbk", "pcl",
    "public company limited",
};

static bool add_name(char out[][CWT__ORGNAME_MAX], size_t *n, size_t max, const char *s, size_t len)
{
    if (*n >= max || len < 4 || len >= CWT__ORGNAME_MAX)
        return false;
    char tmp[CWT__ORGNAME_MAX];
    memcpy(tmp, s, len);
    tmp[len] = '\0';
    char norm[CWT__ORGNAME_MAX], other[CWT__ORGNAME_MAX];
    cwt__orgname_norm(tmp, norm, sizeof norm);
    if (!norm[0])
        return false;
    for (size_t i = 0; i < *n; i++) {
        cwt__orgname_norm(out[i], other, sizeof other);
        if (strcmp(other, norm) == 0)
            return false;
    }
    memcpy(out[(*n)++], tmp, len + 1);
    return true;
}

/* Whether @p s starts at byte @p i of the @p len bytes of @p t (case-insensitive for ASCII when @p ci). */
static bool at(const char *t, size_t len, size_t i, const char *s, bool ci)
{
    if (i >= len || (ci ? tolower((unsigned char)t[i]) != tolower((unsigned char)*s) : t[i] != *s))
        return false; /* the first byte decides most calls (this runs at every position of a page) */
    size_t n = strlen(s);
    return i + n <= len && (ci ? strncasecmp(t + i, s, n) == 0 : memcmp(t + i, s, n) == 0);
}

static bool cap_word(const char *w)
{
    unsigned char c = (unsigned char)*w;
    return isupper(c) || isdigit(c) || c >= 0xC3 || *w == '&';
}

/* Everything cwt__orgname_find() matches at a position, besides latin_suffixes: the pairs of first
 * bytes of all of them let it skip the positions where none can start. Built once. */
static const char *const org_starts[] = {"有限公司", "บริษัท", "công ty ", "Công ty ", "cong ty ", "PT "};
static struct cwt__bigrams org_pairs;
static pthread_once_t org_once = PTHREAD_ONCE_INIT;

static void org_pairs_build(void)
{
    for (size_t s = 0; s < CWT_ARRAY_LEN(org_starts); s++)
        cwt__bigrams_add(&org_pairs, org_starts[s]);
    for (size_t s = 0; s < CWT_ARRAY_LEN(latin_suffixes); s++)
        cwt__bigrams_add(&org_pairs, latin_suffixes[s]);
}

size_t cwt__orgname_find(const char *t, size_t len, char out[][CWT__ORGNAME_MAX], size_t max)
{
    pthread_once(&org_once, org_pairs_build);
    /* lowercase first bytes of everything matched below at a word start ("công ty", "PT ", the legal
     * forms): other positions are skipped after the Han and Thai tests */
    bool first[256] = {false};
    first['c'] = first['p'] = true;
    for (size_t s = 0; s < CWT_ARRAY_LEN(latin_suffixes); s++)
        first[tolower((unsigned char)latin_suffixes[s][0])] = true;
    size_t n = 0;
    struct cwt__bigrams_cur cur; /* the candidates of a block read once */
    cwt__bigrams_cur_init(&cur, &org_pairs, t, len);
    for (size_t i = 0; i < len && n < max; i++) {
        if ((i = cwt__bigrams_cur_next(&cur, i)) >= len)
            break;
        unsigned char c = (unsigned char)t[i];
        if (c < 0x80 && !first[tolower(c)])
            continue;
        /* Chinese / Japanese: a run of Han characters ending with a legal form */
        if (c == 0xE6 && at(t, len, i, "有限公司", false)) {
            size_t a = i;
            while (a >= 3 && i - a < 72 && (unsigned char)t[a - 3] >= 0xE4 && (unsigned char)t[a - 3] <= 0xE9)
                a -= 3;
            if (a < i)
                add_name(out, &n, max, t + a, i + 12 - a);
            i += 11;
            continue;
        }
        /* Thai: บริษัท ... จำกัด on one line */
        if (c == 0xE0 && at(t, len, i, "บริษัท", false)) {
            const char *end = NULL;
            for (size_t k = i; k < len && k - i < 240 && t[k] != '\n'; k++)
                if (at(t, len, k, "จำกัด", false)) {
                    end = t + k + strlen("จำกัด");
                    break;
                }
            if (end)
                add_name(out, &n, max, t + i, (size_t)(end - t - i));
            continue;
        }
        if (c >= 0x80 || !(i == 0 || !isalnum((unsigned char)t[i - 1])))
            continue; /* everything below starts with an ASCII byte at a word start */
        /* Vietnamese: "Công ty TNHH X" / "Công ty Cổ phần X" up to a comma or line end */
        if (at(t, len, i, "công ty ", true) || at(t, len, i, "Công ty ", true) || at(t, len, i, "cong ty ", true)) {
            size_t k = i;
            while (k < len && k - i < 100 && t[k] != '\n' && t[k] != ',' && t[k] != ';' && t[k] != '|')
                k++;
            add_name(out, &n, max, t + i, k - i);
            i = k;
            continue;
        }
        /* Indonesian: "PT Name Name (Tbk)" */
        if (i + 4 < len && at(t, len, i, "PT ", false) && isupper((unsigned char)t[i + 3])) {
            size_t k = i + 3, words_n = 0;
            while (k < len && words_n < 6 && isupper((unsigned char)t[k])) {
                while (k < len && (isalnum((unsigned char)t[k]) || t[k] == '.' || t[k] == '-'))
                    k++;
                words_n++;
                if (k < len && t[k] == ' ' && k + 1 < len && isupper((unsigned char)t[k + 1]))
                    k++;
                else
                    break;
            }
            add_name(out, &n, max, t + i, k - i);
            i = k;
            continue;
        }
        /* Latin: capitalised words before a legal-form suffix */
        for (size_t s = 0; s < CWT_ARRAY_LEN(latin_suffixes); s++) {
            if (tolower((unsigned char)t[i]) != tolower((unsigned char)latin_suffixes[s][0]))
                continue;
            size_t sl = strlen(latin_suffixes[s]);
            if (i + sl > len || strncasecmp(t + i, latin_suffixes[s], sl) != 0 ||
                (i + sl < len && isalpha((unsigned char)t[i + sl])))
                continue;
            /* walk back over up to 8 capitalised words on the same line */
            size_t a = i, nw = 0;
            while (a > 0 && nw < 8) {
                size_t b = a;
                while (b > 0 && t[b - 1] == ' ')
                    b--;
                if (b == 0 || b == a)
                    break;
                size_t w = b;
                while (w > 0 && t[w - 1] != ' ' && t[w - 1] != '\n' && t[w - 1] != ',' && t[w - 1] != ':' &&
                       t[w - 1] != '(' && t[w - 1] != '|' && b - w < 40)
                    w--;
                if (w == b || !cap_word(t + w) || t[b - 1] == '.' || t[b - 1] == '!' || t[b - 1] == '?')
                    break; /* not capitalised, or the end of the previous sentence */
                a = w;
                nw++;
                if (w > 0 && t[w - 1] != ' ')
                    break;
            }
            /* headings and phrases before the name are not part of it */
            static const char *const lead[] = {"About ", "Contact ", "Welcome to ", "Welcome ", "Copyright ",
                                               "Home ", "By ", "From ", "At ", "Our ", "The ", "Us "};
            for (size_t l = 0; l < CWT_ARRAY_LEN(lead) && nw > 1; l++)
                if (at(t, len, a, lead[l], false)) {
                    a += strlen(lead[l]);
                    nw--;
                    l = (size_t)-1; /* "Welcome to The ..." */
                }
            if (nw > 0)
                add_name(out, &n, max, t + a, i + sl - a);
            i += sl - 1;
            break;
        }
    }
    return n;
}

/* ---- the declared identity ---- */

static void add_declared(struct cwt__declared_name *arr, size_t *n, const char *name, const char *url,
                         const char *how)
{
    if (!name || !*name || *n >= CWT__DECLARED_MAX)
        return;
    char a[CWT__ORGNAME_MAX], b[CWT__ORGNAME_MAX];
    cwt__orgname_norm(name, a, sizeof a);
    if (!a[0])
        return;
    for (size_t i = 0; i < *n; i++) {
        cwt__orgname_norm(arr[i].name, b, sizeof b);
        if (strcmp(a, b) == 0)
            return;
    }
    snprintf(arr[*n].name, sizeof arr[*n].name, "%.*s", (int)sizeof arr[*n].name - 1, name);
    arr[*n].url = url;
    arr[*n].how = how;
    (*n)++;
}

static void declared_collect(const struct cwt__site *site, struct cwt__declared *out);

void cwt__site_memo_release(struct cwt__site_memo *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->ntyped; i++)
        cwt_free(m->typed[i].v);
    cwt_free(m->typed);
    m->typed = NULL;
    m->ntyped = 0;
}

void cwt__declared_collect(const struct cwt__site *site, struct cwt__declared *out)
{
    if (site->memo && site->memo->have_declared) {
        memcpy(out, &site->memo->declared, sizeof *out);
        return;
    }
    declared_collect(site, out);
    if (site->memo) {
        memcpy(&site->memo->declared, out, sizeof *out);
        site->memo->have_declared = true;
    }
}

static void declared_collect(const struct cwt__site *site, struct cwt__declared *out)
{
    memset(out, 0, sizeof *out);
    for (size_t p = 0; p < site->npages; p++) {
        const struct cwt__doc *doc = site->pages[p].doc;
        if (!doc)
            continue;
        const json_t *orgs[8];
        size_t no = CWT_MIN(cwt__site_sdata_find(site, doc, "Organization", orgs, 8), (size_t)8);
        for (size_t i = 0; i < no; i++) {
            add_declared(out->schema, &out->nschema, cwt__sdata_str(orgs[i], "legalName"), doc->url,
                         "schema.org legalName");
            add_declared(out->schema, &out->nschema, cwt__sdata_str(orgs[i], "name"), doc->url, "schema.org name");
            const json_t *addr = cwt__sdata_get(orgs[i], "address");
            const char *ctry = json_is_object(addr) ? cwt__sdata_str(addr, "addressCountry") : NULL;
            if (ctry && !out->country[0]) {
                cwt__country_code(ctry, out->country);
                if (out->country[0]) {
                    out->country_url = doc->url;
                    out->country_how = "schema.org addressCountry";
                }
            }
        }
        char names[CWT__DECLARED_MAX][CWT__ORGNAME_MAX];
        size_t nn = cwt__orgname_find(doc->text, doc->text_len, names, CWT__DECLARED_MAX);
        for (size_t i = 0; i < nn; i++)
            add_declared(out->text, &out->ntext, names[i], doc->url, "page text");
    }
    if (out->country[0])
        return;
    /* no schema.org country: the first address line that names one */
    for (size_t p = 0; p < site->npages && !out->country[0]; p++) {
        const struct cwt__doc *doc = site->pages[p].doc;
        if (!doc || !doc->text)
            continue;
        struct cwt__contacts *c = CWT_NEW(struct cwt__contacts);
        if (!c)
            return;
        cwt__contact_postals(doc->text, doc->text_len, NULL, c); /* (the addresses are all it reads) */
        for (size_t i = 0; i < c->npostals; i++)
            if (c->postals[i].cc[0]) {
                memcpy(out->country, c->postals[i].cc, 3);
                out->country_url = doc->url;
                out->country_how = "address text";
                break;
            }
        cwt_free(c);
    }
}
