/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Units of product parameters: the table of units the trade writes (SI,
 * imperial, Chinese and Thai spellings) with their UN/CEFACT Recommendation 20
 * common codes, and a parser of values with units ("220-240 V", "1,5 kW",
 * "-20~60°C", "3.5公斤") that normalises them to one unit per quantity.
 */
#ifndef CWT_UNITS_H
#define CWT_UNITS_H

#include "util/common.h"

enum cwt__quantity {
    CWT__Q_NONE = 0,
    CWT__Q_LENGTH,      /* m */
    CWT__Q_MASS,        /* kg */
    CWT__Q_VOLTAGE,     /* V */
    CWT__Q_POWER,       /* W */
    CWT__Q_CURRENT,     /* A */
    CWT__Q_PRESSURE,    /* Pa */
    CWT__Q_TEMPERATURE, /* °C (SI-derived; kelvin and °F are converted to it) */
    CWT__Q_VOLUME,      /* m³ */
    CWT__Q_FREQUENCY,   /* Hz */
    CWT__Q_ENERGY,      /* J */
    CWT__Q_AREA,        /* m² */
    CWT__Q_TIME,        /* s */
    CWT__Q_SPEED,       /* m/s */
    CWT__Q_CHARGE,      /* C (battery capacity in A·h is converted) */
    CWT__Q_ROTATION,    /* 1/min */
    CWT__Q_FLOW,        /* m³/s */
    CWT__Q_COUNT_
};

struct cwt__unit {
    const char *symbol;      /* the canonical symbol, e.g. "mm" */
    const char *code;        /* UN/CEFACT common code, e.g. "MMT" */
    enum cwt__quantity q;
    double factor;           /* value in the quantity's base unit = value * factor + offset */
    double offset;
    const char *const *aliases; /* other spellings, NULL-terminated; may be NULL */
};

/* A value read from text: min..max (equal for a single value) in the unit written. */
struct cwt__qvalue {
    const struct cwt__unit *unit;
    double min, max;         /* as written */
    double si_min, si_max;   /* in the quantity's base unit */
    size_t off, len;         /* where the number + unit are in the scanned text */
};

/* Name of a quantity ("length") and its base unit symbol ("m"). */
const char *cwt__quantity_name(enum cwt__quantity q);
const char *cwt__quantity_base(enum cwt__quantity q);

/* The unit with canonical symbol or alias @p sym (@p len bytes): exact match first, then an
 * ASCII case-insensitive match when it is unambiguous ("MM" is mm, "mw" is neither mW nor MW). */
const struct cwt__unit *cwt__unit_find(const char *sym, size_t len);
/* The unit with UN/CEFACT common code @p code ("KGM"), case-insensitive; NULL if unknown. */
const struct cwt__unit *cwt__unit_by_code(const char *code);
/* Converts @p v in @p u to the quantity's base unit. */
double cwt__unit_to_base(const struct cwt__unit *u, double v);

/*
 * Parses one value with a unit that fills all of @p s (@p len bytes) except surrounding
 * blanks: "220-240V", "1,5 kW", "Ø 25 mm", "-20 ~ 60 °C", "50/60 Hz". Returns CWT_OK, or
 * CWT_EPARSE when there is no number followed by a known unit.
 */
enum cwt_status cwt__qvalue_parse(const char *s, size_t len, struct cwt__qvalue *out);

/*
 * Calls @p fn for every value-with-unit in @p text (@p len bytes), at most @p max times;
 * stops early when @p fn returns false. Returns the number of values found.
 */
size_t cwt__qvalue_scan(const char *text, size_t len, size_t max,
                        bool (*fn)(const struct cwt__qvalue *v, void *ud), void *ud);

/* Parses a decimal number at @p s (at most @p len bytes) with '.' or ',' as decimal mark and
 * ',' or ' ' as thousands separator; returns bytes used (0: none) and the value in *out. */
size_t cwt__number_parse(const char *s, size_t len, double *out);

#endif
