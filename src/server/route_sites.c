/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the site routes: register a site (domain
 * normalised; the answer carries the ownership token, how to publish it and
 * the SDK snippet for each CMS), list and read the caller's sites, and prove
 * ownership by DNS TXT, <meta> tag or /.well-known/cwtap.txt. Every read and
 * write passes the caller's enterprise to the store, which matches it in SQL.
 */
#include <stdio.h>

#include "server/site.h"
#include "server/snapshot.h"

static const struct srv_field create_spec[] = {
    {"domain", SRV_F_STRING, true, 300},
};

static const struct srv_field verify_spec[] = {
    {"method", SRV_F_STRING, true, 16},
};

void srv_route_sites_create(struct srv_req *rq, struct srv_resp *rs)
{
    struct cwt__site s = {0};
    struct cwt_err err;
    cwt_err_clear(&err);
    json_t *b = srv_body(rq, rs, create_spec, CWT_ARRAY_LEN(create_spec));
    if (!b)
        return;
    struct srv_site_name name;
    if (srv_domain_normalize(srv_psl(rq->srv), json_string_value(json_object_get(b, "domain")), &name, &err) !=
        CWT_OK) {
        srv_error_from(rs, &err);
        goto out;
    }
    snprintf(s.domain, sizeof s.domain, "%s", name.host);
    snprintf(s.registrable, sizeof s.registrable, "%s", name.registrable);
    snprintf(s.url, sizeof s.url, "%s", name.url);
    cwt__store_new_id("s_", s.id);
    snprintf(s.enterprise_id, sizeof s.enterprise_id, "%s", rq->caller.enterprise_id);
    srv_token_new("", s.token, sizeof s.token);
    s.active = true;
    s.created_at = rq->now;
    if (cwt__store_site_create(srv_store(rq->srv), &s, &err) != CWT_OK) {
        srv_error_from(rs, &err);
        goto out;
    }
    srv_snapshot_invalidate(srv_snapshots(rq->srv)); /* the badge answers "not integrated", no longer 404 */
    char loc[96];
    snprintf(loc, sizeof loc, "/v1/sites/%s", s.id);
    srv_header(rs, "Location", loc);
    srv_json(rs, 201, srv_site_json(&s, srv_public_base(rq->srv)));
out:
    json_decref(b);
}

struct list_out {
    json_t *items;
    const char *base;
};

static enum cwt_status add_site(void *ud, const void *item)
{
    struct list_out *l = ud;
    return json_array_append_new(l->items, srv_site_json(item, l->base)) == 0 ? CWT_OK : CWT_ENOMEM;
}

void srv_route_sites_list(struct srv_req *rq, struct srv_resp *rs)
{
    struct cwt__page pg;
    struct cwt_err err;
    if (!srv_page(rq, rs, &pg))
        return;
    struct list_out l = {json_array(), srv_public_base(rq->srv)};
    if (cwt__store_site_list(srv_store(rq->srv), rq->caller.enterprise_id, &pg, add_site, &l, &err) != CWT_OK) {
        json_decref(l.items);
        srv_error_from(rs, &err);
        return;
    }
    srv_json(rs, 200, json_pack("{s:o, s:s?}", "items", l.items, "next_cursor",
                                pg.next_cursor[0] ? pg.next_cursor : NULL));
}

void srv_route_sites_get(struct srv_req *rq, struct srv_resp *rs)
{
    struct cwt__site s;
    struct cwt_err err;
    if (cwt__store_site_get(srv_store(rq->srv), rq->caller.enterprise_id, rq->params[0], &s, &err) != CWT_OK) {
        srv_error_from(rs, &err);
        return;
    }
    json_t *j = srv_site_json(&s, srv_public_base(rq->srv));
    json_t *pending = srv_site_pending_job(srv_store(rq->srv), s.id, &err);
    if (!pending) {
        json_decref(j);
        srv_error_from(rs, &err);
        return;
    }
    json_object_set_new(j, "pending_job", pending);
    srv_json(rs, 200, j);
}

void srv_route_sites_verify(struct srv_req *rq, struct srv_resp *rs)
{
    struct cwt__site s;
    struct cwt_err err;
    cwt_err_clear(&err);
    json_t *b = srv_body(rq, rs, verify_spec, CWT_ARRAY_LEN(verify_spec));
    if (!b)
        return;
    const char *method = json_string_value(json_object_get(b, "method"));
    if (!srv_verify_method_known(method)) {
        srv_error(rs, 400, "invalid", "method", "'method' must be dns, meta or well-known");
        goto out;
    }
    if (cwt__store_site_get(srv_store(rq->srv), rq->caller.enterprise_id, rq->params[0], &s, &err) != CWT_OK) {
        srv_error_from(rs, &err);
        goto out;
    }
    if (!s.verified_at) {
        if (srv_verify_check(&srv_cfg(rq->srv)->net, method, s.domain, s.url, s.token, &err) != CWT_OK) {
            srv_error(rs, 422, err.status == CWT_EUNSUPPORTED ? "unsupported" : "not_verified", "method", "%s",
                      err.msg);
            goto out;
        }
        char id[sizeof s.id];
        snprintf(id, sizeof id, "%s", s.id); /* the read below overwrites s */
        if (cwt__store_site_set_verified(srv_store(rq->srv), rq->caller.enterprise_id, id, method, rq->now,
                                         &err) != CWT_OK ||
            cwt__store_site_get(srv_store(rq->srv), rq->caller.enterprise_id, id, &s, &err) != CWT_OK) {
            srv_error_from(rs, &err);
            goto out;
        }
        srv_snapshot_invalidate(srv_snapshots(rq->srv));
    }
    srv_json(rs, 200, srv_site_json(&s, srv_public_base(rq->srv)));
out:
    json_decref(b);
}
