/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the SSRF guard: it decides, for the address a
 * connection is about to be made to (after DNS, after every redirect), whether
 * it is a public unicast address. Loopback, RFC 1918, link-local, CGNAT,
 * multicast, broadcast, unspecified, reserved and documentation ranges are
 * refused; IPv6 forms that embed IPv4 (mapped, compatible, NAT64, 6to4,
 * Teredo) are refused or judged by the address they embed; everything outside
 * 2000::/3 is refused. An allow-list of "ADDR[/PREFIX][:PORT]" entries lets
 * chosen targets through (tests use it for their loopback servers).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>

#include "util/netaddr.h"

struct v4range {
    uint32_t net;
    unsigned bits;
    const char *why;
};

/* Ranges that are not public unicast (IANA special-purpose registry). Order: most specific first where they nest. */
static const struct v4range v4_ranges[] = {
    {0xFFFFFFFFu, 32, "broadcast address"},
    {0x00000000u, 32, "unspecified address"},
    {0x00000000u, 8, "'this network' address (0.0.0.0/8)"},
    {0x0A000000u, 8, "private address (10.0.0.0/8)"},
    {0x64400000u, 10, "shared address space (cgnat 100.64.0.0/10)"},
    {0x7F000000u, 8, "loopback address"},
    {0xA9FE0000u, 16, "link-local address (169.254.0.0/16)"},
    {0xAC100000u, 12, "private address (172.16.0.0/12)"},
    {0xC0000000u, 24, "ietf protocol assignment (192.0.0.0/24)"},
    {0xC0000200u, 24, "documentation address (192.0.2.0/24)"},
    {0xC0586300u, 24, "6to4 relay anycast (192.88.99.0/24)"},
    {0xC0A80000u, 16, "private address (192.168.0.0/16)"},
    {0xC6120000u, 15, "benchmarking address (198.18.0.0/15)"},
    {0xC6336400u, 24, "documentation address (198.51.100.0/24)"},
    {0xCB007100u, 24, "documentation address (203.0.113.0/24)"},
    {0xE0000000u, 4, "multicast address"},
    {0xF0000000u, 4, "reserved address (240.0.0.0/4)"},
};

static bool v4_in(uint32_t a, uint32_t net, unsigned bits)
{
    uint32_t mask = bits ? 0xFFFFFFFFu << (32 - bits) : 0;
    return (a & mask) == (net & mask);
}

static const char *v4_refusal(uint32_t a)
{
    for (size_t i = 0; i < CWT_ARRAY_LEN(v4_ranges); i++)
        if (v4_in(a, v4_ranges[i].net, v4_ranges[i].bits))
            return v4_ranges[i].why;
    return NULL;
}

static uint32_t load32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static bool all_zero(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return false;
    return true;
}

static const char *v6_refusal(const unsigned char *a)
{
    static const unsigned char nat64[12] = {0x00, 0x64, 0xff, 0x9b};
    if (all_zero(a, 16))
        return "unspecified address";
    if (all_zero(a, 15) && a[15] == 1)
        return "loopback address";
    if (all_zero(a, 10) && a[10] == 0xff && a[11] == 0xff)
        return "ipv4-mapped ipv6 address";
    if (all_zero(a, 12))
        return "ipv4-compatible ipv6 address";
    if (memcmp(a, nat64, 12) == 0) /* 64:ff9b::/96 reaches the embedded IPv4 address */
        return v4_refusal(load32(a + 12)) ? "nat64 address embedding a non-public ipv4 address" : NULL;
    if (a[0] == 0x00 && a[1] == 0x64 && a[2] == 0xff && a[3] == 0x9b && a[4] == 0 && a[5] == 1)
        return "local-use nat64 address (64:ff9b:1::/48)";
    if (a[0] == 0xff)
        return "multicast address";
    if ((a[0] & 0xfe) == 0xfc)
        return "unique local address (fc00::/7)";
    if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80)
        return "link-local address (fe80::/10)";
    if (a[0] == 0xfe && (a[1] & 0xc0) == 0xc0)
        return "site-local address (fec0::/10)";
    if ((a[0] & 0xe0) != 0x20)
        return "reserved ipv6 address (outside 2000::/3)";
    if (a[0] == 0x20 && a[1] == 0x01 && a[2] == 0x0d && a[3] == 0xb8)
        return "documentation address (2001:db8::/32)";
    if (a[0] == 0x20 && a[1] == 0x01 && a[2] == 0x00 && a[3] == 0x00)
        return "teredo address (2001::/32)";
    if (a[0] == 0x20 && a[1] == 0x01 && a[2] == 0x00 && (a[3] & 0xf0) <= 0x20 && (a[3] & 0xf0) >= 0x10)
        return "reserved ipv6 address (orchid)";
    if (a[0] == 0x20 && a[1] == 0x02) /* 6to4: 2002:V4ADDR::/48 */
        return v4_refusal(load32(a + 2)) ? "6to4 address embedding a non-public ipv4 address" : NULL;
    return NULL;
}

const char *cwt__addr_refusal(const struct sockaddr *sa, socklen_t len)
{
    if (!sa)
        return "no address";
    if (sa->sa_family == AF_INET && len >= (socklen_t)sizeof(struct sockaddr_in)) {
        const struct sockaddr_in *s4 = (const struct sockaddr_in *)(const void *)sa;
        return v4_refusal(ntohl(s4->sin_addr.s_addr));
    }
    if (sa->sa_family == AF_INET6 && len >= (socklen_t)sizeof(struct sockaddr_in6)) {
        const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)(const void *)sa;
        return v6_refusal(s6->sin6_addr.s6_addr);
    }
    return "not an internet address";
}

bool cwt__addr_is_private(const struct sockaddr *sa)
{
    socklen_t len = !sa                          ? 0
                    : sa->sa_family == AF_INET  ? (socklen_t)sizeof(struct sockaddr_in)
                    : sa->sa_family == AF_INET6 ? (socklen_t)sizeof(struct sockaddr_in6)
                                                : 0;
    return cwt__addr_refusal(sa, len) != NULL;
}

enum cwt_status cwt__allow_parse(const char *s, struct cwt__allow *out, struct cwt_err *err)
{
    char host[INET6_ADDRSTRLEN + 8];
    const char *p = s, *end;
    memset(out, 0, sizeof *out);
    out->port = -1;
    if (!s || !*s)
        goto bad;
    if (*p == '[') {
        end = strchr(p, ']');
        if (!end)
            goto bad;
        p++;
    } else {
        const char *c1 = strchr(p, ':');
        bool v6 = c1 && strchr(c1 + 1, ':');
        end = v6 ? p + strlen(p) : (c1 ? c1 : p + strlen(p));
    }
    size_t hl = (size_t)(end - p);
    if (hl == 0 || hl >= sizeof host)
        goto bad;
    memcpy(host, p, hl);
    host[hl] = '\0';
    const char *rest = *end == ']' ? end + 1 : end;
    /* the prefix may sit inside the brackets or after the address */
    char *slash = strchr(host, '/');
    long bits = -1;
    if (slash) {
        char *e;
        bits = strtol(slash + 1, &e, 10);
        if (*e || e == slash + 1)
            goto bad;
        *slash = '\0';
    }
    if (*rest == '/') {
        char *e;
        bits = strtol(rest + 1, &e, 10);
        if (e == rest + 1)
            goto bad;
        rest = e;
    }
    if (inet_pton(AF_INET, host, out->addr) == 1) {
        out->family = AF_INET;
        out->prefix = bits < 0 ? 32 : (unsigned)bits;
        if (bits > 32)
            goto bad;
    } else if (inet_pton(AF_INET6, host, out->addr) == 1) {
        out->family = AF_INET6;
        out->prefix = bits < 0 ? 128 : (unsigned)bits;
        if (bits > 128)
            goto bad;
    } else {
        goto bad;
    }
    if (*rest == ':') {
        char *e;
        long port = strtol(rest + 1, &e, 10);
        if (*e || e == rest + 1 || port < 1 || port > 65535)
            goto bad;
        out->port = (int)port;
    } else if (*rest) {
        goto bad;
    }
    return CWT_OK;
bad:
    return cwt_err_setf(err, CWT_EINVAL, "allow", "invalid allow-list entry '%s' (want ADDR[/PREFIX][:PORT])",
                        s ? s : "");
}

static bool prefix_eq(const unsigned char *a, const unsigned char *b, unsigned bits)
{
    unsigned whole = bits / 8, rem = bits % 8;
    if (memcmp(a, b, whole) != 0)
        return false;
    if (!rem)
        return true;
    unsigned char mask = (unsigned char)(0xFF << (8 - rem));
    return (a[whole] & mask) == (b[whole] & mask);
}

bool cwt__allow_match(const struct cwt__allow *list, size_t n, const struct sockaddr *sa, socklen_t len)
{
    const unsigned char *addr;
    int port;
    if (sa->sa_family == AF_INET && len >= (socklen_t)sizeof(struct sockaddr_in)) {
        const struct sockaddr_in *s4 = (const struct sockaddr_in *)(const void *)sa;
        addr = (const unsigned char *)&s4->sin_addr;
        port = ntohs(s4->sin_port);
    } else if (sa->sa_family == AF_INET6 && len >= (socklen_t)sizeof(struct sockaddr_in6)) {
        const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)(const void *)sa;
        addr = s6->sin6_addr.s6_addr;
        port = ntohs(s6->sin6_port);
    } else {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (list[i].family != sa->sa_family)
            continue;
        if (list[i].port >= 0 && list[i].port != port)
            continue;
        if (prefix_eq(addr, list[i].addr, list[i].prefix))
            return true;
    }
    return false;
}

void cwt__addr_format(const struct sockaddr *sa, socklen_t len, char *buf, size_t size)
{
    char a[INET6_ADDRSTRLEN] = "?";
    if (sa && sa->sa_family == AF_INET && len >= (socklen_t)sizeof(struct sockaddr_in)) {
        const struct sockaddr_in *s4 = (const struct sockaddr_in *)(const void *)sa;
        inet_ntop(AF_INET, &s4->sin_addr, a, sizeof a);
        snprintf(buf, size, "%s:%u", a, (unsigned)ntohs(s4->sin_port));
    } else if (sa && sa->sa_family == AF_INET6 && len >= (socklen_t)sizeof(struct sockaddr_in6)) {
        const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)(const void *)sa;
        inet_ntop(AF_INET6, &s6->sin6_addr, a, sizeof a);
        snprintf(buf, size, "[%s]:%u", a, (unsigned)ntohs(s6->sin6_port));
    } else {
        snprintf(buf, size, "?");
    }
}
