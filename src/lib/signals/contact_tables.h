/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Data tables of the contact signal: country calling codes with the lengths
 * of their national significant numbers (ITU-T E.164 national plans), postal
 * code forms per country, free webmail domains, and the words that introduce
 * a phone number or an address in the languages of the region.
 */
#ifndef CWT_CONTACT_TABLES_H
#define CWT_CONTACT_TABLES_H

#include "util/common.h"

struct cwt__phone_plan {
    const char *cc;        /* ISO 3166 alpha-2 */
    const char *code;      /* calling code digits, "86" */
    unsigned min, max;     /* national significant number length, without trunk prefix */
    const char *leading;   /* digits a national number may start with; NULL: any */
    bool trunk_zero;       /* national format writes a leading 0 (trunk prefix) */
};

/* The plans, one per country; NULL-terminated by a row with cc == NULL. */
extern const struct cwt__phone_plan cwt__phone_plans[];
/* The plan of country @p cc, NULL if not in the table. */
const struct cwt__phone_plan *cwt__phone_plan_cc(const char *cc);
/* The plan whose calling code prefixes @p digits (longest match), NULL if none. */
const struct cwt__phone_plan *cwt__phone_plan_prefix(const char *digits);

enum cwt__postal_form {
    CWT__POSTAL_NONE = 0, /* the country has no postal codes (HK, MO) */
    CWT__POSTAL_DIGITS,   /* exactly n digits */
    CWT__POSTAL_JP,       /* NNN-NNNN */
    CWT__POSTAL_US,       /* NNNNN or NNNNN-NNNN */
    CWT__POSTAL_GB,       /* outward + inward code */
    CWT__POSTAL_TW,       /* 3, 5 or 6 digits */
};

struct cwt__postal_rule {
    const char *cc;
    enum cwt__postal_form form;
    unsigned digits;     /* for CWT__POSTAL_DIGITS */
    const char *leading; /* allowed first digits; NULL: any */
};

/* The postal rule of country @p cc, NULL if none is known. */
const struct cwt__postal_rule *cwt__postal_rule_cc(const char *cc);
/* Whether @p code (the token as written) has the right form for @p rule. */
bool cwt__postal_valid(const struct cwt__postal_rule *rule, const char *code);

/* Whether @p domain (lowercase) is a free webmail provider (gmail.com, qq.com, 163.com ...). */
bool cwt__webmail_domain(const char *domain);

/* Words introducing a phone number ("tel", "电话", "โทร" ...) and an address ("address", "地址" ...);
 * NULL-terminated, lowercase. */
extern const char *const cwt__phone_words[];
extern const char *const cwt__address_words[];
/* Words of a street address ("road", "district", "路", "ถนน", "jalan" ...): with a place name they make
 * a line an address even without an address word. */
extern const char *const cwt__street_words[];

#endif
