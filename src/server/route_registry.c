/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the hot read routes, all served from the program
 * snapshot (program_snapshot.c), never by a query per request: the public
 * registry of green marks (filters country, industry, grade; keyset
 * pagination by site id), a site's verification page data, its signed
 * attestation, the public keys at /.well-known/cwtap-keys.json, and the
 * platform weights (one site, or all as NDJSON).
 */
#include <stdio.h>
#include <strings.h>

#include "util/buf.h"

#include "server/program.h"

static json_t *modules_json(const struct prog_site *s)
{
    json_t *m = s->modules ? json_loads(s->modules, 0, NULL) : NULL;
    return m ? m : json_null();
}

static json_t *registry_json(const struct prog_site *s, bool full)
{
    bool green = cwt__mark_shows_green(s->state);
    json_t *j = json_object();
    json_object_set_new(j, "site_id", json_string(s->id));
    json_object_set_new(j, "domain", json_string(s->domain));
    json_object_set_new(j, "enterprise", json_string(s->enterprise));
    json_object_set_new(j, "country", s->country[0] ? json_string(s->country) : json_null());
    json_object_set_new(j, "industry", s->industry[0] ? json_string(s->industry) : json_null());
    json_object_set_new(j, "mark", json_string(green ? "green" : "none"));
    json_object_set_new(j, "green_since", green ? srv_iso_or_null(s->green_at ? s->green_at : s->since) : json_null());
    json_object_set_new(j, "grade", s->grade[0] ? json_string(s->grade) : json_null());
    json_object_set_new(j, "score", s->has_score ? json_real(s->score) : json_null());
    json_object_set_new(j, "last_evaluation", srv_iso_or_null(s->evaluated_at));
    json_object_set_new(j, "modules", modules_json(s));
    if (full) {
        json_object_set_new(j, "threshold", s->has_threshold ? json_real(s->threshold) : json_null());
        json_object_set_new(j, "last_evaluation_id", s->last_eval_id[0] ? json_string(s->last_eval_id) : json_null());
    }
    return j;
}

static bool match_filter(const char *want, const char *have)
{
    return !want || !*want || strcasecmp(want, have) == 0;
}

static const struct prog_snap *snap_or_503(struct srv_req *rq, struct srv_resp *rs, struct srv_snapshot **out)
{
    *out = srv_program_snapshot(rq);
    if (!*out) {
        srv_error(rs, 503, "unavailable", "", "the registry is not available yet");
        return NULL;
    }
    return (*out)->data;
}

void srv_route_registry_list(struct srv_req *rq, struct srv_resp *rs)
{
    struct cwt__page pg;
    if (!srv_page(rq, rs, &pg))
        return;
    const char *country = rq->query(rq, "country"), *industry = rq->query(rq, "industry"),
               *grade = rq->query(rq, "grade");
    char after[32] = "";
    if (pg.cursor) {
        int64_t k;
        struct cwt_err err;
        cwt__cursor_parse(pg.cursor, &k, after, &err);
    }
    struct srv_snapshot *snap;
    const struct prog_snap *ps = snap_or_503(rq, rs, &snap);
    if (!ps)
        return;
    json_t *items = json_array();
    char next[64] = "";
    size_t n = 0;
    for (size_t i = 0; i < ps->n; i++) {
        const struct prog_site *s = &ps->v[i];
        if (!cwt__mark_shows_green(s->state) || strcmp(s->id, after) <= 0 || !match_filter(country, s->country) ||
            !match_filter(industry, s->industry) || !match_filter(grade, s->grade))
            continue;
        if (n == pg.limit) {
            cwt__cursor_make(0, after, next); /* more items follow: the cursor is the last one shown */
            break;
        }
        json_array_append_new(items, registry_json(s, false));
        snprintf(after, sizeof after, "%s", s->id);
        n++;
    }
    char ver[32];
    snprintf(ver, sizeof ver, "%llu", (unsigned long long)snap->version);
    srv_snapshot_release(snap);
    srv_json(rs, 200, json_pack("{s:o, s:s?, s:s}", "items", items, "next_cursor", next[0] ? next : NULL,
                                "snapshot", ver));
}

void srv_route_registry_get(struct srv_req *rq, struct srv_resp *rs)
{
    struct srv_snapshot *snap;
    const struct prog_snap *ps = snap_or_503(rq, rs, &snap);
    if (!ps)
        return;
    const struct prog_site *s = srv_prog_find(ps, rq->params[0]);
    if (!s)
        srv_error(rs, 404, "not_found", "site", "no site '%s' in the registry", rq->params[0]);
    else
        srv_json(rs, 200, registry_json(s, true));
    srv_snapshot_release(snap);
}

void srv_route_registry_attestation(struct srv_req *rq, struct srv_resp *rs)
{
    struct srv_snapshot *snap;
    const struct prog_snap *ps = snap_or_503(rq, rs, &snap);
    if (!ps)
        return;
    const struct prog_site *s = srv_prog_find(ps, rq->params[0]);
    if (!s || !cwt__mark_shows_green(s->state)) {
        srv_error(rs, 404, "not_found", "site", "'%s' holds no green mark", rq->params[0]);
        srv_snapshot_release(snap);
        return;
    }
    struct cwt__attestation a;
    memset(&a, 0, sizeof a);
    snprintf(a.site, sizeof a.site, "%s", s->id);
    snprintf(a.domain, sizeof a.domain, "%s", s->domain);
    snprintf(a.mark, sizeof a.mark, "%s", "green");
    a.score = s->score;
    snprintf(a.cycle, sizeof a.cycle, "%s", ps->has_cycle && s->in_pool ? ps->cycle.id : "");
    a.iat = rq->now;
    a.exp = rq->now + ps->policy.attestation_ttl_s;
    char *token = NULL;
    struct cwt_err err;
    if (cwt__attest_sign(&ps->ks, &a, &token, &err) != CWT_OK) {
        srv_error_from(rs, &err);
    } else {
        char exp[21];
        cwt_time_format_iso(a.exp, exp);
        srv_json(rs, 200, json_pack("{s:s, s:s, s:s, s:s}", "token", token, "kid", a.kid, "expires", exp, "keys",
                                    "/.well-known/cwtap-keys.json"));
        rs->no_etag = true;
    }
    cwt_free(token);
    srv_snapshot_release(snap);
}

void srv_route_wellknown_keys(struct srv_req *rq, struct srv_resp *rs)
{
    struct srv_snapshot *snap;
    const struct prog_snap *ps = snap_or_503(rq, rs, &snap);
    if (!ps)
        return;
    json_t *j = json_loads(ps->keys_json, 0, NULL);
    srv_snapshot_release(snap);
    if (!j)
        srv_error(rs, 500, "internal", "", "cannot render the key set");
    else
        srv_json(rs, 200, j);
}

static json_t *weight_json(const struct prog_snap *ps, const struct prog_site *s)
{
    return json_pack("{s:s, s:s, s:f, s:s, s:b, s:s?, s:o, s:o}", "site_id", s->id, "domain", s->domain, "weight",
                     s->weight, "mark", cwt__mark_shows_green(s->state) ? "green" : cwt__mark_state_name(s->state),
                     "in_pool", s->in_pool, "cycle", ps->has_cycle ? ps->cycle.id : NULL, "score",
                     s->has_score ? json_real(s->score) : json_null(), "threshold",
                     s->has_threshold ? json_real(s->threshold) : json_null());
}

void srv_route_weights_get(struct srv_req *rq, struct srv_resp *rs)
{
    const char *site = rq->query(rq, "site");
    if (!site || !*site) {
        srv_error(rs, 400, "invalid", "site", "'site' (a site id or domain) is required");
        return;
    }
    struct srv_snapshot *snap;
    const struct prog_snap *ps = snap_or_503(rq, rs, &snap);
    if (!ps)
        return;
    const struct prog_site *s = srv_prog_find(ps, site);
    if (!s)
        srv_error(rs, 404, "not_found", "site", "no site '%s' (a site without a mark has weight 1.00)", site);
    else
        srv_json(rs, 200, weight_json(ps, s));
    srv_snapshot_release(snap);
}

void srv_route_weights_export(struct srv_req *rq, struct srv_resp *rs)
{
    struct srv_snapshot *snap;
    const struct prog_snap *ps = snap_or_503(rq, rs, &snap);
    if (!ps)
        return;
    struct cwt_buf b;
    cwt_buf_init(&b, (size_t)64 << 20);
    enum cwt_status rc = CWT_OK;
    for (size_t i = 0; i < ps->n && rc == CWT_OK; i++) {
        json_t *j = weight_json(ps, &ps->v[i]);
        char *line = j ? json_dumps(j, JSON_COMPACT) : NULL;
        json_decref(j);
        rc = line ? cwt_buf_printf(&b, "%s\n", line) : CWT_ENOMEM;
        cwt_free(line);
    }
    srv_snapshot_release(snap);
    if (rc != CWT_OK) {
        cwt_buf_release(&b);
        srv_error(rs, 500, "internal", "", "cannot render the export");
        return;
    }
    rs->status = 200;
    rs->content_type = "application/x-ndjson";
    rs->body = cwt_buf_detach(&b, &rs->body_len);
    if (!rs->body) {
        rs->body = cwt_strdup("");
        rs->body_len = 0;
    }
}
