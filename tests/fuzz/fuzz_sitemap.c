/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: the sitemap reader (page/sitemap.c). */
#include <stdint.h>
#include <stdlib.h>

#include "page/sitemap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct cwt__sitemap sm;
    struct cwt_err err;
    if (cwt__sitemap_parse((const char *)data, size, 64, &sm, &err) != CWT_OK)
        return 0;
    if (sm.nurls > 64)
        abort();
    for (size_t i = 0; i < sm.nurls; i++)
        if (!sm.urls[i] || strlen(sm.urls[i]) > 2048)
            abort();
    cwt__sitemap_release(&sm);
    return 0;
}
