/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: the SAX walk of a page (page/page_sax.c) gives, field by field, the document the DOM
 * walk gives, structured data included (microdata and RDFa read from the light tree the SAX walk builds
 * and from the one copied from the DOM); aborts naming the first field that differs.
 *
 * The page is what the crawl hands the page layer: the bytes through the fetch layer's conversion to
 * UTF-8 (cwt__charset_to_utf8(), served as utf-8: each ill-formed byte becomes U+FFFD). libxml2 2.9.14's own parse of some ill-formed UTF-8 changes from run to run in
 * one process (an entity name running into invalid bytes in an attribute value: four htmlReadMemory()
 * calls on the same bytes gave a <base href> of 164, 264, 264 and 164 bytes; under valgrind, 164 each
 * time), so two parses of such bytes cannot be compared; on the replaced bytes it is steady. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "page/sdata.h"
#include "fetch/charset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct cwt__charset_result page;
    if (cwt__charset_to_utf8((const char *)data, size, "utf-8", false, &page) != CWT_OK)
        return 0;
    struct cwt__doc *dom = NULL, *sax = NULL;
    const char *url = "https://fuzz.example/a/b?c=d";
    enum cwt_status rs = cwt__doc_parse_path(NULL, page.out, page.out_len, url, false, &sax, NULL);
    enum cwt_status rd = cwt__doc_parse_path(NULL, page.out, page.out_len, url, true, &dom, NULL);
    size_t where = 0;
    const char *field = rd != rs ? "status" : rd == CWT_OK ? cwt__doc_diff(dom, sax, &where) : NULL;
    if (field) {
        fprintf(stderr, "fuzz_sax: the SAX walk differs from the DOM walk in %s [%zu]\n", field, where);
        abort();
    }
    cwt__doc_free(dom);
    cwt__doc_free(sax);
    cwt_free(page.out);
    return 0;
}
