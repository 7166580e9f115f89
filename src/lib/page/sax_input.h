/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the SAX walk (page_sax.c) reads in libxml2's parser input itself, ahead of the parser: a
 * script's or style's content, and the character data after a start or an end tag, which the parser would
 * otherwise read character by character and hand on unchanged. Each reader answers only where its answer
 * is exactly the parser's (plain bytes, a tag whose bytes are all known); the walk then hands the bytes on
 * as the parser's own event would and moves the parser past them (cwt__sax_jump). Written for libxml2
 * 2.9.14's HTML parser (Debian 12); tests/unit/test_pagesax.c and fuzz_sax compare every page with the
 * DOM path, which reads nothing ahead.
 */
#ifndef CWT_PAGE_SAX_INPUT_H
#define CWT_PAGE_SAX_INPUT_H

#include <libxml/HTMLparser.h>
#include <stdbool.h>
#include <stddef.h>

/* Whether the parser's input may be read ahead and moved: its own UTF-8 copy of the page (an encoder is
 * set, so the page itself is never written to), recovery mode, blanks kept, not at its end. */
bool cwt__sax_input_ours(htmlParserCtxtPtr ctxt);
/* Where the parser stands, as an offset in the whole input (stable when the parser drops what it read). */
unsigned long cwt__sax_input_pos(htmlParserCtxtPtr ctxt);
/* The byte at offset @p pos of the input, NULL when the parser no longer holds it or has not reached it. */
const xmlChar *cwt__sax_input_at(htmlParserCtxtPtr ctxt, unsigned long pos);

/* Whether the @p n bytes at @p p are text the parser hands on byte for byte: printable ASCII, tab, line
 * feed, carriage return, and well-formed UTF-8 of the characters XML allows (no surrogates, no
 * U+FFFE/U+FFFF). It drops or rewrites anything else (a control character, a NUL, a stray byte). */
bool cwt__plain_text(const unsigned char *p, size_t n);
/* Where a script's or style's content that starts at @p p ends: the first "</" followed by @p name in
 * any case (htmlParseScript's rule in recovery mode); NULL when none is before @p end. */
const xmlChar *cwt__raw_text_end(const xmlChar *p, const xmlChar *end, const xmlChar *name);
/* Where character data that starts at @p p ends: its first '<' or '&'; NULL when none is before @p end. */
const xmlChar *cwt__char_data_end(const xmlChar *p, const xmlChar *end);
/* Whether the bytes from @p p to @p cur (the parser's position, on the tag's '>') start the start tag of
 * element @p name: '<', the name in any case, then a blank, '/' or '>'. */
bool cwt__is_start_tag(const xmlChar *p, const xmlChar *cur, const xmlChar *name);
/* Whether the bytes from @p p to @p cur (the parser's position, after the tag) are exactly the end tag of
 * @p name: "</", the name in any case, blanks, '>'. */
bool cwt__is_end_tag(const xmlChar *p, const xmlChar *cur, const xmlChar *name);
/* A start tag whose long attribute values the walk reads itself (cwt__start_tag_scan()). */
#define CWT__TAG_VALUES 32 /* values taken from one tag at most */
struct cwt__tag_scan {
    const xmlChar *end; /* after the tag's '>' */
    size_t n;           /* values taken */
    size_t at[CWT__TAG_VALUES], len[CWT__TAG_VALUES]; /* each one's first byte (from the tag's '<'), length */
};
/* Whether @p p (before @p end) starts a start tag that libxml2's htmlParseStartTag() reads without
 * surprises: '<', a name, then attributes (a name, optionally '=' and a value in quotes or without), blanks
 * where they may be, and '>' or "/>", all of it plain (cwt__plain_text); not html, head, body (a misplaced
 * one is dropped, and its attributes with it) or meta (libxml2 reads its attributes for a charset). On
 * true, @p t lists its values of at least @p min bytes without '&' (entities), at most CWT__TAG_VALUES:
 * libxml2 copies those byte for byte (htmlParseHTMLAttribute(), a function call or two per character).
 * (A tag with no such value is not checked for plain bytes: true with none listed.) */
bool cwt__start_tag_scan(const xmlChar *p, const xmlChar *end, size_t min, struct cwt__tag_scan *t);

/* Moves the parser to @p to, ahead of where it stands. With @p over_gt the parser is about to step over
 * the '>' it stands on (a start tag's): the byte before @p to, already handed on, becomes that '>'. */
void cwt__sax_jump(htmlParserCtxtPtr ctxt, const xmlChar *to, bool over_gt);

#endif
