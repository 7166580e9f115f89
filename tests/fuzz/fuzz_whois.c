/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: port-43 WHOIS replies through cwt__whois_parse_text() and the date parser. */
#include <stdint.h>
#include <stdlib.h>

#include <jansson.h>

#include "whois/whois_record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct cwt__whois *w = cwt__whois_new();
    if (!w)
        return 0;
    cwt__whois_parse_text(w, (const char *)data, size);
    struct json_t *j = cwt__whois_to_json(w);
    json_decref(j);
    cwt__whois_free(w);
    if (size < 128) {
        char s[128];
        memcpy(s, data, size);
        s[size] = '\0';
        int64_t t;
        cwt__whois_parse_date(s, &t);
        char cc[3];
        cwt__country_code(s, cc);
    }
    return 0;
}
