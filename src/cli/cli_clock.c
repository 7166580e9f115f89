/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the test clock of `cwtap serve` and `cwtap worker`
 * (--clock-file PATH, for tests only): the time is read from PATH on every
 * call, as decimal Unix seconds; while the file is missing or malformed the
 * system clock is used. Integration tests move time by rewriting the file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cli.h"

static int64_t file_clock(void *ud)
{
    const char *path = ud;
    FILE *f = fopen(path, "r");
    if (f) {
        char buf[32] = "";
        size_t n = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        buf[n] = '\0';
        char *end = NULL;
        long long v = strtoll(buf, &end, 10);
        if (end != buf && v > 0 && v < 32503680000LL)
            return (int64_t)v * 1000000;
    }
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void cli_clock_file(struct cwt_ctx *ctx, const char *path)
{
    if (path)
        cwt_ctx_set_clock(ctx, file_clock, (void *)(uintptr_t)path);
}
