/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The TLS report: what the tls layer saw of one server (or one PEM chain) and
 * every problem it found, not only the first. Plain data, no OpenSSL types, so
 * the signal, the CLI and the report renderers read it without touching
 * OpenSSL. Built by tls.c, rendered to JSON by tls_json.c.
 */
#ifndef CWT_TLS_REPORT_H
#define CWT_TLS_REPORT_H

#include <jansson.h>

#include "tls/tls.h"

#define CWT__TLS_CHAIN_MAX 10    /* certificates kept from a chain (served or built) */
#define CWT__TLS_SANS_MAX 100    /* SAN entries kept per certificate (nsans_total counts all) */
#define CWT__TLS_PROBLEMS_MAX 32 /* problems kept per report */
#define CWT__TLS_PEM_MAX (4u << 20) /* bytes of PEM accepted by cwt__tls_inspect_pem() */
#define CWT__TLS_SOON_DAYS 30    /* fewer days than this to expiry is tls.expires_soon */

/* Problem kinds; each has a stable code string (cwt__tls_problem_code()). Append only. */
enum cwt__tls_problem_kind {
    CWT__TLS_P_NO_CONNECT = 0,   /* tls.no_connection: no TCP connection (refused, timeout, private address) */
    CWT__TLS_P_HANDSHAKE,        /* tls.handshake_failed */
    CWT__TLS_P_NO_CERT,          /* tls.no_certificate: nothing parseable served / in the PEM */
    CWT__TLS_P_EXPIRED,          /* tls.expired (leaf or a chain certificate, see depth) */
    CWT__TLS_P_NOT_YET_VALID,    /* tls.not_yet_valid */
    CWT__TLS_P_EXPIRES_SOON,     /* tls.expires_soon: leaf expires within CWT__TLS_SOON_DAYS */
    CWT__TLS_P_HOST_MISMATCH,    /* tls.host_mismatch */
    CWT__TLS_P_SELF_SIGNED,      /* tls.self_signed: the leaf signs itself */
    CWT__TLS_P_UNTRUSTED_ROOT,   /* tls.untrusted_root: the chain ends at a root not in the trust store */
    CWT__TLS_P_INCOMPLETE_CHAIN, /* tls.incomplete_chain: an intermediate the server should send is missing */
    CWT__TLS_P_BAD_SIGNATURE,    /* tls.bad_signature: a signature in the chain does not verify */
    CWT__TLS_P_INVALID_CHAIN,    /* tls.invalid_chain: other chain errors (CA flag, purpose, path length) */
    CWT__TLS_P_WEAK_SIGNATURE,   /* tls.weak_signature: MD5/SHA-1 signed leaf or intermediate */
    CWT__TLS_P_WEAK_KEY,         /* tls.weak_key: RSA/DSA < 2048 bits, EC < 224 bits */
    CWT__TLS_P_UNUSUAL_KEY,      /* tls.unusual_key: RSA > 4096 bits (slow, some clients refuse); info */
    CWT__TLS_P_OLD_PROTOCOL,     /* tls.old_protocol: negotiated below TLS 1.2 */
    CWT__TLS_P_NO_OCSP_STAPLE,   /* tls.no_ocsp_staple: no stapled OCSP response; info */
    CWT__TLS_P_COUNT_
};

/* Severity of a problem, in the same order as the signal layer's. */
enum cwt__tls_severity { CWT__TLS_INFO = 0, CWT__TLS_WARN = 1, CWT__TLS_FAIL = 2 };

struct cwt__tls_problem {
    enum cwt__tls_problem_kind kind;
    enum cwt__tls_severity severity;
    int depth;     /* certificate depth in the chain (0 = leaf), -1 when not about one certificate */
    char *message; /* plain words, names the certificate or the protocol */
};

/* Validation level read from the leaf's certificate policies (CA/Browser Forum OIDs) and subject. */
enum cwt__tls_validation { CWT__TLS_VAL_UNKNOWN = 0, CWT__TLS_VAL_DV, CWT__TLS_VAL_OV, CWT__TLS_VAL_IV, CWT__TLS_VAL_EV };

struct cwt__tls_cert {
    char *subject;     /* RFC 2253 one line, UTF-8 ("CN=a.example,O=Acme"); "" when empty */
    char *issuer;
    char *subject_cn;  /* NULL when absent */
    char *subject_org; /* O=, NULL when absent */
    char *issuer_cn;
    int64_t not_before, not_after; /* Unix seconds */
    char *sig_alg;     /* "sha256WithRSAEncryption" */
    char *sig_hash;    /* "SHA256", "SHA1", "MD5", NULL when intrinsic (Ed25519) or unknown */
    char *key_type;    /* "RSA", "EC", "Ed25519", "DSA", ... */
    int key_bits;
    char *key_curve;   /* "prime256v1" for EC, else NULL */
    char **sans;       /* DNS and IP SANs, at most CWT__TLS_SANS_MAX */
    size_t nsans;
    size_t nsans_total; /* all SANs in the certificate */
    char sha256[65];   /* fingerprint, lowercase hex */
    bool is_ca;
    bool self_signed;  /* subject == issuer and the signature verifies with its own key */
    bool served;       /* sent by the server / present in the PEM (false: taken from the trust store) */
    bool weak_signature;
    bool weak_key;
};

struct cwt__tls_report {
    char *host;        /* as inspected (A-label) */
    int port;          /* 0 for PEM inspections */
    int64_t at;        /* evaluation instant */
    bool live;         /* true: a live handshake; false: an offline PEM chain */
    /* Connection (live only). */
    bool connected;    /* TCP connection made */
    bool handshake_ok;
    char *address;     /* the address connected to ("127.0.0.1:443", "[::1]:443"), NULL if none */
    char *error;       /* why no connection/handshake, NULL when fine */
    char *protocol;    /* "TLSv1.3", NULL if unknown */
    int protocol_version; /* 0x0304 etc., 0 if unknown */
    char *cipher;      /* "TLS_AES_256_GCM_SHA384" */
    char *alpn;        /* "h2", "http/1.1", NULL if none */
    bool ocsp_stapled; /* a stapled OCSP response came with the handshake */
    double handshake_ms;
    /* The chain as built by verification (leaf first, up to the anchor or as far as it got). */
    struct cwt__tls_cert *chain;
    size_t nchain;
    size_t nserved;    /* certificates the server sent / the PEM held */
    /* Verdicts. */
    bool has_cert;     /* a leaf was seen; the fields below are meaningful only then */
    bool trusted;      /* anchored in the trust store, every signature verifies (times aside) */
    bool host_match;   /* leaf SAN (or CN without SAN) covers host, wildcards one label only */
    bool expired;      /* some certificate of the chain has expired at `at` */
    bool not_yet_valid;
    int64_t days_to_expiry; /* leaf notAfter - at, whole days (negative when expired) */
    bool weak_signature;
    bool weak_key;
    enum cwt__tls_validation validation;
    char *policy_oid;  /* the CA/B Forum policy OID seen, NULL if none */
    /* Every problem, in the order found. */
    struct cwt__tls_problem *problems;
    size_t nproblems, capproblems;
};

/* "tls.expired", ... */
const char *cwt__tls_problem_code(enum cwt__tls_problem_kind k);
/* "DV", "OV", "IV", "EV", "unknown". */
const char *cwt__tls_validation_name(enum cwt__tls_validation v);
/* True when @p r has a problem of kind @p k (at any depth). */
bool cwt__tls_has_problem(const struct cwt__tls_report *r, enum cwt__tls_problem_kind k);
/* The first problem of kind @p k, or NULL. */
const struct cwt__tls_problem *cwt__tls_find_problem(const struct cwt__tls_report *r, enum cwt__tls_problem_kind k);
/* The leaf (chain[0]) or NULL. */
const struct cwt__tls_cert *cwt__tls_leaf(const struct cwt__tls_report *r);

/* The report as a JSON object (new reference), NULL on allocation failure. */
json_t *cwt__tls_report_json(const struct cwt__tls_report *r);

#endif
