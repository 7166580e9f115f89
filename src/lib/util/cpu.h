/* SPDX-License-Identifier: Apache-2.0 */
/* What the CPU offers the scanners' wider paths, asked once. */
#ifndef CWT_UTIL_CPU_H
#define CWT_UTIL_CPU_H

#include <stdbool.h>

/* Whether the CPU has AVX2 (x86-64 builds with GCC or Clang; false elsewhere): the 32-byte paths of the
 * signal scanners (signals/kwset.c, marks.c) and of the page layer's plain-text check (sax_input.c). */
bool cwt__cpu_avx2(void);

#endif
