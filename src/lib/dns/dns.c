/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the dns layer with c-ares: one channel per look-up,
 * pointed at the given server (or the system's), a poll() loop bounded by a
 * deadline, and the MX and TXT answers copied out with caps on records and
 * bytes.
 */
#include <ares.h>
#include <arpa/nameser.h>
#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "dns/dns.h"
#include "util/buf.h"

struct query {
    struct cwt__dns_result *out;
    const char *domain;
    int type; /* ns_t_mx or ns_t_txt */
    bool done;
    enum cwt_status oom;
};

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Records why the look-up of @p domain (record type @p kind) gave no answer. */
static void set_error(struct cwt__dns_result *r, enum cwt_status rc, const char *kind, const char *domain)
{
    char msg[512];
    if (rc == CWT_ENOTFOUND)
        snprintf(msg, sizeof msg, "no %s records for '%s'", kind, domain);
    else if (rc == CWT_ETIMEOUT)
        snprintf(msg, sizeof msg, "%s look-up of '%s' timed out", kind, domain);
    else
        snprintf(msg, sizeof msg, "%s look-up of '%s' failed", kind, domain);
    r->rc = rc;
    cwt_free(r->error);
    r->error = cwt_strdup(msg);
}

static int cmp_mx(const void *a, const void *b)
{
    const struct cwt__dns_mx *x = a, *y = b;
    return (int)x->priority - (int)y->priority;
}

static enum cwt_status copy_mx(struct cwt__dns_result *r, const unsigned char *abuf, int alen)
{
    struct ares_mx_reply *mx = NULL;
    int st = ares_parse_mx_reply(abuf, alen, &mx);
    if (st == ARES_ENOMEM)
        return CWT_ENOMEM;
    if (st != ARES_SUCCESS)
        return CWT_EPARSE;
    enum cwt_status rc = CWT_OK;
    for (struct ares_mx_reply *m = mx; m && r->nmx < CWT__DNS_RECORDS_MAX; m = m->next) {
        char *h = cwt_strdup(m->host ? m->host : "");
        if (!h) {
            rc = CWT_ENOMEM;
            break;
        }
        size_t n = strlen(h);
        while (n && h[n - 1] == '.')
            h[--n] = '\0';
        for (char *p = h; *p; p++)
            *p = (char)tolower((unsigned char)*p);
        r->mx[r->nmx].priority = m->priority;
        r->mx[r->nmx].host = h;
        r->nmx++;
    }
    ares_free_data(mx);
    qsort(r->mx, r->nmx, sizeof r->mx[0], cmp_mx);
    return rc;
}

static enum cwt_status copy_txt(struct cwt__dns_result *r, const unsigned char *abuf, int alen)
{
    struct ares_txt_ext *txt = NULL;
    int st = ares_parse_txt_reply_ext(abuf, alen, &txt);
    if (st == ARES_ENOMEM)
        return CWT_ENOMEM;
    if (st != ARES_SUCCESS)
        return CWT_EPARSE;
    enum cwt_status rc = CWT_OK;
    struct cwt_buf b;
    cwt_buf_init(&b, CWT__DNS_TXT_MAX);
    for (struct ares_txt_ext *t = txt; t; t = t->next) {
        if (t->record_start && b.data) { /* a new record begins: keep the one built so far */
            if (r->ntxt < CWT__DNS_RECORDS_MAX)
                r->txt[r->ntxt++] = cwt_buf_detach(&b, NULL);
            cwt_buf_init(&b, CWT__DNS_TXT_MAX);
        }
        if (cwt_buf_add(&b, t->txt, t->length) == CWT_ENOMEM) {
            rc = CWT_ENOMEM;
            break;
        }
        if (!b.data && cwt_buf_add(&b, "", 0) == CWT_ENOMEM) {
            rc = CWT_ENOMEM;
            break;
        }
    }
    if (!rc && b.data && r->ntxt < CWT__DNS_RECORDS_MAX)
        r->txt[r->ntxt++] = cwt_buf_detach(&b, NULL);
    cwt_buf_release(&b);
    ares_free_data(txt);
    return rc;
}

static void on_answer(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
    struct query *q = arg;
    const char *kind = q->type == ns_t_mx ? "mx" : "txt";
    q->done = true;
    if (status == ARES_SUCCESS) {
        enum cwt_status rc = q->type == ns_t_mx ? copy_mx(q->out, abuf, alen) : copy_txt(q->out, abuf, alen);
        if (rc == CWT_ENOMEM)
            q->oom = CWT_ENOMEM;
        else if (rc == CWT_EPARSE || (q->type == ns_t_mx ? q->out->nmx : q->out->ntxt) == 0)
            set_error(q->out, CWT_ENOTFOUND, kind, q->domain);
        else
            q->out->rc = CWT_OK;
        return;
    }
    if (status == ARES_ENOTFOUND || status == ARES_ENODATA)
        set_error(q->out, CWT_ENOTFOUND, kind, q->domain);
    else if (status == ARES_ETIMEOUT)
        set_error(q->out, CWT_ETIMEOUT, kind, q->domain);
    else
        set_error(q->out, CWT_ERESOLVE, kind, q->domain);
    CWT_UNUSED(timeouts);
}

static enum cwt_status lookup(const struct cwt_ctx *ctx, const char *server, const char *domain, long timeout_ms,
                              int type, struct cwt__dns_result *out, struct cwt_err *err)
{
    ares_channel ch = NULL;
    enum cwt_status rc = CWT_OK;
    memset(out, 0, sizeof *out);
    out->rc = CWT_ERESOLVE;
    if (!domain || !*domain || strlen(domain) > 253)
        return cwt_err_set(err, CWT_EINVAL, "bad domain for a dns look-up");
    if (timeout_ms <= 0)
        timeout_ms = ctx ? cwt_ctx_limits(ctx)->connect_timeout_ms : 5000;
    if (ares_library_init(ARES_LIB_INIT_ALL) != ARES_SUCCESS)
        return CWT_ENOMEM;
    struct ares_options opt = {.timeout = (int)CWT_MIN(timeout_ms, 3000L), .tries = 2,
                               .flags = ARES_FLAG_NOSEARCH | ARES_FLAG_NOALIASES};
    int st = ares_init_options(&ch, &opt, ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_FLAGS);
    if (st != ARES_SUCCESS) {
        rc = st == ARES_ENOMEM ? CWT_ENOMEM : cwt_err_set(err, CWT_ERESOLVE, "cannot start the dns resolver");
        goto out;
    }
    if (server && *server && ares_set_servers_ports_csv(ch, server) != ARES_SUCCESS) {
        rc = cwt_err_setf(err, CWT_EINVAL, "dns_server", "bad dns server '%s'", server);
        goto out;
    }
    struct query q = {.out = out, .domain = domain, .type = type};
    ares_query(ch, domain, ns_c_in, type, on_answer, &q);
    int64_t deadline = mono_ms() + timeout_ms;
    while (!q.done) {
        ares_socket_t socks[ARES_GETSOCK_MAXNUM];
        int bits = ares_getsock(ch, socks, ARES_GETSOCK_MAXNUM);
        struct pollfd pfd[ARES_GETSOCK_MAXNUM];
        nfds_t n = 0;
        for (int i = 0; i < ARES_GETSOCK_MAXNUM; i++) {
            unsigned ub = (unsigned)bits; /* ARES_GETSOCK_WRITABLE shifts a signed 1 by up to 31 */
            short ev = (short)(((ub >> i) & 1u ? POLLIN : 0) | ((ub >> (i + ARES_GETSOCK_MAXNUM)) & 1u ? POLLOUT : 0));
            if (ev)
                pfd[n++] = (struct pollfd){.fd = socks[i], .events = ev};
        }
        int64_t left = deadline - mono_ms();
        if (left <= 0 || n == 0) {
            if (!q.done) {
                ares_cancel(ch); /* calls on_answer with ARES_ECANCELLED */
                set_error(out, CWT_ETIMEOUT, type == ns_t_mx ? "mx" : "txt",
                          domain);
            }
            break;
        }
        struct timeval tv, *tvp = ares_timeout(ch, NULL, &tv);
        int wait = (int)CWT_MIN(left, tvp ? (int64_t)tvp->tv_sec * 1000 + tvp->tv_usec / 1000 + 1 : left);
        int r = poll(pfd, n, wait);
        if (r < 0 && errno != EINTR)
            break;
        for (nfds_t i = 0; i < n; i++)
            ares_process_fd(ch, (pfd[i].revents & (POLLIN | POLLERR | POLLHUP)) ? pfd[i].fd : ARES_SOCKET_BAD,
                            (pfd[i].revents & POLLOUT) ? pfd[i].fd : ARES_SOCKET_BAD);
        if (r == 0)
            ares_process_fd(ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
    }
    if (q.oom)
        rc = CWT_ENOMEM;
out:
    if (ch)
        ares_destroy(ch);
    ares_library_cleanup();
    return rc;
}

enum cwt_status cwt__dns_mx(const struct cwt_ctx *ctx, const char *server, const char *domain, long timeout_ms,
                            struct cwt__dns_result *out, struct cwt_err *err)
{
    return lookup(ctx, server, domain, timeout_ms, ns_t_mx, out, err);
}

enum cwt_status cwt__dns_txt(const struct cwt_ctx *ctx, const char *server, const char *domain, long timeout_ms,
                             struct cwt__dns_result *out, struct cwt_err *err)
{
    return lookup(ctx, server, domain, timeout_ms, ns_t_txt, out, err);
}

void cwt__dns_result_release(struct cwt__dns_result *r)
{
    if (!r)
        return;
    cwt_free(r->error);
    for (size_t i = 0; i < r->nmx; i++)
        cwt_free(r->mx[i].host);
    for (size_t i = 0; i < r->ntxt; i++)
        cwt_free(r->txt[i]);
    memset(r, 0, sizeof *r);
}

enum cwt_status cwt__dns_global_init(void)
{
    return ares_library_init(ARES_LIB_INIT_ALL) == ARES_SUCCESS ? CWT_OK : CWT_ENOMEM;
}
