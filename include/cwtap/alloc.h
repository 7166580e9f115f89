/* SPDX-License-Identifier: Apache-2.0 */
/** @file Allocator hooks. Every libcwtap allocation goes through these. */
#ifndef CWTAP_ALLOC_H
#define CWTAP_ALLOC_H

#include <stddef.h>
#include "status.h"

/** Allocation functions; all three are required. free must accept NULL. */
struct cwt_allocator {
    void *(*malloc_fn)(size_t size);
    void *(*realloc_fn)(void *ptr, size_t size);
    void (*free_fn)(void *ptr);
};

/**
 * Replaces the allocator (NULL restores the C library's). Call once, before
 * any other libcwtap call and before threads start; it also routes the
 * allocations of the JSON library through @p a. This is the one piece of
 * process-wide state, like curl_global_init_mem().
 */
CWT_EXTERN void cwt_set_allocator(const struct cwt_allocator *a);

CWT_EXTERN void *cwt_malloc(size_t size);
CWT_EXTERN void *cwt_calloc(size_t n, size_t size);
CWT_EXTERN void *cwt_realloc(void *ptr, size_t size);
CWT_EXTERN void cwt_free(void *ptr);
/** Copies @p s into memory the caller frees with cwt_free(); NULL on failure or NULL input. */
CWT_EXTERN char *cwt_strdup(const char *s);
CWT_EXTERN char *cwt_strndup(const char *s, size_t n);

#endif
