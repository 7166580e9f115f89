/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: URL splitting and domain normalisation (util/url.c), which every user-supplied site URL
 * and every crawled link goes through, and relative-link resolution (page). Invariants: an accepted URL has
 * scheme http or https, a non-empty NUL-terminated host, a port in 1..65535. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "page/page.h"
#include "util/url.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    struct cwt_err err;
    cwt_err_clear(&err);
    struct cwt_url u;
    if (cwt__url_split(s, &u, &err) == CWT_OK) {
        if ((strcmp(u.scheme, "http") != 0 && strcmp(u.scheme, "https") != 0) || !u.host[0] ||
            memchr(u.host, '\0', sizeof u.host) == NULL || u.port < 1 || u.port > 65535)
            abort();
        char *reg = cwt__registrable_domain(u.host);
        cwt_free(reg);
    }
    char *norm = NULL;
    if (cwt__domain_normalize(s, &norm, &err) == CWT_OK)
        cwt_free(norm);
    char *abs = NULL;
    if (cwt__url_resolve("https://fuzz.example/a/b?c=d", s, &abs) == CWT_OK)
        cwt_free(abs);
    free(s);
    return 0;
}
