/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the signal registry: the table of every signal
 * extractor, built from signals.def, one row per signal.
 */
#include "signals/signal.h"

const struct cwt__signal_def cwt__signal_table[] = {
#define CWT_SIGNAL(id, mod) {#id, CWT__MOD_##mod, cwt__sig_##id},
#include "signals/signals.def"
#undef CWT_SIGNAL
    {NULL, CWT__MOD_BASIC, NULL}};

const size_t cwt__signal_count = CWT_ARRAY_LEN(cwt__signal_table) - 1;
