/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements re-scoring: a stored evaluation carries every signal's
 * own value, raw measurement, evidence and findings, so another model can score
 * the same site again without a new crawl (`cwtap model diff`).
 */
#include "score/model.h"
#include "util/timeutil.h"

#define RESCORE_MAX_SIGNALS 64

static const char *jstr(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static enum cwt__severity severity_of(const char *s)
{
    if (s && strcmp(s, "fail") == 0)
        return CWT__SEV_FAIL;
    if (s && strcmp(s, "warn") == 0)
        return CWT__SEV_WARN;
    return CWT__SEV_INFO;
}

static enum cwt_status rebuild(const json_t *js, size_t idx, struct cwt__signal *s, struct cwt_err *err)
{
    const char *id = jstr(js, "id"), *mod = jstr(js, "module");
    enum cwt__module module = CWT__MOD_COUNT_;
    for (int k = 0; mod && k < CWT__MOD_COUNT_; k++)
        if (strcmp(mod, cwt__module_name((enum cwt__module)k)) == 0)
            module = (enum cwt__module)k;
    if (!id || module == CWT__MOD_COUNT_)
        return cwt_err_setf(err, CWT_EINVAL, "signals", "evaluation field 'signals[%zu]' needs an id and a module",
                            idx);
    cwt__signal_init(s, id, module);
    s->measured = json_is_true(json_object_get(js, "measured"));
    const json_t *v = json_object_get(js, "signal_value");
    if (!json_is_number(v))
        v = json_object_get(js, "value");
    s->value = json_is_number(v) ? json_number_value(v) : 0;
    v = json_object_get(js, "confidence");
    s->confidence = json_is_number(v) ? json_number_value(v) : 0;
    v = json_object_get(js, "raw");
    s->raw = json_is_number(v) ? json_number_value(v) : NAN;
    s->raw_unit = jstr(js, "raw_unit");
    s->gate_failed = json_is_true(json_object_get(js, "gate_failed"));
    enum cwt_status rc = CWT_OK;
    if (jstr(js, "summary"))
        rc = cwt__signal_summary(s, "%s", jstr(js, "summary"));
    if (!rc && jstr(js, "fix"))
        rc = cwt__signal_fix(s, "%s", jstr(js, "fix"));
    const json_t *a = json_object_get(js, "evidence");
    for (size_t i = 0; !rc && json_is_array(a) && i < json_array_size(a); i++) {
        const json_t *e = json_array_get(a, i);
        rc = cwt__signal_evidence(s, jstr(e, "url"), jstr(e, "what"), jstr(e, "snippet"));
    }
    a = json_object_get(js, "findings");
    for (size_t i = 0; !rc && json_is_array(a) && i < json_array_size(a); i++) {
        const json_t *f = json_array_get(a, i);
        rc = cwt__signal_finding(s, jstr(f, "code") ? jstr(f, "code") : "", severity_of(jstr(f, "severity")),
                                 jstr(f, "message") ? jstr(f, "message") : "", jstr(f, "fix"), jstr(f, "url"),
                                 jstr(f, "snippet"));
    }
    const json_t *d = json_object_get(js, "detail");
    if (!rc && json_is_object(d) && !(s->detail = json_deep_copy(d)))
        rc = CWT_ENOMEM;
    return rc ? cwt_err_set(err, rc, "cannot rebuild signal '%s'", id) : CWT_OK;
}

enum cwt_status cwt__rescore(const struct cwt__model *m, const json_t *eval, json_t **out, struct cwt_err *err)
{
    *out = NULL;
    const json_t *sigs = json_object_get(eval, "signals");
    if (!json_is_object(eval) || !json_is_array(sigs))
        return cwt_err_setf(err, CWT_EINVAL, "signals", "an evaluation needs a 'signals' array");
    size_t n = json_array_size(sigs);
    if (n > RESCORE_MAX_SIGNALS)
        return cwt_err_setf(err, CWT_ETOOBIG, "signals", "more than %d signals", RESCORE_MAX_SIGNALS);
    struct cwt__signal *s = cwt_calloc(n ? n : 1, sizeof *s);
    if (!s)
        return cwt_err_set(err, CWT_ENOMEM, "out of memory");
    size_t built = 0;
    enum cwt_status rc = CWT_OK;
    for (; built < n; built++) {
        const json_t *js = json_array_get(sigs, built);
        /* A signal the audit did not compute was only shown; leave it out so the model marks it again. */
        if (json_is_false(json_object_get(js, "computed"))) {
            cwt__signal_init(&s[built], NULL, CWT__MOD_BASIC);
            continue;
        }
        if ((rc = rebuild(js, built, &s[built], err))) {
            built++;
            goto out;
        }
    }
    /* Drop the placeholders (id NULL) before evaluating. */
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i].id)
            s[k++] = s[i];
    int64_t at = 0;
    const char *ats = jstr(eval, "at");
    if (ats && cwt_time_parse_iso(ats, &at) != CWT_OK)
        at = 0;
    struct cwt__site site = {.url = jstr(eval, "site"), .host = jstr(eval, "host"), .at = at};
    rc = cwt__evaluate(m, &site, s, k, out, err);
    if (!rc && json_object_get(eval, "crawl"))
        rc = cwt__evaluation_set_crawl(*out, json_object_get(eval, "crawl"));
    built = k;
out:
    for (size_t i = 0; i < built; i++)
        cwt__signal_release(&s[i]);
    cwt_free(s);
    return rc;
}
