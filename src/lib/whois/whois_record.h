/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The registration record of a domain as the whois layer returns it, whatever
 * the source (RDAP JSON or port-43 WHOIS text), and the parsers that fill it.
 * Redaction (GDPR, RFC 9537) is recorded as flags: it is neutral, not a
 * penalty.
 */
#ifndef CWT_WHOIS_RECORD_H
#define CWT_WHOIS_RECORD_H

#include "whois/whois.h"

enum cwt__whois_source { CWT__WHOIS_NONE = 0, CWT__WHOIS_RDAP = 1, CWT__WHOIS_PORT43 = 2 };

#define CWT__WHOIS_LIST_MAX 16         /* statuses, nameservers kept */
#define CWT__WHOIS_RAW_EXCERPT 2048    /* bytes of the raw reply kept for evidence */
#define CWT__WHOIS_REPLY_MAX (256 * 1024) /* bytes read from a WHOIS server or RDAP reply */
#define CWT__WHOIS_REFERRALS_MAX 2     /* referrals followed after the first server */

enum cwt__whois_redacted {
    CWT__RED_REGISTRANT_NAME = 1 << 0,
    CWT__RED_REGISTRANT_ORG = 1 << 1,
    CWT__RED_REGISTRANT_COUNTRY = 1 << 2,
    CWT__RED_REGISTRANT_CONTACT = 1 << 3, /* e-mail, phone, street */
};

struct cwt__whois {
    enum cwt__whois_source source;
    char *reason;           /* source NONE: why there is no data ("no rdap service for '.xx'", ...) */
    bool not_found;         /* the server said the domain is not registered */
    char *server;           /* RDAP URL or WHOIS host that answered */
    char *domain;           /* lowercase */
    char *registrar;
    char *registrar_iana_id;
    char *registrant_name;
    char *registrant_org;
    char *registrant_country; /* as given ("CN", "China", "中国") */
    char registrant_cc[3];    /* ISO 3166-1 alpha-2 when known, "" otherwise */
    int64_t created, expires, updated; /* Unix seconds; 0 = unknown */
    char *statuses[CWT__WHOIS_LIST_MAX];
    size_t nstatuses;
    char *nameservers[CWT__WHOIS_LIST_MAX]; /* lowercase, no trailing dot */
    size_t nnameservers;
    unsigned redacted;      /* enum cwt__whois_redacted */
    char *raw_excerpt;      /* first CWT__WHOIS_RAW_EXCERPT bytes of the reply (cut at UTF-8) */
    char *referral;         /* text: next WHOIS server named; RDAP: registrar "related" link */
};

/* A zeroed record; NULL on allocation failure. Free with cwt__whois_free(). */
struct cwt__whois *cwt__whois_new(void);
/* Marks @p w as having no data with @p reason (copied). */
enum cwt_status cwt__whois_set_none(struct cwt__whois *w, const char *fmt, ...) CWT_PRINTF(2, 3);

/*
 * Parses a port-43 WHOIS reply of @p len bytes into @p w (fields already set are kept, so a
 * registrar reply may complete a registry reply). Never fails on content: an unparseable
 * reply leaves fields unset. Errors: CWT_ENOMEM only.
 */
enum cwt_status cwt__whois_parse_text(struct cwt__whois *w, const char *text, size_t len);

/*
 * Parses an RDAP domain object (RFC 9083) into @p w, as cwt__whois_parse_text().
 * CWT_EPARSE (with @p err naming the byte or member) when it is not JSON or not a domain
 * object; an RDAP error object sets not_found for errorCode 404.
 */
enum cwt_status cwt__whois_parse_rdap(struct cwt__whois *w, const char *json, size_t len, struct cwt_err *err);

/*
 * Finds the RDAP base URL of the TLD of @p domain in an IANA bootstrap registry (RFC 9224)
 * @p json. *out is a copy with a trailing '/' (caller frees), or NULL when the TLD has no
 * service. CWT_EPARSE when the file is not a valid registry (empty, bad JSON, bad services,
 * bad URLs).
 */
enum cwt_status cwt__rdap_bootstrap_find(const char *json, size_t len, const char *domain, char **out,
                                         struct cwt_err *err);

/* Copies the first CWT__WHOIS_RAW_EXCERPT bytes of @p text (cut at a UTF-8 boundary, NULs dropped);
 * caller frees; NULL on ENOMEM. */
char *cwt__whois_excerpt(const char *text, size_t len);

/* Parses a date as registries write it ("2003-03-17 12:20:05", "17-mar-2003", "2003/03/17",
 * "20030317", "17.03.2003", RFC 3339 ...) into Unix seconds (UTC). */
enum cwt_status cwt__whois_parse_date(const char *s, int64_t *out);

/* ISO 3166 alpha-2 code of a country written as a code or an English/local name; "" if unknown.
 * Writes into @p cc (3 bytes). */
void cwt__country_code(const char *s, char cc[3]);

/* The port-43 server of the TLD of @p domain from the built-in table, or NULL. */
const char *cwt__whois_server_for(const char *domain);

/*
 * Asks WHOIS server @p host:@p port for @p query over plain TCP with @p timeout_ms for the
 * whole exchange, reading at most CWT__WHOIS_REPLY_MAX bytes. On success *out is the reply
 * (caller frees with cwt_free()). Errors: CWT_ERESOLVE, CWT_ECONNECT, CWT_ETIMEOUT, CWT_EIO,
 * CWT_EREFUSED (private address without @p allow_private), CWT_ENOMEM.
 */
enum cwt_status cwt__whois_query(const char *host, int port, const char *query, long timeout_ms,
                                 bool allow_private, char **out, size_t *outlen, struct cwt_err *err);

/* Path of the shipped IANA bootstrap registry: $CWTAP_RDAP_BOOTSTRAP, else data/rdap/dns.json of the
 * source tree when readable, else CWTAP_DATADIR/rdap/dns.json. Static or environment string. */
const char *cwt__whois_default_bootstrap(void);

/* The registration record as a JSON object (for the CLI and signal details); NULL on ENOMEM. */
struct json_t;
struct json_t *cwt__whois_to_json(const struct cwt__whois *w);

#endif
