/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: the tolerant JSON-LD reader and its normalisation (page/jsonld.c). */
#include <stddef.h>
#include <stdint.h>

#include "page/sdata.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *objs = NULL;
    if (cwt__jsonld_parse((const char *)data, size, &objs) == CWT_OK) {
        json_t *graph = json_array();
        if (graph)
            cwt__jsonld_normalise(objs, graph);
        const json_t *found[8];
        cwt__sdata_find(graph, "Product", found, 8);
        for (size_t i = 0; i < json_array_size(graph); i++)
            cwt__sdata_str(json_array_get(graph, i), "name");
        json_decref(graph);
        json_decref(objs);
    }
    return 0;
}
