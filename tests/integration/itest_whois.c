/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Integration test of the whois layer end to end on 127.0.0.1: a local
 * port-43 WHOIS server (forked by the test, replying with a real CNNIC reply
 * from the corpus, a registry reply that refers to a registrar server, and a
 * server that never answers) and a local RDAP server (nginx serving a real
 * RDAP document and a thin registry document whose "related" link leads to
 * the registrar's), through cwt__whois_lookup(), a bootstrap file and the
 * `cwtap whois` command.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "util/timeutil.h"
#include "whois/whois_record.h"

static struct h_nginx ng;
static char *root;
static pid_t whoisd = -1;
static int whois_port;
static char whois_addr[64], rdap_base[128];

static const char registry_reply[] =
    "   Domain Name: NINGBO-VALVES.COM\r\n"
    "   Registry Domain ID: 2336799_DOMAIN_COM-VRSN\r\n"
    "   Registrar WHOIS Server: 127.0.0.2\r\n"
    "   Updated Date: 2025-04-02T08:00:00Z\r\n"
    "   Creation Date: 2003-05-01T09:12:00Z\r\n"
    "   Registry Expiry Date: 2030-05-01T09:12:00Z\r\n"
    "   Registrar: Alibaba Cloud Computing (Beijing) Co., Ltd.\r\n"
    "   Registrar IANA ID: 1599\r\n"
    "   Domain Status: clientTransferProhibited https://icann.org/epp#clientTransferProhibited\r\n"
    "   Name Server: NS1.NINGBO-VALVES.COM\r\n"
    "   Name Server: NS2.NINGBO-VALVES.COM\r\n"
    ">>> Last update of whois database: 2026-11-30T00:00:00Z <<<\r\n";

static const char registrar_reply[] = "Domain Name: ningbo-valves.com\r\n"
                                      "Registrar WHOIS Server: 127.0.0.2\r\n"
                                      "Registrant Organization: Ningbo Valves Co., Ltd.\r\n"
                                      "Registrant State/Province: Zhejiang\r\n"
                                      "Registrant Country: CN\r\n";

/* The WHOIS server: one connection at a time on two loopback addresses. On 127.0.0.1 (the
 * registry) "ningbo-valves.com" gets a reply that refers to 127.0.0.2 (its registrar, same port),
 * "google.cn" a real CNNIC reply, "slow.example" nothing at all. */
static void serve(int lfd[2], const char *cnnic)
{
    for (;;) {
        struct pollfd p[2] = {{.fd = lfd[0], .events = POLLIN}, {.fd = lfd[1], .events = POLLIN}};
        if (poll(p, 2, -1) <= 0)
            continue;
        bool registrar = (p[1].revents & POLLIN) != 0;
        int fd = accept(registrar ? lfd[1] : lfd[0], NULL, NULL);
        if (fd < 0)
            continue;
        char q[256];
        size_t n = 0;
        while (n + 1 < sizeof q) {
            ssize_t r = read(fd, q + n, 1);
            if (r <= 0 || q[n] == '\n')
                break;
            n++;
        }
        q[n] = '\0';
        if (n && q[n - 1] == '\r')
            q[n - 1] = '\0';
        const char *reply = "No match for domain.\r\n";
        if (strcmp(q, "ningbo-valves.com") == 0)
            reply = registrar ? registrar_reply : registry_reply;
        else if (strcmp(q, "google.cn") == 0)
            reply = cnnic;
        else if (strcmp(q, "slow.example") == 0)
            sleep(3);
        if (write(fd, reply, strlen(reply)) < 0)
            (void)0;
        close(fd);
    }
}

static int listen_on(const char *addr, int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    inet_pton(AF_INET, addr, &a.sin_addr);
    if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 8) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static int write_rel(const char *rel, const char *text)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", root, rel);
    return h_write_file(path, text, strlen(text));
}

static int setup(void **state)
{
    (void)state;
    /* WHOIS server */
    char *cnnic = h_read_file(h_src("tests/fixtures/whois/weppos/whois.cnnic.cn/cn/status_registered.txt"), NULL);
    if (!cnnic)
        return -1;
    int lfd[2] = {-1, -1};
    for (int tries = 0; tries < 20 && lfd[1] < 0; tries++) {
        whois_port = h_free_port();
        lfd[0] = listen_on("127.0.0.1", whois_port);
        lfd[1] = lfd[0] < 0 ? -1 : listen_on("127.0.0.2", whois_port);
        if (lfd[1] < 0 && lfd[0] >= 0)
            close(lfd[0]);
    }
    if (lfd[1] < 0)
        return -1;
    snprintf(whois_addr, sizeof whois_addr, "127.0.0.1:%d", whois_port);
    whoisd = fork();
    if (whoisd == 0) {
        serve(lfd, cnnic);
        _exit(0);
    }
    close(lfd[0]);
    close(lfd[1]);
    free(cnnic);
    /* RDAP server */
    root = h_tempdir("rdap");
    if (!root || h_sh("mkdir -p '%s/rdap/domain' '%s/registrar/domain'", root, root) != 0)
        return -1;
    const char *conf_tpl = "server { listen 127.0.0.1:@HTTP_PORT@;\n"
                           "  location / { root @ROOT@; default_type application/rdap+json;\n"
                           "    try_files $uri.json =404; } }\n";
    char *conf = h_replace(conf_tpl, "@ROOT@", root);
    int rc = h_nginx_start(&ng, conf);
    free(conf);
    if (rc)
        return -1;
    snprintf(rdap_base, sizeof rdap_base, "http://127.0.0.1:%d/rdap/", ng.http_port);
    /* a real registry document, a thin one with a related link, and the registrar's */
    char *ms = h_read_file(h_src("tests/fixtures/rdap/microsoft.click.json"), NULL);
    if (!ms || write_rel("rdap/domain/microsoft.click.json", ms))
        return -1;
    free(ms);
    char thin[2048];
    snprintf(thin, sizeof thin,
             "{\"objectClassName\":\"domain\",\"ldhName\":\"ningbo-valves.example\",\"status\":[\"active\"],"
             "\"events\":[{\"eventAction\":\"registration\",\"eventDate\":\"2003-05-01T09:12:00Z\"},"
             "{\"eventAction\":\"expiration\",\"eventDate\":\"2030-05-01T09:12:00Z\"}],"
             "\"entities\":[{\"objectClassName\":\"entity\",\"roles\":[\"registrar\"],"
             "\"publicIds\":[{\"type\":\"IANA Registrar ID\",\"identifier\":\"1599\"}],"
             "\"vcardArray\":[\"vcard\",[[\"version\",{},\"text\",\"4.0\"],"
             "[\"fn\",{},\"text\",\"Alibaba Cloud Computing (Beijing) Co., Ltd.\"]]]}],"
             "\"links\":[{\"rel\":\"related\",\"type\":\"application/rdap+json\","
             "\"href\":\"http://127.0.0.1:%d/registrar/domain/ningbo-valves.example\"}],"
             "\"nameservers\":[{\"objectClassName\":\"nameserver\",\"ldhName\":\"ns1.ningbo-valves.example\"}]}",
             ng.http_port);
    const char *registrar =
        "{\"objectClassName\":\"domain\",\"ldhName\":\"ningbo-valves.example\","
        "\"entities\":[{\"objectClassName\":\"entity\",\"roles\":[\"registrant\"],"
        "\"vcardArray\":[\"vcard\",[[\"version\",{},\"text\",\"4.0\"],[\"fn\",{},\"text\",\"Li Wei\"],"
        "[\"org\",{},\"text\",\"Ningbo Valves Co., Ltd.\"],"
        "[\"adr\",{\"cc\":\"CN\"},\"text\",[\"\",\"\",\"88 Jiangnan Road\",\"Ningbo\",\"Zhejiang\",\"315000\","
        "\"China\"]]]]}]}";
    if (write_rel("rdap/domain/ningbo-valves.example.json", thin) ||
        write_rel("registrar/domain/ningbo-valves.example.json", registrar))
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    h_nginx_stop(&ng);
    if (whoisd > 0) {
        kill(whoisd, SIGTERM);
        waitpid(whoisd, NULL, 0);
    }
    if (root)
        h_rmtree(root);
    free(root);
    return 0;
}

static struct cwt__whois *lookup(const struct cwt__whois_opts *o, const char *domain)
{
    struct cwt_ctx *ctx = NULL;
    assert_int_equal(cwt_ctx_new(&ctx), CWT_OK);
    struct cwt__whois *w = NULL;
    struct cwt_err err;
    cwt_err_clear(&err);
    assert_int_equal(cwt__whois_lookup(ctx, o, domain, &w, &err), CWT_OK);
    assert_non_null(w);
    cwt_ctx_free(ctx);
    return w;
}

static void test_port43_real_reply(void **state)
{
    (void)state;
    struct cwt__whois_opts o = {.whois_server = whois_addr, .allow_private = true, .timeout_ms = 3000};
    struct cwt__whois *w = lookup(&o, "google.cn");
    assert_int_equal(w->source, CWT__WHOIS_PORT43);
    assert_string_equal(w->domain, "google.cn");
    assert_string_equal(w->registrar, "MarkMonitor Inc.");
    assert_string_equal(w->registrant_org, "Google Ireland Holdings");
    char d[11];
    cwt_time_format_date(w->created, d);
    assert_string_equal(d, "2003-03-17");
    assert_int_equal(w->nnameservers, 4);
    cwt__whois_free(w);
}

static void test_port43_referral(void **state)
{
    (void)state;
    struct cwt__whois_opts o = {.whois_server = whois_addr, .allow_private = true, .timeout_ms = 3000};
    struct cwt__whois *w = lookup(&o, "ningbo-valves.com");
    assert_int_equal(w->source, CWT__WHOIS_PORT43);
    assert_string_equal(w->registrar, "Alibaba Cloud Computing (Beijing) Co., Ltd."); /* from the registry */
    assert_string_equal(w->registrant_org, "Ningbo Valves Co., Ltd.");               /* from the registrar */
    assert_string_equal(w->registrant_cc, "CN");
    assert_int_equal(w->nnameservers, 2);
    cwt__whois_free(w);
}

static void test_port43_failures(void **state)
{
    (void)state;
    struct cwt__whois_opts o = {.whois_server = whois_addr, .allow_private = true, .timeout_ms = 500};
    struct cwt__whois *w = lookup(&o, "slow.example");
    assert_int_equal(w->source, CWT__WHOIS_NONE);
    assert_non_null(strstr(w->reason, "timed out"));
    cwt__whois_free(w);
    o.timeout_ms = 3000;
    w = lookup(&o, "nothing-here.example");
    assert_true(w->not_found);
    cwt__whois_free(w);
    o.allow_private = false; /* loopback is refused unless allowed */
    w = lookup(&o, "google.cn");
    assert_int_equal(w->source, CWT__WHOIS_NONE);
    assert_non_null(strstr(w->reason, "loopback"));
    cwt__whois_free(w);
}

static void test_rdap(void **state)
{
    (void)state;
    struct cwt__whois_opts o = {.rdap_base = rdap_base, .allow_private = true, .timeout_ms = 3000};
    struct cwt__whois *w = lookup(&o, "microsoft.click");
    assert_int_equal(w->source, CWT__WHOIS_RDAP);
    assert_string_equal(w->registrant_org, "Microsoft Corporation");
    assert_string_equal(w->registrar, "MarkMonitor Inc.");
    assert_true(w->redacted & CWT__RED_REGISTRANT_NAME);
    cwt__whois_free(w);
    /* thin registry: the related link is followed once for the registrant */
    w = lookup(&o, "ningbo-valves.example");
    assert_int_equal(w->source, CWT__WHOIS_RDAP);
    assert_string_equal(w->registrar, "Alibaba Cloud Computing (Beijing) Co., Ltd.");
    assert_string_equal(w->registrar_iana_id, "1599");
    assert_string_equal(w->registrant_org, "Ningbo Valves Co., Ltd.");
    assert_string_equal(w->registrant_cc, "CN");
    cwt__whois_free(w);
    w = lookup(&o, "unknown.example");
    assert_true(w->not_found);
    cwt__whois_free(w);
}

static void test_bootstrap_file(void **state)
{
    (void)state;
    char path[1024], boot[512];
    snprintf(path, sizeof path, "%s/dns.json", root);
    snprintf(boot, sizeof boot,
             "{\"version\":\"1.0\",\"publication\":\"2026-11-30T00:00:00Z\",\"services\":[[[\"example\"],"
             "[\"%s\"]]]}",
             rdap_base);
    assert_int_equal(h_write_file(path, boot, strlen(boot)), 0);
    struct cwt__whois_opts o = {.bootstrap_file = path, .allow_private = true, .timeout_ms = 3000};
    struct cwt__whois *w = lookup(&o, "ningbo-valves.example");
    assert_int_equal(w->source, CWT__WHOIS_RDAP);
    assert_string_equal(w->registrant_org, "Ningbo Valves Co., Ltd.");
    cwt__whois_free(w);
}

static void test_cli(void **state)
{
    (void)state;
    struct h_run r;
    char *argv[] = {getenv("CWTAP_BIN"), "whois", "microsoft.click", "--rdap-base", rdap_base, "--allow-private",
                    "--json", NULL};
    assert_int_equal(h_run(argv, NULL, &r), 0);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "\"registrant_org\": \"Microsoft Corporation\""));
    assert_non_null(strstr(r.out, "\"source\": \"rdap\""));
    h_run_free(&r);
    char *argv2[] = {getenv("CWTAP_BIN"), "whois", "google.cn", "--whois-server", whois_addr, "--allow-private", NULL};
    assert_int_equal(h_run(argv2, NULL, &r), 0);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "MarkMonitor Inc."));
    h_run_free(&r);
    char *argv3[] = {getenv("CWTAP_BIN"), "whois", NULL};
    assert_int_equal(h_run(argv3, NULL, &r), 0);
    assert_int_equal(r.status, 2);
    h_run_free(&r);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_port43_real_reply), cmocka_unit_test(test_port43_referral),
        cmocka_unit_test(test_port43_failures),   cmocka_unit_test(test_rdap),
        cmocka_unit_test(test_bootstrap_file),    cmocka_unit_test(test_cli),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
