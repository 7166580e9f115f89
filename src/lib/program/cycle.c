/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements evaluation cycles: a bounded, sorted list of
 * operator-defined cycles, the seed of the program's known dates (2026-Q3 with
 * its 2026-07-31 deadline, quarterly from 2026-10-01), a generator of the next
 * quarter, and the pool rule: a site is in a cycle's pool when it was
 * integrated and passed its initial evaluation by that cycle's deadline.
 */
#include <stdio.h>

#include "program/cycle.h"
#include "util/timeutil.h"

void cwt__cycles_init(struct cwt__cycles *cs)
{
    cs->v = NULL;
    cs->n = cs->cap = 0;
}

void cwt__cycles_release(struct cwt__cycles *cs)
{
    cwt_free(cs->v);
    cwt__cycles_init(cs);
}

enum cwt_status cwt__cycles_add(struct cwt__cycles *cs, const struct cwt__cycle *c, struct cwt_err *err)
{
    size_t idlen = strnlen(c->id, sizeof c->id);
    if (idlen == 0 || idlen >= sizeof c->id)
        return cwt_err_setf(err, CWT_EINVAL, "id", "cycle id must be 1 to %zu characters", sizeof c->id - 1);
    if (c->end <= c->start)
        return cwt_err_setf(err, CWT_EINVAL, "end", "cycle '%s' ends before it starts", c->id);
    if (c->deadline >= c->end)
        return cwt_err_setf(err, CWT_EINVAL, "deadline", "cycle '%s' has its deadline after its end", c->id);
    size_t pos = cs->n;
    for (size_t i = 0; i < cs->n; i++) {
        const struct cwt__cycle *o = &cs->v[i];
        if (strcmp(o->id, c->id) == 0)
            return cwt_err_setf(err, CWT_ECONFLICT, "id", "cycle '%s' already exists", c->id);
        if (c->start < o->end && o->start < c->end)
            return cwt_err_setf(err, CWT_EINVAL, "start", "cycle '%s' overlaps cycle '%s'", c->id, o->id);
        if (pos == cs->n && c->start < o->start)
            pos = i;
    }
    if (cs->n >= CWT__CYCLES_MAX)
        return cwt_err_setf(err, CWT_ETOOBIG, "cycles", "more than %d cycles", CWT__CYCLES_MAX);
    enum cwt_status rc = CWT_GROW(cs->v, cs->n, &cs->cap, CWT__CYCLES_MAX);
    if (rc)
        return cwt_err_set(err, rc, "cannot grow the cycle list");
    memmove(&cs->v[pos + 1], &cs->v[pos], (cs->n - pos) * sizeof *cs->v);
    cs->v[pos] = *c;
    cs->n++;
    return CWT_OK;
}

static int64_t day_start(int y, int m, int d)
{
    return cwt_days_from_civil(y, m, d) * 86400;
}

/* The quarterly cycle starting on the first day of @p y-@p m. */
static void quarter(struct cwt__cycle *c, int y, int m, int deadline_month)
{
    memset(c, 0, sizeof *c);
    snprintf(c->id, sizeof c->id, "%04d-Q%d", y, (m - 1) / 3 + 1);
    c->start = day_start(y, m, 1);
    c->end = cwt_time_add_months(c->start, 3);
    c->deadline = cwt_time_add_months(c->start, deadline_month) - 1;
}

enum cwt_status cwt__cycles_generate_next(struct cwt__cycles *cs, int deadline_month, struct cwt_err *err)
{
    if (deadline_month < 0 || deadline_month > 2)
        return cwt_err_setf(err, CWT_EINVAL, "deadline_month", "deadline month must be 0, 1 or 2");
    struct cwt_tm tm;
    if (cs->n == 0)
        cwt_time_to_tm(day_start(2026, 10, 1), &tm);
    else
        cwt_time_to_tm(cs->v[cs->n - 1].end, &tm);
    /* Quarters start on the first day of January, April, July or October. */
    int y = tm.year, m = tm.month;
    if (tm.day != 1 || tm.hour || tm.min || tm.sec)
        m++;
    while ((m - 1) % 3 != 0)
        m++;
    if (m > 12) {
        m -= 12;
        y++;
    }
    struct cwt__cycle c;
    quarter(&c, y, m, deadline_month);
    return cwt__cycles_add(cs, &c, err);
}

enum cwt_status cwt__cycles_seed(struct cwt__cycles *cs, unsigned quarters, int deadline_month,
                                 struct cwt_err *err)
{
    struct cwt__cycle q3;
    quarter(&q3, 2026, 7, 1); /* PROGRAM.md: the 2026-Q3 deadline was 2026-07-31 */
    enum cwt_status rc = cwt__cycles_add(cs, &q3, err);
    for (unsigned i = 0; rc == CWT_OK && i < quarters; i++)
        rc = cwt__cycles_generate_next(cs, deadline_month, err);
    return rc;
}

const struct cwt__cycle *cwt__cycles_current(const struct cwt__cycles *cs, int64_t at)
{
    for (size_t i = 0; i < cs->n; i++)
        if (cs->v[i].start <= at && at < cs->v[i].end)
            return &cs->v[i];
    return NULL;
}

const struct cwt__cycle *cwt__cycles_find(const struct cwt__cycles *cs, const char *id)
{
    for (size_t i = 0; id && i < cs->n; i++)
        if (strcmp(cs->v[i].id, id) == 0)
            return &cs->v[i];
    return NULL;
}

bool cwt__pool_contains(const struct cwt__cycle *c, int64_t qualified_at)
{
    return c && qualified_at != 0 && qualified_at <= c->deadline;
}

void cwt__pool_decide(const struct cwt__cycles *cs, int64_t integrated_at, int64_t passed_at,
                      struct cwt__pool_decision *out)
{
    int64_t q = CWT_MAX(integrated_at, passed_at);
    char qd[21], dd[11], sd[11];
    memset(out, 0, sizeof *out);
    cwt_time_format_iso(q, qd);
    for (size_t i = 0; i < cs->n; i++)
        if (q <= cs->v[i].deadline) {
            out->cycle = &cs->v[i];
            break;
        }
    /* The cycle whose enrollment the site missed: the latest one whose deadline passed before q. */
    for (size_t i = 0; i < cs->n; i++)
        if (cs->v[i].deadline < q && q < cs->v[i].end)
            out->missed = &cs->v[i];
    out->deferred = out->missed != NULL;
    if (!out->cycle) {
        snprintf(out->explain, sizeof out->explain,
                 "qualified %s; no cycle with a later enrollment deadline is defined yet", qd);
        return;
    }
    cwt_time_format_date(out->cycle->deadline, dd);
    cwt_time_format_date(out->cycle->start, sd);
    if (out->deferred) {
        char md[11];
        cwt_time_format_date(out->missed->deadline, md);
        snprintf(out->explain, sizeof out->explain,
                 "qualified %s, after the enrollment deadline of %s (%s): deferred to the pool of %s, which starts %s",
                 qd, out->missed->id, md, out->cycle->id, sd);
    } else {
        snprintf(out->explain, sizeof out->explain,
                 "qualified %s, by the enrollment deadline of %s (%s): in its pool from %s", qd, out->cycle->id, dd,
                 sd);
    }
}
