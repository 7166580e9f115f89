/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the tls layer's trust stores, loaded once per process
 * and shared (an X509_STORE is safe to verify against from several threads;
 * each holder keeps its own reference): the inspection's store (a CA file, or
 * OpenSSL's default paths), and the store libcurl verifies a fetch's
 * connections against (fetch.c hands it to libcurl's SSL_CTX). libcurl 7.88
 * parses its CA bundle into a new store for every connection it verifies
 * (28 ms of CPU for Debian's 144 certificates, the RDAP look-ups of every
 * audited site among them); parsing the system bundle for every site had
 * likewise been most of the TLS inspection's CPU. A store is read again when
 * its file changes (path, inode, size or modification time).
 */
#include <openssl/err.h>
#include <openssl/x509.h>
#include <pthread.h>
#include <string.h>

#include "tls/tls.h"
#include "tls/tls_internal.h"
#include "util/fileid.h"

#define STORE_CACHE 8
struct store_slot {
    bool verify; /* libcurl's verification store (file and dir as libcurl reads them), else the inspection's */
    char *path;  /* the CA file; NULL: the system default paths (the inspection's only) */
    char *dir;   /* the CA directory of a verification store, or NULL */
    struct cwt__fileid id;
    X509_STORE *store;
};
static struct store_slot store_cache[STORE_CACHE];
static size_t store_next;
static pthread_mutex_t store_lock = PTHREAD_MUTEX_INITIALIZER;

static bool same_str(const char *a, const char *b)
{
    return a && b ? strcmp(a, b) == 0 : a == b;
}

/* The cached store of that key, up-referenced, or NULL. The caller holds store_lock (and keeps it
 * while it loads a missing store: threads starting together wait for one load, not load one each). */
static X509_STORE *cache_find(bool verify, const char *path, const char *dir, const struct cwt__fileid *id)
{
    X509_STORE *found = NULL;
    for (size_t i = 0; i < STORE_CACHE && !found; i++) {
        struct store_slot *s = &store_cache[i];
        if (s->store && s->verify == verify && same_str(s->path, path) && same_str(s->dir, dir) &&
            cwt__fileid_same(&s->id, id) && X509_STORE_up_ref(s->store) == 1)
            found = s->store;
    }
    return found;
}

/* Keeps a reference to @p st under that key (nothing when out of memory: the next caller loads
 * again). The caller holds store_lock. */
static void cache_put(bool verify, const char *path, const char *dir, const struct cwt__fileid *id, X509_STORE *st)
{
    char *p = path ? cwt_strdup(path) : NULL, *d = dir ? cwt_strdup(dir) : NULL;
    if ((path && !p) || (dir && !d) || X509_STORE_up_ref(st) != 1) {
        cwt_free(p);
        cwt_free(d);
        return;
    }
    struct store_slot *s = &store_cache[store_next++ % STORE_CACHE];
    X509_STORE_free(s->store); /* the cache's reference; holders keep theirs */
    cwt_free(s->path);
    cwt_free(s->dir);
    *s = (struct store_slot){.verify = verify, .path = p, .dir = d, .id = *id, .store = st};
}

/* OpenSSL's default paths as X509_STORE_set_default_paths() sets them, less its third lookup: the
 * bundle file and the hashed directory (SSL_CERT_FILE and SSL_CERT_DIR still override them), not
 * the OSSL_STORE lookup that OpenSSL 3.0 adds over the same directory. That one finds nothing the
 * hashed directory does not, but every issuer not in memory (the intermediate of nearly every site,
 * looked for in the store first, and any unknown root) made it open and read the whole directory
 * (290 entries on Debian): 1.5% of an audit's CPU with the system store (bench/crawl,
 * BENCH_CRAWL_SYSTEM_CA=1). Like set_default_paths, a file or directory that cannot be read is not
 * an error (1), only a failed allocation (0). */
static int store_default_paths(X509_STORE *st)
{
    X509_LOOKUP *file = X509_STORE_add_lookup(st, X509_LOOKUP_file());
    if (!file)
        return 0;
    (void)X509_LOOKUP_load_file(file, NULL, X509_FILETYPE_DEFAULT);
    X509_LOOKUP *dir = X509_STORE_add_lookup(st, X509_LOOKUP_hash_dir());
    if (!dir)
        return 0;
    (void)X509_LOOKUP_add_dir(dir, NULL, X509_FILETYPE_DEFAULT);
    ERR_clear_error();
    return 1;
}

static enum cwt_status store_new(const struct cwt__tls_opts *opts, X509_STORE **out, struct cwt_err *err)
{
    *out = NULL;
    X509_STORE *st = X509_STORE_new();
    if (!st)
        return CWT_ENOMEM;
    int ok = opts && opts->ca_file ? X509_STORE_load_file(st, opts->ca_file) : store_default_paths(st);
    if (ok != 1) {
        unsigned long e = ERR_peek_last_error();
        char why[256];
        ERR_error_string_n(e, why, sizeof why);
        ERR_clear_error();
        X509_STORE_free(st);
        if (opts && opts->ca_file)
            return cwt_err_setf(err, CWT_EINVAL, "ca_file", "cannot load CA file '%s': %s", opts->ca_file, why);
        return cwt_err_set(err, CWT_EINVAL, "cannot load the system trust store: %s", why);
    }
    *out = st;
    return CWT_OK;
}

enum cwt_status cwt__tls_store_load(const struct cwt__tls_opts *opts, X509_STORE **out, struct cwt_err *err)
{
    const char *path = opts && opts->ca_file ? opts->ca_file : NULL;
    struct cwt__fileid id = cwt__fileid_of(path ? path : X509_get_default_cert_file());
    enum cwt_status rc = CWT_OK;
    pthread_mutex_lock(&store_lock);
    if (!(*out = cache_find(false, path, NULL, &id)) && (rc = store_new(opts, out, err)) == CWT_OK)
        cache_put(false, path, NULL, &id, *out);
    pthread_mutex_unlock(&store_lock);
    return rc;
}

void *cwt__tls_verify_store(const char *ca_file, const char *ca_dir)
{
    if (!ca_file && !ca_dir)
        return NULL;
    struct cwt__fileid id = ca_file ? cwt__fileid_of(ca_file) : (struct cwt__fileid){0};
    pthread_mutex_lock(&store_lock);
    X509_STORE *st = cache_find(true, ca_file, ca_dir, &id);
    if (st) {
        pthread_mutex_unlock(&store_lock);
        return st;
    }
    /* as libcurl 7.88's populate_x509_store() fills a connection's store when it verifies: the
     * file (an error when it cannot be read), the directory's hashed lookup, trusted issuers
     * first, and certificates of the store taken as anchors even when not self-signed */
    if (!(st = X509_STORE_new()) || (ca_file && X509_STORE_load_file(st, ca_file) != 1) ||
        (ca_dir && X509_STORE_load_path(st, ca_dir) != 1) ||
        X509_STORE_set_flags(st, X509_V_FLAG_TRUSTED_FIRST | X509_V_FLAG_PARTIAL_CHAIN) != 1) {
        pthread_mutex_unlock(&store_lock);
        X509_STORE_free(st);
        ERR_clear_error();
        return NULL;
    }
    cache_put(true, ca_file, ca_dir, &id, st);
    pthread_mutex_unlock(&store_lock);
    return st;
}

void cwt__tls_verify_store_free(void *store)
{
    X509_STORE_free(store);
}

bool cwt__tls_verify_store_use(void *ssl_ctx, void *store)
{
    if (!ssl_ctx || !store)
        return false;
    SSL_CTX_set1_cert_store(ssl_ctx, store); /* up-references it */
    return true;
}
