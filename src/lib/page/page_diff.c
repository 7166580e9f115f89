/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module compares two parsed documents field by field: the SAX and the
 * DOM walk of a page must give the same one (tests/unit/test_pagesax.c,
 * tests/fuzz/fuzz_sax.c).
 */
#include "page/page_int.h"
#include "page/sdata.h"

static bool str_differ(const char *a, const char *b)
{
    return (a == NULL) != (b == NULL) || (a && strcmp(a, b) != 0);
}

static const char *links_differ(const struct cwt__link *a, const struct cwt__link *b, size_t n, size_t *where)
{
    for (size_t i = 0; i < n; i++) {
        *where = i;
        if (str_differ(a[i].href, b[i].href))
            return "href";
        if (str_differ(a[i].text, b[i].text))
            return "text";
        if (str_differ(a[i].rel, b[i].rel))
            return "rel";
        if (str_differ(a[i].hreflang, b[i].hreflang))
            return "hreflang";
    }
    return NULL;
}

const char *cwt__doc_diff(const struct cwt__doc *a, const struct cwt__doc *b, size_t *where)
{
    const char *what;
    *where = 0;
    if (str_differ(a->url, b->url))
        return "url";
    if (str_differ(a->title, b->title))
        return "title";
    if (str_differ(a->lang, b->lang))
        return "lang";
    if (a->text_len != b->text_len || str_differ(a->text, b->text))
        return "text";
    if (str_differ(a->base, b->base))
        return "base";
    if (a->nlinks != b->nlinks)
        return "nlinks";
    if ((what = links_differ(a->links, b->links, a->nlinks, where)))
        return what[0] == 'h' && what[1] == 'r' ? "links.href" : what[0] == 't' ? "links.text" : "links.rel";
    if (a->nxlinks != b->nxlinks)
        return "nxlinks";
    if ((what = links_differ(a->xlinks, b->xlinks, a->nxlinks, where)))
        return what[0] == 't' ? "xlinks.text" : "xlinks.href";
    if (a->nmetas != b->nmetas)
        return "nmetas";
    for (size_t i = 0; i < a->nmetas; i++) {
        *where = i;
        if (str_differ(a->metas[i].name, b->metas[i].name) || str_differ(a->metas[i].content, b->metas[i].content))
            return "metas";
    }
    if (a->njsonld != b->njsonld)
        return "njsonld";
    for (size_t i = 0; i < a->njsonld; i++) {
        *where = i;
        if (str_differ(a->jsonld[i], b->jsonld[i]))
            return "jsonld";
    }
    if (a->nmedia != b->nmedia)
        return "nmedia";
    for (size_t i = 0; i < a->nmedia; i++) {
        *where = i;
        if (str_differ(a->media[i].kind, b->media[i].kind) || str_differ(a->media[i].src, b->media[i].src) ||
            str_differ(a->media[i].title, b->media[i].title))
            return "media";
    }
    *where = 0;
    if (str_differ(a->detected_lang, b->detected_lang) || a->lang_detected != b->lang_detected)
        return "detected_lang";
    const struct cwt__page_priv *pa = a->priv, *pb = b->priv;
    if (pa->has_microdata != pb->has_microdata || pa->has_rdfa != pb->has_rdfa)
        return "has_microdata/has_rdfa";
    if (!json_equal(cwt__sdata_items(a), cwt__sdata_items(b)))
        return "sdata";
    return NULL;
}
