/* SPDX-License-Identifier: Apache-2.0 */
/* Sitemaps (sitemaps.org protocol) for the crawl: the <loc> entries of a urlset or a sitemap index. */
#ifndef CWT_PAGE_SITEMAP_H
#define CWT_PAGE_SITEMAP_H

#include "util/common.h"

struct cwt__sitemap {
    char **urls;     /* <loc> values, trimmed, http(s) only */
    size_t nurls;
    bool is_index;   /* a <sitemapindex>: the URLs are further sitemaps */
    bool truncated;  /* more entries than max_urls, or the document ended early */
};

/*
 * Parses sitemap XML (@p len bytes) keeping at most @p max_urls <loc> values.
 * No entity expansion, no network, depth and node counts capped. CWT_EPARSE
 * (with @p err) when it is not a sitemap at all; CWT_ENOMEM. Release with
 * cwt__sitemap_release().
 */
enum cwt_status cwt__sitemap_parse(const char *xml, size_t len, size_t max_urls, struct cwt__sitemap *out,
                                   struct cwt_err *err);
void cwt__sitemap_release(struct cwt__sitemap *s);

#endif
