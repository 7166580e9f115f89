/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: sitemap XML parsing (page/sitemap.c). Invariants: never more URLs than asked for, each
 * one non-NULL and http(s); a refusal leaves nothing to free. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "page/sitemap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct cwt__sitemap s;
    memset(&s, 0, sizeof s);
    struct cwt_err err;
    cwt_err_clear(&err);
    const size_t max = 50;
    if (cwt__sitemap_parse((const char *)data, size, max, &s, &err) == CWT_OK) {
        if (s.nurls > max)
            abort();
        for (size_t i = 0; i < s.nurls; i++)
            if (!s.urls[i] || (strncasecmp(s.urls[i], "http://", 7) != 0 && strncasecmp(s.urls[i], "https://", 8) != 0))
                abort();
    }
    cwt__sitemap_release(&s);
    return 0;
}
