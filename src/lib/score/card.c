/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the model card: the Markdown page (the format of
 * docs/model-card.md) that states what a fitted model was trained on, how well
 * it ranks held-out sites (AUC), how calibrated it is and what changed.
 */
#include "score/model.h"
#include "util/buf.h"

#define CARD_MAX (256u << 10)

static double num(const json_t *o, const char *k)
{
    const json_t *v = json_object_get(o, k);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

static const char *str(const json_t *o, const char *k)
{
    const json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : "?";
}

enum cwt_status cwt__model_card(const json_t *r, char **out)
{
    *out = NULL;
    struct cwt_buf b;
    cwt_buf_init(&b, CARD_MAX);
    const json_t *base = json_object_get(r, "base"), *model = json_object_get(r, "model");
    const json_t *data = json_object_get(r, "data"), *meth = json_object_get(r, "method");
    const json_t *auc = json_object_get(r, "auc"), *ch = json_object_get(r, "changes");
    enum cwt_status rc = cwt_buf_printf(
        &b,
        "# Model card: %s %s\n\n"
        "| | |\n|---|---|\n| model | `%s` version `%s` |\n| date | %s |\n| fitted from | `%s` version `%s` |\n"
        "| method | %s, lambda %g, seed %.0f, %.0f Newton iterations |\n\n"
        "## Data\n\n"
        "Labelled sites: label 1 is a good outcome (no dispute, no fraud), label 0 a bad one.\n"
        "Signals not measured for a site are filled with the training mean of that signal.\n\n"
        "| | rows | label 1 |\n|---|---:|---:|\n| training | %.0f | %.0f |\n| held out (%.0f %%) | %.0f | %.0f |\n"
        "| features (scored signals) | %.0f | |\n\n"
        "## How well it ranks held-out sites\n\n"
        "AUC is the chance that a random good site scores above a random bad one (0.5 is chance).\n\n"
        "| score | AUC (held out) |\n|---|---:|\n| base model total | %.3f |\n| fitted model total | %.3f |\n"
        "| logistic regression probability | %.3f |\n| fitted model total, training rows | %.3f |\n\n"
        "## Calibration (held out)\n\n"
        "| predicted probability | rows | mean predicted | observed rate |\n|---|---:|---:|---:|\n",
        str(model, "id"), str(model, "version"), str(model, "id"), str(model, "version"), str(model, "date"),
        str(base, "id"), str(base, "version"), str(meth, "name"), num(meth, "l2"), num(meth, "seed"),
        num(meth, "iterations"), num(data, "train_rows"), num(data, "train_positive"),
        num(meth, "test_fraction") * 100, num(data, "test_rows"), num(data, "test_positive"), num(data, "features"),
        num(auc, "base_test"), num(auc, "fitted_test"), num(auc, "logistic_test"), num(auc, "fitted_train"));
    const json_t *cal = json_object_get(r, "calibration");
    for (size_t i = 0; !rc && i < json_array_size(cal); i++) {
        const json_t *c = json_array_get(cal, i);
        double mp = num(c, "mean_predicted"), ob = num(c, "observed");
        char a[16] = "–", o[16] = "–";
        if (!isnan(mp))
            snprintf(a, sizeof a, "%.3f", mp);
        if (!isnan(ob))
            snprintf(o, sizeof o, "%.3f", ob);
        rc = cwt_buf_printf(&b, "| %.1f–%.1f | %.0f | %s | %s |\n", num(c, "from"), num(c, "to"), num(c, "rows"), a, o);
    }
    if (!rc)
        rc = cwt_buf_printf(&b, "\n## What changed\n\n| module | old weight | new weight |\n|---|---:|---:|\n");
    const json_t *mods = json_object_get(ch, "modules"), *sigs = json_object_get(ch, "signals");
    for (size_t i = 0; !rc && i < json_array_size(mods); i++) {
        const json_t *m = json_array_get(mods, i);
        rc = cwt_buf_printf(&b, "| %s | %.4f | %.4f |\n", str(m, "module"), num(m, "old_weight"), num(m, "new_weight"));
    }
    if (!rc)
        rc = cwt_buf_printf(&b, "\nShare = module weight x signal weight: the points out of 100 a signal is worth when "
                                "every signal is measured.\n\n| signal | module | old weight | new weight | old share | "
                                "new share | coefficient |\n|---|---|---:|---:|---:|---:|---:|\n");
    const json_t *coef = json_object_get(r, "coefficients");
    for (size_t i = 0; !rc && i < json_array_size(sigs); i++) {
        const json_t *s = json_array_get(sigs, i);
        double c = num(coef, str(s, "signal"));
        char cs[48] = "(preview)";
        const json_t *nf = json_object_get(r, "not_fitted");
        for (size_t k = 0; k < json_array_size(nf); k++)
            if (strcmp(json_string_value(json_array_get(nf, k)), str(s, "signal")) == 0)
                snprintf(cs, sizeof cs, "(too few rows: kept)");
        if (!isnan(c))
            snprintf(cs, sizeof cs, "%+.4f", c == 0 ? 0.0 : c);
        rc = cwt_buf_printf(&b, "| %s | %s | %.4f | %.4f | %.1f | %.1f | %s |\n", str(s, "signal"), str(s, "module"),
                            num(s, "old_weight"), num(s, "new_weight"), num(s, "old_share") * 100,
                            num(s, "new_share") * 100, cs);
    }
    if (!rc)
        rc = cwt_buf_printf(
            &b, "\nA negative coefficient means the signal did not help predict a good outcome in this data; "
                "its weight is set to 0 (a higher signal value never lowers a score). A signal measured in fewer "
                "than 10 training rows is not fitted and keeps its share; the fitted signals share the rest.\n\n"
                "## Intended use and limits\n\n"
                "The total ranks websites by how much a buyer can verify about the exporter. It does not replace "
                "factory audits or third-party inspections. The fit is only as good as its labels: check the data "
                "section before publishing this version.\n");
    if (rc) {
        cwt_buf_release(&b);
        return rc;
    }
    *out = cwt_buf_detach(&b, NULL);
    return *out ? CWT_OK : CWT_ENOMEM;
}
