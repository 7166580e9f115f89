/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements struct cwt_ctx: the limits, the injectable clock and
 * the logger that one user of libcwtap carries through every call. There is
 * no global mutable state besides the allocator hooks.
 */
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "util/common.h"

static const struct cwt_limits default_limits = {
    .max_pages = 20,
    .max_depth = 3,
    .max_redirects = 5,
    .max_page_bytes = 2u << 20,
    .max_total_bytes = 20u << 20,
    .connect_timeout_ms = 5000,
    .timeout_ms = 15000,
    .site_time_ms = 60000,
};

static int64_t system_clock(void *ud)
{
    CWT_UNUSED(ud);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

enum cwt_status cwt_ctx_new(struct cwt_ctx **out)
{
    struct cwt_ctx *ctx = CWT_NEW(struct cwt_ctx);
    if (!ctx)
        return CWT_ENOMEM;
    ctx->limits = default_limits;
    ctx->clock = system_clock;
    *out = ctx;
    return CWT_OK;
}

void cwt_ctx_free(struct cwt_ctx *ctx)
{
    cwt_free(ctx);
}

void cwt_ctx_set_clock(struct cwt_ctx *ctx, cwt_clock_fn fn, void *userdata)
{
    ctx->clock = fn ? fn : system_clock;
    ctx->clock_ud = fn ? userdata : NULL;
}

int64_t cwt_ctx_now_us(const struct cwt_ctx *ctx)
{
    return ctx->clock(ctx->clock_ud);
}

int64_t cwt_ctx_now(const struct cwt_ctx *ctx)
{
    int64_t us = cwt_ctx_now_us(ctx);
    return us >= 0 ? us / 1000000 : -((-us + 999999) / 1000000);
}

void cwt_ctx_set_limits(struct cwt_ctx *ctx, const struct cwt_limits *in)
{
#define TAKE(f)                                                                                                        \
    if (in->f)                                                                                                         \
    ctx->limits.f = in->f
    TAKE(max_pages);
    TAKE(max_depth);
    TAKE(max_redirects);
    TAKE(max_page_bytes);
    TAKE(max_total_bytes);
    TAKE(connect_timeout_ms);
    TAKE(timeout_ms);
    TAKE(site_time_ms);
#undef TAKE
}

const struct cwt_limits *cwt_ctx_limits(const struct cwt_ctx *ctx)
{
    return &ctx->limits;
}

void cwt_ctx_set_logger(struct cwt_ctx *ctx, cwt_log_fn fn, void *userdata)
{
    ctx->log = fn;
    ctx->log_ud = userdata;
}

void cwt__log(const struct cwt_ctx *ctx, enum cwt_log_level level, const char *fmt, ...)
{
    if (!ctx || !ctx->log)
        return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    ctx->log(level, msg, ctx->log_ud);
}
