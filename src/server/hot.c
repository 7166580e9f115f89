/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the badge part of the hot-path snapshot: one
 * struct srv_badge per site, sorted by id, each holding its two JSON answers
 * (for the mark's own origin and for any other) and their ETags, built once
 * per snapshot so a badge request only looks up, compares a domain and sends
 * bytes. The states come from the program's mark table (store_marks.c,
 * program/mark.c): green and green-data-due show green; the others do not.
 * The snapshot is rebuilt when the store's change counters move (the
 * program's among them), after a change through this server
 * (srv_program_changed) and when an upload window it shows closes.
 */
#include <stdio.h>
#include <stdlib.h>

#include "server/badge.h"
#include "server/program.h"
#include "server/snapshot.h"
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
    const struct cwt__program_policy *policy;
    int64_t now;
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

/* One row of mark_source()'s query: the site and its mark as the badge shows it at bd->now. */
static enum cwt_status mark_row(void *ud, const struct cwt__row *r)
{
    struct build *bd = ud;
    bool verified = !cwt__row_isnull(r, 3) && cwt__row_int(r, 3) > 0;
    bool active = cwt__row_int(r, 4) != 0;
    struct cwt__mark mk = {.state = CWT__MARK_NOT_INTEGRATED};
    if (!cwt__row_isnull(r, 5) && cwt__mark_state_parse(cwt__row_text(r, 5), &mk.state) != CWT_OK)
        mk.state = CWT__MARK_STATE_COUNT_; /* a name this build does not know: "unknown", never green */
    mk.since = cwt__row_int(r, 6);
    mk.green_at = cwt__row_int(r, 7);
    mk.duties_met = cwt__row_int(r, 8) != 0;
    /* The clock the store has not applied yet (a passed upload window): the machine's own rule, in memory. */
    if (mk.state < CWT__MARK_STATE_COUNT_ && bd->now >= mk.since) {
        struct cwt__mark_event tick = {.kind = CWT__EV_TICK, .at = bd->now};
        struct cwt__mark_change ch[CWT__MARK_MAX_CHANGES];
        size_t n = 0;
        struct cwt_err e;
        (void)cwt__mark_apply(&mk, bd->policy, &tick, ch, &n, &e);
    }
    int64_t next = mk.state < CWT__MARK_STATE_COUNT_ ? cwt__mark_next_deadline(&mk, bd->policy) : 0;
    if (next > bd->now && (!bd->h->next_change || next < bd->h->next_change))
        bd->h->next_change = next;
    if (!verified || !active)
        mk.state = CWT__MARK_NOT_INTEGRATED; /* ownership unproven or the site withdrawn: never green */
    bool green = cwt__mark_shows_green(mk.state);
    struct srv_mark_row m = {
        .id = cwt__row_text(r, 0), .domain = cwt__row_text(r, 1), .registrable = cwt__row_text(r, 2),
        .state = cwt__mark_state_name(mk.state), .green = green,
        .grade = mk.state == CWT__MARK_NOT_INTEGRATED ? NULL : cwt__row_text(r, 9),
        .since = mk.state == CWT__MARK_NOT_INTEGRATED ? 0 : green && mk.green_at ? mk.green_at : mk.since,
    };
    return add_row(bd, &m);
}

/*
 * The mark source: every site with its row of the program's mark table (none:
 * not integrated). Sorted by id (srv_hot_find searches), capped at
 * SRV_HOT_MAX_SITES.
 */
static enum cwt_status mark_source(struct cwt__store *st, struct build *bd, struct cwt_err *err)
{
    struct cwt__sv p[] = {CWT_SV_INT(SRV_HOT_MAX_SITES)};
    return cwt__store_exec(st,
                           "SELECT s.id, s.domain, s.registrable, s.verified_at, s.active, m.state, m.since, "
                           "m.green_at, m.duties_met, m.grade FROM sites s LEFT JOIN marks m ON m.site_id = s.id "
                           "ORDER BY s.id LIMIT ?",
                           p, 1, mark_row, bd, NULL, err);
}

static int by_id(const void *a, const void *b)
{
    return strcmp(((const struct srv_badge *)a)->id, ((const struct srv_badge *)b)->id);
}

enum cwt_status srv_hot_load(struct cwt__store *st, const struct cwt__program_policy *policy,
                             const char *public_base, int64_t now, struct srv_hot **out, struct cwt_err *err)
{
    struct build bd = {.h = CWT_NEW(struct srv_hot), .base = public_base, .policy = policy, .now = now};
    *out = NULL;
    if (!bd.h)
        return cwt_err_set(err, CWT_ENOMEM, "out of memory");
    enum cwt_status rc = mark_source(st, &bd, err);
    if (rc) {
        srv_hot_free(bd.h);
        return rc;
    }
    /* SQL collations differ between engines; the binary search wants byte order. */
    if (bd.h->n > 1)
        qsort(bd.h->badges, bd.h->n, sizeof *bd.h->badges, by_id);
    *out = bd.h;
    return CWT_OK;
}

enum cwt_status srv_hot_build(void *ud, void **data, void (**free_data)(void *))
{
    struct srv *s = ud;
    struct cwt__program_policy p;
    srv_program_policy_stored(s, &p); /* not the program snapshot's: it may be building too */
    struct cwt_err err;
    cwt_err_clear(&err);
    struct srv_hot *h = NULL;
    enum cwt_status rc = srv_hot_load(srv_store(s), &p, srv_public_base(s), cwt_ctx_now(srv_ctx(s)), &h, &err);
    if (rc) {
        fprintf(stderr, "cwtap serve: cannot build the badge snapshot: %s\n", err.msg);
        return rc;
    }
    *data = h;
    *free_data = srv_hot_free;
    return CWT_OK;
}

struct srv_snapshot *srv_hot_acquire(struct srv *s, int64_t now)
{
    struct srv_snapshot_holder *holder = srv_snapshots(s);
    struct srv_snapshot *snap = srv_snapshot_acquire_wait(holder, now);
    const struct srv_hot *h = snap ? snap->data : NULL;
    if (h && h->next_change && now >= h->next_change) { /* an upload window closed: the mark changed by itself */
        srv_snapshot_release(snap);
        srv_snapshot_invalidate(holder);
        snap = srv_snapshot_acquire(holder, now);
    }
    return snap;
}
