/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target of the compliance text scanner (src/lib/signals/marks.c) and the text readers of
 * the content signals (content.c): labs, management standards, labelled identifiers, dates, GTINs.
 */
#include <stdint.h>
#include <stdlib.h>

#include "signals/content.h"
#include "signals/marks.h"

struct bounds {
    size_t len;
};

static bool mark_ok(const struct cwt__mark_hit *h, void *ud)
{
    const struct bounds *b = ud;
    if (!h->mark || h->len == 0 || h->off + h->len > b->len)
        abort();
    return true;
}

static bool body_ok(const struct cwt__body_hit *h, void *ud)
{
    const struct bounds *b = ud;
    if (!h->body || h->off + h->len > b->len)
        abort();
    return true;
}

static bool mss_ok(const struct cwt__mss_hit *h, void *ud)
{
    const struct bounds *b = ud;
    if (!h->mss || h->off + h->len > b->len)
        abort();
    return true;
}

static bool date_ok(int64_t t, size_t off, size_t n, void *ud)
{
    const struct bounds *b = ud;
    if (off + n > b->len || t < 0)
        abort();
    return true;
}

/* Digests of a scan's hits (mark or lab, language, offset, length, in order), to compare the filtered
 * scans with the references that try every position. */
static bool mark_digest(const struct cwt__mark_hit *h, void *ud)
{
    uint64_t *d = ud;
    *d = (*d ^ (uintptr_t)h->mark ^ (uintptr_t)h->lang) * 1099511628211u;
    *d = (*d ^ (h->off << 16) ^ h->len) * 1099511628211u;
    return true;
}

static bool body_digest(const struct cwt__body_hit *h, void *ud)
{
    uint64_t *d = ud;
    *d = (*d ^ (uintptr_t)h->body ^ (h->off << 16) ^ h->len) * 1099511628211u;
    return true;
}

static void marks_same(const char *s, size_t size)
{
    uint64_t a = 1, b = 1;
    if (cwt__marks_scan(s, size, 64, mark_digest, &a) != cwt__marks_scan_every(s, size, 64, mark_digest, &b) || a != b)
        abort();
    a = b = 1;
    if (cwt__bodies_scan(s, size, 64, body_digest, &a) != cwt__bodies_scan_every(s, size, 64, body_digest, &b) ||
        a != b)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    struct bounds b = {size};
    cwt__marks_scan(s, size, 1000, mark_ok, &b);
    marks_same(s, size);
    cwt__bodies_scan(s, size, 1000, body_ok, &b);
    cwt__mss_scan(s, size, 1000, mss_ok, &b);
    cwt__dates_scan(s, size, 1000, date_ok, &b);
    char out[64];
    size_t at = cwt__labelled_id(s, size, 0, cwt__report_no_labels, out, sizeof out);
    if (at != SIZE_MAX && (at >= size || strlen(out) >= sizeof out))
        abort();
    cwt__labelled_text(s, size, 0, cwt__origin_labels, out, sizeof out);
    char d[15];
    size_t n = cwt__gtin_digits(s, size, d);
    if (n > 14)
        abort();
    cwt__gtin_valid(d, n);
    return 0;
}
