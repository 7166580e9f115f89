/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target of the upload validators (program/uploads.c) and the RFC
 * 4180 parser under them: the first byte picks the kind, the rest is the file.
 * Checks invariants: a refused file has an issue, counts add up, and no issue
 * names a row past the input.
 */
#include <stdint.h>
#include <stdlib.h>

#include "program/uploads.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    struct cwt__program_policy p;
    cwt__program_policy_default(&p);
    struct cwt__upload_limits lim = {.max_bytes = 65536, .max_rows = 200, .max_field_len = 256};
    enum cwt__upload_kind kind = (enum cwt__upload_kind)(data[0] % CWT__UPLOAD_COUNT_);
    struct cwt__upload_result r;
    enum cwt_status rc = cwt__upload_validate(kind, (const char *)data + 1, size - 1, INT64_C(1786000000), &p, &lim,
                                              &r, NULL);
    if (rc == CWT_OK) {
        if (!r.accepted && r.n_issues == 0)
            abort();
        if (r.accepted && r.n_issues != 0)
            abort();
        if (r.rows_ok > r.rows)
            abort();
        size_t lines = 1;
        for (size_t i = 1; i < size; i++)
            lines += data[i] == '\n' || data[i] == '\r';
        for (size_t i = 0; i < r.n_issues; i++)
            if (r.issues[i].row > lines)
                abort();
        json_t *j = cwt__upload_result_json(&r); /* fails on invalid UTF-8 in a column name */
        if (!j)
            abort();
        json_decref(j);
    }
    cwt__upload_result_release(&r);
    return 0;
}
