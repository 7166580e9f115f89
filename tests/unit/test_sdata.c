/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the structured-data extractors (src/lib/page/jsonld.c, microdata.c, rdfa.c, sdata.c):
 * the extruct corpus (tests/fixtures/extruct/cases.csv), tolerant JSON-LD, the normalised graph and
 * its look-ups. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "harness.h"
#include "page/sdata.h"

static struct cwt__doc *parse_mem(const char *html, size_t len, const char *url)
{
    struct cwt_ctx *ctx = NULL;
    assert_int_equal(cwt_ctx_new(&ctx), CWT_OK);
    struct cwt__doc *doc = NULL;
    struct cwt_err err;
    cwt_err_clear(&err);
    assert_int_equal(cwt__doc_parse_dom(ctx, html, len, url, &doc, &err), CWT_OK);
    cwt_ctx_free(ctx);
    return doc;
}

static struct cwt__doc *parse_fixture(const char *rel, const char *url)
{
    size_t len = 0;
    char *html = h_read_file(h_src(rel), &len);
    assert_non_null(html);
    struct cwt__doc *d = parse_mem(html, len, url);
    free(html);
    return d;
}

/* Runs one extruct case; returns 1 when our output equals the expected JSON. */
static int run_case(const char *extractor, const char *input, const char *expected, bool strict, const char *base)
{
    char rel[512];
    snprintf(rel, sizeof rel, "tests/fixtures/extruct/%s", expected);
    json_error_t je;
    json_t *want = json_load_file(h_src(rel), 0, &je);
    assert_non_null(want);
    if (json_is_object(want) && json_is_array(json_object_get(want, "items"))) {
        /* older extruct output: {"items": [[objects of script 1], ...]}: flatten */
        json_t *flat = json_array();
        size_t i;
        json_t *e;
        json_array_foreach(json_object_get(want, "items"), i, e) json_array_extend(flat, e);
        json_decref(want);
        want = flat;
    }
    snprintf(rel, sizeof rel, "tests/fixtures/extruct/%s", input);
    struct cwt__doc *d = parse_fixture(rel, "");
    json_t *got = NULL;
    if (strcmp(extractor, "json-ld") == 0) {
        got = json_array();
        for (size_t i = 0; i < d->njsonld; i++) {
            json_t *objs = NULL;
            if (cwt__jsonld_parse(d->jsonld[i], strlen(d->jsonld[i]), &objs) == CWT_OK) {
                json_array_extend(got, objs);
                json_decref(objs);
            }
        }
    } else {
        assert_int_equal(cwt__microdata_extract(d, strict, base && *base ? base : NULL, &got), CWT_OK);
    }
    int ok = json_equal(got, want);
    if (!ok) {
        char *g = json_dumps(got, JSON_SORT_KEYS | JSON_COMPACT);
        char *w = json_dumps(want, JSON_SORT_KEYS | JSON_COMPACT);
        printf("# extruct MISMATCH %s %s\n#  got:  %.600s\n#  want: %.600s\n", extractor, input, g, w);
        free(g);
        free(w);
    }
    json_decref(got);
    json_decref(want);
    cwt__doc_free(d);
    return ok;
}

static void test_extruct_corpus(void **state)
{
    (void)state;
    size_t len = 0;
    char *csv = h_read_file(h_src("tests/fixtures/extruct/cases.csv"), &len);
    assert_non_null(csv);
    unsigned pass[2] = {0, 0}, total[2] = {0, 0};
    char *save = NULL;
    for (char *line = strtok_r(csv, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (line[0] == '#')
            continue;
        char *f[5] = {0};
        char *p = line;
        for (int i = 0; i < 5; i++) {
            f[i] = p;
            p = p ? strchr(p, ',') : NULL;
            if (p)
                *p++ = '\0';
        }
        assert_non_null(f[3]);
        int kind = strcmp(f[0], "json-ld") == 0 ? 0 : 1;
        total[kind]++;
        pass[kind] += (unsigned)run_case(f[0], f[1], f[2], f[3][0] == '1', f[4]);
    }
    free(csv);
    printf("# extruct: json-ld %u/%u, microdata %u/%u\n", pass[0], total[0], pass[1], total[1]);
    assert_int_equal(pass[0], total[0]);
    assert_int_equal(pass[1], total[1]);
}

static void test_jsonld_tolerance(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        const char *want; /* compact JSON of the objects, sorted keys; NULL: CWT_EPARSE */
    } cases[] = {
        {"{\"a\": 1}", "[{\"a\": 1}]"},
        {"  <![CDATA[ {\"a\": 1} ]]>  ", "[{\"a\": 1}]"},
        {"//<![CDATA[\n{\"a\": 1}\n//]]>", "[{\"a\": 1}]"},
        {"<!--\n{\"a\": 1}\n-->", "[{\"a\": 1}]"},
        {"{\"a\": \"x\ty\nz\"}", "[{\"a\": \"x\\ty\\nz\"}]"},      /* raw control characters */
        {"{\"a\": \"it\\'s \\x41\"}", "[{\"a\": \"it's A\"}]"},      /* JavaScript escapes */
        {"{\"a\": \"C:\\dir\"}", "[{\"a\": \"C:\\\\dir\"}]"},      /* a lone backslash */
        {"{&quot;a&quot;: &quot;b &amp; c&quot;}", "[{\"a\": \"b & c\"}]"}, /* HTML-encoded */
        {"{\"u\": \"http://x.example/a?b=1&amp;c=2\"}", "[{\"u\": \"http://x.example/a?b=1&c=2\"}]"},
        {"{\"a\": 1, /* c */ \"b\": [1, 2,], }", "[{\"a\": 1, \"b\": [1, 2]}]"},
        {"{\"a\": \"// not a comment\"}", "[{\"a\": \"// not a comment\"}]"},
        {"[{\"a\": 1}, null, {}, {\"b\": 2}]", "[{\"a\": 1}, {\"b\": 2}]"},
        {"{\"a\": 1}; {\"b\": 2} trailing junk", "[{\"a\": 1}, {\"b\": 2}]"},
        {"{\"n\": 123456789012345678901234567890}", "[{\"n\": 1.2345678901234568e+29}]"},
        {"{\"a\": \"\\u4e2d\"}", "[{\"a\": \"中\"}]"},
        {"null", "[]"},
        {"", NULL},
        {"{ not json", NULL},
        {"\"just a string\"", "[]"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *got = NULL;
        enum cwt_status rc = cwt__jsonld_parse(cases[i].in, strlen(cases[i].in), &got);
        if (!cases[i].want) {
            if (rc != CWT_EPARSE)
                fail_msg("case %zu: want a parse error, got %d", i, rc);
            continue;
        }
        if (rc != CWT_OK)
            fail_msg("case %zu: status %d", i, rc);
        json_t *want = json_loads(cases[i].want, 0, NULL);
        assert_non_null(want);
        if (!json_equal(got, want)) {
            char *g = json_dumps(got, JSON_SORT_KEYS);
            fail_msg("case %zu: got %s", i, g);
        }
        json_decref(want);
        json_decref(got);
    }
    /* nesting deeper than jansson's limit: refused without a crash */
    char deep[6000];
    memset(deep, '[', 3000);
    memset(deep + 3000, ']', 3000);
    json_t *got = NULL;
    assert_int_equal(cwt__jsonld_parse(deep, sizeof deep, &got), CWT_EPARSE);
}

static void test_graph_of_exporter_product(void **state)
{
    (void)state;
    struct cwt__doc *d = parse_fixture("tests/fixtures/pages/exporter/product.html",
                                       "https://www.ningbo-valves.example/products/valve-dn25.html");
    const json_t *items = cwt__sdata_items(d);
    const json_t *found[8];

    assert_int_equal(cwt__sdata_find(items, "Organization", found, 8), 4); /* org, SGS, LocalBusiness, QA */
    const json_t *org = found[0];
    assert_string_equal(cwt__sdata_str(org, "@source"), "json-ld");
    assert_string_equal(cwt__sdata_str(org, "legalName"), "宁波阀门有限公司");
    assert_string_equal(cwt__sdata_str(org, "taxID"), "91330200MA2AB1CD2X");
    const json_t *addr = cwt__sdata_get(org, "address");
    assert_true(cwt__sdata_is(addr, "PostalAddress"));
    assert_string_equal(cwt__sdata_str(addr, "postalCode"), "315000");

    assert_int_equal(cwt__sdata_find(items, "Certification", found, 8), 1);
    assert_string_equal(cwt__sdata_str(found[0], "certificationIdentification"), "CN-QMS-2023-0042");
    assert_string_equal(cwt__sdata_str(found[0], "issuedBy"), "SGS");
    assert_string_equal(cwt__sdata_str(found[0], "expires"), "2026-02-28");

    assert_int_equal(cwt__sdata_find(items, "Product", found, 8), 1);
    const json_t *props[4];
    assert_int_equal(cwt__sdata_values(found[0], "additionalProperty", props, 4), 2);
    assert_string_equal(cwt__sdata_str(props[0], "unitCode"), "MPA");
    assert_true(json_real_value(cwt__sdata_get(props[0], "value")) == 1.6);
    assert_string_equal(cwt__sdata_str(props[1], "value"), "120"); /* {"@value": "120"} */

    assert_int_equal(cwt__sdata_find(items, "VideoObject", found, 8), 1);
    assert_string_equal(cwt__sdata_str(found[0], "uploadDate"), "2024-05-02");
    assert_int_equal(cwt__sdata_find(items, "DataFeed", found, 8), 1);
    assert_int_equal(cwt__sdata_find(items, "Dataset", found, 8), 2); /* DataFeed is a Dataset */
    assert_int_equal(cwt__sdata_find(items, "CreativeWork", found, 8), 4); /* + VideoObject, Certification */

    /* microdata: URLs absolute against the page, nested address, itemid */
    assert_int_equal(cwt__sdata_find(items, "LocalBusiness", found, 8), 1);
    const json_t *shop = found[0];
    assert_string_equal(cwt__sdata_str(shop, "@source"), "microdata");
    assert_string_equal(cwt__sdata_str(shop, "@id"), "https://www.ningbo-valves.example/#shop");
    assert_string_equal(cwt__sdata_str(shop, "url"), "https://www.ningbo-valves.example/showroom");
    assert_string_equal(cwt__sdata_str(shop, "image"), "https://www.ningbo-valves.example/products/img/showroom.jpg");
    assert_string_equal(cwt__sdata_str(cwt__sdata_get(shop, "address"), "addressCountry"), "CN");

    /* RDFa Lite: schema.org vocabulary only */
    assert_int_equal(cwt__sdata_find(items, "Dataset", found, 8), 2);
    const json_t *ds = found[1];
    assert_string_equal(cwt__sdata_str(ds, "@source"), "rdfa");
    assert_string_equal(cwt__sdata_str(ds, "name"), "Valve test results 2024");
    assert_string_equal(cwt__sdata_str(ds, "url"), "https://www.ningbo-valves.example/data/tests.csv");
    assert_string_equal(cwt__sdata_str(ds, "creator"), "Ningbo Valves QA");
    assert_int_equal(cwt__sdata_find(items, "Document", found, 8), 0);
    cwt__doc_free(d);
}

/* The real pages: CDATA-wrapped blocks parse, telegraph's invalid first block is skipped. */
static void test_real_pages_jsonld(void **state)
{
    (void)state;
    static const struct {
        const char *page, *type;
        size_t blocks, parsed;
    } cases[] = {
        {"gitlab-blog", "Organization", 3, 3},
        {"schema-org-context-object", "NewsArticle", 4, 4},
        {"telegraph", "NewsArticle", 2, 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char rel[256];
        snprintf(rel, sizeof rel, "tests/fixtures/pages/readability/%s/source.html", cases[i].page);
        struct cwt__doc *d = parse_fixture(rel, "https://news.example/");
        assert_int_equal(d->njsonld, cases[i].blocks);
        size_t parsed = 0;
        for (size_t k = 0; k < d->njsonld; k++) {
            json_t *o = NULL;
            if (cwt__jsonld_parse(d->jsonld[k], strlen(d->jsonld[k]), &o) == CWT_OK)
                parsed++;
            json_decref(o);
        }
        if (parsed != cases[i].parsed)
            fail_msg("%s: %zu blocks parsed", cases[i].page, parsed);
        const json_t *found[4];
        if (!cwt__sdata_find(cwt__sdata_items(d), cases[i].type, found, 4))
            fail_msg("%s: no %s", cases[i].page, cases[i].type);
        cwt__doc_free(d);
    }
    struct cwt__doc *d = parse_fixture("tests/fixtures/pages/readability/gitlab-blog/source.html", "https://about.gitlab.com/");
    const json_t *found[4];
    assert_true(cwt__sdata_find(cwt__sdata_items(d), "Organization", found, 4) >= 1);
    assert_string_equal(cwt__sdata_str(found[0], "legalName"), "GitLab Inc.");
    const json_t *same[8];
    assert_int_equal(cwt__sdata_values(found[0], "sameAs", same, 8), 4);
    cwt__doc_free(d);
}

static void test_short_names_and_nesting(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } names[] = {
        {"http://schema.org/Product", "Product"}, {"https://schema.org/Product", "Product"},
        {"schema:Product", "Product"},           {"Product", "Product"},
        {"http://schema.org/", "http://schema.org/"}, {"http://purl.org/dc/terms/title", "http://purl.org/dc/terms/title"},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        assert_string_equal(cwt__sdata_short(names[i].in), names[i].out);
    /* itemscope nested 5000 deep, RDFa typeof nested 5000 deep: bounded, no crash */
    size_t cap = 2 * 5000 * 80 + 64, n = 0;
    char *html = malloc(cap);
    for (int i = 0; i < 5000; i++)
        n += (size_t)snprintf(html + n, cap - n, "<div itemprop=\"x\" itemscope itemtype=\"http://schema.org/Thing\">");
    for (int i = 0; i < 5000; i++)
        n += (size_t)snprintf(html + n, cap - n, "<div vocab=\"https://schema.org/\" property=\"p\" typeof=\"Thing\">");
    struct cwt__doc *d = parse_mem(html, n, "https://a.example/");
    assert_true(json_array_size(cwt__sdata_items(d)) >= 1);
    cwt__doc_free(d);
    free(html);
    assert_null(cwt__sdata_items(NULL));
    assert_int_equal(cwt__sdata_find(NULL, "Thing", NULL, 0), 0);
}

/* Whitespace-collapsed copy of @p s for comparing literals (RDFa keeps text as written). */
static void squash(const char *s, char *out, size_t outsz)
{
    size_t k = 0;
    bool sp = false;
    for (; s && *s && k + 2 < outsz; s++) {
        if (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r') {
            sp = k > 0;
            continue;
        }
        if (sp)
            out[k++] = ' ';
        sp = false;
        out[k++] = *s;
    }
    out[k] = '\0';
}

/* Whether expected expanded JSON-LD node @p node (schema.org typed) is matched by one of our items. */
static bool rdfa_node_matches(const json_t *expected, const json_t *node, const json_t *items)
{
    const json_t *found[8];
    const char *type = cwt__sdata_short(json_string_value(json_array_get(json_object_get(node, "@type"), 0)));
    size_t n = cwt__sdata_find(items, type, found, 8);
    for (size_t i = 0; i < n && i < 8; i++) {
        const json_t *it = found[i];
        const char *id = json_string_value(json_object_get(node, "@id"));
        if (id && strncmp(id, "_:", 2) != 0 && (!cwt__sdata_str(it, "@id") || strcmp(cwt__sdata_str(it, "@id"), id)))
            continue;
        bool all = true;
        const char *k;
        const json_t *vals;
        json_object_foreach((json_t *)node, k, vals) {
            if (k[0] == '@' || cwt__sdata_short(k) == k)
                continue; /* not a schema.org property: RDFa Lite here keeps schema.org only */
            const json_t *got[16];
            size_t ng = cwt__sdata_values(it, cwt__sdata_short(k), got, 16);
            if (ng != json_array_size(vals)) {
                all = false;
                break;
            }
            size_t vi;
            const json_t *v;
            json_array_foreach(vals, vi, v) {
                char want[512] = "", have[512] = "";
                const json_t *lit = json_object_get(v, "@value");
                const char *ref = json_string_value(json_object_get(v, "@id"));
                bool is_node = false;
                size_t ei;
                const json_t *e;
                json_array_foreach(expected, ei, e) is_node = is_node || (ref && json_object_get(e, "@type") &&
                                                                          json_equal(json_object_get(e, "@id"), json_object_get(v, "@id")));
                if (is_node) /* a nested item: compare its type */
                    snprintf(want, sizeof want, "%s", "(item)");
                else
                    squash(lit ? json_string_value(lit) : ref, want, sizeof want);
                if (vi < 16 && json_is_object(got[vi]))
                    snprintf(have, sizeof have, "%s", "(item)");
                else if (vi < 16)
                    squash(json_string_value(got[vi]), have, sizeof have);
                all = all && strcmp(want, have) == 0;
            }
        }
        if (all)
            return true;
    }
    return false;
}

/* extruct's RDFa cases (expanded JSON-LD): the schema.org typed nodes are found with their schema.org
 * properties; pages in other vocabularies give no item. */
static void test_extruct_rdfa(void **state)
{
    (void)state;
    static const char *const cases[] = {
        "w3c.rdf11primer.example014", "w3c.rdfalite.example003", "w3c.rdfalite.example004",
        "w3c.rdfalite.example005", "w3c.rdfaprimer.example005", "w3c.rdfaprimer.example006",
        "w3c.rdfaprimer.example007", "w3c.rdfaprimer.example008", "w3c.rdfaprimer.example009",
        "w3c.rdfaprimer.example010", "w3c.rdfaprimer.example011", "w3c.rdfaprimer.example015", "wikipedia",
    };
    unsigned schema_ok = 0, schema_n = 0, other_ok = 0, other_n = 0;
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        char rel[256];
        snprintf(rel, sizeof rel, "tests/fixtures/extruct/rdfa/%s.expanded.json", cases[c]);
        json_t *expected = json_load_file(h_src(rel), 0, NULL);
        assert_non_null(expected);
        snprintf(rel, sizeof rel, "tests/fixtures/extruct/rdfa/%s.html", cases[c]);
        struct cwt__doc *d = parse_fixture(rel, "http://www.example.com/index.html");
        json_t *rdfa = NULL;
        assert_int_equal(cwt__rdfa_extract(d, &rdfa), CWT_OK);
        size_t schema_nodes = 0, matched = 0, i;
        const json_t *node;
        json_array_foreach(expected, i, node) {
            const char *t = json_string_value(json_array_get(json_object_get(node, "@type"), 0));
            if (!t || cwt__sdata_short(t) == t)
                continue;
            schema_nodes++;
            matched += rdfa_node_matches(expected, node, rdfa);
        }
        if (schema_nodes) {
            schema_n++;
            schema_ok += matched == schema_nodes;
            if (matched != schema_nodes) {
                char *g = json_dumps(rdfa, JSON_COMPACT | JSON_SORT_KEYS);
                printf("# rdfa MISMATCH %s: %s\n", cases[c], g);
                free(g);
            }
        } else {
            /* items only for schema.org properties on other types (rdf11primer 014: a foaf:Person with
             * schema:birthDate), each property present on the same node of the expected output */
            bool ok = true;
            const json_t *it;
            json_array_foreach(rdfa, i, it) {
                const char *t = json_string_value(json_array_get(json_object_get(it, "@type"), 0));
                ok = ok && t && strchr(t, ':');
                const json_t *same = NULL, *e;
                size_t k;
                json_array_foreach(expected, k, e) if (json_equal(json_object_get(e, "@id"), json_object_get(it, "@id"))) same = e;
                const char *key;
                const json_t *v;
                json_object_foreach((json_t *)it, key, v) {
                    char iri[128];
                    snprintf(iri, sizeof iri, "http://schema.org/%s", key);
                    ok = ok && (key[0] == '@' || json_object_get(same, iri));
                }
            }
            other_n++;
            other_ok += ok;
        }
        json_decref(rdfa);
        json_decref(expected);
        cwt__doc_free(d);
    }
    printf("# extruct rdfa: schema.org cases %u/%u, other-vocabulary cases right (no schema.org item) %u/%u\n", schema_ok, schema_n,
           other_ok, other_n);
    assert_int_equal(schema_ok, schema_n);
    assert_int_equal(other_ok, other_n);
}

/* cwt__doc_parse frees the DOM once the page is walked: the graph (microdata and RDFa included) is built
 * by then, and the extractors called afterwards say there is no DOM instead of reading a freed one. */
static void test_graph_built_before_dom_freed(void **state)
{
    (void)state;
    static const char html[] = "<html><body><div itemscope itemtype=\"https://schema.org/Organization\">"
                               "<span itemprop=\"name\">Acme</span></div><div vocab=\"https://schema.org/\" "
                               "typeof=\"Person\"><span property=\"name\">Ann</span></div></body></html>";
    struct cwt_ctx *ctx = NULL;
    assert_int_equal(cwt_ctx_new(&ctx), CWT_OK);
    struct cwt__doc *d = NULL;
    assert_int_equal(cwt__doc_parse(ctx, html, sizeof html - 1, "https://acme.example/", &d, NULL), CWT_OK);
    const json_t *found[4];
    assert_int_equal(cwt__sdata_find(cwt__sdata_items(d), "Organization", found, 4), 1);
    assert_string_equal(cwt__sdata_str(found[0], "name"), "Acme");
    assert_int_equal(cwt__sdata_find(cwt__sdata_items(d), "Person", found, 4), 1);
    assert_string_equal(cwt__sdata_str(found[0], "@source"), "rdfa");
    json_t sentinel = {0}, *got = &sentinel; /* must be set to NULL */
    assert_int_equal(cwt__microdata_extract(d, false, NULL, &got), CWT_EINVAL);
    assert_null(got);
    got = &sentinel;
    assert_int_equal(cwt__rdfa_extract(d, &got), CWT_EINVAL);
    assert_null(got);
    cwt__doc_free(d);
    cwt_ctx_free(ctx);
}

/* Nodes in the tree under @p v (shared values counted each time they appear). */
static size_t tree_nodes(const json_t *v, size_t stop)
{
    size_t n = 1;
    if (json_is_object(v)) {
        const char *k;
        json_t *e;
        json_object_foreach((json_t *)v, k, e) {
            if (n >= stop)
                break;
            n += tree_nodes(e, stop - n);
        }
    } else if (json_is_array(v)) {
        size_t i;
        json_t *e;
        json_array_foreach(v, i, e) {
            if (n >= stop)
                break;
            n += tree_nodes(e, stop - n);
        }
    }
    return n;
}

/* Items nested 12 deep whose element carries eight property names: the extracted values are shared (each
 * name holds the same nested item), and copying them into the graph as a tree would make 8^12 copies (a
 * 3 KB page like this took 3 GB). The graph of the page stays bounded, and so do look-ups in it (RDFa too). */
static void test_shared_values_bounded(void **state)
{
    (void)state;
    const char *open[2] = {"<div itemprop=\"a b c d e f g h\" itemscope itemtype=\"https://schema.org/Thing\">"
                           "<span itemprop=\"name\">n</span>",
                           "<div property=\"a b c d e f g h\" typeof=\"Thing\"><span property=\"name\">n</span>"};
    for (int k = 0; k < 2; k++) {
        char html[8192];
        size_t n = (size_t)snprintf(html, sizeof html, "<html><body%s><div %s>", k ? " vocab=\"https://schema.org/\"" : "",
                                    k ? "typeof=\"Thing\"" : "itemscope itemtype=\"https://schema.org/Thing\"");
        for (int i = 0; i < 12; i++)
            n += (size_t)snprintf(html + n, sizeof html - n, "%s", open[k]);
        assert_true(n < sizeof html);
        struct cwt__doc *d = parse_mem(html, n, "https://a.example/");
        const json_t *g = cwt__sdata_items(d);
        assert_true(json_array_size(g) >= 1);
        /* microdata is copied into the graph (bounded copies); RDFa items are shared by reference, and
         * the look-ups that walk the graph as a tree have their own budget */
        if (k == 0) {
            size_t nodes = tree_nodes(g, 10000000);
            assert_true(nodes > 100);     /* the values are there */
            assert_true(nodes < 2000000); /* and not 8^12 of them */
        }
        size_t things = cwt__sdata_find(g, "Thing", NULL, 0);
        assert_true(things >= 12);
        assert_true(things <= 200000);
        cwt__doc_free(d);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_extruct_corpus),
        cmocka_unit_test(test_extruct_rdfa),
        cmocka_unit_test(test_jsonld_tolerance),
        cmocka_unit_test(test_graph_of_exporter_product),
        cmocka_unit_test(test_real_pages_jsonld),
        cmocka_unit_test(test_short_names_and_nesting),
        cmocka_unit_test(test_graph_built_before_dom_freed),
        cmocka_unit_test(test_shared_values_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
