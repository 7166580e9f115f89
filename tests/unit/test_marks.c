/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of src/lib/signals/marks.c: marks in context, word boundaries, languages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "signals/marks.h"

struct ids {
    char s[256];
};

static bool add_id(const struct cwt__mark_hit *h, void *ud)
{
    struct ids *ids = ud;
    size_t n = strlen(ids->s);
    snprintf(ids->s + n, sizeof ids->s - n, "%s%s", n ? " " : "", h->mark->id);
    return true;
}

static void test_marks_in_context(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        const char *ids;
    } rows[] = {
        {"All products carry the CE marking.", "ce"},
        {"CE certified, RoHS compliant", "ce rohs"},
        {"CE-compliant charger", "ce"},
        {"Our CEO welcomes you", ""},
        {"The CE", ""},                            /* no context word */
        {"Reach us by phone; we reach every port", ""},
        {"REACH SVHC tested", "reach"},
        {"Meets FCC Part 15 Class B", "fcc"},
        {"UL listed power cord", "ul"},
        {"产品通过CE认证和3C认证", "ce ccc"},
        {"สินค้าได้รับ มอก. 1195-2561", "tisi standard"},
        {"SIRIM certified for Malaysia", "sirim"},
        {"Produk bersertifikat SNI 04-6292", "sni standard"},
        {"Registered with the SAFETY Mark", "sg_safety"},
        {"Sản phẩm đã được chứng nhận hợp quy theo QCVN 4:2009", "vn_cr vn_cr standard"},
        {"Download the MSDS (Safety Data Sheet)", "sds sds"},
        {"化学品安全技术说明书 下载", "sds"},
        {"Warning: do not immerse. คำเตือน ห้ามแช่น้ำ", "warning warning"},
        {"Peringatan: jauhkan dari anak-anak. Amaran!", "warning warning"},
        {"See the user manual / 使用说明书", "instructions instructions"},
        {"Hướng dẫn sử dụng an toàn", "instructions"},
        {"EU Declaration of Conformity per EN 60335-1:2012", "doc standard"},
        {"conforms to GB 4706.1-2005", "standard"},
        {"forewarning", ""},
        {"Deklarasi Kesesuaian dan Petunjuk Penggunaan", "doc instructions"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct ids ids = {{0}};
        cwt__marks_scan(rows[i].text, strlen(rows[i].text), 64, add_id, &ids);
        if (strcmp(ids.s, rows[i].ids) != 0)
            fail_msg("'%s': got '%s', want '%s'", rows[i].text, ids.s, rows[i].ids);
    }
}

static void test_marks_table(void **state)
{
    (void)state;
    size_t n;
    const struct cwt__mark *all = cwt__marks_all(&n);
    assert_true(n >= 16);
    for (size_t i = 0; i < n; i++) {
        assert_ptr_equal(cwt__mark_get(all[i].id), &all[i]);
        assert_string_not_equal(cwt__mark_kind_name(all[i].kind), "unknown");
    }
    assert_null(cwt__mark_get("nope"));
    assert_int_equal(cwt__find_ci("abc RoHS", 8, "rohs"), 4);
    assert_int_equal(cwt__find_ci("abc", 3, "abcd"), SIZE_MAX);
    /* the cap and early stop */
    const char *t = "RoHS RoHS RoHS RoHS";
    assert_int_equal(cwt__marks_scan(t, strlen(t), 2, NULL, NULL), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_marks_in_context),
        cmocka_unit_test(test_marks_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
