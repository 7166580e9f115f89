/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: page text through the contact extraction (e-mail, phones, postal codes,
 * registration numbers) and the company-name search and normalisation; the phones are compared with
 * those of the look-back-first order. */
#include <stdint.h>
#include <stdlib.h>

#include "signals/contact_extract.h"
#include "signals/orgname.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct cwt__contacts c, eager;
    cwt__contact_extract((const char *)data, size, size % 2 ? "CN" : NULL, &c);
    /* the phones are those found with every look-back done first */
    cwt__contact_phones_eager((const char *)data, size, size % 2 ? "CN" : NULL, &eager);
    if (eager.nphones != c.nphones || memcmp(eager.phones, c.phones, c.nphones * sizeof c.phones[0]) != 0)
        abort();
    /* the addresses alone are those of the whole extraction */
    cwt__contact_postals((const char *)data, size, size % 2 ? "CN" : NULL, &eager);
    if (eager.npostals != c.npostals || memcmp(eager.postals, c.postals, c.npostals * sizeof c.postals[0]) != 0)
        abort();
    char names[8][CWT__ORGNAME_MAX];
    size_t n = cwt__orgname_find((const char *)data, size, names, 8);
    for (size_t i = 0; i + 1 < n; i++)
        cwt__orgname_match(names[i], names[i + 1]);
    if (size < 512) {
        char s[512];
        memcpy(s, data, size);
        s[size] = '\0';
        char norm[CWT__ORGNAME_MAX];
        cwt__orgname_norm(s, norm, sizeof norm);
        for (int k = 0; k < CWT__REG_COUNT_; k++)
            cwt__regno_check((enum cwt__regno_kind)k, s);
        struct cwt__phone p;
        cwt__phone_check(s, size, "TH", &p);
    }
    return 0;
}
