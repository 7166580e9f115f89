/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements what the server knows about sites: normalising the
 * domain a user registers (IDNA 2008 with UTS #46 mapping by util/idn.c, then
 * the registrable domain from the Public Suffix List via libpsl), the three
 * ownership proofs (a DNS TXT record, a <meta> tag on the home page, a
 * /.well-known/cwtap.txt file) checked through injected network functions,
 * and the JSON shown to owners with the SDK snippet for each CMS.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include <libpsl.h>

#include "server/site.h"
#include "util/url.h"

#define TOKEN_PREFIX "cwtap-site-verification="

static bool ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* Labels of letters, digits and inner hyphens, 1-63 bytes; at least two labels. */
static bool ldh_name(const char *host, size_t *labels)
{
    size_t len = 0;
    *labels = 0;
    for (const char *p = host;; p++) {
        if (*p == '.' || *p == '\0') {
            if (len == 0 || len > 63 || p[-1] == '-' || p[-(long)len] == '-')
                return false;
            ++*labels;
            len = 0;
            if (!*p)
                return true;
            continue;
        }
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
            return false;
        len++;
    }
}

enum cwt_status srv_domain_normalize(const void *psl, const char *input, struct srv_site_name *out,
                                     struct cwt_err *err)
{
    char buf[300];
    memset(out, 0, sizeof *out);
    if (!input || strlen(input) >= sizeof buf)
        return cwt_err_setf(err, CWT_EINVAL, "domain", "the domain must be 1 to 253 characters");
    while (*input == ' ' || *input == '\t')
        input++;
    const char *scheme = "https";
    const char *sep = strstr(input, "://");
    if (sep) {
        if (sep - input == 5 && strncasecmp(input, "https", 5) == 0)
            scheme = "https";
        else if (sep - input == 4 && strncasecmp(input, "http", 4) == 0)
            scheme = "http";
        else
            return cwt_err_setf(err, CWT_EINVAL, "domain", "only http and https sites can be registered");
        input = sep + 3;
    }
    size_t n = strcspn(input, "/?# \t");
    snprintf(buf, sizeof buf, "%.*s", (int)n, input);
    if (strchr(buf, '@') || strchr(buf, '[') || strchr(buf, '\\'))
        return cwt_err_setf(err, CWT_EINVAL, "domain", "'%s' is not a host name", buf);
    long port = 0;
    char *colon = strchr(buf, ':');
    if (colon) {
        char *end = NULL;
        port = strtol(colon + 1, &end, 10);
        if (!colon[1] || strspn(colon + 1, "0123456789") != strlen(colon + 1) || port < 1 || port > 65535)
            return cwt_err_setf(err, CWT_EINVAL, "domain", "'%s' is not a host name with a port 1-65535", buf);
        *colon = '\0';
    }
    n = strlen(buf);
    if (n && buf[n - 1] == '.')
        buf[--n] = '\0';
    if (!n)
        return cwt_err_setf(err, CWT_EINVAL, "domain", "the domain is empty");
    unsigned char a4[4];
    if (inet_pton(AF_INET, buf, a4) == 1 || strspn(buf, "0123456789.") == n)
        return cwt_err_setf(err, CWT_EINVAL, "domain", "'%s' is an IP address; register the site's domain", buf);
    char *ascii = NULL;
    struct cwt_err ierr;
    cwt_err_clear(&ierr);
    enum cwt_status rc = cwt__domain_normalize(buf, &ascii, &ierr); /* util/idn.c: IDNA 2008, UTS #46 */
    if (rc == CWT_ENOMEM)
        return cwt_err_setf(err, rc, "domain", "out of memory");
    if (rc != CWT_OK)
        return cwt_err_setf(err, CWT_EINVAL, "domain", "'%s' is not a valid domain name (%s)", buf, ierr.msg);
    size_t labels = 0;
    bool ok = strlen(ascii) < sizeof out->host && ldh_name(ascii, &labels);
    snprintf(out->host, sizeof out->host, "%s", ascii);
    cwt_free(ascii);
    if (!ok)
        return cwt_err_setf(err, CWT_EINVAL, "domain", "'%s' is not a valid domain name (letters, digits and "
                            "inner hyphens, 1-63 per label)", buf);
    const char *host = out->host;
    if (labels < 2)
        return cwt_err_setf(err, CWT_EINVAL, "domain", "'%s' is not a public domain name", host);
    static const char *const local[] = {".localhost", ".local", ".internal", ".invalid", ".home.arpa"};
    for (size_t i = 0; i < CWT_ARRAY_LEN(local); i++)
        if (ends_with(host, local[i]))
            return cwt_err_setf(err, CWT_EINVAL, "domain", "'%s' is not a public domain name", host);
    if (psl_is_public_suffix(psl, host))
        return cwt_err_setf(err, CWT_EINVAL, "domain", "'%s' is a public suffix, not a site", host);
    const char *reg = psl_registrable_domain(psl, host);
    if (!reg)
        return cwt_err_setf(err, CWT_EINVAL, "domain", "'%s' has no registrable domain", host);
    snprintf(out->registrable, sizeof out->registrable, "%s", reg);
    if (port)
        snprintf(out->url, sizeof out->url, "%s://%s:%ld/", scheme, host, port);
    else
        snprintf(out->url, sizeof out->url, "%s://%s/", scheme, host);
    return CWT_OK;
}

bool srv_verify_method_known(const char *method)
{
    return strcmp(method, "dns") == 0 || strcmp(method, "meta") == 0 || strcmp(method, "well-known") == 0;
}

/* The value of attribute @p name inside the tag text [p, end), into @p out. */
static bool attr(const char *p, const char *end, const char *name, char *out, size_t outlen)
{
    size_t n = strlen(name);
    for (const char *q = p; q + n < end; q++) {
        if (strncasecmp(q, name, n) != 0 || (q > p && q[-1] != ' ' && q[-1] != '\t' && q[-1] != '\n'))
            continue;
        const char *v = q + n;
        while (v < end && *v == ' ')
            v++;
        if (v >= end || *v != '=')
            continue;
        v++;
        while (v < end && *v == ' ')
            v++;
        char quote = (v < end && (*v == '"' || *v == '\'')) ? *v++ : 0;
        const char *ve = v;
        while (ve < end && (quote ? *ve != quote : (*ve != ' ' && *ve != '/' && *ve != '>')))
            ve++;
        snprintf(out, outlen, "%.*s", (int)(ve - v), v);
        return true;
    }
    return false;
}

bool srv_html_has_meta_token(const char *html, const char *token)
{
    /* A bounded scan of <meta ...> tags: the page layer parses pages for signals; this needs one tag. */
    const char *p = html;
    for (int tags = 0; tags < 10000 && (p = strcasestr(p, "<meta")); tags++) {
        const char *end = strchr(p, '>');
        if (!end)
            return false;
        char name[64], content[128];
        if (attr(p + 5, end, "name", name, sizeof name) && strcasecmp(name, "cwtap-site-verification") == 0 &&
            attr(p + 5, end, "content", content, sizeof content) && strcmp(content, token) == 0)
            return true;
        p = end;
    }
    return false;
}

/* True when one line of @p text is "cwtap-site-verification=TOKEN" (or the bare token). */
static bool text_has_token(const char *text, const char *token)
{
    char want[128];
    snprintf(want, sizeof want, TOKEN_PREFIX "%s", token);
    for (const char *p = text; p && *p;) {
        const char *e = strchr(p, '\n');
        size_t l = e ? (size_t)(e - p) : strlen(p);
        while (l && (p[l - 1] == '\r' || p[l - 1] == ' ' || p[l - 1] == '"'))
            l--;
        const char *s = p;
        while (l && (*s == ' ' || *s == '"'))
            s++, l--;
        if ((l == strlen(want) && strncmp(s, want, l) == 0) || (l == strlen(token) && strncmp(s, token, l) == 0))
            return true;
        p = e ? e + 1 : NULL;
    }
    return false;
}

/* The first line of @p text, trimmed and cut to fit a message. */
static void first_line(const char *text, char *out, size_t n)
{
    while (*text == ' ' || *text == '\n' || *text == '\r')
        text++;
    int l = (int)strcspn(text, "\r\n");
    snprintf(out, n, "%.*s%s", l > 60 ? 60 : l, text, l > 60 ? "..." : "");
}

/* Fetches @p url and says why it does not prove @p token (CWT_OK when it does), into @p why. */
static enum cwt_status web_proof(const struct srv_net *net, bool meta, const char *url, const char *domain,
                                 const char *token, char *why, size_t whylen)
{
    char *body = NULL, *final = NULL;
    long status = 0;
    struct cwt_err err;
    cwt_err_clear(&err);
    enum cwt_status rc = net->get(net->ud, url, &body, &status, &final, &err);
    struct cwt_url fu;
    struct cwt_err uerr;
    if (rc != CWT_OK) {
        snprintf(why, whylen, "%s", err.msg[0] ? err.msg : cwt_strerror(rc));
    } else if (final && (cwt__url_split(final, &fu, &uerr) != CWT_OK || strcmp(fu.host, domain) != 0)) {
        rc = CWT_EREFUSED; /* a proof must come from the site itself, not from where it sends visitors */
        snprintf(why, whylen, "%s redirected to another host ('%.200s'): register that host, or use the DNS proof",
                 url, final);
    } else if (status != 200) {
        rc = CWT_EREFUSED;
        snprintf(why, whylen, "%s answered HTTP %ld", url, status);
    } else if (!(meta ? srv_html_has_meta_token(body, token) : text_has_token(body, token))) {
        rc = CWT_EREFUSED;
        char line[80];
        first_line(body ? body : "", line, sizeof line);
        if (meta)
            snprintf(why, whylen, "%s has no such tag", url);
        else
            snprintf(why, whylen, "%s holds '%s'", url, line);
    }
    cwt_free(body);
    cwt_free(final);
    return rc;
}

enum cwt_status srv_verify_check(const struct srv_net *net, const char *method, const char *domain,
                                 const char *url, const char *token, struct cwt_err *err)
{
    char name[320];
    char *got = NULL;
    enum cwt_status rc;
    if (strcmp(method, "dns") == 0) {
        if (!net->txt)
            return cwt_err_setf(err, CWT_EUNSUPPORTED, "method", "DNS checks are not available in this build");
        snprintf(name, sizeof name, "_cwtap.%s", domain);
        struct cwt_err terr;
        cwt_err_clear(&terr);
        rc = net->txt(net->ud, name, &got, &terr);
        bool ok = rc == CWT_OK && got && text_has_token(got, token);
        char found[80] = "";
        if (rc == CWT_OK && got)
            first_line(got, found, sizeof found);
        cwt_free(got);
        if (ok)
            return CWT_OK;
        return cwt_err_setf(err, CWT_EREFUSED, "method", "no TXT record '" TOKEN_PREFIX "%s' at '%s' (%s%s%s)",
                            token, name, rc == CWT_OK ? "found '" : "",
                            rc == CWT_OK ? found : (terr.msg[0] ? terr.msg : cwt_strerror(rc)),
                            rc == CWT_OK ? "'" : "");
    }
    if (!net->get)
        return cwt_err_setf(err, CWT_EUNSUPPORTED, "method", "web checks are not available in this build");
    bool meta = strcmp(method, "meta") == 0;
    /* The site's own origin; a site registered without scheme or port may also answer on plain http. */
    char origins[2][300];
    size_t norigins = 1;
    size_t ol = strlen(url);
    snprintf(origins[0], sizeof origins[0], "%.*s", (int)(ol && url[ol - 1] == '/' ? ol - 1 : ol), url);
    char plain[300];
    snprintf(plain, sizeof plain, "https://%s", domain);
    if (strcmp(origins[0], plain) == 0)
        snprintf(origins[norigins++], sizeof origins[0], "http://%s", domain);
    char why[2][600] = {"", ""};
    for (size_t i = 0; i < norigins; i++) {
        snprintf(name, sizeof name, "%s%s", origins[i], meta ? "/" : "/.well-known/cwtap.txt");
        if (web_proof(net, meta, name, domain, token, why[i], sizeof why[i]) == CWT_OK)
            return CWT_OK;
    }
    if (meta)
        return cwt_err_setf(err, CWT_EREFUSED, "method",
                            "the home page of '%s' has no <meta name=\"cwtap-site-verification\" content=\"%s\">: "
                            "%s%s%s", domain, token, why[0], norigins > 1 ? "; " : "", norigins > 1 ? why[1] : "");
    return cwt_err_setf(err, CWT_EREFUSED, "method", "'%s/.well-known/cwtap.txt' does not hold '" TOKEN_PREFIX
                        "%s': %s%s%s", origins[0], token, why[0], norigins > 1 ? "; " : "",
                        norigins > 1 ? why[1] : "");
}

static json_t *time_or_null(int64_t t)
{
    if (!t)
        return json_null();
    char iso[21];
    cwt_time_format_iso(t, iso);
    return json_string(iso);
}

json_t *srv_site_json(const struct cwt__site *s, const char *public_base)
{
    char script[512], meta[160], txt[128], wk[340], wp[1024], shop[1024], mage[1024], dnsname[300];
    snprintf(dnsname, sizeof dnsname, "_cwtap.%s", s->domain);
    snprintf(script, sizeof script, "<script async src=\"%s/sdk/v1/cwtap.js\" data-site=\"%s\"></script>",
             public_base, s->id);
    snprintf(meta, sizeof meta, "<meta name=\"cwtap-site-verification\" content=\"%s\">", s->token);
    snprintf(txt, sizeof txt, TOKEN_PREFIX "%s", s->token);
    snprintf(wk, sizeof wk, "%s.well-known/cwtap.txt", s->url);
    /* The menu paths and labels are those of integrations/ and docs/integrations/ (test_server.c checks). */
    snprintf(wp, sizeof wp, "Install the CW-TAP Trust Mark plugin (integrations/wordpress/cwtap-trust-mark) and "
             "activate it, then Settings \u2192 CW-TAP Trust Mark: Site ID %s, Trust server %s. Or paste the HTML "
             "snippet into your theme's header.php before </head>.", s->id, public_base);
    snprintf(shop, sizeof shop, "Deploy the theme app extension (integrations/shopify), then Online Store \u2192 "
             "Themes \u2192 Customize: add the CW-TAP trust mark block to a section, Site ID %s, Trust server %s. "
             "Or paste the HTML snippet into layout/theme.liquid before </head>.", s->id, public_base);
    snprintf(mage, sizeof mage, "Copy integrations/magento/Cwtap to app/code/Cwtap, run bin/magento module:enable "
             "Cwtap_TrustMark && bin/magento setup:upgrade && bin/magento cache:flush, then Stores \u2192 "
             "Configuration \u2192 General \u2192 CW-TAP Trust Mark: Site ID %s, Trust server %s. Or paste the "
             "HTML snippet into Content \u2192 Design \u2192 Configuration \u2192 HTML Head \u2192 Scripts and "
             "Style Sheets.", s->id, public_base);
    return json_pack("{s:s, s:s, s:s, s:s, s:b, s:o, s:s?, s:b, s:o, s:o, "
                     "s:{s:{s:s, s:s, s:s}, s:s, s:{s:s, s:s}}, s:{s:s, s:s, s:s, s:s, s:s}}",
                     "id", s->id, "domain", s->domain, "registrable_domain", s->registrable, "url", s->url,
                     "verified", s->verified_at != 0, "verified_at", time_or_null(s->verified_at),
                     "verify_method", s->verify_method[0] ? s->verify_method : NULL, "active", s->active,
                     "created_at", time_or_null(s->created_at), "next_evaluation_at", time_or_null(s->next_eval_at),
                     "verification", "dns", "type", "TXT", "name", dnsname, "value", txt, "meta", meta,
                     "well_known", "url", wk, "content", txt,
                     "sdk", "html", script, "wordpress", wp, "shopify", shop, "magento", mage, "server", public_base);
}

json_t *srv_site_pending_job(struct cwt__store *st, const char *site_id, struct cwt_err *err)
{
    char key[64];
    struct cwt__job_pending job;
    snprintf(key, sizeof key, "evaluate:%s", site_id); /* the key every evaluate job is queued with */
    enum cwt_status rc = cwt__store_job_pending(st, key, &job, err);
    if (rc == CWT_ENOTFOUND)
        return json_null();
    if (rc != CWT_OK)
        return NULL;
    return json_pack("{s:s, s:s, s:o, s:o, s:i}", "kind", "evaluate", "state", job.state, "since",
                     time_or_null(job.queued_at), "not_before", time_or_null(job.run_at), "attempts", job.attempts);
}
