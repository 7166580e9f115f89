/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements URL splitting for http(s) URLs (scheme, host, port)
 * and domain-name normalisation: IDN to A-labels (util/idn.c), registrable
 * domains by the Public Suffix List with libpsl. Fetching URLs is the fetch
 * layer's business; this is only what every layer needs to name a site.
 */
#include <libpsl.h>
#include <stdio.h>
#include <stdlib.h>

#include "util/idn.h"
#include "util/url.h"

static void lower(char *s)
{
    for (; *s; s++)
        if (*s >= 'A' && *s <= 'Z')
            *s = (char)(*s - 'A' + 'a');
}

enum cwt_status cwt__url_split(const char *url, struct cwt_url *out, struct cwt_err *err)
{
    memset(out, 0, sizeof *out);
    if (!url || !*url)
        return cwt_err_setf(err, CWT_EINVAL, "url", "invalid URL '': empty");
    const char *p = strstr(url, "://");
    if (!p)
        return cwt_err_setf(err, CWT_EINVAL, "url", "invalid URL '%.200s': missing scheme (use https://)", url);
    size_t sl = (size_t)(p - url);
    if (sl == 4 && strncasecmp(url, "http", 4) == 0) {
        snprintf(out->scheme, sizeof out->scheme, "http");
        out->port = 80;
    } else if (sl == 5 && strncasecmp(url, "https", 5) == 0) {
        snprintf(out->scheme, sizeof out->scheme, "https");
        out->port = 443;
    } else {
        return cwt_err_setf(err, CWT_EUNSUPPORTED, "url", "invalid URL '%.200s': only http and https are audited",
                            url);
    }
    const char *a = p + 3;
    const char *end = a + strcspn(a, "/?#");
    /* userinfo: the host is after the last '@' of the authority */
    for (const char *q = end; q > a; q--)
        if (q[-1] == '@') {
            a = q;
            break;
        }
    const char *hs = a, *he;
    const char *portp = NULL;
    if (*hs == '[') {
        he = memchr(hs, ']', (size_t)(end - hs));
        if (!he)
            return cwt_err_setf(err, CWT_EINVAL, "url", "invalid URL '%.200s': unclosed '['", url);
        hs++;
        if (he + 1 < end) {
            if (he[1] != ':')
                return cwt_err_setf(err, CWT_EINVAL, "url", "invalid URL '%.200s': junk after ']'", url);
            portp = he + 2;
        }
    } else {
        he = memchr(hs, ':', (size_t)(end - hs));
        if (he)
            portp = he + 1;
        else
            he = end;
    }
    size_t hl = (size_t)(he - hs);
    if (hl == 0)
        return cwt_err_setf(err, CWT_EINVAL, "url", "invalid URL '%.200s': missing host", url);
    if (hl >= sizeof out->host)
        return cwt_err_setf(err, CWT_EINVAL, "url", "invalid URL '%.200s': host name too long", url);
    char host[256];
    memcpy(host, hs, hl);
    host[hl] = '\0';
    if (portp) {
        long port = 0;
        const char *q = portp;
        for (; q < end && *q >= '0' && *q <= '9' && port <= 65535; q++)
            port = port * 10 + (*q - '0');
        if (q != end || port < 1 || port > 65535)
            return cwt_err_setf(err, CWT_EINVAL, "url", "invalid URL '%.200s': bad port", url);
        out->port = (int)port;
        out->explicit_port = true;
    }
    if (strchr(host, ':')) { /* IPv6 literal */
        lower(host);
        snprintf(out->host, sizeof out->host, "%s", host);
        return CWT_OK;
    }
    char *norm = NULL;
    struct cwt_err derr;
    cwt_err_clear(&derr);
    enum cwt_status rc = cwt__domain_normalize(host, &norm, &derr);
    if (rc)
        return cwt_err_setf(err, rc, "url", "invalid URL '%.200s': %s", url, derr.msg);
    snprintf(out->host, sizeof out->host, "%s", norm);
    cwt_free(norm);
    return CWT_OK;
}

enum cwt_status cwt__domain_normalize(const char *in, char **out, struct cwt_err *err)
{
    *out = NULL;
    if (!in)
        return cwt_err_setf(err, CWT_EINVAL, "domain", "missing domain name");
    while (*in == ' ' || *in == '\t')
        in++;
    size_t len = strlen(in);
    while (len && (in[len - 1] == ' ' || in[len - 1] == '\t' || in[len - 1] == '\n' || in[len - 1] == '\r'))
        len--;
    char *tmp = cwt_strndup(in, len);
    if (!tmp)
        return CWT_ENOMEM;
    enum cwt_status rc = cwt__idn_to_ascii(tmp, out, err);
    if (rc == CWT_EINVAL && err)
        snprintf(err->field, sizeof err->field, "domain");
    cwt_free(tmp);
    return rc;
}

char *cwt__registrable_domain(const char *host)
{
    const psl_ctx_t *psl = psl_builtin();
    const char *rd = psl ? psl_registrable_domain(psl, host) : NULL;
    return cwt_strdup(rd ? rd : host);
}
