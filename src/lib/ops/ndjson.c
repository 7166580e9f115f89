/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the splitting of an NDJSON batch into lines as its
 * bytes arrive (the server gets the body in chunks, the CLI reads a file in
 * blocks): one line buffer of CWT__EVENT_LINE_MAX bytes, caps on lines and
 * bytes per batch, overlong lines reported rather than buffered. It also
 * holds struct cwt_ops_data, the owning container of a site's events that an
 * audit receives (include/cwtap/audit.h).
 */
#include <stdio.h>

#include "ops/ops.h"

void cwt__ndjson_init(struct cwt__ndjson *nj, size_t max_lines, size_t max_bytes)
{
    memset(nj, 0, sizeof *nj);
    nj->max_lines = max_lines;
    nj->max_bytes = max_bytes;
}

/* Reports the line held in the buffer (if not blank) and starts the next one. */
static enum cwt_status end_line(struct cwt__ndjson *nj, cwt__ndjson_fn fn, void *ud, struct cwt_err *err)
{
    enum cwt_status rc = CWT_OK;
    size_t len = nj->len;
    if (!nj->overlong && len && nj->line[len - 1] == '\r')
        len--;
    bool blank = !nj->overlong;
    for (size_t i = 0; i < len && blank; i++)
        blank = nj->line[i] == ' ' || nj->line[i] == '\t';
    nj->lineno++;
    if (!blank) {
        if (++nj->nlines > nj->max_lines)
            return cwt_err_setf(err, CWT_ETOOBIG, "lines", "the batch has more than %zu lines", nj->max_lines);
        nj->line[nj->overlong ? 0 : len] = '\0';
        rc = fn(ud, nj->lineno, nj->line, nj->overlong ? 0 : len, nj->overlong, err);
    }
    nj->len = 0;
    nj->overlong = false;
    return rc;
}

enum cwt_status cwt__ndjson_feed(struct cwt__ndjson *nj, const char *data, size_t len, cwt__ndjson_fn fn, void *ud,
                                 struct cwt_err *err)
{
    if (len > nj->max_bytes - nj->bytes || nj->bytes > nj->max_bytes)
        return cwt_err_setf(err, CWT_ETOOBIG, "bytes", "the batch is larger than %zu bytes", nj->max_bytes);
    nj->bytes += len;
    const char *p = data, *end = data + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = (size_t)((nl ? nl : end) - p);
        if (!nj->overlong) {
            if (n > CWT__EVENT_LINE_MAX - nj->len) {
                nj->overlong = true;
            } else {
                memcpy(nj->line + nj->len, p, n);
                nj->len += n;
            }
        }
        if (!nl)
            break;
        enum cwt_status rc = end_line(nj, fn, ud, err);
        if (rc != CWT_OK)
            return rc;
        p = nl + 1;
    }
    return CWT_OK;
}

enum cwt_status cwt__ndjson_finish(struct cwt__ndjson *nj, cwt__ndjson_fn fn, void *ud, struct cwt_err *err)
{
    if (nj->len == 0 && !nj->overlong)
        return CWT_OK;
    return end_line(nj, fn, ud, err);
}

enum cwt_status cwt__ops_data_add(struct cwt_ops_data *d, const char *platform, const struct cwt__event *e, size_t max)
{
    if (d->ops.nevents >= max)
        return CWT_ETOOBIG;
    if (d->ops.nevents == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 64;
        if (cap > max)
            cap = max;
        struct cwt__event *ev = cwt_malloc(cap * sizeof *ev);
        char **pl = cwt_malloc(cap * sizeof *pl);
        if (!ev || !pl) {
            cwt_free(ev);
            cwt_free(pl);
            return CWT_ENOMEM;
        }
        if (d->ops.nevents) {
            memcpy(ev, d->events, d->ops.nevents * sizeof *ev);
            memcpy(pl, d->platforms, d->ops.nevents * sizeof *pl);
        }
        cwt_free(d->events);
        cwt_free(d->platforms);
        d->events = ev;
        d->platforms = pl;
        d->cap = cap;
    }
    char *p = cwt_strdup(platform);
    if (!p)
        return CWT_ENOMEM;
    d->events[d->ops.nevents] = *e;
    d->platforms[d->ops.nevents] = p;
    d->ops.nevents++;
    d->ops.events = d->events;
    d->ops.platforms = (const char *const *)d->platforms;
    return CWT_OK;
}

void cwt__ops_data_free(struct cwt_ops_data *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->ops.nevents; i++)
        cwt_free(d->platforms[i]);
    cwt_free(d->events);
    cwt_free(d->platforms);
    cwt_free(d);
}
