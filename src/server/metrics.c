/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the server's metrics in the Prometheus text
 * exposition format: request counts per route and status class, a latency
 * histogram, requests in flight, and the job queue's depth read from the
 * store at scrape time. Counters are atomics, so observing never locks.
 */
#include <stdio.h>

#include "server/server.h"
#include "util/buf.h"

static const double bounds[] = {0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
#define NB CWT_ARRAY_LEN(bounds)
static const char *const classes[] = {"1xx", "2xx", "3xx", "4xx", "5xx"};

struct srv_metrics {
    size_t nroutes;
    atomic_ullong *counts;            /* (nroutes + 1) * 5: the last row is unrouted */
    atomic_ullong hist[NB + 1];
    atomic_ullong total;
    _Atomic double sum;
};

struct srv_metrics *srv_metrics_new(size_t nroutes)
{
    struct srv_metrics *m = CWT_NEW(struct srv_metrics);
    if (!m)
        return NULL;
    m->nroutes = nroutes;
    m->counts = cwt_calloc((nroutes + 1) * 5, sizeof *m->counts);
    if (!m->counts) {
        cwt_free(m);
        return NULL;
    }
    return m;
}

void srv_metrics_free(struct srv_metrics *m)
{
    if (!m)
        return;
    cwt_free(m->counts);
    cwt_free(m);
}

void srv_metrics_observe(struct srv_metrics *m, size_t idx, int status, double seconds)
{
    size_t row = idx < m->nroutes ? idx : m->nroutes;
    int cls = status / 100 - 1;
    if (cls < 0 || cls > 4)
        cls = 4;
    atomic_fetch_add(&m->counts[row * 5 + (size_t)cls], 1);
    size_t b = 0;
    while (b < NB && seconds > bounds[b])
        b++;
    atomic_fetch_add(&m->hist[b], 1);
    atomic_fetch_add(&m->total, 1);
    double old = atomic_load(&m->sum);
    while (!atomic_compare_exchange_weak(&m->sum, &old, old + seconds))
        ;
}

char *srv_metrics_render(struct srv_metrics *m, struct srv *s)
{
    struct cwt_buf b;
    cwt_buf_init(&b, 1u << 20);
    cwt_buf_printf(&b, "# HELP cwtap_build_info Version of the running cwtap.\n# TYPE cwtap_build_info gauge\n"
                       "cwtap_build_info{version=\"%s\"} 1\n", cwt_version());
    cwt_buf_adds(&b, "# HELP cwtap_http_requests_total HTTP requests by route and status class.\n"
                     "# TYPE cwtap_http_requests_total counter\n");
    for (size_t r = 0; r <= m->nroutes; r++)
        for (size_t c = 0; c < 5; c++) {
            unsigned long long v = atomic_load(&m->counts[r * 5 + c]);
            if (!v)
                continue;
            if (r < m->nroutes)
                cwt_buf_printf(&b, "cwtap_http_requests_total{method=\"%s\",route=\"%s\",code=\"%s\"} %llu\n",
                               srv_routes[r].method, srv_routes[r].pattern, classes[c], v);
            else
                cwt_buf_printf(&b, "cwtap_http_requests_total{method=\"other\",route=\"other\",code=\"%s\"} %llu\n",
                               classes[c], v);
        }
    cwt_buf_adds(&b, "# HELP cwtap_http_request_duration_seconds Time to serve a request.\n"
                     "# TYPE cwtap_http_request_duration_seconds histogram\n");
    unsigned long long cum = 0;
    for (size_t i = 0; i <= NB; i++) {
        cum += atomic_load(&m->hist[i]);
        if (i < NB)
            cwt_buf_printf(&b, "cwtap_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n", bounds[i], cum);
        else
            cwt_buf_printf(&b, "cwtap_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n", cum);
    }
    cwt_buf_printf(&b, "cwtap_http_request_duration_seconds_sum %.6f\ncwtap_http_request_duration_seconds_count %llu\n",
                   atomic_load(&m->sum), atomic_load(&m->total));
    cwt_buf_printf(&b, "# HELP cwtap_http_requests_in_flight Requests being served.\n"
                       "# TYPE cwtap_http_requests_in_flight gauge\ncwtap_http_requests_in_flight %d\n",
                   srv_inflight(s));
    static const char *const states[] = {"queued", "running", "done", "failed"};
    cwt_buf_adds(&b, "# HELP cwtap_jobs Jobs in the queue by state.\n# TYPE cwtap_jobs gauge\n");
    for (size_t i = 0; i < CWT_ARRAY_LEN(states); i++) {
        int64_t n = 0;
        struct cwt_err err;
        if (cwt__store_job_count(srv_store(s), states[i], &n, &err) == CWT_OK)
            cwt_buf_printf(&b, "cwtap_jobs{state=\"%s\"} %lld\n", states[i], (long long)n);
    }
    char *out = cwt_buf_detach(&b, NULL);
    cwt_buf_release(&b);
    return out;
}
