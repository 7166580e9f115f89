/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A careful RFC 4180 CSV parser for the uploads: quoted fields with doubled
 * quotes and line breaks, CRLF or LF records, UTF-8 only (a leading BOM is
 * dropped), caps on bytes, rows, fields and field length set by the caller,
 * and errors that name the row (the line the record starts on) and column.
 */
#ifndef CWT_PROGRAM_CSV_H
#define CWT_PROGRAM_CSV_H

#include "util/common.h"

struct cwt__csv_limits {
    size_t max_bytes;     /* whole input */
    size_t max_rows;      /* records, header included */
    size_t max_fields;    /* per record */
    size_t max_field_len; /* bytes per field, after unquoting */
};

struct cwt__csv_row {
    size_t line;     /* 1-based line the record starts on ("row" in messages) */
    size_t nfields;
    char **fields;   /* NUL-terminated UTF-8, owned by the struct cwt__csv */
    size_t first_;   /* internal: index of the first field */
};

struct cwt__csv {
    struct cwt__csv_row *rows;
    size_t nrows;
    /* internal */
    char *text;
    char **fieldv;
    size_t rows_cap, fields_n, fields_cap;
};

/*
 * Parses @p len bytes of @p data into @p out (released with
 * cwt__csv_release(), also after a failure). Blank lines are skipped.
 * Errors: CWT_ETOOBIG naming the cap that was hit, CWT_EPARSE with
 * err->field "row R, column C" for an unterminated or stray quote, a NUL byte
 * or invalid UTF-8 (the byte offset is in the message), CWT_ENOMEM.
 */
enum cwt_status cwt__csv_parse(const char *data, size_t len, const struct cwt__csv_limits *lim,
                               struct cwt__csv *out, struct cwt_err *err);
void cwt__csv_release(struct cwt__csv *c);


#endif
