/* SPDX-License-Identifier: Apache-2.0 */
/* Helpers shared by the renderers of the report layer: reading an evaluation safely, escaping. */
#ifndef CWT_REPORT_RUTIL_H
#define CWT_REPORT_RUTIL_H

#include <math.h>

#include "report/report.h"
#include "util/buf.h"

#define CWT__REPORT_MAX (16u << 20) /* bytes of one rendered report */

/* A report being written: the first error sticks, and later writes do nothing. */
struct cwt__r_out {
    struct cwt_buf b;
    bool color;          /* ANSI colours (the terminal report) */
    enum cwt_status rc;
};
/* Appends printf-formatted text unless an earlier write failed. */
void cwt__r_put(struct cwt__r_out *o, const char *fmt, ...) CWT_PRINTF(2, 3);

/* A string member, or @p dflt when absent or not a string. */
const char *cwt__r_str(const json_t *o, const char *key, const char *dflt);
/* A number member, or NAN. */
double cwt__r_num(const json_t *o, const char *key);
bool cwt__r_true(const json_t *o, const char *key);
/* The signals[] entry with @p id, or NULL. */
const json_t *cwt__r_signal(const json_t *eval, const char *id);
/* Appends @p s with control characters (C0, DEL, C1) replaced by spaces and at most @p max bytes,
 * cut on a UTF-8 boundary ("…" added when cut); invalid UTF-8 bytes become '?'. */
enum cwt_status cwt__r_add_clean(struct cwt_buf *b, const char *s, size_t max);
/* Appends @p s escaped for HTML text and attribute values (& < > " '), cleaned as above. */
enum cwt_status cwt__r_add_html(struct cwt_buf *b, const char *s, size_t max);
/* True when @p url is an absolute http(s) URL safe to put in an href. */
bool cwt__r_url_ok(const char *url);

#endif
