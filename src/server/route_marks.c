/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the exporter's mark routes: the mark state with the
 * 72-hour countdown and what is still due, the three uploads (CSV bodies,
 * row-level errors in the reply; a refused file is not stored in any form),
 * the score-review request (423 naming the lock's end while locked), and the
 * industry the public registry lists the site under.
 * Due deadlines are applied before the mark is read, so the answer is right
 * at the second even when no worker ran.
 */
#include <stdio.h>

#include "program/cycle.h"
#include "program/markflow.h"
#include "server/program.h"
#include "server/server.h"

static bool own_site(struct srv_req *rq, struct srv_resp *rs, struct cwt__site *s)
{
    struct cwt_err err;
    if (cwt__store_site_get(srv_store(rq->srv), rq->caller.enterprise_id, rq->params[0], s, &err) != CWT_OK) {
        srv_error_from(rs, &err);
        return false;
    }
    return true;
}

json_t *srv_mark_json(const struct cwt__mark_row *r, const struct cwt__program_policy *p, int64_t now)
{
    const struct cwt__mark *m = &r->m;
    json_t *j = json_object();
    json_object_set_new(j, "site_id", json_string(r->site_id));
    json_object_set_new(j, "state", json_string(cwt__mark_state_name(m->state)));
    json_object_set_new(j, "green", json_boolean(cwt__mark_shows_green(m->state)));
    json_object_set_new(j, "since", srv_iso_or_null(m->since));
    json_object_set_new(j, "integrated_at", srv_iso_or_null(m->integrated_at));
    json_object_set_new(j, "green_at", srv_iso_or_null(m->green_at));
    json_object_set_new(j, "score", m->has_score ? json_real(m->score) : json_null());
    json_object_set_new(j, "evaluated_at", srv_iso_or_null(m->evaluated_at));
    json_object_set_new(j, "threshold", r->has_threshold ? json_real(r->threshold) : json_null());
    struct cwt__duty_status d;
    cwt__duty_check(m->green_at, m->uploaded_at, p, now, &d);
    json_t *duty = json_object();
    json_object_set_new(duty, "open", json_boolean(d.open && m->green_at));
    json_object_set_new(duty, "met", json_boolean(m->duties_met));
    json_object_set_new(duty, "due", m->green_at ? srv_iso_or_null(d.due) : json_null());
    int64_t left = m->green_at && d.open ? d.due - now : 0;
    json_object_set_new(duty, "seconds_left", json_integer(left < 0 ? 0 : left));
    char hms[32];
    snprintf(hms, sizeof hms, "%02lld:%02lld:%02lld", (long long)(left / 3600), (long long)(left / 60 % 60),
             (long long)(left % 60));
    json_object_set_new(duty, "countdown", json_string(hms));
    json_t *ups = json_object();
    for (unsigned k = 0; k < CWT__UPLOAD_COUNT_; k++)
        json_object_set_new(ups, cwt__upload_kind_name(k), srv_iso_or_null(m->uploaded_at[k]));
    json_object_set_new(duty, "uploaded", ups);
    json_object_set_new(duty, "explain", json_string(d.explain));
    json_object_set_new(j, "duty", duty);
    json_object_set_new(j, "downgraded_at", srv_iso_or_null(m->downgraded_at));
    json_object_set_new(j, "review_locked_until",
                        m->review_locked_until > now ? srv_iso_or_null(m->review_locked_until) : json_null());
    return j;
}

/*
 * Which cycle's traffic-weighting pool the site is in, or which it was deferred to
 * (cwt__pool_decide): {"cycle", "deferred", "missed", "in_current", "explain"}; cycle null
 * until the site has met the threshold since its integration. NULL when the cycles cannot be read.
 */
static json_t *pool_json(struct srv_req *rq, const struct cwt__mark *m, const struct cwt__cycle *current)
{
    struct cwt__cycles cs;
    struct cwt_err err;
    cwt__cycles_init(&cs);
    if (cwt__store_cycles_load(srv_store(rq->srv), &cs, &err) != CWT_OK) {
        cwt__cycles_release(&cs);
        return NULL;
    }
    json_t *j;
    if (!m->qualified_at) {
        j = json_pack("{s:n, s:b, s:n, s:b, s:s}", "cycle", "deferred", false, "missed", "in_current", false,
                      "explain", "in no pool yet: the site has not met the threshold since it was integrated");
    } else {
        struct cwt__pool_decision d;
        cwt__pool_decide(&cs, m->integrated_at, m->qualified_at, &d);
        j = json_pack("{s:s?, s:b, s:s?, s:b, s:s}", "cycle", d.cycle ? d.cycle->id : NULL, "deferred", d.deferred,
                      "missed", d.missed ? d.missed->id : NULL, "in_current",
                      current && cwt__pool_contains(current, m->qualified_at), "explain", d.explain);
    }
    cwt__cycles_release(&cs);
    return j;
}

void srv_route_mark_get(struct srv_req *rq, struct srv_resp *rs)
{
    struct cwt__site s;
    struct cwt__mark_row r;
    struct cwt_err err;
    struct cwt__program_policy p;
    if (!own_site(rq, rs, &s))
        return;
    srv_program_policy(rq->srv, &p);
    if (cwt__markflow_tick_due(srv_store(rq->srv), &p, rq->now, NULL, &err) != CWT_OK) {
        srv_error_from(rs, &err);
        return;
    }
    enum cwt_status rc = cwt__store_mark_get(srv_store(rq->srv), s.id, &r, &err);
    if (rc == CWT_ENOTFOUND) {
        memset(&r, 0, sizeof r);
        snprintf(r.site_id, sizeof r.site_id, "%s", s.id);
    } else if (rc != CWT_OK) {
        srv_error_from(rs, &err);
        return;
    }
    json_t *j = srv_mark_json(&r, &p, rq->now);
    struct cwt__cycle c;
    bool has_cycle = cwt__markflow_cycle_at(srv_store(rq->srv), rq->now, &c, &err) == CWT_OK;
    if (has_cycle)
        json_object_set_new(j, "cycle", json_string(c.id));
    json_t *pool = pool_json(rq, &r.m, has_cycle ? &c : NULL);
    cwt__mark_row_release(&r);
    if (!pool) {
        json_decref(j);
        srv_error(rs, 500, "internal", NULL, "cannot read the evaluation cycles");
        return;
    }
    json_object_set_new(j, "pool", pool);
    srv_json(rs, 200, j);
}

void srv_route_uploads_create(struct srv_req *rq, struct srv_resp *rs)
{
    struct cwt__site s;
    struct cwt_err err;
    enum cwt__upload_kind kind;
    struct cwt__program_policy p;
    if (cwt__upload_kind_parse(rq->params[1], &kind) != CWT_OK) {
        srv_error(rs, 404, "not_found", "kind", "no such upload kind (customs, iso, outlets)");
        return;
    }
    if (!own_site(rq, rs, &s))
        return;
    if (rq->body_len == 0) {
        srv_error(rs, 400, "invalid", "body", "the body must be the CSV file");
        return;
    }
    srv_program_policy(rq->srv, &p);
    struct cwt__upload_result res;
    memset(&res, 0, sizeof res);
    bool stored = false;
    enum cwt_status rc = cwt__markflow_upload(srv_store(rq->srv), &p, s.id, kind, rq->body, rq->body_len, rq->now,
                                              &res, &stored, &err);
    if (rc != CWT_OK) {
        srv_error_from(rs, &err);
    } else {
        json_t *j = cwt__upload_result_json(&res);
        json_object_set_new(j, "stored", json_boolean(stored));
        if (!stored) {
            srv_json(rs, 422, json_pack("{s:{s:s, s:s, s:s}, s:o}", "error", "code", "upload_refused", "message",
                                        res.sensitive ? "the file holds sensitive data and was not stored"
                                                      : "the file has errors and was not stored",
                                        "field", "body", "result", j));
        } else {
            srv_program_changed(rq->srv);
            srv_json(rs, 201, j);
        }
    }
    cwt__upload_result_release(&res);
}

void srv_route_review_request(struct srv_req *rq, struct srv_resp *rs)
{
    struct cwt__site s;
    struct cwt_err err;
    struct cwt__program_policy p;
    if (!own_site(rq, rs, &s))
        return;
    srv_program_policy(rq->srv, &p);
    cwt_err_clear(&err);
    enum cwt_status rc = cwt__markflow_review(srv_store(rq->srv), &p, s.id, rq->now, &err);
    srv_program_changed(rq->srv);
    if (rc == CWT_ELOCKED) {
        srv_json(rs, 423, json_pack("{s:{s:s, s:s, s:s}, s:s}", "error", "code", "review_locked", "message", err.msg,
                                    "field", "site", "locked_until", err.field));
        return;
    }
    if (rc == CWT_EPERM) {
        srv_error(rs, 409, "not_integrated", "site", "%s", err.msg);
        return;
    }
    if (rc != CWT_OK) {
        srv_error_from(rs, &err);
        return;
    }
    char key[64];
    bool queued = false;
    snprintf(key, sizeof key, "evaluate:%s", s.id);
    if (cwt__store_job_enqueue(srv_store(rq->srv), "evaluate", s.id, "{\"review\":true}", key, 5, rq->now, rq->now,
                               &queued, &err) != CWT_OK) {
        srv_error_from(rs, &err);
        return;
    }
    srv_json(rs, 202, json_pack("{s:s, s:b, s:s}", "site_id", s.id, "queued", queued, "message",
                                "the score review is queued"));
}

static const struct srv_field industry_spec[] = {
    {"industry", SRV_F_STRING, true, 63},
};

void srv_route_industry_put(struct srv_req *rq, struct srv_resp *rs)
{
    struct cwt_err err;
    json_t *b = srv_body(rq, rs, industry_spec, CWT_ARRAY_LEN(industry_spec));
    if (!b)
        return;
    const char *ind = json_string_value(json_object_get(b, "industry"));
    if (cwt__store_site_set_industry(srv_store(rq->srv), rq->caller.enterprise_id, rq->params[0], ind, &err) !=
        CWT_OK) {
        srv_error_from(rs, &err);
    } else {
        srv_program_changed(rq->srv);
        srv_json(rs, 200, json_pack("{s:s, s:s?}", "site_id", rq->params[0], "industry", *ind ? ind : NULL));
    }
    json_decref(b);
}
