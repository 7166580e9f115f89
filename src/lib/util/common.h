/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The internal prelude of libcwtap: public types, allocation, the context's
 * internals, small macros. Every .c in src/ includes it (directly or through a
 * layer header); it includes banned.h last.
 */
#ifndef CWT_COMMON_H
#define CWT_COMMON_H

#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "cwtap/cwtap.h"

#define CWT_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define CWT_MIN(a, b) ((a) < (b) ? (a) : (b))
#define CWT_MAX(a, b) ((a) > (b) ? (a) : (b))
#define CWT_UNUSED(x) (void)(x)

/* The value of hexadecimal digit @p c (either case), or -1 when it is not one. */
static inline int cwt_hexval(int c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* The context's internals, shared by the layers of libcwtap. */
struct cwt_ctx {
    struct cwt_limits limits;
    cwt_clock_fn clock;
    void *clock_ud;
    cwt_log_fn log;
    void *log_ud;
};

/* Logs through the context's logger, if any. */
void cwt__log(const struct cwt_ctx *ctx, enum cwt_log_level level, const char *fmt, ...) CWT_PRINTF(3, 4);

/* Allocates a zeroed T; NULL on failure. */
#define CWT_NEW(T) ((T *)cwt_calloc(1, sizeof(T)))

/*
 * Grows the array *pa (element size sizeof **pa) so that index n fits, keeping
 * *pcap; refuses to grow past cap elements. Returns CWT_OK, CWT_ENOMEM or
 * CWT_ETOOBIG.
 */
enum cwt_status cwt__grow(void **pa, size_t elem, size_t n, size_t *pcap, size_t cap);
#define CWT_GROW(arr, n, pcap, cap) cwt__grow((void **)&(arr), sizeof *(arr), (n), (pcap), (cap))

#include "banned.h"

#endif
