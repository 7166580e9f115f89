/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: NDJSON platform events (ops/events.c), one line per input. */
#include <stddef.h>
#include <stdint.h>

#include "ops/ops.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct cwt__event e;
    struct cwt_err err;
    cwt__event_parse((const char *)data, size, &e, &err);
    return 0;
}
