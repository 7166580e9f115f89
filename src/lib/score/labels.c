/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the parser of labels files for `cwtap model fit`:
 * JSON lines (one labelled evaluation, or labelled signal values, per line) or
 * CSV (a header naming "label", optionally "site", and signal ids; one site
 * per row; an empty cell is a signal that was not measured). Every row, cell
 * and line is bounded, and errors name the line and the field.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "score/model.h"

#define LINE_MAX_BYTES (4u << 20) /* one JSON line (an evaluation) */
#define CSV_MAX_COLS 64
#define CELL_MAX 256

static int signal_index(const char *id, size_t len)
{
    for (size_t i = 0; i < CWT__MODEL_SIGNALS; i++)
        if (strlen(cwt__signal_ids[i].id) == len && memcmp(cwt__signal_ids[i].id, id, len) == 0)
            return (int)i;
    return -1;
}

static enum cwt_status label_of(const json_t *v, size_t line, int *out, struct cwt_err *err)
{
    if (json_is_integer(v) && (json_integer_value(v) == 0 || json_integer_value(v) == 1)) {
        *out = (int)json_integer_value(v);
        return CWT_OK;
    }
    if (json_is_boolean(v)) {
        *out = json_is_true(v);
        return CWT_OK;
    }
    char field[32];
    snprintf(field, sizeof field, "line %zu", line);
    return cwt_err_setf(err, CWT_EINVAL, field, "line %zu: field 'label' must be 0 or 1", line);
}

/* The values of one evaluation's signals[] (measured ones; others null). */
static enum cwt_status values_of_eval(const json_t *ev, size_t line, json_t *values, struct cwt_err *err)
{
    const json_t *sigs = json_object_get(ev, "signals");
    char field[32];
    snprintf(field, sizeof field, "line %zu", line);
    if (!json_is_array(sigs))
        return cwt_err_setf(err, CWT_EINVAL, field, "line %zu: field 'signals' must be an array", line);
    for (size_t i = 0; i < json_array_size(sigs); i++) {
        const json_t *s = json_array_get(sigs, i);
        const json_t *id = json_object_get(s, "id");
        if (!json_is_string(id))
            return cwt_err_setf(err, CWT_EINVAL, field, "line %zu: field 'signals[%zu].id' must be a string", line, i);
        if (signal_index(json_string_value(id), json_string_length(id)) < 0)
            continue; /* signals the models do not know are not features */
        const json_t *v = json_object_get(s, "value");
        bool measured = json_is_true(json_object_get(s, "measured"));
        if (measured && (!json_is_number(v) || json_number_value(v) < 0 || json_number_value(v) > 1))
            return cwt_err_setf(err, CWT_EINVAL, field, "line %zu: field 'signals[%zu].value' must be in [0, 1]",
                                line, i);
        json_object_set_new(values, json_string_value(id), measured ? json_real(json_number_value(v)) : json_null());
    }
    return CWT_OK;
}

static enum cwt_status values_of_object(const json_t *vals, size_t line, json_t *values, struct cwt_err *err)
{
    const char *k;
    json_t *v;
    char field[32];
    snprintf(field, sizeof field, "line %zu", line);
    if (!json_is_object(vals))
        return cwt_err_setf(err, CWT_EINVAL, field, "line %zu: field 'values' must be an object", line);
    json_object_foreach((json_t *)vals, k, v) {
        if (signal_index(k, strlen(k)) < 0)
            return cwt_err_setf(err, CWT_EINVAL, field, "line %zu: field 'values.%.40s' is not a signal id", line, k);
        if (!json_is_null(v) && (!json_is_number(v) || json_number_value(v) < 0 || json_number_value(v) > 1))
            return cwt_err_setf(err, CWT_EINVAL, field, "line %zu: field 'values.%s' must be in [0, 1] or null", line,
                                k);
        json_object_set_new(values, k, json_is_null(v) ? json_null() : json_real(json_number_value(v)));
    }
    return CWT_OK;
}

static enum cwt_status parse_jsonl_line(const char *s, size_t len, size_t line, json_t *rows, struct cwt_err *err)
{
    char field[32];
    snprintf(field, sizeof field, "line %zu", line);
    if (len > LINE_MAX_BYTES)
        return cwt_err_setf(err, CWT_ETOOBIG, field, "line %zu is over %u bytes", line, LINE_MAX_BYTES);
    json_error_t je;
    json_t *o = json_loadb(s, len, JSON_REJECT_DUPLICATES, &je);
    if (!json_is_object(o)) {
        json_decref(o);
        return cwt_err_setf(err, CWT_EPARSE, field, "line %zu: not a JSON object (%s)", line, o ? "" : je.text);
    }
    const json_t *ev = json_object_get(o, "evaluation");
    if (!ev)
        ev = o;
    json_t *values = json_object();
    json_t *row = NULL;
    int label = 0;
    enum cwt_status rc = label_of(json_object_get(o, "label"), line, &label, err);
    if (!rc && !values)
        rc = CWT_ENOMEM;
    if (!rc)
        rc = json_object_get(o, "values") ? values_of_object(json_object_get(o, "values"), line, values, err)
                                          : values_of_eval(ev, line, values, err);
    if (!rc) {
        const json_t *site = json_object_get(o, "site");
        if (!json_is_string(site))
            site = json_object_get(ev, "site");
        row = json_pack("{s:o, s:i, s:O, s:i}", "site", json_is_string(site) ? json_copy((json_t *)site) : json_null(),
                        "label", label, "values", values, "line", (int)line);
        if (!row || json_array_append_new(rows, row))
            rc = cwt_err_set(err, CWT_ENOMEM, "out of memory");
    }
    json_decref(values);
    json_decref(o);
    return rc;
}

/* Splits one CSV line (no quotes with commas inside: cells are ids, numbers and site URLs). */
static size_t csv_split(const char *s, size_t len, const char **cell, size_t *clen, size_t max)
{
    size_t n = 0, start = 0;
    for (size_t i = 0; i <= len && n < max; i++) {
        if (i == len || s[i] == ',') {
            size_t a = start, b = i;
            while (a < b && (s[a] == ' ' || s[a] == '"'))
                a++;
            while (b > a && (s[b - 1] == ' ' || s[b - 1] == '"' || s[b - 1] == '\r'))
                b--;
            cell[n] = s + a;
            clen[n++] = b - a;
            start = i + 1;
        }
    }
    return n;
}

struct csv_head {
    int col_signal[CSV_MAX_COLS]; /* signal index, -1 none */
    int label_col, site_col;
    size_t ncols;
};

static enum cwt_status csv_header(const char *s, size_t len, struct csv_head *h, struct cwt_err *err)
{
    const char *cell[CSV_MAX_COLS + 1];
    size_t clen[CSV_MAX_COLS + 1];
    h->ncols = csv_split(s, len, cell, clen, CSV_MAX_COLS + 1);
    if (h->ncols > CSV_MAX_COLS)
        return cwt_err_setf(err, CWT_ETOOBIG, "line 1", "line 1: more than %d columns", CSV_MAX_COLS);
    h->label_col = h->site_col = -1;
    for (size_t c = 0; c < h->ncols; c++) {
        h->col_signal[c] = -1;
        if (clen[c] == 5 && memcmp(cell[c], "label", 5) == 0)
            h->label_col = (int)c;
        else if (clen[c] == 4 && memcmp(cell[c], "site", 4) == 0)
            h->site_col = (int)c;
        else if ((h->col_signal[c] = signal_index(cell[c], clen[c])) < 0)
            return cwt_err_setf(err, CWT_EINVAL, "line 1", "line 1: column %zu '%.*s' is not a signal id, 'site' or 'label'",
                                c + 1, (int)CWT_MIN(clen[c], 40), cell[c]);
    }
    if (h->label_col < 0)
        return cwt_err_setf(err, CWT_EINVAL, "line 1", "line 1: no 'label' column");
    return CWT_OK;
}

static enum cwt_status csv_row(const char *s, size_t len, size_t line, const struct csv_head *h, json_t *rows,
                               struct cwt_err *err)
{
    const char *cell[CSV_MAX_COLS];
    size_t clen[CSV_MAX_COLS];
    char field[48];
    snprintf(field, sizeof field, "line %zu", line);
    size_t n = csv_split(s, len, cell, clen, CSV_MAX_COLS);
    if (n != h->ncols)
        return cwt_err_setf(err, CWT_EINVAL, field, "line %zu: %zu cells, the header has %zu", line, n, h->ncols);
    json_t *values = json_object();
    json_t *site = json_null();
    int label = -1;
    enum cwt_status rc = values ? CWT_OK : CWT_ENOMEM;
    for (size_t c = 0; !rc && c < n; c++) {
        char buf[CELL_MAX];
        if (clen[c] >= sizeof buf) {
            rc = cwt_err_setf(err, CWT_ETOOBIG, field, "line %zu: cell %zu is over %d bytes", line, c + 1, CELL_MAX);
            break;
        }
        memcpy(buf, cell[c], clen[c]);
        buf[clen[c]] = '\0';
        if ((int)c == h->site_col) {
            json_decref(site);
            site = json_string(buf);
            continue;
        }
        bool empty = clen[c] == 0 || strcmp(buf, "NA") == 0 || strcmp(buf, "null") == 0;
        char *end = NULL;
        errno = 0;
        double v = empty ? NAN : strtod(buf, &end);
        if ((int)c == h->label_col && (empty || errno || end == buf || *end || (v != 0 && v != 1))) {
            rc = cwt_err_setf(err, CWT_EINVAL, field, "line %zu: field 'label' must be 0 or 1", line);
            break;
        }
        if (!empty && (errno || end == buf || *end || !(v >= 0 && v <= 1))) {
            rc = cwt_err_setf(err, CWT_EINVAL, field, "line %zu: cell %zu '%s' must be a number in [0, 1] or empty", line,
                              c + 1, buf);
            break;
        }
        if ((int)c == h->label_col) {
            label = (int)v;
        } else {
            json_object_set_new(values, cwt__signal_ids[h->col_signal[c]].id, empty ? json_null() : json_real(v));
        }
    }
    if (!rc) {
        json_t *row = json_pack("{s:O, s:i, s:O, s:i}", "site", site ? site : json_null(), "label", label, "values",
                                values, "line", (int)line);
        if (!row || json_array_append_new(rows, row))
            rc = cwt_err_set(err, CWT_ENOMEM, "out of memory");
    }
    json_decref(site);
    json_decref(values);
    return rc;
}

enum cwt_status cwt__labels_parse(const char *buf, size_t len, json_t **out, struct cwt_err *err)
{
    *out = NULL;
    if (len > CWT__LABELS_FILE_MAX)
        return cwt_err_set(err, CWT_ETOOBIG, "labels file over %u bytes", CWT__LABELS_FILE_MAX);
    size_t p = 0;
    while (p < len && (buf[p] == ' ' || buf[p] == '\n' || buf[p] == '\r' || buf[p] == '\t'))
        p++;
    bool jsonl = p < len && buf[p] == '{';
    json_t *rows = json_array();
    if (!rows)
        return cwt_err_set(err, CWT_ENOMEM, "out of memory");
    struct csv_head head = {.label_col = -1, .site_col = -1};
    bool have_head = false;
    enum cwt_status rc = CWT_OK;
    size_t line = 0;
    for (size_t start = 0; start < len && !rc;) {
        const char *nl = memchr(buf + start, '\n', len - start);
        size_t end = nl ? (size_t)(nl - buf) : len;
        line++;
        size_t a = start, b = end;
        while (a < b && (buf[a] == ' ' || buf[a] == '\t' || buf[a] == '\r'))
            a++;
        while (b > a && (buf[b - 1] == ' ' || buf[b - 1] == '\t' || buf[b - 1] == '\r'))
            b--;
        start = end + 1;
        if (a == b || buf[a] == '#')
            continue;
        if (memchr(buf + a, '\0', b - a)) {
            rc = cwt_err_setf(err, CWT_EPARSE, "", "line %zu holds a NUL byte", line);
            break;
        }
        if (json_array_size(rows) >= CWT__LABELS_MAX_ROWS) {
            rc = cwt_err_set(err, CWT_ETOOBIG, "more than %d labelled rows", CWT__LABELS_MAX_ROWS);
            break;
        }
        if (jsonl)
            rc = parse_jsonl_line(buf + a, b - a, line, rows, err);
        else if (!have_head) {
            rc = csv_header(buf + a, b - a, &head, err);
            have_head = true;
        } else
            rc = csv_row(buf + a, b - a, line, &head, rows, err);
    }
    if (rc) {
        json_decref(rows);
        return rc;
    }
    *out = rows;
    return CWT_OK;
}
