/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements who is calling: passwords hashed with Argon2id
 * (libsodium crypto_pwhash_str, cost configurable so tests can lower it),
 * random 256-bit tokens stored only as SHA-256 hashes, session cookies
 * (HttpOnly, Secure unless --insecure-cookies, SameSite=Strict, Max-Age),
 * the CSRF check on cookie-authenticated writes (the X-CSRF-Token header must
 * equal the session's token, which is also in the readable cwtap_csrf cookie:
 * a double submit checked against the server's copy), and API keys with
 * scopes sent as "Authorization: Bearer cwt_...". A route needing a scope
 * (platform, registry, operator) takes such a key or a session whose
 * enterprise's kind allows the scope (operator: all; platform: platform;
 * portal: registry), the same rule as for the keys it may create.
 */
#include <ctype.h>
#include <stdio.h>
#include <strings.h>

#include <sodium.h>

#include "server/server.h"

#define SESSION_COOKIE "cwtap_session"
#define CSRF_COOKIE "cwtap_csrf"

enum cwt_status srv_password_hash_cost(unsigned long long opslimit, size_t memlimit, const char *password,
                                       char *out, size_t outlen, struct cwt_err *err)
{
    unsigned long long ops = opslimit ? opslimit : 3;
    size_t mem = memlimit ? memlimit : (64u << 20);
    if (outlen < crypto_pwhash_STRBYTES)
        return cwt_err_set(err, CWT_EINTERNAL, "password hash buffer too small");
    if (crypto_pwhash_str(out, password, strlen(password), ops, mem) != 0)
        return cwt_err_set(err, CWT_ENOMEM, "cannot hash the password (out of memory)");
    return CWT_OK;
}

enum cwt_status srv_password_hash(const struct srv *s, const char *password, char *out, size_t outlen,
                                  struct cwt_err *err)
{
    const struct srv_config *c = srv_cfg(s);
    return srv_password_hash_cost(c->pw_opslimit, c->pw_memlimit, password, out, outlen, err);
}

bool srv_email_normalize(const char *in, char out[static 256])
{
    size_t n = strlen(in);
    const char *at = strchr(in, '@');
    if (n < 3 || n > 254 || !at || at == in || strchr(at + 1, '@') || !strchr(at + 1, '.') || !at[1])
        return false;
    for (size_t i = 0; i <= n; i++) {
        unsigned char c = (unsigned char)in[i];
        if (c && (c <= ' ' || c == 0x7f || c == '<' || c == '>' || c == '"' || c == ','))
            return false;
        out[i] = (char)tolower(c);
    }
    return true;
}

bool srv_scope_allowed(const char *kind, const char *scope)
{
    if (strcmp(kind, "operator") == 0 || strcmp(scope, "sites") == 0)
        return true;
    return (strcmp(kind, "platform") == 0 && strcmp(scope, "platform") == 0) ||
           (strcmp(kind, "portal") == 0 && strcmp(scope, "registry") == 0);
}

bool srv_password_check(const char *hash, const char *password)
{
    return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

void srv_token_new(const char *prefix, char *out, size_t outlen)
{
    unsigned char rnd[32];
    char b64[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
    randombytes_buf(rnd, sizeof rnd);
    sodium_bin2base64(b64, sizeof b64, rnd, sizeof rnd, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    snprintf(out, outlen, "%s%s", prefix, b64);
    sodium_memzero(rnd, sizeof rnd);
}

void srv_token_hash(const char *token, char out[static 65])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)token, strlen(token));
    sodium_bin2hex(out, 65, h, sizeof h);
}

static bool has_scope(const char *list, const char *scope)
{
    size_t n = strlen(scope);
    for (const char *p = list; *p;) {
        const char *e = strchr(p, ',');
        size_t l = e ? (size_t)(e - p) : strlen(p);
        if (l == n && strncmp(p, scope, n) == 0)
            return true;
        if (!e)
            break;
        p = e + 1;
    }
    return false;
}

static bool is_write(const char *method)
{
    return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0;
}

static bool by_key(struct srv_req *rq, struct srv_resp *rs, const struct srv_route *route, const char *token)
{
    struct srv_caller *c = &rq->caller;
    struct cwt__api_key k;
    struct cwt_err err;
    char h[65];
    if (strncmp(token, "cwt_", 4) != 0 || strlen(token) > 100) {
        srv_error(rs, 401, "unauthorized", "Authorization", "malformed API key");
        return false;
    }
    srv_token_hash(token, h);
    enum cwt_status rc = cwt__store_key_lookup(srv_store(rq->srv), h, rq->now, &k, &err);
    if (rc == CWT_ENOTFOUND) {
        srv_error(rs, 401, "unauthorized", "Authorization", "unknown or revoked API key");
        return false;
    }
    if (rc != CWT_OK) {
        srv_error_from(rs, &err);
        return false;
    }
    const char *need = route->auth == SRV_AUTH_SCOPE ? route->scope : "sites";
    if (!has_scope(k.scopes, need)) {
        srv_error(rs, 403, "forbidden", "Authorization", "this API key lacks the scope '%s'", need);
        return false;
    }
    c->authed = true;
    snprintf(c->enterprise_id, sizeof c->enterprise_id, "%s", k.enterprise_id);
    snprintf(c->key_id, sizeof c->key_id, "%s", k.id);
    snprintf(c->scopes, sizeof c->scopes, "%s", k.scopes);
    return true;
}

/* A session on a scoped route: the enterprise's kind must allow the scope (as for its API keys). */
static bool session_scope(struct srv_req *rq, struct srv_resp *rs, const char *scope)
{
    struct cwt__enterprise e;
    struct cwt_err err;
    if (cwt__store_enterprise_get(srv_store(rq->srv), rq->caller.user.enterprise_id, &e, &err) != CWT_OK) {
        srv_error_from(rs, &err);
        return false;
    }
    if (srv_scope_allowed(e.kind, scope))
        return true;
    srv_error(rs, 403, "forbidden", NULL, "an enterprise of kind '%s' cannot use this resource (scope '%s')", e.kind,
              scope);
    return false;
}

bool srv_authenticate(struct srv_req *rq, struct srv_resp *rs, const struct srv_route *route)
{
    struct srv_caller *c = &rq->caller;
    memset(c, 0, sizeof *c);
    if (route->auth == SRV_AUTH_NONE)
        return true;
    const char *authz = rq->header(rq, "Authorization");
    if (authz) {
        if (strncasecmp(authz, "Bearer ", 7) != 0) {
            srv_error(rs, 401, "unauthorized", "Authorization", "use 'Authorization: Bearer <API key>'");
            return false;
        }
        return by_key(rq, rs, route, authz + 7);
    }
    const char *tok = rq->cookie(rq, SESSION_COOKIE);
    if (!tok) {
        srv_header(rs, "WWW-Authenticate", "Bearer");
        srv_error(rs, 401, "unauthorized", NULL, "log in or send an API key");
        return false;
    }
    struct cwt_err err;
    srv_token_hash(tok, c->session_hash);
    enum cwt_status rc = cwt__store_session_lookup(srv_store(rq->srv), c->session_hash, rq->now, &c->user, c->csrf,
                                                   sizeof c->csrf, &err);
    if (rc == CWT_ENOTFOUND) {
        srv_error(rs, 401, "unauthorized", NULL, "the session has expired or ended; log in again");
        return false;
    }
    if (rc != CWT_OK) {
        srv_error_from(rs, &err);
        return false;
    }
    if (is_write(rq->method)) {
        const char *h = rq->header(rq, "X-CSRF-Token");
        size_t n = strlen(c->csrf);
        if (!h || strlen(h) != n || sodium_memcmp(h, c->csrf, n) != 0) {
            srv_error(rs, 403, "csrf", "X-CSRF-Token", "missing or wrong CSRF token (send the cwtap_csrf "
                                                       "cookie's value in X-CSRF-Token)");
            return false;
        }
    }
    if (route->auth == SRV_AUTH_SCOPE && !session_scope(rq, rs, route->scope))
        return false;
    c->authed = true;
    c->by_session = true;
    snprintf(c->enterprise_id, sizeof c->enterprise_id, "%s", c->user.enterprise_id);
    return true;
}

static void set_cookies(struct srv_req *rq, struct srv_resp *rs, const char *token, const char *csrf, int64_t ttl)
{
    const char *secure = srv_cfg(rq->srv)->insecure_cookies ? "" : "; Secure";
    char v[256];
    snprintf(v, sizeof v, SESSION_COOKIE "=%s; Path=/; Max-Age=%lld; HttpOnly; SameSite=Strict%s", token,
             (long long)ttl, secure);
    srv_header(rs, "Set-Cookie", v);
    snprintf(v, sizeof v, CSRF_COOKIE "=%s; Path=/; Max-Age=%lld; SameSite=Strict%s", csrf, (long long)ttl, secure);
    srv_header(rs, "Set-Cookie", v);
}

enum cwt_status srv_session_start(struct srv_req *rq, struct srv_resp *rs, const struct cwt__user *user,
                                  char csrf_out[static 80], struct cwt_err *err)
{
    char token[80], h[65];
    int64_t ttl = srv_cfg(rq->srv)->session_ttl_s;
    srv_token_new("", token, sizeof token);
    srv_token_new("", csrf_out, 80);
    srv_token_hash(token, h);
    enum cwt_status rc = cwt__store_session_create(srv_store(rq->srv), h, user->id, csrf_out, rq->now,
                                                   rq->now + ttl, err);
    if (rc == CWT_OK)
        set_cookies(rq, rs, token, csrf_out, ttl);
    sodium_memzero(token, sizeof token);
    return rc;
}

void srv_session_end(struct srv_req *rq, struct srv_resp *rs)
{
    struct cwt_err err;
    if (rq->caller.by_session)
        cwt__store_session_delete(srv_store(rq->srv), rq->caller.session_hash, &err);
    set_cookies(rq, rs, "", "", 0);
}
