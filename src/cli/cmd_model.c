/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements `cwtap model`: show a scoring model, check model
 * files, fit new weights from labelled outcomes (writing a new model version
 * and its model card), and diff two models on stored evaluations (how each
 * site's score and grade would move).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "score/model.h"
#include "util/buf.h"
#include "util/timeutil.h"

#define EVALS_MAX 100000

static void usage(FILE *f)
{
    fprintf(f,
            "usage: cwtap model show [FILE] [--json]\n"
            "       cwtap model check FILE...\n"
            "       cwtap model fit --labels FILE --out FILE [--base FILE] [--card FILE] [--l2 X]\n"
            "                       [--test-fraction F] [--seed N] [--version V] [--date YYYY-MM-DD] [--json]\n"
            "       cwtap model diff A B --evals FILE [--json]\n\n"
            "Shows, checks, fits and compares scoring models (docs/internals/score.md).\n\n"
            "  show     the model's weights, curves, caps and grades (default: $CWTAP_MODEL or the\n"
            "           built-in models/cwtap-model-v1.json); --json prints the file itself\n"
            "  check    validates each FILE; exit 1 when one is invalid (the error names the field)\n"
            "  fit      fits the signal weights of --base by L2-regularised logistic regression on\n"
            "           --labels (JSON lines of evaluations with \"label\" 0/1, or CSV with a header of\n"
            "           signal ids and \"label\"); label 1 is a good outcome. Writes the new model to --out\n"
            "           and its model card to --card (default: --out with .md). --l2 (1.0),\n"
            "           --test-fraction (0.3) and --seed (1) set the fit and the held-out split.\n"
            "  diff     re-scores each evaluation of --evals (JSON lines, as `cwtap audit --format json`)\n"
            "           with A and with B and shows how each site's total and grade move\n\n"
            "exit codes: 0 ok, 1 a check failed, 2 usage, 4 bad input file, 70 internal error\n");
}

/* Reads all of @p path (at most @p max bytes); caller frees with cwt_free(). */
static int read_all(const char *path, size_t max, char **out, size_t *len)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f) {
        cli_error("cannot open '%s': %s", path, strerror(errno));
        return EXIT_INPUT;
    }
    struct cwt_buf b;
    cwt_buf_init(&b, max);
    char chunk[65536];
    size_t n;
    int rc = EXIT_OK_;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        enum cwt_status st = cwt_buf_add(&b, chunk, n);
        if (st) {
            cli_error("'%s' is too large (over %zu bytes)", path, max);
            rc = EXIT_INPUT;
            break;
        }
    }
    if (!rc && ferror(f)) {
        cli_error("cannot read '%s'", path);
        rc = EXIT_INPUT;
    }
    if (f != stdin)
        fclose(f);
    if (rc) {
        cwt_buf_release(&b);
        return rc;
    }
    *out = cwt_buf_detach(&b, len);
    return *out ? EXIT_OK_ : EXIT_INTERNAL;
}

static int load_model(const char *path, struct cwt__model **m)
{
    struct cwt_err err = {0};
    if (cwt__model_load(path, m, &err)) {
        cli_error("%s", err.msg);
        return EXIT_INPUT;
    }
    return EXIT_OK_;
}

static int print_json(const json_t *j)
{
    char *s = json_dumps(j, JSON_INDENT(2));
    if (!s)
        return EXIT_INTERNAL;
    puts(s);
    cwt_free(s);
    return EXIT_OK_;
}

static int model_show(int argc, char **argv, bool json)
{
    const char *path = argc > 0 ? argv[0] : cwt__model_default_path();
    struct cwt__model *m = NULL;
    int rc = load_model(path, &m);
    if (rc)
        return rc;
    if (json) {
        rc = print_json(cwt__model_json(m));
        cwt__model_free(m);
        return rc;
    }
    const json_t *root = cwt__model_json(m);
    const json_t *date = json_object_get(root, "date");
    printf("model %s %s%s%s\nfile  %s\n\n", m->id, m->version, json_is_string(date) ? " of " : "",
           json_is_string(date) ? json_string_value(date) : "", path);
    printf("modules (weights sum to 1; a module counts when its coverage reaches min_coverage)\n");
    for (int k = 0; k < CWT__MOD_COUNT_; k++)
        printf("  %-12s weight %.4f  min_coverage %.2f  min_confidence %.2f\n", cwt__module_name((enum cwt__module)k),
               m->modules[k].weight, m->modules[k].min_coverage, m->modules[k].min_confidence);
    printf("\nsignals (weights within a module sum to 1 over the scored ones; share = points of 100)\n");
    printf("  %-13s %-12s %7s %6s  %-11s %-7s %s\n", "signal", "module", "weight", "share", "requirement", "effort",
           "curve");
    for (size_t i = 0; i < CWT__MODEL_SIGNALS; i++) {
        const struct cwt__model_signal *s = &m->signals[i];
        char curve[256] = "-";
        size_t used = 0;
        if (s->curve.n) {
            used = (size_t)snprintf(curve, sizeof curve, "%s of %s:", s->curve.combine ? "min" : "replace",
                                    s->curve.unit);
            for (size_t p = 0; p < s->curve.n && used < sizeof curve; p++)
                used += (size_t)snprintf(curve + used, sizeof curve - used, " %g->%g", s->curve.x[p], s->curve.y[p]);
        }
        double share = s->preview ? 0 : 100 * m->modules[s->module].weight * s->weight;
        printf("  %-13s %-12s %7.4f %6.2f  %-11s %-7s %s%s\n", s->id, cwt__module_name(s->module), s->weight, share,
               s->mandatory ? "mandatory" : "recommended", s->effort, curve, s->preview ? "  [preview]" : "");
    }
    printf("\ncaps\n");
    for (size_t i = 0; i < m->ncaps; i++) {
        const struct cwt__model_cap *c = &m->caps[i];
        printf("  %-16s when %s %s", c->id, c->signal, c->when == CWT__CAP_GATE_FAILED ? "gate fails" : "is below");
        if (c->when == CWT__CAP_BELOW)
            printf(" %.2f", c->below);
        if (!isnan(c->max_total))
            printf(": total at most %g", c->max_total);
        if (c->max_grade[0])
            printf(": grade at most %s", c->max_grade);
        printf("\n");
    }
    if (m->mandatory_max_grade[0])
        printf("  mandatory items below %.2f: grade at most %s\n", m->mandatory_pass, m->mandatory_max_grade);
    printf("\ngrades\n");
    for (size_t i = 0; i < m->ngrades; i++)
        printf("  %-2s from %5.1f  %s  %s\n", m->grades[i].letter, m->grades[i].min, m->grades[i].colour,
               m->grades[i].label);
    const json_t *cl = json_object_get(root, "changelog");
    printf("\nchangelog\n");
    for (size_t i = 0; i < json_array_size(cl); i++) {
        const json_t *e = json_array_get(cl, i);
        printf("  %s  %s\n", json_string_value(json_object_get(e, "version")),
               json_string_value(json_object_get(e, "changes")));
    }
    cwt__model_free(m);
    return EXIT_OK_;
}

static int model_check(int argc, char **argv)
{
    if (argc < 1)
        return cli_usage_error("model", "check needs at least one FILE");
    int rc = EXIT_OK_;
    for (int i = 0; i < argc; i++) {
        struct cwt__model *m = NULL;
        struct cwt_err err = {0};
        if (cwt__model_load(argv[i], &m, &err)) {
            printf("%s: invalid: %s\n", argv[i], err.msg);
            rc = EXIT_BELOW;
            continue;
        }
        printf("%s: ok (%s %s)\n", argv[i], m->id, m->version);
        cwt__model_free(m);
    }
    return rc;
}

static int write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    if (!f || fputs(text, f) == EOF || fclose(f) != 0) {
        cli_error("cannot write '%s': %s", path, strerror(errno));
        return EXIT_INPUT;
    }
    return EXIT_OK_;
}

struct fit_args {
    const char *labels, *out, *base, *card, *version, *date;
    struct cwt__fit_opts o;
    bool json;
};

static int model_fit(const struct fit_args *a)
{
    if (!a->labels || !a->out)
        return cli_usage_error("model", "fit needs --labels FILE and --out FILE");
    struct cwt__model *base = NULL;
    char *text = NULL, *card = NULL, *model_text = NULL, *card_path = NULL;
    json_t *rows = NULL, *model = NULL, *report = NULL;
    size_t len = 0;
    struct cwt_err err = {0};
    int rc = load_model(a->base ? a->base : cwt__model_default_path(), &base);
    if (!rc)
        rc = read_all(a->labels, CWT__LABELS_FILE_MAX, &text, &len);
    if (rc)
        goto out;
    if (cwt__labels_parse(text, len, &rows, &err)) {
        cli_error("%s: %s", a->labels, err.msg);
        rc = EXIT_INPUT;
        goto out;
    }
    fprintf(stderr, "cwtap model: fitting %s %s on %zu labelled rows\n", base->id, base->version,
            json_array_size(rows));
    struct cwt__fit_opts o = a->o;
    o.version = a->version;
    o.date = a->date;
    if (cwt__model_fit(base, rows, &o, &model, &report, &err)) {
        cli_error("fit: %s", err.msg);
        rc = err.status == CWT_ENOMEM ? EXIT_INTERNAL : EXIT_INPUT;
        goto out;
    }
    model_text = json_dumps(model, JSON_INDENT(2));
    if (!model_text || cwt__model_card(report, &card)) {
        rc = EXIT_INTERNAL;
        goto out;
    }
    size_t ol = strlen(a->out);
    card_path = cwt_malloc(ol + 8);
    if (!card_path) {
        rc = EXIT_INTERNAL;
        goto out;
    }
    if (ol > 5 && strcmp(a->out + ol - 5, ".json") == 0)
        snprintf(card_path, ol + 8, "%.*s.md", (int)(ol - 5), a->out);
    else
        snprintf(card_path, ol + 8, "%s.md", a->out);
    const char *cp = a->card ? a->card : card_path;
    struct cwt_buf mt;
    cwt_buf_init(&mt, CWT__MODEL_FILE_MAX);
    if (cwt_buf_adds(&mt, model_text) || cwt_buf_addc(&mt, '\n')) {
        cwt_buf_release(&mt);
        rc = EXIT_INTERNAL;
        goto out;
    }
    rc = write_text(a->out, mt.data);
    cwt_buf_release(&mt);
    if (!rc)
        rc = write_text(cp, card);
    if (rc)
        goto out;
    if (a->json) {
        rc = print_json(report);
    } else {
        const json_t *auc = json_object_get(report, "auc"), *d = json_object_get(report, "data");
        printf("model %s %s written to %s\nmodel card written to %s\n"
               "rows: %lld training, %lld held out\n"
               "held-out AUC: fitted %.3f, base %.3f, logistic %.3f (training: %.3f)\n",
               json_string_value(json_object_get(json_object_get(report, "model"), "id")),
               json_string_value(json_object_get(json_object_get(report, "model"), "version")), a->out, cp,
               (long long)json_integer_value(json_object_get(d, "train_rows")),
               (long long)json_integer_value(json_object_get(d, "test_rows")),
               json_number_value(json_object_get(auc, "fitted_test")),
               json_number_value(json_object_get(auc, "base_test")),
               json_number_value(json_object_get(auc, "logistic_test")),
               json_number_value(json_object_get(auc, "fitted_train")));
    }
out:
    cwt_free(text);
    cwt_free(card);
    cwt_free(card_path);
    cwt_free(model_text);
    json_decref(rows);
    json_decref(model);
    json_decref(report);
    cwt__model_free(base);
    return rc;
}

static const char *grade_of(const json_t *ev)
{
    const json_t *l = json_object_get(json_object_get(ev, "grade"), "letter");
    return json_is_string(l) ? json_string_value(l) : "?";
}

static double total_of(const json_t *ev)
{
    const json_t *t = json_object_get(ev, "total");
    return json_is_number(t) ? json_number_value(t) : NAN;
}

static int model_diff(int argc, char **argv, const char *evals, bool json)
{
    if (argc != 2 || !evals)
        return cli_usage_error("model", "diff needs two model files and --evals FILE");
    struct cwt__model *a = NULL, *b = NULL;
    char *text = NULL;
    size_t len = 0;
    json_t *rows = json_array();
    int rc = load_model(argv[0], &a);
    if (!rc)
        rc = load_model(argv[1], &b);
    if (!rc)
        rc = read_all(evals, CWT__LABELS_FILE_MAX, &text, &len);
    if (rc || !rows)
        goto out;
    size_t line = 0, moved = 0, up = 0, down = 0;
    double sum = 0;
    if (!json)
        printf("%-44s %8s %-2s %8s %-2s %8s\n", "site", "A", "", "B", "", "change");
    for (size_t start = 0; start < len && !rc;) {
        const char *nl = memchr(text + start, '\n', len - start);
        size_t end = nl ? (size_t)(nl - text) : len;
        line++;
        size_t s0 = start;
        start = end + 1;
        while (s0 < end && (text[s0] == ' ' || text[s0] == '\r' || text[s0] == '\t'))
            s0++;
        if (s0 == end)
            continue;
        if (json_array_size(rows) >= EVALS_MAX) {
            cli_error("%s: more than %d evaluations", evals, EVALS_MAX);
            rc = EXIT_INPUT;
            break;
        }
        json_error_t je;
        json_t *ev = json_loadb(text + s0, end - s0, 0, &je);
        json_t *ea = NULL, *eb = NULL;
        struct cwt_err err = {0};
        if (!json_is_object(ev)) {
            cli_error("%s: line %zu: not a JSON object (%s)", evals, line, ev ? "" : je.text);
            rc = EXIT_INPUT;
        } else if (cwt__rescore(a, ev, &ea, &err) || cwt__rescore(b, ev, &eb, &err)) {
            cli_error("%s: line %zu: %s", evals, line, err.msg);
            rc = EXIT_INPUT;
        } else {
            double ta = total_of(ea), tb = total_of(eb), dd = isnan(ta) || isnan(tb) ? NAN : tb - ta;
            const char *site = json_string_value(json_object_get(ev, "site"));
            bool gmove = strcmp(grade_of(ea), grade_of(eb)) != 0;
            moved += gmove;
            up += dd > 0.005;
            down += dd < -0.005;
            sum += isnan(dd) ? 0 : dd;
            json_array_append_new(rows, json_pack("{s:s, s:o, s:s, s:o, s:s, s:o, s:b}", "site", site ? site : "",
                                                  "total_a", isnan(ta) ? json_null() : json_real(ta), "grade_a",
                                                  grade_of(ea), "total_b", isnan(tb) ? json_null() : json_real(tb),
                                                  "grade_b", grade_of(eb), "change",
                                                  isnan(dd) ? json_null() : json_real(round(dd * 100) / 100),
                                                  "grade_moved", gmove));
            if (!json)
                printf("%-44.44s %8.2f %-2s %8.2f %-2s %+8.2f%s\n", site ? site : "?", ta, grade_of(ea), tb,
                       grade_of(eb), dd, gmove ? "  grade moves" : "");
        }
        json_decref(ev);
        json_decref(ea);
        json_decref(eb);
    }
    if (rc)
        goto out;
    size_t n = json_array_size(rows);
    if (json) {
        json_t *res = json_pack("{s:{s:s, s:s}, s:{s:s, s:s}, s:O, s:{s:I, s:I, s:I, s:I, s:f}}", "a", "id", a->id,
                                "version", a->version, "b", "id", b->id, "version", b->version, "sites", rows,
                                "summary", "sites", (json_int_t)n, "grade_moved", (json_int_t)moved, "up",
                                (json_int_t)up, "down", (json_int_t)down, "mean_change", n ? sum / (double)n : 0.0);
        rc = res ? print_json(res) : EXIT_INTERNAL;
        json_decref(res);
    } else {
        printf("\n%zu sites: %zu up, %zu down, %zu change grade; mean change %+.2f points (A = %s %s, B = %s %s)\n",
               n, up, down, moved, n ? sum / (double)n : 0.0, a->id, a->version, b->id, b->version);
    }
out:
    json_decref(rows);
    cwt_free(text);
    cwt__model_free(a);
    cwt__model_free(b);
    return rc;
}

static bool parse_double(const char *s, double *out)
{
    char *end = NULL;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !isfinite(v))
        return false;
    *out = v;
    return true;
}

int cmd_model(int argc, char **argv)
{
    static const struct option opts[] = {
        {"help", no_argument, NULL, 'h'},        {"json", no_argument, NULL, 'j'},
        {"labels", required_argument, NULL, 'L'}, {"out", required_argument, NULL, 'o'},
        {"base", required_argument, NULL, 'b'},   {"card", required_argument, NULL, 'c'},
        {"l2", required_argument, NULL, 'l'},     {"test-fraction", required_argument, NULL, 't'},
        {"seed", required_argument, NULL, 's'},   {"version", required_argument, NULL, 'v'},
        {"date", required_argument, NULL, 'd'},   {"evals", required_argument, NULL, 'e'},
        {NULL, 0, NULL, 0}};
    struct fit_args fa = {.o = {.l2 = 1.0, .test_fraction = 0.3, .seed = 1}};
    const char *evals = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "hj", opts, NULL)) != -1) {
        switch (c) {
        case 'h':
            usage(stdout);
            return EXIT_OK_;
        case 'j':
            fa.json = true;
            break;
        case 'L':
            fa.labels = optarg;
            break;
        case 'o':
            fa.out = optarg;
            break;
        case 'b':
            fa.base = optarg;
            break;
        case 'c':
            fa.card = optarg;
            break;
        case 'v':
            fa.version = optarg;
            break;
        case 'd': {
            int64_t t;
            if (strlen(optarg) != 10 || cwt_time_parse_iso(optarg, &t))
                return cli_usage_error("model", "--date wants YYYY-MM-DD, not '%s'", optarg);
            fa.date = optarg;
            break;
        }
        case 'e':
            evals = optarg;
            break;
        case 'l':
            if (!parse_double(optarg, &fa.o.l2) || fa.o.l2 < 0 || fa.o.l2 > 1e6)
                return cli_usage_error("model", "--l2 wants a number from 0 to 1e6, not '%s'", optarg);
            break;
        case 't':
            if (!parse_double(optarg, &fa.o.test_fraction) || !(fa.o.test_fraction > 0 && fa.o.test_fraction < 1))
                return cli_usage_error("model", "--test-fraction wants a number between 0 and 1, not '%s'", optarg);
            break;
        case 's': {
            char *end = NULL;
            errno = 0;
            unsigned long long v = strtoull(optarg, &end, 10);
            if (errno || end == optarg || *end)
                return cli_usage_error("model", "--seed wants a whole number, not '%s'", optarg);
            fa.o.seed = v;
            break;
        }
        default:
            return cli_usage_error("model", "unknown option");
        }
    }
    if (optind >= argc)
        return cli_usage_error("model", "which: show, check, fit or diff?");
    const char *sub = argv[optind];
    int rest = argc - optind - 1;
    char **rv = argv + optind + 1;
    if (strcmp(sub, "show") == 0)
        return rest > 1 ? cli_usage_error("model", "show takes at most one FILE") : model_show(rest, rv, fa.json);
    if (strcmp(sub, "check") == 0)
        return model_check(rest, rv);
    if (strcmp(sub, "fit") == 0)
        return rest ? cli_usage_error("model", "fit takes no FILE arguments; use --labels") : model_fit(&fa);
    if (strcmp(sub, "diff") == 0)
        return model_diff(rest, rv, evals, fa.json);
    return cli_usage_error("model", "'%s' is not show, check, fit or diff", sub);
}
