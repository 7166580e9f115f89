/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the hot-path snapshot (snapshot.h). The current
 * pointer is guarded by a mutex held only for the pointer copy and the
 * reference increment (nanoseconds), and each snapshot is freed by whoever
 * drops its last reference, so a publish never waits for readers. Rebuilding
 * a stale snapshot is done by one reader at a time (a try-lock); the others
 * serve the previous snapshot meanwhile.
 */
#include <pthread.h>
#include <time.h>

#include "server/snapshot.h"

struct srv_snapshot_holder {
    pthread_mutex_t mu;        /* guards cur */
    pthread_mutex_t build_mu;  /* one rebuild at a time */
    struct srv_snapshot *cur;
    atomic_bool stale;
    uint64_t version;
    srv_snapshot_build_fn build;
    void *build_ud;
    srv_snapshot_version_fn watch;   /* guarded by build_mu */
    void *watch_ud;
    int64_t watch_interval;
    atomic_llong next_check;
    int64_t seen_version;
};

struct srv_snapshot_holder *srv_snapshot_holder_new(void)
{
    struct srv_snapshot_holder *h = CWT_NEW(struct srv_snapshot_holder);
    if (!h)
        return NULL;
    pthread_mutex_init(&h->mu, NULL);
    pthread_mutex_init(&h->build_mu, NULL);
    atomic_init(&h->stale, true);
    atomic_init(&h->next_check, 0);
    h->seen_version = -1;
    return h;
}

void srv_snapshot_release(struct srv_snapshot *s)
{
    if (!s)
        return;
    if (atomic_fetch_sub(&s->refs, 1) == 1) {
        if (s->free_data)
            s->free_data(s->data);
        cwt_free(s);
    }
}

void srv_snapshot_holder_free(struct srv_snapshot_holder *h)
{
    if (!h)
        return;
    srv_snapshot_release(h->cur);
    pthread_mutex_destroy(&h->mu);
    pthread_mutex_destroy(&h->build_mu);
    cwt_free(h);
}

void srv_snapshot_set_builder(struct srv_snapshot_holder *h, srv_snapshot_build_fn fn, void *ud)
{
    pthread_mutex_lock(&h->build_mu);
    h->build = fn;
    h->build_ud = ud;
    pthread_mutex_unlock(&h->build_mu);
}

enum cwt_status srv_snapshot_publish(struct srv_snapshot_holder *h, void *data, void (*free_data)(void *),
                                     int64_t at)
{
    struct srv_snapshot *s = CWT_NEW(struct srv_snapshot);
    if (!s) {
        if (free_data)
            free_data(data);
        return CWT_ENOMEM;
    }
    atomic_init(&s->refs, 1); /* the holder's reference */
    s->data = data;
    s->free_data = free_data;
    s->built_at = at;
    pthread_mutex_lock(&h->mu);
    struct srv_snapshot *old = h->cur;
    s->version = ++h->version;
    h->cur = s;
    atomic_store(&h->stale, false);
    pthread_mutex_unlock(&h->mu);
    srv_snapshot_release(old);
    return CWT_OK;
}

void srv_snapshot_watch(struct srv_snapshot_holder *h, srv_snapshot_version_fn fn, void *ud, int64_t interval_s)
{
    pthread_mutex_lock(&h->build_mu);
    h->watch = fn;
    h->watch_ud = ud;
    h->watch_interval = interval_s > 0 ? interval_s : 1;
    atomic_store(&h->next_check, 0);
    pthread_mutex_unlock(&h->build_mu);
}

/* Polls the watched version when due; a change marks the snapshot stale. Caller holds build_mu. */
static void poll_version(struct srv_snapshot_holder *h, int64_t now)
{
    if (!h->watch || now < atomic_load(&h->next_check))
        return;
    atomic_store(&h->next_check, now + h->watch_interval);
    int64_t v = 0;
    if (h->watch(h->watch_ud, &v) == CWT_OK && v != h->seen_version) {
        h->seen_version = v;
        atomic_store(&h->stale, true);
    }
}

void srv_snapshot_invalidate(struct srv_snapshot_holder *h)
{
    atomic_store(&h->stale, true);
}

struct srv_snapshot *srv_snapshot_acquire(struct srv_snapshot_holder *h, int64_t now)
{
    bool poll_due = now >= atomic_load(&h->next_check);
    if ((atomic_load(&h->stale) || poll_due) && pthread_mutex_trylock(&h->build_mu) == 0) {
        poll_version(h, now);
        /* Clear first: a change made while building marks it stale again. */
        if (h->build && atomic_exchange(&h->stale, false)) {
            void *data = NULL;
            void (*fd)(void *) = NULL;
            if (h->build(h->build_ud, &data, &fd) == CWT_OK)
                srv_snapshot_publish(h, data, fd, now);
            else
                atomic_store(&h->stale, true);
        }
        pthread_mutex_unlock(&h->build_mu);
    }
    pthread_mutex_lock(&h->mu);
    struct srv_snapshot *s = h->cur;
    if (s)
        atomic_fetch_add(&s->refs, 1);
    pthread_mutex_unlock(&h->mu);
    return s;
}

struct srv_snapshot *srv_snapshot_acquire_wait(struct srv_snapshot_holder *h, int64_t now)
{
    struct srv_snapshot *snap = srv_snapshot_acquire(h, now);
    for (int i = 0; !snap && i < 200; i++) {
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
        snap = srv_snapshot_acquire(h, now);
    }
    return snap;
}
