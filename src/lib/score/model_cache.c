/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements cwt__model_acquire() / cwt__model_release() (score.h): models loaded once
 * per process and shared by the audits that use them. An agency's `cwtap audit --urls` of hundreds
 * of sites read, parsed and validated the same model file once per site. An entry is keyed by the
 * path and the file's identity (device, inode, size, modification time), so a model file replaced
 * on disk is loaded again; an entry no longer current is freed when its last holder releases it.
 * A loaded model is never written, so holders in several threads share it.
 */
#include <pthread.h>
#include <string.h>

#include "score/score.h"
#include "util/fileid.h"

struct model_entry {
    struct model_entry *next;
    char *path;
    struct cwt__fileid id;
    struct cwt__model *m;
    size_t refs;  /* holders */
    bool current; /* the entry a new acquire of its path may return */
};

static struct model_entry *entries;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

/* Unlinks and frees the entries nobody holds that are no longer current. Called with the lock. */
static void sweep(void)
{
    for (struct model_entry **p = &entries; *p;) {
        struct model_entry *e = *p;
        if (!e->current && e->refs == 0) {
            *p = e->next;
            cwt__model_free(e->m);
            cwt_free(e->path);
            cwt_free(e);
        } else {
            p = &e->next;
        }
    }
}

enum cwt_status cwt__model_acquire(const char *path, const struct cwt__model **out, struct cwt_err *err)
{
    *out = NULL;
    struct cwt__fileid id = cwt__fileid_of(path); /* a missing file: cwt__model_load() words the error */
    pthread_mutex_lock(&lock);
    for (struct model_entry *e = entries; e; e = e->next)
        if (e->current && strcmp(e->path, path) == 0) {
            if (id.exists && cwt__fileid_same(&e->id, &id)) {
                e->refs++;
                *out = e->m;
                pthread_mutex_unlock(&lock);
                return CWT_OK;
            }
            e->current = false; /* replaced on disk */
        }
    sweep();
    pthread_mutex_unlock(&lock);

    /* loaded outside the lock: another thread may load the same file at once; both entries are valid */
    struct cwt__model *m = NULL;
    enum cwt_status rc = cwt__model_load(path, &m, err);
    if (rc)
        return rc;
    struct model_entry *e = cwt_calloc(1, sizeof *e);
    if (!e || !(e->path = cwt_strdup(path))) {
        cwt_free(e);
        cwt__model_free(m);
        return cwt_err_set(err, CWT_ENOMEM, "out of memory loading model '%s'", path);
    }
    e->id = id;
    e->m = m;
    e->refs = 1;
    e->current = id.exists;
    pthread_mutex_lock(&lock);
    e->next = entries;
    entries = e;
    pthread_mutex_unlock(&lock);
    *out = m;
    return CWT_OK;
}

void cwt__model_release(const struct cwt__model *m)
{
    if (!m)
        return;
    pthread_mutex_lock(&lock);
    for (struct model_entry *e = entries; e; e = e->next)
        if (e->m == m && e->refs > 0) {
            e->refs--;
            break;
        }
    sweep();
    pthread_mutex_unlock(&lock);
}
