/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Integration test of the live tls inspection: one nginx on 127.0.0.1 with a
 * port per certificate the test generates (test CA + intermediate, openssl at
 * test time): a good chain with a stapled OCSP response, then each failure
 * kind (expired, not yet valid, wrong host, self-signed, untrusted root,
 * incomplete chain, SHA-1 signature, 1024-bit key, TLS 1.0 only). Each is
 * inspected with cwt__tls_inspect() and must report exactly its problems.
 * Also: the signal `tls` end to end (home page and http:// probe fetched for
 * real), a server that accepts TCP but never answers (the handshake times
 * out), a closed port, the private-address refusal, and `cwtap tls`.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fetch/fetch.h"
#include "harness.h"
#include "oom.h"
#include "signals/signal.h"
#include "tls/tls.h"
#include "tls/tls_report.h"

enum cwt_status cwt__sig_tls(const struct cwt__site *site, struct cwt__signal *out);

#define HOST "shop.cwtap.test"

struct live_case {
    const char *name;
    int port_index;        /* @PORTn@ of the nginx config */
    const char *host;      /* inspected host */
    const char *want;      /* problem codes, sorted, space separated */
    bool trusted;
    const char *protocol;  /* expected negotiated protocol, NULL: TLS 1.2 or 1.3 */
};

static const struct live_case cases[] = {
    {"good (full chain, OCSP stapled)", 0, HOST, "", true, "TLSv1.3"},
    {"expired", 1, HOST, "tls.expired tls.no_ocsp_staple", true, NULL},
    {"not yet valid", 2, HOST, "tls.no_ocsp_staple tls.not_yet_valid", true, NULL},
    {"wrong host", 3, HOST, "tls.host_mismatch tls.no_ocsp_staple", true, NULL},
    {"self-signed", 4, HOST, "tls.no_ocsp_staple tls.self_signed", false, NULL},
    {"untrusted root", 5, HOST, "tls.no_ocsp_staple tls.untrusted_root", false, NULL},
    {"incomplete chain", 6, HOST, "tls.incomplete_chain tls.no_ocsp_staple", false, NULL},
    {"SHA-1 signature", 7, HOST, "tls.no_ocsp_staple tls.weak_signature", true, NULL},
    {"1024-bit key", 8, HOST, "tls.no_ocsp_staple tls.weak_key", true, NULL},
    {"TLS 1.0 only", 9, HOST, "tls.no_ocsp_staple tls.old_protocol", true, "TLSv1"},
    {"good via www name", 10, "www." HOST, "tls.no_ocsp_staple", true, NULL},
};

static char *dir;
static struct h_ca root, inter, rogue;
static struct h_nginx ng;
static struct cwt_ctx *ctx;
static bool stapled; /* the openssl CLI made an OCSP response for nginx to staple */

static const char *conf_tpl =
    "  ssl_ciphers DEFAULT:@SECLEVEL=0;\n"
    "  server { listen 127.0.0.1:@HTTP_PORT@; return 301 https://$host:@PORT0@$request_uri; }\n"
    "  server { listen 127.0.0.1:@PORT11@; return 200 plain; }\n"
    "  server { listen 127.0.0.1:@PORT0@ ssl http2; ssl_protocols TLSv1.2 TLSv1.3; ssl_certificate @D@/good.full; ssl_certificate_key @D@/good.key;\n"
    "           @STAPLE@ add_header Strict-Transport-Security \"max-age=31536000\" always; return 200 ok; }\n"
    "  server { listen 127.0.0.1:@PORT1@ ssl; ssl_certificate @D@/expired.pem; ssl_certificate_key @D@/expired.key; }\n"
    "  server { listen 127.0.0.1:@PORT2@ ssl; ssl_certificate @D@/future.pem; ssl_certificate_key @D@/future.key; }\n"
    "  server { listen 127.0.0.1:@PORT3@ ssl; ssl_certificate @D@/other.pem; ssl_certificate_key @D@/other.key; }\n"
    "  server { listen 127.0.0.1:@PORT4@ ssl; ssl_certificate @D@/self.pem; ssl_certificate_key @D@/self.key; }\n"
    "  server { listen 127.0.0.1:@PORT5@ ssl; ssl_certificate @D@/rogue.full; ssl_certificate_key @D@/rogue.key; }\n"
    "  server { listen 127.0.0.1:@PORT6@ ssl; ssl_certificate @D@/good.pem; ssl_certificate_key @D@/good.key; }\n"
    "  server { listen 127.0.0.1:@PORT7@ ssl; ssl_certificate @D@/sha1.pem; ssl_certificate_key @D@/sha1.key; }\n"
    "  server { listen 127.0.0.1:@PORT8@ ssl; ssl_certificate @D@/rsa1024.pem; ssl_certificate_key @D@/rsa1024.key; }\n"
    "  server { listen 127.0.0.1:@PORT9@ ssl; ssl_protocols TLSv1; ssl_certificate @D@/root-good.pem;\n"
    "           ssl_certificate_key @D@/root-good.key; }\n"
    "  server { listen 127.0.0.1:@PORT10@ ssl; ssl_certificate @D@/root-good.pem; ssl_certificate_key @D@/root-good.key; }\n"
    "@V6@";

static const char *v6_block =
    "  server { listen [::1]:@PORT12@ ssl; ssl_certificate @D@/root-good.pem; ssl_certificate_key @D@/root-good.key; }\n";
static bool have_v6; /* ::1 can be bound here */

static int setup(void **state)
{
    (void)state;
    if (cwt_ctx_new(&ctx) != CWT_OK)
        return -1;
    dir = h_tempdir("tlslive");
    char p[1024];
    /* OpenSSL 3 refuses SHA-1, 1024-bit keys and TLS 1.0 below security level 0: nginx (only) gets it. */
    snprintf(p, sizeof p, "%s/openssl.cnf", dir);
    const char *cnf = "openssl_conf = init\n[init]\nssl_conf = ssl_sect\n[ssl_sect]\nsystem_default = sys\n"
                      "[sys]\nMinProtocol = TLSv1\nCipherString = DEFAULT@SECLEVEL=0\n";
    if (h_write_file(p, cnf, strlen(cnf)))
        return -1;
    char *cnf_path = strdup(p);
    snprintf(p, sizeof p, "%s/root", dir);
    mkdir(p, 0700);
    if (h_ca_create(&root, p))
        return -1;
    snprintf(p, sizeof p, "%s/inter", dir);
    mkdir(p, 0700);
    if (h_ca_create_intermediate(&inter, &root, p, "cwtap Test Issuing CA 1"))
        return -1;
    snprintf(p, sizeof p, "%s/rogue", dir);
    mkdir(p, 0700);
    if (h_ca_create(&rogue, p))
        return -1;
    struct h_issue_opts good = {.aia = true, .org = "Ningbo Valves Co., Ltd."};
    struct h_issue_opts plain = {0};
    struct h_issue_opts sha1 = {.md = "sha1"};
    struct h_issue_opts small = {.rsa_bits = 1024};
    struct h_issue_opts www = {.www = true};
    if (h_ca_issue_ex(&inter, "good", HOST, -30, 365, &good) || h_ca_issue_ex(&root, "expired", HOST, -400, -10, &plain) ||
        h_ca_issue_ex(&root, "future", HOST, 10, 400, &plain) ||
        h_ca_issue_ex(&root, "other", "other.cwtap.test", -30, 365, &plain) ||
        h_ca_issue_ex(&rogue, "rogue", HOST, -30, 365, &plain) || h_ca_issue_ex(&root, "sha1", HOST, -30, 365, &sha1) ||
        h_ca_issue_ex(&root, "rsa1024", HOST, -30, 365, &small) ||
        h_ca_issue_ex(&root, "root-good", HOST, -30, 365, &www))
        return -1;
    if (h_selfsigned(dir, "self", HOST, 365))
        return -1;
    /* Move the issued files next to each other; full chains for the good and rogue servers. */
    if (h_sh("cd '%s' && cp inter/good.pem inter/good.key . && cp root/expired.* root/future.* root/other.* "
             "root/sha1.* root/rsa1024.* root/root-good.* . && cp rogue/rogue.pem rogue/rogue.key . && "
             "cat good.pem inter/ca.pem > good.full && cat rogue.pem rogue/ca.pem > rogue.full",
             dir))
        return -1;
    /* A stapled OCSP response for the good certificate, signed by its issuer. */
    stapled = h_sh("cd '%s/inter' && openssl ocsp -issuer ca.pem -cert good.pem -no_nonce -reqout req.der "
                   ">/dev/null 2>&1 && openssl ocsp -index db/index.txt -rsigner ca.pem -rkey ca.key -CA ca.pem "
                   "-reqin req.der -respout ../good.ocsp -ndays 7 >/dev/null 2>&1",
                   dir) == 0;
    char staple[1200] = "";
    if (stapled)
        snprintf(staple, sizeof staple, "ssl_stapling on; ssl_stapling_file %s/good.ocsp;", dir);
    int s6 = socket(AF_INET6, SOCK_STREAM, 0);
    struct sockaddr_in6 a6 = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT};
    have_v6 = s6 >= 0 && bind(s6, (struct sockaddr *)&a6, sizeof a6) == 0;
    if (s6 >= 0)
        close(s6);
    char *a = h_replace(conf_tpl, "@V6@", have_v6 ? v6_block : "");
    char *b = h_replace(a, "@D@", dir);
    char *conf = h_replace(b, "@STAPLE@", staple);
    free(a);
    free(b);
    setenv("OPENSSL_CONF", cnf_path, 1);
    int rc = h_nginx_start(&ng, conf);
    unsetenv("OPENSSL_CONF");
    free(conf);
    free(cnf_path);
    return rc;
}

static int teardown(void **state)
{
    (void)state;
    h_nginx_stop(&ng);
    h_ca_free(&root);
    h_ca_free(&inter);
    h_ca_free(&rogue);
    h_rmtree(dir);
    free(dir);
    cwt_ctx_free(ctx);
    return 0;
}

static void codes_of(const struct cwt__tls_report *r, char *out, size_t n)
{
    const char *codes[CWT__TLS_PROBLEMS_MAX];
    size_t k = 0;
    for (size_t i = 0; i < r->nproblems; i++) {
        const char *c = cwt__tls_problem_code(r->problems[i].kind);
        bool seen = false;
        for (size_t j = 0; j < k; j++)
            seen |= strcmp(codes[j], c) == 0;
        if (!seen)
            codes[k++] = c;
    }
    for (size_t i = 1; i < k; i++)
        for (size_t j = i; j > 0 && strcmp(codes[j - 1], codes[j]) > 0; j--) {
            const char *t = codes[j];
            codes[j] = codes[j - 1];
            codes[j - 1] = t;
        }
    out[0] = '\0';
    size_t off = 0;
    for (size_t i = 0; i < k && off < n; i++)
        off += (size_t)snprintf(out + off, n - off, "%s%s", i ? " " : "", codes[i]);
}

static struct cwt__tls_report *inspect(const char *host, int port, bool allow_private, long timeout_ms)
{
    struct cwt__tls_opts opts = {.ca_file = root.ca_pem, .connect_addr = "127.0.0.1", .allow_private = allow_private,
                                 .timeout_ms = timeout_ms};
    struct cwt__tls_report *r = NULL;
    struct cwt_err err = {0};
    assert_int_equal(cwt__tls_inspect(ctx, &opts, host, port, &r, &err), CWT_OK);
    assert_non_null(r);
    return r;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void test_live_matrix(void **state)
{
    (void)state;
    size_t ok = 0;
    printf("  %-34s %-8s %-24s %-9s %-8s %s\n", "case", "protocol", "cipher", "ms", "trusted", "problems");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct live_case *c = &cases[i];
        struct cwt__tls_report *r = inspect(c->host, ng.ports[c->port_index], true, 5000);
        char got[512];
        codes_of(r, got, sizeof got);
        const char *want = c->want;
        if (i == 0 && !stapled)
            want = "tls.no_ocsp_staple";
        bool proto_ok = c->protocol ? r->protocol && strcmp(r->protocol, c->protocol) == 0
                                    : r->protocol_version >= 0x0303;
        bool pass = r->handshake_ok && strcmp(got, want) == 0 && r->trusted == c->trusted && proto_ok;
        printf("  %-34s %-8s %-24s %-9.1f %-8d [%s]%s%s%s\n", c->name, r->protocol ? r->protocol : "-",
               r->cipher ? r->cipher : "-", r->handshake_ms, r->trusted, got, pass ? "" : "  FAIL, want [",
               pass ? "" : want, pass ? "" : "]");
        if (!pass)
            for (size_t k = 0; k < r->nproblems; k++)
                printf("      %s: %s\n", cwt__tls_problem_code(r->problems[k].kind), r->problems[k].message);
        ok += pass;
        cwt__tls_report_free(r);
    }
    printf("live matrix: %zu/%zu cases as expected (stapling %s)\n", ok, sizeof cases / sizeof cases[0],
           stapled ? "on" : "unavailable");
    assert_int_equal(ok, sizeof cases / sizeof cases[0]);
}

/* The good server: chain, ALPN, O=, OCSP, days to expiry. */
static void test_live_good_details(void **state)
{
    (void)state;
    struct cwt__tls_report *r = inspect(HOST, ng.ports[0], true, 5000);
    assert_true(r->connected && r->handshake_ok && r->host_match && r->trusted);
    assert_non_null(r->address);
    assert_true(strncmp(r->address, "127.0.0.1:", 10) == 0);
    assert_string_equal(r->alpn, "h2");
    assert_int_equal(r->nserved, 2);
    assert_int_equal(r->nchain, 3);
    assert_true(r->chain[0].served && r->chain[1].served && !r->chain[2].served);
    assert_string_equal(cwt__tls_subject_org(r), "Ningbo Valves Co., Ltd.");
    assert_true(r->days_to_expiry >= 363 && r->days_to_expiry <= 365);
    assert_int_equal(r->ocsp_stapled, stapled);
    cwt__tls_report_free(r);
    /* the same server judged a year later has expired */
    struct cwt__tls_opts opts = {.ca_file = root.ca_pem, .connect_addr = "127.0.0.1", .allow_private = true,
                                 .at = (int64_t)time(NULL) + 400 * 86400};
    struct cwt_err err = {0};
    assert_int_equal(cwt__tls_inspect(ctx, &opts, HOST, ng.ports[0], &r, &err), CWT_OK);
    assert_true(r->expired && cwt__tls_has_problem(r, CWT__TLS_P_EXPIRED));
    cwt__tls_report_free(r);
}

/* The signal end to end: the live report, the home page fetched over HTTPS (HSTS from nginx) and
 * the plain http:// probe (a 301 to https://, or a plain answer on another port). */
static void run_signal(int http_port, struct cwt__signal *s)
{
    char home_url[128], http_url[128], r1[96], r2[96];
    snprintf(home_url, sizeof home_url, "https://" HOST ":%d/", ng.ports[0]);
    snprintf(http_url, sizeof http_url, "http://" HOST ":%d/", http_port);
    snprintf(r1, sizeof r1, HOST ":%d:127.0.0.1", ng.ports[0]);
    snprintf(r2, sizeof r2, HOST ":%d:127.0.0.1", http_port);
    const char *resolve[] = {r1, r2};
    struct cwt__fetch_opts fo = {.ca_file = root.ca_pem, .resolve = resolve, .nresolve = 2, .allow_private = true,
                                 .verify_tls = false};
    struct cwt__response home = {0}, probe = {0};
    assert_int_equal(cwt__fetch(ctx, &fo, home_url, &home), CWT_OK);
    assert_int_equal(cwt__fetch(ctx, &fo, http_url, &probe), CWT_OK);
    assert_int_equal(home.rc, CWT_OK);
    struct cwt__tls_report *r = inspect(HOST, ng.ports[0], true, 5000);
    struct cwt__site_page page = {&home, NULL, "home"};
    struct cwt__site site = {.ctx = ctx, .url = home_url, .host = HOST, .at = r->at, .pages = &page, .npages = 1,
                             .tls = r, .http_probe = &probe};
    cwt__signal_init(s, "tls", CWT__MOD_BASIC);
    assert_int_equal(cwt__sig_tls(&site, s), CWT_OK);
    printf("  signal tls via http port %d: value %.2f confidence %.2f gate %d raw %.0f findings %zu fix %s\n",
           http_port, s->value, s->confidence, s->gate_failed, s->raw, s->nfindings, s->fix ? s->fix : "-");
    cwt__tls_report_free(r);
    cwt__response_release(&home);
    cwt__response_release(&probe);
}

static void test_signal_end_to_end(void **state)
{
    (void)state;
    struct cwt__signal s;
    run_signal(ng.http_port, &s); /* redirects to https, HSTS one year, OCSP stapled */
    assert_true(s.measured && !s.gate_failed);
    assert_true(s.value > (stapled ? 0.99 : 0.94));
    assert_true(s.confidence > 0.99);
    assert_int_equal(s.nfindings, stapled ? 0 : 1);
    assert_true(s.raw >= 363);
    cwt__signal_release(&s);
    run_signal(ng.ports[11], &s); /* plain http answers without redirecting */
    assert_true(fabs(s.value - (stapled ? 0.85 : 0.80)) < 1e-9);
    assert_non_null(s.fix);
    assert_string_equal(s.fix, "redirect http:// to https:// with a 301");
    cwt__signal_release(&s);
}

/* The same inspection over IPv6 (::1), when the machine has it. */
static void test_live_ipv6(void **state)
{
    (void)state;
    if (!have_v6)
        skip();
    struct cwt__tls_opts opts = {.ca_file = root.ca_pem, .connect_addr = "::1", .allow_private = true,
                                 .timeout_ms = 5000};
    struct cwt__tls_report *r = NULL;
    struct cwt_err err = {0};
    assert_int_equal(cwt__tls_inspect(ctx, &opts, HOST, ng.ports[12], &r, &err), CWT_OK);
    assert_true(r->handshake_ok && r->trusted && r->host_match);
    assert_non_null(r->address);
    assert_true(strncmp(r->address, "[::1]:", 6) == 0);
    cwt__tls_report_free(r);
    opts.allow_private = false; /* ::1 is loopback: refused */
    assert_int_equal(cwt__tls_inspect(ctx, &opts, HOST, ng.ports[12], &r, &err), CWT_OK);
    assert_false(r->connected);
    assert_true(cwt__tls_has_problem(r, CWT__TLS_P_NO_CONNECT));
    cwt__tls_report_free(r);
}

/* A listener on 127.0.0.1 that completes TCP (the kernel's backlog) but never accepts nor speaks. */
static int stalled_listener(int *port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t al = sizeof a;
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(fd, 16), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &al), 0);
    *port = ntohs(a.sin_port);
    return fd;
}

/* A listener that completes TCP but never speaks TLS: the handshake must give up at the deadline. */
static void test_stalled_handshake_times_out(void **state)
{
    (void)state;
    int port, fd = stalled_listener(&port);
    double t0 = now_ms();
    struct cwt__tls_report *r = inspect(HOST, port, true, 400);
    double took = now_ms() - t0;
    close(fd);
    assert_true(r->connected);
    assert_false(r->handshake_ok);
    assert_true(cwt__tls_has_problem(r, CWT__TLS_P_HANDSHAKE));
    assert_non_null(strstr(r->error, "timed out"));
    assert_true(took >= 350 && took < 3000);
    cwt__tls_report_free(r);
}

static void test_refusals(void **state)
{
    (void)state;
    /* loopback without allow_private: refused before connecting */
    struct cwt__tls_report *r = inspect(HOST, ng.ports[0], false, 2000);
    assert_false(r->connected);
    assert_true(cwt__tls_has_problem(r, CWT__TLS_P_NO_CONNECT));
    assert_non_null(strstr(r->error, "private"));
    cwt__tls_report_free(r);
    /* a closed port */
    int port = h_free_port();
    r = inspect(HOST, port, true, 2000);
    assert_false(r->connected);
    assert_true(cwt__tls_has_problem(r, CWT__TLS_P_NO_CONNECT));
    assert_false(r->has_cert);
    cwt__tls_report_free(r);
}

/* The command: exit 0 for the good server, 1 for a failing one, JSON on request. */
static void test_cli(void **state)
{
    (void)state;
    const char *bin = getenv("CWTAP_BIN");
    assert_non_null(bin);
    char target[64], resolve[96], target2[64], resolve2[96];
    snprintf(target, sizeof target, HOST ":%d", ng.ports[0]);
    snprintf(resolve, sizeof resolve, HOST ":%d:127.0.0.1", ng.ports[0]);
    snprintf(target2, sizeof target2, HOST ":%d", ng.ports[1]);
    snprintf(resolve2, sizeof resolve2, HOST ":%d:127.0.0.1", ng.ports[1]);
    struct h_run run;
    char *good[] = {(char *)bin, "tls", target, "--resolve", resolve, "--ca-file", root.ca_pem, "--allow-private", NULL};
    assert_int_equal(h_run(good, NULL, &run), 0);
    assert_int_equal(run.status, 0);
    assert_non_null(strstr(run.out, "Ningbo Valves"));
    h_run_free(&run);
    char *bad[] = {(char *)bin, "tls", target2, "--resolve", resolve2, "--ca-file", root.ca_pem, "--allow-private",
                   "--json", NULL};
    assert_int_equal(h_run(bad, NULL, &run), 0);
    assert_int_equal(run.status, 1);
    json_error_t je;
    json_t *j = json_loads(run.out, 0, &je);
    assert_non_null(j);
    assert_true(json_is_true(json_object_get(j, "expired")));
    json_decref(j);
    h_run_free(&run);
    char *refused[] = {(char *)bin, "tls", target, "--resolve", resolve, "--ca-file", root.ca_pem, NULL};
    assert_int_equal(h_run(refused, NULL, &run), 0);
    assert_int_equal(run.status, 3);
    h_run_free(&run);
}

/* ---- The crawl's own handshake (audit.c: fetch's tap, cwt__tls_inspect_seen) ---- */

struct caught {
    struct cwt__tls_seen *seen;
    int offers;
};

static bool keep_seen(void *ud, void *ssl, const char *address, double handshake_ms)
{
    struct caught *c = ud;
    c->offers++;
    if (!c->seen)
        c->seen = cwt__tls_seen_take(ssl, address, handshake_ms);
    return c->seen != NULL;
}

/* Fetches https://@p host:@p port/ (resolved to 127.0.0.1) with a TLS tap for @p host:@p tap_port set
 * up as audit.c sets it up, @p seen keeping the handshake in @p got. */
static void fetch_tapped(const char *host, int port, int tap_port, bool (*seen)(void *, void *, const char *, double),
                         struct caught *got, struct cwt__response *resp)
{
    char url[160], rv[160];
    snprintf(url, sizeof url, "https://%s:%d/", host, port);
    snprintf(rv, sizeof rv, "%s:%d:127.0.0.1", host, port);
    const char *resolve[] = {rv};
    const struct cwt__fetch_tls_tap tap = {
        .host = host, .port = tap_port, .setup = cwt__tls_client_setup, .seen = seen, .ud = got};
    struct cwt__fetch_opts fo = {.resolve = resolve, .nresolve = 1, .allow_private = true, .tls_tap = &tap};
    assert_int_equal(cwt__fetch(ctx, &fo, url, resp), CWT_OK);
}

/* The report as JSON without the one field that differs by nature (the time taken). */
static json_t *report_sans_time(json_t *j)
{
    assert_non_null(j);
    json_object_del(j, "handshake_ms");
    return j;
}

static void assert_same_report(const char *what, json_t *a, json_t *b)
{
    if (!json_equal(a, b)) {
        char *x = json_dumps(a, JSON_SORT_KEYS | JSON_INDENT(1)), *y = json_dumps(b, JSON_SORT_KEYS | JSON_INDENT(1));
        printf("%s: the reports differ\n--- crawl's handshake\n%s\n--- own connection\n%s\n", what, x, y);
        free(x);
        free(y);
        fail();
    }
}

/* Every case of the matrix: a fetch with the tap set up as audit.c does, then the report judged from
 * the crawl's handshake equals the live inspection's own, field for field (time aside). */
static void test_crawl_handshake_matrix(void **state)
{
    (void)state;
    int64_t at = (int64_t)time(NULL);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct live_case *c = &cases[i];
        int port = ng.ports[c->port_index];
        struct caught got = {0};
        struct cwt__response resp = {0};
        fetch_tapped(c->host, port, port, keep_seen, &got, &resp);
        /* the crawl now reaches what the inspection reaches, TLS 1.0 and SHA-1 servers included */
        printf("  %-34s fetch %s %ld, offers %d, kept %s\n", c->name, cwt_status_name(resp.rc), resp.status,
               got.offers, got.seen ? "yes" : "no");
        assert_int_equal(resp.rc, CWT_OK);
        assert_non_null(got.seen);
        assert_int_equal(got.offers, 1);
        struct cwt__tls_opts opts = {.ca_file = root.ca_pem, .connect_addr = "127.0.0.1", .allow_private = true,
                                     .at = at, .timeout_ms = 5000};
        struct cwt__tls_report *mine = NULL, *own = NULL;
        struct cwt_err err = {0};
        assert_int_equal(cwt__tls_inspect_seen(ctx, &opts, c->host, port, got.seen, &mine, &err), CWT_OK);
        assert_int_equal(cwt__tls_inspect(ctx, &opts, c->host, port, &own, &err), CWT_OK);
        json_t *a = report_sans_time(cwt__tls_report_json(mine)), *b = report_sans_time(cwt__tls_report_json(own));
        assert_same_report(c->name, a, b);
        if (i == 0) { /* the good server: ALPN and the staple really came through libcurl's handshake */
            assert_string_equal(mine->alpn, "h2");
            assert_int_equal(mine->ocsp_stapled, stapled);
        }
        json_decref(a);
        json_decref(b);
        cwt__tls_report_free(mine);
        cwt__tls_report_free(own);
        cwt__tls_seen_free(got.seen);
        cwt__response_release(&resp);
    }
    /* a tap for another port is never offered a handshake */
    struct caught got = {0};
    struct cwt__response resp = {0};
    fetch_tapped(HOST, ng.ports[0], ng.ports[1], keep_seen, &got, &resp);
    assert_int_equal(resp.rc, CWT_OK);
    assert_int_equal(got.offers, 0);
    cwt__response_release(&resp);
}

/* Out of memory at every allocation of taking the crawl's handshake (inside libcurl's header
 * callback) and of judging it: NULL / CWT_ENOMEM, nothing leaks (ASan), then the full report. */
static bool keep_seen_oom(void *ud, void *ssl, const char *address, double handshake_ms)
{
    struct caught *c = ud;
    long n;
    for (n = 0; n < 1000 && !c->seen; n++) {
        h_oom_fail_after(n);
        c->seen = cwt__tls_seen_take(ssl, address, handshake_ms);
        h_oom_fail_after(-1);
    }
    c->offers = (int)n; /* allocations failed in turn before it succeeded */
    return c->seen != NULL;
}

static void test_crawl_handshake_out_of_memory(void **state)
{
    (void)state;
    struct caught got = {0};
    struct cwt__response resp = {0};
    h_oom_install();
    fetch_tapped(HOST, ng.ports[0], ng.ports[0], keep_seen_oom, &got, &resp);
    assert_non_null(got.seen);
    assert_true(got.offers > 3 && got.offers < 1000);
    struct cwt__tls_opts opts = {.ca_file = root.ca_pem, .allow_private = true, .at = (int64_t)time(NULL)};
    struct cwt__tls_report *r = NULL;
    struct cwt_err err0 = {0};
    h_oom_fail_after(-1);
    assert_int_equal(cwt__tls_inspect_seen(ctx, &opts, HOST, ng.ports[0], got.seen, &r, &err0), CWT_OK);
    long total = h_oom_count(), n;
    cwt__tls_report_free(r);
    r = NULL;
    for (n = 0; n < 5000; n++) {
        struct cwt_err err = {0};
        h_oom_fail_after(n);
        enum cwt_status rc = cwt__tls_inspect_seen(ctx, &opts, HOST, ng.ports[0], got.seen, &r, &err);
        h_oom_fail_after(-1);
        if (rc == CWT_OK)
            break;
        assert_int_equal(rc, CWT_ENOMEM);
        assert_null(r);
    }
    h_oom_uninstall();
    printf("  out of memory at each of the %d allocations of taking the handshake and the %ld of judging it: "
           "NULL / CWT_ENOMEM\n", got.offers, n);
    assert_int_equal(n, total);
    assert_non_null(r);
    assert_true(r->handshake_ok && r->trusted);
    cwt__tls_report_free(r);
    cwt__tls_seen_free(got.seen);
    cwt__response_release(&resp);
}

/* nginx's count of accepted connections (stub_status on its http port). */
static long accepts_of(const struct h_nginx *n)
{
    char url[96];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/status", n->http_port);
    struct cwt__fetch_opts fo = {.allow_private = true};
    struct cwt__response r = {0};
    assert_int_equal(cwt__fetch(ctx, &fo, url, &r), CWT_OK);
    assert_int_equal(r.status, 200);
    long accepts = -1;
    const char *p = r.body ? strstr(r.body, "requests\n") : NULL;
    assert_non_null(p);
    accepts = strtol(p + 9, NULL, 10);
    cwt__response_release(&r);
    return accepts;
}

static void iso_now(char *out, size_t n)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* `cwtap audit --json` of @p url with the test CA, @p port resolved to 127.0.0.1; the tls signal. */
static json_t *audit_tls_signal(const char *url, int port, const char *at, const char *timeout, json_t **eval)
{
    const char *bin = getenv("CWTAP_BIN");
    assert_non_null(bin);
    char rv[128], rv2[128], probe[16];
    snprintf(rv, sizeof rv, HOST ":%d:127.0.0.1", port);
    snprintf(rv2, sizeof rv2, HOST ":%d:127.0.0.1", ng.ports[11]);
    snprintf(probe, sizeof probe, "%d", ng.ports[11]);
    char *argv[] = {(char *)bin, "audit", "--json", "--quiet", "--allow-private", "--ca-file", root.ca_pem,
                    "--offline-registry", "--resolve", rv, "--resolve", rv2, "--http-port", probe, "--at",
                    (char *)at, "--timeout", (char *)timeout, (char *)url, NULL};
    struct h_run run;
    assert_int_equal(h_run(argv, NULL, &run), 0);
    json_error_t je;
    *eval = json_loads(run.out, 0, &je);
    if (!*eval)
        printf("audit printed no JSON (status %d): %s\n", run.status, run.err);
    h_run_free(&run);
    assert_non_null(*eval);
    size_t i;
    json_t *sig;
    json_array_foreach(json_object_get(*eval, "signals"), i, sig)
        if (strcmp(json_string_value(json_object_get(sig, "id")), "tls") == 0)
            return sig;
    fail_msg("no tls signal in the audit");
    return NULL;
}

/* A whole audit of an HTTPS site costs the site one TLS connection (nginx counts them), and its tls
 * report is the one `cwtap tls` (the live inspection, the fallback) makes of the same server. */
static void test_audit_one_handshake_per_site(void **state)
{
    (void)state;
    char conf[2048];
    snprintf(conf, sizeof conf,
             "  server { listen 127.0.0.1:@HTTP_PORT@; location = /status { stub_status; } }\n"
             "  server { listen 127.0.0.1:@PORT0@ ssl http2; ssl_certificate %s/good.full; ssl_certificate_key "
             "%s/good.key; %s%s%s\n"
             "           location / { default_type text/html; return 200 '<html><head><title>Valves</title></head>"
             "<body><p>Ningbo valves</p><a href=\"/about\">About</a></body></html>'; } }\n",
             dir, dir, stapled ? "ssl_stapling on; ssl_stapling_file " : "", stapled ? dir : "",
             stapled ? "/good.ocsp;" : "");
    struct h_nginx site;
    assert_int_equal(h_nginx_start(&site, conf), 0);
    char url[128], at[32];
    snprintf(url, sizeof url, "https://" HOST ":%d/", site.ports[0]);
    iso_now(at, sizeof at);
    long before = accepts_of(&site);
    json_t *eval = NULL, *sig = audit_tls_signal(url, site.ports[0], at, "5", &eval);
    long after = accepts_of(&site);
    long tls_conns = after - before - 1; /* the second status request is a connection too */
    printf("  audit of %s: %ld TLS connection(s) at the server\n", url, tls_conns);
    assert_int_equal(tls_conns, 1);
    json_t *mine = json_deep_copy(json_object_get(json_object_get(sig, "detail"), "tls"));
    assert_true(json_is_true(json_object_get(mine, "handshake_ok")));
    /* the same server inspected by `cwtap tls` (its own connection) */
    const char *bin = getenv("CWTAP_BIN");
    char target[96], rv[128];
    snprintf(target, sizeof target, HOST ":%d", site.ports[0]);
    snprintf(rv, sizeof rv, HOST ":%d:127.0.0.1", site.ports[0]);
    char *argv[] = {(char *)bin, "tls", target, "--resolve", rv, "--ca-file", root.ca_pem, "--allow-private",
                    "--json", "--at", at, NULL};
    struct h_run run;
    assert_int_equal(h_run(argv, NULL, &run), 0);
    json_error_t je;
    json_t *own = json_loads(run.out, 0, &je);
    h_run_free(&run);
    assert_same_report("audit vs cwtap tls", report_sans_time(mine), report_sans_time(own));
    json_decref(mine);
    json_decref(own);
    json_decref(eval);
    h_nginx_stop(&site);
}

/* A site whose crawl handshake fails (it accepts TCP and never answers) gets the live inspection's
 * findings, as before: it is inspected over a connection of its own. */
static void test_audit_failed_handshake_falls_back(void **state)
{
    (void)state;
    int port, fd = stalled_listener(&port);
    char url[128], at[32];
    snprintf(url, sizeof url, "https://" HOST ":%d/", port);
    iso_now(at, sizeof at);
    json_t *eval = NULL, *sig = audit_tls_signal(url, port, at, "1", &eval);
    close(fd);
    json_t *tls = json_object_get(json_object_get(sig, "detail"), "tls");
    assert_true(json_is_true(json_object_get(tls, "connected")));
    assert_true(json_is_false(json_object_get(tls, "handshake_ok")));
    const char *error = json_string_value(json_object_get(tls, "error"));
    assert_non_null(error);
    assert_non_null(strstr(error, "handshake timed out")); /* tls_live's words */
    bool found = false;
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(tls, "problems"), i, p)
        found |= strcmp(json_string_value(json_object_get(p, "code")), "tls.handshake_failed") == 0;
    assert_true(found);
    json_decref(eval);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_live_matrix),
        cmocka_unit_test(test_live_good_details),
        cmocka_unit_test(test_live_ipv6),
        cmocka_unit_test(test_signal_end_to_end),
        cmocka_unit_test(test_stalled_handshake_times_out),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_cli),
        cmocka_unit_test(test_crawl_handshake_matrix),
        cmocka_unit_test(test_crawl_handshake_out_of_memory),
        cmocka_unit_test(test_audit_one_handshake_per_site),
        cmocka_unit_test(test_audit_failed_handshake_falls_back),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
