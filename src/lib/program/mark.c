/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the mark's state machine of docs/internals/mark.md:
 * integration found or lost, evaluations (with the threshold's hysteresis
 * decided by the caller through meets_enter/meets_stay), accepted uploads, the
 * clock, and score-review requests. The 72-hour window is half-open: an upload
 * at green_at + window - 1 s counts, one at green_at + window does not, and the
 * mark is downgraded at exactly green_at + window, whenever the next event or
 * tick arrives. The review lock ends review_lock_months after the downgrade,
 * clamped to month ends (cwt_time_add_months).
 */
#include <stdarg.h>
#include <stdio.h>

#include "program/mark.h"
#include "util/timeutil.h"

static const char *const state_names[CWT__MARK_STATE_COUNT_] = {
    "not_integrated", "evaluating", "below_threshold", "green_data_due", "green", "downgraded", "suspended",
};

const char *cwt__mark_state_name(enum cwt__mark_state s)
{
    return (unsigned)s < CWT__MARK_STATE_COUNT_ ? state_names[s] : "unknown";
}

enum cwt_status cwt__mark_state_parse(const char *s, enum cwt__mark_state *out)
{
    for (unsigned i = 0; s && i < CWT__MARK_STATE_COUNT_; i++)
        if (strcmp(s, state_names[i]) == 0) {
            *out = (enum cwt__mark_state)i;
            return CWT_OK;
        }
    return CWT_EINVAL;
}

bool cwt__mark_shows_green(enum cwt__mark_state s)
{
    return s == CWT__MARK_GREEN_DATA_DUE || s == CWT__MARK_GREEN;
}

struct changes {
    struct cwt__mark_change *v;
    size_t n;
};

/* Moves @p m to @p to at @p at and records the change; a no-op when the state is already @p to. */
static void go(struct cwt__mark *m, struct changes *ch, enum cwt__mark_state to, int64_t at, const char *fmt, ...)
    CWT_PRINTF(5, 6);

static void go(struct cwt__mark *m, struct changes *ch, enum cwt__mark_state to, int64_t at, const char *fmt, ...)
{
    assert(ch->n < CWT__MARK_MAX_CHANGES);
    if (m->state == to)
        return;
    struct cwt__mark_change *c = &ch->v[ch->n++];
    c->from = m->state;
    c->to = to;
    c->at = at;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->reason, sizeof c->reason, fmt, ap);
    va_end(ap);
    m->state = to;
    m->since = at;
}

static bool duty_open(const struct cwt__mark *m)
{
    return m->green_at != 0 && !m->duties_met &&
           (m->state == CWT__MARK_GREEN_DATA_DUE || m->state == CWT__MARK_SUSPENDED);
}

int64_t cwt__mark_duty_due(const struct cwt__mark *m, const struct cwt__program_policy *p)
{
    if (!m->green_at)
        return 0;
    return m->duty_due_at ? m->duty_due_at : m->green_at + p->duty_window_s;
}

int64_t cwt__mark_next_deadline(const struct cwt__mark *m, const struct cwt__program_policy *p)
{
    return duty_open(m) ? cwt__mark_duty_due(m, p) : 0;
}

enum cwt_status cwt__mark_review_allowed(const struct cwt__mark *m, int64_t at, int64_t *until)
{
    if (m->review_locked_until != 0 && at < m->review_locked_until) {
        *until = m->review_locked_until;
        return CWT_ELOCKED;
    }
    *until = 0;
    return CWT_OK;
}

static void missing_uploads(const struct cwt__mark *m, char *out, size_t n)
{
    size_t len = 0;
    out[0] = '\0';
    for (unsigned k = 0; k < CWT__UPLOAD_COUNT_; k++)
        if (!m->uploaded_at[k]) {
            int w = snprintf(out + len, n - len, "%s%s", len ? ", " : "", cwt__upload_kind_name(k));
            if (w < 0 || (size_t)w >= n - len)
                break;
            len += (size_t)w;
        }
}

/* The clock: an open upload window that has ended downgrades the mark at its end. */
static void advance(struct cwt__mark *m, const struct cwt__program_policy *p, int64_t at, struct changes *ch)
{
    if (!duty_open(m))
        return;
    int64_t due = cwt__mark_duty_due(m, p);
    if (at < due)
        return;
    char miss[64], lock[21];
    missing_uploads(m, miss, sizeof miss);
    if (!m->duty_due_at)
        m->lock_months = p->review_lock_months; /* a mark written before the terms were kept */
    m->downgraded_at = due;
    m->review_locked_until = cwt_time_add_months(due, m->lock_months);
    m->green_at = 0;
    m->duty_due_at = 0;
    cwt_time_format_iso(m->review_locked_until, lock);
    go(m, ch, CWT__MARK_DOWNGRADED, due, "upload window closed without %s; score reviews locked until %s", miss,
       lock);
}

/* The terms of the window (its end, the lock a miss brings) are the policy's at this instant. */
static void start_green(struct cwt__mark *m, const struct cwt__program_policy *p, int64_t at)
{
    m->green_at = at;
    m->duty_due_at = at + p->duty_window_s;
    m->lock_months = p->review_lock_months;
    m->duties_met = false;
    memset(m->uploaded_at, 0, sizeof m->uploaded_at);
    if (!m->qualified_at)
        m->qualified_at = at;
}

static void on_evaluated(struct cwt__mark *m, const struct cwt__program_policy *p, const struct cwt__mark_event *ev,
                         struct changes *ch)
{
    m->has_score = true;
    m->score = ev->score;
    m->evaluated_at = ev->at;
    switch (m->state) {
    case CWT__MARK_EVALUATING:
    case CWT__MARK_BELOW_THRESHOLD:
        if (ev->meets_enter) {
            start_green(m, p, ev->at);
            go(m, ch, CWT__MARK_GREEN_DATA_DUE, ev->at, "evaluation %.1f meets the threshold: green mark, uploads due",
               ev->score);
        } else {
            go(m, ch, CWT__MARK_BELOW_THRESHOLD, ev->at, "evaluation %.1f is below the threshold", ev->score);
        }
        break;
    case CWT__MARK_GREEN_DATA_DUE:
    case CWT__MARK_GREEN:
        if (!ev->meets_stay)
            go(m, ch, CWT__MARK_SUSPENDED, ev->at, "evaluation %.1f fell below the threshold: mark suspended",
               ev->score);
        break;
    case CWT__MARK_SUSPENDED:
        if (ev->meets_enter)
            go(m, ch, m->duties_met ? CWT__MARK_GREEN : CWT__MARK_GREEN_DATA_DUE, ev->at,
               "evaluation %.1f meets the threshold again: mark restored", ev->score);
        break;
    case CWT__MARK_NOT_INTEGRATED:
    case CWT__MARK_DOWNGRADED:
    default:
        break; /* the score is recorded; the state does not move */
    }
}

static void on_upload(struct cwt__mark *m, const struct cwt__mark_event *ev, struct changes *ch)
{
    if (!duty_open(m))
        return; /* outside a window an upload updates the data but not the mark */
    if (!m->uploaded_at[ev->upload])
        m->uploaded_at[ev->upload] = ev->at;
    for (unsigned k = 0; k < CWT__UPLOAD_COUNT_; k++)
        if (!m->uploaded_at[k])
            return;
    m->duties_met = true;
    if (m->state == CWT__MARK_GREEN_DATA_DUE)
        go(m, ch, CWT__MARK_GREEN, ev->at, "all three uploads accepted within the window");
}

static enum cwt_status on_review(struct cwt__mark *m, const struct cwt__mark_event *ev, struct changes *ch,
                                 struct cwt_err *err)
{
    int64_t until;
    if (cwt__mark_review_allowed(m, ev->at, &until) != CWT_OK) {
        char u[21], d[21];
        cwt_time_format_iso(until, u);
        cwt_time_format_iso(m->downgraded_at, d);
        return cwt_err_setf(err, CWT_ELOCKED, u,
                            "score review refused until %s: the mark was downgraded on %s and reviews are "
                            "locked for %d months",
                            u, d, m->lock_months);
    }
    if (m->state == CWT__MARK_NOT_INTEGRATED)
        return cwt_err_setf(err, CWT_EPERM, "state", "score review refused: the site is not integrated");
    if (m->state == CWT__MARK_DOWNGRADED || m->state == CWT__MARK_BELOW_THRESHOLD)
        go(m, ch, CWT__MARK_EVALUATING, ev->at, "score review requested");
    return CWT_OK;
}

static void on_integration_found(struct cwt__mark *m, int64_t at, struct changes *ch)
{
    if (m->state != CWT__MARK_NOT_INTEGRATED)
        return;
    m->integrated_at = at;
    if (m->review_locked_until != 0 && at < m->review_locked_until) {
        char u[21];
        cwt_time_format_iso(m->review_locked_until, u);
        go(m, ch, CWT__MARK_DOWNGRADED, at, "integration found; still downgraded, reviews locked until %s", u);
        return;
    }
    go(m, ch, CWT__MARK_EVALUATING, at, "integration found: the SDK tag with the site id is on the home page");
}

static void on_integration_lost(struct cwt__mark *m, int64_t at, struct changes *ch)
{
    if (m->state == CWT__MARK_NOT_INTEGRATED)
        return;
    m->integrated_at = 0;
    m->qualified_at = 0;
    m->green_at = 0;
    m->duty_due_at = 0;
    m->duties_met = false;
    memset(m->uploaded_at, 0, sizeof m->uploaded_at);
    go(m, ch, CWT__MARK_NOT_INTEGRATED, at, "integration lost: the SDK tag with the site id is gone");
}

enum cwt_status cwt__mark_apply(struct cwt__mark *m, const struct cwt__program_policy *p,
                                const struct cwt__mark_event *ev, struct cwt__mark_change changes[],
                                size_t *n_changes, struct cwt_err *err)
{
    *n_changes = 0;
    if ((unsigned)m->state >= CWT__MARK_STATE_COUNT_)
        return cwt_err_setf(err, CWT_EINVAL, "state", "unknown mark state %d", (int)m->state);
    if (ev->at < m->since)
        return cwt_err_setf(err, CWT_EINVAL, "at", "event at %lld is older than the mark's last change at %lld",
                            (long long)ev->at, (long long)m->since);
    if (ev->kind == CWT__EV_UPLOAD_ACCEPTED && (unsigned)ev->upload >= CWT__UPLOAD_COUNT_)
        return cwt_err_setf(err, CWT_EINVAL, "upload", "unknown upload kind %d", (int)ev->upload);
    struct changes ch = {changes, 0};
    enum cwt_status rc = CWT_OK;
    advance(m, p, ev->at, &ch);
    switch (ev->kind) {
    case CWT__EV_INTEGRATION_FOUND:
        on_integration_found(m, ev->at, &ch);
        break;
    case CWT__EV_INTEGRATION_LOST:
        on_integration_lost(m, ev->at, &ch);
        break;
    case CWT__EV_EVALUATED:
        on_evaluated(m, p, ev, &ch);
        break;
    case CWT__EV_UPLOAD_ACCEPTED:
        on_upload(m, ev, &ch);
        break;
    case CWT__EV_TICK:
        break;
    case CWT__EV_REVIEW_REQUESTED:
        rc = on_review(m, ev, &ch, err);
        break;
    default:
        rc = cwt_err_setf(err, CWT_EINVAL, "kind", "unknown event kind %d", (int)ev->kind);
        break;
    }
    *n_changes = ch.n;
    return rc;
}
