/* SPDX-License-Identifier: Apache-2.0 */
/* The SDK files embedded at build time (embed_sdk.py), served by route_sdk.c. */
#ifndef CWT_SDK_FILES_H
#define CWT_SDK_FILES_H

#include <stddef.h>

struct srv_sdk_file {
    const char *name;   /* "cwtap.js", "cwtap.css", "cwtap.js.sri" */
    const char *ctype;
    const char *data;
    size_t len;
    const char *etag;   /* quoted */
};

/* Terminated by a NULL name. */
extern const struct srv_sdk_file srv_sdk_files[];

#endif
