/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the CSV rows of a batch: one row per evaluation
 * (RFC 4180 quoting), with the total, grade, module scores, every signal's
 * value (empty when not measured), the first fix and the caps. Text cells
 * that a spreadsheet would run as a formula are prefixed with a quote.
 */
#include <stdio.h>

#include "report/rutil.h"

static const char *const sig_ids[] = {"tls", "whois", "contact", "identity", "fulfillment",
                                      "refunds", "service", "parameters", "compliance", "test_reports",
                                      "certificates", "factory", "privacy", "traceability", "languages"};

static enum cwt_status cell_text(struct cwt_buf *b, const char *s)
{
    enum cwt_status rc = cwt_buf_addc(b, '"');
    if (!rc && s && strchr("=+-@\t\r", s[0]) && s[0])
        rc = cwt_buf_addc(b, '\'');
    for (const char *p = s ? s : ""; !rc && *p; p++)
        rc = *p == '"' ? cwt_buf_adds(b, "\"\"") : (*p == '\n' || *p == '\r') ? cwt_buf_addc(b, ' ')
                                                                              : cwt_buf_addc(b, *p);
    return rc ? rc : cwt_buf_addc(b, '"');
}

/* A number with @p decimals digits after the point; nothing when NAN. */
static enum cwt_status cell_num(struct cwt_buf *b, double v, int decimals)
{
    return isnan(v) ? CWT_OK : cwt_buf_printf(b, "%.*f", decimals, v);
}

enum cwt_status cwt__render_csv(const json_t *ev, bool header, char **out)
{
    *out = NULL;
    if (!json_is_object(ev))
        return CWT_EINVAL;
    struct cwt_buf b;
    cwt_buf_init(&b, CWT__REPORT_MAX);
    enum cwt_status rc = CWT_OK;
    if (header) {
        rc = cwt_buf_adds(&b, "site,at,model,total,grade,confidence,coverage,basic,operational,content");
        for (size_t i = 0; !rc && i < CWT_ARRAY_LEN(sig_ids); i++)
            rc = cwt_buf_printf(&b, ",%s", sig_ids[i]);
        if (!rc)
            rc = cwt_buf_adds(&b, ",top_fix,caps\r\n");
    }
    const json_t *model = json_object_get(ev, "model"), *mods = json_object_get(ev, "modules");
    char mv[160];
    snprintf(mv, sizeof mv, "%s %s", cwt__r_str(model, "id", "?"), cwt__r_str(model, "version", "?"));
    if (!rc)
        rc = cell_text(&b, cwt__r_str(ev, "site", ""));
    if (!rc)
        rc = cwt_buf_addc(&b, ',');
    if (!rc)
        rc = cell_text(&b, cwt__r_str(ev, "at", ""));
    if (!rc)
        rc = cwt_buf_addc(&b, ',');
    if (!rc)
        rc = cell_text(&b, mv);
    if (!rc)
        rc = cwt_buf_addc(&b, ',');
    if (!rc)
        rc = cell_num(&b, cwt__r_num(ev, "total"), 2);
    if (!rc)
        rc = cwt_buf_addc(&b, ',');
    if (!rc)
        rc = cell_text(&b, cwt__r_str(json_object_get(ev, "grade"), "letter", "?"));
    if (!rc)
        rc = cwt_buf_printf(&b, ",%.3f,%.3f", cwt__r_num(ev, "confidence"), cwt__r_num(ev, "coverage"));
    static const char *const names[] = {"basic", "operational", "content"};
    for (size_t k = 0; !rc && k < CWT_ARRAY_LEN(names); k++) {
        const json_t *m = json_object_get(mods, names[k]);
        rc = cwt_buf_addc(&b, ',');
        if (!rc && cwt__r_true(m, "counted"))
            rc = cell_num(&b, cwt__r_num(m, "score"), 2);
    }
    for (size_t i = 0; !rc && i < CWT_ARRAY_LEN(sig_ids); i++) {
        const json_t *s = cwt__r_signal(ev, sig_ids[i]);
        rc = cwt_buf_addc(&b, ',');
        if (!rc && cwt__r_true(s, "measured"))
            rc = cell_num(&b, cwt__r_num(s, "value"), 3);
    }
    const json_t *a0 = json_array_get(json_object_get(ev, "advice"), 0);
    if (!rc)
        rc = cwt_buf_addc(&b, ',');
    if (!rc && a0)
        rc = cell_text(&b, cwt__r_str(a0, "signal", ""));
    if (!rc)
        rc = cwt_buf_addc(&b, ',');
    struct cwt_buf caps;
    cwt_buf_init(&caps, 4096);
    const json_t *ca = json_object_get(ev, "caps");
    for (size_t i = 0; !rc && i < json_array_size(ca); i++)
        rc = cwt_buf_printf(&caps, "%s%s", i ? ";" : "", cwt__r_str(json_array_get(ca, i), "id", "?"));
    if (!rc && caps.len)
        rc = cell_text(&b, caps.data);
    cwt_buf_release(&caps);
    if (!rc)
        rc = cwt_buf_adds(&b, "\r\n");
    if (rc) {
        cwt_buf_release(&b);
        return rc;
    }
    *out = cwt_buf_detach(&b, NULL);
    return *out ? CWT_OK : CWT_ENOMEM;
}
