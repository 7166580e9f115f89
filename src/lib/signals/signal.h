/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A signal is one measurement of a site's trustworthiness: a value in [0,1], a
 * confidence in [0,1], the raw measurement, the evidence it rests on (URL and
 * snippet, never a bare number), its findings and the concrete fix. Each
 * signal is one extractor in one file (sig_<id>.c), registered by one row in
 * registry.c. The score layer (src/lib/score) weights them with the model.
 */
#ifndef CWT_SIGNAL_H
#define CWT_SIGNAL_H

#include <jansson.h>
#include <math.h>

#include "util/common.h"

struct cwt__doc;        /* page/page.h: one parsed page */
struct cwt__response;   /* fetch/fetch.h: one fetched URL */
struct cwt__tls_report; /* tls/tls.h: the TLS inspection of the site */
struct cwt__whois;      /* whois/whois.h: registration data of the domain */
struct cwt__ops;        /* ops/ops.h: platform events and customer-service probes */

enum cwt__module { CWT__MOD_BASIC = 0, CWT__MOD_OPERATIONAL = 1, CWT__MOD_CONTENT = 2, CWT__MOD_COUNT_ };

/* "basic", "operational", "content". */
const char *cwt__module_name(enum cwt__module m);

enum cwt__severity { CWT__SEV_INFO = 0, CWT__SEV_WARN = 1, CWT__SEV_FAIL = 2 };

#define CWT__SNIPPET_MAX 240 /* bytes of UTF-8 kept per snippet (cut on a character boundary) */
#define CWT__EVIDENCE_MAX 64 /* evidence items kept per signal */
#define CWT__FINDINGS_MAX 64 /* findings kept per signal */

struct cwt__evidence {
    char *url;     /* page or resource the evidence is from; may be NULL for non-URL sources */
    char *what;    /* short label: "e-mail", "privacy link", "certificate subject" */
    char *snippet; /* the text or field seen, at most CWT__SNIPPET_MAX bytes */
};

struct cwt__finding {
    char *code;    /* stable dotted id, e.g. "tls.expired", "contact.phone_mismatch" */
    enum cwt__severity severity;
    char *message; /* what is wrong, plain words */
    char *fix;     /* what to do about it, plain words; NULL for info */
    struct cwt__evidence ev;
};

struct cwt__signal {
    const char *id;             /* static: "tls", "contact", ... */
    enum cwt__module module;
    bool measured;              /* false: no data; the model lowers confidence, never scores 0 */
    double value;               /* [0,1] */
    double confidence;          /* [0,1] */
    double raw;                 /* raw measurement for the model's response curve, NAN if none */
    const char *raw_unit;       /* static label of raw: "days", "rate", ... */
    bool gate_failed;           /* a hard failure (e.g. untrusted certificate): the model caps the total */
    char *summary;              /* one line: what was measured */
    char *fix;                  /* the main fix in plain words, NULL when nothing to fix */
    struct cwt__evidence *evidence;
    size_t nevidence, capevidence;
    struct cwt__finding *findings;
    size_t nfindings, capfindings;
    json_t *detail;             /* signal-specific measurements (a JSON object), owned; may be NULL */
};

/* One page of the crawl as the signals see it. */
struct cwt__site_page {
    const struct cwt__response *resp; /* never NULL */
    const struct cwt__doc *doc;       /* NULL when the page is not HTML or failed */
    const char *role;                 /* "home", "contact", "privacy", ... (crawl plan), static */
};

/* Everything the signals may read about one site. All borrowed. */
struct cwt__site {
    const struct cwt_ctx *ctx;
    const char *url;        /* the audited URL as given (normalised) */
    const char *host;       /* its host name, lowercase, A-label */
    const char *reg_domain; /* registrable domain (Public Suffix List) */
    int64_t at;             /* evaluation instant, Unix seconds */
    const struct cwt__site_page *pages;
    size_t npages;
    const struct cwt__tls_report *tls; /* NULL when no TLS inspection was possible */
    const struct cwt__whois *whois;    /* NULL when not looked up */
    const struct cwt__response *http_probe; /* plain http:// of the home page, NULL if not tried */
    const char *dns_server; /* ADDR[:PORT] for DNS look-ups (MX, TXT); NULL: the system's */
    bool offline;           /* no registry or DNS look-ups: signals needing them lower confidence */
    const struct cwt__ops *ops; /* ops/ops.h: platform events and probes of this site, NULL if none */
    /* Results of signals already run (registry order), so later ones (identity) can read earlier ones. */
    const struct cwt__signal *done;
    size_t ndone;
    /* Results that several signals need, computed once per audit (signals/orgname.h); owned by the
     * caller, NULL when none are kept. */
    struct cwt__site_memo *memo;
};

/* One row of the signal registry. */
struct cwt__signal_def {
    const char *id;
    enum cwt__module module;
    /* Fills @p out (already initialised with id and module). Returns CWT_OK even when the
     * site fails the signal: only out-of-memory or a bug is an error. */
    enum cwt_status (*run)(const struct cwt__site *site, struct cwt__signal *out);
};

/* The extractor of every registered signal (one per row of signals.def). */
#define CWT_SIGNAL(id, mod) enum cwt_status cwt__sig_##id(const struct cwt__site *site, struct cwt__signal *out);
#include "signals/signals.def"
#undef CWT_SIGNAL

extern const struct cwt__signal_def cwt__signal_table[];
extern const size_t cwt__signal_count;

/* Finds a registered signal by id; NULL if none. */
const struct cwt__signal_def *cwt__signal_find(const char *id);
/* Finds the result of an earlier signal in @p site; NULL if absent. */
const struct cwt__signal *cwt__site_signal(const struct cwt__site *site, const char *id);

void cwt__signal_init(struct cwt__signal *s, const char *id, enum cwt__module module);
void cwt__signal_release(struct cwt__signal *s);

/* Adds evidence; strings are copied, snippet trimmed to CWT__SNIPPET_MAX bytes at a UTF-8 boundary
 * with whitespace collapsed. Past CWT__EVIDENCE_MAX items it is silently dropped (CWT_OK). */
enum cwt_status cwt__signal_evidence(struct cwt__signal *s, const char *url, const char *what, const char *snippet);
/* Adds a finding (copies strings; url/snippet may be NULL). */
enum cwt_status cwt__signal_finding(struct cwt__signal *s, const char *code, enum cwt__severity sev,
                                   const char *message, const char *fix, const char *url, const char *snippet);
/* Sets summary / fix with printf formatting (replacing an earlier one). */
enum cwt_status cwt__signal_summary(struct cwt__signal *s, const char *fmt, ...) CWT_PRINTF(2, 3);
enum cwt_status cwt__signal_fix(struct cwt__signal *s, const char *fmt, ...) CWT_PRINTF(2, 3);
/* The signal's detail object, created on first use; NULL on allocation failure. */
json_t *cwt__signal_detail(struct cwt__signal *s);

/* Copies at most @p max bytes of @p s with whitespace collapsed and cut at a UTF-8 boundary;
 * caller frees. */
char *cwt__snippet(const char *s, size_t len, size_t max);

#endif
