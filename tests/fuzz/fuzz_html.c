/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: the page parse (page/page.c) and everything it builds from the DOM (structured-data
 * graph, text statistics, language by script). */
#include <stddef.h>
#include <stdint.h>

#include "page/sdata.h"
#include "page/textstat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct cwt_ctx *ctx = NULL;
    if (cwt_ctx_new(&ctx))
        return 0;
    struct cwt__doc *d = NULL;
    if (cwt__doc_parse(ctx, (const char *)data, size, "https://fuzz.example/a/b?c=d", &d, NULL) == CWT_OK) {
        const json_t *found[4];
        cwt__sdata_find(cwt__sdata_items(d), "Organization", found, 4);
        struct cwt__textstat ts;
        cwt__textstat_en(d->text, d->text_len, &ts);
        cwt__textstat_chars(d->text, d->text_len, true, &ts);
        char code[16];
        cwt__langid_detect(NULL, d->text, d->text_len, code, sizeof code);
        for (size_t i = 0; i < d->nlinks && i < 4; i++) {
            char *abs = NULL;
            if (cwt__url_resolve(d->url, d->links[i].href, &abs) == CWT_OK)
                cwt_free(abs);
        }
    }
    cwt__doc_free(d);
    cwt_ctx_free(ctx);
    return 0;
}
