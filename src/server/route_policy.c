/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the operator's program policy routes (scope
 * "operator"): GET /v1/operator/policy shows the version in force, and PUT
 * sets a new version from the members given (the others keep their value).
 * Every refusal names the member; every change is a new version in force from
 * the request's instant, written to the hash-chained log with who made it
 * (store_policy.h), and refreshes the program snapshot.
 */
#include <stdio.h>

#include "server/program.h"

static json_t *policy_json(const struct cwt__policy_row *r)
{
    json_t *p = cwt__program_policy_to_json(&r->p);
    if (!p)
        return NULL;
    return json_pack("{s:I, s:o, s:s, s:o}", "version", (json_int_t)r->version, "set_at",
                     srv_iso_or_null(r->set_at), "set_by", r->set_by, "policy", p);
}

void srv_route_policy_get(struct srv_req *rq, struct srv_resp *rs)
{
    struct cwt__policy_row r;
    struct cwt_err err;
    if (cwt__store_policy_current(srv_store(rq->srv), &r, &err) != CWT_OK) {
        srv_error_from(rs, &err);
        return;
    }
    srv_json(rs, 200, policy_json(&r));
}

/* Who is changing the policy, for the log: the user of a session or the API key and its enterprise. */
static void caller_name(const struct srv_req *rq, char *out, size_t n)
{
    if (rq->caller.by_session)
        snprintf(out, n, "user %.80s (%s)", rq->caller.user.email, rq->caller.enterprise_id);
    else
        snprintf(out, n, "key %s of %s", rq->caller.key_id, rq->caller.enterprise_id);
}

void srv_route_policy_put(struct srv_req *rq, struct srv_resp *rs)
{
    json_error_t je;
    memset(&je, 0, sizeof je);
    json_t *b = json_loadb(rq->body, rq->body_len, JSON_REJECT_DUPLICATES, &je);
    if (!json_is_object(b)) {
        srv_error(rs, 400, "invalid", "", "the body must be a JSON object of policy fields");
        json_decref(b);
        return;
    }
    int64_t expect = 0;
    json_t *v = json_object_get(b, "version");
    if (v) {
        if (!json_is_integer(v) || json_integer_value(v) < 1) {
            srv_error(rs, 400, "invalid", "version", "'version' must be the version the change is based on");
            json_decref(b);
            return;
        }
        expect = json_integer_value(v);
        json_object_del(b, "version");
    }
    struct cwt__policy_row cur, next;
    struct cwt__program_policy p;
    struct cwt_err err;
    bool changed = false;
    char who[128];
    caller_name(rq, who, sizeof who);
    enum cwt_status rc = cwt__store_policy_current(srv_store(rq->srv), &cur, &err);
    if (rc == CWT_OK)
        rc = cwt__program_policy_from_json(b, &cur.p, &p, &err);
    json_decref(b);
    if (rc == CWT_OK)
        rc = cwt__store_policy_put(srv_store(rq->srv), &p, expect ? expect : cur.version, who, rq->now, &next,
                                   &changed, &err);
    if (rc != CWT_OK) {
        srv_error_from(rs, &err);
        return;
    }
    if (changed)
        srv_program_changed(rq->srv);
    json_t *j = policy_json(&next);
    json_object_set_new(j, "changed", json_boolean(changed));
    srv_json(rs, 200, j);
}
