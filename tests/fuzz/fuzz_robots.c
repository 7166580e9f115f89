/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: robots.txt parsing and matching (crawl/robots.c). The input is "path\nrobots.txt". */
#include <stdint.h>
#include <stdlib.h>

#include "crawl/robots.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    const char *nl = memchr(s, '\n', size);
    size_t pl = nl ? (size_t)(nl - s) : 0;
    char path[512];
    path[0] = '/';
    size_t n = pl < sizeof path - 2 ? pl : sizeof path - 2;
    for (size_t i = 0; i < n; i++)
        path[i + 1] = s[i] ? s[i] : '_';
    path[n + 1] = '\0';
    const char *body = nl ? nl + 1 : s;
    size_t blen = size - (size_t)(body - s);
    struct cwt__robots *r;
    if (cwt__robots_parse(body, blen, CWT__ROBOTS_AGENT, &r) != CWT_OK)
        return 0;
    (void)cwt__robots_allowed(r, path);
    (void)cwt__robots_allowed(r, "/");
    (void)cwt__robots_crawl_delay(r);
    const char *const *maps;
    size_t nm = cwt__robots_sitemaps(r, &maps);
    for (size_t i = 0; i < nm; i++)
        if (!maps[i])
            abort();
    cwt__robots_free(r);
    return 0;
}
