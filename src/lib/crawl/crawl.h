/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The crawl layer: plans and runs the bounded crawl of one site: the home
 * page, robots.txt, sitemap.xml, then the due-diligence pages (contact, about,
 * imprint, privacy, terms, returns, products, certificates, factory, test
 * reports, downloads) found by link text and URL in the languages of the
 * trade. (Contract for the other layers; crawl owns the implementation and may
 * add fields.)
 */
#ifndef CWT_CRAWL_H
#define CWT_CRAWL_H

#include "fetch/fetch.h"
#include "page/page.h"

struct cwt__crawl_page {
    struct cwt__response resp; /* always filled; resp.rc / resp.error say what went wrong */
    struct cwt__doc *doc;      /* NULL unless an HTML page was parsed */
    const char *role;          /* "home", "contact", "about", "imprint", "privacy", "terms", "returns",
                                  "products", "product", "certificates", "factory", "reports", "downloads",
                                  "other"; static */
    char *reason;              /* why it was chosen: "link text 'Contact us' on home page" */
    unsigned depth;
};

struct cwt__crawl {
    char *start_url;
    struct cwt__crawl_page *pages; /* pages[0] is the home page (possibly failed) */
    size_t npages;
    struct cwt__response http_probe; /* plain http:// of the home host (redirect to https?) */
    bool have_http_probe;
    char **notes;    /* budget hits, robots refusals, etc., human-readable */
    size_t nnotes;
    /* Added by crawl: */
    long robots_status;    /* HTTP status of robots.txt, 0 when it could not be fetched */
    size_t robots_rules;   /* rules that apply to cwtap */
    double crawl_delay_s;  /* Crawl-delay honoured (capped), 0 when none */
    size_t sitemap_urls;   /* <loc> entries read from sitemaps */
    size_t total_bytes;    /* body bytes received (pages, robots.txt, sitemaps; the probe reads none) */
    unsigned requests;     /* HTTP requests made (retries included) */
    double elapsed_ms;     /* wall time of the crawl by the ctx clock */
};

/* Options of one crawl beyond the fetch options (all optional). */
struct cwt__crawl_opts {
    const char *http_probe_url; /* plain-http URL to probe; NULL: http://<host>/ of an https start URL (port 80) */
    bool no_http_probe;         /* skip the probe */
    double max_crawl_delay_s;   /* cap on robots.txt Crawl-delay; 0: 5 s */
    unsigned max_retry_after_s; /* longest Retry-After honoured with one retry; 0: 10 s */
};

/*
 * Crawls the site at @p url within the ctx limits. Page failures are recorded
 * in the pages, not returned. Returns CWT_EINVAL (with @p err naming the URL)
 * for a URL that is not http(s), CWT_ENOMEM, or CWT_OK. Free with cwt__crawl_free().
 */
enum cwt_status cwt__crawl_site(const struct cwt_ctx *ctx, const struct cwt__fetch_opts *opts, const char *url,
                                struct cwt__crawl **out, struct cwt_err *err);
void cwt__crawl_free(struct cwt__crawl *c);

/* As cwt__crawl_site() with crawl options (@p copts may be NULL). */
enum cwt_status cwt__crawl_site_opts(const struct cwt_ctx *ctx, const struct cwt__fetch_opts *opts,
                                     const struct cwt__crawl_opts *copts, const char *url, struct cwt__crawl **out,
                                     struct cwt_err *err);

#endif
