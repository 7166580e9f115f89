/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the badge part of the hot-path snapshot: one
 * struct srv_badge per site, sorted by id, each holding its two JSON answers
 * (for the mark's own origin and for any other) and their ETags, built once
 * per snapshot so a badge request only looks up, compares a domain and sends
 * bytes. Where mark states come from is one function, mark_source(): until
 * the program's mark table is in the store, it derives them from what the
 * store has (ownership verified, site active, latest evaluation at or above
 * the default threshold's floor); switching to the real table means changing
 * that function's query and nothing else.
 */
#include <stdio.h>
#include <stdlib.h>

#include "program/threshold.h"
#include "server/badge.h"
#include "util/buf.h"
#include "util/timeutil.h"

const struct srv_badge *srv_hot_find(const struct srv_hot *h, const char *id)
{
    size_t lo = 0, hi = h ? h->n : 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(id, h->badges[mid].id);
        if (c == 0)
            return &h->badges[mid];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

void srv_badge_release(struct srv_badge *b)
{
    for (int i = 0; i < 2; i++) {
        cwt_free(b->body[i]);
        b->body[i] = NULL;
    }
}

enum cwt_status srv_badge_fill(struct srv_badge *b, const struct srv_mark_row *m, const char *public_base)
{
    memset(b, 0, sizeof *b);
    snprintf(b->id, sizeof b->id, "%s", m->id);
    snprintf(b->domain, sizeof b->domain, "%s", m->domain);
    snprintf(b->registrable, sizeof b->registrable, "%s", m->registrable);
    snprintf(b->state, sizeof b->state, "%s", m->green ? "green" : m->state);
    snprintf(b->grade, sizeof b->grade, "%s", m->grade ? m->grade : "");
    b->since = m->since;
    char since[21] = "";
    if (m->since > 0)
        cwt_time_format_iso(m->since, since);
    char url[600];
    snprintf(url, sizeof url, "%s/registry/%s", public_base, b->id);
    for (int own = 0; own < 2; own++) {
        json_t *j = json_pack("{s:s, s:s, s:s, s:b, s:s, s:s}", "site", b->id, "domain", b->domain, "state",
                              b->state, "verified_for_origin", own, "mark", m->state, "verify_url", url);
        if (j && b->grade[0] && json_object_set_new(j, "grade", json_string(b->grade)) != 0)
            json_decref(j), j = NULL;
        if (j && since[0] && json_object_set_new(j, "since", json_string(since)) != 0)
            json_decref(j), j = NULL;
        char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;
        json_decref(j);
        if (!text) {
            srv_badge_release(b);
            return CWT_ENOMEM;
        }
        b->body[own] = text;
        b->len[own] = strlen(text);
        srv_etag(text, b->len[own], b->etag[own]);
    }
    return CWT_OK;
}

void srv_hot_free(void *data)
{
    struct srv_hot *h = data;
    if (!h)
        return;
    for (size_t i = 0; i < h->n; i++)
        srv_badge_release(&h->badges[i]);
    cwt_free(h->badges);
    cwt_free(h);
}

struct build {
    struct srv_hot *h;
    size_t cap;
    const char *base;
    double enter;
};

static enum cwt_status add_row(struct build *bd, const struct srv_mark_row *m)
{
    if (bd->h->n == bd->cap) {
        if (bd->cap >= SRV_HOT_MAX_SITES)
            return CWT_ETOOBIG;
        size_t cap = bd->cap ? bd->cap * 2 : 64;
        struct srv_badge *nb = cwt_malloc(cap * sizeof *nb);
        if (!nb)
            return CWT_ENOMEM;
        if (bd->h->n)
            memcpy(nb, bd->h->badges, bd->h->n * sizeof *nb);
        cwt_free(bd->h->badges);
        bd->h->badges = nb;
        bd->cap = cap;
    }
    enum cwt_status rc = srv_badge_fill(&bd->h->badges[bd->h->n], m, bd->base);
    if (rc == CWT_OK)
        bd->h->n++;
    return rc;
}

/* Interim mark rule (see the top of the file): one row of the query below. */
static enum cwt_status interim_row(void *ud, const struct cwt__row *r)
{
    struct build *bd = ud;
    bool verified = !cwt__row_isnull(r, 3) && cwt__row_int(r, 3) > 0;
    bool active = cwt__row_int(r, 4) != 0;
    bool evaluated = !cwt__row_isnull(r, 7);
    bool scored = evaluated && !cwt__row_isnull(r, 5);
    double total = scored ? strtod(cwt__row_text(r, 5), NULL) : -1.0;
    struct srv_mark_row m = {
        .id = cwt__row_text(r, 0), .domain = cwt__row_text(r, 1), .registrable = cwt__row_text(r, 2),
        .grade = evaluated ? cwt__row_text(r, 6) : NULL, .since = evaluated ? cwt__row_int(r, 7) : 0,
    };
    if (!verified || !active) {
        m.state = "not_integrated";
        m.since = 0;
    } else if (!evaluated) {
        m.state = "evaluating";
    } else if (scored && total >= bd->enter) {
        m.state = "green";
        m.green = true;
    } else {
        m.state = "below_threshold";
    }
    return add_row(bd, &m);
}

/*
 * The mark source. Sorted by id (srv_hot_find searches), capped at
 * SRV_HOT_MAX_SITES. Replace with a read of the mark table when it exists.
 */
static enum cwt_status mark_source(struct cwt__store *st, struct build *bd, struct cwt_err *err)
{
    struct cwt__threshold_policy tp;
    cwt__threshold_policy_default(&tp);
    bd->enter = tp.floor;
    struct cwt__sv p[] = {CWT_SV_INT(SRV_HOT_MAX_SITES)};
    return cwt__store_exec(st,
                           "SELECT s.id, s.domain, s.registrable, s.verified_at, s.active, e.total, e.grade, e.at "
                           "FROM sites s LEFT JOIN evaluations e ON e.id = (SELECT e2.id FROM evaluations e2 "
                           "WHERE e2.site_id = s.id ORDER BY e2.at DESC, e2.id DESC LIMIT 1) "
                           "ORDER BY s.id LIMIT ?",
                           p, 1, interim_row, bd, NULL, err);
}

static int by_id(const void *a, const void *b)
{
    return strcmp(((const struct srv_badge *)a)->id, ((const struct srv_badge *)b)->id);
}

enum cwt_status srv_hot_build(void *ud, void **data, void (**free_data)(void *))
{
    struct srv *s = ud;
    struct build bd = {.h = CWT_NEW(struct srv_hot), .base = srv_public_base(s)};
    if (!bd.h)
        return CWT_ENOMEM;
    struct cwt_err err;
    cwt_err_clear(&err);
    enum cwt_status rc = mark_source(srv_store(s), &bd, &err);
    if (rc) {
        srv_hot_free(bd.h);
        return rc;
    }
    /* SQL collations differ between engines; the binary search wants byte order. */
    if (bd.h->n > 1)
        qsort(bd.h->badges, bd.h->n, sizeof *bd.h->badges, by_id);
    *data = bd.h;
    *free_data = srv_hot_free;
    return CWT_OK;
}
