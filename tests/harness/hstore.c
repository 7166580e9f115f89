/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the harness's fresh store for one test case: a new
 * SQLite file in the case's directory, or the PostgreSQL database of
 * CWTAP_TEST_PG with its public schema dropped and re-created, so the
 * migrations run again from nothing either way.
 */
#include <stdio.h>

#include "harness.h"
#include "store/store.h"

struct cwt__store *h_store_fresh(const char *dir, const char *pg, char *url, size_t n)
{
    struct cwt__store *st = NULL;
    struct cwt_err err;
    if (pg)
        snprintf(url, n, "%s", pg);
    else
        snprintf(url, n, "sqlite:%s/t.db", dir);
    if (cwt__store_open(url, NULL, &st, &err) != CWT_OK) {
        fprintf(stderr, "h_store_fresh: %s\n", err.msg);
        return NULL;
    }
    if (!pg)
        return st;
    if (cwt__store_exec(st, "DROP SCHEMA public CASCADE", NULL, 0, NULL, NULL, NULL, &err) != CWT_OK ||
        cwt__store_exec(st, "CREATE SCHEMA public", NULL, 0, NULL, NULL, NULL, &err) != CWT_OK) {
        fprintf(stderr, "h_store_fresh: %s\n", err.msg);
        cwt__store_free(st);
        return NULL;
    }
    cwt__store_free(st);
    if (cwt__store_open(url, NULL, &st, &err) != CWT_OK) {
        fprintf(stderr, "h_store_fresh: %s\n", err.msg);
        return NULL;
    }
    return st;
}
