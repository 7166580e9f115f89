/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: HTTP-date and Retry-After parsing (util/timeutil.c), the values a crawled server sends. */
#include <stdint.h>
#include <stdlib.h>

#include "util/timeutil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char s[256];
    size_t n = size < sizeof s - 1 ? size : sizeof s - 1;
    memcpy(s, data, n);
    s[n] = '\0';
    int64_t t, w;
    if (cwt_time_parse_http(s, &t) == CWT_OK) {
        /* a date that parses is one of the calendar's days, and reads back the same */
        struct cwt_tm tm;
        cwt_time_to_tm(t, &tm);
        if (tm.year < 0 || tm.year > 9999 || cwt_tm_to_time(&tm) != t)
            abort();
    }
    if (cwt_retry_after_parse(s, 784111777, &w) == CWT_OK && w < 0)
        abort();
    return 0;
}
