/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Seeds the store of a running `cwtap serve` for the dashboard's browser test
 * (dashboard.mjs) through the program's own steps (tests/harness/hseed.h):
 * an operator account, 25 suppliers holding the green mark in three
 * countries and three industries (more than one page of the registry), two
 * suppliers below the threshold, each with an evaluation whose report is a
 * full sample evaluation (so the model preview has signals to re-score) and
 * the worker's mark step (so the hash-chained log has entries).
 * usage: dash_seed DB-URL TIME   (TIME: Unix seconds of the evaluations)
 * Prints {"green": [site ids], "below": [site ids]} on stdout.
 */
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "hseed.h"
#include "sample.h"
#include "store/store.h"

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: dash_seed DB-URL TIME\n");
        return 2;
    }
    int64_t now = strtoll(argv[2], NULL, 10);
    struct cwt__store *st = NULL;
    struct cwt_err err;
    if (cwt__store_open(argv[1], NULL, &st, &err) != CWT_OK) {
        fprintf(stderr, "dash_seed: %s\n", err.msg);
        return 1;
    }
    char ent[32], id[32];
    hseed_account(st, "CW-TAP Programme Office", "operator", NULL, "ops@trust.example", "long enough pw", now - 86400,
                  ent);
    static const char *const countries[] = {"CN", "TH", "VN"};
    static const char *const industries[] = {"valves", "textiles", "food"};
    static const char *const names[] = {"Ningbo", "Suzhou", "Bangkok", "Hanoi", "Xiamen", "Chiang Mai", "Da Nang",
                                        "Qingdao", "Rayong", "Hai Phong"};
    static const double totals[] = {91, 86, 78, 74, 88};
    static const char *const grades[] = {"A", "A", "B", "B", "A"};
    json_t *out = json_pack("{s:[], s:[]}", "green", "below");
    json_t *strong = h_sample_evaluation(H_SAMPLE_STRONG), *weak = h_sample_evaluation(H_SAMPLE_WEAK);
    for (int i = 0; i < 27; i++) {
        bool green = i < 25;
        char name[128], domain[128], email[160];
        snprintf(name, sizeof name, "%s %s Co., Ltd. %02d", names[i % 10], industries[i % 3], i + 1);
        snprintf(domain, sizeof domain, "www.%s-%02d.example", industries[i % 3], i + 1);
        snprintf(email, sizeof email, "owner@%s", domain + 4);
        hseed_account(st, name, "exporter", countries[i % 3], email, "long enough pw", now - 86400, ent);
        hseed_site(st, ent, domain, industries[i % 3], now - 86400, id);
        /* Scores stored under an older model version: the preview of 1.0.0 shows them move. */
        json_t *report = json_deep_copy(green ? strong : weak);
        char url[160];
        snprintf(url, sizeof url, "https://%s/", domain);
        json_object_set_new(report, "site", json_string(url)); /* the audited URL is this supplier's */
        hseed_evaluate(st, id, now - 600 + i, report, green ? totals[i % 5] : 48, green ? grades[i % 5] : "D", "0.9.0",
                       true, NULL);
        json_decref(report);
        json_array_append_new(json_object_get(out, green ? "green" : "below"), json_string(id));
    }
    char *s = json_dumps(out, JSON_COMPACT);
    puts(s);
    free(s);
    json_decref(out);
    json_decref(strong);
    json_decref(weak);
    cwt__store_free(st);
    return 0;
}
