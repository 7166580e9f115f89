/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The dynamic threshold (docs/internals/mark.md, "Threshold"): per cycle, an
 * operator-set absolute floor, optional module floors and optionally a
 * percentile of the cycle's cohort, with a hysteresis margin so that a site
 * near the line does not flap. The threshold in force comes with a plain
 * explanation, shown with every evaluation.
 */
#ifndef CWT_PROGRAM_THRESHOLD_H
#define CWT_PROGRAM_THRESHOLD_H

#include "program/policy.h"

#define CWT__THRESHOLD_MODULES 3 /* basic, operational, content (signals/signal.h order) */

struct cwt__threshold_policy {
    double floor;                               /* absolute floor of the total, 0..top */
    double module_floor[CWT__THRESHOLD_MODULES]; /* per module, 0..100; negative = none */
    bool use_percentile;                        /* raise the threshold to a percentile of the cohort */
    double percentile;                          /* 0..100, e.g. 60 */
    size_t min_cohort;                          /* the percentile counts only with at least this many scores */
    double margin;                              /* hysteresis: a held mark is kept down to threshold - margin */
};

/* A floor of 70, no module floors, no percentile, margin 2: the defaults of a new cycle. */
void cwt__threshold_policy_default(struct cwt__threshold_policy *tp);
/* CWT_OK or CWT_EINVAL naming the field. */
enum cwt_status cwt__threshold_policy_check(const struct cwt__threshold_policy *tp, struct cwt_err *err);

/* The threshold in force for a cycle. */
struct cwt__threshold {
    double enter;             /* a total at or above this obtains (or regains) the mark */
    double stay;              /* a held mark is kept at or above this (enter - margin) */
    double floor;             /* the policy's floor */
    bool from_percentile;     /* enter is the cohort's percentile (it was above the floor) */
    double percentile_value;  /* the percentile of the cohort, when computed */
    size_t cohort_n;          /* scores in the cohort */
    double module_floor[CWT__THRESHOLD_MODULES];
    char explain[512];        /* one paragraph, plain words */
};

/* The largest cohort the percentile is computed over. */
#define CWT__THRESHOLD_MAX_COHORT ((size_t)1000000)

/*
 * Computes the threshold in force from @p tp and the cycle's cohort (the
 * latest totals of the sites in the cycle, any order; @p cohort may be NULL
 * when @p n is 0). The percentile is linearly interpolated between closest
 * ranks (Hyndman & Fan type 7). @p cycle_id names the cycle in the explanation.
 * CWT_EINVAL for a bad policy or a non-finite score, CWT_ETOOBIG past the cap.
 */
enum cwt_status cwt__threshold_compute(const struct cwt__threshold_policy *tp, const char *cycle_id,
                                       const double *cohort, size_t n, struct cwt__threshold *out,
                                       struct cwt_err *err);

/* The verdict on one evaluation against the threshold in force. */
struct cwt__threshold_verdict {
    bool meets_enter; /* for a site without the mark */
    bool meets_stay;  /* for a site holding the mark */
    char explain[1536];
};

/*
 * Judges a total and its module scores (NULL when unknown: module floors are
 * then not met) against @p t; @p holds_mark selects which line the explanation
 * leads with. Fill cwt__mark_event.meets_enter/meets_stay from the verdict.
 */
void cwt__threshold_judge(const struct cwt__threshold *t, double total, const double modules[],
                          bool holds_mark, struct cwt__threshold_verdict *out);

#endif
