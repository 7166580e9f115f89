/* SPDX-License-Identifier: Apache-2.0 */
/** @file The context: configuration, clock, logger and limits of one libcwtap user. */
#ifndef CWTAP_CTX_H
#define CWTAP_CTX_H

#include <stdbool.h>
#include <stdint.h>
#include "status.h"

struct cwt_ctx;

/** Returns the current time in microseconds since the Unix epoch, UTC. */
typedef int64_t (*cwt_clock_fn)(void *userdata);

enum cwt_log_level { CWT_LOG_DEBUG, CWT_LOG_INFO, CWT_LOG_WARN, CWT_LOG_ERROR };
typedef void (*cwt_log_fn)(enum cwt_log_level level, const char *msg, void *userdata);

/** Bounds on everything outside input drives. Zero fields mean "use the default". */
struct cwt_limits {
    unsigned max_pages;          /**< pages fetched per site (default 20) */
    unsigned max_depth;          /**< link depth from the home page (default 3) */
    unsigned max_redirects;      /**< per request (default 5) */
    size_t max_page_bytes;       /**< decoded body bytes per page (default 2 MiB) */
    size_t max_total_bytes;      /**< per site (default 20 MiB) */
    long connect_timeout_ms;     /**< default 5000 */
    long timeout_ms;             /**< per request (default 15000) */
    long site_time_ms;           /**< wall time per site (default 60000) */
};

/** Creates a context with default limits, the system clock and no logger. Free with cwt_ctx_free(). */
CWT_EXTERN enum cwt_status cwt_ctx_new(struct cwt_ctx **out);
/** Frees @p ctx (NULL allowed). */
CWT_EXTERN void cwt_ctx_free(struct cwt_ctx *ctx);

/** Replaces the clock (NULL restores the system clock). Tests use it to move time. */
CWT_EXTERN void cwt_ctx_set_clock(struct cwt_ctx *ctx, cwt_clock_fn fn, void *userdata);
/** The context's current time, microseconds since the epoch (UTC). */
CWT_EXTERN int64_t cwt_ctx_now_us(const struct cwt_ctx *ctx);
/** The context's current time, seconds since the epoch (UTC). */
CWT_EXTERN int64_t cwt_ctx_now(const struct cwt_ctx *ctx);

/** Copies @p in over the limits; zero fields keep their defaults. */
CWT_EXTERN void cwt_ctx_set_limits(struct cwt_ctx *ctx, const struct cwt_limits *in);
/** The limits in force (defaults filled in). */
CWT_EXTERN const struct cwt_limits *cwt_ctx_limits(const struct cwt_ctx *ctx);

/** Sets the logger; the library calls it and never prints. */
CWT_EXTERN void cwt_ctx_set_logger(struct cwt_ctx *ctx, cwt_log_fn fn, void *userdata);

#endif
