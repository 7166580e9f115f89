/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target, differential: page/textcat_fp.c's fingerprint against libexttextcat's own fp_Create +
 * fp_Print (the same n-grams in the same ranks), and every other input page/textcat_model.c's answer
 * against textcat_Classify. The first two bytes pick the length handed over (a window that may stop
 * before the text's NUL, which both read past across a run of blanks); the rest is the text.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <libexttextcat/fingerprint.h>
#include <libexttextcat/textcat.h>

#include "page/textcat_fp.h"
#include "page/textcat_model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Whether libexttextcat's fingerprint of text[0..len), as fp_Print lists it, is @p fp. */
static bool same_as_fp_create(const char *text, size_t len, const struct cwt__tcfp *fp)
{
    void *u = fp_Init(NULL);
    if (!u)
        abort();
    fp_SetProperty(u, TCPROP_UTF8AWARE, TC_TRUE);
    fp_SetProperty(u, TCPROP_MINIMUM_DOCUMENT_SIZE, 1);
    char *list = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&list, &n);
    if (!f)
        abort();
    if (fp_Create(u, text, (uint4)len, CWT__TCFP_NGRAMS))
        fp_Print(u, f);
    fp_Done(u);
    if (fclose(f) != 0)
        abort();
    const char *p = list;
    bool same = true;
    for (size_t r = 0; same && r < fp->n; r++) {
        const char *nl = strchr(p, '\n');
        same = nl && (size_t)(nl - p) == fp->len[r] && memcmp(p, fp->gram[r], fp->len[r]) == 0;
        p = nl ? nl + 1 : p;
    }
    same = same && *p == '\0';
    free(list);
    return same;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static void *tc;
    static const struct cwt__tcmodel *m;
    static bool init;
    if (!init) {
        tc = special_textcat_Init("/usr/share/libexttextcat/fpdb.conf", "/usr/share/libexttextcat/");
        m = cwt__tcmodel_default();
        init = true;
    }
    if (size < 2)
        return 0;
    char *text = malloc(size - 1);
    if (!text)
        return 0;
    memcpy(text, data + 2, size - 2);
    text[size - 2] = '\0';
    size_t len = ((size_t)data[0] << 8 | data[1]) % (size - 1); /* up to the NUL */
    static struct cwt__tcfp fp;
    if (cwt__tcfp_create(text, len, &fp) != CWT_OK || !same_as_fp_create(text, len, &fp))
        abort();
    if (tc && m && (data[1] & 1)) {
        char mine[256];
        if (cwt__tcmodel_classify(m, text, len, mine, sizeof mine) != CWT_OK)
            abort();
        const char *want = textcat_Classify(tc, text, len);
        if (strcmp(mine, want ? want : "") != 0)
            abort();
    }
    free(text);
    return 0;
}
