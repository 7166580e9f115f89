/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A small scripted HTTP/1.1 server on 127.0.0.1 for tests of the fetch and
 * crawl layers: canned replies, redirects, and misbehaviour nginx cannot be
 * made to show (slow drip, endless body, broken chunked encoding, stalls).
 * Each connection is served by a thread of the forked server; every request line is appended
 * to a log file so tests can assert what was (not) fetched.
 */
#ifndef CWT_HSRV_H
#define CWT_HSRV_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum h_mode {
    H_NORMAL = 0,     /* status + headers + body, Content-Length */
    H_DRIP,           /* body sent one byte per drip_ms, then the rest never */
    H_ENDLESS,        /* Content-Length n, filler bytes streamed until the client stops */
    H_BROKEN_CHUNKED, /* chunked encoding with a bad chunk size in the middle */
    H_STALL,          /* read nothing, reply nothing, keep the connection open */
    H_CLOSE,          /* close right after the request */
};

struct h_route {
    const char *path;    /* exact request target ("/a?b=1"), or "*" for any */
    int status;          /* default 200 */
    const char *headers; /* extra header lines, each ending in "\r\n" (may be NULL) */
    const char *body;    /* may be NULL */
    size_t body_len;     /* 0: strlen(body) */
    enum h_mode mode;
    size_t n;            /* H_ENDLESS: bytes; H_DRIP: bytes before going silent */
    int drip_ms;         /* H_DRIP: delay between bytes (default 1000) */
};

struct h_srv {
    pid_t pid;
    int port;
    char *log_path;      /* request lines, one per line */
};

/* Starts a server on 127.0.0.1:@p port (0: any free port) with @p n routes (copied). 0 on success. */
int h_srv_start(struct h_srv *s, int port, const struct h_route *routes, size_t n);
/* Stops the server and its children, removes the log. */
void h_srv_stop(struct h_srv *s);
/* How many logged request lines contain @p needle. */
int h_srv_count(const struct h_srv *s, const char *needle);
/* Gzip of @p n zero bytes (a compression bomb when n is large); caller frees. */
unsigned char *h_gzip_zeros(size_t n, size_t *out_len);

#endif
