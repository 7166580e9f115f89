/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The mark's state machine (docs/internals/mark.md): events and time turn a
 * site's state from "not integrated" to "green" and back. Pure logic: the
 * store persists struct cwt__mark, the worker and the server feed events, and
 * every change the machine reports is appended to the hash-chained log
 * (program/chainlog.h). Times are UTC Unix seconds and always explicit.
 */
#ifndef CWT_PROGRAM_MARK_H
#define CWT_PROGRAM_MARK_H

#include "program/policy.h"

enum cwt__mark_state {
    CWT__MARK_NOT_INTEGRATED = 0, /* the SDK tag with the site id is not on the home page */
    CWT__MARK_EVALUATING = 1,     /* integrated; the initial evaluation is pending */
    CWT__MARK_BELOW_THRESHOLD = 2,/* evaluated, below the threshold; no mark */
    CWT__MARK_GREEN_DATA_DUE = 3, /* green mark shown; the three uploads are due */
    CWT__MARK_GREEN = 4,          /* green mark shown; duties met */
    CWT__MARK_DOWNGRADED = 5,     /* the upload window was missed; reviews locked */
    CWT__MARK_SUSPENDED = 6,      /* a later evaluation fell below; mark hidden, no weighting */
    CWT__MARK_STATE_COUNT_
};

/* The stable name of @p s ("green_data_due"); "unknown" when out of range. */
const char *cwt__mark_state_name(enum cwt__mark_state s);
/* Parses a name of cwt__mark_state_name(); CWT_EINVAL when unknown. */
enum cwt_status cwt__mark_state_parse(const char *s, enum cwt__mark_state *out);
/* True in the states that show the green mark (green_data_due, green). */
bool cwt__mark_shows_green(enum cwt__mark_state s);

enum cwt__mark_event_kind {
    CWT__EV_INTEGRATION_FOUND = 0, /* the crawler found the SDK tag with the right site id */
    CWT__EV_INTEGRATION_LOST = 1,  /* the crawler no longer finds it */
    CWT__EV_EVALUATED = 2,         /* an evaluation finished: score, meets_enter, meets_stay */
    CWT__EV_UPLOAD_ACCEPTED = 3,   /* one of the three uploads was accepted: upload */
    CWT__EV_TICK = 4,              /* the clock moved (the scheduler) */
    CWT__EV_REVIEW_REQUESTED = 5,  /* the enterprise asks for a score review */
};

struct cwt__mark_event {
    enum cwt__mark_event_kind kind;
    int64_t at;          /* when it happened, UTC Unix seconds */
    double score;        /* EVALUATED: the total */
    bool meets_enter;    /* EVALUATED: meets the threshold to obtain (or regain) the mark */
    bool meets_stay;     /* EVALUATED: meets the lower line that keeps a held mark (hysteresis) */
    enum cwt__upload_kind upload; /* UPLOAD_ACCEPTED */
};

/* The persisted state of one site's mark. Zero-initialised = not integrated. */
struct cwt__mark {
    enum cwt__mark_state state;
    int64_t since;               /* when the current state was entered */
    int64_t integrated_at;       /* when integration was (last) found; 0 when not integrated */
    int64_t qualified_at;        /* first evaluation that met the threshold since integration (pools) */
    int64_t green_at;            /* when the current green mark was obtained; starts the duty window */
    int64_t duty_due_at;         /* the window's end, fixed when the mark turned green (0: none open) */
    int lock_months;             /* the review lock a missed window brings, fixed with duty_due_at */
    int64_t uploaded_at[CWT__UPLOAD_COUNT_]; /* uploads accepted in the window; 0 = not yet */
    bool duties_met;             /* all three uploads accepted within the window */
    int64_t downgraded_at;       /* when the last downgrade happened (the window's end) */
    int64_t review_locked_until; /* score reviews refused before this instant; 0 = never locked */
    bool has_score;
    double score;                /* the last evaluation's total */
    int64_t evaluated_at;
};

/* One state change, for the log and the caller. */
struct cwt__mark_change {
    enum cwt__mark_state from, to;
    int64_t at;
    char reason[192];
};

/* At most this many changes come out of one event (the clock may act first). */
#define CWT__MARK_MAX_CHANGES 3

/*
 * Applies @p ev to @p m under policy @p p. First the clock is advanced to
 * ev->at (a missed upload window downgrades the mark at the window's end),
 * then the event acts. Each state change is written to @p changes (room for
 * CWT__MARK_MAX_CHANGES) and counted in *n_changes.
 * Errors: CWT_ELOCKED for a review requested before the lock ends (the message
 * and err->field name the instant the lock ends; the review does nothing, but
 * changes the clock made are applied and reported), CWT_EPERM for
 * a review of a site that is not integrated, CWT_EINVAL for an event older
 * than the mark's last change or a malformed event.
 */
enum cwt_status cwt__mark_apply(struct cwt__mark *m, const struct cwt__program_policy *p,
                                const struct cwt__mark_event *ev, struct cwt__mark_change changes[],
                                size_t *n_changes, struct cwt_err *err);

/* The instant the mark changes by itself (the end of an open upload window), or 0. */
int64_t cwt__mark_next_deadline(const struct cwt__mark *m, const struct cwt__program_policy *p);

/*
 * The end of the upload window of the current green mark: duty_due_at, fixed
 * by the policy in force when the mark turned green (a later policy change
 * does not move it); green_at + p->duty_window_s for a mark written before
 * duty_due_at existed. 0 when the mark has no window.
 */
int64_t cwt__mark_duty_due(const struct cwt__mark *m, const struct cwt__program_policy *p);

/*
 * Whether a score review may be requested at @p at: CWT_OK, or CWT_ELOCKED with
 * *until set to the instant the lock ends (0 when not locked).
 */
enum cwt_status cwt__mark_review_allowed(const struct cwt__mark *m, int64_t at, int64_t *until);

#endif
