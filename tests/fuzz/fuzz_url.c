/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: URL splitting and domain normalisation (util/url.c), which every user-supplied site URL
 * and every crawled link goes through, and relative-link resolution (page). Invariants: an accepted URL has
 * scheme http or https, a non-empty NUL-terminated host, a port in 1..65535; the fast link resolution
 * (page/resolve.c) answers exactly as libxml2's when it answers. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "page/page.h"
#include "page/resolve.h"
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
    static const char *const bases[] = {"https://fuzz.example/a/b?c=d", "http://Fuzz.example:8080"};
    for (size_t b = 0; b < 2; b++) {
        struct cwt__url_base ub;
        if (cwt__url_base_init(&ub, bases[b]) != CWT_OK)
            break;
        char out[256];
        size_t n = cwt__url_resolve_simple(&ub, s, strlen(s), out, sizeof out);
        if (n) {
            abs = NULL;
            if (cwt__url_resolve(bases[b], s, &abs) != CWT_OK || strcmp(abs, out) != 0)
                abort();
            cwt_free(abs);
        }
        cwt__url_base_release(&ub);
    }
    free(s);
    return 0;
}
