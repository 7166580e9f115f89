/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements `cwtap uploads check`: the offline check of one of
 * the three files due within 72 hours of a green mark (docs/uploads.md), with
 * the same validator the API runs, so an exporter can fix a file before
 * uploading it. Every issue is printed with its row and column.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "program/uploads.h"
#include "util/timeutil.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: cwtap uploads check KIND FILE [options]\n\n"
            "Checks an upload due after the green mark, offline, as the server will:\n"
            "  customs   customs declaration summaries of the past 6 months, no sensitive data\n"
            "  iso       ISO certification status changes\n"
            "  outlets   localized service outlets\n"
            "The formats are in docs/uploads.md. FILE '-' reads stdin.\n\n"
            "options:\n"
            "  --at TIME       the upload time the 6 months count back from (default now)\n"
            "  --json          print the result as JSON\n"
            "  -h, --help      show this help\n\n"
            "exit codes:\n"
            "  0   the file would be accepted\n"
            "  1   the file would be refused (every issue is listed)\n"
            "  2   usage error\n"
            "  4   the file cannot be read\n");
}

int cmd_uploads(int argc, char **argv)
{
    const char *kind_s = NULL, *file = NULL;
    bool json = false, have_at = false;
    int64_t at = 0;
    if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : EXIT_OK_;
    }
    if (strcmp(argv[1], "check") != 0)
        return cli_usage_error("uploads", "unknown subcommand '%s'", argv[1]);
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage(stdout);
            return EXIT_OK_;
        } else if (strcmp(a, "--json") == 0) {
            json = true;
        } else if (strcmp(a, "--at") == 0 && i + 1 < argc) {
            if (cwt_time_parse_iso(argv[++i], &at) != CWT_OK)
                return cli_usage_error("uploads", "--at '%s' is not an ISO 8601 time", argv[i]);
            have_at = true;
        } else if (a[0] == '-' && a[1]) {
            return cli_usage_error("uploads", "unknown option '%s'", a);
        } else if (!kind_s) {
            kind_s = a;
        } else if (!file) {
            file = a;
        } else {
            return cli_usage_error("uploads", "one file at a time");
        }
    }
    enum cwt__upload_kind kind;
    if (!kind_s || cwt__upload_kind_parse(kind_s, &kind) != CWT_OK)
        return cli_usage_error("uploads", "KIND must be customs, iso or outlets");
    if (!file)
        return cli_usage_error("uploads", "no FILE given");
    if (!have_at) {
        struct cwt_ctx *ctx = NULL;
        if (cwt_ctx_new(&ctx) != CWT_OK)
            return EXIT_INTERNAL;
        at = cwt_ctx_now(ctx);
        cwt_ctx_free(ctx);
    }
    struct cwt__program_policy p;
    cwt__program_policy_default(&p);
    struct cwt__upload_limits lim;
    cwt__upload_limits_default(&lim);
    char *data = NULL;
    size_t len;
    int rc = cli_read_file(file, lim.max_bytes, &data, &len);
    if (rc)
        return rc;
    struct cwt__upload_result r;
    struct cwt_err err;
    cwt_err_clear(&err);
    if (cwt__upload_validate(kind, data, len, at, &p, &lim, &r, &err) != CWT_OK) {
        cli_error("%s", err.msg);
        rc = EXIT_INTERNAL;
        goto out;
    }
    if (json) {
        json_t *o = cwt__upload_result_json(&r);
        char *s = o ? json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
        json_decref(o);
        if (!s) {
            rc = EXIT_INTERNAL;
            goto out;
        }
        puts(s);
        cwt_free(s);
    } else {
        printf("%s: %s, %zu rows, %zu without issues", file, r.accepted ? "accepted" : "refused", r.rows, r.rows_ok);
        if (kind == CWT__UPLOAD_CUSTOMS)
            printf(", months %s..%s covered %d of %d", r.coverage_from, r.coverage_to, r.months_covered,
                   r.months_required);
        printf("\n");
        for (size_t i = 0; i < r.n_issues; i++) {
            const struct cwt__upload_issue *is = &r.issues[i];
            if (is->row)
                printf("  row %zu", is->row);
            else
                printf("  file");
            printf("%s%s%s: %s: %s\n", is->column[0] ? ", column '" : "", is->column, is->column[0] ? "'" : "",
                   is->code, is->msg);
        }
    }
    rc = r.accepted ? EXIT_OK_ : EXIT_BELOW;
out:
    cwt__upload_result_release(&r);
    cwt_free(data);
    return rc;
}
