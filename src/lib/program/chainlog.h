/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The hash-chained log of mark changes (docs/internals/chainlog.md): each
 * entry carries the SHA-256 of the previous entry, so an edited, inserted,
 * reordered or deleted entry breaks the chain at a place the verifier names.
 * The store persists entries (one row each, every field below); this module
 * seals them and verifies a sequence fed through an iterator, so the same
 * verifier reads the database, an array or an NDJSON export.
 */
#ifndef CWT_PROGRAM_CHAINLOG_H
#define CWT_PROGRAM_CHAINLOG_H

#include <jansson.h>

#include "program/mark.h"

#define CWT__HASH_HEX 65 /* 64 hex digits and a NUL */

struct cwt__log_entry {
    uint64_t seq;             /* 1, 2, 3, ... */
    int64_t at;               /* UTC Unix seconds of the change */
    char site[64];            /* the site's id */
    char from[24], to[24];    /* mark state names */
    char reason[256];         /* why, in plain words */
    char prev[CWT__HASH_HEX]; /* hash of entry seq-1; 64 '0' for the first */
    char hash[CWT__HASH_HEX]; /* SHA-256 of this entry's canonical form, lowercase hex */
};

/*
 * The canonical form hashed (docs/internals/chainlog.md): "cwtap-log-v1\n",
 * then seq, at, site, from, to, reason and prev, each as
 * "<byte length>:<bytes>\n" with integers in decimal.
 */
enum cwt_status cwt__log_entry_canonical(const struct cwt__log_entry *e, char *out, size_t n, size_t *len);

/* Computes e->hash from the other fields into @p hex. */
void cwt__log_entry_digest(const struct cwt__log_entry *e, char hex[CWT__HASH_HEX]);

/*
 * Seals @p e as the successor of @p prev (NULL for the first entry): sets
 * seq, prev and hash. Fields must already hold the change.
 */
void cwt__log_entry_seal(struct cwt__log_entry *e, const struct cwt__log_entry *prev);

/* Fills @p e from a mark change of site @p site (not sealed). */
void cwt__log_entry_from_change(struct cwt__log_entry *e, const char *site, const struct cwt__mark_change *c);

/* The entry as a JSON object (one NDJSON line), and back; errors name the field. */
json_t *cwt__log_entry_to_json(const struct cwt__log_entry *e);
enum cwt_status cwt__log_entry_from_json(json_t *j, struct cwt__log_entry *e, struct cwt_err *err);

/*
 * An entry source: fills *e with the next entry and returns CWT_OK, or
 * returns CWT_ENOTFOUND at the end; any other status is a read error (err set).
 */
typedef enum cwt_status (*cwt__log_next_fn)(void *ud, struct cwt__log_entry *e, struct cwt_err *err);

struct cwt__log_verdict {
    bool ok;
    uint64_t checked;        /* entries read */
    uint64_t bad_seq;        /* seq the break was found at (the entry's own, or the expected one) */
    uint64_t bad_index;      /* 1-based position in the source of the first bad entry, 0 if ok */
    char head[CWT__HASH_HEX];/* hash of the last good entry */
    char why[256];
};

/*
 * Verifies the chain read from @p next: each entry's hash matches its
 * content (else: edited), its seq is one more than the previous (else:
 * inserted, deleted or reordered), its prev is the previous entry's hash
 * (else: the previous entry was edited and re-hashed, or entries were
 * removed or inserted). With @p expect_head (a head published or signed
 * earlier, NULL = none) and @p expect_count, a truncated tail is caught too.
 * Returns CWT_OK when the check ran (see out->ok), or the source's error.
 */
enum cwt_status cwt__log_verify(cwt__log_next_fn next, void *ud, const char *expect_head, uint64_t expect_count,
                                struct cwt__log_verdict *out, struct cwt_err *err);

/* An iterator over an array, for the store's batches and for tests. */
struct cwt__log_array_iter {
    const struct cwt__log_entry *v;
    size_t n, i;
};
enum cwt_status cwt__log_array_next(void *ud, struct cwt__log_entry *e, struct cwt_err *err);

/* An iterator over NDJSON text (an export file), line by line; errors name the line. */
struct cwt__log_ndjson_iter {
    const char *text;
    size_t len, off, line;
};
enum cwt_status cwt__log_ndjson_next(void *ud, struct cwt__log_entry *e, struct cwt_err *err);

#endif
