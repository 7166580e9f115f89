/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Traffic weights for marketplaces (PROGRAM.md: "up to 15 % additional organic
 * traffic weighting"): weight = 1 + bonus x f(score, threshold) for a site in
 * the current cycle's pool holding the green mark, else exactly 1.00.
 */
#ifndef CWT_PROGRAM_WEIGHT_H
#define CWT_PROGRAM_WEIGHT_H

#include "program/cycle.h"
#include "program/mark.h"

/*
 * f: 0 at (and below) the threshold, 1 at (and above) the top score,
 * monotone non-decreasing in between: x = (score - threshold) / (top -
 * threshold), linear f = x or smoothstep f = x^2 (3 - 2x) per the policy.
 * 0 when the threshold is at or above the top or an input is not finite.
 */
double cwt__weight_f(const struct cwt__program_policy *p, double score, double threshold);

/*
 * The weight of a site: 1 + p->weight_bonus x f when @p state shows the green
 * mark and @p in_pool (cwt__pool_contains() for the current cycle), else
 * exactly 1.0.
 */
double cwt__weight(const struct cwt__program_policy *p, enum cwt__mark_state state, bool in_pool, double score,
                   double threshold);

/* A site's weight with the reason, as platforms are shown it. */
struct cwt__weight_info {
    double weight;                  /* exactly 1.0 unless eligible */
    double f;                       /* f(score, threshold), 0 unless eligible */
    bool eligible;                  /* shows the green mark and is in the current cycle's pool */
    const struct cwt__cycle *cycle; /* the cycle running at @p now, or NULL */
    char why[200];
};

/*
 * The weight of the site whose mark is @p m at @p now: the current cycle from
 * @p cs, pool membership from m->qualified_at, the score from m->score, and
 * @p threshold the `enter` line in force for that cycle.
 */
void cwt__weight_for(const struct cwt__program_policy *p, const struct cwt__mark *m, const struct cwt__cycles *cs,
                     double threshold, int64_t now, struct cwt__weight_info *out);

#endif
