/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: arbitrary bytes as a certificate chain (PEM or DER)
 * through cwt__tls_inspect_pem(), the offline path of the tls layer, with
 * the host name taken from the first byte. Garbage must give a report with
 * findings, never a crash, a leak or undefined behaviour. The report is also
 * rendered to JSON. Seeds: tests/fuzz/seeds/pem/.
 */
#include <stddef.h>
#include <stdint.h>

#include "tls/tls_report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const hosts[] = {"badssl.com", "www.badssl.com", "a.example", "xn--n1aae7f7o.badssl.com",
                                        "127.0.0.1", NULL};
    const char *host = size ? hosts[data[0] % (sizeof hosts / sizeof hosts[0])] : "a.example";
    struct cwt__tls_opts opts = {
        .ca_file = CWTAP_SOURCE_ROOT "/tests/fixtures/badssl/roots/DigiCert_Global_Root_CA.pem",
        .at = 1600000000 + (size ? (int64_t)data[size - 1] * 86400 * 30 : 0),
    };
    struct cwt__tls_report *r = NULL;
    struct cwt_err err = {0};
    if (cwt__tls_inspect_pem(NULL, &opts, (const char *)data, size, host, &r, &err) == CWT_OK) {
        json_t *j = cwt__tls_report_json(r);
        json_decref(j);
        (void)cwt__tls_subject_org(r);
        cwt__tls_report_free(r);
    }
    return 0;
}
