/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: one NDJSON platform event line (ops/events.c over the
 * event scanner ops/event_scan.c). Differential against jansson, a general
 * JSON parser: a line jansson cannot read must be refused, and a line the
 * scanner accepts must be, for jansson, an object whose id and enum members
 * are the same strings the event holds; an object jansson reads is never a
 * syntax error for the scanner.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <jansson.h>

#include "ops/ops.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void same(json_t *o, const char *key, const char *want)
{
    const char *got = json_string_value(json_object_get(o, key));
    if (!got || strcmp(got, want) != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct cwt__event e;
    struct cwt_err err;
    enum cwt_status rc = cwt__event_parse((const char *)data, size, &e, &err);
    json_error_t je;
    json_t *o = size <= CWT__EVENT_LINE_MAX ? json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &je) : NULL;
    if (!o) {
        if (rc == CWT_OK)
            abort(); /* jansson cannot read it: it must be refused */
        return 0;
    }
    /* jansson reads an object: the scanner must too (unless it holds a NUL byte, which is no JSON but which
       jansson lets through outside strings) */
    if (json_is_object(o) && rc == CWT_EPARSE && !memchr(data, 0, size))
        abort();
    if (rc == CWT_OK) {
        if (!json_is_object(o))
            abort();
        same(o, "event_id", e.event_id);
        same(o, "site", e.site);
        same(o, e.kind == CWT__EV_ORDER ? "order_id" : "request_id", e.subject_id);
        same(o, e.kind == CWT__EV_ORDER ? "status" : "outcome", e.kind == CWT__EV_ORDER ? e.status : e.outcome);
    } else if (err.field[0] == '\0') {
        abort(); /* every refusal names a field */
    }
    json_decref(o);
    return 0;
}
