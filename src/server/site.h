/* SPDX-License-Identifier: Apache-2.0 */
/* Sites: domain normalisation (util/idn.c, libpsl), ownership proofs, the SDK snippets shown to owners. */
#ifndef CWT_SITE_H
#define CWT_SITE_H

#include "server/server.h"

struct srv_site_name {
    char host[256];        /* lowercase A-labels: "www.xn--bcher-kva.de" */
    char registrable[256]; /* by the Public Suffix List: "xn--bcher-kva.de" */
    char url[300];         /* the site's home page: https (or http when typed) and the typed port, if any */
};

/*
 * Normalises what a user typed ("https://WWW.Bücher.de/shop", "example.com.",
 * "shop.example.com:8443") to a lowercase IDNA A-label host (util/idn.c), its
 * registrable domain (Public Suffix List context @p psl, a psl_ctx_t) and the
 * home page URL. Refuses IP addresses, single labels, local names, public
 * suffixes and invalid A-labels; err names the field "domain".
 */
enum cwt_status srv_domain_normalize(const void *psl, const char *input, struct srv_site_name *out,
                                     struct cwt_err *err);

/* The ownership proofs: "dns", "meta", "well-known". */
bool srv_verify_method_known(const char *method);
/*
 * Checks that the site @p domain (home page @p url) publishes @p token by
 * @p method through @p net: a TXT record at _cwtap.DOMAIN, or a <meta> tag on
 * the home page, or URL/.well-known/cwtap.txt (a site registered as
 * https://DOMAIN/ may answer on http too). A page reached by a redirect to
 * another host proves nothing. CWT_OK when it does; CWT_EREFUSED with a
 * message saying what was found instead; CWT_EUNSUPPORTED when @p net lacks
 * the needed function.
 */
enum cwt_status srv_verify_check(const struct srv_net *net, const char *method, const char *domain,
                                 const char *url, const char *token, struct cwt_err *err);
/* True when @p html holds <meta name="cwtap-site-verification" content="@p token">. */
bool srv_html_has_meta_token(const char *html, const char *token);

/* The site as the API shows it to its owner, with proof instructions and SDK snippets. */
json_t *srv_site_json(const struct cwt__site *s, const char *public_base);
/*
 * The site's evaluation still to finish, from the job queue: {"kind":"evaluate","state":"queued"|
 * "running","since":queued at,"not_before","attempts"}, json null when none; NULL (@p err set)
 * when the store fails. Lets clients poll only while an evaluation is pending.
 */
json_t *srv_site_pending_job(struct cwt__store *st, const char *site_id, struct cwt_err *err);

#endif
