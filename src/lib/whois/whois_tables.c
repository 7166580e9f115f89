/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the whois layer's tables: the port-43 WHOIS server
 * of the TLDs this program's exporters and buyers use (the rest are found
 * through whois.iana.org's "refer:" line), and country names as registries
 * and imprints write them (English and local scripts) mapped to ISO 3166
 * alpha-2 codes.
 */
#include <ctype.h>
#include <strings.h>

#include "whois/whois_record.h"

struct tld_server {
    const char *tld;
    const char *server; /* NULL: the registry has no public port-43 service */
};

static const struct tld_server servers[] = {
    {"com", "whois.verisign-grs.com"},
    {"net", "whois.verisign-grs.com"},
    {"org", "whois.pir.org"},
    {"cn", "whois.cnnic.cn"},
    {"xn--fiqs8s", "whois.cnnic.cn"}, /* .中国 */
    {"hk", "whois.hkirc.hk"},
    {"tw", "whois.twnic.net.tw"},
    {"sg", "whois.sgnic.sg"},
    {"th", "whois.thnic.co.th"},
    {"my", "whois.mynic.my"},
    {"id", "whois.id"},
    {"jp", "whois.jprs.jp"},
    {"kr", "whois.kr"},
    {"in", "whois.registry.in"},
    {"au", "whois.auda.org.au"},
    {"asia", "whois.nic.asia"},
    {"uk", "whois.nic.uk"},
    {"de", "whois.denic.de"},
    {"vn", NULL}, /* VNNIC: web form only */
    {"ph", NULL}, /* dotPH: web form only */
};

const char *cwt__whois_server_for(const char *domain)
{
    const char *dot = strrchr(domain, '.');
    const char *tld = dot ? dot + 1 : domain;
    for (size_t i = 0; i < CWT_ARRAY_LEN(servers); i++)
        if (strcasecmp(servers[i].tld, tld) == 0)
            return servers[i].server ? servers[i].server : "";
    return NULL;
}

struct country {
    const char *cc;
    const char *names; /* '|'-separated, lowercase for ASCII */
};

static const struct country countries[] = {
    {"CN", "china|people's republic of china|peoples republic of china|p.r. china|pr china|prc|中国|中华人民共和国|"
           "中國"},
    {"HK", "hong kong|hongkong|hong kong sar|hong kong, china|香港"},
    {"TW", "taiwan|taiwan, province of china|republic of china|台灣|台湾|中華民國"},
    {"MO", "macao|macau|澳門|澳门"},
    {"SG", "singapore|republic of singapore|新加坡"},
    {"TH", "thailand|kingdom of thailand|ไทย|ประเทศไทย|泰国"},
    {"VN", "vietnam|viet nam|việt nam|socialist republic of vietnam|越南"},
    {"MY", "malaysia|马来西亚"},
    {"ID", "indonesia|republic of indonesia|印度尼西亚"},
    {"PH", "philippines|the philippines|republic of the philippines|菲律宾"},
    {"JP", "japan|日本"},
    {"KR", "korea|south korea|republic of korea|korea, republic of|korea (south)|대한민국|한국|韩国"},
    {"KH", "cambodia|kampuchea"},
    {"LA", "laos|lao pdr|lao people's democratic republic"},
    {"MM", "myanmar|burma"},
    {"BN", "brunei|brunei darussalam"},
    {"IN", "india"},
    {"AU", "australia"},
    {"NZ", "new zealand"},
    {"US", "united states|united states of america|usa|u.s.a.|u.s.|america|美国"},
    {"CA", "canada"},
    {"MX", "mexico"},
    {"BR", "brazil|brasil"},
    {"AR", "argentina"},
    {"CL", "chile"},
    {"GB", "united kingdom|uk|great britain|england|scotland|wales|britain|英国"},
    {"IE", "ireland"},
    {"DE", "germany|deutschland|德国"},
    {"FR", "france|法国"},
    {"NL", "netherlands|the netherlands|holland|nederland"},
    {"BE", "belgium"},
    {"LU", "luxembourg"},
    {"CH", "switzerland|schweiz|suisse"},
    {"AT", "austria|österreich"},
    {"IT", "italy|italia"},
    {"ES", "spain|españa"},
    {"PT", "portugal"},
    {"SE", "sweden"},
    {"NO", "norway"},
    {"DK", "denmark"},
    {"FI", "finland"},
    {"PL", "poland|polska"},
    {"CZ", "czech republic|czechia"},
    {"RU", "russia|russian federation"},
    {"UA", "ukraine"},
    {"TR", "turkey|türkiye"},
    {"AE", "united arab emirates|uae"},
    {"SA", "saudi arabia"},
    {"IL", "israel"},
    {"ZA", "south africa"},
    {"EG", "egypt"},
};

/* Lowercases ASCII of @p s into @p out, trimming spaces and a final full stop. */
static void lower_trim(const char *s, char *out, size_t cap)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = 0;
    for (; s[n] && n + 1 < cap; n++)
        out[n] = (char)((unsigned char)s[n] < 0x80 ? tolower((unsigned char)s[n]) : s[n]);
    while (n && (out[n - 1] == ' ' || out[n - 1] == '.' || out[n - 1] == '\t'))
        n--;
    out[n] = '\0';
}

void cwt__country_code(const char *s, char cc[3])
{
    char low[128];
    cc[0] = '\0';
    if (!s)
        return;
    lower_trim(s, low, sizeof low);
    size_t n = strlen(low);
    if (n == 2 && isalpha((unsigned char)low[0]) && isalpha((unsigned char)low[1])) {
        cc[0] = (char)toupper((unsigned char)low[0]);
        cc[1] = (char)toupper((unsigned char)low[1]);
        cc[2] = '\0';
        if (strcmp(cc, "UK") == 0)
            memcpy(cc, "GB", 3);
        return;
    }
    for (size_t i = 0; i < CWT_ARRAY_LEN(countries); i++) {
        const char *p = countries[i].names;
        while (*p) {
            const char *bar = strchr(p, '|');
            size_t l = bar ? (size_t)(bar - p) : strlen(p);
            if (l == n && memcmp(p, low, n) == 0) {
                memcpy(cc, countries[i].cc, 3);
                return;
            }
            p += l + (bar ? 1 : 0);
        }
    }
}
