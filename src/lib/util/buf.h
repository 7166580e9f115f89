/* SPDX-License-Identifier: Apache-2.0 */
/* A growable byte buffer with a hard cap set when it is made (curl's dynbuf). */
#ifndef CWT_BUF_H
#define CWT_BUF_H

#include <stdarg.h>
#include "util/common.h"

struct cwt_buf {
    char *data;   /* always NUL-terminated when non-NULL */
    size_t len;
    size_t cap;   /* allocated bytes */
    size_t max;   /* refuse to grow len past this */
};

/* Prepares an empty buffer that refuses to hold more than @p max bytes. */
void cwt_buf_init(struct cwt_buf *b, size_t max);
/* Frees the contents; the buffer may be reused after cwt_buf_init(). */
void cwt_buf_release(struct cwt_buf *b);
/* Empties the buffer, keeping its memory. */
void cwt_buf_reset(struct cwt_buf *b);
/* Makes room for @p n more bytes (and the NUL) without adding them, for a caller writing in place at
 * data + len (then setting len and the NUL): the first allocation is exactly that (a size known ahead),
 * later ones double; CWT_ETOOBIG past max, CWT_ENOMEM. */
enum cwt_status cwt_buf_reserve(struct cwt_buf *b, size_t n);
/* Appends; CWT_ETOOBIG past max (nothing appended), CWT_ENOMEM. */
enum cwt_status cwt_buf_add(struct cwt_buf *b, const void *p, size_t n);
enum cwt_status cwt_buf_adds(struct cwt_buf *b, const char *s);
enum cwt_status cwt_buf_addc(struct cwt_buf *b, char c);
enum cwt_status cwt_buf_printf(struct cwt_buf *b, const char *fmt, ...) CWT_PRINTF(2, 3);
enum cwt_status cwt_buf_vprintf(struct cwt_buf *b, const char *fmt, va_list ap);
/* Hands the contents to the caller (free with cwt_free()); the buffer is left empty. */
char *cwt_buf_detach(struct cwt_buf *b, size_t *len);

#endif
