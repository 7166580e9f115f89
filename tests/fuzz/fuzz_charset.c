/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: charset detection and conversion to UTF-8 (fetch/charset.c). The first byte picks the
 * Content-Type charset the "server" claimed; the rest is the body. Invariants: the output is NUL-terminated
 * at out_len and valid UTF-8; charset and source are always named. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fetch/charset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool valid_utf8(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        size_t k = c < 0x80 ? 0 : (c & 0xe0) == 0xc0 ? 1 : (c & 0xf0) == 0xe0 ? 2 : (c & 0xf8) == 0xf0 ? 3 : 9;
        if (k == 9 || (k == 1 && c < 0xc2) || i + k >= n + (k ? 0 : 1))
            return false;
        for (size_t j = 1; j <= k; j++)
            if ((s[i + j] & 0xc0) != 0x80)
                return false;
        i += k + 1;
    }
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const claimed[] = {NULL, "utf-8", "gbk", "big5", "shift_jis", "iso-8859-1", "utf-16",
                                          "x-bogus", "windows-1252", "gb18030", "euc-kr", "utf-16le"};
    if (size < 1)
        return 0;
    const char *hdr = claimed[data[0] % (sizeof claimed / sizeof claimed[0])];
    const char *in = (const char *)data + 1;
    size_t len = size - 1;
    char meta[64];
    (void)cwt__charset_sniff_meta(in, len, meta, sizeof meta);
    (void)cwt__charset_canonical(in, len < 40 ? len : 40);
    for (int html = 0; html < 2; html++) {
        struct cwt__charset_result res;
        memset(&res, 0, sizeof res);
        if (cwt__charset_to_utf8(in, len, hdr, html, &res) != CWT_OK)
            continue;
        if (!res.out || res.out[res.out_len] != '\0' || !res.charset || !res.source ||
            !valid_utf8((const unsigned char *)res.out, res.out_len))
            abort();
        cwt_free(res.out);
    }
    return 0;
}
