/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements `cwtap keys`: the operator's attestation key set
 * (program/attest.h). `new` makes a private key set file, `rotate` adds a new
 * active key and retires the old one, `public` prints the document served at
 * /.well-known/cwtap-keys.json, and `sign` issues one token (for tests and
 * manual checks; the server signs in normal operation).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli.h"
#include "program/attest.h"
#include "util/timeutil.h"

#define KEYS_MAX (1u << 20)

static void usage(FILE *f)
{
    fprintf(f,
            "usage: cwtap keys new FILE\n"
            "       cwtap keys rotate FILE\n"
            "       cwtap keys public FILE\n"
            "       cwtap keys sign FILE --site ID --domain D --mark STATE --score N --cycle ID [--ttl S]\n\n"
            "Manages the Ed25519 key set that signs attestations. FILE is the operator's private\n"
            "key set (mode 0600); 'public' prints the document for /.well-known/cwtap-keys.json.\n"
            "'rotate' adds a new active key and retires the old one, whose public key stays\n"
            "published so tokens it signed verify until they expire.\n\n"
            "options:\n"
            "  --at TIME       act as if at TIME (ISO 8601) instead of now\n"
            "  --ttl S         lifetime of a signed token in seconds (default 604800, 7 days)\n"
            "  -h, --help      show this help\n\n"
            "exit codes: 0 done, 2 usage error, 4 the key set cannot be read or written.\n");
}

static int load(const char *path, struct cwt__keyset *ks)
{
    char *text = NULL;
    size_t len;
    int rc = cli_read_file(path, KEYS_MAX, &text, &len);
    if (rc)
        return rc;
    struct cwt_err err;
    cwt_err_clear(&err);
    if (cwt__keyset_from_json(ks, text, len, &err) != CWT_OK) {
        cli_error("key set '%s': %s", path, err.msg);
        rc = EXIT_INPUT;
    }
    cwt_free(text);
    return rc;
}

static int save(const char *path, const struct cwt__keyset *ks, bool create)
{
    char *json = NULL;
    if (cwt__keyset_to_json(ks, true, &json, NULL) != CWT_OK) {
        cli_error("out of memory");
        return EXIT_INTERNAL;
    }
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    int fd = open(create ? path : tmp, O_WRONLY | O_CREAT | (create ? O_EXCL : O_TRUNC), 0600);
    int rc = EXIT_INPUT;
    if (fd < 0) {
        cli_error("cannot create '%s': %s", create ? path : tmp, strerror(errno));
        goto out;
    }
    size_t len = strlen(json);
    bool written = write(fd, json, len) == (ssize_t)len && write(fd, "\n", 1) == 1 && fsync(fd) == 0;
    if (close(fd) != 0 || !written) {
        cli_error("cannot write the key set: %s", strerror(errno));
        goto out;
    }
    if (!create && rename(tmp, path) != 0) {
        cli_error("cannot replace '%s': %s", path, strerror(errno));
        goto out;
    }
    rc = EXIT_OK_;
out:
    cwt_free(json);
    return rc;
}

int cmd_keys(int argc, char **argv)
{
    const char *sub = argc > 1 ? argv[1] : NULL, *file = NULL;
    struct cwt__attestation a = {0};
    int64_t now = 0, ttl = 7 * 86400;
    bool have_at = false;
    double score = -1;
    if (!sub || strcmp(sub, "-h") == 0 || strcmp(sub, "--help") == 0) {
        usage(sub ? stdout : stderr);
        return sub ? EXIT_OK_ : EXIT_USAGE;
    }
    for (int i = 2; i < argc; i++) {
        const char *o = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        char *end = NULL;
        if (strcmp(o, "-h") == 0 || strcmp(o, "--help") == 0) {
            usage(stdout);
            return EXIT_OK_;
        } else if (o[0] != '-' && !file) {
            file = o;
            continue;
        } else if (!val) {
            return cli_usage_error("keys", "'%s' needs a value", o);
        }
        i++;
        if (strcmp(o, "--at") == 0) {
            if (cwt_time_parse_iso(val, &now) != CWT_OK)
                return cli_usage_error("keys", "--at '%s' is not an ISO 8601 time", val);
            have_at = true;
        } else if (strcmp(o, "--ttl") == 0) {
            ttl = strtoll(val, &end, 10);
            if (!end || *end || ttl <= 0)
                return cli_usage_error("keys", "--ttl '%s' is not a positive number of seconds", val);
        } else if (strcmp(o, "--score") == 0) {
            score = strtod(val, &end);
            if (!end || *end || !(score >= 0 && score <= 100))
                return cli_usage_error("keys", "--score '%s' is not 0 to 100", val);
        } else if (strcmp(o, "--site") == 0) {
            snprintf(a.site, sizeof a.site, "%s", val);
        } else if (strcmp(o, "--domain") == 0) {
            snprintf(a.domain, sizeof a.domain, "%s", val);
        } else if (strcmp(o, "--mark") == 0) {
            snprintf(a.mark, sizeof a.mark, "%s", val);
        } else if (strcmp(o, "--cycle") == 0) {
            snprintf(a.cycle, sizeof a.cycle, "%s", val);
        } else {
            return cli_usage_error("keys", "unknown option '%s'", o);
        }
    }
    if (!file)
        return cli_usage_error("keys", "no key set FILE given");
    if (!have_at) {
        struct cwt_ctx *ctx = NULL;
        if (cwt_ctx_new(&ctx) != CWT_OK)
            return EXIT_INTERNAL;
        now = cwt_ctx_now(ctx);
        cwt_ctx_free(ctx);
    }
    struct cwt__keyset ks;
    cwt__keyset_init(&ks);
    struct cwt_err err;
    cwt_err_clear(&err);
    int rc = EXIT_OK_;
    if (strcmp(sub, "new") == 0) {
        if (cwt__keyset_rotate(&ks, now, NULL, &err) != CWT_OK) {
            cli_error("%s", err.msg);
            rc = EXIT_INTERNAL;
        } else if ((rc = save(file, &ks, true)) == EXIT_OK_) {
            fprintf(stderr, "cwtap: new key set '%s' with active key '%s'\n", file, cwt__keyset_active(&ks)->kid);
        }
    } else if (strcmp(sub, "rotate") == 0) {
        if ((rc = load(file, &ks)) != EXIT_OK_)
            goto out;
        if (cwt__keyset_rotate(&ks, now, NULL, &err) != CWT_OK) {
            cli_error("%s", err.msg);
            rc = EXIT_INPUT;
        } else if ((rc = save(file, &ks, false)) == EXIT_OK_) {
            fprintf(stderr, "cwtap: active key is now '%s'\n", cwt__keyset_active(&ks)->kid);
        }
    } else if (strcmp(sub, "public") == 0) {
        char *json = NULL;
        if ((rc = load(file, &ks)) != EXIT_OK_)
            goto out;
        if (cwt__keyset_to_json(&ks, false, &json, &err) != CWT_OK) {
            rc = EXIT_INTERNAL;
            goto out;
        }
        puts(json);
        cwt_free(json);
    } else if (strcmp(sub, "sign") == 0) {
        if (!a.site[0] || !a.domain[0] || !a.mark[0] || !a.cycle[0] || score < 0) {
            rc = cli_usage_error("keys", "sign needs --site, --domain, --mark, --score and --cycle");
            goto out;
        }
        if ((rc = load(file, &ks)) != EXIT_OK_)
            goto out;
        a.score = score;
        a.iat = now;
        a.exp = now + ttl;
        char *tok = NULL;
        if (cwt__attest_sign(&ks, &a, &tok, &err) != CWT_OK) {
            cli_error("%s", err.msg);
            rc = EXIT_INPUT;
            goto out;
        }
        puts(tok);
        cwt_free(tok);
    } else {
        rc = cli_usage_error("keys", "unknown subcommand '%s'", sub);
    }
out:
    cwt__keyset_release(&ks);
    return rc;
}
