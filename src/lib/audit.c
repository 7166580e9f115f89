/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements cwt_audit(), the pipeline of one site: crawl the
 * site, inspect its TLS, look up its registration, run every registered
 * signal in order, and score them with the model into an evaluation. It only
 * wires the layers together; each layer owns its library.
 */
#include <jansson.h>
#include <stdio.h>

#include "crawl/crawl.h"
#include "ops/ops.h"
#include "program/integration.h"
#include "report/report.h"
#include "score/score.h"
#include "signals/orgname.h"
#include "signals/signal.h"
#include "tls/tls.h"
#include "util/url.h"
#include "whois/whois.h"

struct cwt_report {
    json_t *eval;
    double total;
    char grade[4];
    bool unreachable;
    enum cwt__integration integ; /* the home page's SDK tag, when asked for (sdk_site_id) */
    char integ_why[200];
};

/* The ADDR of a "HOST:PORT:ADDR" entry matching host and port, copied into @p out; false if none. */
static bool resolve_addr(const struct cwt_audit_opts *o, const char *host, int port, char *out, size_t n)
{
    char prefix[300];
    snprintf(prefix, sizeof prefix, "%s:%d:", host, port);
    size_t pl = strlen(prefix);
    for (size_t i = 0; i < o->nresolve; i++) {
        const char *e = o->resolve[i];
        if (strncasecmp(e, prefix, pl) == 0) {
            const char *addr = e + pl;
            size_t al = strlen(addr);
            if (al >= 2 && addr[0] == '[' && addr[al - 1] == ']') {
                addr++;
                al -= 2;
            }
            snprintf(out, n, "%.*s", (int)al, addr);
            return true;
        }
    }
    return false;
}

/* Keeps the crawl's handshake with the host:port the tls inspection judges in *@p ud (a struct
 * cwt__tls_seen *) while the crawl runs. */
static bool keep_handshake(void *ud, void *ssl, const char *address, double handshake_ms)
{
    struct cwt__tls_seen **seen = ud;
    if (!*seen)
        *seen = cwt__tls_seen_take(ssl, address, handshake_ms); /* NULL: resumed session, or no memory */
    return *seen != NULL;
}

static json_t *crawl_json(const struct cwt__crawl *c)
{
    json_t *j = json_object(), *pages = json_array(), *notes = json_array();
    for (size_t i = 0; i < c->npages; i++) {
        const struct cwt__crawl_page *p = &c->pages[i];
        json_t *pj = json_pack("{s:s?, s:s?, s:I, s:s?, s:s?, s:s?, s:I, s:b, s:I, s:f}", "url", p->resp.url,
                               "final_url", p->resp.final_url, "status", (json_int_t)p->resp.status, "role", p->role,
                               "reason", p->reason, "content_type", p->resp.content_type, "bytes",
                               (json_int_t)p->resp.body_len, "truncated", p->resp.truncated, "depth",
                               (json_int_t)p->depth, "ms", p->resp.total_ms);
        if (pj && p->resp.rc != CWT_OK) {
            json_object_set_new(pj, "error", json_string(p->resp.error ? p->resp.error : cwt_strerror(p->resp.rc)));
            json_object_set_new(pj, "error_code", json_string(cwt_status_name(p->resp.rc)));
        }
        json_array_append_new(pages, pj);
    }
    for (size_t i = 0; i < c->nnotes; i++)
        json_array_append_new(notes, json_string(c->notes[i]));
    json_object_set_new(j, "pages", pages);
    json_object_set_new(j, "notes", notes);
    return j;
}

static void fill_totals(struct cwt_report *r)
{
    json_t *t = json_object_get(r->eval, "total");
    r->total = json_is_number(t) ? json_number_value(t) : -1.0;
    const char *g = json_string_value(json_object_get(json_object_get(r->eval, "grade"), "letter"));
    snprintf(r->grade, sizeof r->grade, "%s", g ? g : "?");
}

enum cwt_status cwt_audit(struct cwt_ctx *ctx, const char *url, const struct cwt_audit_opts *opts,
                          struct cwt_report **out, struct cwt_err *err)
{
    static const struct cwt_audit_opts no_opts = {0};
    const struct cwt_audit_opts *o = opts ? opts : &no_opts;
    const struct cwt__model *model = NULL;
    struct cwt__crawl *crawl = NULL;
    struct cwt__tls_report *tls = NULL;
    struct cwt__tls_seen *seen = NULL; /* the crawl's handshake, when it made one (keep_handshake) */
    struct cwt__whois *whois = NULL;
    struct cwt__site_page *pages = NULL;
    struct cwt__signal *sigs = NULL;
    struct cwt__site_memo *memo = NULL;
    char *reg_domain = NULL;
    json_t *eval = NULL;
    struct cwt_report *r = NULL;
    size_t nsig = 0;
    enum cwt_status rc;

    *out = NULL;
    struct cwt_url u;
    rc = cwt__url_split(url, &u, err);
    if (rc)
        goto out;
    rc = cwt__model_acquire(o->model_path ? o->model_path : cwt__model_default_path(), &model, err);
    if (rc)
        goto out;
    int64_t at = o->at ? o->at : cwt_ctx_now(ctx);
    const struct cwt_limits *lim = cwt_ctx_limits(ctx);
    /* A site given as http:// is inspected on port 443 too: no HTTPS at all is a finding, not "no data". */
    int tls_port = strcmp(u.scheme, "https") == 0 ? u.port : 443;
    /* The crawl's connections handshake as the inspection would; the first full handshake with
     * host:tls_port is judged instead of a second connection (docs/internals/tls.md). */
    const struct cwt__fetch_tls_tap tap = {
        .host = u.host, .port = tls_port, .setup = cwt__tls_client_setup, .seen = keep_handshake, .ud = &seen};

    struct cwt__fetch_opts fo = {
        .ca_file = o->ca_file,
        .resolve = o->resolve,
        .nresolve = o->nresolve,
        .allow_private = o->allow_private,
        .user_agent = o->user_agent,
        .verify_tls = false,
        .tls_tap = &tap,
    };
    char probe[320];
    snprintf(probe, sizeof probe, "http://%s%s%s:%d/", strchr(u.host, ':') ? "[" : "", u.host,
             strchr(u.host, ':') ? "]" : "", o->http_port ? o->http_port : 80);
    struct cwt__crawl_opts co = {.http_probe_url = probe};
    rc = cwt__crawl_site_opts(ctx, &fo, &co, url, &crawl, err);
    if (rc)
        goto out;

    /* The crawl's own handshake when it made one with host:tls_port, else a connection of the tls
     * layer's (the crawl failed, never reached that port, or only resumed a session). */
    {
        char addr[128];
        struct cwt__tls_opts to = {
            .ca_file = o->ca_file,
            .connect_addr = resolve_addr(o, u.host, tls_port, addr, sizeof addr) ? addr : NULL,
            .allow_private = o->allow_private,
            .at = at,
            .timeout_ms = lim->timeout_ms,
        };
        rc = seen ? cwt__tls_inspect_seen(ctx, &to, u.host, tls_port, seen, &tls, err)
                         : cwt__tls_inspect(ctx, &to, u.host, tls_port, &tls, err);
        if (rc)
            goto out;
    }

    reg_domain = cwt__registrable_domain(u.host);
    if (!reg_domain) {
        rc = CWT_ENOMEM;
        goto out;
    }
    if (!o->offline_registry) {
        struct cwt__whois_opts wo = {
            .rdap_base = o->rdap_base,
            .whois_server = o->whois_server,
            .ca_file = o->ca_file,
            .resolve = o->resolve,
            .nresolve = o->nresolve,
            .allow_private = o->allow_private,
            .timeout_ms = lim->timeout_ms,
        };
        rc = cwt__whois_lookup(ctx, &wo, reg_domain, &whois, err);
        if (rc)
            goto out;
    }

    pages = cwt_calloc(crawl->npages ? crawl->npages : 1, sizeof *pages);
    sigs = cwt_calloc(cwt__signal_count ? cwt__signal_count : 1, sizeof *sigs);
    memo = CWT_NEW(struct cwt__site_memo);
    if (!pages || !sigs || !memo) {
        rc = CWT_ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < crawl->npages; i++) {
        pages[i].resp = &crawl->pages[i].resp;
        pages[i].doc = crawl->pages[i].doc;
        pages[i].role = crawl->pages[i].role;
    }
    struct cwt__site site = {
        .ctx = ctx,
        .url = url,
        .host = u.host,
        .reg_domain = reg_domain,
        .at = at,
        .pages = pages,
        .npages = crawl->npages,
        .tls = tls,
        .whois = whois,
        .http_probe = crawl->have_http_probe ? &crawl->http_probe : NULL,
        .dns_server = o->dns_server,
        .offline = o->offline_registry,
        .done = sigs,
        .memo = memo,
        .ops = o->ops && (o->ops->ops.nevents || o->ops->ops.probes_total) ? &o->ops->ops : NULL,
    };
    for (; nsig < cwt__signal_count; nsig++) {
        const struct cwt__signal_def *d = &cwt__signal_table[nsig];
        cwt__signal_init(&sigs[nsig], d->id, d->module);
        site.ndone = nsig;
        rc = d->run(&site, &sigs[nsig]);
        if (rc) {
            cwt_err_set(err, rc, "signal '%s' failed: %s", d->id, cwt_strerror(rc));
            nsig++;
            goto out;
        }
    }
    site.ndone = nsig;
    rc = cwt__evaluate(model, &site, sigs, nsig, &eval, err);
    if (rc)
        goto out;
    json_object_set_new(eval, "crawl", crawl_json(crawl));

    r = CWT_NEW(struct cwt_report);
    if (!r) {
        rc = CWT_ENOMEM;
        goto out;
    }
    r->eval = eval;
    eval = NULL;
    r->unreachable = crawl->npages == 0 || crawl->pages[0].resp.rc != CWT_OK;
    r->integ = CWT__INTEG_ABSENT;
    if (o->sdk_site_id) {
        /* the page the signals judged, not a second fetch of it */
        const struct cwt__response *home = crawl->npages ? &crawl->pages[0].resp : NULL;
        if (home && home->rc == CWT_OK && home->status == 200 && home->body)
            r->integ = cwt__integration_detect(home->body, home->body_len, o->sdk_site_id, r->integ_why,
                                               sizeof r->integ_why);
        else
            snprintf(r->integ_why, sizeof r->integ_why, "home page not fetched");
    }
    fill_totals(r);
    *out = r;
    r = NULL;
out:
    json_decref(eval);
    cwt_free(r);
    for (size_t i = 0; i < nsig; i++)
        cwt__signal_release(&sigs[i]);
    cwt_free(sigs);
    cwt__site_memo_release(memo);
    cwt_free(memo);
    cwt_free(pages);
    cwt_free(reg_domain);
    cwt__whois_free(whois);
    cwt__tls_report_free(tls);
    cwt__tls_seen_free(seen);
    cwt__crawl_free(crawl);
    cwt__model_release(model);
    return rc;
}

enum cwt__integration cwt__report_integration(const struct cwt_report *r, const char **why)
{
    if (why)
        *why = r && r->integ_why[0] ? r->integ_why : "no SDK tag looked for";
    return r ? r->integ : CWT__INTEG_ABSENT;
}

void cwt_report_free(struct cwt_report *r)
{
    if (!r)
        return;
    json_decref(r->eval);
    cwt_free(r);
}

double cwt_report_total(const struct cwt_report *r)
{
    return r->total;
}

const char *cwt_report_grade(const struct cwt_report *r)
{
    return r->grade;
}

bool cwt_report_unreachable(const struct cwt_report *r)
{
    return r->unreachable;
}

enum cwt_status cwt_report_render(const struct cwt_report *r, enum cwt_format fmt, unsigned flags, char **out,
                                  struct cwt_err *err)
{
    *out = NULL;
    enum cwt_status rc;
    switch (fmt) {
    case CWT_FORMAT_TEXT:
        rc = cwt__render_text(r->eval, (flags & CWT_RENDER_COLOR) != 0, out);
        break;
    case CWT_FORMAT_HTML:
        rc = cwt__render_html(r->eval, out);
        break;
    case CWT_FORMAT_CSV:
        rc = cwt__render_csv(r->eval, (flags & CWT_RENDER_CSV_HEADER) != 0, out);
        break;
    case CWT_FORMAT_JSON:
        rc = cwt__render_json(r->eval, out); /* json_dumps(eval, JSON_INDENT(2)), byte for byte */
        break;
    default:
        rc = CWT_EINVAL;
    }
    if (rc)
        cwt_err_set(err, rc, "cannot render report: %s", cwt_strerror(rc));
    return rc;
}
