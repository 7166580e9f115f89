/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target of the program policy's JSON reader (src/lib/program/policy_json.c): whatever an
 * operator sends, a policy is accepted only when it passes cwt__program_policy_check(), a refusal
 * says why, and an accepted policy survives the round trip through its JSON form unchanged.
 */
#include <stdint.h>
#include <stdlib.h>

#include "program/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *j = json_loadb((const char *)data, size, JSON_DECODE_ANY, NULL);
    if (!j)
        return 0;
    struct cwt__program_policy base, out, back;
    struct cwt_err err;
    cwt_err_clear(&err);
    cwt__program_policy_default(&base);
    if (cwt__program_policy_from_json(j, &base, &out, &err) == CWT_OK) {
        if (cwt__program_policy_check(&out, NULL) != CWT_OK)
            abort();
        json_t *o = cwt__program_policy_to_json(&out);
        if (!o || cwt__program_policy_from_json(o, &base, &back, &err) != CWT_OK ||
            cwt__program_policy_diff(&out, &back, NULL, 0) != 0)
            abort();
        char d[256];
        cwt__program_policy_diff(&base, &out, d, sizeof d);
        json_decref(o);
    } else if (err.status != CWT_EINVAL || !err.msg[0]) {
        abort();
    }
    json_decref(j);
    return 0;
}
