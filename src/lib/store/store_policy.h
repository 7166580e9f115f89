/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The record level of the operator-set program policy (migration
 * 0013_program_policy.sql): versioned rows, never updated. A change inserts
 * the next version in force from its instant, appends an entry naming who
 * changed what to the hash-chained log (site "policy", from/to "v<N>") and
 * bumps the change counters "policy" and "program" in the same transaction.
 * Readers in other processes keep a cache refreshed when "policy" moves.
 */
#ifndef CWT_STORE_POLICY_H
#define CWT_STORE_POLICY_H

#include "program/policy.h"
#include "store/store_marks.h"

/* The "site" of the log entries of policy changes (never a site id: those start with "s_"). */
#define CWT__POLICY_LOG_SITE "policy"

struct cwt__policy_row {
    int64_t version;            /* 1 = the seed (the announced program) */
    int64_t set_at;             /* in force from this instant */
    char set_by[128];           /* who set it */
    struct cwt__program_policy p;
};

/* The latest version. */
enum cwt_status cwt__store_policy_current(struct cwt__store *st, struct cwt__policy_row *out, struct cwt_err *err);
/* The version in force at @p t: the latest set at or before it (the seed for any earlier instant). */
enum cwt_status cwt__store_policy_at(struct cwt__store *st, int64_t t, struct cwt__policy_row *out,
                                     struct cwt_err *err);
/*
 * Sets @p p as the next version, in force from @p now (or from the current
 * version's instant, if the clock reads earlier). @p expect_version (0: any)
 * must be the current version, else CWT_ECONFLICT (field "version"). A bad
 * policy is CWT_EINVAL naming the field. A policy equal to the current one
 * changes nothing (*out is the current version, *changed false).
 */
enum cwt_status cwt__store_policy_put(struct cwt__store *st, const struct cwt__program_policy *p,
                                      int64_t expect_version, const char *set_by, int64_t now,
                                      struct cwt__policy_row *out, bool *changed, struct cwt_err *err);

/* A process's cache of the current policy, reloaded when the change counter "policy" moves. */
struct cwt__policy_cache {
    bool loaded;
    int64_t counter;
    struct cwt__policy_row row;
};
/*
 * The policy in force at @p t through @p c: the cached current version when
 * @p t is at or after its set_at (one read of the counter), else the store's
 * version at @p t. On a store error the last cached version is kept.
 */
enum cwt_status cwt__policy_cache_at(struct cwt__store *st, struct cwt__policy_cache *c, int64_t t,
                                     struct cwt__program_policy *out, struct cwt_err *err);

#endif
