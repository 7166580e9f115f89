/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the traffic weight. The default curve is smoothstep:
 * flat at the threshold, so a site that just crosses the line gains almost
 * nothing from a point more or less (no incentive to game the line, no jump in
 * a platform's ranking), and flat at the top; linear is the operator's other
 * choice. Both are monotone, 0 at the threshold and 1 at the top.
 */
#include <math.h>
#include <stdio.h>

#include "program/weight.h"

double cwt__weight_f(const struct cwt__program_policy *p, double score, double threshold)
{
    if (!isfinite(score) || !isfinite(threshold) || threshold >= p->score_top)
        return 0.0;
    double x = (score - threshold) / (p->score_top - threshold);
    if (x <= 0.0)
        return 0.0;
    if (x >= 1.0)
        return 1.0;
    return p->curve == CWT__CURVE_LINEAR ? x : x * x * (3.0 - 2.0 * x);
}

double cwt__weight(const struct cwt__program_policy *p, enum cwt__mark_state state, bool in_pool, double score,
                   double threshold)
{
    if (!in_pool || !cwt__mark_shows_green(state))
        return 1.0;
    return 1.0 + p->weight_bonus * cwt__weight_f(p, score, threshold);
}

void cwt__weight_for(const struct cwt__program_policy *p, const struct cwt__mark *m, const struct cwt__cycles *cs,
                     double threshold, int64_t now, struct cwt__weight_info *out)
{
    memset(out, 0, sizeof *out);
    out->weight = 1.0;
    out->cycle = cwt__cycles_current(cs, now);
    if (!cwt__mark_shows_green(m->state)) {
        snprintf(out->why, sizeof out->why, "no green mark (%s): weight 1.00", cwt__mark_state_name(m->state));
        return;
    }
    if (!out->cycle) {
        snprintf(out->why, sizeof out->why, "no evaluation cycle is running: weight 1.00");
        return;
    }
    if (!cwt__pool_contains(out->cycle, m->qualified_at)) {
        snprintf(out->why, sizeof out->why, "not in the pool of %s (qualified after its enrollment deadline): weight 1.00",
                 out->cycle->id);
        return;
    }
    out->eligible = true;
    out->f = cwt__weight_f(p, m->score, threshold);
    out->weight = 1.0 + p->weight_bonus * out->f;
    snprintf(out->why, sizeof out->why, "green mark in the pool of %s: 1 + %.2f x f(%.1f, %.1f) = %.4f",
             out->cycle->id, p->weight_bonus, m->score, threshold, out->weight);
}
