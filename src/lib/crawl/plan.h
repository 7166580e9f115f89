/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Crawl planning: which role a link plays (contact, about, privacy, ...) by
 * its text and URL in the languages of the trade. The keyword data is a table
 * in keywords.c; the scoring is in plan.c.
 */
#ifndef CWT_CRAWL_PLAN_H
#define CWT_CRAWL_PLAN_H

#include "util/common.h"

enum cwt__kw_where { CWT__KW_TEXT = 1, CWT__KW_URL = 2 };

struct cwt__keyword {
    const char *role;  /* one of the roles of crawl.h */
    const char *lang;  /* BCP 47 tag of the word ("en", "zh-Hans", "th", ...) */
    const char *word;  /* lowercase (ASCII letters folded); URL words are ASCII, matched in the decoded path */
    unsigned where;    /* CWT__KW_TEXT, CWT__KW_URL or both */
};

extern const struct cwt__keyword cwt__keywords[];
extern const size_t cwt__nkeywords;

/* The roles the planner fills, in order of priority, each with how many pages it wants. */
struct cwt__role_quota {
    const char *role;
    unsigned want;
};
extern const struct cwt__role_quota cwt__role_quotas[];
extern const size_t cwt__nrole_quotas;

struct cwt__link_role {
    const char *role;     /* static; NULL when no role fits */
    int score;            /* higher is surer; 0 when no role */
    const char *word;     /* the keyword that decided it */
    bool by_text;         /* the link text matched (else only the URL) */
};

/*
 * Judges a link by its visible @p text (may be NULL) and absolute @p url.
 * Fills @p out; out->role is NULL when nothing matched.
 */
void cwt__plan_judge(const char *text, const char *url, struct cwt__link_role *out);
/* cwt__plan_judge() looking up every position of the text and path in the keyword index, without the
 * filter of the pairs of bytes keywords start with: the reference of the tests. */
void cwt__plan_judge_every(const char *text, const char *url, struct cwt__link_role *out);

/* Whether @p url looks like a non-HTML file (image, archive, office document, media). */
bool cwt__plan_is_file(const char *url);

#endif
