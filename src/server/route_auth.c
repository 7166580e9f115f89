/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the account routes: POST /v1/signup (an enterprise
 * and its first user), POST /v1/login and /v1/logout (sessions in cookies),
 * and GET /v1/me. Signup and login attempts are throttled per client address
 * and login also per e-mail, so password guessing is slow from anywhere.
 */
#include <ctype.h>
#include <stdio.h>

#include "server/server.h"

static const struct srv_field signup_spec[] = {
    {"enterprise_name", SRV_F_STRING, true, 200},
    {"email", SRV_F_STRING, true, 254},
    {"password", SRV_F_STRING, true, 1024},
    {"country", SRV_F_STRING, false, 2},
};

static const struct srv_field login_spec[] = {
    {"email", SRV_F_STRING, true, 254},
    {"password", SRV_F_STRING, true, 1024},
};

/* Takes a token from the login bucket of @p what; on refusal fills a 429. */
static bool throttle(struct srv_req *rq, struct srv_resp *rs, const char *what)
{
    const struct srv_config *c = srv_cfg(rq->srv);
    char key[300];
    int retry = 0;
    snprintf(key, sizeof key, "login:%s", what);
    if (srv_ratelimit_take(srv_ratelimit_of(rq->srv), key, c->rate_login, c->burst_login,
                           cwt_ctx_now_us(srv_ctx(rq->srv)), &retry))
        return true;
    char ra[16];
    snprintf(ra, sizeof ra, "%d", retry);
    srv_header(rs, "Retry-After", ra);
    srv_error(rs, 429, "rate_limited", NULL, "too many attempts; retry in %d s", retry);
    return false;
}

/* Lowercases and checks an e-mail address into @p out; false (with a 400) when it is not one. */
static bool email_ok(struct srv_resp *rs, const char *in, char out[static 256])
{
    if (srv_email_normalize(in, out))
        return true;
    srv_error(rs, 400, "invalid", "email", "'email' is not an e-mail address");
    return false;
}

static json_t *user_json(const struct cwt__user *u, const struct cwt__enterprise *e)
{
    return json_pack("{s:{s:s, s:s}, s:{s:s, s:s, s:s, s:s?}}", "user", "id", u->id, "email", u->email,
                     "enterprise", "id", e->id, "name", e->name, "kind", e->kind, "country",
                     e->country[0] ? e->country : NULL);
}

void srv_route_signup(struct srv_req *rq, struct srv_resp *rs)
{
    struct cwt__enterprise e = {0};
    struct cwt__user u = {0};
    struct cwt_err err;
    char csrf[80];
    if (!throttle(rq, rs, rq->client_ip))
        return;
    json_t *b = srv_body(rq, rs, signup_spec, CWT_ARRAY_LEN(signup_spec));
    if (!b)
        return;
    const char *name = json_string_value(json_object_get(b, "enterprise_name"));
    const char *pw = json_string_value(json_object_get(b, "password"));
    const char *country = json_string_value(json_object_get(b, "country"));
    if (!email_ok(rs, json_string_value(json_object_get(b, "email")), u.email))
        goto out;
    if (strlen(name) == 0 || strspn(name, " \t") == strlen(name)) {
        srv_error(rs, 400, "invalid", "enterprise_name", "'enterprise_name' is empty");
        goto out;
    }
    if (strlen(pw) < SRV_PASSWORD_MIN) {
        srv_error(rs, 400, "invalid", "password", "'password' must be at least %d characters", SRV_PASSWORD_MIN);
        goto out;
    }
    if (country && (strlen(country) != 2 || !isupper((unsigned char)country[0]) ||
                    !isupper((unsigned char)country[1]))) {
        srv_error(rs, 400, "invalid", "country", "'country' must be an ISO 3166-1 alpha-2 code such as \"CN\"");
        goto out;
    }
    snprintf(e.name, sizeof e.name, "%s", name);
    /* Public signup makes exporters only: platform, portal and operator enterprises hold
     * scopes that act on others' data and are created by an operator. */
    snprintf(e.kind, sizeof e.kind, "exporter");
    snprintf(e.country, sizeof e.country, "%s", country ? country : "");
    e.created_at = u.created_at = rq->now;
    cwt_err_clear(&err);
    if (srv_password_hash(rq->srv, pw, u.password_hash, sizeof u.password_hash, &err) != CWT_OK ||
        cwt__store_signup(srv_store(rq->srv), &e, &u, &err) != CWT_OK ||
        srv_session_start(rq, rs, &u, csrf, &err) != CWT_OK) {
        srv_error_from(rs, &err);
        goto out;
    }
    json_t *j = user_json(&u, &e);
    json_object_set_new(j, "csrf_token", json_string(csrf));
    srv_json(rs, 201, j);
out:
    json_decref(b);
}

void srv_route_login(struct srv_req *rq, struct srv_resp *rs)
{
    struct cwt__user u;
    struct cwt__enterprise e;
    struct cwt_err err;
    char email[256], csrf[80];
    if (!throttle(rq, rs, rq->client_ip))
        return;
    json_t *b = srv_body(rq, rs, login_spec, CWT_ARRAY_LEN(login_spec));
    if (!b)
        return;
    if (!email_ok(rs, json_string_value(json_object_get(b, "email")), email) || !throttle(rq, rs, email))
        goto out;
    cwt_err_clear(&err);
    enum cwt_status rc = cwt__store_user_by_email(srv_store(rq->srv), email, &u, &err);
    const char *pw = json_string_value(json_object_get(b, "password"));
    if (rc == CWT_ENOTFOUND)
        (void)srv_password_check(srv_dummy_hash(rq->srv), pw); /* same work: timing does not tell who exists */
    if (rc == CWT_ENOTFOUND || (rc == CWT_OK && !srv_password_check(u.password_hash, pw))) {
        srv_error(rs, 401, "unauthorized", NULL, "wrong e-mail or password");
        goto out;
    }
    if (rc != CWT_OK || (rc = cwt__store_enterprise_get(srv_store(rq->srv), u.enterprise_id, &e, &err)) ||
        (rc = srv_session_start(rq, rs, &u, csrf, &err))) {
        srv_error_from(rs, &err);
        goto out;
    }
    json_t *j = user_json(&u, &e);
    json_object_set_new(j, "csrf_token", json_string(csrf));
    srv_json(rs, 200, j);
out:
    json_decref(b);
}

void srv_route_logout(struct srv_req *rq, struct srv_resp *rs)
{
    srv_session_end(rq, rs);
    rs->status = 204;
}

void srv_route_me(struct srv_req *rq, struct srv_resp *rs)
{
    struct cwt__enterprise e;
    struct cwt_err err;
    if (cwt__store_enterprise_get(srv_store(rq->srv), rq->caller.enterprise_id, &e, &err) != CWT_OK) {
        srv_error_from(rs, &err);
        return;
    }
    json_t *j;
    if (rq->caller.by_session) {
        j = user_json(&rq->caller.user, &e);
        json_object_set_new(j, "auth", json_string("session"));
        json_object_set_new(j, "csrf_token", json_string(rq->caller.csrf));
    } else {
        j = json_pack("{s:n, s:{s:s, s:s, s:s}, s:s, s:s, s:s}", "user", "enterprise", "id", e.id, "name", e.name,
                      "kind", e.kind, "auth", "key", "key_id", rq->caller.key_id, "scopes", rq->caller.scopes);
    }
    rs->no_etag = true; /* holds the CSRF token */
    srv_json(rs, 200, j);
}
