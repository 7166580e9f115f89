/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz target of the badge's Origin/Referer parser (srv_origin_host) and the
 * registrable-domain look-up behind it. The first byte picks Origin or
 * Referer; the rest is the header value. Invariants: an accepted value gives
 * a non-empty host of at most 253 bytes made of [a-z0-9.-] only, which the
 * value starts with after its scheme (case aside); its registrable domain,
 * when there is one, is a suffix of the host.
 */
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include <libpsl.h>

#include "server/badge.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 4096)
        return 0;
    char *v = malloc(size);
    if (!v)
        return 0;
    memcpy(v, data + 1, size - 1);
    v[size - 1] = '\0';
    char host[256];
    if (srv_origin_host(v, data[0] & 1, host)) {
        size_t n = strlen(host);
        if (n == 0 || n > 253)
            abort();
        for (size_t i = 0; i < n; i++)
            if (!((host[i] >= 'a' && host[i] <= 'z') || (host[i] >= '0' && host[i] <= '9') || host[i] == '-' ||
                  host[i] == '.'))
                abort();
        const char *after = strstr(v, "://");
        if (!after || strncasecmp(after + 3, host, n) != 0)
            abort();
        const char *reg = srv_origin_registrable(psl_builtin(), host);
        if (reg && (strlen(reg) > n || strcmp(host + n - strlen(reg), reg) != 0))
            abort();
    }
    free(v);
    return 0;
}
