/* SPDX-License-Identifier: Apache-2.0 */
/* Seeding a store through the program's own steps (hseed.h). */
#include <stdio.h>
#include <stdlib.h>

#include <sodium.h>

#include "hseed.h"
#include "program/integration.h"
#include "program/markflow.h"
#include "store/store_records.h"

#define die(...) (fprintf(stderr, "hseed: " __VA_ARGS__), fputc('\n', stderr), exit(99))

void hseed_account(struct cwt__store *st, const char *name, const char *kind, const char *country, const char *email,
                   const char *password, int64_t at, char ent[32])
{
    struct cwt__enterprise e = {0};
    struct cwt__user u = {0};
    struct cwt_err err;
    snprintf(e.name, sizeof e.name, "%s", name);
    snprintf(e.kind, sizeof e.kind, "%s", kind);
    snprintf(e.country, sizeof e.country, "%s", country ? country : "");
    snprintf(u.email, sizeof u.email, "%s", email);
    e.created_at = u.created_at = at;
    if (sodium_init() < 0 || crypto_pwhash_str(u.password_hash, password, strlen(password), 1, 8192) != 0)
        die("cannot hash the password of %s", email);
    if (cwt__store_signup(st, &e, &u, &err) != CWT_OK)
        die("account %s: %s", email, err.msg);
    snprintf(ent, 32, "%s", e.id);
}

void hseed_site(struct cwt__store *st, const char *ent, const char *domain, const char *industry, int64_t at,
                char id[32])
{
    struct cwt__site s = {0};
    struct cwt_err err;
    cwt__store_new_id("s_", s.id);
    snprintf(s.enterprise_id, sizeof s.enterprise_id, "%s", ent);
    snprintf(s.domain, sizeof s.domain, "%s", domain);
    snprintf(s.registrable, sizeof s.registrable, "%s", domain);
    snprintf(s.url, sizeof s.url, "http://%s/", domain);
    snprintf(s.token, sizeof s.token, "tok-%s", s.id);
    s.active = true;
    s.created_at = at;
    if (cwt__store_site_create(st, &s, &err) != CWT_OK ||
        cwt__store_site_set_verified(st, ent, s.id, "dns", at, &err) != CWT_OK ||
        (industry && cwt__store_site_set_industry(st, ent, s.id, industry, &err) != CWT_OK))
        die("site %s: %s", domain, err.msg);
    snprintf(id, 32, "%s", s.id);
}

void hseed_evaluate(struct cwt__store *st, const char *site, int64_t at, const json_t *report, double total,
                    const char *grade, const char *model_version, bool integrated, char eval_id[32])
{
    struct cwt__evaluation ev = {0};
    struct cwt_err err;
    cwt__store_new_id("v_", ev.id);
    snprintf(ev.site_id, sizeof ev.site_id, "%s", site);
    ev.at = at;
    snprintf(ev.model_version, sizeof ev.model_version, "%s", model_version);
    ev.total = total;
    snprintf(ev.grade, sizeof ev.grade, "%s", grade);
    char minimal[256];
    snprintf(minimal, sizeof minimal, "{\"total\":%g,\"modules\":{\"basic\":{\"score\":%g},\"operational\":{\"score\":"
             "%g},\"content\":{\"score\":%g}}}", total, total, total, total);
    char *text = report ? json_dumps(report, JSON_COMPACT) : NULL;
    ev.report = text ? text : minimal;
    struct cwt__program_policy p;
    struct cwt__eval_threshold th;
    cwt__program_policy_default(&p);
    if (cwt__store_eval_insert(st, &ev, &err) != CWT_OK ||
        cwt__markflow_evaluated(st, &p, &ev, integrated ? CWT__INTEG_FOUND : CWT__INTEG_ABSENT, &th, &err) != CWT_OK)
        die("evaluation of %s: %s", site, err.msg);
    free(text);
    if (eval_id)
        snprintf(eval_id, 32, "%s", ev.id);
}
