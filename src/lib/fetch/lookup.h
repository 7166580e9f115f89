/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A site's name looked up once for all its ports, in a pool of resolver threads that outlives the
 * look-up (glibc's getaddrinfo_a), instead of libcurl's threaded resolver, which starts and ends a
 * thread for every host:port it resolves (two a site: the https port and the plain-http probe's).
 * The answer is what libcurl's own look-up would get (the same getaddrinfo hints, the same order),
 * written as the address list of a CURLOPT_RESOLVE entry.
 */
#ifndef CWT_FETCH_LOOKUP_H
#define CWT_FETCH_LOOKUP_H

#include <netdb.h>

#include "util/common.h"

/*
 * Looks @p host up as libcurl 7.88's threaded resolver does (getaddrinfo, SOCK_STREAM, IPv4 and
 * IPv6 when this host can open an IPv6 socket, IPv4 only otherwise), waiting at most @p timeout_ms,
 * and writes the addresses in getaddrinfo's order into @p out as "ADDR,[ADDR6],..." (at most
 * @p outlen bytes with the NUL). False when the name did not resolve, the wait ran out (the
 * look-up then finishes in the background and is freed by a later call), or the list does not fit:
 * the caller then leaves the name to libcurl.
 */
bool cwt__lookup_addrs(const char *host, long timeout_ms, char *out, size_t outlen);

/* Writes the IPv4 and IPv6 addresses of @p ai in order as above; false when none or they do not fit. */
bool cwt__lookup_format(const struct addrinfo *ai, char *out, size_t outlen);

#endif
