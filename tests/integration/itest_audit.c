/* SPDX-License-Identifier: Apache-2.0 */
/*
 * End-to-end audits of the fixture sites (tests/fixtures/sites) served by a
 * real nginx on 127.0.0.1 over HTTP and HTTPS with a test CA, reached under
 * their own host names through --resolve, with a local RDAP server. Checks
 * the ordering of the totals, specific findings, and the bad-input paths.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static char *dir;
static int http_port, https_port, dns_port;
static char dns_server[64];
static char resolve_args[4096];
static char rdap_base[256];

struct audit {
    int status;
    json_t *eval;
    char *err;
};

static int setup(void **state)
{
    (void)state;
    dir = h_tempdir("sites");
    http_port = h_free_port();
    do
        https_port = h_free_port();
    while (https_port == http_port);
    do
        dns_port = h_free_port();
    while (dns_port == http_port || dns_port == https_port);
    if (h_sh("sh '%s' start '%s' %d %d %d", h_src("scripts/sites.sh"), dir, http_port, https_port, dns_port) != 0)
        return -1;
    snprintf(dns_server, sizeof dns_server, "127.0.0.1:%d", dns_port);
    char path[1024];
    snprintf(path, sizeof path, "%s/resolve", dir);
    char *r = h_read_file(path, NULL);
    snprintf(path, sizeof path, "%s/rdap-base", dir);
    char *b = h_read_file(path, NULL);
    if (!r || !b)
        return -1;
    snprintf(resolve_args, sizeof resolve_args, "%s", r);
    snprintf(rdap_base, sizeof rdap_base, "%s", b);
    rdap_base[strcspn(rdap_base, "\n")] = '\0';
    free(r);
    free(b);
    /* a page over the 2 MiB cap and a non-HTML home page */
    snprintf(path, sizeof path, "%s/root/shenzhen-gadgets/big.html", dir);
    FILE *f = fopen(path, "w");
    fputs("<html><body>", f);
    for (int i = 0; i < 60000; i++)
        fputs("<p>filler text for a page that is far too large</p>\n", f);
    fputs("</body></html>", f);
    fclose(f);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    h_sh("sh '%s' stop '%s'", h_src("scripts/sites.sh"), dir);
    h_rmtree(dir);
    free(dir);
    return 0;
}

/* Runs cwtap audit on @p url with the fixture options plus @p extra (space-separated). */
static void run_audit(const char *url, const char *extra, struct audit *a)
{
    char *argv[128];
    int n = 0;
    static char buf[8192];
    argv[n++] = getenv("CWTAP_BIN");
    argv[n++] = "audit";
    argv[n++] = "--json";
    argv[n++] = "--quiet";
    argv[n++] = "--allow-private";
    argv[n++] = "--ca-file";
    static char ca[1024];
    snprintf(ca, sizeof ca, "%s/ca.pem", dir);
    argv[n++] = ca;
    argv[n++] = "--rdap-base";
    argv[n++] = rdap_base;
    argv[n++] = "--dns-server";
    argv[n++] = dns_server;
    snprintf(buf, sizeof buf, "%s %s", resolve_args, extra ? extra : "");
    for (char *tok = strtok(buf, " "); tok && n < 120; tok = strtok(NULL, " "))
        argv[n++] = tok;
    argv[n++] = (char *)url;
    argv[n] = NULL;
    struct h_run r;
    assert_int_equal(h_run(argv, NULL, &r), 0);
    a->status = r.status;
    json_error_t je;
    a->eval = r.out[0] ? json_loads(r.out, 0, &je) : NULL;
    a->err = r.err;
    free(r.out);
}

static void audit_free(struct audit *a)
{
    json_decref(a->eval);
    free(a->err);
}

static char *probe_arg(const char *name)
{
    static char a[512];
    (void)name;
    snprintf(a, sizeof a, "--http-port %d", http_port);
    return a;
}

static char *site_url(const char *name, const char *path)
{
    static char u[512];
    snprintf(u, sizeof u, "https://www.%s.example:%d/%s", name, https_port, path ? path : "");
    return u;
}

static json_t *signal_of(json_t *eval, const char *id)
{
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(eval, "signals"), i, s)
        if (strcmp(json_string_value(json_object_get(s, "id")), id) == 0)
            return s;
    return NULL;
}

static bool has_finding(json_t *eval, const char *sig, const char *code_prefix)
{
    json_t *s = signal_of(eval, sig);
    size_t i;
    json_t *f;
    json_array_foreach(json_object_get(s, "findings"), i, f) {
        const char *c = json_string_value(json_object_get(f, "code"));
        if (c && strncmp(c, code_prefix, strlen(code_prefix)) == 0)
            return true;
    }
    return false;
}

static double total_of(json_t *eval)
{
    return json_number_value(json_object_get(eval, "total"));
}

static void test_fixture_sites_ranked_with_findings(void **state)
{
    (void)state;
    struct audit strong, weak, scam;
    run_audit(site_url("ningbo-valves", NULL), probe_arg("ningbo-valves"), &strong);
    run_audit(site_url("shenzhen-gadgets", NULL), probe_arg("shenzhen-gadgets"), &weak);
    run_audit(site_url("cheap-brand-outlet", NULL), probe_arg("cheap-brand-outlet"), &scam);
    if (!strong.eval || !weak.eval || !scam.eval)
        fprintf(stderr, "stderr:\n%s\n%s\n%s\n", strong.err, weak.err, scam.err);
    assert_non_null(strong.eval);
    assert_non_null(weak.eval);
    assert_non_null(scam.eval);
    assert_int_equal(strong.status, 0);
    double ts = total_of(strong.eval), tw = total_of(weak.eval), tc = total_of(scam.eval);
    fprintf(stderr, "totals: strong %.1f, weak %.1f, scam %.1f\n", ts, tw, tc);
    assert_true(ts > tw);
    assert_true(tw > tc);
    assert_true(ts >= 70.0);

    /* the strong site: a valid certificate, a readable privacy policy linked from the home page */
    assert_false(has_finding(strong.eval, "tls", "tls.expired"));
    assert_false(has_finding(strong.eval, "tls", "tls.untrusted"));
    json_t *priv = signal_of(strong.eval, "privacy");
    assert_non_null(priv);
    assert_true(json_is_true(json_object_get(priv, "measured")));
    assert_true(json_number_value(json_object_get(priv, "value")) >= 0.7);

    /* the weak site: no privacy policy */
    priv = signal_of(weak.eval, "privacy");
    assert_non_null(priv);
    assert_true(json_number_value(json_object_get(priv, "value")) < 0.2);
    assert_true(has_finding(weak.eval, "privacy", "privacy."));

    /* registration data from the local RDAP server; mail servers from the local DNS server */
    assert_true(json_is_true(json_object_get(signal_of(strong.eval, "whois"), "measured")));
    assert_false(has_finding(strong.eval, "contact", "contact.email_no_mx"));

    /* the scam-like site: expired certificate (a finding, not a crash), contacts that disagree */
    assert_true(has_finding(scam.eval, "tls", "tls.expired"));
    assert_true(has_finding(scam.eval, "contact", "contact."));

    /* every signal carries evidence or says it has no data */
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(strong.eval, "signals"), i, s) {
        if (json_is_true(json_object_get(s, "measured")) && json_real_value(json_object_get(s, "value")) > 0)
            assert_true(json_array_size(json_object_get(s, "evidence")) > 0);
    }
    audit_free(&strong);
    audit_free(&weak);
    audit_free(&scam);
}

/* Several sites at once: the reports come out in the order of the URLs (written as the audits before them
 * end, not held until the last), a URL that is no site is named on stderr and sets the exit code, and an
 * output file that cannot be written stops the command before any audit. */
static void test_many_sites_in_order(void **state)
{
    (void)state;
    char extra[1024];
    snprintf(extra, sizeof extra, "%s --jobs 3 %s", probe_arg(NULL), site_url("cheap-brand-outlet", NULL));
    size_t len = strlen(extra);
    snprintf(extra + len, sizeof extra - len, " ftp://www.bad.example/ %s", site_url("ningbo-valves", NULL));
    len = strlen(extra);
    snprintf(extra + len, sizeof extra - len, " %s", site_url("cheap-brand-outlet", "about.html"));
    struct audit a;
    run_audit(site_url("shenzhen-gadgets", NULL), extra, &a);
    assert_int_equal(a.status, 2); /* the ftp URL */
    assert_non_null(strstr(a.err, "ftp://www.bad.example/"));
    assert_true(json_is_array(a.eval));
    assert_int_equal(json_array_size(a.eval), 4);
    static const char *const hosts[] = {"cheap-brand-outlet", "ningbo-valves", "cheap-brand-outlet", "shenzhen-gadgets"};
    for (size_t i = 0; i < 4; i++) {
        const char *url = json_string_value(json_object_get(json_array_get(a.eval, i), "site"));
        assert_non_null(url);
        assert_non_null(strstr(url, hosts[i]));
    }
    audit_free(&a);

    snprintf(extra, sizeof extra, "-o %s/no-such-dir/report.json", dir);
    char url[128];
    snprintf(url, sizeof url, "https://127.0.0.1:%d/", h_free_port());
    run_audit(url, extra, &a); /* (audited, it would be unreachable, exit 3) */
    assert_int_equal(a.status, 2);
    assert_non_null(strstr(a.err, "cannot write"));
    assert_null(strstr(a.err, "unreachable"));
    audit_free(&a);
}

static void test_fail_under_sets_exit_code(void **state)
{
    (void)state;
    struct audit a;
    run_audit(site_url("cheap-brand-outlet", NULL), "--fail-under 90", &a);
    assert_int_equal(a.status, 1);
    audit_free(&a);
    run_audit(site_url("ningbo-valves", NULL), "--fail-under 10", &a);
    assert_int_equal(a.status, 0);
    audit_free(&a);
}

static void test_invalid_url_is_a_usage_error(void **state)
{
    (void)state;
    struct audit a;
    run_audit("ftp://www.ningbo-valves.example/", NULL, &a);
    assert_int_equal(a.status, 2);
    assert_non_null(strstr(a.err, "ftp://www.ningbo-valves.example/"));
    audit_free(&a);
}

static void test_refused_connection_is_unreachable(void **state)
{
    (void)state;
    struct audit a;
    char url[128];
    snprintf(url, sizeof url, "https://127.0.0.1:%d/", h_free_port());
    run_audit(url, NULL, &a);
    assert_int_equal(a.status, 3);
    assert_non_null(strstr(a.err, "127.0.0.1"));
    audit_free(&a);
}

static void test_unresolvable_host_is_unreachable(void **state)
{
    (void)state;
    const char *netns = getenv("CWTAP_NETNS");
    if (!netns || strcmp(netns, "1") != 0)
        skip(); /* without a private namespace the look-up would ask the system's resolver */
    struct audit a;
    run_audit("https://no-such-host.ningbo-valves.example/", NULL, &a);
    assert_int_equal(a.status, 3);
    assert_non_null(strstr(a.err, "no-such-host.ningbo-valves.example"));
    audit_free(&a);
}

static void test_non_html_and_oversized_pages_are_findings(void **state)
{
    (void)state;
    struct audit a;
    run_audit(site_url("ningbo-valves", "capacity.json"), NULL, &a);
    assert_non_null(a.eval);
    json_t *p0 = json_array_get(json_object_get(json_object_get(a.eval, "crawl"), "pages"), 0);
    assert_string_equal(json_string_value(json_object_get(p0, "content_type")), "application/json");
    audit_free(&a);
    run_audit(site_url("shenzhen-gadgets", "big.html"), NULL, &a);
    assert_non_null(a.eval);
    p0 = json_array_get(json_object_get(json_object_get(a.eval, "crawl"), "pages"), 0);
    assert_true(json_is_true(json_object_get(p0, "truncated")));
    audit_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixture_sites_ranked_with_findings),
        cmocka_unit_test(test_fail_under_sets_exit_code),
        cmocka_unit_test(test_invalid_url_is_a_usage_error),
        cmocka_unit_test(test_refused_connection_is_unreachable),
        cmocka_unit_test(test_many_sites_in_order),
        cmocka_unit_test(test_unresolvable_host_is_unreachable),
        cmocka_unit_test(test_non_html_and_oversized_pages_are_findings),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
