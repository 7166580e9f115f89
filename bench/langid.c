/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bench/langid: times the n-gram language identification of the crawl against libexttextcat's own in
 * the same run, on the text that cwt__langid_detect() classifies (the middle window of each page's
 * visible text, cut as there).
 *   langid [--repeat N] FILE...
 * For each HTML file: cwt__doc_parse(), then the window; timed (thread CPU) over all windows, N times:
 * page/textcat_fp.c's fingerprint vs fp_Create(), and page/textcat_model.c's classification
 * (fingerprint included) vs textcat_Classify(). Every answer is compared too (exit 1 on a difference).
 * Prints the nanoseconds per window of each and the ratios ours/libexttextcat, the milliseconds of
 * reading the fingerprint files (cwt__tcmodel_load() vs special_textcat_Init(), once per process), and
 * the nanoseconds of cwt__langid_detect() per page (the crawl's whole detection, on the page's text).
 */
#include <libexttextcat/fingerprint.h>
#include <libexttextcat/textcat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cwtap/cwtap.h"
#include "page/page.h"
#include "page/textcat_fp.h"
#include "page/textcat_model.h"
#include "page/textstat.h"

static double cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* The windows: NUL-terminated copies (what the crawl hands over is NUL-terminated past the window, and
 * both implementations may read a run of blanks past it: the copy keeps the text's next 64 bytes). */
struct win {
    char *text;
    size_t len;
    char *page; /* the page's whole text, for cwt__langid_detect() */
    size_t page_len;
};

static bool add_file(struct cwt_ctx *ctx, const char *path, struct win **w, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    char *html = NULL;
    size_t len = 0, cap = 0, r;
    char buf[65536];
    while ((r = fread(buf, 1, sizeof buf, f)) > 0) {
        if (len + r > cap) {
            cap = (len + r) * 2;
            char *nh = realloc(html, cap);
            if (!nh) {
                free(html);
                fclose(f);
                return false;
            }
            html = nh;
        }
        memcpy(html + len, buf, r);
        len += r;
    }
    fclose(f);
    struct cwt__doc *d = NULL;
    bool ok = cwt__doc_parse(ctx, html ? html : "", len, "http://bench.example/", &d, NULL) == CWT_OK;
    free(html);
    if (!ok)
        return false;
    size_t tl = d->text_len < CWT__TEXTSTAT_MAX_BYTES ? d->text_len : CWT__TEXTSTAT_MAX_BYTES, wn;
    size_t from = cwt__langid_window(d->text, tl, &wn);
    size_t tail = strnlen(d->text + from + wn, 64);
    struct win *nw = realloc(*w, (*n + 1) * sizeof **w);
    char *t = malloc(wn + tail + 1), *page = malloc(d->text_len + 1);
    if (nw)
        *w = nw;
    if (!nw || !t || !page) {
        free(t);
        free(page);
        cwt__doc_free(d);
        return false;
    }
    memcpy(t, d->text + from, wn + tail);
    t[wn + tail] = '\0';
    memcpy(page, d->text, d->text_len + 1);
    (*w)[(*n)++] = (struct win){t, wn, page, d->text_len};
    cwt__doc_free(d);
    return true;
}

int main(int argc, char **argv)
{
    long repeat = 20;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "--repeat") == 0 && i + 1 < argc)
            repeat = strtol(argv[++i], NULL, 10);
        else {
            fprintf(stderr, "langid: unknown option '%s'\n", argv[i]);
            return 2;
        }
    }
    struct cwt_ctx *ctx = NULL;
    if (cwt_global_init() != CWT_OK || cwt_ctx_new(&ctx) != CWT_OK)
        return 1;
    struct cwt_limits lim = *cwt_ctx_limits(ctx);
    lim.max_page_bytes = SIZE_MAX / 2;
    cwt_ctx_set_limits(ctx, &lim);
    struct win *w = NULL;
    size_t nw = 0;
    for (; i < argc; i++)
        if (!add_file(ctx, argv[i], &w, &nw)) {
            fprintf(stderr, "langid: cannot read or parse '%s'\n", argv[i]);
            return 1;
        }
    double t_load = 0, t_loadx = 0;
    for (int r = 0; r < 5; r++) { /* the fingerprint files read: once per process in the crawl */
        double t0 = cpu_ns();
        struct cwt__tcmodel *lm = NULL;
        if (cwt__tcmodel_load("/usr/share/libexttextcat/fpdb.conf", "/usr/share/libexttextcat/", &lm) != CWT_OK)
            return 1;
        cwt__tcmodel_free(lm);
        double t1 = cpu_ns();
        void *x = special_textcat_Init("/usr/share/libexttextcat/fpdb.conf", "/usr/share/libexttextcat/");
        if (!x)
            return 1;
        textcat_Done(x);
        t_load += t1 - t0;
        t_loadx += cpu_ns() - t1;
    }
    void *tc = special_textcat_Init("/usr/share/libexttextcat/fpdb.conf", "/usr/share/libexttextcat/");
    const struct cwt__tcmodel *m = cwt__tcmodel_default();
    if (!tc || !m || !nw) {
        fprintf(stderr, "langid: no fingerprints under /usr/share/libexttextcat, or no files\n");
        return 1;
    }
    static struct cwt__tcfp fp;
    char ans[256];
    size_t differ = 0;
    for (size_t k = 0; k < nw; k++) { /* the same answers (and everything warm) */
        if (cwt__tcmodel_classify(m, w[k].text, w[k].len, ans, sizeof ans) != CWT_OK)
            return 1;
        const char *want = textcat_Classify(tc, w[k].text, w[k].len);
        if (strcmp(ans, want ? want : "") != 0) {
            fprintf(stderr, "langid: window %zu: textcat says %s, ours %s\n", k, want, ans);
            differ++;
        }
    }
    if (getenv("DETAIL")) for (size_t k = 0; k < nw; k++) {
        double a = cpu_ns();
        for (int r = 0; r < 200; r++) cwt__tcfp_create(w[k].text, w[k].len, &fp);
        printf("win %zu len %zu ns %.0f\n", k, w[k].len, (cpu_ns() - a) / 200);
    }
    void *u = fp_Init(NULL);
    fp_SetProperty(u, TCPROP_UTF8AWARE, TC_TRUE);
    fp_SetProperty(u, TCPROP_MINIMUM_DOCUMENT_SIZE, 1);
    struct cwt__langid *lid = NULL;
    if (cwt__langid_new(NULL, &lid) != CWT_OK)
        return 1;
    double t_fp = 0, t_fpx = 0, t_cl = 0, t_clx = 0, t_det = 0, t0;
    size_t sink = 0;
    for (long r = 0; r < repeat; r++) { /* interleaved, so that a noisy neighbour hits all four alike */
        t0 = cpu_ns();
        for (size_t k = 0; k < nw; k++) {
            if (cwt__tcfp_create(w[k].text, w[k].len, &fp) != CWT_OK)
                return 1;
            sink += fp.n;
        }
        t_fp += cpu_ns() - t0;
        t0 = cpu_ns();
        for (size_t k = 0; k < nw; k++)
            sink += fp_Create(u, w[k].text, (uint4)w[k].len, CWT__TCFP_NGRAMS) != 0;
        t_fpx += cpu_ns() - t0;
        t0 = cpu_ns();
        for (size_t k = 0; k < nw; k++) {
            if (cwt__tcmodel_classify(m, w[k].text, w[k].len, ans, sizeof ans) != CWT_OK)
                return 1;
            sink += (unsigned char)ans[1];
        }
        t_cl += cpu_ns() - t0;
        t0 = cpu_ns();
        for (size_t k = 0; k < nw; k++) {
            const char *a = textcat_Classify(tc, w[k].text, w[k].len);
            sink += a ? (unsigned char)a[1] : 0;
        }
        t_clx += cpu_ns() - t0;
        t0 = cpu_ns();
        for (size_t k = 0; k < nw; k++)
            sink += cwt__langid_detect(lid, w[k].page, w[k].page_len, ans, sizeof ans);
        t_det += cpu_ns() - t0;
    }
    double per = (double)nw * (double)repeat;
    printf("windows %zu repeat %ld differ %zu (sink %zu)\n", nw, repeat, differ, sink % 2);
    printf("fingerprint ns %.0f fp_Create ns %.0f ratio %.3f\n", t_fp / per, t_fpx / per, t_fp / t_fpx);
    printf("classify ns %.0f textcat_Classify ns %.0f ratio %.3f\n", t_cl / per, t_clx / per, t_cl / t_clx);
    printf("model load ms %.1f special_textcat_Init ms %.1f ratio %.3f\n", t_load / 5e6, t_loadx / 5e6, t_load / t_loadx);
    printf("langid_detect ns per page %.0f (scripts, then the classification of Latin text)\n", t_det / per);
    fp_Done(u);
    textcat_Done(tc);
    cwt__langid_free(lid);
    for (size_t k = 0; k < nw; k++) {
        free(w[k].text);
        free(w[k].page);
    }
    free(w);
    cwt_ctx_free(ctx);
    return differ ? 1 : 0;
}
