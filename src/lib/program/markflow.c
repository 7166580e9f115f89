/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the mark's state machine over the store
 * (markflow.h). Every event runs as: begin a write transaction, read the mark
 * (locked), let a hook write what the event brings (an upload, the threshold
 * in force), apply the event, append one log entry per change, write the mark
 * with its next deadline, commit. A failure anywhere rolls all of it back, so
 * a mark never changes without its log entry. It also keeps the attestation
 * secrets at rest, sealed with libsodium's secretbox under a master key file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "program/markflow.h"

typedef enum cwt_status (*hook_fn)(void *ud, struct cwt__tx *tx, struct cwt__mark_row *row,
                                   struct cwt__mark_event *ev, struct cwt_err *err);

/* Runs @p ev (and first, when @p ev2 is not NULL, @p ev2) on the mark of @p site_id in one transaction. */
static enum cwt_status run(struct cwt__store *st, const struct cwt__program_policy *p, const char *site_id,
                           struct cwt__mark_event *ev1, struct cwt__mark_event *ev, hook_fn hook, void *ud,
                           struct cwt_err *err)
{
    struct cwt__tx *tx = NULL;
    struct cwt__mark_row row;
    memset(&row, 0, sizeof row);
    enum cwt_status rc = cwt__tx_begin(st, CWT__TX_WRITE, &tx, err), ev_rc = CWT_OK;
    struct cwt_err ev_err;
    cwt_err_clear(&ev_err);
    if (rc)
        return rc;
    rc = cwt__tx_mark_get(tx, site_id, true, &row, err);
    if (rc == CWT_ENOTFOUND) {
        memset(&row, 0, sizeof row);
        snprintf(row.site_id, sizeof row.site_id, "%s", site_id);
        row.m.state = CWT__MARK_NOT_INTEGRATED;
        rc = CWT_OK;
    }
    if (rc == CWT_OK && hook)
        rc = hook(ud, tx, &row, ev, err);
    struct cwt__mark_event *evs[2] = {ev1, ev};
    size_t total = 0;
    for (size_t i = 0; i < 2 && rc == CWT_OK; i++) {
        if (!evs[i])
            continue;
        if (evs[i]->at < row.m.since)
            evs[i]->at = row.m.since; /* the clock may have acted later than the event's own time */
        struct cwt__mark_change ch[CWT__MARK_MAX_CHANGES];
        size_t n = 0;
        enum cwt_status arc = cwt__mark_apply(&row.m, p, evs[i], ch, &n, &ev_err);
        if (arc != CWT_OK && arc != CWT_ELOCKED && arc != CWT_EPERM) {
            *err = ev_err;
            rc = arc;
            break;
        }
        if (arc != CWT_OK)
            ev_rc = arc;
        total += n;
        for (size_t k = 0; k < n && rc == CWT_OK; k++) {
            struct cwt__log_entry e;
            cwt__log_entry_from_change(&e, site_id, &ch[k]);
            rc = cwt__tx_log_append(tx, &e, err);
        }
    }
    if (rc == CWT_OK && ev_rc != CWT_OK && total == 0) {
        /* A refused event that changed nothing writes nothing. */
        cwt__tx_rollback(tx);
        cwt__mark_row_release(&row);
        *err = ev_err;
        return ev_rc;
    }
    if (rc == CWT_OK) {
        row.next_deadline = cwt__mark_next_deadline(&row.m, p);
        row.updated_at = ev->at;
        rc = cwt__tx_mark_put(tx, &row, err);
    }
    if (rc == CWT_OK)
        rc = cwt__tx_program_bump(tx, err);
    if (rc == CWT_OK)
        rc = cwt__tx_commit(tx, err);
    else
        cwt__tx_rollback(tx);
    cwt__mark_row_release(&row);
    if (rc == CWT_OK && ev_rc != CWT_OK) {
        *err = ev_err;
        return ev_rc;
    }
    return rc;
}

/* ---- cycles --------------------------------------------------------------------------- */

enum cwt_status cwt__markflow_cycle_at(struct cwt__store *st, int64_t at, struct cwt__cycle *out,
                                       struct cwt_err *err)
{
    struct cwt__cycles cs;
    cwt__cycles_init(&cs);
    enum cwt_status rc = cwt__store_cycles_load(st, &cs, err);
    if (rc == CWT_OK) {
        const struct cwt__cycle *c = cwt__cycles_current(&cs, at);
        for (size_t i = 0; !c && i < cs.n; i++)
            if (cs.v[i].start > at)
                c = &cs.v[i];
        if (c)
            *out = *c;
        else
            rc = cwt_err_setf(err, CWT_ENOTFOUND, "cycle", "no cycle at or after this time");
    }
    cwt__cycles_release(&cs);
    return rc;
}

/* ---- evaluations ------------------------------------------------------------------------ */

struct eval_hook {
    const struct cwt__evaluation *ev;
    struct cwt__cycle cycle;
    bool has_cycle;
    struct cwt__threshold_policy tp;
    struct cwt__eval_threshold *th;
};

/* Module scores {"basic": n, ...} from the report, or NULL; fills @p mods (negative when absent). */
static char *modules_of(const char *report, double mods[CWT__THRESHOLD_MODULES], bool *all)
{
    static const char *const names[] = {"basic", "operational", "content"};
    *all = true;
    for (size_t k = 0; k < CWT__THRESHOLD_MODULES; k++)
        mods[k] = -1;
    json_t *root = report ? json_loads(report, 0, NULL) : NULL;
    json_t *ev = root;
    if (json_is_array(json_object_get(root, "evaluations")))
        ev = json_array_get(json_object_get(root, "evaluations"), 0);
    json_t *m = json_object_get(ev, "modules");
    json_t *out = json_object();
    for (size_t k = 0; k < CWT__THRESHOLD_MODULES; k++) {
        json_t *mk = json_object_get(m, names[k]);
        json_t *s = json_object_get(mk, "score");
        if (json_is_number(s) && !json_is_false(json_object_get(mk, "counted"))) {
            mods[k] = json_number_value(s);
            json_object_set_new(out, names[k], json_real(mods[k]));
        } else {
            *all = false;
            json_object_set_new(out, names[k], json_null());
        }
    }
    char *txt = json_dumps(out, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(out);
    json_decref(root);
    return txt;
}

static enum cwt_status eval_hook(void *ud, struct cwt__tx *tx, struct cwt__mark_row *row,
                                 struct cwt__mark_event *mev, struct cwt_err *err)
{
    struct eval_hook *h = ud;
    double *cohort = NULL, mods[CWT__THRESHOLD_MODULES];
    size_t n = 0;
    bool all = false;
    struct cwt__threshold t;
    enum cwt_status rc = cwt__tx_cohort(tx, &cohort, &n, CWT__THRESHOLD_MAX_COHORT, err);
    if (rc == CWT_OK)
        rc = cwt__threshold_compute(&h->tp, h->has_cycle ? h->cycle.id : "none", cohort, n, &t, err);
    cwt_free(cohort);
    if (rc)
        return rc;
    char *mj = modules_of(h->ev->report, mods, &all);
    struct cwt__threshold_verdict v;
    double total = h->ev->total < 0 ? 0 : h->ev->total;
    cwt__threshold_judge(&t, total, all ? mods : NULL, cwt__mark_shows_green(row->m.state), &v);
    mev->meets_enter = h->ev->total >= 0 && v.meets_enter;
    mev->meets_stay = h->ev->total >= 0 && v.meets_stay;
    mev->score = total;
    struct cwt__eval_threshold *th = h->th;
    memset(th, 0, sizeof *th);
    snprintf(th->cycle_id, sizeof th->cycle_id, "%s", h->has_cycle ? h->cycle.id : "");
    th->enter = t.enter;
    th->stay = t.stay;
    th->meets_enter = mev->meets_enter;
    th->meets_stay = mev->meets_stay;
    snprintf(th->explain, sizeof th->explain, "%s", v.explain); /* the threshold, then the verdict */
    cwt_free(row->modules);
    row->modules = mj;
    row->has_threshold = true;
    row->threshold = t.enter;
    snprintf(row->last_eval_id, sizeof row->last_eval_id, "%s", h->ev->id);
    snprintf(row->grade, sizeof row->grade, "%s", h->ev->grade);
    return cwt__tx_eval_threshold_put(tx, h->ev->id, th, err);
}

enum cwt_status cwt__markflow_evaluated(struct cwt__store *st, const struct cwt__program_policy *p,
                                       const struct cwt__evaluation *ev, enum cwt__integration integ,
                                       struct cwt__eval_threshold *th, struct cwt_err *err)
{
    struct eval_hook h = {.ev = ev, .th = th};
    enum cwt_status rc = cwt__markflow_cycle_at(st, ev->at, &h.cycle, err);
    if (rc == CWT_OK)
        h.has_cycle = true;
    else if (rc != CWT_ENOTFOUND)
        return rc;
    if ((rc = cwt__store_threshold_get(st, h.has_cycle ? h.cycle.id : "", &h.tp, NULL, err)))
        return rc;
    struct cwt__mark_event ie = {.kind = integ == CWT__INTEG_FOUND ? CWT__EV_INTEGRATION_FOUND
                                                                   : CWT__EV_INTEGRATION_LOST, .at = ev->at};
    struct cwt__mark_event ee = {.kind = CWT__EV_EVALUATED, .at = ev->at};
    return run(st, p, ev->site_id, &ie, &ee, eval_hook, &h, err);
}

/* ---- uploads, reviews, the clock ------------------------------------------------------------ */

struct upload_hook {
    const char *site_id, *data, *result;
    enum cwt__upload_kind kind;
    size_t rows;
};

static enum cwt_status upload_hook(void *ud, struct cwt__tx *tx, struct cwt__mark_row *row,
                                   struct cwt__mark_event *mev, struct cwt_err *err)
{
    struct upload_hook *h = ud;
    CWT_UNUSED(row);
    char id[32];
    cwt__store_new_id("u_", id);
    return cwt__tx_upload_insert(tx, id, h->site_id, cwt__upload_kind_name(h->kind), mev->at, h->rows, h->data,
                                 h->result, err);
}

enum cwt_status cwt__markflow_upload(struct cwt__store *st, const struct cwt__program_policy *p, const char *site_id,
                                     enum cwt__upload_kind kind, const char *data, size_t len, int64_t at,
                                     struct cwt__upload_result *res, bool *stored, struct cwt_err *err)
{
    *stored = false;
    enum cwt_status rc = cwt__upload_validate(kind, data, len, at, p, NULL, res, err);
    if (rc || !res->accepted)
        return rc;
    json_t *j = cwt__upload_result_json(res);
    char *result = j ? json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
    char *copy = cwt_malloc(len + 1);
    if (!result || !copy) {
        cwt_free(result);
        cwt_free(copy);
        return cwt_err_set(err, CWT_ENOMEM, "out of memory");
    }
    memcpy(copy, data, len);
    copy[len] = '\0';
    struct upload_hook h = {site_id, copy, result, kind, res->rows};
    struct cwt__mark_event ev = {.kind = CWT__EV_UPLOAD_ACCEPTED, .at = at, .upload = kind};
    rc = run(st, p, site_id, NULL, &ev, upload_hook, &h, err);
    *stored = rc == CWT_OK;
    cwt_free(copy);
    cwt_free(result);
    return rc;
}

enum cwt_status cwt__markflow_review(struct cwt__store *st, const struct cwt__program_policy *p, const char *site_id,
                                     int64_t at, struct cwt_err *err)
{
    struct cwt__mark_event ev = {.kind = CWT__EV_REVIEW_REQUESTED, .at = at};
    return run(st, p, site_id, NULL, &ev, NULL, NULL, err);
}

#define TICK_BATCH 256

enum cwt_status cwt__markflow_tick_due(struct cwt__store *st, const struct cwt__program_policy *p, int64_t now,
                                       size_t *n, struct cwt_err *err)
{
    char ids[TICK_BATCH][CWT__ID_LEN];
    size_t got = 0, done = 0;
    enum cwt_status rc = cwt__store_marks_due(st, now, ids, TICK_BATCH, &got, err);
    for (size_t i = 0; i < got && rc == CWT_OK; i++) {
        struct cwt__mark_event ev = {.kind = CWT__EV_TICK, .at = now};
        rc = run(st, p, ids[i], NULL, &ev, NULL, NULL, err);
        done++;
    }
    if (n)
        *n = done;
    return rc;
}

/* ---- keys at rest ------------------------------------------------------------------------------ */

enum cwt_status cwt__master_key_load(const char *path, bool create, unsigned char key[32], struct cwt_err *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT && create) {
        char dir[512];
        snprintf(dir, sizeof dir, "%s", path);
        char *slash = strrchr(dir, '/');
        if (slash && slash != dir) {
            *slash = '\0';
            mkdir(dir, 0700); /* var/ on a fresh clone; an existing directory is fine */
        }
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0)
            return cwt_err_setf(err, CWT_EIO, path, "cannot create '%s': %s", path, strerror(errno));
        randombytes_buf(key, 32);
        ssize_t w = write(fd, key, 32);
        close(fd);
        if (w != 32)
            return cwt_err_setf(err, CWT_EIO, path, "cannot write '%s'", path);
        return CWT_OK;
    }
    if (fd < 0)
        return cwt_err_setf(err, CWT_EIO, path, "cannot open '%s': %s", path, strerror(errno));
    struct stat sb;
    enum cwt_status rc = CWT_OK;
    if (fstat(fd, &sb) != 0 || (sb.st_mode & 077))
        rc = cwt_err_setf(err, CWT_EPERM, path, "'%s' must be readable by its owner only (chmod 600)", path);
    else if (read(fd, key, 32) != 32)
        rc = cwt_err_setf(err, CWT_EIO, path, "'%s' must hold 32 bytes", path);
    close(fd);
    return rc;
}

struct keys_acc {
    struct cwt__keyset *ks;
    const unsigned char *master;
    struct cwt_err *err;
};

static enum cwt_status on_key_row(void *ud, const struct cwt__key_row *kr)
{
    struct keys_acc *a = ud;
    struct cwt__keyset *ks = a->ks;
    if (ks->n >= CWT__KEYSET_MAX)
        return cwt_err_set(a->err, CWT_ETOOBIG, "too many attestation keys");
    if (ks->n == ks->cap) {
        size_t cap = ks->cap ? ks->cap * 2 : 4;
        struct cwt__key *v = cwt_malloc(cap * sizeof *v);
        if (!v)
            return cwt_err_set(a->err, CWT_ENOMEM, "out of memory");
        if (ks->n)
            memcpy(v, ks->v, ks->n * sizeof *v);
        cwt_free(ks->v);
        ks->v = v;
        ks->cap = cap;
    }
    struct cwt__key *k = &ks->v[ks->n];
    memset(k, 0, sizeof *k);
    snprintf(k->kid, sizeof k->kid, "%s", kr->kid);
    size_t got = 0;
    if (sodium_hex2bin(k->pk, 32, kr->pk, strlen(kr->pk), NULL, &got, NULL) != 0 || got != 32)
        return cwt_err_setf(a->err, CWT_ESTORE, kr->kid, "key '%s': bad public key", kr->kid);
    k->created = kr->created;
    k->retired = kr->retired;
    if (!kr->retired && kr->sealed[0]) {
        unsigned char box[crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + 32];
        if (sodium_hex2bin(box, sizeof box, kr->sealed, strlen(kr->sealed), NULL, &got, NULL) != 0 ||
            got != sizeof box ||
            crypto_secretbox_open_easy(k->seed, box + crypto_secretbox_NONCEBYTES, sizeof box -
                                       crypto_secretbox_NONCEBYTES, box, a->master) != 0)
            return cwt_err_setf(a->err, CWT_EPERM, kr->kid,
                                "key '%s': cannot unseal the secret (another master key file?)", kr->kid);
        k->has_secret = true;
    }
    ks->n++;
    return CWT_OK;
}

enum cwt_status cwt__markflow_keys_load(struct cwt__store *st, const unsigned char master[32],
                                        struct cwt__keyset *ks, struct cwt_err *err)
{
    struct keys_acc a = {ks, master, err};
    return cwt__store_keys_each(st, on_key_row, &a, err);
}

enum cwt_status cwt__markflow_keys_rotate(struct cwt__store *st, const unsigned char master[32], int64_t at,
                                          struct cwt_err *err)
{
    struct cwt__keyset ks;
    cwt__keyset_init(&ks);
    enum cwt_status rc = cwt__markflow_keys_load(st, master, &ks, err);
    if (rc == CWT_OK)
        rc = cwt__keyset_rotate(&ks, at, NULL, err);
    if (rc == CWT_OK) {
        const struct cwt__key *k = cwt__keyset_active(&ks);
        struct cwt__key_row kr = {0};
        unsigned char box[crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + 32];
        randombytes_buf(box, crypto_secretbox_NONCEBYTES);
        crypto_secretbox_easy(box + crypto_secretbox_NONCEBYTES, k->seed, 32, box, master);
        snprintf(kr.kid, sizeof kr.kid, "%s", k->kid);
        sodium_bin2hex(kr.pk, sizeof kr.pk, k->pk, 32);
        sodium_bin2hex(kr.sealed, sizeof kr.sealed, box, sizeof box);
        sodium_memzero(box, sizeof box);
        kr.created = at;
        rc = cwt__store_key_rotate(st, &kr, err);
    }
    cwt__keyset_release(&ks);
    return rc;
}
