/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of src/lib/program/{csv,sensitive,upload_fields,uploads}.c: the
 * RFC 4180 parser and its caps, the sensitive-data detectors, the three upload
 * validators on the fixture files of tests/fixtures/uploads, and the duty rule.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>

#include "harness.h"
#include "oom.h"
#include "program/csv.h"
#include "program/sensitive.h"
#include "program/uploads.h"
#include "util/timeutil.h"

static int64_t iso(const char *s)
{
    int64_t t = 0;
    assert_int_equal(cwt_time_parse_iso(s, &t), CWT_OK);
    return t;
}

/* ---- the CSV parser ---- */

static const struct {
    const char *in;
    size_t len; /* 0 = strlen */
    enum cwt_status want;
    const char *fields; /* rows joined by '|', fields by '^'; "@n" prefix: record line numbers */
    const char *err_field;
} csv_cases[] = {
    {"a,b\r\nc,d\r\n", 0, CWT_OK, "a^b|c^d", NULL},
    {"a,b\nc,d", 0, CWT_OK, "a^b|c^d", NULL},
    {"\"a \"\"q\"\"\",b", 0, CWT_OK, "a \"q\"^b", NULL},
    {"\"multi\nline\",x\ny,z", 0, CWT_OK, "multi\nline^x|y^z", NULL},
    {"a,b,\n", 0, CWT_OK, "a^b^", NULL},
    {"a,b,", 0, CWT_OK, "a^b^", NULL},
    {"\"\",\"\"", 0, CWT_OK, "^", NULL},
    {"a\n\n\nb\n", 0, CWT_OK, "a|b", NULL},
    {"\xEF\xBB\xBFx,y", 0, CWT_OK, "x^y", NULL},
    {"d\xC3\xA9j\xC3\xA0,\xE8\xB7\xAF", 0, CWT_OK, "d\xC3\xA9j\xC3\xA0^\xE8\xB7\xAF", NULL},
    {"a,\"b", 0, CWT_EPARSE, NULL, "row 1, column 2"},
    {"a,b\nc,\"d\"e", 0, CWT_EPARSE, NULL, "row 2, column 2"},
    {"a,b\"c", 0, CWT_EPARSE, NULL, "row 1, column 2"},
    {"a\xff", 0, CWT_EPARSE, NULL, "bytes"},
    {"a\xC0\xAF", 0, CWT_EPARSE, NULL, "bytes"},           /* overlong '/' */
    {"a\xED\xA0\x80", 0, CWT_EPARSE, NULL, "bytes"},       /* surrogate */
    {"a\0b", 3, CWT_EPARSE, NULL, "bytes"},
    {"1\n2\n3\n4\n", 0, CWT_ETOOBIG, NULL, "rows"},        /* max_rows 3 */
    {"a,b,c,d,e", 0, CWT_ETOOBIG, NULL, "row 1, column 5"},/* max_fields 4 */
    {"0123456789abcdefg", 0, CWT_ETOOBIG, NULL, "row 1, column 1"}, /* max_field_len 16 */
};

static void test_csv_table(void **state)
{
    (void)state;
    const struct cwt__csv_limits lim = {.max_bytes = 1024, .max_rows = 3, .max_fields = 4, .max_field_len = 16};
    for (size_t i = 0; i < CWT_ARRAY_LEN(csv_cases); i++) {
        struct cwt__csv csv;
        struct cwt_err err;
        cwt_err_clear(&err);
        size_t len = csv_cases[i].len ? csv_cases[i].len : strlen(csv_cases[i].in);
        enum cwt_status rc = cwt__csv_parse(csv_cases[i].in, len, &lim, &csv, &err);
        if (rc != csv_cases[i].want)
            fail_msg("case %zu: status %s (%s)", i, cwt_status_name(rc), err.msg);
        if (rc == CWT_OK) {
            char got[256] = "";
            size_t gl = 0;
            for (size_t r = 0; r < csv.nrows; r++)
                for (size_t f = 0; f < csv.rows[r].nfields; f++)
                    gl += (size_t)snprintf(got + gl, sizeof got - gl, "%s%s", f ? "^" : (r ? "|" : ""),
                                           csv.rows[r].fields[f]);
            if (strcmp(got, csv_cases[i].fields) != 0)
                fail_msg("case %zu: got '%s'", i, got);
        } else {
            assert_string_equal(err.field, csv_cases[i].err_field);
        }
        cwt__csv_release(&csv);
    }
}

static void test_csv_lines_and_bytes(void **state)
{
    (void)state;
    const struct cwt__csv_limits lim = {.max_bytes = 10, .max_rows = 9, .max_fields = 4, .max_field_len = 16};
    struct cwt__csv csv;
    assert_int_equal(cwt__csv_parse("\"a\nb\"\n\nc", 8, &lim, &csv, NULL), CWT_OK);
    assert_int_equal(csv.nrows, 2);
    assert_int_equal(csv.rows[0].line, 1);
    assert_int_equal(csv.rows[1].line, 4);
    cwt__csv_release(&csv);
    struct cwt_err err;
    assert_int_equal(cwt__csv_parse("0123456789a", 11, &lim, &csv, &err), CWT_ETOOBIG);
    assert_string_equal(err.field, "bytes");
    cwt__csv_release(&csv);
}

/* ---- the detectors ---- */

static const struct {
    const char *in;
    enum cwt__sensitive want;
} sens_cases[] = {
    {"sales@example-exporter.cn", CWT__SENS_EMAIL},
    {"contact: li.na+ops@mail.example.com.cn", CWT__SENS_EMAIL},
    {"+86 755 2345 6789", CWT__SENS_PHONE},
    {"13800138000", CWT__SENS_PHONE},
    {"021-6234 5678", CWT__SENS_PHONE},
    {"(02) 123-45678", CWT__SENS_PHONE},
    {"Tel 2345678", CWT__SENS_PHONE},
    {"DE89 3704 0044 0532 0130 00", CWT__SENS_IBAN},
    {"GB82WEST12345698765432", CWT__SENS_IBAN},
    {"Account 6222 0212 3456 7890 123", CWT__SENS_BANK_ACCOUNT},
    {"11010519491231002X", CWT__SENS_PERSON_ID},
    {"531820260000123456", CWT__SENS_DECLARATION_NO},
    {"440305199001011234567", CWT__SENS_PERSON_ID}, /* a long number that is no code */
    {"No. 88 Keji Road", CWT__SENS_ADDRESS},
    {"深圳市南山区科技路88号", CWT__SENS_ADDRESS},
    {"123 Thanon Sukhumvit", CWT__SENS_ADDRESS},
    {"Mr. Zhang Wei", CWT__SENS_NAME},
    {"Nguyen Van An", CWT__SENS_NAME},
    {"王先生", CWT__SENS_NAME},
    {"8504.40", CWT__SENS_NONE},
    {"8504401000", CWT__SENS_NONE},
    {"KGM", CWT__SENS_NONE},
    {"2026-07", CWT__SENS_NONE},
    {"86400.00", CWT__SENS_NONE},
    {"1,234,567.89", CWT__SENS_NONE},
    {"Thailand", CWT__SENS_NONE},
    {"ISO 9001:2015", CWT__SENS_NONE},
    {"", CWT__SENS_NONE},
};

static void test_sensitive_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < CWT_ARRAY_LEN(sens_cases); i++) {
        enum cwt__sensitive got = cwt__sensitive_scan(sens_cases[i].in);
        if (got != sens_cases[i].want)
            fail_msg("'%s': got %s, want %s", sens_cases[i].in, cwt__sensitive_code(got),
                     cwt__sensitive_code(sens_cases[i].want));
    }
    static const struct {
        const char *name;
        enum cwt__sensitive want;
    } cols[] = {
        {"Consignee", CWT__SENS_NAME}, {"consignor_name", CWT__SENS_NAME}, {"Declaration No.", CWT__SENS_DECLARATION_NO},
        {"Tel.", CWT__SENS_PHONE}, {"E-mail", CWT__SENS_EMAIL}, {"IBAN", CWT__SENS_IBAN},
        {"bank account", CWT__SENS_BANK_ACCOUNT}, {"Street", CWT__SENS_ADDRESS}, {"收货人", CWT__SENS_NAME},
        {"tax id", CWT__SENS_PERSON_ID}, {"destination_country", CWT__SENS_NONE}, {"remarks", CWT__SENS_NONE},
        {"declarations", CWT__SENS_NONE},
    };
    for (size_t i = 0; i < CWT_ARRAY_LEN(cols); i++)
        if (cwt__sensitive_column(cols[i].name) != cols[i].want)
            fail_msg("column '%s': got %s", cols[i].name, cwt__sensitive_code(cwt__sensitive_column(cols[i].name)));
    assert_false(cwt__iban_valid("DE89 3704 0044 0532 0130 01"));
}

/* ---- the validators on the fixtures ---- */

struct want_issue {
    size_t row;
    const char *column, *code;
};

static const struct {
    const char *file;
    enum cwt__upload_kind kind;
    bool accepted;
    size_t rows, rows_ok;
    struct want_issue issues[12];
} file_cases[] = {
    {"customs_good.csv", CWT__UPLOAD_CUSTOMS, true, 7, 7, {{0}}},
    {"customs_good_crlf.csv", CWT__UPLOAD_CUSTOMS, true, 6, 6, {{0}}},
    {"customs_sensitive.csv", CWT__UPLOAD_CUSTOMS, false, 8, 1,
     {{1, "consignee", "sensitive.name"},
      {2, "consignee", "sensitive.name"},
      {4, "hs_code", "sensitive.declaration_number"},
      {5, "value", "sensitive.email"},
      {6, "unit", "sensitive.phone"},
      {7, "currency", "sensitive.iban"},
      {8, "hs_code", "sensitive.name"},
      {9, "destination_country", "sensitive.address"}}},
    {"customs_missing_month.csv", CWT__UPLOAD_CUSTOMS, false, 5, 5, {{0, "month", "coverage.missing_month"}}},
    {"customs_bad_quote.csv", CWT__UPLOAD_CUSTOMS, false, 0, 0, {{3, "", "csv.parse"}}},
    {"iso_good.csv", CWT__UPLOAD_ISO, true, 4, 4, {{0}}},
    {"iso_bad.csv", CWT__UPLOAD_ISO, false, 3, 0,
     {{2, "standard", "invalid.value"},
      {3, "certificate_number", "invalid.value"},
      {3, "status", "invalid.value"},
      {3, "effective_date", "invalid.value"},
      {4, "effective_date", "invalid.value"}}},
    {"outlets_good.csv", CWT__UPLOAD_OUTLETS, true, 3, 3, {{0}}},
    {"outlets_bad.csv", CWT__UPLOAD_OUTLETS, false, 2, 1,
     {{2, "country", "invalid.value"},
      {2, "phone", "invalid.value"},
      {2, "languages", "invalid.value"},
      {2, "hours", "invalid.value"}}},
};

static void test_fixture_files(void **state)
{
    (void)state;
    struct cwt__program_policy p;
    cwt__program_policy_default(&p);
    int64_t at = iso("2026-08-10T09:00:00Z");
    for (size_t i = 0; i < CWT_ARRAY_LEN(file_cases); i++) {
        char rel[128];
        snprintf(rel, sizeof rel, "tests/fixtures/uploads/%s", file_cases[i].file);
        size_t len;
        char *data = h_read_file(h_src(rel), &len);
        assert_non_null(data);
        struct cwt__upload_result r;
        struct cwt_err err;
        assert_int_equal(cwt__upload_validate(file_cases[i].kind, data, len, at, &p, NULL, &r, &err), CWT_OK);
        size_t want_n = 0;
        while (want_n < CWT_ARRAY_LEN(file_cases[i].issues) && file_cases[i].issues[want_n].code)
            want_n++;
        for (size_t k = 0; k < r.n_issues; k++)
            print_message("%s: row %zu column '%s' %s: %s\n", file_cases[i].file, r.issues[k].row, r.issues[k].column,
                          r.issues[k].code, r.issues[k].msg);
        if (r.accepted != file_cases[i].accepted || r.n_issues != want_n || r.rows != file_cases[i].rows ||
            r.rows_ok != file_cases[i].rows_ok)
            fail_msg("%s: accepted %d, %zu issues (want %zu), rows %zu ok %zu", file_cases[i].file, r.accepted,
                     r.n_issues, want_n, r.rows, r.rows_ok);
        for (size_t k = 0; k < want_n; k++) {
            const struct want_issue *w = &file_cases[i].issues[k];
            if (r.issues[k].row != w->row || strcmp(r.issues[k].column, w->column) != 0 ||
                strcmp(r.issues[k].code, w->code) != 0)
                fail_msg("%s issue %zu: row %zu column '%s' %s", file_cases[i].file, k, r.issues[k].row,
                         r.issues[k].column, r.issues[k].code);
        }
        if (file_cases[i].kind == CWT__UPLOAD_CUSTOMS && r.rows) {
            assert_string_equal(r.coverage_from, "2026-02");
            assert_string_equal(r.coverage_to, "2026-07");
        }
        /* no message repeats a cell of a refused file */
        for (size_t k = 0; k < r.n_issues; k++) {
            assert_null(strstr(r.issues[k].msg, "example-exporter"));
            assert_null(strstr(r.issues[k].msg, "Zhang"));
            assert_null(strstr(r.issues[k].msg, "3704"));
        }
        json_t *j = cwt__upload_result_json(&r);
        assert_non_null(j);
        assert_int_equal(json_array_size(json_object_get(j, "issues")), r.n_issues);
        json_decref(j);
        cwt__upload_result_release(&r);
        free(data);
    }
}

static void test_coverage_window_moves(void **state)
{
    (void)state;
    struct cwt__program_policy p;
    cwt__program_policy_default(&p);
    size_t len;
    char *data = h_read_file(h_src("tests/fixtures/uploads/customs_good.csv"), &len);
    struct cwt__upload_result r;
    /* uploaded in September: 2026-08 is now required and missing */
    assert_int_equal(cwt__upload_validate(CWT__UPLOAD_CUSTOMS, data, len, iso("2026-09-01T00:00:00Z"), &p, NULL, &r,
                                          NULL),
                     CWT_OK);
    assert_false(r.accepted);
    assert_int_equal(r.months_covered, 5);
    assert_non_null(strstr(r.issues[0].msg, "2026-08"));
    cwt__upload_result_release(&r);
    /* uploaded in June: the July rows are in the future */
    assert_int_equal(cwt__upload_validate(CWT__UPLOAD_CUSTOMS, data, len, iso("2026-06-30T23:00:00Z"), &p, NULL, &r,
                                          NULL),
                     CWT_OK);
    assert_false(r.accepted);
    assert_int_equal(r.issues[0].row, 8);
    assert_string_equal(r.issues[0].code, "invalid.month");
    cwt__upload_result_release(&r);
    /* an operator-set window of 3 months */
    p.customs_months = 3;
    assert_int_equal(cwt__upload_validate(CWT__UPLOAD_CUSTOMS, data, len, iso("2026-08-10T00:00:00Z"), &p, NULL, &r,
                                          NULL),
                     CWT_OK);
    assert_true(r.accepted);
    assert_int_equal(r.months_required, 3);
    cwt__upload_result_release(&r);
    free(data);
}

static void test_header_and_limits(void **state)
{
    (void)state;
    struct cwt__program_policy p;
    cwt__program_policy_default(&p);
    struct cwt__upload_result r;
    const char *h = "Standard,certificate_number,body,status,effective_date,effective_date,notes\n";
    assert_int_equal(cwt__upload_validate(CWT__UPLOAD_ISO, h, strlen(h), 0, &p, NULL, &r, NULL), CWT_OK);
    assert_false(r.accepted);
    assert_int_equal(r.n_issues, 2);
    assert_string_equal(r.issues[0].code, "header.duplicate");
    assert_string_equal(r.issues[1].code, "header.unknown");
    cwt__upload_result_release(&r);
    /* a long non-ASCII column name is cut at a character boundary, so the JSON stays valid */
    const char *cjk = "country,city,address,phone,languages,hours,"
                      "\xe5\xa4\x87\xe6\xb3\xa8\xe5\xa4\x87\xe6\xb3\xa8\xe5\xa4\x87\xe6\xb3\xa8\xe5\xa4\x87\xe6\xb3\xa8"
                      "\xe5\xa4\x87\xe6\xb3\xa8\xe5\xa4\x87\xe6\xb3\xa8\xe5\xa4\x87\xe6\xb3\xa8\xe5\xa4\x87\xe6\xb3\xa8\n";
    assert_int_equal(cwt__upload_validate(CWT__UPLOAD_OUTLETS, cjk, strlen(cjk), 0, &p, NULL, &r, NULL), CWT_OK);
    assert_string_equal(r.issues[0].code, "header.unknown");
    assert_int_equal(strlen(r.issues[0].column), 45);
    json_t *j = cwt__upload_result_json(&r);
    assert_non_null(j);
    json_decref(j);
    cwt__upload_result_release(&r);
    assert_int_equal(cwt__upload_validate(CWT__UPLOAD_OUTLETS, "", 0, 0, &p, NULL, &r, NULL), CWT_OK);
    assert_false(r.accepted);
    assert_string_equal(r.issues[0].code, "csv.empty");
    cwt__upload_result_release(&r);
    const char *o = "country,city,address,phone,languages,hours\n";
    assert_int_equal(cwt__upload_validate(CWT__UPLOAD_OUTLETS, o, strlen(o), 0, &p, NULL, &r, NULL), CWT_OK);
    assert_false(r.accepted);
    assert_string_equal(r.issues[0].code, "outlets.empty");
    cwt__upload_result_release(&r);
    struct cwt__upload_limits lim = {.max_bytes = 4096, .max_rows = 2, .max_field_len = 64};
    const char *many = "country,city,address,phone,languages,hours\nTH,a,bbbbb,+6621234567,th,24/7\n"
                       "TH,a,bbbbb,+6621234567,th,24/7\nTH,a,bbbbb,+6621234567,th,24/7\n";
    assert_int_equal(cwt__upload_validate(CWT__UPLOAD_OUTLETS, many, strlen(many), 0, &p, &lim, &r, NULL), CWT_OK);
    assert_false(r.accepted);
    assert_string_equal(r.issues[0].code, "csv.too_big");
    cwt__upload_result_release(&r);
    assert_int_equal(cwt__upload_validate(CWT__UPLOAD_COUNT_, "", 0, 0, &p, NULL, &r, NULL), CWT_EINVAL);
    cwt__upload_result_release(&r);
}

static const struct {
    const char *hours;
    bool ok;
} hours_cases[] = {
    {"24/7", true}, {"Mo-Fr 09:00-18:00", true}, {"Mo-Fr 09:00-12:00,13:00-18:00; Sa 10:00-14:00", true},
    {"Mo,We,Fr 08:00-24:00", true}, {"Su 22:00-02:00", true}, {"Mo-Fr 9:00-18:00", false},
    {"Mo-Fr", false}, {"Xx 09:00-18:00", false}, {"Mo-Fr 09:00-25:00", false}, {"Mo 09:00-09:00", false},
    {"", false}, {"Mo-Fr 09:00-18:00;", true}, {";", false},
};

static void test_field_checkers(void **state)
{
    (void)state;
    for (size_t i = 0; i < CWT_ARRAY_LEN(hours_cases); i++)
        if (cwt__is_hours(hours_cases[i].hours) != hours_cases[i].ok)
            fail_msg("hours '%s'", hours_cases[i].hours);
    assert_true(cwt__is_hs_code("8504.40.90"));
    assert_false(cwt__is_hs_code("85044"));
    assert_false(cwt__is_hs_code("8504..40"));
    assert_true(cwt__is_country("VN"));
    assert_false(cwt__is_country("UK"));
    assert_true(cwt__is_currency("THB"));
    assert_false(cwt__is_currency("RMB"));
    assert_true(cwt__is_iso_standard("ISO/IEC 27001:2022"));
    assert_true(cwt__is_iso_standard("ISO 13485"));
    assert_false(cwt__is_iso_standard("ISO 9001:15"));
    assert_true(cwt__is_languages("zh-Hans; en"));
    assert_false(cwt__is_languages("english"));
    assert_true(cwt__is_phone_intl("+84 (28) 3823-4567"));
    assert_false(cwt__is_phone_intl("+0 123 4567"));
    assert_true(cwt__is_decimal("0.5"));
    assert_false(cwt__is_decimal("-1"));
    assert_false(cwt__is_decimal("1."));
    assert_false(cwt__is_decimal("1e5"));
}

static void test_duty(void **state)
{
    (void)state;
    struct cwt__program_policy p;
    cwt__program_policy_default(&p);
    int64_t g = iso("2026-08-01T12:00:00Z"), w = 72 * 3600;
    static const struct {
        int64_t c, i, o, now;
        bool met, open;
        bool missing[3];
    } v[] = {
        {1, 2, 3, 10, true, false, {false, false, false}},
        {1, 2, 72 * 3600 - 1, 72 * 3600, true, false, {false, false, false}},
        {1, 2, 72 * 3600, 72 * 3600, false, false, {false, false, true}},
        {1, -1, 0, 100, false, true, {false, true, true}}, /* -1: before the mark (an older upload) */
        {0, 0, 0, 72 * 3600 - 1, false, true, {true, true, true}},
    };
    for (size_t k = 0; k < CWT_ARRAY_LEN(v); k++) {
        int64_t up[3] = {v[k].c ? g + v[k].c : 0, v[k].i ? g + v[k].i : 0, v[k].o ? g + v[k].o : 0};
        struct cwt__duty_status d;
        cwt__duty_check(g, up, &p, g + v[k].now, &d);
        if (d.met != v[k].met || d.open != v[k].open)
            fail_msg("case %zu: met %d open %d (%s)", k, d.met, d.open, d.explain);
        assert_int_equal(d.due, g + w);
        for (int j = 0; j < 3; j++)
            assert_int_equal(d.missing[j], v[k].missing[j]);
    }
}

/* Failing the Nth allocation, for every N, gives CWT_ENOMEM and no leak; never a wrong verdict. */
static void test_out_of_memory(void **state)
{
    (void)state;
    struct cwt__program_policy p;
    cwt__program_policy_default(&p);
    size_t len;
    char *data = h_read_file(h_src("tests/fixtures/uploads/customs_sensitive.csv"), &len);
    assert_non_null(data);
    int64_t at = iso("2026-08-10T00:00:00Z");
    struct cwt__upload_result r;
    h_oom_install();
    h_oom_fail_after(-1);
    assert_int_equal(cwt__upload_validate(CWT__UPLOAD_CUSTOMS, data, len, at, &p, NULL, &r, NULL), CWT_OK);
    long total = h_oom_count();
    cwt__upload_result_release(&r);
    for (long n = 0; n < total; n++) {
        h_oom_fail_after(n);
        enum cwt_status rc = cwt__upload_validate(CWT__UPLOAD_CUSTOMS, data, len, at, &p, NULL, &r, NULL);
        h_oom_fail_after(-1);
        if (rc != CWT_ENOMEM)
            fail_msg("allocation %ld of %ld failed: status %s", n, total, cwt_status_name(rc));
        cwt__upload_result_release(&r);
    }
    assert_int_equal(cwt__upload_validate(CWT__UPLOAD_CUSTOMS, data, len, at, &p, NULL, &r, NULL), CWT_OK);
    long jn = 0;
    for (;; jn++) {
        h_oom_fail_after(jn);
        json_t *j = cwt__upload_result_json(&r);
        h_oom_fail_after(-1);
        if (j) {
            json_decref(j);
            break;
        }
    }
    h_oom_uninstall();
    print_message("out of memory at each of %ld allocations of a validation (and %ld of its JSON): CWT_ENOMEM\n",
                  total, jn);
    assert_int_equal(r.n_issues, 8);
    cwt__upload_result_release(&r);
    free(data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_table),
        cmocka_unit_test(test_csv_lines_and_bytes),
        cmocka_unit_test(test_sensitive_table),
        cmocka_unit_test(test_fixture_files),
        cmocka_unit_test(test_coverage_window_moves),
        cmocka_unit_test(test_header_and_limits),
        cmocka_unit_test(test_field_checkers),
        cmocka_unit_test(test_duty),
        cmocka_unit_test(test_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
