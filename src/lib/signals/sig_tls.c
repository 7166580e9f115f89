/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the signal `tls` (basic trustworthiness: validity of
 * the SSL certificate). It reads the tls layer's report of the site (chain,
 * host match, validity, key, signature, protocol, OCSP stapling), the
 * Strict-Transport-Security header of the home page and whether plain http://
 * redirects to https://. An untrusted, expired, not yet valid or mismatched
 * certificate (or no working HTTPS at all) fails the gate: value 0 and the
 * model caps the total. Otherwise the value starts at 1 and loses points per
 * weakness; a weak key or signature caps it at 0.2, a protocol below TLS 1.2
 * at 0.4. Every problem becomes a finding with a concrete fix; the raw
 * measurement is the number of days to expiry.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include "fetch/fetch.h"
#include "signals/signal.h"
#include "tls/tls_report.h"
#include "util/timeutil.h"

/* The registry's prototypes (one per signals.def row). */
#define CWT_SIGNAL(id, mod) enum cwt_status cwt__sig_##id(const struct cwt__site *site, struct cwt__signal *out);
#include "signals/signals.def"
#undef CWT_SIGNAL

#define HSTS_GOOD_SECONDS 15552000 /* 180 days */
#define TEXT_MAX 600

static const char *header_of(const struct cwt__response *r, const char *name)
{
    for (size_t i = 0; r && i < r->nheaders; i++)
        if (r->headers[i].name && strcasecmp(r->headers[i].name, name) == 0)
            return r->headers[i].value;
    return NULL;
}

/* max-age of a Strict-Transport-Security value; -1 when absent or malformed. */
static long long hsts_max_age(const char *v)
{
    for (const char *p = v; p && *p; p++) {
        if (strncasecmp(p, "max-age", 7) != 0 || (p > v && (isalnum((unsigned char)p[-1]) || p[-1] == '-')))
            continue;
        p += 7;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p++ != '=')
            return -1;
        while (*p == ' ' || *p == '\t' || *p == '"')
            p++;
        if (!isdigit((unsigned char)*p))
            return -1;
        char *end = NULL;
        long long n = strtoll(p, &end, 10);
        return n < 0 ? -1 : n;
    }
    return -1;
}

static enum cwt__severity sev_of(enum cwt__tls_severity s)
{
    return s == CWT__TLS_FAIL ? CWT__SEV_FAIL : s == CWT__TLS_WARN ? CWT__SEV_WARN : CWT__SEV_INFO;
}

/* The concrete fix for one problem of the report. */
static void fix_for(const struct cwt__tls_report *r, const struct cwt__tls_problem *p, char *out, size_t n)
{
    const struct cwt__tls_cert *leaf = cwt__tls_leaf(r);
    const struct cwt__tls_cert *c = p->depth >= 0 && (size_t)p->depth < r->nchain ? &r->chain[p->depth] : NULL;
    char d[11] = "";
    switch (p->kind) {
    case CWT__TLS_P_NO_CONNECT:
        snprintf(out, n, "serve the site over HTTPS on port %d from a publicly reachable address", r->port ? r->port : 443);
        break;
    case CWT__TLS_P_HANDSHAKE:
        snprintf(out, n, "fix the HTTPS server configuration so that a TLS 1.2/1.3 handshake with '%s' succeeds",
                 r->host ? r->host : "the site");
        break;
    case CWT__TLS_P_NO_CERT:
        snprintf(out, n, "install a certificate for '%s' from a publicly trusted CA", r->host ? r->host : "the site");
        break;
    case CWT__TLS_P_EXPIRED:
        cwt_time_format_date(c ? c->not_after : 0, d);
        if (p->depth <= 0)
            snprintf(out, n, "renew the certificate now (it expired on %s) and automate renewal (ACME, e.g. certbot)", d);
        else
            snprintf(out, n, "replace intermediate certificate '%s' (expired on %s) with the current one from your CA",
                     c && c->subject_cn ? c->subject_cn : "?", d);
        break;
    case CWT__TLS_P_NOT_YET_VALID:
        cwt_time_format_date(c ? c->not_before : 0, d);
        snprintf(out, n, "the certificate is valid only from %s: keep serving the previous certificate until then and "
                         "check the server clock", d);
        break;
    case CWT__TLS_P_EXPIRES_SOON:
        cwt_time_format_date(leaf ? leaf->not_after : 0, d);
        snprintf(out, n, "renew the certificate before %s", d);
        break;
    case CWT__TLS_P_HOST_MISMATCH:
        snprintf(out, n, "get a certificate whose names (subjectAltName) include '%s', or serve the right certificate "
                         "for this name", r->host ? r->host : "the host");
        break;
    case CWT__TLS_P_SELF_SIGNED:
        snprintf(out, n, "replace the self-signed certificate with one from a publicly trusted CA (Let's Encrypt is free)");
        break;
    case CWT__TLS_P_UNTRUSTED_ROOT:
        snprintf(out, n, "use a certificate from a publicly trusted CA; browsers do not trust this chain's root");
        break;
    case CWT__TLS_P_INCOMPLETE_CHAIN:
        snprintf(out, n, "serve the intermediate certificate '%s' together with the leaf (install the CA's full chain "
                         "file, e.g. fullchain.pem)", leaf && leaf->issuer_cn ? leaf->issuer_cn : "of your CA");
        break;
    case CWT__TLS_P_BAD_SIGNATURE:
    case CWT__TLS_P_INVALID_CHAIN:
        snprintf(out, n, "install the certificate and chain exactly as your CA issued them (%s)", p->message);
        break;
    case CWT__TLS_P_WEAK_SIGNATURE:
        snprintf(out, n, "reissue the certificate with a chain signed with SHA-256 or better");
        break;
    case CWT__TLS_P_WEAK_KEY:
        snprintf(out, n, "reissue the certificate with an RSA key of 2048 bits or more, or an ECDSA P-256 key");
        break;
    case CWT__TLS_P_UNUSUAL_KEY:
        snprintf(out, n, "consider an RSA 2048/3072-bit or ECDSA P-256 key for faster handshakes");
        break;
    case CWT__TLS_P_OLD_PROTOCOL:
        snprintf(out, n, "enable TLS 1.2 and 1.3 and disable TLS 1.0/1.1 (nginx: ssl_protocols TLSv1.2 TLSv1.3;)");
        break;
    case CWT__TLS_P_NO_OCSP_STAPLE:
        snprintf(out, n, "enable OCSP stapling (nginx: ssl_stapling on; ssl_stapling_verify on;)");
        break;
    default:
        snprintf(out, n, "review the HTTPS configuration");
        break;
    }
}

/* Which failing problem's fix is the main one: what a visitor hits first, the leaf before the chain. */
static int fix_rank(const struct cwt__tls_problem *p)
{
    static const enum cwt__tls_problem_kind order[] = {
        CWT__TLS_P_NO_CONNECT,     CWT__TLS_P_HANDSHAKE,        CWT__TLS_P_NO_CERT,        CWT__TLS_P_HOST_MISMATCH,
        CWT__TLS_P_EXPIRED,        CWT__TLS_P_NOT_YET_VALID,    CWT__TLS_P_SELF_SIGNED,    CWT__TLS_P_UNTRUSTED_ROOT,
        CWT__TLS_P_INCOMPLETE_CHAIN, CWT__TLS_P_BAD_SIGNATURE,  CWT__TLS_P_INVALID_CHAIN,  CWT__TLS_P_WEAK_KEY,
        CWT__TLS_P_WEAK_SIGNATURE, CWT__TLS_P_OLD_PROTOCOL,
    };
    int rank = (int)CWT_ARRAY_LEN(order);
    for (size_t i = 0; i < CWT_ARRAY_LEN(order); i++)
        if (order[i] == p->kind)
            rank = (int)i;
    return rank * 16 + (p->depth > 0 ? p->depth : 0);
}

static const char *page_url(const struct cwt__site *site, char *buf, size_t n)
{
    const struct cwt__tls_report *r = site->tls;
    if (site->url && strncasecmp(site->url, "https://", 8) == 0)
        return site->url;
    if (r && r->host && r->port && r->port != 443)
        snprintf(buf, n, "https://%s:%d/", r->host, r->port);
    else
        snprintf(buf, n, "https://%s/", r && r->host ? r->host : site->host ? site->host : "");
    return buf;
}

static enum cwt_status add_cert_evidence(struct cwt__signal *out, const char *url, const struct cwt__tls_report *r)
{
    enum cwt_status rc;
    char buf[TEXT_MAX], nb[11], na[11];
    const struct cwt__tls_cert *leaf = cwt__tls_leaf(r);
    if ((rc = cwt__signal_evidence(out, url, "certificate subject", leaf->subject[0] ? leaf->subject : "(empty)")) ||
        (rc = cwt__signal_evidence(out, url, "certificate issuer", leaf->issuer)))
        return rc;
    cwt_time_format_date(leaf->not_before, nb);
    cwt_time_format_date(leaf->not_after, na);
    snprintf(buf, sizeof buf, "%s .. %s (%lld days to expiry)", nb, na, (long long)r->days_to_expiry);
    if ((rc = cwt__signal_evidence(out, url, "certificate validity", buf)))
        return rc;
    size_t off = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < leaf->nsans && off < sizeof buf; i++)
        off += (size_t)snprintf(buf + off, sizeof buf - off, "%s%s", i ? ", " : "", leaf->sans[i]);
    if (leaf->nsans_total > leaf->nsans && off < sizeof buf)
        snprintf(buf + off, sizeof buf - off, " (%zu names in all)", leaf->nsans_total);
    if ((rc = cwt__signal_evidence(out, url, "certificate names", leaf->nsans ? buf : "(none)")))
        return rc;
    snprintf(buf, sizeof buf, "%s %d-bit key, %s, %s validated%s%s", leaf->key_type, leaf->key_bits, leaf->sig_alg,
             cwt__tls_validation_name(r->validation), leaf->subject_org ? ", O=" : "",
             leaf->subject_org ? leaf->subject_org : "");
    if ((rc = cwt__signal_evidence(out, url, "certificate key", buf)))
        return rc;
    if (r->live && r->handshake_ok) {
        snprintf(buf, sizeof buf, "%s, %s, ALPN %s, OCSP %s", r->protocol, r->cipher, r->alpn ? r->alpn : "none",
                 r->ocsp_stapled ? "stapled" : "not stapled");
        rc = cwt__signal_evidence(out, url, "protocol", buf);
    }
    return rc;
}

/* HSTS on the home page: 1 good, 0 short, -1 absent, -2 unknown (no HTTPS home page). */
static enum cwt_status check_hsts(const struct cwt__site *site, struct cwt__signal *out, int *verdict, long long *age)
{
    const struct cwt__response *home = site->npages ? site->pages[0].resp : NULL;
    *verdict = -2;
    *age = -1;
    if (!home || home->rc != CWT_OK || !home->final_url || strncasecmp(home->final_url, "https://", 8) != 0)
        return CWT_OK;
    const char *v = header_of(home, "strict-transport-security");
    *age = v ? hsts_max_age(v) : -1;
    enum cwt_status rc = cwt__signal_evidence(out, home->final_url, "Strict-Transport-Security", v ? v : "(absent)");
    if (rc)
        return rc;
    if (*age >= HSTS_GOOD_SECONDS) {
        *verdict = 1;
        return CWT_OK;
    }
    char msg[TEXT_MAX];
    if (*age > 0) {
        *verdict = 0;
        snprintf(msg, sizeof msg, "HSTS max-age is %lld seconds (%lld days), less than 180 days", *age, *age / 86400);
        return cwt__signal_finding(out, "tls.hsts_short", CWT__SEV_WARN, msg,
                                   "raise it: Strict-Transport-Security: max-age=31536000", home->final_url, v);
    }
    *verdict = -1;
    return cwt__signal_finding(out, "tls.no_hsts", CWT__SEV_WARN,
                               v ? "the Strict-Transport-Security header has no usable max-age"
                                 : "the home page sends no Strict-Transport-Security header",
                               "add Strict-Transport-Security: max-age=31536000 to every HTTPS response",
                               home->final_url, v);
}

/* http:// -> https://: 1 redirects, 0 does not, -1 no answer on http, -2 not probed. */
static enum cwt_status check_redirect(const struct cwt__site *site, struct cwt__signal *out, int *verdict)
{
    const struct cwt__response *p = site->http_probe;
    *verdict = -2;
    if (!p)
        return CWT_OK;
    char buf[TEXT_MAX];
    if (p->rc != CWT_OK) {
        *verdict = -1;
        snprintf(buf, sizeof buf, "%s: %s", p->url ? p->url : "http://", p->error ? p->error : "no answer");
        enum cwt_status rc = cwt__signal_evidence(out, p->url, "plain http", buf);
        return rc ? rc
                  : cwt__signal_finding(out, "tls.no_http", CWT__SEV_INFO,
                                        "plain http:// does not answer, so visitors who type the bare name get an error",
                                        "answer on http:// (port 80) with a 301 redirect to https://", p->url, p->error);
    }
    bool https = p->final_url && strncasecmp(p->final_url, "https://", 8) == 0;
    snprintf(buf, sizeof buf, "%s -> %s (%u redirects, status %ld)", p->url ? p->url : "http://",
             p->final_url ? p->final_url : "?", p->redirects, p->status);
    enum cwt_status rc = cwt__signal_evidence(out, p->url, "plain http", buf);
    if (rc)
        return rc;
    *verdict = https ? 1 : 0;
    if (!https)
        rc = cwt__signal_finding(out, "tls.no_https_redirect", CWT__SEV_WARN,
                                 "plain http:// serves the site without redirecting to https://",
                                 "redirect http:// to https:// with a 301", p->url, buf);
    return rc;
}

enum cwt_status cwt__sig_tls(const struct cwt__site *site, struct cwt__signal *out)
{
    enum cwt_status rc = CWT_OK;
    const struct cwt__tls_report *r = site->tls;
    char urlbuf[300], fix[TEXT_MAX];
    const char *url = page_url(site, urlbuf, sizeof urlbuf);
    out->raw_unit = "days";
    if (!r) {
        out->measured = false;
        out->confidence = 0;
        if ((rc = cwt__signal_evidence(out, url, "tls", "no TLS inspection of the site was made")))
            return rc;
        return cwt__signal_summary(out, "TLS not inspected");
    }
    out->measured = true;
    json_t *detail = cwt__signal_detail(out), *rj = cwt__tls_report_json(r);
    if (!detail || !rj || json_object_set_new(detail, "tls", rj)) {
        if (!detail)
            json_decref(rj);
        return CWT_ENOMEM;
    }
    bool working = r->has_cert && (!r->live || r->handshake_ok);
    if (working) {
        out->raw = (double)r->days_to_expiry;
        if ((rc = add_cert_evidence(out, url, r)))
            return rc;
    } else if ((rc = cwt__signal_evidence(out, url, "tls", r->error ? r->error : "no certificate"))) {
        return rc;
    }
    const char *main_fix = NULL;
    char main_fix_buf[TEXT_MAX];
    const struct cwt__tls_problem *first = NULL;
    for (size_t i = 0; i < r->nproblems; i++) {
        const struct cwt__tls_problem *p = &r->problems[i];
        fix_for(r, p, fix, sizeof fix);
        if ((rc = cwt__signal_finding(out, cwt__tls_problem_code(p->kind), sev_of(p->severity), p->message, fix, url,
                                      NULL)))
            return rc;
        if (p->severity == CWT__TLS_FAIL && (!first || fix_rank(p) < fix_rank(first)))
            first = p;
    }
    if (first) {
        fix_for(r, first, main_fix_buf, sizeof main_fix_buf);
        main_fix = main_fix_buf;
    }
    int hsts, redirect;
    long long age;
    if ((rc = check_hsts(site, out, &hsts, &age)) || (rc = check_redirect(site, out, &redirect)))
        return rc;
    json_object_set_new(detail, "hsts_max_age", age >= 0 ? json_integer(age) : json_null());
    json_object_set_new(detail, "http_redirects_to_https", redirect >= 0 ? json_boolean(redirect == 1) : json_null());

    out->gate_failed = !working || !r->trusted || r->expired || r->not_yet_valid || !r->host_match;
    double v = 1.0;
    if (out->gate_failed) {
        v = 0;
    } else {
        if (r->weak_signature || r->weak_key)
            v = CWT_MIN(v, 0.2);
        if (cwt__tls_has_problem(r, CWT__TLS_P_OLD_PROTOCOL))
            v = CWT_MIN(v, 0.4);
        v -= cwt__tls_has_problem(r, CWT__TLS_P_EXPIRES_SOON) ? 0.15 : 0;
        v -= cwt__tls_has_problem(r, CWT__TLS_P_NO_OCSP_STAPLE) ? 0.05 : 0;
        v -= hsts == -1 ? 0.15 : hsts == 0 ? 0.05 : 0;
        v -= redirect == 0 ? 0.15 : 0;
        v = CWT_MAX(v, 0.0);
    }
    out->value = v;
    /* Less sure when parts were not observed: no handshake (offline chain), no home page, no http probe. */
    double conf = 1.0;
    conf -= r->live ? 0 : 0.2;
    conf -= hsts == -2 && working ? 0.1 : 0;
    conf -= redirect == -2 && working ? 0.1 : 0;
    out->confidence = conf;
    if (!main_fix && hsts == -1)
        main_fix = "add Strict-Transport-Security: max-age=31536000";
    if (!main_fix && hsts == 0)
        main_fix = "raise the HSTS max-age: Strict-Transport-Security: max-age=31536000";
    if (!main_fix && redirect == 0)
        main_fix = "redirect http:// to https:// with a 301";
    if (!main_fix && cwt__tls_has_problem(r, CWT__TLS_P_EXPIRES_SOON)) {
        fix_for(r, cwt__tls_find_problem(r, CWT__TLS_P_EXPIRES_SOON), main_fix_buf, sizeof main_fix_buf);
        main_fix = main_fix_buf;
    }
    if (main_fix && (rc = cwt__signal_fix(out, "%s", main_fix)))
        return rc;
    size_t nfail = 0;
    for (size_t i = 0; i < out->nfindings; i++)
        nfail += out->findings[i].severity == CWT__SEV_FAIL;
    if (!working)
        return cwt__signal_summary(out, "no working HTTPS on %s: %s", r->host ? r->host : "the site",
                                   r->error ? r->error : "no certificate");
    return cwt__signal_summary(out, "%s certificate for %s, %s, %lld days to expiry%s%s; %zu failing finding%s",
                               r->trusted ? "trusted" : "untrusted", r->host ? r->host : "?",
                               r->host_match ? "name matches" : "name does not match", (long long)r->days_to_expiry,
                               r->protocol ? ", " : "", r->protocol ? r->protocol : "", nfail, nfail == 1 ? "" : "s");
}
