/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tests of `cwtap model` run as a command ($CWTAP_BIN): show, check (errors
 * name the field), fit on a generated CSV labels file (writes a model that
 * checks, and its card) and diff on stored evaluations.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>
#include <jansson.h>
#include <math.h>
#include <string.h>

#include "harness.h"
#include "sample.h"

static char *tmp;

/* Runs `cwtap model ARGS...` (NULL-terminated) and returns its exit status. */
static int run(struct h_run *r, ...)
{
    char *argv[24] = {getenv("CWTAP_BIN"), "model"};
    assert_non_null(argv[0]);
    va_list ap;
    va_start(ap, r);
    size_t n = 2;
    char *a;
    while ((a = va_arg(ap, char *)) && n < 23)
        argv[n++] = a;
    va_end(ap);
    argv[n] = NULL;
    assert_int_equal(h_run(argv, NULL, r), 0);
    return r->status;
}

static char *path(const char *name)
{
    static char buf[4][1024];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", tmp, name);
    return buf[k];
}

static void test_show_and_check(void **state)
{
    (void)state;
    struct h_run r;
    char model[1024];
    snprintf(model, sizeof model, "%s", h_src("models/cwtap-model-v1.json"));
    assert_int_equal(run(&r, "show", NULL), 0);
    assert_non_null(strstr(r.out, "model cwtap-model 1.0.0"));
    assert_non_null(strstr(r.out, "tls.untrusted"));
    h_run_free(&r);
    assert_int_equal(run(&r, "check", model, NULL), 0);
    assert_non_null(strstr(r.out, ": ok (cwtap-model 1.0.0)"));
    h_run_free(&r);
    /* A broken copy: the error names the field. */
    size_t len = 0;
    char *text = h_read_file(model, &len);
    char *bad = h_replace(text, "\"contact\":      {\"module\": \"basic\", \"weight\": 0.30",
                          "\"contact\":      {\"module\": \"basic\", \"weight\": 0.31");
    assert_int_not_equal(strcmp(bad, text), 0);
    assert_int_equal(h_write_file(path("bad.json"), bad, strlen(bad)), 0);
    assert_int_equal(run(&r, "check", model, path("bad.json"), NULL),
                     1);
    assert_non_null(strstr(r.out, "bad.json: invalid: "));
    assert_non_null(strstr(r.out, "model field 'signals': the weights of the scored basic signals sum to 1.01"));
    h_run_free(&r);
    free(text);
    free(bad);
    assert_int_equal(run(&r, "frobnicate", NULL), 2);
    h_run_free(&r);
    assert_int_equal(run(&r, "--help", NULL), 0);
    assert_non_null(strstr(r.out, "usage: cwtap model"));
    h_run_free(&r);
}

static void test_fit_and_diff(void **state)
{
    (void)state;
    static const char *const ids[] = {"tls", "whois", "contact", "identity", "service", "parameters", "compliance",
                                      "test_reports", "certificates", "privacy", "traceability", "languages"};
    size_t cap = 1 << 20, len = 0;
    char *csv = malloc(cap);
    len += (size_t)snprintf(csv + len, cap - len, "site,label");
    for (size_t i = 0; i < sizeof ids / sizeof *ids; i++)
        len += (size_t)snprintf(csv + len, cap - len, ",%s", ids[i]);
    len += (size_t)snprintf(csv + len, cap - len, "\n");
    uint64_t rng = 99;
    for (int r = 0; r < 600; r++) {
        double v[12];
        for (int i = 0; i < 12; i++)
            v[i] = h_rng_unit(&rng);
        /* the outcome depends on tls, test_reports and privacy */
        double z = 5 * (v[0] - 0.5) + 5 * (v[7] - 0.5) + 4 * (v[9] - 0.5);
        int label = h_rng_unit(&rng) < 1 / (1 + exp(-z));
        len += (size_t)snprintf(csv + len, cap - len, "https://s%d.example/,%d", r, label);
        for (int i = 0; i < 12; i++) {
            if (h_rng_unit(&rng) < 0.05)
                len += (size_t)snprintf(csv + len, cap - len, ",");
            else
                len += (size_t)snprintf(csv + len, cap - len, ",%.3f", v[i]);
        }
        len += (size_t)snprintf(csv + len, cap - len, "\n");
    }
    assert_int_equal(h_write_file(path("labels.csv"), csv, len), 0);
    free(csv);
    struct h_run r;
    assert_int_equal(run(&r, "fit", "--labels", path("labels.csv"), "--out", path("fitted.json"), "--seed", "5",
                         "--date", "2026-11-30", NULL),
                     0);
    print_message("%s", r.out);
    assert_non_null(strstr(r.out, "model cwtap-model 1.1.0 written to"));
    double fitted = 0, base = 0;
    const char *p = strstr(r.out, "held-out AUC: fitted ");
    assert_non_null(p);
    assert_int_equal(sscanf(p, "held-out AUC: fitted %lf, base %lf", &fitted, &base), 2);
    assert_true(fitted > 0.75);
    assert_true(fitted > base);
    h_run_free(&r);
    char *card = h_read_file(path("fitted.md"), NULL);
    assert_non_null(card);
    assert_non_null(strstr(card, "# Model card: cwtap-model 1.1.0"));
    assert_non_null(strstr(card, "| held out (30 %) | 180 |"));
    free(card);
    assert_int_equal(run(&r, "check", path("fitted.json"), NULL),
                     0);
    h_run_free(&r);

    /* diff: three stored evaluations re-scored with v1 and the fitted model. */
    FILE *f = fopen(path("evals.jsonl"), "w");
    assert_non_null(f);
    for (int w = H_SAMPLE_STRONG; w <= H_SAMPLE_HOSTILE; w++) {
        json_t *ev = h_sample_evaluation((enum h_sample)w);
        char *line = json_dumps(ev, JSON_COMPACT);
        fprintf(f, "%s\n", line);
        free(line);
        json_decref(ev);
    }
    fclose(f);
    char v1[1024];
    snprintf(v1, sizeof v1, "%s", h_src("models/cwtap-model-v1.json"));
    assert_int_equal(run(&r, "diff", v1, path("fitted.json"), "--evals", path("evals.jsonl"), "--json", NULL),
                     0);
    json_t *res = json_loads(r.out, 0, NULL);
    assert_non_null(res);
    const json_t *sites = json_object_get(res, "sites");
    assert_int_equal(json_array_size(sites), 3);
    const json_t *s0 = json_array_get(sites, 0);
    assert_string_equal(json_string_value(json_object_get(s0, "site")), "https://www.ningbo-valves.example/");
    /* Re-scoring with v1 gives the stored total back. */
    json_t *strong = h_sample_evaluation(H_SAMPLE_STRONG);
    assert_true(fabs(json_number_value(json_object_get(s0, "total_a")) -
                     json_number_value(json_object_get(strong, "total"))) < 1e-9);
    json_decref(strong);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(res, "summary"), "sites")), 3);
    json_decref(res);
    h_run_free(&r);
    assert_int_equal(run(&r, "diff", v1, path("fitted.json"), "--evals", path("evals.jsonl"), NULL),
                     0);
    assert_non_null(strstr(r.out, "3 sites: "));
    h_run_free(&r);
}

static void test_bad_input(void **state)
{
    (void)state;
    struct h_run r;
    assert_int_equal(h_write_file(path("bad.csv"), "label,tls\n1,0.5\n7,0.2\n", 22), 0);
    assert_int_equal(run(&r, "fit", "--labels", path("bad.csv"), "--out", path("x.json"), NULL),
                     4);
    assert_non_null(strstr(r.err, "line 3: field 'label' must be 0 or 1"));
    h_run_free(&r);
    assert_int_equal(run(&r, "fit", "--labels", path("bad.csv"), NULL),
                     2);
    h_run_free(&r);
    assert_int_equal(run(&r, "fit", "--labels", path("bad.csv"), "--out", path("x.json"), "--l2", "lots", NULL),
                     2);
    h_run_free(&r);
    assert_int_equal(run(&r, "show", path("missing.json"), NULL),
                     4);
    assert_non_null(strstr(r.err, "missing.json"));
    h_run_free(&r);
}

int main(void)
{
    tmp = h_tempdir("cmd_model");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_show_and_check),
        cmocka_unit_test(test_fit_and_diff),
        cmocka_unit_test(test_bad_input),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    h_rmtree(tmp);
    free(tmp);
    return rc;
}
