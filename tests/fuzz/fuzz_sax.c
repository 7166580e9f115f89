/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: the SAX walk of a page (page/page_sax.c) gives, field by field, the document the DOM
 * walk gives, structured data included (microdata and RDFa read from the light tree the SAX walk builds
 * and from the one copied from the DOM); aborts naming the first field that differs.
 *
 * The page is what the crawl hands the page layer: UTF-8, each ill-formed byte replaced by U+FFFD (as
 * fetch/charset.c does). libxml2 2.9.14's own parse of some ill-formed UTF-8 changes from run to run in
 * one process (an entity name running into invalid bytes in an attribute value: four htmlReadMemory()
 * calls on the same bytes gave a <base href> of 164, 264, 264 and 164 bytes; under valgrind, 164 each
 * time), so two parses of such bytes cannot be compared; on the replaced bytes it is steady. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "page/sdata.h"
#include "util/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* @p size bytes of @p in as well-formed UTF-8 (malloc'd, 3 bytes an input byte at most); NULL when out of
 * memory. */
static char *well_formed(const char *in, size_t size, size_t *len)
{
    char *out = malloc(3 * size + 1), *o = out;
    if (!out)
        return NULL;
    size_t bad;
    while (!cwt__utf8_valid(in, size, &bad)) {
        memcpy(o, in, bad);
        o += bad;
        memcpy(o, "\xEF\xBF\xBD", 3);
        o += 3;
        in += bad + 1;
        size -= bad + 1;
    }
    memcpy(o, in, size);
    *len = (size_t)(o + size - out);
    return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t len;
    char *page = well_formed((const char *)data, size, &len);
    if (!page)
        return 0;
    struct cwt__doc *dom = NULL, *sax = NULL;
    const char *url = "https://fuzz.example/a/b?c=d";
    enum cwt_status rs = cwt__doc_parse_path(NULL, page, len, url, false, &sax, NULL);
    enum cwt_status rd = cwt__doc_parse_path(NULL, page, len, url, true, &dom, NULL);
    size_t where = 0;
    const char *field = rd != rs ? "status" : rd == CWT_OK ? cwt__doc_diff(dom, sax, &where) : NULL;
    if (field) {
        fprintf(stderr, "fuzz_sax: the SAX walk differs from the DOM walk in %s [%zu]\n", field, where);
        abort();
    }
    cwt__doc_free(dom);
    cwt__doc_free(sax);
    free(page);
    return 0;
}
