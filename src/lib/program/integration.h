/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Integration detection (PROGRAM.md: "integration counts only while the
 * crawler finds the SDK tag with the right site id on the home page"): finds
 * a <script> whose src ends in "/sdk/v1/cwtap.js" (any host, any query) and
 * whose data-site equals the site id, in the raw HTML of the home page.
 */
#ifndef CWT_PROGRAM_INTEGRATION_H
#define CWT_PROGRAM_INTEGRATION_H

#include "util/common.h"

/* The most HTML bytes looked at (a home page beyond this is read up to it). */
#define CWT__INTEGRATION_MAX_BYTES ((size_t)4 << 20)

enum cwt__integration {
    CWT__INTEG_FOUND = 0,      /* the tag with this site id */
    CWT__INTEG_ABSENT = 1,     /* no SDK tag at all */
    CWT__INTEG_OTHER_SITE = 2, /* an SDK tag, but without this site id (wrong or empty data-site) */
};

/*
 * Looks for the SDK tag of @p site_id in @p html (@p len bytes, need not be
 * NUL-terminated). Tags inside HTML comments do not count; attribute names
 * are case-insensitive, values may be quoted with " or ' or unquoted, and
 * entity-free. @p why (may be NULL) gets one line for the exporter.
 */
enum cwt__integration cwt__integration_detect(const char *html, size_t len, const char *site_id, char *why,
                                               size_t why_len);

struct cwt_report;
/*
 * The SDK tag verdict on the home page the audit fetched, for the site id given as
 * cwt_audit_opts.sdk_site_id (CWT__INTEG_ABSENT when none was given or the home page did not
 * answer 200); @p why (may be NULL) is set to the line for the exporter, valid while @p r lives.
 */
enum cwt__integration cwt__report_integration(const struct cwt_report *r, const char **why);

#endif
