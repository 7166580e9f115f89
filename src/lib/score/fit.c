/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the learning of the signal weights: L2-regularised
 * logistic regression (Newton's method, Cholesky solve) of a good outcome
 * (label 1) on the signal values of labelled sites, fitted on a seeded
 * train/test split. The positive coefficients become the effective weights of
 * the signals (module weight x signal weight), so the fitted model ranks
 * complete sites exactly as the regression does; the report measures both
 * models on the held-out rows (AUC, calibration). See docs/internals/score.md.
 */
#include <stdio.h>
#include <stdlib.h>

#include "score/model.h"

#define P_MAX CWT__MODEL_SIGNALS
#define CAL_BINS 5
#define FIT_MIN_MEASURED 10 /* training rows in which a signal must be measured to be fitted */

struct fit_data {
    size_t n, p;
    int feat[P_MAX];            /* index into cwt__signal_ids of feature j (fitted signals) */
    int unfit[P_MAX];           /* scored signals measured in too few training rows: not fitted */
    size_t nunfit;
    double *x;                  /* n x p, missing filled with the training mean */
    double *raw;                /* n x CWT__MODEL_SIGNALS, NAN = not measured (for scoring with models) */
    int *y;
    size_t *order;              /* shuffled row order; the first ntest rows are held out */
    size_t ntest;
};

static uint64_t splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

struct scored {
    double s;
    int y;
};

static int scored_cmp(const void *a, const void *b)
{
    double x = ((const struct scored *)a)->s, y = ((const struct scored *)b)->s;
    return x < y ? -1 : x > y ? 1 : 0;
}

double cwt__auc(const double *score, const int *label, size_t n)
{
    struct scored *v = cwt_malloc((n ? n : 1) * sizeof *v);
    if (!v)
        return NAN;
    size_t npos = 0;
    for (size_t i = 0; i < n; i++) {
        v[i].s = isnan(score[i]) ? -INFINITY : score[i];
        v[i].y = label[i];
        npos += label[i] != 0;
    }
    qsort(v, n, sizeof *v, scored_cmp);
    double ranksum = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && v[j].s == v[i].s)
            j++;
        double avg = ((double)i + 1 + (double)j) / 2; /* ranks i+1..j */
        for (size_t k = i; k < j; k++)
            if (v[k].y)
                ranksum += avg;
        i = j;
    }
    cwt_free(v);
    size_t nneg = n - npos;
    if (npos == 0 || nneg == 0)
        return NAN;
    return (ranksum - (double)npos * ((double)npos + 1) / 2) / ((double)npos * (double)nneg);
}

/* Solves A x = b for symmetric positive definite A (k x k) in place; false if not SPD. */
static bool cholesky_solve(double *a, double *b, size_t k)
{
    for (size_t j = 0; j < k; j++) {
        double d = a[j * k + j];
        for (size_t m = 0; m < j; m++)
            d -= a[j * k + m] * a[j * k + m];
        if (!(d > 1e-300))
            return false;
        a[j * k + j] = sqrt(d);
        for (size_t i = j + 1; i < k; i++) {
            double s = a[i * k + j];
            for (size_t m = 0; m < j; m++)
                s -= a[i * k + m] * a[j * k + m];
            a[i * k + j] = s / a[j * k + j];
        }
    }
    for (size_t i = 0; i < k; i++) { /* L y = b */
        double s = b[i];
        for (size_t m = 0; m < i; m++)
            s -= a[i * k + m] * b[m];
        b[i] = s / a[i * k + i];
    }
    for (size_t i = k; i-- > 0;) { /* L^T x = y */
        double s = b[i];
        for (size_t m = i + 1; m < k; m++)
            s -= a[m * k + i] * b[m];
        b[i] = s / a[i * k + i];
    }
    return true;
}

static double sigmoid(double z)
{
    return z >= 0 ? 1 / (1 + exp(-z)) : exp(z) / (1 + exp(z));
}

static double predict(const double *beta, const double *x, size_t p)
{
    double z = beta[0];
    for (size_t j = 0; j < p; j++)
        z += beta[j + 1] * x[j];
    return sigmoid(z);
}

/* Newton's method on the training rows; beta has p + 1 entries (intercept first). */
static enum cwt_status newton(const struct fit_data *d, double l2, unsigned max_iter, double *beta, unsigned *iters)
{
    size_t k = d->p + 1;
    double *h = cwt_malloc(k * k * sizeof *h), *g = cwt_malloc(k * sizeof *g);
    enum cwt_status rc = CWT_OK;
    if (!h || !g) {
        rc = CWT_ENOMEM;
        goto out;
    }
    memset(beta, 0, k * sizeof *beta);
    for (*iters = 0; *iters < max_iter; (*iters)++) {
        memset(h, 0, k * k * sizeof *h);
        memset(g, 0, k * sizeof *g);
        for (size_t r = d->ntest; r < d->n; r++) {
            size_t i = d->order[r];
            const double *x = d->x + i * d->p;
            double mu = predict(beta, x, d->p), w = mu * (1 - mu), e = d->y[i] - mu;
            for (size_t a = 0; a < k; a++) {
                double xa = a ? x[a - 1] : 1;
                g[a] += xa * e;
                for (size_t b = 0; b <= a; b++)
                    h[a * k + b] += w * xa * (b ? x[b - 1] : 1);
            }
        }
        for (size_t a = 0; a < k; a++) {
            for (size_t b = 0; b < a; b++)
                h[b * k + a] = h[a * k + b];
            if (a) {
                g[a] -= l2 * beta[a];
                h[a * k + a] += l2;
            }
            h[a * k + a] += 1e-9; /* keeps the intercept row positive definite with one class */
        }
        if (!cholesky_solve(h, g, k)) {
            rc = CWT_EINTERNAL;
            goto out;
        }
        double step = 0;
        for (size_t a = 0; a < k; a++) {
            beta[a] += g[a];
            step = CWT_MAX(step, fabs(g[a]));
        }
        if (step < 1e-9)
            break;
    }
out:
    cwt_free(h);
    cwt_free(g);
    return rc;
}

static void fit_data_release(struct fit_data *d)
{
    cwt_free(d->x);
    cwt_free(d->raw);
    cwt_free(d->y);
    cwt_free(d->order);
}

static enum cwt_status load_rows(const struct cwt__model *base, const json_t *rows, const struct cwt__fit_opts *o,
                                 struct fit_data *d, struct cwt_err *err)
{
    memset(d, 0, sizeof *d);
    d->n = json_array_size(rows);
    if (d->n < 20)
        return cwt_err_set(err, CWT_EINVAL, "a fit needs at least 20 labelled rows, not %zu", d->n);
    for (size_t i = 0; i < CWT__MODEL_SIGNALS; i++)
        if (!base->signals[i].preview)
            d->feat[d->p++] = (int)i;
    d->x = cwt_calloc(d->n * d->p, sizeof *d->x);
    d->raw = cwt_calloc(d->n * CWT__MODEL_SIGNALS, sizeof *d->raw);
    d->y = cwt_calloc(d->n, sizeof *d->y);
    d->order = cwt_calloc(d->n, sizeof *d->order);
    if (!d->x || !d->raw || !d->y || !d->order)
        return cwt_err_set(err, CWT_ENOMEM, "out of memory");
    for (size_t i = 0; i < d->n; i++) {
        const json_t *row = json_array_get(rows, i), *vals = json_object_get(row, "values");
        const json_t *lab = json_object_get(row, "label");
        if (!json_is_integer(lab) || (json_integer_value(lab) != 0 && json_integer_value(lab) != 1))
            return cwt_err_setf(err, CWT_EINVAL, "label", "row %zu: field 'label' must be 0 or 1", i + 1);
        d->y[i] = (int)json_integer_value(lab);
        for (size_t s = 0; s < CWT__MODEL_SIGNALS; s++) {
            const json_t *v = json_object_get(vals, cwt__signal_ids[s].id);
            d->raw[i * CWT__MODEL_SIGNALS + s] = json_is_number(v) ? json_number_value(v) : NAN;
        }
        d->order[i] = i;
    }
    uint64_t st = o->seed;
    for (size_t i = d->n - 1; i > 0; i--) { /* Fisher-Yates with the seeded generator */
        size_t j = (size_t)(splitmix64(&st) % (i + 1));
        size_t t = d->order[i];
        d->order[i] = d->order[j];
        d->order[j] = t;
    }
    d->ntest = (size_t)llround((double)d->n * o->test_fraction);
    if (d->ntest < 5 || d->n - d->ntest < 10)
        return cwt_err_set(err, CWT_EINVAL, "test fraction %.2f leaves too few rows to train or test", o->test_fraction);
    size_t kept = 0;
    for (size_t j = 0; j < d->p; j++) { /* fit only signals measured in enough training rows */
        size_t cnt = 0;
        for (size_t r = d->ntest; r < d->n; r++)
            cnt += !isnan(d->raw[d->order[r] * CWT__MODEL_SIGNALS + (size_t)d->feat[j]]);
        if (cnt >= FIT_MIN_MEASURED)
            d->feat[kept++] = d->feat[j];
        else
            d->unfit[d->nunfit++] = d->feat[j];
    }
    d->p = kept;
    if (d->p == 0)
        return cwt_err_set(err, CWT_EINVAL, "no signal is measured in %d or more training rows", FIT_MIN_MEASURED);
    for (size_t j = 0; j < d->p; j++) { /* impute missing values with the training mean */
        size_t s = (size_t)d->feat[j], cnt = 0;
        double sum = 0;
        for (size_t r = d->ntest; r < d->n; r++) {
            double v = d->raw[d->order[r] * CWT__MODEL_SIGNALS + s];
            if (!isnan(v)) {
                sum += v;
                cnt++;
            }
        }
        double mean = cnt ? sum / (double)cnt : 0.5;
        for (size_t i = 0; i < d->n; i++) {
            double v = d->raw[i * CWT__MODEL_SIGNALS + s];
            d->x[i * d->p + j] = isnan(v) ? mean : v;
        }
    }
    size_t pos_train = 0, pos_test = 0;
    for (size_t r = 0; r < d->n; r++)
        *(r < d->ntest ? &pos_test : &pos_train) += (size_t)d->y[d->order[r]];
    if (pos_train == 0 || pos_train == d->n - d->ntest || pos_test == 0 || pos_test == d->ntest)
        return cwt_err_set(err, CWT_EINVAL, "both labels (0 and 1) must occur in the training and the test rows");
    return CWT_OK;
}

/* Rounds @p w (k values summing to 1, or all 0) to 4 decimals that still sum to exactly 1. */
static void round_weights(double *w, size_t k)
{
    long long want = 10000, sum = 0, u[P_MAX];
    double total = 0;
    for (size_t i = 0; i < k; i++)
        total += w[i];
    if (!(total > 0))
        return;
    for (size_t i = 0; i < k; i++) {
        u[i] = (long long)floor(w[i] / total * 10000);
        sum += u[i];
    }
    while (sum < want) { /* largest remainder, at most k steps */
        size_t best = 0;
        double bf = -1;
        for (size_t i = 0; i < k; i++) {
            double f = w[i] / total * 10000 - (double)u[i];
            if (f > bf) {
                bf = f;
                best = i;
            }
        }
        u[best]++;
        sum++;
    }
    for (size_t i = 0; i < k; i++)
        w[i] = (double)u[i] / 10000;
}

static char *next_version(const char *v)
{
    unsigned a, b, c;
    char buf[48];
    if (sscanf(v, "%u.%u.%u", &a, &b, &c) == 3)
        snprintf(buf, sizeof buf, "%u.%u.0", a, b + 1);
    else
        snprintf(buf, sizeof buf, "%.32s-fit", v);
    return cwt_strdup(buf);
}

static json_t *calibration(const struct fit_data *d, const double *beta)
{
    double sum_p[CAL_BINS] = {0}, sum_y[CAL_BINS] = {0};
    size_t cnt[CAL_BINS] = {0};
    for (size_t r = 0; r < d->ntest; r++) {
        size_t i = d->order[r];
        double p = predict(beta, d->x + i * d->p, d->p);
        size_t b = (size_t)(p * CAL_BINS);
        b = b >= CAL_BINS ? CAL_BINS - 1 : b;
        sum_p[b] += p;
        sum_y[b] += d->y[i];
        cnt[b]++;
    }
    json_t *a = json_array();
    for (size_t b = 0; a && b < CAL_BINS; b++)
        json_array_append_new(a, json_pack("{s:f, s:f, s:I, s:o, s:o}", "from", (double)b / CAL_BINS, "to",
                                           (double)(b + 1) / CAL_BINS, "rows", (json_int_t)cnt[b], "mean_predicted",
                                           cnt[b] ? json_real(round(sum_p[b] / (double)cnt[b] * 1000) / 1000)
                                                  : json_null(),
                                           "observed",
                                           cnt[b] ? json_real(round(sum_y[b] / (double)cnt[b] * 1000) / 1000)
                                                  : json_null()));
    return a;
}

static double model_auc(const struct cwt__model *m, const struct fit_data *d, bool test)
{
    size_t from = test ? 0 : d->ntest, to = test ? d->ntest : d->n, k = to - from;
    double *s = cwt_malloc(k * sizeof *s);
    int *y = cwt_malloc(k * sizeof *y);
    double auc = NAN;
    if (s && y) {
        for (size_t r = from; r < to; r++) {
            size_t i = d->order[r];
            s[r - from] = cwt__score_values(m, d->raw + i * CWT__MODEL_SIGNALS);
            y[r - from] = d->y[i];
        }
        auc = cwt__auc(s, y, k);
    }
    cwt_free(s);
    cwt_free(y);
    return auc;
}

static double logistic_auc(const struct fit_data *d, const double *beta)
{
    double *sc = cwt_malloc(d->ntest * sizeof *sc);
    int *y = cwt_malloc(d->ntest * sizeof *y);
    double auc = NAN;
    if (sc && y) {
        for (size_t r = 0; r < d->ntest; r++) {
            size_t i = d->order[r];
            sc[r] = predict(beta, d->x + i * d->p, d->p);
            y[r] = d->y[i];
        }
        auc = cwt__auc(sc, y, d->ntest);
    }
    cwt_free(sc);
    cwt_free(y);
    return auc;
}

static double r3(double v)
{
    return round(v * 1000) / 1000;
}

/* Effective weight of each signal in the total when all are measured. */
static void effective_weights(const struct cwt__model *m, double *eff)
{
    for (size_t i = 0; i < CWT__MODEL_SIGNALS; i++)
        eff[i] = m->signals[i].preview ? 0 : m->modules[m->signals[i].module].weight * m->signals[i].weight;
}

/* Writes the fitted weights into a copy of the base model file. */
static enum cwt_status new_model_json(const struct cwt__model *base, const struct fit_data *d, const double *beta,
                                      const struct cwt__fit_opts *o, double *mw, double *sw, json_t **out,
                                      struct cwt_err *err)
{
    /* Effective weights (module weight x signal weight): fitted signals share what the signals that
     * could not be fitted leave, in proportion to their positive coefficients; the others keep theirs. */
    double e[CWT__MODEL_SIGNALS] = {0}, msum[CWT__MOD_COUNT_] = {0}, all = 0, reserved = 0, fitted_sum = 0;
    double base_eff[CWT__MODEL_SIGNALS];
    effective_weights(base, base_eff);
    for (size_t j = 0; j < d->nunfit; j++)
        reserved += base_eff[d->unfit[j]];
    for (size_t j = 0; j < d->p; j++)
        fitted_sum += beta[j + 1] > 0 ? beta[j + 1] : 0;
    if (!(fitted_sum > 0))
        return cwt_err_set(err, CWT_EINVAL, "the fit found no signal whose higher value predicts label 1");
    for (size_t j = 0; j < d->p; j++)
        e[d->feat[j]] = (beta[j + 1] > 0 ? beta[j + 1] : 0) / fitted_sum * (1 - reserved);
    for (size_t j = 0; j < d->nunfit; j++)
        e[d->unfit[j]] = base_eff[d->unfit[j]];
    for (size_t s = 0; s < CWT__MODEL_SIGNALS; s++) {
        msum[base->signals[s].module] += e[s];
        all += e[s];
    }
    for (size_t s = 0; s < CWT__MODEL_SIGNALS; s++)
        sw[s] = base->signals[s].weight; /* preview signals and all-zero modules keep theirs */
    for (int k = 0; k < CWT__MOD_COUNT_; k++) {
        mw[k] = msum[k] / all;
        double w[P_MAX];
        size_t idx[P_MAX], nk = 0;
        for (size_t s = 0; s < CWT__MODEL_SIGNALS; s++) {
            if (base->signals[s].module == (enum cwt__module)k && !base->signals[s].preview) {
                idx[nk] = s;
                w[nk++] = e[s];
            }
        }
        if (msum[k] > 0) {
            round_weights(w, nk);
            for (size_t i = 0; i < nk; i++)
                sw[idx[i]] = w[i];
        }
    }
    round_weights(mw, CWT__MOD_COUNT_);
    json_t *root = json_deep_copy(base->root);
    char *ver = o->version ? cwt_strdup(o->version) : next_version(base->version);
    enum cwt_status rc = CWT_OK;
    if (!root || !ver) {
        rc = cwt_err_set(err, CWT_ENOMEM, "out of memory");
        goto out;
    }
    json_object_set_new(root, "version", json_string(ver));
    if (o->date)
        json_object_set_new(root, "date", json_string(o->date));
    json_t *mods = json_object_get(root, "modules"), *sigs = json_object_get(root, "signals");
    for (int k = 0; k < CWT__MOD_COUNT_; k++)
        json_object_set_new(json_object_get(mods, cwt__module_name((enum cwt__module)k)), "weight",
                            json_real(mw[k]));
    for (size_t s = 0; s < CWT__MODEL_SIGNALS; s++)
        json_object_set_new(json_object_get(sigs, cwt__signal_ids[s].id), "weight", json_real(sw[s]));
    char changes[512];
    snprintf(changes, sizeof changes,
             "Signal and module weights fitted from %s %s by L2-regularised logistic regression "
             "(lambda %g, seed %llu, %zu training and %zu held-out rows); see the model card.",
             base->id, base->version, o->l2, (unsigned long long)o->seed, d->n - d->ntest, d->ntest);
    const char *date = o->date ? o->date
                       : json_is_string(json_object_get(root, "date")) ? json_string_value(json_object_get(root, "date"))
                                                                       : "unknown";
    json_t *entry = json_pack("{s:s, s:s, s:s}", "version", ver, "date", date, "changes", changes);
    if (!entry || json_array_insert_new(json_object_get(root, "changelog"), 0, entry)) {
        rc = cwt_err_set(err, CWT_ENOMEM, "out of memory");
        goto out;
    }
    json_t *coef = json_object();
    for (size_t j = 0; coef && j < d->p; j++)
        json_object_set_new(coef, cwt__signal_ids[d->feat[j]].id, json_real(round(beta[j + 1] * 1e4) / 1e4));
    json_object_set_new(root, "fit",
                        json_pack("{s:s, s:f, s:I, s:I, s:I, s:f, s:o}", "method", "l2-logistic-regression", "l2",
                                  o->l2, "seed", (json_int_t)o->seed, "train_rows", (json_int_t)(d->n - d->ntest),
                                  "test_rows", (json_int_t)d->ntest, "intercept", round(beta[0] * 1e4) / 1e4,
                                  "coefficients", coef));
    *out = root;
    root = NULL;
out:
    json_decref(root);
    cwt_free(ver);
    return rc;
}

static json_t *changes_json(const struct cwt__model *a, const struct cwt__model *b)
{
    double ea[CWT__MODEL_SIGNALS], eb[CWT__MODEL_SIGNALS];
    effective_weights(a, ea);
    effective_weights(b, eb);
    json_t *sig = json_array(), *mod = json_array();
    for (size_t s = 0; sig && s < CWT__MODEL_SIGNALS; s++)
        json_array_append_new(sig, json_pack("{s:s, s:s, s:f, s:f, s:f, s:f, s:b}", "signal", a->signals[s].id,
                                             "module", cwt__module_name(a->signals[s].module), "old_weight",
                                             a->signals[s].weight, "new_weight", b->signals[s].weight, "old_share",
                                             r3(ea[s]), "new_share", r3(eb[s]), "preview", a->signals[s].preview));
    for (int k = 0; mod && k < CWT__MOD_COUNT_; k++)
        json_array_append_new(mod, json_pack("{s:s, s:f, s:f}", "module", cwt__module_name((enum cwt__module)k),
                                             "old_weight", a->modules[k].weight, "new_weight", b->modules[k].weight));
    return json_pack("{s:o, s:o}", "modules", mod, "signals", sig);
}

enum cwt_status cwt__model_fit(const struct cwt__model *base, const json_t *rows, const struct cwt__fit_opts *opts,
                               json_t **model_out, json_t **report_out, struct cwt_err *err)
{
    *model_out = *report_out = NULL;
    struct cwt__fit_opts o = *opts;
    if (!(o.l2 >= 0) || o.l2 > 1e6)
        o.l2 = 1.0;
    if (!(o.test_fraction > 0 && o.test_fraction < 1))
        o.test_fraction = 0.3;
    if (o.max_iter == 0 || o.max_iter > 200)
        o.max_iter = 50;
    struct fit_data d;
    struct cwt__model *fitted = NULL;
    json_t *model = NULL;
    double beta[P_MAX + 1], mw[CWT__MOD_COUNT_], sw[CWT__MODEL_SIGNALS];
    unsigned iters = 0;
    enum cwt_status rc = load_rows(base, rows, &o, &d, err);
    if (rc)
        goto out;
    if ((rc = newton(&d, o.l2, o.max_iter, beta, &iters))) {
        cwt_err_set(err, rc, "the logistic regression did not converge (try a larger --l2)");
        goto out;
    }
    if ((rc = new_model_json(base, &d, beta, &o, mw, sw, &model, err)))
        goto out;
    if ((rc = cwt__model_from_json(model, &fitted, err)))
        goto out;
    size_t pos_train = 0, pos_test = 0;
    for (size_t r = 0; r < d.n; r++)
        *(r < d.ntest ? &pos_test : &pos_train) += (size_t)d.y[d.order[r]];
    json_t *coef = json_object();
    for (size_t j = 0; coef && j < d.p; j++)
        json_object_set_new(coef, cwt__signal_ids[d.feat[j]].id, json_real(round(beta[j + 1] * 1e4) / 1e4));
    *report_out = json_pack(
        "{s:{s:s, s:s}, s:{s:s, s:s, s:o}, s:{s:I, s:I, s:I, s:I, s:I, s:I}, s:{s:s, s:f, s:I, s:f, s:i}, "
        "s:{s:o, s:o, s:o, s:o}, s:o, s:f, s:o, s:o}",
        "base", "id", base->id, "version", base->version, "model", "id", fitted->id, "version", fitted->version,
        "date", json_is_string(json_object_get(model, "date")) ? json_incref(json_object_get(model, "date"))
                                                                : json_string("unknown"),
        "data", "rows", (json_int_t)d.n, "train_rows", (json_int_t)(d.n - d.ntest), "test_rows", (json_int_t)d.ntest,
        "train_positive", (json_int_t)pos_train, "test_positive", (json_int_t)pos_test, "features", (json_int_t)d.p,
        "method", "name", "l2-logistic-regression", "l2", o.l2, "seed", (json_int_t)o.seed, "test_fraction",
        o.test_fraction, "iterations", (int)iters, "auc", "base_test", json_real(r3(model_auc(base, &d, true))),
        "fitted_test", json_real(r3(model_auc(fitted, &d, true))), "fitted_train",
        json_real(r3(model_auc(fitted, &d, false))), "logistic_test", json_real(r3(logistic_auc(&d, beta))),
        "calibration", calibration(&d, beta), "intercept", round(beta[0] * 1e4) / 1e4, "coefficients", coef,
        "changes", changes_json(base, fitted));
    json_t *unfit = json_array();
    for (size_t j = 0; unfit && j < d.nunfit; j++)
        json_array_append_new(unfit, json_string(cwt__signal_ids[d.unfit[j]].id));
    if (*report_out && json_object_set_new(*report_out, "not_fitted", unfit)) {
        json_decref(*report_out);
        *report_out = NULL;
    }
    if (!*report_out) {
        rc = cwt_err_set(err, CWT_ENOMEM, "out of memory");
        goto out;
    }
    *model_out = model;
    model = NULL;
out:
    cwt__model_free(fitted);
    json_decref(model);
    fit_data_release(&d);
    return rc;
}
