/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Structured data of a page: JSON-LD, microdata and RDFa-lite merged into one
 * normalised graph, built once when the page is parsed (cwt__doc_parse).
 *
 * The graph is a jansson array of items. Every item is an object:
 *   "@type"   array of short type names, schema.org prefixes removed ("Organization");
 *             empty array when the item has no type
 *   "@source" "json-ld", "microdata" or "rdfa"
 *   "@id"     the item's id (JSON-LD @id, microdata itemid, RDFa resource), when present
 *   other keys: property names with schema.org prefixes removed ("name", "address"); a value is a
 *             string, number, boolean, a nested item (same shape) or an array of those when the
 *             property has several values. JSON-LD @graph members are listed as top-level items.
 * Values are as published: URLs in microdata and RDFa are made absolute against the page base;
 * JSON-LD values are left as written (except {"@value": v} which becomes v).
 *
 * Typical use (a content signal):
 *     const json_t *items = cwt__sdata_items(doc);
 *     const json_t *found[16];
 *     size_t n = cwt__sdata_find(items, "Certification", found, 16);
 *     for (size_t i = 0; i < n; i++) {
 *         const char *id = cwt__sdata_str(found[i], "certificationIdentification");
 *         const json_t *issuer = cwt__sdata_get(found[i], "issuedBy");   // item or string
 *         const char *issuer_name = cwt__sdata_str(found[i], "issuedBy"); // name of a nested item
 *     }
 */
#ifndef CWT_SDATA_H
#define CWT_SDATA_H

#include <jansson.h>

#include "page/page.h"

#define CWT__SDATA_MAX_ITEMS 2000 /* top-level items kept per page */
#define CWT__SDATA_MAX_DEPTH 16   /* nesting of items kept; deeper values are dropped */

/* The page's structured-data graph (see above). Borrowed from @p doc; an empty array when the page
 * has none; NULL only when @p doc is NULL (jansson's accessors read NULL as empty). */
const json_t *cwt__sdata_items(const struct cwt__doc *doc);

/* Whether @p item's @type contains @p type (short name) or a known subtype of it: Organization
 * matches Corporation, LocalBusiness, Store, NGO, ...; Product matches IndividualProduct,
 * ProductModel, Vehicle ...; CreativeWork matches Dataset, DataFeed, VideoObject, ... */
bool cwt__sdata_is(const json_t *item, const char *type);

/* Collects up to @p max items (top-level and nested, depth-first, document order) for which
 * cwt__sdata_is(item, type) holds (@p type NULL: every item with a @type, in the same order, so that
 * filtering that list with cwt__sdata_is() gives any type's answer). Returns how many were found in
 * total (may exceed @p max; only @p max are stored in @p found). Borrowed pointers, valid while the
 * doc lives. */
size_t cwt__sdata_find(const json_t *items, const char *type, const json_t **found, size_t max);

/* The first value of property @p name (an array yields its first element), NULL if absent. */
const json_t *cwt__sdata_get(const json_t *item, const char *name);

/* The first value of property @p name as text: a string as is; a number formatted into nothing
 * (NULL: use cwt__sdata_get); a nested item gives its "name", else "@id", else "url"; NULL if
 * absent. Borrowed. */
const char *cwt__sdata_str(const json_t *item, const char *name);

/* Stores up to @p max values of property @p name in @p vals (arrays flattened one level). Returns
 * the number of values (may exceed @p max). */
size_t cwt__sdata_values(const json_t *item, const char *name, const json_t **vals, size_t max);

/* The short form of a schema.org type or property IRI: "http://schema.org/Product",
 * "https://schema.org/Product", "schema:Product" -> "Product"; other strings unchanged. Borrowed
 * pointer into @p iri. */
const char *cwt__sdata_short(const char *iri);

/* ---- The extractors, exposed for tests, fuzzing and `cwtap check-metadata`. ---- */

/*
 * Parses the text of one <script type="application/ld+json"> tolerantly: a CDATA or HTML comment
 * wrapper, JS comments, raw control characters in strings, JavaScript escapes (\' \x27), HTML
 * entities, and junk after the value are repaired or skipped. On success *out is a new array of
 * the top-level objects found (a top-level array is spread; nulls and empty objects dropped), as
 * written (not normalised). Returns CWT_EPARSE when nothing could be decoded.
 */
enum cwt_status cwt__jsonld_parse(const char *text, size_t len, json_t **out);

/* cwt__doc_parse() by the DOM path, keeping the DOM and the light tree (page/ltree.h), for
 * cwt__microdata_extract / cwt__rdfa_extract called after the parse (their tests and fuzzer); the library
 * itself uses the light tree only while it parses. */
enum cwt_status cwt__doc_parse_dom(const struct cwt_ctx *ctx, const char *html, size_t len, const char *url,
                                   struct cwt__doc **out, struct cwt_err *err);
/* The page parse by one path only: the SAX walk (no DOM; the light tree built from the parser's events when
 * the page has microdata or RDFa), or the DOM walk when @p dom (the light tree copied from the DOM).
 * cwt__doc_parse() picks; the tests and fuzz_sax check that the two give the same document, structured
 * data included. */
enum cwt_status cwt__doc_parse_path(const struct cwt_ctx *ctx, const char *html, size_t len, const char *url,
                                    bool dom, struct cwt__doc **out, struct cwt_err *err);
/* The first field in which @p a and @p b differ ("text", "links.href", ...; *where the index in a list),
 * NULL when every field is equal (page/page_diff.c). */
const char *cwt__doc_diff(const struct cwt__doc *a, const struct cwt__doc *b, size_t *where);

/* Microdata of the page (its light tree), in extruct's format ({"type", "id", "properties"} per item,
 * nested items inline). @p strict keeps every property and type as an array; @p base (may be
 * NULL: URLs left as written) resolves URL values. *out is a new array. */
enum cwt_status cwt__microdata_extract(const struct cwt__doc *doc, bool strict, const char *base, json_t **out);

/* RDFa-lite (vocab, typeof, property, resource, prefix schema:) of the page (its light tree), already in the
 * normalised item shape with "@source": "rdfa". *out is a new array. */
enum cwt_status cwt__rdfa_extract(const struct cwt__doc *doc, json_t **out);

/* Normalises a list of JSON-LD objects (from cwt__jsonld_parse) and appends the items to @p graph. */
enum cwt_status cwt__jsonld_normalise(const json_t *objs, json_t *graph);
/* Normalises extruct-format microdata items and appends them to @p graph. */
enum cwt_status cwt__microdata_normalise(const json_t *items, json_t *graph);

#endif
