/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements `cwtap tls`: the TLS inspection of one server (or
 * one PEM chain offline) as a command, for agencies checking client sites:
 * protocol, cipher, ALPN, OCSP stapling, the chain with validity, keys,
 * signatures and names, the validation level and every problem found, as
 * text or JSON. The exit code says whether a failing problem was found.
 */
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include "cli.h"
#include "tls/tls_report.h"
#include "util/timeutil.h"

#define RESOLVE_MAX 16

static void usage(FILE *f)
{
    fprintf(f,
            "usage: cwtap tls HOST[:PORT] [options]\n\n"
            "Inspects the TLS certificate and handshake of HOST (port 443 by default): chain to the\n"
            "trust store, host name, validity and days to expiry, key size, signature algorithm,\n"
            "protocol version, OCSP stapling, validation level (DV/OV/EV) and subject O=.\n"
            "Every problem is listed, not only the first. HOST may be a URL (https://host:port/).\n\n"
            "options:\n"
            "  --ca-file FILE          trust the CA certificates in FILE instead of the system's\n"
            "  --resolve HOST:PORT:ADDR  connect to ADDR for HOST:PORT (as curl's; repeatable)\n"
            "  --allow-private         allow loopback and private addresses (refused by default)\n"
            "  --at DATE               evaluate validity at DATE (ISO 8601, e.g. 2026-12-31)\n"
            "  --timeout S             connect and handshake time limit in seconds (default 15)\n"
            "  --pem FILE              inspect the PEM (or DER) chain in FILE offline, leaf first\n"
            "  --json                  print the report as JSON\n"
            "  -h, --help              show this help\n\n"
            "exit codes:\n"
            "  0   no failing problem (warnings and notes may be listed)\n"
            "  1   a failing problem: untrusted, expired, wrong name, weak key or signature, old protocol\n"
            "  2   usage error\n"
            "  3   the server could not be reached or the TLS handshake failed\n"
            "  4   the --pem or --ca-file could not be read\n");
}

/* Splits "host", "host:port", "[v6]:port" or "https://host:port/path" into host and port. */
static bool parse_target(const char *arg, char *host, size_t hn, int *port)
{
    const char *s = arg;
    if (strncasecmp(s, "https://", 8) == 0)
        s += 8;
    size_t len = strcspn(s, "/?#");
    char buf[300];
    if (len == 0 || len >= sizeof buf)
        return false;
    memcpy(buf, s, len);
    buf[len] = '\0';
    *port = 443;
    char *colon = NULL;
    if (buf[0] == '[') {
        char *end = strchr(buf, ']');
        if (!end)
            return false;
        *end = '\0';
        snprintf(host, hn, "%s", buf + 1);
        colon = end[1] == ':' ? end + 1 : NULL;
    } else {
        colon = strchr(buf, ':');
        if (colon && strchr(colon + 1, ':'))
            colon = NULL; /* a bare IPv6 address */
        if (colon)
            *colon = '\0';
        snprintf(host, hn, "%s", buf);
    }
    if (colon) {
        char *end = NULL;
        long p = strtol(colon + 1, &end, 10);
        if (!end || *end || p <= 0 || p > 65535)
            return false;
        *port = (int)p;
    }
    return host[0] != '\0';
}

/* Copies the ADDR of the --resolve entry "HOST:PORT:ADDR" matching host and port into @p out
 * ("[::1]" becomes "::1"); NULL when none matches. */
static const char *resolve_for(const char *const *res, size_t n, const char *host, int port, char *out, size_t on)
{
    for (size_t i = 0; i < n; i++) {
        const char *c1 = strchr(res[i], ':');
        const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
        if (!c2 || (size_t)(c1 - res[i]) != strlen(host) || strncasecmp(res[i], host, strlen(host)) != 0)
            continue;
        if (atoi(c1 + 1) != port)
            continue;
        const char *addr = c2 + 1;
        if (addr[0] == '[' && strchr(addr, ']'))
            snprintf(out, on, "%.*s", (int)(strchr(addr, ']') - addr - 1), addr + 1);
        else
            snprintf(out, on, "%s", addr);
        return out;
    }
    return NULL;
}

static const char *sev_label(enum cwt__tls_severity s)
{
    return s == CWT__TLS_FAIL ? "FAIL" : s == CWT__TLS_WARN ? "WARN" : "note";
}

static void print_cert(FILE *f, const struct cwt__tls_cert *c, size_t depth, int64_t at)
{
    char nb[11], na[11];
    cwt_time_format_date(c->not_before, nb);
    cwt_time_format_date(c->not_after, na);
    const char *role = depth == 0 ? "leaf" : c->self_signed ? "root" : "intermediate";
    fprintf(f, "  [%zu] %s%s: %s\n", depth, role, c->served ? "" : " (from the trust store)",
            c->subject[0] ? c->subject : "(empty subject)");
    fprintf(f, "      issuer    %s\n", c->issuer);
    fprintf(f, "      valid     %s .. %s%s\n", nb, na,
            at > c->not_after ? "  EXPIRED" : at < c->not_before ? "  NOT YET VALID" : "");
    fprintf(f, "      key       %s %d%s%s%s\n", c->key_type, c->key_bits, c->key_curve ? " (" : "",
            c->key_curve ? c->key_curve : "", c->key_curve ? ")" : "");
    fprintf(f, "      signature %s\n", c->sig_alg);
    if (depth == 0) {
        fprintf(f, "      names     ");
        for (size_t i = 0; i < c->nsans; i++)
            fprintf(f, "%s%s", i ? ", " : "", c->sans[i]);
        if (c->nsans_total > c->nsans)
            fprintf(f, " ... (%zu in all)", c->nsans_total);
        fprintf(f, "%s\n", c->nsans_total ? "" : "(none)");
    }
    fprintf(f, "      sha256    %s\n", c->sha256);
}

static void print_text(FILE *f, const struct cwt__tls_report *r, bool color)
{
    const char *red = color ? "\033[31m" : "", *yellow = color ? "\033[33m" : "", *green = color ? "\033[32m" : "",
               *off = color ? "\033[0m" : "";
    char at[21];
    cwt_time_format_iso(r->at, at);
    if (r->live)
        fprintf(f, "%s port %d (%s), at %s\n", r->host, r->port, r->address ? r->address : "not connected", at);
    else
        fprintf(f, "%s (pem chain, %zu certificates), at %s\n", r->host ? r->host : "(no host)", r->nserved, at);
    if (r->live && r->handshake_ok)
        fprintf(f, "  protocol  %s, %s, ALPN %s, OCSP %s, handshake %.0f ms\n", r->protocol, r->cipher,
                r->alpn ? r->alpn : "none", r->ocsp_stapled ? "stapled" : "not stapled", r->handshake_ms);
    if (r->has_cert) {
        fprintf(f, "chain (%zu served):\n", r->nserved);
        for (size_t i = 0; i < r->nchain; i++)
            print_cert(f, &r->chain[i], i, r->at);
        const char *org = cwt__tls_subject_org(r);
        fprintf(f, "validation  %s%s%s%s%s\n", cwt__tls_validation_name(r->validation), org ? ", O=" : "",
                org ? org : "", r->policy_oid ? ", policy " : "", r->policy_oid ? r->policy_oid : "");
        fprintf(f, "verdict     %s, %s, %lld days to expiry\n", r->trusted ? "trusted" : "NOT trusted",
                r->host_match ? "name matches" : "name does NOT match", (long long)r->days_to_expiry);
    }
    size_t nfail = 0;
    for (size_t i = 0; i < r->nproblems; i++)
        nfail += r->problems[i].severity == CWT__TLS_FAIL;
    if (r->nproblems == 0) {
        fprintf(f, "%sno problems found%s\n", green, off);
        return;
    }
    fprintf(f, "problems (%zu, %zu failing):\n", r->nproblems, nfail);
    for (size_t i = 0; i < r->nproblems; i++) {
        const struct cwt__tls_problem *p = &r->problems[i];
        const char *col = p->severity == CWT__TLS_FAIL ? red : p->severity == CWT__TLS_WARN ? yellow : "";
        fprintf(f, "  %s%-4s%s %-22s %s\n", col, sev_label(p->severity), off, cwt__tls_problem_code(p->kind),
                p->message);
    }
}

static int exit_code(const struct cwt__tls_report *r)
{
    if (r->live && !r->handshake_ok)
        return EXIT_UNREACHABLE;
    for (size_t i = 0; i < r->nproblems; i++)
        if (r->problems[i].severity == CWT__TLS_FAIL)
            return EXIT_BELOW;
    return EXIT_OK_;
}

int cmd_tls(int argc, char **argv)
{
    const char *target = NULL, *pem_file = NULL, *resolve[RESOLVE_MAX];
    size_t nresolve = 0;
    struct cwt__tls_opts opts = {0};
    bool json = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool has_val = i + 1 < argc;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage(stdout);
            return EXIT_OK_;
        } else if (strcmp(a, "--json") == 0) {
            json = true;
        } else if (strcmp(a, "--allow-private") == 0) {
            opts.allow_private = true;
        } else if (strcmp(a, "--ca-file") == 0 && has_val) {
            opts.ca_file = argv[++i];
        } else if (strcmp(a, "--pem") == 0 && has_val) {
            pem_file = argv[++i];
        } else if (strcmp(a, "--resolve") == 0 && has_val) {
            if (nresolve == RESOLVE_MAX)
                return cli_usage_error("tls", "at most %d --resolve entries", RESOLVE_MAX);
            resolve[nresolve++] = argv[++i];
        } else if (strcmp(a, "--at") == 0 && has_val) {
            if (cwt_time_parse_iso(argv[++i], &opts.at) != CWT_OK)
                return cli_usage_error("tls", "--at '%s' is not an ISO 8601 date", argv[i]);
        } else if (strcmp(a, "--timeout") == 0 && has_val) {
            char *end = NULL;
            double s = strtod(argv[++i], &end);
            if (!end || *end || s <= 0 || s > 600)
                return cli_usage_error("tls", "--timeout '%s' is not a number of seconds in (0, 600]", argv[i]);
            opts.timeout_ms = (long)(s * 1000);
        } else if (a[0] == '-') {
            return cli_usage_error("tls", "unknown option or missing value: '%s'", a);
        } else if (!target) {
            target = a;
        } else {
            return cli_usage_error("tls", "one HOST only (got '%s' and '%s')", target, a);
        }
    }
    if (!target)
        return cli_usage_error("tls", "no HOST given");
    char host[256];
    int port = 443;
    if (!parse_target(target, host, sizeof host, &port))
        return cli_usage_error("tls", "'%s' is not HOST[:PORT]", target);
    char addr[64];
    opts.connect_addr = resolve_for(resolve, nresolve, host, port, addr, sizeof addr);

    struct cwt_ctx *ctx = NULL;
    struct cwt__tls_report *r = NULL;
    struct cwt_err err = {0};
    int code = EXIT_INTERNAL;
    if (cwt_ctx_new(&ctx) != CWT_OK) {
        cli_error("out of memory");
        return EXIT_INTERNAL;
    }
    enum cwt_status rc;
    if (pem_file) {
        FILE *f = fopen(pem_file, "rb");
        char *buf = f ? malloc(CWT__TLS_PEM_MAX + 1) : NULL;
        size_t len = buf ? fread(buf, 1, CWT__TLS_PEM_MAX + 1, f) : 0;
        if (f)
            fclose(f);
        if (!buf) {
            cli_error("cannot read --pem '%s'", pem_file);
            cwt_ctx_free(ctx);
            return EXIT_INPUT;
        }
        rc = cwt__tls_inspect_pem(ctx, &opts, buf, len, host, &r, &err);
        free(buf);
    } else {
        fprintf(stderr, "cwtap tls: inspecting %s port %d%s%s\n", host, port, opts.connect_addr ? " at " : "",
                opts.connect_addr ? opts.connect_addr : "");
        rc = cwt__tls_inspect(ctx, &opts, host, port, &r, &err);
    }
    if (rc != CWT_OK) {
        cli_error("%s", err.msg[0] ? err.msg : cwt_strerror(rc));
        code = rc == CWT_ENOMEM ? EXIT_INTERNAL : EXIT_INPUT;
        goto out;
    }
    if (json) {
        json_t *j = cwt__tls_report_json(r);
        char *s = j ? json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS) : NULL;
        if (!s) {
            json_decref(j);
            cli_error("out of memory");
            goto out;
        }
        puts(s);
        cwt_free(s);
        json_decref(j);
    } else {
        print_text(stdout, r, cli_use_color(stdout));
    }
    code = exit_code(r);
out:
    cwt__tls_report_free(r);
    cwt_ctx_free(ctx);
    return code;
}
