/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Charset detection and conversion to UTF-8 for fetched bodies (iconv from
 * the C library). Internal to the fetch layer; the crawl and the fuzz target
 * call it too.
 */
#ifndef CWT_FETCH_CHARSET_H
#define CWT_FETCH_CHARSET_H

#include "util/common.h"
#include "util/utf8.h"

struct cwt__charset_result {
    char *out;            /* UTF-8, NUL-terminated; caller frees with cwt_free() */
    size_t out_len;
    const char *charset;  /* canonical name decoded from ("utf-8", "gbk", "big5", ...), static */
    const char *source;   /* "bom", "header", "meta", "sniffed", "default"; static */
    unsigned replaced;    /* invalid sequences replaced by U+FFFD */
    char note[200];       /* a lie or a guess explained; "" when none */
};

/* Canonical name of charset label @p label (WHATWG labels, case-insensitive), NULL if unknown. */
const char *cwt__charset_canonical(const char *label, size_t len);

/*
 * Finds the charset declared by <meta charset> or <meta http-equiv
 * content="...charset=..."> in the first 1024 bytes of @p html. Writes the
 * label (lowercase, at most @p size - 1 bytes) into @p buf; false if none.
 */
bool cwt__charset_sniff_meta(const char *html, size_t len, char *buf, size_t size);


/*
 * Converts @p len bytes to UTF-8. @p header_charset is the charset parameter
 * of the Content-Type header (NULL if none); @p is_html enables <meta>
 * sniffing. Decides by BOM, then header, then <meta>, then the bytes; a
 * declared charset the bytes contradict (valid UTF-8 declared as GBK, say) is
 * overridden and explained in res->note. Invalid sequences become U+FFFD.
 * Returns CWT_OK or CWT_ENOMEM.
 */
enum cwt_status cwt__charset_to_utf8(const char *in, size_t len, const char *header_charset, bool is_html,
                                     struct cwt__charset_result *res);

/*
 * cwt__charset_to_utf8() of a buffer the caller hands over: @p in was allocated with cwt_malloc()
 * (at least @p len + 1 bytes) and is always taken. A body that is well-formed UTF-8 (most are)
 * becomes res->out as it is, without a copy; otherwise @p in is freed once converted.
 */
enum cwt_status cwt__charset_to_utf8_take(char *in, size_t len, const char *header_charset, bool is_html,
                                          struct cwt__charset_result *res);

#endif
