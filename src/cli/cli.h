/* SPDX-License-Identifier: Apache-2.0 */
/* Shared pieces of the cwtap command-line tool: the command table, output helpers, exit codes. */
#ifndef CWT_CLI_H
#define CWT_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "util/common.h"

/* Exit codes, documented in README.md and `cwtap --help`. */
enum cli_exit {
    EXIT_OK_ = 0,          /* success; every site at or above --fail-under */
    EXIT_BELOW = 1,        /* a site scored below --fail-under (or a check failed) */
    EXIT_USAGE = 2,        /* bad command line */
    EXIT_UNREACHABLE = 3,  /* a site could not be reached at all */
    EXIT_INPUT = 4,        /* bad input file or data */
    EXIT_INTERNAL = 70,    /* internal error (EX_SOFTWARE) */
};

struct cli_cmd {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv);
};

/* True when colour may be used on @p f: a TTY, NO_COLOR unset, TERM not "dumb". */
bool cli_use_color(FILE *f);
/* Prints "cwtap: <msg>" to stderr. */
void cli_error(const char *fmt, ...) CWT_PRINTF(1, 2);
/* Prints "cwtap <cmd>: <msg>\nTry 'cwtap <cmd> --help'." to stderr and returns EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) CWT_PRINTF(2, 3);

/*
 * Reads all of @p path ("-" = standard input) into *out (NUL-terminated, freed
 * with cwt_free()), refusing more than @p cap bytes. Prints the problem and
 * returns EXIT_INPUT (or EXIT_INTERNAL) on failure, EXIT_OK_ on success.
 */
int cli_read_file(const char *path, size_t cap, char **out, size_t *len);

/* True when @p s has the form of curl's --resolve entry: HOST:PORT:ADDR (each part non-empty). */
bool cli_resolve_ok(const char *s);

/* Tests only: @p ctx reads the time (Unix seconds) from @p path on every call (cli_clock.c); NULL: no change. */
struct cwt_ctx;
void cli_clock_file(struct cwt_ctx *ctx, const char *path);

#define CWT_CMD(name, summary) int cmd_##name(int argc, char **argv);
#include "commands.def"
#undef CWT_CMD

#endif
