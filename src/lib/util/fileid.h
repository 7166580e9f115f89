/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A file's identity as stat(2) sees it (device, inode, size, modification time): what the
 * once-per-process caches (trust stores, models) key on, so that a file replaced or rewritten on
 * disk is read again.
 */
#ifndef CWT_UTIL_FILEID_H
#define CWT_UTIL_FILEID_H

#include <sys/stat.h>

#include "util/common.h"

struct cwt__fileid {
    bool exists; /* stat() succeeded; the other fields are zero otherwise */
    dev_t dev;
    ino_t ino;
    off_t size;
    struct timespec mtime;
};

static inline struct cwt__fileid cwt__fileid_of(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return (struct cwt__fileid){.exists = false};
    return (struct cwt__fileid){true, st.st_dev, st.st_ino, st.st_size, st.st_mtim};
}

/* True when both name the same, unchanged file, or both files are missing. */
static inline bool cwt__fileid_same(const struct cwt__fileid *a, const struct cwt__fileid *b)
{
    return a->exists == b->exists && a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
           a->mtime.tv_sec == b->mtime.tv_sec && a->mtime.tv_nsec == b->mtime.tv_nsec;
}

#endif
