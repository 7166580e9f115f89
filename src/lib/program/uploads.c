/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the validators of the three uploads due after a
 * green mark (docs/uploads.md) and the 72-hour duty rule. A file is parsed by
 * the RFC 4180 parser, its header mapped to the documented columns, and every
 * cell checked; in customs summaries every cell that is not a valid value of
 * its column, and every cell of an undocumented column, is scanned for
 * sensitive data, so a refused file names every offending row and column.
 * Issues never quote a cell, so nothing of a refused file is kept.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>

#include "program/csv.h"
#include "program/sensitive.h"
#include "program/uploads.h"
#include "util/timeutil.h"

#define MAX_COLUMNS 32

void cwt__upload_limits_default(struct cwt__upload_limits *l)
{
    *l = (struct cwt__upload_limits){.max_bytes = 2u << 20, .max_rows = 5000, .max_field_len = 512};
}

void cwt__upload_result_release(struct cwt__upload_result *r)
{
    cwt_free(r->issues);
    memset(r, 0, sizeof *r);
}

struct vctx {
    struct cwt__upload_result *r;
    size_t issue_cap;
    int64_t at;
    bool row_bad;
    enum cwt_status oom;
};

static void issue(struct vctx *v, size_t row, const char *column, const char *code, const char *fmt, ...)
    CWT_PRINTF(5, 6);

static void issue(struct vctx *v, size_t row, const char *column, const char *code, const char *fmt, ...)
{
    struct cwt__upload_result *r = v->r;
    v->row_bad = true;
    r->accepted = false;
    if (strncmp(code, "sensitive.", 10) == 0)
        r->sensitive++;
    if (v->oom)
        return;
    enum cwt_status rc = CWT_GROW(r->issues, r->n_issues, &r->cap_issues, v->issue_cap);
    if (rc) {
        v->oom = rc == CWT_ENOMEM ? rc : CWT_OK; /* past the cap: counted in accepted=false, not listed */
        return;
    }
    struct cwt__upload_issue *is = &r->issues[r->n_issues++];
    is->row = row;
    snprintf(is->column, sizeof is->column, "%s", column ? column : "");
    size_t cl = strlen(is->column);
    if (column && cl < strlen(column)) { /* truncated: do not leave half a UTF-8 character */
        while (cl > 0 && ((unsigned char)column[cl] & 0xC0) == 0x80)
            cl--;
        is->column[cl] = '\0';
    }
    snprintf(is->code, sizeof is->code, "%s", code);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(is->msg, sizeof is->msg, fmt, ap);
    va_end(ap);
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    return s;
}

enum col_type {
    C_MONTH, C_HS, C_COUNTRY, C_COUNT, C_QTY, C_UNIT, C_VALUE, C_CURRENCY,
    C_STANDARD, C_CERTNO, C_BODY, C_STATUS, C_EFFDATE,
    C_CITY, C_ADDRESS, C_PHONE, C_LANGS, C_HOURS,
};

struct col_def {
    const char *name;
    enum col_type type;
    const char *expect; /* what a valid value looks like */
};

static const struct col_def customs_cols[] = {
    {"month", C_MONTH, "a month as YYYY-MM"},
    {"hs_code", C_HS, "an HS code of 6, 8 or 10 digits (dots allowed: 8504.40)"},
    {"destination_country", C_COUNTRY, "an ISO 3166-1 alpha-2 country code such as TH"},
    {"declarations", C_COUNT, "a whole number of declarations"},
    {"quantity", C_QTY, "a plain decimal number such as 1250.5"},
    {"unit", C_UNIT, "a UN/CEFACT unit code such as KGM, PCE, SET"},
    {"value", C_VALUE, "a plain decimal number such as 98000.00"},
    {"currency", C_CURRENCY, "an ISO 4217 currency code such as USD"},
};
static const struct col_def iso_cols[] = {
    {"standard", C_STANDARD, "a standard such as ISO 9001:2015"},
    {"certificate_number", C_CERTNO, "1 to 64 letters, digits, spaces, '.', '/', '-' or '_'"},
    {"body", C_BODY, "the certification body's name (2 to 128 characters)"},
    {"status", C_STATUS, "issued, renewed, suspended, withdrawn, expired, restored, scope_changed or transferred"},
    {"effective_date", C_EFFDATE, "a date as YYYY-MM-DD, not after the upload"},
};
static const struct col_def outlet_cols[] = {
    {"country", C_COUNTRY, "an ISO 3166-1 alpha-2 country code such as VN"},
    {"city", C_CITY, "the city (1 to 100 characters)"},
    {"address", C_ADDRESS, "the outlet's address (5 to 300 characters)"},
    {"phone", C_PHONE, "an international number starting with + such as +66 2 123 4567"},
    {"languages", C_LANGS, "language tags separated by ';' such as th;en;zh-Hans"},
    {"hours", C_HOURS, "opening hours such as Mo-Fr 09:00-18:00; Sa 09:00-12:00, or 24/7"},
};

static bool check_cell(const struct vctx *v, enum col_type t, const char *s, int *ym)
{
    int y, m;
    int64_t d;
    switch (t) {
    case C_MONTH:
        if (!cwt__is_month(s, &y, &m))
            return false;
        *ym = y * 12 + (m - 1);
        return true;
    case C_HS: return cwt__is_hs_code(s);
    case C_COUNTRY: return cwt__is_country(s);
    case C_COUNT: return cwt__is_uint(s, UINT64_C(1000000000));
    case C_QTY:
    case C_VALUE: return cwt__is_decimal(s);
    case C_UNIT: return cwt__is_unit(s);
    case C_CURRENCY: return cwt__is_currency(s);
    case C_STANDARD: return cwt__is_iso_standard(s);
    case C_CERTNO: return cwt__is_cert_number(s);
    case C_BODY: return cwt__is_text(s, 2, 128);
    case C_STATUS: return cwt__is_iso_status(s);
    case C_EFFDATE: return cwt__is_date(s, &d) && d <= v->at;
    case C_CITY: return cwt__is_text(s, 1, 100);
    case C_ADDRESS: return cwt__is_text(s, 5, 300);
    case C_PHONE: return cwt__is_phone_intl(s);
    case C_LANGS: return cwt__is_languages(s);
    case C_HOURS: return cwt__is_hours(s);
    }
    return false;
}

static void csv_issue(struct vctx *v, const struct cwt_err *e)
{
    size_t row = 0, col = 0;
    if (sscanf(e->field, "row %zu, column %zu", &row, &col) != 2)
        row = 0;
    const char *code = e->status == CWT_ETOOBIG ? "csv.too_big" : "csv.parse";
    issue(v, row, "", code, "%s", e->msg);
}

enum cwt_status cwt__upload_validate(enum cwt__upload_kind kind, const char *data, size_t len, int64_t at,
                                     const struct cwt__program_policy *p, const struct cwt__upload_limits *lim,
                                     struct cwt__upload_result *out, struct cwt_err *err)
{
    struct cwt__upload_limits dl;
    struct cwt__csv csv = {0};
    struct cwt_err perr;
    enum cwt_status rc = CWT_OK;
    memset(out, 0, sizeof *out);
    if (!lim) {
        cwt__upload_limits_default(&dl);
        lim = &dl;
    }
    const struct col_def *cols;
    size_t ncols;
    switch (kind) {
    case CWT__UPLOAD_CUSTOMS: cols = customs_cols, ncols = CWT_ARRAY_LEN(customs_cols); break;
    case CWT__UPLOAD_ISO: cols = iso_cols, ncols = CWT_ARRAY_LEN(iso_cols); break;
    case CWT__UPLOAD_OUTLETS: cols = outlet_cols, ncols = CWT_ARRAY_LEN(outlet_cols); break;
    default: return cwt_err_setf(err, CWT_EINVAL, "kind", "unknown upload kind %d", (int)kind);
    }
    if (!data && len)
        return cwt_err_setf(err, CWT_EINVAL, "data", "no data");
    rc = cwt__program_policy_check(p, err);
    if (rc)
        return rc;
    out->kind = kind;
    out->accepted = true;
    struct vctx v = {.r = out, .issue_cap = (lim->max_rows + 2) * (MAX_COLUMNS + 1) + 64, .at = at};
    const bool customs = kind == CWT__UPLOAD_CUSTOMS;

    struct cwt__csv_limits cl = {.max_bytes = lim->max_bytes, .max_rows = lim->max_rows + 1,
                                 .max_fields = MAX_COLUMNS, .max_field_len = lim->max_field_len};
    cwt_err_clear(&perr);
    rc = cwt__csv_parse(data ? data : "", len, &cl, &csv, &perr);
    if (rc == CWT_ENOMEM) {
        rc = cwt_err_set(err, rc, "out of memory");
        goto out;
    }
    if (rc) {
        csv_issue(&v, &perr);
        rc = CWT_OK;
        goto out;
    }
    if (csv.nrows == 0) {
        issue(&v, 0, "", "csv.empty", "the file is empty; the first row must name the columns");
        goto out;
    }

    /* The header: every documented column once, nothing else. */
    const struct cwt__csv_row *hdr = &csv.rows[0];
    int map[MAX_COLUMNS];                     /* file column -> documented column, or -1 */
    enum cwt__sensitive hsens[MAX_COLUMNS];   /* what an undocumented column would hold */
    char *hname[MAX_COLUMNS];
    bool seen[MAX_COLUMNS] = {false};
    for (size_t c = 0; c < hdr->nfields; c++) {
        hname[c] = trim(hdr->fields[c]);
        for (char *q = hname[c]; *q; q++)
            *q = (char)tolower((unsigned char)*q);
        map[c] = -1;
        hsens[c] = CWT__SENS_NONE;
        for (size_t k = 0; k < ncols; k++)
            if (strcmp(hname[c], cols[k].name) == 0)
                map[c] = (int)k;
        if (map[c] >= 0 && seen[map[c]]) {
            issue(&v, hdr->line, hname[c], "header.duplicate", "column '%s' appears twice", cols[map[c]].name);
            map[c] = -1;
            continue;
        }
        if (map[c] >= 0) {
            seen[map[c]] = true;
            continue;
        }
        hsens[c] = customs ? cwt__sensitive_column(hname[c]) : CWT__SENS_NONE;
        if (hsens[c] != CWT__SENS_NONE) {
            char code[40];
            snprintf(code, sizeof code, "sensitive.%s", cwt__sensitive_code(hsens[c]));
            issue(&v, hdr->line, hname[c], code, "column %zu would hold %s; remove the column", c + 1,
                  cwt__sensitive_text(hsens[c]));
        } else {
            issue(&v, hdr->line, hname[c], "header.unknown", "column %zu is not a documented column of a %s upload",
                  c + 1, cwt__upload_kind_name(kind));
        }
    }
    for (size_t k = 0; k < ncols; k++)
        if (!seen[k])
            issue(&v, hdr->line, cols[k].name, "header.missing", "column '%s' is missing", cols[k].name);

    /* The rows. */
    bool month_seen[64] = {false}; /* months since the window's start */
    struct cwt_tm now;
    cwt_time_to_tm(at, &now);
    const int at_ym = now.year * 12 + (now.month - 1);
    const int from_ym = at_ym - p->customs_months;
    out->rows = csv.nrows - 1;
    for (size_t r = 1; r < csv.nrows; r++) {
        const struct cwt__csv_row *row = &csv.rows[r];
        v.row_bad = false;
        if (row->nfields != hdr->nfields)
            issue(&v, row->line, "", "csv.columns", "row has %zu fields, the header has %zu", row->nfields,
                  hdr->nfields);
        for (size_t c = 0; c < row->nfields && c < hdr->nfields; c++) {
            char *cell = trim(row->fields[c]);
            int k = map[c], ym = -1;
            if (k >= 0 && check_cell(&v, cols[k].type, cell, &ym)) {
                if (cols[k].type == C_MONTH) {
                    if (ym > at_ym)
                        issue(&v, row->line, cols[k].name, "invalid.month", "month is after the month of the upload");
                    else if (ym >= from_ym && ym - from_ym < (int)CWT_ARRAY_LEN(month_seen))
                        month_seen[ym - from_ym] = true;
                }
                continue;
            }
            const char *colname = k >= 0 ? cols[k].name : hname[c];
            enum cwt__sensitive s = CWT__SENS_NONE;
            if (customs && *cell)
                s = hsens[c] != CWT__SENS_NONE ? hsens[c]
                                                : cwt__sensitive_scan_ex(cell, k < 0 || cols[k].type != C_COUNTRY);
            if (s != CWT__SENS_NONE) {
                char code[40];
                snprintf(code, sizeof code, "sensitive.%s", cwt__sensitive_code(s));
                issue(&v, row->line, colname, code, "looks like %s; remove it from the file", cwt__sensitive_text(s));
            } else if (k >= 0) {
                issue(&v, row->line, colname, *cell ? "invalid.value" : "invalid.empty", "expected %s",
                      cols[k].expect);
            }
        }
        if (!v.row_bad)
            out->rows_ok++;
    }

    if (customs) {
        out->months_required = p->customs_months;
        snprintf(out->coverage_from, sizeof out->coverage_from, "%04d-%02d", from_ym / 12, from_ym % 12 + 1);
        snprintf(out->coverage_to, sizeof out->coverage_to, "%04d-%02d", (at_ym - 1) / 12, (at_ym - 1) % 12 + 1);
        for (int i = 0; i < p->customs_months && i < (int)CWT_ARRAY_LEN(month_seen); i++) {
            if (month_seen[i]) {
                out->months_covered++;
                continue;
            }
            int ym = from_ym + i;
            issue(&v, 0, "month", "coverage.missing_month",
                  "no row for %04d-%02d; each of the past %d months needs a row (declarations 0 if none)", ym / 12,
                  ym % 12 + 1, p->customs_months);
        }
    }
    if (kind == CWT__UPLOAD_OUTLETS && out->rows == 0)
        issue(&v, 0, "", "outlets.empty", "list at least one localized service outlet");
    if (v.oom) {
        rc = cwt_err_set(err, CWT_ENOMEM, "out of memory");
        goto out;
    }
out:
    cwt__csv_release(&csv);
    return rc;
}

json_t *cwt__upload_result_json(const struct cwt__upload_result *r)
{
    json_t *o = json_object(), *issues = json_array();
    if (!o || !issues)
        goto fail;
    for (size_t i = 0; i < r->n_issues; i++) {
        const struct cwt__upload_issue *is = &r->issues[i];
        json_t *j = json_pack("{s:I,s:s,s:s,s:s}", "row", (json_int_t)is->row, "column", is->column, "code",
                              is->code, "message", is->msg);
        if (!j || json_array_append_new(issues, j))
            goto fail;
    }
    if (json_object_set_new(o, "kind", json_string(cwt__upload_kind_name(r->kind))) ||
        json_object_set_new(o, "accepted", json_boolean(r->accepted)) ||
        json_object_set_new(o, "rows", json_integer((json_int_t)r->rows)) ||
        json_object_set_new(o, "rows_ok", json_integer((json_int_t)r->rows_ok)) ||
        json_object_set_new(o, "sensitive", json_integer((json_int_t)r->sensitive)))
        goto fail;
    if (r->kind == CWT__UPLOAD_CUSTOMS) {
        json_t *cov = json_pack("{s:i,s:i,s:s,s:s}", "required", r->months_required, "covered", r->months_covered,
                                "from", r->coverage_from, "to", r->coverage_to);
        if (!cov || json_object_set_new(o, "coverage", cov))
            goto fail;
    }
    if (json_object_set_new(o, "issues", issues))
        goto fail_o;
    return o;
fail:
    json_decref(issues);
fail_o:
    json_decref(o);
    return NULL;
}

void cwt__duty_check(int64_t green_at, const int64_t uploaded_at[CWT__UPLOAD_COUNT_],
                     const struct cwt__program_policy *p, int64_t now, struct cwt__duty_status *out)
{
    memset(out, 0, sizeof *out);
    out->due = green_at + p->duty_window_s;
    out->met = true;
    char miss[64] = "";
    size_t ml = 0;
    for (unsigned k = 0; k < CWT__UPLOAD_COUNT_; k++) {
        int64_t t = uploaded_at[k];
        out->missing[k] = !(t != 0 && t >= green_at && t < out->due);
        if (out->missing[k]) {
            out->met = false;
            int w = snprintf(miss + ml, sizeof miss - ml, "%s%s", ml ? ", " : "", cwt__upload_kind_name(k));
            if (w > 0 && (size_t)w < sizeof miss - ml)
                ml += (size_t)w;
        }
    }
    out->open = !out->met && now < out->due;
    char due[21];
    cwt_time_format_iso(out->due, due);
    if (out->met)
        snprintf(out->explain, sizeof out->explain, "all three uploads accepted before %s", due);
    else if (out->open)
        snprintf(out->explain, sizeof out->explain, "due before %s (%lld s left): %s", due,
                 (long long)(out->due - now), miss);
    else
        snprintf(out->explain, sizeof out->explain, "the window closed at %s without: %s", due, miss);
}
