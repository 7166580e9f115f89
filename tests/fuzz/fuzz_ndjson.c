/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: an NDJSON batch of platform events as the server gets it
 * (ops/ndjson.c splitting the body in arbitrary chunks, ops/events.c judging
 * each line). The first byte sets the chunk size, so lines straddle chunks.
 * Checks that line numbers only grow and the caps hold.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "ops/ops.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct seen {
    size_t last, lines;
};

static enum cwt_status on_line(void *ud, size_t lineno, const char *line, size_t len, bool overlong,
                               struct cwt_err *err)
{
    struct seen *s = ud;
    if (lineno <= s->last || len > CWT__EVENT_LINE_MAX || (overlong && len) || line[len] != '\0')
        abort();
    s->last = lineno;
    s->lines++;
    struct cwt__event e;
    if (!overlong)
        cwt__event_parse(line, len, &e, err);
    return CWT_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t piece = (size_t)data[0] + 1;
    struct cwt__ndjson nj;
    struct cwt_err err;
    struct seen s = {0, 0};
    cwt__ndjson_init(&nj, 64, 1u << 16);
    enum cwt_status rc = CWT_OK;
    for (size_t off = 1; off < size && rc == CWT_OK; off += piece) {
        size_t n = size - off < piece ? size - off : piece;
        rc = cwt__ndjson_feed(&nj, (const char *)data + off, n, on_line, &s, &err);
    }
    if (rc == CWT_OK)
        rc = cwt__ndjson_finish(&nj, on_line, &s, &err);
    if (s.lines > 64 + 1)
        abort();
    return 0;
}
