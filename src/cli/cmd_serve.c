/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements `cwtap serve`: it opens the store (migrating it),
 * starts the HTTP server, and waits for SIGTERM or SIGINT, on which it stops
 * accepting connections, lets in-flight requests finish and exits. While it
 * waits it purges expired sessions once a minute.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "server/server.h"

static void usage(FILE *f)
{
    fprintf(f,
        "usage: cwtap serve [options]\n\n"
        "Runs the HTTP API (REST under /v1, /healthz, /readyz, /metrics, /v1/openapi.yaml).\n\n"
        "options:\n"
        "  --listen ADDR:PORT    address to listen on (default 127.0.0.1:8080; port 0: any free port)\n"
        "  --db URL              sqlite:PATH (default sqlite:var/cwtap.db) or postgresql://...\n"
        "  --insecure-cookies    session cookies without Secure (plain http on localhost)\n"
        "  --static-dir DIR      serve files of DIR under / (SDK, dashboard)\n"
        "  --public-url URL      base URL clients use, for SDK snippets (default http://ADDR:PORT)\n"
        "  --openapi PATH        the OpenAPI document to serve (default docs/openapi.yaml)\n"
        "  --models DIR          model versions the operator console previews (default: the default model's)\n"
        "  --threads N           worker threads (default 4)\n"
        "  --max-body BYTES      request body cap (default 65536)\n"
        "  --max-conns N         open connections in all (default 1000)\n"
        "  --max-conns-per-ip N  open connections per client address (default 64)\n"
        "  --rate-ip R[/B]       requests per second [and burst] per client address (default 20/40)\n"
        "  --rate-key R[/B]      per API key or session (default 50/100)\n"
        "  --rate-login R[/B]    login and signup attempts per address and e-mail (default 0.2/5)\n"
        "  --rate-badge R[/B]|off  badge, SDK and registry-page requests per client address, a bucket\n"
        "                        of their own so one NAT's shoppers keep their badges (default 1000/2000;\n"
        "                        off: not limited)\n"
        "  --pwhash-cost C       Argon2id cost: moderate (default) or min (tests only)\n"
        "  --allow-private       ownership checks may fetch loopback/private addresses (tests)\n"
        "  --ca-file PEM         trust this CA bundle for ownership checks (tests)\n"
        "  --dns-server A[:P]    DNS server for the TXT ownership proof (default: the system's)\n"
        "  --resolve H:P:ADDR    ownership checks connect to ADDR for host H port P, as curl's --resolve\n"
        "                        (repeatable; tests and the demo)\n"
        "  --port-file PATH      write the port listened on to PATH once ready\n"
        "  --no-access-log       no JSON access log lines on stderr\n"
        "  --master-key PATH     0600 file sealing the attestation keys (default var/cwtap-master.key, made if missing)\n"
        "  --clock-file PATH     TESTS ONLY: read the time (Unix seconds) from PATH on every use\n"
        "  --help                this help\n\n"
        "Stops gracefully on SIGTERM or SIGINT. Exit codes: 0 stopped, 2 usage, 4 bad database, 70 internal.\n");
}

static bool parse_rate(const char *s, double *rate, double *burst)
{
    char *end = NULL;
    *rate = strtod(s, &end);
    if (end == s || *rate <= 0)
        return false;
    if (*end == '/') {
        const char *b = end + 1;
        *burst = strtod(b, &end);
        if (end == b || *burst < 1)
            return false;
    } else {
        *burst = *rate * 2 < 1 ? 1 : *rate * 2;
    }
    return *end == '\0';
}

/* Splits "ADDR:PORT" / "[V6]:PORT" into @p addr and *port. */
static bool parse_listen(const char *s, char *addr, size_t n, int *port)
{
    const char *colon = strrchr(s, ':');
    if (!colon)
        return false;
    const char *a = s, *ae = colon;
    if (*a == '[') {
        a++;
        if (ae[-1] != ']')
            return false;
        ae--;
    }
    char *end = NULL;
    long p = strtol(colon + 1, &end, 10);
    if (!colon[1] || *end || p < 0 || p > 65535 || ae <= a)
        return false;
    snprintf(addr, n, "%.*s", (int)(ae - a), a);
    *port = (int)p;
    return true;
}

/* The directory of a sqlite:PATH database is made if missing (var/ on a fresh clone). */
static void make_db_dir(const char *db)
{
    if (strncmp(db, "sqlite:", 7) != 0)
        return;
    char dir[512];
    snprintf(dir, sizeof dir, "%s", db + 7);
    char *slash = strrchr(dir, '/');
    if (slash && slash != dir) {
        *slash = '\0';
        mkdir(dir, 0755);
    }
}

int cmd_serve(int argc, char **argv)
{
    enum { O_LISTEN = 256, O_DB, O_INSECURE, O_STATIC, O_PUBLIC, O_OPENAPI, O_THREADS, O_MAXBODY, O_RIP, O_RKEY,
           O_RLOGIN, O_PWCOST, O_PRIVATE, O_CA, O_PORTFILE, O_NOLOG, O_DNS, O_MAXCONN, O_MAXCONNIP, O_MASTER,
           O_CLOCK, O_RBADGE, O_RESOLVE, O_MODELS, O_HELP };
    static const struct option opts[] = {
        {"listen", required_argument, NULL, O_LISTEN}, {"db", required_argument, NULL, O_DB},
        {"insecure-cookies", no_argument, NULL, O_INSECURE}, {"static-dir", required_argument, NULL, O_STATIC},
        {"public-url", required_argument, NULL, O_PUBLIC}, {"openapi", required_argument, NULL, O_OPENAPI},
        {"threads", required_argument, NULL, O_THREADS}, {"max-body", required_argument, NULL, O_MAXBODY},
        {"rate-ip", required_argument, NULL, O_RIP}, {"rate-key", required_argument, NULL, O_RKEY},
        {"rate-login", required_argument, NULL, O_RLOGIN}, {"pwhash-cost", required_argument, NULL, O_PWCOST},
        {"allow-private", no_argument, NULL, O_PRIVATE}, {"ca-file", required_argument, NULL, O_CA},
        {"port-file", required_argument, NULL, O_PORTFILE}, {"no-access-log", no_argument, NULL, O_NOLOG},
        {"dns-server", required_argument, NULL, O_DNS},
        {"max-conns", required_argument, NULL, O_MAXCONN}, {"max-conns-per-ip", required_argument, NULL, O_MAXCONNIP},
        {"master-key", required_argument, NULL, O_MASTER}, {"clock-file", required_argument, NULL, O_CLOCK},
        {"rate-badge", required_argument, NULL, O_RBADGE},
        {"resolve", required_argument, NULL, O_RESOLVE},
        {"models", required_argument, NULL, O_MODELS},
        {"help", no_argument, NULL, O_HELP}, {NULL, 0, NULL, 0},
    };
    struct srv_config cfg = {.listen_addr = "127.0.0.1", .port = 8080, .access_log = true};
    const char *db = "sqlite:var/cwtap.db", *port_file = NULL, *ca_file = NULL, *dns_server = NULL, *clock_file = NULL;
    char addr[128];
    const char *resolve[32];
    size_t nresolve = 0;
    bool allow_private = false;
    int c, code = EXIT_INTERNAL;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case O_LISTEN:
            if (!parse_listen(optarg, addr, sizeof addr, &cfg.port))
                return cli_usage_error("serve", "--listen wants ADDR:PORT, not '%s'", optarg);
            cfg.listen_addr = addr;
            break;
        case O_DB: db = optarg; break;
        case O_INSECURE: cfg.insecure_cookies = true; break;
        case O_STATIC: cfg.static_dir = optarg; break;
        case O_PUBLIC: cfg.public_base = optarg; break;
        case O_OPENAPI: cfg.openapi_path = optarg; break;
        case O_THREADS:
            cfg.threads = (unsigned)atoi(optarg);
            if (cfg.threads < 1 || cfg.threads > 256)
                return cli_usage_error("serve", "--threads wants 1 to 256");
            break;
        case O_MAXBODY:
            cfg.max_body = (size_t)atol(optarg);
            if (cfg.max_body < 1024 || cfg.max_body > (64u << 20))
                return cli_usage_error("serve", "--max-body wants 1024 to 67108864 bytes");
            break;
        case O_RIP:
            if (!parse_rate(optarg, &cfg.rate_ip, &cfg.burst_ip))
                return cli_usage_error("serve", "--rate-ip wants RATE[/BURST], not '%s'", optarg);
            break;
        case O_RKEY:
            if (!parse_rate(optarg, &cfg.rate_key, &cfg.burst_key))
                return cli_usage_error("serve", "--rate-key wants RATE[/BURST], not '%s'", optarg);
            break;
        case O_RLOGIN:
            if (!parse_rate(optarg, &cfg.rate_login, &cfg.burst_login))
                return cli_usage_error("serve", "--rate-login wants RATE[/BURST], not '%s'", optarg);
            break;
        case O_RBADGE:
            cfg.badge_unlimited = strcmp(optarg, "off") == 0;
            if (!cfg.badge_unlimited && !parse_rate(optarg, &cfg.rate_badge, &cfg.burst_badge))
                return cli_usage_error("serve", "--rate-badge wants RATE[/BURST] or off, not '%s'", optarg);
            break;
        case O_PWCOST:
            if (strcmp(optarg, "min") == 0) {
                cfg.pw_opslimit = 1;
                cfg.pw_memlimit = 8192;
            } else if (strcmp(optarg, "moderate") != 0) {
                return cli_usage_error("serve", "--pwhash-cost wants moderate or min");
            }
            break;
        case O_PRIVATE: allow_private = true; break;
        case O_CA: ca_file = optarg; break;
        case O_DNS: dns_server = optarg; break;
        case O_RESOLVE:
            if (!cli_resolve_ok(optarg))
                return cli_usage_error("serve", "--resolve wants HOST:PORT:ADDR, not '%s'", optarg);
            if (nresolve == CWT_ARRAY_LEN(resolve))
                return cli_usage_error("serve", "at most %zu --resolve entries", CWT_ARRAY_LEN(resolve));
            resolve[nresolve++] = optarg;
            break;
        case O_PORTFILE: port_file = optarg; break;
        case O_NOLOG: cfg.access_log = false; break;
        case O_MASTER: cfg.master_key_path = optarg; break;
        case O_CLOCK: clock_file = optarg; break;
        case O_MODELS: cfg.models_dir = optarg; break;
        case O_MAXCONN:
            cfg.max_conns = (unsigned)atoi(optarg);
            if (cfg.max_conns < 1 || cfg.max_conns > 60000)
                return cli_usage_error("serve", "--max-conns wants 1 to 60000");
            break;
        case O_MAXCONNIP:
            cfg.max_conns_per_ip = (unsigned)atoi(optarg);
            if (cfg.max_conns_per_ip < 1 || cfg.max_conns_per_ip > 60000)
                return cli_usage_error("serve", "--max-conns-per-ip wants 1 to 60000");
            break;
        case O_HELP: usage(stdout); return EXIT_OK_;
        default: return cli_usage_error("serve", "unknown option");
        }
    }
    if (optind < argc)
        return cli_usage_error("serve", "unexpected argument '%s'", argv[optind]);
    if (!cfg.openapi_path)
        cfg.openapi_path = access("docs/openapi.yaml", R_OK) == 0 ? "docs/openapi.yaml"
                                                                  : CWTAP_SOURCE_ROOT "/docs/openapi.yaml";

    /* Signals are taken synchronously by this thread; the server's threads inherit the mask. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    struct cwt_ctx *ctx = NULL;
    struct cwt__store *store = NULL;
    struct srv *s = NULL;
    struct srv_net_state *net = NULL;
    struct cwt_err err;
    cwt_err_clear(&err);
    if (cwt_ctx_new(&ctx) != CWT_OK)
        goto out;
    cli_clock_file(ctx, clock_file);
    make_db_dir(db);
    if (cwt__store_open(db, &(struct cwt__store_opts){.max_conns = cfg.threads ? cfg.threads + 2 : 6}, &store,
                        &err) != CWT_OK) {
        cli_error("cannot open the database: %s", err.msg);
        code = EXIT_INPUT;
        goto out;
    }
    net = srv_net_default(&cfg.net, ctx, allow_private, ca_file, dns_server, resolve, nresolve);
    if (!net || srv_new(&cfg, store, ctx, &s, &err) != CWT_OK || srv_start(s, &err) != CWT_OK) {
        cli_error("cannot start the server: %s", err.msg[0] ? err.msg : "out of memory");
        goto out;
    }
    fprintf(stderr, "cwtap serve: listening on %s (database %s)\n", srv_public_base(s),
            cwt__store_engine(store) == CWT__ENGINE_PG ? "postgresql" : db);
    if (port_file) {
        char tmp[600], num[16];
        snprintf(tmp, sizeof tmp, "%s.tmp", port_file);
        snprintf(num, sizeof num, "%d\n", srv_port(s));
        FILE *f = fopen(tmp, "w");
        if (!f || fputs(num, f) < 0 || fclose(f) != 0 || rename(tmp, port_file) != 0) {
            cli_error("cannot write '%s'", port_file);
            goto out;
        }
    }
    for (;;) {
        struct timespec tick = {60, 0};
        int sig = sigtimedwait(&set, NULL, &tick);
        if (sig == SIGTERM || sig == SIGINT)
            break;
        if (sig < 0 && errno == EAGAIN)
            cwt__store_session_purge(store, cwt_ctx_now(ctx), NULL, &err);
    }
    fprintf(stderr, "cwtap serve: stopping (finishing in-flight requests)\n");
    srv_stop(s, 10000);
    code = EXIT_OK_;
out:
    srv_free(s);
    srv_net_state_free(net);
    cwt__store_free(store);
    cwt_ctx_free(ctx);
    return code;
}
