/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of learning the weights (src/lib/score/fit.c, labels.c, card.c):
 * the AUC, labels files (errors name the line and field), and the logistic
 * fit on a labelled set generated from evaluations, which must rank held-out
 * sites clearly better than chance and than the hand-set model.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "harness.h"
#include "sample.h"
#include "score/model.h"

#define N CWT__MODEL_SIGNALS

static struct cwt__model *load_default(void)
{
    struct cwt__model *m = h_model_default();
    assert_non_null(m);
    return m;
}

static json_t *eval(const struct cwt__model *m, const struct cwt__signal *s, size_t n)
{
    json_t *ev = h_evaluate(m, s, n);
    assert_non_null(ev);
    return ev;
}

static void test_auc(void **state)
{
    (void)state;
    const double s[] = {0.1, 0.4, 0.35, 0.8};
    const int y[] = {0, 0, 1, 1};
    assert_true(fabs(cwt__auc(s, y, 4) - 0.75) < 1e-12);
    const int perfect[] = {0, 1, 0, 1};
    const double sp[] = {0.1, 0.9, 0.2, 0.8};
    assert_true(cwt__auc(sp, perfect, 4) == 1.0);
    const double ties[] = {0.5, 0.5, 0.5, 0.5};
    assert_true(cwt__auc(ties, y, 4) == 0.5);
    const int one_class[] = {1, 1, 1, 1};
    assert_true(isnan(cwt__auc(s, one_class, 4)));
}

static void test_labels_parse(void **state)
{
    (void)state;
    const char *csv = "# generated\nsite,label,tls,contact,privacy\nhttps://a.example/,1,0.9,,1\n"
                      "https://b.example/,0,0.1,0.2,NA\n";
    json_t *rows = NULL;
    struct cwt_err err = {0};
    assert_int_equal(cwt__labels_parse(csv, strlen(csv), &rows, &err), CWT_OK);
    assert_int_equal(json_array_size(rows), 2);
    const json_t *r0 = json_array_get(rows, 0);
    assert_int_equal(json_integer_value(json_object_get(r0, "label")), 1);
    assert_true(json_is_null(json_object_get(json_object_get(r0, "values"), "contact")));
    assert_true(json_number_value(json_object_get(json_object_get(r0, "values"), "tls")) == 0.9);
    json_decref(rows);
    struct {
        const char *text, *needle;
    } bad[] = {
        {"label,tls\n2,0.5\n", "line 2: field 'label'"},
        {"label,tls\n1,1.5\n", "line 2: cell 2"},
        {"label,colour\n1,0.5\n", "'colour' is not a signal id"},
        {"tls\n0.5\n", "no 'label' column"},
        {"label,tls\n1,0.5,3\n", "line 2: 3 cells"},
        {"{\"label\": 1, \"values\": {\"tls\": 0.5}}\n{\"label\": 1, \"values\": {\"tls\": 7}}\n", "line 2"},
        {"{\"label\": 1, \"values\": {}}\n{nope\n", "line 2: not a JSON object"},
        {"{\"label\": \"yes\", \"values\": {}}\n", "line 1: field 'label'"},
    };
    for (size_t i = 0; i < CWT_ARRAY_LEN(bad); i++) {
        rows = NULL;
        assert_int_not_equal(cwt__labels_parse(bad[i].text, strlen(bad[i].text), &rows, &err), CWT_OK);
        if (!strstr(err.msg, bad[i].needle))
            fail_msg("case %zu: '%s' lacks '%s'", i, err.msg, bad[i].needle);
        assert_null(rows);
    }
}

/*
 * A labelled set generated from evaluations: the outcome depends on contact,
 * privacy, certificates and fulfillment (and noise), not on the other signals.
 */
static char *generate_labelled_evaluations(const struct cwt__model *m, size_t n, uint64_t seed)
{
    uint64_t rng = seed;
    size_t cap = n * 16384, len = 0;
    char *out = malloc(cap);
    assert_non_null(out);
    for (size_t r = 0; r < n; r++) {
        struct cwt__signal s[N];
        h_signals_fill(s, N, 0);
        for (size_t i = 0; i < N; i++) {
            s[i].value = h_rng_unit(&rng);
            s[i].measured = h_rng_unit(&rng) > 0.1;
        }
        double z = 5 * (s[h_signal_index("contact")].value - 0.5) + 4 * (s[h_signal_index("privacy")].value - 0.5) +
                   4 * (s[h_signal_index("certificates")].value - 0.5) + 3 * (s[h_signal_index("fulfillment")].value - 0.5);
        int label = h_rng_unit(&rng) < 1 / (1 + exp(-z));
        json_t *ev = eval(m, s, N);
        json_object_set_new(ev, "label", json_integer(label));
        char *line = json_dumps(ev, JSON_COMPACT);
        size_t l = strlen(line);
        assert_true(len + l + 2 < cap);
        memcpy(out + len, line, l);
        len += l;
        out[len++] = '\n';
        free(line);
        json_decref(ev);
        for (size_t i = 0; i < N; i++)
            cwt__signal_release(&s[i]);
    }
    out[len] = '\0';
    return out;
}

static void test_fit_beats_chance_on_held_out_rows(void **state)
{
    (void)state;
    struct cwt__model *m = load_default();
    char *text = generate_labelled_evaluations(m, 800, 2026);
    json_t *rows = NULL, *model = NULL, *report = NULL;
    struct cwt_err err = {0};
    assert_int_equal(cwt__labels_parse(text, strlen(text), &rows, &err), CWT_OK);
    assert_int_equal(json_array_size(rows), 800);
    struct cwt__fit_opts o = {.l2 = 1.0, .test_fraction = 0.3, .seed = 11, .date = "2026-11-30"};
    if (cwt__model_fit(m, rows, &o, &model, &report, &err))
        fail_msg("fit: %s", err.msg);
    const json_t *auc = json_object_get(report, "auc");
    double fitted = json_number_value(json_object_get(auc, "fitted_test"));
    double base = json_number_value(json_object_get(auc, "base_test"));
    print_message("held-out AUC: fitted model %.3f, base model %.3f, logistic %.3f (240 rows)\n", fitted, base,
                  json_number_value(json_object_get(auc, "logistic_test")));
    assert_true(fitted > 0.75);
    assert_true(fitted > base);
    /* The new model loads and weights the signals that matter above those that do not. */
    struct cwt__model *fm = NULL;
    assert_int_equal(cwt__model_from_json(model, &fm, &err), CWT_OK);
    assert_string_equal(cwt__model_version(fm), "1.1.0");
    double share_contact = fm->modules[CWT__MOD_BASIC].weight * cwt__model_signal(fm, "contact")->weight;
    double share_whois = fm->modules[CWT__MOD_BASIC].weight * cwt__model_signal(fm, "whois")->weight;
    double share_langs = fm->modules[CWT__MOD_CONTENT].weight * cwt__model_signal(fm, "languages")->weight;
    assert_true(share_contact > 2 * share_whois);
    assert_true(share_contact > 2 * share_langs);
    /* Same seed, same split, same model. */
    json_t *model2 = NULL, *report2 = NULL;
    assert_int_equal(cwt__model_fit(m, rows, &o, &model2, &report2, &err), CWT_OK);
    assert_true(json_equal(model, model2));
    char *card = NULL;
    assert_int_equal(cwt__model_card(report, &card), CWT_OK);
    assert_non_null(strstr(card, "# Model card: cwtap-model 1.1.0"));
    assert_non_null(strstr(card, "## Calibration (held out)"));
    assert_non_null(strstr(card, "## What changed"));
    cwt_free(card);
    json_decref(model2);
    json_decref(report2);
    cwt__model_free(fm);
    json_decref(model);
    json_decref(report);
    json_decref(rows);
    free(text);
    cwt__model_free(m);
}

static void test_fit_refuses_bad_data(void **state)
{
    (void)state;
    struct cwt__model *m = load_default();
    json_t *rows = json_array(), *model = NULL, *report = NULL;
    struct cwt_err err = {0};
    for (int i = 0; i < 50; i++)
        json_array_append_new(rows, json_pack("{s:i, s:{s:f}}", "label", 1, "values", "tls", 0.5));
    struct cwt__fit_opts o = {.seed = 1};
    assert_int_equal(cwt__model_fit(m, rows, &o, &model, &report, &err), CWT_EINVAL);
    assert_non_null(strstr(err.msg, "both labels"));
    json_decref(rows);
    rows = json_array();
    assert_int_equal(cwt__model_fit(m, rows, &o, &model, &report, &err), CWT_EINVAL);
    json_decref(rows);
    cwt__model_free(m);
}


int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_auc),
        cmocka_unit_test(test_labels_parse),
        cmocka_unit_test(test_fit_beats_chance_on_held_out_rows),
        cmocka_unit_test(test_fit_refuses_bad_data),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
