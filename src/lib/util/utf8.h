/* SPDX-License-Identifier: Apache-2.0 */
/* UTF-8 validation and encoding shared by every parser of outside text. */
#ifndef CWT_UTF8_H
#define CWT_UTF8_H

#include "util/common.h"

/* True when the @p n bytes at @p s are well-formed UTF-8; otherwise false and, when @p bad is not
 * NULL, *bad is the offset of the first ill-formed byte. */
bool cwt__utf8_valid(const char *s, size_t n, size_t *bad);

/* Writes code point @p cp (at most U+10FFFF, not a surrogate: the caller checks) as UTF-8 at @p o
 * (room for 4 bytes); returns the end of what was written. */
char *cwt__utf8_put(char *o, unsigned long cp);

#endif
