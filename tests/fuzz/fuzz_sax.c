/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: the SAX walk of a page (page/page_sax.c) gives, field by field, the document the DOM
 * walk gives, structured data included (microdata and RDFa read from the light tree the SAX walk builds
 * and from the one copied from the DOM); aborts naming the first field that differs. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "page/sdata.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct cwt__doc *dom = NULL, *sax = NULL;
    const char *url = "https://fuzz.example/a/b?c=d";
    enum cwt_status rs = cwt__doc_parse_path(NULL, (const char *)data, size, url, false, &sax, NULL);
    enum cwt_status rd = cwt__doc_parse_path(NULL, (const char *)data, size, url, true, &dom, NULL);
    size_t where = 0;
    const char *field = rd != rs ? "status" : rd == CWT_OK ? cwt__doc_diff(dom, sax, &where) : NULL;
    if (field) {
        fprintf(stderr, "fuzz_sax: the SAX walk differs from the DOM walk in %s [%zu]\n", field, where);
        abort();
    }
    cwt__doc_free(dom);
    cwt__doc_free(sax);
    return 0;
}
