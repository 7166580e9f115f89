/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the evaluation routes: list a site's evaluations
 * (newest first, paginated), read one with its full report, and request a
 * new one (an "evaluate" job for `cwtap worker`, deduplicated while queued).
 * Only evaluations of the caller's own sites are ever visible.
 */
#include <stdio.h>

#include "server/server.h"
#include "store/store_marks.h"

static json_t *eval_json(const struct cwt__evaluation *e)
{
    char iso[21];
    cwt_time_format_iso(e->at, iso);
    json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:o, s:s}", "id", e->id, "site_id", e->site_id, "at", iso,
                          "model_version", e->model_version, "total", e->total < 0 ? json_null() : json_real(e->total),
                          "grade", e->grade);
    if (j && e->report) {
        json_t *r = json_loads(e->report, 0, NULL);
        json_object_set_new(j, "report", r ? r : json_string(e->report));
    }
    return j;
}

/* Adds the threshold in force when the evaluation was judged (null before the program judged it). */
static json_t *with_threshold(struct cwt__store *st, json_t *j, const char *eval_id)
{
    struct cwt__eval_threshold t;
    struct cwt_err err;
    if (j && cwt__store_eval_threshold_get(st, eval_id, &t, &err) == CWT_OK)
        json_object_set_new(j, "threshold",
                            json_pack("{s:s?, s:f, s:f, s:b, s:b, s:s}", "cycle", t.cycle_id[0] ? t.cycle_id : NULL,
                                      "enter", t.enter, "stay", t.stay, "meets_enter", t.meets_enter, "meets_stay",
                                      t.meets_stay, "explain", t.explain));
    else if (j && !json_object_get(j, "threshold"))
        json_object_set_new(j, "threshold", json_null());
    return j;
}

struct list_ud {
    json_t *items;
    struct cwt__store *st;
};

static enum cwt_status add_eval(void *ud, const void *item)
{
    struct list_ud *l = ud;
    const struct cwt__evaluation *e = item;
    return json_array_append_new(l->items, with_threshold(l->st, eval_json(e), e->id)) == 0 ? CWT_OK : CWT_ENOMEM;
}

void srv_route_evals_list(struct srv_req *rq, struct srv_resp *rs)
{
    struct cwt__page pg;
    struct cwt__site s;
    struct cwt_err err;
    if (!srv_page(rq, rs, &pg))
        return;
    if (cwt__store_site_get(srv_store(rq->srv), rq->caller.enterprise_id, rq->params[0], &s, &err) != CWT_OK) {
        srv_error_from(rs, &err);
        return;
    }
    json_t *items = json_array();
    struct list_ud l = {items, srv_store(rq->srv)};
    if (cwt__store_eval_list(srv_store(rq->srv), rq->caller.enterprise_id, s.id, &pg, add_eval, &l, &err)) {
        json_decref(items);
        srv_error_from(rs, &err);
        return;
    }
    srv_json(rs, 200, json_pack("{s:o, s:s?}", "items", items, "next_cursor",
                                pg.next_cursor[0] ? pg.next_cursor : NULL));
}

void srv_route_evals_get(struct srv_req *rq, struct srv_resp *rs)
{
    struct cwt__evaluation e;
    struct cwt_err err;
    if (cwt__store_eval_get(srv_store(rq->srv), rq->caller.enterprise_id, rq->params[0], &e, &err) != CWT_OK) {
        srv_error_from(rs, &err);
        return;
    }
    srv_json(rs, 200, with_threshold(srv_store(rq->srv), eval_json(&e), e.id));
    cwt__evaluation_release(&e);
}

void srv_route_evals_request(struct srv_req *rq, struct srv_resp *rs)
{
    struct cwt__site s;
    struct cwt_err err;
    if (rq->body_len) {
        /* An optional empty object; anything else is refused like any body. */
        json_t *b = srv_body(rq, rs, NULL, 0);
        if (!b)
            return;
        json_decref(b);
    }
    if (cwt__store_site_get(srv_store(rq->srv), rq->caller.enterprise_id, rq->params[0], &s, &err) != CWT_OK) {
        srv_error_from(rs, &err);
        return;
    }
    if (!s.verified_at) {
        srv_error(rs, 409, "not_verified", "id", "prove ownership of '%s' before requesting evaluations", s.domain);
        return;
    }
    char key[64];
    bool queued = false;
    snprintf(key, sizeof key, "evaluate:%s", s.id);
    if (cwt__store_job_enqueue(srv_store(rq->srv), "evaluate", s.id, "{}", key, 5, rq->now, rq->now, &queued,
                               &err) != CWT_OK) {
        srv_error_from(rs, &err);
        return;
    }
    srv_json(rs, 202, json_pack("{s:s, s:b, s:s}", "site_id", s.id, "queued", queued, "message",
                                queued ? "the evaluation is queued" : "an evaluation is already queued"));
}
