/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the "privacy" signal: is there a privacy policy, is
 * it linked from the home page and from every page, is it readable (Flesch
 * reading ease and Flesch-Kincaid grade for English, words per sentence for
 * other space-separated languages, characters per sentence for Chinese,
 * Japanese and Thai), and does it cover the eight topics of a complete policy
 * (keyword tables in privacy_kw.c). The policy is the crawl's "privacy" page,
 * else a page whose title or URL names one. See docs/internals/signals-privacy.md.
 */
#include <stdio.h>

#include "fetch/fetch.h"
#include "page/textstat.h"
#include "signals/content.h"
#include "signals/marks.h"
#include "signals/privacy_kw.h"

#define MAX_LINK_EVIDENCE 4

static struct cwt__kwset title_set = CWT__KWSET(cwt__privacy_title_words);
static struct cwt__kwset url_set = CWT__KWSET(cwt__privacy_url_words);

/* Whether @p url's path names a privacy policy. */
static bool url_is_policy(const char *url)
{
    if (!url)
        return false;
    const char *p = strstr(url, "://");
    p = p ? strchr(p + 3, '/') : NULL;
    return p && cwt__has_any(p, &url_set);
}

static bool link_is_policy(const struct cwt__link *l)
{
    return (l->rel && strstr(l->rel, "privacy-policy")) || cwt__has_any(l->text, &title_set) ||
           url_is_policy(l->href);
}

static bool page_ok(const struct cwt__site_page *p)
{
    return p->doc && p->resp && p->resp->status >= 200 && p->resp->status < 300;
}

/* The policy page: the crawl's "privacy" page, else the page whose title or URL names a policy with
 * the longest text. NULL if none. */
static const struct cwt__site_page *find_policy(const struct cwt__site *site)
{
    const struct cwt__site_page *best = NULL;
    for (size_t i = 0; i < site->npages; i++) {
        const struct cwt__site_page *p = &site->pages[i];
        if (!page_ok(p))
            continue;
        if (p->role && strcmp(p->role, "privacy") == 0)
            return p;
        if (i == 0 && (!p->role || strcmp(p->role, "home") == 0))
            continue; /* the home page is not the policy even when its URL says so */
        bool named = cwt__has_any(p->doc->title, &title_set) || url_is_policy(cwt__page_url(p));
        if (named && (!best || p->doc->text_len > best->doc->text_len))
            best = p;
    }
    return best;
}

struct readab {
    const char *lang;      /* language used */
    const char *method;    /* "flesch", "words_per_sentence", "chars_per_sentence" */
    double score;          /* [0,1], 1 = easy */
    bool hard;
    struct cwt__textstat ts;
    double per_sentence;
};

static void readability(const struct cwt__doc *doc, const char *lang, struct readab *r)
{
    memset(r, 0, sizeof *r);
    r->lang = lang;
    bool thai = strcmp(lang, "th") == 0;
    if (thai || strcmp(lang, "zh") == 0 || strcmp(lang, "ja") == 0) {
        cwt__textstat_chars(doc->text, doc->text_len, thai, &r->ts);
        r->method = "chars_per_sentence";
        r->per_sentence = r->ts.chars_per_sentence;
        /* Chinese: about 30 characters a sentence reads easily, past 60 it is hard; Thai runs longer */
        double easy = thai ? 60 : 30, hard = thai ? 120 : 60;
        r->score = cwt__clamp01((hard + (hard - easy) * 0.6 - r->per_sentence) / ((hard - easy) * 1.6));
        r->hard = r->per_sentence > hard;
        return;
    }
    cwt__textstat_en(doc->text, doc->text_len, &r->ts);
    r->per_sentence = r->ts.sentences ? (double)r->ts.words / (double)r->ts.sentences : 0;
    if (strcmp(lang, "en") == 0) {
        r->method = "flesch";
        /* Flesch 60+ is plain English, below 30 is "very difficult" (college graduate) */
        r->score = cwt__clamp01((r->ts.flesch_ease - 10) / 50);
        r->hard = r->ts.flesch_ease < 30;
    } else {
        r->method = "words_per_sentence";
        r->score = cwt__clamp01((40 - r->per_sentence) / 25);
        r->hard = r->per_sentence > 35;
    }
}

static void add_detail(struct cwt__signal *out, const char *key, json_t *v)
{
    json_t *d = cwt__signal_detail(out);
    if (d)
        json_object_set_new(d, key, v);
    else
        json_decref(v);
}

enum cwt_status cwt__sig_privacy(const struct cwt__site *site, struct cwt__signal *out)
{
    size_t pages = 0, linking = 0;
    bool home_links = false, home_read = false;
    const char *home_url = NULL;
    enum cwt_status rc = CWT_OK;
    const char *linked_url = NULL; /* a policy URL seen in a link */
    for (size_t i = 0; i < site->npages; i++) {
        const struct cwt__site_page *p = &site->pages[i];
        if (!page_ok(p))
            continue;
        pages++;
        bool home = i == 0 || (p->role && strcmp(p->role, "home") == 0);
        if (home && !home_read) {
            home_read = true;
            home_url = cwt__page_url(p);
        }
        const struct cwt__link *hit = NULL;
        for (size_t k = 0; k < p->doc->nlinks && !hit; k++)
            if (link_is_policy(&p->doc->links[k]))
                hit = &p->doc->links[k];
        if (!hit)
            continue;
        linking++;
        if (home && home_url == cwt__page_url(p))
            home_links = true;
        if (!linked_url)
            linked_url = hit->href;
        if (linking <= MAX_LINK_EVIDENCE || home) {
            char sn[CWT__SNIPPET_MAX];
            snprintf(sn, sizeof sn, "'%s' -> %s", hit->text ? hit->text : "", hit->href);
            rc = cwt__signal_evidence(out, cwt__page_url(p), home ? "privacy link on home page" : "privacy link", sn);
            if (rc)
                return rc;
        }
    }
    if (!pages) {
        out->measured = false;
        cwt__signal_summary(out, "no HTML page could be read, so the privacy policy was not checked");
        cwt__content_seen(out, site, 0, "no HTML page");
        return CWT_OK;
    }
    out->measured = true;
    out->raw_unit = "topics of 8";
    const struct cwt__site_page *pol = find_policy(site);
    double share = (double)linking / (double)pages;
    json_t *d = cwt__signal_detail(out);
    if (!d)
        return CWT_ENOMEM;
    json_object_set_new(d, "pages", json_integer((json_int_t)pages));
    json_object_set_new(d, "pages_linking_policy", json_integer((json_int_t)linking));
    json_object_set_new(d, "linked_from_home", json_boolean(home_links));
    json_object_set_new(d, "share_linking", json_real(share));

    if (!pol && !linked_url) {
        out->value = 0;
        out->raw = 0;
        out->confidence = cwt__clamp01(0.5 + 0.05 * (double)pages);
        cwt__signal_summary(out, "no privacy policy found on %zu page(s)", pages);
        cwt__signal_fix(out, "Publish a privacy policy page and link it from the footer of every page.");
        cwt__content_seen(out, site, pages, "no privacy policy page or link");
        return cwt__signal_finding(out, "privacy.missing", CWT__SEV_FAIL, "The site has no privacy policy.",
                                   "Publish a privacy policy that says what data you collect, why, who you share "
                                   "it with, how long you keep it, and how buyers can contact you about it; link it "
                                   "from every page.",
                                   site->url, NULL);
    }
    if (!home_links)
        cwt__signal_finding(out, "privacy.not_linked_home", CWT__SEV_WARN,
                            "The home page does not link to the privacy policy.",
                            "Add a 'Privacy policy' link to the home page footer.", home_url, NULL);
    if (share < 0.8 && pages > 1) {
        char msg[160];
        snprintf(msg, sizeof msg, "Only %zu of %zu pages link to the privacy policy.", linking, pages);
        cwt__signal_finding(out, "privacy.not_linked_everywhere", CWT__SEV_INFO, msg,
                            "Put the privacy link in the site-wide footer so every page has it.", NULL, NULL);
    }
    double link_part = 0.1 * (home_links ? 1 : 0) + 0.1 * share;
    if (!pol) {
        json_object_set_new(d, "policy_url", json_string(linked_url));
        out->value = 0.35 + link_part;
        out->raw = NAN;
        out->confidence = 0.5;
        cwt__signal_summary(out, "a privacy policy is linked (%s) but its page was not read", linked_url);
        cwt__signal_finding(out, "privacy.not_read", CWT__SEV_INFO,
                            "The privacy policy is linked but its page could not be read, so its content was not checked.",
                            NULL, linked_url, NULL);
        return CWT_OK;
    }

    const struct cwt__doc *doc = pol->doc;
    const char *purl = cwt__page_url(pol);
    json_object_set_new(d, "policy_url", json_string(purl));
    rc = cwt__signal_evidence(out, purl, "privacy policy", doc->title && *doc->title ? doc->title : purl);
    if (rc)
        return rc;

    /* completeness */
    unsigned covered = 0;
    char missing[512] = "";
    json_t *topics = json_object();
    for (size_t t = 0; t < CWT__PRIVACY_TOPICS; t++) {
        const struct cwt__privacy_topic *tp = &cwt__privacy_topics[t];
        size_t off = SIZE_MAX, wl = 0;
        for (const char *const *w = tp->words; *w && off == SIZE_MAX; w++) {
            off = cwt__find_ci(doc->text, doc->text_len, *w);
            wl = strlen(*w);
        }
        json_object_set_new(topics, tp->id, json_boolean(off != SIZE_MAX));
        if (off != SIZE_MAX) {
            covered++;
            char sn[200], what[64];
            cwt__around(doc->text, doc->text_len, off, wl, 70, sn, sizeof sn);
            snprintf(what, sizeof what, "topic: %s", tp->id);
            cwt__signal_evidence(out, purl, what, sn);
        } else {
            size_t ml = strlen(missing);
            snprintf(missing + ml, sizeof missing - ml, "%s%s", ml ? "; " : "", tp->label);
        }
    }
    json_object_set_new(d, "topics", topics);
    json_object_set_new(d, "topics_covered", json_integer(covered));
    if (covered < CWT__PRIVACY_TOPICS) {
        char msg[640];
        snprintf(msg, sizeof msg, "The privacy policy covers %u of 8 topics; missing: %s.", covered, missing);
        cwt__signal_finding(out, "privacy.missing_topics", covered < 5 ? CWT__SEV_WARN : CWT__SEV_INFO, msg,
                            "Add a section for each missing topic.", purl, NULL);
    }

    /* readability, in the policy's language */
    char lang[16] = "";
    struct cwt__langid *lid = NULL;
    if (cwt__langid_new(NULL, &lid) == CWT_OK) {
        if (!cwt__doc_lang(doc, lid, lang, sizeof lang))
            lang[0] = '\0';
        cwt__langid_free(lid);
    }
    if (!lang[0] && doc->lang) {
        snprintf(lang, sizeof lang, "%s", doc->lang);
        lang[strcspn(lang, "-_")] = '\0';
    }
    if (!lang[0])
        snprintf(lang, sizeof lang, "en");
    struct readab r;
    readability(doc, lang, &r);
    json_t *rd = json_object();
    json_object_set_new(rd, "lang", json_string(lang));
    json_object_set_new(rd, "method", json_string(r.method));
    json_object_set_new(rd, "score", json_real(r.score));
    if (strcmp(r.method, "flesch") == 0) {
        json_object_set_new(rd, "flesch_reading_ease", json_real(r.ts.flesch_ease));
        json_object_set_new(rd, "flesch_kincaid_grade", json_real(r.ts.fk_grade));
        json_object_set_new(rd, "words", json_integer((json_int_t)r.ts.words));
        json_object_set_new(rd, "sentences", json_integer((json_int_t)r.ts.sentences));
    } else if (strcmp(r.method, "words_per_sentence") == 0) {
        json_object_set_new(rd, "words_per_sentence", json_real(r.per_sentence));
    } else {
        json_object_set_new(rd, "chars_per_sentence", json_real(r.per_sentence));
    }
    add_detail(out, "readability", rd);
    if (r.hard) {
        char msg[200];
        if (strcmp(r.method, "flesch") == 0)
            snprintf(msg, sizeof msg, "The privacy policy is hard to read (Flesch reading ease %.0f, grade %.1f).",
                     r.ts.flesch_ease, r.ts.fk_grade);
        else
            snprintf(msg, sizeof msg, "The privacy policy is hard to read (%.0f %s per sentence).", r.per_sentence,
                     strcmp(r.method, "words_per_sentence") == 0 ? "words" : "characters");
        cwt__signal_finding(out, "privacy.hard_to_read", CWT__SEV_WARN, msg,
                            "Use shorter sentences and plain words; put a short summary at the top.", purl, NULL);
    }

    out->raw = covered;
    out->value = cwt__clamp01(0.2 + link_part + 0.45 * covered / 8.0 + 0.15 * r.score);
    /* a short page may be a stub or a cookie banner: less sure what it covers */
    out->confidence = doc->text_len > 1500 ? 0.9 : 0.7;
    cwt__signal_summary(out, "privacy policy %s: %u of 8 topics, linked from %s and %zu of %zu pages, readability %.2f (%s, %s)",
                        purl, covered, home_links ? "the home page" : "not the home page", linking, pages, r.score,
                        lang, r.method);
    if (covered < CWT__PRIVACY_TOPICS || !home_links || r.hard)
        cwt__signal_fix(out, "%s%s%s", covered < CWT__PRIVACY_TOPICS ? "Cover every topic in the policy. " : "",
                        !home_links ? "Link the policy from the home page. " : "",
                        r.hard ? "Shorten its sentences." : "");
    return CWT_OK;
}
