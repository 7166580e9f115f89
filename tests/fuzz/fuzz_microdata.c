/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: microdata and RDFa Lite extraction (page/microdata.c, page/rdfa.c) on a parsed page,
 * in both output shapes (strict and not, with and without a base URL). */
#include <stddef.h>
#include <stdint.h>

#include "page/sdata.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct cwt_ctx *ctx = NULL;
    if (cwt_ctx_new(&ctx))
        return 0;
    struct cwt__doc *d = NULL;
    if (cwt__doc_parse_dom(ctx, (const char *)data, size, "https://fuzz.example/", &d, NULL) == CWT_OK) {
        json_t *md = NULL;
        if (cwt__microdata_extract(d, true, NULL, &md) == CWT_OK)
            json_decref(md);
        json_t *rdfa = NULL;
        if (cwt__rdfa_extract(d, &rdfa) == CWT_OK)
            json_decref(rdfa);
    }
    cwt__doc_free(d);
    cwt_ctx_free(ctx);
    return 0;
}
