/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements GET /v1/operator/log: the hash-chained log of mark
 * changes (program/chainlog.h), newest first with keyset pagination, and the
 * verdict of verifying the whole chain (the same check as `cwtap log verify
 * --db`): intact, or the first broken entry. Entries of a broken chain from
 * the first bad one on are flagged "after_break" so the console can mark them.
 */
#include <stdio.h>

#include "server/server.h"
#include "store/store_marks.h"

struct log_page {
    json_t *items;
    uint64_t bad_seq; /* 0: the chain is intact */
};

static enum cwt_status add_entry(void *ud, const struct cwt__log_entry *e)
{
    struct log_page *p = ud;
    json_t *j = cwt__log_entry_to_json(e);
    if (!j)
        return CWT_ENOMEM;
    char at[21];
    cwt_time_format_iso(e->at, at);
    json_object_set_new(j, "at_iso", json_string(at));
    json_object_set_new(j, "after_break", json_boolean(p->bad_seq && e->seq >= p->bad_seq));
    return json_array_append_new(p->items, j) == 0 ? CWT_OK : CWT_ENOMEM;
}

static json_t *verdict_json(const struct cwt__log_verdict *v)
{
    return json_pack("{s:b, s:I, s:s, s:s, s:o, s:o}", "ok", v->ok, "checked", (json_int_t)v->checked, "head",
                     v->head, "message", v->why, "first_bad_seq",
                     v->ok ? json_null() : json_integer((json_int_t)v->bad_seq), "first_bad_position",
                     v->ok ? json_null() : json_integer((json_int_t)v->bad_index));
}

void srv_route_audit_log(struct srv_req *rq, struct srv_resp *rs)
{
    struct cwt__page pg;
    struct cwt__log_verdict v;
    struct cwt_err err;
    int64_t before = 0;
    if (!srv_page(rq, rs, &pg))
        return;
    if (pg.cursor) {
        char id[32];
        if (cwt__cursor_parse(pg.cursor, &before, id, &err) != CWT_OK || strcmp(id, "log") != 0 || before < 1) {
            srv_error(rs, 400, "invalid", "cursor", "malformed cursor (use next_cursor of the previous page)");
            return;
        }
    }
    cwt_err_clear(&err);
    if (cwt__store_log_verify(srv_store(rq->srv), NULL, 0, &v, &err) != CWT_OK) {
        srv_error_from(rs, &err);
        return;
    }
    struct log_page p = {json_array(), v.ok ? 0 : v.bad_seq};
    uint64_t next = 0, total = 0;
    if (!p.items || cwt__store_log_page(srv_store(rq->srv), (uint64_t)before, pg.limit, add_entry, &p, &next, &total,
                                        &err) != CWT_OK) {
        json_decref(p.items);
        srv_error_from(rs, &err);
        return;
    }
    char cur[64] = "";
    if (next)
        cwt__cursor_make((int64_t)next, "log", cur);
    srv_json(rs, 200, json_pack("{s:o, s:s?, s:I, s:o}", "items", p.items, "next_cursor", next ? cur : NULL, "total",
                                (json_int_t)total, "verification", verdict_json(&v)));
}
