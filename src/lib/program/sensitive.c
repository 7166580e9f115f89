/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the detectors of sensitive data in uploads. Each
 * detector is a small scanner over one NUL-terminated cell: e-mail addresses,
 * phone numbers (international "+", grouped digits, Chinese mobiles, or a
 * "tel" keyword), IBANs with a valid mod-97 check, long digit runs (18-digit
 * customs declaration numbers, Chinese resident IDs with a valid check
 * character, other ID, tax or account numbers), address words with a house
 * number (Latin, Chinese, Thai, Vietnamese, Malay/Indonesian), and personal
 * names (honorifics, "Surname Given" pairs). Column names are matched by word.
 */
#include <ctype.h>
#include <stdio.h>

#include "program/sensitive.h"

static const struct {
    const char *code, *text;
} kinds[CWT__SENS_COUNT_] = {
    [CWT__SENS_NONE] = {"none", "nothing sensitive"},
    [CWT__SENS_EMAIL] = {"email", "an e-mail address"},
    [CWT__SENS_PHONE] = {"phone", "a phone number"},
    [CWT__SENS_IBAN] = {"iban", "a bank account (IBAN)"},
    [CWT__SENS_BANK_ACCOUNT] = {"bank_account", "a bank account number"},
    [CWT__SENS_DECLARATION_NO] = {"declaration_number", "a customs declaration number"},
    [CWT__SENS_PERSON_ID] = {"person_id", "an ID or tax number of a person"},
    [CWT__SENS_NAME] = {"name", "a consignor, consignee or personal name"},
    [CWT__SENS_ADDRESS] = {"address", "a street address"},
};

const char *cwt__sensitive_code(enum cwt__sensitive k)
{
    return (unsigned)k < CWT__SENS_COUNT_ ? kinds[k].code : "unknown";
}

const char *cwt__sensitive_text(enum cwt__sensitive k)
{
    return (unsigned)k < CWT__SENS_COUNT_ ? kinds[k].text : "unknown";
}

static bool is_email_local(unsigned char c)
{
    return isalnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}

static bool has_email(const char *s)
{
    for (const char *at = strchr(s, '@'); at; at = strchr(at + 1, '@')) {
        if (at == s || !is_email_local((unsigned char)at[-1]))
            continue;
        const char *d = at + 1;
        size_t labels = 0, len = 0;
        bool dot = false;
        while (isalnum((unsigned char)d[len]) || d[len] == '-' || d[len] == '.' || (unsigned char)d[len] >= 0x80) {
            if (d[len] == '.' && len > 0)
                dot = true, labels++;
            len++;
        }
        if (dot && len >= 3 && d[len - 1] != '.')
            return true;
        CWT_UNUSED(labels);
    }
    return false;
}

bool cwt__iban_valid(const char *s)
{
    char c[40];
    size_t n = 0;
    for (; *s; s++) {
        if (*s == ' ')
            continue;
        if (n >= 34 || !isalnum((unsigned char)*s))
            return false;
        c[n++] = (char)toupper((unsigned char)*s);
    }
    if (n < 15 || !isupper((unsigned char)c[0]) || !isupper((unsigned char)c[1]) || !isdigit((unsigned char)c[2]) ||
        !isdigit((unsigned char)c[3]))
        return false;
    unsigned rem = 0;
    for (size_t k = 0; k < n; k++) {
        char ch = c[(k + 4) % n];
        if (isdigit((unsigned char)ch))
            rem = (rem * 10 + (unsigned)(ch - '0')) % 97;
        else
            rem = (rem * 100 + (unsigned)(ch - 'A' + 10)) % 97;
    }
    return rem == 1;
}

/* IBAN somewhere in @p s: a run of letters, digits and single spaces starting with 2 letters + 2 digits. */
static bool has_iban(const char *s)
{
    for (const char *p = s; *p; p++) {
        if (!(isupper((unsigned char)p[0]) && isupper((unsigned char)p[1]) && isdigit((unsigned char)p[2]) &&
              isdigit((unsigned char)p[3])))
            continue;
        if (p != s && isalnum((unsigned char)p[-1]))
            continue;
        char run[48];
        size_t n = 0;
        for (const char *q = p; *q && n < sizeof run - 1 && (isalnum((unsigned char)*q) || (*q == ' ' && isalnum((unsigned char)q[1]))); q++)
            run[n++] = *q;
        /* Try every prefix ending at an alphanumeric: the IBAN may be followed by other words. */
        while (n >= 15) {
            run[n] = '\0';
            if (isalnum((unsigned char)run[n - 1]) && cwt__iban_valid(run))
                return true;
            n--;
        }
    }
    return false;
}

/* Chinese resident identity number: 17 digits and a check character (GB 11643). */
static bool cn_id_valid(const char *d)
{
    static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    static const char check[] = "10X98765432";
    int sum = 0;
    for (int i = 0; i < 17; i++) {
        if (!isdigit((unsigned char)d[i]))
            return false;
        sum += (d[i] - '0') * w[i];
    }
    return toupper((unsigned char)d[17]) == check[sum % 11];
}

static bool has_word_ci(const char *s, const char *const *words);

static const char *const phone_words[] = {"tel", "tel.", "phone", "mobile", "mob", "fax", "whatsapp", "电话", "手机",
                                          "โทร", "đt", NULL};
static const char *const account_words[] = {"account", "acct", "a/c", "bank", "swift", "bic", "账号", "账户", NULL};
static const char *const decl_words[] = {"declaration", "报关单", "entry", NULL};

/*
 * Digit runs: groups of digits joined by single separators (space, '-', '.', '/', parentheses).
 * Classifies the longest such run.
 */
static enum cwt__sensitive scan_numbers(const char *s)
{
    enum cwt__sensitive found = CWT__SENS_NONE;
    const char *p = s;
    while (*p) {
        if (!(isdigit((unsigned char)*p) || (*p == '+' && isdigit((unsigned char)p[1])) ||
              (*p == '(' && isdigit((unsigned char)p[1])))) {
            p++;
            continue;
        }
        const char *start = p;
        bool plus = *p == '+';
        char digits[64];
        size_t nd = 0, seps = 0;
        bool x_end = false;
        if (*p == '+' || *p == '(')
            p++;
        while (*p) {
            if (isdigit((unsigned char)*p)) {
                if (nd < sizeof digits - 1)
                    digits[nd] = *p;
                nd++;
                p++;
            } else if ((*p == ' ' || *p == '-' || *p == '.' || *p == ')' || *p == '(' || *p == '/') &&
                       (isdigit((unsigned char)p[1]) || ((p[1] == ' ' || p[1] == '(') && isdigit((unsigned char)p[2])))) {
                /* a dot between digits with 1-6 digits after and nothing else reads as a decimal */
                seps++;
                p++;
            } else if ((*p == 'X' || *p == 'x') && nd == 17) {
                x_end = true;
                p++;
                break;
            } else {
                break;
            }
        }
        digits[nd < sizeof digits ? nd : sizeof digits - 1] = '\0';
        if (isalpha((unsigned char)*p) && !x_end) {
            continue; /* glued to letters: a code, not a number */
        }
        if ((nd == 18 || (nd == 17 && x_end)) && seps == 0) {
            char id[19];
            memcpy(id, digits, 17);
            id[17] = x_end ? 'X' : digits[17];
            id[18] = '\0';
            if (cn_id_valid(id))
                return CWT__SENS_PERSON_ID;
            if (nd == 18)
                return CWT__SENS_DECLARATION_NO;
        }
        bool mobile_cn = nd == 11 && seps <= 2 && digits[0] == '1' && digits[1] >= '3' && digits[1] <= '9';
        if ((plus && nd >= 7 && nd <= 15) || mobile_cn || (seps >= 1 && nd >= 8 && nd <= 15 && start[0] != '.'))
            found = found ? found : CWT__SENS_PHONE;
        else if (nd >= 12)
            found = found ? found : CWT__SENS_BANK_ACCOUNT; /* refined by keywords below */
        else if (nd >= 7 && has_word_ci(s, phone_words))
            found = found ? found : CWT__SENS_PHONE;
    }
    if (found == CWT__SENS_BANK_ACCOUNT) {
        if (has_word_ci(s, decl_words))
            return CWT__SENS_DECLARATION_NO;
        if (!has_word_ci(s, account_words))
            return CWT__SENS_PERSON_ID; /* a long number that is not a code: ID, tax or account */
    }
    return found;
}

/* Lowercases ASCII into @p out (bounded). */
static void lower(const char *s, char *out, size_t n)
{
    size_t i = 0;
    for (; s[i] && i < n - 1; i++)
        out[i] = (char)tolower((unsigned char)s[i]);
    out[i] = '\0';
}

/* True when one of @p words occurs in @p s as a word (ASCII word boundaries; non-ASCII words as substrings). */
static bool has_word_ci(const char *s, const char *const *words)
{
    char l[1024];
    lower(s, l, sizeof l);
    for (const char *const *w = words; *w; w++) {
        size_t wl = strlen(*w);
        bool ascii = (unsigned char)(*w)[0] < 0x80;
        for (const char *p = strstr(l, *w); p; p = strstr(p + 1, *w)) {
            if (!ascii)
                return true;
            bool left = p == l || !isalnum((unsigned char)p[-1]);
            bool right = !isalnum((unsigned char)p[wl]) || !isalnum((unsigned char)(*w)[wl - 1]);
            if (left && right)
                return true;
        }
    }
    return false;
}

static bool has_digit(const char *s)
{
    for (; *s; s++)
        if (isdigit((unsigned char)*s))
            return true;
    return false;
}

static const char *const address_words[] = {
    "street", "st.", "road", "rd.", "rd", "avenue", "ave.", "lane", "boulevard", "blvd", "building", "bldg", "floor",
    "room", "suite", "unit", "district", "no.", "soi", "thanon", "moo", "jalan", "jl.", "lorong", "taman", "đường",
    "phường", "quận", "p.", "q.", "路", "街", "号", "號", "室", "楼", "大厦", "ถนน", "ซอย", "หมู่", NULL};
static const char *const name_words[] = {"mr", "mr.", "mrs", "mrs.", "ms", "ms.", "miss", "dr.", "madam", "先生",
                                         "女士", "小姐", "consignee", "consignor", "attn", "attn.", "c/o", "นาย",
                                         "นาง", "นางสาว", "ông", "bà", NULL};

/* Two or three words, each an uppercase letter followed by lowercase letters ("Zhang Wei", "Nguyen Van An"). */
static bool looks_like_name(const char *s)
{
    size_t words = 0;
    const char *p = s;
    while (*p == ' ')
        p++;
    while (*p) {
        if (!isupper((unsigned char)*p))
            return false;
        p++;
        size_t n = 0;
        while (islower((unsigned char)*p))
            p++, n++;
        if (n == 0)
            return false;
        words++;
        if (*p == ' ') {
            while (*p == ' ')
                p++;
        } else if (*p) {
            return false;
        }
    }
    return words >= 2 && words <= 4;
}

enum cwt__sensitive cwt__sensitive_scan(const char *s)
{
    return cwt__sensitive_scan_ex(s, true);
}

enum cwt__sensitive cwt__sensitive_scan_ex(const char *s, bool names_by_shape)
{
    if (!s || !*s)
        return CWT__SENS_NONE;
    if (has_email(s))
        return CWT__SENS_EMAIL;
    if (has_iban(s))
        return CWT__SENS_IBAN;
    enum cwt__sensitive n = scan_numbers(s);
    if (n == CWT__SENS_BANK_ACCOUNT || n == CWT__SENS_PERSON_ID || n == CWT__SENS_DECLARATION_NO)
        return n;
    if (has_digit(s) && has_word_ci(s, address_words))
        return CWT__SENS_ADDRESS;
    if (n != CWT__SENS_NONE)
        return n;
    if (has_word_ci(s, name_words) || (names_by_shape && looks_like_name(s)))
        return CWT__SENS_NAME;
    return CWT__SENS_NONE;
}

enum cwt__sensitive cwt__sensitive_column(const char *name)
{
    static const struct {
        const char *word;
        enum cwt__sensitive kind;
    } cols[] = {
        {"declaration_no", CWT__SENS_DECLARATION_NO}, {"declaration_number", CWT__SENS_DECLARATION_NO},
        {"decl_no", CWT__SENS_DECLARATION_NO}, {"entry_no", CWT__SENS_DECLARATION_NO},
        {"entry_number", CWT__SENS_DECLARATION_NO}, {"customs_no", CWT__SENS_DECLARATION_NO},
        {"报关单号", CWT__SENS_DECLARATION_NO},
        {"consignee", CWT__SENS_NAME}, {"consignor", CWT__SENS_NAME}, {"shipper", CWT__SENS_NAME},
        {"receiver", CWT__SENS_NAME}, {"buyer", CWT__SENS_NAME}, {"name", CWT__SENS_NAME},
        {"contact", CWT__SENS_NAME}, {"person", CWT__SENS_NAME}, {"收货人", CWT__SENS_NAME},
        {"发货人", CWT__SENS_NAME}, {"姓名", CWT__SENS_NAME},
        {"phone", CWT__SENS_PHONE}, {"tel", CWT__SENS_PHONE}, {"telephone", CWT__SENS_PHONE},
        {"mobile", CWT__SENS_PHONE}, {"fax", CWT__SENS_PHONE}, {"whatsapp", CWT__SENS_PHONE},
        {"电话", CWT__SENS_PHONE},
        {"email", CWT__SENS_EMAIL}, {"e_mail", CWT__SENS_EMAIL}, {"mail", CWT__SENS_EMAIL},
        {"id", CWT__SENS_PERSON_ID}, {"id_no", CWT__SENS_PERSON_ID}, {"id_number", CWT__SENS_PERSON_ID},
        {"passport", CWT__SENS_PERSON_ID}, {"national_id", CWT__SENS_PERSON_ID}, {"tax_id", CWT__SENS_PERSON_ID},
        {"tax_no", CWT__SENS_PERSON_ID}, {"tax_number", CWT__SENS_PERSON_ID}, {"tin", CWT__SENS_PERSON_ID},
        {"vat", CWT__SENS_PERSON_ID}, {"ssn", CWT__SENS_PERSON_ID}, {"身份证", CWT__SENS_PERSON_ID},
        {"税号", CWT__SENS_PERSON_ID},
        {"iban", CWT__SENS_IBAN}, {"account", CWT__SENS_BANK_ACCOUNT}, {"account_no", CWT__SENS_BANK_ACCOUNT},
        {"bank", CWT__SENS_BANK_ACCOUNT}, {"bank_account", CWT__SENS_BANK_ACCOUNT}, {"swift", CWT__SENS_BANK_ACCOUNT},
        {"bic", CWT__SENS_BANK_ACCOUNT}, {"账号", CWT__SENS_BANK_ACCOUNT},
        {"address", CWT__SENS_ADDRESS}, {"street", CWT__SENS_ADDRESS}, {"addr", CWT__SENS_ADDRESS},
        {"地址", CWT__SENS_ADDRESS},
    };
    /* Normalise: lowercase, runs of non-alphanumeric ASCII to one '_', trimmed. */
    char norm[128];
    size_t n = 0;
    bool sep = false;
    for (const unsigned char *p = (const unsigned char *)name; *p && n < sizeof norm - 2; p++) {
        if (*p < 0x80 && !isalnum(*p)) {
            sep = n > 0;
            continue;
        }
        if (sep)
            norm[n++] = '_';
        sep = false;
        norm[n++] = (char)tolower(*p);
    }
    norm[n] = '\0';
    /* A match of the whole name or of one of its '_' words. */
    for (size_t i = 0; i < CWT_ARRAY_LEN(cols); i++) {
        const char *w = cols[i].word;
        size_t wl = strlen(w);
        for (const char *p = strstr(norm, w); p; p = strstr(p + 1, w)) {
            bool left = p == norm || p[-1] == '_';
            bool right = p[wl] == '\0' || p[wl] == '_';
            if ((left && right) || (unsigned char)w[0] >= 0x80)
                return cols[i].kind;
        }
    }
    return CWT__SENS_NONE;
}
