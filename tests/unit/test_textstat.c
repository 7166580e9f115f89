/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of src/lib/page/textstat.c: textstat's expected values (tests/fixtures/textstat), character
 * statistics for Chinese and Thai, language identification on real pages, and the inverted n-gram
 * model (page/textcat_model.c) giving libexttextcat's own answers on every fixture and corpus page. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <cmocka.h>
#include <jansson.h>

#include <glob.h>
#include <libexttextcat/textcat.h>

#include "harness.h"
#include "page/textcat_model.h"
#include "page/textstat.h"

static const char *case_text(const json_t *root, const json_t *c)
{
    const json_t *id = json_object_get(c, "text_id");
    if (json_is_string(id))
        return json_string_value(json_object_get(json_object_get(root, "texts"), json_string_value(id)));
    return json_string_value(json_object_get(c, "text"));
}

static void test_textstat_expectations(void **state)
{
    (void)state;
    json_error_t je;
    json_t *root = json_load_file(h_src("tests/fixtures/textstat/expectations.json"), 0, &je);
    assert_non_null(root);
    unsigned fre_ok = 0, fre_n = 0, fk_ok = 0, fk_n = 0, syl_ok = 0, syl_n = 0, cnt_ok = 0, cnt_n = 0;
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(root, "cases"), i, c) {
        const char *metric = json_string_value(json_object_get(c, "metric"));
        const char *lang = json_string_value(json_object_get(c, "lang"));
        const char *text = case_text(root, c);
        double want = json_number_value(json_object_get(c, "expected"));
        assert_non_null(text);
        struct cwt__textstat ts;
        cwt__textstat_en(text, strlen(text), &ts);
        const char *id = json_string_value(json_object_get(c, "text_id"));
        if (strcmp(lang, "en_US") != 0)
            continue;
        if (strcmp(metric, "flesch_reading_ease") == 0 || strcmp(metric, "flesch_kincaid_grade") == 0) {
            bool fre = metric[1] == 'l' && metric[7] == 'r';
            double got = fre ? ts.flesch_ease : ts.fk_grade;
            bool ok = fabs(got - want) <= 1.0;
            printf("# %s %s: got %.3f want %.3f %s\n", metric, id, got, want, ok ? "ok" : "MISS");
            if (fre)
                fre_n++, fre_ok += ok;
            else
                fk_n++, fk_ok += ok;
        } else if (strcmp(metric, "count_syllables") == 0) {
            double margin = json_number_value(json_object_get(json_object_get(c, "params"), "margin"));
            bool ok = fabs((double)ts.syllables - want) <= margin;
            if (!ok)
                printf("# syllables '%.30s': got %zu want %.0f\n", text, ts.syllables, want);
            syl_n++, syl_ok += ok;
        } else {
            size_t got = strcmp(metric, "count_words") == 0 ? ts.words : ts.sentences;
            bool ok = (double)got == want;
            if (!ok)
                printf("# %s '%.30s': got %zu want %.0f\n", metric, text, got, want);
            cnt_n++, cnt_ok += ok;
        }
    }
    printf("# textstat en: flesch_reading_ease %u/%u within 1.0, flesch_kincaid_grade %u/%u within 1.0, "
           "syllables %u/%u within margin, word/sentence counts %u/%u exact\n",
           fre_ok, fre_n, fk_ok, fk_n, syl_ok, syl_n, cnt_ok, cnt_n);
    json_decref(root);
    assert_int_equal(fk_ok, fk_n);
    assert_true(fre_ok + 1 >= fre_n); /* the heuristic may miss one (PUNCT_TEXT: words not in CMUdict) */
    assert_int_equal(cnt_ok, cnt_n);
    assert_true(syl_ok * 10 >= syl_n * 9);
}

static void test_chars_per_sentence(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        bool thai;
        size_t chars, sentences;
    } cases[] = {
        {"我们收集您的姓名。我们不会出售您的数据！", false, 18, 2},
        {"这是第一句话。这是第二句话？\n标题\n这是第三句话", false, 18, 3}, /* the heading is not a sentence */
        {"เราเก็บข้อมูลของคุณ เราไม่ขายข้อมูล", true, 27, 2}, /* 15 + 12: marks not counted */
        {"", false, 0, 0},
        {"。。。", false, 0, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct cwt__textstat ts;
        cwt__textstat_chars(cases[i].text, strlen(cases[i].text), cases[i].thai, &ts);
        if (ts.chars != cases[i].chars || ts.char_sentences != cases[i].sentences)
            fail_msg("case %zu: %zu chars %zu sentences", i, ts.chars, ts.char_sentences);
        if (ts.char_sentences)
            assert_true(fabs(ts.chars_per_sentence - (double)ts.chars / (double)ts.char_sentences) < 1e-9);
    }
}

static void test_language_of_pages(void **state)
{
    (void)state;
    struct cwt__langid *lid = NULL;
    assert_int_equal(cwt__langid_new(NULL, &lid), CWT_OK);
    static const struct {
        const char *page, *lang;
    } pages[] = {
        {"001", "en"}, {"heise", "de"}, {"qq", "zh"}, {"gmw", "zh"}, {"pixnet", "zh"},
        {"yahoo-4", "ja"}, {"hukumusume", "ja"}, {"la-nacion", "es"}, {"wordpress", "en"},
    };
    struct cwt_ctx *ctx = NULL;
    assert_int_equal(cwt_ctx_new(&ctx), CWT_OK);
    for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
        char rel[256];
        snprintf(rel, sizeof rel, "tests/fixtures/pages/readability/%s/source.html", pages[i].page);
        size_t len = 0;
        char *html = h_read_file(h_src(rel), &len);
        assert_non_null(html);
        struct cwt__doc *d = NULL;
        assert_int_equal(cwt__doc_parse(ctx, html, len, "https://a.example/", &d, NULL), CWT_OK);
        assert_int_equal(cwt__doc_detect_lang(d, lid), CWT_OK);
        if (!d->detected_lang || strcmp(d->detected_lang, pages[i].lang) != 0)
            fail_msg("%s: detected %s, want %s", pages[i].page, d->detected_lang ? d->detected_lang : "(none)",
                     pages[i].lang);
        cwt__doc_free(d);
        free(html);
    }
    cwt_ctx_free(ctx);
    static const struct {
        const char *text, *lang; /* NULL: unknown */
    } texts[] = {
        {"เราเก็บรวบรวมข้อมูลส่วนบุคคลของคุณเพื่อให้บริการและปรับปรุงเว็บไซต์ของเรา", "th"},
        {"Chúng tôi thu thập thông tin cá nhân của bạn để cung cấp dịch vụ và cải thiện trang web của chúng tôi. "
         "Chúng tôi không bán dữ liệu của bạn cho bên thứ ba.", "vi"},
        {"회사는 귀하의 개인정보를 수집하여 서비스를 제공합니다. 개인정보는 안전하게 보관됩니다.", "ko"},
        /* a near tie in textcat ([en][ca][rm]...): the trade language wins */
        {"Brass gate valve DN50, PN16. Body and wedge in brass CW617N, stem in brass, hand wheel in steel. "
         "Working temperature up to 120 degrees. Tested at 2.4 MPa.", "en"},
        {"ok", NULL},
        {"12345 67890 !!!", NULL},
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        char code[16];
        bool ok = cwt__langid_detect(lid, texts[i].text, strlen(texts[i].text), code, sizeof code);
        if (texts[i].lang ? (!ok || strcmp(code, texts[i].lang) != 0) : ok)
            fail_msg("text %zu: %s", i, ok ? code : "(none)");
    }
    /* without fingerprints: scripts still work, Latin text is unknown */
    char code[16];
    assert_true(cwt__langid_detect(NULL, texts[0].text, strlen(texts[0].text), code, sizeof code));
    assert_string_equal(code, "th");
    assert_false(cwt__langid_detect(NULL, texts[1].text, strlen(texts[1].text), code, sizeof code));
    cwt__langid_free(lid);
}

/* Appends @p s to @p buf at *@p n. */
static void put(char *buf, size_t *n, const char *s)
{
    size_t k = strlen(s);
    memcpy(buf + *n, s, k);
    *n += k;
    buf[*n] = '\0';
}

/*
 * The script count is exact: a text is "th" when its Thai letters are 30% of its letters or more, so
 * one letter more or less counted flips the answer at the boundary. Letters that are not Thai (ASCII
 * letters, Latin-1 and Latin Extended letters) come between ASCII and other non-letters ('@' '[' '`' '{'
 * next to the letters' ranges, digits, '_', blanks, '×' '÷', Thai marks that are not letters) at
 * every alignment, and the count stops at 20,000 letters exactly (before a character).
 */
static void test_script_count_exact(void **state)
{
    (void)state;
    static const char *const letters[] = {"a", "z", "A", "Z", "m", "Q", "\xC3\xA9", "\xC3\x80", "\xC8\xB0", "\xC9\x8F"};
    static const char *const others[] = {"@", "[", "`", "{", "0", "9", "_", " ", "\n", ".", "~", "\x7F",
                                         "\xC3\x97", "\xC3\xB7", "\xE0\xB8\xAF", "\xE0\xB9\x9A", "\xE0\xB9\x9B"};
    static char buf[200000];
    uint64_t seed = 7;
    char code[16];
    for (int round = 0; round < 40; round++)
        for (int extra = 0; extra < 2; extra++) { /* 300 Thai of 1,000 letters: "th"; of 1,001: not */
            size_t n = 0, latin = 700 + (size_t)extra;
            buf[0] = '\0';
            for (size_t thai = 300; thai || latin;) {
                seed = seed * 6364136223846793005u + 1442695040888963407u;
                unsigned r = (unsigned)(seed >> 33);
                if (r % 3 == 0)
                    put(buf, &n, others[r / 3 % (sizeof others / sizeof others[0])]);
                else if (thai && r % 3 == 1)
                    put(buf, &n, "\xE0\xB8\x81"), thai--; /* U+0E01 */
                else if (latin)
                    put(buf, &n, letters[r / 3 % (sizeof letters / sizeof letters[0])]), latin--;
            }
            bool th = cwt__langid_detect(NULL, buf, n, code, sizeof code) && strcmp(code, "th") == 0;
            if (th != !extra)
                fail_msg("round %d, %zu letters: %s", round, (size_t)1000 + (size_t)extra, th ? "th" : "not th");
        }
    for (size_t align = 0; align < 9; align++)
        for (int fewer = 0; fewer < 2; fewer++) {
            /* Thai letters, ASCII letters up to 20,000 letters in all, 1,000 Thai letters more: counted
             * only with an ASCII letter too many (past the limit) or the limit ignored */
            size_t n = 0, thai = 6000 - (size_t)fewer;
            for (size_t i = 0; i < thai; i++)
                put(buf, &n, "\xE0\xB8\x81");
            for (size_t i = 0; i < align; i++)
                put(buf, &n, i % 2 ? " " : "1");
            for (size_t i = thai; i < 20000 + 16; i++)
                put(buf, &n, i % 7 ? "e" : "E");
            for (size_t i = 0; i < 1000; i++)
                put(buf, &n, "\xE0\xB8\x81");
            bool th = cwt__langid_detect(NULL, buf, n, code, sizeof code) && strcmp(code, "th") == 0;
            if (th != !fewer)
                fail_msg("limit, %zu Thai first, alignment %zu: %s", thai, align, th ? "th" : "not th");
        }
}

/* Compares cwt__tcmodel_classify() with textcat_Classify() on windows of @p text; returns the count. */
static size_t same_as_textcat(void *tc, const struct cwt__tcmodel *m, const char *name, const char *text, size_t len)
{
    static const size_t sizes[] = {3000, 1000, 200, 40, 8};
    size_t n = 0;
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++)
        for (size_t part = 0; part < 3; part++) { /* the start, the middle (as detection samples), the end */
            size_t w = sizes[k] < len ? sizes[k] : len;
            size_t from = part == 0 ? 0 : part == 1 ? (len - w) / 2 : len - w;
            while (from < len && ((unsigned char)text[from] & 0xC0) == 0x80)
                from++;
            w = w < len - from ? w : len - from;
            while (w && from + w < len && ((unsigned char)text[from + w] & 0xC0) == 0x80)
                w--;
            char mine[256];
            assert_int_equal(cwt__tcmodel_classify(m, text + from, w, mine, sizeof mine), CWT_OK);
            const char *want = textcat_Classify(tc, text + from, w);
            if (strcmp(mine, want ? want : "") != 0)
                fail_msg("%s [%zu, +%zu): textcat says %s, the model %s", name, from, w, want, mine);
            n++;
        }
    return n;
}

static void test_model_answers_as_textcat(void **state)
{
    (void)state;
    void *tc = special_textcat_Init("/usr/share/libexttextcat/fpdb.conf", "/usr/share/libexttextcat/");
    if (!tc)
        skip(); /* no fingerprints installed */
    const struct cwt__tcmodel *m = cwt__tcmodel_default();
    assert_non_null(m);
    struct cwt_ctx *ctx = NULL;
    assert_int_equal(cwt_ctx_new(&ctx), CWT_OK);
    /* the fixture pages and, when the shared corpora sit next to the checkout, their pages */
    const char *patterns[] = {"tests/fixtures/pages/readability/*/source.html", "tests/fixtures/pages/exporter/*.html",
                              "tests/fixtures/sites/*/*.html", "../shared/corpora/readability/pages/*/source.html",
                              "../../shared/corpora/readability/pages/*/source.html"};
    size_t pages = 0, windows = 0;
    for (size_t p = 0; p < sizeof patterns / sizeof patterns[0]; p++) {
        glob_t g;
        if (glob(h_src(patterns[p]), 0, NULL, &g) != 0)
            continue;
        for (size_t i = 0; i < g.gl_pathc; i++) {
            size_t len = 0;
            char *html = h_read_file(g.gl_pathv[i], &len);
            assert_non_null(html);
            struct cwt__doc *d = NULL;
            enum cwt_status rc = cwt__doc_parse(ctx, html, len, "https://a.example/", &d, NULL);
            free(html);
            if (rc == CWT_OK) {
                windows += same_as_textcat(tc, m, g.gl_pathv[i], d->text, d->text_len);
                pages++;
                cwt__doc_free(d);
            }
        }
        globfree(&g);
    }
    const char *texts[] = {"ok", "12345 67890 !!!", "", "Brass gate valve DN50, PN16. Body and wedge in brass."};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        windows += same_as_textcat(tc, m, texts[i], texts[i], strlen(texts[i]));
    print_message("model = textcat on %zu windows of %zu pages\n", windows, pages);
    assert_true(pages >= 20);
    cwt_ctx_free(ctx);
    textcat_Done(tc);
}

static void test_syllable_words(void **state)
{
    (void)state;
    static const struct {
        const char *w;
        unsigned n;
    } words[] = {{"cool", 1}, {"sunglasses", 3}, {"places", 2}, {"wanted", 2}, {"played", 1}, {"whole", 1},
                 {"people", 2}, {"media", 3}, {"doing", 2}, {"didn't", 2}, {"don't", 1}, {"500", 1},
                 {"quality", 3}, {"marriage", 2}, {"TV", 2}, {"WWW", 9}, {"etc", 4}, {"", 1}};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        unsigned got = cwt__syllables_en(words[i].w, strlen(words[i].w));
        if (got != words[i].n)
            fail_msg("'%s': %u syllables, want %u", words[i].w, got, words[i].n);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_textstat_expectations),
        cmocka_unit_test(test_chars_per_sentence),
        cmocka_unit_test(test_language_of_pages),
        cmocka_unit_test(test_script_count_exact),
        cmocka_unit_test(test_model_answers_as_textcat),
        cmocka_unit_test(test_syllable_words),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
