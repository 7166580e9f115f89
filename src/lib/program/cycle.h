/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Evaluation cycles and their traffic-weighting pools (PROGRAM.md "Cycles"):
 * operator-defined cycles (id, enrollment deadline, start, end), seeded with
 * 2026-Q3 and quarterly cycles from 2026-10-01, and the rule that puts a site
 * in a cycle's pool or defers it to the next one.
 */
#ifndef CWT_PROGRAM_CYCLE_H
#define CWT_PROGRAM_CYCLE_H

#include "program/policy.h"

struct cwt__cycle {
    char id[32];      /* "2026-Q3" */
    int64_t deadline; /* the last second that counts for enrollment (23:59:59Z of the deadline day) */
    int64_t start;    /* first second of the cycle */
    int64_t end;      /* first second after the cycle */
};

/* A list of cycles kept sorted by start; no two overlap. */
struct cwt__cycles {
    struct cwt__cycle *v;
    size_t n, cap;
};

#define CWT__CYCLES_MAX 400 /* a century of quarters */

void cwt__cycles_init(struct cwt__cycles *cs);
void cwt__cycles_release(struct cwt__cycles *cs);

/*
 * Adds an operator-defined cycle. CWT_EINVAL names the field when the id is
 * empty or too long, end <= start, the deadline is after the end, or it
 * overlaps a cycle already there; CWT_ECONFLICT for a duplicate id;
 * CWT_ETOOBIG past CWT__CYCLES_MAX.
 */
enum cwt_status cwt__cycles_add(struct cwt__cycles *cs, const struct cwt__cycle *c, struct cwt_err *err);

/*
 * Seeds the program's known cycles: 2026-Q3 (start 2026-07-01, deadline
 * 2026-07-31, end 2026-10-01) and then @p quarters quarterly cycles from
 * 2026-10-01 (2026-Q4, 2027-Q1, ...), each with its deadline on the last day
 * of the cycle's month number @p deadline_month (1 = the first month, like
 * 2026-Q3; 0 = the day before the cycle starts).
 */
enum cwt_status cwt__cycles_seed(struct cwt__cycles *cs, unsigned quarters, int deadline_month,
                                 struct cwt_err *err);

/*
 * Appends the quarterly cycle that follows the last one (id "YYYY-Qn" of its
 * start), with the deadline rule of cwt__cycles_seed().
 */
enum cwt_status cwt__cycles_generate_next(struct cwt__cycles *cs, int deadline_month, struct cwt_err *err);

/* The cycle running at @p at, or NULL. */
const struct cwt__cycle *cwt__cycles_current(const struct cwt__cycles *cs, int64_t at);
/* The cycle with id @p id, or NULL. */
const struct cwt__cycle *cwt__cycles_find(const struct cwt__cycles *cs, const char *id);

/* Where a site's pool membership stands. */
struct cwt__pool_decision {
    const struct cwt__cycle *cycle; /* the first cycle whose pool the site is in; NULL if none defined */
    bool deferred;                  /* the site missed the deadline of the cycle running when it qualified */
    const struct cwt__cycle *missed;/* that cycle, when deferred */
    char explain[320];              /* what the exporter is told */
};

/*
 * Decides the first pool of a site integrated at @p integrated_at that passed
 * its initial evaluation at @p passed_at: the earliest cycle whose deadline is
 * not before both. A site qualifying after the deadline of a cycle that is
 * running (or before its start) is deferred to the next cycle; the explanation
 * names both.
 */
void cwt__pool_decide(const struct cwt__cycles *cs, int64_t integrated_at, int64_t passed_at,
                      struct cwt__pool_decision *out);

/*
 * True when a site that qualified at @p qualified_at (cwt__mark.qualified_at;
 * 0 = never) is in @p c's pool: it qualified by c's deadline.
 */
bool cwt__pool_contains(const struct cwt__cycle *c, int64_t qualified_at);

#endif
