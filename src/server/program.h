/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The program's side of the server (route_marks.c, route_operator.c,
 * route_registry.c): the policy in force, and the hot-path snapshot of the
 * registry, the weights and the attestation keys (program_snapshot.c), built
 * from the store, refreshed after a change and when a deadline or a cycle's
 * end passes.
 */
#ifndef CWT_SERVER_PROGRAM_H
#define CWT_SERVER_PROGRAM_H

#include "program/attest.h"
#include "program/cycle.h"
#include "program/markflow.h"
#include "program/weight.h"
#include "store/store_policy.h"
#include "server/server.h"
#include "server/snapshot.h"

struct prog_site {
    char id[CWT__ID_LEN], domain[256], country[8], industry[64], enterprise[256];
    enum cwt__mark_state state;
    int64_t since, green_at, qualified_at, evaluated_at;
    bool has_score, has_threshold, in_pool;
    double score, threshold, weight;
    char grade[8], last_eval_id[CWT__ID_LEN];
    char *modules; /* JSON text or NULL */
};

struct prog_snap {
    struct prog_site *v; /* sorted by id */
    size_t n;
    struct cwt__keyset ks;
    char *keys_json;     /* /.well-known/cwtap-keys.json */
    bool has_cycle;
    struct cwt__cycle cycle;
    struct cwt__program_policy policy; /* the operator's policy in force (store_policy.h) */
    int64_t policy_version;
    int64_t next_change; /* a deadline or the cycle's end: rebuilt then (0: none) */
};

/*
 * The program policy in force, from the snapshot (so at most a second behind
 * a change made by another process; this server's own changes at once).
 */
void srv_program_policy(struct srv_req *rq, struct cwt__program_policy *p);
/* The policy in force read from the store (the seeded defaults when the store cannot answer), for
 * code that runs outside a request or while the program snapshot is being built. */
void srv_program_policy_stored(struct srv *s, struct cwt__program_policy *p);
/* Marks the snapshot stale after a change the registry, the weights or the keys show. */
void srv_program_changed(struct srv *s);
/* The snapshot's builder (set on the server's holder by srv_new). */
enum cwt_status srv_program_snapshot_build(void *ud, void **data, void (**free_data)(void *));
/* The current snapshot (rebuilt when stale or past next_change); NULL on failure. Release with srv_snapshot_release(). */
struct srv_snapshot *srv_program_snapshot(struct srv_req *rq);
/* The site of @p id_or_domain in @p ps, or NULL. */
const struct prog_site *srv_prog_find(const struct prog_snap *ps, const char *id_or_domain);
/* An ISO 8601 UTC string, or JSON null for 0 ("never"). */
json_t *srv_iso_or_null(int64_t t);
/* The mark JSON of the exporter's route (route_marks.c). */
json_t *srv_mark_json(const struct cwt__mark_row *r, const struct cwt__program_policy *p, int64_t now);

#endif
