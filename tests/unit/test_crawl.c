/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of src/lib/crawl without the network: robots.txt (RFC 9309
 * examples and edge cases), the multilingual link judging of the planner,
 * and the sitemap reader it relies on (page/sitemap.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>

#include "crawl/plan.h"
#include "crawl/robots.h"
#include "page/sitemap.h"

static const char robots_rfc[] =
    "# RFC 9309 style file\n"
    "User-Agent: foobot\n"
    "Disallow: /\n"
    "\n"
    "user-agent: *\n"
    "Allow: /public/\n"
    "Disallow: /private\n"
    "Disallow: /*.php$\n"
    "Disallow: /tmp/*/cache\n"
    "Crawl-delay: 2\n"
    "\n"
    "Sitemap: https://www.example.com/sitemap.xml\n";

static const char robots_ours[] =
    "User-agent: Googlebot\n"
    "Disallow: /g\n"
    "\n"
    "User-agent: CWTap/1.0\n"
    "User-agent: otherbot\n"
    "Disallow: /admin\n"
    "Allow: /admin/public\n"
    "Disallow: /shop\n"
    "Allow: /shop\n"          /* equal length: allow wins */
    "Disallow: /caf%C3%A9\n"
    "Disallow: /%7Euser\n"
    "\n"
    "User-agent: *\n"
    "Disallow: /\n"
    "\n"
    "User-agent: cwtap\n"   /* a second group for us: merged */
    "Disallow: /private$\n";

static const struct {
    const char *file; /* which robots text */
    const char *path;
    bool allowed;
} robots_cases[] = {
    {robots_rfc, "/", true},
    {robots_rfc, "/public/x", true},
    {robots_rfc, "/private", false},
    {robots_rfc, "/private/x", false},
    {robots_rfc, "/privateer", false},
    {robots_rfc, "/index.php", false},
    {robots_rfc, "/index.php?x=1", true},
    {robots_rfc, "/dir/index.php", false},
    {robots_rfc, "/tmp/a/cache", false},
    {robots_rfc, "/tmp/a/b/cache/x", false},
    {robots_rfc, "/tmp/cache", true},
    {robots_rfc, "/robots.txt", true},
    {robots_ours, "/", true},               /* our group, not '*' */
    {robots_ours, "/g", true},
    {robots_ours, "/admin", false},
    {robots_ours, "/admin/public/x", true},  /* longer allow wins */
    {robots_ours, "/shop/item", true},       /* tie: allow */
    {robots_ours, "/café", false},           /* raw UTF-8 vs %-encoded pattern */
    {robots_ours, "/caf%c3%a9", false},      /* hex case */
    {robots_ours, "/~user/x", false},        /* %7E decoded to '~' */
    {robots_ours, "/private", false},        /* merged second group, '$' */
    {robots_ours, "/private/x", true},
};

static void test_robots_matching(void **state)
{
    (void)state;
    for (size_t i = 0; i < CWT_ARRAY_LEN(robots_cases); i++) {
        struct cwt__robots *r;
        const char *f = robots_cases[i].file;
        assert_int_equal(cwt__robots_parse(f, strlen(f), CWT__ROBOTS_AGENT, &r), CWT_OK);
        if (cwt__robots_allowed(r, robots_cases[i].path) != robots_cases[i].allowed)
            fail_msg("case %zu: '%s' should be %s", i, robots_cases[i].path,
                     robots_cases[i].allowed ? "allowed" : "disallowed");
        cwt__robots_free(r);
    }
}

static void test_robots_records(void **state)
{
    (void)state;
    struct cwt__robots *r;
    assert_int_equal(cwt__robots_parse(robots_rfc, strlen(robots_rfc), "cwtap", &r), CWT_OK);
    assert_true(cwt__robots_crawl_delay(r) == 2.0);
    const char *const *maps;
    assert_int_equal(cwt__robots_sitemaps(r, &maps), 1);
    assert_string_equal(maps[0], "https://www.example.com/sitemap.xml");
    assert_int_equal(cwt__robots_nrules(r), 4);
    cwt__robots_free(r);
    /* no file, empty file, garbage, and "Disallow:" with no path: all allow */
    assert_true(cwt__robots_allowed(NULL, "/x"));
    static const char *const open_files[] = {"", "\x01\x02garbage\n\n::::", "User-agent: *\nDisallow:\n",
                                             "Disallow: /\n" /* rule before any group: ignored */};
    for (size_t i = 0; i < CWT_ARRAY_LEN(open_files); i++) {
        assert_int_equal(cwt__robots_parse(open_files[i], strlen(open_files[i]), "cwtap", &r), CWT_OK);
        assert_true(cwt__robots_allowed(r, "/anything"));
        assert_true(cwt__robots_crawl_delay(r) < 0);
        cwt__robots_free(r);
    }
    /* CR line ends, BOM, comments, spaces around the colon */
    static const char crlf[] = "\xEF\xBB\xBFUser-agent : cwtap # us\r\nDisallow : /x # no\r\n";
    assert_int_equal(cwt__robots_parse(crlf, strlen(crlf), "cwtap", &r), CWT_OK);
    assert_false(cwt__robots_allowed(r, "/x/y"));
    assert_true(cwt__robots_allowed(r, "/y"));
    cwt__robots_free(r);
}

static void test_robots_caps(void **state)
{
    (void)state;
    /* a 600 KiB file: only the first 500 KiB count; a rule past it is ignored */
    size_t n = 600 << 10;
    char *big = malloc(n + 64);
    memcpy(big, "User-agent: *\n", 14);
    for (size_t i = 14; i < n; i++)
        big[i] = (i % 64 == 63) ? '\n' : '#';
    size_t len = n;
    len += (size_t)snprintf(big + n, 64, "\nDisallow: /late\n");
    struct cwt__robots *r;
    assert_int_equal(cwt__robots_parse(big, len, "cwtap", &r), CWT_OK);
    assert_true(cwt__robots_allowed(r, "/late"));
    cwt__robots_free(r);
    /* pathological wildcards stay fast enough and correct */
    static const char wild[] = "User-agent: *\nDisallow: /*a*a*a*a*a*a*a*a*b$\n";
    char path[4000];
    path[0] = '/';
    memset(path + 1, 'a', sizeof path - 2);
    path[sizeof path - 1] = '\0';
    assert_int_equal(cwt__robots_parse(wild, strlen(wild), "cwtap", &r), CWT_OK);
    assert_true(cwt__robots_allowed(r, path));
    path[sizeof path - 2] = 'b';
    assert_false(cwt__robots_allowed(r, path));
    cwt__robots_free(r);
    free(big);
}

static const struct {
    const char *text;
    const char *url;
    const char *role; /* NULL: none */
} judge_cases[] = {
    {"Contact Us", "https://www.ningbo-valves.example/contact.html", "contact"},
    {"联系我们", "https://www.sz-gadgets.example/lianxi/", "contact"},
    {"聯絡我們", "https://www.tw-parts.example/contact", "contact"},
    {"ติดต่อเรา", "https://www.th-rice.example/page/5", "contact"},
    {"Liên hệ", "https://www.vn-coffee.example/lien-he", "contact"},
    {"Hubungi Kami", "https://www.id-batik.example/hubungi-kami", "contact"},
    {"Makipag-ugnayan", "https://www.ph-coco.example/p/3", "contact"},
    {"About us", "https://a.example/about-us/", "about"},
    {"关于我们", "https://a.example/about.html", "about"},
    {"เกี่ยวกับเรา", "https://a.example/th/x", "about"},
    {"Giới thiệu", "https://a.example/gioi-thieu", "about"},
    {"Tentang Kami", "https://a.example/tentang-kami", "about"},
    {"Privacy Policy", "https://a.example/privacy-policy", "privacy"},
    {"隐私政策", "https://a.example/yinsi.html", "privacy"},
    {"隱私權政策", "https://a.example/p", "privacy"},
    {"นโยบายความเป็นส่วนตัว", "https://a.example/p", "privacy"},
    {"Chính sách bảo mật", "https://a.example/chinh-sach-bao-mat", "privacy"},
    {"Kebijakan Privasi", "https://a.example/kebijakan-privasi", "privacy"},
    {"Terms & Conditions", "https://a.example/terms", "terms"},
    {"服务条款", "https://a.example/x", "terms"},
    {"Điều khoản", "https://a.example/dieu-khoan", "terms"},
    {"Return & Refund Policy", "https://a.example/refund-policy", "returns"},
    {"退换货政策", "https://a.example/x", "returns"},
    {"Đổi trả", "https://a.example/doi-tra", "returns"},
    {"Products", "https://a.example/products/", "products"},
    {"产品中心", "https://a.example/chanpin/", "products"},
    {"Sản phẩm", "https://a.example/san-pham", "products"},
    {"Brass Ball Valve DN50", "https://a.example/products/brass-ball-valve-dn50.html", "product"},
    {"DN50 stainless steel ball valve, PN40", "https://a.example/product-ball-valve.html", "product"},
    {"Our range", "https://a.example/products.html", "products"},
    {"Certificates", "https://a.example/certificates", "certificates"},
    {"资质证书", "https://a.example/zizhi.html", "certificates"},
    {"證書", "https://a.example/x", "certificates"},
    {"Chứng nhận", "https://a.example/chung-nhan", "certificates"},
    {"Factory Tour", "https://a.example/factory", "factory"},
    {"工厂展示", "https://a.example/gongchang", "factory"},
    {"โรงงาน", "https://a.example/x", "factory"},
    {"Nhà máy", "https://a.example/nha-may", "factory"},
    {"Test Reports", "https://a.example/test-reports", "reports"},
    {"检测报告", "https://a.example/x", "reports"},
    {"Downloads", "https://a.example/downloads", "downloads"},
    {"资料下载", "https://a.example/x", "downloads"},
    {"Impressum", "https://a.example/impressum", "imprint"},
    {NULL, "https://a.example/%E8%81%94%E7%B3%BB%E6%88%91%E4%BB%AC.html", "contact"},
    {NULL, "https://a.example/privacy-policy/", "privacy"},
    /* things that are not due-diligence pages */
    {"Home", "https://a.example/", NULL},
    {"Contactless payment terminals for retail", "https://a.example/blog/nfc", NULL},
    {"Workshop tools", "https://a.example/blog/x", "factory"},
    {"Read more", "https://a.example/news/2024/05/ship", NULL},
};

static void test_plan_judge(void **state)
{
    (void)state;
    for (size_t i = 0; i < CWT_ARRAY_LEN(judge_cases); i++) {
        struct cwt__link_role jr;
        cwt__plan_judge(judge_cases[i].text, judge_cases[i].url, &jr);
        const char *want = judge_cases[i].role;
        if ((want == NULL) != (jr.role == NULL) || (want && strcmp(want, jr.role) != 0))
            fail_msg("case %zu ('%s' %s): got %s, want %s", i, judge_cases[i].text ? judge_cases[i].text : "",
                     judge_cases[i].url, jr.role ? jr.role : "(none)", want ? want : "(none)");
    }
    /* text beats URL only: a "Contact us" link text outranks a /contact URL without text */
    struct cwt__link_role a, b;
    cwt__plan_judge("Contact us", "https://a.example/page?id=7", &a);
    cwt__plan_judge(NULL, "https://a.example/contact", &b);
    assert_true(a.score > b.score);
    assert_true(a.by_text);
    assert_false(b.by_text);
    assert_true(cwt__plan_is_file("https://a.example/iso9001.pdf"));
    assert_false(cwt__plan_is_file("https://a.example/iso9001.html"));
}

static void judged_same(const char *text, const char *url)
{
    struct cwt__link_role a, b;
    cwt__plan_judge(text, url, &a);
    cwt__plan_judge_every(text, url, &b);
    if ((a.role == NULL) != (b.role == NULL) || (a.role && strcmp(a.role, b.role) != 0) || a.score != b.score ||
        a.word != b.word || a.by_text != b.by_text)
        fail_msg("'%s' %s: %s %d, %s %d looking up every position", text ? text : "", url, a.role ? a.role : "-",
                 a.score, b.role ? b.role : "-", b.score);
}

/* The judging with its filter of the pairs keywords start with judges as the look-up of every position
 * does: every keyword alone, in a sentence, next to letters, in a path, and keywords two by two. */
static void test_plan_judge_filtered(void **state)
{
    (void)state;
    char text[400], url[600];
    for (size_t i = 0; i < cwt__nkeywords; i++) {
        const char *w = cwt__keywords[i].word, *v = cwt__keywords[(i * 7 + 3) % cwt__nkeywords].word;
        /* texts: PRE w MID [v] POST */
        static const struct {
            const char *pre, *mid, *post;
            bool v;
        } texts[] = {{"", "", "", false},     {"Our ", "", " page", false}, {"x", "", "x", false},
                     {"", " - ", "", true}, {"", "", "", true},           {"", " 2", "", true}};
        for (size_t t = 0; t < CWT_ARRAY_LEN(texts); t++) {
            snprintf(text, sizeof text, "%s%s%s%s%s", texts[t].pre, w, texts[t].mid, texts[t].v ? v : "",
                     texts[t].post);
            judged_same(text, "https://a.example/page?id=7");
            judged_same(text, "https://a.example/");
        }
        snprintf(url, sizeof url, "https://a.example/%s", w);
        judged_same(NULL, url);
        snprintf(url, sizeof url, "https://a.example/%s/item-1", w);
        judged_same(NULL, url);
        snprintf(url, sizeof url, "https://a.example/x%s/%s.html", w, v);
        judged_same(v, url);
        snprintf(url, sizeof url, "https://a.example/%s-%s?q=%s", w, v, w);
        judged_same(w, url);
    }
}

static void test_keyword_table(void **state)
{
    (void)state;
    /* every keyword belongs to a role the planner fills, roles are contiguous, words are folded */
    for (size_t i = 0; i < cwt__nkeywords; i++) {
        const struct cwt__keyword *k = &cwt__keywords[i];
        bool known = false;
        for (size_t q = 0; q < cwt__nrole_quotas; q++)
            known |= strcmp(cwt__role_quotas[q].role, k->role) == 0;
        if (!known)
            fail_msg("keyword '%s' has unknown role '%s'", k->word, k->role);
        for (const char *p = k->word; *p; p++)
            if (*p >= 'A' && *p <= 'Z')
                fail_msg("keyword '%s' is not lowercase", k->word);
        if (i > 0 && strcmp(cwt__keywords[i - 1].role, k->role) != 0)
            for (size_t j = 0; j + 1 < i; j++)
                if (strcmp(cwt__keywords[j].role, k->role) == 0)
                    fail_msg("role '%s' is not contiguous at '%s'", k->role, k->word);
    }
    /* the languages of the trade are all there */
    static const char *const langs[] = {"en", "zh-Hans", "zh-Hant", "th", "vi", "id", "ms", "fil"};
    for (size_t l = 0; l < CWT_ARRAY_LEN(langs); l++) {
        bool contact = false;
        for (size_t i = 0; i < cwt__nkeywords; i++)
            contact |= strcmp(cwt__keywords[i].lang, langs[l]) == 0 && strcmp(cwt__keywords[i].role, "contact") == 0;
        if (!contact)
            fail_msg("no contact keyword in %s", langs[l]);
    }
}

static void test_sitemap(void **state)
{
    (void)state;
    static const char urlset[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                                 "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
                                 "<url><loc> https://a.example/</loc><lastmod>2026-01-01</lastmod></url>\n"
                                 "<url><loc>https://a.example/contact?x=1&amp;y=2</loc></url>\n"
                                 "<url><loc>javascript:alert(1)</loc></url>\n"
                                 "<url><loc>https://a.example/%E5%85%B3%E4%BA%8E</loc></url>\n"
                                 "</urlset>";
    struct cwt__sitemap sm;
    struct cwt_err err;
    assert_int_equal(cwt__sitemap_parse(urlset, strlen(urlset), 100, &sm, &err), CWT_OK);
    assert_false(sm.is_index);
    assert_int_equal(sm.nurls, 3);
    assert_string_equal(sm.urls[0], "https://a.example/");
    assert_string_equal(sm.urls[1], "https://a.example/contact?x=1&y=2");
    cwt__sitemap_release(&sm);
    assert_int_equal(cwt__sitemap_parse(urlset, strlen(urlset), 2, &sm, &err), CWT_OK);
    assert_int_equal(sm.nurls, 2);
    assert_true(sm.truncated);
    cwt__sitemap_release(&sm);

    static const char index[] = "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
                                "<sitemap><loc>https://a.example/s1.xml</loc></sitemap></sitemapindex>";
    assert_int_equal(cwt__sitemap_parse(index, strlen(index), 100, &sm, &err), CWT_OK);
    assert_true(sm.is_index);
    assert_int_equal(sm.nurls, 1);
    cwt__sitemap_release(&sm);

    /* not a sitemap; broken XML; an entity bomb is not expanded */
    static const char html[] = "<html><body>404</body></html>";
    assert_int_equal(cwt__sitemap_parse(html, strlen(html), 100, &sm, &err), CWT_EPARSE);
    assert_non_null(strstr(err.msg, "not a sitemap"));
    assert_int_equal(cwt__sitemap_parse("", 0, 100, &sm, &err), CWT_EPARSE);
    static const char bomb[] = "<?xml version=\"1.0\"?><!DOCTYPE urlset [<!ENTITY a \"aaaaaaaaaa\">"
                               "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">"
                               "<!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">]>"
                               "<urlset><url><loc>https://a.example/&d;</loc></url></urlset>";
    enum cwt_status st = cwt__sitemap_parse(bomb, strlen(bomb), 100, &sm, &err);
    if (st == CWT_OK) {
        for (size_t i = 0; i < sm.nurls; i++)
            assert_true(strlen(sm.urls[i]) <= 2048);
        cwt__sitemap_release(&sm);
    }
    static const char broken[] = "<urlset><url><loc>https://a.example/x</loc></url><url><loc>https://a";
    assert_int_equal(cwt__sitemap_parse(broken, strlen(broken), 100, &sm, &err), CWT_OK);
    assert_int_equal(sm.nurls, 1);
    assert_true(sm.truncated);
    cwt__sitemap_release(&sm);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_robots_matching), cmocka_unit_test(test_robots_records),
        cmocka_unit_test(test_robots_caps),     cmocka_unit_test(test_plan_judge), cmocka_unit_test(test_plan_judge_filtered),
        cmocka_unit_test(test_keyword_table),   cmocka_unit_test(test_sitemap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
