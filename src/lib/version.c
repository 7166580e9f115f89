/* SPDX-License-Identifier: Apache-2.0 */
/* This module implements cwt_version(). */
#include "dns/dns.h"
#include "fetch/fetch.h"
#include "page/page.h"
#include "util/common.h"

const char *cwt_version(void)
{
    return CWTAP_VERSION_STRING;
}

enum cwt_status cwt_global_init(void)
{
    cwt__page_global_init();
    enum cwt_status rc = cwt__dns_global_init();
    return rc ? rc : cwt__fetch_global_init();
}
