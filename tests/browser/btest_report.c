/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Browser test of the HTML report: renders the sample evaluations, loads each
 * page in headless Chromium with every host name unresolvable (the page must
 * need no network), checks the DOM Chromium built, and keeps a 1280x2000
 * screenshot under <build>/artifacts/browser/ for people to look at.
 * Skipped (exit 77) when Chromium is not installed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "harness.h"
#include "report/report.h"
#include "sample.h"

static const char *chromium(void)
{
    static const char *const names[] = {"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (access(names[i], X_OK) == 0)
            return names[i];
    return NULL;
}

static char artifacts[1024];

/* Runs Chromium headless on @p url with @p mode ("--dump-dom" or "--screenshot=PATH"). */
static void run_chromium(const char *url, const char *mode, struct h_run *r)
{
    char *profile = h_tempdir("chromium");
    assert_non_null(profile);
    char udd[1100];
    snprintf(udd, sizeof udd, "--user-data-dir=%s", profile);
    char *argv[] = {"timeout", "120", (char *)chromium(), "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--no-first-run", "--disable-default-apps", "--host-resolver-rules=MAP * ~NOTFOUND", udd,
                    "--window-size=1280,2000", "--hide-scrollbars", (char *)mode, (char *)url, NULL};
    assert_int_equal(h_run(argv, NULL, r), 0);
    h_rmtree(profile);
    free(profile);
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void check_page(enum h_sample which, const char *name)
{
    json_t *ev = h_sample_evaluation(which);
    assert_non_null(ev);
    char *html = NULL;
    assert_int_equal(cwt__render_html(ev, &html), CWT_OK);
    char page[1200], png[1200], url[1300], shot[1300];
    snprintf(page, sizeof page, "%s/%s.html", artifacts, name);
    snprintf(png, sizeof png, "%s/%s.png", artifacts, name);
    assert_int_equal(h_write_file(page, html, strlen(html)), 0);
    snprintf(url, sizeof url, "file://%s", page);

    struct h_run r;
    run_chromium(url, "--dump-dom", &r);
    if (r.status != 0)
        fail_msg("chromium --dump-dom exited %d: %s", r.status, r.err);
    /* The DOM Chromium built has what the report promises. */
    assert_non_null(strstr(r.out, "What to fix first"));
    assert_non_null(strstr(r.out, "<svg class=\"gauge\""));
    char grade[64];
    snprintf(grade, sizeof grade, "<b>%s</b>",
             json_string_value(json_object_get(json_object_get(ev, "grade"), "letter")));
    assert_non_null(strstr(r.out, grade));
    assert_null(strstr(r.out, "<script"));
    h_run_free(&r);

    unlink(png);
    snprintf(shot, sizeof shot, "--screenshot=%s", png);
    run_chromium(url, shot, &r);
    if (r.status != 0)
        fail_msg("chromium --screenshot exited %d: %s", r.status, r.err);
    h_run_free(&r);
    size_t len = 0;
    unsigned char *img = (unsigned char *)h_read_file(png, &len);
    assert_non_null(img);
    assert_true(len > 24);
    assert_memory_equal(img, "\x89PNG\r\n\x1a\n", 8);
    assert_int_equal(be32(img + 16), 1280); /* IHDR width, height */
    assert_int_equal(be32(img + 20), 2000);
    assert_true(len > 50000); /* a page with content, not a blank one */
    print_message("screenshot kept: %s (%zu bytes)\n", png, len);
    free(img);
    cwt_free(html);
    json_decref(ev);
}

static void test_strong_report_renders(void **state)
{
    (void)state;
    check_page(H_SAMPLE_STRONG, "report-strong");
}

static void test_weak_report_renders(void **state)
{
    (void)state;
    check_page(H_SAMPLE_WEAK, "report-weak");
}

int main(void)
{
    if (!chromium()) {
        fprintf(stderr, "chromium is not installed: skipped (see scripts/packages.txt)\n");
        return 77;
    }
    const char *root = getenv("CWTAP_BUILD_ROOT");
    snprintf(artifacts, sizeof artifacts, "%s/artifacts", root ? root : ".");
    mkdir(artifacts, 0755);
    snprintf(artifacts, sizeof artifacts, "%s/artifacts/browser", root ? root : ".");
    mkdir(artifacts, 0755);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_strong_report_renders),
        cmocka_unit_test(test_weak_report_renders),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
