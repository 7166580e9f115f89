/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the address policy of the SSRF guard: a table of
 * IPv4 and IPv6 prefixes that are not public unicast (RFC 6890 special-purpose
 * registries), checked on the address actually connected to, so a host name
 * that resolves to 127.0.0.1 is refused like the literal.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>

#include "util/netaddr.h"

struct prefix4 {
    uint32_t net;
    unsigned bits;
};

static const struct prefix4 private4[] = {
    {0x00000000u, 8},  /* 0.0.0.0/8 "this network" */
    {0x0a000000u, 8},  /* 10.0.0.0/8 */
    {0x64400000u, 10}, /* 100.64.0.0/10 carrier-grade NAT */
    {0x7f000000u, 8},  /* 127.0.0.0/8 loopback */
    {0xa9fe0000u, 16}, /* 169.254.0.0/16 link-local (cloud metadata) */
    {0xac100000u, 12}, /* 172.16.0.0/12 */
    {0xc0000000u, 24}, /* 192.0.0.0/24 IETF protocol assignments */
    {0xc0000200u, 24}, /* 192.0.2.0/24 TEST-NET-1 */
    {0xc0586300u, 24}, /* 192.88.99.0/24 6to4 relay anycast (deprecated) */
    {0xc0a80000u, 16}, /* 192.168.0.0/16 */
    {0xc6120000u, 15}, /* 198.18.0.0/15 benchmarking */
    {0xc6336400u, 24}, /* 198.51.100.0/24 TEST-NET-2 */
    {0xcb007100u, 24}, /* 203.0.113.0/24 TEST-NET-3 */
    {0xe0000000u, 4},  /* 224.0.0.0/4 multicast */
    {0xf0000000u, 4},  /* 240.0.0.0/4 reserved, incl. 255.255.255.255 */
};

static bool v4_is_private(uint32_t a)
{
    for (size_t i = 0; i < CWT_ARRAY_LEN(private4); i++) {
        uint32_t mask = private4[i].bits ? 0xffffffffu << (32 - private4[i].bits) : 0;
        if ((a & mask) == private4[i].net)
            return true;
    }
    return false;
}

static bool v6_prefix(const uint8_t *a, const uint8_t *p, unsigned bits)
{
    unsigned full = bits / 8, rest = bits % 8;
    if (memcmp(a, p, full) != 0)
        return false;
    if (rest == 0)
        return true;
    uint8_t mask = (uint8_t)(0xffu << (8 - rest));
    return (a[full] & mask) == (p[full] & mask);
}

static bool v6_is_private(const uint8_t a[16])
{
    static const uint8_t zero[16] = {0};
    static const uint8_t loop[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    static const uint8_t nat64[12] = {0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};
    static const struct {
        uint8_t p[16];
        unsigned bits;
    } nets[] = {
        {{0xfc}, 7},                     /* fc00::/7 unique local */
        {{0xfe, 0x80}, 10},              /* fe80::/10 link-local */
        {{0xfe, 0xc0}, 10},              /* fec0::/10 site-local (deprecated) */
        {{0xff}, 8},                     /* ff00::/8 multicast */
        {{0x20, 0x01, 0x0d, 0xb8}, 32},  /* 2001:db8::/32 documentation */
        {{0x01, 0x00}, 64},              /* 100::/64 discard */
        {{0x20, 0x01, 0x00, 0x02}, 48},  /* 2001:2::/48 benchmarking */
    };
    if (memcmp(a, zero, 16) == 0 || memcmp(a, loop, 16) == 0)
        return true;
    if (memcmp(a, mapped, 12) == 0 || memcmp(a, nat64, 12) == 0 || memcmp(a, zero, 12) == 0) {
        /* ::ffff:a.b.c.d, 64:ff9b::a.b.c.d and the deprecated ::a.b.c.d carry an IPv4 address */
        uint32_t v4 = (uint32_t)a[12] << 24 | (uint32_t)a[13] << 16 | (uint32_t)a[14] << 8 | a[15];
        return v4_is_private(v4);
    }
    for (size_t i = 0; i < CWT_ARRAY_LEN(nets); i++)
        if (v6_prefix(a, nets[i].p, nets[i].bits))
            return true;
    return false;
}

bool cwt__addr_is_private(const struct sockaddr *sa)
{
    if (!sa)
        return true;
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)sa;
        return v4_is_private(ntohl(in->sin_addr.s_addr));
    }
    if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)(const void *)sa;
        return v6_is_private(in6->sin6_addr.s6_addr);
    }
    return true;
}

void cwt__addr_format(const struct sockaddr *sa, char *out, size_t n)
{
    const void *src = NULL;
    if (sa && sa->sa_family == AF_INET)
        src = &((const struct sockaddr_in *)(const void *)sa)->sin_addr;
    else if (sa && sa->sa_family == AF_INET6)
        src = &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
    if (!src || !inet_ntop(sa->sa_family, src, out, (socklen_t)n))
        snprintf(out, n, "?");
}
