/* SPDX-License-Identifier: Apache-2.0 */
/* Sample evaluations for report tests: made from hand-built signals and the default model. */
#ifndef CWT_H_SAMPLE_H
#define CWT_H_SAMPLE_H

#include <jansson.h>

enum h_sample { H_SAMPLE_STRONG, H_SAMPLE_WEAK, H_SAMPLE_HOSTILE };

/*
 * An evaluation (new reference) of a made-up site by models/cwtap-model-v1.json:
 * STRONG an exporter with most signals good, WEAK one with an expired
 * certificate and missing privacy policy, HOSTILE one whose snippets carry
 * markup, terminal escapes and javascript: URLs. NULL on failure.
 */
json_t *h_sample_evaluation(enum h_sample which);

#endif
