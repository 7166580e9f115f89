/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of src/lib/page/page.c: text, links, metas, language, JSON-LD and media of real and
 * handcrafted pages; URL resolution; caps and deep nesting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "harness.h"
#include "oom.h"
#include "page/page.h"
#include "page/resolve.h"

static struct cwt__doc *parse_file(const char *rel, const char *url)
{
    size_t len = 0;
    char *html = h_read_file(h_src(rel), &len);
    assert_non_null(html);
    struct cwt_ctx *ctx = NULL;
    assert_int_equal(cwt_ctx_new(&ctx), CWT_OK);
    struct cwt__doc *doc = NULL;
    struct cwt_err err;
    cwt_err_clear(&err);
    assert_int_equal(cwt__doc_parse(ctx, html, len, url, &doc, &err), CWT_OK);
    free(html);
    cwt_ctx_free(ctx);
    return doc;
}

static const struct cwt__link *find_link(const struct cwt__doc *d, const char *href)
{
    for (size_t i = 0; i < d->nlinks; i++)
        if (strcmp(d->links[i].href, href) == 0)
            return &d->links[i];
    return NULL;
}

static void test_resolve_table(void **state)
{
    (void)state;
    static const struct {
        const char *base, *href, *want; /* want NULL: refused */
    } cases[] = {
        {"https://a.example/x/y.html", "z.html", "https://a.example/x/z.html"},
        {"https://a.example/x/y.html", "../z", "https://a.example/z"},
        {"https://a.example/x/y.html", "/p?q=1#frag", "https://a.example/p?q=1"},
        {"https://a.example/x/y.html", "//cdn.example/v.mp4", "https://cdn.example/v.mp4"},
        {"https://a.example/x/", "  \n?page=2 ", "https://a.example/x/?page=2"},
        {"https://a.example/", "HTTP://B.EXAMPLE/Path", "http://b.example/Path"},
        {"https://a.example/", "/a b", "https://a.example/a%20b"},
        {"https://a.example/", "/联系", "https://a.example/%E8%81%94%E7%B3%BB"},
        {"https://a.example/", "#top", "https://a.example/"},
        {"https://a.example/", "mailto:x@a.example", NULL},
        {"https://a.example/", "javascript:void(0)", NULL},
        {"https://a.example/", "ftp://a.example/f", NULL},
        {"https://a.example/", "", NULL},
        {"", "relative.html", NULL},
        {"https://a.example/", "http:///nohost", NULL},
        /* a scheme other than http(s) is refused before libxml2 is asked (cwt__url_resolve's other_scheme) */
        {"https://a.example/", " \tTEL:+1 555", NULL},
        {"https://a.example/", "sms:?&body=S", NULL},
        {"https://a.example/", "file:///C|/D", NULL},
        {"https://a.example/", "x-y.z+w:http://b.example/", NULL},
        {"https://a.example/", "HTTPS://B.example/p", "https://b.example/p"},
        {"https://a.example/", "Http:p", NULL}, /* libxml2 keeps it as written: no authority */
        {"https://a.example/x/", "1tel:5", NULL}, /* no scheme, and no first segment with a colon */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *out = NULL;
        enum cwt_status rc = cwt__url_resolve(cases[i].base, cases[i].href, &out);
        if (cases[i].want) {
            if (rc != CWT_OK || strcmp(out, cases[i].want) != 0)
                fail_msg("case %zu '%s': got %s", i, cases[i].href, out ? out : "(refused)");
        } else if (rc == CWT_OK) {
            fail_msg("case %zu '%s': want refused, got %s", i, cases[i].href, out);
        }
        cwt_free(out);
    }
}

/* The fast path of link resolution (page/resolve.c) gives what libxml2 gives, for every href of every base
 * it accepts, and accepts the common forms. */
static void test_resolve_simple_matches(void **state)
{
    (void)state;
    static const char *const bases[] = {
        "https://a.example/x/y.html", "https://A.Example:8443/x/", "http://a.example", "http://a.example/?q=1",
        "https://a.example/x/../y/z", "https://a.example/a b/c", "https://u:p@A.example/x/", "", "mailto:x@y",
        "https://a.example/%7Euser/idx.html",
    };
    static const char *const hrefs[] = {
        "z.html", "/p", "/p?q=1", "/p?q=1#f", "p/q/r", "/p/../q", "./p", "../p", "/p/.well-known", "p.",
        "/a%41b", "/a:b", "a:b", "/p?x=%zz", "/p?x=%41&y=2;z", "/p#f g", "//cdn.example/v", "?page=2", "#top",
        "https://b.example/P/../Q?x#y", "http://b.example", "http://b.example:80/x", "http://b.example:/x",
        "http://B.example/x", "https://b.example/a%20b", "https://b.example/a:b@c", "https://-b.example/",
        "http://b.example:123456/", "https://b.example?x=1", "https://b.example#f", "/~user/a_b-c",
        "/p?a=/b?c", "/p?a=%4", "products/item-1.html", "/联系", "HTTP://b.example/", "/p?q=(1)",
        "a//b", "x//", "HTTPSC//WWW.Example.co.uk", "/a//b", "/a/b//c?x=1",
        "//cdn.example", "//cdn.example/v?x=1#f", "//CDN.example/v", "//cdn.example:8080/a", "//cdn.example/a b",
        "//-cdn.example/", "//cdn.example:/a", "//cdn.example?q", "//u@cdn.example/", "//cdn.example/a/../b",
        "//cdn.example/a:b;c", "//", "///a", "//cdn.example:0080/a", "//cdn.example:0/", "//cdn.example/./a",
        "//cdn.example/a%41", "//cdn.example/a?x=%41&y=/z",
    };
    size_t fast = 0;
    for (size_t b = 0; b < sizeof bases / sizeof bases[0]; b++) {
        struct cwt__url_base ub;
        assert_int_equal(cwt__url_base_init(&ub, bases[b]), CWT_OK);
        for (size_t h = 0; h < sizeof hrefs / sizeof hrefs[0]; h++) {
            char out[512];
            size_t n = cwt__url_resolve_simple(&ub, hrefs[h], strlen(hrefs[h]), out, sizeof out);
            if (!n)
                continue;
            fast++;
            char *want = NULL;
            enum cwt_status rc = cwt__url_resolve(bases[b], hrefs[h], &want);
            if (rc != CWT_OK || strcmp(want, out) != 0 || strlen(out) != n)
                fail_msg("base '%s' href '%s': fast '%s', libxml2 '%s'", bases[b], hrefs[h], out,
                         want ? want : "(refused)");
            cwt_free(want);
        }
        /* too small an output buffer: no answer, not a cut one */
        char tiny[8];
        assert_int_equal(cwt__url_resolve_simple(&ub, "/a-long-path", 12, tiny, sizeof tiny), 0);
        cwt__url_base_release(&ub);
    }
    assert_true(fast >= 80); /* the common forms take the fast path */
}

static void test_exporter_page(void **state)
{
    (void)state;
    struct cwt__doc *d = parse_file("tests/fixtures/pages/exporter/index.html", "https://www.ningbo-valves.example/");
    assert_string_equal(d->title, "宁波阀门有限公司 | Ningbo Valves Co., Ltd.");
    assert_string_equal(d->lang, "zh-cn");
    assert_string_equal(d->base, "https://www.ningbo-valves.example/en/");
    assert_string_equal(cwt__doc_meta(d, "description"), "Brass ball valves, gate valves & fittings");
    assert_string_equal(cwt__doc_meta(d, "og:site_name"), "Ningbo Valves");
    assert_null(cwt__doc_meta(d, "keywords"));

    static const struct {
        const char *href, *text, *rel, *hreflang;
    } want[] = {
        {"https://www.ningbo-valves.example/en/", "", "alternate", "en"},
        {"https://www.ningbo-valves.example/en/index.html", "", "canonical", NULL},
        {"https://www.ningbo-valves.example/en/products.html", "产品 Products", NULL, NULL},
        {"https://www.ningbo-valves.example/zh/about.html", "关于我们", NULL, NULL},
        {"https://www.ningbo-valves.example/privacy-policy", "Privacy Policy", NULL, NULL},
        {"https://www.ningbo-valves.example/Contact?x=1", "Contact us", NULL, NULL},
        {"https://www.ningbo-valves.example/path%20with%20space/%E9%A1%B5%E9%9D%A2", "Unicode link", NULL, NULL},
        {"https://www.ningbo-valves.example/th/", "ไทย", "alternate", "th"},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const struct cwt__link *l = find_link(d, want[i].href);
        if (!l)
            fail_msg("link %s missing", want[i].href);
        if (i == 7)
            l = &d->links[d->nlinks - 1]; /* the <a>, not the <link> with the same href */
        assert_string_equal(l->text, want[i].text);
        if (want[i].rel)
            assert_string_equal(l->rel, want[i].rel);
        else
            assert_null(l->rel);
        if (want[i].hreflang)
            assert_string_equal(l->hreflang, want[i].hreflang);
        else
            assert_null(l->hreflang);
    }
    assert_int_equal(d->nlinks, 9); /* 3 <link> kept (stylesheet dropped) + 6 http(s) anchors */
    assert_null(find_link(d, "https://www.ningbo-valves.example/style.css"));
    assert_int_equal(d->nxlinks, 2);
    assert_string_equal(d->xlinks[0].href, "mailto:sales@ningbo-valves.example");
    assert_string_equal(d->xlinks[0].text, "Email");
    assert_string_equal(d->xlinks[1].href, "tel:+86-574-8888-0000");

    assert_non_null(strstr(d->text, "Brass Ball Valves\nWe make brass valves since 1998.\n我们是一家专业的阀门制造商。"));
    assert_non_null(strstr(d->text, "Pressure\n1.6 MPa"));
    assert_non_null(strstr(d->text, "Privacy Policy"));
    static const char *const absent[] = {"not text", "Enable JavaScript", "template text", "hidden text",
                                         "also hidden", "color: red", "宁波阀门有限公司 |"};
    for (size_t i = 0; i < sizeof absent / sizeof absent[0]; i++)
        if (strstr(d->text, absent[i]))
            fail_msg("'%s' must not be visible text", absent[i]);
    assert_int_equal(strlen(d->text), d->text_len);
    assert_true(d->text[0] != '\n' && d->text[0] != ' ');
    assert_null(strstr(d->text, "  "));
    assert_null(strstr(d->text, "\n\n"));

    assert_int_equal(d->njsonld, 1);
    assert_non_null(strstr(d->jsonld[0], "\"Organization\""));

    static const struct {
        const char *kind, *src;
    } media[] = {
        {"img", "https://www.ningbo-valves.example/img/mail.png"},
        {"video", "https://www.ningbo-valves.example/media/factory.mp4"},
        {"video", "https://www.ningbo-valves.example/media/factory.webm"},
        {"iframe", "https://www.youtube.com/embed/abc123"},
    };
    assert_int_equal(d->nmedia, 4);
    for (size_t i = 0; i < 4; i++) {
        assert_string_equal(d->media[i].kind, media[i].kind);
        assert_string_equal(d->media[i].src, media[i].src);
    }
    assert_string_equal(d->media[1].title, "Factory tour");
    assert_string_equal(d->media[3].title, "产线视频");
    cwt__doc_free(d);
}

/* Real pages: the title we read contains Readability's expected (cleaned) title or the other way
 * round, and <html lang> is what Readability saw. */
static void test_real_pages(void **state)
{
    (void)state;
    static const struct {
        const char *name, *lang, *title_part, *text_part;
        size_t min_links;
    } pages[] = {
        {"001", "en", "Get your Frontend JavaScript Code Covered", "code coverage", 10},
        {"heise", "de", "1Password für Mac generiert Einmal-Passwörter", "1Password", 20},
        {"qq", NULL, "DeepMind新电脑已可利用记忆自学", "人工智能", 20},
        {"hukumusume", NULL, "欲張りなイヌ", "イヌ", 5},
        {"yahoo-4", "ja", "", "", 20},
        {"pixnet", "zh-tw", "", "", 20},
    };
    for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
        char rel[256];
        snprintf(rel, sizeof rel, "tests/fixtures/pages/readability/%s/source.html", pages[i].name);
        struct cwt__doc *d = parse_file(rel, "https://news.example/article/1");
        if (pages[i].lang)
            assert_string_equal(d->lang, pages[i].lang);
        else
            assert_null(d->lang);
        if (!strstr(d->title, pages[i].title_part))
            fail_msg("%s: title '%s' lacks '%s'", pages[i].name, d->title, pages[i].title_part);
        if (!strstr(d->text, pages[i].text_part))
            fail_msg("%s: text lacks '%s'", pages[i].name, pages[i].text_part);
        if (d->nlinks < pages[i].min_links)
            fail_msg("%s: only %zu links", pages[i].name, d->nlinks);
        for (size_t k = 0; k < d->nlinks; k++) {
            const char *h = d->links[k].href;
            assert_true(strncmp(h, "http://", 7) == 0 || strncmp(h, "https://", 8) == 0);
            assert_null(strchr(h, '#'));
            assert_null(strchr(h, ' '));
            assert_non_null(d->links[k].text);
        }
        cwt__doc_free(d);
    }
}

static void test_cdata_jsonld_real(void **state)
{
    (void)state;
    struct cwt__doc *d = parse_file("tests/fixtures/pages/readability/gitlab-blog/source.html", "https://about.gitlab.com/");
    assert_int_equal(d->njsonld, 3);
    cwt__doc_free(d);
    d = parse_file("tests/fixtures/pages/readability/schema-org-context-object/source.html", "https://a.example/");
    assert_int_equal(d->njsonld, 4);
    cwt__doc_free(d);
}

static struct cwt__doc *parse_str(const char *html, size_t len, enum cwt_status want)
{
    struct cwt_ctx *ctx = NULL;
    assert_int_equal(cwt_ctx_new(&ctx), CWT_OK);
    struct cwt__doc *d = NULL;
    struct cwt_err err;
    cwt_err_clear(&err);
    assert_int_equal(cwt__doc_parse(ctx, html, len, "https://a.example/", &d, &err), want);
    cwt_ctx_free(ctx);
    return d;
}

static void test_degenerate_inputs(void **state)
{
    (void)state;
    static const struct {
        const char *html;
        size_t len;
        const char *text;
    } cases[] = {
        {"", 0, ""},
        {"plain text only", 15, "plain text only"},
        {"<p>a\0b</p>", 10, NULL},
        {"<a href='x'>unclosed <b>bold", 29, "unclosed bold"},
        {"\xff\xfe<p>bad bytes \xc3\x28</p>", 20, NULL},
        {"<html><body><p>one</p><p>two</p>", 33, "one\ntwo"},
        {"<title>t</title><svg><title>icon</title></svg>x", 48, "x"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct cwt__doc *d = parse_str(cases[i].html, cases[i].len, CWT_OK);
        assert_non_null(d->text);
        assert_non_null(d->title);
        if (cases[i].text && strcmp(d->text, cases[i].text) != 0)
            fail_msg("case %zu: text '%s', want '%s'", i, d->text, cases[i].text);
        cwt__doc_free(d);
    }
}

static void test_deep_nesting_and_caps(void **state)
{
    (void)state;
    const size_t depth = 100000;
    size_t cap = depth * 11 + 64;
    char *html = malloc(cap);
    assert_non_null(html);
    size_t n = 0;
    for (size_t i = 0; i < depth; i++)
        n += (size_t)snprintf(html + n, cap - n, "<div><span>");
    n += (size_t)snprintf(html + n, cap - n, "deep<a href='/x'>x</a>");
    struct cwt__doc *d = parse_str(html, n, CWT_OK);
    assert_non_null(d);
    cwt__doc_free(d);
    free(html);

    /* 25000 links: the list stops at its cap, the parse does not fail. */
    const size_t nl = 25000;
    cap = nl * 32 + 16;
    html = malloc(cap);
    n = 0;
    for (size_t i = 0; i < nl; i++)
        n += (size_t)snprintf(html + n, cap - n, "<a href='/p%zu'>p</a>", i);
    d = parse_str(html, n, CWT_OK);
    assert_int_equal(d->nlinks, 20000);
    assert_string_equal(d->links[19999].href, "https://a.example/p19999");
    cwt__doc_free(d);
    free(html);

    /* Over the ctx page cap: refused with a message naming the URL. */
    struct cwt_ctx *ctx = NULL;
    assert_int_equal(cwt_ctx_new(&ctx), CWT_OK);
    struct cwt_limits lim = {.max_page_bytes = 10};
    cwt_ctx_set_limits(ctx, &lim);
    struct cwt_err err;
    cwt_err_clear(&err);
    d = NULL;
    assert_int_equal(cwt__doc_parse(ctx, "<p>more than ten</p>", 20, "https://a.example/big", &d, &err), CWT_ETOOBIG);
    assert_null(d);
    assert_non_null(strstr(err.msg, "https://a.example/big"));
    cwt_ctx_free(ctx);
    cwt__doc_free(NULL);
}

/* Failing every allocation from the Nth on, for every N: CWT_ENOMEM, never a crash or a leak (ASan
 * checks), until the parse needs no more than N allocations. */
static void test_out_of_memory(void **state)
{
    (void)state;
    size_t len = 0;
    char *html = h_read_file(h_src("tests/fixtures/pages/exporter/product.html"), &len);
    assert_non_null(html);
    struct cwt_ctx *ctx = NULL;
    assert_int_equal(cwt_ctx_new(&ctx), CWT_OK);
    h_oom_install();
    h_oom_fail_after(-1);
    struct cwt__doc *d = NULL;
    assert_int_equal(cwt__doc_parse(ctx, html, len, "https://a.example/", &d, NULL), CWT_OK);
    long total = h_oom_count();
    cwt__doc_free(d);
    long enomem = 0;
    for (long n = 0; n < total; n++) {
        h_oom_fail_after(n);
        d = NULL;
        enum cwt_status rc = cwt__doc_parse(ctx, html, len, "https://a.example/", &d, NULL);
        h_oom_fail_after(-1);
        if (rc) {
            assert_int_equal(rc, CWT_ENOMEM);
            assert_null(d);
            enomem++;
        }
        cwt__doc_free(d);
    }
    h_oom_uninstall();
    printf("# out of memory from each of the %ld allocations of a parse on: CWT_ENOMEM %ld times, no leak\n", total,
           enomem);
    assert_int_equal(enomem, total); /* no allocation failure is silently ignored */
    cwt_ctx_free(ctx);
    free(html);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resolve_table),
        cmocka_unit_test(test_resolve_simple_matches),
        cmocka_unit_test(test_exporter_page),
        cmocka_unit_test(test_real_pages),
        cmocka_unit_test(test_cdata_jsonld_real),
        cmocka_unit_test(test_degenerate_inputs),
        cmocka_unit_test(test_deep_nesting_and_caps),
        cmocka_unit_test(test_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
