/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements cwt__whois_lookup(): RDAP first (the base URL from
 * --rdap-base or the IANA bootstrap registry shipped in data/rdap/dns.json,
 * then the registrar's RDAP named by a "related" link, followed once), and
 * port-43 WHOIS as fallback (the server from --whois-server, the built-in
 * table or whois.iana.org's "refer:", then "Registrar WHOIS Server:"
 * referrals, at most CWT__WHOIS_REFERRALS_MAX). A failed look-up is a record
 * with source "none" and the reason, never an error.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <unistd.h>

#include "fetch/fetch.h"
#include "whois/whois_record.h"

#define IANA_WHOIS "whois.iana.org"
#define BOOTSTRAP_MAX (4u << 20)

/* Reads a whole file (at most @p max bytes); caller frees. */
static enum cwt_status read_file(const char *path, size_t max, char **out, size_t *len, struct cwt_err *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return cwt_err_setf(err, CWT_EIO, "bootstrap_file", "cannot open '%s'", path);
    char *buf = cwt_malloc(max + 1);
    size_t n = buf ? fread(buf, 1, max + 1, f) : 0;
    fclose(f);
    if (!buf)
        return CWT_ENOMEM;
    if (n > max) {
        cwt_free(buf);
        return cwt_err_setf(err, CWT_ETOOBIG, "bootstrap_file", "'%s' is larger than %zu bytes", path, max);
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return CWT_OK;
}

#ifndef CWTAP_DATADIR
#define CWTAP_DATADIR "/usr/local/share/cwtap"
#endif

const char *cwt__whois_default_bootstrap(void)
{
    const char *env = getenv("CWTAP_RDAP_BOOTSTRAP");
    if (env && *env)
        return env;
    static const char src[] = CWTAP_SOURCE_ROOT "/data/rdap/dns.json";
    if (access(src, R_OK) == 0)
        return src;
    return CWTAP_DATADIR "/rdap/dns.json";
}

/* GETs an RDAP URL and parses it into @p w. CWT_OK when a domain object (or a 404) was read. */
static enum cwt_status rdap_get(const struct cwt_ctx *ctx, const struct cwt__whois_opts *opts, const char *url,
                                struct cwt__whois *w, struct cwt_err *err)
{
    struct cwt__fetch_opts fo = {.ca_file = opts->ca_file, .allow_private = opts->allow_private,
                                 .resolve = opts->resolve, .nresolve = opts->nresolve,
                                 .verify_tls = true, .accept = "application/rdap+json, application/json"};
    struct cwt__response r;
    memset(&r, 0, sizeof r);
    enum cwt_status rc = cwt__fetch(ctx, &fo, url, &r);
    if (rc)
        goto out;
    if (r.rc != CWT_OK) {
        rc = cwt_err_set(err, r.rc, "%s", r.error ? r.error : "rdap request failed");
        goto out;
    }
    if (r.status == 404) {
        w->not_found = true;
        rc = CWT_OK;
        goto out;
    }
    if (r.status != 200) {
        rc = cwt_err_set(err, CWT_EHTTP, "rdap server answered %ld for '%s'", r.status, url);
        goto out;
    }
    rc = cwt__whois_parse_rdap(w, r.body ? r.body : "", r.body_len, err);
out:
    cwt__response_release(&r);
    return rc;
}

static enum cwt_status try_rdap(const struct cwt_ctx *ctx, const struct cwt__whois_opts *opts, const char *domain,
                                struct cwt__whois *w, char *why, size_t whylen)
{
    char *base = NULL, *boot = NULL, url[1024];
    size_t blen = 0;
    struct cwt_err err;
    cwt_err_clear(&err);
    enum cwt_status rc = CWT_OK;
    if (opts->rdap_base && *opts->rdap_base) {
        size_t n = strlen(opts->rdap_base);
        base = cwt_malloc(n + 2);
        if (!base)
            return CWT_ENOMEM;
        snprintf(base, n + 2, "%s%s", opts->rdap_base, opts->rdap_base[n - 1] == '/' ? "" : "/");
    } else {
        const char *path = opts->bootstrap_file ? opts->bootstrap_file : cwt__whois_default_bootstrap();
        rc = read_file(path, BOOTSTRAP_MAX, &boot, &blen, &err);
        if (rc == CWT_OK)
            rc = cwt__rdap_bootstrap_find(boot, blen, domain, &base, &err);
        cwt_free(boot);
        if (rc == CWT_ENOMEM)
            return rc;
        if (rc) {
            snprintf(why, whylen, "%s", err.msg);
            return CWT_OK;
        }
        if (!base) {
            const char *dot = strrchr(domain, '.');
            snprintf(why, whylen, "no rdap service for '.%s' in the bootstrap registry", dot ? dot + 1 : domain);
            return CWT_OK;
        }
    }
    snprintf(url, sizeof url, "%sdomain/%s", base, domain);
    cwt_free(base);
    rc = rdap_get(ctx, opts, url, w, &err);
    if (rc == CWT_ENOMEM)
        return rc;
    if (rc) {
        snprintf(why, whylen, "%s", err.msg[0] ? err.msg : cwt_strerror(rc));
        return CWT_OK;
    }
    w->source = CWT__WHOIS_RDAP;
    cwt_free(w->server);
    if (!(w->server = cwt_strdup(url)))
        return CWT_ENOMEM;
    /* the registrar's RDAP (thin registries), followed once; its answer completes the registry's */
    if (w->referral && strcmp(w->referral, url) != 0 && !w->not_found) {
        char *rel = w->referral;
        w->referral = NULL;
        cwt_err_clear(&err);
        rc = rdap_get(ctx, opts, rel, w, &err);
        cwt__log(ctx, CWT_LOG_DEBUG, "rdap referral '%s': %s", rel, rc ? err.msg : "ok");
        w->referral = rel;
        if (rc == CWT_ENOMEM)
            return rc;
    }
    return CWT_OK;
}

/* Splits "HOST[:PORT]" ("[v6]:PORT") into @p host and *port (default 43). */
static bool split_hostport(const char *s, char *host, size_t cap, int *port)
{
    *port = 43;
    const char *colon = NULL;
    if (s[0] == '[') {
        const char *close = strchr(s, ']');
        if (!close || (size_t)(close - s - 1) >= cap)
            return false;
        snprintf(host, cap, "%.*s", (int)(close - s - 1), s + 1);
        colon = close[1] == ':' ? close + 1 : NULL;
    } else {
        colon = strrchr(s, ':');
        size_t hl = colon ? (size_t)(colon - s) : strlen(s);
        if (hl == 0 || hl >= cap)
            return false;
        snprintf(host, cap, "%.*s", (int)hl, s);
    }
    if (colon) {
        char *end;
        long p = strtol(colon + 1, &end, 10);
        if (*end || p <= 0 || p > 65535)
            return false;
        *port = (int)p;
    }
    return true;
}

static enum cwt_status try_port43(const struct cwt__whois_opts *opts, const char *domain, struct cwt__whois *w,
                                  char *why, size_t whylen)
{
    char host[256];
    int port = 43;
    enum cwt_status rc = CWT_OK;
    struct cwt_err err;
    long timeout = opts->timeout_ms > 0 ? opts->timeout_ms : 10000;
    if (opts->whois_server && *opts->whois_server) {
        if (!split_hostport(opts->whois_server, host, sizeof host, &port)) {
            snprintf(why, whylen, "bad whois server '%s'", opts->whois_server);
            return CWT_OK;
        }
    } else {
        const char *srv = cwt__whois_server_for(domain);
        if (srv && !*srv) {
            const char *dot = strrchr(domain, '.');
            snprintf(why, whylen, "the registry of '.%s' offers no public whois", dot ? dot + 1 : domain);
            return CWT_OK;
        }
        if (!srv) { /* ask IANA which server holds the TLD */
            char *reply = NULL;
            size_t len = 0;
            const char *dot = strrchr(domain, '.');
            cwt_err_clear(&err);
            rc = cwt__whois_query(IANA_WHOIS, 43, dot ? dot + 1 : domain, timeout, opts->allow_private, &reply,
                                  &len, &err);
            if (rc == CWT_ENOMEM)
                return rc;
            struct cwt__whois *tld = rc ? NULL : cwt__whois_new();
            if (!rc && !tld) {
                cwt_free(reply);
                return CWT_ENOMEM;
            }
            if (tld && cwt__whois_parse_text(tld, reply, len) == CWT_ENOMEM)
                rc = CWT_ENOMEM;
            cwt_free(reply);
            if (tld && tld->referral)
                snprintf(host, sizeof host, "%s", tld->referral);
            else
                host[0] = '\0';
            cwt__whois_free(tld);
            if (rc == CWT_ENOMEM)
                return rc;
            if (!host[0]) {
                snprintf(why, whylen, "%s", rc ? err.msg : "iana names no whois server for the tld");
                return CWT_OK;
            }
        } else {
            snprintf(host, sizeof host, "%s", srv);
        }
    }
    for (int hop = 0; hop <= CWT__WHOIS_REFERRALS_MAX; hop++) {
        char *reply = NULL;
        size_t len = 0;
        cwt_err_clear(&err);
        rc = cwt__whois_query(host, port, domain, timeout, opts->allow_private, &reply, &len, &err);
        if (rc == CWT_ENOMEM)
            return rc;
        if (rc) {
            if (hop == 0) {
                snprintf(why, whylen, "%s", err.msg);
                return CWT_OK;
            }
            break; /* the registry answered; a dead registrar server does not erase it */
        }
        char *prev_ref = w->referral;
        w->referral = NULL;
        rc = cwt__whois_parse_text(w, reply, len);
        cwt_free(reply);
        if (rc) {
            cwt_free(prev_ref);
            return rc;
        }
        if (hop == 0) {
            w->source = CWT__WHOIS_PORT43;
            cwt_free(w->server);
            if (!(w->server = cwt_strdup(host))) {
                cwt_free(prev_ref);
                return CWT_ENOMEM;
            }
        }
        cwt_free(prev_ref);
        /* follow "Registrar WHOIS Server:" to another host; a test server refers to itself */
        if (!w->referral || strcasecmp(w->referral, host) == 0 || w->not_found)
            break;
        if (!split_hostport(w->referral, host, sizeof host, &port))
            break;
        if (opts->whois_server) { /* in tests the referral is reached on the same port */
            char h2[256];
            int p2;
            if (split_hostport(opts->whois_server, h2, sizeof h2, &p2) && strchr(w->referral, ':') == NULL)
                port = p2;
        }
    }
    return CWT_OK;
}

enum cwt_status cwt__whois_lookup(const struct cwt_ctx *ctx, const struct cwt__whois_opts *opts, const char *domain,
                                  struct cwt__whois **out, struct cwt_err *err)
{
    static const struct cwt__whois_opts none;
    char dom[256], why_rdap[600] = "", why_whois[600] = "";
    enum cwt_status rc = CWT_OK;
    *out = NULL;
    if (!opts)
        opts = &none;
    size_t n = domain ? strlen(domain) : 0;
    if (n == 0 || n >= sizeof dom)
        return cwt_err_set(err, CWT_EINVAL, "bad domain for a whois look-up");
    for (size_t i = 0; i <= n; i++) {
        unsigned char c = (unsigned char)domain[i];
        if (c && !isalnum(c) && c != '-' && c != '.')
            return cwt_err_set(err, CWT_EINVAL, "'%s' is not an a-label domain", domain);
        dom[i] = (char)tolower(c);
    }
    struct cwt__whois *w = cwt__whois_new();
    if (!w)
        return CWT_ENOMEM;
    /* with only --whois-server given (tests, ccTLD without RDAP), RDAP is not tried */
    if (!(opts->whois_server && !opts->rdap_base)) {
        rc = try_rdap(ctx, opts, dom, w, why_rdap, sizeof why_rdap);
        if (rc)
            goto fail;
    }
    if (w->source == CWT__WHOIS_NONE && !(opts->rdap_base && !opts->whois_server)) {
        rc = try_port43(opts, dom, w, why_whois, sizeof why_whois);
        if (rc)
            goto fail;
    }
    if (w->source == CWT__WHOIS_NONE) {
        rc = cwt__whois_set_none(w, "%s%s%s", why_rdap, why_rdap[0] && why_whois[0] ? "; " : "", why_whois);
        if (rc)
            goto fail;
    }
    if (!w->domain && !(w->domain = cwt_strdup(dom))) {
        rc = CWT_ENOMEM;
        goto fail;
    }
    *out = w;
    return CWT_OK;
fail:
    cwt__whois_free(w);
    return rc;
}
