/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The dns layer: the only user of c-ares. MX and TXT look-ups against the
 * system resolver or a given server ("ADDR[:PORT]", tests use dnsmasq on
 * 127.0.0.1), bounded in time and in the number of records kept.
 */
#ifndef CWT_DNS_H
#define CWT_DNS_H

#include "util/common.h"

#define CWT__DNS_RECORDS_MAX 32
#define CWT__DNS_TXT_MAX 4096 /* bytes of one TXT record kept (its strings joined) */

struct cwt__dns_mx {
    unsigned short priority;
    char *host; /* lowercase, no trailing dot */
};

/* The answer of one look-up. rc: CWT_OK (records, possibly none), CWT_ENOTFOUND (NXDOMAIN or no
 * records of the type), CWT_ETIMEOUT, CWT_ERESOLVE (server failure, refused), CWT_EINVAL. */
struct cwt__dns_result {
    enum cwt_status rc;
    char *error;                         /* when rc != CWT_OK: "no mx records for 'x'" ... */
    struct cwt__dns_mx mx[CWT__DNS_RECORDS_MAX];
    size_t nmx;                          /* sorted by priority */
    char *txt[CWT__DNS_RECORDS_MAX];     /* each record's strings concatenated */
    size_t ntxt;
};

/*
 * Looks up the MX (or TXT) records of @p domain. @p server is "ADDR[:PORT]" (IPv6 as
 * "[ADDR]:PORT") or NULL for the system resolver; @p timeout_ms bounds the whole look-up
 * (0: the ctx's connect timeout). @p out is always filled (release with
 * cwt__dns_result_release()); the return value is an error only for CWT_ENOMEM / CWT_EINVAL
 * (bad server string, with @p err naming it).
 */
enum cwt_status cwt__dns_mx(const struct cwt_ctx *ctx, const char *server, const char *domain, long timeout_ms,
                            struct cwt__dns_result *out, struct cwt_err *err);
enum cwt_status cwt__dns_txt(const struct cwt_ctx *ctx, const char *server, const char *domain, long timeout_ms,
                             struct cwt__dns_result *out, struct cwt_err *err);
void cwt__dns_result_release(struct cwt__dns_result *r);

/* Initialises c-ares once for the process (from cwt_global_init(), on the main thread), so that the
 * per-look-up init/cleanup in threads never tears the library down. */
enum cwt_status cwt__dns_global_init(void);

#endif
