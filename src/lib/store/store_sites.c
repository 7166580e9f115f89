/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the site and evaluation records of the store: sites
 * registered by an enterprise (normalised domain, ownership token and proof,
 * the scheduler's next evaluation time) and the evaluations stored for them.
 * Every query matches the owner in SQL, so another enterprise's site reads as
 * missing.
 */
#include <stdio.h>
#include <stdlib.h>

#include "store/store_records.h"

#define SITE_COLS "id, enterprise_id, domain, registrable, url, token, verified_at, verify_method, active, " \
                  "next_eval_at, created_at"
#define EVAL_COLS "e.id, e.site_id, e.at, e.model_version, e.total, e.grade"

static enum cwt_status row_site(void *ud, const struct cwt__row *r)
{
    struct cwt__site *s = ud;
    cwt__row_copy(r, 0, s->id, sizeof s->id);
    cwt__row_copy(r, 1, s->enterprise_id, sizeof s->enterprise_id);
    cwt__row_copy(r, 2, s->domain, sizeof s->domain);
    cwt__row_copy(r, 3, s->registrable, sizeof s->registrable);
    cwt__row_copy(r, 4, s->url, sizeof s->url);
    cwt__row_copy(r, 5, s->token, sizeof s->token);
    s->verified_at = cwt__row_int(r, 6);
    cwt__row_copy(r, 7, s->verify_method, sizeof s->verify_method);
    s->active = cwt__row_int(r, 8) != 0;
    s->next_eval_at = cwt__row_int(r, 9);
    s->created_at = cwt__row_int(r, 10);
    return CWT_OK;
}

enum cwt_status cwt__store_site_create(struct cwt__store *st, const struct cwt__site *s, struct cwt_err *err)
{
    struct cwt__sv p[] = {CWT_SV_TEXT(s->id), CWT_SV_TEXT(s->enterprise_id), CWT_SV_TEXT(s->domain),
                          CWT_SV_TEXT(s->registrable), CWT_SV_TEXT(s->url), CWT_SV_TEXT(s->token),
                          CWT_SV_INT(s->active), CWT_SV_INT(s->created_at)};
    enum cwt_status rc = cwt__store_exec(st, "INSERT INTO sites (id, enterprise_id, domain, registrable, url, "
                                             "token, active, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                                         p, CWT_ARRAY_LEN(p), NULL, NULL, NULL, err);
    if (rc == CWT_ECONFLICT)
        cwt_err_setf(err, rc, "domain", "the site '%s' is already registered", s->domain);
    return rc;
}

enum cwt_status cwt__store_site_get(struct cwt__store *st, const char *enterprise_id, const char *id,
                                    struct cwt__site *out, struct cwt_err *err)
{
    out->id[0] = '\0';
    struct cwt__sv p[] = {CWT_SV_TEXT(id), CWT_SV_TEXT(enterprise_id)};
    enum cwt_status rc = enterprise_id
        ? cwt__store_exec(st, "SELECT " SITE_COLS " FROM sites WHERE id = ? AND enterprise_id = ?", p, 2,
                          row_site, out, NULL, err)
        : cwt__store_exec(st, "SELECT " SITE_COLS " FROM sites WHERE id = ?", p, 1, row_site, out, NULL, err);
    if (rc == CWT_OK && !out->id[0])
        rc = cwt_err_setf(err, CWT_ENOTFOUND, "id", "no such site");
    return rc;
}

static enum cwt_status conv_site(void *item, const struct cwt__row *r)
{
    return row_site(item, r);
}

enum cwt_status cwt__store_site_list(struct cwt__store *st, const char *enterprise_id, struct cwt__page *pg,
                                     cwt__each_fn fn, void *ud, struct cwt_err *err)
{
    struct cwt__site s;
    return cwt__store_list(st,
        "SELECT " SITE_COLS " FROM sites WHERE enterprise_id = ? ORDER BY created_at, id LIMIT ?",
        "SELECT " SITE_COLS " FROM sites WHERE enterprise_id = ? AND (created_at > ? OR (created_at = ? AND "
        "id > ?)) ORDER BY created_at, id LIMIT ?",
        enterprise_id, NULL, 10, pg, &s, sizeof s, conv_site, fn, ud, err);
}

enum cwt_status cwt__store_site_set_verified(struct cwt__store *st, const char *enterprise_id, const char *id,
                                             const char *method, int64_t at, struct cwt_err *err)
{
    int64_t n = 0;
    struct cwt__tx *tx = NULL;
    struct cwt__sv p[] = {CWT_SV_INT(at), CWT_SV_TEXT(method), CWT_SV_INT(at), CWT_SV_TEXT(id),
                          CWT_SV_TEXT(enterprise_id)};
    enum cwt_status rc = cwt__tx_begin(st, CWT__TX_WRITE, &tx, err);
    if (rc != CWT_OK)
        return rc;
    rc = cwt__tx_exec(tx, "UPDATE sites SET verified_at = ?, verify_method = ?, "
                          "next_eval_at = COALESCE(next_eval_at, ?) WHERE id = ? AND enterprise_id = ?",
                      p, 5, NULL, NULL, &n, err);
    if (rc == CWT_OK && n == 0)
        rc = cwt_err_setf(err, CWT_ENOTFOUND, "id", "no such site");
    if (rc == CWT_OK)
        rc = cwt__tx_bump(tx, "sites", err);
    if (rc != CWT_OK) {
        cwt__tx_rollback(tx);
        return rc;
    }
    return cwt__tx_commit(tx, err);
}

void cwt__evaluation_release(struct cwt__evaluation *e)
{
    if (!e)
        return;
    cwt_free(e->report);
    e->report = NULL;
}

static enum cwt_status row_eval(void *ud, const struct cwt__row *r)
{
    struct cwt__evaluation *e = ud;
    cwt__row_copy(r, 0, e->id, sizeof e->id);
    cwt__row_copy(r, 1, e->site_id, sizeof e->site_id);
    e->at = cwt__row_int(r, 2);
    cwt__row_copy(r, 3, e->model_version, sizeof e->model_version);
    e->total = cwt__row_isnull(r, 4) ? -1.0 : strtod(cwt__row_text(r, 4), NULL);
    cwt__row_copy(r, 5, e->grade, sizeof e->grade);
    if (cwt__row_ncols(r) > 6) {
        cwt_free(e->report);
        e->report = cwt__row_strdup(r, 6);
        if (!e->report)
            return CWT_ENOMEM;
    }
    return CWT_OK;
}

enum cwt_status cwt__store_eval_insert(struct cwt__store *st, const struct cwt__evaluation *e, struct cwt_err *err)
{
    /* A double travels as text so both engines parse it as a number; %.17g round-trips. */
    char total[40];
    snprintf(total, sizeof total, "%.17g", e->total);
    struct cwt__sv p[] = {CWT_SV_TEXT(e->id), CWT_SV_TEXT(e->site_id), CWT_SV_INT(e->at),
                          CWT_SV_TEXT(e->model_version), e->total < 0 ? CWT_SV_NULL : CWT_SV_TEXT(total),
                          CWT_SV_TEXT(e->grade), CWT_SV_TEXT(e->report ? e->report : "{}")};
    struct cwt__tx *tx = NULL;
    enum cwt_status rc = cwt__tx_begin(st, CWT__TX_WRITE, &tx, err);
    if (rc != CWT_OK)
        return rc;
    rc = cwt__tx_exec(tx, cwt__store_engine(st) == CWT__ENGINE_PG
        ? "INSERT INTO evaluations (id, site_id, at, model_version, total, grade, report) "
          "VALUES (?, ?, ?, ?, CAST(? AS DOUBLE PRECISION), ?, ?)"
        : "INSERT INTO evaluations (id, site_id, at, model_version, total, grade, report) "
          "VALUES (?, ?, ?, ?, CAST(? AS REAL), ?, ?)",
        p, CWT_ARRAY_LEN(p), NULL, NULL, NULL, err);
    if (rc == CWT_OK)
        rc = cwt__tx_bump(tx, "evaluations", err);
    if (rc != CWT_OK) {
        cwt__tx_rollback(tx);
        return rc;
    }
    return cwt__tx_commit(tx, err);
}

enum cwt_status cwt__store_eval_get(struct cwt__store *st, const char *enterprise_id, const char *id,
                                    struct cwt__evaluation *out, struct cwt_err *err)
{
    memset(out, 0, sizeof *out);
    struct cwt__sv p[] = {CWT_SV_TEXT(id), CWT_SV_TEXT(enterprise_id)};
    enum cwt_status rc = enterprise_id
        ? cwt__store_exec(st, "SELECT " EVAL_COLS ", e.report FROM evaluations e JOIN sites s ON s.id = e.site_id "
                              "WHERE e.id = ? AND s.enterprise_id = ?", p, 2, row_eval, out, NULL, err)
        : cwt__store_exec(st, "SELECT " EVAL_COLS ", e.report FROM evaluations e WHERE e.id = ?", p, 1, row_eval,
                          out, NULL, err);
    if (rc == CWT_OK && !out->id[0])
        rc = cwt_err_setf(err, CWT_ENOTFOUND, "id", "no such evaluation");
    if (rc != CWT_OK)
        cwt__evaluation_release(out);
    return rc;
}

static enum cwt_status conv_eval(void *item, const struct cwt__row *r)
{
    return row_eval(item, r);
}

struct latest_acc {
    cwt__each_fn fn;
    void *ud;
    size_t n, max;
};

static enum cwt_status on_latest(void *ud, const struct cwt__row *r)
{
    struct latest_acc *a = ud;
    if (a->n >= a->max)
        return CWT_OK;
    a->n++;
    struct cwt__evaluation e = {0};
    enum cwt_status rc = row_eval(&e, r);
    if (rc == CWT_OK)
        rc = a->fn(a->ud, &e);
    cwt__evaluation_release(&e);
    return rc;
}

enum cwt_status cwt__store_eval_latest_each(struct cwt__store *st, size_t max, cwt__each_fn fn, void *ud,
                                            size_t *n, struct cwt_err *err)
{
    struct latest_acc a = {fn, ud, 0, max};
    struct cwt__sv p[] = {CWT_SV_INT((int64_t)max + 1)};
    enum cwt_status rc = cwt__store_exec(st,
        "SELECT " EVAL_COLS ", e.report FROM sites s JOIN evaluations e ON e.id = (SELECT x.id FROM evaluations x "
        "WHERE x.site_id = s.id ORDER BY x.at DESC, x.id DESC LIMIT 1) ORDER BY s.id LIMIT ?",
        p, 1, on_latest, &a, NULL, err);
    if (n)
        *n = a.n;
    return rc;
}

enum cwt_status cwt__store_eval_list(struct cwt__store *st, const char *enterprise_id, const char *site_id,
                                     struct cwt__page *pg, cwt__each_fn fn, void *ud, struct cwt_err *err)
{
    struct cwt__evaluation e;
    /* Newest first: the cursor continues below (at, id). */
    return cwt__store_list(st,
        "SELECT " EVAL_COLS " FROM evaluations e JOIN sites s ON s.id = e.site_id WHERE s.enterprise_id = ? AND "
        "e.site_id = ? ORDER BY e.at DESC, e.id DESC LIMIT ?",
        "SELECT " EVAL_COLS " FROM evaluations e JOIN sites s ON s.id = e.site_id WHERE s.enterprise_id = ? AND "
        "e.site_id = ? AND (e.at < ? OR (e.at = ? AND e.id < ?)) ORDER BY e.at DESC, e.id DESC LIMIT ?",
        enterprise_id, site_id, 2, pg, &e, sizeof e, conv_eval, fn, ud, err);
}
