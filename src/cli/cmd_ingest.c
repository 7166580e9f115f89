/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements `cwtap ingest FILE --platform NAME --db URL`: loads
 * an NDJSON file of platform events into the store with the same parser and
 * store code as POST /v1/platform/events (store/store_events.h), reading the
 * file in blocks so any size works, one committed transaction per chunk of
 * lines. Refused lines go to stderr with their line number and reason;
 * progress too; --json prints the summary on stdout.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "cli.h"
#include "store/store_events.h"
#include "util/timeutil.h"

#define REFUSED_SHOWN 50 /* refused lines printed on stderr before a summary line */

static void usage(FILE *f)
{
    fprintf(f,
            "usage: cwtap ingest FILE --platform NAME [--db URL] [--json] [--quiet]\n\n"
            "Loads platform events (NDJSON, one order or refund event per line; FILE '-' is stdin)\n"
            "into the store, exactly as POST /v1/platform/events does. Idempotent by (platform,\n"
            "event_id): loading a file twice changes nothing. Each line is judged alone.\n\n"
            "options:\n"
            "  --platform NAME   the platform the events come from (required)\n"
            "  --db URL          sqlite:PATH (default sqlite:var/cwtap.db) or postgresql://...\n"
            "  --chunk N         lines per transaction (default 5000)\n"
            "  --json            print the summary as JSON on stdout\n"
            "  --quiet           no progress on stderr\n"
            "  -h, --help        show this help\n\n"
            "exit codes: 0 every line stored or duplicate, 1 some lines refused, 2 usage error,\n"
            "4 the file or the store cannot be used.\n");
}

struct ing {
    size_t shown;
    bool quiet;
    size_t done;
};

static enum cwt_status on_result(void *ud, size_t lineno, enum cwt__line_result res, const struct cwt_err *why)
{
    struct ing *g = ud;
    if (res == CWT__LINE_REFUSED && g->shown++ < REFUSED_SHOWN)
        fprintf(stderr, "line %zu: %s: %s\n", lineno, why->field, why->msg);
    if (res != CWT__LINE_REFUSED && !g->quiet && ++g->done % 100000 == 0)
        fprintf(stderr, "cwtap ingest: %zu lines stored or duplicate\n", g->done);
    return CWT_OK;
}

int cmd_ingest(int argc, char **argv)
{
    const char *db = "sqlite:var/cwtap.db", *platform = NULL;
    bool json = false;
    struct ing g = {0};
    size_t chunk = 0;
    enum { O_PLATFORM = 256, O_DB, O_JSON, O_QUIET, O_CHUNK };
    static const struct option lo[] = {
        {"platform", required_argument, NULL, O_PLATFORM}, {"db", required_argument, NULL, O_DB},
        {"json", no_argument, NULL, O_JSON}, {"quiet", no_argument, NULL, O_QUIET},
        {"chunk", required_argument, NULL, O_CHUNK}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
    };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
        switch (c) {
        case O_PLATFORM: platform = optarg; break;
        case O_DB: db = optarg; break;
        case O_JSON: json = true; break;
        case O_QUIET: g.quiet = true; break;
        case O_CHUNK:
            chunk = (size_t)strtoul(optarg, NULL, 10);
            if (chunk < 1 || chunk > 100000)
                return cli_usage_error("ingest", "--chunk wants 1 to 100000");
            break;
        case 'h': usage(stdout); return EXIT_OK_;
        default: return cli_usage_error("ingest", "unknown option");
        }
    }
    if (optind != argc - 1)
        return cli_usage_error("ingest", "give exactly one FILE");
    if (!platform || !*platform)
        return cli_usage_error("ingest", "--platform NAME is required");
    const char *path = argv[optind];
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f) {
        cli_error("cannot open '%s': %s", path, strerror(errno));
        return EXIT_INPUT;
    }
    int ret = EXIT_INPUT;
    struct cwt_err err;
    struct cwt__store *st = NULL;
    struct cwt__ingest *in = NULL;
    char *block = cwt_malloc(1u << 16);
    if (!block) {
        ret = EXIT_INTERNAL;
        goto out;
    }
    if (cwt__store_open(db, NULL, &st, &err) != CWT_OK) {
        cli_error("%s", err.msg);
        goto out;
    }
    struct cwt_ctx *ctx = NULL;
    int64_t now = cwt_ctx_new(&ctx) == CWT_OK ? cwt_ctx_now(ctx) : 0;
    cwt_ctx_free(ctx);
    struct cwt__ingest_opts o = {.platform = platform, .now = now, .max_lines = SIZE_MAX, .max_bytes = SIZE_MAX,
                                 .chunk = chunk};
    if (cwt__ingest_new(st, &o, on_result, &g, &in, &err) != CWT_OK) {
        cli_error("%s", err.msg);
        goto out;
    }
    size_t n;
    enum cwt_status rc = CWT_OK;
    while (rc == CWT_OK && (n = fread(block, 1, 1u << 16, f)) > 0)
        rc = cwt__ingest_feed(in, block, n, &err);
    if (rc == CWT_OK && ferror(f))
        rc = cwt_err_setf(&err, CWT_EIO, "file", "cannot read '%s'", path);
    if (rc == CWT_OK)
        rc = cwt__ingest_finish(in, &err);
    struct cwt__ingest_counts cn;
    cwt__ingest_counts(in, &cn);
    if (rc != CWT_OK) {
        cli_error("%s (lines reported stored before this are committed)", err.msg);
        goto out;
    }
    if (g.shown > REFUSED_SHOWN)
        fprintf(stderr, "... and %zu more refused lines\n", g.shown - REFUSED_SHOWN);
    if (json) {
        json_t *j = json_pack("{s:s, s:s, s:I, s:I, s:I, s:I}", "file", path, "platform", platform, "lines",
                              (json_int_t)cn.lines, "accepted", (json_int_t)cn.accepted, "duplicates",
                              (json_int_t)cn.duplicates, "refused", (json_int_t)cn.refused);
        char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;
        if (text)
            printf("%s\n", text);
        cwt_free(text);
        json_decref(j);
    } else {
        printf("%zu lines: %zu stored, %zu duplicate, %zu refused\n", cn.lines, cn.accepted, cn.duplicates,
               cn.refused);
    }
    ret = cn.refused ? EXIT_BELOW : EXIT_OK_;
out:
    cwt__ingest_free(in);
    cwt__store_free(st);
    cwt_free(block);
    if (f != stdin)
        fclose(f);
    return ret;
}
