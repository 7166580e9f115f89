/* SPDX-License-Identifier: Apache-2.0 */
/* This module implements util/cpu.h. */
#include "util/cpu.h"

#if defined(__x86_64__) && defined(__GNUC__)
bool cwt__cpu_avx2(void)
{
    static int known = -1; /* (a race writes the same answer twice) */
    int k = __atomic_load_n(&known, __ATOMIC_RELAXED);
    if (k < 0) {
        __builtin_cpu_init();
        k = __builtin_cpu_supports("avx2") ? 1 : 0;
        __atomic_store_n(&known, k, __ATOMIC_RELAXED);
    }
    return k;
}
#else
bool cwt__cpu_avx2(void)
{
    return false;
}
#endif
