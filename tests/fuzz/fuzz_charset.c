/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: charset detection and conversion (fetch/charset.c). The
 * first byte picks a declared charset (or none); the rest is the body. The
 * output must always be well-formed UTF-8 of bounded size, and the variant that
 * takes the caller's buffer (cwt__charset_to_utf8_take) must give the same.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fetch/charset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const labels[] = {NULL,     "utf-8",       "gbk",       "gb18030",      "big5",
                                         "tis-620", "windows-1258", "shift_jis", "euc-kr",       "iso-8859-1",
                                         "utf-16",  "iso-2022-jp", "x-unknown", "koi8-r",       "euc-jp"};
    if (size == 0)
        return 0;
    const char *label = labels[data[0] % (sizeof labels / sizeof labels[0])];
    bool html = (data[0] & 0x80) != 0;
    struct cwt__charset_result r;
    if (cwt__charset_to_utf8((const char *)data + 1, size - 1, label, html, &r) != CWT_OK)
        return 0;
    if (!r.out || r.out_len > 4 * (size - 1) + 4 || r.out[r.out_len] != '\0' || !cwt__utf8_valid(r.out, r.out_len, NULL))
        abort();
    char *own = cwt_malloc(size);
    struct cwt__charset_result t;
    if (!own) {
        cwt_free(r.out);
        return 0;
    }
    memcpy(own, data + 1, size - 1);
    own[size - 1] = '\0';
    if (cwt__charset_to_utf8_take(own, size - 1, label, html, &t) != CWT_OK) {
        cwt_free(r.out);
        return 0;
    }
    if (t.out_len != r.out_len || memcmp(t.out, r.out, r.out_len) != 0 || t.out[t.out_len] != '\0' ||
        strcmp(t.charset, r.charset) != 0 || strcmp(t.source, r.source) != 0 || strcmp(t.note, r.note) != 0 ||
        t.replaced != r.replaced)
        abort();
    cwt_free(t.out);
    cwt_free(r.out);
    char buf[64];
    (void)cwt__charset_sniff_meta((const char *)data, size, buf, sizeof buf);
    return 0;
}
