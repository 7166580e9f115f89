/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of src/server without sockets: the route table against
 * docs/openapi.yaml (both directions), route matching, request-body
 * validation, domain normalisation, ownership proofs through a fake network,
 * token buckets, the snapshot, tokens and password hashes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <libpsl.h>

#include "harness.h"
#include "server/server.h"
#include "server/site.h"
#include "server/snapshot.h"
#include "score/model_dir.h"
#include "sample.h"

/* ---- the router and the OpenAPI document ----------------------------------- */

struct doc_op {
    char method[8];
    char path[128];
};

/* Reads "  /path:" and "    get:" lines under "paths:" (the document's own layout). */
static size_t doc_ops(struct doc_op *ops, size_t cap)
{
    char *text = h_read_file(h_src("docs/openapi.yaml"), NULL);
    assert_non_null(text);
    size_t n = 0;
    bool in_paths = false;
    char cur[128] = "";
    for (char *line = text, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        if (strcmp(line, "paths:") == 0) {
            in_paths = true;
            continue;
        }
        if (in_paths && line[0] && line[0] != ' ')
            break;
        if (!in_paths)
            continue;
        if (strncmp(line, "  /", 3) == 0 && line[strlen(line) - 1] == ':') {
            snprintf(cur, sizeof cur, "%.*s", (int)strlen(line) - 3, line + 2);
        } else if (strncmp(line, "    ", 4) == 0 && line[4] != ' ' && cur[0]) {
            static const char *const methods[] = {"get", "post", "put", "patch", "delete"};
            for (size_t i = 0; i < CWT_ARRAY_LEN(methods); i++) {
                size_t l = strlen(methods[i]);
                if (strncmp(line + 4, methods[i], l) == 0 && line[4 + l] == ':' && n < cap) {
                    for (size_t k = 0; k <= l; k++)
                        ops[n].method[k] = (char)(methods[i][k] >= 'a' ? methods[i][k] - 32 : methods[i][k]);
                    snprintf(ops[n].path, sizeof ops[n].path, "%s", cur);
                    n++;
                }
            }
        }
    }
    free(text);
    return n;
}

static void test_routes_match_openapi(void **state)
{
    (void)state;
    struct doc_op ops[128];
    size_t n = doc_ops(ops, CWT_ARRAY_LEN(ops));
    assert_true(n > 10);
    size_t nroutes = 0;
    for (const struct srv_route *r = srv_routes; r->method; r++, nroutes++) {
        bool found = false;
        for (size_t i = 0; i < n && !found; i++)
            found = strcmp(ops[i].method, r->method) == 0 && strcmp(ops[i].path, r->pattern) == 0;
        if (!found)
            fail_msg("route %s %s is not in docs/openapi.yaml", r->method, r->pattern);
    }
    for (size_t i = 0; i < n; i++) {
        bool found = false;
        for (const struct srv_route *r = srv_routes; r->method && !found; r++)
            found = strcmp(ops[i].method, r->method) == 0 && strcmp(ops[i].path, r->pattern) == 0;
        if (!found)
            fail_msg("docs/openapi.yaml documents %s %s, which the router does not know", ops[i].method,
                     ops[i].path);
    }
    assert_int_equal(n, nroutes);
}

static void test_route_match(void **state)
{
    (void)state;
    static const struct {
        const char *method, *path, *pattern, *param;
        bool known;
    } cases[] = {
        {"GET", "/v1/sites", "/v1/sites", NULL, false},
        {"GET", "/v1/sites/s_abc", "/v1/sites/{id}", "s_abc", false},
        {"HEAD", "/v1/sites/s_abc", "/v1/sites/{id}", "s_abc", false},
        {"POST", "/v1/sites/s_abc/verify", "/v1/sites/{id}/verify", "s_abc", false},
        {"PUT", "/v1/sites/s_abc", NULL, NULL, true},
        {"GET", "/v1/sites/", NULL, NULL, false},
        {"GET", "/v1/sites/a'b", NULL, NULL, false},
        {"GET", "/v1/sites/a%20b", NULL, NULL, false},
        {"GET", "/v1/sites/s_abc/", NULL, NULL, false},
        {"GET", "/v1/nope", NULL, NULL, false},
        {"DELETE", "/v1/keys/k_1", "/v1/keys/{id}", "k_1", false},
        {"GET", "/v1/keys/k_1", NULL, NULL, true},
    };
    for (size_t i = 0; i < CWT_ARRAY_LEN(cases); i++) {
        struct srv_req rq;
        memset(&rq, 0, sizeof rq);
        bool known = false;
        const struct srv_route *r = srv_route_match(cases[i].method, cases[i].path, &rq, &known);
        if (!cases[i].pattern) {
            assert_null(r);
            assert_int_equal(known, cases[i].known);
            continue;
        }
        assert_non_null(r);
        assert_string_equal(r->pattern, cases[i].pattern);
        if (cases[i].param) {
            assert_int_equal(rq.nparams, 1);
            assert_string_equal(rq.params[0], cases[i].param);
        }
    }
}

/* ---- request bodies --------------------------------------------------------- */

static void test_body_parse(void **state)
{
    (void)state;
    static const struct srv_field spec[] = {
        {"name", SRV_F_STRING, true, 8},
        {"n", SRV_F_INT, false, 0},
        {"on", SRV_F_BOOL, false, 0},
        {"tags", SRV_F_STRLIST, false, 2},
    };
    static const struct {
        const char *body;
        enum cwt_status want;
        const char *field;
    } cases[] = {
        {"{\"name\":\"abc\"}", CWT_OK, ""},
        {"{\"name\":\"abc\",\"n\":3,\"on\":true,\"tags\":[\"a\",\"b\"]}", CWT_OK, ""},
        {"", CWT_EINVAL, ""},
        {"{", CWT_EPARSE, "byte 1"},
        {"[1]", CWT_EINVAL, ""},
        {"\"x\"", CWT_EPARSE, "byte 3"},
        {"{\"name\":1}", CWT_EINVAL, "name"},
        {"{\"name\":\"123456789\"}", CWT_ETOOBIG, "name"},
        {"{\"name\":\"a\",\"extra\":1}", CWT_EINVAL, "extra"},
        {"{\"n\":1}", CWT_EINVAL, "name"},
        {"{\"name\":\"a\",\"n\":1.5}", CWT_EINVAL, "n"},
        {"{\"name\":\"a\",\"on\":\"yes\"}", CWT_EINVAL, "on"},
        {"{\"name\":\"a\",\"tags\":[\"a\",\"b\",\"c\"]}", CWT_ETOOBIG, "tags"},
        {"{\"name\":\"a\",\"tags\":[\"a\",1]}", CWT_EINVAL, "tags[1]"},
        {"{\"name\":\"a\",\"name\":\"b\"}", CWT_EPARSE, NULL},
        {"{\"name\":\"a\\u0000b\"}", CWT_EPARSE, NULL},
        {"{\"name\":\"\xff\"}", CWT_EPARSE, NULL},
        {"{\"name\":\"a\"} trailing", CWT_EPARSE, NULL},
    };
    for (size_t i = 0; i < CWT_ARRAY_LEN(cases); i++) {
        json_t *out = NULL;
        struct cwt_err err;
        cwt_err_clear(&err);
        enum cwt_status rc = srv_body_parse(cases[i].body, strlen(cases[i].body), spec, CWT_ARRAY_LEN(spec), &out,
                                            &err);
        if (rc != cases[i].want)
            fail_msg("case %zu '%s': got %d (%s), want %d", i, cases[i].body, rc, err.msg, cases[i].want);
        if (cases[i].field)
            assert_string_equal(err.field, cases[i].field);
        if (rc == CWT_OK)
            assert_non_null(out);
        else
            assert_null(out);
        json_decref(out);
    }
}

/* ---- domains ------------------------------------------------------------------ */

static void test_domain_normalize(void **state)
{
    (void)state;
    psl_ctx_t *psl = psl_latest(NULL);
    const psl_ctx_t *p = psl ? psl : psl_builtin();
    assert_non_null(p);
    /* IDN expectations are libidn2's own answers (idn2 lookup), PSL ones follow public_suffix_list.dat. */
    static const struct {
        const char *in, *host, *reg, *url;
    } cases[] = {
        {"example.com", "example.com", "example.com", "https://example.com/"},
        {"WWW.Example.COM.", "www.example.com", "example.com", "https://www.example.com/"},
        {"https://shop.example.co.uk/path?q=1", "shop.example.co.uk", "example.co.uk", "https://shop.example.co.uk/"},
        {"http://example.com:8080", "example.com", "example.com", "http://example.com:8080/"},
        {"shop.example.com:8443/x", "shop.example.com", "example.com", "https://shop.example.com:8443/"},
        {"  example.com", "example.com", "example.com", "https://example.com/"},
        {"bücher.de", "xn--bcher-kva.de", "xn--bcher-kva.de", "https://xn--bcher-kva.de/"},
        {"https://WWW.Bücher.de/shop", "www.xn--bcher-kva.de", "xn--bcher-kva.de", "https://www.xn--bcher-kva.de/"},
        {"XN--BCHER-KVA.de", "xn--bcher-kva.de", "xn--bcher-kva.de", "https://xn--bcher-kva.de/"},
        {"例え.jp", "xn--r8jz45g.jp", "xn--r8jz45g.jp", "https://xn--r8jz45g.jp/"},
        /* Chinese: an IDN TLD (中国 is a public suffix) and an IDN label under com.cn */
        {"例子.中国", "xn--fsqu00a.xn--fiqs8s", "xn--fsqu00a.xn--fiqs8s", "https://xn--fsqu00a.xn--fiqs8s/"},
        {"www.例子.com.cn", "www.xn--fsqu00a.com.cn", "xn--fsqu00a.com.cn", "https://www.xn--fsqu00a.com.cn/"},
        /* Thai: combining vowels and tone marks, under the Thai TLD and under its ธุรกิจ (business) suffix */
        {"ตัวอย่าง.ไทย", "xn--72c1a1bt4awk9o.xn--o3cw4h", "xn--72c1a1bt4awk9o.xn--o3cw4h",
         "https://xn--72c1a1bt4awk9o.xn--o3cw4h/"},
        {"shop.ตัวอย่าง.ธุรกิจ.ไทย", "shop.xn--72c1a1bt4awk9o.xn--12co0c3b4eva.xn--o3cw4h",
         "xn--72c1a1bt4awk9o.xn--12co0c3b4eva.xn--o3cw4h",
         "https://shop.xn--72c1a1bt4awk9o.xn--12co0c3b4eva.xn--o3cw4h/"},
        /* Vietnamese: stacked diacritics, upper case folded (UTS #46) */
        {"công-ty.vn", "xn--cng-ty-ixa.vn", "xn--cng-ty-ixa.vn", "https://xn--cng-ty-ixa.vn/"},
        {"www.Việt-Nam.com.vn", "www.xn--vit-nam-zv4c.com.vn", "xn--vit-nam-zv4c.com.vn",
         "https://www.xn--vit-nam-zv4c.com.vn/"},
        {"shop.example.com.cn", "shop.example.com.cn", "example.com.cn", "https://shop.example.com.cn/"},
        {"foo.github.io", "foo.github.io", "foo.github.io", "https://foo.github.io/"},
        {"", NULL, NULL, NULL},
        {"localhost", NULL, NULL, NULL},
        {"app.localhost", NULL, NULL, NULL},
        {"127.0.0.1", NULL, NULL, NULL},
        {"http://[::1]/", NULL, NULL, NULL},
        {"ftp://example.com", NULL, NULL, NULL},
        {"user@example.com", NULL, NULL, NULL},
        {"co.uk", NULL, NULL, NULL},
        {"github.io", NULL, NULL, NULL},
        {"com.vn", NULL, NULL, NULL},
        {"公司.cn", NULL, NULL, NULL},         /* a public suffix written in Chinese */
        {"ธุรกิจ.ไทย", NULL, NULL, NULL},       /* a public suffix written in Thai */
        {"中国", NULL, NULL, NULL},
        {"-bad.example.com", NULL, NULL, NULL},
        {"bad-.example.com", NULL, NULL, NULL},
        {"a..b.com", NULL, NULL, NULL},
        {"exa_mple.com", NULL, NULL, NULL},
        {"example.com:abc", NULL, NULL, NULL},
        {"example.com:0", NULL, NULL, NULL},
        {"example.com:70000", NULL, NULL, NULL},
        {"printer.local", NULL, NULL, NULL},
        {"xn--zz.com", NULL, NULL, NULL},        /* invalid punycode */
        {"xn--bcher-kvb.de", NULL, NULL, NULL},  /* decodes to a character IDNA 2008 forbids */
        /* An emoji domain: IDNA 2008 disallows it, UTS #46 transitional (browsers) maps it; one verdict for both forms */
        {"💩.la", "xn--ls8h.la", "xn--ls8h.la", "https://xn--ls8h.la/"},
        {"xn--ls8h.la", "xn--ls8h.la", "xn--ls8h.la", "https://xn--ls8h.la/"},
        {"ex\xc3" "ample.com", NULL, NULL, NULL}, /* not UTF-8 */
    };
    for (size_t i = 0; i < CWT_ARRAY_LEN(cases); i++) {
        struct srv_site_name n;
        struct cwt_err err;
        cwt_err_clear(&err);
        enum cwt_status rc = srv_domain_normalize(p, cases[i].in, &n, &err);
        if (cases[i].host) {
            if (rc != CWT_OK)
                fail_msg("'%s' refused: %s", cases[i].in, err.msg);
            assert_string_equal(n.host, cases[i].host);
            assert_string_equal(n.registrable, cases[i].reg);
            assert_string_equal(n.url, cases[i].url);
        } else {
            if (rc == CWT_OK)
                fail_msg("'%s' accepted as '%s'", cases[i].in, n.host);
            assert_string_equal(err.field, "domain");
            if (cases[i].in[0] && !strstr(err.msg, "'") && !strstr(err.msg, "http"))
                fail_msg("'%s': the refusal does not quote the input: %s", cases[i].in, err.msg);
        }
    }
    if (psl)
        psl_free(psl);
}

/* ---- ownership proofs ------------------------------------------------------------ */

static void test_meta_token(void **state)
{
    (void)state;
    static const struct {
        const char *html;
        bool want;
    } cases[] = {
        {"<head><meta name=\"cwtap-site-verification\" content=\"T0K\"></head>", true},
        {"<META content='T0K' NAME='cwtap-site-verification'/>", true},
        {"<meta name=cwtap-site-verification content=T0K>", true},
        {"<meta name=\"cwtap-site-verification\" content=\"T0K2\">", false},
        {"<meta name=\"other\" content=\"T0K\">", false},
        {"<meta name=\"cwtap-site-verification\">", false},
        {"<p>cwtap-site-verification T0K</p>", false},
        {"<meta name=\"cwtap-site-verification\" content=\"T0K\"", false},
        {"<meta data-name=\"cwtap-site-verification\" content=\"T0K\">", false},
    };
    for (size_t i = 0; i < CWT_ARRAY_LEN(cases); i++)
        if (srv_html_has_meta_token(cases[i].html, "T0K") != cases[i].want)
            fail_msg("case %zu: %s", i, cases[i].html);
}

struct fake_net {
    const char *txt_name, *txt;
    const char *url, *body;
    long status;
    int calls;
    const char *final; /* where a redirect ended; NULL: url itself */
};

static enum cwt_status fake_txt(void *ud, const char *name, char **out, struct cwt_err *err)
{
    struct fake_net *f = ud;
    f->calls++;
    if (!f->txt_name || strcmp(name, f->txt_name) != 0)
        return cwt_err_set(err, CWT_ENOTFOUND, "no TXT at '%s'", name);
    *out = cwt_strdup(f->txt);
    return CWT_OK;
}

static enum cwt_status fake_get(void *ud, const char *url, char **body, long *status, char **final,
                                struct cwt_err *err)
{
    struct fake_net *f = ud;
    f->calls++;
    if (!f->url || strcmp(url, f->url) != 0)
        return cwt_err_set(err, CWT_ECONNECT, "cannot connect to '%s'", url);
    *body = cwt_strdup(f->body);
    *final = cwt_strdup(f->final ? f->final : url);
    *status = f->status;
    return CWT_OK;
}

static void test_verify_check(void **state)
{
    (void)state;
    static const struct {
        const char *method;
        struct fake_net net;
        enum cwt_status want;
        const char *site_url; /* NULL: https://ex.com/ */
        const char *why;      /* in the refusal, besides the token */
    } cases[] = {
        {"dns", {"_cwtap.ex.com", "other\ncwtap-site-verification=TOK", NULL, NULL, 0, 0}, CWT_OK},
        {"dns", {"_cwtap.ex.com", "\"cwtap-site-verification=TOK\"", NULL, NULL, 0, 0}, CWT_OK},
        {"dns", {"_cwtap.ex.com", "cwtap-site-verification=TOKX", NULL, NULL, 0, 0}, CWT_EREFUSED},
        {"dns", {"ex.com", "cwtap-site-verification=TOK", NULL, NULL, 0, 0}, CWT_EREFUSED},
        {"meta", {NULL, NULL, "https://ex.com/", "<meta name=\"cwtap-site-verification\" content=\"TOK\">", 200, 0},
         CWT_OK},
        {"meta", {NULL, NULL, "http://ex.com/", "<meta name=\"cwtap-site-verification\" content=\"TOK\">", 200, 0},
         CWT_OK},
        {"meta", {NULL, NULL, "https://ex.com/", "<meta name=\"cwtap-site-verification\" content=\"TOK\">", 404, 0},
         CWT_EREFUSED},
        {"meta", {NULL, NULL, "https://ex.com/", "<p>TOK</p>", 200, 0}, CWT_EREFUSED},
        {"well-known", {NULL, NULL, "https://ex.com/.well-known/cwtap.txt", "cwtap-site-verification=TOK\r\n", 200, 0},
         CWT_OK},
        {"well-known", {NULL, NULL, "https://ex.com/.well-known/cwtap.txt", "TOK\n", 200, 0}, CWT_OK},
        {"well-known", {NULL, NULL, "https://ex.com/.well-known/cwtap.txt", "xTOK\n", 200, 0}, CWT_EREFUSED, NULL,
         "holds 'xTOK'"},
        {"well-known", {NULL, NULL, "https://ex.com/.well-known/cwtap.txt", "nope", 404, 0}, CWT_EREFUSED, NULL,
         "answered HTTP 404"},
        {"dns", {"_cwtap.ex.com", "cwtap-site-verification=OTHER", NULL, NULL, 0, 0}, CWT_EREFUSED, NULL,
         "found 'cwtap-site-verification=OTHER'"},
        {"dns", {NULL, NULL, NULL, NULL, 0, 0}, CWT_EREFUSED, NULL, "no TXT at '_cwtap.ex.com'"},
        /* A redirect within the site is followed; one to another host proves nothing. */
        {"meta", {NULL, NULL, "https://ex.com/", "<meta name=\"cwtap-site-verification\" content=\"TOK\">", 200, 0,
                  "https://ex.com/en/"}, CWT_OK},
        {"meta", {NULL, NULL, "https://ex.com/", "<meta name=\"cwtap-site-verification\" content=\"TOK\">", 200, 0,
                  "https://evil.example/"}, CWT_EREFUSED, NULL, "redirected to another host ('https://evil.example/')"},
        {"meta", {NULL, NULL, "https://ex.com/", "<meta name=\"cwtap-site-verification\" content=\"TOK\">", 200, 0,
                  "https://www.ex.com/"}, CWT_EREFUSED, NULL, "another host"},
        /* A site registered with a port is checked there, and on its scheme only. */
        {"well-known", {NULL, NULL, "https://ex.com:8443/.well-known/cwtap.txt", "TOK\n", 200, 0}, CWT_OK,
         "https://ex.com:8443/"},
        {"well-known", {NULL, NULL, "https://ex.com/.well-known/cwtap.txt", "TOK\n", 200, 0}, CWT_EREFUSED,
         "https://ex.com:8443/", "cannot connect to 'https://ex.com:8443/.well-known/cwtap.txt'"},
        {"meta", {NULL, NULL, "http://ex.com/", "<meta name=\"cwtap-site-verification\" content=\"TOK\">", 200, 0},
         CWT_EREFUSED, "http://ex.com:8080/"},
    };
    for (size_t i = 0; i < CWT_ARRAY_LEN(cases); i++) {
        struct fake_net f = cases[i].net;
        struct srv_net net = {fake_txt, fake_get, &f};
        struct cwt_err err;
        cwt_err_clear(&err);
        const char *url = cases[i].site_url ? cases[i].site_url : "https://ex.com/";
        enum cwt_status rc = srv_verify_check(&net, cases[i].method, "ex.com", url, "TOK", &err);
        if (rc != cases[i].want)
            fail_msg("case %zu (%s): got %d (%s)", i, cases[i].method, rc, err.msg);
        if (rc != CWT_OK) {
            assert_true(strstr(err.msg, "TOK") != NULL); /* the refusal says what was expected */
            assert_string_equal(err.field, "method");
            if (cases[i].why && !strstr(err.msg, cases[i].why))
                fail_msg("case %zu: '%s' lacks '%s'", i, err.msg, cases[i].why);
        }
    }
    struct srv_net none = {NULL, NULL, NULL};
    struct cwt_err err;
    assert_int_equal(srv_verify_check(&none, "dns", "ex.com", "https://ex.com/", "TOK", &err), CWT_EUNSUPPORTED);
    assert_int_equal(srv_verify_check(&none, "meta", "ex.com", "https://ex.com/", "TOK", &err), CWT_EUNSUPPORTED);
}

/* ---- rate limits -------------------------------------------------------------- */

static void test_ratelimit(void **state)
{
    (void)state;
    struct srv_ratelimit *rl = srv_ratelimit_new(64);
    int64_t t = 1000000000;
    int retry = -1;
    for (int i = 0; i < 5; i++)
        assert_true(srv_ratelimit_take(rl, "ip:a", 1.0, 5, t, &retry));
    assert_false(srv_ratelimit_take(rl, "ip:a", 1.0, 5, t, &retry));
    assert_int_equal(retry, 1);
    assert_true(srv_ratelimit_take(rl, "ip:b", 1.0, 5, t, &retry)); /* another key has its own bucket */
    assert_false(srv_ratelimit_take(rl, "ip:a", 1.0, 5, t + 999999, &retry));
    assert_true(srv_ratelimit_take(rl, "ip:a", 1.0, 5, t + 1000000, &retry));
    assert_false(srv_ratelimit_take(rl, "ip:c", 0.2, 1, t, &retry) && srv_ratelimit_take(rl, "ip:c", 0.2, 1, t, &retry));
    assert_int_equal(retry, 5);
    /* Refill never exceeds the burst. */
    for (int i = 0; i < 5; i++)
        assert_true(srv_ratelimit_take(rl, "ip:a", 1.0, 5, t + 100000000, &retry));
    assert_false(srv_ratelimit_take(rl, "ip:a", 1.0, 5, t + 100000000, &retry));
    /* Many keys in a small table: it never grows, and every new key starts full. */
    char key[32];
    for (int i = 0; i < 1000; i++) {
        snprintf(key, sizeof key, "ip:%d", i);
        assert_true(srv_ratelimit_take(rl, key, 1.0, 2, t + 200000000, &retry));
    }
    srv_ratelimit_free(rl);
}

/* ---- the snapshot ---------------------------------------------------------------- */

static int freed;

static void free_int(void *p)
{
    freed++;
    cwt_free(p);
}

static enum cwt_status build_int(void *ud, void **data, void (**fd)(void *))
{
    int *counter = ud;
    int *v = cwt_malloc(sizeof *v);
    *v = ++*counter;
    *data = v;
    *fd = free_int;
    return CWT_OK;
}

static void test_snapshot(void **state)
{
    (void)state;
    freed = 0;
    struct srv_snapshot_holder *h = srv_snapshot_holder_new();
    assert_null(srv_snapshot_acquire(h, 0));
    int builds = 0;
    srv_snapshot_set_builder(h, build_int, &builds);
    struct srv_snapshot *a = srv_snapshot_acquire(h, 10);
    assert_non_null(a);
    assert_int_equal(*(int *)a->data, 1);
    struct srv_snapshot *a2 = srv_snapshot_acquire(h, 11);
    assert_ptr_equal(a, a2); /* not stale: no rebuild */
    assert_int_equal(builds, 1);
    srv_snapshot_invalidate(h);
    struct srv_snapshot *b = srv_snapshot_acquire(h, 12);
    assert_int_equal(*(int *)b->data, 2);
    assert_true(b->version > a->version);
    assert_int_equal(*(int *)a->data, 1); /* the old one lives while referenced */
    assert_int_equal(freed, 0);
    srv_snapshot_release(a);
    srv_snapshot_release(a2);
    assert_int_equal(freed, 1);
    srv_snapshot_release(b);
    srv_snapshot_holder_free(h);
    assert_int_equal(freed, 2);
}

static enum cwt_status fake_version(void *ud, int64_t *v)
{
    int64_t *src = ud;
    src[1]++; /* polls */
    *v = src[0];
    return CWT_OK;
}

static void test_snapshot_watch(void **state)
{
    (void)state;
    freed = 0;
    struct srv_snapshot_holder *h = srv_snapshot_holder_new();
    int builds = 0;
    int64_t src[2] = {7, 0}; /* version, polls */
    srv_snapshot_set_builder(h, build_int, &builds);
    srv_snapshot_watch(h, fake_version, src, 5);
    struct srv_snapshot *a = srv_snapshot_acquire(h, 100);
    assert_int_equal(builds, 1);
    assert_int_equal(src[1], 1);
    srv_snapshot_release(a);
    /* Another process changes the data: not seen before the poll interval, seen after. */
    src[0] = 8;
    a = srv_snapshot_acquire(h, 104);
    assert_int_equal(builds, 1);
    assert_int_equal(src[1], 1);
    srv_snapshot_release(a);
    a = srv_snapshot_acquire(h, 105);
    assert_int_equal(builds, 2);
    assert_int_equal(*(int *)a->data, 2);
    srv_snapshot_release(a);
    /* Unchanged version: polled, not rebuilt. */
    a = srv_snapshot_acquire(h, 111);
    assert_int_equal(src[1], 3);
    assert_int_equal(builds, 2);
    srv_snapshot_release(a);
    srv_snapshot_holder_free(h);
    assert_int_equal(freed, 2);
}

/* ---- tokens and passwords ------------------------------------------------------------ */

static void test_tokens_and_passwords(void **state)
{
    (void)state;
    char a[80], b[80], ha[65], hb[65];
    srv_token_new("cwt_", a, sizeof a);
    srv_token_new("cwt_", b, sizeof b);
    assert_int_equal(strlen(a), 4 + 43);
    assert_string_not_equal(a, b);
    srv_token_hash(a, ha);
    srv_token_hash(a, hb);
    assert_string_equal(ha, hb);
    assert_int_equal(strlen(ha), 64);
    srv_token_hash("abc", ha);
    assert_string_equal(ha, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    struct srv_config cfg = {.pw_opslimit = 1, .pw_memlimit = 8192};
    struct srv *s = NULL;
    struct cwt_err err;
    assert_int_equal(srv_new(&cfg, NULL, NULL, &s, &err), CWT_OK);
    char hash[160];
    assert_int_equal(srv_password_hash(s, "correct horse", hash, sizeof hash, &err), CWT_OK);
    assert_true(strncmp(hash, "$argon2id$", 10) == 0);
    assert_true(srv_password_check(hash, "correct horse"));
    assert_false(srv_password_check(hash, "correct horsE"));
    assert_false(srv_password_check("garbage", "correct horse"));
    srv_free(s);
}

/* ---- scopes of sessions and keys, e-mail addresses ----------------------------------------- */

static void test_scopes_and_emails(void **state)
{
    (void)state;
    /* operator: every scope; platform: platform; portal: registry; anyone: sites. */
    static const char *const kinds[] = {"operator", "platform", "portal", "exporter"};
    static const char *const scopes[] = {"operator", "platform", "registry", "sites"};
    static const bool want[4][4] = {{1, 1, 1, 1}, {0, 1, 0, 1}, {0, 0, 1, 1}, {0, 0, 0, 1}};
    for (size_t k = 0; k < 4; k++)
        for (size_t c = 0; c < 4; c++)
            assert_int_equal(srv_scope_allowed(kinds[k], scopes[c]), want[k][c]);
    assert_false(srv_scope_allowed("unknown", "operator"));
    char out[256];
    assert_true(srv_email_normalize("Ops@Trust.Example", out));
    assert_string_equal(out, "ops@trust.example");
    static const char *const bad[] = {"", "a@", "@b.c", "a@b", "a@@b.c", "a b@c.d", "a@b.c,d", "<a@b.c>", "a@b@c.d"};
    for (size_t i = 0; i < CWT_ARRAY_LEN(bad); i++)
        assert_false(srv_email_normalize(bad[i], out));
    char hash[160];
    struct cwt_err err;
    assert_int_equal(srv_password_hash_cost(1, 8192, "long enough pw", hash, sizeof hash, &err), CWT_OK);
    assert_true(srv_password_check(hash, "long enough pw"));
    assert_int_equal(srv_password_hash_cost(1, 8192, "x", hash, 10, &err), CWT_EINTERNAL);
}

/* ---- the model directory of the operator's preview ------------------------------------------ */

static void test_model_dir(void **state)
{
    (void)state;
    char *dir = h_tempdir("models");
    char path[600], *v1 = h_read_file(h_src("models/cwtap-model-v1.json"), NULL);
    assert_non_null(v1);
    snprintf(path, sizeof path, "%s/b-v1.json", dir);
    h_write_file(path, v1, strlen(v1));
    char *t2 = h_model_v2_text(); /* content counts for nothing */
    assert_non_null(t2);
    snprintf(path, sizeof path, "%s/a-v2.json", dir);
    h_write_file(path, t2, strlen(t2));
    snprintf(path, sizeof path, "%s/broken.json", dir);
    h_write_file(path, "{\"id\":1}", 8);
    struct cwt__model_dir *d = NULL;
    struct cwt_err err;
    assert_int_equal(cwt__model_dir_load(dir, &d, &err), CWT_OK);
    assert_int_equal(cwt__model_dir_count(d), 2); /* the broken file is skipped */
    assert_string_equal(cwt__model_dir_file(d, 0), "a-v2.json");
    assert_int_equal(cwt__model_dir_find(d, "2.0.0-test"), 0);
    size_t i1 = cwt__model_dir_find(d, "1.0.0");
    assert_int_equal(i1, 1);
    assert_int_equal(cwt__model_dir_find(d, "9"), SIZE_MAX);
    assert_int_equal(cwt__model_dir_grade_rank(d, i1, "A"), 0);
    assert_int_equal(cwt__model_dir_grade_rank(d, i1, "F"), 5);
    assert_int_equal(cwt__model_dir_grade_rank(d, i1, "Z"), SIZE_MAX);
    /* A stored evaluation re-scored by the model that made it keeps its total; v2 moves it. */
    json_t *ev = h_sample_evaluation(H_SAMPLE_STRONG);
    char *rep = json_dumps(ev, 0), grade[8], url[300];
    double total, t2v;
    assert_int_equal(cwt__model_dir_rescore(d, i1, rep, &total, grade, url, sizeof url, &err), CWT_OK);
    assert_true(fabs(total - json_number_value(json_object_get(ev, "total"))) < 1e-9);
    assert_string_equal(grade, json_string_value(json_object_get(json_object_get(ev, "grade"), "letter")));
    assert_string_equal(url, json_string_value(json_object_get(ev, "site")));
    assert_int_equal(cwt__model_dir_rescore(d, 0, rep, &t2v, grade, NULL, 0, &err), CWT_OK);
    assert_true(fabs(t2v - total) > 0.01);
    assert_int_equal(cwt__model_dir_rescore(d, 0, "{not json", &t2v, grade, NULL, 0, &err), CWT_EPARSE);
    assert_string_equal(err.field, "report");
    assert_int_equal(cwt__model_dir_rescore(d, 0, "{}", &t2v, grade, NULL, 0, &err), CWT_EINVAL);
    assert_string_equal(err.field, "signals");
    cwt__model_dir_free(d);
    char def[4096];
    setenv("CWTAP_MODEL", "/opt/m/v9.json", 1);
    cwt__model_dir_default(def, sizeof def);
    assert_string_equal(def, "/opt/m");
    unsetenv("CWTAP_MODEL");
    cwt__model_dir_default(def, sizeof def);
    assert_int_equal(cwt__model_dir_load(def, &d, &err), CWT_OK); /* the shipped models/ */
    assert_true(cwt__model_dir_find(d, "1.0.0") != SIZE_MAX);
    cwt__model_dir_free(d);
    assert_int_equal(cwt__model_dir_load("/nonexistent/models", &d, &err), CWT_EIO);
    assert_string_equal(err.field, "models");
    free(rep);
    json_decref(ev);
    free(t2);
    free(v1);
    h_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_routes_match_openapi),
        cmocka_unit_test(test_route_match),
        cmocka_unit_test(test_body_parse),
        cmocka_unit_test(test_domain_normalize),
        cmocka_unit_test(test_meta_token),
        cmocka_unit_test(test_verify_check),
        cmocka_unit_test(test_ratelimit),
        cmocka_unit_test(test_snapshot),
        cmocka_unit_test(test_snapshot_watch),
        cmocka_unit_test(test_tokens_and_passwords),
        cmocka_unit_test(test_scopes_and_emails),
        cmocka_unit_test(test_model_dir),
    };
    return cmocka_run_group_tests_name("server", tests, NULL, NULL);
}
