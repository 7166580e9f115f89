/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Address policy shared by the layers that open connections (fetch, tls,
 * whois): which socket addresses are not on the public internet and are
 * refused unless the caller allows private targets (the SSRF guard).
 */
#ifndef CWT_NETADDR_H
#define CWT_NETADDR_H

#include <sys/socket.h>

#include "util/common.h"

/*
 * True when @p sa is not a public unicast address: loopback, RFC 1918 private,
 * carrier-grade NAT, link-local, unique-local (fc00::/7), multicast, reserved,
 * unspecified, documentation/benchmark ranges, and IPv4-mapped/NAT64 forms of
 * those. Unknown address families count as private (refused).
 */
bool cwt__addr_is_private(const struct sockaddr *sa);

/* Formats @p sa as "127.0.0.1" or "::1" into @p out; "?" when it cannot. */
void cwt__addr_format(const struct sockaddr *sa, char *out, size_t n);

#endif
