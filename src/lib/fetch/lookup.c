/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements fetch/lookup.h. libcurl 7.88's threaded resolver
 * creates a thread for each host:port it looks up and lets it end; with
 * mimalloc, a thread's heap set-up and hand-back, the clone and the stack's
 * madvise cost about 1.5% of an audit's CPU (bench/crawl, two look-ups a
 * site). glibc's getaddrinfo_a runs the same getaddrinfo() in a pool whose
 * threads wait a second for the next request before they end, so a crawl's
 * look-ups reuse them. The wait is bounded as libcurl's is (gai_suspend); a
 * look-up still running when it ends is cancelled or, when it cannot be,
 * parked and freed by a later call once glibc is done with it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "fetch/lookup.h"

/* One request and everything getaddrinfo_a reads while it runs. */
struct pending {
    struct gaicb cb;
    struct addrinfo hints;
    char *name;
    struct pending *next; /* in the parked list */
};

static struct pending *parked;
static pthread_mutex_t parked_lock = PTHREAD_MUTEX_INITIALIZER;

static void pending_free(struct pending *p)
{
    if (p->cb.ar_result)
        freeaddrinfo(p->cb.ar_result);
    cwt_free(p->name);
    cwt_free(p);
}

/* Frees the parked look-ups glibc has finished with. */
static void reap_parked(void)
{
    pthread_mutex_lock(&parked_lock);
    for (struct pending **pp = &parked; *pp;) {
        struct pending *p = *pp;
        if (gai_error(&p->cb) != EAI_INPROGRESS) {
            *pp = p->next;
            pending_free(p);
        } else {
            pp = &p->next;
        }
    }
    pthread_mutex_unlock(&parked_lock);
}

/* libcurl's Curl_ipv6works(): IPv6 is asked for when an IPv6 socket can be opened. */
static bool ipv6_works_v;
static void ipv6_probe(void)
{
    int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    ipv6_works_v = fd >= 0;
    if (fd >= 0)
        close(fd);
}

static bool ipv6_works(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, ipv6_probe);
    return ipv6_works_v;
}

bool cwt__lookup_format(const struct addrinfo *ai, char *out, size_t outlen)
{
    size_t off = 0;
    if (outlen)
        out[0] = '\0';
    for (; ai; ai = ai->ai_next) {
        char a[INET6_ADDRSTRLEN];
        const void *src;
        if (ai->ai_family == AF_INET && ai->ai_addrlen >= sizeof(struct sockaddr_in))
            src = &((const struct sockaddr_in *)(const void *)ai->ai_addr)->sin_addr;
        else if (ai->ai_family == AF_INET6 && ai->ai_addrlen >= sizeof(struct sockaddr_in6))
            src = &((const struct sockaddr_in6 *)(const void *)ai->ai_addr)->sin6_addr;
        else
            continue; /* libcurl keeps IPv4 and IPv6 only */
        if (!inet_ntop(ai->ai_family, src, a, sizeof a))
            return false;
        int n = snprintf(out + off, outlen - off, ai->ai_family == AF_INET6 ? "%s[%s]" : "%s%s", off ? "," : "", a);
        if (n < 0 || (size_t)n >= outlen - off)
            return false;
        off += (size_t)n;
    }
    return off > 0;
}

bool cwt__lookup_addrs(const char *host, long timeout_ms, char *out, size_t outlen)
{
    reap_parked();
    if (!host || !*host || timeout_ms <= 0 || outlen == 0)
        return false;
    struct pending *p = CWT_NEW(struct pending);
    if (!p || !(p->name = cwt_strdup(host))) {
        cwt_free(p);
        return false;
    }
    p->hints.ai_family = ipv6_works() ? AF_UNSPEC : AF_INET;
    p->hints.ai_socktype = SOCK_STREAM;
    p->cb.ar_name = p->name;
    p->cb.ar_request = &p->hints;
    struct gaicb *list[1] = {&p->cb};
    if (getaddrinfo_a(GAI_NOWAIT, list, 1, NULL) != 0) {
        pending_free(p);
        return false;
    }
    struct timespec end;
    clock_gettime(CLOCK_MONOTONIC, &end);
    end.tv_sec += timeout_ms / 1000;
    end.tv_nsec += (timeout_ms % 1000) * 1000000L;
    if (end.tv_nsec >= 1000000000L) {
        end.tv_sec++;
        end.tv_nsec -= 1000000000L;
    }
    int e;
    while ((e = gai_error(&p->cb)) == EAI_INPROGRESS) {
        struct timespec now, left;
        clock_gettime(CLOCK_MONOTONIC, &now);
        left.tv_sec = end.tv_sec - now.tv_sec;
        left.tv_nsec = end.tv_nsec - now.tv_nsec;
        if (left.tv_nsec < 0) {
            left.tv_sec--;
            left.tv_nsec += 1000000000L;
        }
        if (left.tv_sec < 0)
            break;
        const struct gaicb *wait[1] = {&p->cb};
        (void)gai_suspend(wait, 1, &left); /* done, timed out or interrupted: gai_error says which */
    }
    if (e == EAI_INPROGRESS) {
        int c = gai_cancel(&p->cb);
        if (c == EAI_CANCELED || c == EAI_ALLDONE) {
            pending_free(p);
        } else { /* glibc still owns it: freed once it is done */
            pthread_mutex_lock(&parked_lock);
            p->next = parked;
            parked = p;
            pthread_mutex_unlock(&parked_lock);
        }
        return false;
    }
    bool ok = e == 0 && cwt__lookup_format(p->cb.ar_result, out, outlen);
    pending_free(p);
    return ok;
}
