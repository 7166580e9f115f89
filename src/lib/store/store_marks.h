/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The record level of the program's tables (migration 0010_marks.sql): a
 * site's mark, operator-set cycles and threshold policies, the threshold in
 * force per evaluation, accepted uploads, the hash-chained log of mark
 * changes and the attestation key set (sealed secrets; program/markflow.c
 * seals them). Functions taking a struct cwt__tx run inside the caller's
 * transaction so that a mark change and its log entry commit together.
 */
#ifndef CWT_STORE_MARKS_H
#define CWT_STORE_MARKS_H

#include "program/chainlog.h"
#include "program/cycle.h"
#include "program/mark.h"
#include "program/threshold.h"
#include "store/store_records.h"

struct cwt__mark_row {
    char site_id[CWT__ID_LEN];
    struct cwt__mark m;
    char last_eval_id[CWT__ID_LEN];
    bool has_threshold;
    double threshold;          /* enter line in force at the last evaluation */
    char grade[8];
    char *modules;             /* JSON or NULL; owned (cwt__mark_row_release) */
    int64_t next_deadline;
    int64_t updated_at;
};
void cwt__mark_row_release(struct cwt__mark_row *r);

/* The mark of @p site_id; CWT_ENOTFOUND when none was ever written. @p lock: FOR UPDATE (PostgreSQL). */
enum cwt_status cwt__tx_mark_get(struct cwt__tx *tx, const char *site_id, bool lock, struct cwt__mark_row *out,
                                 struct cwt_err *err);
enum cwt_status cwt__tx_mark_put(struct cwt__tx *tx, const struct cwt__mark_row *r, struct cwt_err *err);
enum cwt_status cwt__store_mark_get(struct cwt__store *st, const char *site_id, struct cwt__mark_row *out,
                                    struct cwt_err *err);
/* Site ids whose next_deadline is in (0, @p now]; up to @p max into @p ids. */
enum cwt_status cwt__store_marks_due(struct cwt__store *st, int64_t now, char (*ids)[CWT__ID_LEN], size_t max,
                                     size_t *n, struct cwt_err *err);

/* One row of the registry and the weights snapshot: a mark with its site. */
struct cwt__registry_row {
    struct cwt__mark_row r;
    char domain[256];
    char country[8];
    char industry[64];
    char enterprise[256];
};
typedef enum cwt_status (*cwt__registry_fn)(void *ud, const struct cwt__registry_row *row);
/* Every mark with its site (site id order), for snapshots. */
enum cwt_status cwt__store_registry_each(struct cwt__store *st, cwt__registry_fn fn, void *ud, struct cwt_err *err);
/* Latest scores of all sites with a score, for the cohort percentile (at most @p cap). */
enum cwt_status cwt__tx_cohort(struct cwt__tx *tx, double **scores, size_t *n, size_t cap, struct cwt_err *err);

/*
 * Bumps the change counter "program" (store.h cwt__tx_bump) inside the
 * transaction of each change the hot path shows; servers' snapshots watch it.
 */
enum cwt_status cwt__tx_program_bump(struct cwt__tx *tx, struct cwt_err *err);

/* The industry the registry lists a site under ("" clears it); CWT_ENOTFOUND for another's site. */
enum cwt_status cwt__store_site_set_industry(struct cwt__store *st, const char *enterprise_id, const char *site_id,
                                             const char *industry, struct cwt_err *err);

/* ---- cycles and threshold policies --------------------------------------------- */

enum cwt_status cwt__store_cycles_load(struct cwt__store *st, struct cwt__cycles *cs, struct cwt_err *err);
/* Inserts or replaces cycle c->id after checking it against the others (cwt__cycles_add's rules). */
enum cwt_status cwt__store_cycle_put(struct cwt__store *st, const struct cwt__cycle *c, int64_t now,
                                     struct cwt_err *err);
/* The policy of @p cycle_id; the default (*is_set false) when the operator set none. */
enum cwt_status cwt__store_threshold_get(struct cwt__store *st, const char *cycle_id,
                                         struct cwt__threshold_policy *tp, bool *is_set, struct cwt_err *err);
/* CWT_ENOTFOUND (field "cycle") for an unknown cycle; CWT_EINVAL naming the field for a bad policy. */
enum cwt_status cwt__store_threshold_put(struct cwt__store *st, const char *cycle_id,
                                         const struct cwt__threshold_policy *tp, int64_t now, struct cwt_err *err);

/* ---- the threshold in force per evaluation --------------------------------------- */

struct cwt__eval_threshold {
    char cycle_id[32];
    double enter, stay;
    bool meets_enter, meets_stay;
    char explain[1536];
};
enum cwt_status cwt__tx_eval_threshold_put(struct cwt__tx *tx, const char *eval_id,
                                           const struct cwt__eval_threshold *t, struct cwt_err *err);
enum cwt_status cwt__store_eval_threshold_get(struct cwt__store *st, const char *eval_id,
                                              struct cwt__eval_threshold *out, struct cwt_err *err);

/* ---- uploads ------------------------------------------------------------------- */

enum cwt_status cwt__tx_upload_insert(struct cwt__tx *tx, const char *id, const char *site_id, const char *kind,
                                      int64_t at, size_t rows, const char *data, const char *result,
                                      struct cwt_err *err);
enum cwt_status cwt__store_upload_count(struct cwt__store *st, const char *site_id, int64_t *n, struct cwt_err *err);

/* ---- the hash-chained log ---------------------------------------------------------- */

/*
 * Seals and appends @p e (site, from, to, at, reason filled) after the current
 * head, inside @p tx; the head is locked for the rest of the transaction.
 */
enum cwt_status cwt__tx_log_append(struct cwt__tx *tx, struct cwt__log_entry *e, struct cwt_err *err);
/* Verifies the whole log in seq order (batches of 512 rows); @p expect_head / @p expect_count as cwt__log_verify(). */
enum cwt_status cwt__store_log_verify(struct cwt__store *st, const char *expect_head, uint64_t expect_count,
                                      struct cwt__log_verdict *out, struct cwt_err *err);

/*
 * One page of the log, newest first: up to @p limit entries with seq below
 * @p before (0: from the head). *next_before is the cursor of the next page
 * (0: none); *total the number of entries in the log.
 */
typedef enum cwt_status (*cwt__log_fn)(void *ud, const struct cwt__log_entry *e);
enum cwt_status cwt__store_log_page(struct cwt__store *st, uint64_t before, size_t limit, cwt__log_fn fn, void *ud,
                                    uint64_t *next_before, uint64_t *total, struct cwt_err *err);

/* ---- attestation keys ------------------------------------------------------------- */

struct cwt__key_row {
    char kid[24];
    char pk[65];        /* hex */
    char sealed[200];   /* hex nonce || ciphertext; "" once retired */
    int64_t created, retired;
};
typedef enum cwt_status (*cwt__key_fn)(void *ud, const struct cwt__key_row *k);
enum cwt_status cwt__store_keys_each(struct cwt__store *st, cwt__key_fn fn, void *ud, struct cwt_err *err);
/* In one transaction: retires the active key at @p k->created (wiping its sealed secret) and inserts @p k. */
enum cwt_status cwt__store_key_rotate(struct cwt__store *st, const struct cwt__key_row *k, struct cwt_err *err);

#endif
