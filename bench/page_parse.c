/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bench/page_parse: times the page layer on files, for profiling and for bench/crawl.
 *   page_parse [--libxml2] [--repeat N] FILE...
 * Default: cwt__doc_parse() of each file (the crawl's parse: DOM, walk, links, structured data).
 * --libxml2: htmlReadMemory() alone with the same options, the baseline.
 * Prints files, bytes, links kept and CPU seconds (getrusage, user + system) of the parses alone.
 */
#include <libxml/HTMLparser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "cwtap/cwtap.h"
#include "page/page.h"

static double cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
           (double)ru.ru_stime.tv_usec / 1e6;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *b = malloc(cap);
    size_t r;
    while (b && (r = fread(b + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap) {
            char *nb = realloc(b, cap *= 2);
            if (!nb) {
                free(b);
                b = NULL;
            }
            b = nb;
        }
    }
    fclose(f);
    if (b)
        *len = n;
    return b;
}

int main(int argc, char **argv)
{
    bool raw = false;
    long repeat = 1;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "--libxml2") == 0)
            raw = true;
        else if (strcmp(argv[i], "--repeat") == 0 && i + 1 < argc)
            repeat = strtol(argv[++i], NULL, 10);
        else {
            fprintf(stderr, "page_parse: unknown option '%s'\n", argv[i]);
            return 2;
        }
    }
    if (cwt_global_init() != CWT_OK)
        return 1;
    struct cwt_ctx *ctx = NULL;
    if (cwt_ctx_new(&ctx) != CWT_OK)
        return 1;
    struct cwt_limits lim = *cwt_ctx_limits(ctx);
    lim.max_page_bytes = SIZE_MAX / 2; /* no cap: the files are what is measured */
    cwt_ctx_set_limits(ctx, &lim);
    size_t nfiles = 0, bytes = 0, links = 0;
    double cpu = 0;
    for (; i < argc; i++) {
        size_t len = 0;
        char *html = slurp(argv[i], &len);
        if (!html) {
            fprintf(stderr, "page_parse: cannot read '%s'\n", argv[i]);
            return 1;
        }
        for (long k = 0; k < repeat; k++) {
            double t0 = cpu_s();
            if (raw) {
                htmlDocPtr d = htmlReadMemory(len ? html : " ", len ? (int)len : 1, "http://bench.example/", "UTF-8",
                                              HTML_PARSE_RECOVER | HTML_PARSE_NONET | HTML_PARSE_NOERROR |
                                                  HTML_PARSE_NOWARNING | HTML_PARSE_COMPACT);
                xmlFreeDoc(d);
            } else {
                struct cwt__doc *d = NULL;
                struct cwt_err err;
                if (cwt__doc_parse(ctx, html, len, "http://bench.example/", &d, &err) != CWT_OK) {
                    fprintf(stderr, "page_parse: %s: %s\n", argv[i], err.msg);
                    return 1;
                }
                links += d->nlinks;
                cwt__doc_free(d);
            }
            cpu += cpu_s() - t0;
            bytes += len;
            nfiles++;
        }
        free(html);
    }
    printf("parses %zu bytes %zu links %zu cpu_s %.6f\n", nfiles, bytes, links, cpu);
    cwt_ctx_free(ctx);
    return 0;
}
