/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the terminal report: at a glance the grade, the
 * total, the three module bars and the top five fixes; then the caps and
 * every signal with its findings and evidence. ANSI colours only when the
 * caller asks (the CLI decides from the TTY and NO_COLOR). Text from the
 * audited site is cleaned of control characters.
 */
#include <stdio.h>

#include "report/rutil.h"

#define BAR_WIDTH 24
#define TOP_FIXES 5
#define SNIPPET_COLS 110

static void clean(struct cwt__r_out *o, const char *s, size_t max)
{
    if (!o->rc)
        o->rc = cwt__r_add_clean(&o->b, s, max);
}

/* Starts an SGR style (e.g. "1", "32") when colour is on. */
static void sgr(struct cwt__r_out *o, const char *code)
{
    if (o->color)
        cwt__r_put(o, "\033[%sm", code);
}

static const char *score_colour(double v)
{
    return isnan(v) ? "2" : v >= 70 ? "32" : v >= 40 ? "33" : "31";
}

static const char *grade_colour(const char *letter)
{
    switch (letter[0]) {
    case 'A':
    case 'B':
        return "1;42;30";
    case 'C':
    case 'D':
        return "1;43;30";
    case 'E':
    case 'F':
        return "1;41;97";
    default:
        return "1;47;30";
    }
}

static void bar(struct cwt__r_out *o, double score)
{
    int fill = isnan(score) ? 0 : (int)lround(score / 100 * BAR_WIDTH);
    fill = fill < 0 ? 0 : fill > BAR_WIDTH ? BAR_WIDTH : fill;
    sgr(o, score_colour(score));
    for (int i = 0; i < fill; i++)
        cwt__r_put(o, "█");
    sgr(o, "0;2");
    for (int i = fill; i < BAR_WIDTH; i++)
        cwt__r_put(o, "░");
    sgr(o, "0");
}

static void header(struct cwt__r_out *o, const json_t *ev)
{
    const json_t *g = json_object_get(ev, "grade"), *model = json_object_get(ev, "model");
    sgr(o, "1");
    cwt__r_put(o, "cwtap ");
    clean(o, cwt__r_str(ev, "site", "?"), 200);
    sgr(o, "0");
    cwt__r_put(o, "\n");
    sgr(o, "2");
    cwt__r_put(o, "evaluated %s with model ", cwt__r_str(ev, "at", "?"));
    clean(o, cwt__r_str(model, "id", "?"), 64);
    cwt__r_put(o, " ");
    clean(o, cwt__r_str(model, "version", "?"), 32);
    sgr(o, "0");
    cwt__r_put(o, "\n\n  ");
    const char *letter = cwt__r_str(g, "letter", "?");
    sgr(o, grade_colour(letter));
    cwt__r_put(o, " ");
    clean(o, letter, 3);
    cwt__r_put(o, " ");
    sgr(o, "0");
    double total = cwt__r_num(ev, "total");
    sgr(o, "1");
    if (isnan(total))
        cwt__r_put(o, "  no score: not enough data");
    else
        cwt__r_put(o, "  %.1f / 100", total);
    sgr(o, "0");
    cwt__r_put(o, "  ");
    clean(o, cwt__r_str(g, "label", ""), 32);
    cwt__r_put(o, "   confidence %.0f%%, coverage %.0f%%\n", cwt__r_num(ev, "confidence") * 100,
               cwt__r_num(ev, "coverage") * 100);
    if (cwt__r_true(g, "provisional") && !isnan(total)) {
        cwt__r_put(o, "  ");
        sgr(o, "33");
        cwt__r_put(o, "provisional:");
        sgr(o, "0");
        cwt__r_put(o, " too little data for a firm grade\n");
    }
    const json_t *caps = json_object_get(ev, "caps");
    size_t soft = 0;
    for (size_t i = 0; i < json_array_size(caps); i++) {
        const json_t *c = json_array_get(caps, i);
        if (!cwt__r_true(c, "applied")) {
            soft++;
            continue;
        }
        cwt__r_put(o, "  ");
        sgr(o, "1;31");
        cwt__r_put(o, "capped:");
        sgr(o, "0");
        cwt__r_put(o, " ");
        clean(o, cwt__r_str(c, "reason", ""), 300);
        cwt__r_put(o, "\n");
    }
    if (soft) {
        cwt__r_put(o, "  ");
        sgr(o, "33");
        cwt__r_put(o, "also failed");
        sgr(o, "0");
        cwt__r_put(o, " (the score is already below their caps):");
        for (size_t i = 0; i < json_array_size(caps); i++) {
            const json_t *c = json_array_get(caps, i);
            if (cwt__r_true(c, "applied"))
                continue;
            cwt__r_put(o, " ");
            clean(o, cwt__r_str(c, "id", ""), 64);
        }
        cwt__r_put(o, "\n");
    }
    cwt__r_put(o, "\n");
}

static void modules(struct cwt__r_out *o, const json_t *ev)
{
    static const char *const names[] = {"basic", "operational", "content"};
    const json_t *mods = json_object_get(ev, "modules");
    for (size_t i = 0; i < CWT_ARRAY_LEN(names); i++) {
        const json_t *m = json_object_get(mods, names[i]);
        double score = cwt__r_num(m, "score");
        const char *status = cwt__r_str(m, "status", "?");
        cwt__r_put(o, "  %-12s ", names[i]);
        bar(o, cwt__r_true(m, "counted") ? score : NAN);
        if (isnan(score))
            cwt__r_put(o, "     –  ");
        else if (!cwt__r_true(m, "counted"))
            cwt__r_put(o, " (%4.1f) ", score); /* shown, not counted */
        else
            cwt__r_put(o, " %5.1f  ", score);
        cwt__r_put(o, " weight %2.0f%%  coverage %3.0f%%", cwt__r_num(m, "weight") * 100,
                   cwt__r_num(m, "coverage") * 100);
        if (strcmp(status, "scored") != 0) {
            sgr(o, "33");
            cwt__r_put(o, "  %s", strcmp(status, "no_data") == 0             ? "no data: not counted"
                           : strcmp(status, "insufficient_data") == 0 ? "not enough data: not counted"
                                                                      : "not counted");
            sgr(o, "0");
        }
        cwt__r_put(o, "\n");
    }
    cwt__r_put(o, "\n");
}

static void fixes(struct cwt__r_out *o, const json_t *ev)
{
    const json_t *adv = json_object_get(ev, "advice");
    sgr(o, "1");
    cwt__r_put(o, "Top fixes");
    sgr(o, "0");
    cwt__r_put(o, " (points gained per unit of effort)\n");
    if (json_array_size(adv) == 0)
        cwt__r_put(o, "  nothing to fix\n");
    for (size_t i = 0; i < json_array_size(adv) && i < TOP_FIXES; i++) {
        const json_t *a = json_array_get(adv, i);
        char gain[32];
        snprintf(gain, sizeof gain, "+%.1f", cwt__r_num(a, "gain"));
        cwt__r_put(o, "  %zu. %-13s ", i + 1, cwt__r_str(a, "signal", "?"));
        sgr(o, "32");
        cwt__r_put(o, "%6s pts", gain);
        sgr(o, "0");
        cwt__r_put(o, "  effort %-6s  ", cwt__r_str(a, "effort", "?"));
        if (cwt__r_true(a, "mandatory_failed")) {
            sgr(o, "1;31");
            cwt__r_put(o, "MANDATORY ");
            sgr(o, "0");
        }
        clean(o, cwt__r_str(a, "fix", "(no fix given)"), 300);
        cwt__r_put(o, "\n");
    }
    if (json_array_size(adv) > TOP_FIXES)
        cwt__r_put(o, "  … %zu more below\n", json_array_size(adv) - TOP_FIXES);
    cwt__r_put(o, "\n");
}

static void one_signal(struct cwt__r_out *o, const json_t *s)
{
    double v = cwt__r_num(s, "value");
    cwt__r_put(o, "    %-13s ", cwt__r_str(s, "id", "?"));
    if (!cwt__r_true(s, "measured")) {
        sgr(o, "33");
        cwt__r_put(o, "no data ");
        sgr(o, "0");
    } else {
        sgr(o, score_colour(v * 100));
        cwt__r_put(o, "%6.2f  ", v);
        sgr(o, "0");
    }
    if (cwt__r_true(s, "preview"))
        cwt__r_put(o, "  [preview: not in the total]");
    else if (cwt__r_num(s, "max_points") > 0)
        cwt__r_put(o, "%6.2f of %5.2f pts", cwt__r_num(s, "contribution"), cwt__r_num(s, "max_points"));
    else if (cwt__r_true(s, "measured"))
        cwt__r_put(o, "  [module not counted]");
    if (cwt__r_true(s, "gate_failed") || cwt__r_true(s, "mandatory_failed")) {
        sgr(o, "1;31");
        cwt__r_put(o, cwt__r_true(s, "gate_failed") ? "  [gate failed]" : "  [mandatory item failed]");
        sgr(o, "0");
    }
    cwt__r_put(o, "\n      ");
    clean(o, cwt__r_str(s, "summary", ""), 300);
    cwt__r_put(o, "\n");
    const json_t *f = json_object_get(s, "findings");
    for (size_t i = 0; i < json_array_size(f); i++) {
        const json_t *x = json_array_get(f, i);
        const char *sev = cwt__r_str(x, "severity", "info");
        cwt__r_put(o, "      ");
        sgr(o, strcmp(sev, "fail") == 0 ? "31" : strcmp(sev, "warn") == 0 ? "33" : "2");
        cwt__r_put(o, "%-4s ", sev);
        sgr(o, "0");
        clean(o, cwt__r_str(x, "code", ""), 64);
        cwt__r_put(o, ": ");
        clean(o, cwt__r_str(x, "message", ""), 300);
        cwt__r_put(o, "\n");
    }
    if (json_is_string(json_object_get(s, "fix"))) {
        cwt__r_put(o, "      fix: ");
        clean(o, cwt__r_str(s, "fix", ""), 400);
        cwt__r_put(o, "\n");
    }
    const json_t *e = json_object_get(s, "evidence");
    for (size_t i = 0; i < json_array_size(e) && i < 4; i++) {
        const json_t *x = json_array_get(e, i);
        sgr(o, "2");
        cwt__r_put(o, "      seen: ");
        clean(o, cwt__r_str(x, "what", "evidence"), 40);
        cwt__r_put(o, " at ");
        clean(o, cwt__r_str(x, "url", "(no URL)"), 120);
        sgr(o, "0");
        if (json_is_string(json_object_get(x, "snippet"))) {
            cwt__r_put(o, "\n        \"");
            clean(o, cwt__r_str(x, "snippet", ""), SNIPPET_COLS);
            cwt__r_put(o, "\"");
        }
        cwt__r_put(o, "\n");
    }
    if (json_array_size(e) > 4)
        cwt__r_put(o, "      (%zu more pieces of evidence in the JSON and HTML reports)\n", json_array_size(e) - 4);
}

static void signals(struct cwt__r_out *o, const json_t *ev)
{
    static const char *const names[] = {"basic", "operational", "content"};
    const json_t *a = json_object_get(ev, "signals");
    sgr(o, "1");
    cwt__r_put(o, "Signals");
    sgr(o, "0");
    cwt__r_put(o, " (value 0-1, points of the total)\n");
    for (size_t k = 0; k < CWT_ARRAY_LEN(names); k++) {
        cwt__r_put(o, "  %s\n", names[k]);
        for (size_t i = 0; i < json_array_size(a); i++) {
            const json_t *s = json_array_get(a, i);
            if (strcmp(cwt__r_str(s, "module", ""), names[k]) == 0)
                one_signal(o, s);
        }
    }
}

enum cwt_status cwt__render_text(const json_t *eval, bool color, char **out)
{
    *out = NULL;
    if (!json_is_object(eval))
        return CWT_EINVAL;
    struct cwt__r_out o = {.color = color};
    cwt_buf_init(&o.b, CWT__REPORT_MAX);
    header(&o, eval);
    modules(&o, eval);
    fixes(&o, eval);
    signals(&o, eval);
    if (o.rc) {
        cwt_buf_release(&o.b);
        return o.rc;
    }
    *out = cwt_buf_detach(&o.b, NULL);
    return *out ? CWT_OK : CWT_ENOMEM;
}
