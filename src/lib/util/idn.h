/* SPDX-License-Identifier: Apache-2.0 */
/* Internationalised host names (libidn2 lives here only): U-label to A-label. */
#ifndef CWT_IDN_H
#define CWT_IDN_H

#include "util/common.h"

/*
 * Converts host name @p host (UTF-8, any case, optional final dot) to its
 * lowercase A-label form ("bücher.example" -> "xn--bcher-kva.example"),
 * IDNA 2008 non-transitional with UTS #46 mapping. ASCII names are only
 * lowercased. *out is new (cwt_free()). CWT_EINVAL when the name is not a
 * valid host name (the message names it).
 */
enum cwt_status cwt__idn_to_ascii(const char *host, char **out, struct cwt_err *err);

#endif
