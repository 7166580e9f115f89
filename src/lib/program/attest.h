/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Attestations (docs/internals/attest.md): compact tokens signed with Ed25519
 * that let a platform or a procurement portal verify a site's mark offline,
 * and the key set that signs them, with rotation (one active key, retired
 * public keys kept for verification) published as /.well-known/cwtap-keys.json.
 *
 * token = base64url(payload JSON) "." base64url(Ed25519 signature of the
 * first segment's ASCII bytes), no padding. The payload holds v, kid, site,
 * domain, mark, score, cycle, iat and exp.
 */
#ifndef CWT_PROGRAM_ATTEST_H
#define CWT_PROGRAM_ATTEST_H

#include "util/common.h"

#define CWT__TOKEN_MAX 4096 /* bytes of a token, longer ones are refused unread */
#define CWT__KEYSET_MAX 64

struct cwt__key {
    char kid[24];              /* base64url of the first 9 bytes of SHA-256(public key) */
    unsigned char pk[32];
    unsigned char seed[32];    /* the secret; only when has_secret */
    bool has_secret;
    int64_t created;
    int64_t retired;           /* 0 = the active key */
};

struct cwt__keyset {
    struct cwt__key *v;
    size_t n, cap;
};

void cwt__keyset_init(struct cwt__keyset *ks);
/* Wipes secrets and frees. */
void cwt__keyset_release(struct cwt__keyset *ks);

/*
 * Rotation: makes a new active key created at @p at (from @p seed when not
 * NULL, for tests; else random), retires the previous active key at @p at and
 * wipes its secret. CWT_ETOOBIG past CWT__KEYSET_MAX keys (prune first).
 */
enum cwt_status cwt__keyset_rotate(struct cwt__keyset *ks, int64_t at, const unsigned char *seed,
                                   struct cwt_err *err);
/* Drops retired keys retired before @p before (tokens they signed have all expired). */
void cwt__keyset_prune(struct cwt__keyset *ks, int64_t before);
/* The active key (it has a secret), or NULL. */
const struct cwt__key *cwt__keyset_active(const struct cwt__keyset *ks);
const struct cwt__key *cwt__keyset_find(const struct cwt__keyset *ks, const char *kid);

/*
 * Renders the key set as JSON (caller frees with cwt_free()): the public
 * document of /.well-known/cwtap-keys.json when @p with_secrets is false, else
 * the operator's private file (adds "d", the Ed25519 seed, for keys that have it).
 */
enum cwt_status cwt__keyset_to_json(const struct cwt__keyset *ks, bool with_secrets, char **out,
                                    struct cwt_err *err);
/* Loads a document of cwt__keyset_to_json() into an empty @p ks; errors name the key and field. */
enum cwt_status cwt__keyset_from_json(struct cwt__keyset *ks, const char *text, size_t len, struct cwt_err *err);

struct cwt__attestation {
    char kid[24];
    char site[64];
    char domain[256];
    char mark[24];   /* a mark state name, e.g. "green" */
    double score;
    char cycle[32];
    int64_t iat, exp;
};

/*
 * Signs @p a with the active key (a->kid is set to it; a->iat and a->exp are
 * the caller's). *token is caller-freed with cwt_free().
 */
enum cwt_status cwt__attest_sign(const struct cwt__keyset *ks, struct cwt__attestation *a, char **token,
                                 struct cwt_err *err);

enum cwt__verdict {
    CWT__ATT_VALID = 0,
    CWT__ATT_EXPIRED,      /* signature good, now >= exp */
    CWT__ATT_NOT_YET,      /* signature good, iat later than now + skew */
    CWT__ATT_BAD_SIGNATURE,/* the signature does not match (tampered, or the wrong key) */
    CWT__ATT_UNKNOWN_KEY,  /* no key with the token's kid */
    CWT__ATT_KEY_RETIRED,  /* issued after its key was retired */
    CWT__ATT_MALFORMED,    /* not a token */
};
const char *cwt__verdict_name(enum cwt__verdict v);

/*
 * Verifies @p token at @p now with clock skew @p skew. Returns CWT_OK when the
 * check ran: *verdict says what it found, err->msg why when not valid, and
 * @p out holds the payload whenever it could be decoded (also when the
 * signature is bad: show it, never trust it). CWT_ENOMEM otherwise.
 */
enum cwt_status cwt__attest_verify(const struct cwt__keyset *ks, const char *token, size_t len, int64_t now,
                                   int64_t skew, struct cwt__attestation *out, enum cwt__verdict *verdict,
                                   struct cwt_err *err);

#endif
