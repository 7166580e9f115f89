/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the CLI's bounded file input: a whole file (or
 * standard input for "-") read into memory, refused past a cap, for commands
 * that check one document offline (verify, log verify, uploads check, keys);
 * and the form check of --resolve entries shared by audit, serve and worker.
 */
#include <errno.h>
#include <stdio.h>

#include "cli.h"

int cli_read_file(const char *path, size_t cap, char **out, size_t *len)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    char *buf = NULL;
    int rc = EXIT_INPUT;
    *out = NULL;
    *len = 0;
    if (!f) {
        cli_error("cannot open '%s': %s", path, strerror(errno));
        return EXIT_INPUT;
    }
    buf = cwt_malloc(cap + 2);
    if (!buf) {
        cli_error("out of memory");
        rc = EXIT_INTERNAL;
        goto out;
    }
    size_t n = fread(buf, 1, cap + 1, f);
    if (ferror(f)) {
        cli_error("cannot read '%s': %s", path, strerror(errno));
        goto out;
    }
    if (n > cap) {
        cli_error("'%s' is larger than %zu bytes", path, cap);
        goto out;
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    buf = NULL;
    rc = EXIT_OK_;
out:
    cwt_free(buf);
    if (f != stdin)
        fclose(f);
    return rc;
}

bool cli_resolve_ok(const char *s)
{
    const char *a = strchr(s, ':'), *b = a ? strchr(a + 1, ':') : NULL;
    return a && b && a != s && b != a + 1 && b[1];
}
