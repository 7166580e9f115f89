/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the customer-service probes of the operational
 * module: from an evaluation report it takes the channel endpoints the
 * `service` signal saw (messaging links such as https://wa.me/..., chat
 * widget hosts such as embed.tawk.to), and it probes each one with a small
 * GET through the fetch layer (SSRF guard as configured, byte and time caps).
 * A probe succeeds when the endpoint answers with a status below 400. The
 * caller stores the results; availability = successful probes / probes,
 * overall, per target-market language (of the channel's variant) and per
 * target time zone (probes made in its business hours).
 */
#include <jansson.h>
#include <stdio.h>

#include "fetch/fetch.h"
#include "ops/ops.h"

const char *const cwt__ops_langs[CWT__OPS_NLANGS] = {"en", "th", "vi", "id", "ms", "zh", "fil"};

const struct cwt__ops_zone cwt__ops_zones[CWT__OPS_NZONES] = {
    {"UTC+7", 7 * 3600, "Thailand, Vietnam, western Indonesia"},
    {"UTC+8", 8 * 3600, "Malaysia, Singapore, the Philippines, China, central Indonesia"},
};

int cwt__ops_lang_index(const char *code)
{
    char c[8];
    size_t k = 0;
    for (; code && code[k] && code[k] != '-' && code[k] != '_' && k < sizeof c - 1; k++)
        c[k] = (char)(code[k] >= 'A' && code[k] <= 'Z' ? code[k] + 32 : code[k]);
    c[k] = '\0';
    if (strcmp(c, "tl") == 0)
        return cwt__ops_lang_index("fil");
    for (int i = 0; i < CWT__OPS_NLANGS; i++)
        if (strcmp(c, cwt__ops_langs[i]) == 0)
            return i;
    return -1;
}

bool cwt__ops_in_business_hours(int64_t at, const struct cwt__ops_zone *z)
{
    int64_t local = at + z->offset_s;
    int hour = (int)(((local % 86400) + 86400) % 86400 / 3600);
    return hour >= CWT__OPS_BUSINESS_FROM && hour < CWT__OPS_BUSINESS_TO;
}

void cwt__ops_count_probe(struct cwt__ops *ops, const char *lang, int64_t at, bool ok)
{
    ops->probes_total++;
    ops->probes_ok += ok;
    int l = lang && *lang ? cwt__ops_lang_index(lang) : -1;
    if (l >= 0) {
        ops->lang[l].total++;
        ops->lang[l].ok += ok;
    }
    for (int z = 0; z < CWT__OPS_NZONES; z++)
        if (cwt__ops_in_business_hours(at, &cwt__ops_zones[z])) {
            ops->zone[z].total++;
            ops->zone[z].ok += ok;
        }
}

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

/* Adds the endpoint @p where of @p channel in @p lang unless it is no HTTP(S) endpoint or already there. */
static size_t add_target(struct cwt__probe_target *out, size_t n, size_t max, const char *channel, const char *where,
                         const char *lang)
{
    if (!channel || !where || n >= max)
        return n;
    char url[sizeof out->url];
    if ((strncmp(where, "https://", 8) == 0 || strncmp(where, "http://", 7) == 0) && strlen(where) < sizeof url)
        snprintf(url, sizeof url, "%s", where);
    else if (host_like(where))
        snprintf(url, sizeof url, "https://%s/", where);
    else
        return n; /* e-mail, phone, app-only schemes: nothing to probe over HTTP */
    int l = lang && *lang ? cwt__ops_lang_index(lang) : -1;
    const char *code = l >= 0 ? cwt__ops_langs[l] : "";
    for (size_t d = 0; d < n; d++)
        if (strcmp(out[d].url, url) == 0 && strcmp(out[d].lang, code) == 0)
            return n;
    memset(&out[n], 0, sizeof out[n]);
    snprintf(out[n].url, sizeof out[n].url, "%s", url);
    snprintf(out[n].channel, sizeof out[n].channel, "%s", channel);
    snprintf(out[n].lang, sizeof out[n].lang, "%s", code);
    return n + 1;
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
        json_t *endpoints = json_object_get(json_object_get(sig, "detail"), "endpoints");
        json_array_foreach(endpoints, k, ev)
            n = add_target(out, n, max, json_string_value(json_object_get(ev, "channel")),
                           json_string_value(json_object_get(ev, "url")), json_string_value(json_object_get(ev, "lang")));
        if (json_array_size(endpoints))
            continue;
        json_array_foreach(json_object_get(sig, "evidence"), k, ev)
            n = add_target(out, n, max, json_string_value(json_object_get(ev, "what")),
                           json_string_value(json_object_get(ev, "snippet")), NULL);
    }
    json_decref(root);
    return n;
}

/* Probes the targets of @p t whose language is @p lang, concurrently, with one fetcher asking in that language. */
static enum cwt_status probe_lang(const struct cwt_ctx *ctx, const struct cwt__fetch_opts *fo, long timeout_ms,
                                  const char *lang, struct cwt__probe_target *t, size_t n,
                                  struct cwt__fetch_req *reqs, struct cwt__response *out, size_t *idx,
                                  struct cwt_err *err)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (strcmp(t[i].lang, lang) == 0) {
            idx[m] = i;
            reqs[m++] = (struct cwt__fetch_req){.url = t[i].url, .max_bytes = 16 << 10, .timeout_ms = timeout_ms};
        }
    struct cwt__fetch_opts o = *fo;
    o.accept_language = *lang ? lang : NULL;
    struct cwt__fetcher *f = NULL;
    enum cwt_status rc = cwt__fetcher_new(ctx, &o, &f, err);
    if (rc == CWT_OK && (rc = cwt__fetcher_run(f, reqs, m, out)))
        cwt_err_set(err, rc, "cannot run the probes");
    for (size_t j = 0; rc == CWT_OK && j < m; j++) {
        struct cwt__probe_target *x = &t[idx[j]];
        x->status = out[j].status;
        x->ok = out[j].rc == CWT_OK && out[j].status >= 200 && out[j].status < 400;
        snprintf(x->error, sizeof x->error, "%s", out[j].rc != CWT_OK && out[j].error ? out[j].error : "");
        cwt__response_release(&out[j]);
    }
    cwt__fetcher_free(f);
    return rc;
}

enum cwt_status cwt__probe_run(const struct cwt_ctx *ctx, const struct cwt__fetch_opts *fo, long timeout_ms,
                               struct cwt__probe_target *t, size_t n, struct cwt_err *err)
{
    if (n == 0)
        return CWT_OK;
    struct cwt__fetch_req *reqs = cwt_calloc(n, sizeof *reqs);
    struct cwt__response *out = cwt_calloc(n, sizeof *out);
    size_t *idx = cwt_calloc(n, sizeof *idx);
    enum cwt_status rc = CWT_OK;
    if (!reqs || !out || !idx)
        rc = cwt_err_set(err, CWT_ENOMEM, "out of memory");
    /* one round per language among the targets (the first target of each language starts its round) */
    for (size_t i = 0; rc == CWT_OK && i < n; i++) {
        bool first = true;
        for (size_t k = 0; k < i && first; k++)
            first = strcmp(t[k].lang, t[i].lang) != 0;
        if (first)
            rc = probe_lang(ctx, fo, timeout_ms > 0 ? timeout_ms : 10000, t[i].lang, t, n, reqs, out, idx, err);
    }
    cwt_free(reqs);
    cwt_free(out);
    cwt_free(idx);
    return rc;
}
