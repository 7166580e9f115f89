/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the program's hot-path snapshot: every site with a
 * mark (its state, score, threshold, weight and registry fields), the current
 * cycle, and the attestation key set with its public document. Building it
 * first applies the deadlines that have passed, makes the first signing key
 * when there is none, and notes the next instant the snapshot goes stale by
 * itself (the earliest upload deadline or the cycle's end); readers never
 * query the store while it is fresh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <sodium.h>

#include "server/program.h"

json_t *srv_iso_or_null(int64_t t)
{
    char iso[21];
    if (!t)
        return json_null();
    cwt_time_format_iso(t, iso);
    return json_string(iso);
}

void srv_program_policy_stored(struct srv *s, struct cwt__program_policy *p)
{
    struct cwt__policy_row row;
    struct cwt_err err;
    if (cwt__store_policy_current(srv_store(s), &row, &err) == CWT_OK)
        *p = row.p;
    else
        cwt__program_policy_default(p); /* the store is down: what it was seeded with */
}

void srv_program_policy(struct srv_req *rq, struct cwt__program_policy *p)
{
    struct srv_snapshot *snap = srv_program_snapshot(rq);
    const struct prog_snap *ps = snap ? snap->data : NULL;
    if (ps)
        *p = ps->policy;
    else
        srv_program_policy_stored(rq->srv, p);
    srv_snapshot_release(snap);
}

void srv_program_changed(struct srv *s)
{
    srv_snapshot_invalidate(srv_program_snapshots(s));
    srv_snapshot_invalidate(srv_snapshots(s)); /* the badge shows the mark too */
}

static void snap_free(void *data)
{
    struct prog_snap *ps = data;
    if (!ps)
        return;
    for (size_t i = 0; i < ps->n; i++)
        cwt_free(ps->v[i].modules);
    cwt_free(ps->v);
    cwt__keyset_release(&ps->ks);
    cwt_free(ps->keys_json);
    cwt_free(ps);
}

struct build {
    struct prog_snap *ps;
    size_t cap;
};

static enum cwt_status on_row(void *ud, const struct cwt__registry_row *row)
{
    struct build *b = ud;
    struct prog_snap *ps = b->ps;
    if (ps->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 64;
        struct prog_site *v = cwt_malloc(cap * sizeof *v);
        if (!v)
            return CWT_ENOMEM;
        if (ps->n)
            memcpy(v, ps->v, ps->n * sizeof *v);
        cwt_free(ps->v);
        ps->v = v;
        b->cap = cap;
    }
    struct prog_site *s = &ps->v[ps->n];
    memset(s, 0, sizeof *s);
    const struct cwt__mark *m = &row->r.m;
    snprintf(s->id, sizeof s->id, "%s", row->r.site_id);
    snprintf(s->domain, sizeof s->domain, "%s", row->domain);
    snprintf(s->country, sizeof s->country, "%s", row->country);
    snprintf(s->industry, sizeof s->industry, "%s", row->industry);
    snprintf(s->enterprise, sizeof s->enterprise, "%s", row->enterprise);
    snprintf(s->grade, sizeof s->grade, "%s", row->r.grade);
    snprintf(s->last_eval_id, sizeof s->last_eval_id, "%s", row->r.last_eval_id);
    s->state = m->state;
    s->since = m->since;
    s->green_at = m->green_at;
    s->qualified_at = m->qualified_at;
    s->evaluated_at = m->evaluated_at;
    s->has_score = m->has_score;
    s->score = m->score;
    s->has_threshold = row->r.has_threshold;
    s->threshold = row->r.threshold;
    s->in_pool = ps->has_cycle && cwt__pool_contains(&ps->cycle, m->qualified_at);
    s->weight = s->has_score && s->has_threshold
                    ? cwt__weight(&ps->policy, m->state, s->in_pool, m->score, s->threshold)
                    : 1.0;
    if (row->r.modules && !(s->modules = cwt_strdup(row->r.modules)))
        return CWT_ENOMEM;
    if (row->r.next_deadline && (!ps->next_change || row->r.next_deadline < ps->next_change))
        ps->next_change = row->r.next_deadline;
    ps->n++;
    return CWT_OK;
}

static enum cwt_status load_keys(struct srv *s, struct prog_snap *ps, int64_t now, struct cwt_err *err)
{
    const char *path = srv_cfg(s)->master_key_path ? srv_cfg(s)->master_key_path : "var/cwtap-master.key";
    unsigned char master[32];
    enum cwt_status rc = cwt__master_key_load(path, true, master, err);
    if (rc == CWT_OK)
        rc = cwt__markflow_keys_load(srv_store(s), master, &ps->ks, err);
    if (rc == CWT_OK && !cwt__keyset_active(&ps->ks)) {
        cwt__keyset_release(&ps->ks);
        cwt__keyset_init(&ps->ks);
        rc = cwt__markflow_keys_rotate(srv_store(s), master, now, err);
        if (rc == CWT_OK)
            rc = cwt__markflow_keys_load(srv_store(s), master, &ps->ks, err);
    }
    sodium_memzero(master, sizeof master);
    if (rc == CWT_OK)
        rc = cwt__keyset_to_json(&ps->ks, false, &ps->keys_json, err);
    return rc;
}

enum cwt_status srv_program_snapshot_build(void *ud, void **data, void (**free_data)(void *))
{
    struct srv *s = ud;
    struct cwt_err err;
    cwt_err_clear(&err);
    int64_t now = cwt_ctx_now(srv_ctx(s));
    struct prog_snap *ps = CWT_NEW(struct prog_snap);
    if (!ps)
        return CWT_ENOMEM;
    cwt__keyset_init(&ps->ks);
    struct build b = {ps, 0};
    struct cwt__policy_row pol;
    enum cwt_status rc = cwt__store_policy_current(srv_store(s), &pol, &err);
    if (rc == CWT_OK) {
        ps->policy = pol.p;
        ps->policy_version = pol.version;
        rc = cwt__markflow_tick_due(srv_store(s), &ps->policy, now, NULL, &err);
    }
    if (rc == CWT_OK) {
        rc = cwt__markflow_cycle_at(srv_store(s), now, &ps->cycle, &err);
        ps->has_cycle = rc == CWT_OK && ps->cycle.start <= now;
        if (rc == CWT_ENOTFOUND)
            rc = CWT_OK;
    }
    if (rc == CWT_OK)
        rc = cwt__store_registry_each(srv_store(s), on_row, &b, &err);
    if (rc == CWT_OK && ps->has_cycle && (!ps->next_change || ps->cycle.end < ps->next_change))
        ps->next_change = ps->cycle.end;
    if (rc == CWT_OK)
        rc = load_keys(s, ps, now, &err);
    if (rc != CWT_OK) {
        fprintf(stderr, "cwtap serve: cannot build the program snapshot: %s\n", err.msg);
        snap_free(ps);
        return rc;
    }
    *data = ps;
    *free_data = snap_free;
    return CWT_OK;
}

struct srv_snapshot *srv_program_snapshot(struct srv_req *rq)
{
    struct srv_snapshot_holder *h = srv_program_snapshots(rq->srv);
    struct srv_snapshot *snap = srv_snapshot_acquire_wait(h, rq->now);
    const struct prog_snap *ps = snap ? snap->data : NULL;
    /* Other processes' changes reach it through the store's change counters (srv_snapshot_watch in srv_new). */
    bool stale = ps && ps->next_change && rq->now >= ps->next_change; /* a deadline or the cycle's end passed */
    if (stale) {
        srv_snapshot_release(snap);
        srv_snapshot_invalidate(h);
        snap = srv_snapshot_acquire(h, rq->now);
    }
    return snap;
}

const struct prog_site *srv_prog_find(const struct prog_snap *ps, const char *key)
{
    size_t lo = 0, hi = ps->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(ps->v[mid].id, key);
        if (c == 0)
            return &ps->v[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t i = 0; i < ps->n; i++)
        if (strcmp(ps->v[i].domain, key) == 0)
            return &ps->v[i];
    return NULL;
}
