/* SPDX-License-Identifier: Apache-2.0 */
/* This module implements the page layer's arena of chunks (arena.h). */
#include "page/arena.h"
#include "util/common.h"

enum { CHUNK_BYTES = 64 * 1024 };

void *cwt__arena_alloc(struct cwt__chunk **head, size_t n, bool align)
{
    struct cwt__chunk *c = *head;
    size_t at = c ? (align ? (c->used + 7) & ~(size_t)7 : c->used) : 0;
    if (!c || at > c->cap || c->cap - at < n) {
        size_t cap = n > CHUNK_BYTES / 4 ? n : CHUNK_BYTES;
        struct cwt__chunk *nc = cwt_malloc(sizeof *nc + cap);
        if (!nc)
            return NULL;
        nc->used = 0;
        nc->cap = cap;
        if (c && cap != CHUNK_BYTES) { /* a big one goes behind the current chunk, which keeps serving */
            nc->next = c->next;
            c->next = nc;
        } else {
            nc->next = c;
            *head = nc;
        }
        c = nc;
        at = 0;
    }
    c->used = at + n;
    return c->data + at;
}

void cwt__arena_free(struct cwt__chunk *head)
{
    for (struct cwt__chunk *c = head, *next; c; c = next) {
        next = c->next;
        cwt_free(c);
    }
}
