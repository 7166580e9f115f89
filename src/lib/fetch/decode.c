/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements fetch/decode.h. libcurl decoded bodies with zlib's inflate as they came,
 * which was 6 % of an audit's CPU; libdeflate decodes a whole gzip member about three times
 * faster. It needs the output's size up front: a gzip member ends with it (ISIZE, the size modulo
 * 2^32), so a body whose stated size fits the cap is decoded in one call and checked against it
 * (libdeflate verifies ISIZE and the CRC). Everything else (several members, a size over the cap,
 * input cut short, deflate, damaged data) is streamed through zlib into at most the cap.
 */
#include <libdeflate.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "fetch/decode.h"

enum cwt__encoding cwt__encoding_of(const char *value)
{
    if (!value)
        return CWT__ENC_IDENTITY;
    while (*value == ' ' || *value == '\t')
        value++;
    size_t n = strlen(value);
    while (n && (value[n - 1] == ' ' || value[n - 1] == '\t'))
        n--;
    if (n == 0 || (n == 8 && strncasecmp(value, "identity", 8) == 0))
        return CWT__ENC_IDENTITY;
    if ((n == 4 && strncasecmp(value, "gzip", 4) == 0) || (n == 6 && strncasecmp(value, "x-gzip", 6) == 0))
        return CWT__ENC_GZIP;
    if (n == 7 && strncasecmp(value, "deflate", 7) == 0)
        return CWT__ENC_DEFLATE;
    return CWT__ENC_UNSUPPORTED;
}

/* One gzip member whose ISIZE fits the cap, in one libdeflate call: true when it was exactly that. */
static bool gzip_whole(const unsigned char *in, size_t n, size_t cap, char **out, size_t *out_len)
{
    if (n < 18 || in[0] != 0x1f || in[1] != 0x8b)
        return false;
    size_t isize = (size_t)in[n - 4] | (size_t)in[n - 3] << 8 | (size_t)in[n - 2] << 16 | (size_t)in[n - 1] << 24;
    if (isize > cap)
        return false;
    char *buf = cwt_malloc(isize + 1);
    struct libdeflate_decompressor *d = buf ? libdeflate_alloc_decompressor() : NULL;
    size_t in_used = 0, got = 0;
    bool ok = d && libdeflate_gzip_decompress_ex(d, in, n, buf, isize, &in_used, &got) == LIBDEFLATE_SUCCESS &&
              in_used == n && got == isize;
    libdeflate_free_decompressor(d);
    if (!ok) {
        cwt_free(buf);
        return false;
    }
    buf[got] = '\0';
    *out = buf;
    *out_len = got;
    return true;
}

/* zlib, streamed into at most @p cap bytes. @p wbits: 15 + 16 gzip (and members after it), 15 zlib, -15 raw. */
static enum cwt_status stream(int wbits, const unsigned char *in, size_t n, bool in_cut, size_t cap, char **out,
                              size_t *out_len, bool *truncated, char *why, size_t why_len)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, wbits) != Z_OK)
        return CWT_ENOMEM;
    size_t have = 0, room = CWT_MIN(cap, (size_t)64 << 10);
    char *buf = cwt_malloc(room + 1);
    enum cwt_status st = buf ? CWT_OK : CWT_ENOMEM;
    const unsigned char *p = in, *end = in + n;
    bool done = false;
    while (st == CWT_OK && !done) {
        if (have == room) {
            if (room == cap) { /* the cap is full and there is more */
                *truncated = true;
                break;
            }
            size_t nroom = room > cap / 2 ? cap : room * 2;
            char *nb = cwt_realloc(buf, nroom + 1);
            if (!nb) {
                st = CWT_ENOMEM;
                break;
            }
            buf = nb;
            room = nroom;
        }
        z.next_in = (unsigned char *)p;
        z.avail_in = (uInt)CWT_MIN((size_t)(end - p), (size_t)UINT32_MAX);
        z.next_out = (unsigned char *)buf + have;
        z.avail_out = (uInt)CWT_MIN(room - have, (size_t)UINT32_MAX);
        int r = inflate(&z, Z_NO_FLUSH);
        have = (size_t)((char *)z.next_out - buf);
        p = z.next_in;
        if (r == Z_STREAM_END) {
            /* another gzip member may follow (RFC 1952 allows several); anything else after the end is ignored */
            if (wbits > 15 && end - p >= 2 && p[0] == 0x1f && p[1] == 0x8b) {
                if (inflateReset(&z) != Z_OK)
                    st = CWT_ENOMEM;
                continue;
            }
            done = true;
        } else if (r == Z_BUF_ERROR && p == end) { /* the input ended inside the stream */
            *truncated = true;
            if (!in_cut)
                snprintf(why, why_len, "the %s stream ends early", wbits > 15 ? "gzip" : "deflate");
            st = in_cut ? CWT_OK : CWT_EPARSE;
            done = true;
        } else if (r == Z_MEM_ERROR) {
            st = CWT_ENOMEM;
        } else if (r != Z_OK && r != Z_BUF_ERROR) {
            snprintf(why, why_len, "invalid %s data: %s", wbits > 15 ? "gzip" : "deflate", z.msg ? z.msg : "error");
            st = CWT_EPARSE;
            done = true;
        }
    }
    inflateEnd(&z);
    if (st == CWT_ENOMEM) {
        cwt_free(buf);
        return st;
    }
    buf[have] = '\0';
    *out = buf;
    *out_len = have;
    return st;
}

enum cwt_status cwt__decode_body(enum cwt__encoding enc, const unsigned char *in, size_t n, bool in_cut, size_t cap,
                                 char **out, size_t *out_len, bool *truncated, char *why, size_t why_len)
{
    *out = NULL;
    *out_len = 0;
    *truncated = false;
    if (why_len)
        why[0] = '\0';
    if (n == 0)
        return CWT_OK;
    if (enc == CWT__ENC_GZIP) {
        if (!in_cut && gzip_whole(in, n, cap, out, out_len))
            return CWT_OK;
        return stream(15 + 16, in, n, in_cut, cap, out, out_len, truncated, why, why_len);
    }
    if (enc == CWT__ENC_DEFLATE) {
        /* RFC 9110 means zlib-wrapped; some servers send raw deflate: a zlib header tells them apart */
        bool zlib = n >= 2 && (in[0] & 0x0f) == 8 && ((unsigned)in[0] << 8 | in[1]) % 31 == 0;
        return stream(zlib ? 15 : -15, in, n, in_cut, cap, out, out_len, truncated, why, why_len);
    }
    snprintf(why, why_len, "content coding not supported");
    return CWT_EUNSUPPORTED;
}
