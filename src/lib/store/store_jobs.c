/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the job queue kept in the store. A job is claimed
 * by one worker in one statement that also leases it (state running,
 * locked_by, locked_until): on PostgreSQL the candidate row is picked with
 * FOR UPDATE SKIP LOCKED so workers never wait on each other; on SQLite the
 * claim runs in a BEGIN IMMEDIATE transaction, which serialises claimers.
 * Completion checks the lease holder, failures requeue with exponential
 * backoff until max_attempts, and an expired lease (a crashed worker) makes
 * the job claimable again. The scheduler queues evaluations of due sites.
 * cwt__store_job_pending tells the API (and the dashboard) that a site's
 * evaluation is on its way, so clients poll only while one is.
 */
#include <stdio.h>

#include "store/store_records.h"

void cwt__job_release(struct cwt__job *j)
{
    if (!j)
        return;
    cwt_free(j->payload);
    j->payload = NULL;
}

int64_t cwt__job_backoff(int attempts)
{
    int64_t d = 30;
    for (int i = 1; i < attempts && d < 6 * 3600; i++)
        d *= 2;
    return CWT_MIN(d, (int64_t)6 * 3600);
}

enum cwt_status cwt__store_job_enqueue(struct cwt__store *st, const char *kind, const char *site_id,
                                       const char *payload, const char *dedupe_key, int max_attempts,
                                       int64_t run_at, int64_t now, bool *queued, struct cwt_err *err)
{
    char id[CWT__ID_LEN];
    int64_t n = 0;
    cwt__store_new_id("j_", id);
    struct cwt__sv p[] = {CWT_SV_TEXT(id), CWT_SV_TEXT(kind), CWT_SV_TEXT(site_id),
                          CWT_SV_TEXT(payload ? payload : "{}"), CWT_SV_INT(max_attempts > 0 ? max_attempts : 5),
                          CWT_SV_INT(run_at), CWT_SV_TEXT(dedupe_key), CWT_SV_INT(now)};
    enum cwt_status rc = cwt__store_exec(st,
        "INSERT INTO jobs (id, kind, site_id, payload, state, max_attempts, run_at, dedupe_key, created_at) "
        "VALUES (?, ?, ?, ?, 'queued', ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        p, CWT_ARRAY_LEN(p), NULL, NULL, &n, err);
    if (queued)
        *queued = rc == CWT_OK && n == 1;
    return rc;
}

static enum cwt_status row_job(void *ud, const struct cwt__row *r)
{
    struct cwt__job *j = ud;
    cwt__row_copy(r, 0, j->id, sizeof j->id);
    cwt__row_copy(r, 1, j->kind, sizeof j->kind);
    cwt__row_copy(r, 2, j->site_id, sizeof j->site_id);
    cwt_free(j->payload);
    j->payload = cwt__row_strdup(r, 3);
    j->attempts = (int)cwt__row_int(r, 4);
    j->max_attempts = (int)cwt__row_int(r, 5);
    return j->payload ? CWT_OK : CWT_ENOMEM;
}

enum cwt_status cwt__store_job_claim(struct cwt__store *st, const char *worker, int64_t now, int lease_s,
                                     struct cwt__job *out, struct cwt_err *err)
{
    memset(out, 0, sizeof *out);
    /* The candidate: due and queued, or running with an expired lease (its worker died). */
    static const char pg_sql[] =
        "UPDATE jobs SET state = 'running', attempts = attempts + 1, locked_by = ?, locked_until = ? "
        "WHERE id = (SELECT id FROM jobs WHERE (state = 'queued' AND run_at <= ?) OR "
        "(state = 'running' AND locked_until < ?) ORDER BY run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED) "
        "RETURNING id, kind, site_id, payload, attempts, max_attempts";
    static const char sq_sql[] =
        "UPDATE jobs SET state = 'running', attempts = attempts + 1, locked_by = ?, locked_until = ? "
        "WHERE id = (SELECT id FROM jobs WHERE (state = 'queued' AND run_at <= ?) OR "
        "(state = 'running' AND locked_until < ?) ORDER BY run_at, id LIMIT 1) "
        "RETURNING id, kind, site_id, payload, attempts, max_attempts";
    struct cwt__sv p[] = {CWT_SV_TEXT(worker), CWT_SV_INT(now + lease_s), CWT_SV_INT(now), CWT_SV_INT(now)};
    enum cwt_status rc = cwt__store_exec(st, cwt__store_engine(st) == CWT__ENGINE_PG ? pg_sql : sq_sql, p, 4,
                                         row_job, out, NULL, err);
    if (rc == CWT_OK && !out->id[0])
        rc = CWT_ENOTFOUND; /* nothing due: not an error worth a message */
    if (rc != CWT_OK)
        cwt__job_release(out);
    return rc;
}

enum cwt_status cwt__store_job_complete(struct cwt__store *st, const char *id, const char *worker, int64_t now,
                                        struct cwt_err *err)
{
    int64_t n = 0;
    struct cwt__sv p[] = {CWT_SV_INT(now), CWT_SV_TEXT(id), CWT_SV_TEXT(worker)};
    enum cwt_status rc = cwt__store_exec(st, "UPDATE jobs SET state = 'done', finished_at = ?, locked_by = NULL, "
                                             "locked_until = NULL, dedupe_key = NULL WHERE id = ? AND locked_by = ? "
                                             "AND state = 'running'", p, 3, NULL, NULL, &n, err);
    if (rc == CWT_OK && n == 0)
        rc = cwt_err_setf(err, CWT_ECONFLICT, "id", "job '%s' is not leased to '%s'", id, worker);
    return rc;
}

enum cwt_status cwt__store_job_fail(struct cwt__store *st, const char *id, const char *worker, const char *error,
                                    int64_t now, struct cwt_err *err)
{
    struct cwt__tx *tx = NULL;
    int64_t attempts = -1, max = 0, n = 0;
    enum cwt_status rc = cwt__tx_begin(st, CWT__TX_WRITE, &tx, err);
    if (rc != CWT_OK)
        return rc;
    struct cwt__sv p[] = {CWT_SV_TEXT(id), CWT_SV_TEXT(worker)};
    rc = cwt__tx_exec(tx, "SELECT attempts FROM jobs WHERE id = ? AND locked_by = ? AND state = 'running'", p, 2,
                      cwt__row_get_int, &attempts, NULL, err);
    if (rc == CWT_OK)
        rc = cwt__tx_exec(tx, "SELECT max_attempts FROM jobs WHERE id = ?", p, 1, cwt__row_get_int, &max, NULL,
                          err);
    if (rc == CWT_OK && attempts < 0)
        rc = cwt_err_setf(err, CWT_ECONFLICT, "id", "job '%s' is not leased to '%s'", id, worker);
    if (rc != CWT_OK)
        goto out;
    bool final = attempts >= max;
    struct cwt__sv q[] = {CWT_SV_TEXT(final ? "failed" : "queued"), CWT_SV_INT(now + cwt__job_backoff((int)attempts)),
                          CWT_SV_TEXT(error ? error : "failed"), CWT_SV_INT(final ? now : 0), CWT_SV_INT(final),
                          CWT_SV_TEXT(id)};
    rc = cwt__tx_exec(tx, "UPDATE jobs SET state = ?, run_at = ?, last_error = ?, locked_by = NULL, "
                          "locked_until = NULL, finished_at = NULLIF(?, 0), "
                          "dedupe_key = CASE WHEN ? = 1 THEN NULL ELSE dedupe_key END WHERE id = ?",
                      q, CWT_ARRAY_LEN(q), NULL, NULL, &n, err);
out:
    if (rc != CWT_OK) {
        cwt__tx_rollback(tx);
        return rc;
    }
    return cwt__tx_commit(tx, err);
}

static enum cwt_status row_pending(void *ud, const struct cwt__row *r)
{
    struct cwt__job_pending *j = ud;
    cwt__row_copy(r, 0, j->state, sizeof j->state);
    j->queued_at = cwt__row_int(r, 1);
    j->run_at = cwt__row_int(r, 2);
    j->attempts = (int)cwt__row_int(r, 3);
    return CWT_OK;
}

enum cwt_status cwt__store_job_pending(struct cwt__store *st, const char *dedupe_key, struct cwt__job_pending *out,
                                       struct cwt_err *err)
{
    memset(out, 0, sizeof *out);
    struct cwt__sv p[] = {CWT_SV_TEXT(dedupe_key)};
    enum cwt_status rc = cwt__store_exec(st, "SELECT state, created_at, run_at, attempts FROM jobs WHERE dedupe_key = ? "
                                             "AND state IN ('queued', 'running')", p, 1, row_pending, out, NULL, err);
    if (rc == CWT_OK && !out->state[0])
        rc = CWT_ENOTFOUND; /* nothing pending: the usual answer, no message */
    return rc;
}

enum cwt_status cwt__store_job_count(struct cwt__store *st, const char *state, int64_t *n, struct cwt_err *err)
{
    struct cwt__sv p[] = {CWT_SV_TEXT(state)};
    *n = 0;
    return cwt__store_exec(st, "SELECT count(*) FROM jobs WHERE state = ?", p, 1, cwt__row_get_int, n, NULL, err);
}

struct due {
    char (*ids)[CWT__ID_LEN];
    size_t n, cap;
};

static enum cwt_status row_due(void *ud, const struct cwt__row *r)
{
    struct due *d = ud;
    if (d->n >= d->cap)
        return CWT_OK;
    cwt__row_copy(r, 0, d->ids[d->n], CWT__ID_LEN);
    d->n++;
    return CWT_OK;
}

enum cwt_status cwt__store_schedule_due(struct cwt__store *st, int64_t now, int64_t interval_s, int64_t *n,
                                        struct cwt_err *err)
{
    /* At most a batch per call; the scheduler calls again while it fills batches. */
    enum { BATCH = 500 };
    struct due d = {cwt_calloc(BATCH, CWT__ID_LEN), 0, BATCH};
    struct cwt__tx *tx = NULL;
    int64_t queued = 0;
    enum cwt_status rc = d.ids ? cwt__tx_begin(st, CWT__TX_WRITE, &tx, err) : CWT_ENOMEM;
    if (rc != CWT_OK)
        goto out;
    struct cwt__sv p[] = {CWT_SV_INT(now), CWT_SV_INT(BATCH)};
    rc = cwt__tx_exec(tx, "SELECT id FROM sites WHERE active = 1 AND verified_at IS NOT NULL AND "
                          "next_eval_at IS NOT NULL AND next_eval_at <= ? ORDER BY next_eval_at, id LIMIT ?",
                      p, 2, row_due, &d, NULL, err);
    for (size_t i = 0; i < d.n && rc == CWT_OK; i++) {
        char id[CWT__ID_LEN], key[64];
        int64_t c = 0;
        cwt__store_new_id("j_", id);
        snprintf(key, sizeof key, "evaluate:%s", d.ids[i]);
        struct cwt__sv q[] = {CWT_SV_TEXT(id), CWT_SV_TEXT(d.ids[i]), CWT_SV_INT(now), CWT_SV_TEXT(key),
                              CWT_SV_INT(now)};
        rc = cwt__tx_exec(tx, "INSERT INTO jobs (id, kind, site_id, payload, state, max_attempts, run_at, "
                              "dedupe_key, created_at) VALUES (?, 'evaluate', ?, '{}', 'queued', 5, ?, ?, ?) "
                              "ON CONFLICT DO NOTHING", q, CWT_ARRAY_LEN(q), NULL, NULL, &c, err);
        queued += c;
        struct cwt__sv u[] = {CWT_SV_INT(now + interval_s), CWT_SV_TEXT(d.ids[i])};
        if (rc == CWT_OK)
            rc = cwt__tx_exec(tx, "UPDATE sites SET next_eval_at = ? WHERE id = ?", u, 2, NULL, NULL, NULL, err);
    }
    if (rc == CWT_OK)
        rc = cwt__tx_commit(tx, err);
    else
        cwt__tx_rollback(tx);
out:
    cwt_free(d.ids);
    if (n)
        *n = queued;
    return rc == CWT_ENOMEM ? cwt_err_set(err, rc, "out of memory") : rc;
}
