/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: robots.txt parsing (crawl/robots.c) and the questions the crawler asks of the result.
 * Invariants: a parsed file answers allowed/crawl-delay/sitemaps without crashing; the delay is -1 (none)
 * or not negative; every sitemap is a string. */
#include <stdint.h>
#include <stdlib.h>

#include "crawl/robots.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct cwt__robots *r = NULL;
    if (cwt__robots_parse((const char *)data, size, CWT__ROBOTS_AGENT, &r) != CWT_OK || !r)
        return 0;
    static const char *const paths[] = {"/", "/a/b?c=d", "/%41%zz", "/private/", "", "/*$", "/\xe4\xb8\xad"};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
        (void)cwt__robots_allowed(r, paths[i]);
    double delay = cwt__robots_crawl_delay(r);
    if (delay < 0 && delay != -1)
        abort();
    const char *const *maps = NULL;
    size_t n = cwt__robots_sitemaps(r, &maps);
    for (size_t i = 0; i < n; i++)
        if (!maps[i])
            abort();
    (void)cwt__robots_nrules(r);
    cwt__robots_free(r);
    return 0;
}
