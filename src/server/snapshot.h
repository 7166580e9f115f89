/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The in-memory snapshot of the hot read path (badge, weights, registry):
 * an immutable value published by pointer swap and kept alive by a reference
 * count while readers use it, so a request never queries the store. Writers
 * mark it stale after a change; the next reader rebuilds it once (others keep
 * reading the previous one meanwhile).
 */
#ifndef CWT_SNAPSHOT_H
#define CWT_SNAPSHOT_H

#include <stdatomic.h>

#include "util/common.h"

struct srv_snapshot {
    atomic_int refs;
    uint64_t version;       /* increases by one per publish */
    int64_t built_at;       /* Unix seconds */
    void *data;             /* immutable once published */
    void (*free_data)(void *data);
};

/* Builds the data of a new snapshot; returns CWT_OK and sets *data and *free_data. */
typedef enum cwt_status (*srv_snapshot_build_fn)(void *ud, void **data, void (**free_data)(void *));

struct srv_snapshot_holder;
struct srv_snapshot_holder *srv_snapshot_holder_new(void);
void srv_snapshot_holder_free(struct srv_snapshot_holder *h);
/* Sets the builder used when the snapshot is stale (NULL: only explicit publishes). */
void srv_snapshot_set_builder(struct srv_snapshot_holder *h, srv_snapshot_build_fn fn, void *ud);
/* Reads a version that changes whenever the data behind the snapshot changes (any process). */
typedef enum cwt_status (*srv_snapshot_version_fn)(void *ud, int64_t *version);
/*
 * Watches @p fn: srv_snapshot_acquire() polls it at most every @p interval_s
 * seconds (one reader polls, the others do not wait) and marks the snapshot
 * stale when the version moved. This is how changes made by other processes
 * (a worker storing evaluations) reach a server's snapshot.
 */
void srv_snapshot_watch(struct srv_snapshot_holder *h, srv_snapshot_version_fn fn, void *ud, int64_t interval_s);
/* Publishes @p data (ownership passes to the snapshot) at time @p at. */
enum cwt_status srv_snapshot_publish(struct srv_snapshot_holder *h, void *data, void (*free_data)(void *),
                                     int64_t at);
/* Marks the current snapshot stale: call after a change the hot path shows. */
void srv_snapshot_invalidate(struct srv_snapshot_holder *h);
/*
 * The current snapshot with a reference taken (rebuilt first when stale and
 * a builder is set); NULL when none was ever published. Release with
 * srv_snapshot_release().
 */
struct srv_snapshot *srv_snapshot_acquire(struct srv_snapshot_holder *h, int64_t now);
/* As srv_snapshot_acquire(), but while none was ever published (the first build runs in another thread) waits for it, up to 2 s. */
struct srv_snapshot *srv_snapshot_acquire_wait(struct srv_snapshot_holder *h, int64_t now);
void srv_snapshot_release(struct srv_snapshot *s);

#endif
