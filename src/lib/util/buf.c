/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements struct cwt_buf, the growable byte buffer whose cap is
 * fixed when it is made, so that no outside input can grow it without bound.
 */
#include <stdio.h>

#include "util/buf.h"

void cwt_buf_init(struct cwt_buf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
}

void cwt_buf_release(struct cwt_buf *b)
{
    cwt_free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

void cwt_buf_reset(struct cwt_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

static enum cwt_status reserve(struct cwt_buf *b, size_t n)
{
    if (n > b->max || b->len > b->max - n)
        return CWT_ETOOBIG;
    size_t need = b->len + n + 1;
    if (need <= b->cap)
        return CWT_OK;
    size_t ncap = b->cap ? b->cap : 64;
    while (ncap < need)
        ncap = ncap > SIZE_MAX / 2 ? need : ncap * 2;
    char *p = cwt_realloc(b->data, ncap);
    if (!p)
        return CWT_ENOMEM;
    b->data = p;
    b->cap = ncap;
    return CWT_OK;
}

enum cwt_status cwt_buf_reserve(struct cwt_buf *b, size_t n)
{
    if (b->cap) /* growing: doubling, as every append does */
        return reserve(b, n);
    /* the first allocation is exactly what is asked (a size known ahead, such as a Content-Length) */
    if (n > b->max || b->len > b->max - n)
        return CWT_ETOOBIG;
    char *p = cwt_realloc(b->data, n + 1);
    if (!p)
        return CWT_ENOMEM;
    b->data = p;
    b->cap = n + 1;
    b->data[b->len] = '\0';
    return CWT_OK;
}

enum cwt_status cwt_buf_add(struct cwt_buf *b, const void *p, size_t n)
{
    enum cwt_status rc = reserve(b, n);
    if (rc)
        return rc;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return CWT_OK;
}

enum cwt_status cwt_buf_adds(struct cwt_buf *b, const char *s)
{
    return cwt_buf_add(b, s, strlen(s));
}

enum cwt_status cwt_buf_addc(struct cwt_buf *b, char c)
{
    return cwt_buf_add(b, &c, 1);
}

enum cwt_status cwt_buf_vprintf(struct cwt_buf *b, const char *fmt, va_list ap)
{
    va_list cp;
    va_copy(cp, ap);
    int n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0)
        return CWT_EINVAL;
    enum cwt_status rc = reserve(b, (size_t)n);
    if (rc)
        return rc;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return CWT_OK;
}

enum cwt_status cwt_buf_printf(struct cwt_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    enum cwt_status rc = cwt_buf_vprintf(b, fmt, ap);
    va_end(ap);
    return rc;
}

char *cwt_buf_detach(struct cwt_buf *b, size_t *len)
{
    char *d = b->data;
    if (!d)
        d = cwt_strdup("");
    if (len)
        *len = b->data ? b->len : 0;
    b->data = NULL;
    b->len = b->cap = 0;
    return d;
}
