/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Detectors of the sensitive data a customs summary must not hold (PROGRAM.md:
 * "with sensitive information removed"): declaration numbers, consignor,
 * consignee and personal names, phone numbers, e-mail addresses, ID or tax
 * numbers of persons, bank accounts (IBAN and account numbers), street
 * addresses. Used on cell text and on column names. They never copy the text.
 */
#ifndef CWT_PROGRAM_SENSITIVE_H
#define CWT_PROGRAM_SENSITIVE_H

#include "util/common.h"

enum cwt__sensitive {
    CWT__SENS_NONE = 0,
    CWT__SENS_EMAIL,
    CWT__SENS_PHONE,
    CWT__SENS_IBAN,
    CWT__SENS_BANK_ACCOUNT,
    CWT__SENS_DECLARATION_NO,
    CWT__SENS_PERSON_ID,
    CWT__SENS_NAME,
    CWT__SENS_ADDRESS,
    CWT__SENS_COUNT_
};

/* Stable code ("email", "phone", "iban", ...), and a description in plain words. */
const char *cwt__sensitive_code(enum cwt__sensitive k);
const char *cwt__sensitive_text(enum cwt__sensitive k);

/* What sensitive data the text @p s (NUL-terminated UTF-8) looks like, or CWT__SENS_NONE. */
enum cwt__sensitive cwt__sensitive_scan(const char *s);
/*
 * Like cwt__sensitive_scan(); @p names_by_shape false skips the guess that two
 * to four capitalised words are a person's name (for columns where such text is
 * expected to be, say, a country written out).
 */
enum cwt__sensitive cwt__sensitive_scan_ex(const char *s, bool names_by_shape);

/* What sensitive data a column named @p name would hold ("consignee", "Tel.", "IBAN"), or CWT__SENS_NONE. */
enum cwt__sensitive cwt__sensitive_column(const char *name);

/* True when @p s (spaces allowed) is an IBAN with a valid ISO 7064 mod-97 check. */
bool cwt__iban_valid(const char *s);

#endif
