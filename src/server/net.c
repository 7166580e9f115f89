/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the default network functions of the ownership
 * checks (struct srv_net) over libcwtap's own layers: GET through the fetch
 * layer (src/lib/fetch, SSRF guard included) and TXT look-ups through the dns
 * layer (TXT stays unavailable until src/lib/dns provides a look-up).
 */
#include <stdio.h>

#include "fetch/fetch.h"
#include "server/server.h"

struct net_ud {
    struct cwt_ctx *ctx;
    bool allow_private;
    const char *ca_file;
};

static enum cwt_status net_get(void *ud, const char *url, char **body, long *status, struct cwt_err *err)
{
    struct net_ud *n = ud;
    struct cwt__fetch_opts o = {.ca_file = n->ca_file, .allow_private = n->allow_private, .verify_tls = true,
                                .accept = "text/html, text/plain;q=0.9, */*;q=0.1"};
    struct cwt__response r;
    memset(&r, 0, sizeof r);
    enum cwt_status rc = cwt__fetch(n->ctx, &o, url, &r);
    if (rc == CWT_OK && r.rc != CWT_OK)
        rc = cwt_err_set(err, r.rc, "%s", r.error ? r.error : "fetch failed");
    if (rc == CWT_OK) {
        *status = r.status;
        *body = cwt_strdup(r.body ? r.body : "");
        if (!*body)
            rc = cwt_err_set(err, CWT_ENOMEM, "out of memory");
    }
    cwt__response_release(&r);
    return rc;
}

struct srv_net_state *srv_net_default(struct srv_net *net, struct cwt_ctx *ctx, bool allow_private,
                                      const char *ca_file)
{
    struct net_ud *n = CWT_NEW(struct net_ud);
    memset(net, 0, sizeof *net);
    if (!n)
        return NULL;
    n->ctx = ctx;
    n->allow_private = allow_private;
    n->ca_file = ca_file;
    net->get = net_get;
    net->txt = NULL; /* wired to the dns layer (cwt__dns_txt) when it lands */
    net->ud = n;
    return (struct srv_net_state *)n;
}

void srv_net_state_free(struct srv_net_state *st)
{
    cwt_free(st);
}
