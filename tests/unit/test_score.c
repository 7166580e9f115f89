/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of src/lib/score: the model loader (errors name the field), the
 * evaluation's properties (contributions add up to the total exactly, a
 * better signal never lowers the total, missing data lowers coverage and not
 * the value, gates and mandatory items cap), advice ranking, the JSON Schema of
 * the evaluation, re-scoring, and allocation failures. The fit is in test_fit.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "harness.h"
#include "oom.h"
#include "sample.h"
#include "schema.h"
#include "score/model.h"

#define N CWT__MODEL_SIGNALS

static struct cwt__model *load_default(void)
{
    struct cwt__model *m = h_model_default();
    assert_non_null(m);
    return m;
}

static double rng_unit(uint64_t *s)
{
    return h_rng_unit(s);
}

static void make_signals_n(struct cwt__signal *s, size_t n, double v)
{
    h_signals_fill(s, n, v);
}

static void make_signals(struct cwt__signal *s, double v)
{
    h_signals_fill(s, N, v);
}

static void release_signals(struct cwt__signal *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        cwt__signal_release(&s[i]);
}

static size_t idx(const char *id)
{
    return h_signal_index(id);
}

static const struct cwt__site site = {.url = "https://www.ningbo-valves.example/", .host = "www.ningbo-valves.example",
                                      .at = 1790000000};

static json_t *eval(const struct cwt__model *m, const struct cwt__signal *s, size_t n)
{
    json_t *ev = h_evaluate(m, s, n);
    assert_non_null(ev);
    return ev;
}

static double total_of(const json_t *ev)
{
    const json_t *t = json_object_get(ev, "total");
    return json_is_number(t) ? json_number_value(t) : -1;
}

static const json_t *sig_of(const json_t *ev, const char *id)
{
    const json_t *a = json_object_get(ev, "signals");
    for (size_t i = 0; i < json_array_size(a); i++)
        if (strcmp(json_string_value(json_object_get(json_array_get(a, i), "id")), id) == 0)
            return json_array_get(a, i);
    return NULL;
}

/* Sum of the contributions in centipoints. */
static long long contrib_cp(const json_t *ev)
{
    long long sum = 0;
    const json_t *a = json_object_get(ev, "signals");
    for (size_t i = 0; i < json_array_size(a); i++)
        sum += llround(json_number_value(json_object_get(json_array_get(a, i), "contribution")) * 100);
    return sum;
}

static void assert_valid(const json_t *ev)
{
    char msg[512];
    if (h_schema_validate_file("docs/schema/evaluation.schema.json", ev, msg, sizeof msg))
        fail_msg("evaluation does not follow its schema: %s", msg);
}

/* ---- the model ---- */

static void test_model_weights_sum_as_documented(void **state)
{
    (void)state;
    struct cwt__model *m = load_default();
    double msum = 0, ssum[CWT__MOD_COUNT_] = {0};
    for (int k = 0; k < CWT__MOD_COUNT_; k++)
        msum += m->modules[k].weight;
    for (size_t i = 0; i < N; i++) {
        assert_string_equal(m->signals[i].id, cwt__signal_ids[i].id);
        if (!m->signals[i].preview)
            ssum[m->signals[i].module] += m->signals[i].weight;
    }
    assert_true(fabs(msum - 1) < 1e-9);
    for (int k = 0; k < CWT__MOD_COUNT_; k++)
        assert_true(fabs(ssum[k] - 1) < 1e-9);
    assert_string_equal(cwt__model_id(m), "cwtap-model");
    assert_true(cwt__model_signal(m, "factory")->preview);
    assert_true(cwt__model_signal(m, "tls")->mandatory);
    /* Grades: best first, ending at 0. */
    assert_true(m->ngrades >= 2);
    assert_true(m->grades[m->ngrades - 1].min == 0);
    cwt__model_free(m);
}

struct bad_case {
    const char *path;   /* dotted path of the member to change (arrays by index) */
    const char *json;   /* new value; NULL deletes the member */
    const char *field;  /* expected in the error's field */
};

static const struct bad_case bad_cases[] = {
    {"modules.basic.weight", "0.5", "modules"},
    {"signals.tls.weight", "\"heavy\"", "signals.tls.weight"},
    {"signals.privacy", NULL, "signals.privacy"},
    {"signals.tls.module", "\"content\"", "signals.tls.module"},
    {"signals.contact.weight", "0.5", "signals"},
    {"signals.tls.curve.points.2", "[5, 0.1]", "signals.tls.curve.points[2]"},
    {"signals.tls.curve.points.3", "[30, 0.1]", "signals.tls.curve.points[3]"},
    {"signals.whois.effort", "\"enormous\"", "signals.whois.effort"},
    {"signals.bogus", "{}", "signals.bogus"},
    {"grades.1.min", "99", "grades[1].min"},
    {"grades.0.colour", "\"green\"", "grades[0].colour"},
    {"caps.0.signal", "\"nope\"", "caps[0].signal"},
    {"caps.0.when", "\"sometimes\"", "caps[0].when"},
    {"mandatory.max_grade", "\"Z\"", "mandatory.max_grade"},
    {"changelog", "[]", "changelog"},
    {"version", NULL, "version"},
    {"modules.content.min_coverage", "2", "modules.content.min_coverage"},
};

/* Sets (or deletes) the member at dotted @p path of @p root. */
static void patch(json_t *root, const char *path, const char *value)
{
    char buf[128];
    snprintf(buf, sizeof buf, "%s", path);
    json_t *cur = root;
    char *save = NULL, *tok = strtok_r(buf, ".", &save), *next;
    while ((next = strtok_r(NULL, ".", &save))) {
        cur = json_is_array(cur) ? json_array_get(cur, (size_t)atoi(tok)) : json_object_get(cur, tok);
        assert_non_null(cur);
        tok = next;
    }
    json_t *v = value ? json_loads(value, JSON_DECODE_ANY, NULL) : NULL;
    if (json_is_array(cur))
        assert_int_equal(json_array_set_new(cur, (size_t)atoi(tok), v), 0);
    else if (v)
        assert_int_equal(json_object_set_new(cur, tok, v), 0);
    else
        assert_int_equal(json_object_del(cur, tok), 0);
}

static void test_model_errors_name_the_field(void **state)
{
    (void)state;
    struct cwt__model *base = load_default();
    for (size_t i = 0; i < CWT_ARRAY_LEN(bad_cases); i++) {
        json_t *root = json_deep_copy(cwt__model_json(base));
        patch(root, bad_cases[i].path, bad_cases[i].json);
        char *text = json_dumps(root, 0);
        struct cwt__model *m = NULL;
        struct cwt_err err = {0};
        enum cwt_status rc = cwt__model_parse(text, strlen(text), &m, &err);
        if (rc == CWT_OK || strcmp(err.field, bad_cases[i].field) != 0)
            fail_msg("case %zu (%s): rc %d field '%s' msg '%s'", i, bad_cases[i].path, rc, err.field, err.msg);
        assert_null(m);
        assert_non_null(strstr(err.msg, bad_cases[i].field));
        free(text);
        json_decref(root);
    }
    struct cwt__model *m = NULL;
    struct cwt_err err = {0};
    assert_int_equal(cwt__model_parse("{\"id\":", 6, &m, &err), CWT_EPARSE);
    assert_int_equal(cwt__model_load("/nonexistent/model.json", &m, &err), CWT_EIO);
    assert_non_null(strstr(err.msg, "/nonexistent/model.json"));
    cwt__model_free(base);
}

static void test_default_path(void **state)
{
    (void)state;
    setenv("CWTAP_MODEL", "/tmp/other-model.json", 1);
    assert_string_equal(cwt__model_default_path(), "/tmp/other-model.json");
    unsetenv("CWTAP_MODEL");
    assert_non_null(strstr(cwt__model_default_path(), "models/cwtap-model-v1.json"));
}

static void test_curves(void **state)
{
    (void)state;
    struct cwt__model *m = load_default();
    const struct cwt__curve *c = &cwt__model_signal(m, "tls")->curve;
    assert_true(fabs(cwt__curve_eval(c, -5) - 0.3) < 1e-12);
    assert_true(fabs(cwt__curve_eval(c, 7) - 0.6) < 1e-12);
    assert_true(fabs(cwt__curve_eval(c, 18.5) - 0.75) < 1e-12);
    assert_true(fabs(cwt__curve_eval(c, 1000) - 1.0) < 1e-12);
    struct cwt__signal s[N];
    make_signals(s, 1.0);
    s[idx("tls")].raw = 7; /* 7 days to expiry: min(1.0, 0.6) */
    s[idx("tls")].raw_unit = "days";
    s[idx("fulfillment")].raw = 0.9; /* replace: the curve's 0.6 */
    s[idx("fulfillment")].raw_unit = "rate";
    s[idx("refunds")].raw = 0.9;
    s[idx("refunds")].raw_unit = "percent"; /* wrong unit: the signal's value is used */
    json_t *ev = eval(m, s, N);
    assert_true(fabs(json_number_value(json_object_get(sig_of(ev, "tls"), "value")) - 0.6) < 1e-9);
    assert_true(json_is_true(json_object_get(sig_of(ev, "tls"), "curve")));
    assert_true(fabs(json_number_value(json_object_get(sig_of(ev, "fulfillment"), "value")) - 0.6) < 1e-9);
    assert_true(fabs(json_number_value(json_object_get(sig_of(ev, "refunds"), "value")) - 1.0) < 1e-9);
    assert_non_null(json_object_get(sig_of(ev, "refunds"), "curve_note"));
    assert_valid(ev);
    json_decref(ev);
    release_signals(s, N);
    cwt__model_free(m);
}

/* ---- evaluation properties ---- */

static void random_signals(struct cwt__signal *s, uint64_t *rng)
{
    make_signals(s, 0);
    for (size_t i = 0; i < N; i++) {
        s[i].measured = rng_unit(rng) > 0.15;
        s[i].value = rng_unit(rng);
        s[i].confidence = 0.3 + 0.7 * rng_unit(rng);
        s[i].gate_failed = i == 0 && rng_unit(rng) < 0.1;
        if (rng_unit(rng) < 0.3) {
            s[i].raw = rng_unit(rng) * 400;
            s[i].raw_unit = "days";
        }
    }
}

static void test_contributions_add_up_exactly(void **state)
{
    (void)state;
    struct cwt__model *m = load_default();
    uint64_t rng = 42;
    int scored = 0;
    for (int it = 0; it < 400; it++) {
        struct cwt__signal s[N];
        random_signals(s, &rng);
        json_t *ev = eval(m, s, N);
        double t = total_of(ev);
        if (t >= 0) {
            scored++;
            assert_int_equal(contrib_cp(ev), llround(t * 100));
            long long mods = 0;
            const char *k;
            json_t *v;
            json_object_foreach(json_object_get(ev, "modules"), k, v)
                mods += llround(json_number_value(json_object_get(v, "contribution")) * 100);
            assert_int_equal(mods, llround(t * 100));
            assert_true(t <= 100.0);
        } else {
            assert_int_equal(contrib_cp(ev), 0);
        }
        if (it % 40 == 0)
            assert_valid(ev);
        json_decref(ev);
        release_signals(s, N);
    }
    assert_true(scored > 300);
    cwt__model_free(m);
}

static void test_better_signal_never_lowers_total(void **state)
{
    (void)state;
    struct cwt__model *m = load_default();
    uint64_t rng = 7;
    for (int it = 0; it < 60; it++) {
        struct cwt__signal s[N];
        random_signals(s, &rng);
        json_t *ev = eval(m, s, N);
        double before = total_of(ev);
        json_decref(ev);
        for (size_t i = 0; i < N; i++) {
            if (!s[i].measured)
                continue;
            double v = s[i].value, raw = s[i].raw;
            s[i].value = v + (1 - v) * rng_unit(&rng);
            if (!isnan(raw))
                s[i].raw = raw + 100 * rng_unit(&rng); /* every curve of v1 rises with its raw */
            ev = eval(m, s, N);
            double after = total_of(ev);
            json_decref(ev);
            if (after < before)
                fail_msg("iteration %d: raising %s from %.3f to %.3f lowered the total %.2f -> %.2f", it, s[i].id, v,
                         s[i].value, before, after);
            s[i].value = v;
            s[i].raw = raw;
        }
        /* Clearing a failed gate never lowers it either. */
        if (s[0].gate_failed) {
            s[0].gate_failed = false;
            ev = eval(m, s, N);
            assert_true(total_of(ev) >= before);
            json_decref(ev);
        }
        release_signals(s, N);
    }
    cwt__model_free(m);
}

static void test_missing_lowers_coverage_not_value(void **state)
{
    (void)state;
    struct cwt__model *m = load_default();
    struct cwt__signal s[N];
    make_signals(s, 0.8);
    json_t *full = eval(m, s, N);
    s[idx("whois")].measured = false;
    json_t *part = eval(m, s, N);
    const json_t *bf = json_object_get(json_object_get(full, "modules"), "basic");
    const json_t *bp = json_object_get(json_object_get(part, "modules"), "basic");
    assert_true(fabs(json_number_value(json_object_get(bf, "score")) - 80) < 0.01);
    assert_true(fabs(json_number_value(json_object_get(bp, "score")) - 80) < 0.01); /* not dragged to 0 */
    assert_true(json_number_value(json_object_get(bp, "coverage")) < json_number_value(json_object_get(bf, "coverage")));
    assert_true(json_number_value(json_object_get(bp, "confidence")) <
                json_number_value(json_object_get(bf, "confidence")));
    assert_true(json_number_value(json_object_get(part, "confidence")) <
                json_number_value(json_object_get(full, "confidence")));
    assert_true(fabs(total_of(part) - total_of(full)) < 0.011);
    const json_t *w = sig_of(part, "whois");
    assert_true(json_is_false(json_object_get(w, "measured")));
    assert_true(json_is_null(json_object_get(w, "value")));
    assert_true(json_number_value(json_object_get(w, "contribution")) == 0);
    assert_valid(part);
    json_decref(full);
    json_decref(part);
    release_signals(s, N);
    cwt__model_free(m);
}

static void test_module_without_enough_data_says_so(void **state)
{
    (void)state;
    struct cwt__model *m = load_default();
    struct cwt__signal s[N];
    make_signals(s, 0.9);
    s[idx("fulfillment")].measured = false; /* operational: only refunds + service (0.6 >= 0.5) */
    json_t *ev = eval(m, s, N);
    const json_t *op = json_object_get(json_object_get(ev, "modules"), "operational");
    assert_string_equal(json_string_value(json_object_get(op, "status")), "scored");
    json_decref(ev);
    s[idx("refunds")].measured = false; /* service only: coverage 0.3 */
    ev = eval(m, s, N);
    op = json_object_get(json_object_get(ev, "modules"), "operational");
    assert_string_equal(json_string_value(json_object_get(op, "status")), "insufficient_data");
    assert_true(json_is_false(json_object_get(op, "counted")));
    assert_true(json_number_value(json_object_get(op, "contribution")) == 0);
    assert_true(fabs(total_of(ev) - 90) < 0.011); /* renormalised over basic + content */
    json_decref(ev);
    s[idx("service")].measured = false;
    ev = eval(m, s, N);
    op = json_object_get(json_object_get(ev, "modules"), "operational");
    assert_string_equal(json_string_value(json_object_get(op, "status")), "no_data");
    assert_true(json_is_null(json_object_get(op, "score")));
    assert_valid(ev);
    json_decref(ev);
    for (size_t i = 0; i < N; i++)
        s[i].measured = false;
    ev = eval(m, s, N);
    assert_true(json_is_null(json_object_get(ev, "total")));
    assert_string_equal(json_string_value(json_object_get(json_object_get(ev, "grade"), "letter")), "?");
    assert_valid(ev);
    json_decref(ev);
    release_signals(s, N);
    cwt__model_free(m);
}

static void test_grade_provisional_with_little_data(void **state)
{
    (void)state;
    struct cwt__model *m = load_default();
    struct cwt__signal s[N];
    make_signals(s, 0.9);
    json_t *ev = eval(m, s, N);
    assert_true(json_is_false(json_object_get(json_object_get(ev, "grade"), "provisional")));
    json_decref(ev);
    for (size_t i = 0; i < N; i++) /* basic only: coverage 0.4 */
        s[i].measured = cwt__signal_ids[i].module == CWT__MOD_BASIC;
    ev = eval(m, s, N);
    assert_true(fabs(json_number_value(json_object_get(ev, "coverage")) - 0.4) < 1e-9);
    assert_true(json_is_true(json_object_get(json_object_get(ev, "grade"), "provisional")));
    assert_string_equal(json_string_value(json_object_get(json_object_get(ev, "grade"), "letter")), "A");
    assert_valid(ev);
    json_decref(ev);
    release_signals(s, N);
    cwt__model_free(m);
}

static void test_gate_caps_total(void **state)
{
    (void)state;
    struct cwt__model *m = load_default();
    struct cwt__signal s[N];
    make_signals(s, 0.95);
    s[idx("tls")].gate_failed = true;
    json_t *ev = eval(m, s, N);
    assert_true(total_of(ev) <= 40.0);
    assert_true(total_of(ev) > 39.9);
    assert_int_equal(contrib_cp(ev), llround(total_of(ev) * 100));
    const json_t *caps = json_object_get(ev, "caps");
    bool found = false;
    for (size_t i = 0; i < json_array_size(caps); i++) {
        const json_t *c = json_array_get(caps, i);
        if (strcmp(json_string_value(json_object_get(c, "id")), "tls.untrusted") == 0)
            found = json_is_true(json_object_get(c, "applied"));
    }
    assert_true(found);
    assert_string_equal(json_string_value(json_object_get(json_object_get(ev, "grade"), "letter")), "D");
    /* Advice: the gate first (mandatory, failed), with the gain of lifting the cap. */
    const json_t *a0 = json_array_get(json_object_get(ev, "advice"), 0);
    assert_string_equal(json_string_value(json_object_get(a0, "signal")), "tls");
    assert_true(json_number_value(json_object_get(a0, "gain")) > 50);
    assert_valid(ev);
    json_decref(ev);
    release_signals(s, N);
    cwt__model_free(m);
}

static void test_mandatory_caps_grade(void **state)
{
    (void)state;
    struct cwt__model *m = load_default();
    struct cwt__signal s[N];
    make_signals(s, 1.0);
    s[idx("privacy")].value = 0.2;
    json_t *ev = eval(m, s, N);
    assert_true(total_of(ev) >= 85); /* band A ... */
    const json_t *g = json_object_get(ev, "grade");
    assert_string_equal(json_string_value(json_object_get(g, "letter")), "C"); /* ... capped at C */
    assert_true(json_is_true(json_object_get(g, "capped")));
    assert_true(json_is_true(json_object_get(sig_of(ev, "privacy"), "mandatory_failed")));
    const json_t *a0 = json_array_get(json_object_get(ev, "advice"), 0);
    assert_string_equal(json_string_value(json_object_get(a0, "signal")), "privacy");
    assert_true(json_is_true(json_object_get(a0, "mandatory_failed")));
    assert_valid(ev);
    json_decref(ev);
    release_signals(s, N);
    cwt__model_free(m);
}

static void test_preview_signal_not_in_total(void **state)
{
    (void)state;
    struct cwt__model *m = load_default();
    struct cwt__signal s[N];
    make_signals(s, 0.5);
    s[idx("factory")].value = 0;
    json_t *a = eval(m, s, N);
    s[idx("factory")].value = 1;
    json_t *b = eval(m, s, N);
    assert_true(total_of(a) == total_of(b));
    assert_true(json_is_true(json_object_get(sig_of(b, "factory"), "preview")));
    assert_true(json_number_value(json_object_get(sig_of(b, "factory"), "contribution")) == 0);
    assert_true(fabs(json_number_value(json_object_get(sig_of(b, "factory"), "value")) - 1) < 1e-9);
    json_decref(a);
    json_decref(b);
    release_signals(s, N);
    cwt__model_free(m);
}

static void test_advice_ranked_by_gain_per_effort(void **state)
{
    (void)state;
    struct cwt__model *m = load_default();
    struct cwt__signal s[N];
    make_signals(s, 0.9);
    s[idx("contact")].value = 0.6;     /* mandatory but passing, low effort */
    s[idx("test_reports")].value = 0.0; /* high effort */
    s[idx("languages")].value = 0.3;
    cwt__signal_fix(&s[idx("test_reports")], "link each SGS report on sgs.com");
    cwt__signal_evidence(&s[idx("test_reports")], "https://www.ningbo-valves.example/quality", "report link",
                         "Test report (PDF)");
    cwt__signal_finding(&s[idx("languages")], "languages.missing_th", CWT__SEV_WARN, "no Thai version",
                        "add a Thai version", NULL, NULL);
    json_t *ev = eval(m, s, N);
    const json_t *adv = json_object_get(ev, "advice");
    assert_true(json_array_size(adv) >= 3);
    double prev = INFINITY;
    double before = total_of(ev);
    for (size_t i = 0; i < json_array_size(adv); i++) {
        const json_t *a = json_array_get(adv, i);
        double p = json_number_value(json_object_get(a, "priority"));
        assert_true(p <= prev + 1e-9);
        prev = p;
        assert_int_equal(json_integer_value(json_object_get(a, "rank")), (json_int_t)i + 1);
        /* The gain is what the total gains when the signal reaches 1. */
        size_t k = idx(json_string_value(json_object_get(a, "signal")));
        double v = s[k].value;
        s[k].value = 1;
        json_t *e2 = eval(m, s, N);
        assert_true(fabs(total_of(e2) - before - json_number_value(json_object_get(a, "gain"))) < 0.011);
        json_decref(e2);
        s[k].value = v;
    }
    for (size_t i = 0; i < json_array_size(adv); i++) {
        const json_t *a = json_array_get(adv, i);
        if (strcmp(json_string_value(json_object_get(a, "signal")), "test_reports") == 0) {
            assert_string_equal(json_string_value(json_object_get(a, "fix")), "link each SGS report on sgs.com");
            assert_int_equal(json_array_size(json_object_get(a, "evidence")), 1);
        }
        if (strcmp(json_string_value(json_object_get(a, "signal")), "languages") == 0)
            assert_string_equal(json_string_value(json_object_get(a, "fix")), "add a Thai version");
    }
    assert_valid(ev);
    json_decref(ev);
    release_signals(s, N);
    cwt__model_free(m);
}

static void test_rescore_roundtrip_and_crawl(void **state)
{
    (void)state;
    struct cwt__model *m = load_default();
    struct cwt__signal s[N - 2];
    make_signals_n(s, N - 2, 0.7); /* only the first 13: two are "not computed" */
    s[0].raw = 20;
    s[0].raw_unit = "days";
    cwt__signal_evidence(&s[2], "https://www.ningbo-valves.example/contact", "e-mail", "sales@ningbo-valves.example");
    json_t *ev = eval(m, s, N - 2);
    json_t *crawl = json_pack("[{s:s, s:s, s:s, s:i}]", "url", "https://www.ningbo-valves.example/", "role", "home",
                              "reason", "start", "status", 200);
    assert_int_equal(cwt__evaluation_set_crawl(ev, crawl), CWT_OK);
    json_decref(crawl);
    assert_valid(ev);
    assert_true(json_is_false(json_object_get(sig_of(ev, "languages"), "computed")));
    json_t *again = NULL;
    struct cwt_err err = {0};
    assert_int_equal(cwt__rescore(m, ev, &again, &err), CWT_OK);
    assert_true(total_of(again) == total_of(ev));
    assert_true(json_equal(json_object_get(ev, "signals"), json_object_get(again, "signals")));
    assert_true(json_equal(json_object_get(ev, "advice"), json_object_get(again, "advice")));
    assert_non_null(json_object_get(again, "crawl"));
    json_decref(again);
    json_decref(ev);
    release_signals(s, N - 2);
    cwt__model_free(m);
}

static void test_schema_validator_catches_errors(void **state)
{
    (void)state;
    struct cwt__model *m = load_default();
    struct cwt__signal s[N];
    make_signals(s, 0.5);
    json_t *ev = eval(m, s, N);
    char msg[256];
    json_t *bad = json_deep_copy(ev);
    json_object_set_new(json_object_get(json_object_get(bad, "modules"), "basic"), "status", json_string("great"));
    assert_int_equal(h_schema_validate_file("docs/schema/evaluation.schema.json", bad, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, ".modules.basic.status"));
    json_decref(bad);
    bad = json_deep_copy(ev);
    json_object_del(json_array_get(json_object_get(bad, "signals"), 3), "evidence");
    assert_int_equal(h_schema_validate_file("docs/schema/evaluation.schema.json", bad, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "signals[3]"));
    json_decref(bad);
    json_decref(ev);
    release_signals(s, N);
    cwt__model_free(m);
}

/* ---- allocation failures ---- */

static void test_evaluate_survives_allocation_failures(void **state)
{
    (void)state;
    struct cwt__model *m = load_default();
    struct cwt__signal s[N];
    make_signals(s, 0.6);
    s[idx("whois")].measured = false;
    s[idx("tls")].gate_failed = true;
    cwt__signal_evidence(&s[idx("contact")], "https://a.example/", "e-mail", "info@a.example");
    cwt__signal_finding(&s[idx("contact")], "contact.x", CWT__SEV_WARN, "msg", "fix it", NULL, NULL);
    long failures = 0;
        for (long fail_at = 1; fail_at < 100000; fail_at++) {
        json_t *ev = NULL;
        struct cwt_err err = {0};
        h_oom_install();
        h_oom_fail_after(fail_at - 1); /* the first fail_at - 1 succeed, the rest fail */
        enum cwt_status rc = cwt__evaluate(m, &site, s, N, &ev, &err);
        long left = (fail_at - 1) - h_oom_count(); /* > 0: fewer allocations than fail_at - 1 */
        h_oom_uninstall();
        if (rc == CWT_OK) {
            /* Whatever succeeded is complete: it follows the schema and its points add up. */
            assert_valid(ev);
            assert_int_equal(contrib_cp(ev), llround(total_of(ev) * 100));
        } else {
            assert_int_equal(rc, CWT_ENOMEM);
            assert_null(ev);
            failures++;
        }
        json_decref(ev);
        if (left > 0)
            break; /* no allocation failed: every one has been tried */
    }
    print_message("evaluate: %ld allocation failures, each refused cleanly\n", failures);
    assert_true(failures > 100);
    release_signals(s, N);
    cwt__model_free(m);
}

static void test_model_load_survives_allocation_failures(void **state)
{
    (void)state;
    long failures = 0;
        for (long fail_at = 1; fail_at < 100000; fail_at++) {
        struct cwt__model *m = NULL;
        struct cwt_err err = {0};
        h_oom_install();
        h_oom_fail_after(fail_at - 1); /* the first fail_at - 1 succeed, the rest fail */
        enum cwt_status rc = cwt__model_load(h_src("models/cwtap-model-v1.json"), &m, &err);
        long left = (fail_at - 1) - h_oom_count(); /* > 0: fewer allocations than fail_at - 1 */
        h_oom_uninstall();
        if (rc == CWT_OK) {
            assert_string_equal(cwt__model_version(m), "1.0.0");
        } else {
            assert_null(m);
            failures++;
        }
        cwt__model_free(m);
        if (left > 0)
            break;
    }
    assert_true(failures > 10);
}

/* cwt__model_acquire(): one load per file, shared; a file replaced on disk is loaded again while
 * holders of the old model keep it; a missing file is the loader's error naming the path. */
static void test_model_cache(void **state)
{
    (void)state;
    char *dir = h_tempdir("modelcache");
    char path[4096];
    snprintf(path, sizeof path, "%s/model.json", dir);
    size_t len = 0;
    char *src = h_read_file(h_src("models/cwtap-model-v1.json"), &len);
    assert_non_null(src);
    assert_int_equal(h_write_file(path, src, len), 0);
    struct cwt_err err = {0};
    const struct cwt__model *a = NULL, *b = NULL, *c = NULL;
    assert_int_equal(cwt__model_acquire(path, &a, &err), CWT_OK);
    assert_int_equal(cwt__model_acquire(path, &b, &err), CWT_OK);
    assert_ptr_equal(a, b);
    /* replaced: same bytes but a new file (a new inode), so it is read again */
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.new", path);
    char *v2 = h_replace(src, "\"version\"", "\"version\" ");
    assert_non_null(v2);
    assert_int_equal(h_write_file(tmp, v2, strlen(v2)), 0);
    assert_int_equal(rename(tmp, path), 0);
    assert_int_equal(cwt__model_acquire(path, &c, &err), CWT_OK);
    assert_ptr_not_equal(a, c);
    assert_string_equal(cwt__model_id(a), cwt__model_id(c)); /* the old one is still whole */
    cwt__model_release(a);
    cwt__model_release(b); /* the old entry is freed here (ASan/valgrind see a use after it) */
    cwt__model_release(c);
    const struct cwt__model *d = NULL;
    assert_int_equal(cwt__model_acquire(path, &d, &err), CWT_OK);
    assert_ptr_equal(c, d);
    cwt__model_release(d);
    assert_int_equal(unlink(path), 0);
    assert_int_equal(cwt__model_acquire(path, &d, &err), CWT_EIO);
    assert_null(d);
    assert_non_null(strstr(err.msg, path));
    free(v2);
    free(src);
    rmdir(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_model_weights_sum_as_documented),
        cmocka_unit_test(test_model_errors_name_the_field),
        cmocka_unit_test(test_default_path),
        cmocka_unit_test(test_curves),
        cmocka_unit_test(test_contributions_add_up_exactly),
        cmocka_unit_test(test_better_signal_never_lowers_total),
        cmocka_unit_test(test_missing_lowers_coverage_not_value),
        cmocka_unit_test(test_module_without_enough_data_says_so),
        cmocka_unit_test(test_grade_provisional_with_little_data),
        cmocka_unit_test(test_gate_caps_total),
        cmocka_unit_test(test_mandatory_caps_grade),
        cmocka_unit_test(test_preview_signal_not_in_total),
        cmocka_unit_test(test_advice_ranked_by_gain_per_effort),
        cmocka_unit_test(test_rescore_roundtrip_and_crawl),
        cmocka_unit_test(test_schema_validator_catches_errors),
        cmocka_unit_test(test_evaluate_survives_allocation_failures),
        cmocka_unit_test(test_model_load_survives_allocation_failures),
        cmocka_unit_test(test_model_cache),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
