/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: RDAP documents through cwt__whois_parse_rdap() and bootstrap registries through
 * cwt__rdap_bootstrap_find(). */
#include <stdint.h>
#include <stdlib.h>

#include "whois/whois_record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct cwt__whois *w = cwt__whois_new();
    if (!w)
        return 0;
    struct cwt_err err;
    cwt__whois_parse_rdap(w, (const char *)data, size, &err);
    cwt__whois_free(w);
    char *url = NULL;
    cwt__rdap_bootstrap_find((const char *)data, size, "ningbo-valves.com.cn", &url, &err);
    cwt_free(url);
    return 0;
}
