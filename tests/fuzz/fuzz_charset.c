/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: charset detection and conversion (fetch/charset.c). The
 * first byte picks a declared charset (or none); the rest is the body. The
 * output must always be well-formed UTF-8 of bounded size.
 */
#include <stdint.h>
#include <stdlib.h>

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
    cwt_free(r.out);
    char buf[64];
    (void)cwt__charset_sniff_meta((const char *)data, size, buf, sizeof buf);
    return 0;
}
