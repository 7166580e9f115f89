/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the JSON form of a TLS report (struct
 * cwt__tls_report), used by `cwtap tls --json`, the audit report and the
 * signal's detail: connection, chain, verdicts and every problem.
 */
#include "tls/tls_report.h"
#include "util/timeutil.h"

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *iso(int64_t t)
{
    char buf[21];
    cwt_time_format_iso(t, buf);
    return json_string(buf);
}

static json_t *cert_json(const struct cwt__tls_cert *c)
{
    json_t *sans = json_array();
    for (size_t i = 0; sans && i < c->nsans; i++)
        json_array_append_new(sans, json_string(c->sans[i]));
    return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:i, s:o, s:o, s:I, s:s, s:b, s:b, s:b, s:b, s:b}",
                     "subject", json_string(c->subject), "issuer", json_string(c->issuer), "subject_cn",
                     str_or_null(c->subject_cn), "subject_org", str_or_null(c->subject_org), "not_before",
                     iso(c->not_before), "not_after", iso(c->not_after), "sig_alg", json_string(c->sig_alg),
                     "sig_hash", str_or_null(c->sig_hash), "key_type", json_string(c->key_type), "key_bits",
                     c->key_bits, "key_curve", str_or_null(c->key_curve), "sans", sans ? sans : json_null(),
                     "sans_total", (json_int_t)c->nsans_total, "sha256", c->sha256, "is_ca", c->is_ca,
                     "self_signed", c->self_signed, "served", c->served, "weak_signature", c->weak_signature,
                     "weak_key", c->weak_key);
}

static const char *sev_name(enum cwt__tls_severity s)
{
    return s == CWT__TLS_FAIL ? "fail" : s == CWT__TLS_WARN ? "warn" : "info";
}

json_t *cwt__tls_report_json(const struct cwt__tls_report *r)
{
    json_t *chain = json_array(), *problems = json_array();
    if (!chain || !problems)
        goto fail;
    for (size_t i = 0; i < r->nchain; i++) {
        json_t *c = cert_json(&r->chain[i]);
        if (!c || json_array_append_new(chain, c))
            goto fail;
    }
    for (size_t i = 0; i < r->nproblems; i++) {
        const struct cwt__tls_problem *p = &r->problems[i];
        json_t *o = json_pack("{s:s, s:s, s:i, s:s}", "code", cwt__tls_problem_code(p->kind), "severity",
                              sev_name(p->severity), "depth", p->depth, "message", p->message);
        if (!o || json_array_append_new(problems, o))
            goto fail;
    }
    const char *org = r->nchain ? r->chain[0].subject_org : NULL;
    json_t *out = json_pack(
        "{s:o, s:i, s:o, s:s, s:b, s:b, s:o, s:o, s:o, s:o, s:o, s:b, s:f, s:I, s:o, s:b, s:b, s:b, s:b, s:b, s:o, "
        "s:b, s:b, s:s, s:o, s:o, s:o}",
        "host", str_or_null(r->host), "port", r->port, "at", iso(r->at), "mode", r->live ? "live" : "pem",
        "connected", r->connected, "handshake_ok", r->handshake_ok, "address", str_or_null(r->address), "error",
        str_or_null(r->error), "protocol", str_or_null(r->protocol), "cipher", str_or_null(r->cipher), "alpn",
        str_or_null(r->alpn), "ocsp_stapled", r->ocsp_stapled, "handshake_ms", r->handshake_ms, "served",
        (json_int_t)r->nserved, "chain", chain, "has_certificate", r->has_cert, "trusted", r->trusted,
        "host_match", r->host_match, "expired", r->expired, "not_yet_valid", r->not_yet_valid, "days_to_expiry",
        r->has_cert ? json_integer((json_int_t)r->days_to_expiry) : json_null(), "weak_signature", r->weak_signature,
        "weak_key", r->weak_key, "validation", cwt__tls_validation_name(r->validation), "policy_oid",
        str_or_null(r->policy_oid), "subject_org", str_or_null(org), "problems", problems);
    return out;
fail:
    json_decref(chain);
    json_decref(problems);
    return NULL;
}
