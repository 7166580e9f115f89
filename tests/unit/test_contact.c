/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the contact extraction (src/lib/signals/contact_extract.c,
 * regno.c, contact_tables.c): phone numbers against their country's plan,
 * postal codes, e-mail addresses, and registration numbers of real companies
 * (published on their sites and in public registers) with their check digits,
 * and the same numbers with one character changed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "harness.h"
#include "signals/contact_extract.h"
#include "signals/contact_tables.h"

static void test_phones(void **state)
{
    (void)state;
    static const struct {
        const char *raw, *dflt, *cc, *e164;
        bool valid;
    } cases[] = {
        {"+86 574 8765 4321", NULL, "CN", "+865748765 4321", true},
        {"+86 138 0013 8000", NULL, "CN", "+8613800138000", true},
        {"+86 138 0013 800", NULL, "CN", "+861380013800", false}, /* mobile must have 11 digits */
        {"0574-87654321", "CN", "CN", "+8657487654321", true},
        {"+86 (0)21 6123 4567", NULL, "CN", "+862161234567", true},
        {"+852 2123 4567", NULL, "HK", "+85221234567", true},
        {"+852 1234 5678", NULL, "HK", "+85212345678", false},   /* HK numbers do not start with 1 */
        {"+886 2 2345 6789", NULL, "TW", "+886223456789", true},
        {"+65 6123 4567", NULL, "SG", "+6561234567", true},
        {"+65 1234 567", NULL, "SG", "+651234567", false},
        {"+66 2 123 4567", NULL, "TH", "+6621234567", true},
        {"081 234 5678", "TH", "TH", "+66812345678", true},
        {"+84 28 3823 4567", NULL, "VN", "+842838234567", true},
        {"+60 3-2161 1234", NULL, "MY", "+60321611234", true},
        {"+62 21 5790 1234", NULL, "ID", "+622157901234", true},
        {"+63 2 8123 4567", NULL, "PH", "+63281234567", true},
        {"+81 3-1234-5678", NULL, "JP", "+81312345678", true},
        {"+82 2-1234-5678", NULL, "KR", "+82212345678", true},
        {"0086 574 8765 4321", NULL, "CN", "+8657487654321", true},
        {"+999 1234 5678", NULL, "", "", false},                  /* no such calling code */
        {"12345678", NULL, "", "", false},                        /* no country known */
    };
    for (size_t i = 0; i < CWT_ARRAY_LEN(cases); i++) {
        struct cwt__phone p;
        cwt__phone_check(cases[i].raw, strlen(cases[i].raw), cases[i].dflt, &p);
        assert_string_equal(p.cc, cases[i].cc);
        if (cases[i].valid != p.valid)
            fail_msg("%s: valid %d, want %d", cases[i].raw, p.valid, cases[i].valid);
        if (cases[i].valid) {
            char want[32];
            size_t n = 0;
            for (const char *s = cases[i].e164; *s; s++)
                if (*s != ' ')
                    want[n++] = *s;
            want[n] = '\0';
            assert_string_equal(p.e164, want);
        }
    }
}

static void test_regnos(void **state)
{
    (void)state;
    static const struct {
        enum cwt__regno_kind kind;
        const char *value;
        bool valid;
    } cases[] = {
        {CWT__REG_CN_USCC, "914403001922038216", true}, /* Huawei Technologies Co., Ltd. */
        {CWT__REG_CN_USCC, "91330100716105852F", true},
        {CWT__REG_CN_USCC, "9144030071526726XG", true}, /* Tencent */
        {CWT__REG_CN_USCC, "914403001922038217", false},
        {CWT__REG_CN_USCC, "91440300192203821", false},  /* 17 characters */
        {CWT__REG_CN_USCC, "9144030071526726IG", false}, /* I is not in the alphabet */
        {CWT__REG_SG_UEN, "196800306E", true},           /* DBS Bank Ltd */
        {CWT__REG_SG_UEN, "199201624D", true},           /* Singapore Telecommunications */
        {CWT__REG_SG_UEN, "196800306F", false},
        {CWT__REG_SG_UEN, "T08LL1234A", true},           /* T/S/R form: shape only */
        {CWT__REG_TH_TIN, "0107536000269", true},        /* PTT Public Company Limited */
        {CWT__REG_TH_TIN, "0-1075-37000-11-4", true},    /* SCG, written with dashes */
        {CWT__REG_TH_TIN, "0107536000268", false},
        {CWT__REG_VN_MST, "0300588569", true},           /* Vinamilk */
        {CWT__REG_VN_MST, "0100109106", true},           /* Viettel */
        {CWT__REG_VN_MST, "0100109106-001", true},       /* a branch */
        {CWT__REG_VN_MST, "0300588568", false},
        {CWT__REG_MY_SSM, "201901012345", true},
        {CWT__REG_MY_SSM, "301901012345", false},
        {CWT__REG_ID_NPWP, "01.234.567.8-901.000", true},
    };
    for (size_t i = 0; i < CWT_ARRAY_LEN(cases); i++)
        if (cwt__regno_check(cases[i].kind, cases[i].value) != cases[i].valid)
            fail_msg("%s %s: want %d", cwt__regno_name(cases[i].kind), cases[i].value, cases[i].valid);
}

static void test_postal(void **state)
{
    (void)state;
    static const struct {
        const char *cc, *code;
        bool valid;
    } cases[] = {
        {"CN", "315000", true}, {"CN", "31500", false},  {"SG", "018989", true}, {"TH", "10110", true},
        {"TH", "01011", false}, {"VN", "700000", true},  {"MY", "50450", true},  {"ID", "10310", true},
        {"PH", "1226", true},   {"JP", "100-0005", true}, {"JP", "1000005", false}, {"KR", "04524", true},
        {"TW", "110", true},    {"TW", "11049", true},   {"US", "94043", true},  {"US", "94043-1351", true},
        {"GB", "SW1A 1AA", true}, {"GB", "12345", false},
    };
    for (size_t i = 0; i < CWT_ARRAY_LEN(cases); i++) {
        const struct cwt__postal_rule *r = cwt__postal_rule_cc(cases[i].cc);
        assert_non_null(r);
        if (cwt__postal_valid(r, cases[i].code) != cases[i].valid)
            fail_msg("%s %s: want %d", cases[i].cc, cases[i].code, cases[i].valid);
    }
    assert_int_equal(cwt__postal_rule_cc("HK")->form, CWT__POSTAL_NONE);
    assert_true(cwt__webmail_domain("qq.com"));
    assert_false(cwt__webmail_domain("ningbo-valves.example"));
}

static void test_extract_page_text(void **state)
{
    (void)state;
    const char *text = "Ningbo Valves Co., Ltd.\n"
                       "Address: No. 88 Jiangnan Road, Yinzhou District, Ningbo, Zhejiang 315000, China\n"
                       "Tel: +86 574 8765 4321 | Mobile: 138 0013 8000\n"
                       "E-mail: sales@ningbo-valves.example, ningbovalves@qq.com, logo@2x.png\n"
                       "统一社会信用代码：914403001922038216\n"
                       "Order 123456789012345678 shipped\n"
                       "Singapore office: 1 Raffles Place #20-61, Singapore 18989, UEN 196800306E\n"
                       "Tax ID: 0107536000268\n";
    struct cwt__contacts c;
    cwt__contact_extract(text, strlen(text), "CN", &c);
    assert_int_equal(c.nemails, 2);
    assert_string_equal(c.emails[0].addr, "sales@ningbo-valves.example");
    assert_string_equal(c.emails[1].addr, "ningbovalves@qq.com");
    assert_int_equal(c.nphones, 2);
    assert_string_equal(c.phones[0].e164, "+8657487654321");
    assert_true(c.phones[0].valid);
    assert_string_equal(c.phones[1].e164, "+8613800138000");
    assert_true(c.npostals >= 1);
    assert_string_equal(c.postals[0].cc, "CN");
    assert_string_equal(c.postals[0].code, "315000");
    assert_true(c.postals[0].valid);
    bool sg_seen = false;
    for (size_t i = 0; i < c.npostals; i++)
        if (strcmp(c.postals[i].cc, "SG") == 0) {
            sg_seen = true;
            assert_false(c.postals[i].valid); /* 5 digits: Singapore codes have 6 */
            assert_string_equal(c.postals[i].code, "18989");
        }
    assert_true(sg_seen);
    /* USCC right, UEN right, Thai tax ID wrong; the order number is not taken for a USCC */
    assert_int_equal(c.nregnos, 3);
    assert_int_equal(c.regnos[0].kind, CWT__REG_CN_USCC);
    assert_true(c.regnos[0].valid);
    assert_int_equal(c.regnos[1].kind, CWT__REG_SG_UEN);
    assert_true(c.regnos[1].valid);
    assert_int_equal(c.regnos[2].kind, CWT__REG_TH_TIN);
    assert_false(c.regnos[2].valid);
}

static void test_local_scripts(void **state)
{
    (void)state;
    const char *text = "ที่อยู่: 555 ถนนพหลโยธิน แขวงจตุจักร กรุงเทพ 10900 ประเทศไทย\n"
                       "โทร 02-123-4567\n"
                       "Địa chỉ: 12 Nguyễn Huệ, Quận 1, Hồ Chí Minh 700000, Việt Nam\n"
                       "Mã số thuế: 0300588569\n"
                       "地址：浙江省宁波市鄞州区江南路88号 邮编 315000\n"
                       "电话：0574-87654321\n";
    struct cwt__contacts c;
    cwt__contact_extract(text, strlen(text), "TH", &c);
    assert_int_equal(c.npostals, 3);
    assert_string_equal(c.postals[0].cc, "TH");
    assert_true(c.postals[0].valid);
    assert_string_equal(c.postals[1].cc, "VN");
    assert_true(c.postals[1].valid);
    assert_string_equal(c.postals[2].cc, "CN");
    assert_true(c.postals[2].valid);
    assert_int_equal(c.nphones, 2);
    assert_string_equal(c.phones[0].e164, "+6621234567");
    assert_true(c.phones[0].valid);
    assert_int_equal(c.nregnos, 1);
    assert_int_equal(c.regnos[0].kind, CWT__REG_VN_MST);
    assert_true(c.regnos[0].valid);
}

static void test_street_lines(void **state)
{
    (void)state;
    /* a footer without an address word is an address by its street words and a valid code; prose
     * naming a district and a year is not */
    const char *text = "Ningbo Valves Co., Ltd. · No. 88 Xingning Road, Yinzhou District, Ningbo, Zhejiang 315000, China\n"
                       "The company was founded in 2006 in Yinzhou District, Ningbo, China.\n"
                       "Address: Longhua District, Shenzhen, China\n";
    struct cwt__contacts c;
    cwt__contact_extract(text, strlen(text), NULL, &c);
    assert_int_equal(c.npostals, 2);
    assert_true(c.postals[0].valid);
    assert_string_equal(c.postals[0].code, "315000");
    assert_false(c.postals[1].valid); /* the address without a postal code */
    assert_string_equal(c.postals[1].code, "");
    assert_string_equal(c.postals[1].cc, "CN");
}

static void test_absurd_input(void **state)
{
    (void)state;
    static const char *const inputs[] = {"", "@", "@@@@", "a@b", "+", "++++++++", "Tel:", "Tel: ((((((((((",
                                         "Address: 1", "统一社会信用代码：", "x@y.z", "Tel: +86 " "99999999999999999999"};
    for (size_t i = 0; i < CWT_ARRAY_LEN(inputs); i++) {
        struct cwt__contacts c;
        cwt__contact_extract(inputs[i], strlen(inputs[i]), "CN", &c);
        assert_int_equal(c.nemails, 0);
        for (size_t k = 0; k < c.nphones; k++)
            assert_false(c.phones[k].valid);
    }
    /* many e-mails: capped */
    char big[8192] = "";
    size_t n = 0;
    for (int i = 0; i < 100; i++)
        n += (size_t)snprintf(big + n, sizeof big - n, "user%d@a.example ", i);
    struct cwt__contacts c;
    cwt__contact_extract(big, n, NULL, &c);
    assert_int_equal(c.nemails, CWT__CONTACT_MAX);
}

/* The phones found with the look-back after the digits are counted, skipping to the bytes a number
 * starts with, are those found with it first trying every byte; the addresses found alone are those
 * of the whole extraction. */
static void phones_same(const char *text, size_t len, const char *cc, const char *what)
{
    static struct cwt__contacts a, b;
    cwt__contact_extract(text, len, cc, &a);
    cwt__contact_phones_eager(text, len, cc, &b);
    if (a.nphones != b.nphones || memcmp(a.phones, b.phones, a.nphones * sizeof a.phones[0]) != 0)
        fail_msg("%s: %zu phones, %zu with the look-back first", what, a.nphones, b.nphones);
    /* and the addresses found alone (cwt__declared_collect()) are those of the whole extraction */
    cwt__contact_postals(text, len, cc, &b);
    if (a.npostals != b.npostals || memcmp(a.postals, b.postals, a.npostals * sizeof a.postals[0]) != 0)
        fail_msg("%s: %zu addresses, %zu found alone", what, a.npostals, b.npostals);
}

static void phones_same_page(const char *path, const char *s, size_t len, void *ud)
{
    (void)ud;
    phones_same(s, len, "TH", path);
}

static void test_phones_lookback_order(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "Tel: 12 34 (56) 7+86 574 8765 4321",        /* a short number then a calling code */
        "Tel 1234567+8612345678901 and 0574-87654321", /* '+' right after a number */
        "Call 123456789012345678901234567890 now",    /* past the length cap */
        "(0574) 8765 4321, Tel (0574) 8765 4321",     /* brackets without and with a word */
        "电话：0574-87654321 手机 13800138000",
        "phone\n0574 8765 4321",                       /* the word on the line before */
        "Hotline 1900 1234 56 78 90 12 34 5 6 7 8 9", /* many digits */
        "no. tel 02-123-4567 x 99, Điện thoại: 028 3823 4567",
        "fax: (02)123-4567 tel (02) 123 4567 mobile 081 234 5678",
        "Tel:",
        "0123456789abcd (Tel) +66 2 123 4567 ....... 0123456789abcde+66 2 123 4567 tel 081 234 5678", /* blocks */
        "................Tel:(02) 123 4567..............tel 02-123-4567",
        "9",
        "",
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        phones_same(texts[i], strlen(texts[i]), "CN", texts[i]);
        phones_same(texts[i], strlen(texts[i]), NULL, texts[i]);
    }
    static const char *const globs[] = {"tests/fixtures/sites/*/*.html", "tests/fixtures/pages/exporter/*.html", NULL};
    assert_true(h_each_file(globs, phones_same_page, NULL) >= 10);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_phones),          cmocka_unit_test(test_regnos),
        cmocka_unit_test(test_postal),          cmocka_unit_test(test_extract_page_text),
        cmocka_unit_test(test_local_scripts),   cmocka_unit_test(test_street_lines),
        cmocka_unit_test(test_absurd_input),    cmocka_unit_test(test_phones_lookback_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
