/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements `cwtap accounts create`: an enterprise of any kind
 * (operator, platform, portal, exporter) with its first user. Public signup
 * makes exporters only; the other kinds act on others' data, so they are made
 * here by whoever runs the server. The password is read from a file or
 * standard input (first line), never from the command line.
 */
#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <termios.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "cli.h"
#include "server/server.h"
#include "store/store.h"

#define PASSWORD_FILE_MAX 4096

static void usage(FILE *f)
{
    fprintf(f,
            "usage: cwtap accounts create --db URL --kind KIND --name NAME --email EMAIL\n"
            "                             [--password-file FILE] [--country CC] [--json]\n\n"
            "Creates an enterprise of KIND (operator, platform, portal or exporter) and its first\n"
            "user, who then logs in at POST /v1/login. An operator's session may use the operator\n"
            "console (/v1/operator/...), a platform's the platform routes, a portal's the registry\n"
            "scope. The password (at least 10 characters) is the first line of FILE, or of\n"
            "standard input when FILE is '-' or absent (asked for without echo on a terminal);\n"
            "it is never taken from the command line.\n\n"
            "options:\n"
            "  --db URL              the database (sqlite:PATH or postgresql://...)\n"
            "  --kind KIND           operator, platform, portal or exporter\n"
            "  --name NAME           the enterprise's name\n"
            "  --email EMAIL         the user's e-mail address (the login)\n"
            "  --password-file FILE  read the password from FILE ('-': standard input, the default)\n"
            "  --country CC          ISO 3166-1 alpha-2 country code of the enterprise\n"
            "  --pwhash-cost C       Argon2id cost: moderate (default) or min (tests only)\n"
            "  --json                print the new enterprise and user as JSON\n"
            "  -h, --help            show this help\n\n"
            "exit codes: 0 created, 2 usage error, 4 bad input (password, e-mail taken,\n"
            "database cannot be opened), 70 internal error.\n");
}

static bool kind_known(const char *k)
{
    return strcmp(k, "operator") == 0 || strcmp(k, "platform") == 0 || strcmp(k, "portal") == 0 ||
           strcmp(k, "exporter") == 0;
}

/* Standard input is a terminal: asks for the password with echo off; the line into *text. */
static int prompt_password(char **text, size_t *len)
{
    struct termios old, quiet;
    bool tty = tcgetattr(STDIN_FILENO, &old) == 0;
    char line[1100];
    fputs("Password (not shown): ", stderr);
    if (tty) {
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    bool got = fgets(line, sizeof line, stdin) != NULL;
    if (tty)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
    fputc('\n', stderr);
    *text = got ? cwt_strdup(line) : cwt_strdup("");
    *len = *text ? strlen(*text) : 0;
    sodium_memzero(line, sizeof line);
    return *text ? EXIT_OK_ : EXIT_INTERNAL;
}

/*
 * The first line of @p path into @p out (without the line end); from a prompt
 * when @p path is "-" and standard input is a terminal. EXIT_INPUT when it is unusable.
 */
static int read_password(const char *path, char *out, size_t outlen)
{
    char *text = NULL;
    size_t len = 0;
    int rc = strcmp(path, "-") == 0 && isatty(STDIN_FILENO) ? prompt_password(&text, &len)
                                                             : cli_read_file(path, PASSWORD_FILE_MAX, &text, &len);
    if (rc)
        return rc;
    size_t n = strcspn(text, "\r\n");
    if (n < SRV_PASSWORD_MIN) {
        cli_error("the password (first line of '%s') must be at least %d characters", path, SRV_PASSWORD_MIN);
        rc = EXIT_INPUT;
    } else if (n >= outlen) {
        cli_error("the password (first line of '%s') is longer than %zu characters", path, outlen - 1);
        rc = EXIT_INPUT;
    } else {
        memcpy(out, text, n);
        out[n] = '\0';
    }
    sodium_memzero(text, len);
    cwt_free(text);
    return rc;
}

struct create_args {
    const char *db, *kind, *name, *email, *pwfile, *country;
    unsigned long long ops;
    size_t mem;
    bool json;
};

static int create(const struct create_args *a)
{
    struct cwt__enterprise e = {0};
    struct cwt__user u = {0};
    char pw[1025];
    struct cwt_err err;
    cwt_err_clear(&err);
    int rc = read_password(a->pwfile, pw, sizeof pw);
    if (rc)
        return rc;
    snprintf(e.name, sizeof e.name, "%s", a->name);
    snprintf(e.kind, sizeof e.kind, "%s", a->kind);
    snprintf(e.country, sizeof e.country, "%s", a->country ? a->country : "");
    srv_email_normalize(a->email, u.email);
    struct cwt_ctx *ctx = NULL;
    if (cwt_ctx_new(&ctx) != CWT_OK) {
        sodium_memzero(pw, sizeof pw);
        return EXIT_INTERNAL;
    }
    e.created_at = u.created_at = cwt_ctx_now(ctx);
    cwt_ctx_free(ctx);
    enum cwt_status st = srv_password_hash_cost(a->ops, a->mem, pw, u.password_hash, sizeof u.password_hash, &err);
    sodium_memzero(pw, sizeof pw);
    if (st != CWT_OK) {
        cli_error("%s", err.msg);
        return EXIT_INTERNAL;
    }
    struct cwt__store *store = NULL;
    if (cwt__store_open(a->db, &(struct cwt__store_opts){.max_conns = 1}, &store, &err) != CWT_OK) {
        cli_error("cannot open the database: %s", err.msg);
        return EXIT_INPUT;
    }
    if (cwt__store_signup(store, &e, &u, &err) != CWT_OK) {
        cli_error("%s%s%s", err.field[0] ? err.field : "", err.field[0] ? ": " : "", err.msg);
        rc = err.status == CWT_ECONFLICT || err.status == CWT_EINVAL ? EXIT_INPUT : EXIT_INTERNAL;
    } else if (a->json) {
        json_t *j = json_pack("{s:{s:s, s:s, s:s, s:s?}, s:{s:s, s:s}}", "enterprise", "id", e.id, "name", e.name,
                              "kind", e.kind, "country", e.country[0] ? e.country : NULL, "user", "id", u.id, "email",
                              u.email);
        char *s = j ? json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
        json_decref(j);
        if (s)
            puts(s);
        else
            rc = EXIT_INTERNAL;
        cwt_free(s);
    } else {
        printf("created %s enterprise %s (%s) with user %s <%s>\n", e.kind, e.id, e.name, u.id, u.email);
    }
    cwt__store_free(store);
    return rc;
}

int cmd_accounts(int argc, char **argv)
{
    enum { O_DB = 256, O_KIND, O_NAME, O_EMAIL, O_PWFILE, O_COUNTRY, O_COST, O_JSON, O_HELP };
    static const struct option opts[] = {
        {"db", required_argument, NULL, O_DB},          {"kind", required_argument, NULL, O_KIND},
        {"name", required_argument, NULL, O_NAME},      {"email", required_argument, NULL, O_EMAIL},
        {"password-file", required_argument, NULL, O_PWFILE}, {"country", required_argument, NULL, O_COUNTRY},
        {"pwhash-cost", required_argument, NULL, O_COST}, {"json", no_argument, NULL, O_JSON},
        {"help", no_argument, NULL, O_HELP},            {NULL, 0, NULL, 0},
    };
    const char *sub = argc > 1 ? argv[1] : NULL;
    if (!sub || strcmp(sub, "-h") == 0 || strcmp(sub, "--help") == 0) {
        usage(sub ? stdout : stderr);
        return sub ? EXIT_OK_ : EXIT_USAGE;
    }
    if (strcmp(sub, "create") != 0)
        return cli_usage_error("accounts", "unknown subcommand '%s' (create)", sub);
    struct create_args a = {.pwfile = "-"};
    int c;
    optind = 1;
    while ((c = getopt_long(argc - 1, argv + 1, "h", opts, NULL)) != -1) {
        switch (c) {
        case O_DB: a.db = optarg; break;
        case O_KIND: a.kind = optarg; break;
        case O_NAME: a.name = optarg; break;
        case O_EMAIL: a.email = optarg; break;
        case O_PWFILE: a.pwfile = optarg; break;
        case O_COUNTRY: a.country = optarg; break;
        case O_JSON: a.json = true; break;
        case O_COST:
            if (strcmp(optarg, "min") == 0) {
                a.ops = 1;
                a.mem = 8192;
            } else if (strcmp(optarg, "moderate") != 0) {
                return cli_usage_error("accounts", "--pwhash-cost wants moderate or min");
            }
            break;
        case 'h':
        case O_HELP: usage(stdout); return EXIT_OK_;
        default: return cli_usage_error("accounts", "unknown option");
        }
    }
    if (optind < argc - 1)
        return cli_usage_error("accounts", "unexpected argument '%s' (the password is read from a file or stdin)",
                               argv[optind + 1]);
    if (!a.db || !a.kind || !a.name || !a.email)
        return cli_usage_error("accounts", "create needs --db, --kind, --name and --email");
    if (!kind_known(a.kind))
        return cli_usage_error("accounts", "--kind '%s' is not operator, platform, portal or exporter", a.kind);
    if (!a.name[0] || strlen(a.name) > 200 || strspn(a.name, " \t") == strlen(a.name))
        return cli_usage_error("accounts", "--name must be 1 to 200 characters, not only spaces");
    char email[256];
    if (!srv_email_normalize(a.email, email))
        return cli_usage_error("accounts", "--email '%s' is not an e-mail address", a.email);
    if (a.country && (strlen(a.country) != 2 || !isupper((unsigned char)a.country[0]) ||
                      !isupper((unsigned char)a.country[1])))
        return cli_usage_error("accounts", "--country '%s' is not an ISO 3166-1 alpha-2 code such as CN", a.country);
    return create(&a);
}
