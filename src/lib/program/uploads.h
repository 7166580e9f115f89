/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The duties after the mark (docs/uploads.md): validators of the three CSV
 * uploads, a structured result the API and the dashboard show (accepted rows,
 * every issue by row and column), and the rule that the duty is met when all
 * three are accepted within the window after the green mark.
 */
#ifndef CWT_PROGRAM_UPLOADS_H
#define CWT_PROGRAM_UPLOADS_H

#include <jansson.h>

#include "program/policy.h"

struct cwt__upload_limits {
    size_t max_bytes;     /* default 2 MiB */
    size_t max_rows;      /* data rows, default 5000 */
    size_t max_field_len; /* default 512 bytes */
};

/* The defaults above. */
void cwt__upload_limits_default(struct cwt__upload_limits *l);

/*
 * One problem in an upload. Messages never repeat the text of a cell, so a
 * refused file leaves no copy of its sensitive data in results or logs.
 */
struct cwt__upload_issue {
    size_t row;      /* line the record starts on (1 = header); 0 = the file as a whole */
    char column[48]; /* column name as documented, or the file's header text; "" = none */
    char code[40];   /* "sensitive.email", "invalid.month", "csv.parse", "coverage.missing_month" */
    char msg[200];
};

struct cwt__upload_result {
    enum cwt__upload_kind kind;
    bool accepted;      /* no issue: the upload may be stored */
    size_t rows;        /* data rows read */
    size_t rows_ok;     /* data rows without an issue */
    size_t sensitive;   /* issues about sensitive data */
    struct cwt__upload_issue *issues;
    size_t n_issues, cap_issues;
    /* customs: the months that had to be covered and how many were */
    int months_required, months_covered;
    char coverage_from[16], coverage_to[16]; /* "YYYY-MM" */
};

void cwt__upload_result_release(struct cwt__upload_result *r);

/*
 * Validates an upload of @p kind (@p len bytes of CSV) uploaded at @p at
 * under policy @p p (coverage months) and @p lim (NULL = defaults). Returns
 * CWT_OK when validation ran, whatever its verdict (see out->accepted and
 * out->issues); CWT_ENOMEM or CWT_EINVAL (a bad argument) otherwise.
 * Release @p out with cwt__upload_result_release() in every case.
 */
enum cwt_status cwt__upload_validate(enum cwt__upload_kind kind, const char *data, size_t len, int64_t at,
                                     const struct cwt__program_policy *p, const struct cwt__upload_limits *lim,
                                     struct cwt__upload_result *out, struct cwt_err *err);

/* The result as JSON (new reference; NULL on allocation failure). */
json_t *cwt__upload_result_json(const struct cwt__upload_result *r);

/* Where the duty after a green mark stands. */
struct cwt__duty_status {
    bool met;                           /* all three accepted in [green_at, green_at + window) */
    bool open;                          /* not met and @p now is before the window's end */
    int64_t due;                        /* green_at + window: the first instant that is too late */
    bool missing[CWT__UPLOAD_COUNT_];   /* not uploaded, or uploaded too late */
    char explain[256];
};

/*
 * Checks the duty: @p uploaded_at[k] is when upload k was accepted (0 = not
 * yet). An upload counts when green_at <= t < green_at + window.
 */
void cwt__duty_check(int64_t green_at, const int64_t uploaded_at[CWT__UPLOAD_COUNT_],
                     const struct cwt__program_policy *p, int64_t now, struct cwt__duty_status *out);

/* Internal, shared by uploads.c and upload_fields.c: field checkers (trimmed text). */
bool cwt__is_country(const char *s);
bool cwt__is_currency(const char *s);
bool cwt__is_hs_code(const char *s);
bool cwt__is_unit(const char *s);
bool cwt__is_uint(const char *s, uint64_t max);
bool cwt__is_decimal(const char *s);
bool cwt__is_month(const char *s, int *y, int *m);
bool cwt__is_date(const char *s, int64_t *t);
bool cwt__is_iso_standard(const char *s);
bool cwt__is_cert_number(const char *s);
bool cwt__is_iso_status(const char *s);
bool cwt__is_phone_intl(const char *s);
bool cwt__is_languages(const char *s);
bool cwt__is_hours(const char *s);
bool cwt__is_text(const char *s, size_t min, size_t max);

#endif
