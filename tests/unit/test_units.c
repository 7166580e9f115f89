/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of src/lib/signals/units.c: the unit table, UN/CEFACT codes, the value parser and scanner. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>

#include "signals/units.h"

static void test_find_and_codes(void **state)
{
    (void)state;
    static const struct {
        const char *sym;
        const char *code; /* NULL: not a unit */
    } rows[] = {
        {"mm", "MMT"}, {"MM", "MMT"}, {"毫米", "MMT"}, {"m", "MTR"},     {"kg", "KGM"},  {"KG", "KGM"},
        {"公斤", "KGM"}, {"g", "GRM"},  {"V", "VLT"},    {"VAC", "VLT"},  {"W", "WTT"},   {"kW", "KWT"},
        {"KW", "KWT"},  {"mW", "C31"},  {"MW", "MAW"},  {"mw", NULL},     {"A", "AMP"},   {"mA", "4K"},
        {"bar", "BAR"}, {"Pa", "PAL"},  {"MPa", "MPA"}, {"MPA", "MPA"},   {"°C", "CEL"},  {"℃", "CEL"},
        {"L", "LTR"},   {"ml", "MLT"},  {"mL", "MLT"},  {"Hz", "HTZ"},    {"HZ", "HTZ"},  {"kWh", "KWH"},
        {"mAh", "E09"}, {"rpm", "RPM"}, {"psi", "PS"},  {"m³/h", "MQH"}, {"กก.", "KGM"}, {"widget", NULL},
        {"", NULL},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const struct cwt__unit *u = cwt__unit_find(rows[i].sym, strlen(rows[i].sym));
        if (!rows[i].code) {
            assert_null(u);
            continue;
        }
        assert_non_null(u);
        assert_string_equal(u->code, rows[i].code);
        assert_ptr_equal(cwt__unit_by_code(rows[i].code), u);
    }
    assert_null(cwt__unit_by_code("XYZ"));
    assert_ptr_equal(cwt__unit_by_code("kgm"), cwt__unit_find("kg", 2));
    assert_string_equal(cwt__quantity_name(CWT__Q_PRESSURE), "pressure");
    assert_string_equal(cwt__quantity_base(CWT__Q_MASS), "kg");
}

static void test_parse_values(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        const char *code; /* NULL: a parse error */
        double si_min, si_max;
    } rows[] = {
        {"220V", "VLT", 220, 220},
        {"220-240 V", "VLT", 220, 240},
        {"220V-240V", "VLT", 220, 240},
        {"1,5 kW", "KWT", 1500, 1500},
        {"1,500 W", "WTT", 1500, 1500},
        {"3.5kg", "KGM", 3.5, 3.5},
        {"3.5 公斤", "KGM", 3.5, 3.5},
        {"Ø 25 mm", "MMT", 0.025, 0.025},
        {"-20 ~ 60 °C", "CEL", -20, 60},
        {"-20~60℃", "CEL", -20, 60},
        {"32 °F", "FAH", 0, 0},
        {"50/60Hz", "HTZ", 50, 60},
        {"0.8 MPa", "MPA", 800000, 800000},
        {"8 bar", "BAR", 800000, 800000},
        {"500 mL", "MLT", 0.0005, 0.0005},
        {"10 A", "AMP", 10, 10},
        {"2,4 GHz", "A86", 2.4e9, 2.4e9},
        {"5000mAh", "E09", 18000, 18000},
        {"12 inches", "INH", 0.3048, 0.3048},
        {"about 5", NULL, 0, 0},
        {"5 widgets", NULL, 0, 0},
        {"mm", NULL, 0, 0},
        {"", NULL, 0, 0},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct cwt__qvalue v;
        enum cwt_status rc = cwt__qvalue_parse(rows[i].in, strlen(rows[i].in), &v);
        if (!rows[i].code) {
            assert_int_equal(rc, CWT_EPARSE);
            continue;
        }
        if (rc != CWT_OK)
            fail_msg("cannot parse '%s'", rows[i].in);
        assert_string_equal(v.unit->code, rows[i].code);
        if (fabs(v.si_min - rows[i].si_min) > 1e-6 * (1 + fabs(rows[i].si_min)) ||
            fabs(v.si_max - rows[i].si_max) > 1e-6 * (1 + fabs(rows[i].si_max)))
            fail_msg("'%s': got %g..%g", rows[i].in, v.si_min, v.si_max);
    }
}

struct collect {
    char codes[16][8];
    size_t n;
};

static bool collect_fn(const struct cwt__qvalue *v, void *ud)
{
    struct collect *c = ud;
    if (c->n < 16)
        snprintf(c->codes[c->n++], 8, "%s", v->unit->code);
    return true;
}

static void test_scan_text(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        const char *codes; /* space-separated expected codes in order */
    } rows[] = {
        {"Rated voltage: 220-240V, 50/60Hz. Power 1500 W. Weight 3.5 kg.", "VLT HTZ WTT KGM"},
        {"额定电压：220V  功率：2000瓦  净重：5公斤", "VLT WTT KGM"},
        {"Working temperature -20~60°C, pressure 0.8MPa", "CEL MPA"},
        {"10 in 1 kit, 4K video, 1990s design, CE-2 model", ""},
        {"Model ABC123mm is not a length; 25mmHg is not mm", ""},
        {"น้ำหนัก 12 กก. ความยาว 30 ซม.", "KGM CMT"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct collect c = {0};
        size_t n = cwt__qvalue_scan(rows[i].text, strlen(rows[i].text), 64, collect_fn, &c);
        assert_int_equal(n, c.n);
        char got[128] = "";
        size_t off = 0;
        for (size_t k = 0; k < c.n; k++)
            off += (size_t)snprintf(got + off, sizeof got - off, "%s%s", k ? " " : "", c.codes[k]);
        if (strcmp(got, rows[i].codes) != 0)
            fail_msg("'%s': got '%s', want '%s'", rows[i].text, got, rows[i].codes);
    }
    /* the cap is honoured */
    const char *many = "1 kg 2 kg 3 kg 4 kg 5 kg";
    assert_int_equal(cwt__qvalue_scan(many, strlen(many), 3, NULL, NULL), 3);
}

static void test_number_parse(void **state)
{
    (void)state;
    double v;
    assert_int_equal(cwt__number_parse("1,234.5x", 8, &v), 7);
    assert_true(fabs(v - 1234.5) < 1e-9);
    assert_int_equal(cwt__number_parse("0,75", 4, &v), 4);
    assert_true(fabs(v - 0.75) < 1e-9);
    assert_int_equal(cwt__number_parse("abc", 3, &v), 0);
    char big[200];
    memset(big, '9', sizeof big);
    assert_int_equal(cwt__number_parse(big, sizeof big, &v), 0); /* too long to be a parameter */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_find_and_codes),
        cmocka_unit_test(test_parse_values),
        cmocka_unit_test(test_scan_text),
        cmocka_unit_test(test_number_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
