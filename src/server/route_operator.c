/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the operator's routes (API keys with scope
 * "operator"): list and set evaluation cycles, read and set the threshold
 * policy of a cycle, and rotate the attestation signing key. Every change
 * refreshes the program snapshot.
 */
#include <stdio.h>

#include "server/program.h"

static json_t *cycle_json(const struct cwt__cycle *c)
{
    char d[21], s[21], e[21];
    cwt_time_format_iso(c->deadline, d);
    cwt_time_format_iso(c->start, s);
    cwt_time_format_iso(c->end, e);
    return json_pack("{s:s, s:s, s:s, s:s}", "id", c->id, "deadline", d, "start", s, "end", e);
}

void srv_route_cycles_list(struct srv_req *rq, struct srv_resp *rs)
{
    struct cwt__cycles cs;
    struct cwt_err err;
    cwt__cycles_init(&cs);
    if (cwt__store_cycles_load(srv_store(rq->srv), &cs, &err) != CWT_OK) {
        srv_error_from(rs, &err);
    } else {
        json_t *items = json_array();
        for (size_t i = 0; i < cs.n; i++)
            json_array_append_new(items, cycle_json(&cs.v[i]));
        const struct cwt__cycle *cur = cwt__cycles_current(&cs, rq->now);
        srv_json(rs, 200, json_pack("{s:o, s:s?}", "items", items, "current", cur ? cur->id : NULL));
    }
    cwt__cycles_release(&cs);
}

static const struct srv_field cycle_spec[] = {
    {"deadline", SRV_F_STRING, true, 32},
    {"start", SRV_F_STRING, true, 32},
    {"end", SRV_F_STRING, true, 32},
};

void srv_route_cycles_put(struct srv_req *rq, struct srv_resp *rs)
{
    json_t *b = srv_body(rq, rs, cycle_spec, CWT_ARRAY_LEN(cycle_spec));
    if (!b)
        return;
    struct cwt__cycle c = {0};
    struct cwt_err err;
    snprintf(c.id, sizeof c.id, "%s", rq->params[0]);
    int64_t *dst[] = {&c.deadline, &c.start, &c.end};
    for (size_t i = 0; i < CWT_ARRAY_LEN(cycle_spec); i++)
        if (cwt_time_parse_iso(json_string_value(json_object_get(b, cycle_spec[i].name)), dst[i]) != CWT_OK) {
            srv_error(rs, 400, "invalid", cycle_spec[i].name, "'%s' must be a UTC time like 2026-07-31T23:59:59Z",
                      cycle_spec[i].name);
            json_decref(b);
            return;
        }
    json_decref(b);
    if (cwt__store_cycle_put(srv_store(rq->srv), &c, rq->now, &err) != CWT_OK) {
        srv_error_from(rs, &err);
        return;
    }
    srv_program_changed(rq->srv);
    srv_json(rs, 200, cycle_json(&c));
}

static json_t *tp_json(const char *cycle, const struct cwt__threshold_policy *tp, bool is_set)
{
    json_t *mf = json_object();
    static const char *const names[] = {"basic", "operational", "content"};
    for (size_t k = 0; k < CWT__THRESHOLD_MODULES; k++)
        json_object_set_new(mf, names[k], tp->module_floor[k] < 0 ? json_null() : json_real(tp->module_floor[k]));
    return json_pack("{s:s, s:f, s:o, s:b, s:f, s:I, s:f, s:b}", "cycle", cycle, "floor", tp->floor, "module_floors",
                     mf, "use_percentile", tp->use_percentile, "percentile", tp->percentile, "min_cohort",
                     (json_int_t)tp->min_cohort, "margin", tp->margin, "operator_set", is_set);
}

void srv_route_threshold_get(struct srv_req *rq, struct srv_resp *rs)
{
    struct cwt__threshold_policy tp;
    struct cwt_err err;
    bool is_set = false;
    struct cwt__cycles cs;
    cwt__cycles_init(&cs);
    enum cwt_status rc = cwt__store_cycles_load(srv_store(rq->srv), &cs, &err);
    bool known = rc == CWT_OK && cwt__cycles_find(&cs, rq->params[0]);
    cwt__cycles_release(&cs);
    if (rc == CWT_OK && !known) {
        srv_error(rs, 404, "not_found", "cycle", "no cycle '%s'", rq->params[0]);
        return;
    }
    if (rc != CWT_OK || cwt__store_threshold_get(srv_store(rq->srv), rq->params[0], &tp, &is_set, &err) != CWT_OK) {
        srv_error_from(rs, &err);
        return;
    }
    srv_json(rs, 200, tp_json(rq->params[0], &tp, is_set));
}

/* Numbers arrive as JSON numbers; the body is checked by hand (srv_body knows strings, ints, bools). */
void srv_route_threshold_put(struct srv_req *rq, struct srv_resp *rs)
{
    json_error_t je;
    json_t *b = json_loadb(rq->body, rq->body_len, JSON_REJECT_DUPLICATES, &je);
    struct cwt__threshold_policy tp;
    struct cwt_err err;
    cwt__threshold_policy_default(&tp);
    if (!json_is_object(b)) {
        srv_error(rs, 400, "invalid", "", "the body must be a JSON object");
        json_decref(b);
        return;
    }
    static const char *const names[] = {"basic", "operational", "content"};
    const char *key;
    json_t *v;
    json_object_foreach(b, key, v) {
        bool ok = true;
        if (strcmp(key, "floor") == 0 && (ok = json_is_number(v)))
            tp.floor = json_number_value(v);
        else if (strcmp(key, "percentile") == 0 && (ok = json_is_number(v)))
            tp.percentile = json_number_value(v);
        else if (strcmp(key, "margin") == 0 && (ok = json_is_number(v)))
            tp.margin = json_number_value(v);
        else if (strcmp(key, "min_cohort") == 0 && (ok = json_is_integer(v) && json_integer_value(v) >= 0))
            tp.min_cohort = (size_t)json_integer_value(v);
        else if (strcmp(key, "use_percentile") == 0 && (ok = json_is_boolean(v)))
            tp.use_percentile = json_is_true(v);
        else if (strcmp(key, "module_floors") == 0 && (ok = json_is_object(v))) {
            for (size_t k = 0; k < CWT__THRESHOLD_MODULES; k++) {
                json_t *f = json_object_get(v, names[k]);
                if (f && !json_is_null(f) && !json_is_number(f))
                    ok = false;
                tp.module_floor[k] = json_is_number(f) ? json_number_value(f) : -1;
            }
        } else if (strcmp(key, "floor") && strcmp(key, "percentile") && strcmp(key, "margin") &&
                   strcmp(key, "min_cohort") && strcmp(key, "use_percentile") && strcmp(key, "module_floors")) {
            srv_error(rs, 400, "unknown_field", key, "unknown field '%s'", key);
            json_decref(b);
            return;
        }
        if (!ok) {
            srv_error(rs, 400, "invalid", key, "'%s' has the wrong type", key);
            json_decref(b);
            return;
        }
    }
    json_decref(b);
    if (cwt__store_threshold_put(srv_store(rq->srv), rq->params[0], &tp, rq->now, &err) != CWT_OK) {
        srv_error_from(rs, &err);
        return;
    }
    srv_program_changed(rq->srv);
    srv_json(rs, 200, tp_json(rq->params[0], &tp, true));
}

void srv_route_keys_rotate(struct srv_req *rq, struct srv_resp *rs)
{
    const char *path = srv_cfg(rq->srv)->master_key_path ? srv_cfg(rq->srv)->master_key_path
                                                         : "var/cwtap-master.key";
    unsigned char master[32];
    struct cwt_err err;
    enum cwt_status rc = cwt__master_key_load(path, true, master, &err);
    if (rc == CWT_OK)
        rc = cwt__markflow_keys_rotate(srv_store(rq->srv), master, rq->now, &err);
    memset(master, 0, sizeof master);
    if (rc != CWT_OK) {
        srv_error_from(rs, &err);
        return;
    }
    srv_program_changed(rq->srv);
    struct srv_snapshot *snap = srv_program_snapshot(rq);
    const struct prog_snap *ps = snap ? snap->data : NULL;
    const struct cwt__key *k = ps ? cwt__keyset_active(&ps->ks) : NULL;
    srv_json(rs, 200, json_pack("{s:s?, s:s}", "active_kid", k ? k->kid : NULL, "keys", "/.well-known/cwtap-keys.json"));
    srv_snapshot_release(snap);
}
