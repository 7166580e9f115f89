/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the customer-service probes of the operational
 * module: from an evaluation report it takes the channel endpoints the
 * `service` signal saw (messaging links such as https://wa.me/..., chat
 * widget hosts such as embed.tawk.to), and it probes each one with a small
 * GET through the fetch layer (SSRF guard as configured, byte and time caps).
 * A probe succeeds when the endpoint answers with a status below 400. The
 * caller stores the results; availability = successful probes / probes.
 */
#include <jansson.h>
#include <stdio.h>

#include "fetch/fetch.h"
#include "ops/ops.h"

static bool host_like(const char *s)
{
    size_t n = strlen(s);
    if (n < 4 || n > 200 || !strchr(s, '.'))
        return false;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '.' || *p == '-'))
            return false;
    return true;
}

size_t cwt__probe_targets(const char *report_json, struct cwt__probe_target *out, size_t max)
{
    json_error_t je;
    json_t *root = json_loads(report_json, 0, &je);
    size_t n = 0;
    json_t *sig;
    size_t i;
    json_array_foreach(json_object_get(root, "signals"), i, sig) {
        const char *id = json_string_value(json_object_get(sig, "id"));
        if (!id || strcmp(id, "service") != 0)
            continue;
        json_t *ev;
        size_t k;
        json_array_foreach(json_object_get(sig, "evidence"), k, ev) {
            const char *what = json_string_value(json_object_get(ev, "what"));
            const char *snip = json_string_value(json_object_get(ev, "snippet"));
            if (!what || !snip || n >= max)
                continue;
            char url[sizeof out->url];
            if ((strncmp(snip, "https://", 8) == 0 || strncmp(snip, "http://", 7) == 0) && strlen(snip) < sizeof url)
                snprintf(url, sizeof url, "%s", snip);
            else if (host_like(snip))
                snprintf(url, sizeof url, "https://%s/", snip);
            else
                continue; /* e-mail, phone, app-only schemes: nothing to probe over HTTP */
            bool dup = false;
            for (size_t d = 0; d < n && !dup; d++)
                dup = strcmp(out[d].url, url) == 0;
            if (dup)
                continue;
            snprintf(out[n].url, sizeof out[n].url, "%s", url);
            snprintf(out[n].channel, sizeof out[n].channel, "%s", what);
            n++;
        }
    }
    json_decref(root);
    return n;
}

enum cwt_status cwt__probe_run(const struct cwt_ctx *ctx, const struct cwt__fetch_opts *fo,
                               struct cwt__probe_target *t, size_t n, struct cwt_err *err)
{
    if (n == 0)
        return CWT_OK;
    struct cwt__fetcher *f = NULL;
    struct cwt__fetch_req *reqs = cwt_calloc(n, sizeof *reqs);
    struct cwt__response *out = cwt_calloc(n, sizeof *out);
    enum cwt_status rc = CWT_OK;
    if (!reqs || !out) {
        rc = cwt_err_set(err, CWT_ENOMEM, "out of memory");
        goto out;
    }
    if ((rc = cwt__fetcher_new(ctx, fo, &f, err)))
        goto out;
    for (size_t i = 0; i < n; i++)
        reqs[i] = (struct cwt__fetch_req){.url = t[i].url, .max_bytes = 16 << 10, .timeout_ms = 10000};
    if ((rc = cwt__fetcher_run(f, reqs, n, out))) {
        cwt_err_set(err, rc, "cannot run the probes");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        t[i].status = out[i].status;
        t[i].ok = out[i].rc == CWT_OK && out[i].status >= 200 && out[i].status < 400;
        snprintf(t[i].error, sizeof t[i].error, "%s",
                 out[i].rc != CWT_OK && out[i].error ? out[i].error : "");
        cwt__response_release(&out[i]);
    }
out:
    cwt__fetcher_free(f);
    cwt_free(reqs);
    cwt_free(out);
    return rc;
}
