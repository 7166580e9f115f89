/* SPDX-License-Identifier: Apache-2.0 */
/* Sample evaluations for report tests: made from hand-built signals and the default model. */
#ifndef CWT_H_SAMPLE_H
#define CWT_H_SAMPLE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct cwt__model;
struct cwt__signal;

enum h_sample { H_SAMPLE_STRONG, H_SAMPLE_WEAK, H_SAMPLE_HOSTILE };

/*
 * An evaluation (new reference) of a made-up site by models/cwtap-model-v1.json:
 * STRONG an exporter with most signals good, WEAK one with an expired
 * certificate and missing privacy policy, HOSTILE one whose snippets carry
 * markup, terminal escapes and javascript: URLs. NULL on failure.
 */
json_t *h_sample_evaluation(enum h_sample which);

/*
 * models/cwtap-model-v1.json as version "2.0.0-test" without the content
 * module (basic and operational weigh 0.5 each): a second model version whose
 * scores differ, for the model preview's tests. JSON text; caller frees.
 */
char *h_model_v2_text(void);

/* models/cwtap-model-v1.json, loaded (free with cwt__model_free()); NULL with a message on stderr. */
struct cwt__model *h_model_default(void);
/* A uniform double in [0, 1) from the splitmix64 generator seeded by *state (deterministic). */
double h_rng_unit(uint64_t *state);
/* Initialises the first @p n of the fifteen fixed signals, in model order: measured, value @p v,
 * confidence 1. Release each with cwt__signal_release(). */
void h_signals_fill(struct cwt__signal *s, size_t n, double v);
/* Evaluates @p n signals of a fixed made-up site with @p m; NULL (message on stderr) on error. */
json_t *h_evaluate(const struct cwt__model *m, const struct cwt__signal *s, size_t n);

/* Index of @p id among the fixed signal ids (model order); aborts the test program if unknown. */
size_t h_signal_index(const char *id);

#endif
