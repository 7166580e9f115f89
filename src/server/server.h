/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The HTTP server of `cwtap serve`: libmicrohttpd glue (http.c), the route
 * table (router.c), request-body validation (api_json.c), authentication
 * (auth.c), rate limits (ratelimit.c), metrics (metrics.c), the hot-path
 * snapshot (snapshot.c) and one route_<resource>.c per resource. Handlers
 * never see libmicrohttpd: they get a struct srv_req and fill a struct srv_resp.
 */
#ifndef CWT_SERVER_H
#define CWT_SERVER_H

#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>

#include "store/store_records.h"
#include "util/timeutil.h"

struct srv;
struct srv_snapshot_holder;

/* ---- configuration ------------------------------------------------------ */

/* Ownership checks need the network: injected so tests (and builds without a layer) can replace them. */
struct srv_net {
    /* TXT records of @p name, joined by '\n' into *out (caller frees with cwt_free()). */
    enum cwt_status (*txt)(void *ud, const char *name, char **out, struct cwt_err *err);
    /* GET @p url (redirects followed); *body, *final_url (after redirects; both caller frees) and *status. */
    enum cwt_status (*get)(void *ud, const char *url, char **body, long *status, char **final_url,
                           struct cwt_err *err);
    void *ud;
};

/*
 * Fills @p net with the functions over libcwtap's fetch and dns layers
 * (net.c). Returns their state, freed with srv_net_state_free() after the
 * server; NULL when out of memory.
 */
struct srv_net_state;
struct srv_net_state *srv_net_default(struct srv_net *net, struct cwt_ctx *ctx, bool allow_private,
                                      const char *ca_file, const char *dns_server, const char *const *resolve,
                                      size_t nresolve);
void srv_net_state_free(struct srv_net_state *st);

struct srv_config {
    const char *listen_addr;     /* "127.0.0.1" */
    int port;                    /* 0: any free port (see srv_port()) */
    const char *public_base;     /* base URL in SDK snippets; NULL: http://listen:port */
    const char *static_dir;      /* files served under / (SDK, dashboard); NULL: none */
    const char *openapi_path;    /* docs/openapi.yaml */
    bool insecure_cookies;       /* no Secure attribute (http://localhost) */
    unsigned threads;            /* libmicrohttpd thread pool (default 4) */
    size_t max_body;             /* request body cap, bytes (default 64 KiB) */
    size_t max_header;           /* per-connection memory for headers (default 16 KiB) */
    unsigned max_conns;          /* open connections in all (default 1000) */
    unsigned max_conns_per_ip;   /* open connections per client address (default 64; slowloris) */
    unsigned conn_timeout_s;     /* idle connection timeout, seconds (default 30) */
    int64_t session_ttl_s;       /* default 7 days */
    /* Argon2id cost; 0: moderate defaults (crypto_pwhash_OPSLIMIT_MODERATE-ish, 64 MiB). Tests lower it. */
    unsigned long long pw_opslimit;
    size_t pw_memlimit;
    double rate_ip, burst_ip;    /* requests/s and burst per client address (default 20, 40) */
    double rate_key, burst_key;  /* per API key or session (default 50, 100) */
    double rate_login, burst_login; /* login/signup attempts per address (default 0.2/s, 5) */
    /*
     * The badge, SDK and registry-page routes (srv_badge_path) have their own bucket per address, so
     * a shop's visitors behind one NAT neither lose badges to API limiting nor drain the API's
     * bucket (default 1000/s, 2000); badge_unlimited: no limit on them at all.
     */
    double rate_badge, burst_badge;
    bool badge_unlimited;
    bool access_log;             /* JSON lines on stderr */
    struct srv_net net;
    const char *models_dir;      /* model versions the operator may preview (default: the default model's directory) */
    const char *master_key_path; /* attestation secrets are sealed under this 0600 file (default var/cwtap-master.key) */
};

/* ---- requests and responses --------------------------------------------- */

enum srv_auth {
    SRV_AUTH_NONE,     /* public */
    SRV_AUTH_USER,     /* session cookie (+ CSRF header on writes) or an API key with scope "sites" */
    SRV_AUTH_SCOPE,    /* an API key holding the route's scope (platform, registry, operator), or a session
                          whose enterprise's kind allows it (srv_scope_allowed; CSRF header on writes) */
};

struct srv_caller {
    bool authed;
    bool by_session;
    struct cwt__user user;          /* session callers */
    char enterprise_id[CWT__ID_LEN];
    char key_id[CWT__ID_LEN];       /* API key callers */
    char scopes[64];
    char csrf[80];                  /* session callers */
    char session_hash[72];
};

#define SRV_MAX_PARAMS 4
#define SRV_MAX_HEADERS 6
/* The Content-Security-Policy of the static pages (the dashboard, docs/internals/dashboard.md). */
#define SRV_PAGE_CSP                                                                                          \
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "   \
    "font-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

struct srv_req {
    struct srv *srv;
    const char *method;
    const char *path;
    const char *body;               /* NUL-terminated; "" when none */
    size_t body_len;
    const char *content_type;       /* may be NULL */
    const char *client_ip;
    /* Header and query look-ups (NULL when absent). */
    const char *(*header)(const struct srv_req *rq, const char *name);
    const char *(*query)(const struct srv_req *rq, const char *name);
    const char *(*cookie)(const struct srv_req *rq, const char *name);
    void *conn;                     /* for the accessors above */
    const char *params[SRV_MAX_PARAMS]; /* {name} segments of the route pattern, in order */
    size_t nparams;
    char param_buf[SRV_MAX_PARAMS][72];
    struct srv_caller caller;
    int64_t now;                    /* Unix seconds from the injectable clock */
    void *stream;                   /* streamed routes: the state srv_stream.open made */
};

struct srv_resp {
    int status;
    json_t *json;                   /* owned; serialised on send */
    char *body;                     /* or raw bytes (owned, cwt_free) */
    size_t body_len;
    const char *content_type;       /* static */
    char *headers[SRV_MAX_HEADERS][2]; /* owned name/value pairs */
    size_t nheaders;
    bool no_etag;
};

typedef void (*srv_handler)(struct srv_req *rq, struct srv_resp *rs);

/*
 * A route whose body is read as a stream, never buffered whole (route_events.c).
 * open() runs once the headers are in and the caller is authenticated (on NULL
 * it has filled rs and the body is dropped); feed() gets each chunk of the body
 * as it arrives (false: stop feeding, the rest is dropped); then the route's
 * handler runs with rq->stream set, and free() releases the state.
 */
struct srv_stream {
    void *(*open)(struct srv_req *rq, struct srv_resp *rs);
    bool (*feed)(void *state, const char *data, size_t len);
    void (*free)(void *state);
};

struct srv_route {
    const char *method;
    const char *pattern;            /* "/v1/sites/{id}"; segments in braces are parameters */
    srv_handler handler;
    enum srv_auth auth;
    const char *scope;              /* SRV_AUTH_SCOPE */
    const struct srv_stream *stream; /* NULL: the body is buffered (max_body) before the handler */
};

/* The route table (router.c), terminated by a NULL method. */
extern const struct srv_route srv_routes[];
/*
 * Finds the route of @p method and @p path and fills rq->params. Returns NULL
 * and sets *path_known when the path matches under another method (405).
 */
const struct srv_route *srv_route_match(const char *method, const char *path, struct srv_req *rq,
                                        bool *path_known);

/* ---- response helpers --------------------------------------------------- */

/* Sets the error envelope {"error":{"code","message","field"}} and status. */
void srv_error(struct srv_resp *rs, int status, const char *code, const char *field, const char *fmt, ...)
    CWT_PRINTF(5, 6);
/* The envelope for a failed store or library call: status and code from err->status. */
void srv_error_from(struct srv_resp *rs, const struct cwt_err *err);
/* Takes ownership of @p body. */
void srv_json(struct srv_resp *rs, int status, json_t *body);
/* Adds a response header (copied); silently drops past SRV_MAX_HEADERS. */
void srv_header(struct srv_resp *rs, const char *name, const char *value);
void srv_resp_release(struct srv_resp *rs);
/* The strong ETag of @p body (quoted hex of a 128-bit BLAKE2b hash) into @p out. */
void srv_etag(const char *body, size_t len, char out[static 40]);

/* ---- request bodies (api_json.c) ---------------------------------------- */

enum srv_ftype { SRV_F_STRING, SRV_F_INT, SRV_F_BOOL, SRV_F_STRLIST };

struct srv_field {
    const char *name;
    enum srv_ftype type;
    bool required;
    size_t max_len;                 /* strings: bytes; lists: items */
};

/*
 * Parses @p body as a JSON object holding only the fields of @p spec with
 * their types and bounds. On failure err names the field ("" for the body as
 * a whole) and nothing is returned. On success *out is owned by the caller.
 */
enum cwt_status srv_body_parse(const char *body, size_t len, const struct srv_field *spec, size_t nspec,
                               json_t **out, struct cwt_err *err);
/* Reads the body of @p rq with @p spec, or fills a 4xx envelope in @p rs and returns NULL. */
json_t *srv_body(struct srv_req *rq, struct srv_resp *rs, const struct srv_field *spec, size_t nspec);
/* Reads limit and cursor query parameters, or fills a 400 envelope and returns false. */
bool srv_page(struct srv_req *rq, struct srv_resp *rs, struct cwt__page *pg);

/* ---- authentication (auth.c) -------------------------------------------- */

/* The shortest password an account may have (signup, `cwtap accounts create`). */
#define SRV_PASSWORD_MIN 10

/* Hashes @p password with Argon2id at the configured cost into @p out (crypto_pwhash_STRBYTES). */
enum cwt_status srv_password_hash(const struct srv *s, const char *password, char *out, size_t outlen,
                                  struct cwt_err *err);
/* The same at an explicit cost (0, 0: the moderate defaults), for `cwtap accounts`. */
enum cwt_status srv_password_hash_cost(unsigned long long opslimit, size_t memlimit, const char *password,
                                       char *out, size_t outlen, struct cwt_err *err);
bool srv_password_check(const char *hash, const char *password);
/* Checks and lowercases an e-mail address into @p out; false when it is not one. */
bool srv_email_normalize(const char *in, char out[static 256]);
/* True when an enterprise of @p kind may hold (API key) or use (session) @p scope. */
bool srv_scope_allowed(const char *kind, const char *scope);
/* A hash of a random password at the configured cost, checked when a login names no user. */
const char *srv_dummy_hash(const struct srv *s);
/* A random token: 32 bytes as URL-safe base64 without padding (43 chars) after @p prefix. */
void srv_token_new(const char *prefix, char *out, size_t outlen);
/* Hex SHA-256 of @p token into @p out (65 bytes). */
void srv_token_hash(const char *token, char out[static 65]);
/*
 * Identifies the caller of @p rq (session cookie or "Authorization: Bearer
 * cwt_..." key) and checks it against @p route; on refusal fills @p rs
 * (401, 403 or CSRF 403) and returns false.
 */
bool srv_authenticate(struct srv_req *rq, struct srv_resp *rs, const struct srv_route *route);
/* Starts a session for @p user: stores it and sets the session and CSRF cookies. */
enum cwt_status srv_session_start(struct srv_req *rq, struct srv_resp *rs, const struct cwt__user *user,
                                  char csrf_out[static 80], struct cwt_err *err);
/* Ends the caller's session and clears the cookies. */
void srv_session_end(struct srv_req *rq, struct srv_resp *rs);

/* ---- rate limits (ratelimit.c) ------------------------------------------ */

struct srv_ratelimit;
struct srv_ratelimit *srv_ratelimit_new(size_t slots);
void srv_ratelimit_free(struct srv_ratelimit *rl);
/*
 * Takes one token from the bucket of @p key (rate tokens/s, burst capacity)
 * at time @p now_us. True when allowed; otherwise *retry_after_s says when a
 * token will be there.
 */
bool srv_ratelimit_take(struct srv_ratelimit *rl, const char *key, double rate, double burst, int64_t now_us,
                        int *retry_after_s);

/* ---- metrics (metrics.c) ------------------------------------------------ */

struct srv_metrics;
struct srv_metrics *srv_metrics_new(size_t nroutes);
void srv_metrics_free(struct srv_metrics *m);
/* Records one finished request of route @p idx (SIZE_MAX: unrouted). */
void srv_metrics_observe(struct srv_metrics *m, size_t idx, int status, double seconds);
/* Prometheus text exposition format into a string the caller frees with cwt_free(). */
char *srv_metrics_render(struct srv_metrics *m, struct srv *s);

/* ---- the server (http.c) ------------------------------------------------ */

/* Makes a server over @p store and @p ctx (both borrowed). Caller frees with srv_free(). */
enum cwt_status srv_new(const struct srv_config *cfg, struct cwt__store *store, struct cwt_ctx *ctx,
                        struct srv **out, struct cwt_err *err);
/* Starts listening; srv_port() tells the port when cfg->port was 0. */
enum cwt_status srv_start(struct srv *s, struct cwt_err *err);
int srv_port(const struct srv *s);
/*
 * Graceful stop: stops accepting (MHD_quiesce_daemon), lets in-flight
 * requests finish for up to @p grace_ms, then stops the daemon.
 */
void srv_stop(struct srv *s, int grace_ms);
void srv_free(struct srv *s);

/* Accessors for handlers. */
struct cwt__store *srv_store(const struct srv *s);
struct cwt_ctx *srv_ctx(const struct srv *s);
const struct srv_config *srv_cfg(const struct srv *s);
struct srv_snapshot_holder *srv_snapshots(const struct srv *s);
/* The program's own snapshot holder (registry, weights, keys: program_snapshot.c). */
struct srv_snapshot_holder *srv_program_snapshots(const struct srv *s);
/* The base URL clients reach this server at (for snippets and links). */
const char *srv_public_base(const struct srv *s);
/* The Public Suffix List context (psl_ctx_t), for site.h. */
const void *srv_psl(const struct srv *s);
struct srv_metrics *srv_metrics_of(const struct srv *s);
struct srv_ratelimit *srv_ratelimit_of(const struct srv *s);
/* Requests being served now (metrics, graceful stop). */
int srv_inflight(const struct srv *s);

/* Route handlers, one group per route_<resource>.c. */
void srv_route_healthz(struct srv_req *rq, struct srv_resp *rs);
void srv_route_readyz(struct srv_req *rq, struct srv_resp *rs);
void srv_route_metrics(struct srv_req *rq, struct srv_resp *rs);
void srv_route_openapi(struct srv_req *rq, struct srv_resp *rs);
void srv_route_signup(struct srv_req *rq, struct srv_resp *rs);
void srv_route_login(struct srv_req *rq, struct srv_resp *rs);
void srv_route_logout(struct srv_req *rq, struct srv_resp *rs);
void srv_route_me(struct srv_req *rq, struct srv_resp *rs);
void srv_route_sites_list(struct srv_req *rq, struct srv_resp *rs);
void srv_route_sites_create(struct srv_req *rq, struct srv_resp *rs);
void srv_route_sites_get(struct srv_req *rq, struct srv_resp *rs);
void srv_route_sites_verify(struct srv_req *rq, struct srv_resp *rs);
void srv_route_evals_list(struct srv_req *rq, struct srv_resp *rs);
void srv_route_evals_request(struct srv_req *rq, struct srv_resp *rs);
void srv_route_evals_get(struct srv_req *rq, struct srv_resp *rs);
void srv_route_keys_list(struct srv_req *rq, struct srv_resp *rs);
void srv_route_keys_create(struct srv_req *rq, struct srv_resp *rs);
void srv_route_keys_delete(struct srv_req *rq, struct srv_resp *rs);
void srv_route_events_post(struct srv_req *rq, struct srv_resp *rs);
extern const struct srv_stream srv_events_stream;
void srv_route_mark_get(struct srv_req *rq, struct srv_resp *rs);
void srv_route_uploads_create(struct srv_req *rq, struct srv_resp *rs);
void srv_route_review_request(struct srv_req *rq, struct srv_resp *rs);
void srv_route_industry_put(struct srv_req *rq, struct srv_resp *rs);
void srv_route_cycles_list(struct srv_req *rq, struct srv_resp *rs);
void srv_route_cycles_put(struct srv_req *rq, struct srv_resp *rs);
void srv_route_threshold_get(struct srv_req *rq, struct srv_resp *rs);
void srv_route_threshold_put(struct srv_req *rq, struct srv_resp *rs);
void srv_route_keys_rotate(struct srv_req *rq, struct srv_resp *rs);
void srv_route_weights_get(struct srv_req *rq, struct srv_resp *rs);
void srv_route_weights_export(struct srv_req *rq, struct srv_resp *rs);
void srv_route_registry_list(struct srv_req *rq, struct srv_resp *rs);
void srv_route_registry_get(struct srv_req *rq, struct srv_resp *rs);
void srv_route_registry_attestation(struct srv_req *rq, struct srv_resp *rs);
void srv_route_wellknown_keys(struct srv_req *rq, struct srv_resp *rs);
void srv_route_badge(struct srv_req *rq, struct srv_resp *rs);
void srv_route_registry_page(struct srv_req *rq, struct srv_resp *rs);
void srv_route_sdk_js(struct srv_req *rq, struct srv_resp *rs);
void srv_route_sdk_css(struct srv_req *rq, struct srv_resp *rs);
void srv_route_sdk_sri(struct srv_req *rq, struct srv_resp *rs);
/* The operator's program policy (route_policy.c). */
void srv_route_policy_get(struct srv_req *rq, struct srv_resp *rs);
void srv_route_policy_put(struct srv_req *rq, struct srv_resp *rs);
void srv_route_audit_log(struct srv_req *rq, struct srv_resp *rs);
void srv_route_models_list(struct srv_req *rq, struct srv_resp *rs);
void srv_route_models_preview(struct srv_req *rq, struct srv_resp *rs);

#endif
