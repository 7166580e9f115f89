/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Integration test of src/lib/dns: MX and TXT look-ups through c-ares against
 * a real dnsmasq on 127.0.0.1 (a high port) serving canned records; NXDOMAIN,
 * a domain without MX, a bad server string and a silent server (timeout).
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dns/dns.h"
#include "fetch/fetch.h"
#include "page/page.h"
#include "signals/signal.h"
#include "harness.h"

static pid_t dnsmasq = -1;
static char server[64];

static int start_dnsmasq(void **state)
{
    (void)state;
    int port = h_free_port();
    snprintf(server, sizeof server, "127.0.0.1:%d", port);
    char portarg[32];
    snprintf(portarg, sizeof portarg, "--port=%d", port);
    dnsmasq = fork();
    if (dnsmasq == 0) {
        execlp("dnsmasq", "dnsmasq", "--no-daemon", "--keep-in-foreground", portarg, "--listen-address=127.0.0.1",
               "--bind-interfaces", "--no-resolv", "--no-hosts", "--pid-file=", "--user=", "--log-facility=-",
               "--mx-host=ningbo-valves.example,mx2.ningbo-valves.example,20",
               "--mx-host=ningbo-valves.example,mx1.ningbo-valves.example,10",
               "--txt-record=_cwtap.ningbo-valves.example,cwtap-verify=4f1c2e,second string",
               "--txt-record=ningbo-valves.example,v=spf1 mx -all",
               "--address=/nomx.example/127.0.0.2", "--local=/example/", (char *)NULL);
        _exit(127);
    }
    /* wait until it answers */
    for (int i = 0; i < 50; i++) {
        struct cwt__dns_result r;
        cwt__dns_mx(NULL, server, "ningbo-valves.example", 300, &r, NULL);
        enum cwt_status rc = r.rc;
        cwt__dns_result_release(&r);
        if (rc == CWT_OK)
            return 0;
        usleep(100 * 1000);
    }
    return -1;
}

static int stop_dnsmasq(void **state)
{
    (void)state;
    if (dnsmasq > 0) {
        kill(dnsmasq, SIGTERM);
        waitpid(dnsmasq, NULL, 0);
    }
    return 0;
}

static void test_mx(void **state)
{
    (void)state;
    struct cwt__dns_result r;
    assert_int_equal(cwt__dns_mx(NULL, server, "ningbo-valves.example", 2000, &r, NULL), CWT_OK);
    assert_int_equal(r.rc, CWT_OK);
    assert_int_equal(r.nmx, 2);
    assert_int_equal(r.mx[0].priority, 10);
    assert_string_equal(r.mx[0].host, "mx1.ningbo-valves.example");
    assert_string_equal(r.mx[1].host, "mx2.ningbo-valves.example");
    cwt__dns_result_release(&r);
}

static void test_txt(void **state)
{
    (void)state;
    struct cwt__dns_result r;
    assert_int_equal(cwt__dns_txt(NULL, server, "_cwtap.ningbo-valves.example", 2000, &r, NULL), CWT_OK);
    assert_int_equal(r.rc, CWT_OK);
    assert_int_equal(r.ntxt, 1);
    assert_string_equal(r.txt[0], "cwtap-verify=4f1c2esecond string"); /* strings of one record joined */
    cwt__dns_result_release(&r);
    assert_int_equal(cwt__dns_txt(NULL, server, "ningbo-valves.example", 2000, &r, NULL), CWT_OK);
    assert_int_equal(r.ntxt, 1);
    assert_string_equal(r.txt[0], "v=spf1 mx -all");
    cwt__dns_result_release(&r);
}

static void test_missing(void **state)
{
    (void)state;
    struct cwt__dns_result r;
    assert_int_equal(cwt__dns_mx(NULL, server, "_cwtap.ningbo-valves.example", 2000, &r, NULL), CWT_OK);
    assert_int_equal(r.rc, CWT_ENOTFOUND);
    assert_non_null(strstr(r.error, "_cwtap.ningbo-valves.example"));
    cwt__dns_result_release(&r);
    assert_int_equal(cwt__dns_txt(NULL, server, "nothing-here.example", 2000, &r, NULL), CWT_OK);
    assert_int_not_equal(r.rc, CWT_OK);
    cwt__dns_result_release(&r);
}

static void test_bad_server_and_timeout(void **state)
{
    (void)state;
    struct cwt__dns_result r;
    struct cwt_err err;
    cwt_err_clear(&err);
    assert_int_equal(cwt__dns_mx(NULL, "not an address", "a.example", 500, &r, &err), CWT_EINVAL);
    assert_non_null(strstr(err.msg, "not an address"));
    cwt__dns_result_release(&r);
    /* a port nobody answers on: bounded by the timeout */
    char silent[64];
    snprintf(silent, sizeof silent, "127.0.0.1:%d", h_free_port());
    assert_int_equal(cwt__dns_mx(NULL, silent, "a.example", 600, &r, NULL), CWT_OK);
    assert_int_not_equal(r.rc, CWT_OK);
    assert_non_null(r.error);
    cwt__dns_result_release(&r);
}

/* The contact signal asks the configured server for the MX of the site's own e-mail domain. */
static void run_contact(const char *domain, const char *html, struct cwt__signal *s)
{
    struct cwt_ctx *ctx = NULL;
    assert_int_equal(cwt_ctx_new(&ctx), CWT_OK);
    char url[200], host[200];
    snprintf(url, sizeof url, "https://www.%s/contact", domain);
    snprintf(host, sizeof host, "www.%s", domain);
    struct cwt__doc *doc = NULL;
    struct cwt_err err;
    assert_int_equal(cwt__doc_parse(ctx, html, strlen(html), url, &doc, &err), CWT_OK);
    struct cwt__response resp = {.url = url, .final_url = url, .status = 200};
    struct cwt__site_page pg = {&resp, doc, "contact"};
    struct cwt__site site = {.ctx = ctx, .url = url, .host = host, .reg_domain = domain, .pages = &pg, .npages = 1,
                             .dns_server = server};
    cwt__signal_init(s, "contact", CWT__MOD_BASIC);
    assert_int_equal(cwt__signal_find("contact")->run(&site, s), CWT_OK);
    cwt__doc_free(doc);
    cwt_ctx_free(ctx);
}

static void test_contact_mx(void **state)
{
    (void)state;
    struct cwt__signal s;
    run_contact("ningbo-valves.example",
                "<html><body><p>E-mail: sales@ningbo-valves.example</p><p>Tel: +86 574 8765 4321</p></body></html>", &s);
    assert_string_equal(json_string_value(json_object_get(s.detail, "mx")), "found");
    bool ev = false;
    for (size_t i = 0; i < s.nevidence; i++)
        ev = ev || (strcmp(s.evidence[i].what, "mail exchanger") == 0 &&
                    strstr(s.evidence[i].snippet, "mx1.ningbo-valves.example"));
    assert_true(ev);
    cwt__signal_release(&s);
    run_contact("nomx.example", "<html><body><p>E-mail: sales@nomx.example</p></body></html>", &s);
    assert_string_equal(json_string_value(json_object_get(s.detail, "mx")), "missing");
    bool f = false;
    for (size_t i = 0; i < s.nfindings; i++)
        f = f || strcmp(s.findings[i].code, "contact.email_no_mx") == 0;
    assert_true(f);
    cwt__signal_release(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mx),
        cmocka_unit_test(test_txt),
        cmocka_unit_test(test_missing),
        cmocka_unit_test(test_bad_server_and_timeout),
        cmocka_unit_test(test_contact_mx),
    };
    return cmocka_run_group_tests(tests, start_dnsmasq, stop_dnsmasq);
}
