/* SPDX-License-Identifier: Apache-2.0 */
/* Splitting http(s) URLs into their parts, and domain names into registrable domains. */
#ifndef CWT_URL_H
#define CWT_URL_H

#include "util/common.h"

struct cwt_url {
    char scheme[8];   /* "http" or "https" */
    char host[256];   /* lowercase; IDN converted to A-labels; IPv6 without brackets */
    int port;         /* explicit or the scheme's default */
    bool explicit_port;
};

/*
 * Splits @p url (http or https only). Errors (CWT_EINVAL) name the URL and the
 * reason: "invalid URL 'x': missing host".
 */
enum cwt_status cwt__url_split(const char *url, struct cwt_url *out, struct cwt_err *err);

/*
 * Normalises a domain name: trims, lowercases, drops a final dot, converts
 * IDN to A-labels (libidn2). Caller frees. CWT_EINVAL names the field.
 */
enum cwt_status cwt__domain_normalize(const char *in, char **out, struct cwt_err *err);

/* The registrable domain of @p host by the Public Suffix List (libpsl); caller frees.
 * For an IP address or a public suffix itself, a copy of @p host. */
char *cwt__registrable_domain(const char *host);

#endif
