/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the scripted test HTTP server of hsrv.h: one forked
 * process listening on 127.0.0.1, one thread per connection, replies
 * from a route table, and modes that misbehave on purpose. Killing the
 * server's process group stops everything it started.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "harness.h"
#include "hsrv.h"

/* Ends the connection's thread. */
static void conn_end(int fd)
{
    close(fd);
    pthread_exit(NULL);
}

static void send_all(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n) {
        ssize_t w = send(fd, c, n, MSG_NOSIGNAL);
        if (w <= 0)
            conn_end(fd);
        c += w;
        n -= (size_t)w;
    }
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static const char *reason(int st)
{
    switch (st) {
    case 200: return "OK";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 404: return "Not Found";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Status";
    }
}

static void serve(int fd, const struct h_route *routes, size_t n, const char *log_path)
{
    char req[8192];
    size_t len = 0;
    for (;;) {
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, 10000) <= 0)
            conn_end(fd);
        ssize_t r = recv(fd, req + len, sizeof req - 1 - len, 0);
        if (r <= 0)
            conn_end(fd);
        len += (size_t)r;
        req[len] = '\0';
        if (strstr(req, "\r\n\r\n") || len >= sizeof req - 1)
            break;
    }
    char method[16] = "", target[4096] = "";
    if (sscanf(req, "%15s %4095s", method, target) != 2)
        conn_end(fd);
    FILE *lf = fopen(log_path, "a");
    if (lf) {
        fprintf(lf, "%s %s\n", method, target);
        fclose(lf);
    }
    const struct h_route *rt = NULL;
    for (size_t i = 0; i < n && !rt; i++)
        if (strcmp(routes[i].path, target) == 0)
            rt = &routes[i];
    for (size_t i = 0; i < n && !rt; i++)
        if (strcmp(routes[i].path, "*") == 0)
            rt = &routes[i];
    static const struct h_route not_found = {"*", 404, "Content-Type: text/plain\r\n", "not found", 0, H_NORMAL, 0, 0};
    if (!rt)
        rt = &not_found;
    if (rt->mode == H_STALL) {
        sleep_ms(600000);
        conn_end(fd);
    }
    if (rt->mode == H_CLOSE)
        conn_end(fd);
    int status = rt->status ? rt->status : 200;
    const char *body = rt->body ? rt->body : "";
    size_t blen = rt->body_len ? rt->body_len : strlen(body);
    char head[8192];
    int hl;
    if (rt->mode == H_BROKEN_CHUNKED)
        hl = snprintf(head, sizeof head, "HTTP/1.1 %d %s\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n%s\r\n",
                      status, reason(status), rt->headers ? rt->headers : "");
    else
        hl = snprintf(head, sizeof head, "HTTP/1.1 %d %s\r\nContent-Length: %zu\r\nConnection: close\r\n%s\r\n", status,
                      reason(status), rt->mode == H_ENDLESS ? rt->n : blen, rt->headers ? rt->headers : "");
    send_all(fd, head, (size_t)hl);
    if (strcmp(method, "HEAD") == 0)
        conn_end(fd);
    switch (rt->mode) {
    case H_DRIP:
        for (size_t i = 0; i < blen && i < (rt->n ? rt->n : blen); i++) {
            send_all(fd, body + i, 1);
            sleep_ms(rt->drip_ms ? rt->drip_ms : 1000);
        }
        sleep_ms(600000);
        break;
    case H_ENDLESS: {
        char chunk[65536];
        memset(chunk, 'a', sizeof chunk);
        for (size_t sent = 0; sent < rt->n;) {
            size_t k = (sizeof chunk < rt->n - sent ? sizeof chunk : rt->n - sent);
            send_all(fd, chunk, k);
            sent += k;
        }
        break;
    }
    case H_BROKEN_CHUNKED: {
        char c[64];
        int cl = snprintf(c, sizeof c, "%zx\r\n", blen);
        send_all(fd, c, (size_t)cl);
        send_all(fd, body, blen);
        send_all(fd, "\r\nzz-not-hex\r\nxxxx\r\n", 20);
        break;
    }
    default:
        send_all(fd, body, blen);
        break;
    }
    shutdown(fd, SHUT_WR);
    sleep_ms(50);
    conn_end(fd);
}

struct conn {
    int fd;
    const struct h_route *routes;
    size_t n;
    const char *log_path;
};

static void *conn_thread(void *arg)
{
    struct conn c = *(struct conn *)arg;
    free(arg);
    serve(c.fd, c.routes, c.n, c.log_path);
    return NULL;
}

int h_srv_start(struct h_srv *s, int port, const struct h_route *routes, size_t n)
{
    memset(s, 0, sizeof *s);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t al = sizeof a;
    if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 128) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &al) != 0) {
        close(fd);
        return -1;
    }
    s->port = ntohs(a.sin_port);
    char *dir = h_tempdir("hsrv");
    if (!dir) {
        close(fd);
        return -1;
    }
    size_t pl = strlen(dir) + 16;
    s->log_path = malloc(pl);
    snprintf(s->log_path, pl, "%s/requests", dir);
    free(dir);
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(fd);
        return -1;
    }
    if (pid == 0) {
        setpgid(0, 0);
        prctl(PR_SET_PDEATHSIG, SIGKILL); /* the test died: so do we */
        for (;;) {
            int c = accept(fd, NULL, NULL);
            if (c < 0) {
                if (errno == EINTR)
                    continue;
                _exit(0);
            }
            /* a thread per connection: forking a large (sanitised) test process per request is slow */
            struct conn *cc = malloc(sizeof *cc);
            pthread_t t;
            if (!cc) {
                close(c);
                continue;
            }
            *cc = (struct conn){c, routes, n, s->log_path};
            pthread_attr_t at;
            pthread_attr_init(&at);
            pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
            if (pthread_create(&t, &at, conn_thread, cc) != 0) {
                close(c);
                free(cc);
            }
            pthread_attr_destroy(&at);
        }
    }
    setpgid(pid, pid);
    close(fd);
    s->pid = pid;
    return 0;
}

void h_srv_stop(struct h_srv *s)
{
    if (s->pid > 0) {
        kill(-s->pid, SIGKILL);
        kill(s->pid, SIGKILL);
        waitpid(s->pid, NULL, 0);
    }
    if (s->log_path) {
        char *slash = strrchr(s->log_path, '/');
        unlink(s->log_path);
        if (slash) {
            *slash = '\0';
            rmdir(s->log_path);
        }
    }
    free(s->log_path);
    memset(s, 0, sizeof *s);
}

int h_srv_count(const struct h_srv *s, const char *needle)
{
    FILE *f = fopen(s->log_path, "r");
    if (!f)
        return 0;
    char line[8192];
    int c = 0;
    while (fgets(line, sizeof line, f))
        if (strstr(line, needle))
            c++;
    fclose(f);
    return c;
}

unsigned char *h_gzip_zeros(size_t n, size_t *out_len)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK)
        return NULL;
    size_t cap = n / 500 + 4096;
    unsigned char *out = malloc(cap);
    static unsigned char zeros[1 << 16];
    z.next_out = out;
    z.avail_out = (uInt)cap;
    size_t left = n;
    int rc = Z_OK;
    while (out && rc == Z_OK) {
        size_t k = left < sizeof zeros ? left : sizeof zeros;
        z.next_in = zeros;
        z.avail_in = (uInt)k;
        left -= k;
        rc = deflate(&z, left ? Z_NO_FLUSH : Z_FINISH);
        if (!left && rc == Z_STREAM_END)
            break;
        if (z.avail_out == 0)
            rc = Z_BUF_ERROR;
    }
    *out_len = z.total_out;
    deflateEnd(&z);
    if (rc != Z_STREAM_END) {
        free(out);
        return NULL;
    }
    return out;
}
