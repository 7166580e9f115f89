/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target of the unit/value parser (src/lib/signals/units.c): one value and a text scan. */
#include <stdint.h>
#include <stdlib.h>

#include "signals/units.h"

static bool count(const struct cwt__qvalue *v, void *ud)
{
    size_t *n = ud;
    (*n)++;
    /* a value found lies inside the text and has a unit */
    if (!v->unit || v->len == 0)
        abort();
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    struct cwt__qvalue v;
    if (cwt__qvalue_parse(s, size, &v) == CWT_OK && (v.off + v.len > size || v.min > v.max))
        abort();
    size_t n = 0;
    size_t found = cwt__qvalue_scan(s, size, 1000, count, &n);
    if (found != n)
        abort();
    if (size <= 64) {
        const struct cwt__unit *u = cwt__unit_find(s, size);
        if (u && cwt__unit_by_code(u->code) != u)
            abort();
    }
    double d;
    if (cwt__number_parse(s, size, &d) > size)
        abort();
    return 0;
}
