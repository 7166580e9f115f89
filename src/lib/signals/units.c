/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the unit table of product parameters and the value
 * parser. Each row is one unit with its UN/CEFACT Recommendation 20 common
 * code, its quantity and the linear map to the quantity's base unit; aliases
 * cover the spellings found on exporters' pages (English, Chinese, Thai).
 * Symbols match case-sensitively first ("mW" is not "MW"); an all-ASCII
 * spelling in another case is accepted only when it names exactly one unit
 * ("MM" and "KG" do, "mw" does not).
 */
#include <math.h>
#include <stdlib.h>

#include "signals/kwset.h"
#include "signals/units.h"

#define A(...) ((const char *const[]){__VA_ARGS__, NULL})

static const struct cwt__unit units[] = {
    /* length, base m */
    {"m", "MTR", CWT__Q_LENGTH, 1, 0, A("米", "metre", "meter", "metres", "meters", "เมตร")},
    {"mm", "MMT", CWT__Q_LENGTH, 1e-3, 0, A("毫米", "มม.", "มม", "millimetre", "millimeter", "millimeters")},
    {"cm", "CMT", CWT__Q_LENGTH, 1e-2, 0, A("厘米", "公分", "ซม.", "ซม", "centimetre", "centimeter", "centimeters")},
    {"km", "KMT", CWT__Q_LENGTH, 1e3, 0, A("公里", "千米", "กม.")},
    {"µm", "4H", CWT__Q_LENGTH, 1e-6, 0, A("μm", "um", "微米", "micron", "microns")},
    {"nm", "C45", CWT__Q_LENGTH, 1e-9, 0, A("纳米")},
    {"in", "INH", CWT__Q_LENGTH, 0.0254, 0, A("inch", "inches", "\"", "″", "英寸", "นิ้ว")},
    {"ft", "FOT", CWT__Q_LENGTH, 0.3048, 0, A("feet", "foot", "英尺")},
    /* mass, base kg */
    {"kg", "KGM", CWT__Q_MASS, 1, 0, A("公斤", "千克", "kgs", "กก.", "กก", "kilogram", "kilograms")},
    {"g", "GRM", CWT__Q_MASS, 1e-3, 0, A("克", "gram", "grams", "กรัม")},
    {"mg", "MGM", CWT__Q_MASS, 1e-6, 0, A("毫克")},
    {"t", "TNE", CWT__Q_MASS, 1e3, 0, A("tonne", "tonnes", "ton", "tons", "吨", "ตัน")},
    {"lb", "LBR", CWT__Q_MASS, 0.45359237, 0, A("lbs", "pound", "pounds")},
    {"oz", "ONZ", CWT__Q_MASS, 0.028349523125, 0, A("ounce", "ounces")},
    /* voltage, base V */
    {"V", "VLT", CWT__Q_VOLTAGE, 1, 0, A("伏", "伏特", "volt", "volts", "VAC", "VDC", "Vac", "Vdc", "V AC", "V DC", "โวลต์")},
    {"kV", "KVT", CWT__Q_VOLTAGE, 1e3, 0, A("千伏")},
    {"mV", "2Z", CWT__Q_VOLTAGE, 1e-3, 0, A("毫伏")},
    /* power, base W */
    {"W", "WTT", CWT__Q_POWER, 1, 0, A("瓦", "瓦特", "watt", "watts", "วัตต์")},
    {"kW", "KWT", CWT__Q_POWER, 1e3, 0, A("千瓦", "kilowatt", "kilowatts")},
    {"MW", "MAW", CWT__Q_POWER, 1e6, 0, A("兆瓦", "megawatt")},
    {"mW", "C31", CWT__Q_POWER, 1e-3, 0, A("毫瓦")},
    /* current, base A */
    {"A", "AMP", CWT__Q_CURRENT, 1, 0, A("安", "安培", "amp", "amps", "ampere", "amperes", "แอมป์")},
    {"mA", "4K", CWT__Q_CURRENT, 1e-3, 0, A("毫安")},
    {"kA", "B22", CWT__Q_CURRENT, 1e3, 0, NULL},
    /* pressure, base Pa */
    {"Pa", "PAL", CWT__Q_PRESSURE, 1, 0, A("帕", "pascal")},
    {"kPa", "KPA", CWT__Q_PRESSURE, 1e3, 0, A("千帕")},
    {"MPa", "MPA", CWT__Q_PRESSURE, 1e6, 0, A("兆帕")},
    {"bar", "BAR", CWT__Q_PRESSURE, 1e5, 0, A("巴", "บาร์")},
    {"mbar", "MBR", CWT__Q_PRESSURE, 1e2, 0, NULL},
    {"psi", "PS", CWT__Q_PRESSURE, 6894.757293168, 0, NULL},
    {"atm", "ATM", CWT__Q_PRESSURE, 101325, 0, NULL},
    /* temperature, base °C */
    {"°C", "CEL", CWT__Q_TEMPERATURE, 1, 0, A("℃", "ºC", "° C", "degC", "deg C", "摄氏度", "องศาเซลเซียส")},
    {"°F", "FAH", CWT__Q_TEMPERATURE, 5.0 / 9.0, -160.0 / 9.0, A("℉", "ºF", "° F", "degF", "deg F")},
    {"K", "KEL", CWT__Q_TEMPERATURE, 1, -273.15, A("kelvin")},
    /* volume, base m³ */
    {"L", "LTR", CWT__Q_VOLUME, 1e-3, 0, A("l", "litre", "liter", "litres", "liters", "升", "ลิตร")},
    {"mL", "MLT", CWT__Q_VOLUME, 1e-6, 0, A("ml", "毫升", "มล.", "millilitre", "milliliter")},
    {"m³", "MTQ", CWT__Q_VOLUME, 1, 0, A("m3", "立方米", "cbm", "CBM", "方")},
    {"cm³", "CMQ", CWT__Q_VOLUME, 1e-6, 0, A("cm3", "cc")},
    {"gal", "GLL", CWT__Q_VOLUME, 0.003785411784, 0, A("gallon", "gallons")},
    /* frequency, base Hz */
    {"Hz", "HTZ", CWT__Q_FREQUENCY, 1, 0, A("赫兹", "赫", "hertz", "เฮิรตซ์")},
    {"kHz", "KHZ", CWT__Q_FREQUENCY, 1e3, 0, A("千赫")},
    {"MHz", "MHZ", CWT__Q_FREQUENCY, 1e6, 0, A("兆赫")},
    {"GHz", "A86", CWT__Q_FREQUENCY, 1e9, 0, NULL},
    /* energy, base J */
    {"J", "JOU", CWT__Q_ENERGY, 1, 0, A("joule", "joules", "焦耳")},
    {"kJ", "KJO", CWT__Q_ENERGY, 1e3, 0, NULL},
    {"Wh", "WHR", CWT__Q_ENERGY, 3600, 0, A("W·h")},
    {"kWh", "KWH", CWT__Q_ENERGY, 3.6e6, 0, A("kW·h", "千瓦时")},
    /* area, base m² */
    {"m²", "MTK", CWT__Q_AREA, 1, 0, A("m2", "sqm", "平方米", "㎡", "ตร.ม.")},
    {"cm²", "CMK", CWT__Q_AREA, 1e-4, 0, A("cm2", "平方厘米")},
    {"mm²", "MMK", CWT__Q_AREA, 1e-6, 0, A("mm2", "平方毫米")},
    {"ft²", "FTK", CWT__Q_AREA, 0.09290304, 0, A("ft2", "sq ft", "sqft")},
    /* time, base s */
    {"s", "SEC", CWT__Q_TIME, 1, 0, A("sec", "secs", "second", "seconds", "秒")},
    {"ms", "C26", CWT__Q_TIME, 1e-3, 0, A("毫秒")},
    {"min", "MIN", CWT__Q_TIME, 60, 0, A("mins", "minute", "minutes", "分钟")},
    {"h", "HUR", CWT__Q_TIME, 3600, 0, A("hr", "hrs", "hour", "hours", "小时", "ชั่วโมง")},
    /* speed, base m/s */
    {"m/s", "MTS", CWT__Q_SPEED, 1, 0, A("米/秒")},
    {"km/h", "KMH", CWT__Q_SPEED, 1 / 3.6, 0, A("kph", "公里/小时")},
    /* charge (battery capacity), base C */
    {"Ah", "AMH", CWT__Q_CHARGE, 3600, 0, A("A·h")},
    {"mAh", "E09", CWT__Q_CHARGE, 3.6, 0, A("毫安时")},
    /* rotation, base 1/min */
    {"rpm", "RPM", CWT__Q_ROTATION, 1, 0, A("r/min", "RPM", "转/分", "转/分钟")},
    /* flow, base m³/s */
    {"m³/h", "MQH", CWT__Q_FLOW, 1 / 3600.0, 0, A("m3/h", "立方米/小时")},
    {"L/min", "L2", CWT__Q_FLOW, 1e-3 / 60, 0, A("l/min", "lpm", "升/分钟")},
};

static const char *const qnames[CWT__Q_COUNT_][2] = {
    [CWT__Q_NONE] = {"none", ""},          [CWT__Q_LENGTH] = {"length", "m"},
    [CWT__Q_MASS] = {"mass", "kg"},         [CWT__Q_VOLTAGE] = {"voltage", "V"},
    [CWT__Q_POWER] = {"power", "W"},        [CWT__Q_CURRENT] = {"current", "A"},
    [CWT__Q_PRESSURE] = {"pressure", "Pa"}, [CWT__Q_TEMPERATURE] = {"temperature", "°C"},
    [CWT__Q_VOLUME] = {"volume", "m³"},     [CWT__Q_FREQUENCY] = {"frequency", "Hz"},
    [CWT__Q_ENERGY] = {"energy", "J"},      [CWT__Q_AREA] = {"area", "m²"},
    [CWT__Q_TIME] = {"time", "s"},          [CWT__Q_SPEED] = {"speed", "m/s"},
    [CWT__Q_CHARGE] = {"charge", "C"},      [CWT__Q_ROTATION] = {"rotation", "rpm"},
    [CWT__Q_FLOW] = {"flow", "m³/s"},
};

const char *cwt__quantity_name(enum cwt__quantity q)
{
    return q < CWT__Q_COUNT_ ? qnames[q][0] : "none";
}

const char *cwt__quantity_base(enum cwt__quantity q)
{
    return q < CWT__Q_COUNT_ ? qnames[q][1] : "";
}

double cwt__unit_to_base(const struct cwt__unit *u, double v)
{
    return v * u->factor + u->offset;
}

static bool is_ascii(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x80)
            return false;
    return true;
}

static bool eq_case(const char *a, size_t alen, const char *b, bool fold)
{
    size_t i = 0;
    for (; i < alen && b[i]; i++) {
        unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
        if (fold && x >= 'A' && x <= 'Z')
            x = (unsigned char)(x - 'A' + 'a');
        if (fold && y >= 'A' && y <= 'Z')
            y = (unsigned char)(y - 'A' + 'a');
        if (x != y)
            return false;
    }
    return i == alen && b[i] == '\0';
}

/* Calls eq on the symbol and every alias of @p u. */
static bool unit_matches(const struct cwt__unit *u, const char *s, size_t len, bool fold)
{
    if ((!fold || is_ascii(u->symbol)) && eq_case(s, len, u->symbol, fold))
        return true;
    for (const char *const *a = u->aliases; a && *a; a++)
        if ((!fold || is_ascii(*a)) && eq_case(s, len, *a, fold))
            return true;
    return false;
}

const struct cwt__unit *cwt__unit_find(const char *sym, size_t len)
{
    if (!sym || len == 0)
        return NULL;
    for (size_t i = 0; i < CWT_ARRAY_LEN(units); i++)
        if (unit_matches(&units[i], sym, len, false))
            return &units[i];
    const struct cwt__unit *hit = NULL;
    for (size_t i = 0; i < CWT_ARRAY_LEN(units); i++) {
        if (unit_matches(&units[i], sym, len, true)) {
            if (hit && hit != &units[i])
                return NULL; /* ambiguous across case: "mw" */
            hit = &units[i];
        }
    }
    return hit;
}

const struct cwt__unit *cwt__unit_by_code(const char *code)
{
    if (!code)
        return NULL;
    size_t n = strlen(code);
    for (size_t i = 0; i < CWT_ARRAY_LEN(units); i++)
        if (eq_case(code, n, units[i].code, true))
            return &units[i];
    return NULL;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_alnum(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

size_t cwt__number_parse(const char *s, size_t len, double *out)
{
    char tmp[64];
    size_t n = 0, i = 0;
    bool seen_dec = false, any = false;
    while (i < len && n < sizeof tmp - 2) {
        char c = s[i];
        if (is_digit(c)) {
            tmp[n++] = c;
            any = true;
            i++;
            continue;
        }
        if ((c == '.' || c == ',') && any && !seen_dec && i + 1 < len && is_digit(s[i + 1])) {
            /* ',' followed by exactly three digits and no fourth is a thousands separator */
            size_t k = i + 1;
            while (k < len && is_digit(s[k]))
                k++;
            bool thousands = c == ',' && k - (i + 1) == 3;
            if (thousands) {
                i++;
                continue;
            }
            tmp[n++] = '.';
            seen_dec = true;
            i++;
            continue;
        }
        break;
    }
    if (!any || n >= sizeof tmp - 2)
        return 0;
    tmp[n] = '\0';
    *out = strtod(tmp, NULL);
    return i;
}

static size_t skip_blanks(const char *s, size_t i, size_t len)
{
    while (i < len) {
        if (s[i] == ' ' || s[i] == '\t')
            i++;
        else if (i + 1 < len && (unsigned char)s[i] == 0xC2 && (unsigned char)s[i + 1] == 0xA0)
            i += 2; /* no-break space */
        else
            break;
    }
    return i;
}

/* Whether spelling @p sp matches at s[i..len) (ASCII case folded) and ends at a boundary. */
static bool spelling_at(const char *s, size_t i, size_t len, const char *sp, size_t *l)
{
    size_t n = 0;
    for (; sp[n]; n++) {
        if (i + n >= len)
            return false;
        unsigned char x = (unsigned char)s[i + n], y = (unsigned char)sp[n];
        if (x >= 'A' && x <= 'Z')
            x = (unsigned char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = (unsigned char)(y - 'A' + 'a');
        if (x != y)
            return false;
    }
    unsigned char last = (unsigned char)s[i + n - 1];
    unsigned char next = i + n < len ? (unsigned char)s[i + n] : 0;
    /* an ASCII letter unit must not run on into a word: "5 mmHg" is not mm, "10 min" is not m */
    if (is_alnum(last) && is_alnum(next))
        return false;
    *l = n;
    return true;
}

/* Longest unit symbol or alias at s[i..len) that ends at a boundary; its byte length in *ulen. One
 * pass over the table finds the lengths that could match; cwt__unit_find() then decides case. */
static const struct cwt__unit *unit_at(const char *s, size_t i, size_t len, size_t *ulen, bool scan)
{
    /* in running text these spellings mean something else too often: "5 in 1", "4K", "1990s", a quote */
    static const char *const noscan[] = {"in", "k", "s", "\"", "t"};
    uint32_t lengths = 0;
    for (size_t k = 0; k < CWT_ARRAY_LEN(units); k++) {
        size_t l;
        if (spelling_at(s, i, len, units[k].symbol, &l) && l < 32)
            lengths |= 1u << l;
        for (const char *const *a = units[k].aliases; a && *a; a++)
            if (spelling_at(s, i, len, *a, &l) && l < 32)
                lengths |= 1u << l;
    }
    for (size_t l = 31; l >= 1 && lengths; l--) {
        if (!(lengths & (1u << l)))
            continue;
        lengths &= ~(1u << l);
        bool skip = false;
        for (size_t k = 0; scan && k < CWT_ARRAY_LEN(noscan) && !skip; k++)
            skip = eq_case(s + i, l, noscan[k], true);
        const struct cwt__unit *u = skip ? NULL : cwt__unit_find(s + i, l);
        if (u) {
            *ulen = l;
            return u;
        }
    }
    *ulen = 0;
    return NULL;
}

static size_t parse_signed(const char *s, size_t i, size_t len, double *v)
{
    bool neg = false;
    size_t j = i;
    if (j < len && (s[j] == '-' || s[j] == '+')) {
        neg = s[j] == '-';
        j++;
    } else if (j + 2 < len && memcmp(s + j, "\xE2\x88\x92", 3) == 0) { /* U+2212 minus */
        neg = true;
        j += 3;
    }
    size_t n = cwt__number_parse(s + j, len - j, v);
    if (!n)
        return 0;
    if (neg)
        *v = -*v;
    return j + n - i;
}

/* Range separators: "-", "–", "~", "～", "to", "/" (50/60 Hz), "至". Returns bytes, 0 if none. */
static size_t range_sep(const char *s, size_t i, size_t len)
{
    static const char *const seps[] = {"-", "\xE2\x80\x93", "~", "\xEF\xBD\x9E", "to", "/", "\xE8\x87\xB3", "...", "…"};
    for (size_t k = 0; k < CWT_ARRAY_LEN(seps); k++) {
        size_t n = strlen(seps[k]);
        if (n <= len - i && memcmp(s + i, seps[k], n) == 0)
            return n;
    }
    return 0;
}

/* Parses "<number>[ sep <number>] [blank] <unit>" at s[i]; 0 when it is not one. */
static size_t parse_at(const char *s, size_t i, size_t len, struct cwt__qvalue *out, bool scan)
{
    double a, b;
    size_t n = parse_signed(s, i, len, &a);
    if (!n)
        return 0;
    size_t j = i + n;
    b = a;
    size_t k = skip_blanks(s, j, len);
    size_t sep = range_sep(s, k, len);
    if (sep) {
        size_t k2 = skip_blanks(s, k + sep, len);
        size_t n2 = parse_signed(s, k2, len, &b);
        if (n2)
            j = k2 + n2;
        else
            b = a;
    }
    /* "220V-240V": a unit after the first number, then a range */
    size_t ulen = 0;
    size_t uat = skip_blanks(s, j, len);
    const struct cwt__unit *u = unit_at(s, uat, len, &ulen, scan);
    if (!u)
        return 0;
    size_t end = uat + ulen;
    if (b == a && end < len) {
        size_t k3 = skip_blanks(s, end, len);
        size_t sep2 = range_sep(s, k3, len);
        double c;
        size_t k4 = sep2 ? skip_blanks(s, k3 + sep2, len) : 0;
        size_t n3 = sep2 ? parse_signed(s, k4, len, &c) : 0;
        size_t ulen2 = 0;
        if (n3) {
            size_t uat2 = skip_blanks(s, k4 + n3, len);
            const struct cwt__unit *u2 = unit_at(s, uat2, len, &ulen2, scan);
            if (u2 == u) {
                b = c;
                end = uat2 + ulen2;
            }
        }
    }
    out->unit = u;
    out->min = CWT_MIN(a, b);
    out->max = CWT_MAX(a, b);
    out->si_min = cwt__unit_to_base(u, out->min);
    out->si_max = cwt__unit_to_base(u, out->max);
    out->off = i;
    out->len = end - i;
    return end - i;
}

enum cwt_status cwt__qvalue_parse(const char *s, size_t len, struct cwt__qvalue *out)
{
    if (!s)
        return CWT_EPARSE;
    size_t i = skip_blanks(s, 0, len);
    /* a leading diameter or approximation sign: "Ø 25 mm", "≈3 kg", "约 3 kg" */
    static const char *const lead[] = {"\xC3\x98", "\xE2\x8C\x80", "\xE2\x89\x88", "\xE7\xBA\xA6", "~", "<=", ">=",
                                       "\xE2\x89\xA4", "\xE2\x89\xA5", "<", ">"};
    for (size_t k = 0; k < CWT_ARRAY_LEN(lead); k++) {
        size_t n = strlen(lead[k]);
        if (n <= len - i && memcmp(s + i, lead[k], n) == 0) {
            i = skip_blanks(s, i + n, len);
            break;
        }
    }
    size_t n = parse_at(s, i, len, out, false);
    if (!n)
        return CWT_EPARSE;
    size_t end = skip_blanks(s, i + n, len);
    while (end < len && (s[end] == '\n' || s[end] == '\r' || s[end] == '.' || s[end] == ';'))
        end = skip_blanks(s, end + 1, len);
    return end == len ? CWT_OK : CWT_EPARSE;
}

size_t cwt__qvalue_scan(const char *text, size_t len, size_t max,
                        bool (*fn)(const struct cwt__qvalue *v, void *ud), void *ud)
{
    size_t found = 0;
    size_t i = 0;
    while (i < len && found < max) {
        if ((i = cwt__next_digit(text, len, i, '0', '0')) >= len) /* a number starts with a digit */
            break;
        char c = text[i];
        bool start = is_digit(c) && (i == 0 || !(is_alnum((unsigned char)text[i - 1]) || text[i - 1] == '.' ||
                                                 text[i - 1] == ','));
        if (!start) {
            i++;
            continue;
        }
        /* a leading minus belongs to the number: "-20~60°C" */
        size_t from = i;
        if (i > 0 && text[i - 1] == '-' && (i == 1 || !is_alnum((unsigned char)text[i - 2])))
            from = i - 1;
        struct cwt__qvalue v;
        size_t n = parse_at(text, from, len, &v, true);
        if (!n) {
            while (i < len && (is_digit(text[i]) || text[i] == '.' || text[i] == ','))
                i++;
            continue;
        }
        found++;
        if (fn && !fn(&v, ud))
            break;
        i = from + n;
    }
    return found;
}
