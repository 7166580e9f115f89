/* SPDX-License-Identifier: Apache-2.0 */
/** @file Auditing a website: crawl, signals, score, report. */
#ifndef CWTAP_AUDIT_H
#define CWTAP_AUDIT_H

#include <stdbool.h>
#include <stdint.h>
#include "ctx.h"
#include "status.h"

/** Operational data of a site (platform events, customer-service probes), made by the store; opaque. */
struct cwt_ops_data;

/** Options of one audit. All strings are borrowed for the duration of the call. */
struct cwt_audit_opts {
    const char *ca_file;              /**< trust this PEM bundle instead of the system store */
    const char *const *resolve;       /**< "HOST:PORT:ADDR" entries, as curl's --resolve */
    size_t nresolve;
    bool allow_private;               /**< allow loopback/private targets (refused by default) */
    int64_t at;                       /**< evaluate as of this instant (Unix seconds); 0: the ctx clock */
    const char *model_path;           /**< model JSON; NULL: the built-in default path */
    const char *user_agent;           /**< NULL: cwtap's published user agent */
    const char *rdap_base;            /**< RDAP base URL override (tests) */
    const char *whois_server;         /**< HOST:PORT of a WHOIS server override (tests) */
    const char *dns_server;           /**< ADDR[:PORT] of the DNS server for MX/TXT (tests) */
    bool offline_registry;            /**< skip WHOIS/RDAP/DNS look-ups entirely */
    int http_port;                    /**< port of plain http probed for the redirect to https; 0: 80 */
    const struct cwt_ops_data *ops;   /**< the site's platform events and probes (borrowed); NULL: none */
    const char *sdk_site_id;          /**< also look for this site id's SDK tag on the home page as fetched */
};

/** An evaluation of one site. Opaque; free with cwt_report_free(). */
struct cwt_report;

/**
 * Audits the site at @p url. Network failures of single pages are findings in
 * the report, not errors; an error is returned only when no report can be made
 * (invalid URL, out of memory, unusable model). On success *out is set and the
 * caller frees it with cwt_report_free().
 */
CWT_EXTERN enum cwt_status cwt_audit(struct cwt_ctx *ctx, const char *url, const struct cwt_audit_opts *opts,
                                     struct cwt_report **out, struct cwt_err *err);

CWT_EXTERN void cwt_report_free(struct cwt_report *r);

/** Total score 0–100, or a negative number when no score could be computed. */
CWT_EXTERN double cwt_report_total(const struct cwt_report *r);
/** Grade letter A–F ("?" when ungraded); static string. */
CWT_EXTERN const char *cwt_report_grade(const struct cwt_report *r);
/** True when the home page could not be fetched at all. */
CWT_EXTERN bool cwt_report_unreachable(const struct cwt_report *r);

enum cwt_format { CWT_FORMAT_TEXT, CWT_FORMAT_JSON, CWT_FORMAT_HTML, CWT_FORMAT_CSV };
enum cwt_render_flags { CWT_RENDER_COLOR = 1 << 0, CWT_RENDER_CSV_HEADER = 1 << 1 };

/**
 * Renders @p r as @p fmt into a NUL-terminated string the caller frees with
 * cwt_free(). JSON follows docs/schema/evaluation.schema.json.
 */
CWT_EXTERN enum cwt_status cwt_report_render(const struct cwt_report *r, enum cwt_format fmt, unsigned flags,
                                             char **out, struct cwt_err *err);

#endif
