/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the extraction of contact facts from text (see
 * contact_extract.h). Phone numbers are taken only where they cannot be
 * mistaken for other numbers: written with "+" or "00" and a calling code, or
 * introduced by a phone word ("Tel", "电话", "โทร", "Điện thoại"...). Addresses
 * are lines introduced by an address word or naming a country; their postal
 * code is the token of the country's form. Registration numbers are tokens of
 * a known shape; a wrong check digit is reported only when a registration
 * word introduces the number, so a product code of the same length is not
 * mistaken for a bad registration.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <strings.h>

#include "signals/contact_extract.h"
#include "signals/contact_tables.h"
#include "signals/kwset.h"
#include "signals/marks.h"

#define LOOKBACK 64 /* bytes before a number searched for its introducing word */

static bool lower_has(const char *s, size_t len, const char *needle)
{
    return cwt__find_ci(s, len, needle) != SIZE_MAX; /* folds ASCII letters only, as strncasecmp does */
}

/* Start of the look-back window before @p off: at most LOOKBACK bytes, never past a line start. */
static size_t window_start(const char *text, size_t off)
{
    size_t from = off > LOOKBACK ? off - LOOKBACK : 0;
    for (size_t k = off; k > from; k--)
        if (text[k - 1] == '\n')
            return k;
    return from;
}

/* Whether a word of @p c's set lies in the look-back window before @p off (@p off never decreasing
 * from one call to the next: the cursor walks the text once for all windows). */
static bool word_before(struct cwt__kwcursor *c, size_t off)
{
    return cwt__kwcursor_within(c, window_start(c->text, off), off);
}

static void copy_collapsed(char *dst, size_t cap, const char *s, size_t len)
{
    size_t o = 0;
    bool sp = false;
    for (size_t i = 0; i < len && o + 1 < cap; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\0')
            break;
        if (isspace(c)) {
            sp = o > 0;
            continue;
        }
        if (sp && o + 2 < cap)
            dst[o++] = ' ';
        sp = false;
        dst[o++] = (char)c;
    }
    while (o > 0 && ((unsigned char)dst[o - 1] & 0xC0) == 0x80 && o + 1 >= cap)
        o--; /* never end inside a UTF-8 sequence */
    dst[o] = '\0';
}

/* ---- e-mail ---- */

static bool email_local(unsigned char c)
{
    return isalnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}

static void find_emails(const char *t, size_t len, struct cwt__contacts *out)
{
    for (size_t i = 1; i + 3 < len && out->nemails < CWT__CONTACT_MAX; i++) {
        const char *at = memchr(t + i, '@', len - 3 - i); /* the next '@' before the last 3 bytes */
        if (!at)
            break;
        i = (size_t)(at - t);
        size_t a = i;
        while (a > 0 && i - a < 64 && email_local((unsigned char)t[a - 1]))
            a--;
        size_t b = i + 1;
        while (b < len && b - i < 100 && (isalnum((unsigned char)t[b]) || t[b] == '.' || t[b] == '-'))
            b++;
        while (b > i + 1 && (t[b - 1] == '.' || t[b - 1] == '-'))
            b--;
        while (a < i && t[a] == '.')
            a++;
        if (a == i || b <= i + 3)
            continue;
        const char *dot = NULL;
        for (size_t k = b; k > i + 1; k--)
            if (t[k - 1] == '.') {
                dot = t + k - 1;
                break;
            }
        if (!dot || dot == t + i + 1)
            continue;
        size_t tl = (size_t)(t + b - dot - 1);
        bool alpha = tl >= 2 && tl <= 24;
        for (size_t k = 0; alpha && k < tl; k++)
            alpha = isalpha((unsigned char)dot[1 + k]);
        static const char *const images[] = {"png", "jpg", "jpeg", "gif", "webp", "svg", "css", "js"};
        for (size_t k = 0; alpha && k < CWT_ARRAY_LEN(images); k++)
            if (tl == strlen(images[k]) && strncasecmp(dot + 1, images[k], tl) == 0)
                alpha = false;
        if (!alpha || b - a >= sizeof out->emails[0].addr)
            continue;
        struct cwt__email *e = &out->emails[out->nemails];
        for (size_t k = 0; k < b - a; k++)
            e->addr[k] = (char)tolower((unsigned char)t[a + k]);
        e->addr[b - a] = '\0';
        e->off = a;
        bool dup = false;
        for (size_t k = 0; k < out->nemails; k++)
            dup = dup || strcmp(out->emails[k].addr, e->addr) == 0;
        if (!dup)
            out->nemails++;
        i = b;
    }
}

/* ---- phones ---- */

void cwt__phone_check(const char *raw, size_t len, const char *default_cc, struct cwt__phone *out)
{
    char d[24];
    size_t nd = 0;
    bool plus = false, paren_zero = false;
    memset(out, 0, sizeof *out);
    copy_collapsed(out->raw, sizeof out->raw, raw, len);
    for (size_t i = 0; i < len; i++) {
        char c = raw[i];
        if (c == '+' && nd == 0)
            plus = true;
        else if (c == '(' && i + 2 < len && raw[i + 1] == '0' && raw[i + 2] == ')' && nd > 0) {
            paren_zero = true; /* "+86 (0)574 ..." : the trunk 0 written in brackets */
            i += 2;
        } else if (isdigit((unsigned char)c)) {
            if (nd + 1 >= sizeof d)
                return;
            d[nd++] = c;
        }
    }
    d[nd] = '\0';
    (void)paren_zero;
    const char *nsn = d;
    const struct cwt__phone_plan *plan = NULL;
    if (!plus && nd > 2 && d[0] == '0' && d[1] == '0') { /* international prefix 00 */
        plus = true;
        nsn = d + 2;
    }
    if (plus) {
        plan = cwt__phone_plan_prefix(nsn);
        if (!plan)
            return;
        nsn += strlen(plan->code);
        if (plan->trunk_zero && nsn[0] == '0')
            nsn++;
    } else {
        plan = cwt__phone_plan_cc(default_cc);
        if (!plan)
            return;
        if (plan->trunk_zero && nsn[0] == '0')
            nsn++;
        else if (plan->trunk_zero && strlen(nsn) > plan->max)
            return;
    }
    size_t n = strlen(nsn);
    snprintf(out->cc, sizeof out->cc, "%s", plan->cc);
    snprintf(out->e164, sizeof out->e164, "+%s%s", plan->code, nsn);
    out->valid = n >= plan->min && n <= plan->max && (!plan->leading || (n && strchr(plan->leading, nsn[0])));
    /* China: mobile numbers are 1 + 10 digits; a number starting with 1 (except Beijing 10) has 11 */
    if (out->valid && strcmp(plan->cc, "CN") == 0 && nsn[0] == '1' && nsn[1] != '0' && n != 11)
        out->valid = false;
}

/* The country a local-script phone word implies for a number written without a calling code. */
static const char *phone_hint(const char *t, size_t off, const char *dflt)
{
    static const struct {
        const char *word, *cc;
    } hints[] = {{"电话", "CN"}, {"手机", "CN"}, {"座机", "CN"}, {"โทร", "TH"}, {"มือถือ", "TH"},
                 {"điện thoại", "VN"}, {"Điện thoại", "VN"}, {"電話番号", "JP"}, {"전화", "KR"}, {"휴대폰", "KR"}};
    size_t from = window_start(t, off);
    for (size_t i = 0; i < CWT_ARRAY_LEN(hints); i++)
        if (lower_has(t + from, off - from, hints[i].word))
            return hints[i].cc;
    return dflt;
}

static bool phone_char(unsigned char c)
{
    return isdigit(c) || c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '+';
}

static struct cwt__kwset phone_set = CWT__KWSET(cwt__phone_words);

/*
 * Whether a number's look-back may wait until its digits are counted: true when no phone word ends
 * with a byte a number is written with (they end with a letter or a UTF-8 byte). Then no word lies
 * in a number's window that did not lie in the window of the number's first byte, so a number
 * not introduced by a word contains no start of another, and one whose digits cannot make a phone
 * number is skipped whole whether introduced or not. Checked once.
 */
static bool phone_lookback_late;
static pthread_once_t late_once = PTHREAD_ONCE_INIT;

static void late_check(void)
{
    bool ok = true;
    for (const char *const *w = cwt__phone_words; *w; w++) {
        size_t n = strlen(*w);
        ok = ok && n > 0 && !phone_char((unsigned char)(*w)[n - 1]);
    }
    phone_lookback_late = ok;
}

static void find_phones(const char *t, size_t len, const char *default_cc, struct cwt__contacts *out, bool eager)
{
    pthread_once(&late_once, late_check);
    bool late = phone_lookback_late && !eager;
    struct cwt__kwcursor words;
    cwt__kwcursor_init(&words, &phone_set, t, len);
    for (size_t i = 0; i < len && out->nphones < CWT__CONTACT_MAX; i++) {
        if (!eager && (i = cwt__next_digit(t, len, i, '(', '+')) >= len) /* (eager: every byte, the reference) */
            break;
        unsigned char c = (unsigned char)t[i];
        bool plus = c == '+' && i + 1 < len && isdigit((unsigned char)t[i + 1]);
        /* a number without a calling code starts only after a phone word */
        bool worded = !plus && (isdigit(c) || c == '(') && (i == 0 || !isalnum((unsigned char)t[i - 1]));
        if (!plus && !(worded && (late || word_before(&words, i))))
            continue;
        if (i > 0 && (isdigit((unsigned char)t[i - 1]) || t[i - 1] == '+'))
            continue;
        size_t j = i, nd = 0;
        while (j < len && j - i < 28 && phone_char((unsigned char)t[j]) && !(j > i && t[j] == '+')) {
            if (isdigit((unsigned char)t[j]))
                nd++;
            j++;
        }
        while (j > i && !isdigit((unsigned char)t[j - 1]))
            j--;
        if (nd < 7 || nd > 16 || (j < len && isalnum((unsigned char)t[j]))) {
            i = j;
            continue;
        }
        if (worded && late && !word_before(&words, i))
            continue;
        struct cwt__phone *p = &out->phones[out->nphones];
        cwt__phone_check(t + i, j - i, phone_hint(t, i, default_cc), p);
        p->off = i;
        bool dup = false;
        for (size_t k = 0; k < out->nphones; k++)
            dup = dup || (p->e164[0] && strcmp(out->phones[k].e164, p->e164) == 0);
        if (!dup)
            out->nphones++;
        i = j;
    }
}

/* ---- addresses ---- */

struct place {
    const char *cc;
    const char *names; /* '|'-separated; ASCII ones matched case-insensitively as words */
};

static const struct place places[] = {
    {"CN", "china|p.r.c|中国|中國|zhejiang|guangdong|jiangsu|shanghai|beijing|shenzhen|ningbo|"
           "guangzhou|省|市"},
    {"HK", "hong kong|香港|kowloon|九龍"},
    {"TW", "taiwan|台灣|台湾|taipei|臺北"},
    {"SG", "singapore|新加坡"},
    {"TH", "thailand|ประเทศไทย|bangkok|กรุงเทพ|泰国"},
    {"VN", "vietnam|viet nam|việt nam|hanoi|ha noi|hà nội|ho chi minh|hồ chí minh|越南"},
    {"MY", "malaysia|kuala lumpur|selangor|johor|penang"},
    {"ID", "indonesia|jakarta|surabaya|bandung"},
    {"PH", "philippines|manila|cebu|makati|quezon city"},
    {"JP", "japan|日本|tokyo|osaka|東京都|大阪"},
    {"KR", "korea|대한민국|서울|seoul|busan|韩国"},
    {"US", "usa|united states|u.s.a"},
    {"GB", "united kingdom|england|london"},
    {"DE", "germany|deutschland"},
};

static bool word_at(const char *line, size_t len, size_t i, size_t n)
{
    bool left = i == 0 || !isalpha((unsigned char)line[i - 1]);
    bool right = i + n >= len || !isalpha((unsigned char)line[i + n]);
    return left && right;
}

/* The place names split out of places[], grouped by their first byte (folded), built once. */
#define PLACE_NAMES 128
static struct place_name {
    const char *s;
    size_t n;
    unsigned char place;
    bool ascii; /* ASCII first byte: matched case-insensitively as a word */
} place_names[PLACE_NAMES];
static unsigned char pn_start[257]; /* place_names[pn_order[pn_start[b] .. pn_start[b + 1]]] start with b */
static unsigned char pn_order[PLACE_NAMES];
static struct cwt__bigrams pn_pairs; /* their pairs of first bytes: the positions a name can start at */
static pthread_once_t pn_once = PTHREAD_ONCE_INIT;

static void place_names_build(void)
{
    size_t k = 0;
    for (size_t p = 0; p < CWT_ARRAY_LEN(places); p++)
        for (const char *s = places[p].names; *s && k < PLACE_NAMES;) {
            const char *bar = strchr(s, '|');
            size_t n = bar ? (size_t)(bar - s) : strlen(s);
            place_names[k++] = (struct place_name){s, n, (unsigned char)p, !((unsigned char)s[0] & 0x80)};
            cwt__bigrams_add(&pn_pairs, n >= 2 ? s : "x"); /* (a name of one byte would turn the filter off) */
            s += n + (bar ? 1 : 0);
        }
    for (size_t i = 0; i < k; i++)
        pn_start[tolower((unsigned char)place_names[i].s[0]) + 1]++;
    for (size_t b = 1; b < 257; b++)
        pn_start[b] = (unsigned char)(pn_start[b] + pn_start[b - 1]);
    unsigned char fill[256];
    memcpy(fill, pn_start, sizeof fill);
    for (size_t i = 0; i < k; i++) /* in table order within a byte */
        pn_order[fill[tolower((unsigned char)place_names[i].s[0])]++] = (unsigned char)i;
}

void cwt__address_country(const char *line, size_t len, char cc[3])
{
    pthread_once(&pn_once, place_names_build);
    cc[0] = '\0';
    /* one pass: the first position of each name (ASCII ones as whole words, folding ASCII only, as
     * strncasecmp does); then the last place named wins ("..., Ningbo, Zhejiang, China"), a tie going to
     * the later name of the table */
    size_t first[PLACE_NAMES];
    for (size_t k = 0; k < PLACE_NAMES; k++)
        first[k] = SIZE_MAX;
    struct cwt__bigrams_cur cur; /* the candidates of a block read once */
    cwt__bigrams_cur_init(&cur, &pn_pairs, line, len);
    for (size_t i = 0; i < len; i++) {
        if ((i = cwt__bigrams_cur_next(&cur, i)) >= len)
            break;
        unsigned char c = (unsigned char)tolower((unsigned char)line[i]);
        bool wstart = i == 0 || !isalpha((unsigned char)line[i - 1]);
        for (size_t o = pn_start[c]; o < pn_start[c + 1]; o++) {
            const struct place_name *pn = &place_names[pn_order[o]];
            if (first[pn_order[o]] != SIZE_MAX || (pn->ascii && !wstart) || i + pn->n > len ||
                strncasecmp(line + i, pn->s, pn->n) != 0 || (pn->ascii && !word_at(line, len, i, pn->n)))
                continue;
            first[pn_order[o]] = i;
        }
    }
    size_t best = SIZE_MAX;
    for (size_t k = 0; k < PLACE_NAMES && place_names[k].s; k++)
        if (first[k] != SIZE_MAX && (best == SIZE_MAX || first[k] >= best)) {
            best = first[k];
            memcpy(cc, places[place_names[k].place].cc, 3);
        }
}

/* Postal code candidates of @p line for @p rule: the first token of the right form, else a number
 * token that looks like a failed attempt (4-6 digits not part of a longer number). */
static void postal_in_line(const char *line, size_t len, const struct cwt__postal_rule *rule, struct cwt__postal *p)
{
    char tok[16], wrong[16] = "";
    for (size_t i = 0; i < len; i++) {
        if (!isalnum((unsigned char)line[i]) || (i > 0 && isalnum((unsigned char)line[i - 1])))
            continue;
        size_t j = i;
        while (j < len && j - i < 12 &&
               (isalnum((unsigned char)line[j]) ||
                ((line[j] == '-' || line[j] == ' ') && j + 1 < len && isalnum((unsigned char)line[j + 1]) &&
                 (rule->form == CWT__POSTAL_JP || rule->form == CWT__POSTAL_US || rule->form == CWT__POSTAL_GB))))
            j++;
        /* try the longest form first, then shorter prefixes ending at a separator */
        for (size_t e = j; e > i; e--) {
            if (e < j && line[e] != '-' && line[e] != ' ')
                continue;
            size_t n = e - i;
            if (n >= sizeof tok)
                continue;
            memcpy(tok, line + i, n);
            tok[n] = '\0';
            if (cwt__postal_valid(rule, tok)) {
                snprintf(p->code, sizeof p->code, "%s", tok);
                p->valid = true;
                return;
            }
        }
        size_t nd = 0;
        while (i + nd < len && isdigit((unsigned char)line[i + nd]))
            nd++;
        if (!wrong[0] && nd >= 4 && nd <= 7 && (i + nd >= len || !isalnum((unsigned char)line[i + nd])))
            snprintf(wrong, sizeof wrong, "%.*s", (int)nd, line + i);
        i = j;
    }
    snprintf(p->code, sizeof p->code, "%s", wrong);
}

static struct cwt__kwset address_set = CWT__KWSET(cwt__address_words);
static struct cwt__kwset street_set = CWT__KWSET(cwt__street_words);

static void find_addresses(const char *t, size_t len, const char *default_cc, struct cwt__contacts *out)
{
    size_t i = 0;
    while (i < len && out->npostals < CWT__CONTACT_MAX) {
        const char *nl = memchr(t + i, '\n', len - i);
        size_t e = nl ? (size_t)(nl - t) : len;
        size_t ll = e - i;
        const char *line = t + i;
        if (ll >= 12 && ll <= 400) {
            bool word = cwt__kwset_in(&address_set, line, CWT_MIN(ll, (size_t)48));
            bool digit = cwt__next_digit(line, ll, 0, '0', '0') < ll;
            /* a line without an address word is an address only with a digit, at most 240 bytes, a street
             * word and a country named: the country is looked up only for a line that has the rest (or
             * an address word) */
            bool street_words = !word && digit && ll <= 240 && cwt__kwset_in(&street_set, line, ll);
            char cc[3] = "";
            if (word || street_words)
                cwt__address_country(line, ll, cc);
            bool street = street_words && cc[0];
            if ((word && (digit || cc[0])) || street) {
                struct cwt__postal *p = &out->postals[out->npostals];
                memset(p, 0, sizeof *p);
                copy_collapsed(p->line, sizeof p->line, line, ll);
                snprintf(p->cc, sizeof p->cc, "%s", cc[0] ? cc : (default_cc ? default_cc : ""));
                p->off = i;
                const struct cwt__postal_rule *rule = cwt__postal_rule_cc(p->cc);
                if (rule && rule->form == CWT__POSTAL_NONE)
                    p->no_codes = true;
                else if (rule)
                    postal_in_line(line, ll, rule, p);
                /* a line found by its street words alone (prose can name a district) counts only
                 * with a postal code of the right form */
                if (word || p->valid)
                    out->npostals++;
            }
        }
        i = e + 1;
    }
}

/* ---- registration numbers ---- */

static const char *const reg_words[] = {
    "统一社会信用代码", "信用代码", "社会信用", "营业执照", "注册号", "uscc", "unified social credit", "credit code",
    "business license", "business licence", "uen", "registration no", "registration number", "reg. no", "reg no",
    "company no", "co. reg", "roc", "acra", "tax id", "taxpayer", "tin", "vat", "เลขประจำตัวผู้เสียภาษี",
    "เลขทะเบียน", "เลขประจำตัว", "mst", "mã số thuế", "mã số doanh nghiệp", "msdn", "tax code", "enterprise code",
    "ssm", "no. syarikat", "npwp", "nib", NULL,
};

static struct cwt__kwset reg_set = CWT__KWSET(reg_words);
/* The words that make a 10- or 13-digit number a Vietnamese enterprise code. */
static const char *const vn_words[] = {"mst", "mã số", "tax code", "msdn", "enterprise code", NULL};
static struct cwt__kwset vn_set = CWT__KWSET(vn_words);

static bool reg_char(unsigned char c)
{
    return isdigit(c) || isupper(c);
}

static void add_regno(struct cwt__contacts *out, enum cwt__regno_kind kind, const char *t, size_t i, size_t j,
                      bool introduced)
{
    if (out->nregnos >= CWT__CONTACT_MAX)
        return;
    struct cwt__regno r;
    memset(&r, 0, sizeof r);
    r.kind = kind;
    copy_collapsed(r.raw, sizeof r.raw, t + i, j - i);
    size_t n = 0;
    for (size_t k = i; k < j && n + 1 < sizeof r.value; k++)
        if (isalnum((unsigned char)t[k]))
            r.value[n++] = (char)toupper((unsigned char)t[k]);
    r.value[n] = '\0';
    r.has_check = kind <= CWT__REG_VN_MST;
    r.valid = cwt__regno_check(kind, r.value);
    r.off = i;
    if (!introduced) { /* without an introducing word only a checked number with letters is ours */
        bool letter = false;
        for (const char *v = r.value; *v; v++)
            letter = letter || isalpha((unsigned char)*v);
        if (!r.valid || !r.has_check || !letter)
            return;
    }
    for (size_t k = 0; k < out->nregnos; k++)
        if (strcmp(out->regnos[k].value, r.value) == 0)
            return;
    out->regnos[out->nregnos++] = r;
}

static void find_regnos(const char *t, size_t len, struct cwt__contacts *out)
{
    struct cwt__kwcursor reg, vn;
    cwt__kwcursor_init(&reg, &reg_set, t, len);
    cwt__kwcursor_init(&vn, &vn_set, t, len);
    for (size_t i = 0; i < len; i++) {
        if ((i = cwt__next_digit_upper(t, len, i)) >= len) /* the next digit or capital: reg_char() */
            break;
        if (i > 0 && isalnum((unsigned char)t[i - 1]))
            continue;
        size_t j = i, nalnum = 0, ndig = 0;
        while (j < len && j - i < 24 &&
               (reg_char((unsigned char)t[j]) ||
                ((t[j] == '-' || t[j] == '.' || t[j] == ' ') && j + 1 < len && isdigit((unsigned char)t[j + 1]) &&
                 nalnum >= 1 && ndig == nalnum))) {
            if (isalnum((unsigned char)t[j]))
                nalnum++;
            if (isdigit((unsigned char)t[j]))
                ndig++;
            j++;
        }
        if (j < len && isalnum((unsigned char)t[j])) {
            i = j;
            continue;
        }
        bool seps = nalnum != j - i;
        /* the introducing word matters only to a number of a registration's form (below): the look-back
         * is skipped for every other token */
        bool form = (nalnum == 18 && !seps && ndig >= 10) ||
                    ((nalnum == 9 || nalnum == 10) && !seps && isupper((unsigned char)t[j - 1]) && ndig >= 6) ||
                    ((nalnum == 10 || nalnum == 13) && ndig == nalnum) || (nalnum == 12 && ndig == 12) ||
                    (nalnum == 15 && ndig == 15 && seps);
        bool intro = form && word_before(&reg, i);
        if (nalnum == 18 && !seps && ndig >= 10)
            add_regno(out, CWT__REG_CN_USCC, t, i, j, intro);
        else if ((nalnum == 9 || nalnum == 10) && !seps && isupper((unsigned char)t[j - 1]) && ndig >= 6)
            add_regno(out, CWT__REG_SG_UEN, t, i, j, intro);
        else if (nalnum == 13 && ndig == 13)
            add_regno(out, CWT__REG_TH_TIN, t, i, j, intro);
        else if ((nalnum == 10 || nalnum == 13) && ndig == nalnum && intro && word_before(&vn, i))
            add_regno(out, CWT__REG_VN_MST, t, i, j, intro);
        else if (nalnum == 12 && ndig == 12 && intro)
            add_regno(out, CWT__REG_MY_SSM, t, i, j, intro);
        else if (nalnum == 15 && ndig == 15 && intro && seps)
            add_regno(out, CWT__REG_ID_NPWP, t, i, j, intro);
        i = j;
    }
}

void cwt__contact_extract(const char *text, size_t len, const char *default_cc, struct cwt__contacts *out)
{
    memset(out, 0, sizeof *out);
    if (!text)
        return;
    find_emails(text, len, out);
    find_phones(text, len, default_cc, out, false);
    find_addresses(text, len, default_cc, out);
    find_regnos(text, len, out);
}

void cwt__contact_postals(const char *text, size_t len, const char *default_cc, struct cwt__contacts *out)
{
    memset(out, 0, sizeof *out);
    if (text)
        find_addresses(text, len, default_cc, out);
}

void cwt__contact_phones_eager(const char *text, size_t len, const char *default_cc, struct cwt__contacts *out)
{
    memset(out, 0, sizeof *out);
    if (text)
        find_phones(text, len, default_cc, out, true);
}
