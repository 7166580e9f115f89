/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Extraction of contact facts from a page's text for the contact and identity
 * signals: e-mail addresses, phone numbers (checked against their country's
 * numbering plan), postal codes of addresses (checked against the country's
 * form) and business registration numbers (checked by their check digits).
 * Pure functions over bytes, fixed-size results, no allocation: the fuzz
 * target fuzz_contact feeds them anything.
 */
#ifndef CWT_CONTACT_EXTRACT_H
#define CWT_CONTACT_EXTRACT_H

#include "util/common.h"

#define CWT__CONTACT_MAX 16 /* items of each kind kept per text */

struct cwt__email {
    char addr[128];  /* lowercase */
    size_t off;      /* byte offset in the text */
};

struct cwt__phone {
    char raw[48];    /* as written (whitespace collapsed) */
    char e164[32];   /* "+8657412345678" when the country is known */
    char cc[3];      /* country of the number, "" if unknown */
    bool valid;      /* length and leading digit fit the country's plan */
    size_t off;
};

struct cwt__postal {
    char line[160];  /* the address line (cut) */
    char cc[3];      /* country the address names, else the default */
    char code[16];   /* the postal code found ("" when none) */
    bool valid;      /* code has the right form for cc */
    bool no_codes;   /* cc has no postal codes (HK, MO): nothing to check */
    size_t off;
};

enum cwt__regno_kind {
    CWT__REG_CN_USCC = 0, /* China unified social credit code, GB 32100-2015, mod 31 */
    CWT__REG_SG_UEN,      /* Singapore UEN: business (8+1) and local company (9+1) check letters */
    CWT__REG_TH_TIN,      /* Thailand 13-digit tax / juristic person ID, mod 11 */
    CWT__REG_VN_MST,      /* Vietnam enterprise / tax code (mã số thuế), 10 digits, mod 11 */
    CWT__REG_MY_SSM,      /* Malaysia SSM 12-digit registration number: form only (no public check) */
    CWT__REG_ID_NPWP,     /* Indonesia NPWP 15 digits: form only (no public check) */
    CWT__REG_COUNT_
};

struct cwt__regno {
    enum cwt__regno_kind kind;
    char value[32];  /* normalised: separators removed, uppercase */
    char raw[48];
    bool has_check;  /* the kind has a public check-digit algorithm */
    bool valid;      /* check digit right (or, without one, the form right) */
    size_t off;
};

struct cwt__contacts {
    struct cwt__email emails[CWT__CONTACT_MAX];
    size_t nemails;
    struct cwt__phone phones[CWT__CONTACT_MAX];
    size_t nphones;
    struct cwt__postal postals[CWT__CONTACT_MAX];
    size_t npostals;
    struct cwt__regno regnos[CWT__CONTACT_MAX];
    size_t nregnos;
};

/*
 * Extracts contacts from @p len bytes of UTF-8 @p text into @p out (zeroed first). @p default_cc
 * (ISO alpha-2 or NULL) is the country assumed for numbers written without a calling code and
 * addresses that name no country.
 */
void cwt__contact_extract(const char *text, size_t len, const char *default_cc, struct cwt__contacts *out);

/* Only the postal addresses of @p text, as cwt__contact_extract() finds them (the other kinds are
 * found independently of them): for a reader of addresses alone (cwt__declared_collect()). */
void cwt__contact_postals(const char *text, size_t len, const char *default_cc, struct cwt__contacts *out);

/* Only the phone numbers of @p text, each number's look-back for a phone word done before its digits
 * are counted (cwt__contact_extract() does it after, when that cannot change what is found), and
 * every byte tried (cwt__contact_extract() skips to the next digit, '(' or '+'): the tests and the
 * fuzz target compare the two. */
void cwt__contact_phones_eager(const char *text, size_t len, const char *default_cc, struct cwt__contacts *out);

/* Checks one phone number as written ("+86 574 8765 4321", "(02) 123-4567"); fills @p out. */
void cwt__phone_check(const char *raw, size_t len, const char *default_cc, struct cwt__phone *out);

/* Checks a registration number @p value (separators allowed) of @p kind. */
bool cwt__regno_check(enum cwt__regno_kind kind, const char *value);
/* "cn_uscc", "sg_uen", ...; static. */
const char *cwt__regno_name(enum cwt__regno_kind kind);

/* The country an address line names (English or local script), "" if none. @p cc gets 3 bytes. */
void cwt__address_country(const char *line, size_t len, char cc[3]);

#endif
