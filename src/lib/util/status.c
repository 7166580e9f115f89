/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the status codes' names and descriptions, and the
 * caller-owned error record struct cwt_err.
 */
#include <stdarg.h>
#include <stdio.h>

#include "util/common.h"

static const struct {
    const char *name;
    const char *text;
} status_table[] = {
    [CWT_OK] = {"ok", "no error"},
    [CWT_ENOMEM] = {"no_memory", "out of memory"},
    [CWT_EINVAL] = {"invalid", "invalid argument or input"},
    [CWT_ETOOBIG] = {"too_big", "input exceeds a limit"},
    [CWT_EPARSE] = {"parse", "cannot parse input"},
    [CWT_EIO] = {"io", "input/output error"},
    [CWT_ERESOLVE] = {"resolve", "cannot resolve host name"},
    [CWT_ECONNECT] = {"connect", "cannot connect"},
    [CWT_ETIMEOUT] = {"timeout", "timed out"},
    [CWT_ETLS] = {"tls", "tls failure"},
    [CWT_EHTTP] = {"http", "http error"},
    [CWT_EREFUSED] = {"refused", "refused by policy"},
    [CWT_ENOTFOUND] = {"not_found", "not found"},
    [CWT_EUNSUPPORTED] = {"unsupported", "not supported"},
    [CWT_ESTORE] = {"store", "store failure"},
    [CWT_ECONFLICT] = {"conflict", "conflict"},
    [CWT_EPERM] = {"forbidden", "permission denied"},
    [CWT_EINTERNAL] = {"internal", "internal error"},
    [CWT_ELIMIT] = {"rate_limited", "limit reached"},
    [CWT_ELOCKED] = {"locked", "locked until a later date"},
};

_Static_assert(CWT_ARRAY_LEN(status_table) == CWT_STATUS_COUNT_, "every status has a name");

const char *cwt_strerror(enum cwt_status st)
{
    if ((unsigned)st >= CWT_ARRAY_LEN(status_table))
        return "unknown error";
    return status_table[st].text;
}

const char *cwt_status_name(enum cwt_status st)
{
    if ((unsigned)st >= CWT_ARRAY_LEN(status_table))
        return "unknown";
    return status_table[st].name;
}

void cwt_err_clear(struct cwt_err *err)
{
    if (!err)
        return;
    err->status = CWT_OK;
    err->field[0] = '\0';
    err->msg[0] = '\0';
}

static void err_vset(struct cwt_err *err, enum cwt_status st, const char *field, const char *fmt, va_list ap)
{
    err->status = st;
    snprintf(err->field, sizeof err->field, "%s", field ? field : "");
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
}

enum cwt_status cwt_err_set(struct cwt_err *err, enum cwt_status st, const char *fmt, ...)
{
    if (!err)
        return st;
    va_list ap;
    va_start(ap, fmt);
    err_vset(err, st, NULL, fmt, ap);
    va_end(ap);
    return st;
}

enum cwt_status cwt_err_setf(struct cwt_err *err, enum cwt_status st, const char *field, const char *fmt, ...)
{
    if (!err)
        return st;
    va_list ap;
    va_start(ap, fmt);
    err_vset(err, st, field, fmt, ap);
    va_end(ap);
    return st;
}
