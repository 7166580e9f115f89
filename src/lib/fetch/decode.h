/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Content-Encoding of a response body, decoded by us rather than by libcurl: gzip (what the crawl
 * asks for) in one call to libdeflate when the whole member fits the cap, else streamed through
 * zlib up to the cap; deflate (sent unasked by some servers) through zlib. A body longer than the
 * cap once decoded is cut at the cap (a gzip bomb costs the cap, not its size).
 */
#ifndef CWT_FETCH_DECODE_H
#define CWT_FETCH_DECODE_H

#include "util/common.h"

enum cwt__encoding {
    CWT__ENC_IDENTITY,    /* none, or "identity" */
    CWT__ENC_GZIP,        /* gzip, x-gzip */
    CWT__ENC_DEFLATE,     /* deflate (zlib-wrapped, or raw as some servers send it) */
    CWT__ENC_UNSUPPORTED, /* anything else (br, zstd, chains of codings): not asked for, not decoded */
};

/* The coding named by a Content-Encoding header value (NULL: identity). */
enum cwt__encoding cwt__encoding_of(const char *value);

/*
 * Decodes the @p n bytes at @p in into a new buffer of at most @p cap bytes (NUL-terminated past
 * its length; *out is NULL when nothing was decoded). *truncated is set when the decoded body is
 * longer than @p cap or the input ended before the end of the stream (@p in_cut: the input itself
 * was cut at the cap). A body that is not valid gzip/deflate gives CWT_EPARSE with @p why, and
 * *out holds what was decoded before the error.
 */
enum cwt_status cwt__decode_body(enum cwt__encoding enc, const unsigned char *in, size_t n, bool in_cut, size_t cap,
                                 char **out, size_t *out_len, bool *truncated, char *why, size_t why_len);

#endif
