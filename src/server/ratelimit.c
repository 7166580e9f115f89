/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the in-memory token buckets behind the API's rate
 * limits: a fixed-size open-addressing table of buckets keyed by a hash of
 * "ip:ADDR" or "caller:ID", refilled continuously at the configured rate up
 * to the burst. The table never grows: when a probe run is full, the bucket
 * idle longest in the run is reused (it was full anyway, or nearly).
 */
#include <math.h>
#include <pthread.h>

#include <sodium.h>

#include "server/server.h"

#define PROBES 8

struct bucket {
    uint64_t key;      /* 0: empty */
    double tokens;
    int64_t at_us;     /* last refill */
};

struct srv_ratelimit {
    pthread_mutex_t mu;
    struct bucket *b;
    size_t n;
    unsigned char hkey[crypto_shorthash_KEYBYTES];
};

struct srv_ratelimit *srv_ratelimit_new(size_t slots)
{
    struct srv_ratelimit *rl = CWT_NEW(struct srv_ratelimit);
    if (!rl)
        return NULL;
    rl->n = slots < 16 ? 16 : slots;
    rl->b = cwt_calloc(rl->n, sizeof *rl->b);
    if (!rl->b) {
        cwt_free(rl);
        return NULL;
    }
    crypto_shorthash_keygen(rl->hkey); /* keyed, so clients cannot aim collisions at a victim's bucket */
    pthread_mutex_init(&rl->mu, NULL);
    return rl;
}

void srv_ratelimit_free(struct srv_ratelimit *rl)
{
    if (!rl)
        return;
    pthread_mutex_destroy(&rl->mu);
    cwt_free(rl->b);
    cwt_free(rl);
}

bool srv_ratelimit_take(struct srv_ratelimit *rl, const char *key, double rate, double burst, int64_t now_us,
                        int *retry_after_s)
{
    unsigned char h[crypto_shorthash_BYTES];
    crypto_shorthash(h, (const unsigned char *)key, strlen(key), rl->hkey);
    uint64_t k = 0;
    memcpy(&k, h, sizeof k);
    k |= 1; /* never 0 */
    bool ok;
    pthread_mutex_lock(&rl->mu);
    struct bucket *b = NULL, *oldest = NULL;
    for (size_t i = 0; i < PROBES; i++) {
        struct bucket *c = &rl->b[(k + i) % rl->n];
        if (c->key == k) {
            b = c;
            break;
        }
        if (!oldest || c->key == 0 || (oldest->key != 0 && c->at_us < oldest->at_us))
            oldest = (oldest && oldest->key == 0) ? oldest : c;
    }
    if (!b) {
        b = oldest;
        b->key = k;
        b->tokens = burst;
        b->at_us = now_us;
    }
    double dt = (double)(now_us - b->at_us) / 1e6;
    if (dt > 0) {
        b->tokens = fmin(burst, b->tokens + dt * rate);
        b->at_us = now_us;
    }
    if (b->tokens >= 1.0) {
        b->tokens -= 1.0;
        ok = true;
    } else {
        ok = false;
        if (retry_after_s)
            *retry_after_s = (int)ceil((1.0 - b->tokens) / rate);
    }
    pthread_mutex_unlock(&rl->mu);
    return ok;
}
