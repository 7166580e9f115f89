/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bench/xml_parse: the baseline of bench/crawl.sh, linked against libxml2 alone. Reads file paths, one a
 * line, on stdin, and parses each file once with htmlReadMemory() and the page layer's options (the
 * crawl's parse without anything cwtap adds). Prints "pages N bytes B".
 */
#include <libxml/HTMLparser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
    char path[4096];
    size_t pages = 0, bytes = 0, cap = 0;
    char *buf = NULL;
    xmlInitParser();
    while (fgets(path, sizeof path, stdin)) {
        path[strcspn(path, "\n")] = '\0';
        if (!*path)
            continue;
        FILE *f = fopen(path, "rb");
        if (!f) {
            fprintf(stderr, "xml_parse: cannot open '%s'\n", path);
            return 1;
        }
        size_t len = 0, r;
        do {
            if (len == cap) {
                cap = cap ? cap * 2 : 1 << 20;
                char *nb = realloc(buf, cap);
                if (!nb) {
                    fprintf(stderr, "xml_parse: out of memory reading '%s'\n", path);
                    return 1;
                }
                buf = nb;
            }
            r = fread(buf + len, 1, cap - len, f);
            len += r;
        } while (r > 0);
        fclose(f);
        htmlDocPtr d = htmlReadMemory(len ? buf : " ", len ? (int)len : 1, path, "UTF-8",
                                      HTML_PARSE_RECOVER | HTML_PARSE_NONET | HTML_PARSE_NOERROR |
                                          HTML_PARSE_NOWARNING | HTML_PARSE_COMPACT);
        if (!d) {
            fprintf(stderr, "xml_parse: libxml2 gave no document for '%s'\n", path);
            return 1;
        }
        xmlFreeDoc(d);
        pages++;
        bytes += len;
    }
    free(buf);
    xmlCleanupParser();
    printf("pages %zu bytes %zu\n", pages, bytes);
    return 0;
}
