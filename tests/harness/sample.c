/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the sample evaluations of the report tests: signals
 * built by hand (values, summaries, fixes, evidence and findings as a signal
 * extractor would write them) scored by the default model.
 */
#include <stdio.h>
#include <stdlib.h>

#include "harness.h"
#include "sample.h"
#include "score/model.h"

struct spec {
    const char *id;
    double value; /* < 0: not measured */
    const char *summary, *fix, *url, *what, *snippet, *code, *message;
    int sev;
};

static const struct spec strong[] = {
    {"tls", 1.0, "certificate valid for 212 days, chain trusted, TLS 1.3, HSTS", NULL,
     "https://www.ningbo-valves.example/", "certificate subject", "O=Ningbo Valve Manufacturing Co., Ltd.", NULL, NULL, 0},
    {"whois", 0.8, "domain registered 2011-04-02 by Ningbo Valve Manufacturing Co., Ltd. (CN)", NULL, NULL,
     "RDAP registrant", "Ningbo Valve Manufacturing Co., Ltd.", "whois.redacted", "registrant e-mail redacted", 0},
    {"contact", 0.9, "address, phone and e-mail agree on 7 pages; USCC check digit valid",
     "Add the same phone number to the footer of the product pages.",
     "https://www.ningbo-valves.example/contact", "address", "No. 88 Yinxian Avenue, Ningbo 315100, China",
     "contact.phone_missing", "2 product pages carry no phone number", 1},
    {"identity", 0.85, "one company name on site, WHOIS, certificate and schema.org", NULL,
     "https://www.ningbo-valves.example/about", "schema.org Organization", "Ningbo Valve Manufacturing Co., Ltd.",
     NULL, NULL, 0},
    {"fulfillment", -1, "no platform order events yet", NULL, NULL, NULL, NULL, NULL, NULL, 0},
    {"refunds", -1, "no platform refund events yet", NULL, NULL, NULL, NULL, NULL, NULL, 0},
    {"service", 0.7, "chat (en, zh), WhatsApp, e-mail; no Thai or Vietnamese channel",
     "Offer a Thai- and a Vietnamese-speaking channel (LINE, Zalo).", "https://www.ningbo-valves.example/contact",
     "WhatsApp link", "wa.me/8657412345678", "service.language_gap", "no channel in Thai or Vietnamese", 1},
    {"parameters", 0.75, "spec tables on 9 of 12 product pages, SI units",
     "Add spec tables (pressure rating, DN size, material) to the 3 pages without one.",
     "https://www.ningbo-valves.example/products/ball-valve-dn50", "spec table", "Nominal pressure PN16 | DN50 | CF8M",
     "parameters.no_table", "3 product pages have no specification table", 1},
    {"compliance", 0.6, "CE and RoHS statements; no TISI or SIRIM mark for Thai/Malaysian buyers",
     "State TISI and SIRIM conformity for the products you sell in Thailand and Malaysia.",
     "https://www.ningbo-valves.example/quality", "statement", "CE marked under the Pressure Equipment Directive",
     "compliance.no_rcep_mark", "no RCEP-market conformity mark found", 1},
    {"test_reports", 0.3, "1 SGS report linked as PDF, not embedded, no verification link",
     "Embed each test report as schema.org JSON-LD with its number and a verification link on sgs.com.",
     "https://www.ningbo-valves.example/quality/sgs-2025.pdf", "report link", "SGS test report NGB25-0412",
     "test_reports.not_verifiable", "the report cannot be verified on the lab's site", 2},
    {"certificates", 0.9, "ISO 9001:2015 no. 04625Q31245R2M, CQC, valid to 2027-06-30", NULL,
     "https://www.ningbo-valves.example/certificates", "certificate", "ISO 9001:2015 04625Q31245R2M", NULL, NULL, 0},
    {"factory", 0.5, "one factory video (YouTube embed); no live capacity dashboard",
     "Publish a production-capacity dashboard with fresh timestamps.", "https://www.ningbo-valves.example/factory",
     "video", "Factory tour 2025", NULL, NULL, 0},
    {"privacy", 0.95, "policy linked from every page; covers transfers, retention, rights", NULL,
     "https://www.ningbo-valves.example/privacy", "privacy link", "Privacy Policy", NULL, NULL, 0},
    {"traceability", 0.4, "batch numbers on 2 of 12 product pages; no GTIN",
     "Show batch/lot, origin and GTIN on every product page.",
     "https://www.ningbo-valves.example/products/gate-valve-dn80", "batch", "Heat no. 24-118",
     "traceability.no_gtin", "no GTIN on any product page", 1},
    {"languages", 0.55, "English and Chinese; no Thai, Vietnamese, Bahasa",
     "Translate the product and contact pages into Thai and Vietnamese.", "https://www.ningbo-valves.example/",
     "hreflang", "en, zh-CN", "languages.missing", "2 target-market languages missing", 1},
};

static const struct spec weak[] = {
    {"tls", 0.2, "certificate expired 12 days ago", "Renew the certificate and enable automatic renewal.",
     "https://shop.cheap-valves.example/", "certificate notAfter", "2026-09-09", "tls.expired",
     "the certificate expired on 2026-09-09", 2},
    {"whois", 0.3, "domain registered 40 days ago; registrant differs from the company on the site",
     "Register the domain in the company's own name.", NULL, "RDAP registrant", "Privacy Service Ltd",
     "whois.young", "the domain is 40 days old", 1},
    {"contact", 0.4, "only a contact form; e-mail on a free mail domain",
     "Publish a postal address, a phone number and an e-mail on your own domain.",
     "https://shop.cheap-valves.example/contact", "e-mail", "cheapvalves2026@gmail.example", "contact.free_mail",
     "the e-mail is not on the site's domain", 2},
    {"privacy", 0.0, "no privacy policy found", "Publish a privacy policy and link it from every page.", NULL, NULL,
     NULL, "privacy.missing", "no privacy policy found on 6 pages", 2},
    {"parameters", 0.2, "no specification tables", "Add a specification table to each product page.",
     "https://shop.cheap-valves.example/p/1", "product page", "Best valve cheap price!!!", NULL, NULL, 0},
    {"languages", 0.3, "English only", "Add Thai and Vietnamese versions.", NULL, NULL, NULL, NULL, NULL, 0},
};

static const struct spec hostile[] = {
    {"tls", 0.9, "<script>alert('x')</script> summary", "fix with \"quotes\" & <b>tags</b>",
     "javascript:alert(1)", "<img src=x onerror=alert(1)>", "\033[31mred\033[0m \007 bell </q><script>", "tls.<x>",
     "message <iframe src=//evil.example>", 2},
    {"contact", 0.5, "contact \033]0;title\007", NULL, "https://ok.example/\"onmouseover=\"x", "e-mail",
     "a@b.example", NULL, NULL, 0},
    {"privacy", 0.8, "ok", NULL, "https://ok.example/privacy", "link", "Privacy", NULL, NULL, 0},
};

json_t *h_sample_evaluation(enum h_sample which)
{
    const struct spec *sp = which == H_SAMPLE_STRONG ? strong : which == H_SAMPLE_WEAK ? weak : hostile;
    size_t n = which == H_SAMPLE_STRONG ? sizeof strong / sizeof *strong
               : which == H_SAMPLE_WEAK ? sizeof weak / sizeof *weak
                                        : sizeof hostile / sizeof *hostile;
    struct cwt__model *m = NULL;
    struct cwt_err err = {0};
    if (cwt__model_load(h_src("models/cwtap-model-v1.json"), &m, &err)) {
        fprintf(stderr, "sample: %s\n", err.msg);
        return NULL;
    }
    struct cwt__signal sigs[CWT__MODEL_SIGNALS];
    for (size_t i = 0; i < n; i++) {
        const struct cwt__signal_def *d = NULL;
        enum cwt__module mod = CWT__MOD_BASIC;
        for (size_t k = 0; k < CWT__MODEL_SIGNALS; k++)
            if (strcmp(cwt__signal_ids[k].id, sp[i].id) == 0)
                mod = cwt__signal_ids[k].module;
        (void)d;
        cwt__signal_init(&sigs[i], sp[i].id, mod);
        sigs[i].measured = sp[i].value >= 0;
        sigs[i].value = sp[i].value >= 0 ? sp[i].value : 0;
        sigs[i].confidence = sp[i].value >= 0 ? 0.9 : 0;
        sigs[i].gate_failed = which == H_SAMPLE_WEAK && strcmp(sp[i].id, "tls") == 0;
        cwt__signal_summary(&sigs[i], "%s", sp[i].summary);
        if (sp[i].fix)
            cwt__signal_fix(&sigs[i], "%s", sp[i].fix);
        if (sp[i].what)
            cwt__signal_evidence(&sigs[i], sp[i].url, sp[i].what, sp[i].snippet);
        if (sp[i].code)
            cwt__signal_finding(&sigs[i], sp[i].code, (enum cwt__severity)sp[i].sev, sp[i].message, sp[i].fix,
                                sp[i].url, sp[i].snippet);
    }
    if (which == H_SAMPLE_STRONG) { /* the certificate's days to expiry go through the model's curve */
        sigs[0].raw = 212;
        sigs[0].raw_unit = "days";
        for (int k = 0; k < 5; k++)
            cwt__signal_evidence(&sigs[2], "https://www.ningbo-valves.example/contact", "phone", "+86 574 1234 5678");
    }
    const struct cwt__site site = {
        .url = which == H_SAMPLE_STRONG ? "https://www.ningbo-valves.example/"
               : which == H_SAMPLE_WEAK ? "https://shop.cheap-valves.example/"
                                        : "https://hostile.example/<script>",
        .host = "www.ningbo-valves.example",
        .at = 1790000000};
    json_t *ev = NULL;
    if (cwt__evaluate(m, &site, sigs, n, &ev, &err))
        fprintf(stderr, "sample: %s\n", err.msg);
    if (ev && which == H_SAMPLE_STRONG) {
        /* The shape cwt_audit() gives: {pages: [...], notes: [...]}. */
        json_t *crawl = json_pack(
            "{s:[{s:s,s:s,s:s,s:i,s:s,s:I,s:b,s:i,s:f},{s:s,s:s,s:s,s:i,s:s,s:I,s:b,s:i,s:f},"
            "{s:s,s:s,s:s,s:i,s:i,s:b,s:i,s:f,s:s,s:s}], s:[s]}",
            "pages", "url", "https://www.ningbo-valves.example/", "role", "home", "reason", "start page", "status", 200,
            "content_type", "text/html", "bytes", (json_int_t)48211, "truncated", 0, "depth", 0, "ms", 182.0, "url",
            "https://www.ningbo-valves.example/contact", "role", "contact", "reason", "link text 'Contact us'",
            "status", 200, "content_type", "text/html", "bytes", (json_int_t)20110, "truncated", 0, "depth", 1, "ms",
            95.5, "url", "https://www.ningbo-valves.example/zh/about", "role", "about", "reason",
            "link text '关于我们'", "status", 0, "bytes", 0, "truncated", 0, "depth", 1, "ms", 5000.0, "error",
            "timed out after 5000 ms", "error_code", "timeout", "notes", "robots.txt allows every planned page");
        cwt__evaluation_set_crawl(ev, crawl);
        json_decref(crawl);
    }
    for (size_t i = 0; i < n; i++)
        cwt__signal_release(&sigs[i]);
    cwt__model_free(m);
    return ev;
}

struct cwt__model *h_model_default(void)
{
    struct cwt__model *m = NULL;
    struct cwt_err err = {0};
    if (cwt__model_load(h_src("models/cwtap-model-v1.json"), &m, &err))
        fprintf(stderr, "model: %s\n", err.msg);
    return m;
}

double h_rng_unit(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return (double)((z ^ (z >> 31)) >> 11) / 9007199254740992.0;
}

void h_signals_fill(struct cwt__signal *s, size_t n, double v)
{
    for (size_t i = 0; i < n && i < CWT__MODEL_SIGNALS; i++) {
        cwt__signal_init(&s[i], cwt__signal_ids[i].id, cwt__signal_ids[i].module);
        s[i].measured = true;
        s[i].value = v;
        s[i].confidence = 1;
    }
}

size_t h_signal_index(const char *id)
{
    for (size_t i = 0; i < CWT__MODEL_SIGNALS; i++)
        if (strcmp(cwt__signal_ids[i].id, id) == 0)
            return i;
    fprintf(stderr, "no signal '%s'\n", id);
    abort();
}

json_t *h_evaluate(const struct cwt__model *m, const struct cwt__signal *s, size_t n)
{
    static const struct cwt__site site = {.url = "https://www.ningbo-valves.example/",
                                          .host = "www.ningbo-valves.example", .at = 1790000000};
    json_t *ev = NULL;
    struct cwt_err err = {0};
    if (cwt__evaluate(m, &site, s, n, &ev, &err))
        fprintf(stderr, "evaluate: %s\n", err.msg);
    return ev;
}

char *h_model_v2_text(void)
{
    char *v1 = h_read_file(h_src("models/cwtap-model-v1.json"), NULL);
    json_t *m = v1 ? json_loads(v1, 0, NULL) : NULL;
    free(v1);
    if (!m)
        return NULL;
    json_object_set_new(m, "version", json_string("2.0.0-test"));
    json_t *mods = json_object_get(m, "modules");
    json_object_set_new(json_object_get(mods, "basic"), "weight", json_real(0.5));
    json_object_set_new(json_object_get(mods, "operational"), "weight", json_real(0.5));
    json_object_set_new(json_object_get(mods, "content"), "weight", json_real(0.0));
    char *text = json_dumps(m, JSON_INDENT(2));
    json_decref(m);
    return text;
}
