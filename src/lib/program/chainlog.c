/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the hash-chained log of mark changes: the canonical
 * serialisation (length-prefixed fields, so no field can spill into the next),
 * SHA-256 through libsodium, sealing, the JSON form of an entry (one NDJSON
 * line of an export), and a verifier that reads entries through an iterator
 * and names the first entry where the chain breaks.
 */
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>

#include "program/chainlog.h"

#define MAX_LINE 8192
static const char zero_hash[CWT__HASH_HEX] = "0000000000000000000000000000000000000000000000000000000000000000";

static size_t put(char *out, size_t n, size_t len, const char *s)
{
    size_t sl = strlen(s);
    int w = snprintf(len < n ? out + len : NULL, len < n ? n - len : 0, "%zu:", sl);
    len += (size_t)(w > 0 ? w : 0);
    if (len + sl + 1 <= n)
        memcpy(out + len, s, sl), out[len + sl] = '\n';
    return len + sl + 1;
}

enum cwt_status cwt__log_entry_canonical(const struct cwt__log_entry *e, char *out, size_t n, size_t *len)
{
    char seq[24], at[24];
    snprintf(seq, sizeof seq, "%" PRIu64, e->seq);
    snprintf(at, sizeof at, "%" PRId64, e->at);
    const char *magic = "cwtap-log-v1\n";
    size_t l = strlen(magic);
    if (l <= n)
        memcpy(out, magic, l);
    const char *fields[] = {seq, at, e->site, e->from, e->to, e->reason, e->prev};
    for (size_t i = 0; i < CWT_ARRAY_LEN(fields); i++)
        l = put(out, n, l, fields[i]);
    *len = l;
    return l <= n ? CWT_OK : CWT_ETOOBIG;
}

void cwt__log_entry_digest(const struct cwt__log_entry *e, char hex[CWT__HASH_HEX])
{
    char buf[1024];
    size_t len;
    unsigned char h[crypto_hash_sha256_BYTES];
    /* Fields are bounded by the struct, so the form always fits. */
    enum cwt_status rc = cwt__log_entry_canonical(e, buf, sizeof buf, &len);
    assert(rc == CWT_OK);
    CWT_UNUSED(rc);
    crypto_hash_sha256(h, (const unsigned char *)buf, len);
    sodium_bin2hex(hex, CWT__HASH_HEX, h, sizeof h);
}

void cwt__log_entry_seal(struct cwt__log_entry *e, const struct cwt__log_entry *prev)
{
    e->seq = prev ? prev->seq + 1 : 1;
    memcpy(e->prev, prev ? prev->hash : zero_hash, CWT__HASH_HEX);
    cwt__log_entry_digest(e, e->hash);
}

void cwt__log_entry_from_change(struct cwt__log_entry *e, const char *site, const struct cwt__mark_change *c)
{
    memset(e, 0, sizeof *e);
    e->at = c->at;
    snprintf(e->site, sizeof e->site, "%s", site);
    snprintf(e->from, sizeof e->from, "%s", cwt__mark_state_name(c->from));
    snprintf(e->to, sizeof e->to, "%s", cwt__mark_state_name(c->to));
    snprintf(e->reason, sizeof e->reason, "%s", c->reason);
}

json_t *cwt__log_entry_to_json(const struct cwt__log_entry *e)
{
    return json_pack("{s:I,s:I,s:s,s:s,s:s,s:s,s:s,s:s}", "seq", (json_int_t)e->seq, "at", (json_int_t)e->at, "site",
                     e->site, "from", e->from, "to", e->to, "reason", e->reason, "prev", e->prev, "hash", e->hash);
}

static bool get_str(json_t *j, const char *key, char *dst, size_t n)
{
    json_t *v = json_object_get(j, key);
    if (!json_is_string(v) || json_string_length(v) >= n || strlen(json_string_value(v)) != json_string_length(v))
        return false;
    memcpy(dst, json_string_value(v), json_string_length(v) + 1);
    return true;
}

static bool is_hex64(const char *s)
{
    if (strlen(s) != 64)
        return false;
    for (; *s; s++)
        if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
            return false;
    return true;
}

enum cwt_status cwt__log_entry_from_json(json_t *j, struct cwt__log_entry *e, struct cwt_err *err)
{
    static const struct {
        const char *key;
        size_t off, size;
    } strs[] = {
        {"site", offsetof(struct cwt__log_entry, site), sizeof e->site},
        {"from", offsetof(struct cwt__log_entry, from), sizeof e->from},
        {"to", offsetof(struct cwt__log_entry, to), sizeof e->to},
        {"reason", offsetof(struct cwt__log_entry, reason), sizeof e->reason},
        {"prev", offsetof(struct cwt__log_entry, prev), sizeof e->prev},
        {"hash", offsetof(struct cwt__log_entry, hash), sizeof e->hash},
    };
    memset(e, 0, sizeof *e);
    if (!json_is_object(j))
        return cwt_err_setf(err, CWT_EPARSE, "entry", "an entry must be a JSON object");
    json_t *seq = json_object_get(j, "seq"), *at = json_object_get(j, "at");
    if (!json_is_integer(seq) || json_integer_value(seq) < 1)
        return cwt_err_setf(err, CWT_EPARSE, "seq", "seq must be an integer from 1");
    if (!json_is_integer(at))
        return cwt_err_setf(err, CWT_EPARSE, "at", "at must be an integer (Unix seconds)");
    e->seq = (uint64_t)json_integer_value(seq);
    e->at = json_integer_value(at);
    for (size_t i = 0; i < CWT_ARRAY_LEN(strs); i++)
        if (!get_str(j, strs[i].key, (char *)e + strs[i].off, strs[i].size))
            return cwt_err_setf(err, CWT_EPARSE, strs[i].key, "%s must be a string shorter than %zu bytes",
                                strs[i].key, strs[i].size);
    if (!is_hex64(e->prev) || !is_hex64(e->hash))
        return cwt_err_setf(err, CWT_EPARSE, "hash", "prev and hash must be 64 lowercase hex digits");
    return CWT_OK;
}

enum cwt_status cwt__log_array_next(void *ud, struct cwt__log_entry *e, struct cwt_err *err)
{
    struct cwt__log_array_iter *it = ud;
    CWT_UNUSED(err);
    if (it->i >= it->n)
        return CWT_ENOTFOUND;
    *e = it->v[it->i++];
    return CWT_OK;
}

enum cwt_status cwt__log_ndjson_next(void *ud, struct cwt__log_entry *e, struct cwt_err *err)
{
    struct cwt__log_ndjson_iter *it = ud;
    for (;;) {
        if (it->off >= it->len)
            return CWT_ENOTFOUND;
        const char *s = it->text + it->off;
        const char *nl = memchr(s, '\n', it->len - it->off);
        size_t l = nl ? (size_t)(nl - s) : it->len - it->off;
        it->off += l + (nl ? 1 : 0);
        it->line++;
        if (l && s[l - 1] == '\r')
            l--;
        size_t k = 0;
        while (k < l && (s[k] == ' ' || s[k] == '\t'))
            k++;
        if (k == l)
            continue; /* blank line */
        char f[32];
        snprintf(f, sizeof f, "line %zu", it->line);
        if (l > MAX_LINE)
            return cwt_err_setf(err, CWT_ETOOBIG, f, "line %zu is longer than %d bytes", it->line, MAX_LINE);
        json_error_t jerr;
        json_t *j = json_loadb(s, l, JSON_REJECT_DUPLICATES, &jerr);
        if (!j && json_error_code(&jerr) == json_error_out_of_memory)
            return cwt_err_set(err, CWT_ENOMEM, "out of memory");
        if (!j)
            return cwt_err_setf(err, CWT_EPARSE, f, "line %zu: %s", it->line, jerr.text);
        struct cwt_err e2;
        cwt_err_clear(&e2);
        enum cwt_status rc = cwt__log_entry_from_json(j, e, &e2);
        json_decref(j);
        if (rc)
            return cwt_err_setf(err, rc, f, "line %zu: %s", it->line, e2.msg);
        return CWT_OK;
    }
}

enum cwt_status cwt__log_verify(cwt__log_next_fn next, void *ud, const char *expect_head, uint64_t expect_count,
                                struct cwt__log_verdict *out, struct cwt_err *err)
{
    struct cwt__log_entry e, prev;
    bool have_prev = false;
    char hex[CWT__HASH_HEX], at_count[CWT__HASH_HEX] = "";
    memset(out, 0, sizeof *out);
    memcpy(out->head, zero_hash, CWT__HASH_HEX);
    if (sodium_init() < 0)
        return cwt_err_set(err, CWT_EINTERNAL, "libsodium cannot be initialised");
    for (;;) {
        enum cwt_status rc = next(ud, &e, err);
        if (rc == CWT_ENOTFOUND)
            break;
        if (rc)
            return rc;
        out->checked++;
        uint64_t want_seq = have_prev ? prev.seq + 1 : 1;
        cwt__log_entry_digest(&e, hex);
        if (strcmp(hex, e.hash) != 0) {
            out->bad_seq = e.seq;
            snprintf(out->why, sizeof out->why,
                     "entry %" PRIu64 " (position %" PRIu64 ") was edited: its content does not match its hash", e.seq,
                     out->checked);
        } else if (e.seq != want_seq) {
            out->bad_seq = e.seq;
            snprintf(out->why, sizeof out->why,
                     "entry %" PRIu64 " (position %" PRIu64 ") follows entry %" PRIu64
                     ": entries were deleted, inserted or reordered",
                     e.seq, out->checked, have_prev ? prev.seq : 0);
        } else if (strcmp(e.prev, have_prev ? prev.hash : zero_hash) != 0) {
            out->bad_seq = e.seq;
            snprintf(out->why, sizeof out->why,
                     "entry %" PRIu64 " (position %" PRIu64 ") does not chain to the entry before it: that entry was "
                     "altered and re-hashed, or entries were replaced",
                     e.seq, out->checked);
        } else {
            prev = e;
            have_prev = true;
            if (e.seq == expect_count)
                memcpy(at_count, e.hash, CWT__HASH_HEX);
            memcpy(out->head, e.hash, CWT__HASH_HEX);
            continue;
        }
        out->bad_index = out->checked;
        return CWT_OK;
    }
    if (expect_head && *expect_head) {
        uint64_t n = have_prev ? prev.seq : 0;
        if (n < expect_count) {
            out->bad_seq = n + 1;
            out->bad_index = out->checked + 1;
            snprintf(out->why, sizeof out->why,
                     "the log ends at entry %" PRIu64 " but the published head is entry %" PRIu64
                     ": entries were deleted from the end",
                     n, expect_count);
            return CWT_OK;
        }
        if (strcmp(at_count, expect_head) != 0) {
            out->bad_seq = expect_count;
            out->bad_index = expect_count;
            snprintf(out->why, sizeof out->why,
                     "entry %" PRIu64 " does not have the published head hash: the log was rewritten", expect_count);
            return CWT_OK;
        }
    }
    out->ok = true;
    snprintf(out->why, sizeof out->why, "%" PRIu64 " entries chain correctly", out->checked);
    return CWT_OK;
}
