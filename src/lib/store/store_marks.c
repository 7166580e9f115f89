/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the record level of the program's tables
 * (store_marks.h) over the portable SQL level, so both engines run the same
 * statements. Doubles travel as decimal text ("%.17g") and come back through
 * strtod; booleans are 0/1 integers. Appending to the hash-chained log takes
 * the head under a lock (PostgreSQL: a transaction-scoped advisory lock;
 * SQLite: the BEGIN IMMEDIATE write lock the caller already holds), so
 * concurrent mark changes on any number of processes extend one chain.
 */
#include <stdio.h>
#include <stdlib.h>

#include "store/store_marks.h"

#define LOG_LOCK_KEY 0x63777461704c4f47LL /* "cwtapLOG" */

static void dtoa(double v, char out[40])
{
    snprintf(out, 40, "%.17g", v);
}

static double row_double(const struct cwt__row *r, size_t col)
{
    return cwt__row_isnull(r, col) ? 0.0 : strtod(cwt__row_text(r, col), NULL);
}

void cwt__mark_row_release(struct cwt__mark_row *r)
{
    if (!r)
        return;
    cwt_free(r->modules);
    r->modules = NULL;
}

/* ---- marks ------------------------------------------------------------------------ */

#define MARK_COLS                                                                                                   \
    "m.site_id, m.state, m.since, m.integrated_at, m.qualified_at, m.green_at, m.up_customs, m.up_iso, "          \
    "m.up_outlets, m.duties_met, m.downgraded_at, m.review_locked_until, m.has_score, m.score, m.evaluated_at, "  \
    "m.last_eval_id, m.threshold, m.next_deadline, m.updated_at, m.grade, m.modules, m.duty_due_at, "     \
    "m.lock_months"
#define MARK_NCOLS 23

static enum cwt_status conv_mark(struct cwt__mark_row *o, const struct cwt__row *r)
{
    memset(o, 0, sizeof *o);
    cwt__row_copy(r, 0, o->site_id, sizeof o->site_id);
    if (cwt__mark_state_parse(cwt__row_text(r, 1), &o->m.state) != CWT_OK)
        return CWT_ESTORE;
    o->m.since = cwt__row_int(r, 2);
    o->m.integrated_at = cwt__row_int(r, 3);
    o->m.qualified_at = cwt__row_int(r, 4);
    o->m.green_at = cwt__row_int(r, 5);
    for (int k = 0; k < CWT__UPLOAD_COUNT_; k++)
        o->m.uploaded_at[k] = cwt__row_int(r, 6 + (size_t)k);
    o->m.duties_met = cwt__row_int(r, 9) != 0;
    o->m.downgraded_at = cwt__row_int(r, 10);
    o->m.review_locked_until = cwt__row_int(r, 11);
    o->m.has_score = cwt__row_int(r, 12) != 0;
    o->m.score = row_double(r, 13);
    o->m.evaluated_at = cwt__row_int(r, 14);
    cwt__row_copy(r, 15, o->last_eval_id, sizeof o->last_eval_id);
    o->has_threshold = !cwt__row_isnull(r, 16);
    o->threshold = row_double(r, 16);
    o->next_deadline = cwt__row_int(r, 17);
    o->updated_at = cwt__row_int(r, 18);
    cwt__row_copy(r, 19, o->grade, sizeof o->grade);
    o->modules = cwt__row_strdup(r, 20);
    o->m.duty_due_at = cwt__row_int(r, 21);
    o->m.lock_months = (int)cwt__row_int(r, 22);
    return (cwt__row_isnull(r, 20) || o->modules) ? CWT_OK : CWT_ENOMEM;
}

struct one_mark {
    struct cwt__mark_row *out;
    bool found;
};

static enum cwt_status on_mark(void *ud, const struct cwt__row *r)
{
    struct one_mark *o = ud;
    if (o->found)
        return CWT_OK;
    o->found = true;
    return conv_mark(o->out, r);
}

enum cwt_status cwt__tx_mark_get(struct cwt__tx *tx, const char *site_id, bool lock, struct cwt__mark_row *out,
                                 struct cwt_err *err)
{
    struct one_mark o = {out, false};
    struct cwt__sv p[] = {CWT_SV_TEXT(site_id)};
    bool pg = cwt__tx_engine(tx) == CWT__ENGINE_PG;
    enum cwt_status rc = cwt__tx_exec(tx,
        lock && pg ? "SELECT " MARK_COLS " FROM marks m WHERE m.site_id = ? FOR UPDATE"
                   : "SELECT " MARK_COLS " FROM marks m WHERE m.site_id = ?",
        p, 1, on_mark, &o, NULL, err);
    if (rc == CWT_OK && !o.found)
        rc = cwt_err_setf(err, CWT_ENOTFOUND, "site", "no mark for site '%s'", site_id);
    return rc;
}

enum cwt_status cwt__store_mark_get(struct cwt__store *st, const char *site_id, struct cwt__mark_row *out,
                                    struct cwt_err *err)
{
    struct cwt__tx *tx = NULL;
    enum cwt_status rc = cwt__tx_begin(st, CWT__TX_READ, &tx, err);
    if (rc == CWT_OK)
        rc = cwt__tx_mark_get(tx, site_id, false, out, err);
    if (rc == CWT_OK)
        rc = cwt__tx_commit(tx, err);
    else
        cwt__tx_rollback(tx);
    return rc;
}

enum cwt_status cwt__tx_mark_put(struct cwt__tx *tx, const struct cwt__mark_row *r, struct cwt_err *err)
{
    char score[40], th[40];
    dtoa(r->m.score, score);
    dtoa(r->threshold, th);
    const struct cwt__mark *m = &r->m;
    struct cwt__sv p[] = {
        CWT_SV_TEXT(r->site_id), CWT_SV_TEXT(cwt__mark_state_name(m->state)), CWT_SV_INT(m->since),
        CWT_SV_INT(m->integrated_at), CWT_SV_INT(m->qualified_at), CWT_SV_INT(m->green_at),
        CWT_SV_INT(m->uploaded_at[CWT__UPLOAD_CUSTOMS]), CWT_SV_INT(m->uploaded_at[CWT__UPLOAD_ISO]),
        CWT_SV_INT(m->uploaded_at[CWT__UPLOAD_OUTLETS]), CWT_SV_INT(m->duties_met), CWT_SV_INT(m->downgraded_at),
        CWT_SV_INT(m->review_locked_until), CWT_SV_INT(m->has_score), m->has_score ? CWT_SV_TEXT(score) : CWT_SV_NULL,
        CWT_SV_INT(m->evaluated_at), r->last_eval_id[0] ? CWT_SV_TEXT(r->last_eval_id) : CWT_SV_NULL,
        r->has_threshold ? CWT_SV_TEXT(th) : CWT_SV_NULL, CWT_SV_INT(r->next_deadline), CWT_SV_INT(r->updated_at),
        r->grade[0] ? CWT_SV_TEXT(r->grade) : CWT_SV_NULL, CWT_SV_TEXT(r->modules), CWT_SV_INT(m->duty_due_at),
        CWT_SV_INT(m->lock_months),
    };
    return cwt__tx_exec(tx,
        "INSERT INTO marks (site_id, state, since, integrated_at, qualified_at, green_at, up_customs, up_iso, "
        "up_outlets, duties_met, downgraded_at, review_locked_until, has_score, score, evaluated_at, last_eval_id, "
        "threshold, next_deadline, updated_at, grade, modules, duty_due_at, lock_months) VALUES (?, ?, ?, ?, ?, ?, "
        "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (site_id) DO UPDATE SET state = excluded.state, since = excluded.since, "
        "integrated_at = excluded.integrated_at, qualified_at = excluded.qualified_at, green_at = "
        "excluded.green_at, up_customs = excluded.up_customs, up_iso = excluded.up_iso, up_outlets = "
        "excluded.up_outlets, duties_met = excluded.duties_met, downgraded_at = excluded.downgraded_at, "
        "review_locked_until = excluded.review_locked_until, has_score = excluded.has_score, score = "
        "excluded.score, evaluated_at = excluded.evaluated_at, last_eval_id = excluded.last_eval_id, threshold = "
        "excluded.threshold, next_deadline = excluded.next_deadline, updated_at = excluded.updated_at, grade = "
        "excluded.grade, modules = excluded.modules, duty_due_at = excluded.duty_due_at, lock_months = "
        "excluded.lock_months",
        p, CWT_ARRAY_LEN(p), NULL, NULL, NULL, err);
}

struct due_acc {
    char (*ids)[CWT__ID_LEN];
    size_t max, n;
};

static enum cwt_status on_due(void *ud, const struct cwt__row *r)
{
    struct due_acc *a = ud;
    if (a->n < a->max)
        cwt__row_copy(r, 0, a->ids[a->n++], CWT__ID_LEN);
    return CWT_OK;
}

enum cwt_status cwt__store_marks_due(struct cwt__store *st, int64_t now, char (*ids)[CWT__ID_LEN], size_t max,
                                     size_t *n, struct cwt_err *err)
{
    struct due_acc a = {ids, max, 0};
    struct cwt__sv p[] = {CWT_SV_INT(now), CWT_SV_INT((int64_t)max)};
    enum cwt_status rc = cwt__store_exec(st,
        "SELECT site_id FROM marks WHERE next_deadline > 0 AND next_deadline <= ? ORDER BY next_deadline, site_id "
        "LIMIT ?", p, 2, on_due, &a, NULL, err);
    *n = a.n;
    return rc;
}

struct reg_acc {
    cwt__registry_fn fn;
    void *ud;
};

static enum cwt_status on_reg(void *ud, const struct cwt__row *r)
{
    struct reg_acc *a = ud;
    struct cwt__registry_row row;
    memset(&row, 0, sizeof row);
    enum cwt_status rc = conv_mark(&row.r, r);
    if (rc == CWT_OK) {
        cwt__row_copy(r, MARK_NCOLS, row.domain, sizeof row.domain);
        cwt__row_copy(r, MARK_NCOLS + 1, row.country, sizeof row.country);
        cwt__row_copy(r, MARK_NCOLS + 2, row.industry, sizeof row.industry);
        cwt__row_copy(r, MARK_NCOLS + 3, row.enterprise, sizeof row.enterprise);
        rc = a->fn(a->ud, &row);
    }
    cwt__mark_row_release(&row.r);
    return rc;
}

enum cwt_status cwt__store_registry_each(struct cwt__store *st, cwt__registry_fn fn, void *ud, struct cwt_err *err)
{
    struct reg_acc a = {fn, ud};
    return cwt__store_exec(st,
        "SELECT " MARK_COLS ", s.domain, e.country, s.industry, e.name FROM marks m JOIN sites s ON s.id = m.site_id "
        "JOIN enterprises e ON e.id = s.enterprise_id ORDER BY m.site_id",
        NULL, 0, on_reg, &a, NULL, err);
}

struct cohort_acc {
    double *v;
    size_t n, cap;
};

static enum cwt_status on_cohort(void *ud, const struct cwt__row *r)
{
    struct cohort_acc *a = ud;
    if (a->n < a->cap)
        a->v[a->n++] = row_double(r, 0);
    return CWT_OK;
}

enum cwt_status cwt__tx_cohort(struct cwt__tx *tx, double **scores, size_t *n, size_t cap, struct cwt_err *err)
{
    int64_t count = 0;
    *scores = NULL;
    *n = 0;
    enum cwt_status rc = cwt__tx_exec(tx, "SELECT count(*) FROM marks WHERE has_score = 1", NULL, 0,
                                      cwt__row_get_int, &count, NULL, err);
    if (rc || count <= 0)
        return rc;
    struct cohort_acc a = {NULL, 0, CWT_MIN((size_t)count, cap)};
    a.v = cwt_malloc(a.cap * sizeof *a.v);
    if (!a.v)
        return cwt_err_set(err, CWT_ENOMEM, "out of memory");
    struct cwt__sv p[] = {CWT_SV_INT((int64_t)a.cap)};
    rc = cwt__tx_exec(tx, "SELECT score FROM marks WHERE has_score = 1 ORDER BY site_id LIMIT ?", p, 1, on_cohort,
                      &a, NULL, err);
    if (rc) {
        cwt_free(a.v);
        return rc;
    }
    *scores = a.v;
    *n = a.n;
    return CWT_OK;
}

enum cwt_status cwt__tx_program_bump(struct cwt__tx *tx, struct cwt_err *err)
{
    return cwt__tx_bump(tx, "program", err);
}

/* One statement and the bump in one write transaction. */
static enum cwt_status exec_bump(struct cwt__store *st, const char *sql, const struct cwt__sv *p, size_t n,
                                 struct cwt_err *err)
{
    struct cwt__tx *tx = NULL;
    enum cwt_status rc = cwt__tx_begin(st, CWT__TX_WRITE, &tx, err);
    if (rc)
        return rc;
    rc = cwt__tx_exec(tx, sql, p, n, NULL, NULL, NULL, err);
    if (rc == CWT_OK)
        rc = cwt__tx_program_bump(tx, err);
    if (rc == CWT_OK)
        return cwt__tx_commit(tx, err);
    cwt__tx_rollback(tx);
    return rc;
}

enum cwt_status cwt__store_site_set_industry(struct cwt__store *st, const char *enterprise_id, const char *site_id,
                                             const char *industry, struct cwt_err *err)
{
    struct cwt__tx *tx = NULL;
    int64_t n = 0;
    enum cwt_status rc = cwt__tx_begin(st, CWT__TX_WRITE, &tx, err);
    if (rc)
        return rc;
    struct cwt__sv p[] = {CWT_SV_TEXT(industry[0] ? industry : NULL), CWT_SV_TEXT(site_id),
                          CWT_SV_TEXT(enterprise_id)};
    rc = cwt__tx_exec(tx, "UPDATE sites SET industry = ? WHERE id = ? AND enterprise_id = ?", p, 3, NULL, NULL, &n,
                      err);
    if (rc == CWT_OK && n == 0)
        rc = cwt_err_setf(err, CWT_ENOTFOUND, "id", "no site '%s'", site_id);
    if (rc == CWT_OK)
        rc = cwt__tx_program_bump(tx, err);
    if (rc == CWT_OK)
        return cwt__tx_commit(tx, err);
    cwt__tx_rollback(tx);
    return rc;
}

/* ---- cycles and thresholds ------------------------------------------------------------- */

static enum cwt_status on_cycle(void *ud, const struct cwt__row *r)
{
    struct cwt__cycle c = {0};
    cwt__row_copy(r, 0, c.id, sizeof c.id);
    c.deadline = cwt__row_int(r, 1);
    c.start = cwt__row_int(r, 2);
    c.end = cwt__row_int(r, 3);
    struct cwt_err e;
    return cwt__cycles_add(ud, &c, &e) == CWT_ENOMEM ? CWT_ENOMEM : CWT_OK;
}

enum cwt_status cwt__store_cycles_load(struct cwt__store *st, struct cwt__cycles *cs, struct cwt_err *err)
{
    return cwt__store_exec(st, "SELECT id, deadline, start_at, end_at FROM cycles ORDER BY start_at, id", NULL, 0,
                           on_cycle, cs, NULL, err);
}

enum cwt_status cwt__store_cycle_put(struct cwt__store *st, const struct cwt__cycle *c, int64_t now,
                                     struct cwt_err *err)
{
    struct cwt__cycles cs;
    cwt__cycles_init(&cs);
    enum cwt_status rc = cwt__store_cycles_load(st, &cs, err);
    if (rc)
        goto out;
    /* Check against the others: the list without the cycle being replaced. */
    struct cwt__cycles others;
    cwt__cycles_init(&others);
    for (size_t i = 0; i < cs.n && rc == CWT_OK; i++)
        if (strcmp(cs.v[i].id, c->id) != 0)
            rc = cwt__cycles_add(&others, &cs.v[i], err);
    if (rc == CWT_OK)
        rc = cwt__cycles_add(&others, c, err);
    cwt__cycles_release(&others);
    if (rc)
        goto out;
    struct cwt__sv p[] = {CWT_SV_TEXT(c->id), CWT_SV_INT(c->deadline), CWT_SV_INT(c->start), CWT_SV_INT(c->end),
                          CWT_SV_INT(now)};
    rc = exec_bump(st,
        "INSERT INTO cycles (id, deadline, start_at, end_at, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO "
        "UPDATE SET deadline = excluded.deadline, start_at = excluded.start_at, end_at = excluded.end_at",
        p, 5, err);
out:
    cwt__cycles_release(&cs);
    return rc;
}

struct tp_acc {
    struct cwt__threshold_policy *tp;
    bool found;
};

static enum cwt_status on_tp(void *ud, const struct cwt__row *r)
{
    struct tp_acc *a = ud;
    a->found = true;
    a->tp->floor = row_double(r, 0);
    for (size_t k = 0; k < CWT__THRESHOLD_MODULES; k++)
        a->tp->module_floor[k] = row_double(r, 1 + k);
    a->tp->use_percentile = cwt__row_int(r, 4) != 0;
    a->tp->percentile = row_double(r, 5);
    a->tp->min_cohort = (size_t)cwt__row_int(r, 6);
    a->tp->margin = row_double(r, 7);
    return CWT_OK;
}

enum cwt_status cwt__store_threshold_get(struct cwt__store *st, const char *cycle_id,
                                         struct cwt__threshold_policy *tp, bool *is_set, struct cwt_err *err)
{
    cwt__threshold_policy_default(tp);
    struct tp_acc a = {tp, false};
    struct cwt__sv p[] = {CWT_SV_TEXT(cycle_id)};
    enum cwt_status rc = cwt__store_exec(st,
        "SELECT floor, floor_basic, floor_operational, floor_content, use_percentile, percentile, min_cohort, margin "
        "FROM threshold_policies WHERE cycle_id = ?", p, 1, on_tp, &a, NULL, err);
    if (is_set)
        *is_set = a.found;
    return rc;
}

enum cwt_status cwt__store_threshold_put(struct cwt__store *st, const char *cycle_id,
                                         const struct cwt__threshold_policy *tp, int64_t now, struct cwt_err *err)
{
    enum cwt_status rc = cwt__threshold_policy_check(tp, err);
    if (rc)
        return rc;
    int64_t n = 0;
    struct cwt__sv q[] = {CWT_SV_TEXT(cycle_id)};
    if ((rc = cwt__store_exec(st, "SELECT count(*) FROM cycles WHERE id = ?", q, 1, cwt__row_get_int, &n, NULL,
                              err)))
        return rc;
    if (n == 0)
        return cwt_err_setf(err, CWT_ENOTFOUND, "cycle", "no cycle '%s'", cycle_id);
    char f[4][40], pc[40], mg[40];
    dtoa(tp->floor, f[0]);
    for (size_t k = 0; k < CWT__THRESHOLD_MODULES; k++)
        dtoa(tp->module_floor[k], f[1 + k]);
    dtoa(tp->percentile, pc);
    dtoa(tp->margin, mg);
    struct cwt__sv p[] = {CWT_SV_TEXT(cycle_id), CWT_SV_TEXT(f[0]), CWT_SV_TEXT(f[1]), CWT_SV_TEXT(f[2]),
                          CWT_SV_TEXT(f[3]), CWT_SV_INT(tp->use_percentile), CWT_SV_TEXT(pc),
                          CWT_SV_INT((int64_t)tp->min_cohort), CWT_SV_TEXT(mg), CWT_SV_INT(now)};
    return exec_bump(st,
        "INSERT INTO threshold_policies (cycle_id, floor, floor_basic, floor_operational, floor_content, "
        "use_percentile, percentile, min_cohort, margin, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON "
        "CONFLICT (cycle_id) DO UPDATE SET floor = excluded.floor, floor_basic = excluded.floor_basic, "
        "floor_operational = excluded.floor_operational, floor_content = excluded.floor_content, use_percentile = "
        "excluded.use_percentile, percentile = excluded.percentile, min_cohort = excluded.min_cohort, margin = "
        "excluded.margin, updated_at = excluded.updated_at",
        p, CWT_ARRAY_LEN(p), err);
}

enum cwt_status cwt__tx_eval_threshold_put(struct cwt__tx *tx, const char *eval_id,
                                           const struct cwt__eval_threshold *t, struct cwt_err *err)
{
    char e[40], s[40];
    dtoa(t->enter, e);
    dtoa(t->stay, s);
    struct cwt__sv p[] = {CWT_SV_TEXT(eval_id), t->cycle_id[0] ? CWT_SV_TEXT(t->cycle_id) : CWT_SV_NULL,
                          CWT_SV_TEXT(e), CWT_SV_TEXT(s), CWT_SV_INT(t->meets_enter), CWT_SV_INT(t->meets_stay),
                          CWT_SV_TEXT(t->explain)};
    return cwt__tx_exec(tx,
        "INSERT INTO evaluation_thresholds (evaluation_id, cycle_id, enter, stay, meets_enter, meets_stay, explain) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)", p, CWT_ARRAY_LEN(p), NULL, NULL, NULL, err);
}

struct et_acc {
    struct cwt__eval_threshold *t;
    bool found;
};

static enum cwt_status on_et(void *ud, const struct cwt__row *r)
{
    struct et_acc *a = ud;
    a->found = true;
    cwt__row_copy(r, 0, a->t->cycle_id, sizeof a->t->cycle_id);
    a->t->enter = row_double(r, 1);
    a->t->stay = row_double(r, 2);
    a->t->meets_enter = cwt__row_int(r, 3) != 0;
    a->t->meets_stay = cwt__row_int(r, 4) != 0;
    cwt__row_copy(r, 5, a->t->explain, sizeof a->t->explain);
    return CWT_OK;
}

enum cwt_status cwt__store_eval_threshold_get(struct cwt__store *st, const char *eval_id,
                                              struct cwt__eval_threshold *out, struct cwt_err *err)
{
    struct et_acc a = {out, false};
    struct cwt__sv p[] = {CWT_SV_TEXT(eval_id)};
    enum cwt_status rc = cwt__store_exec(st,
        "SELECT cycle_id, enter, stay, meets_enter, meets_stay, explain FROM evaluation_thresholds WHERE "
        "evaluation_id = ?", p, 1, on_et, &a, NULL, err);
    if (rc == CWT_OK && !a.found)
        rc = cwt_err_setf(err, CWT_ENOTFOUND, "evaluation", "no threshold recorded for evaluation '%s'", eval_id);
    return rc;
}

/* ---- uploads -------------------------------------------------------------------------------- */

enum cwt_status cwt__tx_upload_insert(struct cwt__tx *tx, const char *id, const char *site_id, const char *kind,
                                      int64_t at, size_t rows, const char *data, const char *result,
                                      struct cwt_err *err)
{
    struct cwt__sv p[] = {CWT_SV_TEXT(id), CWT_SV_TEXT(site_id), CWT_SV_TEXT(kind), CWT_SV_INT(at),
                          CWT_SV_INT((int64_t)rows), CWT_SV_TEXT(data), CWT_SV_TEXT(result)};
    return cwt__tx_exec(tx,
        "INSERT INTO uploads (id, site_id, kind, at, rows_n, data, result) VALUES (?, ?, ?, ?, ?, ?, ?)", p, 7, NULL,
        NULL, NULL, err);
}

enum cwt_status cwt__store_upload_count(struct cwt__store *st, const char *site_id, int64_t *n, struct cwt_err *err)
{
    struct cwt__sv p[] = {CWT_SV_TEXT(site_id)};
    *n = 0;
    return cwt__store_exec(st, site_id ? "SELECT count(*) FROM uploads WHERE site_id = ?"
                                       : "SELECT count(*) FROM uploads",
                           p, site_id ? 1 : 0, cwt__row_get_int, n, NULL, err);
}

/* ---- the log ---------------------------------------------------------------------------------- */

#define LOG_COLS "seq, at, site, from_state, to_state, reason, prev, hash"

static void conv_log(struct cwt__log_entry *e, const struct cwt__row *r)
{
    memset(e, 0, sizeof *e);
    e->seq = (uint64_t)cwt__row_int(r, 0);
    e->at = cwt__row_int(r, 1);
    cwt__row_copy(r, 2, e->site, sizeof e->site);
    cwt__row_copy(r, 3, e->from, sizeof e->from);
    cwt__row_copy(r, 4, e->to, sizeof e->to);
    cwt__row_copy(r, 5, e->reason, sizeof e->reason);
    cwt__row_copy(r, 6, e->prev, sizeof e->prev);
    cwt__row_copy(r, 7, e->hash, sizeof e->hash);
}

struct head_acc {
    struct cwt__log_entry *e;
    bool found;
};

static enum cwt_status on_head(void *ud, const struct cwt__row *r)
{
    struct head_acc *a = ud;
    a->found = true;
    conv_log(a->e, r);
    return CWT_OK;
}

enum cwt_status cwt__tx_log_append(struct cwt__tx *tx, struct cwt__log_entry *e, struct cwt_err *err)
{
    enum cwt_status rc;
    if (cwt__tx_engine(tx) == CWT__ENGINE_PG) {
        struct cwt__sv k[] = {CWT_SV_INT(LOG_LOCK_KEY)};
        if ((rc = cwt__tx_exec(tx, "SELECT pg_advisory_xact_lock(?)", k, 1, NULL, NULL, NULL, err)))
            return rc;
    }
    struct cwt__log_entry prev;
    struct head_acc a = {&prev, false};
    if ((rc = cwt__tx_exec(tx, "SELECT " LOG_COLS " FROM mark_log ORDER BY seq DESC LIMIT 1", NULL, 0, on_head, &a,
                           NULL, err)))
        return rc;
    cwt__log_entry_seal(e, a.found ? &prev : NULL);
    struct cwt__sv p[] = {CWT_SV_INT((int64_t)e->seq), CWT_SV_INT(e->at), CWT_SV_TEXT(e->site), CWT_SV_TEXT(e->from),
                          CWT_SV_TEXT(e->to), CWT_SV_TEXT(e->reason), CWT_SV_TEXT(e->prev), CWT_SV_TEXT(e->hash)};
    return cwt__tx_exec(tx, "INSERT INTO mark_log (" LOG_COLS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)", p, 8, NULL, NULL,
                        NULL, err);
}

#define LOG_BATCH 512

struct log_src {
    struct cwt__store *st;
    struct cwt__log_entry *buf;
    size_t n, i;
    uint64_t after;   /* last seq read */
    bool done;
};

static enum cwt_status on_batch(void *ud, const struct cwt__row *r)
{
    struct log_src *s = ud;
    if (s->n < LOG_BATCH)
        conv_log(&s->buf[s->n++], r);
    return CWT_OK;
}

static enum cwt_status log_next(void *ud, struct cwt__log_entry *e, struct cwt_err *err)
{
    struct log_src *s = ud;
    if (s->i == s->n) {
        if (s->done)
            return CWT_ENOTFOUND;
        s->n = s->i = 0;
        struct cwt__sv p[] = {CWT_SV_INT((int64_t)s->after), CWT_SV_INT(LOG_BATCH)};
        enum cwt_status rc = cwt__store_exec(s->st,
            "SELECT " LOG_COLS " FROM mark_log WHERE seq > ? ORDER BY seq LIMIT ?", p, 2, on_batch, s, NULL, err);
        if (rc)
            return rc;
        if (s->n < LOG_BATCH)
            s->done = true;
        if (s->n == 0)
            return CWT_ENOTFOUND;
        s->after = s->buf[s->n - 1].seq;
    }
    *e = s->buf[s->i++];
    return CWT_OK;
}

enum cwt_status cwt__store_log_verify(struct cwt__store *st, const char *expect_head, uint64_t expect_count,
                                      struct cwt__log_verdict *out, struct cwt_err *err)
{
    struct log_src s = {.st = st};
    s.buf = cwt_malloc(LOG_BATCH * sizeof *s.buf);
    if (!s.buf)
        return cwt_err_set(err, CWT_ENOMEM, "out of memory");
    enum cwt_status rc = cwt__log_verify(log_next, &s, expect_head, expect_count, out, err);
    cwt_free(s.buf);
    return rc;
}

struct page_acc {
    cwt__log_fn fn;
    void *ud;
    size_t n, limit;
    uint64_t last;
};

static enum cwt_status on_page(void *ud, const struct cwt__row *r)
{
    struct page_acc *a = ud;
    if (++a->n > a->limit)
        return CWT_OK;
    struct cwt__log_entry e;
    conv_log(&e, r);
    a->last = e.seq;
    return a->fn(a->ud, &e);
}

enum cwt_status cwt__store_log_page(struct cwt__store *st, uint64_t before, size_t limit, cwt__log_fn fn, void *ud,
                                    uint64_t *next_before, uint64_t *total, struct cwt_err *err)
{
    struct page_acc a = {fn, ud, 0, limit, 0};
    struct cwt__sv p[] = {CWT_SV_INT(before ? (int64_t)before : INT64_MAX), CWT_SV_INT((int64_t)limit + 1)};
    int64_t count = 0;
    enum cwt_status rc = cwt__store_exec(st, "SELECT count(*) FROM mark_log", NULL, 0, cwt__row_get_int, &count,
                                         NULL, err);
    if (rc == CWT_OK)
        rc = cwt__store_exec(st, "SELECT " LOG_COLS " FROM mark_log WHERE seq < ? ORDER BY seq DESC LIMIT ?", p, 2,
                             on_page, &a, NULL, err);
    *next_before = rc == CWT_OK && a.n > limit ? a.last : 0;
    *total = (uint64_t)count;
    return rc;
}

/* ---- keys ------------------------------------------------------------------------------------- */

struct key_acc {
    cwt__key_fn fn;
    void *ud;
};

static enum cwt_status on_key(void *ud, const struct cwt__row *r)
{
    struct key_acc *a = ud;
    struct cwt__key_row k = {0};
    cwt__row_copy(r, 0, k.kid, sizeof k.kid);
    cwt__row_copy(r, 1, k.pk, sizeof k.pk);
    cwt__row_copy(r, 2, k.sealed, sizeof k.sealed);
    k.created = cwt__row_int(r, 3);
    k.retired = cwt__row_int(r, 4);
    return a->fn(a->ud, &k);
}

enum cwt_status cwt__store_keys_each(struct cwt__store *st, cwt__key_fn fn, void *ud, struct cwt_err *err)
{
    struct key_acc a = {fn, ud};
    return cwt__store_exec(st, "SELECT kid, pk, sealed, created, retired FROM attest_keys ORDER BY created, kid",
                           NULL, 0, on_key, &a, NULL, err);
}

enum cwt_status cwt__store_key_rotate(struct cwt__store *st, const struct cwt__key_row *k, struct cwt_err *err)
{
    struct cwt__tx *tx = NULL;
    enum cwt_status rc = cwt__tx_begin(st, CWT__TX_WRITE, &tx, err);
    if (rc)
        return rc;
    struct cwt__sv r[] = {CWT_SV_INT(k->created)};
    rc = cwt__tx_exec(tx, "UPDATE attest_keys SET retired = ?, sealed = NULL WHERE retired = 0", r, 1, NULL, NULL,
                      NULL, err);
    struct cwt__sv p[] = {CWT_SV_TEXT(k->kid), CWT_SV_TEXT(k->pk), CWT_SV_TEXT(k->sealed), CWT_SV_INT(k->created)};
    if (rc == CWT_OK)
        rc = cwt__tx_exec(tx, "INSERT INTO attest_keys (kid, pk, sealed, created, retired) VALUES (?, ?, ?, ?, 0)",
                          p, 4, NULL, NULL, NULL, err);
    if (rc == CWT_OK)
        rc = cwt__tx_program_bump(tx, err);
    if (rc == CWT_OK)
        return cwt__tx_commit(tx, err);
    cwt__tx_rollback(tx);
    return rc;
}
