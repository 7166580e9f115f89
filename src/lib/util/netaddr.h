/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The SSRF guard shared by the layers that connect (fetch, tls, whois): classifies the address a connection is
 * about to be made to and matches it against an allow-list. No libcurl here,
 * so it can be tested (and fuzzed) on its own.
 */
#ifndef CWT_NETADDR_H
#define CWT_NETADDR_H

#include <sys/socket.h>

#include "util/common.h"

/*
 * Why @p sa may not be connected to ("loopback address", "private address
 * (rfc 1918)", ...), a static string; NULL when it is a public unicast
 * address. Unknown families are refused.
 */
const char *cwt__addr_refusal(const struct sockaddr *sa, socklen_t len);
/* True when cwt__addr_refusal() refuses @p sa (its length taken from its family). */
bool cwt__addr_is_private(const struct sockaddr *sa);

/* One allow-list entry: "ADDR[/PREFIX][:PORT]", IPv6 as "[ADDR][/PREFIX][:PORT]" or bare "ADDR[/PREFIX]". */
struct cwt__allow {
    int family;          /* AF_INET or AF_INET6 */
    unsigned char addr[16];
    unsigned prefix;     /* bits */
    int port;            /* -1: any port */
};

/* Parses @p s into @p out; CWT_EINVAL with @p err naming the entry when malformed. */
enum cwt_status cwt__allow_parse(const char *s, struct cwt__allow *out, struct cwt_err *err);
/* True when @p sa (address and port) matches one of the @p n entries. */
bool cwt__allow_match(const struct cwt__allow *list, size_t n, const struct sockaddr *sa, socklen_t len);

/* Formats @p sa as "ADDR:PORT" ("[ADDR]:PORT" for IPv6) into @p buf. */
void cwt__addr_format(const struct sockaddr *sa, socklen_t len, char *buf, size_t size);

#endif
