/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the signals built on the page layer's text: sig_privacy.c (policy found, linked,
 * readable, complete) and sig_languages.c (languages offered against the target markets), on the
 * small sites in tests/fixtures/privacy.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "fetch/fetch.h"
#include "harness.h"
#include "page/page.h"
#include "signals/content.h"

#define MAXP 6

struct fx {
    struct cwt_ctx *ctx;
    struct cwt__response resp[MAXP];
    struct cwt__doc *doc[MAXP];
    struct cwt__site_page pages[MAXP];
    struct cwt__site site;
};

struct pg {
    const char *file; /* under tests/fixtures/privacy/ */
    const char *path; /* URL path on the site */
    const char *role;
};

static void fx_load(struct fx *f, const struct pg *pgs, size_t n)
{
    memset(f, 0, sizeof *f);
    assert_int_equal(cwt_ctx_new(&f->ctx), CWT_OK);
    for (size_t i = 0; i < n; i++) {
        char rel[160], url[200];
        snprintf(rel, sizeof rel, "tests/fixtures/privacy/%s", pgs[i].file);
        snprintf(url, sizeof url, "https://www.ningbo-valves.example%s", pgs[i].path);
        size_t len = 0;
        char *html = h_read_file(h_src(rel), &len);
        assert_non_null(html);
        assert_int_equal(cwt__doc_parse(f->ctx, html, len, url, &f->doc[i], NULL), CWT_OK);
        free(html);
        f->resp[i].url = cwt_strdup(url);
        f->resp[i].final_url = cwt_strdup(url);
        f->resp[i].status = 200;
        f->pages[i] = (struct cwt__site_page){&f->resp[i], f->doc[i], pgs[i].role};
    }
    f->site.ctx = f->ctx;
    f->site.url = "https://www.ningbo-valves.example/";
    f->site.host = "www.ningbo-valves.example";
    f->site.reg_domain = "ningbo-valves.example";
    f->site.at = 1767225600; /* 2026-01-01 */
    f->site.pages = f->pages;
    f->site.npages = n;
}

static void fx_free(struct fx *f)
{
    for (size_t i = 0; i < MAXP; i++) {
        cwt__doc_free(f->doc[i]);
        cwt_free(f->resp[i].url);
        cwt_free(f->resp[i].final_url);
    }
    cwt_ctx_free(f->ctx);
}

static bool has_finding(const struct cwt__signal *s, const char *code)
{
    for (size_t i = 0; i < s->nfindings; i++)
        if (strcmp(s->findings[i].code, code) == 0)
            return true;
    return false;
}

static bool has_evidence(const struct cwt__signal *s, const char *what, const char *part)
{
    for (size_t i = 0; i < s->nevidence; i++)
        if (s->evidence[i].what && strcmp(s->evidence[i].what, what) == 0 &&
            (!part || (s->evidence[i].snippet && strstr(s->evidence[i].snippet, part))))
            return true;
    return false;
}

static void run(struct fx *f, const char *id, struct cwt__signal *s)
{
    const struct cwt__signal_def *def = cwt__signal_find(id);
    assert_non_null(def);
    cwt__signal_init(s, def->id, def->module);
    assert_int_equal(def->run(&f->site, s), CWT_OK);
    assert_true(s->value >= 0 && s->value <= 1 && s->confidence >= 0 && s->confidence <= 1);
    assert_non_null(s->summary);
    assert_true(s->nevidence > 0);
}

static void test_privacy_complete_english_policy(void **state)
{
    (void)state;
    static const struct pg site[] = {{"home.html", "/", "home"}, {"about.html", "/about", "about"},
                                     {"privacy.html", "/privacy-policy", "privacy"}};
    struct fx f;
    fx_load(&f, site, 3);
    struct cwt__signal s;
    run(&f, "privacy", &s);
    assert_true(s.measured);
    assert_true(s.raw == 8);
    assert_true(has_evidence(&s, "privacy policy", NULL));
    assert_true(has_evidence(&s, "privacy link on home page", "Privacy Policy"));
    assert_true(has_evidence(&s, "topic: retention", "retain"));
    assert_true(has_evidence(&s, "topic: cross_border", "transferred to"));
    assert_false(has_finding(&s, "privacy.missing"));
    assert_false(has_finding(&s, "privacy.not_linked_home"));
    assert_false(has_finding(&s, "privacy.missing_topics"));
    assert_false(has_finding(&s, "privacy.hard_to_read"));
    assert_true(has_finding(&s, "privacy.not_linked_everywhere")); /* about.html has no link */
    json_t *rd = json_object_get(s.detail, "readability");
    assert_string_equal(json_string_value(json_object_get(rd, "method")), "flesch");
    assert_true(json_real_value(json_object_get(rd, "flesch_reading_ease")) > 50);
    assert_true(s.value > 0.85);
    double full = s.value;
    cwt__signal_release(&s);
    fx_free(&f);

    /* the policy found by its URL and title when the crawl gave it no role */
    static const struct pg site2[] = {{"home.html", "/", "home"}, {"privacy.html", "/privacy-policy", "other"}};
    fx_load(&f, site2, 2);
    run(&f, "privacy", &s);
    assert_true(s.raw == 8);
    assert_true(s.value >= full);
    cwt__signal_release(&s);
    fx_free(&f);
}

static void test_privacy_chinese_policy_incomplete_and_long(void **state)
{
    (void)state;
    static const struct pg site[] = {{"home_zh.html", "/", "home"}, {"privacy_zh.html", "/privacy-policy", "privacy"}};
    struct fx f;
    fx_load(&f, site, 2);
    struct cwt__signal s;
    run(&f, "privacy", &s);
    assert_true(s.measured);
    assert_true(has_evidence(&s, "privacy link on home page", "隐私政策"));
    json_t *rd = json_object_get(s.detail, "readability");
    assert_string_equal(json_string_value(json_object_get(rd, "lang")), "zh");
    assert_string_equal(json_string_value(json_object_get(rd, "method")), "chars_per_sentence");
    assert_true(json_real_value(json_object_get(rd, "chars_per_sentence")) > 60);
    assert_true(has_finding(&s, "privacy.hard_to_read"));
    assert_true(has_finding(&s, "privacy.missing_topics"));
    json_t *topics = json_object_get(s.detail, "topics");
    assert_true(json_is_true(json_object_get(topics, "data_collected")));
    assert_true(json_is_true(json_object_get(topics, "sharing")));
    assert_true(json_is_true(json_object_get(topics, "rights")));
    assert_true(json_is_false(json_object_get(topics, "cookies")));
    assert_true(json_is_false(json_object_get(topics, "retention")));
    assert_true(s.raw >= 4 && s.raw < 8);
    assert_non_null(s.fix);
    cwt__signal_release(&s);
    fx_free(&f);
}

static void test_privacy_missing(void **state)
{
    (void)state;
    static const struct pg site[] = {{"shop.html", "/", "home"}, {"about.html", "/about", "about"}};
    struct fx f;
    fx_load(&f, site, 2);
    struct cwt__signal s;
    run(&f, "privacy", &s);
    assert_true(s.measured);
    assert_true(s.value == 0);
    assert_true(has_finding(&s, "privacy.missing"));
    assert_non_null(s.fix);
    cwt__signal_release(&s);
    fx_free(&f);

    /* linked but not fetched: present, content unknown, low confidence */
    static const struct pg site2[] = {{"home.html", "/", "home"}};
    fx_load(&f, site2, 1);
    run(&f, "privacy", &s);
    assert_true(has_finding(&s, "privacy.not_read"));
    assert_true(s.value > 0.3 && s.confidence <= 0.5);
    assert_true(isnan(s.raw));
    cwt__signal_release(&s);
    fx_free(&f);

    /* nothing readable: not measured */
    fx_load(&f, site2, 0);
    run(&f, "privacy", &s);
    assert_false(s.measured);
    cwt__signal_release(&s);
    fx_free(&f);
}

static void test_languages(void **state)
{
    (void)state;
    static const struct pg site[] = {{"home.html", "/", "home"}, {"about.html", "/about", "about"}};
    struct fx f;
    fx_load(&f, site, 2);
    struct cwt__signal s;
    run(&f, "languages", &s);
    assert_true(s.measured);
    json_t *offered = json_object_get(s.detail, "offered");
    static const struct {
        const char *lang, *source;
    } want[] = {{"en", "hreflang"}, {"th", "hreflang"}, {"zh", "hreflang"}, {"vi", "switcher"},
                {"id", "switcher"}, {"en", "html_lang"}, {"en", "detected"}};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        json_t *src = json_object_get(offered, want[i].lang);
        bool found = false;
        size_t k;
        json_t *e;
        json_array_foreach(src, k, e) found = found || strcmp(json_string_value(e), want[i].source) == 0;
        if (!found)
            fail_msg("%s not offered through %s", want[i].lang, want[i].source);
    }
    assert_int_equal(json_object_size(offered), 5); /* "ID" -> /login is not a switcher; x-default skipped */
    assert_true(s.raw == 5);
    assert_true(s.value == 1.0);
    assert_true(s.confidence >= 0.9);
    assert_true(has_evidence(&s, "hreflang", "th"));
    assert_true(has_evidence(&s, "language switcher", "Tiếng Việt"));
    assert_true(has_finding(&s, "languages.missing_targets"));
    assert_false(has_finding(&s, "languages.no_english"));
    assert_false(has_finding(&s, "languages.lang_mismatch"));
    cwt__signal_release(&s);
    fx_free(&f);

    /* Chinese page declaring lang="en": mismatch; English only through the switcher */
    static const struct pg zh[] = {{"home_zh.html", "/", "home"}, {"privacy_zh.html", "/privacy-policy", "privacy"}};
    fx_load(&f, zh, 2);
    run(&f, "languages", &s);
    assert_true(has_finding(&s, "languages.lang_mismatch"));
    offered = json_object_get(s.detail, "offered");
    assert_non_null(json_object_get(offered, "zh"));
    assert_non_null(json_object_get(offered, "en"));
    assert_true(s.value > 0.4 && s.value < 1.0);
    cwt__signal_release(&s);
    fx_free(&f);

    /* one language, no markers */
    static const struct pg one[] = {{"shop.html", "/", "home"}};
    fx_load(&f, one, 1);
    run(&f, "languages", &s);
    assert_true(has_finding(&s, "languages.single"));
    assert_true(s.confidence < 0.9);
    assert_true(s.value <= 0.4);
    cwt__signal_release(&s);
    fx_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_privacy_complete_english_policy),
        cmocka_unit_test(test_privacy_chinese_policy_incomplete_and_long),
        cmocka_unit_test(test_privacy_missing),
        cmocka_unit_test(test_languages),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
