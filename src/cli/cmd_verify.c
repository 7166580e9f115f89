/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements `cwtap verify`: the offline check of one attestation
 * token against a published key set (/.well-known/cwtap-keys.json saved to a
 * file), printing the payload, which key signed it and whether it has expired,
 * as text or JSON. It never touches the network.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "program/attest.h"
#include "util/timeutil.h"

#define KEYS_MAX (1u << 20)

static void usage(FILE *f)
{
    fprintf(f,
            "usage: cwtap verify TOKEN [options]\n\n"
            "Checks a cwtap attestation token offline: its Ed25519 signature against the key set,\n"
            "the key (active, or retired before the token was issued), and its issue and expiry\n"
            "times. Prints the payload: site, domain, mark, score, cycle. TOKEN '-' reads stdin.\n\n"
            "options:\n"
            "  --keys FILE     the key set (the JSON of /.well-known/cwtap-keys.json);\n"
            "                  default: $CWTAP_KEYS\n"
            "  --at TIME       check at TIME (ISO 8601) instead of now\n"
            "  --skew S        tolerated clock skew in seconds for the issue time (default 300)\n"
            "  --json          print the result as JSON\n"
            "  -h, --help      show this help\n\n"
            "exit codes:\n"
            "  0   valid\n"
            "  1   not valid: expired, not yet valid, bad signature, unknown or retired key\n"
            "  2   usage error\n"
            "  4   the token is malformed or the key set cannot be read\n");
}

static void human_delta(int64_t d, char *out, size_t n)
{
    int64_t a = d < 0 ? -d : d;
    if (a >= 86400)
        snprintf(out, n, "%lld d %lld h", (long long)(a / 86400), (long long)(a % 86400 / 3600));
    else if (a >= 3600)
        snprintf(out, n, "%lld h %lld min", (long long)(a / 3600), (long long)(a % 3600 / 60));
    else
        snprintf(out, n, "%lld s", (long long)a);
}

int cmd_verify(int argc, char **argv)
{
    const char *token_arg = NULL, *keys_path = getenv("CWTAP_KEYS");
    bool json = false;
    int64_t now = 0;
    long skew = 300;
    bool have_at = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage(stdout);
            return EXIT_OK_;
        } else if (strcmp(a, "--json") == 0) {
            json = true;
        } else if (strcmp(a, "--keys") == 0 && i + 1 < argc) {
            keys_path = argv[++i];
        } else if (strcmp(a, "--at") == 0 && i + 1 < argc) {
            if (cwt_time_parse_iso(argv[++i], &now) != CWT_OK)
                return cli_usage_error("verify", "--at '%s' is not an ISO 8601 time", argv[i]);
            have_at = true;
        } else if (strcmp(a, "--skew") == 0 && i + 1 < argc) {
            char *end = NULL;
            skew = strtol(argv[++i], &end, 10);
            if (!end || *end || skew < 0 || skew > 86400)
                return cli_usage_error("verify", "--skew '%s' is not 0 to 86400 seconds", argv[i]);
        } else if (a[0] == '-' && a[1] != '\0') {
            return cli_usage_error("verify", "unknown option '%s'", a);
        } else if (!token_arg) {
            token_arg = a;
        } else {
            return cli_usage_error("verify", "one token at a time");
        }
    }
    if (!token_arg)
        return cli_usage_error("verify", "no token given");
    if (!keys_path || !*keys_path)
        return cli_usage_error("verify", "no key set: pass --keys FILE or set CWTAP_KEYS");
    if (!have_at) {
        struct cwt_ctx *ctx = NULL;
        if (cwt_ctx_new(&ctx) != CWT_OK) {
            cli_error("out of memory");
            return EXIT_INTERNAL;
        }
        now = cwt_ctx_now(ctx);
        cwt_ctx_free(ctx);
    }

    int rc = EXIT_INPUT;
    char *keys_text = NULL, *stdin_tok = NULL;
    size_t keys_len, tok_len;
    struct cwt__keyset ks;
    cwt__keyset_init(&ks);
    struct cwt_err err;
    cwt_err_clear(&err);
    const char *token = token_arg;
    if (strcmp(token_arg, "-") == 0) {
        rc = cli_read_file("-", CWT__TOKEN_MAX + 64, &stdin_tok, &tok_len);
        if (rc)
            goto out;
        while (tok_len && (stdin_tok[tok_len - 1] == '\n' || stdin_tok[tok_len - 1] == '\r' ||
                           stdin_tok[tok_len - 1] == ' '))
            stdin_tok[--tok_len] = '\0';
        token = stdin_tok;
    }
    rc = cli_read_file(keys_path, KEYS_MAX, &keys_text, &keys_len);
    if (rc)
        goto out;
    if (cwt__keyset_from_json(&ks, keys_text, keys_len, &err) != CWT_OK) {
        cli_error("key set '%s': %s", keys_path, err.msg);
        rc = EXIT_INPUT;
        goto out;
    }
    struct cwt__attestation a;
    enum cwt__verdict v;
    cwt_err_clear(&err);
    if (cwt__attest_verify(&ks, token, strlen(token), now, skew, &a, &v, &err) != CWT_OK) {
        cli_error("%s", err.msg);
        rc = EXIT_INTERNAL;
        goto out;
    }
    const struct cwt__key *k = v == CWT__ATT_MALFORMED ? NULL : cwt__keyset_find(&ks, a.kid);
    char iat[21], exp[21], delta[48];
    cwt_time_format_iso(a.iat, iat);
    cwt_time_format_iso(a.exp, exp);
    human_delta(a.exp - now, delta, sizeof delta);
    if (json) {
        json_t *o = json_pack("{s:s,s:s}", "verdict", cwt__verdict_name(v), "reason",
                              v == CWT__ATT_VALID ? "signature, key and times check out" : err.msg);
        if (o && v != CWT__ATT_MALFORMED) {
            json_object_set_new(o, "payload",
                                json_pack("{s:s,s:s,s:s,s:s,s:f,s:s,s:s,s:s}", "kid", a.kid, "site", a.site, "domain",
                                          a.domain, "mark", a.mark, "score", a.score, "cycle", a.cycle, "issued",
                                          iat, "expires", exp));
            json_object_set_new(o, "expires_in_s", json_integer((json_int_t)(a.exp - now)));
            if (k)
                json_object_set_new(o, "key_status", json_string(k->retired ? "retired" : "active"));
        }
        char *s = o ? json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6)) : NULL;
        if (!s) {
            json_decref(o);
            cli_error("out of memory");
            rc = EXIT_INTERNAL;
            goto out;
        }
        puts(s);
        cwt_free(s);
        json_decref(o);
    } else {
        bool color = cli_use_color(stdout);
        const char *on = color ? (v == CWT__ATT_VALID ? "\033[32m" : "\033[31m") : "", *off = color ? "\033[0m" : "";
        if (v == CWT__ATT_VALID)
            printf("%svalid%s: signed by key '%s' (%s)\n", on, off, a.kid, k && k->retired ? "retired" : "active");
        else
            printf("%s%s%s: %s\n", on, cwt__verdict_name(v), off, err.msg);
        if (v != CWT__ATT_MALFORMED) {
            printf("  site     %s\n  domain   %s\n  mark     %s\n  score    %.1f\n  cycle    %s\n"
                   "  issued   %s\n  expires  %s (%s%s%s)\n",
                   a.site, a.domain, a.mark, a.score, a.cycle, iat, exp, a.exp > now ? "in " : "expired ", delta,
                   a.exp > now ? "" : " ago");
        }
    }
    rc = v == CWT__ATT_VALID ? EXIT_OK_ : v == CWT__ATT_MALFORMED ? EXIT_INPUT : EXIT_BELOW;
out:
    cwt_free(keys_text);
    cwt_free(stdin_tok);
    cwt__keyset_release(&ks);
    return rc;
}
