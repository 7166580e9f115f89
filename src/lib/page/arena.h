/* SPDX-License-Identifier: Apache-2.0 */
/*
 * An arena of chunks for what a parsed page keeps until it is freed at once: the document's strings
 * (page_walk.c) and the light tree (ltree.c). Allocations come from the newest 64 KiB chunk; one of
 * over a quarter of that gets a chunk of its own, put behind the newest, which keeps serving.
 */
#ifndef CWT_PAGE_ARENA_H
#define CWT_PAGE_ARENA_H

#include <stdbool.h>
#include <stddef.h>

struct cwt__chunk {
    struct cwt__chunk *next;
    size_t used, cap;
    _Alignas(max_align_t) char data[];
};

/* @p n bytes from the arena whose newest chunk is *@p head (NULL: empty), 8-aligned when @p align; NULL
 * when out of memory. */
void *cwt__arena_alloc(struct cwt__chunk **head, size_t n, bool align);
/* Frees every chunk of the arena. */
void cwt__arena_free(struct cwt__chunk *head);

#endif
