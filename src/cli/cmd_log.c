/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements `cwtap log`: the hash-chained log of mark changes.
 * `cwtap log verify` reads the entries from a source and names the first
 * entry where the chain breaks. The source is an NDJSON export (--file) or
 * the store's log table (--db), fed to the same verifier through the same
 * iterator interface (program/chainlog.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "program/chainlog.h"
#include "store/store_marks.h"

#define LOG_FILE_MAX ((size_t)256 << 20)

static void usage(FILE *f)
{
    fprintf(f,
            "usage: cwtap log verify (--file FILE | --db URL) [options]\n\n"
            "Verifies the hash-chained log of mark changes: every entry's SHA-256 matches its\n"
            "content, sequence numbers follow each other, and each entry carries the hash of the\n"
            "one before. An edited, inserted, reordered or deleted entry is found and the first\n"
            "bad one named. FILE is an NDJSON export, one entry per line ('-' reads stdin);\n"
            "URL is the database (sqlite:PATH or postgresql://...) whose mark_log is read.\n\n"
            "options:\n"
            "  --file FILE     the NDJSON export to verify\n"
            "  --db URL        the store to verify (its mark_log table)\n"
            "  --head HASH     the head hash published earlier (catches a truncated end)\n"
            "  --count N       the number of entries when HASH was published (with --head)\n"
            "  --json          print the result as JSON\n"
            "  -h, --help      show this help\n\n"
            "exit codes:\n"
            "  0   the chain is intact\n"
            "  1   the chain is broken (the first bad entry is named)\n"
            "  2   usage error\n"
            "  4   the file cannot be read or a line is not an entry\n");
}

/* Where the entries come from; the store will add its own source here. */
struct log_source {
    cwt__log_next_fn next;
    void *ud;
    const char *name;
};

static int print_verdict(const struct log_source *src, const struct cwt__log_verdict *v, bool json)
{
    if (json) {
        json_t *o = json_pack("{s:s,s:b,s:I,s:s,s:s}", "source", src->name, "ok", v->ok, "checked",
                              (json_int_t)v->checked, "head", v->head, "message", v->why);
        if (o && !v->ok) {
            json_object_set_new(o, "first_bad_position", json_integer((json_int_t)v->bad_index));
            json_object_set_new(o, "first_bad_seq", json_integer((json_int_t)v->bad_seq));
        }
        char *s = o ? json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
        json_decref(o);
        if (!s) {
            cli_error("out of memory");
            return EXIT_INTERNAL;
        }
        puts(s);
        cwt_free(s);
    } else if (v->ok) {
        printf("ok: %s\nhead %s\n", v->why, v->head);
    } else {
        printf("BROKEN at position %" PRIu64 ": %s\nlast good head %s\n", v->bad_index, v->why, v->head);
    }
    return v->ok ? EXIT_OK_ : EXIT_BELOW;
}

/* The store as the source: mark_log read in seq order. */
static int verify_db(const char *db, const char *head, uint64_t count, bool json)
{
    struct cwt__store *st = NULL;
    struct cwt__log_verdict v;
    struct cwt_err err;
    cwt_err_clear(&err);
    if (cwt__store_open(db, &(struct cwt__store_opts){.max_conns = 1}, &st, &err) != CWT_OK) {
        cli_error("cannot open the database: %s", err.msg);
        return EXIT_INPUT;
    }
    int rc;
    if (cwt__store_log_verify(st, head, count, &v, &err) != CWT_OK) {
        cli_error("%s: %s", db, err.msg);
        rc = EXIT_INPUT;
    } else {
        struct log_source src = {NULL, NULL, db};
        rc = print_verdict(&src, &v, json);
    }
    cwt__store_free(st);
    return rc;
}

static int log_verify(int argc, char **argv)
{
    const char *file = NULL, *head = NULL, *db = NULL;
    uint64_t count = 0;
    bool json = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage(stdout);
            return EXIT_OK_;
        } else if (strcmp(a, "--json") == 0) {
            json = true;
        } else if (strcmp(a, "--file") == 0 && i + 1 < argc) {
            file = argv[++i];
        } else if (strcmp(a, "--db") == 0 && i + 1 < argc) {
            db = argv[++i];
        } else if (strcmp(a, "--head") == 0 && i + 1 < argc) {
            head = argv[++i];
        } else if (strcmp(a, "--count") == 0 && i + 1 < argc) {
            char *end = NULL;
            unsigned long long n = strtoull(argv[++i], &end, 10);
            if (!end || *end || argv[i][0] == '-' || n == 0)
                return cli_usage_error("log", "--count '%s' is not a positive number", argv[i]);
            count = n;
        } else {
            return cli_usage_error("log", "unknown argument '%s'", a);
        }
    }
    if (!file == !db)
        return cli_usage_error("log", "pass one source: --file FILE or --db URL");
    if (head && (strlen(head) != 64 || count == 0))
        return cli_usage_error("log", "--head takes 64 hex digits and needs --count");
    if (db)
        return verify_db(db, head, count, json);
    char *text = NULL;
    size_t len;
    int rc = cli_read_file(file, LOG_FILE_MAX, &text, &len);
    if (rc)
        return rc;
    struct cwt__log_ndjson_iter it = {text, len, 0, 0};
    struct log_source src = {cwt__log_ndjson_next, &it, file};
    struct cwt__log_verdict v;
    struct cwt_err err;
    cwt_err_clear(&err);
    if (cwt__log_verify(src.next, src.ud, head, count, &v, &err) != CWT_OK) {
        cli_error("%s: %s", file, err.msg);
        rc = EXIT_INPUT;
    } else {
        rc = print_verdict(&src, &v, json);
    }
    cwt_free(text);
    return rc;
}

int cmd_log(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : EXIT_OK_;
    }
    if (strcmp(argv[1], "verify") == 0)
        return log_verify(argc - 1, argv + 1);
    return cli_usage_error("log", "unknown subcommand '%s'", argv[1]);
}
