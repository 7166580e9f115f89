/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The badge service (route_badge.c, hot.c, origin.c): which page asks
 * (Origin, else Referer), whether that page's registrable domain is the one
 * the mark was issued to, and the snapshot of every site's badge with its
 * responses built in advance (docs/internals/badge.md).
 */
#ifndef CWT_BADGE_H
#define CWT_BADGE_H

#include "program/mark.h"
#include "server/server.h"
#include "server/snapshot.h"

/*
 * The host of the page that sent @p value, an Origin header ("https://a.b:8443")
 * or, with @p is_referer, a Referer URL ("https://a.b/p?q"). Only http and
 * https with a DNS host name (letters, digits, '-', '.'; no user info, no IP
 * literal in brackets) are accepted; the host is lowercased into @p host
 * without a final dot. False for anything else (including "null").
 */
bool srv_origin_host(const char *value, bool is_referer, char host[static 256]);

/*
 * The registrable domain of @p host by the Public Suffix List @p psl
 * (psl_ctx_t; NULL when @p host is a suffix itself or not a name).
 * Points into @p host: nothing is allocated.
 */
const char *srv_origin_registrable(const void *psl, const char *host);

/*
 * Whether @p path is one a shop's page views make (GET /v1/badge/{site},
 * /sdk/..., /registry/{site}): those are rate limited in their own bucket
 * (srv_config.rate_badge), not the API's.
 */
bool srv_badge_path(const char *path);

/* One site's badge in the snapshot: what it shows and its two answers. */
struct srv_badge {
    char id[CWT__ID_LEN];
    char domain[256];
    char registrable[256];
    char state[24];      /* "green" or the mark's state name ("none" before any) */
    char grade[4];
    int64_t since;       /* when the state began (0: unknown) */
    /* The JSON answer and its ETag, [0] for another origin, [1] for the mark's own. */
    char *body[2];
    size_t len[2];
    char etag[2][40];
};

/* The snapshot's data (hot.c): badges sorted by id. */
struct srv_hot {
    struct srv_badge *badges;
    size_t n;
    int64_t next_change; /* the earliest instant a shown mark changes by itself (an upload window's end), 0: none */
};

/* Upper bound of sites a snapshot holds. */
#define SRV_HOT_MAX_SITES 1000000

/* The badge of @p id, or NULL (binary search). */
const struct srv_badge *srv_hot_find(const struct srv_hot *h, const char *id);

/*
 * Reads every site of @p st with its row of the program's mark table as of
 * @p now (a passed upload window counts as applied: the state machine's clock,
 * in memory) and precomputes the answers, verify URLs under @p public_base.
 * Green only in the states cwt__mark_shows_green() names, and only for a
 * verified, active site.
 */
enum cwt_status srv_hot_load(struct cwt__store *st, const struct cwt__program_policy *policy,
                             const char *public_base, int64_t now, struct srv_hot **out, struct cwt_err *err);
/* The snapshot builder (srv_snapshot_build_fn) over the server @p ud: srv_hot_load() of its store. */
enum cwt_status srv_hot_build(void *ud, void **data, void (**free_data)(void *));
void srv_hot_free(void *data);
/*
 * The current badge snapshot of @p s (release it), rebuilt first when its
 * next_change has passed at @p now.
 */
struct srv_snapshot *srv_hot_acquire(struct srv *s, int64_t now);

/* One site's mark as the badge needs it; filled by a mark source (hot.c). */
struct srv_mark_row {
    const char *id, *domain, *registrable;
    const char *state;   /* mark state name */
    bool green;          /* the state shows the green mark */
    const char *grade;
    int64_t since;
};

/*
 * Builds @p b (its answers included) from @p m; verify URLs start with
 * @p public_base. CWT_ENOMEM on allocation failure (b is then released).
 */
enum cwt_status srv_badge_fill(struct srv_badge *b, const struct srv_mark_row *m, const char *public_base);
void srv_badge_release(struct srv_badge *b);

#endif
