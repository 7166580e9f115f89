/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Allocation failure injection for tests (curl's torture, libuv's
 * loop_init_oom): routes libcwtap and jansson through a counting allocator
 * that fails on request, so a test can fail the Nth allocation for every N.
 */
#ifndef CWT_HARNESS_OOM_H
#define CWT_HARNESS_OOM_H

/* Installs the counting allocator (no failures yet). */
void h_oom_install(void);
/* Restores the C library's allocator. */
void h_oom_uninstall(void);
/* Makes the allocation after the next @p n succeed fail, and every one after it; -1 = never fail. */
void h_oom_fail_after(long n);
/* Allocations made since the last h_oom_fail_after() (successful or not). */
long h_oom_count(void);

#endif
