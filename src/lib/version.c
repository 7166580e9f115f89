/* SPDX-License-Identifier: Apache-2.0 */
/* This module implements cwt_version(). */
#include "util/common.h"

const char *cwt_version(void)
{
    return CWTAP_VERSION_STRING;
}
