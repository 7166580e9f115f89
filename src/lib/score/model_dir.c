/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the model directory (score/model_dir.h): the model
 * versions an operator may preview, loaded once per request, and the re-score
 * of one stored evaluation under one of them.
 */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "score/model_dir.h"
#include "score/score.h"

struct cwt__model_dir {
    size_t n;
    struct cwt__model *m[CWT__MODEL_DIR_MAX];
    char *file[CWT__MODEL_DIR_MAX];
};

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void cwt__model_dir_default(char *out, size_t n)
{
    const char *p = cwt__model_default_path(), *slash = strrchr(p, '/');
    if (!slash)
        snprintf(out, n, ".");
    else
        snprintf(out, n, "%.*s", (int)(slash == p ? 1 : slash - p), p);
}

enum cwt_status cwt__model_dir_load(const char *dir, struct cwt__model_dir **out, struct cwt_err *err)
{
    *out = NULL;
    DIR *dh = opendir(dir);
    if (!dh)
        return cwt_err_setf(err, CWT_EIO, "models", "cannot open the models directory '%s'", dir);
    char *names[CWT__MODEL_DIR_MAX];
    size_t n = 0;
    for (struct dirent *de; (de = readdir(dh)) && n < CWT__MODEL_DIR_MAX;) {
        size_t l = strlen(de->d_name);
        if (l > 5 && de->d_name[0] != '.' && strcmp(de->d_name + l - 5, ".json") == 0 &&
            (names[n] = cwt_strdup(de->d_name)))
            n++;
    }
    closedir(dh);
    qsort(names, n, sizeof *names, by_name);
    struct cwt__model_dir *d = cwt_calloc(1, sizeof *d);
    for (size_t i = 0; i < n; i++) {
        char path[4096];
        struct cwt__model *m = NULL;
        struct cwt_err e2;
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (d && cwt__model_load(path, &m, &e2) == CWT_OK) {
            d->m[d->n] = m;
            d->file[d->n++] = names[i];
        } else {
            cwt_free(names[i]);
        }
    }
    if (!d)
        return cwt_err_set(err, CWT_ENOMEM, "out of memory");
    *out = d;
    return CWT_OK;
}

void cwt__model_dir_free(struct cwt__model_dir *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->n; i++) {
        cwt__model_free(d->m[i]);
        cwt_free(d->file[i]);
    }
    cwt_free(d);
}

size_t cwt__model_dir_count(const struct cwt__model_dir *d)
{
    return d->n;
}

const char *cwt__model_dir_id(const struct cwt__model_dir *d, size_t i)
{
    return cwt__model_id(d->m[i]);
}

const char *cwt__model_dir_version(const struct cwt__model_dir *d, size_t i)
{
    return cwt__model_version(d->m[i]);
}

const char *cwt__model_dir_file(const struct cwt__model_dir *d, size_t i)
{
    return d->file[i];
}

const json_t *cwt__model_dir_json(const struct cwt__model_dir *d, size_t i)
{
    return cwt__model_json(d->m[i]);
}

size_t cwt__model_dir_find(const struct cwt__model_dir *d, const char *version)
{
    for (size_t i = 0; i < d->n; i++)
        if (strcmp(cwt__model_version(d->m[i]), version) == 0)
            return i;
    return SIZE_MAX;
}

size_t cwt__model_dir_grade_rank(const struct cwt__model_dir *d, size_t i, const char *letter)
{
    const json_t *gs = json_object_get(cwt__model_json(d->m[i]), "grades");
    for (size_t k = 0; k < json_array_size(gs); k++) {
        const json_t *l = json_object_get(json_array_get(gs, k), "letter");
        if (json_is_string(l) && strcmp(json_string_value(l), letter) == 0)
            return k;
    }
    return SIZE_MAX;
}

enum cwt_status cwt__model_dir_rescore(const struct cwt__model_dir *d, size_t i, const char *report, double *total,
                                       char grade[static 8], char *url, size_t url_len, struct cwt_err *err)
{
    *total = NAN;
    grade[0] = '\0';
    json_error_t je;
    memset(&je, 0, sizeof je);
    json_t *ev = json_loads(report ? report : "", 0, &je), *out = NULL;
    if (!ev)
        return cwt_err_setf(err, CWT_EPARSE, "report", "the stored evaluation is not JSON (%s)", je.text);
    enum cwt_status rc = cwt__rescore(d->m[i], ev, &out, err);
    if (rc == CWT_OK) {
        const json_t *t = json_object_get(out, "total");
        const json_t *l = json_object_get(json_object_get(out, "grade"), "letter");
        *total = json_is_number(t) ? json_number_value(t) : NAN;
        snprintf(grade, 8, "%s", json_is_string(l) ? json_string_value(l) : "");
        const json_t *u = json_object_get(ev, "site");
        if (url)
            snprintf(url, url_len, "%s", json_is_string(u) ? json_string_value(u) : "");
    }
    json_decref(ev);
    json_decref(out);
    return rc;
}
