/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The report layer: renders an evaluation (the JSON object made by
 * cwt__evaluate) as terminal text, JSON, a self-contained HTML page, or CSV
 * rows. (Contract; report owns the implementation.)
 */
#ifndef CWT_REPORT_H
#define CWT_REPORT_H

#include <jansson.h>

#include "util/common.h"

/* Each returns a NUL-terminated string the caller frees with cwt_free(). */
enum cwt_status cwt__render_text(const json_t *eval, bool color, char **out);
enum cwt_status cwt__render_html(const json_t *eval, char **out);
enum cwt_status cwt__render_csv(const json_t *eval, bool header, char **out);
/* The evaluation as json_dumps(eval, JSON_INDENT(2)) writes it, byte for byte, faster (render_json.c). */
enum cwt_status cwt__render_json(const json_t *eval, char **out);

#endif
