/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the structured-data graph of a page: it runs the
 * JSON-LD, microdata and RDFa-lite extractors once when the page is parsed,
 * merges their items into one normalised list, and gives the signals small
 * look-ups over it (items by type, with the schema.org subtypes this trade
 * meets; first value of a property; values as text).
 */
#include "page/page_int.h"
#include "page/sdata.h"

/* Subtypes that answer for a supertype in cwt__sdata_is(). */
static const struct {
    const char *super;
    const char *sub;
} subtypes[] = {
    {"Organization", "Corporation"}, {"Organization", "LocalBusiness"}, {"Organization", "Store"},
    {"Organization", "OnlineBusiness"}, {"Organization", "OnlineStore"}, {"Organization", "NGO"},
    {"Organization", "GovernmentOrganization"}, {"Organization", "NewsMediaOrganization"},
    {"Organization", "EducationalOrganization"}, {"Organization", "ResearchOrganization"},
    {"Organization", "MedicalOrganization"}, {"Organization", "SportsOrganization"},
    {"Organization", "WorkersUnion"}, {"Organization", "Airline"}, {"Organization", "Consortium"},
    {"Organization", "FundingScheme"}, {"Organization", "LibrarySystem"}, {"Organization", "Project"},
    {"Organization", "PerformingGroup"}, {"Organization", "HomeAndConstructionBusiness"},
    {"Organization", "ProfessionalService"}, {"Organization", "AutomotiveBusiness"},
    {"Organization", "FinancialService"}, {"Organization", "FoodEstablishment"},
    {"Organization", "Restaurant"}, {"Organization", "ElectronicsStore"}, {"Organization", "HardwareStore"},
    {"Product", "IndividualProduct"}, {"Product", "ProductModel"}, {"Product", "ProductGroup"},
    {"Product", "SomeProducts"}, {"Product", "Vehicle"}, {"Product", "Car"}, {"Product", "DietarySupplement"},
    {"Product", "Drug"},
    {"CreativeWork", "Dataset"}, {"CreativeWork", "DataFeed"}, {"CreativeWork", "VideoObject"},
    {"CreativeWork", "MediaObject"}, {"CreativeWork", "ImageObject"}, {"CreativeWork", "WebPage"},
    {"CreativeWork", "Article"}, {"CreativeWork", "NewsArticle"}, {"CreativeWork", "Report"},
    {"CreativeWork", "DigitalDocument"}, {"CreativeWork", "Certification"},
    {"Dataset", "DataFeed"}, {"MediaObject", "VideoObject"}, {"MediaObject", "ImageObject"},
    {"MediaObject", "AudioObject"}, {"MediaObject", "DataDownload"},
    {"Place", "LocalBusiness"}, {"ContactPoint", "PostalAddress"},
    {"Article", "NewsArticle"}, {"Article", "BlogPosting"}, {"Article", "Report"}, {"Article", "TechArticle"},
    {"WebPage", "AboutPage"}, {"WebPage", "ContactPage"}, {"WebPage", "ItemPage"}, {"WebPage", "FAQPage"},
    {"WebPage", "ProfilePage"}, {"WebPage", "CollectionPage"},
};

static bool type_matches(const char *have, const char *want)
{
    if (strcmp(have, want) == 0)
        return true;
    for (size_t i = 0; i < CWT_ARRAY_LEN(subtypes); i++) /* first bytes first: most pairs differ there */
        if (subtypes[i].sub[0] == have[0] && subtypes[i].super[0] == want[0] && strcmp(subtypes[i].sub, have) == 0 &&
            strcmp(subtypes[i].super, want) == 0)
            return true;
    return false;
}

bool cwt__sdata_is(const json_t *item, const char *type)
{
    const json_t *t = json_object_get(item, "@type");
    if (json_is_string(t))
        return type_matches(cwt__sdata_short(json_string_value(t)), type);
    size_t i;
    const json_t *e;
    json_array_foreach(t, i, e) {
        if (json_is_string(e) && type_matches(json_string_value(e), type))
            return true;
    }
    return false;
}

struct finder {
    const char *type;
    const json_t **found;
    size_t max, n, visited;
};

#define FIND_MAX_VISITS 100000

static void find_in(struct finder *f, const json_t *v, unsigned depth)
{
    if (depth > CWT__SDATA_MAX_DEPTH + 2 || f->visited++ > FIND_MAX_VISITS)
        return;
    if (json_is_array(v)) {
        size_t i;
        const json_t *e;
        json_array_foreach(v, i, e) find_in(f, e, depth + 1);
        return;
    }
    if (!json_is_object(v))
        return;
    if (json_object_get(v, "@type") && (!f->type || cwt__sdata_is(v, f->type))) {
        if (f->n < f->max)
            f->found[f->n] = v;
        f->n++;
    }
    const char *k;
    const json_t *e;
    json_object_foreach((json_t *)v, k, e) {
        if (k[0] != '@' && (json_is_object(e) || json_is_array(e)))
            find_in(f, e, depth + 1);
    }
}

size_t cwt__sdata_find(const json_t *items, const char *type, const json_t **found, size_t max)
{
    struct finder f = {.type = type, .found = found, .max = max};
    find_in(&f, items, 0);
    return f.n;
}

const json_t *cwt__sdata_get(const json_t *item, const char *name)
{
    const json_t *v = json_object_get(item, name);
    if (json_is_array(v))
        return json_array_size(v) ? json_array_get(v, 0) : NULL;
    return v;
}

const char *cwt__sdata_str(const json_t *item, const char *name)
{
    const json_t *v = cwt__sdata_get(item, name);
    if (json_is_string(v))
        return json_string_value(v);
    if (json_is_object(v)) {
        static const char *const keys[] = {"name", "@id", "url", "value"};
        for (size_t i = 0; i < CWT_ARRAY_LEN(keys); i++) {
            const json_t *s = cwt__sdata_get(v, keys[i]);
            if (json_is_string(s))
                return json_string_value(s);
        }
    }
    return NULL;
}

size_t cwt__sdata_values(const json_t *item, const char *name, const json_t **vals, size_t max)
{
    const json_t *v = json_object_get(item, name);
    if (!v)
        return 0;
    if (!json_is_array(v)) {
        if (max)
            vals[0] = v;
        return 1;
    }
    size_t i;
    const json_t *e;
    json_array_foreach(v, i, e) {
        if (i < max)
            vals[i] = e;
    }
    return json_array_size(v);
}

const json_t *cwt__sdata_items(const struct cwt__doc *doc)
{
    if (doc && doc->priv)
        return ((const struct cwt__page_priv *)doc->priv)->sdata;
    return NULL;
}

enum cwt_status cwt__sdata_build(struct cwt__doc *doc)
{
    struct cwt__page_priv *p = doc->priv;
    json_t *graph = json_array();
    if (!graph)
        return CWT_ENOMEM;
    enum cwt_status rc = CWT_OK;
    for (size_t i = 0; i < doc->njsonld && !rc; i++) {
        json_t *objs = NULL;
        if (cwt__jsonld_parse(doc->jsonld[i], strlen(doc->jsonld[i]), &objs) == CWT_OK) {
            rc = cwt__jsonld_normalise(objs, graph);
            json_decref(objs);
        }
    }
    json_t *md = NULL;
    if (!rc && p->has_microdata && (rc = cwt__microdata_extract(doc, false, cwt__doc_base(doc), &md)) == CWT_OK)
        rc = cwt__microdata_normalise(md, graph);
    json_decref(md);
    json_t *rdfa = NULL;
    if (!rc && p->has_rdfa && (rc = cwt__rdfa_extract(doc, &rdfa)) == CWT_OK) {
        size_t i;
        json_t *e;
        json_array_foreach(rdfa, i, e) {
            if (json_array_size(graph) < CWT__SDATA_MAX_ITEMS && json_array_append(graph, e))
                rc = CWT_ENOMEM;
        }
    }
    json_decref(rdfa);
    if (rc) {
        json_decref(graph);
        return rc;
    }
    p->sdata = graph;
    return CWT_OK;
}
