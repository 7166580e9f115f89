/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the check-digit rules of business registration
 * numbers: China's unified social credit code (GB 32100-2015: 31-character
 * alphabet, weights 3^i mod 31), Singapore's UEN (ACRA check letters of the
 * business and local-company forms; the "T/S/R" form is checked for shape
 * only), Thailand's 13-digit tax / juristic person ID (mod 11), Vietnam's
 * enterprise / tax code (weights 31 29 23 19 17 13 7 5 3, mod 11), and the
 * shape of Malaysia's 12-digit SSM number and Indonesia's 15-digit NPWP, for
 * which no check algorithm is published.
 */
#include <ctype.h>

#include "signals/contact_extract.h"

static const char uscc_chars[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

static int uscc_val(char c)
{
    const char *p = strchr(uscc_chars, c);
    return c && p ? (int)(p - uscc_chars) : -1;
}

static bool check_uscc(const char *v, size_t n)
{
    static const int w[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};
    if (n != 18)
        return false;
    int sum = 0;
    for (int i = 0; i < 17; i++) {
        int x = uscc_val(v[i]);
        if (x < 0)
            return false;
        sum += x * w[i];
    }
    int c = (31 - sum % 31) % 31;
    return uscc_chars[c] == v[17];
}

static bool digits(const char *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)v[i]))
            return false;
    return true;
}

static bool check_uen(const char *v, size_t n)
{
    if (n == 9 && digits(v, 8) && isupper((unsigned char)v[8])) { /* business: nnnnnnnnX */
        static const int w[8] = {10, 4, 9, 3, 8, 2, 7, 1};
        int s = 0;
        for (int i = 0; i < 8; i++)
            s += (v[i] - '0') * w[i];
        return "XMKECAWLJDB"[s % 11] == v[8];
    }
    if (n == 10 && digits(v, 9) && isupper((unsigned char)v[9])) { /* local company: yyyynnnnnX */
        static const int w[9] = {10, 8, 6, 4, 9, 7, 5, 3, 1};
        int s = 0;
        for (int i = 0; i < 9; i++)
            s += (v[i] - '0') * w[i];
        return "ZKCMDNERGWH"[s % 11] == v[9];
    }
    /* others: TyyPQnnnnX (T/S/R + year + entity type + serial + letter): shape only */
    return n == 10 && (v[0] == 'T' || v[0] == 'S' || v[0] == 'R') && digits(v + 1, 2) &&
           isupper((unsigned char)v[3]) && isalnum((unsigned char)v[4]) && digits(v + 5, 4) &&
           isupper((unsigned char)v[9]);
}

static bool check_th(const char *v, size_t n)
{
    if (n != 13 || !digits(v, 13))
        return false;
    int s = 0;
    for (int i = 0; i < 12; i++)
        s += (v[i] - '0') * (13 - i);
    return (11 - s % 11) % 10 == v[12] - '0';
}

static bool check_vn(const char *v, size_t n)
{
    static const int w[9] = {31, 29, 23, 19, 17, 13, 7, 5, 3};
    if ((n != 10 && n != 13) || !digits(v, n))
        return false;
    int s = 0;
    for (int i = 0; i < 9; i++)
        s += (v[i] - '0') * w[i];
    int c = 10 - s % 11;
    return c >= 0 && c <= 9 && c == v[9] - '0';
}

bool cwt__regno_check(enum cwt__regno_kind kind, const char *value)
{
    char v[40];
    size_t n = 0;
    for (const char *p = value; *p && n + 1 < sizeof v; p++) {
        if (*p == '-' || *p == ' ' || *p == '.' || *p == '/')
            continue;
        v[n++] = (char)toupper((unsigned char)*p);
    }
    v[n] = '\0';
    switch (kind) {
    case CWT__REG_CN_USCC:
        return check_uscc(v, n);
    case CWT__REG_SG_UEN:
        return check_uen(v, n);
    case CWT__REG_TH_TIN:
        return check_th(v, n);
    case CWT__REG_VN_MST:
        return check_vn(v, n);
    case CWT__REG_MY_SSM: /* YYYY TT NNNNNN: year of incorporation and entity type */
        return n == 12 && digits(v, 12) && (strncmp(v, "19", 2) == 0 || strncmp(v, "20", 2) == 0) &&
               (v[4] == '0' || v[4] == '1');
    case CWT__REG_ID_NPWP:
        return n == 15 && digits(v, 15);
    default:
        return false;
    }
}

const char *cwt__regno_name(enum cwt__regno_kind kind)
{
    static const char *const names[CWT__REG_COUNT_] = {"cn_uscc", "sg_uen", "th_tin", "vn_mst", "my_ssm",
                                                       "id_npwp"};
    return (unsigned)kind < CWT__REG_COUNT_ ? names[kind] : "unknown";
}
