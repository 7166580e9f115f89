/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bench/signals: times the signals and the crawl plan's link judging on pages read from files, with
 * no network (no TLS report, no registration data, offline), and writes every answer so that two
 * builds can be compared byte for byte.
 *   signals [--repeat N] [--dump FILE] SITE_DIR...
 * Each SITE_DIR is one site: its *.html files are its pages (index.html the home page at "/", the
 * others at "/NAME.html" with the crawl role NAME when it is one, e.g. contact, privacy, reports;
 * else "other"), as bench/crawl.sh lays out its sites (BENCH_CRAWL_KEEP=1 keeps them under www/)
 * and tests/fixtures/sites holds them. Each page is parsed and its language detected once; then
 * every registered signal runs on each site N times (default 1) and cwt__plan_judge() judges every
 * link of every page N times. Prints the CPU seconds of each signal, of all the signals and of the
 * link judging (clock_gettime, process CPU). --dump writes each site's signals (summary, value,
 * confidence, evidence, findings, detail) and each link's judgement as JSON lines.
 */
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crawl/plan.h"
#include "cwtap/cwtap.h"
#include "fetch/fetch.h"
#include "page/page.h"
#include "page/textstat.h"
#include "signals/orgname.h"
#include "signals/signal.h"

static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0, r;
    char *b = malloc(cap + 1);
    while (b && (r = fread(b + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap) {
            char *nb = realloc(b, (cap *= 2) + 1);
            if (!nb)
                free(b);
            b = nb;
        }
    }
    fclose(f);
    if (b) {
        b[n] = '\0';
        *len = n;
    }
    return b;
}

static const char *role_of(const char *stem)
{
    static const char *const roles[] = {"contact", "about",    "imprint", "privacy",  "terms",
                                        "returns", "products", "product", "factory",  "reports",
                                        "certificates", "downloads"};
    if (strcmp(stem, "index") == 0)
        return "home";
    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
        if (strcmp(stem, roles[i]) == 0)
            return roles[i];
    return "other";
}

struct site {
    char host[256];
    char url[300];
    struct cwt__response *resp;
    struct cwt__doc **docs;
    struct cwt__site_page *pages;
    size_t npages;
};

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Reads and parses the pages of @p dir (home page first, then by name); false when it has none. */
static bool site_load(struct cwt_ctx *ctx, struct cwt__langid *lid, const char *dir, struct site *s)
{
    const char *base = strrchr(dir, '/');
    base = base && base[1] ? base + 1 : dir;
    snprintf(s->host, sizeof s->host, "%s", base);
    snprintf(s->url, sizeof s->url, "https://%s/", s->host);
    DIR *d = opendir(dir);
    if (!d)
        return false;
    char *names[256];
    size_t n = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL && n < 256;) {
        size_t l = strlen(e->d_name);
        if (l > 5 && strcmp(e->d_name + l - 5, ".html") == 0)
            names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, name_cmp);
    for (size_t i = 0; i < n; i++) /* the home page first, as the crawl has it */
        if (strcmp(names[i], "index.html") == 0) {
            char *h = names[i];
            memmove(names + 1, names, i * sizeof *names);
            names[0] = h;
        }
    s->resp = calloc(n ? n : 1, sizeof *s->resp);
    s->docs = calloc(n ? n : 1, sizeof *s->docs);
    s->pages = calloc(n ? n : 1, sizeof *s->pages);
    for (size_t i = 0; i < n; i++) {
        char path[4096], url[600], stem[256];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        snprintf(stem, sizeof stem, "%.*s", (int)(strlen(names[i]) - 5), names[i]);
        if (strcmp(stem, "index") == 0)
            snprintf(url, sizeof url, "%s", s->url);
        else
            snprintf(url, sizeof url, "%s%s", s->url, names[i]);
        struct cwt__response *r = &s->resp[s->npages];
        r->body = slurp(path, &r->body_len);
        if (!r->body)
            continue;
        r->url = strdup(url);
        r->final_url = strdup(url);
        r->status = 200;
        r->content_type = strdup("text/html");
        struct cwt_err err;
        struct cwt__doc *doc = NULL;
        if (cwt__doc_parse(ctx, r->body, r->body_len, url, &doc, &err) == CWT_OK)
            cwt__doc_detect_lang(doc, lid);
        s->docs[s->npages] = doc;
        s->pages[s->npages] = (struct cwt__site_page){r, doc, role_of(stem)};
        s->npages++;
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    return s->npages > 0;
}

static json_t *evidence_json(const struct cwt__evidence *e)
{
    return json_pack("{s:s?, s:s?, s:s?}", "url", e->url, "what", e->what, "snippet", e->snippet);
}

static json_t *signal_json(const struct cwt__signal *g)
{
    json_t *ev = json_array(), *fi = json_array();
    for (size_t i = 0; i < g->nevidence; i++)
        json_array_append_new(ev, evidence_json(&g->evidence[i]));
    for (size_t i = 0; i < g->nfindings; i++) {
        const struct cwt__finding *f = &g->findings[i];
        json_array_append_new(fi, json_pack("{s:s?, s:i, s:s?, s:s?, s:o}", "code", f->code, "severity",
                                            (int)f->severity, "message", f->message, "fix", f->fix, "ev",
                                            evidence_json(&f->ev)));
    }
    char raw[64];
    snprintf(raw, sizeof raw, "%.17g", g->raw);
    return json_pack("{s:s, s:b, s:f, s:f, s:s, s:s?, s:b, s:s?, s:s?, s:o, s:o, s:O?}", "id", g->id, "measured",
                     g->measured, "value", g->value, "confidence", g->confidence, "raw", raw, "raw_unit",
                     g->raw_unit, "gate", g->gate_failed, "summary", g->summary, "fix", g->fix, "evidence", ev,
                     "findings", fi, "detail", g->detail);
}

int main(int argc, char **argv)
{
    long repeat = 1;
    const char *dump = NULL;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "--repeat") == 0 && i + 1 < argc)
            repeat = strtol(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--dump") == 0 && i + 1 < argc)
            dump = argv[++i];
        else {
            fprintf(stderr, "signals: unknown option '%s'\n", argv[i]);
            return 2;
        }
    }
    if (cwt_global_init() != CWT_OK)
        return 1;
    struct cwt_ctx *ctx = NULL;
    struct cwt__langid *lid = NULL;
    if (cwt_ctx_new(&ctx) != CWT_OK || cwt__langid_new(NULL, &lid) != CWT_OK)
        return 1;
    size_t nsites = 0, npages = 0, nlinks = 0, text = 0;
    struct site *sites = calloc((size_t)argc, sizeof *sites);
    for (; i < argc; i++)
        if (site_load(ctx, lid, argv[i], &sites[nsites])) {
            npages += sites[nsites].npages;
            for (size_t p = 0; p < sites[nsites].npages; p++)
                text += sites[nsites].docs[p] ? sites[nsites].docs[p]->text_len : 0;
            nsites++;
        }
    FILE *out = dump ? fopen(dump, "w") : NULL;
    if (dump && !out) {
        fprintf(stderr, "signals: cannot write '%s'\n", dump);
        return 1;
    }
    double *cpu = calloc(cwt__signal_count, sizeof *cpu), judge_cpu = 0;
    struct cwt__signal *sigs = calloc(cwt__signal_count, sizeof *sigs);
    for (long rep = 0; rep < repeat; rep++)
        for (size_t k = 0; k < nsites; k++) {
            struct site *s = &sites[k];
            struct cwt__site_memo memo = {0};
            struct cwt__site site = {
                .ctx = ctx, .url = s->url, .host = s->host, .reg_domain = s->host, .at = 1767225600,
                .pages = s->pages, .npages = s->npages, .offline = true, .done = sigs, .memo = &memo,
            };
            size_t nsig = 0;
            for (; nsig < cwt__signal_count; nsig++) {
                const struct cwt__signal_def *d = &cwt__signal_table[nsig];
                cwt__signal_init(&sigs[nsig], d->id, d->module);
                site.ndone = nsig;
                double t0 = cpu_s();
                enum cwt_status rc = d->run(&site, &sigs[nsig]);
                cpu[nsig] += cpu_s() - t0;
                if (rc) {
                    fprintf(stderr, "signals: %s: signal '%s' failed: %s\n", s->host, d->id, cwt_strerror(rc));
                    return 1;
                }
            }
            if (out && rep == 0) {
                json_t *line = json_pack("{s:s, s:[]}", "site", s->host, "signals");
                for (size_t g = 0; g < nsig; g++)
                    json_array_append_new(json_object_get(line, "signals"), signal_json(&sigs[g]));
                json_dumpf(line, out, JSON_SORT_KEYS | JSON_COMPACT);
                fputc('\n', out);
                json_decref(line);
            }
            for (size_t g = 0; g < nsig; g++)
                cwt__signal_release(&sigs[g]);
            cwt__site_memo_release(&memo);
            double t0 = cpu_s();
            for (size_t p = 0; p < s->npages; p++) {
                const struct cwt__doc *doc = s->pages[p].doc;
                for (size_t l = 0; doc && l < doc->nlinks; l++) {
                    struct cwt__link_role jr;
                    cwt__plan_judge(doc->links[l].text, doc->links[l].href, &jr);
                    if (rep == 0)
                        nlinks++;
                    if (out && rep == 0 && jr.role)
                        fprintf(out, "{\"link\":\"%s\",\"role\":\"%s\",\"score\":%d,\"word\":\"%s\",\"text\":%d}\n",
                                doc->links[l].href, jr.role, jr.score, jr.word ? jr.word : "", jr.by_text);
                }
            }
            judge_cpu += cpu_s() - t0;
        }
    double total = 0;
    for (size_t g = 0; g < cwt__signal_count; g++) {
        printf("  %-16s %8.3f s\n", cwt__signal_table[g].id, cpu[g]);
        total += cpu[g];
    }
    printf("sites %zu, pages %zu (%zu bytes of text), links %zu, repeat %ld: signals CPU %.3f s, link judging CPU "
           "%.3f s\n", nsites, npages, text, nlinks, repeat, total, judge_cpu);
    if (out)
        fclose(out);
    cwt__langid_free(lid);
    cwt_ctx_free(ctx);
    return 0;
}
