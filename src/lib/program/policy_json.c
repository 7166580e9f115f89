/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the program policy's JSON form (the operator's
 * GET/PUT /v1/operator/policy and the store's audit entries): one member per
 * field of struct cwt__program_policy, read from a table so that the reader,
 * the writer and the change summary cannot drift apart. Reading starts from a
 * base policy, replaces the members present and checks the result; every
 * refusal names the member.
 */
#include <math.h>
#include <stddef.h>
#include <stdio.h>

#include "program/policy.h"

enum ftype { F_I64, F_INT, F_DBL, F_CURVE };

struct pfield {
    const char *name;
    enum ftype type;
    size_t off;
};

#define PF(name, type) {#name, type, offsetof(struct cwt__program_policy, name)}
static const struct pfield fields[] = {
    PF(duty_window_s, F_I64),     PF(review_lock_months, F_INT), PF(customs_months, F_INT),
    PF(weight_bonus, F_DBL),      PF(score_top, F_DBL),          PF(curve, F_CURVE),
    PF(attestation_ttl_s, F_I64), PF(clock_skew_s, F_I64),       PF(reeval_interval_s, F_I64),
};
#undef PF

static void *at(const struct cwt__program_policy *p, const struct pfield *f)
{
    return (char *)p + f->off;
}

static json_t *value_json(const struct cwt__program_policy *p, const struct pfield *f)
{
    switch (f->type) {
    case F_I64: return json_integer(*(int64_t *)at(p, f));
    case F_INT: return json_integer(*(int *)at(p, f));
    case F_DBL: return json_real(*(double *)at(p, f));
    default: return json_string(cwt__weight_curve_name(*(enum cwt__weight_curve *)at(p, f)));
    }
}

json_t *cwt__program_policy_to_json(const struct cwt__program_policy *p)
{
    json_t *o = json_object();
    for (size_t i = 0; o && i < CWT_ARRAY_LEN(fields); i++)
        if (json_object_set_new(o, fields[i].name, value_json(p, &fields[i]))) {
            json_decref(o);
            return NULL;
        }
    return o;
}

static const struct pfield *field_named(const char *name)
{
    for (size_t i = 0; i < CWT_ARRAY_LEN(fields); i++)
        if (strcmp(fields[i].name, name) == 0)
            return &fields[i];
    return NULL;
}

/* Sets field @p f of @p p from @p v; CWT_EINVAL naming the member on a wrong type or an unrepresentable value. */
static enum cwt_status set_value(struct cwt__program_policy *p, const struct pfield *f, json_t *v,
                                 struct cwt_err *err)
{
    switch (f->type) {
    case F_I64:
    case F_INT:
        if (!json_is_integer(v))
            return cwt_err_setf(err, CWT_EINVAL, f->name, "'%s' must be a whole number", f->name);
        if (f->type == F_I64) {
            *(int64_t *)at(p, f) = json_integer_value(v);
        } else {
            json_int_t x = json_integer_value(v);
            if (x < INT32_MIN || x > INT32_MAX)
                return cwt_err_setf(err, CWT_EINVAL, f->name, "'%s' is out of range", f->name);
            *(int *)at(p, f) = (int)x;
        }
        return CWT_OK;
    case F_DBL:
        if (!json_is_number(v) || !isfinite(json_number_value(v)))
            return cwt_err_setf(err, CWT_EINVAL, f->name, "'%s' must be a number", f->name);
        *(double *)at(p, f) = json_number_value(v);
        return CWT_OK;
    default:
        if (!json_is_string(v) || cwt__weight_curve_parse(json_string_value(v), at(p, f)) != CWT_OK)
            return cwt_err_setf(err, CWT_EINVAL, f->name, "'%s' must be \"linear\" or \"smoothstep\"", f->name);
        return CWT_OK;
    }
}

enum cwt_status cwt__program_policy_from_json(json_t *j, const struct cwt__program_policy *base,
                                              struct cwt__program_policy *out, struct cwt_err *err)
{
    if (!json_is_object(j))
        return cwt_err_setf(err, CWT_EINVAL, "", "the policy must be a JSON object");
    struct cwt__program_policy p = *base;
    const char *key;
    json_t *v;
    json_object_foreach(j, key, v) {
        const struct pfield *f = field_named(key);
        if (!f)
            return cwt_err_setf(err, CWT_EINVAL, key, "unknown policy field '%.64s'", key);
        enum cwt_status rc = set_value(&p, f, v, err);
        if (rc)
            return rc;
    }
    enum cwt_status rc = cwt__program_policy_check(&p, err);
    if (rc == CWT_OK)
        *out = p;
    return rc;
}

static void value_text(const struct cwt__program_policy *p, const struct pfield *f, char out[40])
{
    switch (f->type) {
    case F_I64: snprintf(out, 40, "%lld", (long long)*(int64_t *)at(p, f)); break;
    case F_INT: snprintf(out, 40, "%d", *(int *)at(p, f)); break;
    case F_DBL: snprintf(out, 40, "%g", *(double *)at(p, f)); break;
    default: snprintf(out, 40, "%s", cwt__weight_curve_name(*(enum cwt__weight_curve *)at(p, f))); break;
    }
}

size_t cwt__program_policy_diff(const struct cwt__program_policy *a, const struct cwt__program_policy *b, char *out,
                                size_t n)
{
    size_t count = 0, len = 0;
    if (n)
        out[0] = '\0';
    for (size_t i = 0; i < CWT_ARRAY_LEN(fields); i++) {
        char va[40], vb[40];
        value_text(a, &fields[i], va);
        value_text(b, &fields[i], vb);
        if (strcmp(va, vb) == 0)
            continue;
        count++;
        int w = len < n ? snprintf(out + len, n - len, "%s%s %s -> %s", count > 1 ? "; " : "", fields[i].name, va,
                                   vb)
                        : 0;
        if (w > 0)
            len += (size_t)w < n - len ? (size_t)w : n - len - 1;
    }
    return count;
}
