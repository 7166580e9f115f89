/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the route table of the REST API: one row per
 * (method, path pattern, handler, authentication kind). Patterns are matched
 * segment by segment; "{name}" matches one non-empty segment of safe
 * characters and becomes a parameter. docs/openapi.yaml documents exactly
 * these rows (tests/unit/test_server.c checks both directions).
 */
#include "server/server.h"

const struct srv_route srv_routes[] = {
    {"GET", "/healthz", srv_route_healthz, SRV_AUTH_NONE, NULL},
    {"GET", "/readyz", srv_route_readyz, SRV_AUTH_NONE, NULL},
    {"GET", "/metrics", srv_route_metrics, SRV_AUTH_NONE, NULL},
    {"GET", "/v1/openapi.yaml", srv_route_openapi, SRV_AUTH_NONE, NULL},
    {"POST", "/v1/signup", srv_route_signup, SRV_AUTH_NONE, NULL},
    {"POST", "/v1/login", srv_route_login, SRV_AUTH_NONE, NULL},
    {"POST", "/v1/logout", srv_route_logout, SRV_AUTH_USER, NULL},
    {"GET", "/v1/me", srv_route_me, SRV_AUTH_USER, NULL},
    {"GET", "/v1/sites", srv_route_sites_list, SRV_AUTH_USER, NULL},
    {"POST", "/v1/sites", srv_route_sites_create, SRV_AUTH_USER, NULL},
    {"GET", "/v1/sites/{id}", srv_route_sites_get, SRV_AUTH_USER, NULL},
    {"POST", "/v1/sites/{id}/verify", srv_route_sites_verify, SRV_AUTH_USER, NULL},
    {"GET", "/v1/sites/{id}/evaluations", srv_route_evals_list, SRV_AUTH_USER, NULL},
    {"POST", "/v1/sites/{id}/evaluations", srv_route_evals_request, SRV_AUTH_USER, NULL},
    {"GET", "/v1/evaluations/{id}", srv_route_evals_get, SRV_AUTH_USER, NULL},
    {"GET", "/v1/keys", srv_route_keys_list, SRV_AUTH_USER, NULL},
    {"POST", "/v1/keys", srv_route_keys_create, SRV_AUTH_USER, NULL},
    {"DELETE", "/v1/keys/{id}", srv_route_keys_delete, SRV_AUTH_USER, NULL},
    {"POST", "/v1/platform/events", srv_route_events_post, SRV_AUTH_SCOPE, "platform", &srv_events_stream},
    {"GET", "/v1/sites/{id}/mark", srv_route_mark_get, SRV_AUTH_USER, NULL},
    {"POST", "/v1/sites/{id}/uploads/{kind}", srv_route_uploads_create, SRV_AUTH_USER, NULL},
    {"POST", "/v1/sites/{id}/review", srv_route_review_request, SRV_AUTH_USER, NULL},
    {"PUT", "/v1/sites/{id}/industry", srv_route_industry_put, SRV_AUTH_USER, NULL},
    {"GET", "/v1/operator/cycles", srv_route_cycles_list, SRV_AUTH_SCOPE, "operator"},
    {"PUT", "/v1/operator/cycles/{id}", srv_route_cycles_put, SRV_AUTH_SCOPE, "operator"},
    {"GET", "/v1/operator/cycles/{id}/threshold", srv_route_threshold_get, SRV_AUTH_SCOPE, "operator"},
    {"PUT", "/v1/operator/cycles/{id}/threshold", srv_route_threshold_put, SRV_AUTH_SCOPE, "operator"},
    {"POST", "/v1/operator/keys/rotate", srv_route_keys_rotate, SRV_AUTH_SCOPE, "operator"},
    {"GET", "/v1/platform/weights", srv_route_weights_get, SRV_AUTH_SCOPE, "platform"},
    {"GET", "/v1/platform/weights.ndjson", srv_route_weights_export, SRV_AUTH_SCOPE, "platform"},
    {"GET", "/v1/registry", srv_route_registry_list, SRV_AUTH_NONE, NULL},
    {"GET", "/v1/registry/{site}", srv_route_registry_get, SRV_AUTH_NONE, NULL},
    {"GET", "/v1/registry/{site}/attestation", srv_route_registry_attestation, SRV_AUTH_NONE, NULL},
    {"GET", "/.well-known/cwtap-keys.json", srv_route_wellknown_keys, SRV_AUTH_NONE, NULL},
    {"GET", "/v1/badge/{site}", srv_route_badge, SRV_AUTH_NONE, NULL},
    {"GET", "/registry/{site}", srv_route_registry_page, SRV_AUTH_NONE, NULL},
    {"GET", "/sdk/v1/cwtap.js", srv_route_sdk_js, SRV_AUTH_NONE, NULL},
    {"GET", "/sdk/v1/cwtap.css", srv_route_sdk_css, SRV_AUTH_NONE, NULL},
    {"GET", "/sdk/v1/cwtap.js.sri", srv_route_sdk_sri, SRV_AUTH_NONE, NULL},
    {"GET", "/v1/operator/policy", srv_route_policy_get, SRV_AUTH_SCOPE, "operator"},
    {"PUT", "/v1/operator/policy", srv_route_policy_put, SRV_AUTH_SCOPE, "operator"},
    {"GET", "/v1/operator/log", srv_route_audit_log, SRV_AUTH_SCOPE, "operator"},
    {"GET", "/v1/operator/models", srv_route_models_list, SRV_AUTH_SCOPE, "operator"},
    {"GET", "/v1/operator/models/{version}/preview", srv_route_models_preview, SRV_AUTH_SCOPE, "operator"},
    {NULL, NULL, NULL, SRV_AUTH_NONE, NULL},
};

static bool param_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
           c == '.';
}

/* Matches @p path against @p pattern, filling rq->params (when rq is not NULL). */
static bool match(const char *pattern, const char *path, struct srv_req *rq)
{
    const char *p = pattern, *u = path;
    size_t np = 0;
    while (*p && *u) {
        if (*p == '{') {
            const char *pe = strchr(p, '}');
            const char *ue = u;
            while (*ue && *ue != '/')
                ue++;
            if (!pe || ue == u || ue - u > 64)
                return false;
            for (const char *c = u; c < ue; c++)
                if (!param_char(*c))
                    return false;
            if (rq && np < SRV_MAX_PARAMS) {
                memcpy(rq->param_buf[np], u, (size_t)(ue - u));
                rq->param_buf[np][ue - u] = '\0';
                rq->params[np] = rq->param_buf[np];
            }
            np++;
            p = pe + 1;
            u = ue;
        } else if (*p++ != *u++) {
            return false;
        }
    }
    if (*p || *u)
        return false;
    if (rq)
        rq->nparams = np;
    return true;
}

const struct srv_route *srv_route_match(const char *method, const char *path, struct srv_req *rq,
                                        bool *path_known)
{
    *path_known = false;
    for (const struct srv_route *r = srv_routes; r->method; r++) {
        if (!match(r->pattern, path, NULL))
            continue;
        bool head_ok = strcmp(method, "HEAD") == 0 && strcmp(r->method, "GET") == 0;
        if (strcmp(r->method, method) != 0 && !head_ok) {
            *path_known = true;
            continue;
        }
        match(r->pattern, path, rq);
        return r;
    }
    return NULL;
}
