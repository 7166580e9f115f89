/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements `cwtap audit`: audits one or many sites (arguments or
 * --urls FILE), several at once with --jobs, and prints text, JSON, HTML or
 * CSV reports; --fail-under sets the exit code per site, like Lighthouse CI's
 * assertions. Progress goes to stderr. The reports are written in the order
 * of the URLs as the audits before them end, and freed (write_ready), except
 * on a terminal that also shows the progress bar, where they wait for the end.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli.h"
#include "util/timeutil.h"

#define MAX_RESOLVE 256
#define MAX_URLS 100000
#define URL_LINE_MAX 4096

static const char audit_help[] =
    "usage: cwtap audit [options] URL...\n"
    "       cwtap audit [options] --urls FILE\n\n"
    "Audits each site: crawls its home page and the due-diligence pages, inspects its TLS,\n"
    "looks up its registration, computes every signal and scores them with the model.\n\n"
    "output:\n"
    "  --format FMT         text (default on a terminal), json, html or csv\n"
    "  --json               same as --format json\n"
    "  -o, --output FILE    write the report(s) to FILE instead of stdout\n"
    "  --fail-under N       exit 1 when a site's total is below N (0-100)\n"
    "  -q, --quiet          no progress on stderr\n"
    "sites:\n"
    "  --urls FILE          audit the URLs listed in FILE (one per line, '#' comments; - for stdin)\n"
    "  -j, --jobs N         audit N sites at once (default 4)\n"
    "network:\n"
    "  --ca-file FILE       trust this CA bundle instead of the system's\n"
    "  --resolve H:P:ADDR   connect to ADDR for host H port P, as curl's --resolve (repeatable)\n"
    "  --allow-private      allow loopback and private targets (refused by default)\n"
    "  --max-pages N        pages per site (default 20)\n"
    "  --timeout S          seconds per request (default 15)\n"
    "  --rdap-base URL      ask this RDAP server instead of the bootstrap registry's\n"
    "  --whois-server H:P   ask this WHOIS server\n"
    "  --dns-server A[:P]   DNS server for MX and TXT look-ups\n"
    "  --offline-registry   skip WHOIS/RDAP and DNS look-ups\n"
    "  --http-port N        port of plain http checked for the redirect to https (default 80)\n"
    "evaluation:\n"
    "  --at DATE            evaluate as of DATE (ISO 8601, e.g. 2026-07-31 or 2026-07-31T12:00:00Z)\n"
    "  --model FILE         scoring model (default models/cwtap-model-v1.json)\n\n"
    "exit codes: 0 ok, 1 a site below --fail-under, 2 usage (including an invalid URL),\n"
    "            3 a site unreachable, 4 bad --urls file, 70 internal error.\n"
    "environment: NO_COLOR disables colour.\n";

struct job {
    const char *url;
    struct cwt_report *report; /* until it is written (write_ready), then freed */
    struct cwt_err err;
    enum cwt_status rc;
    bool finished, reported;   /* audited; audited with a report */
    bool unreachable;          /* what the summary and the exit code need of the report */
    double total;
    char grade[8];
};

struct runner {
    struct job *jobs;
    size_t njobs;
    size_t next;
    size_t done;
    pthread_mutex_t mu;
    struct cwt_audit_opts *opts;
    struct cwt_limits limits;
    bool progress;
    bool tty;
    /* the output, written in the order of the URLs as soon as the audits before are done */
    FILE *out;
    enum cwt_format fmt;
    bool color;
    bool stream;          /* written as the audits end (not when the progress bar shares the terminal) */
    size_t next_write;
    bool any_written;
    int write_code;
};

static void progress(struct runner *r, const char *url)
{
    if (!r->progress)
        return;
    if (r->tty) {
        int width = 30, filled = (int)(width * r->done / (r->njobs ? r->njobs : 1));
        fprintf(stderr, "\r[%.*s%*s] %zu/%zu %-40.40s", filled, "##############################", width - filled,
                "", r->done, r->njobs, url);
        if (r->done == r->njobs)
            fputc('\n', stderr);
    } else {
        fprintf(stderr, "cwtap: audited %s (%zu/%zu)\n", url, r->done, r->njobs);
    }
}

/* Writes the reports of the finished audits that the output has reached (the URLs' order), keeping what
 * the summary and the exit code need of each and freeing it: an agency's list of thousands of sites no
 * longer holds every report until the last audit ends. Called with the lock held. */
static void write_ready(struct runner *r)
{
    bool array = r->fmt == CWT_FORMAT_JSON && r->njobs > 1;
    for (; r->next_write < r->njobs && r->jobs[r->next_write].finished; r->next_write++) {
        struct job *j = &r->jobs[r->next_write];
        if (!j->report)
            continue;
        j->reported = true;
        j->total = cwt_report_total(j->report);
        j->unreachable = cwt_report_unreachable(j->report);
        snprintf(j->grade, sizeof j->grade, "%s", cwt_report_grade(j->report));
        char *s = NULL;
        struct cwt_err err;
        unsigned flags = (r->color ? CWT_RENDER_COLOR : 0) | (!r->any_written ? CWT_RENDER_CSV_HEADER : 0);
        if (!r->write_code && cwt_report_render(j->report, r->fmt, flags, &s, &err)) {
            cli_error("%s: %s", j->url, err.msg);
            r->write_code = EXIT_INTERNAL;
        }
        if (s) {
            if (array && r->any_written)
                fputs(",\n", r->out);
            fputs(s, r->out);
            if (r->fmt != CWT_FORMAT_CSV && r->fmt != CWT_FORMAT_HTML)
                fputc('\n', r->out);
            r->any_written = true;
            cwt_free(s);
        }
        cwt_report_free(j->report);
        j->report = NULL;
    }
}

static void *worker(void *arg)
{
    struct runner *r = arg;
    struct cwt_ctx *ctx = NULL;
    if (cwt_ctx_new(&ctx))
        return NULL;
    cwt_ctx_set_limits(ctx, &r->limits);
    for (;;) {
        pthread_mutex_lock(&r->mu);
        size_t i = r->next < r->njobs ? r->next++ : r->njobs;
        pthread_mutex_unlock(&r->mu);
        if (i >= r->njobs)
            break;
        struct job *j = &r->jobs[i];
        cwt_err_clear(&j->err);
        j->rc = cwt_audit(ctx, j->url, r->opts, &j->report, &j->err);
        pthread_mutex_lock(&r->mu);
        r->done++;
        j->finished = true;
        progress(r, j->url);
        if (r->stream)
            write_ready(r);
        pthread_mutex_unlock(&r->mu);
    }
    cwt_ctx_free(ctx);
    return NULL;
}

/* Reads URLs from @p path into *urls (strings owned by the caller). Returns 0 or an exit code. */
static int read_urls(const char *path, char ***urls, size_t *n, size_t *cap)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
    if (!f) {
        cli_error("cannot open '%s': %s", path, strerror(errno));
        return EXIT_INPUT;
    }
    char line[URL_LINE_MAX];
    size_t lineno = 0;
    int rc = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        size_t len = strlen(line);
        if (len == sizeof line - 1 && line[len - 1] != '\n') {
            cli_error("%s:%zu: line longer than %d bytes", path, lineno, URL_LINE_MAX - 2);
            rc = EXIT_INPUT;
            break;
        }
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r' || line[len - 1] == ' '))
            line[--len] = '\0';
        char *s = line;
        while (*s == ' ' || *s == '\t')
            s++;
        if (!*s || *s == '#')
            continue;
        if (*n >= MAX_URLS) {
            cli_error("%s:%zu: more than %d URLs", path, lineno, MAX_URLS);
            rc = EXIT_INPUT;
            break;
        }
        if (CWT_GROW(*urls, *n, cap, MAX_URLS) || !((*urls)[*n] = cwt_strdup(s))) {
            rc = EXIT_INTERNAL;
            break;
        }
        (*n)++;
    }
    if (f != stdin)
        fclose(f);
    return rc;
}

static bool parse_uint(const char *s, unsigned long max, unsigned long *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || *end || end == s || v > max || s[0] == '-')
        return false;
    *out = v;
    return true;
}

enum { OPT_FORMAT = 256, OPT_JSON, OPT_FAIL, OPT_URLS, OPT_CA, OPT_RESOLVE, OPT_PRIVATE, OPT_PAGES, OPT_TIMEOUT,
       OPT_RDAP, OPT_WHOIS, OPT_DNS, OPT_OFFLINE, OPT_AT, OPT_MODEL, OPT_PROBE };

static const struct option longopts[] = {
    {"help", no_argument, NULL, 'h'},           {"format", required_argument, NULL, OPT_FORMAT},
    {"json", no_argument, NULL, OPT_JSON},      {"output", required_argument, NULL, 'o'},
    {"fail-under", required_argument, NULL, OPT_FAIL}, {"quiet", no_argument, NULL, 'q'},
    {"urls", required_argument, NULL, OPT_URLS}, {"jobs", required_argument, NULL, 'j'},
    {"ca-file", required_argument, NULL, OPT_CA}, {"resolve", required_argument, NULL, OPT_RESOLVE},
    {"allow-private", no_argument, NULL, OPT_PRIVATE}, {"max-pages", required_argument, NULL, OPT_PAGES},
    {"timeout", required_argument, NULL, OPT_TIMEOUT}, {"rdap-base", required_argument, NULL, OPT_RDAP},
    {"whois-server", required_argument, NULL, OPT_WHOIS}, {"dns-server", required_argument, NULL, OPT_DNS},
    {"offline-registry", no_argument, NULL, OPT_OFFLINE}, {"at", required_argument, NULL, OPT_AT},
    {"model", required_argument, NULL, OPT_MODEL},  {"http-port", required_argument, NULL, OPT_PROBE},
    {NULL, 0, NULL, 0}};

static void summary_table(struct job *jobs, size_t n, double fail_under)
{
    fprintf(stderr, "\n%-48s %6s %5s  %s\n", "site", "total", "grade", "result");
    for (size_t i = 0; i < n; i++) {
        struct job *j = &jobs[i];
        if (!j->reported) {
            fprintf(stderr, "%-48.48s %6s %5s  error: %s\n", j->url, "-", "-", j->err.msg);
            continue;
        }
        const char *res = j->unreachable                                   ? "unreachable"
                          : (fail_under >= 0 && j->total < fail_under) ? "below --fail-under"
                                                                         : "ok";
        fprintf(stderr, "%-48.48s %6.1f %5s  %s\n", j->url, j->total, j->grade, res);
    }
}

int cmd_audit(int argc, char **argv)
{
    const char *resolve[MAX_RESOLVE];
    size_t nresolve = 0;
    struct cwt_audit_opts opts = {0};
    struct cwt_limits limits = {0};
    const char *format = NULL, *output = NULL, *urls_file = NULL;
    double fail_under = -1;
    unsigned long jobs_n = 4;
    bool quiet = false;
    char **urls = NULL;
    size_t nurls = 0, capurls = 0;
    int c, code = EXIT_OK_;

    optind = 1;
    while ((c = getopt_long(argc, argv, "ho:qj:", longopts, NULL)) != -1) {
        unsigned long v;
        switch (c) {
        case 'h':
            fputs(audit_help, stdout);
            return EXIT_OK_;
        case OPT_FORMAT:
            format = optarg;
            break;
        case OPT_JSON:
            format = "json";
            break;
        case 'o':
            output = optarg;
            break;
        case OPT_FAIL: {
            char *end;
            fail_under = strtod(optarg, &end);
            if (*end || end == optarg || fail_under < 0 || fail_under > 100)
                return cli_usage_error("audit", "--fail-under wants a number from 0 to 100, not '%s'", optarg);
            break;
        }
        case 'q':
            quiet = true;
            break;
        case OPT_URLS:
            urls_file = optarg;
            break;
        case 'j':
            if (!parse_uint(optarg, 64, &v) || v == 0)
                return cli_usage_error("audit", "--jobs wants a number from 1 to 64, not '%s'", optarg);
            jobs_n = v;
            break;
        case OPT_CA:
            opts.ca_file = optarg;
            break;
        case OPT_RESOLVE: {
            if (!cli_resolve_ok(optarg))
                return cli_usage_error("audit", "--resolve wants HOST:PORT:ADDR, not '%s'", optarg);
            if (nresolve == MAX_RESOLVE)
                return cli_usage_error("audit", "at most %d --resolve entries", MAX_RESOLVE);
            resolve[nresolve++] = optarg;
            break;
        }
        case OPT_PRIVATE:
            opts.allow_private = true;
            break;
        case OPT_PAGES:
            if (!parse_uint(optarg, 1000, &v) || v == 0)
                return cli_usage_error("audit", "--max-pages wants a number from 1 to 1000, not '%s'", optarg);
            limits.max_pages = (unsigned)v;
            break;
        case OPT_TIMEOUT:
            if (!parse_uint(optarg, 3600, &v) || v == 0)
                return cli_usage_error("audit", "--timeout wants seconds from 1 to 3600, not '%s'", optarg);
            limits.timeout_ms = (long)v * 1000;
            break;
        case OPT_RDAP:
            opts.rdap_base = optarg;
            break;
        case OPT_WHOIS:
            opts.whois_server = optarg;
            break;
        case OPT_DNS:
            opts.dns_server = optarg;
            break;
        case OPT_OFFLINE:
            opts.offline_registry = true;
            break;
        case OPT_AT:
            if (cwt_time_parse_iso(optarg, &opts.at) != CWT_OK)
                return cli_usage_error("audit", "--at wants an ISO 8601 date such as 2026-07-31, not '%s'", optarg);
            break;
        case OPT_MODEL:
            opts.model_path = optarg;
            break;
        case OPT_PROBE:
            if (!parse_uint(optarg, 65535, &v) || v == 0)
                return cli_usage_error("audit", "--http-port wants a port from 1 to 65535, not '%s'", optarg);
            opts.http_port = (int)v;
            break;
        default:
            return cli_usage_error("audit", "unknown option");
        }
    }
    opts.resolve = resolve;
    opts.nresolve = nresolve;

    enum cwt_format fmt;
    bool out_tty = !output && isatty(STDOUT_FILENO);
    if (!format)
        fmt = CWT_FORMAT_TEXT;
    else if (strcmp(format, "text") == 0)
        fmt = CWT_FORMAT_TEXT;
    else if (strcmp(format, "json") == 0)
        fmt = CWT_FORMAT_JSON;
    else if (strcmp(format, "html") == 0)
        fmt = CWT_FORMAT_HTML;
    else if (strcmp(format, "csv") == 0)
        fmt = CWT_FORMAT_CSV;
    else
        return cli_usage_error("audit", "--format wants text, json, html or csv, not '%s'", format);

    if (urls_file && (code = read_urls(urls_file, &urls, &nurls, &capurls)) != 0)
        goto out;
    for (int i = optind; i < argc; i++) {
        if (CWT_GROW(urls, nurls, &capurls, MAX_URLS) || !(urls[nurls] = cwt_strdup(argv[i]))) {
            code = EXIT_INTERNAL;
            goto out;
        }
        nurls++;
    }
    if (nurls == 0) {
        code = cli_usage_error("audit", "no URL given");
        goto out;
    }

    struct job *jobs = cwt_calloc(nurls, sizeof *jobs);
    if (!jobs) {
        code = EXIT_INTERNAL;
        goto out;
    }
    for (size_t i = 0; i < nurls; i++)
        jobs[i].url = urls[i];
    FILE *out = stdout;
    if (output && !(out = fopen(output, "w"))) { /* before the audits: their reports are written as they end */
        cli_error("cannot write '%s': %s", output, strerror(errno));
        code = EXIT_USAGE;
        cwt_free(jobs);
        goto out;
    }
    struct runner r = {.jobs = jobs, .njobs = nurls, .opts = &opts, .limits = limits,
                       .progress = !quiet && nurls > 1, .tty = isatty(STDERR_FILENO) != 0, .out = out,
                       .fmt = fmt, .color = fmt == CWT_FORMAT_TEXT && out_tty && cli_use_color(stdout)};
    r.stream = !(out_tty && r.progress && r.tty);
    if (fmt == CWT_FORMAT_JSON && nurls > 1)
        fputs("[\n", out);
    pthread_mutex_init(&r.mu, NULL);
    size_t nthreads = CWT_MIN((size_t)jobs_n, nurls);
    pthread_t tids[64];
    size_t started = 0;
    if (nthreads == 1) {
        worker(&r);
    } else {
        for (; started < nthreads; started++)
            if (pthread_create(&tids[started], NULL, worker, &r) != 0)
                break;
        if (started == 0)
            worker(&r);
        for (size_t i = 0; i < started; i++)
            pthread_join(tids[i], NULL);
    }
    pthread_mutex_destroy(&r.mu);
    write_ready(&r);

    if (fmt == CWT_FORMAT_JSON && nurls > 1)
        fputs("]\n", out);
    code = r.write_code;
    if (out != stdout && fclose(out) != 0) {
        cli_error("cannot write '%s': %s", output, strerror(errno));
        code = EXIT_INTERNAL;
    }
    bool any_unreachable = false, any_below = false, any_error = false, any_invalid = false;
    for (size_t i = 0; i < nurls; i++) {
        struct job *j = &jobs[i];
        if (!j->reported) {
            cli_error("%s: %s", j->url, j->err.msg[0] ? j->err.msg : cwt_strerror(j->rc));
            if (j->rc == CWT_EINVAL || j->rc == CWT_EUNSUPPORTED)
                any_invalid = true;
            else
                any_error = true;
            continue;
        }
        if (j->unreachable) {
            any_unreachable = true;
            cli_error("%s: unreachable", j->url);
        }
        if (fail_under >= 0 && j->total < fail_under)
            any_below = true;
    }
    if (!quiet && nurls > 1)
        summary_table(jobs, nurls, fail_under);
    if (code == 0)
        code = any_error          ? EXIT_INTERNAL
               : any_invalid      ? EXIT_USAGE
               : any_unreachable  ? EXIT_UNREACHABLE
               : any_below        ? EXIT_BELOW
                                  : EXIT_OK_;
    for (size_t i = 0; i < nurls; i++) /* (written and freed by write_ready, unless writing failed) */
        cwt_report_free(jobs[i].report);
    cwt_free(jobs);
out:
    for (size_t i = 0; i < nurls; i++)
        cwt_free(urls[i]);
    cwt_free(urls);
    return code;
}
