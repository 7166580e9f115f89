/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the operator's model routes: GET /v1/operator/models
 * lists the model versions in the models directory (`cwtap serve --models`)
 * with how many sites' latest evaluations each scored, and GET
 * /v1/operator/models/{version}/preview re-scores the stored latest
 * evaluation of every site with that version (score/model_dir.h: the stored
 * signals, no new crawl) and says how totals and grades would move: counts
 * up, down and unchanged, grades up and down, and the per-site deltas,
 * largest moves first. Nothing is written.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "score/model_dir.h"
#include "server/server.h"

#define PREVIEW_EVALS_MAX 20000 /* latest evaluations read per request */
#define MOVE_EPS 0.005          /* a change under half a hundredth of a point is no change */

static enum cwt_status load_dir(const struct srv *s, struct cwt__model_dir **d, struct cwt_err *err)
{
    const char *dir = srv_cfg(s)->models_dir;
    char def[4096];
    if (!dir)
        cwt__model_dir_default(def, sizeof def);
    return cwt__model_dir_load(dir ? dir : def, d, err);
}

/* ---- the list ------------------------------------------------------------ */

static enum cwt_status count_version(void *ud, const void *item)
{
    const struct cwt__evaluation *e = item;
    json_t *counts = ud;
    json_t *c = json_object_get(counts, e->model_version);
    return json_object_set_new(counts, e->model_version, json_integer(c ? json_integer_value(c) + 1 : 1)) == 0
               ? CWT_OK
               : CWT_ENOMEM;
}

void srv_route_models_list(struct srv_req *rq, struct srv_resp *rs)
{
    struct cwt_err err;
    struct cwt__model_dir *d = NULL;
    json_t *counts = json_object(), *items = json_array();
    size_t n = 0;
    cwt_err_clear(&err);
    if (!counts || !items || load_dir(rq->srv, &d, &err) != CWT_OK ||
        cwt__store_eval_latest_each(srv_store(rq->srv), PREVIEW_EVALS_MAX, count_version, counts, &n, &err)) {
        srv_error_from(rs, &err);
        goto out;
    }
    for (size_t i = 0; i < cwt__model_dir_count(d); i++) {
        const json_t *root = cwt__model_dir_json(d, i);
        json_t *c = json_object_get(counts, cwt__model_dir_version(d, i));
        json_array_append_new(items, json_pack("{s:s, s:s, s:s, s:O?, s:O?, s:I}", "id", cwt__model_dir_id(d, i),
                                               "version", cwt__model_dir_version(d, i), "file",
                                               cwt__model_dir_file(d, i), "date", json_object_get(root, "date"),
                                               "description", json_object_get(root, "description"),
                                               "latest_evaluations", c ? json_integer_value(c) : (json_int_t)0));
    }
    srv_json(rs, 200, json_pack("{s:O, s:O, s:I}", "items", items, "latest_by_version", counts, "sites",
                                (json_int_t)n));
out:
    json_decref(items);
    json_decref(counts);
    cwt__model_dir_free(d);
}

/* ---- the preview ----------------------------------------------------------- */

struct preview_acc {
    const struct cwt__model_dir *d;
    size_t idx;
    json_t *sites;
    size_t up, down, same, grade_up, grade_down, failed;
    double sum;
};

static enum cwt_status preview_one(void *ud, const void *item)
{
    struct preview_acc *a = ud;
    const struct cwt__evaluation *e = item;
    struct cwt_err err;
    double to;
    char gto[8], url[300];
    if (cwt__model_dir_rescore(a->d, a->idx, e->report, &to, gto, url, sizeof url, &err) != CWT_OK) {
        a->failed++;
        return CWT_OK;
    }
    double from = e->total < 0 ? NAN : e->total;
    double d = isnan(to) || isnan(from) ? NAN : to - from;
    size_t rf = cwt__model_dir_grade_rank(a->d, a->idx, e->grade), rt = cwt__model_dir_grade_rank(a->d, a->idx, gto);
    int gmove = strcmp(e->grade, gto) == 0 ? 0 : rt < rf ? 1 : -1;
    a->up += d > MOVE_EPS;
    a->down += d < -MOVE_EPS;
    a->same += !(d > MOVE_EPS) && !(d < -MOVE_EPS);
    a->grade_up += gmove > 0;
    a->grade_down += gmove < 0;
    a->sum += isnan(d) ? 0 : d;
    json_t *row = json_pack("{s:s, s:s, s:s, s:s, s:o, s:s, s:o, s:s, s:o, s:s}", "site", e->site_id, "url", url,
                            "evaluation", e->id, "model_from", e->model_version, "total_from",
                            isnan(from) ? json_null() : json_real(from), "grade_from", e->grade, "total_to",
                            isnan(to) ? json_null() : json_real(round(to * 100) / 100), "grade_to", gto, "change",
                            isnan(d) ? json_null() : json_real(round(d * 100) / 100), "grade_move",
                            gmove > 0 ? "up" : gmove < 0 ? "down" : "same");
    return row && json_array_append_new(a->sites, row) == 0 ? CWT_OK : CWT_ENOMEM;
}

static double abs_change(const json_t *row)
{
    const json_t *c = json_object_get(row, "change");
    return json_is_number(c) ? fabs(json_number_value(c)) : -1;
}

static int by_move(const void *x, const void *y)
{
    const json_t *a = *(json_t *const *)x, *b = *(json_t *const *)y;
    double da = abs_change(a), db = abs_change(b);
    if (da != db)
        return da > db ? -1 : 1;
    return strcmp(json_string_value(json_object_get(a, "site")), json_string_value(json_object_get(b, "site")));
}

void srv_route_models_preview(struct srv_req *rq, struct srv_resp *rs)
{
    struct cwt__page pg;
    struct cwt_err err;
    struct cwt__model_dir *d = NULL;
    struct preview_acc a = {0};
    json_t **v = NULL;
    if (!srv_page(rq, rs, &pg))
        return;
    cwt_err_clear(&err);
    if (load_dir(rq->srv, &d, &err) != CWT_OK) {
        srv_error_from(rs, &err);
        return;
    }
    a.d = d;
    a.idx = cwt__model_dir_find(d, rq->params[0]);
    if (a.idx == SIZE_MAX) {
        srv_error(rs, 404, "not_found", "version", "no model version '%s' in the models directory", rq->params[0]);
        goto out;
    }
    size_t n = 0;
    if (!(a.sites = json_array()) ||
        cwt__store_eval_latest_each(srv_store(rq->srv), PREVIEW_EVALS_MAX, preview_one, &a, &n, &err) != CWT_OK) {
        srv_error_from(rs, &err);
        goto out;
    }
    size_t ns = json_array_size(a.sites);
    if (!(v = cwt_malloc((ns ? ns : 1) * sizeof *v))) {
        srv_error(rs, 500, "internal", NULL, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < ns; i++)
        v[i] = json_array_get(a.sites, i);
    qsort(v, ns, sizeof *v, by_move);
    json_t *shown = json_array();
    for (size_t i = 0; i < ns && i < pg.limit; i++)
        json_array_append(shown, v[i]);
    srv_json(rs, 200, json_pack("{s:{s:s, s:s, s:s}, s:{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:f}, s:o, s:b}", "model",
                                "id", cwt__model_dir_id(d, a.idx), "version", cwt__model_dir_version(d, a.idx), "file",
                                cwt__model_dir_file(d, a.idx), "summary", "sites", (json_int_t)ns, "up",
                                (json_int_t)a.up, "down", (json_int_t)a.down, "unchanged", (json_int_t)a.same,
                                "grade_up", (json_int_t)a.grade_up, "grade_down", (json_int_t)a.grade_down,
                                "not_rescored", (json_int_t)a.failed, "mean_change",
                                ns ? round(a.sum / (double)ns * 100) / 100 : 0.0, "sites", shown, "truncated",
                                ns > pg.limit || n >= PREVIEW_EVALS_MAX));
out:
    cwt_free(v);
    json_decref(a.sites);
    cwt__model_dir_free(d);
}
