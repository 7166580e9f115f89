/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the evaluation: it turns a site's signals into module
 * scores, a total, a grade, each signal's contribution in points (which add up
 * to the total exactly), the caps that applied and the advice ranked by points
 * gained per unit of effort. The maths is in docs/internals/score.md.
 */
#include <stdio.h>

#include "score/model.h"
#include "util/timeutil.h"

#define MAX_SIGS (CWT__MODEL_SIGNALS + 32) /* model signals + signals the model does not know */
#define ADVICE_EVIDENCE 3                   /* evidence items repeated in each piece of advice */

/* One signal as the model sees it. */
struct slot {
    const struct cwt__signal *sig;          /* NULL: the signal was not computed */
    const struct cwt__model_signal *ms;     /* NULL: unknown to the model (shown, not scored) */
    const char *id;
    enum cwt__module module;
    bool measured, gate, scored;            /* scored: in the model and not a preview */
    double value, confidence, weight;
    const char *curve_note;                 /* why the curve was not used, or NULL */
    bool curve_used;
};

/* The numbers of one evaluation, recomputed for "what if" advice. */
struct tally {
    double mod_score[CWT__MOD_COUNT_], mod_cov[CWT__MOD_COUNT_], mod_conf[CWT__MOD_COUNT_];
    double mod_meas_w[CWT__MOD_COUNT_], mod_total_w[CWT__MOD_COUNT_];
    bool counted[CWT__MOD_COUNT_];
    double denom;           /* sum of module weights of counted modules */
    double uncapped, total; /* total: after max_total caps; NAN when nothing could be scored */
    double contrib[MAX_SIGS];
    bool cap_hit[CWT__CAPS_MAX];
    bool mand_failed[MAX_SIGS];
};

static double clamp01(double v)
{
    return isnan(v) ? 0 : v < 0 ? 0 : v > 1 ? 1 : v;
}

static void tally(const struct cwt__model *m, const struct slot *s, size_t n, struct tally *t)
{
    memset(t, 0, sizeof *t);
    for (size_t i = 0; i < n; i++) {
        if (!s[i].scored)
            continue;
        enum cwt__module k = s[i].module;
        t->mod_total_w[k] += s[i].weight;
        if (s[i].measured) {
            t->mod_meas_w[k] += s[i].weight;
            t->mod_score[k] += s[i].weight * s[i].value;
            t->mod_conf[k] += s[i].weight * s[i].confidence;
        }
    }
    for (int k = 0; k < CWT__MOD_COUNT_; k++) {
        double tw = t->mod_total_w[k], mw = t->mod_meas_w[k];
        t->mod_cov[k] = tw > 0 ? mw / tw : 0;
        t->mod_conf[k] = tw > 0 ? t->mod_conf[k] / tw : 0;
        t->mod_score[k] = mw > 0 ? t->mod_score[k] / mw : NAN;
        t->counted[k] = mw > 0 && m->modules[k].weight > 0 && t->mod_cov[k] + 1e-12 >= m->modules[k].min_coverage &&
                        t->mod_conf[k] + 1e-12 >= m->modules[k].min_confidence;
        if (t->counted[k])
            t->denom += m->modules[k].weight;
    }
    t->total = NAN;
    if (!(t->denom > 0))
        return;
    for (size_t i = 0; i < n; i++) {
        enum cwt__module k = s[i].module;
        if (s[i].scored && s[i].measured && t->counted[k])
            t->contrib[i] = m->scale * (m->modules[k].weight / t->denom) * s[i].weight * s[i].value / t->mod_meas_w[k];
        t->uncapped += t->contrib[i];
    }
    double cap = INFINITY;
    for (size_t c = 0; c < m->ncaps; c++) {
        const struct cwt__model_cap *mc = &m->caps[c];
        for (size_t i = 0; i < n; i++) {
            if (strcmp(s[i].id, mc->signal) != 0)
                continue;
            bool hit = mc->when == CWT__CAP_GATE_FAILED ? s[i].gate : (s[i].measured && s[i].value < mc->below);
            t->cap_hit[c] = t->cap_hit[c] || hit;
        }
        if (t->cap_hit[c] && !isnan(mc->max_total))
            cap = CWT_MIN(cap, mc->max_total);
    }
    for (size_t i = 0; i < n; i++)
        t->mand_failed[i] = s[i].scored && s[i].ms->mandatory &&
                            (s[i].gate || (s[i].measured && s[i].value < m->mandatory_pass));
    t->total = t->uncapped;
    if (t->uncapped > cap) {
        double f = t->uncapped > 0 ? cap / t->uncapped : 0;
        for (size_t i = 0; i < n; i++)
            t->contrib[i] *= f;
        t->total = cap;
    }
}

/*
 * Rounds the contributions to hundredths of a point so that they add up to the
 * total rounded to hundredths exactly (largest remainder). @p cp receives the
 * contributions in centipoints; returns the total in centipoints.
 */
static long long apportion(const double *c, size_t n, double total, long long *cp)
{
    long long want = llround(total * 100), sum = 0;
    double frac[MAX_SIGS];
    for (size_t i = 0; i < n; i++) {
        double x = c[i] * 100;
        cp[i] = (long long)floor(x);
        frac[i] = x - (double)cp[i];
        sum += cp[i];
    }
    /* Each step moves one centipoint; |want - sum| <= n + 1 by construction, so this ends. */
    for (size_t guard = 0; sum != want && guard < 4 * n + 4; guard++) {
        size_t best = n;
        for (size_t i = 0; i < n; i++) {
            if (c[i] <= 0)
                continue;
            if (sum < want && (best == n || frac[i] > frac[best]))
                best = i;
            if (sum > want && cp[i] > 0 && (best == n || frac[i] < frac[best]))
                best = i;
        }
        if (best == n)
            break;
        int dir = sum < want ? 1 : -1;
        cp[best] += dir;
        sum += dir;
        frac[best] = dir > 0 ? -1 : 2; /* a slot moves again only after every other slot did */
    }
    return sum;
}

static json_t *jnum_or_null(double v)
{
    return isnan(v) ? json_null() : json_real(v);
}

static json_t *jstr_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static double round2(double v)
{
    return round(v * 100) / 100;
}

static double round3(double v)
{
    return round(v * 1000) / 1000;
}

static json_t *evidence_json(const struct cwt__evidence *e)
{
    return json_pack("{s:o, s:o, s:o}", "url", jstr_or_null(e->url), "what", jstr_or_null(e->what), "snippet",
                     jstr_or_null(e->snippet));
}

static const char *severity_name(enum cwt__severity s)
{
    return s == CWT__SEV_FAIL ? "fail" : s == CWT__SEV_WARN ? "warn" : "info";
}

/* JSON building that remembers a failure: a member or item that could not be made (or added) sets *oom. */
static void jset(bool *oom, json_t *o, const char *key, json_t *v)
{
    if (json_object_set_new(o, key, v))
        *oom = true;
}

static void jpush(bool *oom, json_t *a, json_t *v)
{
    if (json_array_append_new(a, v))
        *oom = true;
}

static json_t *findings_json(const struct cwt__signal *g, bool *oom)
{
    json_t *a = json_array();
    for (size_t i = 0; a && g && i < g->nfindings; i++) {
        const struct cwt__finding *f = &g->findings[i];
        jpush(oom, a, json_pack("{s:s, s:s, s:s, s:o, s:o, s:o}", "code", f->code ? f->code : "",
                                           "severity", severity_name(f->severity), "message",
                                           f->message ? f->message : "", "fix", jstr_or_null(f->fix), "url",
                                           jstr_or_null(f->ev.url), "snippet", jstr_or_null(f->ev.snippet)));
    }
    return a;
}

static json_t *evidence_list(const struct cwt__signal *g, size_t max, bool *oom)
{
    json_t *a = json_array();
    for (size_t i = 0; a && g && i < g->nevidence && i < max; i++)
        jpush(oom, a, evidence_json(&g->evidence[i]));
    return a;
}

static json_t *signal_json(const struct cwt__model *m, const struct slot *s, const struct tally *t, long long cp,
                           bool mand_failed, bool *oom)
{
    const struct cwt__signal *g = s->sig;
    double max_points = 0;
    if (s->scored && t->counted[s->module] && s->measured)
        max_points = m->scale * (m->modules[s->module].weight / t->denom) * s->weight / t->mod_meas_w[s->module];
    json_t *o = json_object();
    if (!o)
        return NULL;
    jset(oom, o, "id", json_string(s->id));
    jset(oom, o, "module", json_string(cwt__module_name(s->module)));
    jset(oom, o, "computed", json_boolean(g != NULL));
    jset(oom, o, "measured", json_boolean(s->measured));
    jset(oom, o, "value", s->measured ? json_real(round3(s->value)) : json_null());
    jset(oom, o, "signal_value", g && s->measured ? json_real(round3(clamp01(g->value))) : json_null());
    jset(oom, o, "confidence", json_real(round3(s->confidence)));
    jset(oom, o, "raw", g && isfinite(g->raw) ? json_real(g->raw) : json_null());
    jset(oom, o, "raw_unit", jstr_or_null(g && isfinite(g->raw) ? g->raw_unit : NULL));
    jset(oom, o, "curve", json_boolean(s->curve_used));
    if (s->curve_note)
        jset(oom, o, "curve_note", json_string(s->curve_note));
    jset(oom, o, "weight", json_real(s->ms ? s->ms->weight : 0));
    jset(oom, o, "preview", json_boolean(!s->scored));
    jset(oom, o, "requirement", json_string(s->ms && s->ms->mandatory ? "mandatory" : "recommended"));
    jset(oom, o, "mandatory_failed", json_boolean(mand_failed));
    jset(oom, o, "gate_failed", json_boolean(s->gate));
    jset(oom, o, "effort", json_string(s->ms ? s->ms->effort : "unknown"));
    jset(oom, o, "contribution", json_real((double)cp / 100));
    jset(oom, o, "max_points", json_real(round2(max_points)));
    jset(oom, o, "summary",
                        json_string(g && g->summary ? g->summary : g ? "no summary" : "not computed by this audit"));
    jset(oom, o, "fix", jstr_or_null(g ? g->fix : NULL));
    jset(oom, o, "evidence", evidence_list(g, CWT__EVIDENCE_MAX, oom));
    jset(oom, o, "findings", findings_json(g, oom));
    /* a reference, not a copy (the signals are not changed once evaluated; score.h) */
    jset(oom, o, "detail", g && g->detail ? json_incref(g->detail) : json_null());
    return o;
}

/* The plain-words fix of a signal for the advice: its own fix, else its first finding's fix, else the model's hint. */
static const char *signal_fix(const struct slot *s)
{
    if (s->sig && s->sig->fix)
        return s->sig->fix;
    for (size_t i = 0; s->sig && i < s->sig->nfindings; i++)
        if (s->sig->findings[i].fix)
            return s->sig->findings[i].fix;
    return s->ms ? s->ms->hint : NULL;
}

struct advice_item {
    size_t slot;
    double gain, priority;
    bool mandatory_failed;
};

static int advice_cmp(const struct advice_item *a, const struct advice_item *b, const struct slot *s)
{
    if (a->mandatory_failed != b->mandatory_failed)
        return a->mandatory_failed ? -1 : 1;
    if (a->priority != b->priority)
        return a->priority > b->priority ? -1 : 1;
    if (a->gain != b->gain)
        return a->gain > b->gain ? -1 : 1;
    return strcmp(s[a->slot].id, s[b->slot].id);
}

static json_t *advice_json(const struct cwt__model *m, struct slot *s, size_t n, const struct tally *now, bool *oom)
{
    struct advice_item items[MAX_SIGS];
    size_t ni = 0;
    for (size_t i = 0; i < n; i++) {
        if (!s[i].scored || (s[i].measured && s[i].value >= 1 && !s[i].gate))
            continue;
        struct slot saved = s[i];
        s[i].measured = true;
        s[i].value = 1;
        s[i].gate = false;
        if (!saved.measured)
            s[i].confidence = 1;
        struct tally *t = cwt_malloc(sizeof *t);
        if (!t) {
            s[i] = saved;
            return NULL;
        }
        tally(m, s, n, t);
        double after = isnan(t->total) ? 0 : t->total;
        cwt_free(t);
        s[i] = saved;
        double gain = round2(after - (isnan(now->total) ? 0 : now->total));
        if (gain <= 0 && !now->mand_failed[i])
            continue;
        items[ni].slot = i;
        items[ni].gain = gain > 0 ? gain : 0;
        items[ni].priority = round3(items[ni].gain / s[i].ms->effort_units);
        items[ni].mandatory_failed = now->mand_failed[i];
        ni++;
    }
    for (size_t i = 1; i < ni; i++) /* insertion sort: at most MAX_SIGS items */
        for (size_t j = i; j > 0 && advice_cmp(&items[j], &items[j - 1], s) < 0; j--) {
            struct advice_item tmp = items[j];
            items[j] = items[j - 1];
            items[j - 1] = tmp;
        }
    json_t *a = json_array();
    for (size_t r = 0; a && r < ni; r++) {
        const struct slot *sl = &s[items[r].slot];
        json_t *fnd = json_array();
        for (size_t f = 0; fnd && sl->sig && f < sl->sig->nfindings; f++) {
            const struct cwt__finding *fi = &sl->sig->findings[f];
            if (fi->severity == CWT__SEV_INFO)
                continue;
            jpush(oom, fnd, json_pack("{s:s, s:s, s:s, s:o, s:o}", "code", fi->code ? fi->code : "",
                                                 "severity", severity_name(fi->severity), "message",
                                                 fi->message ? fi->message : "", "fix", jstr_or_null(fi->fix), "url",
                                                 jstr_or_null(fi->ev.url)));
        }
        const char *fix = signal_fix(sl);
        char nodata[160];
        if (!sl->measured && !fix) {
            snprintf(nodata, sizeof nodata, "no data: make the %s signal measurable (see docs/internals/score.md)",
                     sl->id);
            fix = nodata;
        }
        jpush(
            oom, a, json_pack("{s:i, s:s, s:s, s:s, s:b, s:b, s:f, s:s, s:f, s:f, s:o, s:o, s:o}", "rank", (int)r + 1,
                         "signal", sl->id, "module", cwt__module_name(sl->module), "kind",
                         sl->measured ? "weakness" : "no_data", "mandatory", sl->ms->mandatory, "mandatory_failed",
                         items[r].mandatory_failed, "gain", items[r].gain, "effort", sl->ms->effort, "effort_units",
                         sl->ms->effort_units, "priority", items[r].priority, "fix", jstr_or_null(fix), "findings",
                         fnd ? fnd : json_array(), "evidence", evidence_list(sl->sig, ADVICE_EVIDENCE, oom)));
    }
    return a;
}

static void fill_slot(const struct cwt__model *m, struct slot *sl)
{
    const struct cwt__signal *g = sl->sig;
    sl->scored = sl->ms && !sl->ms->preview;
    sl->weight = sl->ms ? sl->ms->weight : 0;
    if (!g)
        return;
    sl->gate = g->gate_failed;
    sl->measured = g->measured;
    if (!g->measured)
        return;
    sl->value = clamp01(g->value);
    sl->confidence = clamp01(g->confidence);
    const struct cwt__curve *c = sl->ms ? &sl->ms->curve : NULL;
    if (!c || c->n == 0)
        return;
    if (!isfinite(g->raw))
        sl->curve_note = "no raw measurement: the signal's value is used";
    else if (!g->raw_unit || strcmp(g->raw_unit, c->unit) != 0)
        sl->curve_note = "raw unit differs from the curve's: the signal's value is used";
    else {
        double cv = cwt__curve_eval(c, g->raw);
        sl->value = c->combine == CWT__COMBINE_MIN ? CWT_MIN(sl->value, cv) : cv;
        sl->curve_used = true;
    }
    (void)m;
}

static enum cwt_status build_slots(const struct cwt__model *m, const struct cwt__signal *sigs, size_t n,
                                   struct slot *slots, size_t *ns, struct cwt_err *err)
{
    size_t k = 0;
    for (size_t i = 0; i < CWT__MODEL_SIGNALS; i++, k++) {
        memset(&slots[k], 0, sizeof slots[k]);
        slots[k].ms = &m->signals[i];
        slots[k].id = m->signals[i].id;
        slots[k].module = m->signals[i].module;
    }
    for (size_t j = 0; j < n; j++) {
        if (!sigs[j].id || (int)sigs[j].module < 0 || sigs[j].module >= CWT__MOD_COUNT_)
            return cwt_err_setf(err, CWT_EINVAL, "signals", "signal %zu has no id or an unknown module", j);
        size_t at = k;
        for (size_t i = 0; i < k; i++)
            if (strcmp(slots[i].id, sigs[j].id) == 0)
                at = i;
        if (at < k && slots[at].sig)
            return cwt_err_setf(err, CWT_EINVAL, "signals", "signal '%s' given twice", sigs[j].id);
        if (at == k) {
            if (k >= MAX_SIGS)
                return cwt_err_setf(err, CWT_ETOOBIG, "signals", "more than %d signals", MAX_SIGS);
            memset(&slots[k], 0, sizeof slots[k]);
            slots[k].id = sigs[j].id;
            k++;
        }
        slots[at].sig = &sigs[j];
        slots[at].module = slots[at].ms ? slots[at].module : sigs[j].module;
    }
    for (size_t i = 0; i < k; i++)
        fill_slot(m, &slots[i]);
    *ns = k;
    return CWT_OK;
}

static json_t *modules_json(const struct cwt__model *m, const struct tally *t, const long long *cp,
                            const struct slot *s, size_t n, bool *oom)
{
    json_t *o = json_object();
    for (int k = 0; o && k < CWT__MOD_COUNT_; k++) {
        long long pts = 0;
        for (size_t i = 0; i < n; i++)
            if (s[i].module == (enum cwt__module)k)
                pts += cp[i];
        const char *status = t->counted[k]                ? "scored"
                             : t->mod_meas_w[k] <= 0      ? "no_data"
                             : m->modules[k].weight <= 0 ? "not_weighted"
                                                          : "insufficient_data";
        jset(
            oom, o, cwt__module_name((enum cwt__module)k),
            json_pack("{s:o, s:f, s:f, s:f, s:s, s:b, s:f, s:f}", "score",
                      isnan(t->mod_score[k]) ? json_null() : json_real(round2(t->mod_score[k] * m->scale)), "weight",
                      m->modules[k].weight, "coverage", round3(t->mod_cov[k]), "confidence", round3(t->mod_conf[k]),
                      "status", status, "counted", t->counted[k], "contribution", (double)pts / 100, "min_coverage",
                      m->modules[k].min_coverage));
    }
    return o;
}

/* Whether a cap at grade @p letter lowers the band of @p total (NAN: no total, nothing to lower). */
static bool grade_cap_bites(const struct cwt__model *m, const char *letter, double total)
{
    if (isnan(total) || !letter[0])
        return false;
    return cwt__model_grade_find(m, letter) > cwt__model_grade_of(m, total);
}

static json_t *caps_json(const struct cwt__model *m, const struct tally *t, const struct slot *s, size_t n,
                         double total, bool *oom)
{
    json_t *a = json_array();
    for (size_t c = 0; a && c < m->ncaps; c++) {
        if (!t->cap_hit[c])
            continue;
        const struct cwt__model_cap *mc = &m->caps[c];
        jpush(oom, a, json_pack("{s:s, s:s, s:o, s:o, s:b, s:s}", "id", mc->id, "signal", mc->signal,
                                           "max_total", jnum_or_null(mc->max_total), "max_grade",
                                           mc->max_grade[0] ? json_string(mc->max_grade) : json_null(), "applied",
                                           (!isnan(mc->max_total) && t->uncapped > mc->max_total) ||
                                               grade_cap_bites(m, mc->max_grade, total),
                                           "reason", mc->reason));
    }
    for (size_t i = 0; a && i < n; i++) {
        if (!t->mand_failed[i] || !m->mandatory_max_grade[0])
            continue;
        char id[64], reason[256];
        snprintf(id, sizeof id, "mandatory.%s", s[i].id);
        snprintf(reason, sizeof reason, "the mandatory item '%s' failed, so the grade is at most %s", s[i].id,
                 m->mandatory_max_grade);
        jpush(oom, a, json_pack("{s:s, s:s, s:n, s:s, s:b, s:s}", "id", id, "signal", s[i].id, "max_total",
                                           "max_grade", m->mandatory_max_grade, "applied",
                                           grade_cap_bites(m, m->mandatory_max_grade, total), "reason", reason));
    }
    return a;
}

/* The grade of @p total after the caps on the grade; index into m->grades. */
static size_t grade_index(const struct cwt__model *m, const struct tally *t, double total, size_t n, bool *capped)
{
    size_t g = (size_t)(cwt__model_grade_of(m, total) - m->grades);
    *capped = false;
    for (size_t c = 0; c < m->ncaps; c++) {
        if (!t->cap_hit[c] || !m->caps[c].max_grade[0])
            continue;
        size_t cg = (size_t)(cwt__model_grade_find(m, m->caps[c].max_grade) - m->grades);
        if (cg > g) {
            g = cg;
            *capped = true;
        }
    }
    for (size_t i = 0; i < n && m->mandatory_max_grade[0]; i++) {
        if (!t->mand_failed[i])
            continue;
        size_t cg = (size_t)(cwt__model_grade_find(m, m->mandatory_max_grade) - m->grades);
        if (cg > g) {
            g = cg;
            *capped = true;
        }
    }
    return g;
}

enum cwt_status cwt__evaluate(const struct cwt__model *m, const struct cwt__site *site,
                              const struct cwt__signal *sigs, size_t n, json_t **out, struct cwt_err *err)
{
    assert(m && site && (sigs || n == 0));
    *out = NULL;
    struct slot *slots = cwt_calloc(MAX_SIGS, sizeof *slots);
    struct tally *t = cwt_malloc(sizeof *t);
    long long *cp = cwt_calloc(MAX_SIGS, sizeof *cp);
    json_t *ev = NULL;
    size_t ns = 0;
    bool oom = false;
    enum cwt_status rc = CWT_OK;
    if (!slots || !t || !cp) {
        rc = cwt_err_set(err, CWT_ENOMEM, "out of memory evaluating");
        goto out;
    }
    if ((rc = build_slots(m, sigs, n, slots, &ns, err)))
        goto out;
    tally(m, slots, ns, t);
    long long total_cp = isnan(t->total) ? -1 : apportion(t->contrib, ns, t->total, cp);
    double total = (double)total_cp / 100;
    char at[21];
    cwt_time_format_iso(site->at, at);
    double conf = 0, cov = 0;
    for (int k = 0; k < CWT__MOD_COUNT_; k++) {
        conf += m->modules[k].weight * t->mod_conf[k];
        cov += m->modules[k].weight * t->mod_cov[k];
    }
    json_t *grade;
    if (total_cp < 0) {
        grade = json_pack("{s:s, s:s, s:s, s:b, s:b}", "letter", "?", "colour", "#6b7280", "label",
                          "not enough data", "capped", false, "provisional", true);
    } else {
        bool capped;
        const struct cwt__model_grade *g = &m->grades[grade_index(m, t, total, ns, &capped)];
        grade = json_pack("{s:s, s:s, s:s, s:b, s:b}", "letter", g->letter, "colour", g->colour, "label", g->label,
                          "capped", capped, "provisional", cov + 1e-9 < m->provisional_below);
    }
    json_t *sj = json_array();
    for (size_t i = 0; sj && i < ns; i++)
        jpush(&oom, sj, signal_json(m, &slots[i], t, cp[i], t->mand_failed[i], &oom));
    ev = json_pack("{s:s, s:o, s:s, s:{s:s, s:s}, s:o, s:o, s:f, s:f, s:o, s:o, s:o, s:o}", "site",
                   site->url ? site->url : "", "host", jstr_or_null(site->host), "at", at, "model", "id", m->id,
                   "version", m->version, "total", total_cp < 0 ? json_null() : json_real(total), "grade", grade,
                   "confidence", round3(conf), "coverage", round3(cov), "modules", modules_json(m, t, cp, slots, ns, &oom),
                   "signals", sj, "caps", caps_json(m, t, slots, ns, total_cp < 0 ? NAN : total, &oom), "advice",
                   advice_json(m, slots, ns, t, &oom));
    if (!ev || oom) {
        json_decref(ev);
        ev = NULL;
        rc = cwt_err_set(err, CWT_ENOMEM, "out of memory building the evaluation");
    }
out:
    cwt_free(slots);
    cwt_free(t);
    cwt_free(cp);
    *out = ev;
    return rc;
}

enum cwt_status cwt__evaluation_set_crawl(json_t *eval, json_t *crawl)
{
    if (!json_is_object(eval) || (!json_is_array(crawl) && !json_is_object(crawl)))
        return CWT_EINVAL;
    if (json_is_object(crawl))
        return json_object_set(eval, "crawl", crawl) ? CWT_ENOMEM : CWT_OK;
    json_t *o = json_pack("{s:O, s:[]}", "pages", crawl, "notes");
    return o && !json_object_set_new(eval, "crawl", o) ? CWT_OK : CWT_ENOMEM;
}

double cwt__score_values(const struct cwt__model *m, const double values[CWT__MODEL_SIGNALS])
{
    struct slot slots[CWT__MODEL_SIGNALS];
    memset(slots, 0, sizeof slots);
    for (size_t i = 0; i < CWT__MODEL_SIGNALS; i++) {
        struct slot *sl = &slots[i];
        sl->ms = &m->signals[i];
        sl->id = sl->ms->id;
        sl->module = sl->ms->module;
        sl->scored = !sl->ms->preview;
        sl->weight = sl->ms->weight;
        sl->measured = !isnan(values[i]);
        sl->value = clamp01(values[i]);
        sl->confidence = 1;
    }
    struct tally *t = cwt_malloc(sizeof *t);
    if (!t)
        return NAN;
    tally(m, slots, CWT__MODEL_SIGNALS, t);
    double total = t->total;
    cwt_free(t);
    return total;
}
