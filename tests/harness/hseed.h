/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Seeding a store the way the program fills it, for tests of the operator
 * console and the public registry (tests/integration/itest_console.c,
 * tests/browser/dash_seed.c): accounts of any kind, verified sites, and
 * evaluations followed by the worker's step (cwt__markflow_evaluated), so
 * marks, the registry and the hash-chained log are real. Failures end the
 * process with a message naming the step.
 */
#ifndef CWT_HSEED_H
#define CWT_HSEED_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

struct cwt__store;

/* An enterprise of @p kind with one user (@p password hashed at the lowest Argon2id cost); ids into @p ent. */
void hseed_account(struct cwt__store *st, const char *name, const char *kind, const char *country, const char *email,
                   const char *password, int64_t at, char ent[32]);
/* A verified site of @p ent (home page http://DOMAIN/), listed under @p industry (NULL: none); id into @p id. */
void hseed_site(struct cwt__store *st, const char *ent, const char *domain, const char *industry, int64_t at,
                char id[32]);
/*
 * Stores an evaluation of @p site at @p at (its report @p report, or a minimal one
 * with @p total in every module when NULL) and runs the worker's step with the
 * SDK tag found on the home page when @p integrated. The id into @p eval_id (may be NULL).
 */
void hseed_evaluate(struct cwt__store *st, const char *site, int64_t at, const json_t *report, double total,
                    const char *grade, const char *model_version, bool integrated, char eval_id[32]);

#endif
