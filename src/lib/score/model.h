/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The in-memory form of a scoring model (models/<name>.json), shared by the files
 * of the score layer and by its tests. Other layers use score/score.h only.
 * The file format and the maths are documented in docs/internals/score.md.
 */
#ifndef CWT_SCORE_MODEL_H
#define CWT_SCORE_MODEL_H

#include "score/score.h"

#define CWT__MODEL_FILE_MAX (1u << 20) /* bytes of a model file */
#define CWT__CURVE_MAX 32              /* points of one response curve */
#define CWT__GRADES_MAX 8
#define CWT__CAPS_MAX 32
#define CWT__EFFORTS_MAX 8
#define CWT__MODEL_SIGNALS 15          /* the fixed signal ids */
#define CWT__WEIGHT_EPS 1e-6           /* tolerance of "weights sum to 1" */

enum cwt__combine { CWT__COMBINE_REPLACE = 0, CWT__COMBINE_MIN = 1 };

struct cwt__curve {
    size_t n;                     /* 0: no curve */
    double x[CWT__CURVE_MAX], y[CWT__CURVE_MAX];
    char unit[32];
    enum cwt__combine combine;
};

struct cwt__model_signal {
    const char *id;               /* static, from the fixed list */
    enum cwt__module module;
    double weight;                /* within its module; preview signals do not count */
    bool preview;                 /* computed and shown, weight 0 in the total */
    bool mandatory;               /* requirement "mandatory" (else "recommended") */
    char effort[16];              /* effort level name */
    double effort_units;          /* its value in effort_levels, > 0 */
    const char *hint;             /* generic fix when the signal gives none; borrowed from root, may be NULL */
    struct cwt__curve curve;
};

struct cwt__model_module {
    double weight;                /* share of the total; the three sum to 1 */
    double min_coverage;          /* below it the module is not scored */
    double min_confidence;
};

enum cwt__cap_when { CWT__CAP_GATE_FAILED = 0, CWT__CAP_BELOW = 1 };

struct cwt__model_cap {
    char id[64];
    const char *signal;           /* static id */
    enum cwt__cap_when when;
    double below;                 /* for CWT__CAP_BELOW: value under which the cap applies */
    double max_total;             /* NAN: none */
    char max_grade[4];            /* "": none */
    char *reason;
};

struct cwt__model_grade {
    char letter[4];
    double min;
    char colour[16];
    char label[32];
};

struct cwt__model {
    json_t *root;                 /* the file as loaded (owned) */
    const char *id, *version;     /* borrowed from root */
    double scale;                 /* total of a perfect site, 100 */
    struct cwt__model_module modules[CWT__MOD_COUNT_];
    struct cwt__model_signal signals[CWT__MODEL_SIGNALS];
    struct cwt__model_cap caps[CWT__CAPS_MAX];
    size_t ncaps;
    double mandatory_pass;        /* a measured mandatory signal below this fails */
    char mandatory_max_grade[4];
    double provisional_below;     /* overall coverage under which the grade is marked provisional */
    struct cwt__model_grade grades[CWT__GRADES_MAX]; /* best first; the last has min 0 */
    size_t ngrades;
};

/* The fixed signal ids and their modules, in model order. */
extern const struct cwt__signal_id_def {
    const char *id;
    enum cwt__module module;
} cwt__signal_ids[CWT__MODEL_SIGNALS];

/* The model's entry for signal @p id; NULL if none. */
const struct cwt__model_signal *cwt__model_signal(const struct cwt__model *m, const char *id);
/* Evaluates a curve at @p x (clamped at both ends). */
double cwt__curve_eval(const struct cwt__curve *c, double x);
/* The grade band of @p total; never NULL for a valid model. */
const struct cwt__model_grade *cwt__model_grade_of(const struct cwt__model *m, double total);
/* The grade with letter @p letter; NULL if none. */
const struct cwt__model_grade *cwt__model_grade_find(const struct cwt__model *m, const char *letter);

#endif
