/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the crawl of one site: the home page and
 * robots.txt first (RFC 9309 honoured for the product token "cwtap"), then
 * the sitemap and the plain-http probe, then rounds of due-diligence pages
 * chosen by plan.c from the links seen so far (and the sitemap), until every
 * role is filled or a budget runs out: pages, depth, bytes per page and per
 * site, redirects, wall time. Politeness: robots.txt Crawl-delay (capped)
 * serialises requests; a 429/503 with a short Retry-After (seconds or an
 * HTTP-date) gets one retry when the site's time allows;
 * a storm of failures stops the crawl. Every decision that drops or limits
 * something leaves a note in the result. See docs/internals/crawl.md.
 */
#include <arpa/inet.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <time.h>

#include "crawl/crawl.h"
#include "crawl/plan.h"
#include "crawl/robots.h"
#include "fetch/lookup.h"
#include "page/sitemap.h"
#include "page/textstat.h"
#include "util/buf.h"
#include "util/timeutil.h"
#include "util/url.h"

enum {
    MAX_NOTES = 64,
    MAX_CANDS = 5000,
    MAX_SITEMAP_URLS = 2000,
    MAX_SITEMAPS = 2,          /* sitemaps read from robots.txt (else /sitemap.xml) */
    MAX_CHILD_SITEMAPS = 4,    /* child sitemaps followed from sitemap indexes, per site */
    MAX_SITEMAP_BYTES = 4 << 20,        /* bytes read of one sitemap */
    MAX_SITEMAP_TOTAL_BYTES = 12 << 20, /* bytes read of all the sitemaps of a site */
    STORM = 4,           /* consecutive failed requests that stop the crawl */
    MAX_RETRIES = 3,     /* Retry-After retries per site */
    MIN_REQUEST_MS = 1000, /* no request is started with less time left than this */
};

struct cand {
    char *url;
    char *reason;
    const char *role;
    int score;
    unsigned depth;
    size_t order;
    bool used;
};

struct crawler {
    const struct cwt_ctx *ctx;
    const struct cwt_limits *lim;
    struct cwt__fetcher *f;
    struct cwt__crawl *c;
    size_t pages_cap;
    struct cwt__robots *robots;
    char *site;          /* registrable domain of the home page's final host */
    char origin[300];    /* scheme://host[:port] of the home page's final URL */
    int64_t start_us, deadline_us, last_fetch_us;
    size_t bytes_left;
    unsigned retries_left;
    unsigned fails_in_row;
    double delay_s;
    double max_delay_s;
    unsigned max_retry_after_s;
    struct cand *cands;
    size_t ncands, cands_cap;
    unsigned role_got[32], role_tries[32];
    bool stop;
    struct judged *judged; /* JUDGED_SLOTS memoised link judgements, NULL until the first */
};

static void note(struct crawler *cr, const char *fmt, ...) CWT_PRINTF(2, 3);
static void note(struct crawler *cr, const char *fmt, ...)
{
    struct cwt__crawl *c = cr->c;
    size_t cap = c->nnotes;
    if (c->nnotes >= MAX_NOTES || CWT_GROW(c->notes, c->nnotes, &cap, MAX_NOTES) != CWT_OK)
        return;
    struct cwt_buf b;
    cwt_buf_init(&b, 1024);
    va_list ap;
    va_start(ap, fmt);
    cwt_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    char *s = cwt_buf_detach(&b, NULL);
    if (s)
        c->notes[c->nnotes++] = s;
}

static void sleep_ms(long ms)
{
    if (ms <= 0)
        return;
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0)
        ;
}

static long time_left_ms(const struct crawler *cr)
{
    return (long)((cr->deadline_us - cwt_ctx_now_us(cr->ctx)) / 1000);
}

/* Path and query of @p url ("/" when none); points into @p url. */
static const char *path_of(const char *url)
{
    const char *p = strstr(url, "://");
    if (!p)
        return "/";
    p += 3;
    size_t n = strcspn(p, "/?#");
    return p[n] == '/' ? p + n : "/";
}

static char *site_of(const char *url)
{
    struct cwt_url u;
    if (cwt__url_split(url, &u, NULL) != CWT_OK)
        return NULL;
    return cwt__registrable_domain(u.host);
}

static bool same_site(const struct crawler *cr, const char *url)
{
    char *s = site_of(url);
    bool same = s && cr->site && strcmp(s, cr->site) == 0;
    cwt_free(s);
    return same;
}

static void set_origin(struct crawler *cr, const char *url)
{
    struct cwt_url u;
    cr->origin[0] = '\0';
    if (cwt__url_split(url, &u, NULL) != CWT_OK)
        return;
    bool v6 = strchr(u.host, ':') != NULL;
    if (u.explicit_port)
        snprintf(cr->origin, sizeof cr->origin, "%s://%s%s%s:%d", u.scheme, v6 ? "[" : "", u.host, v6 ? "]" : "",
                 u.port);
    else
        snprintf(cr->origin, sizeof cr->origin, "%s://%s%s%s", u.scheme, v6 ? "[" : "", u.host, v6 ? "]" : "");
}

static int role_index(const char *role)
{
    for (size_t i = 0; i < cwt__nrole_quotas; i++)
        if (strcmp(cwt__role_quotas[i].role, role) == 0)
            return (int)i;
    return -1;
}

/* Whether @p url was fetched already (as requested or as landed). */
static bool fetched(const struct crawler *cr, const char *url)
{
    for (size_t i = 0; i < cr->c->npages; i++) {
        const struct cwt__response *r = &cr->c->pages[i].resp;
        if ((r->url && strcmp(r->url, url) == 0) || (r->final_url && strcmp(r->final_url, url) == 0))
            return true;
    }
    return false;
}

/* Adds or improves a candidate. @p role/@p score from the plan (or forced). Takes nothing. */
static enum cwt_status add_cand(struct crawler *cr, const char *url, const char *role, int score, unsigned depth,
                                const char *reason_fmt, ...) CWT_PRINTF(6, 7);
static enum cwt_status add_cand(struct crawler *cr, const char *url, const char *role, int score, unsigned depth,
                                const char *reason_fmt, ...)
{
    if (!role || depth > cr->lim->max_depth)
        return CWT_OK;
    /* a link already a candidate at this score or better (the site's navigation, on every page) is settled
     * before the dearer checks, which only decide between returning and going on */
    struct cand *k = NULL;
    for (size_t i = 0; i < cr->ncands; i++)
        if (strcmp(cr->cands[i].url, url) == 0) {
            k = &cr->cands[i];
            break;
        }
    if (k && (k->used || k->score >= score))
        return CWT_OK;
    if (cwt__plan_is_file(url) || fetched(cr, url) || !same_site(cr, url))
        return CWT_OK;
    if (!k) {
        if (cr->ncands >= MAX_CANDS)
            return CWT_OK;
        enum cwt_status st = CWT_GROW(cr->cands, cr->ncands, &cr->cands_cap, MAX_CANDS);
        if (st)
            return st;
        k = &cr->cands[cr->ncands];
        memset(k, 0, sizeof *k);
        if (!(k->url = cwt_strdup(url)))
            return CWT_ENOMEM;
        k->order = cr->ncands++;
    }
    struct cwt_buf b;
    cwt_buf_init(&b, 600);
    va_list ap;
    va_start(ap, reason_fmt);
    cwt_buf_vprintf(&b, reason_fmt, ap);
    va_end(ap);
    cwt_free(k->reason);
    k->reason = cwt_buf_detach(&b, NULL);
    k->role = role;
    k->score = score;
    k->depth = depth;
    return k->reason ? CWT_OK : CWT_ENOMEM;
}

/* Short quoted form of link text for reasons. */
static void clip(const char *s, char *out, size_t cap)
{
    size_t n = strnlen(s, cap - 1);
    if (n == cap - 1) /* do not cut a UTF-8 sequence in half */
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    memcpy(out, s, n);
    out[n] = '\0';
}

/* Link judgements of this crawl, direct-mapped by a hash of (text, URL): navigation, header and footer
 * links repeat on every page of a site, and judging one walks the keyword table. */
#define JUDGED_SLOTS 1024
struct judged {
    char *text, *href; /* NULL: an empty slot */
    struct cwt__link_role r;
};

/* Mixes the @p n bytes at @p s into @p h, eight at a time (a byte at a time was most of the link loop). */
static uint64_t hash_mix(uint64_t h, const char *s, size_t n)
{
    for (; n >= 8; s += 8, n -= 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        h = (h ^ w) * 0x9E3779B97F4A7C15u;
        h ^= h >> 29;
    }
    uint64_t w = 0;
    memcpy(&w, s, n);
    h = (h ^ w ^ ((uint64_t)n << 56)) * 0x9E3779B97F4A7C15u;
    return h ^ (h >> 32);
}

static uint64_t judged_hash(const char *text, const char *href)
{
    uint64_t h = hash_mix(1469598103934665603u, text ? text : "", text ? strlen(text) : 0);
    return hash_mix(h ^ 0xFF, href, strlen(href)); /* (a collision costs a judgement: the slot's strings are compared) */
}

/* cwt__plan_judge() of a link, from the memo when the same text and URL were judged before. */
static void judge(struct crawler *cr, const char *text, const char *href, struct cwt__link_role *out)
{
    if (!cr->judged && !(cr->judged = cwt_calloc(JUDGED_SLOTS, sizeof *cr->judged))) {
        cwt__plan_judge(text, href, out);
        return;
    }
    struct judged *j = &cr->judged[judged_hash(text, href) & (JUDGED_SLOTS - 1)];
    if (j->href && strcmp(j->href, href) == 0 && strcmp(j->text, text ? text : "") == 0) {
        *out = j->r;
        return;
    }
    cwt__plan_judge(text, href, out);
    char *t = cwt_strdup(text ? text : ""), *h = cwt_strdup(href);
    if (!t || !h) { /* no memo for this one */
        cwt_free(t);
        cwt_free(h);
        return;
    }
    cwt_free(j->text);
    cwt_free(j->href);
    *j = (struct judged){t, h, *out};
}

static enum cwt_status cands_from_doc(struct crawler *cr, const struct cwt__crawl_page *pg)
{
    const struct cwt__doc *d = pg->doc;
    if (!d)
        return CWT_OK;
    bool products = pg->role && strcmp(pg->role, "products") == 0;
    const char *lpath = products ? path_of(pg->resp.final_url ? pg->resp.final_url : pg->resp.url) : NULL;
    size_t lpl = lpath ? strcspn(lpath, "?") : 0;
    while (lpl && lpath[lpl - 1] == '/')
        lpl--;
    const char *where = pg->depth == 0 ? "the home page" : d->url;
    for (size_t i = 0; i < d->nlinks; i++) {
        const struct cwt__link *l = &d->links[i];
        if (!l->href)
            continue;
        struct cwt__link_role jr;
        judge(cr, l->text, l->href, &jr);
        bool under = false; /* deeper under the products listing: a product page */
        if (products && lpl > 1) {
            const char *hp = path_of(l->href);
            under = strncmp(hp, lpath, lpl) == 0 && hp[lpl] == '/' && hp[lpl + 1] && hp[lpl + 1] != '?' &&
                    (!jr.role || strcmp(jr.role, "product") == 0 || strcmp(jr.role, "products") == 0);
        }
        if (!jr.role && !under)
            continue;
        char t[96];
        clip(l->text ? l->text : "", t, sizeof t);
        enum cwt_status st = CWT_OK;
        if (jr.role && jr.by_text)
            st = add_cand(cr, l->href, jr.role, jr.score, pg->depth + 1, "link text '%s' on %s", t, where);
        else if (jr.role)
            st = add_cand(cr, l->href, jr.role, jr.score, pg->depth + 1, "url keyword '%s' of a link on %s", jr.word,
                          where);
        if (st)
            return st;
        if (under && (st = add_cand(cr, l->href, "product", 25, pg->depth + 1,
                                    "link '%s' under the products page %s", t, d->url)))
            return st;
    }
    return CWT_OK;
}

/* The wait a 429/503 asks for, in seconds: Retry-After as delta-seconds or as an HTTP-date (taken against
 * the response's own Date header when it has one, so that a skewed server clock does not count, else
 * against ours); -1 when absent or malformed (then no retry). */
static long retry_after_s(const struct crawler *cr, const struct cwt__response *r)
{
    const char *v = cwt__response_header(r, "retry-after");
    if (!v)
        return -1;
    int64_t now, wait;
    const char *date = cwt__response_header(r, "date");
    if (!date || cwt_time_parse_http(date, &now) != CWT_OK)
        now = cwt_ctx_now(cr->ctx);
    if (cwt_retry_after_parse(v, now, &wait) != CWT_OK)
        return -1;
    return wait > LONG_MAX / 2000 ? LONG_MAX / 2000 : (long)wait; /* so that wait * 1000 cannot overflow */
}

static bool failed(const struct cwt__response *r)
{
    return r->rc != CWT_OK || r->status >= 500 || r->status == 429;
}

/*
 * Fetches @p n requests (serially with the crawl delay when there is one),
 * retries a 429/503 with a short Retry-After once, accounts bytes and
 * failures. out[i] is always filled.
 */
static enum cwt_status fetch_batch(struct crawler *cr, struct cwt__fetch_req *reqs, size_t n, struct cwt__response *out)
{
    enum cwt_status st = CWT_OK;
    long left = time_left_ms(cr);
    for (size_t i = 0; i < n; i++) {
        if (!reqs[i].timeout_ms || reqs[i].timeout_ms > left)
            reqs[i].timeout_ms = CWT_MAX(left, 1L);
        if (!reqs[i].max_bytes || reqs[i].max_bytes > cr->bytes_left)
            reqs[i].max_bytes = CWT_MAX(cr->bytes_left, (size_t)1);
    }
    if (cr->delay_s > 0) {
        for (size_t i = 0; i < n && st == CWT_OK; i++) {
            long wait = (long)(cr->delay_s * 1000) - (long)((cwt_ctx_now_us(cr->ctx) - cr->last_fetch_us) / 1000);
            if (cr->last_fetch_us && wait > 0)
                sleep_ms(CWT_MIN(wait, time_left_ms(cr)));
            st = cwt__fetcher_run(cr->f, &reqs[i], 1, &out[i]);
            cr->last_fetch_us = cwt_ctx_now_us(cr->ctx);
        }
    } else {
        st = cwt__fetcher_run(cr->f, reqs, n, out);
        cr->last_fetch_us = cwt_ctx_now_us(cr->ctx);
    }
    cr->c->requests += (unsigned)n;
    for (size_t i = 0; i < n && st == CWT_OK; i++) {
        struct cwt__response *r = &out[i];
        long ra = (r->status == 429 || r->status == 503) ? retry_after_s(cr, r) : -1;
        bool in_time = time_left_ms(cr) > ra * 1000 + MIN_REQUEST_MS; /* the wait is capped by the site's time */
        if (ra >= 0 && cr->retries_left && ra <= (long)cr->max_retry_after_s && !in_time) {
            note(cr, "'%s' answered %ld with Retry-After: %s (%ld s), longer than the site's time left; not retried",
                 r->url, r->status, cwt__response_header(r, "retry-after"), ra);
        } else if (ra >= 0 && cr->retries_left && ra <= (long)cr->max_retry_after_s) {
            cr->retries_left--;
            note(cr, "'%s' answered %ld with Retry-After: %s (%ld s); retried once after waiting", r->url, r->status,
                 cwt__response_header(r, "retry-after"), ra);
            sleep_ms(ra * 1000);
            struct cwt__response again;
            reqs[i].timeout_ms = CWT_MIN(reqs[i].timeout_ms, CWT_MAX(time_left_ms(cr), 1L));
            st = cwt__fetcher_run(cr->f, &reqs[i], 1, &again);
            cr->c->requests++;
            cwt__response_release(r);
            *r = again;
        } else if (ra > (long)cr->max_retry_after_s) {
            note(cr, "'%s' answered %ld with Retry-After: %s (%ld s), longer than the %u s we wait; not retried",
                 r->url, r->status, cwt__response_header(r, "retry-after"), ra, cr->max_retry_after_s);
        }
    }
    for (size_t i = 0; i < n; i++) {
        cr->c->total_bytes += out[i].body_len;
        cr->bytes_left -= CWT_MIN(cr->bytes_left, out[i].body_len);
        if (failed(&out[i]))
            cr->fails_in_row++;
        else
            cr->fails_in_row = 0;
    }
    if (cr->fails_in_row >= STORM && !cr->stop) {
        cr->stop = true;
        note(cr, "%u requests in a row failed (server errors, 429 or no response); the crawl stopped early",
             cr->fails_in_row);
    }
    return st;
}

static bool is_html(const struct cwt__response *r)
{
    return r->body && r->body_len &&
           (!r->content_type || strcmp(r->content_type, "text/html") == 0 ||
            strcmp(r->content_type, "application/xhtml+xml") == 0);
}

/* Appends a page (taking @p r) and parses it; pages_cap was reserved. */
static enum cwt_status add_page(struct crawler *cr, struct cwt__response *r, const char *role, const char *reason,
                                unsigned depth)
{
    struct cwt__crawl *c = cr->c;
    enum cwt_status st = CWT_GROW(c->pages, c->npages, &cr->pages_cap, (size_t)cr->lim->max_pages + 1);
    if (st) {
        cwt__response_release(r);
        return st;
    }
    struct cwt__crawl_page *pg = &c->pages[c->npages++];
    memset(pg, 0, sizeof *pg);
    pg->resp = *r;
    memset(r, 0, sizeof *r);
    pg->role = role;
    pg->depth = depth;
    pg->reason = cwt_strdup(reason);
    if (!pg->reason)
        return CWT_ENOMEM;
    if (pg->resp.truncated)
        note(cr, "'%s' was cut at %zu bytes (page byte budget)", pg->resp.url, pg->resp.body_len);
    if (pg->resp.charset_note)
        note(cr, "'%s': %s", pg->resp.url, pg->resp.charset_note);
    if (pg->resp.rc == CWT_OK && !is_html(&pg->resp) && pg->resp.content_type)
        note(cr, "'%s' is %s, not html", pg->resp.url, pg->resp.content_type);
    if (is_html(&pg->resp)) {
        struct cwt_err err;
        cwt_err_clear(&err);
        st = cwt__doc_parse(cr->ctx, pg->resp.body, pg->resp.body_len,
                            pg->resp.final_url ? pg->resp.final_url : pg->resp.url, &pg->doc, &err);
        if (st == CWT_ENOMEM)
            return st;
        if (st) {
            note(cr, "cannot parse '%s': %s", pg->resp.url, err.msg);
            pg->doc = NULL;
        } else {
            /* the text's language, once per page (the languages and privacy signals both use it) */
            struct cwt__langid *lid = NULL;
            st = cwt__langid_new(NULL, &lid);
            if (st == CWT_OK)
                st = cwt__doc_detect_lang(pg->doc, lid);
            cwt__langid_free(lid);
            if (st)
                return st;
        }
    }
    return CWT_OK;
}

static enum cwt_status load_robots(struct crawler *cr, struct cwt__response *r)
{
    static const char deny_all[] = "User-agent: *\nDisallow: /\n";
    cr->c->robots_status = r->status;
    cwt__robots_free(cr->robots);
    cr->robots = NULL;
    if (r->rc != CWT_OK || r->status >= 500 || r->status == 429) {
        note(cr, "robots.txt of '%s' is unreachable (%s); as RFC 9309 says, nothing beyond the home page is crawled",
             cr->origin, r->error ? r->error : (r->status == 429 ? "429" : "server error"));
        return cwt__robots_parse(deny_all, sizeof deny_all - 1, CWT__ROBOTS_AGENT, &cr->robots);
    }
    if (r->status >= 400) {
        note(cr, "no robots.txt at '%s' (%ld): everything may be crawled", cr->origin, r->status);
        return CWT_OK;
    }
    if (r->status >= 300) /* more redirects than we follow */
        return CWT_OK;
    enum cwt_status st = cwt__robots_parse(r->body ? r->body : "", r->body_len, CWT__ROBOTS_AGENT, &cr->robots);
    if (st)
        return st;
    cr->c->robots_rules = cwt__robots_nrules(cr->robots);
    double d = cwt__robots_crawl_delay(cr->robots);
    if (d > 0) {
        cr->delay_s = CWT_MIN(d, cr->max_delay_s);
        cr->c->crawl_delay_s = cr->delay_s;
        note(cr, "robots.txt asks for a crawl-delay of %.3g s%s; requests are made one at a time", d,
             d > cr->max_delay_s ? " (capped)" : "");
    }
    return CWT_OK;
}

/* Reads one fetched sitemap (taking nothing): a urlset's pages become candidates; an index's child
 * sitemaps (same site, allowed by robots.txt, not seen yet) are added to @p kids, at most
 * MAX_CHILD_SITEMAPS in all, the ones named like page sitemaps first ("page-sitemap.xml" lists the
 * company pages; product and post sitemaps come after). A child that is itself an index is not followed
 * (sitemaps.org forbids nesting). */
_Static_assert(MAX_CHILD_SITEMAPS >= MAX_SITEMAPS, "round_sitemaps reuses its request arrays");

static enum cwt_status use_sitemap(struct crawler *cr, const struct cwt__response *r, bool child, char **kids,
                                   size_t *nkids)
{
    if (r->rc != CWT_OK || r->status != 200 || !r->body_len)
        return CWT_OK;
    if (r->body_len >= 2 && (unsigned char)r->body[0] == 0x1f && (unsigned char)r->body[1] == 0x8b) {
        note(cr, "'%s' is a gzip-compressed sitemap file; not read", r->url);
        return CWT_OK;
    }
    struct cwt__sitemap sm;
    struct cwt_err err;
    enum cwt_status st = cwt__sitemap_parse(r->body, r->body_len, MAX_SITEMAP_URLS, &sm, &err);
    if (st == CWT_EPARSE) {
        note(cr, "'%s' is not a sitemap: %s", r->url, err.msg);
        return CWT_OK;
    }
    if (st)
        return st;
    if (sm.truncated)
        note(cr, "sitemap '%s' has more entries than the %d read%s", r->url, MAX_SITEMAP_URLS,
             r->truncated ? " (cut at the sitemap byte budget)" : "");
    if (!sm.is_index) {
        cr->c->sitemap_urls += sm.nurls;
        for (size_t k = 0; k < sm.nurls && st == CWT_OK; k++) {
            struct cwt__link_role jr;
            cwt__plan_judge(NULL, sm.urls[k], &jr);
            if (jr.role)
                st = add_cand(cr, sm.urls[k], jr.role, jr.score, 1, "url keyword '%s' in %s", jr.word, r->url);
        }
    } else if (child) {
        note(cr, "'%s' is a sitemap index inside a sitemap index; not followed", r->url);
    } else {
        size_t before = *nkids, skipped = 0;
        for (int pass = 0; pass < 2 && st == CWT_OK; pass++)
            for (size_t k = 0; k < sm.nurls && st == CWT_OK; k++) {
                const char *u = sm.urls[k];
                bool pages = strstr(path_of(u), "page") != NULL;
                if (pages != (pass == 0))
                    continue;
                bool seen = false;
                for (size_t j = 0; j < *nkids && !seen; j++)
                    seen = strcmp(kids[j], u) == 0;
                if (seen)
                    continue;
                if (!same_site(cr, u) || !cwt__robots_allowed(cr->robots, path_of(u)) ||
                    *nkids >= MAX_CHILD_SITEMAPS) {
                    skipped++;
                    continue;
                }
                if (!(kids[*nkids] = cwt_strdup(u)))
                    st = CWT_ENOMEM;
                else
                    (*nkids)++;
            }
        note(cr, "'%s' is a sitemap index of %zu sitemaps: %zu followed, %zu not (another site, disallowed "
                 "by robots.txt or past the %d followed per site)",
             r->url, sm.nurls, *nkids - before, skipped, MAX_CHILD_SITEMAPS);
    }
    cwt__sitemap_release(&sm);
    return st;
}

/* The sitemap(s) and the http probe, then the child sitemaps of the sitemap indexes among them. */
static enum cwt_status round_sitemaps(struct crawler *cr, const struct cwt__crawl_opts *co)
{
    struct cwt__fetch_req reqs[MAX_CHILD_SITEMAPS + 1];
    char *urls[MAX_SITEMAPS + 1] = {0}, *kids[MAX_CHILD_SITEMAPS] = {0};
    struct cwt__response out[MAX_CHILD_SITEMAPS + 1];
    size_t n = 0, nmaps = 0, nkids = 0, sm_bytes_left = MAX_SITEMAP_TOTAL_BYTES;
    enum cwt_status st = CWT_OK;
    const char *const *listed;
    size_t nl = cwt__robots_sitemaps(cr->robots, &listed);
    for (size_t i = 0; i < nl && nmaps < MAX_SITEMAPS; i++)
        if (same_site(cr, listed[i]) && cwt__robots_allowed(cr->robots, path_of(listed[i])))
            urls[nmaps++] = cwt_strdup(listed[i]);
    if (nmaps == 0 && cwt__robots_allowed(cr->robots, "/sitemap.xml")) {
        struct cwt_buf b;
        cwt_buf_init(&b, 400);
        cwt_buf_printf(&b, "%s/sitemap.xml", cr->origin);
        urls[nmaps++] = cwt_buf_detach(&b, NULL);
    }
    for (size_t i = 0; i < nmaps; i++) {
        if (!urls[i]) {
            st = CWT_ENOMEM;
            goto out;
        }
        reqs[n++] = (struct cwt__fetch_req){.url = urls[i], .max_bytes = MAX_SITEMAP_BYTES};
    }
    bool probe = !co->no_http_probe && (co->http_probe_url || strncmp(cr->c->start_url, "https:", 6) == 0);
    char probe_url[300];
    if (probe) {
        struct cwt_url u;
        if (co->http_probe_url)
            snprintf(probe_url, sizeof probe_url, "%s", co->http_probe_url);
        else if (cwt__url_split(cr->c->start_url, &u, NULL) == CWT_OK)
            snprintf(probe_url, sizeof probe_url, "http://%s%s%s/", strchr(u.host, ':') ? "[" : "", u.host,
                     strchr(u.host, ':') ? "]" : "");
        else
            probe = false;
        if (probe)
            /* only the status and where the redirects end are judged (sig_tls): the body, most often
             * the home page again over the https connection, is not read */
            reqs[n++] = (struct cwt__fetch_req){.url = probe_url, .headers_only = true};
    }
    if (!n)
        goto out;
    st = fetch_batch(cr, reqs, n, out);
    if (st) {
        for (size_t i = 0; i < n; i++)
            cwt__response_release(&out[i]);
        goto out;
    }
    if (probe) {
        cr->c->http_probe = out[n - 1];
        cr->c->have_http_probe = true;
        n--;
    }
    for (size_t i = 0; i < n; i++) {
        sm_bytes_left -= CWT_MIN(sm_bytes_left, out[i].body_len);
        if (st == CWT_OK)
            st = use_sitemap(cr, &out[i], false, kids, &nkids);
        cwt__response_release(&out[i]);
    }
    /* the child sitemaps, sharing what is left of the sitemap byte budget */
    if (st || !nkids)
        goto out;
    if (cr->stop || time_left_ms(cr) <= MIN_REQUEST_MS || sm_bytes_left < nkids * 1024) {
        note(cr, "the %zu child sitemap(s) were not fetched: %s", nkids,
             cr->stop ? "the crawl stopped" : time_left_ms(cr) <= MIN_REQUEST_MS ? "no time left" : "no bytes left");
        goto out;
    }
    for (size_t i = 0; i < nkids; i++)
        reqs[i] = (struct cwt__fetch_req){.url = kids[i], .max_bytes = CWT_MIN((size_t)MAX_SITEMAP_BYTES,
                                                                                  sm_bytes_left / nkids)};
    st = fetch_batch(cr, reqs, nkids, out);
    for (size_t i = 0; i < nkids; i++) {
        if (st == CWT_OK)
            st = use_sitemap(cr, &out[i], true, kids, &nkids);
        cwt__response_release(&out[i]);
    }
out:
    for (size_t i = 0; i < nmaps; i++)
        cwt_free(urls[i]);
    for (size_t i = 0; i < nkids; i++)
        cwt_free(kids[i]);
    return st;
}

static bool budget_left(struct crawler *cr)
{
    if (cr->stop)
        return false;
    if (cr->c->npages >= cr->lim->max_pages) {
        note(cr, "page budget of %u reached", cr->lim->max_pages);
        cr->stop = true;
    } else if (cr->bytes_left == 0) {
        note(cr, "byte budget of %zu bytes per site reached", cr->lim->max_total_bytes);
        cr->stop = true;
    } else if (time_left_ms(cr) < MIN_REQUEST_MS) {
        note(cr, "site time budget of %ld ms reached", cr->lim->site_time_ms);
        cr->stop = true;
    }
    return !cr->stop;
}

/* One round: the best unused candidate for each unfilled role, fetched together. Returns pages added in *added. */
static enum cwt_status round_pages(struct crawler *cr, size_t *added)
{
    enum { MAX_BATCH = 16 };
    size_t pick[MAX_BATCH]; /* indices: cands may move while pages are added */
    size_t n = 0;
    *added = 0;
    size_t room = cr->lim->max_pages - cr->c->npages;
    for (size_t q = 0; q < cwt__nrole_quotas && n < CWT_MIN(room, (size_t)MAX_BATCH); q++) {
        const struct cwt__role_quota *rq = &cwt__role_quotas[q];
        unsigned want = rq->want, now = 0;
        /* at most the missing pages this round, and one failed attempt per role in all */
        while (now < want - CWT_MIN(want, cr->role_got[q]) && cr->role_got[q] + cr->role_tries[q] < want + 1 &&
               n < CWT_MIN(room, (size_t)MAX_BATCH)) {
            struct cand *best = NULL;
            size_t bi = 0;
            for (size_t i = 0; i < cr->ncands; i++) {
                struct cand *k = &cr->cands[i];
                if (k->used || strcmp(k->role, rq->role) != 0)
                    continue;
                if (!best || k->score > best->score || (k->score == best->score && k->depth < best->depth)) {
                    best = k;
                    bi = i;
                }
            }
            if (!best)
                break;
            best->used = true;
            if (!cwt__robots_allowed(cr->robots, path_of(best->url))) {
                note(cr, "robots.txt disallows '%s' (%s page); not fetched", best->url, rq->role);
                continue;
            }
            cr->role_tries[q]++;
            now++;
            pick[n++] = bi;
        }
    }
    if (!n)
        return CWT_OK;
    struct cwt__fetch_req reqs[MAX_BATCH];
    struct cwt__response out[MAX_BATCH];
    for (size_t i = 0; i < n; i++)
        reqs[i] = (struct cwt__fetch_req){.url = cr->cands[pick[i]].url};
    enum cwt_status st = fetch_batch(cr, reqs, n, out);
    for (size_t i = 0; i < n; i++) {
        if (st) {
            cwt__response_release(&out[i]);
            continue;
        }
        const struct cand *k = &cr->cands[pick[i]];
        int q = role_index(k->role);
        bool ok = out[i].rc == CWT_OK && out[i].status >= 200 && out[i].status < 300;
        if (ok && q >= 0) {
            cr->role_got[q]++;
            cr->role_tries[q]--;
        }
        st = add_page(cr, &out[i], k->role, k->reason, k->depth);
        if (st == CWT_OK && ok)
            st = cands_from_doc(cr, &cr->c->pages[cr->c->npages - 1]); /* k may move from here on */
        (*added)++;
    }
    return st;
}

/* True when libcurl would ask the system's resolver for @p host: a name, not an address literal, nor
 * "localhost" (libcurl answers those itself), in ASCII (libcurl converts IDNs first) and without
 * a trailing dot. */
static bool resolver_name(const char *host)
{
    unsigned char tmp[16];
    size_t n = strlen(host);
    if (!n || host[n - 1] == '.' || strchr(host, ':') || inet_pton(AF_INET, host, tmp) == 1 ||
        strcasecmp(host, "localhost") == 0 || (n > 10 && strcasecmp(host + n - 10, ".localhost") == 0))
        return false;
    for (const char *p = host; *p; p++)
        if ((unsigned char)*p >= 0x80)
            return false;
    return true;
}

/* The port of @p url when its host is @p host (any case), else 0. */
static int port_for_host(const char *url, const char *host)
{
    struct cwt_url pu;
    return url && cwt__url_split(url, &pu, NULL) == CWT_OK && strcasecmp(pu.host, host) == 0 ? pu.port : 0;
}

/* The entries "HOST:PORT:ADDRS" for @p host looked up once (see augment_resolve). */
static enum cwt_status lookup_resolve(const char *host, int url_port, int probe_port, long lookup_ms, char ***extra,
                                      size_t *nextra)
{
    char addrs[1024];
    if (!resolver_name(host) || !cwt__lookup_addrs(host, lookup_ms, addrs, sizeof addrs))
        return CWT_OK;
    int ports[4] = {80, 443, url_port, probe_port}, n = 0;
    char **x = cwt_calloc(CWT_ARRAY_LEN(ports), sizeof *x);
    if (!x)
        return CWT_ENOMEM;
    for (size_t k = 0; k < CWT_ARRAY_LEN(ports); k++) {
        bool dup = ports[k] <= 0;
        for (size_t j = 0; j < k && !dup; j++)
            dup = ports[j] == ports[k];
        if (dup)
            continue;
        struct cwt_buf b;
        cwt_buf_init(&b, 1400);
        cwt_buf_printf(&b, "%s:%d:%s", host, ports[k], addrs);
        if (!(x[n] = cwt_buf_detach(&b, NULL))) {
            for (int j = 0; j < n; j++)
                cwt_free(x[j]);
            cwt_free(x);
            return CWT_ENOMEM;
        }
        n++;
    }
    *extra = x;
    *nextra = (size_t)n;
    return CWT_OK;
}

/*
 * curl's --resolve is per port; a user who says "this host is at ADDR" for its
 * https port means the host. So that the plain-http probe (port 80) and
 * http/https variants of the start host never fall through to real DNS, the
 * start host gets entries for ports 80 and 443 at the same address when it has
 * one for any port. A start host the user gave no address for is looked up
 * once here (fetch/lookup.c: libcurl would start a resolver thread for each
 * of its ports), and gets entries with the answer for ports 80 and 443, the
 * start URL's and the probe's (@p probe_port, 0 when none); when the look-up
 * fails or runs out of time, libcurl looks the name up itself as before.
 * Returns the extra entries (caller frees each and the array).
 */
static enum cwt_status augment_resolve(const struct cwt__fetch_opts *in, const char *host, int url_port,
                                       int probe_port, long lookup_ms, char ***extra, size_t *nextra)
{
    static const char *const ports[] = {"80", "443"};
    const char *addr = NULL;
    size_t hl = strlen(host);
    bool have[2] = {false, false};
    *extra = NULL;
    *nextra = 0;
    for (size_t i = 0; i < in->nresolve; i++) {
        const char *e = in->resolve[i];
        if (*e == '+')
            e++;
        if (strncasecmp(e, host, hl) != 0 || e[hl] != ':')
            continue;
        const char *port = e + hl + 1, *colon = strchr(port, ':');
        if (!colon)
            continue;
        for (size_t k = 0; k < 2; k++)
            if ((size_t)(colon - port) == strlen(ports[k]) && strncmp(port, ports[k], strlen(ports[k])) == 0)
                have[k] = true;
        if (!addr)
            addr = colon + 1;
    }
    if (!addr)
        return lookup_resolve(host, url_port, probe_port, lookup_ms, extra, nextra);
    if (have[0] && have[1])
        return CWT_OK;
    char **x = cwt_calloc(2, sizeof *x);
    if (!x)
        return CWT_ENOMEM;
    for (size_t k = 0; k < 2; k++) {
        if (have[k])
            continue;
        struct cwt_buf b;
        cwt_buf_init(&b, 600);
        cwt_buf_printf(&b, "%s:%s:%s", host, ports[k], addr);
        if (!(x[*nextra] = cwt_buf_detach(&b, NULL))) {
            for (size_t j = 0; j < *nextra; j++)
                cwt_free(x[j]);
            cwt_free(x);
            *nextra = 0;
            return CWT_ENOMEM;
        }
        (*nextra)++;
    }
    *extra = x;
    return CWT_OK;
}

enum cwt_status cwt__crawl_site_opts(const struct cwt_ctx *ctx, const struct cwt__fetch_opts *opts,
                                     const struct cwt__crawl_opts *copts, const char *url, struct cwt__crawl **out,
                                     struct cwt_err *err)
{
    static const struct cwt__crawl_opts no_opts;
    const struct cwt__crawl_opts *co = copts ? copts : &no_opts;
    struct crawler cr = {.ctx = ctx, .lim = cwt_ctx_limits(ctx), .retries_left = MAX_RETRIES};
    struct cwt_url u;
    enum cwt_status st;
    *out = NULL;
    st = cwt__url_split(url, &u, err);
    if (st)
        return st == CWT_EUNSUPPORTED ? CWT_EINVAL : st;
    cr.max_delay_s = co->max_crawl_delay_s > 0 ? co->max_crawl_delay_s : 5.0;
    cr.max_retry_after_s = co->max_retry_after_s ? co->max_retry_after_s : 10;
    cr.start_us = cwt_ctx_now_us(ctx);
    cr.deadline_us = cr.start_us + (int64_t)cr.lim->site_time_ms * 1000;
    cr.bytes_left = cr.lim->max_total_bytes;
    struct cwt__crawl *c = cr.c = CWT_NEW(struct cwt__crawl);
    if (!c || !(c->start_url = cwt_strdup(url))) {
        st = cwt_err_set(err, CWT_ENOMEM, "out of memory");
        goto fail;
    }
    char **extra = NULL;
    size_t nextra = 0;
    const char **all = NULL;
    struct cwt__fetch_opts fo = *opts;
    /* the look-up waits as long as libcurl's would: the connect timeout, within the site's time */
    long lookup_ms = CWT_MIN((long)cr.lim->connect_timeout_ms, (long)cr.lim->site_time_ms);
    if (augment_resolve(opts, u.host, u.port, port_for_host(co->http_probe_url, u.host), lookup_ms, &extra,
                        &nextra) != CWT_OK) {
        st = cwt_err_set(err, CWT_ENOMEM, "out of memory");
        goto fail;
    }
    if (nextra) {
        all = cwt_calloc(opts->nresolve + nextra, sizeof *all);
        if (!all) {
            st = cwt_err_set(err, CWT_ENOMEM, "out of memory");
            goto fail;
        }
        for (size_t i = 0; i < opts->nresolve; i++)
            all[i] = opts->resolve[i];
        for (size_t i = 0; i < nextra; i++)
            all[opts->nresolve + i] = extra[i];
        fo.resolve = all;
        fo.nresolve = opts->nresolve + nextra;
    }
    st = cwt__fetcher_new(ctx, &fo, &cr.f, err); /* curl copies the resolve entries */
    for (size_t i = 0; i < nextra; i++)
        cwt_free(extra[i]);
    cwt_free(extra);
    cwt_free(all);
    if (st)
        goto fail;
    st = CWT_ENOMEM;

    /* round 1: the home page, then robots.txt of the origin it landed on. One after the other: the
     * second request then rides the first one's connection (one TLS handshake, not two racing
     * ones), and a home page that does not answer costs no second wait for robots.txt, which is
     * only read when the home page came (nothing else is fetched otherwise). */
    set_origin(&cr, url);
    char robots_url[340];
    struct cwt__fetch_req r1 = {.url = url};
    struct cwt__response home, robots;
    memset(&robots, 0, sizeof robots);
    if (fetch_batch(&cr, &r1, 1, &home) != CWT_OK) {
        cwt__response_release(&home);
        goto nomem;
    }
    const char *landed = home.final_url ? home.final_url : url;
    cr.site = site_of(landed);
    set_origin(&cr, landed);
    if (home.rc == CWT_OK) {
        snprintf(robots_url, sizeof robots_url, "%s/robots.txt", cr.origin);
        struct cwt__fetch_req rr = {.url = robots_url, .max_bytes = CWT__ROBOTS_MAX_BYTES};
        if (fetch_batch(&cr, &rr, 1, &robots) != CWT_OK) {
            cwt__response_release(&robots);
            cwt__response_release(&home);
            goto nomem;
        }
    }
    bool home_ok = home.rc == CWT_OK;
    if (!home_ok)
        note(&cr, "home page: %s", home.error ? home.error : "no response");
    else if (home.status >= 400)
        note(&cr, "home page answered %ld", home.status);
    if (add_page(&cr, &home, "home", "the start url", 0) != CWT_OK) {
        cwt__response_release(&robots);
        goto nomem;
    }
    if (home_ok && load_robots(&cr, &robots) != CWT_OK) {
        cwt__response_release(&robots);
        goto nomem;
    }
    cwt__response_release(&robots);
    if (!home_ok || cr.c->pages[0].resp.status >= 400) {
        cr.stop = true;
    } else if (!cwt__robots_allowed(cr.robots, path_of(landed))) {
        note(&cr, "robots.txt disallows the home page for cwtap; no other page is crawled");
        cr.stop = true;
    }

    /* round 2: sitemap(s) and the plain-http probe */
    if (home_ok && time_left_ms(&cr) > MIN_REQUEST_MS && round_sitemaps(&cr, co) != CWT_OK)
        goto nomem;
    if (!cr.stop && cands_from_doc(&cr, &c->pages[0]) != CWT_OK)
        goto nomem;

    /* rounds 3+: due-diligence pages until every role is filled or a budget runs out */
    for (unsigned round = 0; round < cr.lim->max_depth + 4 && budget_left(&cr); round++) {
        size_t added;
        if (round_pages(&cr, &added) != CWT_OK)
            goto nomem;
        if (!added)
            break;
    }
    c->elapsed_ms = (double)(cwt_ctx_now_us(ctx) - cr.start_us) / 1000.0;
    st = CWT_OK;
    goto done;
nomem:
    st = cwt_err_set(err, CWT_ENOMEM, "out of memory crawling '%s'", url);
fail:
    cwt__crawl_free(cr.c);
    cr.c = NULL;
done:
    for (size_t i = 0; i < cr.ncands; i++) {
        cwt_free(cr.cands[i].url);
        cwt_free(cr.cands[i].reason);
    }
    cwt_free(cr.cands);
    for (size_t i = 0; cr.judged && i < JUDGED_SLOTS; i++) {
        cwt_free(cr.judged[i].text);
        cwt_free(cr.judged[i].href);
    }
    cwt_free(cr.judged);
    cwt__robots_free(cr.robots);
    cwt__fetcher_free(cr.f);
    cwt_free(cr.site);
    *out = cr.c;
    return st;
}

enum cwt_status cwt__crawl_site(const struct cwt_ctx *ctx, const struct cwt__fetch_opts *opts, const char *url,
                                struct cwt__crawl **out, struct cwt_err *err)
{
    return cwt__crawl_site_opts(ctx, opts, NULL, url, out, err);
}

void cwt__crawl_free(struct cwt__crawl *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->npages; i++) {
        cwt__response_release(&c->pages[i].resp);
        cwt__doc_free(c->pages[i].doc);
        cwt_free(c->pages[i].reason);
    }
    cwt_free(c->pages);
    cwt__response_release(&c->http_probe);
    for (size_t i = 0; i < c->nnotes; i++)
        cwt_free(c->notes[i]);
    cwt_free(c->notes);
    cwt_free(c->start_url);
    cwt_free(c);
}
