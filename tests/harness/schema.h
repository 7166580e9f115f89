/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A small JSON Schema validator for tests only. Debian 12 packages no JSON
 * Schema library for C, so this checks the subset cwtap's schemas use: type
 * (string or array of names), required, properties, items, enum, minimum,
 * maximum, additionalProperties: false, and "$ref": "#/$defs/NAME". Other
 * keywords are ignored, which is why the schemas stay within the subset.
 */
#ifndef CWT_H_SCHEMA_H
#define CWT_H_SCHEMA_H

#include <jansson.h>
#include <stddef.h>

/* Validates @p doc against @p schema; 0 when valid, else -1 with the first error in @p msg (path + reason). */
int h_schema_validate(const json_t *schema, const json_t *doc, char *msg, size_t msglen);
/* Loads a schema file (path relative to the source root) and validates; same result as above. */
int h_schema_validate_file(const char *schema_rel, const json_t *doc, char *msg, size_t msglen);

#endif
