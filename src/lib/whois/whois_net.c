/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the port-43 WHOIS client (RFC 3912): resolve the
 * server, refuse loopback/private/link-local addresses unless allowed (the
 * same rule as util/netaddr, shared with fetch and tls), connect without blocking, send
 * the query, read until the server closes, all under one deadline and a cap
 * on the reply's size.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/netaddr.h"
#include "whois/whois_record.h"

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int wait_fd(int fd, short ev, int64_t deadline)
{
    int64_t left = deadline - mono_ms();
    if (left <= 0)
        return 0;
    struct pollfd p = {.fd = fd, .events = ev};
    int r;
    do
        r = poll(&p, 1, (int)CWT_MIN(left, (int64_t)60000));
    while (r < 0 && errno == EINTR);
    return r;
}

static enum cwt_status connect_one(const struct addrinfo *ai, int64_t deadline, int *out)
{
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
    if (fd < 0)
        return CWT_ECONNECT;
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
        *out = fd;
        return CWT_OK;
    }
    if (errno != EINPROGRESS) {
        close(fd);
        return CWT_ECONNECT;
    }
    int r = wait_fd(fd, POLLOUT, deadline);
    int soerr = 0;
    socklen_t sl = sizeof soerr;
    if (r <= 0) {
        close(fd);
        return r == 0 ? CWT_ETIMEOUT : CWT_ECONNECT;
    }
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0 || soerr != 0) {
        close(fd);
        return CWT_ECONNECT;
    }
    *out = fd;
    return CWT_OK;
}

enum cwt_status cwt__whois_query(const char *host, int port, const char *query, long timeout_ms,
                                 bool allow_private, char **out, size_t *outlen, struct cwt_err *err)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
    struct addrinfo *res = NULL;
    struct cwt_buf reply;
    enum cwt_status rc = CWT_OK;
    int fd = -1;
    char portstr[16];
    int64_t deadline = mono_ms() + (timeout_ms > 0 ? timeout_ms : 10000);
    cwt_buf_init(&reply, CWT__WHOIS_REPLY_MAX);
    *out = NULL;
    if (outlen)
        *outlen = 0;
    if (!host || !*host || port <= 0 || port > 65535 || strpbrk(query, "\r\n"))
        return cwt_err_set(err, CWT_EINVAL, "bad whois query for server '%s'", host ? host : "");
    snprintf(portstr, sizeof portstr, "%d", port);
    if (getaddrinfo(host, portstr, &hints, &res) != 0 || !res)
        return cwt_err_set(err, CWT_ERESOLVE, "cannot resolve whois server '%s'", host);
    const char *why = NULL;
    rc = CWT_ECONNECT;
    for (const struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        const char *r = cwt__addr_refusal(ai->ai_addr, ai->ai_addrlen);
        if (r && !allow_private) {
            why = r;
            rc = CWT_EREFUSED;
            continue;
        }
        rc = connect_one(ai, deadline, &fd);
        if (rc == CWT_OK || rc == CWT_ETIMEOUT)
            break;
    }
    if (rc == CWT_EREFUSED) {
        rc = cwt_err_set(err, rc, "refusing whois server '%s': %s", host, why);
        goto out;
    }
    if (rc) {
        rc = cwt_err_set(err, rc, "cannot connect to whois server '%s:%d'%s", host, port,
                         rc == CWT_ETIMEOUT ? ": timed out" : "");
        goto out;
    }
    char line[512];
    int n = snprintf(line, sizeof line, "%s\r\n", query);
    if (n < 0 || (size_t)n >= sizeof line) {
        rc = cwt_err_set(err, CWT_EINVAL, "whois query for '%s' is too long", query);
        goto out;
    }
    for (size_t sent = 0; sent < (size_t)n;) {
        if (wait_fd(fd, POLLOUT, deadline) <= 0) {
            rc = cwt_err_set(err, CWT_ETIMEOUT, "whois server '%s' timed out", host);
            goto out;
        }
        ssize_t w = send(fd, line + sent, (size_t)n - sent, MSG_NOSIGNAL);
        if (w < 0 && errno != EAGAIN && errno != EINTR) {
            rc = cwt_err_set(err, CWT_EIO, "cannot send to whois server '%s'", host);
            goto out;
        }
        if (w > 0)
            sent += (size_t)w;
    }
    for (;;) {
        int r = wait_fd(fd, POLLIN, deadline);
        if (r <= 0) {
            rc = cwt_err_set(err, CWT_ETIMEOUT, "whois server '%s' timed out", host);
            goto out;
        }
        char chunk[4096];
        ssize_t got = recv(fd, chunk, sizeof chunk, 0);
        if (got == 0)
            break;
        if (got < 0) {
            if (errno == EAGAIN || errno == EINTR)
                continue;
            rc = cwt_err_set(err, CWT_EIO, "cannot read from whois server '%s'", host);
            goto out;
        }
        size_t room = reply.max - reply.len;
        if ((size_t)got > room) { /* keep what fits: the head of a reply carries the data */
            if (room && (rc = cwt_buf_add(&reply, chunk, room)))
                goto out;
            break;
        }
        if ((rc = cwt_buf_add(&reply, chunk, (size_t)got)))
            goto out;
    }
    if (!reply.data && (rc = cwt_buf_add(&reply, "", 0)))
        goto out;
    if (!reply.data) {
        *out = cwt_strdup("");
        rc = *out ? CWT_OK : CWT_ENOMEM;
        goto out;
    }
    *out = cwt_buf_detach(&reply, outlen);
    rc = *out ? CWT_OK : CWT_ENOMEM;
out:
    if (fd >= 0)
        close(fd);
    freeaddrinfo(res);
    cwt_buf_release(&reply);
    return rc;
}
