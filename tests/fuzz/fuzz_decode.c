/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: Content-Encoding decoding (fetch/decode.c). The first byte picks the coding,
 * whether the input counts as cut at a byte cap, and the cap; the rest is the body. Half of the
 * inputs are first gzip-compressed here (so the fast whole-member path and the multi-member path
 * are reached, then mutated by the fuzzer's own bytes when it flips bits in them). Checked: the
 * output never exceeds the cap and is NUL-terminated, and whenever decoding succeeds it equals
 * zlib's own streaming decode of the same bytes cut at the cap (or, where zlib refuses a stream
 * libdeflate reads, matches the member's CRC-32 and size).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "fetch/decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* zlib alone: gzip members one after another (wbits 31) or one deflate stream, into at most cap bytes. */
static size_t reference(const uint8_t *in, size_t n, int wbits, size_t cap, unsigned char *out, bool *ok)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    *ok = false;
    if (inflateInit2(&z, wbits) != Z_OK)
        abort();
    size_t have = 0;
    const uint8_t *p = in, *end = in + n;
    for (;;) {
        z.next_in = (unsigned char *)p;
        z.avail_in = (uInt)(end - p);
        z.next_out = out + have;
        z.avail_out = (uInt)(cap - have);
        int r = inflate(&z, Z_NO_FLUSH);
        have = (size_t)(z.next_out - out);
        p = z.next_in;
        if (r == Z_STREAM_END) {
            if (wbits > 15 && end - p >= 2 && p[0] == 0x1f && p[1] == 0x8b) {
                inflateReset(&z);
                continue;
            }
            *ok = true;
            break;
        }
        if (have == cap) { /* full: a success cut at the cap */
            *ok = true;
            break;
        }
        if (r != Z_OK)
            break;
    }
    inflateEnd(&z);
    return have;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    uint8_t ctl = data[0];
    enum cwt__encoding enc = (ctl & 3) == 0 ? CWT__ENC_DEFLATE : (ctl & 3) == 3 ? CWT__ENC_UNSUPPORTED : CWT__ENC_GZIP;
    bool pack = (ctl & 4) != 0, cut = (ctl & 8) != 0;
    size_t cap = (size_t)1 << (4 + (ctl >> 4)); /* 16 B .. 512 KiB */
    const uint8_t *in = data + 1;
    size_t n = size - 1;
    unsigned char *packed = NULL;
    if (pack && enc == CWT__ENC_GZIP) {
        z_stream z;
        memset(&z, 0, sizeof z);
        if (deflateInit2(&z, 1, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) != Z_OK)
            abort();
        size_t pcap = deflateBound(&z, (uLong)n) + 64;
        packed = malloc(pcap);
        if (!packed)
            abort();
        z.next_in = (unsigned char *)in;
        z.avail_in = (uInt)n;
        z.next_out = packed;
        z.avail_out = (uInt)pcap;
        if (deflate(&z, Z_FINISH) != Z_STREAM_END)
            abort();
        n = z.total_out;
        in = packed;
        deflateEnd(&z);
    }
    char *out = NULL, why[160];
    size_t out_len = 0;
    bool truncated = false;
    enum cwt_status st = cwt__decode_body(enc, in, n, cut, cap, &out, &out_len, &truncated, why, sizeof why);
    if (out_len > cap || (out && out[out_len] != '\0') || (out_len && !out))
        abort();
    if (st == CWT_OK && enc == CWT__ENC_GZIP && !cut) {
        unsigned char *ref = malloc(cap ? cap : 1);
        bool ok = false;
        size_t rn = reference(in, n, 31, cap, ref, &ok);
        if (ok && (rn != out_len || (rn && memcmp(ref, out, rn) != 0)))
            abort();
        if (!ok) {
            /* zlib refuses what libdeflate read (it is laxer about a few codes that cannot occur, e.g.
             * literal/length 286 in a fixed block): then the output must match the member's own CRC
             * and size, so nothing but what was compressed can come out */
            uint32_t crc = (uint32_t)in[n - 8] | (uint32_t)in[n - 7] << 8 | (uint32_t)in[n - 6] << 16 |
                           (uint32_t)in[n - 5] << 24;
            uint32_t isz = (uint32_t)in[n - 4] | (uint32_t)in[n - 3] << 8 | (uint32_t)in[n - 2] << 16 |
                           (uint32_t)in[n - 1] << 24;
            if (n < 18 || isz != out_len || crc32(0, (const unsigned char *)out, (uInt)out_len) != crc)
                abort();
        }
        free(ref);
    }
    if (pack && enc == CWT__ENC_GZIP && !cut && (st != CWT_OK || out_len != CWT_MIN(size - 1, cap) ||
                                                 memcmp(out, data + 1, out_len) != 0))
        abort(); /* what zlib packed comes back, up to the cap */
    cwt_free(out);
    free(packed);
    return 0;
}
