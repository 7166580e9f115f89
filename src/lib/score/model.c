/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the loading of a scoring model: the JSON file is read
 * with a size cap, parsed with jansson and validated field by field (module
 * weights sum to 1, the weights of the scored signals of each module sum to 1,
 * curves are monotone with increasing x, grades are ordered and end at 0), with
 * errors that name the field. It also finds the default model file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "score/model.h"

#ifndef CWTAP_DATADIR
#define CWTAP_DATADIR "/usr/local/share/cwtap"
#endif

const struct cwt__signal_id_def cwt__signal_ids[CWT__MODEL_SIGNALS] = {
    {"tls", CWT__MOD_BASIC},           {"whois", CWT__MOD_BASIC},
    {"contact", CWT__MOD_BASIC},       {"identity", CWT__MOD_BASIC},
    {"fulfillment", CWT__MOD_OPERATIONAL}, {"refunds", CWT__MOD_OPERATIONAL},
    {"service", CWT__MOD_OPERATIONAL}, {"parameters", CWT__MOD_CONTENT},
    {"compliance", CWT__MOD_CONTENT},  {"test_reports", CWT__MOD_CONTENT},
    {"certificates", CWT__MOD_CONTENT}, {"factory", CWT__MOD_CONTENT},
    {"privacy", CWT__MOD_CONTENT},     {"traceability", CWT__MOD_CONTENT},
    {"languages", CWT__MOD_CONTENT},
};

const char *cwt__model_default_path(void)
{
    const char *env = getenv("CWTAP_MODEL");
    if (env && env[0])
        return env;
    static const char src[] = CWTAP_SOURCE_ROOT "/models/cwtap-model-v1.json";
    if (access(src, R_OK) == 0)
        return src;
    return CWTAP_DATADIR "/models/cwtap-model-v1.json";
}

void cwt__model_free(struct cwt__model *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->ncaps; i++)
        cwt_free(m->caps[i].reason);
    json_decref(m->root);
    cwt_free(m);
}

const json_t *cwt__model_json(const struct cwt__model *m) { return m->root; }
const char *cwt__model_id(const struct cwt__model *m) { return m->id; }
const char *cwt__model_version(const struct cwt__model *m) { return m->version; }

const struct cwt__model_signal *cwt__model_signal(const struct cwt__model *m, const char *id)
{
    for (size_t i = 0; id && i < CWT__MODEL_SIGNALS; i++)
        if (strcmp(m->signals[i].id, id) == 0)
            return &m->signals[i];
    return NULL;
}

double cwt__curve_eval(const struct cwt__curve *c, double x)
{
    assert(c->n > 0);
    if (isnan(x) || x <= c->x[0])
        return c->y[0];
    for (size_t i = 1; i < c->n; i++) {
        if (x <= c->x[i]) {
            double t = (x - c->x[i - 1]) / (c->x[i] - c->x[i - 1]);
            return c->y[i - 1] + t * (c->y[i] - c->y[i - 1]);
        }
    }
    return c->y[c->n - 1];
}

const struct cwt__model_grade *cwt__model_grade_of(const struct cwt__model *m, double total)
{
    for (size_t i = 0; i < m->ngrades; i++)
        if (total >= m->grades[i].min)
            return &m->grades[i];
    return m->ngrades ? &m->grades[m->ngrades - 1] : NULL;
}

const struct cwt__model_grade *cwt__model_grade_find(const struct cwt__model *m, const char *letter)
{
    for (size_t i = 0; i < m->ngrades; i++)
        if (strcmp(m->grades[i].letter, letter) == 0)
            return &m->grades[i];
    return NULL;
}

/* ---- validation helpers: each names the field it checks ---- */

static enum cwt_status bad(struct cwt_err *err, const char *field, const char *what)
{
    return cwt_err_setf(err, CWT_EINVAL, field, "model field '%s' %s", field, what);
}

static enum cwt_status get_number(const json_t *obj, const char *key, const char *field, double lo, double hi,
                                  bool required, double *out, struct cwt_err *err)
{
    json_t *v = json_object_get(obj, key);
    if (!v) {
        if (required)
            return bad(err, field, "is missing");
        return CWT_OK;
    }
    if (!json_is_number(v))
        return bad(err, field, "must be a number");
    double d = json_number_value(v);
    if (!isfinite(d) || d < lo || d > hi) {
        char msg[96];
        snprintf(msg, sizeof msg, "must be between %g and %g", lo, hi);
        return bad(err, field, msg);
    }
    *out = d;
    return CWT_OK;
}

static enum cwt_status get_string(const json_t *obj, const char *key, const char *field, bool required,
                                  size_t maxlen, const char **out, struct cwt_err *err)
{
    json_t *v = json_object_get(obj, key);
    if (!v) {
        if (required)
            return bad(err, field, "is missing");
        return CWT_OK;
    }
    if (!json_is_string(v) || json_string_length(v) == 0)
        return bad(err, field, "must be a non-empty string");
    if (json_string_length(v) > maxlen || strlen(json_string_value(v)) != json_string_length(v))
        return bad(err, field, "is too long or holds a NUL byte");
    *out = json_string_value(v);
    return CWT_OK;
}

static enum cwt_status copy_string(const json_t *obj, const char *key, const char *field, bool required, char *dst,
                                   size_t dstlen, struct cwt_err *err)
{
    const char *s = NULL;
    enum cwt_status rc = get_string(obj, key, field, required, dstlen - 1, &s, err);
    if (!rc && s)
        snprintf(dst, dstlen, "%s", s);
    return rc;
}

static enum cwt_status load_curve(const json_t *c, const char *sid, struct cwt__curve *out, struct cwt_err *err)
{
    char field[96];
    snprintf(field, sizeof field, "signals.%s.curve", sid);
    if (!json_is_object(c))
        return bad(err, field, "must be an object");
    snprintf(field, sizeof field, "signals.%s.curve.unit", sid);
    enum cwt_status rc = copy_string(c, "unit", field, true, out->unit, sizeof out->unit, err);
    if (rc)
        return rc;
    const char *comb = "replace";
    snprintf(field, sizeof field, "signals.%s.curve.combine", sid);
    if ((rc = get_string(c, "combine", field, false, 16, &comb, err)))
        return rc;
    if (strcmp(comb, "replace") == 0)
        out->combine = CWT__COMBINE_REPLACE;
    else if (strcmp(comb, "min") == 0)
        out->combine = CWT__COMBINE_MIN;
    else
        return bad(err, field, "must be \"replace\" or \"min\"");
    snprintf(field, sizeof field, "signals.%s.curve.points", sid);
    json_t *pts = json_object_get(c, "points");
    if (!json_is_array(pts) || json_array_size(pts) < 2 || json_array_size(pts) > CWT__CURVE_MAX)
        return bad(err, field, "must be an array of 2 to 32 [x, y] pairs");
    int dir = 0; /* +1 non-decreasing, -1 non-increasing, 0 flat so far */
    for (size_t i = 0; i < json_array_size(pts); i++) {
        json_t *p = json_array_get(pts, i);
        snprintf(field, sizeof field, "signals.%s.curve.points[%zu]", sid, i);
        if (!json_is_array(p) || json_array_size(p) != 2 || !json_is_number(json_array_get(p, 0)) ||
            !json_is_number(json_array_get(p, 1)))
            return bad(err, field, "must be a pair of numbers [x, y]");
        double x = json_number_value(json_array_get(p, 0)), y = json_number_value(json_array_get(p, 1));
        if (!isfinite(x) || !isfinite(y) || y < 0 || y > 1)
            return bad(err, field, "must have a finite x and y in [0, 1]");
        if (i > 0) {
            if (!(x > out->x[i - 1]))
                return bad(err, field, "must have x greater than the previous point's");
            int d = y > out->y[i - 1] ? 1 : y < out->y[i - 1] ? -1 : 0;
            if (d && dir && d != dir)
                return bad(err, field, "makes the curve non-monotone");
            if (d)
                dir = d;
        }
        out->x[i] = x;
        out->y[i] = y;
        out->n = i + 1;
    }
    return CWT_OK;
}

static enum cwt_status load_signal(const json_t *sigs, const json_t *efforts, size_t idx, struct cwt__model_signal *s,
                                   struct cwt_err *err)
{
    const struct cwt__signal_id_def *def = &cwt__signal_ids[idx];
    char field[96];
    s->id = def->id;
    s->module = def->module;
    snprintf(field, sizeof field, "signals.%s", def->id);
    json_t *o = json_object_get(sigs, def->id);
    if (!json_is_object(o))
        return bad(err, field, o ? "must be an object" : "is missing");
    const char *mod = NULL;
    snprintf(field, sizeof field, "signals.%s.module", def->id);
    enum cwt_status rc = get_string(o, "module", field, true, 32, &mod, err);
    if (rc)
        return rc;
    if (strcmp(mod, cwt__module_name(def->module)) != 0)
        return bad(err, field, def->module == CWT__MOD_BASIC         ? "must be \"basic\""
                               : def->module == CWT__MOD_OPERATIONAL ? "must be \"operational\""
                                                                     : "must be \"content\"");
    snprintf(field, sizeof field, "signals.%s.weight", def->id);
    if ((rc = get_number(o, "weight", field, 0, 1, true, &s->weight, err)))
        return rc;
    json_t *pv = json_object_get(o, "preview");
    snprintf(field, sizeof field, "signals.%s.preview", def->id);
    if (pv && !json_is_boolean(pv))
        return bad(err, field, "must be true or false");
    s->preview = json_is_true(pv);
    const char *req = "recommended";
    snprintf(field, sizeof field, "signals.%s.requirement", def->id);
    if ((rc = get_string(o, "requirement", field, false, 16, &req, err)))
        return rc;
    if (strcmp(req, "mandatory") != 0 && strcmp(req, "recommended") != 0)
        return bad(err, field, "must be \"mandatory\" or \"recommended\"");
    s->mandatory = strcmp(req, "mandatory") == 0;
    snprintf(field, sizeof field, "signals.%s.effort", def->id);
    if ((rc = copy_string(o, "effort", field, true, s->effort, sizeof s->effort, err)))
        return rc;
    json_t *ev = json_object_get(efforts, s->effort);
    if (!ev)
        return bad(err, field, "names no level of effort_levels");
    s->effort_units = json_number_value(ev);
    snprintf(field, sizeof field, "signals.%s.hint", def->id);
    if ((rc = get_string(o, "hint", field, false, 1024, &s->hint, err)))
        return rc;
    json_t *c = json_object_get(o, "curve");
    if (c && (rc = load_curve(c, def->id, &s->curve, err)))
        return rc;
    return CWT_OK;
}

static enum cwt_status load_modules(struct cwt__model *m, struct cwt_err *err)
{
    json_t *mods = json_object_get(m->root, "modules");
    if (!json_is_object(mods))
        return bad(err, "modules", mods ? "must be an object" : "is missing");
    double sum = 0;
    for (int i = 0; i < CWT__MOD_COUNT_; i++) {
        const char *name = cwt__module_name((enum cwt__module)i);
        char field[96];
        snprintf(field, sizeof field, "modules.%s", name);
        json_t *o = json_object_get(mods, name);
        if (!json_is_object(o))
            return bad(err, field, o ? "must be an object" : "is missing");
        struct cwt__model_module *mm = &m->modules[i];
        enum cwt_status rc;
        snprintf(field, sizeof field, "modules.%s.weight", name);
        if ((rc = get_number(o, "weight", field, 0, 1, true, &mm->weight, err)))
            return rc;
        mm->min_coverage = 0.5;
        mm->min_confidence = 0;
        snprintf(field, sizeof field, "modules.%s.min_coverage", name);
        if ((rc = get_number(o, "min_coverage", field, 0, 1, false, &mm->min_coverage, err)))
            return rc;
        snprintf(field, sizeof field, "modules.%s.min_confidence", name);
        if ((rc = get_number(o, "min_confidence", field, 0, 1, false, &mm->min_confidence, err)))
            return rc;
        sum += mm->weight;
    }
    if (fabs(sum - 1.0) > CWT__WEIGHT_EPS)
        return cwt_err_setf(err, CWT_EINVAL, "modules", "model field 'modules': the module weights sum to %.6g, not 1",
                            sum);
    return CWT_OK;
}

static enum cwt_status load_signals(struct cwt__model *m, struct cwt_err *err)
{
    json_t *efforts = json_object_get(m->root, "effort_levels");
    if (!json_is_object(efforts) || json_object_size(efforts) == 0 || json_object_size(efforts) > CWT__EFFORTS_MAX)
        return bad(err, "effort_levels", "must be an object of 1 to 8 named levels");
    const char *k;
    json_t *v;
    json_object_foreach(efforts, k, v) {
        if (!json_is_number(v) || !(json_number_value(v) > 0) || json_number_value(v) > 1000) {
            char field[96];
            snprintf(field, sizeof field, "effort_levels.%.60s", k);
            return bad(err, field, "must be a number in (0, 1000]");
        }
    }
    json_t *sigs = json_object_get(m->root, "signals");
    if (!json_is_object(sigs))
        return bad(err, "signals", sigs ? "must be an object" : "is missing");
    json_object_foreach(sigs, k, v) {
        bool known = false;
        for (size_t i = 0; i < CWT__MODEL_SIGNALS; i++)
            known = known || strcmp(cwt__signal_ids[i].id, k) == 0;
        if (!known) {
            char field[96];
            snprintf(field, sizeof field, "signals.%.60s", k);
            return bad(err, field, "is not a known signal id");
        }
    }
    double sum[CWT__MOD_COUNT_] = {0};
    for (size_t i = 0; i < CWT__MODEL_SIGNALS; i++) {
        enum cwt_status rc = load_signal(sigs, efforts, i, &m->signals[i], err);
        if (rc)
            return rc;
        if (!m->signals[i].preview)
            sum[m->signals[i].module] += m->signals[i].weight;
    }
    for (int i = 0; i < CWT__MOD_COUNT_; i++) {
        /* A module of weight 0 may have all-zero signal weights (a fit can do that). */
        if (fabs(sum[i] - 1.0) > CWT__WEIGHT_EPS && !(m->modules[i].weight == 0 && sum[i] == 0))
            return cwt_err_setf(err, CWT_EINVAL, "signals",
                                "model field 'signals': the weights of the scored %s signals sum to %.6g, not 1",
                                cwt__module_name((enum cwt__module)i), sum[i]);
    }
    return CWT_OK;
}

static enum cwt_status load_grades(struct cwt__model *m, struct cwt_err *err)
{
    json_t *g = json_object_get(m->root, "grades");
    if (!json_is_array(g) || json_array_size(g) < 2 || json_array_size(g) > CWT__GRADES_MAX)
        return bad(err, "grades", "must be an array of 2 to 8 bands");
    for (size_t i = 0; i < json_array_size(g); i++) {
        json_t *o = json_array_get(g, i);
        struct cwt__model_grade *gr = &m->grades[i];
        char field[96];
        snprintf(field, sizeof field, "grades[%zu]", i);
        if (!json_is_object(o))
            return bad(err, field, "must be an object");
        enum cwt_status rc;
        snprintf(field, sizeof field, "grades[%zu].letter", i);
        if ((rc = copy_string(o, "letter", field, true, gr->letter, sizeof gr->letter, err)))
            return rc;
        snprintf(field, sizeof field, "grades[%zu].min", i);
        if ((rc = get_number(o, "min", field, 0, m->scale, true, &gr->min, err)))
            return rc;
        if (i > 0 && !(gr->min < m->grades[i - 1].min))
            return bad(err, field, "must be lower than the previous band's");
        snprintf(field, sizeof field, "grades[%zu].colour", i);
        if ((rc = copy_string(o, "colour", field, true, gr->colour, sizeof gr->colour, err)))
            return rc;
        if (gr->colour[0] != '#' || strlen(gr->colour) != 7 || strspn(gr->colour + 1, "0123456789abcdefABCDEF") != 6)
            return bad(err, field, "must be a colour like \"#1a7f37\"");
        snprintf(field, sizeof field, "grades[%zu].label", i);
        if ((rc = copy_string(o, "label", field, false, gr->label, sizeof gr->label, err)))
            return rc;
        for (size_t j = 0; j < i; j++)
            if (strcmp(m->grades[j].letter, gr->letter) == 0) {
                snprintf(field, sizeof field, "grades[%zu].letter", i);
                return bad(err, field, "repeats an earlier letter");
            }
        m->ngrades = i + 1;
    }
    if (m->grades[m->ngrades - 1].min != 0)
        return bad(err, "grades", "must end with a band whose min is 0");
    return CWT_OK;
}

static enum cwt_status load_caps(struct cwt__model *m, struct cwt_err *err)
{
    json_t *caps = json_object_get(m->root, "caps");
    if (caps && (!json_is_array(caps) || json_array_size(caps) > CWT__CAPS_MAX))
        return bad(err, "caps", "must be an array of at most 32 caps");
    for (size_t i = 0; caps && i < json_array_size(caps); i++) {
        json_t *o = json_array_get(caps, i);
        struct cwt__model_cap *c = &m->caps[i];
        char field[96];
        snprintf(field, sizeof field, "caps[%zu]", i);
        if (!json_is_object(o))
            return bad(err, field, "must be an object");
        c->max_total = NAN;
        m->ncaps = i + 1;
        enum cwt_status rc;
        snprintf(field, sizeof field, "caps[%zu].id", i);
        if ((rc = copy_string(o, "id", field, true, c->id, sizeof c->id, err)))
            return rc;
        const char *sid = NULL, *when = NULL, *reason = NULL;
        snprintf(field, sizeof field, "caps[%zu].signal", i);
        if ((rc = get_string(o, "signal", field, true, 32, &sid, err)))
            return rc;
        const struct cwt__model_signal *ms = cwt__model_signal(m, sid);
        if (!ms)
            return bad(err, field, "is not a known signal id");
        c->signal = ms->id;
        snprintf(field, sizeof field, "caps[%zu].when", i);
        if ((rc = get_string(o, "when", field, true, 32, &when, err)))
            return rc;
        if (strcmp(when, "gate_failed") == 0) {
            c->when = CWT__CAP_GATE_FAILED;
        } else if (strcmp(when, "below") == 0) {
            c->when = CWT__CAP_BELOW;
            snprintf(field, sizeof field, "caps[%zu].value", i);
            if ((rc = get_number(o, "value", field, 0, 1, true, &c->below, err)))
                return rc;
        } else {
            return bad(err, field, "must be \"gate_failed\" or \"below\"");
        }
        snprintf(field, sizeof field, "caps[%zu].max_total", i);
        if ((rc = get_number(o, "max_total", field, 0, m->scale, false, &c->max_total, err)))
            return rc;
        snprintf(field, sizeof field, "caps[%zu].max_grade", i);
        if ((rc = copy_string(o, "max_grade", field, false, c->max_grade, sizeof c->max_grade, err)))
            return rc;
        if (c->max_grade[0] && !cwt__model_grade_find(m, c->max_grade))
            return bad(err, field, "names no grade of 'grades'");
        if (isnan(c->max_total) && !c->max_grade[0]) {
            snprintf(field, sizeof field, "caps[%zu]", i);
            return bad(err, field, "needs max_total or max_grade");
        }
        snprintf(field, sizeof field, "caps[%zu].reason", i);
        if ((rc = get_string(o, "reason", field, true, 1024, &reason, err)))
            return rc;
        if (!(c->reason = cwt_strdup(reason)))
            return CWT_ENOMEM;
    }
    return CWT_OK;
}

static enum cwt_status load_header(struct cwt__model *m, struct cwt_err *err)
{
    enum cwt_status rc;
    if ((rc = get_string(m->root, "id", "id", true, 64, &m->id, err)))
        return rc;
    if ((rc = get_string(m->root, "version", "version", true, 32, &m->version, err)))
        return rc;
    json_t *cl = json_object_get(m->root, "changelog");
    if (!json_is_array(cl) || json_array_size(cl) == 0)
        return bad(err, "changelog", "must be a non-empty array");
    for (size_t i = 0; i < json_array_size(cl); i++) {
        json_t *e = json_array_get(cl, i);
        char field[96];
        const char *s;
        snprintf(field, sizeof field, "changelog[%zu]", i);
        if (!json_is_object(e))
            return bad(err, field, "must be an object");
        snprintf(field, sizeof field, "changelog[%zu].version", i);
        if ((rc = get_string(e, "version", field, true, 32, &s, err)))
            return rc;
        snprintf(field, sizeof field, "changelog[%zu].changes", i);
        if ((rc = get_string(e, "changes", field, true, 4096, &s, err)))
            return rc;
    }
    m->scale = 100;
    m->provisional_below = 0.5;
    rc = get_number(m->root, "provisional_below_coverage", "provisional_below_coverage", 0, 1, false,
                    &m->provisional_below, err);
    return rc ? rc : get_number(m->root, "scale", "scale", 1, 1000, false, &m->scale, err);
}

static enum cwt_status load_mandatory(struct cwt__model *m, struct cwt_err *err)
{
    m->mandatory_pass = 0.5;
    json_t *o = json_object_get(m->root, "mandatory");
    if (!o)
        return CWT_OK;
    if (!json_is_object(o))
        return bad(err, "mandatory", "must be an object");
    enum cwt_status rc = get_number(o, "pass", "mandatory.pass", 0, 1, true, &m->mandatory_pass, err);
    if (!rc)
        rc = copy_string(o, "max_grade", "mandatory.max_grade", true, m->mandatory_max_grade,
                         sizeof m->mandatory_max_grade, err);
    if (!rc && !cwt__model_grade_find(m, m->mandatory_max_grade))
        rc = bad(err, "mandatory.max_grade", "names no grade of 'grades'");
    return rc;
}

enum cwt_status cwt__model_from_json(json_t *root, struct cwt__model **out, struct cwt_err *err)
{
    *out = NULL;
    if (!json_is_object(root))
        return cwt_err_setf(err, CWT_EINVAL, "", "a model must be a JSON object");
    struct cwt__model *m = CWT_NEW(struct cwt__model);
    if (!m)
        return cwt_err_set(err, CWT_ENOMEM, "out of memory loading the model");
    m->root = json_incref(root);
    enum cwt_status rc = load_header(m, err);
    if (!rc)
        rc = load_modules(m, err);
    if (!rc)
        rc = load_signals(m, err);
    if (!rc)
        rc = load_grades(m, err);
    if (!rc)
        rc = load_caps(m, err);
    if (!rc)
        rc = load_mandatory(m, err);
    if (rc) {
        cwt__model_free(m);
        return rc;
    }
    *out = m;
    return CWT_OK;
}

enum cwt_status cwt__model_parse(const char *buf, size_t len, struct cwt__model **out, struct cwt_err *err)
{
    *out = NULL;
    if (len > CWT__MODEL_FILE_MAX)
        return cwt_err_set(err, CWT_ETOOBIG, "model is %zu bytes, over the cap of %u", len, CWT__MODEL_FILE_MAX);
    json_error_t je;
    json_t *root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
    if (!root)
        return cwt_err_setf(err, CWT_EPARSE, "", "model is not valid JSON: %s at line %d, column %d", je.text, je.line,
                            je.column);
    enum cwt_status rc = cwt__model_from_json(root, out, err);
    json_decref(root);
    return rc;
}

enum cwt_status cwt__model_load(const char *path, struct cwt__model **out, struct cwt_err *err)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return cwt_err_set(err, CWT_EIO, "cannot open model '%s': %s", path, strerror(errno));
    char *buf = cwt_malloc(CWT__MODEL_FILE_MAX + 1);
    enum cwt_status rc = CWT_OK;
    if (!buf) {
        rc = cwt_err_set(err, CWT_ENOMEM, "out of memory reading '%s'", path);
        goto out;
    }
    size_t n = fread(buf, 1, CWT__MODEL_FILE_MAX + 1, f);
    if (ferror(f)) {
        rc = cwt_err_set(err, CWT_EIO, "cannot read model '%s'", path);
        goto out;
    }
    if (n > CWT__MODEL_FILE_MAX) {
        rc = cwt_err_set(err, CWT_ETOOBIG, "model '%s' is over the cap of %u bytes", path, CWT__MODEL_FILE_MAX);
        goto out;
    }
    rc = cwt__model_parse(buf, n, out, err);
    if (rc && err) {
        char msg[sizeof err->msg];
        memcpy(msg, err->msg, sizeof msg);
        snprintf(err->msg, sizeof err->msg, "%.200s: %.300s", path, msg);
    }
out:
    cwt_free(buf);
    fclose(f);
    return rc;
}
