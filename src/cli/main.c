/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the cwtap command-line entry point: the command
 * table (commands.def), --help and --version, and shared output helpers.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli.h"

static const struct cli_cmd commands[] = {
#define CWT_CMD(name, summary) {#name, summary, cmd_##name},
#include "commands.def"
#undef CWT_CMD
    {NULL, NULL, NULL}};

bool cli_use_color(FILE *f)
{
    const char *nc = getenv("NO_COLOR");
    if (nc && nc[0])
        return false;
    const char *term = getenv("TERM");
    if (term && strcmp(term, "dumb") == 0)
        return false;
    return isatty(fileno(f));
}

void cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("cwtap: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "cwtap %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nTry 'cwtap %s --help'.\n", cmd);
    va_end(ap);
    return EXIT_USAGE;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: cwtap <command> [options]\n\n"
               "cwtap assesses the credibility of exporters' websites (CW-TAP).\n\ncommands:\n");
    for (const struct cli_cmd *c = commands; c->name; c++)
    {
        char shown[64];
        size_t n = 0;
        for (; c->name[n] && n < sizeof shown - 1; n++)
            shown[n] = c->name[n] == '_' ? '-' : c->name[n];
        shown[n] = '\0';
        fprintf(f, "  %-14s %s\n", shown, c->summary);
    }
    fprintf(f, "\nRun 'cwtap <command> --help' for a command's options.\n\n"
               "exit codes:\n"
               "  0   success\n"
               "  1   a site scored below --fail-under, or a check failed\n"
               "  2   usage error\n"
               "  3   a site could not be reached\n"
               "  4   bad input file or data\n"
               "  70  internal error\n\n"
               "environment: NO_COLOR disables colour.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (cwt_global_init() != CWT_OK) {
        cli_error("cannot initialise the HTTP library");
        return EXIT_INTERNAL;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0) {
        usage(stdout);
        return EXIT_OK_;
    }
    if (strcmp(name, "--version") == 0 || strcmp(name, "-V") == 0) {
        printf("cwtap %s\n", cwt_version());
        return EXIT_OK_;
    }
    /* command names are C identifiers in the table: "check-metadata" is check_metadata */
    char key[64];
    size_t n = 0;
    for (; name[n] && n < sizeof key - 1; n++)
        key[n] = name[n] == '-' ? '_' : name[n];
    key[n] = '\0';
    for (const struct cli_cmd *c = commands; c->name; c++)
        if (strcmp(c->name, key) == 0)
            return c->run(argc - 1, argv + 1);
    cli_error("'%s' is not a cwtap command; see 'cwtap --help'", name);
    return EXIT_USAGE;
}
