/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements request-body validation for the REST API: a body
 * must be one JSON object (jansson, with NUL characters refused) that holds
 * only the fields a route declares, each of its declared type and within its
 * bound. The first problem is reported with the field it concerns, so the
 * error envelope can name it; nothing is returned for a refused body, and
 * handlers validate before they write, so a refused request changes nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include "server/server.h"

static const char *type_name(enum srv_ftype t)
{
    switch (t) {
    case SRV_F_STRING: return "a string";
    case SRV_F_INT: return "an integer";
    case SRV_F_BOOL: return "a boolean";
    case SRV_F_STRLIST: return "an array of strings";
    }
    return "?";
}

static enum cwt_status check_field(const struct srv_field *f, json_t *v, struct cwt_err *err)
{
    switch (f->type) {
    case SRV_F_STRING:
        if (!json_is_string(v))
            break;
        if (f->max_len && json_string_length(v) > f->max_len)
            return cwt_err_setf(err, CWT_ETOOBIG, f->name, "'%s' is longer than %zu bytes", f->name, f->max_len);
        return CWT_OK;
    case SRV_F_INT:
        if (!json_is_integer(v))
            break;
        return CWT_OK;
    case SRV_F_BOOL:
        if (!json_is_boolean(v))
            break;
        return CWT_OK;
    case SRV_F_STRLIST: {
        if (!json_is_array(v))
            break;
        if (f->max_len && json_array_size(v) > f->max_len)
            return cwt_err_setf(err, CWT_ETOOBIG, f->name, "'%s' has more than %zu items", f->name, f->max_len);
        size_t i;
        json_t *it;
        json_array_foreach(v, i, it) {
            if (!json_is_string(it) || json_string_length(it) > 64) {
                char fld[96];
                snprintf(fld, sizeof fld, "%.64s[%zu]", f->name, i);
                return cwt_err_setf(err, CWT_EINVAL, fld, "'%s' must be a string of at most 64 bytes", fld);
            }
        }
        return CWT_OK;
    }
    }
    return cwt_err_setf(err, CWT_EINVAL, f->name, "'%s' must be %s", f->name, type_name(f->type));
}

enum cwt_status srv_body_parse(const char *body, size_t len, const struct srv_field *spec, size_t nspec,
                               json_t **out, struct cwt_err *err)
{
    json_error_t jerr;
    *out = NULL;
    if (!body || len == 0)
        return cwt_err_setf(err, CWT_EINVAL, "", "the request needs a JSON body");
    json_t *root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        char at[32];
        snprintf(at, sizeof at, "byte %d", jerr.position);
        return cwt_err_setf(err, CWT_EPARSE, at, "malformed JSON at byte %d: %s", jerr.position, jerr.text);
    }
    enum cwt_status rc = CWT_OK;
    if (!json_is_object(root)) {
        rc = cwt_err_setf(err, CWT_EINVAL, "", "the body must be a JSON object");
        goto out;
    }
    const char *key;
    json_t *v;
    json_object_foreach(root, key, v) {
        const struct srv_field *f = NULL;
        for (size_t i = 0; i < nspec && !f; i++)
            if (strcmp(spec[i].name, key) == 0)
                f = &spec[i];
        if (!f) {
            char fld[96];
            snprintf(fld, sizeof fld, "%.90s", key);
            rc = cwt_err_setf(err, CWT_EINVAL, fld, "unknown field '%s'", fld);
            goto out;
        }
        if ((rc = check_field(f, v, err)))
            goto out;
    }
    for (size_t i = 0; i < nspec; i++)
        if (spec[i].required && !json_object_get(root, spec[i].name)) {
            rc = cwt_err_setf(err, CWT_EINVAL, spec[i].name, "'%s' is required", spec[i].name);
            goto out;
        }
    *out = root;
    root = NULL;
out:
    json_decref(root);
    return rc;
}

json_t *srv_body(struct srv_req *rq, struct srv_resp *rs, const struct srv_field *spec, size_t nspec)
{
    const char *ct = rq->content_type;
    if (!ct || strncasecmp(ct, "application/json", 16) != 0 || (ct[16] && ct[16] != ';' && ct[16] != ' ')) {
        srv_error(rs, 415, "unsupported_media_type", "Content-Type", "the body must be application/json");
        return NULL;
    }
    json_t *out = NULL;
    struct cwt_err err;
    cwt_err_clear(&err);
    if (srv_body_parse(rq->body, rq->body_len, spec, nspec, &out, &err) != CWT_OK) {
        srv_error(rs, err.status == CWT_ETOOBIG ? 422 : 400, "invalid", err.field, "%s", err.msg);
        return NULL;
    }
    return out;
}

bool srv_page(struct srv_req *rq, struct srv_resp *rs, struct cwt__page *pg)
{
    memset(pg, 0, sizeof *pg);
    pg->limit = 50;
    const char *l = rq->query(rq, "limit");
    if (l) {
        char *end = NULL;
        long v = strtol(l, &end, 10);
        if (!*l || *end || v < 1 || v > 200) {
            srv_error(rs, 400, "invalid", "limit", "'limit' must be an integer from 1 to 200");
            return false;
        }
        pg->limit = (unsigned)v;
    }
    const char *c = rq->query(rq, "cursor");
    if (c && *c) {
        int64_t k;
        char id[32];
        struct cwt_err err;
        if (cwt__cursor_parse(c, &k, id, &err) != CWT_OK) {
            srv_error(rs, 400, "invalid", "cursor", "malformed cursor");
            return false;
        }
        pg->cursor = c;
    }
    return true;
}
