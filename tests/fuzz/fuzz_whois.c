/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: the WHOIS parsers of outside replies (whois/whois_text.c, whois/whois_rdap.c): port-43
 * text, RDAP domain JSON, the IANA RDAP bootstrap file, dates and country names. The first byte picks the
 * parser. Invariants: lists stay under their caps, the country code is empty or two letters, the
 * serialised record is valid JSON. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "whois/whois_record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const struct cwt__whois *w)
{
    if (w->nstatuses > CWT__WHOIS_LIST_MAX || w->nnameservers > CWT__WHOIS_LIST_MAX)
        abort();
    size_t cc = strlen(w->registrant_cc);
    if (cc != 0 && cc != 2)
        abort();
    json_t *j = cwt__whois_to_json(w);
    if (j) {
        char *s = json_dumps(j, 0);
        if (!s)
            abort();
        cwt_free(s);
        json_decref(j);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const char *in = (const char *)data + 1;
    size_t len = size - 1;
    struct cwt_err err;
    cwt_err_clear(&err);
    switch (data[0] % 4) {
    case 0:
    case 1: {
        struct cwt__whois *w = cwt__whois_new();
        if (!w)
            return 0;
        enum cwt_status rc = data[0] % 4 == 0 ? cwt__whois_parse_text(w, in, len)
                                              : cwt__whois_parse_rdap(w, in, len, &err);
        if (rc == CWT_OK)
            check(w);
        cwt__whois_free(w);
        break;
    }
    case 2: {
        char *url = NULL;
        if (cwt__rdap_bootstrap_find(in, len, "example.com", &url, &err) == CWT_OK)
            cwt_free(url);
        break;
    }
    default: {
        char *s = malloc(len + 1);
        if (!s)
            return 0;
        memcpy(s, in, len);
        s[len] = '\0';
        int64_t t;
        (void)cwt__whois_parse_date(s, &t);
        char cc[3];
        cwt__country_code(s, cc);
        if (strlen(cc) != 0 && strlen(cc) != 2)
            abort();
        free(s);
        break;
    }
    }
    return 0;
}
