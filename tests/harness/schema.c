/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the tests' JSON Schema validator for the subset of
 * keywords listed in schema.h, reporting the JSON path of the first error.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "schema.h"

#define MAX_DEPTH 64

struct vctx {
    const json_t *root;
    char *msg;
    size_t msglen;
};

static int fail(struct vctx *c, const char *path, const char *what)
{
    snprintf(c->msg, c->msglen, "%s: %s", path[0] ? path : "(root)", what);
    return -1;
}

static int type_ok(const char *t, const json_t *d)
{
    if (strcmp(t, "object") == 0)
        return json_is_object(d);
    if (strcmp(t, "array") == 0)
        return json_is_array(d);
    if (strcmp(t, "string") == 0)
        return json_is_string(d);
    if (strcmp(t, "boolean") == 0)
        return json_is_boolean(d);
    if (strcmp(t, "null") == 0)
        return json_is_null(d);
    if (strcmp(t, "number") == 0)
        return json_is_number(d);
    if (strcmp(t, "integer") == 0)
        return json_is_integer(d) || (json_is_real(d) && floor(json_real_value(d)) == json_real_value(d));
    return 0;
}

static int validate(struct vctx *c, const json_t *s, const json_t *d, const char *path, int depth)
{
    if (depth > MAX_DEPTH)
        return fail(c, path, "schema nests too deep");
    if (!json_is_object(s))
        return 0;
    const json_t *ref = json_object_get(s, "$ref");
    if (json_is_string(ref)) {
        const char *r = json_string_value(ref);
        if (strncmp(r, "#/$defs/", 8) != 0)
            return fail(c, path, "unsupported $ref");
        const json_t *t = json_object_get(json_object_get(c->root, "$defs"), r + 8);
        if (!t)
            return fail(c, path, "unresolved $ref");
        return validate(c, t, d, path, depth + 1);
    }
    const json_t *type = json_object_get(s, "type");
    if (json_is_string(type) && !type_ok(json_string_value(type), d)) {
        char w[96];
        snprintf(w, sizeof w, "is not of type %s", json_string_value(type));
        return fail(c, path, w);
    }
    if (json_is_array(type)) {
        int ok = 0;
        for (size_t i = 0; i < json_array_size(type); i++)
            ok = ok || type_ok(json_string_value(json_array_get(type, i)), d);
        if (!ok)
            return fail(c, path, "is of none of the allowed types");
    }
    const json_t *en = json_object_get(s, "enum");
    if (json_is_array(en)) {
        int ok = 0;
        for (size_t i = 0; i < json_array_size(en); i++)
            ok = ok || json_equal(json_array_get(en, i), (json_t *)d);
        if (!ok)
            return fail(c, path, "is not one of the enum values");
    }
    if (json_is_number(d)) {
        const json_t *mn = json_object_get(s, "minimum"), *mx = json_object_get(s, "maximum");
        if (mn && json_number_value(d) < json_number_value(mn))
            return fail(c, path, "is below the minimum");
        if (mx && json_number_value(d) > json_number_value(mx))
            return fail(c, path, "is above the maximum");
    }
    if (json_is_object(d)) {
        const json_t *req = json_object_get(s, "required");
        for (size_t i = 0; i < json_array_size(req); i++) {
            const char *k = json_string_value(json_array_get(req, i));
            if (k && !json_object_get(d, k)) {
                char w[128];
                snprintf(w, sizeof w, "lacks required member '%s'", k);
                return fail(c, path, w);
            }
        }
        const json_t *props = json_object_get(s, "properties");
        const json_t *addl = json_object_get(s, "additionalProperties");
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)d, k, v) {
            char sub[512];
            snprintf(sub, sizeof sub, "%s.%s", path, k);
            const json_t *ps = json_object_get(props, k);
            if (ps) {
                if (validate(c, ps, v, sub, depth + 1))
                    return -1;
            } else if (json_is_false(addl)) {
                return fail(c, sub, "is not allowed (additionalProperties: false)");
            }
        }
    }
    if (json_is_array(d)) {
        const json_t *items = json_object_get(s, "items");
        for (size_t i = 0; items && i < json_array_size(d); i++) {
            char sub[512];
            snprintf(sub, sizeof sub, "%s[%zu]", path, i);
            if (validate(c, items, json_array_get(d, i), sub, depth + 1))
                return -1;
        }
    }
    return 0;
}

int h_schema_validate(const json_t *schema, const json_t *doc, char *msg, size_t msglen)
{
    struct vctx c = {schema, msg, msglen};
    if (msglen)
        msg[0] = '\0';
    return validate(&c, schema, doc, "", 0);
}

int h_schema_validate_file(const char *schema_rel, const json_t *doc, char *msg, size_t msglen)
{
    json_error_t je;
    json_t *s = json_load_file(h_src(schema_rel), 0, &je);
    if (!s) {
        snprintf(msg, msglen, "cannot load schema '%s': %s", schema_rel, je.text);
        return -1;
    }
    int r = h_schema_validate(s, doc, msg, msglen);
    json_decref(s);
    return r;
}
