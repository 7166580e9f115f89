/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target of the model loader (cwt__model_parse): any bytes must be
 * refused with an error or give a model that evaluates a fixed set of
 * signals without a crash, and whose contributions add up to the total.
 */
#include <stdint.h>
#include <stdlib.h>

#include "score/model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct cwt__model *m = NULL;
    struct cwt_err err = {0};
    if (cwt__model_parse((const char *)data, size, &m, &err) != CWT_OK)
        return 0;
    struct cwt__signal s[CWT__MODEL_SIGNALS];
    for (size_t i = 0; i < CWT__MODEL_SIGNALS; i++) {
        cwt__signal_init(&s[i], cwt__signal_ids[i].id, cwt__signal_ids[i].module);
        s[i].measured = i % 4 != 3;
        s[i].value = (double)(i % 5) / 4;
        s[i].confidence = 0.8;
        s[i].gate_failed = i == 0;
        if (i % 3 == 0) {
            s[i].raw = (double)i * 30;
            s[i].raw_unit = i % 2 ? "days" : "rate";
        }
    }
    const struct cwt__site site = {.url = "https://fuzz.example/", .host = "fuzz.example", .at = 1790000000};
    json_t *ev = NULL;
    if (cwt__evaluate(m, &site, s, CWT__MODEL_SIGNALS, &ev, &err) == CWT_OK) {
        const json_t *t = json_object_get(ev, "total");
        if (json_is_number(t)) {
            long long sum = 0;
            const json_t *a = json_object_get(ev, "signals");
            for (size_t i = 0; i < json_array_size(a); i++)
                sum += llround(json_number_value(json_object_get(json_array_get(a, i), "contribution")) * 100);
            if (sum != llround(json_number_value(t) * 100))
                abort();
        }
        json_decref(ev);
    }
    for (size_t i = 0; i < CWT__MODEL_SIGNALS; i++)
        cwt__signal_release(&s[i]);
    cwt__model_free(m);
    return 0;
}
