/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the tests' allocation failure injection: a counting
 * allocator installed with cwt_set_allocator() that fails every allocation
 * from the Nth on, so that code can be checked to report CWT_ENOMEM, not
 * crash and not leak, whichever allocation fails. Tests are single-threaded.
 */
#include <stdlib.h>

#include "cwtap/cwtap.h"
#include "oom.h"

static long fail_at = -1, count;

static void *oom_malloc(size_t n)
{
    long k = count++;
    return fail_at >= 0 && k >= fail_at ? NULL : malloc(n);
}

static void *oom_realloc(void *p, size_t n)
{
    long k = count++;
    return fail_at >= 0 && k >= fail_at ? NULL : realloc(p, n);
}

void h_oom_install(void)
{
    static const struct cwt_allocator a = {oom_malloc, oom_realloc, free};
    fail_at = -1;
    count = 0;
    cwt_set_allocator(&a);
}

void h_oom_uninstall(void)
{
    fail_at = -1;
    cwt_set_allocator(NULL);
}

void h_oom_fail_after(long n)
{
    fail_at = n;
    count = 0;
}

long h_oom_count(void)
{
    return count;
}
