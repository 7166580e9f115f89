/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The program's side of tests/browser/badge.mjs: what `cwtap worker` does
 * after an audit, run on the database of a started `cwtap serve`, so the
 * browser test can watch a mark made by the program itself reach the badge.
 *   badge_program DB verify SITE_ID
 *       marks the site's ownership proven (the proof itself needs the network
 *       namespace's DNS: tests/integration/itest_api.c covers it)
 *   badge_program DB evaluate SITE_ID TOTAL HOME_PAGE_FILE
 *       stores an evaluation totalling TOTAL now, detects the SDK tag of
 *       SITE_ID in the shop's home page as the worker does (program/
 *       integration.h), runs the mark's state machine (program/markflow.h),
 *       and prints the mark's state; exit 1 with a message on any failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "harness.h"
#include "hmark.h"

static int fail(const char *what, const struct cwt_err *err)
{
    fprintf(stderr, "badge_program: %s: %s\n", what, err ? err->msg : "");
    return 1;
}

int main(int argc, char **argv)
{
    if (argc < 4 || (strcmp(argv[2], "verify") != 0 && strcmp(argv[2], "evaluate") != 0) ||
        (strcmp(argv[2], "evaluate") == 0 && argc != 6)) {
        fprintf(stderr, "usage: badge_program DB verify SITE_ID | DB evaluate SITE_ID TOTAL HOME_PAGE_FILE\n");
        return 2;
    }
    struct cwt__store *st = NULL;
    struct cwt_err err;
    cwt_err_clear(&err);
    if (cwt__store_open(argv[1], NULL, &st, &err) != CWT_OK)
        return fail("cannot open the store", &err);
    int64_t now = (int64_t)time(NULL);
    int code = 0;
    struct cwt__site site;
    if (cwt__store_site_get(st, NULL, argv[3], &site, &err) != CWT_OK) {
        code = fail("no such site", &err);
    } else if (strcmp(argv[2], "verify") == 0) {
        if (cwt__store_site_set_verified(st, site.enterprise_id, site.id, "meta", now, &err) != CWT_OK)
            code = fail("cannot mark the site verified", &err);
    } else {
        char *end = NULL;
        double total = strtod(argv[4], &end);
        size_t len = 0;
        char *html = h_read_file(argv[5], &len);
        struct cwt__program_policy p;
        cwt__program_policy_default(&p);
        char why[200] = "";
        struct cwt__mark_row row;
        if (end == argv[4] || *end || total < 0 || total > 100) {
            code = fail("TOTAL wants a number from 0 to 100", NULL);
        } else if (!html) {
            code = fail("cannot read the home page file", NULL);
        } else {
            enum cwt__integration integ = cwt__integration_detect(html, len, site.id, why, sizeof why);
            if (h_mark_evaluate(st, &p, site.id, total, now, integ, NULL, NULL, &err) != CWT_OK)
                code = fail("the program refused the evaluation", &err);
            else if (cwt__store_mark_get(st, site.id, &row, &err) != CWT_OK)
                code = fail("no mark after the evaluation", &err);
            else {
                printf("%s\n", cwt__mark_state_name(row.m.state));
                fprintf(stderr, "badge_program: %s: %s\n", site.id, why);
                cwt__mark_row_release(&row);
            }
        }
        free(html);
    }
    cwt__store_free(st);
    return code;
}
