/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the signal `service`: the customer-service channels
 * a site offers (chat widgets, WhatsApp, LINE, Zalo, WeChat, Messenger,
 * e-mail, phone), the languages and hours it declares for them, and, when
 * probes have run, the measured availability of those channels. Channels
 * buyers in Southeast Asia use (LINE in Thailand, Zalo in Vietnam, WhatsApp
 * across the region) count most. Each channel endpoint is kept with the
 * target-market language of the pages it was found on (its language
 * variant; detail "endpoints"): `cwtap worker` probes each variant in its
 * language, and the evidence gives the coverage of the target-market
 * languages and time zones (docs/internals/operational.md).
 */
#include <pthread.h>
#include <stdio.h>
#include <strings.h>

#include "fetch/fetch.h"
#include "ops/ops.h"
#include "page/page.h"
#include "page/sdata.h"
#include "signals/content.h"
#include "signals/signal.h"

enum channel { CH_CHAT, CH_WHATSAPP, CH_LINE, CH_ZALO, CH_WECHAT, CH_MESSENGER, CH_EMAIL, CH_PHONE, CH_COUNT };

static const char *const channel_names[CH_COUNT] = {"live chat", "WhatsApp", "LINE",   "Zalo",
                                                    "WeChat",    "Messenger", "e-mail", "phone"};

/* How a channel shows in a page: a link prefix or a substring of the raw HTML (chat widgets are scripts). */
static const struct {
    enum channel ch;
    const char *needle;
    bool in_links; /* match link hrefs (prefix, case-insensitive); else the raw HTML */
    /* raw HTML: the needle's two bytes from byte `at`, chosen rare in HTML ("wk", "zd", "dg" rather than
     * "em", "st", "wi"), are what cwt__needles_in() looks for */
    unsigned char at;
} patterns[] = {
    {CH_WHATSAPP, "https://wa.me/", true},        {CH_WHATSAPP, "https://api.whatsapp.com/", true},
    {CH_WHATSAPP, "whatsapp://", true},           {CH_LINE, "https://line.me/", true},
    {CH_LINE, "https://lin.ee/", true},           {CH_ZALO, "https://zalo.me/", true},
    {CH_WECHAT, "weixin://", true},               {CH_MESSENGER, "https://m.me/", true},
    {CH_EMAIL, "mailto:", true},                  {CH_PHONE, "tel:", true},
    {CH_CHAT, "embed.tawk.to", false, 8},         {CH_CHAT, "static.zdassets.com", false, 7},
    {CH_CHAT, "widget.intercom.io", false, 2},    {CH_CHAT, "cdn.livechatinc.com", false, 3},
    {CH_CHAT, "js.hs-scripts.com", false, 3},     {CH_CHAT, "client.crisp.chat", false, 11},
    {CH_CHAT, "wchat.freshchat.com", false, 0},   {CH_CHAT, "code.tidio.co", false, 4},
    {CH_WECHAT, "WeChat ID", false, 0},           {CH_WECHAT, "微信", false, 4},
};

/* Target-market languages and words that declare them near service details. */
static const struct {
    const char *code;
    const char *words[4];
} lang_words[] = {
    {"en", {"English", NULL}},
    {"zh", {"中文", "Chinese", "普通话", NULL}},
    {"th", {"ไทย", "Thai", NULL}},
    {"vi", {"Tiếng Việt", "Vietnamese", NULL}},
    {"id", {"Bahasa Indonesia", "Indonesian", NULL}},
    {"ms", {"Bahasa Melayu", "Malay", NULL}},
    {"fil", {"Filipino", "Tagalog", NULL}},
};

#define MAX_ENDPOINTS 16

struct endpoint {
    enum channel ch;
    const char *url;
    int lang; /* index in cwt__ops_langs, -1 when the page has no target-market language */
};

/* The target-market language of a page: its <html lang>, else the language detected in its text. */
static int page_lang(const struct cwt__doc *doc)
{
    int l = doc->lang ? cwt__ops_lang_index(doc->lang) : -1;
    return l >= 0 || !doc->detected_lang ? l : cwt__ops_lang_index(doc->detected_lang);
}

static size_t add_endpoint(struct endpoint *e, size_t n, enum channel ch, const char *url, int lang)
{
    if (ch == CH_EMAIL || ch == CH_PHONE || n >= MAX_ENDPOINTS)
        return n; /* not probed over HTTP */
    for (size_t i = 0; i < n; i++)
        if (e[i].ch == ch && e[i].lang == lang && strcmp(e[i].url, url) == 0)
            return n;
    e[n] = (struct endpoint){ch, url, lang};
    return n + 1;
}

/* Evidence of the probes: per target language with probes, per target time zone; detail "probes". */
static enum cwt_status probe_evidence(const struct cwt__ops *ops, struct cwt__signal *out, json_t *d)
{
    json_t *pl = json_object(), *pz = json_object();
    enum cwt_status rc = CWT_OK;
    char what[96], snip[160];
    for (int l = 0; l < CWT__OPS_NLANGS && !rc; l++) {
        if (!ops->lang[l].total)
            continue;
        json_object_set_new(pl, cwt__ops_langs[l],
                            json_pack("{s:i, s:i}", "ok", ops->lang[l].ok, "total", ops->lang[l].total));
        snprintf(what, sizeof what, "probes in %s", cwt__ops_langs[l]);
        snprintf(snip, sizeof snip, "%u of %u probes of the %s channels answered", ops->lang[l].ok,
                 ops->lang[l].total, cwt__ops_langs[l]);
        rc = cwt__signal_evidence(out, NULL, what, snip);
    }
    for (int z = 0; z < CWT__OPS_NZONES && !rc; z++) {
        const struct cwt__ops_zone *zn = &cwt__ops_zones[z];
        json_object_set_new(pz, zn->name, json_pack("{s:i, s:i, s:s}", "ok", ops->zone[z].ok, "total",
                                                     ops->zone[z].total, "markets", zn->markets));
        snprintf(what, sizeof what, "time zone %s", zn->name);
        if (ops->zone[z].total)
            snprintf(snip, sizeof snip, "%u of %u probes in %02d:00-%02d:00 %s (%s) answered", ops->zone[z].ok,
                     ops->zone[z].total, CWT__OPS_BUSINESS_FROM, CWT__OPS_BUSINESS_TO, zn->name, zn->markets);
        else
            snprintf(snip, sizeof snip, "no probe yet in %02d:00-%02d:00 %s (%s)", CWT__OPS_BUSINESS_FROM,
                     CWT__OPS_BUSINESS_TO, zn->name, zn->markets);
        rc = cwt__signal_evidence(out, NULL, what, snip);
    }
    if (d)
        json_object_set_new(d, "probes", json_pack("{s:i, s:i, s:o, s:o}", "ok", ops->probes_ok, "total",
                                                    ops->probes_total, "languages", pl, "time_zones", pz));
    else {
        json_decref(pl);
        json_decref(pz);
    }
    return rc;
}

/* The raw-HTML patterns, searched in one pass (cwt__needles_in); built once. */
static struct cwt__needles raw_needles;
static size_t raw_idx[CWT_ARRAY_LEN(patterns)]; /* raw_needles' needle i is patterns[raw_idx[i]] */
static pthread_once_t raw_once = PTHREAD_ONCE_INIT;

static void raw_build(void)
{
    const char *needles[CWT_ARRAY_LEN(patterns)];
    unsigned char at[CWT_ARRAY_LEN(patterns)];
    size_t n = 0;
    for (size_t k = 0; k < CWT_ARRAY_LEN(patterns); k++)
        if (!patterns[k].in_links) {
            needles[n] = patterns[k].needle;
            at[n] = patterns[k].at;
            raw_idx[n++] = k;
        }
    cwt__needles_init(&raw_needles, needles, at, n);
}

/* The raw-HTML patterns that occur in @p body (bit k: patterns[k]). */
static uint32_t raw_patterns(const char *body)
{
    static_assert(CWT_ARRAY_LEN(patterns) <= 32, "a bit per pattern");
    if (!body)
        return 0;
    pthread_once(&raw_once, raw_build);
    uint32_t f = cwt__needles_in(&raw_needles, body), found = 0;
    for (size_t i = 0; i < raw_needles.n; i++)
        if (f >> i & 1)
            found |= 1u << raw_idx[i];
    return found;
}

/* @p s starts with @p p (lowercase ASCII), ASCII letters in any case: strncasecmp(s, p, strlen(p)) == 0
 * in the C locale, inline (most links differ at their first byte or just after "https://") */
static bool prefix_ci(const char *s, const char *p)
{
    if (!s)
        return false;
    for (; *p; s++, p++) {
        unsigned char c = (unsigned char)*s; /* (a NUL of s differs from every byte of p) */
        if ((c >= 'A' && c <= 'Z' ? c + 32 : c) != (unsigned char)*p)
            return false;
    }
    return true;
}

/* Declared service hours: a ContactPoint hoursAvailable, or a time range in the text. */
static const char *find_hours(const char *text)
{
    static const char *const cues[] = {"Monday to Friday", "Mon-Fri", "Mo-Fr", "周一至周五", "จันทร์", "Thứ Hai",
                                       "Senin", "Isnin", "24/7", "24 hours"};
    for (size_t i = 0; text && i < CWT_ARRAY_LEN(cues); i++) {
        const char *p = strstr(text, cues[i]);
        if (p)
            return p;
    }
    return NULL;
}

enum cwt_status cwt__sig_service(const struct cwt__site *site, struct cwt__signal *out)
{
    bool have[CH_COUNT] = {0};
    bool langs[CWT_ARRAY_LEN(lang_words)] = {0};
    bool served[CWT__OPS_NLANGS] = {0}; /* target languages with a channel variant or a declared language */
    struct endpoint eps[MAX_ENDPOINTS];
    size_t neps = 0;
    const char *hours = NULL, *hours_url = NULL;
    size_t html_pages = 0;
    enum cwt_status rc = CWT_OK;

    for (size_t i = 0; i < site->npages && !rc; i++) {
        const struct cwt__site_page *p = &site->pages[i];
        if (!p->doc)
            continue;
        html_pages++;
        int plang = page_lang(p->doc);
        uint32_t raw = raw_patterns(p->resp->body);
        for (size_t k = 0; k < CWT_ARRAY_LEN(patterns) && !rc; k++) {
            enum channel ch = patterns[k].ch;
            if (patterns[k].in_links) {
                for (size_t l = 0; l < p->doc->nlinks && !rc; l++) {
                    if (!prefix_ci(p->doc->links[l].href, patterns[k].needle))
                        continue;
                    neps = add_endpoint(eps, neps, ch, p->doc->links[l].href, plang);
                    if (plang >= 0 && ch != CH_EMAIL && ch != CH_PHONE)
                        served[plang] = true;
                    if (!have[ch]) {
                        have[ch] = true;
                        rc = cwt__signal_evidence(out, p->doc->url, channel_names[ch], p->doc->links[l].href);
                    }
                }
            } else if (raw >> k & 1) {
                neps = add_endpoint(eps, neps, ch, patterns[k].needle, plang);
                if (plang >= 0)
                    served[plang] = true;
                if (!have[ch]) {
                    have[ch] = true;
                    rc = cwt__signal_evidence(out, p->doc->url, channel_names[ch], patterns[k].needle);
                }
            }
        }
        /* languages declared in a ContactPoint, or named in the text of the contact or home page */
        const json_t *cps[8];
        size_t ncp = cwt__site_sdata_find(site, p->doc, "ContactPoint", cps, 8);
        for (size_t c = 0; c < CWT_MIN(ncp, (size_t)8); c++) {
            const json_t *vals[16];
            size_t nv = cwt__sdata_values(cps[c], "availableLanguage", vals, 16);
            for (size_t v = 0; v < CWT_MIN(nv, (size_t)16); v++) {
                const char *code = json_string_value(vals[v]);
                for (size_t l = 0; code && l < CWT_ARRAY_LEN(lang_words); l++)
                    if (strcasecmp(code, lang_words[l].code) == 0)
                        langs[l] = true;
            }
            const char *h = cwt__sdata_str(cps[c], "hoursAvailable");
            if (h && !hours) {
                hours = h;
                hours_url = p->doc->url;
            }
        }
        bool service_page = p->role && (strcmp(p->role, "home") == 0 || strcmp(p->role, "contact") == 0);
        if (service_page && p->doc->text) {
            for (size_t l = 0; l < CWT_ARRAY_LEN(lang_words); l++)
                for (size_t w = 0; lang_words[l].words[w]; w++)
                    if (strstr(p->doc->text, lang_words[l].words[w]))
                        langs[l] = true;
            if (!hours && (hours = find_hours(p->doc->text)) != NULL)
                hours_url = p->doc->url;
        }
    }
    if (rc)
        return rc;
    if (html_pages == 0) {
        out->measured = false;
        return cwt__signal_summary(out, "no page could be read, so no service channel was seen");
    }
    unsigned nch = 0, nmsg = 0, nlang = 0;
    for (int c = 0; c < CH_COUNT; c++)
        nch += have[c];
    nmsg = have[CH_WHATSAPP] + have[CH_LINE] + have[CH_ZALO] + have[CH_WECHAT] + have[CH_MESSENGER] + have[CH_CHAT];
    for (size_t l = 0; l < CWT_ARRAY_LEN(langs); l++) {
        nlang += langs[l];
        int t = langs[l] ? cwt__ops_lang_index(lang_words[l].code) : -1;
        if (t >= 0)
            served[t] = true;
    }
    if (hours && (rc = cwt__signal_evidence(out, hours_url, "service hours", hours)))
        return rc;
    /* coverage of the target-market languages: declared for the service, or a channel on pages in them */
    char cover[64] = "";
    unsigned nserved = 0;
    for (int l = 0; l < CWT__OPS_NLANGS; l++)
        if (served[l]) {
            size_t used = strlen(cover);
            snprintf(cover + used, sizeof cover - used, "%s%s", nserved++ ? ", " : "", cwt__ops_langs[l]);
        }
    char snip[128];
    snprintf(snip, sizeof snip, "%u of %d target-market languages served%s%s", nserved, CWT__OPS_NLANGS,
             nserved ? ": " : "", cover);
    if ((rc = cwt__signal_evidence(out, NULL, "language coverage", snip)))
        return rc;

    /* channels 0.45, languages 0.35, declared hours 0.2; probes, when any, weigh in as availability */
    double ch_score = (have[CH_EMAIL] || have[CH_PHONE] ? 0.4 : 0.0) + CWT_MIN(nmsg, 3u) * 0.2;
    double lang_score = CWT_MIN(nlang, 4u) / 4.0;
    double value = 0.45 * CWT_MIN(ch_score, 1.0) + 0.35 * lang_score + 0.2 * (hours ? 1.0 : 0.0);
    out->measured = true;
    out->confidence = 0.6;
    if (site->ops && site->ops->probes_total > 0) {
        double avail = (double)site->ops->probes_ok / site->ops->probes_total;
        value = 0.6 * value + 0.4 * avail;
        out->confidence = 0.6 + 0.4 * cwt__sample_confidence(site->ops->probes_total, 20);
        snprintf(snip, sizeof snip, "%u of %u probes answered", site->ops->probes_ok, site->ops->probes_total);
        if ((rc = cwt__signal_evidence(out, NULL, "channel probes", snip)) ||
            (rc = probe_evidence(site->ops, out, cwt__signal_detail(out))))
            return rc;
    }
    out->value = value;
    json_t *d = cwt__signal_detail(out);
    if (d) {
        json_t *ea = json_array(), *sv = json_array();
        for (size_t e = 0; e < neps; e++)
            json_array_append_new(ea, json_pack("{s:s, s:s, s:s}", "channel", channel_names[eps[e].ch], "url",
                                                eps[e].url, "lang", eps[e].lang >= 0 ? cwt__ops_langs[eps[e].lang] : ""));
        for (int l = 0; l < CWT__OPS_NLANGS; l++)
            if (served[l])
                json_array_append_new(sv, json_string(cwt__ops_langs[l]));
        json_object_set_new(d, "endpoints", ea);
        json_object_set_new(d, "languages_served", sv);
        json_t *chs = json_array(), *ls = json_array();
        for (int c = 0; c < CH_COUNT; c++)
            if (have[c])
                json_array_append_new(chs, json_string(channel_names[c]));
        for (size_t l = 0; l < CWT_ARRAY_LEN(langs); l++)
            if (langs[l])
                json_array_append_new(ls, json_string(lang_words[l].code));
        json_object_set_new(d, "channels", chs);
        json_object_set_new(d, "languages", ls);
        json_object_set_new(d, "hours_declared", json_boolean(hours != NULL));
    }
    rc = cwt__signal_summary(out, "%u service channels (%u messaging or chat), %u buyer languages, hours %s", nch,
                             nmsg, nlang, hours ? "declared" : "not declared");
    if (!rc && nmsg == 0)
        rc = cwt__signal_finding(out, "service.no_messaging", CWT__SEV_WARN,
                                 "no chat or messaging channel (WhatsApp, LINE, Zalo, WeChat, live chat) was found",
                                 "add a WhatsApp link and, for Thai and Vietnamese buyers, LINE and Zalo", NULL, NULL);
    if (!rc && nlang < 2)
        rc = cwt__signal_finding(out, "service.languages", CWT__SEV_WARN,
                                 "customer service is not offered in the buyers' languages",
                                 "say which languages your service speaks (for example English, ไทย, Tiếng Việt)",
                                 NULL, NULL);
    if (!rc && !hours)
        rc = cwt__signal_finding(out, "service.no_hours", CWT__SEV_INFO, "service hours are not stated",
                                 "state your service hours with the time zone (e.g. Mon–Fri 08:00–18:00 UTC+8)",
                                 NULL, NULL);
    if (!rc && value < 0.8)
        rc = cwt__signal_fix(out, "offer customer service over messaging apps in the buyers' languages and state "
                                  "the hours with a time zone");
    return rc;
}
