/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the RFC 4180 parser of the uploads. The input is
 * checked to be UTF-8 without NUL bytes, copied once, and unquoted in place
 * (a field never grows when unquoted, so its bytes and terminating NUL fit
 * where its text was); rows and fields point into that copy. Every loop is
 * bounded by the input and every list by a cap the caller sets.
 */
#include <stdio.h>

#include "program/csv.h"
#include "util/utf8.h"

void cwt__csv_release(struct cwt__csv *c)
{
    cwt_free(c->rows);
    cwt_free(c->fieldv);
    cwt_free(c->text);
    memset(c, 0, sizeof *c);
}

static enum cwt_status where(struct cwt_err *err, enum cwt_status st, size_t line, size_t col, const char *what)
{
    char f[64];
    snprintf(f, sizeof f, "row %zu, column %zu", line, col);
    return cwt_err_setf(err, st, f, "row %zu, column %zu: %s", line, col, what);
}

enum cwt_status cwt__csv_parse(const char *data, size_t len, const struct cwt__csv_limits *lim,
                               struct cwt__csv *out, struct cwt_err *err)
{
    enum cwt_status rc = CWT_OK;
    size_t bad;
    memset(out, 0, sizeof *out);
    if (len > lim->max_bytes)
        return cwt_err_setf(err, CWT_ETOOBIG, "bytes", "file of %zu bytes exceeds the cap of %zu bytes", len,
                            lim->max_bytes);
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
        data += 3;
        len -= 3;
    }
    const char *nul = memchr(data, '\0', len);
    if (nul)
        return cwt_err_setf(err, CWT_EPARSE, "bytes", "byte %zu is a NUL byte; the file must be UTF-8 text",
                            (size_t)(nul - data));
    if (!cwt__utf8_valid(data, len, &bad))
        return cwt_err_setf(err, CWT_EPARSE, "bytes", "byte %zu is not valid UTF-8; save the file as UTF-8", bad);
    out->text = cwt_malloc(len + 1);
    if (!out->text)
        return cwt_err_set(err, CWT_ENOMEM, "out of memory");
    memcpy(out->text, data, len);
    out->text[len] = '\0';

    char *t = out->text;
    size_t i = 0, line = 1;
    while (i < len) {
        /* One record. Blank lines are skipped. */
        if (t[i] == '\n' || t[i] == '\r') {
            if (t[i] == '\r' && i + 1 < len && t[i + 1] == '\n')
                i++;
            i++;
            line++;
            continue;
        }
        if (out->nrows >= lim->max_rows) {
            rc = cwt_err_setf(err, CWT_ETOOBIG, "rows", "more than %zu rows (header included)", lim->max_rows);
            goto out;
        }
        rc = CWT_GROW(out->rows, out->nrows, &out->rows_cap, lim->max_rows);
        if (rc) {
            rc = cwt_err_set(err, rc, "out of memory");
            goto out;
        }
        struct cwt__csv_row *row = &out->rows[out->nrows++];
        row->line = line;
        row->nfields = 0;
        row->fields = NULL;
        size_t first_field = out->fields_n;
        bool end_of_record = false;
        while (!end_of_record) {
            size_t col = row->nfields + 1;
            if (row->nfields >= lim->max_fields) {
                rc = where(err, CWT_ETOOBIG, row->line, col, "too many columns");
                goto out;
            }
            size_t w = i; /* write position: never ahead of i */
            char *start = t + w;
            if (i < len && t[i] == '"') {
                size_t qline = line;
                i++;
                for (;;) {
                    if (i >= len) {
                        rc = where(err, CWT_EPARSE, qline, col, "quoted field is not closed");
                        goto out;
                    }
                    if (t[i] == '"') {
                        if (i + 1 < len && t[i + 1] == '"') {
                            t[w++] = '"';
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    if (t[i] == '\n' || (t[i] == '\r' && !(i + 1 < len && t[i + 1] == '\n')))
                        line++;
                    t[w++] = t[i++];
                }
                if (i < len && t[i] != ',' && t[i] != '\r' && t[i] != '\n') {
                    rc = where(err, CWT_EPARSE, line, col, "text after the closing quote");
                    goto out;
                }
            } else {
                while (i < len && t[i] != ',' && t[i] != '\r' && t[i] != '\n') {
                    if (t[i] == '"') {
                        rc = where(err, CWT_EPARSE, line, col, "quote inside an unquoted field; quote the whole field");
                        goto out;
                    }
                    t[w++] = t[i++];
                }
            }
            if ((size_t)(t + w - start) > lim->max_field_len) {
                rc = where(err, CWT_ETOOBIG, row->line, col, "field longer than the cap");
                goto out;
            }
            /* Consume the delimiter, then terminate the field (w <= position of the delimiter). */
            bool comma = i < len && t[i] == ',';
            if (comma) {
                i++;
            } else {
                if (i < len && t[i] == '\r')
                    i++;
                if (i < len && t[i] == '\n')
                    i++;
                line++;
                end_of_record = true;
            }
            t[w] = '\0';
            rc = CWT_GROW(out->fieldv, out->fields_n, &out->fields_cap, lim->max_rows * lim->max_fields);
            if (rc) {
                rc = cwt_err_set(err, rc, "out of memory");
                goto out;
            }
            out->fieldv[out->fields_n++] = start;
            row->nfields++;
            if (i >= len && comma) {
                /* "a,b," at the end of the input: one more, empty field. */
                continue;
            }
            if (i >= len)
                end_of_record = true;
        }
        row->first_ = first_field; /* fields is set below: fieldv may still move */
    }
    for (size_t r = 0; r < out->nrows; r++)
        out->rows[r].fields = out->fieldv + out->rows[r].first_;
out:
    if (rc) {
        /* Leave no dangling offsets for a caller that looks at a partial result. */
        out->nrows = 0;
    }
    return rc;
}
