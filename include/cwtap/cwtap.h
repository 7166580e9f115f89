/* SPDX-License-Identifier: Apache-2.0 */
/** @file libcwtap: credibility assessment of exporters' websites (CW-TAP). */
#ifndef CWTAP_H
#define CWTAP_H

#include "status.h"
#include "alloc.h"
#include "ctx.h"
#include "audit.h"

/** The library version, "MAJOR.MINOR.PATCH". */
CWT_EXTERN const char *cwt_version(void);

/**
 * Initialises the libraries libcwtap uses (the HTML parser, libcurl). Call it
 * once from the main thread before using libcwtap from several threads.
 */
CWT_EXTERN enum cwt_status cwt_global_init(void);

#endif
