/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of src/lib/page/textcat_fp.c: the fingerprint (the ranked list of n-grams) and the
 * classification of page/textcat_model.c against libexttextcat's own fp_Create + fp_Print and
 * textcat_Classify, on every file under tests/fixtures/pages and tests/fixtures/sites (raw and as parsed
 * text, whole and in windows that stop inside the text), the shared readability corpus when it is checked
 * out, hand-made adversarial strings and seeded random texts built to make many equal counts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include <ftw.h>
#include <unistd.h>
#include <pthread.h>
#include <libexttextcat/fingerprint.h>
#include <libexttextcat/textcat.h>

#include "harness.h"
#include "page/page.h"
#include "page/textcat_fp.h"
#include "page/textcat_model.h"

/* libexttextcat's fingerprint of text[0..len) as fp_Print lists it ("" when fp_Create refuses it);
 * the caller frees. */
static char *oracle_list(const char *text, size_t len)
{
    void *u = fp_Init(NULL);
    assert_non_null(u);
    fp_SetProperty(u, TCPROP_UTF8AWARE, TC_TRUE);
    fp_SetProperty(u, TCPROP_MINIMUM_DOCUMENT_SIZE, 1);
    char *list = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&list, &n);
    assert_non_null(f);
    if (fp_Create(u, text, (uint4)len, CWT__TCFP_NGRAMS))
        fp_Print(u, f);
    fp_Done(u);
    assert_int_equal(fclose(f), 0);
    return list;
}

/* Our fingerprint listed the same way. */
static char *our_list(const char *text, size_t len)
{
    static struct cwt__tcfp fp; /* main thread only */
    assert_int_equal(cwt__tcfp_create(text, len, &fp), CWT_OK);
    char *list = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&list, &n);
    assert_non_null(f);
    for (size_t i = 0; i < fp.n; i++)
        fprintf(f, "%.*s\n", (int)fp.len[i], fp.gram[i]);
    assert_int_equal(fclose(f), 0);
    return list;
}

/* The first line where @p a and @p b differ (1-based), for the failure message. */
static size_t first_diff_line(const char *a, const char *b)
{
    size_t line = 1;
    for (; *a && *a == *b; a++, b++)
        line += *a == '\n';
    return line;
}

static void *tc;                      /* textcat_Classify's handle */
static const struct cwt__tcmodel *tm; /* our model */
static size_t compared, classified;

/* Compares the fingerprints of text[0..len) (and every @p every-th time the classification). */
static void same(const char *name, const char *text, size_t len, size_t every)
{
    char *want = oracle_list(text, len), *got = our_list(text, len);
    if (strcmp(want, got) != 0)
        fail_msg("%s (%zu bytes): the fingerprints differ at rank %zu", name, len, first_diff_line(want, got) - 1);
    free(want);
    free(got);
    compared++;
    if (tc && every && compared % every == 0) {
        char mine[256];
        assert_int_equal(cwt__tcmodel_classify(tm, text, len, mine, sizeof mine), CWT_OK);
        const char *ans = textcat_Classify(tc, text, len);
        if (strcmp(mine, ans ? ans : "") != 0)
            fail_msg("%s (%zu bytes): textcat says %s, the model %s", name, len, ans, mine);
        classified++;
    }
}

/* The whole of @p text, then windows at its start, middle and end (cut anywhere, then on character
 * boundaries), which libexttextcat reads past when a run of blanks crosses their end. */
static void same_windows(const char *name, const char *text, size_t len)
{
    static const size_t sizes[] = {3000, 1000, 200, 40, 8, 2, 1};
    len = len < CWT__TCFP_MAX_TEXT ? len : CWT__TCFP_MAX_TEXT;
    same(name, text, len, 1);
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++)
        for (size_t part = 0; part < 3; part++) {
            size_t w = sizes[k] < len ? sizes[k] : len;
            size_t from = part == 0 ? 0 : part == 1 ? (len - w) / 2 : len - w;
            same(name, text + from, w, 4);
            while (from < len && ((unsigned char)text[from] & 0xC0) == 0x80)
                from++;
            w = w < len - from ? w : len - from;
            while (w && from + w < len && ((unsigned char)text[from + w] & 0xC0) == 0x80)
                w--;
            same(name, text + from, w, 2);
        }
}

static struct cwt_ctx *ctx;
static size_t files;

static int one_file(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    if (type != FTW_F)
        return 0;
    size_t len = 0;
    char *raw = h_read_file(path, &len);
    assert_non_null(raw);
    same_windows(path, raw, strnlen(raw, len));
    size_t n = strlen(path);
    if (n > 5 && strcmp(path + n - 5, ".html") == 0) {
        struct cwt__doc *d = NULL;
        if (cwt__doc_parse(ctx, raw, len, "https://a.example/", &d, NULL) == CWT_OK) {
            same_windows(path, d->text, d->text_len);
            cwt__doc_free(d);
        }
    }
    free(raw);
    files++;
    return 0;
}

static int setup(void **state)
{
    (void)state;
    tc = special_textcat_Init("/usr/share/libexttextcat/fpdb.conf", "/usr/share/libexttextcat/");
    tm = cwt__tcmodel_default();
    if (tc)
        assert_non_null(tm);
    else
        tm = NULL; /* no fingerprint files: only the fingerprints are compared */
    return cwt_ctx_new(&ctx) == CWT_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    if (tc)
        textcat_Done(tc);
    cwt_ctx_free(ctx);
    return 0;
}

static void test_fixture_pages(void **state)
{
    (void)state;
    const char *dirs[] = {"tests/fixtures/pages", "tests/fixtures/sites", "../../shared/corpora/readability/pages"};
    size_t before = compared;
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++)
        if (access(h_src(dirs[i]), R_OK) == 0)
            assert_int_equal(nftw(h_src(dirs[i]), one_file, 16, FTW_PHYS), 0);
    print_message("fingerprint = fp_Create on %zu texts of %zu files (%zu classified)\n", compared - before, files,
                  classified);
    assert_true(files >= 40);
}

static void test_adversarial(void **state)
{
    (void)state;
    static const struct {
        const char *name, *text;
    } cases[] = {
        {"empty", ""},
        {"one letter", "a"},
        {"one blank", " "},
        {"one digit", "7"},
        {"underscores", "_ __a_b__ _"},
        {"digits and blanks", "12345 67890 \t\n\v\f\r 000"},
        {"a lone continuation byte", "\x80"},
        {"a lone lead byte", "\xC3"},
        {"a truncated 3-byte character", "ab \xE2\x82"},
        {"a truncated 4-byte character", "x\xF0\x9F\x98"},
        {"a lead byte before a blank", "\xC3 a \xE2 b \xF0 c"},
        {"a lead byte before an underscore", "\xE2_x _\xC3_ \xF4__"},
        {"lead bytes 0xF8-0xFF", "\xF8\xF9\xFA\xFB\xFC\xFD\xFE\xFF abc \xFF\xFF"},
        {"continuations only", "\x80\x81\xBF\xBF \xA0\xA0\x90"},
        {"overlong and surrogates", "\xC0\x80 \xED\xA0\x80 \xE0\x80\x80 \xF4\x90\x80\x80"},
        {"a long word", "Donaudampfschifffahrtsgesellschaftskapitänswitwenrentenversicherung"},
        {"Thai", "ผู้ผลิตวาล์วทองเหลืองคุณภาพสูง ส่งออกไปทั่วโลก ตั้งแต่ปี ๒๕๓๐"},
        {"Chinese", "宁波阀门制造有限公司，专业生产黄铜闸阀、球阀和截止阀。产品出口欧美。"},
        {"Vietnamese", "Công ty TNHH sản xuất van đồng thau chất lượng cao, xuất khẩu sang châu Âu."},
        {"mixed scripts", "Brass ваннa 黄铜 ทองเหลือง Messing laiton 真鍮 황동 نحاس 123 ___"},
        {"emoji", "\xF0\x9F\x98\x80\xF0\x9F\x98\x80 ok \xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t len = strlen(cases[i].text);
        same(cases[i].name, cases[i].text, len, 1);
        for (size_t cut = 0; cut <= len; cut++) /* every prefix length over the same NUL-terminated text */
            same(cases[i].name, cases[i].text, cut, 3);
    }
    /* long runs of one character, of digits, and every byte value */
    static char big[20001];
    const char *runs[] = {"a", "é", "_", "ab", "0", " ", "\xE0\xB8\x81", "a ", "\xFF"};
    for (size_t r = 0; r < sizeof runs / sizeof runs[0]; r++) {
        size_t k = strlen(runs[r]), n = 0;
        while (n + k < sizeof big)
            memcpy(big + n, runs[r], k), n += k;
        big[n] = '\0';
        same("a long run", big, n, 1);
        same("a long run, cut", big, n / 3, 1);
    }
    for (size_t n = 0; n < 255; n++)
        big[n] = (char)(n + 1);
    big[255] = '\0';
    same("every byte", big, 255, 1);
    for (size_t c = 1; c < 256; c++) {
        char one[3] = {(char)c, (char)c, '\0'};
        same("one byte", one, 1, 0);
        same("two bytes", one, 2, 0);
    }
}

static uint64_t rng = 0x9E3779B97F4A7C15u;
static uint32_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 32);
}

/* A random text over a small alphabet (many equal counts, so the heap's ties decide) of @p n bytes. */
static void random_text(char *buf, size_t n)
{
    static const char *const alphabets[] = {"ab ", "abc d", "ab_ 1", "\xC3\xA9\xC3\xBC a", "\xE0\xB8\x81\xE0\xB8\xB2 ",
                                            "\xE4\xB8\xAD\xE6\x96\x87", "xyzw \n\t"};
    const char *a = alphabets[next_rand() % (sizeof alphabets / sizeof alphabets[0])];
    size_t k = strlen(a);
    bool bytes = next_rand() % 5 == 0; /* else whole characters of the alphabet */
    for (size_t i = 0; i < n; i++)
        buf[i] = bytes ? (char)(1 + next_rand() % 255) : a[next_rand() % k];
    buf[n] = '\0';
}

static void test_random_texts(void **state)
{
    (void)state;
    static char buf[6001];
    for (int i = 0; i < 1500; i++) {
        size_t n = next_rand() % (i < 1000 ? 400 : 6000);
        random_text(buf, n);
        size_t len = n ? next_rand() % (n + 1) : 0; /* a window over the longer NUL-terminated text */
        same("random", buf, len, 7);
        same("random, whole", buf, n, 0);
    }
    /* a text long enough to grow the table past what is kept between texts, then a short one */
    size_t n = 300000;
    char *big = malloc(n + 1);
    assert_non_null(big);
    for (size_t i = 0; i < n; i++)
        big[i] = (char)(1 + next_rand() % 255);
    big[n] = '\0';
    same("random bytes, long", big, n, 1);
    same("random bytes, long, again", big, n - 1, 0);
    same("random bytes, short after long", big, 3000, 1);
    free(big);
}

/* Threads each reuse their own table: their fingerprints must match the ones made here. */
#define T_TEXTS 24
static char t_texts[T_TEXTS][3001];
static char *t_want[T_TEXTS];

static void *thread_run(void *arg)
{
    size_t k = (size_t)(uintptr_t)arg;
    struct cwt__tcfp *fp = malloc(sizeof *fp);
    bool ok = fp != NULL;
    for (size_t round = 0; ok && round < 3; round++)
        for (size_t i = 0; ok && i < T_TEXTS; i++) {
            size_t t = (i + k * 7) % T_TEXTS;
            ok = cwt__tcfp_create(t_texts[t], strlen(t_texts[t]), fp) == CWT_OK;
            const char *w = t_want[t];
            for (size_t r = 0; ok && r < fp->n; r++) {
                const char *nl = strchr(w, '\n');
                ok = nl && (size_t)(nl - w) == fp->len[r] && memcmp(w, fp->gram[r], fp->len[r]) == 0;
                w = nl ? nl + 1 : w;
            }
            ok = ok && *w == '\0';
        }
    free(fp);
    return ok ? arg : NULL;
}

static void test_threads(void **state)
{
    (void)state;
    for (size_t i = 0; i < T_TEXTS; i++) {
        random_text(t_texts[i], 100 + next_rand() % 2900);
        t_want[i] = oracle_list(t_texts[i], strlen(t_texts[i]));
    }
    pthread_t th[4];
    for (size_t k = 0; k < 4; k++)
        assert_int_equal(pthread_create(&th[k], NULL, thread_run, (void *)(uintptr_t)(k + 1)), 0);
    for (size_t k = 0; k < 4; k++) {
        void *r = NULL;
        assert_int_equal(pthread_join(th[k], &r), 0);
        assert_ptr_equal(r, (void *)(uintptr_t)(k + 1));
    }
    for (size_t i = 0; i < T_TEXTS; i++)
        free(t_want[i]);
}

/* The counting's own paths: words repeated (counted once, times their count), words whose first
 * occurrence holds an n-gram that an earlier word lacks (the order of creation), n-grams of 1 and 2
 * bytes (a table indexed by their bytes), of more than 8 bytes (a hashed key whose bytes are compared),
 * a '_' swallowed by a lead byte (not a word's end), and the same texts again and again through one
 * thread's storage (slots of earlier texts must read as empty). */
static void test_words(void **state)
{
    (void)state;
    static const char *const cases[] = {
        "the cat the cat the dog the cat a",
        "abcabc abcabc abcabc",
        "ab ba ab ba abab baba abab",
        "a b c a b c a b c d",
        "\xC3\xA9t\xC3\xA9 \xC3\xA9t\xC3\xA9 \xC3\xA9t\xC3\xA9 ete ete",
        "\xE0\xB8\x81\xE0\xB8\xB2\xE0\xB8\x81\xE0\xB8\xB2 \xE0\xB8\x81\xE0\xB8\xB2\xE0\xB8\x81\xE0\xB8\xB2 x",
        "\xF0\x9F\x98\x80\xF0\x9F\x98\x81\xF0\x9F\x98\x82\xF0\x9F\x98\x83\xF0\x9F\x98\x84 ok "
        "\xF0\x9F\x98\x80\xF0\x9F\x98\x81\xF0\x9F\x98\x82\xF0\x9F\x98\x83\xF0\x9F\x98\x84",
        "a\xE0_b c\xC3_d a\xE0_b c\xC3_d _\xC3 \xC3_",
        "Verbesserungen Verbesserung verbessert Verbesserungen Zeitzonen Zeitzone",
        "x_y_z x_y_z __ ___ _a_ _a_",
    };
    for (int round = 0; round < 3; round++)
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
            size_t len = strlen(cases[i]);
            same(cases[i], cases[i], len, 1);
            for (size_t cut = 1; cut < len; cut += 3)
                same(cases[i], cases[i], cut, 0);
        }
    /* a text of many distinct words after one of few, and the reverse (the table grows, then a small
     * text reuses it) */
    static char many[40001];
    size_t n = 0;
    for (unsigned k = 0; n + 12 < sizeof many; k++)
        n += (size_t)snprintf(many + n, sizeof many - n, "w%xq%uz ", k * 2654435761u, k % 97);
    same("many words", many, n, 1);
    same("few words", "one two one two three", 21, 1);
    same("many words, again", many, n / 2, 1);
}

/* A text of @p n bytes (NUL-terminated) from "language" @p l: letters drawn with weights of its own. */
static void lang_text(unsigned l, char *buf, size_t n)
{
    static const char alphabet[] = "abcdefgh ";
    unsigned w[sizeof alphabet - 1], total = 0;
    for (size_t k = 0; k < sizeof w / sizeof w[0]; k++)
        total += w[k] = 1 + (k == 8 ? 4 : ((l * 7 + k * 5) * (k + 3) + l * l) % 9);
    for (size_t i = 0; i < n; i++) {
        unsigned x = next_rand() % total, k = 0;
        while (x >= w[k])
            x -= w[k++];
        buf[i] = alphabet[k];
    }
    buf[n] = '\0';
}

/* A configuration of our own, read by page/textcat_model.c and by libexttextcat alike: 30 languages made
 * from texts of their own (their n-grams shared by all languages, so scored from dense rows, or by a
 * few), with a duplicate n-gram in some files (its first rank counts), empty lines (they take a rank),
 * lines longer than 20 bytes (skipped), second fields and '#' comments; the answers must be
 * textcat_Classify's. */
static void test_own_model(void **state)
{
    (void)state;
    char dir[] = "/tmp/cwtap-tcmodel-XXXXXX";
    assert_non_null(mkdtemp(dir));
    static char buf[4001];
    static char lm[CWT__TCFP_NGRAMS * 32];
    static struct cwt__tcfp fp;
    char path[512], conf[8192];
    size_t cl = (size_t)snprintf(conf, sizeof conf, "# languages of the test\n");
    for (unsigned l = 0; l < 30; l++) {
        lang_text(l, buf, 4000);
        assert_int_equal(cwt__tcfp_create(buf, 4000, &fp), CWT_OK);
        size_t n = 0;
        for (size_t r = 0; r < fp.n; r++) {
            n += (size_t)snprintf(lm + n, sizeof lm - n, "%.*s\t %zu\n", (int)fp.len[r], fp.gram[r], 5000 - r);
            if ((r == 6 && l % 3 == 0) || l % 5 == 2) /* (an empty line and) the same n-gram again */
                n += (size_t)snprintf(lm + n, sizeof lm - n, "%s%.*s\t 5\n", l % 5 == 2 ? "" : "\n", (int)fp.len[r],
                                      fp.gram[r]);
            if (r == 8 && l % 4 == 1)
                n += (size_t)snprintf(lm + n, sizeof lm - n, "abcabcabcabcabcabcabcab\t 4\n");
        }
        snprintf(path, sizeof path, "%s/l%u.lm", dir, l);
        assert_int_equal(h_write_file(path, lm, n), 0);
        cl += (size_t)snprintf(conf + cl, sizeof conf - cl, "l%u.lm\tlang%u--utf8 # a comment\n", l, l);
    }
    snprintf(path, sizeof path, "%s/fpdb.conf", dir);
    assert_int_equal(h_write_file(path, conf, cl), 0);
    char dirslash[64];
    snprintf(dirslash, sizeof dirslash, "%s/", dir);
    void *ref = special_textcat_Init(path, dirslash);
    assert_non_null(ref);
    struct cwt__tcmodel *m = NULL;
    assert_int_equal(cwt__tcmodel_load(path, dirslash, &m), CWT_OK);
    size_t answers = 0;
    for (int i = 0; i < 300; i++) {
        size_t n = 20 + next_rand() % 1500;
        lang_text(next_rand() % 30, buf, n);
        char mine[256];
        assert_int_equal(cwt__tcmodel_classify(m, buf, n, mine, sizeof mine), CWT_OK);
        const char *want = textcat_Classify(ref, buf, n);
        if (strcmp(mine, want ? want : "") != 0)
            fail_msg("own model, text %d (%zu bytes): textcat says %s, the model %s", i, n, want, mine);
        answers += mine[0] == '[';
    }
    print_message("own model: 300 texts, %zu with candidates\n", answers);
    assert_true(answers >= 100);
    cwt__tcmodel_free(m);
    textcat_Done(ref);
    for (unsigned l = 0; l < 30; l++) {
        snprintf(path, sizeof path, "%s/l%u.lm", dir, l);
        unlink(path);
    }
    snprintf(path, sizeof path, "%s/fpdb.conf", dir);
    unlink(path);
    rmdir(dir);
}

static void test_too_big(void **state)
{
    (void)state;
    struct cwt__tcfp fp;
    assert_int_equal(cwt__tcfp_create("abc", CWT__TCFP_MAX_TEXT + 1, &fp), CWT_ETOOBIG);
    assert_int_equal(fp.n, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_adversarial),   cmocka_unit_test(test_random_texts), cmocka_unit_test(test_fixture_pages),
        cmocka_unit_test(test_threads),       cmocka_unit_test(test_too_big),      cmocka_unit_test(test_words),
        cmocka_unit_test(test_own_model),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
