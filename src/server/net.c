/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the default network functions of the ownership
 * checks (struct srv_net) over libcwtap's own layers: GET through the fetch
 * layer (src/lib/fetch, SSRF guard included) and TXT look-ups through the dns
 * layer (built in when src/lib/dns/dns.h exists: CWT_HAVE_DNS, set by meson).
 */
#include <stdio.h>

#include "fetch/fetch.h"
#include "server/server.h"
#if CWT_HAVE_DNS
#include "dns/dns.h"
#endif

struct net_ud {
    struct cwt_ctx *ctx;
    bool allow_private;
    const char *ca_file;
    const char *dns_server;
    const char *const *resolve;
    size_t nresolve;
};

#if CWT_HAVE_DNS
static enum cwt_status net_txt(void *ud, const char *name, char **out, struct cwt_err *err)
{
    struct net_ud *n = ud;
    struct cwt__dns_result r;
    memset(&r, 0, sizeof r);
    enum cwt_status rc = cwt__dns_txt(n->ctx, n->dns_server, name, 0, &r, err);
    if (rc == CWT_OK && r.rc != CWT_OK)
        rc = cwt_err_set(err, r.rc, "%s", r.error ? r.error : "no TXT records");
    size_t len = 1;
    for (size_t i = 0; rc == CWT_OK && i < r.ntxt; i++)
        len += strlen(r.txt[i]) + 1;
    char *joined = rc == CWT_OK ? cwt_malloc(len) : NULL;
    if (rc == CWT_OK && !joined)
        rc = cwt_err_set(err, CWT_ENOMEM, "out of memory");
    if (joined) {
        size_t off = 0;
        joined[0] = '\0';
        for (size_t i = 0; i < r.ntxt; i++)
            off += (size_t)snprintf(joined + off, len - off, "%s\n", r.txt[i]);
        *out = joined;
    }
    cwt__dns_result_release(&r);
    return rc;
}
#endif

static enum cwt_status net_get(void *ud, const char *url, char **body, long *status, char **final_url,
                               struct cwt_err *err)
{
    struct net_ud *n = ud;
    struct cwt__fetch_opts o = {.ca_file = n->ca_file, .allow_private = n->allow_private, .verify_tls = true,
                                .resolve = n->resolve, .nresolve = n->nresolve,
                                .accept = "text/html, text/plain;q=0.9, */*;q=0.1"};
    struct cwt__response r;
    memset(&r, 0, sizeof r);
    enum cwt_status rc = cwt__fetch(n->ctx, &o, url, &r);
    if (rc == CWT_OK && r.rc != CWT_OK)
        rc = cwt_err_set(err, r.rc, "%s", r.error ? r.error : "fetch failed");
    if (rc == CWT_OK) {
        *status = r.status;
        *body = cwt_strdup(r.body ? r.body : "");
        *final_url = cwt_strdup(r.final_url ? r.final_url : url);
        if (!*body || !*final_url)
            rc = cwt_err_set(err, CWT_ENOMEM, "out of memory");
    }
    cwt__response_release(&r);
    return rc;
}

struct srv_net_state *srv_net_default(struct srv_net *net, struct cwt_ctx *ctx, bool allow_private,
                                      const char *ca_file, const char *dns_server, const char *const *resolve,
                                      size_t nresolve)
{
    struct net_ud *n = CWT_NEW(struct net_ud);
    memset(net, 0, sizeof *net);
    if (!n)
        return NULL;
    n->ctx = ctx;
    n->allow_private = allow_private;
    n->ca_file = ca_file;
    n->dns_server = dns_server;
    n->resolve = resolve;
    n->nresolve = nresolve;
    net->get = net_get;
#if CWT_HAVE_DNS
    net->txt = net_txt;
#else
    net->txt = NULL; /* src/lib/dns is not in this tree yet: "dns" proofs answer "not available" */
#endif
    net->ud = n;
    return (struct srv_net_state *)n;
}

void srv_net_state_free(struct srv_net_state *st)
{
    cwt_free(st);
}
