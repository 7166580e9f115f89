/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the dynamic threshold: the higher of the operator's
 * absolute floor and (optionally) a percentile of the cycle's cohort, module
 * floors, and the hysteresis band [enter - margin, enter) in which a site that
 * holds the mark keeps it and a site without it does not obtain it. Every
 * result carries an explanation in plain words.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "program/threshold.h"

static const char *const module_names[CWT__THRESHOLD_MODULES] = {"basic", "operational", "content"};

void cwt__threshold_policy_default(struct cwt__threshold_policy *tp)
{
    *tp = (struct cwt__threshold_policy){
        .floor = 70.0,
        .module_floor = {-1.0, -1.0, -1.0},
        .use_percentile = false,
        .percentile = 60.0,
        .min_cohort = 20,
        .margin = 2.0,
    };
}

enum cwt_status cwt__threshold_policy_check(const struct cwt__threshold_policy *tp, struct cwt_err *err)
{
    if (!(tp->floor >= 0.0 && tp->floor <= 100.0))
        return cwt_err_setf(err, CWT_EINVAL, "floor", "floor must be 0 to 100");
    for (unsigned i = 0; i < CWT__THRESHOLD_MODULES; i++)
        if (!(tp->module_floor[i] <= 100.0) || isnan(tp->module_floor[i]))
            return cwt_err_setf(err, CWT_EINVAL, module_names[i], "module floor '%s' must be at most 100",
                                module_names[i]);
    if (tp->use_percentile && !(tp->percentile >= 0.0 && tp->percentile <= 100.0))
        return cwt_err_setf(err, CWT_EINVAL, "percentile", "percentile must be 0 to 100");
    if (!(tp->margin >= 0.0 && tp->margin <= 50.0))
        return cwt_err_setf(err, CWT_EINVAL, "margin", "margin must be 0 to 50");
    return CWT_OK;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Type 7 percentile of sorted @p v (n >= 1). */
static double percentile_sorted(const double *v, size_t n, double pct)
{
    double h = (double)(n - 1) * pct / 100.0;
    size_t lo = (size_t)floor(h);
    if (lo >= n - 1)
        return v[n - 1];
    return v[lo] + (h - (double)lo) * (v[lo + 1] - v[lo]);
}

enum cwt_status cwt__threshold_compute(const struct cwt__threshold_policy *tp, const char *cycle_id,
                                       const double *cohort, size_t n, struct cwt__threshold *out,
                                       struct cwt_err *err)
{
    enum cwt_status rc = cwt__threshold_policy_check(tp, err);
    double *sorted = NULL;
    if (rc)
        goto out;
    if (n > CWT__THRESHOLD_MAX_COHORT) {
        rc = cwt_err_setf(err, CWT_ETOOBIG, "cohort", "cohort of %zu scores exceeds the cap of %zu", n,
                          CWT__THRESHOLD_MAX_COHORT);
        goto out;
    }
    memset(out, 0, sizeof *out);
    out->floor = tp->floor;
    out->enter = tp->floor;
    out->cohort_n = n;
    memcpy(out->module_floor, tp->module_floor, sizeof out->module_floor);
    const char *cyc = cycle_id && *cycle_id ? cycle_id : "this cycle";
    char pct_part[200] = "";
    if (tp->use_percentile) {
        if (n < tp->min_cohort || n == 0) {
            snprintf(pct_part, sizeof pct_part, "; the %g-th percentile is not used: %zu scores in the cohort, %zu needed",
                     tp->percentile, n, tp->min_cohort);
        } else {
            sorted = cwt_malloc(n * sizeof *sorted);
            if (!sorted) {
                rc = cwt_err_set(err, CWT_ENOMEM, "out of memory");
                goto out;
            }
            for (size_t i = 0; i < n; i++) {
                if (!isfinite(cohort[i])) {
                    char f[32];
                    snprintf(f, sizeof f, "cohort[%zu]", i);
                    rc = cwt_err_setf(err, CWT_EINVAL, f, "cohort score %zu is not a number", i);
                    goto out;
                }
                sorted[i] = cohort[i];
            }
            qsort(sorted, n, sizeof *sorted, cmp_double);
            out->percentile_value = percentile_sorted(sorted, n, tp->percentile);
            if (out->percentile_value > tp->floor) {
                out->enter = out->percentile_value;
                out->from_percentile = true;
                snprintf(pct_part, sizeof pct_part, ": the %g-th percentile of %zu scores in the cohort (%.1f) is above the floor %.1f",
                         tp->percentile, n, out->percentile_value, tp->floor);
            } else {
                snprintf(pct_part, sizeof pct_part, ": the floor %.1f is above the %g-th percentile of %zu scores (%.1f)",
                         tp->floor, tp->percentile, n, out->percentile_value);
            }
        }
    } else {
        snprintf(pct_part, sizeof pct_part, ": the operator's floor");
    }
    out->stay = out->enter - tp->margin;
    if (out->stay < 0.0)
        out->stay = 0.0;
    char mods[160] = "";
    size_t ml = 0;
    for (unsigned i = 0; i < CWT__THRESHOLD_MODULES; i++) {
        if (tp->module_floor[i] < 0.0)
            continue;
        int w = snprintf(mods + ml, sizeof mods - ml, "%s%s %.1f", ml ? ", " : "; module floors: ", module_names[i],
                         tp->module_floor[i]);
        if (w > 0 && (size_t)w < sizeof mods - ml)
            ml += (size_t)w;
    }
    snprintf(out->explain, sizeof out->explain,
             "threshold %.1f in force for %s%s; a site holding the mark keeps it down to %.1f (margin %.1f)%s",
             out->enter, cyc, pct_part, out->stay, tp->margin, mods);
out:
    cwt_free(sorted);
    return rc;
}

void cwt__threshold_judge(const struct cwt__threshold *t, double total, const double modules[],
                          bool holds_mark, struct cwt__threshold_verdict *out)
{
    bool ok = isfinite(total);
    out->meets_enter = ok && total >= t->enter;
    out->meets_stay = ok && total >= t->stay;
    char mods[300] = "";
    size_t ml = 0;
    double margin = t->enter - t->stay;
    for (unsigned i = 0; i < CWT__THRESHOLD_MODULES; i++) {
        double f = t->module_floor[i];
        if (f < 0.0)
            continue;
        double v = modules ? modules[i] : NAN;
        bool enter = isfinite(v) && v >= f;
        bool stay = isfinite(v) && v >= f - margin;
        out->meets_enter = out->meets_enter && enter;
        out->meets_stay = out->meets_stay && stay;
        if (!(holds_mark ? stay : enter)) {
            int w = isfinite(v) ? snprintf(mods + ml, sizeof mods - ml, "; module %s %.1f is below its floor %.1f",
                                           module_names[i], v, holds_mark ? f - margin : f)
                                : snprintf(mods + ml, sizeof mods - ml, "; module %s has no score (floor %.1f)",
                                           module_names[i], f);
            if (w > 0 && (size_t)w < sizeof mods - ml)
                ml += (size_t)w;
        }
    }
    bool meets = holds_mark ? out->meets_stay : out->meets_enter;
    snprintf(out->explain, sizeof out->explain, "%s. Total %.1f %s %s line %.1f%s.", t->explain, total,
             meets ? "meets" : "does not meet", holds_mark ? "the keep" : "the threshold",
             holds_mark ? t->stay : t->enter, mods);
}
