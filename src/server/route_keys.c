/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the API key routes: create a key (its secret is in
 * the answer once and stored only as a SHA-256 hash), list the enterprise's
 * keys, revoke one. Keys are managed from a logged-in session only, and a key
 * may carry only the scopes the enterprise's kind allows (exporter: sites;
 * platform: + platform; portal: + registry; operator: all).
 */
#include <stdio.h>

#include "server/server.h"

static const struct srv_field create_spec[] = {
    {"name", SRV_F_STRING, true, 100},
    {"scopes", SRV_F_STRLIST, true, 4},
};

static bool scope_known(const char *scope)
{
    return strcmp(scope, "sites") == 0 || strcmp(scope, "platform") == 0 || strcmp(scope, "registry") == 0 ||
           strcmp(scope, "operator") == 0;
}

static json_t *key_json(const struct cwt__api_key *k)
{
    char c[21], u[21], r[21];
    cwt_time_format_iso(k->created_at, c);
    cwt_time_format_iso(k->last_used_at, u);
    cwt_time_format_iso(k->revoked_at, r);
    json_t *scopes = json_array();
    char tmp[64];
    snprintf(tmp, sizeof tmp, "%s", k->scopes);
    for (char *p = tmp, *e; p && *p; p = e ? e + 1 : NULL) {
        e = strchr(p, ',');
        if (e)
            *e = '\0';
        json_array_append_new(scopes, json_string(p));
    }
    return json_pack("{s:s, s:s, s:s, s:o, s:s, s:s?, s:s?}", "id", k->id, "name", k->name, "prefix", k->prefix,
                     "scopes", scopes, "created_at", c, "last_used_at", k->last_used_at ? u : NULL, "revoked_at",
                     k->revoked_at ? r : NULL);
}

static bool session_only(struct srv_req *rq, struct srv_resp *rs)
{
    if (rq->caller.by_session)
        return true;
    srv_error(rs, 403, "forbidden", "Authorization", "API keys are managed from a logged-in session");
    return false;
}

void srv_route_keys_create(struct srv_req *rq, struct srv_resp *rs)
{
    struct cwt__enterprise e;
    struct cwt__api_key k = {0};
    struct cwt_err err;
    char secret[80];
    if (!session_only(rq, rs))
        return;
    json_t *b = srv_body(rq, rs, create_spec, CWT_ARRAY_LEN(create_spec));
    if (!b)
        return;
    if (cwt__store_enterprise_get(srv_store(rq->srv), rq->caller.enterprise_id, &e, &err) != CWT_OK) {
        srv_error_from(rs, &err);
        goto out;
    }
    json_t *scopes = json_object_get(b, "scopes");
    size_t i;
    json_t *it;
    if (json_array_size(scopes) == 0) {
        srv_error(rs, 400, "invalid", "scopes", "'scopes' needs at least one scope");
        goto out;
    }
    json_array_foreach(scopes, i, it) {
        const char *sc = json_string_value(it);
        char fld[32];
        snprintf(fld, sizeof fld, "scopes[%zu]", i);
        if (!scope_known(sc)) {
            srv_error(rs, 400, "invalid", fld, "unknown scope '%.64s' (sites, platform, registry, operator)", sc);
            goto out;
        }
        if (!srv_scope_allowed(e.kind, sc)) {
            srv_error(rs, 403, "forbidden", fld, "an enterprise of kind '%s' cannot hold the scope '%.64s'", e.kind,
                      sc);
            goto out;
        }
        if (strstr(k.scopes, sc))
            continue;
        size_t l = strlen(k.scopes);
        snprintf(k.scopes + l, sizeof k.scopes - l, "%s%s", l ? "," : "", sc);
    }
    srv_token_new("cwt_", secret, sizeof secret);
    cwt__store_new_id("k_", k.id);
    snprintf(k.enterprise_id, sizeof k.enterprise_id, "%s", e.id);
    snprintf(k.name, sizeof k.name, "%s", json_string_value(json_object_get(b, "name")));
    snprintf(k.prefix, sizeof k.prefix, "%.10s", secret);
    srv_token_hash(secret, k.key_hash);
    k.created_at = rq->now;
    if (cwt__store_key_create(srv_store(rq->srv), &k, &err) != CWT_OK) {
        srv_error_from(rs, &err);
        goto out;
    }
    json_t *j = key_json(&k);
    json_object_set_new(j, "key", json_string(secret));
    json_object_set_new(j, "note", json_string("the key is shown once; store it now"));
    srv_json(rs, 201, j);
out:
    json_decref(b);
}

static enum cwt_status add_key(void *ud, const void *item)
{
    return json_array_append_new(ud, key_json(item)) == 0 ? CWT_OK : CWT_ENOMEM;
}

void srv_route_keys_list(struct srv_req *rq, struct srv_resp *rs)
{
    struct cwt__page pg;
    struct cwt_err err;
    if (!session_only(rq, rs) || !srv_page(rq, rs, &pg))
        return;
    json_t *items = json_array();
    if (cwt__store_key_list(srv_store(rq->srv), rq->caller.enterprise_id, &pg, add_key, items, &err) != CWT_OK) {
        json_decref(items);
        srv_error_from(rs, &err);
        return;
    }
    srv_json(rs, 200, json_pack("{s:o, s:s?}", "items", items, "next_cursor",
                                pg.next_cursor[0] ? pg.next_cursor : NULL));
}

void srv_route_keys_delete(struct srv_req *rq, struct srv_resp *rs)
{
    struct cwt_err err;
    if (!session_only(rq, rs))
        return;
    if (cwt__store_key_revoke(srv_store(rq->srv), rq->caller.enterprise_id, rq->params[0], rq->now, &err)) {
        srv_error_from(rs, &err);
        return;
    }
    rs->status = 204;
}
