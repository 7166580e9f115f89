/* SPDX-License-Identifier: Apache-2.0 */
/* Sites: domain normalisation (libidn2, libpsl), ownership proofs, the SDK snippets shown to owners. */
#ifndef CWT_SITE_H
#define CWT_SITE_H

#include "server/server.h"

/*
 * Normalises what a user typed ("https://WWW.Bücher.de/shop", "example.com.")
 * to a lowercase IDNA A-label host and its registrable domain (Public Suffix
 * List context @p psl, a psl_ctx_t). Refuses IP addresses, single labels,
 * local names and public suffixes; err names the field "domain".
 */
enum cwt_status srv_domain_normalize(const void *psl, const char *input, char host[static 256],
                                     char registrable[static 256], struct cwt_err *err);

/* The ownership proofs: "dns", "meta", "well-known". */
bool srv_verify_method_known(const char *method);
/*
 * Checks that @p domain publishes @p token by @p method through @p net.
 * CWT_OK when it does; CWT_EREFUSED with a message saying what was found
 * otherwise; CWT_EUNSUPPORTED when @p net lacks the needed function.
 */
enum cwt_status srv_verify_check(const struct srv_net *net, const char *method, const char *domain,
                                 const char *token, struct cwt_err *err);
/* True when @p html holds <meta name="cwtap-site-verification" content="@p token">. */
bool srv_html_has_meta_token(const char *html, const char *token);

/* The site as the API shows it to its owner, with proof instructions and SDK snippets. */
json_t *srv_site_json(const struct cwt__site *s, const char *public_base);

#endif
