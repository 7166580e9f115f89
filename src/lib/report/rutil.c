/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the helpers of the renderers: tolerant reads of an
 * evaluation (a member of the wrong type reads as absent), and the cleaning
 * and escaping of text that comes from audited websites, so a snippet can
 * neither drive the terminal (escape sequences) nor inject HTML.
 */
#include <stdarg.h>

#include "report/rutil.h"

const char *cwt__r_str(const json_t *o, const char *key, const char *dflt)
{
    const json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : dflt;
}

double cwt__r_num(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

bool cwt__r_true(const json_t *o, const char *key)
{
    return json_is_true(json_object_get(o, key));
}

const json_t *cwt__r_signal(const json_t *eval, const char *id)
{
    const json_t *a = json_object_get(eval, "signals");
    for (size_t i = 0; i < json_array_size(a); i++) {
        const json_t *s = json_array_get(a, i);
        if (strcmp(cwt__r_str(s, "id", ""), id) == 0)
            return s;
    }
    return NULL;
}

/* Length of the valid UTF-8 sequence at @p s (1-4), or 0 when invalid. */
static size_t utf8_len(const unsigned char *s)
{
    if (s[0] < 0x80)
        return 1;
    size_t n = (s[0] >> 5) == 6 ? 2 : (s[0] >> 4) == 14 ? 3 : (s[0] >> 3) == 30 ? 4 : 0;
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    return n;
}

static enum cwt_status add_filtered(struct cwt_buf *b, const char *s, size_t max, bool html)
{
    if (!s)
        return CWT_OK;
    const unsigned char *p = (const unsigned char *)s;
    size_t used = 0;
    enum cwt_status rc = CWT_OK;
    while (*p && !rc) {
        size_t n = utf8_len(p);
        if (used + (n ? n : 1) > max) {
            rc = cwt_buf_adds(b, "…");
            break;
        }
        if (n == 0) {
            rc = cwt_buf_addc(b, '?');
            p++;
            used++;
            continue;
        }
        used += n;
        if (n == 1 && (*p < 0x20 || *p == 0x7f))
            rc = cwt_buf_addc(b, ' ');
        else if (n == 2 && p[0] == 0xC2 && p[1] < 0xA0) /* C1 controls U+0080-U+009F */
            rc = cwt_buf_addc(b, ' ');
        else if (html && *p == '&')
            rc = cwt_buf_adds(b, "&amp;");
        else if (html && *p == '<')
            rc = cwt_buf_adds(b, "&lt;");
        else if (html && *p == '>')
            rc = cwt_buf_adds(b, "&gt;");
        else if (html && *p == '"')
            rc = cwt_buf_adds(b, "&quot;");
        else if (html && *p == '\'')
            rc = cwt_buf_adds(b, "&#39;");
        else
            rc = cwt_buf_add(b, p, n);
        p += n;
    }
    return rc;
}

enum cwt_status cwt__r_add_clean(struct cwt_buf *b, const char *s, size_t max)
{
    return add_filtered(b, s, max, false);
}

enum cwt_status cwt__r_add_html(struct cwt_buf *b, const char *s, size_t max)
{
    return add_filtered(b, s, max, true);
}

bool cwt__r_url_ok(const char *url)
{
    if (!url)
        return false;
    bool scheme = strncmp(url, "https://", 8) == 0 || strncmp(url, "http://", 7) == 0;
    for (const unsigned char *p = (const unsigned char *)url; scheme && *p; p++)
        if (*p <= 0x20 || *p == 0x7f || *p == '"' || *p == '\'' || *p == '<' || *p == '>' || *p == '\\')
            return false;
    return scheme;
}

void cwt__r_put(struct cwt__r_out *o, const char *fmt, ...)
{
    if (o->rc)
        return;
    va_list ap;
    va_start(ap, fmt);
    o->rc = cwt_buf_vprintf(&o->b, fmt, ap);
    va_end(ap);
}
