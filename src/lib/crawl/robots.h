/* SPDX-License-Identifier: Apache-2.0 */
/* robots.txt (RFC 9309) for the crawl layer: parsing, matching, Crawl-delay, Sitemap lines. */
#ifndef CWT_CRAWL_ROBOTS_H
#define CWT_CRAWL_ROBOTS_H

#include "util/common.h"

#define CWT__ROBOTS_MAX_BYTES (500u << 10) /* RFC 9309: parse at least 500 KiB; we parse at most that */
#define CWT__ROBOTS_AGENT "cwtap"          /* our product token */

struct cwt__robots;

/*
 * Parses robots.txt @p text (@p len bytes, at most CWT__ROBOTS_MAX_BYTES are
 * read) keeping the rules of the groups that match product token @p agent
 * (case-insensitive), or of the "*" groups when none does. Never fails on
 * content; CWT_ENOMEM only. Free with cwt__robots_free().
 */
enum cwt_status cwt__robots_parse(const char *text, size_t len, const char *agent, struct cwt__robots **out);
void cwt__robots_free(struct cwt__robots *r);

/* Whether @p path (path and query, starting with '/') may be fetched: longest match wins, allow wins ties. NULL robots allows all. */
bool cwt__robots_allowed(const struct cwt__robots *r, const char *path);
/* Crawl-delay in seconds of the applicable group, or -1 when none. */
double cwt__robots_crawl_delay(const struct cwt__robots *r);
/* Sitemap URLs listed (any group); *out points into @p r. */
size_t cwt__robots_sitemaps(const struct cwt__robots *r, const char *const **out);
/* Number of rules that apply to us (for notes and tests). */
size_t cwt__robots_nrules(const struct cwt__robots *r);

#endif
