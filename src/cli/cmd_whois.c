/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements `cwtap whois`: the registration data of a domain as
 * the whois signal sees it (RDAP first, port-43 WHOIS as fallback), as text
 * or JSON, and `--refresh-bootstrap`, which downloads a newer IANA RDAP
 * bootstrap registry (dns.json), validates it and writes it to a file.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include "cli.h"
#include "fetch/fetch.h"
#include "util/timeutil.h"
#include "util/url.h"
#include "whois/whois_record.h"

#define IANA_BOOTSTRAP_URL "https://data.iana.org/rdap/dns.json"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: cwtap whois DOMAIN [options]\n"
            "       cwtap whois --refresh-bootstrap [--url URL] [--out FILE]\n\n"
            "Looks up the registration of DOMAIN (its registrable domain): RDAP first (the IANA bootstrap\n"
            "registry names the registry's RDAP server, whose registrar link is followed once), port-43\n"
            "WHOIS with referrals as fallback for registries without RDAP. Prints registrar, registrant\n"
            "(redaction is shown, and is not a fault), dates, statuses and name servers.\n\n"
            "options:\n"
            "  --rdap-base URL         ask this RDAP server (URL/domain/NAME) instead of the bootstrap's\n"
            "  --whois-server HOST[:PORT]  ask this WHOIS server instead of the TLD's\n"
            "  --bootstrap FILE        IANA dns.json to use (default: the shipped data/rdap/dns.json)\n"
            "  --ca-file FILE          trust the CA certificates in FILE for RDAP over https\n"
            "  --resolve HOST:PORT:ADDR  reach HOST:PORT of an RDAP server at ADDR (as curl's; repeatable)\n"
            "  --allow-private         allow loopback and private addresses (refused by default)\n"
            "  --timeout S             time limit per server in seconds (default 10)\n"
            "  --json                  print the record as JSON\n"
            "  --refresh-bootstrap     download the IANA registry (from --url, default %s),\n"
            "                          check it and write it to --out (default: the shipped file)\n"
            "  -h, --help              show this help\n\n"
            "exit codes:\n"
            "  0   registration data found\n"
            "  1   no registration data (not registered, no server answered, no service for the TLD)\n"
            "  2   usage error\n"
            "  4   the bootstrap file is unreadable or invalid\n",
            IANA_BOOTSTRAP_URL);
}

static int refresh(const char *url, const char *outpath, const char *ca_file, bool allow_private)
{
    struct cwt_ctx *ctx = NULL;
    struct cwt__response r;
    memset(&r, 0, sizeof r);
    int ex = EXIT_INPUT;
    char *found = NULL;
    if (cwt_ctx_new(&ctx) != CWT_OK)
        return EXIT_INTERNAL;
    struct cwt__fetch_opts fo = {.ca_file = ca_file, .allow_private = allow_private, .verify_tls = true,
                                 .accept = "application/json"};
    fprintf(stderr, "cwtap whois: fetching %s\n", url);
    if (cwt__fetch(ctx, &fo, url, &r) != CWT_OK || r.rc != CWT_OK || r.status != 200) {
        cli_error("cannot fetch the bootstrap registry '%s': %s", url,
                  r.error ? r.error : r.status ? "http error" : "no response");
        ex = EXIT_UNREACHABLE;
        goto out;
    }
    struct cwt_err err;
    cwt_err_clear(&err);
    /* the registry must parse as a whole and name a service for .com */
    if (cwt__rdap_bootstrap_find(r.body, r.body_len, "example.com", &found, &err) != CWT_OK) {
        cli_error("'%s' is not a valid bootstrap registry: %s", url, err.msg);
        goto out;
    }
    FILE *f = fopen(outpath, "wb");
    if (!f || fwrite(r.body, 1, r.body_len, f) != r.body_len) {
        if (f)
            fclose(f);
        cli_error("cannot write '%s'", outpath);
        goto out;
    }
    if (fclose(f) != 0) {
        cli_error("cannot write '%s'", outpath);
        goto out;
    }
    fprintf(stderr, "cwtap whois: wrote %zu bytes to %s%s\n", r.body_len, outpath,
            found ? "" : " (note: it names no service for .com)");
    ex = EXIT_OK_;
out:
    cwt_free(found);
    cwt__response_release(&r);
    cwt_ctx_free(ctx);
    return ex;
}

static void print_date(const char *label, int64_t t)
{
    char d[21];
    if (!t)
        return;
    cwt_time_format_iso(t, d);
    printf("  %-18s %s\n", label, d);
}

static void print_text(const struct cwt__whois *w, bool color)
{
    const char *b = color ? "\033[1m" : "", *off = color ? "\033[0m" : "";
    static const char *const src[] = {"none", "RDAP", "WHOIS"};
    printf("%s%s%s (%s%s%s)\n", b, w->domain ? w->domain : "?", off, src[w->source], w->server ? " " : "",
           w->server ? w->server : "");
    if (w->source == CWT__WHOIS_NONE) {
        printf("  no registration data: %s\n", w->reason ? w->reason : "unknown reason");
        return;
    }
    if (w->not_found) {
        printf("  not registered (the registry has no such domain)\n");
        return;
    }
    if (w->registrar)
        printf("  %-18s %s%s%s%s\n", "registrar", w->registrar, w->registrar_iana_id ? " (IANA " : "",
               w->registrar_iana_id ? w->registrar_iana_id : "", w->registrar_iana_id ? ")" : "");
    printf("  %-18s %s\n", "registrant", w->registrant_org   ? w->registrant_org
                                         : w->registrant_name ? w->registrant_name
                                         : w->redacted        ? "redacted for privacy (neutral)"
                                                              : "not given");
    if (w->registrant_country)
        printf("  %-18s %s%s%s%s\n", "registrant country", w->registrant_country, w->registrant_cc[0] ? " (" : "",
               w->registrant_cc, w->registrant_cc[0] ? ")" : "");
    print_date("created", w->created);
    print_date("expires", w->expires);
    print_date("updated", w->updated);
    for (size_t i = 0; i < w->nstatuses; i++)
        printf("  %-18s %s\n", i ? "" : "status", w->statuses[i]);
    for (size_t i = 0; i < w->nnameservers; i++)
        printf("  %-18s %s\n", i ? "" : "name servers", w->nameservers[i]);
}

int cmd_whois(int argc, char **argv)
{
    const char *domain = NULL, *rdap_base = NULL, *whois_server = NULL, *bootstrap = NULL, *ca_file = NULL;
    const char *url = IANA_BOOTSTRAP_URL, *outpath = NULL;
    bool json = false, allow_private = false, do_refresh = false;
    long timeout_ms = 10000;
    const char *resolve[16];
    size_t nresolve = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool more = i + 1 < argc;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage(stdout);
            return EXIT_OK_;
        } else if (strcmp(a, "--json") == 0) {
            json = true;
        } else if (strcmp(a, "--allow-private") == 0) {
            allow_private = true;
        } else if (strcmp(a, "--refresh-bootstrap") == 0) {
            do_refresh = true;
        } else if (more && strcmp(a, "--rdap-base") == 0) {
            rdap_base = argv[++i];
        } else if (more && strcmp(a, "--whois-server") == 0) {
            whois_server = argv[++i];
        } else if (more && strcmp(a, "--bootstrap") == 0) {
            bootstrap = argv[++i];
        } else if (more && strcmp(a, "--ca-file") == 0) {
            ca_file = argv[++i];
        } else if (more && strcmp(a, "--resolve") == 0) {
            if (nresolve == CWT_ARRAY_LEN(resolve))
                return cli_usage_error("whois", "at most %zu --resolve entries", CWT_ARRAY_LEN(resolve));
            resolve[nresolve++] = argv[++i];
        } else if (more && strcmp(a, "--url") == 0) {
            url = argv[++i];
        } else if (more && strcmp(a, "--out") == 0) {
            outpath = argv[++i];
        } else if (more && strcmp(a, "--timeout") == 0) {
            char *end;
            double s = strtod(argv[++i], &end);
            if (*end || s <= 0 || s > 600)
                return cli_usage_error("whois", "--timeout wants seconds between 0 and 600, not '%s'", argv[i]);
            timeout_ms = (long)(s * 1000);
        } else if (a[0] == '-') {
            return cli_usage_error("whois", "unknown option '%s'", a);
        } else if (!domain) {
            domain = a;
        } else {
            return cli_usage_error("whois", "one domain only ('%s' is extra)", a);
        }
    }
    if (do_refresh)
        return refresh(url, outpath ? outpath : cwt__whois_default_bootstrap(), ca_file, allow_private);
    if (!domain)
        return cli_usage_error("whois", "which domain?");
    struct cwt_err err;
    cwt_err_clear(&err);
    char *norm = NULL;
    if (cwt__domain_normalize(domain, &norm, &err) != CWT_OK)
        return cli_usage_error("whois", "'%s' is not a domain name: %s", domain, err.msg);
    char *reg = cwt__registrable_domain(norm);
    struct cwt_ctx *ctx = NULL;
    struct cwt__whois *w = NULL;
    int ex = EXIT_INTERNAL;
    if (cwt_ctx_new(&ctx) != CWT_OK)
        goto out;
    struct cwt__whois_opts o = {.rdap_base = rdap_base, .whois_server = whois_server, .bootstrap_file = bootstrap,
                                .ca_file = ca_file, .allow_private = allow_private, .timeout_ms = timeout_ms,
                                .resolve = resolve, .nresolve = nresolve};
    fprintf(stderr, "cwtap whois: looking up %s\n", reg ? reg : norm);
    enum cwt_status rc = cwt__whois_lookup(ctx, &o, reg ? reg : norm, &w, &err);
    if (rc) {
        cli_error("%s", err.msg[0] ? err.msg : cwt_strerror(rc));
        ex = rc == CWT_EINVAL ? EXIT_USAGE : EXIT_INTERNAL;
        goto out;
    }
    if (json) {
        json_t *j = cwt__whois_to_json(w);
        char *s = j ? json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS) : NULL;
        if (!s) {
            json_decref(j);
            goto out;
        }
        printf("%s\n", s);
        cwt_free(s);
        json_decref(j);
    } else {
        print_text(w, cli_use_color(stdout));
    }
    ex = w->source != CWT__WHOIS_NONE && !w->not_found ? EXIT_OK_ : EXIT_BELOW;
out:
    cwt__whois_free(w);
    cwt_ctx_free(ctx);
    cwt_free(reg);
    cwt_free(norm);
    return ex;
}
