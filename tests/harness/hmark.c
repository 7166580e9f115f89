/* SPDX-License-Identifier: Apache-2.0 */
/* This module implements the program-driving test helpers of hmark.h. */
#include <stdio.h>
#include <stdlib.h>

#include "harness.h"
#include "hmark.h"

enum cwt_status h_mark_site(struct cwt__store *st, const char *domain, const char *registrable, int64_t at,
                            struct cwt__site *out, struct cwt_err *err)
{
    struct cwt__enterprise e = {0};
    struct cwt__user u = {0};
    snprintf(e.name, sizeof e.name, "Enterprise of %s", registrable);
    snprintf(e.kind, sizeof e.kind, "exporter");
    snprintf(e.country, sizeof e.country, "CN");
    snprintf(u.email, sizeof u.email, "ops@%s", registrable);
    snprintf(u.password_hash, sizeof u.password_hash, "$argon2id$fake");
    e.created_at = u.created_at = at;
    enum cwt_status rc = cwt__store_signup(st, &e, &u, err);
    if (rc)
        return rc;
    memset(out, 0, sizeof *out);
    cwt__store_new_id("s_", out->id);
    snprintf(out->enterprise_id, sizeof out->enterprise_id, "%s", e.id);
    snprintf(out->domain, sizeof out->domain, "%s", domain);
    snprintf(out->registrable, sizeof out->registrable, "%s", registrable);
    snprintf(out->url, sizeof out->url, "https://%s/", domain);
    snprintf(out->token, sizeof out->token, "tok");
    out->active = true;
    out->created_at = at;
    return cwt__store_site_create(st, out, err);
}

enum cwt_status h_mark_evaluate(struct cwt__store *st, const struct cwt__program_policy *p, const char *site_id,
                                double total, int64_t at, enum cwt__integration integ,
                                struct cwt__eval_threshold *th, char eval_id[CWT__ID_LEN], struct cwt_err *err)
{
    struct cwt__evaluation ev = {0};
    cwt__store_new_id("v_", ev.id);
    snprintf(ev.site_id, sizeof ev.site_id, "%s", site_id);
    snprintf(ev.model_version, sizeof ev.model_version, "test");
    snprintf(ev.grade, sizeof ev.grade, "%s", total >= 70 ? "A" : "D");
    ev.at = at;
    ev.total = total;
    char report[200];
    snprintf(report, sizeof report, "{\"modules\":{\"basic\":{\"score\":%g},\"operational\":{\"score\":%g},"
             "\"content\":{\"score\":%g}}}", total, total, total);
    ev.report = report;
    if (eval_id)
        snprintf(eval_id, CWT__ID_LEN, "%s", ev.id);
    enum cwt_status rc = cwt__store_eval_insert(st, &ev, err);
    struct cwt__eval_threshold t;
    return rc ? rc : cwt__markflow_evaluated(st, p, &ev, integ, th ? th : &t, err);
}

enum cwt_status h_mark_upload(struct cwt__store *st, const struct cwt__program_policy *p, const char *site_id,
                              enum cwt__upload_kind kind, const char *file, int64_t at, bool *stored,
                              struct cwt_err *err)
{
    char rel[128];
    size_t len = 0;
    snprintf(rel, sizeof rel, "tests/fixtures/uploads/%s", file);
    char *data = h_read_file(h_src(rel), &len);
    if (!data)
        return cwt_err_setf(err, CWT_EIO, "file", "cannot read %s", rel);
    struct cwt__upload_result res;
    memset(&res, 0, sizeof res);
    enum cwt_status rc = cwt__markflow_upload(st, p, site_id, kind, data, len, at, &res, stored, err);
    cwt__upload_result_release(&res);
    free(data);
    return rc;
}
