/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Link resolution without libxml2 for the hrefs most pages are made of ("/a/b", "c.html", "/p?x=1",
 * "https://host/path"): the result is byte for byte what cwt__url_resolve() gives (libxml2's
 * xmlBuildURI), checked by tests/unit/test_page.c and the fuzz_url target; anything else is left
 * to cwt__url_resolve().
 */
#ifndef CWT_PAGE_RESOLVE_H
#define CWT_PAGE_RESOLVE_H

#include "util/common.h"

struct cwt__url_base {
    char *origin; /* "scheme://host[:port]" of the base as cwt__url_resolve() writes it, NULL: no fast path */
    size_t origin_len;
    char *dir;    /* the base up to its last '/' as cwt__url_resolve() writes it, NULL: no fast path */
    size_t dir_len;
};

/* Prepares @p b for @p base (CWT_OK even when no fast path applies; CWT_ENOMEM). */
enum cwt_status cwt__url_base_init(struct cwt__url_base *b, const char *base);
void cwt__url_base_release(struct cwt__url_base *b);

/*
 * Resolves @p href (@p len bytes, already trimmed) against @p b into @p out (@p cap bytes, NUL-terminated).
 * Returns the length written, or 0 when @p href is not one of the simple forms (or does not fit): the
 * caller then uses cwt__url_resolve(). Fragments are removed, as there.
 */
size_t cwt__url_resolve_simple(const struct cwt__url_base *b, const char *href, size_t len, char *out, size_t cap);

#endif
