/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the store of the customer-service probes: the
 * channels of each site to probe (service_channels: endpoint and language
 * variant, replaced by each evaluation, each with its next probe time), the
 * claiming of due channels by the worker's probe scheduler, and the probe
 * results (service_probes) that cwt__store_ops_load() counts.
 */
#include <stdio.h>

#include "store/store_events.h"

void cwt__store_site_key(const char *domain, char out[CWT__EVENT_ID_MAX])
{
    if (cwt__ops_site_key(domain, out, NULL) == CWT_OK)
        return;
    snprintf(out, CWT__EVENT_ID_MAX, "%s", domain);
    for (char *c = out; *c; c++)
        if (*c >= 'A' && *c <= 'Z')
            *c = (char)(*c + 32);
}

enum cwt_status cwt__store_probe_add(struct cwt__store *st, const char *domain, const char *channel, const char *url,
                                     const char *lang, int64_t at, bool ok, int http_status, const char *error,
                                     struct cwt_err *err)
{
    char id[32], site[CWT__EVENT_ID_MAX];
    cwt__store_new_id("pr_", id);
    cwt__store_site_key(domain, site);
    struct cwt__sv p[] = {CWT_SV_TEXT(id),
                          CWT_SV_TEXT(site),
                          CWT_SV_TEXT(channel),
                          CWT_SV_TEXT(url),
                          CWT_SV_TEXT(lang ? lang : ""),
                          CWT_SV_INT(at),
                          CWT_SV_INT(ok ? 1 : 0),
                          http_status ? CWT_SV_INT(http_status) : CWT_SV_NULL,
                          error && *error ? CWT_SV_TEXT(error) : CWT_SV_NULL};
    return cwt__store_exec(st,
                           "INSERT INTO service_probes (id, site, channel, url, lang, at, ok, http_status, error) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           p, CWT_ARRAY_LEN(p), NULL, NULL, NULL, err);
}

enum cwt_status cwt__store_channels_set(struct cwt__store *st, const char *domain, const struct cwt__probe_target *t,
                                        size_t n, int64_t now, struct cwt_err *err)
{
    char site[CWT__EVENT_ID_MAX];
    cwt__store_site_key(domain, site);
    struct cwt__tx *tx = NULL;
    enum cwt_status rc = cwt__tx_begin(st, CWT__TX_WRITE, &tx, err);
    for (size_t i = 0; rc == CWT_OK && i < n; i++) {
        struct cwt__sv p[] = {CWT_SV_TEXT(site), CWT_SV_TEXT(t[i].channel), CWT_SV_TEXT(t[i].url),
                              CWT_SV_TEXT(t[i].lang), CWT_SV_INT(now), CWT_SV_INT(now)};
        rc = cwt__tx_exec(tx,
                          "INSERT INTO service_channels (site, channel, url, lang, seen_at, next_probe_at) "
                          "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (site, channel, url, lang) "
                          "DO UPDATE SET seen_at = excluded.seen_at",
                          p, CWT_ARRAY_LEN(p), NULL, NULL, NULL, err);
    }
    if (rc == CWT_OK) {
        struct cwt__sv p[] = {CWT_SV_TEXT(site), CWT_SV_INT(now)};
        rc = cwt__tx_exec(tx, "DELETE FROM service_channels WHERE site = ? AND seen_at < ?", p, 2, NULL, NULL, NULL,
                          err);
    }
    if (rc == CWT_OK)
        return cwt__tx_commit(tx, err);
    cwt__tx_rollback(tx);
    return rc;
}

struct due {
    struct cwt__probe_target *t;
    size_t n, max;
};

static enum cwt_status on_due(void *ud, const struct cwt__row *row)
{
    struct due *d = ud;
    if (d->n >= d->max)
        return CWT_OK;
    struct cwt__probe_target *x = &d->t[d->n++];
    memset(x, 0, sizeof *x);
    cwt__row_copy(row, 0, x->site, sizeof x->site);
    cwt__row_copy(row, 1, x->channel, sizeof x->channel);
    cwt__row_copy(row, 2, x->url, sizeof x->url);
    cwt__row_copy(row, 3, x->lang, sizeof x->lang);
    return CWT_OK;
}

enum cwt_status cwt__store_channels_claim(struct cwt__store *st, int64_t now, int64_t interval_s,
                                          struct cwt__probe_target *t, size_t max, size_t *n, struct cwt_err *err)
{
    *n = 0;
    struct due d = {t, 0, max};
    struct cwt__tx *tx = NULL;
    enum cwt_status rc = cwt__tx_begin(st, CWT__TX_WRITE, &tx, err);
    if (rc != CWT_OK)
        return rc;
    struct cwt__sv q[] = {CWT_SV_INT(now), CWT_SV_INT((int64_t)max)};
    rc = cwt__tx_exec(tx,
                      "SELECT site, channel, url, lang FROM service_channels WHERE next_probe_at <= ? "
                      "ORDER BY next_probe_at, site, channel, url, lang LIMIT ?",
                      q, 2, on_due, &d, NULL, err);
    /* the claim: only a row still due is taken (another worker may have claimed it since the SELECT) */
    size_t kept = 0;
    for (size_t i = 0; rc == CWT_OK && i < d.n; i++) {
        int64_t changed = 0;
        struct cwt__sv p[] = {CWT_SV_INT(now + interval_s), CWT_SV_TEXT(t[i].site), CWT_SV_TEXT(t[i].channel),
                              CWT_SV_TEXT(t[i].url), CWT_SV_TEXT(t[i].lang), CWT_SV_INT(now)};
        rc = cwt__tx_exec(tx,
                          "UPDATE service_channels SET next_probe_at = ? WHERE site = ? AND channel = ? AND url = ? "
                          "AND lang = ? AND next_probe_at <= ?",
                          p, CWT_ARRAY_LEN(p), NULL, NULL, &changed, err);
        if (rc == CWT_OK && changed == 1) {
            if (kept != i)
                t[kept] = t[i];
            kept++;
        }
    }
    if (rc == CWT_OK)
        rc = cwt__tx_commit(tx, err);
    else
        cwt__tx_rollback(tx);
    if (rc == CWT_OK)
        *n = kept;
    return rc;
}
