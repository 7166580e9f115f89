/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target of the labels-file parser of `cwtap model fit` (cwt__labels_parse). */
#include <stdint.h>

#include "score/score.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *rows = NULL;
    struct cwt_err err = {0};
    if (cwt__labels_parse((const char *)data, size, &rows, &err) == CWT_OK)
        json_decref(rows);
    return 0;
}
