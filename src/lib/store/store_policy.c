/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the versioned program policy over the portable SQL
 * level (store_policy.h). Doubles travel as "%.17g" text, as in
 * store_marks.c; a change, its log entry and its counter bumps commit
 * together or not at all.
 */
#include <stdio.h>
#include <stdlib.h>

#include "store/store_policy.h"

#define POLICY_COLS                                                                                                 \
    "version, set_at, set_by, duty_window_s, review_lock_months, customs_months, weight_bonus, score_top, curve, " \
    "attestation_ttl_s, clock_skew_s, reeval_interval_s"

struct one_policy {
    struct cwt__policy_row *out;
    bool found, bad;
};

static enum cwt_status on_policy(void *ud, const struct cwt__row *r)
{
    struct one_policy *o = ud;
    if (o->found)
        return CWT_OK;
    struct cwt__policy_row *p = o->out;
    memset(p, 0, sizeof *p);
    o->found = true;
    p->version = cwt__row_int(r, 0);
    p->set_at = cwt__row_int(r, 1);
    cwt__row_copy(r, 2, p->set_by, sizeof p->set_by);
    p->p.duty_window_s = cwt__row_int(r, 3);
    p->p.review_lock_months = (int)cwt__row_int(r, 4);
    p->p.customs_months = (int)cwt__row_int(r, 5);
    p->p.weight_bonus = strtod(cwt__row_text(r, 6), NULL);
    p->p.score_top = strtod(cwt__row_text(r, 7), NULL);
    o->bad = cwt__weight_curve_parse(cwt__row_text(r, 8), &p->p.curve) != CWT_OK;
    p->p.attestation_ttl_s = cwt__row_int(r, 9);
    p->p.clock_skew_s = cwt__row_int(r, 10);
    p->p.reeval_interval_s = cwt__row_int(r, 11);
    return CWT_OK;
}

static enum cwt_status read_one(struct cwt__store *st, struct cwt__tx *tx, const char *sql, const struct cwt__sv *p,
                                size_t n, struct cwt__policy_row *out, struct cwt_err *err)
{
    struct one_policy o = {out, false, false};
    enum cwt_status rc = tx ? cwt__tx_exec(tx, sql, p, n, on_policy, &o, NULL, err)
                            : cwt__store_exec(st, sql, p, n, on_policy, &o, NULL, err);
    if (rc == CWT_OK && !o.found)
        rc = cwt_err_setf(err, CWT_ENOTFOUND, "policy", "no program policy in the store (migration 0013 missing?)");
    if (rc == CWT_OK && (o.bad || cwt__program_policy_check(&out->p, err) != CWT_OK))
        rc = cwt_err_setf(err, CWT_ESTORE, "policy", "program policy version %lld in the store is unusable",
                          (long long)out->version);
    return rc;
}

#define SQL_CURRENT "SELECT " POLICY_COLS " FROM program_policies ORDER BY version DESC LIMIT 1"

enum cwt_status cwt__store_policy_current(struct cwt__store *st, struct cwt__policy_row *out, struct cwt_err *err)
{
    return read_one(st, NULL, SQL_CURRENT, NULL, 0, out, err);
}

enum cwt_status cwt__store_policy_at(struct cwt__store *st, int64_t t, struct cwt__policy_row *out,
                                     struct cwt_err *err)
{
    struct cwt__sv p[] = {CWT_SV_INT(t)};
    enum cwt_status rc = read_one(st, NULL,
                                  "SELECT " POLICY_COLS " FROM program_policies WHERE set_at <= ? ORDER BY set_at "
                                  "DESC, version DESC LIMIT 1",
                                  p, 1, out, err);
    if (rc == CWT_ENOTFOUND)
        rc = read_one(st, NULL, "SELECT " POLICY_COLS " FROM program_policies ORDER BY version LIMIT 1", NULL, 0, out,
                      err);
    return rc;
}

static enum cwt_status insert(struct cwt__tx *tx, const struct cwt__policy_row *r, struct cwt_err *err)
{
    char wb[40], top[40];
    snprintf(wb, sizeof wb, "%.17g", r->p.weight_bonus);
    snprintf(top, sizeof top, "%.17g", r->p.score_top);
    struct cwt__sv p[] = {
        CWT_SV_INT(r->version), CWT_SV_INT(r->set_at), CWT_SV_TEXT(r->set_by), CWT_SV_INT(r->p.duty_window_s),
        CWT_SV_INT(r->p.review_lock_months), CWT_SV_INT(r->p.customs_months), CWT_SV_TEXT(wb), CWT_SV_TEXT(top),
        CWT_SV_TEXT(cwt__weight_curve_name(r->p.curve)), CWT_SV_INT(r->p.attestation_ttl_s),
        CWT_SV_INT(r->p.clock_skew_s), CWT_SV_INT(r->p.reeval_interval_s),
    };
    return cwt__tx_exec(tx,
                        "INSERT INTO program_policies (" POLICY_COLS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        p, CWT_ARRAY_LEN(p), NULL, NULL, NULL, err);
}

/* The log entry of a change: who, and each field's old and new value (truncated to the entry's reason). */
static enum cwt_status log_change(struct cwt__tx *tx, const struct cwt__policy_row *cur,
                                  const struct cwt__policy_row *next, struct cwt_err *err)
{
    struct cwt__log_entry e;
    memset(&e, 0, sizeof e);
    e.at = next->set_at;
    snprintf(e.site, sizeof e.site, "%s", CWT__POLICY_LOG_SITE);
    snprintf(e.from, sizeof e.from, "v%lld", (long long)cur->version);
    snprintf(e.to, sizeof e.to, "v%lld", (long long)next->version);
    char diff[sizeof e.reason];
    cwt__program_policy_diff(&cur->p, &next->p, diff, sizeof diff);
    int w = snprintf(e.reason, sizeof e.reason, "set by %.100s: %s", next->set_by, diff);
    if (w >= (int)sizeof e.reason)
        memcpy(e.reason + sizeof e.reason - 4, "...", 4);
    return cwt__tx_log_append(tx, &e, err);
}

enum cwt_status cwt__store_policy_put(struct cwt__store *st, const struct cwt__program_policy *p,
                                      int64_t expect_version, const char *set_by, int64_t now,
                                      struct cwt__policy_row *out, bool *changed, struct cwt_err *err)
{
    *changed = false;
    enum cwt_status rc = cwt__program_policy_check(p, err);
    if (rc)
        return rc;
    struct cwt__tx *tx = NULL;
    struct cwt__policy_row cur, next;
    if ((rc = cwt__tx_begin(st, CWT__TX_WRITE, &tx, err)))
        return rc;
    rc = read_one(st, tx, SQL_CURRENT, NULL, 0, &cur, err);
    if (rc == CWT_OK && expect_version && expect_version != cur.version)
        rc = cwt_err_setf(err, CWT_ECONFLICT, "version", "the policy in force is version %lld, not %lld",
                          (long long)cur.version, (long long)expect_version);
    if (rc == CWT_OK && cwt__program_policy_diff(&cur.p, p, NULL, 0) == 0) {
        cwt__tx_rollback(tx);
        *out = cur;
        return CWT_OK;
    }
    if (rc == CWT_OK) {
        next = (struct cwt__policy_row){.version = cur.version + 1, .set_at = now > cur.set_at ? now : cur.set_at,
                                        .p = *p};
        snprintf(next.set_by, sizeof next.set_by, "%s", set_by && *set_by ? set_by : "unknown");
        rc = insert(tx, &next, err);
    }
    if (rc == CWT_OK)
        rc = log_change(tx, &cur, &next, err);
    if (rc == CWT_OK)
        rc = cwt__tx_bump(tx, "policy", err);
    if (rc == CWT_OK)
        rc = cwt__tx_program_bump(tx, err);
    if (rc != CWT_OK) {
        cwt__tx_rollback(tx);
        if (rc == CWT_ECONFLICT && strcmp(err->field, "version") != 0)
            return cwt_err_setf(err, CWT_ECONFLICT, "version", "another change of the policy came first; retry");
        return rc;
    }
    if ((rc = cwt__tx_commit(tx, err)))
        return rc;
    *out = next;
    *changed = true;
    return CWT_OK;
}

enum cwt_status cwt__policy_cache_at(struct cwt__store *st, struct cwt__policy_cache *c, int64_t t,
                                     struct cwt__program_policy *out, struct cwt_err *err)
{
    int64_t counter = 0;
    enum cwt_status rc = cwt__store_counter(st, "policy", &counter, err);
    if (rc == CWT_OK && (!c->loaded || counter != c->counter)) {
        struct cwt__policy_row row;
        rc = cwt__store_policy_current(st, &row, err);
        if (rc == CWT_OK) {
            c->row = row;
            c->counter = counter;
            c->loaded = true;
        }
    }
    if (c->loaded && t < c->row.set_at) {
        struct cwt__policy_row row;
        if ((rc = cwt__store_policy_at(st, t, &row, err)) == CWT_OK) {
            *out = row.p;
            return CWT_OK;
        }
    }
    if (!c->loaded)
        return rc;
    *out = c->row.p;
    return rc;
}
