/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements `cwtap check-metadata FILE|URL`: checks a page (HTML
 * with JSON-LD, microdata or RDFa) or a JSON-LD document against the
 * publishing profile (docs/metadata-profile.md) and names every missing or
 * malformed field, as text or --json. Exit 0 when there is no error, 1 when
 * a required field is missing or malformed, 4 when the input cannot be read.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "fetch/fetch.h"
#include "signals/profile.h"
#include "util/timeutil.h"

#define INPUT_MAX (8u << 20) /* bytes read from a file or stdin */
#define RESOLVE_MAX 16

static const char check_metadata_help[] =
    "usage: cwtap check-metadata [options] FILE|URL|-\n\n"
    "Checks the schema.org structured data of a page (HTML with JSON-LD, microdata or RDFa)\n"
    "or of a JSON-LD document against cwtap's publishing profile (docs/metadata-profile.md):\n"
    "Organization, Certification, Report (test reports), Product parameters, VideoObject and\n"
    "DataFeed/Dataset (production feeds). Names every missing or malformed field.\n\n"
    "options:\n"
    "  --json               print the result as JSON\n"
    "  --html               read the input as HTML (default: by file name or content)\n"
    "  --jsonld             read the input as a JSON-LD document\n"
    "  --at DATE            check expiry and freshness as of DATE (ISO 8601; default now)\n"
    "  --base URL           base URL of a page read from a file (default https://localhost/)\n"
    "  -q, --quiet          print errors only\n"
    "  -h, --help           this help\n"
    "fetching a URL:\n"
    "  --ca-file FILE       trust this CA bundle instead of the system's\n"
    "  --resolve H:P:ADDR   connect to ADDR for host H port P, as curl's --resolve (repeatable)\n"
    "  --allow-private      allow loopback and private targets (refused by default)\n\n"
    "exit codes: 0 no error (warnings allowed), 1 a required field missing or malformed,\n"
    "            2 usage, 3 a URL could not be fetched, 4 the input cannot be read or parsed,\n"
    "            70 internal error.\n"
    "environment: NO_COLOR disables colour.\n";

static char *read_all(FILE *f, size_t *len, bool *toobig)
{
    size_t cap = 64 * 1024, n = 0;
    char *buf = cwt_malloc(cap + 1);
    *toobig = false;
    while (buf) {
        if (n == cap) {
            if (cap >= INPUT_MAX) {
                *toobig = true;
                cwt_free(buf);
                return NULL;
            }
            size_t ncap = CWT_MIN(cap * 2, (size_t)INPUT_MAX);
            char *nb = cwt_realloc(buf, ncap + 1);
            if (!nb) {
                cwt_free(buf);
                return NULL;
            }
            buf = nb;
            cap = ncap;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    if (!buf)
        return NULL;
    buf[n] = '\0';
    *len = n;
    return buf;
}

static bool looks_html(const char *name, const char *text, size_t len)
{
    size_t nl = strlen(name);
    if (nl > 5 && (strcmp(name + nl - 5, ".html") == 0 || strcmp(name + nl - 4, ".htm") == 0))
        return true;
    if (nl > 5 && (strcmp(name + nl - 5, ".json") == 0 || strcmp(name + nl - 7, ".jsonld") == 0))
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t')
            continue;
        return c == '<';
    }
    return false;
}

static void print_text(const struct cwt__pv_report *r, const char *name, bool quiet)
{
    bool color = cli_use_color(stdout);
    const char *red = color ? "\033[31m" : "", *yellow = color ? "\033[33m" : "", *green = color ? "\033[32m" : "",
               *off = color ? "\033[0m" : "";
    for (size_t i = 0; i < r->nissues; i++) {
        const struct cwt__pv_issue *is = &r->issues[i];
        if (quiet && is->sev != CWT__PV_ERROR)
            continue;
        printf("%s%-7s%s %s: %s [%s]\n", is->sev == CWT__PV_ERROR ? red : yellow,
               is->sev == CWT__PV_ERROR ? "error" : "warning", off, is->path, is->message, is->code);
    }
    if (r->nissues < r->errors + r->warnings)
        printf("(%zu more issues not shown)\n", r->errors + r->warnings - r->nissues);
    const char *k;
    json_t *v;
    printf("%s: %zu item(s) of the profile", name, r->items);
    const char *sep = " (";
    json_object_foreach(r->types, k, v) {
        printf("%s%s %" JSON_INTEGER_FORMAT, sep, k, json_integer_value(v));
        sep = ", ";
    }
    printf("%s; %s%zu error(s)%s, %zu warning(s)\n", r->items ? ")" : "", r->errors ? red : green, r->errors, off,
           r->warnings);
}

int cmd_check_metadata(int argc, char **argv)
{
    enum { OPT_JSON = 256, OPT_HTML, OPT_JSONLD, OPT_AT, OPT_BASE, OPT_CA, OPT_RESOLVE, OPT_PRIVATE };
    static const struct option opts[] = {
        {"json", no_argument, NULL, OPT_JSON},     {"html", no_argument, NULL, OPT_HTML},
        {"jsonld", no_argument, NULL, OPT_JSONLD}, {"at", required_argument, NULL, OPT_AT},
        {"base", required_argument, NULL, OPT_BASE}, {"quiet", no_argument, NULL, 'q'},
        {"ca-file", required_argument, NULL, OPT_CA}, {"resolve", required_argument, NULL, OPT_RESOLVE},
        {"allow-private", no_argument, NULL, OPT_PRIVATE},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0},
    };
    bool json = false, quiet = false;
    int force = 0; /* 1 html, 2 json-ld */
    const char *at_s = NULL, *base = NULL;
    const char *resolve[RESOLVE_MAX];
    struct cwt__fetch_opts fopts = {.verify_tls = true,
                                    .accept = "text/html, application/ld+json;q=0.9, application/json;q=0.8"};
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
        switch (c) {
        case OPT_JSON:
            json = true;
            break;
        case OPT_HTML:
            force = 1;
            break;
        case OPT_JSONLD:
            force = 2;
            break;
        case OPT_AT:
            at_s = optarg;
            break;
        case OPT_BASE:
            base = optarg;
            break;
        case 'q':
            quiet = true;
            break;
        case OPT_CA:
            fopts.ca_file = optarg;
            break;
        case OPT_RESOLVE:
            if (fopts.nresolve == RESOLVE_MAX)
                return cli_usage_error("check-metadata", "at most %d --resolve entries", RESOLVE_MAX);
            resolve[fopts.nresolve++] = optarg;
            fopts.resolve = resolve;
            break;
        case OPT_PRIVATE:
            fopts.allow_private = true;
            break;
        case 'h':
            fputs(check_metadata_help, stdout);
            return EXIT_OK_;
        default:
            return cli_usage_error("check-metadata", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind != argc - 1)
        return cli_usage_error("check-metadata", "expected one FILE, URL or '-'");
    const char *input = argv[optind];

    struct cwt_ctx *ctx = NULL;
    if (cwt_ctx_new(&ctx) != CWT_OK) {
        cli_error("out of memory");
        return EXIT_INTERNAL;
    }
    int64_t at = cwt_ctx_now(ctx);
    if (at_s && cwt_time_parse_iso(at_s, &at) != CWT_OK) {
        cwt_ctx_free(ctx);
        return cli_usage_error("check-metadata", "--at '%s' is not an ISO 8601 date", at_s);
    }
    size_t len = 0;
    char *text = NULL;
    struct cwt__response resp = {0};
    if (strncmp(input, "http://", 7) == 0 || strncmp(input, "https://", 8) == 0) {
        if (!quiet)
            fprintf(stderr, "cwtap check-metadata: fetching %s\n", input);
        enum cwt_status frc = cwt__fetch(ctx, &fopts, input, &resp);
        if (frc || resp.rc || resp.status < 200 || resp.status >= 300 || !resp.body) {
            if (frc)
                cli_error("cannot fetch '%s': %s", input, cwt_strerror(frc));
            else if (resp.rc)
                cli_error("%s", resp.error ? resp.error : cwt_strerror(resp.rc));
            else
                cli_error("'%s' answered HTTP %ld", input, resp.status);
            cwt__response_release(&resp);
            cwt_ctx_free(ctx);
            return frc == CWT_ENOMEM ? EXIT_INTERNAL : EXIT_UNREACHABLE;
        }
        len = resp.body_len;
        text = cwt_malloc(len + 1);
        if (text) {
            memcpy(text, resp.body, len);
            text[len] = '\0';
        }
        if (!force && resp.content_type)
            force = (strstr(resp.content_type, "json") != NULL) ? 2 : 1;
        if (!base)
            base = resp.final_url ? resp.final_url : input;
        if (!text) {
            cli_error("out of memory");
            cwt__response_release(&resp);
            cwt_ctx_free(ctx);
            return EXIT_INTERNAL;
        }
    } else {
        FILE *f = strcmp(input, "-") == 0 ? stdin : fopen(input, "rb");
        if (!f) {
            cli_error("cannot open '%s': %s", input, strerror(errno));
            cwt_ctx_free(ctx);
            return EXIT_INPUT;
        }
        bool toobig = false;
        text = read_all(f, &len, &toobig);
        if (f != stdin)
            fclose(f);
        if (!text) {
            cli_error(toobig ? "'%s' is larger than %u bytes" : "cannot read '%s'", input, INPUT_MAX);
            cwt_ctx_free(ctx);
            return EXIT_INPUT;
        }
    }
    bool html = force ? force == 1 : looks_html(input, text, len);
    struct cwt__pv_report rep;
    cwt__pv_report_init(&rep);
    struct cwt_err err;
    cwt_err_clear(&err);
    enum cwt_status rc = cwt__profile_check_text(ctx, text, len, html, base, at, &rep, &err);
    cwt_free(text);
    int exit_code = EXIT_OK_;
    if (rc == CWT_EPARSE || rc == CWT_EINVAL || rc == CWT_ETOOBIG) {
        cli_error("'%s': %s", input, err.msg[0] ? err.msg : cwt_strerror(rc));
        exit_code = EXIT_INPUT;
    } else if (rc) {
        cli_error("'%s': %s", input, cwt_strerror(rc));
        exit_code = EXIT_INTERNAL;
    } else {
        if (json) {
            json_t *o = cwt__pv_report_json(&rep);
            if (o) {
                json_object_set_new(o, "input", json_string(input));
                char *s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
                if (s)
                    puts(s);
                cwt_free(s);
                json_decref(o);
            }
        } else {
            print_text(&rep, input, quiet);
        }
        if (rep.items == 0 && !json)
            fprintf(stderr, "cwtap check-metadata: no item of the profile found in '%s'\n", input);
        exit_code = rep.errors ? EXIT_BELOW : EXIT_OK_;
    }
    cwt__pv_report_release(&rep);
    cwt__response_release(&resp);
    cwt_ctx_free(ctx);
    return exit_code;
}
