/* SPDX-License-Identifier: Apache-2.0 */
/* UTF-8 validation shared by every parser of outside text. */
#ifndef CWT_UTF8_H
#define CWT_UTF8_H

#include "util/common.h"

/* True when the @p n bytes at @p s are well-formed UTF-8; otherwise false and, when @p bad is not
 * NULL, *bad is the offset of the first ill-formed byte. */
bool cwt__utf8_valid(const char *s, size_t n, size_t *bad);

#endif
