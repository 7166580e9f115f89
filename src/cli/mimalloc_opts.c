/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the cwtap executable's tuning of mimalloc (linked only
 * when meson finds it, see meson.build): freed memory is given back to the
 * system after 500 ms idle rather than mimalloc's 25 ms. A crawl frees a DOM
 * per page and allocates the next one at once; with the short delay the pages
 * went back and were faulted in again (bench/crawl: 70,000 page faults a
 * 100-site run instead of 25,000, about 5 % of the audit's CPU). An
 * environment variable MIMALLOC_DECOMMIT_DELAY still wins.
 */
#include <mimalloc.h>

__attribute__((constructor)) static void cwt_mimalloc_opts(void)
{
    mi_option_set_default(mi_option_decommit_delay, 500);
}
