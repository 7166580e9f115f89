/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz target of the API's request-body validation (srv_body_parse) and the
 * other parsers a client reaches before any handler runs: pagination cursors,
 * the <meta> ownership tag scan and the registered domain's normalisation
 * (an accepted domain is lowercase letters, digits, hyphens and dots, and its
 * URL starts with http(s)://HOST). The first byte picks a route's field
 * spec; the rest is the body. Invariants: an accepted body is an object that
 * holds only declared fields of their declared types; a refusal has a message.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpsl.h>

#include "server/server.h"
#include "server/site.h"

static const struct srv_field signup[] = {
    {"enterprise_name", SRV_F_STRING, true, 200}, {"email", SRV_F_STRING, true, 254},
    {"password", SRV_F_STRING, true, 1024}, {"country", SRV_F_STRING, false, 2}, {"kind", SRV_F_STRING, false, 16},
};
static const struct srv_field keys[] = {
    {"name", SRV_F_STRING, true, 100}, {"scopes", SRV_F_STRLIST, true, 4},
};
static const struct srv_field mixed[] = {
    {"n", SRV_F_INT, false, 0}, {"b", SRV_F_BOOL, true, 0}, {"s", SRV_F_STRING, false, 8},
};
static const struct {
    const struct srv_field *f;
    size_t n;
} specs[] = {{signup, 5}, {keys, 2}, {mixed, 3}, {NULL, 0}};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t which = data[0] % (sizeof specs / sizeof specs[0]);
    const char *body = (const char *)data + 1;
    size_t len = size - 1;
    json_t *out = NULL;
    struct cwt_err err;
    cwt_err_clear(&err);
    enum cwt_status rc = srv_body_parse(body, len, specs[which].f, specs[which].n, &out, &err);
    if (rc == CWT_OK) {
        if (!json_is_object(out))
            abort();
        const char *key;
        json_t *v;
        json_object_foreach(out, key, v) {
            bool known = false;
            for (size_t i = 0; i < specs[which].n; i++)
                known |= strcmp(specs[which].f[i].name, key) == 0;
            if (!known)
                abort();
        }
        json_decref(out);
    } else if (out || !err.msg[0]) {
        abort();
    }
    /* The same bytes as a cursor and as a page with meta tags. */
    char *text = malloc(len + 1);
    if (!text)
        return 0;
    memcpy(text, body, len);
    text[len] = '\0';
    int64_t k;
    char id[32];
    if (cwt__cursor_parse(text, &k, id, &err) == CWT_OK && (k < 0 || strlen(id) >= 32))
        abort();
    (void)srv_html_has_meta_token(text, "TOKEN");
    struct srv_site_name nm;
    if (srv_domain_normalize(psl_builtin(), text, &nm, &err) == CWT_OK) {
        char want[300];
        if (strspn(nm.host, "abcdefghijklmnopqrstuvwxyz0123456789-.") != strlen(nm.host) || !nm.registrable[0])
            abort();
        snprintf(want, sizeof want, "://%s", nm.host);
        const char *sep = strstr(nm.url, "://");
        if (!sep || strncmp(sep, want, strlen(want)) != 0 || (strncmp(nm.url, "https://", 8) != 0 &&
                                                             strncmp(nm.url, "http://", 7) != 0))
            abort();
    } else if (strcmp(err.field, "domain") != 0) {
        abort();
    }
    free(text);
    return 0;
}
