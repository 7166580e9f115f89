/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements reading the requesting page's host from an Origin
 * or Referer header for the badge service. It is a deliberately narrow
 * parser: "http(s)://" + DNS name + optional ":port", then the end (Origin)
 * or '/', '?', '#' (Referer). Anything else (user info, IP literals, "null",
 * other schemes, overlong names) is refused, which shows "not verified":
 * refusing is always the safe answer here. The registrable domain comes from
 * libpsl without allocating.
 */
#include <libpsl.h>

#include "server/badge.h"

static bool host_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

bool srv_origin_host(const char *value, bool is_referer, char host[static 256])
{
    host[0] = '\0';
    if (!value)
        return false;
    const char *p;
    if (strncmp(value, "https://", 8) == 0)
        p = value + 8;
    else if (strncmp(value, "http://", 7) == 0)
        p = value + 7;
    else
        return false;
    size_t n = 0;
    for (; *p && *p != ':' && *p != '/' && *p != '?' && *p != '#'; p++) {
        char c = (*p >= 'A' && *p <= 'Z') ? (char)(*p - 'A' + 'a') : *p;
        if (!host_char(c) || n >= 253)
            return false;
        host[n++] = c;
    }
    if (n && host[n - 1] == '.')
        n--;
    host[n] = '\0';
    if (n == 0 || host[0] == '.' || host[0] == '-' || strstr(host, ".."))
        return false;
    if (*p == ':') {
        size_t digits = 0;
        for (p++; *p >= '0' && *p <= '9'; p++)
            if (++digits > 5)
                return false;
        if (digits == 0)
            return false;
    }
    if (!*p)
        return true;
    return is_referer && (*p == '/' || *p == '?' || *p == '#');
}

const char *srv_origin_registrable(const void *psl, const char *host)
{
    if (!psl || !host || !*host)
        return NULL;
    return psl_registrable_domain(psl, host);
}
