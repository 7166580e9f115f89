/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the sitemap reader of the page layer with libxml2's
 * streaming reader: it walks a <urlset> or <sitemapindex> and keeps the <loc>
 * values, with no entity substitution, no network, and caps on entries, depth
 * and nodes, so a hostile sitemap costs a bounded amount of work.
 */
#include <libxml/xmlreader.h>
#include <strings.h>

#include "page/sitemap.h"

enum { MAX_DEPTH = 16, MAX_NODES = 2000000, MAX_LOC = 2048 };

static void silent(void *arg, const char *msg, xmlParserSeverities sev, xmlTextReaderLocatorPtr loc)
{
    (void)arg;
    (void)msg;
    (void)sev;
    (void)loc;
}

enum cwt_status cwt__sitemap_parse(const char *xml, size_t len, size_t max_urls, struct cwt__sitemap *out,
                                   struct cwt_err *err)
{
    enum cwt_status st = CWT_OK;
    size_t cap = 0;
    memset(out, 0, sizeof *out);
    if (len > INT32_MAX)
        len = INT32_MAX;
    xmlTextReaderPtr r = xmlReaderForMemory(len ? xml : " ", len ? (int)len : 1, NULL, NULL,
                                            XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!r)
        return cwt_err_set(err, CWT_ENOMEM, "out of memory");
    xmlTextReaderSetErrorHandler(r, silent, NULL);
    bool seen_root = false;
    long nodes = 0;
    int rc;
    while ((rc = xmlTextReaderRead(r)) == 1) {
        if (++nodes > MAX_NODES) {
            out->truncated = true;
            break;
        }
        if (xmlTextReaderNodeType(r) != XML_READER_TYPE_ELEMENT)
            continue;
        int depth = xmlTextReaderDepth(r);
        const char *name = (const char *)xmlTextReaderConstLocalName(r);
        if (!name)
            continue;
        if (!seen_root) {
            seen_root = true;
            if (strcmp(name, "sitemapindex") == 0)
                out->is_index = true;
            else if (strcmp(name, "urlset") != 0) {
                st = cwt_err_set(err, CWT_EPARSE, "not a sitemap: root element is <%.40s>", name);
                break;
            }
            continue;
        }
        if (depth > MAX_DEPTH || strcmp(name, "loc") != 0)
            continue;
        if (out->nurls >= max_urls) {
            out->truncated = true;
            break;
        }
        xmlChar *v = xmlTextReaderReadString(r);
        if (!v)
            continue;
        const char *s = (const char *)v;
        while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
            s++;
        size_t n = strnlen(s, MAX_LOC + 1);
        while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
            n--;
        if (n && n <= MAX_LOC && (strncasecmp(s, "http://", 7) == 0 || strncasecmp(s, "https://", 8) == 0)) {
            st = CWT_GROW(out->urls, out->nurls, &cap, max_urls);
            char *u = st == CWT_OK ? cwt_strndup(s, n) : NULL;
            if (!u) {
                xmlFree(v);
                st = CWT_ENOMEM;
                break;
            }
            out->urls[out->nurls++] = u;
        }
        xmlFree(v);
    }
    if (rc < 0)
        out->truncated = true;
    xmlFreeTextReader(r);
    if (st == CWT_OK && !seen_root)
        st = cwt_err_set(err, CWT_EPARSE, "not a sitemap: no root element");
    if (st != CWT_OK) {
        if (st == CWT_ENOMEM)
            cwt_err_set(err, CWT_ENOMEM, "out of memory");
        cwt__sitemap_release(out);
    }
    return st;
}

void cwt__sitemap_release(struct cwt__sitemap *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->nurls; i++)
        cwt_free(s->urls[i]);
    cwt_free(s->urls);
    memset(s, 0, sizeof *s);
}
