/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the operational measures: for each platform and
 * combined, the on-time shipment rate of orders due in the window and the
 * share of refund/return requests first answered within the response limit,
 * both smoothed with a Beta prior so that 3 orders do not look like 3,000,
 * and the median first-response time. The latest event per (platform, order
 * or request) wins; see docs/internals/operational.md.
 */
#include <math.h>
#include <stdlib.h>

#include "ops/ops.h"

#define MAX_PLATFORMS 64

void cwt__ops_policy_default(struct cwt__ops_policy *p)
{
    p->window_s = 90 * 86400;
    p->response_limit_s = 48 * 3600;
    p->prior_on_time_mean = 0.85;
    p->prior_refund_mean = 0.80;
    p->prior_strength = 10.0;
    p->min_orders = 20;
    p->min_refunds = 5;
}

double cwt__beta_mean(unsigned k, unsigned n, double m, double s)
{
    return ((double)k + m * s) / ((double)n + s);
}

double cwt__sample_confidence(unsigned n, unsigned min)
{
    return (double)n / ((double)n + (double)(min ? min : 1));
}

struct latest {
    const struct cwt__event *e;
    const char *platform;
};

/* Compares (kind, platform, subject). */
static int cmp_subject(const struct latest *x, const struct latest *y)
{
    if (x->e->kind != y->e->kind)
        return x->e->kind < y->e->kind ? -1 : 1;
    int c = strcmp(x->platform, y->platform);
    if (c)
        return c;
    return strcmp(x->e->subject_id, y->e->subject_id);
}

/* Sorts by subject, then by input order, so the last of each run is the subject's latest event. */
static int cmp_latest(const void *a, const void *b)
{
    const struct latest *x = a, *y = b;
    int c = cmp_subject(x, y);
    if (c)
        return c;
    return x->e < y->e ? -1 : x->e > y->e;
}

/* True when l[i] is the latest event of its subject (l sorted by cmp_latest). */
static bool is_latest(const struct latest *l, size_t i, size_t n)
{
    return i + 1 >= n || cmp_subject(&l[i], &l[i + 1]) != 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static struct cwt__ops_measure *measure_for(struct cwt__ops_measure *ms, size_t *n, const char *platform)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp(ms[i].platform, platform) == 0)
            return &ms[i];
    if (*n >= MAX_PLATFORMS + 1)
        return NULL;
    struct cwt__ops_measure *m = &ms[(*n)++];
    memset(m, 0, sizeof *m);
    size_t len = strnlen(platform, sizeof m->platform - 1);
    memcpy(m->platform, platform, len);
    return m;
}

static void count_order(struct cwt__ops_measure *m, const struct cwt__event *e, int64_t at,
                        const struct cwt__ops_policy *pol)
{
    if (e->placed_at < at - pol->window_s || e->placed_at > at || strcmp(e->status, "cancelled") == 0)
        return;
    if (e->promised_ship_by > at && !e->shipped_at)
        return; /* not yet due */
    m->orders_due++;
    if (e->shipped_at && e->shipped_at <= e->promised_ship_by && e->shipped_at <= at)
        m->orders_on_time++;
}

/* Returns the response time in seconds when the request counts as answered, else -1. */
static int64_t count_refund(struct cwt__ops_measure *m, const struct cwt__event *e, int64_t at,
                            const struct cwt__ops_policy *pol)
{
    if (e->requested_at < at - pol->window_s || e->requested_at > at)
        return -1;
    bool answered = e->first_response_at && e->first_response_at <= at;
    if (!answered && e->requested_at + pol->response_limit_s > at)
        return -1; /* still within its limit: not yet due */
    m->refunds_due++;
    if (!answered)
        return -1;
    m->refunds_answered++;
    int64_t dt = e->first_response_at - e->requested_at;
    if (dt <= pol->response_limit_s)
        m->refunds_answered_48h++;
    return dt;
}

static void finish(struct cwt__ops_measure *m, const struct cwt__ops_policy *pol, double *times, size_t nt)
{
    m->on_time_raw = m->orders_due ? (double)m->orders_on_time / m->orders_due : NAN;
    m->on_time_smoothed = cwt__beta_mean(m->orders_on_time, m->orders_due, pol->prior_on_time_mean, pol->prior_strength);
    m->refund_raw = m->refunds_due ? (double)m->refunds_answered_48h / m->refunds_due : NAN;
    m->refund_smoothed =
        cwt__beta_mean(m->refunds_answered_48h, m->refunds_due, pol->prior_refund_mean, pol->prior_strength);
    if (nt == 0) {
        m->median_response_h = NAN;
        return;
    }
    qsort(times, nt, sizeof *times, cmp_double);
    double med = nt % 2 ? times[nt / 2] : (times[nt / 2 - 1] + times[nt / 2]) / 2;
    m->median_response_h = med / 3600.0;
}

enum cwt_status cwt__ops_measure(const struct cwt__ops *ops, const struct cwt__ops_policy *pol, int64_t at,
                                 struct cwt__ops_measure **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    enum cwt_status rc = CWT_ENOMEM;
    size_t ne = ops ? ops->nevents : 0;
    struct latest *l = cwt_calloc(ne ? ne : 1, sizeof *l);
    struct cwt__ops_measure *ms = cwt_calloc(MAX_PLATFORMS + 1, sizeof *ms);
    double *all_times = cwt_calloc(ne ? ne : 1, sizeof *all_times);
    double *times = cwt_calloc(ne ? ne : 1, sizeof *times);
    if (!l || !ms || !all_times || !times)
        goto out;
    for (size_t i = 0; i < ne; i++) {
        l[i].e = &ops->events[i];
        l[i].platform = ops->platforms && ops->platforms[i] ? ops->platforms[i] : "unknown";
    }
    qsort(l, ne, sizeof *l, cmp_latest);
    size_t nms = 0;
    struct cwt__ops_measure *all = measure_for(ms, &nms, "*");
    size_t nall = 0;
    for (size_t i = 0; i < ne; i++) {
        if (!is_latest(l, i, ne))
            continue;
        struct cwt__ops_measure *m = measure_for(ms, &nms, l[i].platform);
        if (!m) {
            rc = CWT_ETOOBIG;
            goto out;
        }
        if (l[i].e->kind == CWT__EV_ORDER) {
            count_order(m, l[i].e, at, pol);
            count_order(all, l[i].e, at, pol);
        } else {
            count_refund(m, l[i].e, at, pol);
            int64_t dt = count_refund(all, l[i].e, at, pol);
            if (dt >= 0)
                all_times[nall++] = (double)dt;
        }
    }
    /* per-platform medians: gather each platform's response times */
    for (size_t k = 0; k < nms; k++) {
        struct cwt__ops_measure *m = &ms[k];
        if (strcmp(m->platform, "*") == 0) {
            finish(m, pol, all_times, nall);
            continue;
        }
        size_t nt = 0;
        struct cwt__ops_measure scratch;
        memset(&scratch, 0, sizeof scratch);
        for (size_t i = 0; i < ne; i++) {
            if (l[i].e->kind != CWT__EV_REFUND || strcmp(l[i].platform, m->platform) != 0)
                continue;
            if (!is_latest(l, i, ne))
                continue;
            int64_t dt = count_refund(&scratch, l[i].e, at, pol);
            if (dt >= 0)
                times[nt++] = (double)dt;
        }
        finish(m, pol, times, nt);
    }
    *out = ms;
    *n = nms;
    ms = NULL;
    rc = CWT_OK;
out:
    cwt_free(l);
    cwt_free(ms);
    cwt_free(all_times);
    cwt_free(times);
    return rc;
}
