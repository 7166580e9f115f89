/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the allocator hooks: every libcwtap allocation goes
 * through cwt_malloc()/cwt_free(), so a test can make the Nth allocation fail
 * and an embedder can bring its own allocator. The JSON library is routed
 * through the same hooks.
 */
#include <jansson.h>
#include <stdlib.h>

#include "util/common.h"

static struct cwt_allocator allocator = {malloc, realloc, free};

void cwt_set_allocator(const struct cwt_allocator *a)
{
    if (a && a->malloc_fn && a->realloc_fn && a->free_fn)
        allocator = *a;
    else
        allocator = (struct cwt_allocator){malloc, realloc, free};
    json_set_alloc_funcs(allocator.malloc_fn, allocator.free_fn);
}

void *cwt_malloc(size_t size)
{
    return allocator.malloc_fn(size ? size : 1);
}

void *cwt_calloc(size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        return NULL;
    size_t total = n * size;
    void *p = cwt_malloc(total);
    if (p)
        memset(p, 0, total ? total : 1);
    return p;
}

void *cwt_realloc(void *ptr, size_t size)
{
    return allocator.realloc_fn(ptr, size ? size : 1);
}

void cwt_free(void *ptr)
{
    if (ptr)
        allocator.free_fn(ptr);
}

char *cwt_strndup(const char *s, size_t n)
{
    if (!s)
        return NULL;
    size_t len = strnlen(s, n);
    char *d = cwt_malloc(len + 1);
    if (!d)
        return NULL;
    memcpy(d, s, len);
    d[len] = '\0';
    return d;
}

char *cwt_strdup(const char *s)
{
    return s ? cwt_strndup(s, strlen(s)) : NULL;
}

enum cwt_status cwt__grow(void **pa, size_t elem, size_t n, size_t *pcap, size_t cap)
{
    if (n < *pcap)
        return CWT_OK;
    if (n >= cap)
        return CWT_ETOOBIG;
    size_t ncap = *pcap ? *pcap * 2 : 8;
    if (ncap <= n)
        ncap = n + 1;
    if (ncap > cap)
        ncap = cap;
    if (ncap > SIZE_MAX / elem)
        return CWT_ENOMEM;
    void *p = cwt_realloc(*pa, ncap * elem);
    if (!p)
        return CWT_ENOMEM;
    memset((char *)p + *pcap * elem, 0, (ncap - *pcap) * elem);
    *pa = p;
    *pcap = ncap;
    return CWT_OK;
}
