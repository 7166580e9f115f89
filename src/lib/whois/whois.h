/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The whois layer: registration data of a domain from RDAP (IANA bootstrap,
 * then the registry/registrar) with port-43 WHOIS and referral following as
 * fallback. (Contract for the other layers; whois owns the implementation and
 * may add fields.)
 */
#ifndef CWT_WHOIS_H
#define CWT_WHOIS_H

#include "util/common.h"

struct cwt__whois_opts {
    const char *rdap_base;     /* use this RDAP base URL instead of the bootstrap (tests) */
    const char *whois_server;  /* HOST:PORT to ask instead of the TLD's server (tests) */
    const char *bootstrap_file;/* IANA dns.json; NULL: the shipped copy */
    const char *ca_file;
    const char *const *resolve; /* "HOST:PORT:ADDR" pins for RDAP servers, as the fetch layer's */
    size_t nresolve;
    bool allow_private;
    long timeout_ms;
};

struct cwt__whois; /* defined in whois/whois_record.h by the whois layer */

/* Looks up @p domain (registrable domain, A-label). A failed look-up is recorded in the result
 * (source "none" with the reason), not returned; errors are CWT_ENOMEM / CWT_EINVAL only. */
enum cwt_status cwt__whois_lookup(const struct cwt_ctx *ctx, const struct cwt__whois_opts *opts, const char *domain,
                                  struct cwt__whois **out, struct cwt_err *err);
void cwt__whois_free(struct cwt__whois *w);

#endif
