/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the HTML report: one self-contained page (inline CSS
 * and SVG, no script, no network) with the grade and total, a gauge per
 * module, the advice ranked by points gained per unit of effort, and every
 * signal with its findings, fix and evidence. Every string is escaped; only
 * http(s) URLs become links; colours are taken only when they are #rrggbb.
 */
#include <stdio.h>

#include "report/rutil.h"

#define GAUGE_R 40
#define GAUGE_C 251.327 /* 2 pi r */
#define EVIDENCE_OPEN 3  /* evidence shown before the rest folds into <details> */

static void esc(struct cwt__r_out *o, const char *s, size_t max)
{
    if (!o->rc)
        o->rc = cwt__r_add_html(&o->b, s, max);
}

static void link(struct cwt__r_out *o, const char *url, size_t max)
{
    if (cwt__r_url_ok(url)) {
        cwt__r_put(o, "<a href=\"");
        esc(o, url, 2048);
        cwt__r_put(o, "\" rel=\"nofollow noopener\">");
        esc(o, url, max);
        cwt__r_put(o, "</a>");
    } else {
        esc(o, url ? url : "(no URL)", max);
    }
}

static const char *score_colour(double v)
{
    return isnan(v) ? "#9ca3af" : v >= 85 ? "#1a7f37" : v >= 70 ? "#4d9221" : v >= 55 ? "#a68a00"
                                 : v >= 40 ? "#d97706" : v >= 25 ? "#e0561b" : "#c62828";
}

static const char *safe_colour(const char *c)
{
    if (c && c[0] == '#' && strlen(c) == 7 && strspn(c + 1, "0123456789abcdefABCDEF") == 6)
        return c;
    return "#6b7280";
}

static const char css[] =
    "*{box-sizing:border-box}body{margin:0;background:#f3f4f6;color:#111827;"
    "font:15px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans','Noto Sans CJK SC',sans-serif}"
    "main{max-width:1100px;margin:0 auto;padding:24px}"
    "header.top{display:flex;justify-content:space-between;align-items:baseline;flex-wrap:wrap;gap:8px;margin-bottom:16px}"
    "header.top h1{font-size:20px;margin:0}header.top .meta{color:#6b7280;font-size:13px}"
    ".card{background:#fff;border-radius:12px;box-shadow:0 1px 3px rgba(0,0,0,.08);padding:20px;margin-bottom:16px}"
    ".hero{display:flex;gap:24px;align-items:center;flex-wrap:wrap}"
    ".grade{width:112px;height:112px;border-radius:20px;color:#fff;display:flex;flex-direction:column;"
    "align-items:center;justify-content:center;flex:none}"
    ".grade b{font-size:64px;line-height:1}.grade span{font-size:12px;text-transform:uppercase;letter-spacing:.08em}"
    ".total{font-size:48px;font-weight:700;line-height:1}.total small{font-size:20px;color:#6b7280;font-weight:400}"
    ".site{font-size:18px;font-weight:600;word-break:break-all}"
    ".pills{display:flex;gap:8px;flex-wrap:wrap;margin-top:8px}"
    ".pill{background:#eef2ff;color:#3730a3;border-radius:999px;padding:2px 10px;font-size:12px}"
    ".pill.warn{background:#fef3c7;color:#92400e}.pill.bad{background:#fee2e2;color:#991b1b}"
    ".pill.ok{background:#dcfce7;color:#166534}.pill.grey{background:#f3f4f6;color:#4b5563}"
    ".facts{display:grid;grid-template-columns:1fr 1fr;gap:8px 24px;margin:0;min-width:300px}"
    ".facts div{border-left:3px solid #e5e7eb;padding-left:10px}.facts dt{color:#6b7280;font-size:12px}"
    ".facts dd{margin:0;font-size:20px;font-weight:600}"
    ".cap{border-left:4px solid #c62828;background:#fef2f2;padding:8px 12px;border-radius:6px;margin-top:12px}"
    ".cap.soft{border-color:#d97706;background:#fffbeb}"
    ".modules{display:grid;grid-template-columns:repeat(3,1fr);gap:16px;margin-bottom:16px}"
    ".module{text-align:center;margin:0}.module h3{margin:4px 0 0;font-size:16px;text-transform:capitalize}"
    ".module .sub{color:#6b7280;font-size:13px}"
    ".gauge text{font:700 22px system-ui,sans-serif}"
    "h2{font-size:18px;margin:0 0 12px}"
    "ol.advice{list-style:none;margin:0;padding:0}"
    "ol.advice>li{display:grid;grid-template-columns:40px 1fr auto;gap:12px;padding:12px 0;border-top:1px solid #e5e7eb}"
    "ol.advice>li:first-child{border-top:0}"
    ".rank{width:32px;height:32px;border-radius:50%;background:#111827;color:#fff;display:flex;align-items:center;"
    "justify-content:center;font-weight:700}"
    ".gain{font-weight:700;color:#166534;font-size:18px;text-align:right;white-space:nowrap}"
    ".gain small{display:block;font-weight:400;color:#6b7280;font-size:12px}"
    ".name{font-weight:600}.fix{margin:4px 0}.muted{color:#6b7280;font-size:13px}"
    "ul.find{margin:4px 0;padding-left:18px;font-size:14px}"
    ".sev{font-size:11px;font-weight:700;text-transform:uppercase;border-radius:4px;padding:0 5px;margin-right:6px}"
    ".sev.fail{background:#fee2e2;color:#991b1b}.sev.warn{background:#fef3c7;color:#92400e}"
    ".sev.info{background:#e5e7eb;color:#374151}"
    "code{font:12px ui-monospace,SFMono-Regular,Menlo,monospace;background:#f3f4f6;border-radius:4px;padding:0 4px}"
    "";

/* Split in two: C17 compilers need only take string literals up to 4095 bytes. */
static const char css2[] =
    ".signal{border-top:1px solid #e5e7eb;padding:14px 0}.signal:first-of-type{border-top:0}"
    ".sighead{display:flex;align-items:center;gap:12px;flex-wrap:wrap}"
    ".sighead .name{min-width:120px}"
    ".bar{flex:1;min-width:160px;max-width:360px;height:10px;background:#e5e7eb;border-radius:5px;overflow:hidden}"
    ".bar i{display:block;height:100%}"
    ".pts{font-variant-numeric:tabular-nums;color:#374151;font-size:14px;white-space:nowrap}"
    ".fixbox{background:#f0fdf4;border:1px solid #bbf7d0;border-radius:8px;padding:6px 10px;margin:6px 0;font-size:14px}"
    ".ev{font-size:13px;margin:4px 0 0;padding-left:18px;color:#374151}.ev li{margin:2px 0;word-break:break-word}"
    ".ev q{color:#111827;background:#fafafa}"
    "a{color:#1d4ed8}details summary{cursor:pointer;color:#1d4ed8;font-size:13px}"
    "table{border-collapse:collapse;width:100%;font-size:13px}th,td{text-align:left;padding:4px 8px;"
    "border-top:1px solid #e5e7eb;word-break:break-all}"
    "footer{color:#6b7280;font-size:13px;margin-top:8px}"
    "@media (max-width:760px){.modules{grid-template-columns:1fr}}"
    "@media print{body{background:#fff}.card{box-shadow:none;border:1px solid #e5e7eb}}";

static void head(struct cwt__r_out *o, const json_t *ev)
{
    cwt__r_put(o, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
           "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
           "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
           "img-src data:\"><title>cwtap report: ");
    esc(o, cwt__r_str(ev, "site", "?"), 200);
    cwt__r_put(o, "</title><style>%s%s</style></head><body><main>\n", css, css2);
}

/* The key facts beside the total: how much was measured and what fixing is worth. */
static void facts(struct cwt__r_out *o, const json_t *ev)
{
    const json_t *sigs = json_object_get(ev, "signals"), *adv = json_object_get(ev, "advice");
    size_t measured = 0, total = 0, fails = 0;
    for (size_t i = 0; i < json_array_size(sigs); i++) {
        const json_t *s = json_array_get(sigs, i);
        total += !cwt__r_true(s, "preview");
        measured += !cwt__r_true(s, "preview") && cwt__r_true(s, "measured");
        const json_t *f = json_object_get(s, "findings");
        for (size_t k = 0; k < json_array_size(f); k++)
            fails += strcmp(cwt__r_str(json_array_get(f, k), "severity", ""), "fail") == 0;
    }
    double top = 0;
    for (size_t i = 0; i < json_array_size(adv) && i < 5; i++)
        top += cwt__r_num(json_array_get(adv, i), "gain");
    cwt__r_put(o, "<dl class=\"facts\"><div><dt>signals measured</dt><dd>%zu of %zu</dd></div>"
           "<div><dt>failed checks</dt><dd>%zu</dd></div>"
           "<div><dt>things to fix</dt><dd>%zu</dd></div>"
           "<div><dt>worth of the top 5 fixes</dt><dd>+%.1f points</dd></div></dl>",
               measured, total, fails, json_array_size(adv), top);
}

static void hero(struct cwt__r_out *o, const json_t *ev)
{
    const json_t *g = json_object_get(ev, "grade"), *model = json_object_get(ev, "model");
    cwt__r_put(o, "<header class=\"top\"><h1>cwtap trust report</h1><div class=\"meta\">evaluated ");
    esc(o, cwt__r_str(ev, "at", "?"), 40);
    cwt__r_put(o, " &middot; model <code>");
    esc(o, cwt__r_str(model, "id", "?"), 64);
    cwt__r_put(o, " ");
    esc(o, cwt__r_str(model, "version", "?"), 32);
    cwt__r_put(o, "</code></div></header>\n<section class=\"card\"><div class=\"hero\">");
    cwt__r_put(o, "<div class=\"grade\" style=\"background:%s\" aria-label=\"grade\"><b>",
               safe_colour(cwt__r_str(g, "colour", NULL)));
    esc(o, cwt__r_str(g, "letter", "?"), 3);
    cwt__r_put(o, "</b><span>");
    esc(o, cwt__r_str(g, "label", ""), 32);
    cwt__r_put(o, "</span></div><div style=\"flex:1;min-width:260px\"><div class=\"site\">");
    link(o, cwt__r_str(ev, "site", NULL), 200);
    cwt__r_put(o, "</div>");
    double total = cwt__r_num(ev, "total");
    if (isnan(total))
        cwt__r_put(o, "<div class=\"total\">&ndash; <small>not enough data to score</small></div>");
    else
        cwt__r_put(o, "<div class=\"total\">%.1f <small>/ 100</small></div>", total);
    double conf = cwt__r_num(ev, "confidence"), cov = cwt__r_num(ev, "coverage");
    cwt__r_put(o, "<div class=\"pills\"><span class=\"pill %s\">confidence %.0f%%</span>"
           "<span class=\"pill %s\">data coverage %.0f%%</span>",
               conf >= 0.6 ? "ok" : "warn", conf * 100, cov >= 0.6 ? "ok" : "warn", cov * 100);
    if (cwt__r_true(g, "capped"))
        cwt__r_put(o, "<span class=\"pill bad\">grade capped</span>");
    if (cwt__r_true(g, "provisional") && !isnan(total))
        cwt__r_put(o, "<span class=\"pill warn\">provisional: too little data for a firm grade</span>");
    cwt__r_put(o, "</div></div>");
    facts(o, ev);
    cwt__r_put(o, "</div>");
    const json_t *caps = json_object_get(ev, "caps");
    size_t soft = 0;
    for (size_t i = 0; i < json_array_size(caps); i++) {
        const json_t *c = json_array_get(caps, i);
        if (!cwt__r_true(c, "applied")) {
            soft++;
            continue;
        }
        cwt__r_put(o, "<div class=\"cap\"><b>Capped</b> (<code>");
        esc(o, cwt__r_str(c, "id", ""), 64);
        cwt__r_put(o, "</code>): ");
        esc(o, cwt__r_str(c, "reason", ""), 400);
        cwt__r_put(o, "</div>");
    }
    if (soft) { /* failed gates and mandatory items whose cap the score is already under: one line */
        cwt__r_put(o, "<div class=\"cap soft\"><b>Also failed</b> (the score is already below their caps): ");
        for (size_t i = 0, k = 0; i < json_array_size(caps); i++) {
            const json_t *c = json_array_get(caps, i);
            if (cwt__r_true(c, "applied"))
                continue;
            cwt__r_put(o, "%s<code title=\"", k++ ? ", " : "");
            esc(o, cwt__r_str(c, "reason", ""), 400);
            cwt__r_put(o, "\">");
            esc(o, cwt__r_str(c, "id", ""), 64);
            cwt__r_put(o, "</code>");
        }
        cwt__r_put(o, "</div>");
    }
    cwt__r_put(o, "</section>\n");
}

static void gauge(struct cwt__r_out *o, double score, bool counted)
{
    double v = counted && !isnan(score) ? score : 0;
    v = v < 0 ? 0 : v > 100 ? 100 : v;
    cwt__r_put(o, "<svg class=\"gauge\" width=\"120\" height=\"120\" viewBox=\"0 0 120 120\" role=\"img\">"
           "<circle cx=\"60\" cy=\"60\" r=\"%d\" fill=\"none\" stroke=\"#e5e7eb\" stroke-width=\"12\"/>",
               GAUGE_R);
    if (v > 0)
        cwt__r_put(o, "<circle cx=\"60\" cy=\"60\" r=\"%d\" fill=\"none\" stroke=\"%s\" stroke-width=\"12\" "
               "stroke-linecap=\"round\" stroke-dasharray=\"%.2f %.2f\" transform=\"rotate(-90 60 60)\"/>",
                   GAUGE_R, score_colour(v), v / 100 * GAUGE_C, GAUGE_C);
    if (!isnan(score))
        cwt__r_put(o, "<text x=\"60\" y=\"68\" text-anchor=\"middle\" fill=\"%s\">%.0f</text></svg>",
                   counted ? "#111827" : "#9ca3af", score);
    else
        cwt__r_put(o, "<text x=\"60\" y=\"68\" text-anchor=\"middle\" fill=\"#9ca3af\">&ndash;</text></svg>");
}

static void modules(struct cwt__r_out *o, const json_t *ev)
{
    static const char *const names[] = {"basic", "operational", "content"};
    static const char *const what[] = {"WHOIS, certificate, contact, identity",
                                       "fulfilment, refunds, customer service",
                                       "parameters, compliance, reports, certificates, privacy"};
    const json_t *mods = json_object_get(ev, "modules");
    cwt__r_put(o, "<section class=\"modules\">");
    for (size_t i = 0; i < CWT_ARRAY_LEN(names); i++) {
        const json_t *m = json_object_get(mods, names[i]);
        const char *st = cwt__r_str(m, "status", "?");
        bool counted = cwt__r_true(m, "counted");
        cwt__r_put(o, "<div class=\"card module\">");
        gauge(o, cwt__r_num(m, "score"), counted);
        cwt__r_put(o, "<h3>%s</h3><div class=\"sub\">%s</div><div class=\"pills\" style=\"justify-content:center\">"
               "<span class=\"pill grey\">weight %.0f%%</span><span class=\"pill %s\">coverage %.0f%%</span>",
                   names[i], what[i], cwt__r_num(m, "weight") * 100,
                   cwt__r_num(m, "coverage") >= cwt__r_num(m, "min_coverage") ? "ok" : "warn",
                   cwt__r_num(m, "coverage") * 100);
        if (!counted)
            cwt__r_put(o, "<span class=\"pill warn\">%s</span>",
                       strcmp(st, "no_data") == 0             ? "no data: not counted"
                       : strcmp(st, "insufficient_data") == 0 ? "not enough data: not counted"
                                                       : "not counted");
        else
            cwt__r_put(o, "<span class=\"pill ok\">%.1f points</span>", cwt__r_num(m, "contribution"));
        cwt__r_put(o, "</div></div>");
    }
    cwt__r_put(o, "</section>\n");
}

static void findings_list(struct cwt__r_out *o, const json_t *f, bool with_info)
{
    size_t shown = 0;
    for (size_t i = 0; i < json_array_size(f); i++) {
        const json_t *x = json_array_get(f, i);
        const char *sev = cwt__r_str(x, "severity", "info");
        if (!with_info && strcmp(sev, "info") == 0)
            continue;
        if (!shown++)
            cwt__r_put(o, "<ul class=\"find\">");
        cwt__r_put(o, "<li><span class=\"sev %s\">%s</span>",
                   strcmp(sev, "fail") == 0 ? "fail" : strcmp(sev, "warn") == 0 ? "warn" : "info",
                   strcmp(sev, "fail") == 0 ? "fail" : strcmp(sev, "warn") == 0 ? "warn" : "info");
        esc(o, cwt__r_str(x, "message", ""), 400);
        cwt__r_put(o, " <code>");
        esc(o, cwt__r_str(x, "code", ""), 64);
        cwt__r_put(o, "</code>");
        if (json_is_string(json_object_get(x, "url"))) {
            cwt__r_put(o, " <span class=\"muted\">at ");
            link(o, cwt__r_str(x, "url", NULL), 100);
            cwt__r_put(o, "</span>");
        }
        cwt__r_put(o, "</li>");
    }
    if (shown)
        cwt__r_put(o, "</ul>");
}

static void evidence_item(struct cwt__r_out *o, const json_t *x)
{
    cwt__r_put(o, "<li><b>");
    esc(o, cwt__r_str(x, "what", "evidence"), 60);
    cwt__r_put(o, "</b> ");
    if (json_is_string(json_object_get(x, "snippet"))) {
        cwt__r_put(o, "<q>");
        esc(o, cwt__r_str(x, "snippet", ""), 300);
        cwt__r_put(o, "</q> ");
    }
    cwt__r_put(o, "<span class=\"muted\">");
    link(o, cwt__r_str(x, "url", NULL), 100);
    cwt__r_put(o, "</span></li>");
}

static void evidence_list(struct cwt__r_out *o, const json_t *e)
{
    size_t n = json_array_size(e);
    if (!n)
        return;
    cwt__r_put(o, "<ul class=\"ev\">");
    for (size_t i = 0; i < n && i < EVIDENCE_OPEN; i++)
        evidence_item(o, json_array_get(e, i));
    cwt__r_put(o, "</ul>");
    if (n > EVIDENCE_OPEN) {
        cwt__r_put(o, "<details><summary>%zu more pieces of evidence</summary><ul class=\"ev\">", n - EVIDENCE_OPEN);
        for (size_t i = EVIDENCE_OPEN; i < n; i++)
            evidence_item(o, json_array_get(e, i));
        cwt__r_put(o, "</ul></details>");
    }
}

static void advice(struct cwt__r_out *o, const json_t *ev)
{
    const json_t *adv = json_object_get(ev, "advice");
    cwt__r_put(o, "<section class=\"card\"><h2>What to fix first</h2>"
           "<p class=\"muted\" style=\"margin-top:-8px\">Ranked by points gained per unit of effort; failed mandatory "
           "items first. Gain: how much the total rises when the signal is perfect.</p>");
    if (!json_array_size(adv))
        cwt__r_put(o, "<p>Nothing to fix: every scored signal is at its best.</p>");
    else
        cwt__r_put(o, "<ol class=\"advice\">");
    for (size_t i = 0; i < json_array_size(adv); i++) {
        const json_t *a = json_array_get(adv, i);
        cwt__r_put(o, "<li><div class=\"rank\">%zu</div><div><span class=\"name\">", i + 1);
        esc(o, cwt__r_str(a, "signal", "?"), 40);
        cwt__r_put(o, "</span> <span class=\"muted\">");
        esc(o, cwt__r_str(a, "module", "?"), 20);
        cwt__r_put(o, "</span> <span class=\"pill grey\">effort ");
        esc(o, cwt__r_str(a, "effort", "?"), 16);
        cwt__r_put(o, "</span>");
        if (cwt__r_true(a, "mandatory_failed"))
            cwt__r_put(o, " <span class=\"pill bad\">mandatory item failed</span>");
        else if (cwt__r_true(a, "mandatory"))
            cwt__r_put(o, " <span class=\"pill warn\">mandatory</span>");
        if (strcmp(cwt__r_str(a, "kind", ""), "no_data") == 0)
            cwt__r_put(o, " <span class=\"pill grey\">no data</span>");
        cwt__r_put(o, "<div class=\"fix\">");
        esc(o, cwt__r_str(a, "fix", "(no fix given)"), 600);
        cwt__r_put(o, "</div>");
        findings_list(o, json_object_get(a, "findings"), false);
        evidence_list(o, json_object_get(a, "evidence"));
        cwt__r_put(o, "</div><div class=\"gain\">+%.1f<small>points</small></div></li>", cwt__r_num(a, "gain"));
    }
    if (json_array_size(adv))
        cwt__r_put(o, "</ol>");
    cwt__r_put(o, "</section>\n");
}

static void one_signal(struct cwt__r_out *o, const json_t *s)
{
    double v = cwt__r_num(s, "value");
    bool measured = cwt__r_true(s, "measured");
    cwt__r_put(o, "<div class=\"signal\" id=\"sig-");
    esc(o, cwt__r_str(s, "id", "?"), 40);
    cwt__r_put(o, "\"><div class=\"sighead\"><span class=\"name\">");
    esc(o, cwt__r_str(s, "id", "?"), 40);
    cwt__r_put(o, "</span>");
    if (measured) {
        cwt__r_put(o, "<div class=\"bar\" title=\"value %.2f\"><i style=\"width:%.0f%%;background:%s\"></i></div>"
               "<span class=\"pts\">value %.2f",
                   v, v * 100, score_colour(v * 100), v);
        if (cwt__r_true(s, "preview"))
            cwt__r_put(o, "</span>");
        else if (cwt__r_num(s, "max_points") > 0)
            cwt__r_put(o, " &middot; %.2f of %.2f points</span>", cwt__r_num(s, "contribution"),
                       cwt__r_num(s, "max_points"));
        else
            cwt__r_put(o, " &middot; module not counted</span>");
    } else {
        cwt__r_put(o, "<span class=\"pill warn\">no data: lowers coverage, not the score</span>");
    }
    if (cwt__r_true(s, "preview"))
        cwt__r_put(o, "<span class=\"pill grey\">preview: not in the total</span>");
    if (cwt__r_true(s, "gate_failed"))
        cwt__r_put(o, "<span class=\"pill bad\">gate failed</span>");
    else if (cwt__r_true(s, "mandatory_failed"))
        cwt__r_put(o, "<span class=\"pill bad\">mandatory item failed</span>");
    else if (strcmp(cwt__r_str(s, "requirement", ""), "mandatory") == 0)
        cwt__r_put(o, "<span class=\"pill grey\">mandatory</span>");
    if (measured)
        cwt__r_put(o, "<span class=\"muted\">confidence %.0f%%</span>", cwt__r_num(s, "confidence") * 100);
    cwt__r_put(o, "</div><div>");
    esc(o, cwt__r_str(s, "summary", ""), 600);
    cwt__r_put(o, "</div>");
    if (json_is_string(json_object_get(s, "fix"))) {
        cwt__r_put(o, "<div class=\"fixbox\"><b>Fix:</b> ");
        esc(o, cwt__r_str(s, "fix", ""), 600);
        cwt__r_put(o, "</div>");
    }
    findings_list(o, json_object_get(s, "findings"), true);
    evidence_list(o, json_object_get(s, "evidence"));
    cwt__r_put(o, "</div>");
}

static void signals(struct cwt__r_out *o, const json_t *ev)
{
    static const char *const names[] = {"basic", "operational", "content"};
    const json_t *a = json_object_get(ev, "signals");
    for (size_t k = 0; k < CWT_ARRAY_LEN(names); k++) {
        cwt__r_put(o, "<section class=\"card\"><h2 style=\"text-transform:capitalize\">%s signals</h2>", names[k]);
        for (size_t i = 0; i < json_array_size(a); i++) {
            const json_t *s = json_array_get(a, i);
            if (strcmp(cwt__r_str(s, "module", ""), names[k]) == 0)
                one_signal(o, s);
        }
        cwt__r_put(o, "</section>\n");
    }
}

static void crawl(struct cwt__r_out *o, const json_t *ev)
{
    const json_t *cr = json_object_get(ev, "crawl");
    const json_t *c = json_is_array(cr) ? cr : json_object_get(cr, "pages");
    if (!json_array_size(c))
        return;
    cwt__r_put(o, "<section class=\"card\"><h2>Pages read</h2><table><tr><th>page</th><th>role</th><th>why</th>"
           "<th>status</th></tr>");
    for (size_t i = 0; i < json_array_size(c); i++) {
        const json_t *p = json_array_get(c, i), *st = json_object_get(p, "status");
        cwt__r_put(o, "<tr><td>");
        link(o, cwt__r_str(p, "url", NULL), 160);
        cwt__r_put(o, "</td><td>");
        esc(o, cwt__r_str(p, "role", ""), 40);
        cwt__r_put(o, "</td><td>");
        esc(o, cwt__r_str(p, "reason", ""), 160);
        cwt__r_put(o, "</td><td>");
        if (json_is_integer(st) && json_integer_value(st) > 0)
            cwt__r_put(o, "%lld", (long long)json_integer_value(st));
        else if (json_is_string(st))
            esc(o, json_string_value(st), 60);
        if (json_is_string(json_object_get(p, "error"))) {
            cwt__r_put(o, " <span class=\"muted\">");
            esc(o, cwt__r_str(p, "error", ""), 200);
            cwt__r_put(o, "</span>");
        }
        cwt__r_put(o, "</td></tr>");
    }
    cwt__r_put(o, "</table>");
    const json_t *notes = json_object_get(cr, "notes");
    for (size_t i = 0; i < json_array_size(notes); i++) {
        cwt__r_put(o, "<p class=\"muted\">");
        esc(o, json_string_value(json_array_get(notes, i)), 400);
        cwt__r_put(o, "</p>");
    }
    cwt__r_put(o, "</section>\n");
}

enum cwt_status cwt__render_html(const json_t *eval, char **out)
{
    *out = NULL;
    if (!json_is_object(eval))
        return CWT_EINVAL;
    struct cwt__r_out o = {0};
    cwt_buf_init(&o.b, CWT__REPORT_MAX);
    head(&o, eval);
    hero(&o, eval);
    modules(&o, eval);
    advice(&o, eval);
    signals(&o, eval);
    crawl(&o, eval);
    cwt__r_put(&o, "<footer>How this score is computed: each module score is the weighted mean of its measured "
                   "signals; signals without data lower coverage and confidence, never the score. The total is the "
                   "weighted mean of the modules with enough data, and each signal's points add up to it exactly. "
                   "A failed gate caps the total; a failed mandatory item caps the grade. Produced by cwtap; this "
                   "page loads nothing from the network.</footer></main></body></html>\n");
    if (o.rc) {
        cwt_buf_release(&o.b);
        return o.rc;
    }
    *out = cwt_buf_detach(&o.b, NULL);
    return *out ? CWT_OK : CWT_ENOMEM;
}
