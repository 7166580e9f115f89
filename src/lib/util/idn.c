/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements host name conversion to A-labels with libidn2, so
 * that certificate names, URLs and registries are compared in one form.
 * ASCII names are lowercased; those holding an A-label ("xn--...") are also
 * checked by libidn2 with the same rules as U-labels (non-transitional, then
 * transitional as browsers do), so an invalid A-label ("xn--zz") is refused
 * and a name gets the same verdict in either form.
 */
#include <ctype.h>
#include <idn2.h>
#include <stdlib.h>

#include "util/idn.h"

#define HOST_MAX 253

/* True when a label of @p s (lowercase) starts with "xn--". */
static bool has_alabel(const char *s)
{
    for (const char *p = s; (p = strstr(p, "xn--")); p += 4)
        if (p == s || p[-1] == '.')
            return true;
    return false;
}

enum cwt_status cwt__idn_to_ascii(const char *host, char **out, struct cwt_err *err)
{
    *out = NULL;
    if (!host || !host[0])
        return cwt_err_set(err, CWT_EINVAL, "empty host name");
    size_t n = strlen(host);
    if (n > 4 * HOST_MAX)
        return cwt_err_set(err, CWT_EINVAL, "host name '%.40s...' is too long", host);
    if (host[n - 1] == '.')
        n--;
    bool ascii = true;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)host[i] >= 0x80)
            ascii = false;
    char *s = NULL;
    if (ascii) {
        s = cwt_strndup(host, n);
        if (!s)
            return CWT_ENOMEM;
        for (char *p = s; *p; p++)
            *p = (char)tolower((unsigned char)*p);
        char *a = NULL;
        int rc = IDN2_OK;
        if (has_alabel(s)) { /* the same rules as for the U-label form below, so both get one verdict */
            rc = idn2_to_ascii_8z(s, &a, IDN2_NONTRANSITIONAL);
            if (rc != IDN2_OK)
                rc = idn2_to_ascii_8z(s, &a, IDN2_TRANSITIONAL);
        }
        idn2_free(a);
        if (rc != IDN2_OK) {
            cwt_free(s);
            return cwt_err_set(err, CWT_EINVAL, "invalid host name '%s': %s", host, idn2_strerror(rc));
        }
    } else {
        char *tmp = cwt_strndup(host, n), *a = NULL;
        if (!tmp)
            return CWT_ENOMEM;
        int rc = idn2_to_ascii_8z(tmp, &a, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT);
        if (rc != IDN2_OK)
            rc = idn2_to_ascii_8z(tmp, &a, IDN2_TRANSITIONAL);
        cwt_free(tmp);
        if (rc != IDN2_OK)
            return cwt_err_set(err, CWT_EINVAL, "invalid host name '%s': %s", host, idn2_strerror(rc));
        s = cwt_strdup(a);
        idn2_free(a);
        if (!s)
            return CWT_ENOMEM;
    }
    size_t len = strlen(s);
    bool ok = len > 0 && len <= HOST_MAX;
    for (size_t i = 0; ok && i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        ok = isalnum(c) || c == '-' || c == '.' || c == '_' || c == '*' || c == ':' || c == '[' || c == ']';
    }
    if (!ok) {
        cwt_free(s);
        return cwt_err_set(err, CWT_EINVAL, "invalid host name '%s'", host);
    }
    *out = s;
    return CWT_OK;
}
