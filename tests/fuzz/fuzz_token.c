/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target of the attestation verifier (program/attest.c) and the
 * key-set loader: a fixed key set (from fixed seeds) checks arbitrary tokens;
 * a token that verifies as valid must have been signed by it, which a fuzzer
 * cannot do, so "valid" is a finding. Inputs starting with '{' go to the
 * key-set loader instead.
 */
#include <stdint.h>
#include <stdlib.h>

#include "program/attest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const unsigned char s1[32] = {1}, s2[32] = {2};
    struct cwt__keyset ks;
    cwt__keyset_init(&ks);
    if (size && data[0] == '{') {
        (void)cwt__keyset_from_json(&ks, (const char *)data, size, NULL);
        cwt__keyset_release(&ks);
        return 0;
    }
    if (cwt__keyset_rotate(&ks, 1700000000, s1, NULL) != CWT_OK ||
        cwt__keyset_rotate(&ks, 1750000000, s2, NULL) != CWT_OK)
        abort();
    struct cwt__attestation a;
    enum cwt__verdict v;
    if (cwt__attest_verify(&ks, (const char *)data, size, 1760000000, 300, &a, &v, NULL) != CWT_OK)
        abort();
    if (v == CWT__ATT_VALID || v == CWT__ATT_EXPIRED || v == CWT__ATT_NOT_YET || v == CWT__ATT_KEY_RETIRED)
        abort(); /* a good signature from outside input */
    cwt__keyset_release(&ks);
    return 0;
}
