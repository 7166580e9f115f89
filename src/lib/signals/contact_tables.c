/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the contact signal's tables (see contact_tables.h):
 * calling codes and national number lengths from the national numbering plans
 * published to the ITU (E.164), postal code forms from the postal operators,
 * free webmail domains common in the region, and the words that introduce a
 * phone number or an address in English, Chinese, Thai, Vietnamese,
 * Indonesian/Malay, Filipino, Japanese and Korean.
 */
#include <ctype.h>
#include <strings.h>

#include "signals/contact_tables.h"

const struct cwt__phone_plan cwt__phone_plans[] = {
    /* cc, code, min, max, leading digits, trunk 0 */
    {"CN", "86", 10, 11, "123456789", true},  /* mobile 1xx + 8; area code (2-3) + 7-8 digits */
    {"HK", "852", 8, 8, "2345679", false},
    {"MO", "853", 8, 8, "268", false},
    {"TW", "886", 8, 9, "23456789", true},
    {"SG", "65", 8, 8, "3689", false},
    {"TH", "66", 8, 9, "23456789", true},    /* landline 8 digits, mobile 6/8/9 + 8 */
    {"VN", "84", 9, 10, "235789", true},
    {"MY", "60", 8, 10, "13456789", true},   /* mobile 1x, 9-10 digits */
    {"ID", "62", 8, 12, "2345689", true},    /* mobile 8xx, 9-12 digits */
    {"PH", "63", 8, 10, "2345689", true},    /* mobile 9xx, 10 digits */
    {"JP", "81", 9, 10, "123456789", true},
    {"KR", "82", 8, 10, "1234567", true},    /* Seoul 2 + 7-8; mobile 10 */
    {"KH", "855", 8, 9, "123456789", true},
    {"LA", "856", 8, 10, "2345", true},
    {"MM", "95", 7, 10, "123456789", true},
    {"BN", "673", 7, 7, "2345678", false},
    {"IN", "91", 10, 10, "123456789", true},
    {"AU", "61", 9, 9, "23478", true},
    {"NZ", "64", 8, 10, "234679", true},
    {"US", "1", 10, 10, "23456789", false},  /* NANP: the US row stands for CA too */
    {"GB", "44", 9, 10, "123578", true},
    {"DE", "49", 6, 13, "123456789", true},
    {"FR", "33", 9, 9, "123456789", true},
    {"NL", "31", 9, 9, "123456789", true},
    {"IT", "39", 6, 11, "0123456789", false},
    {"ES", "34", 9, 9, "6789", false},
    {"AE", "971", 8, 9, "234679", true},
    {"SA", "966", 8, 9, "1234579", true},
    {"RU", "7", 10, 10, "3489", false},
    {"BR", "55", 10, 11, "123456789", true},
    {"MX", "52", 10, 10, "123456789", false},
    {NULL, NULL, 0, 0, NULL, false},
};

const struct cwt__phone_plan *cwt__phone_plan_cc(const char *cc)
{
    if (!cc)
        return NULL;
    if (strcasecmp(cc, "CA") == 0)
        cc = "US";
    for (const struct cwt__phone_plan *p = cwt__phone_plans; p->cc; p++)
        if (strcasecmp(p->cc, cc) == 0)
            return p;
    return NULL;
}

const struct cwt__phone_plan *cwt__phone_plan_prefix(const char *digits)
{
    const struct cwt__phone_plan *best = NULL;
    size_t bl = 0;
    for (const struct cwt__phone_plan *p = cwt__phone_plans; p->cc; p++) {
        size_t l = strlen(p->code);
        if (l > bl && strncmp(digits, p->code, l) == 0) {
            best = p;
            bl = l;
        }
    }
    return best;
}

static const struct cwt__postal_rule postal_rules[] = {
    {"CN", CWT__POSTAL_DIGITS, 6, "0123456789"},
    {"HK", CWT__POSTAL_NONE, 0, NULL},
    {"MO", CWT__POSTAL_NONE, 0, NULL},
    {"TW", CWT__POSTAL_TW, 0, "123456789"},
    {"SG", CWT__POSTAL_DIGITS, 6, "0123456789"},
    {"TH", CWT__POSTAL_DIGITS, 5, "123456789"},
    {"VN", CWT__POSTAL_DIGITS, 6, "0123456789"},
    {"MY", CWT__POSTAL_DIGITS, 5, "0123456789"},
    {"ID", CWT__POSTAL_DIGITS, 5, "123456789"},
    {"PH", CWT__POSTAL_DIGITS, 4, "0123456789"},
    {"JP", CWT__POSTAL_JP, 0, NULL},
    {"KR", CWT__POSTAL_DIGITS, 5, "0123456"},
    {"KH", CWT__POSTAL_DIGITS, 6, "1"},
    {"LA", CWT__POSTAL_DIGITS, 5, NULL},
    {"MM", CWT__POSTAL_DIGITS, 5, "0123"},
    {"IN", CWT__POSTAL_DIGITS, 6, "123456789"},
    {"AU", CWT__POSTAL_DIGITS, 4, NULL},
    {"NZ", CWT__POSTAL_DIGITS, 4, NULL},
    {"US", CWT__POSTAL_US, 0, NULL},
    {"GB", CWT__POSTAL_GB, 0, NULL},
    {"DE", CWT__POSTAL_DIGITS, 5, NULL},
    {"FR", CWT__POSTAL_DIGITS, 5, NULL},
    {"IT", CWT__POSTAL_DIGITS, 5, NULL},
    {"ES", CWT__POSTAL_DIGITS, 5, "0123456789"},
    {"NL", CWT__POSTAL_DIGITS, 4, "123456789"}, /* 4 digits (+ 2 letters, not checked) */
    {"AE", CWT__POSTAL_NONE, 0, NULL},
};

const struct cwt__postal_rule *cwt__postal_rule_cc(const char *cc)
{
    if (!cc)
        return NULL;
    for (size_t i = 0; i < CWT_ARRAY_LEN(postal_rules); i++)
        if (strcasecmp(postal_rules[i].cc, cc) == 0)
            return &postal_rules[i];
    return NULL;
}

static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    return n > 0;
}

bool cwt__postal_valid(const struct cwt__postal_rule *rule, const char *code)
{
    size_t n = strlen(code);
    switch (rule->form) {
    case CWT__POSTAL_NONE:
        return false;
    case CWT__POSTAL_DIGITS:
        return n == rule->digits && all_digits(code, n) && (!rule->leading || strchr(rule->leading, code[0]));
    case CWT__POSTAL_TW:
        return (n == 3 || n == 5 || n == 6) && all_digits(code, n) && code[0] != '0';
    case CWT__POSTAL_JP:
        return n == 8 && code[3] == '-' && all_digits(code, 3) && all_digits(code + 4, 4);
    case CWT__POSTAL_US:
        return (n == 5 && all_digits(code, 5)) ||
               (n == 10 && code[5] == '-' && all_digits(code, 5) && all_digits(code + 6, 4));
    case CWT__POSTAL_GB: { /* A9 9AA, A99 9AA, AA9 9AA, AA99 9AA, A9A 9AA, AA9A 9AA */
        const char *sp = strchr(code, ' ');
        if (!sp || strlen(sp + 1) != 3 || !isdigit((unsigned char)sp[1]) || !isalpha((unsigned char)sp[2]) ||
            !isalpha((unsigned char)sp[3]))
            return false;
        size_t ol = (size_t)(sp - code);
        return ol >= 2 && ol <= 4 && isalpha((unsigned char)code[0]);
    }
    }
    return false;
}

static const char *const webmail[] = {
    "gmail.com",   "googlemail.com", "yahoo.com",  "yahoo.com.sg", "yahoo.co.th", "yahoo.com.vn", "yahoo.co.id",
    "yahoo.com.my", "yahoo.com.ph", "yahoo.co.jp", "yahoo.com.hk", "yahoo.com.tw", "ymail.com",  "hotmail.com",
    "outlook.com", "live.com",      "msn.com",    "icloud.com",   "me.com",      "aol.com",      "proton.me",
    "protonmail.com", "gmx.com",    "mail.com",   "yandex.com",   "zoho.com",    "qq.com",       "foxmail.com",
    "163.com",     "126.com",       "yeah.net",   "sina.com",     "sina.cn",     "sohu.com",     "aliyun.com",
    "139.com",     "189.cn",        "tom.com",    "21cn.com",     "naver.com",   "daum.net",     "hanmail.net",
    "nate.com",    "pchome.com.tw", "hinet.net",  "netvigator.com", "singnet.com.sg",
};

bool cwt__webmail_domain(const char *domain)
{
    for (size_t i = 0; i < CWT_ARRAY_LEN(webmail); i++)
        if (strcasecmp(webmail[i], domain) == 0)
            return true;
    return false;
}

const char *const cwt__phone_words[] = {
    "tel", "phone", "mobile", "mob", "cell", "hotline", "call", "whatsapp", "fax", "电话", "電話", "手机", "手機",
    "座机", "热线", "联系电话", "โทร", "โทรศัพท์", "มือถือ", "điện thoại", "Điện thoại", "đt", "Đt", "ĐT", "sđt", "SĐT", "hotline", "telp",
    "telepon", "nombor telefon", "no. tel", "telefon", "teléfono", "telepono", "電話番号", "전화", "휴대폰",
    NULL,
};

const char *const cwt__address_words[] = {
    "address", "add:", "addr", "location", "headquarters", "office:", "factory:", "地址", "厂址", "公司地址",
    "ที่อยู่", "địa chỉ", "Địa chỉ", "ĐỊA CHỈ", "alamat", "住所", "所在地", "주소", "tirahan", "adres", NULL,
};

const char *const cwt__street_words[] = {
    " road", " rd.", " street", " st.", " avenue", " ave.", " district", " building", " floor", " blvd",
    "jalan ", "đường", "quận", "phường", "ถนน", "ซอย", "แขวง", "路", "街道", "区", "号", "barangay", "soi ",
    "industrial park", "industrial zone", "kawasan", "丁目", "番地", NULL,
};
