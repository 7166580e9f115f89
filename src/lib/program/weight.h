/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Traffic weights for marketplaces (PROGRAM.md: "up to 15 % additional organic
 * traffic weighting"): weight = 1 + bonus x f(score, threshold) for a site in
 * the current cycle's pool holding the green mark, else exactly 1.00.
 */
#ifndef CWT_PROGRAM_WEIGHT_H
#define CWT_PROGRAM_WEIGHT_H

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

#endif
