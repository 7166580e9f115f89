/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target of the publishing-profile checker (src/lib/signals/profile.c) on JSON-LD input. */
#include <stdint.h>
#include <stdlib.h>

#include "signals/profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct cwt_ctx *ctx = NULL;
    if (cwt_ctx_new(&ctx) != CWT_OK)
        abort();
    struct cwt__pv_report r;
    cwt__pv_report_init(&r);
    struct cwt_err err;
    enum cwt_status rc = cwt__profile_check_text(ctx, (const char *)data, size, size > 0 && data[0] == '<', NULL,
                                                 1768435200, &r, &err);
    if (rc == CWT_OK && r.nissues > r.errors + r.warnings)
        abort();
    json_t *o = cwt__pv_report_json(&r);
    json_decref(o);
    cwt__pv_report_release(&r);
    cwt_ctx_free(ctx);
    return 0;
}
