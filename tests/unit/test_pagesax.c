/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of src/lib/page/page_sax.c: the SAX walk gives, field by field (cwt__doc_diff), the document
 * the DOM walk gives, structured data included (the light tree built from the parser's events against the
 * one copied from the DOM), on every fixture file and on handcrafted pages that exercise the tree
 * builder's corners (text after </html>, a late DOCTYPE, a hidden root, unfinished start tags, deep
 * nesting, itemref ids, text split by comments and CDATA). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "harness.h"
#include "page/page.h"
#include "page/sax_input.h"
#include "page/sdata.h"

struct tally {
    size_t files, sdata;
};

/* Whether @p d has a microdata or RDFa item. */
static bool has_tree_items(const struct cwt__doc *d)
{
    size_t i;
    const json_t *it;
    json_array_foreach(cwt__sdata_items(d), i, it) {
        const char *src = json_string_value(json_object_get(it, "@source"));
        if (src && strcmp(src, "json-ld") != 0)
            return true;
    }
    return false;
}

/* Parses @p html both ways and fails naming the first field that differs. Returns whether the page has
 * microdata or RDFa items. */
static bool same_both_ways(const char *what, const char *html, size_t len)
{
    struct cwt__doc *dom = NULL, *sax = NULL;
    enum cwt_status rd = cwt__doc_parse_path(NULL, html, len, "https://a.example/dir/page.html", true, &dom, NULL);
    enum cwt_status rs = cwt__doc_parse_path(NULL, html, len, "https://a.example/dir/page.html", false, &sax, NULL);
    if (rd != rs) {
        print_error("%s: DOM path gives status %d, SAX path %d\n", what, (int)rd, (int)rs);
        fail();
    }
    bool items = rd == CWT_OK && has_tree_items(dom);
    if (rd == CWT_OK) {
        size_t where;
        const char *field = cwt__doc_diff(dom, sax, &where);
        if (field) {
            print_error("%s: the SAX walk differs from the DOM walk in %s [%zu]\n", what, field, where);
            fail();
        }
    }
    cwt__doc_free(dom);
    cwt__doc_free(sax);
    return items;
}

/* same_both_ways() on each of @p n pages (strings), named @p what and their index; with @p items, each
 * must have microdata or RDFa items. */
static void each_page(const char *what, const char *const *pages, size_t n, bool items)
{
    for (size_t i = 0; i < n; i++) {
        char name[48];
        snprintf(name, sizeof name, "%s %zu", what, i);
        bool has = same_both_ways(name, pages[i], strlen(pages[i]));
        if (items && !has) {
            print_error("%s: no microdata or RDFa item\n", name);
            fail();
        }
    }
}

static void one_file(const char *path, const char *data, size_t len, void *ud)
{
    struct tally *t = ud;
    if (len > (2u << 20))
        return;
    t->files++;
    if (same_both_ways(path, data, len))
        t->sdata++;
}

static void test_fixtures(void **state)
{
    (void)state;
    static const char *const globs[] = {"tests/fixtures/*", "tests/fixtures/*/*", "tests/fixtures/*/*/*",
                                        "tests/fixtures/*/*/*/*", "tests/fuzz/seeds/html/*",
                                        "tests/fuzz/seeds/sax/*", "tests/fuzz/seeds/microdata/*", NULL};
    struct tally t = {0};
    h_each_file(globs, one_file, &t);
    print_message("pagesax: %zu files, %zu with microdata or RDFa items\n", t.files, t.sdata);
    assert_true(t.files > 200);
    assert_true(t.sdata > 20); /* the microdata and RDFa fixtures, the pages of exporters */
}

static void test_corners(void **state)
{
    (void)state;
    static const char *const pages[] = {
        "",
        " ",
        "plain text, no tags",
        "<html><body><p>a</p></body></html><p>after html</p> tail <a href=/x>x</a>",
        "<!-- c --><html><body><p>a</p></body></html><p>after</p>",
        "<!DOCTYPE html><html lang=FR><body>a</body></html><div>b</div>",
        "<html><body>a<!DOCTYPE html></body></html><p>late doctype</p><a href=y>y</a>",
        "<html hidden><body>a</body></html><p>after hidden root</p>",
        "<html style='display:none'><body>a</body></html>x<html><p>again</p>",
        "<?pi x?><html><body>a</body></html>b",
        "<html><head><title>T<b>bold</b> &amp; more</title><title>second</title></head><body>x</body></html>",
        "<svg><title>svg title</title></svg><title>real</title>",
        "<script type=' application/ld+json'>{\"@type\":\"Organization\",\"name\":\"A\"}</script>"
        "<script type=application/ld+json>[{\"@type\":\"Product\",\"name\":\"P</b>\"}]</script>",
        "<video src=v.mp4><source src=a.mp4><source src=b.webm><img src=i.png><p>t</p></video><img src=after.png>",
        "<video hidden><source src=a.mp4 title=A></video><iframe src=f.html title=F><img src=no.png></iframe>",
        "<a href=mailto:x@a.example>mail <b>me</b><span hidden>hid</span><script>s()</script></a>",
        "<a href='tel:+1 234'><img alt='' title=Phone></a><a href=/p><img alt=Alt src=i.png></a>",
        "<a href=/empty aria-label='Aria'></a><a href=/t title=' Title '></a><a href=/n>  </a>",
        "<a href=/a1>one<a href=/a2>two</a></a><area href=/area alt=Area><area href=mailto:area@x>",
        "<map><area href=/m1 title=M1><area href=whatsapp:123></map>",
        "<base href='/base/'><a href=rel>r</a><base href='/other/'><a href=rel2>r2</a>",
        "<link rel=canonical href=/c title=Canon><link rel=stylesheet href=s.css><link hreflang=de href=/de>",
        "<meta name=Description content=' D  escr '><meta property=og:title content=OG><meta itemprop=x content=y>",
        "<p>a&nbsp;b&#160;c\xc2\xa0" "d</p><p>e<!-- c -->f</p><p>g<![CDATA[h]]>i</p>",
        "<p>bad utf8 \xff\xfe here \xc2 \xa0 and \xe2\x82 there</p><p>\xa0\xa0 more</p>",
        "<p>nul \0 inside</p><div\0 class=x>after nul</div><a href=/z\0>z</a>",
        "<div class=x",
        "<a href=mailto:q@x.example>unfinished",
        "<title>unfinished title",
        "<script type=application/ld+json>{\"a\":1",
        "<table><tr><td>1<td>2</table><ul><li>a<li>b</ul><select><option>o1<option>o2</select>",
        "<noscript><a href=/ns>ns</a></noscript><template><a href=/tpl>t</a></template><textarea>ta</textarea>",
        "<div style='DISPLAY : None'>h</div><div style='visibility:hidden'>h2</div><p hidden=''>h3</p>",
        "<input checked><option selected>sel</option><img src=x.png ismap alt=Map>",
        "<html><body><html lang=de><body class=b><head><title>late</title></head>text",
        "<head><p>para in head</p></head><body>b</body>",
        "<html><head> <meta name=a content=b> </head>  <body>  x  </body>  </html>  ",
        "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01//EN\"><html><body> <p>x</p> </body></html>",
        "<object data=o.swf><embed src=e.swf></object><audio><a href=/au>au</a></audio>",
        "<a href=javascript:void(0)>js</a><a href='data:text/html,x'>d</a><a href='  mailto:sp@x  '>sp</a>",
        "<p>x</p><?php echo 1 ?><p>y</p>",
        "<style>p{}</style><p>after style</p><pre>  keep\n  lines </pre>",
        "<html xml:lang=EN-us><body>x</body></html>",
        "<html lang><body>x</body></html>",
        "<html lang=''><body>x</body></html>",
        "<div typeof=x>rdfa</div>",
        "<div itemscope itemtype=https://schema.org/Organization><span itemprop=name>A</span></div>",
        "<typeof>element named typeof</typeof>",
        "<p><sdo:meta name=a content=b>hidden child</sdo:meta><x:title>t</x:title><:b>c</:b><a:>d</a:>"
        "<v:video src=v.mp4><o:source src=s.mp4></o:source></v:video><a:b:a href=/ab>ab</a:b:a></p>",
        "<p>&amp;&lt;&gt;&quot;&apos;&unknown; &#x1F600; &#0; &#xD800;</p>",
    };
    for (size_t i = 0; i < CWT_ARRAY_LEN(pages); i++) {
        char what[32];
        snprintf(what, sizeof what, "corner page %zu", i);
        size_t len = strlen(pages[i]);
        if (strstr(pages[i], "nul "))
            len = sizeof "<p>nul \0 inside</p><div\0 class=x>after nul</div><a href=/z\0>z</a>" - 1;
        same_both_ways(what, pages[i], len);
    }
}

/* same_both_ways() on a page of about 40 KB: @p head, words (@p pre, the word's number, @p post) over and
 * over, every @p every words @p special instead, then @p tail. */
static void same_long(const char *what, const char *head, const char *pre, const char *post, size_t every,
                      const char *special, const char *tail)
{
    size_t n = 40000;
    char *p = malloc(n + 256);
    assert_non_null(p);
    size_t o = (size_t)snprintf(p, 64, "%s", head);
    for (size_t i = 1; o < n; i++)
        o += (size_t)(i % every ? snprintf(p + o, 64, "%s%zu%s", pre, i, post) : snprintf(p + o, 64, "%s", special));
    o += (size_t)snprintf(p + o, 128, "%s", tail);
    same_both_ways(what, p, o);
    free(p);
}

/* Scripts and styles, whose plain content the SAX walk takes in one piece and skips in the parser's input
 * (take_raw_text), and the contents it leaves to libxml2. */
static void test_raw_text(void **state)
{
    (void)state;
    static const char *const pages[] = {
        "<script>a</SCRIPT><p>after</p>",
        "<div><script></div>b</script>",
        "<div><style></div>b</style><script><p>p</script><style><div>d</style>",
        "<script>x</div>y</script><script>\n</div>z</script>",
        "<script>x</scr ipt>y</b></script><p>t</p>",
        "<script>var s = \"</b>\"; if (a<b && c>d) {}</script><a href=/x>x</a>",
        "<script>a</scriptx>b</script><p>after scriptx</p>",
        "<script>a\x01b</script><p>control</p>",
        "<script>0123456789012345678901234567890123456789\x01x</script><p>control late</p>",
        "<script>01234567890123456789012345678901\xc3\xa9\xe6\xbc\xa2 and 0123456789012345\xed\xa0\x80</script>",
        "<script>0123456789012345678901234567890\xc3</script><p>cut sequence at a block's end</p>",
        "<script>bad \xff\xfe utf8</script><p>after bad</p>",
        "<script>cr\r\nlf\rcr</script><p>crlf</p>",
        "<script>\xc3\xa9\xe6\xbc\xa2\xf0\x9f\x98\x80 \xed\xa0\x80 surrogate</script><p>u</p>",
        "<script>\xef\xbf\xbe nonchar</script><p>u2</p>",
        "<a href=mailto:x@y.example>mail<script>var a = 1;</script><style>b{}</style></a>",
        "<script type=application/ld+json>{\"@type\":\"Organization\",\"name\":\"A</b>\"}</script>",
        "<STYLE>p { color: red }</style ><p>styled</p><style></style><script></script>",
        "<script/>text after self-closed<script src=x.js></script>",
        "<p>x</p><script>var a = 'no end tag",
        "<script type=\"x",
        "<title>a<script>b</script>c</title><p>t</p>",
        "<div itemscope><script itemprop=s>var a = '<b>';</script><style itemprop=c>p{}</style>"
        "<span itemprop=n>N<script>hidden()</script></span></div>",
        "<div vocab=https://schema.org/ typeof=Thing><span property=name>A<script>s()</script>"
        "<style>p{}</style>B</span></div>",
        "<svg><style>svg{}</style><script>svg()</script></svg><p>after svg</p>",
        "<table><script>in table</script><tr><td>1</td></tr></table>",
        "<head><script>h()</script><style>h{}</style></head><body><script>b()</script>body</body>",
    };
    each_page("raw text page", pages, CWT_ARRAY_LEN(pages), false);
    /* a script longer than libxml2's 1000-byte blocks, with "</" inside */
    same_long("long script", "<script>", "var v", " = 1;\n", 50, "s='</b>';\n", "</script><p>after long</p>");
}

/* The character data the SAX walk takes after a start or an end tag (take_first_text, take_text_after)
 * and what it leaves to libxml2: implied elements, auto-closed ones, a <p> opened before text, entities,
 * junk in end tags, void elements, blanks. */
static void test_char_data(void **state)
{
    (void)state;
    static const char *const pages[] = {
        "<div>first <b>bold</b> after bold</div>\n  <p>para</p>  \n<ul>\n <li>one</li>\n <li>two</ul>",
        "text before any tag<p>p</p>",
        "<html>text in html<p>p</p></html>",
        "<head>text in head<title>t</title></head><body>body text</body>",
        "<p>a<div>div closes p</div>after div",
        "<div><b>x</div>after auto-closed b</div>tail",
        "<div><b><i>x</b>after b closes i</i> y</div>",
        "<b>x</b >blank in end tag</B>upper</b x=\"</b>\">junk</b>",
        "<div>a &amp; b &lt;c&gt; &#x41;&#66; &nbsp;d &unknown; e&</div>",
        "<p>x<br>after br<img src=a.png>after img<hr>after hr<input>after input</p>",
        "<table><tr><td>1<td>2</tr>text in table</table>after table",
        "<select><option>o1<option>o2</select><textarea>\nta\n</textarea><pre>\nfirst line</pre>",
        "<p>nul\0inside</p>",
        "<p>ctl \x01 here</p><p>bad \xff byte</p><p>\xc3\xa9t\xc3\xa9</p>",
        "<span>x</span><span>y</span><!-- c -->z<?pi x?>w",
        "<body>direct body text<div>d</div>more body text</body>",
        "<html><body></body></html>after html end",
        "<p>unclosed</p></span>text after stray end</div>more",
        "<a href=/a>link text</a> between <a href=/b>second</a>",
        "<title>T &amp; co</title><h1>Heading</h1>",
        "<div>\r\n\t  \r\n</div><span>\t</span>",
        "<p>a</p\n>after end tag with a line break</p>",
        "<p/>self-closed p<br/>after br/<div/>after div/",
        "<div>a<br>b<br/>c<img src=i.png>d<input>e<hr>f<wbr>g<source src=s>h<embed src=e>i<col>j</div>k",
        "<head><meta charset=utf-8>text after meta<link rel=x href=y>after link</head>",
        "<p>x<br><br> <br>\n<br>y</p><html><br>in html after br</html>",
    };
    each_page("char data page", pages, CWT_ARRAY_LEN(pages), false);
    /* text longer than libxml2's 1000-byte blocks, with entities */
    same_long("long text", "<div>", "word", " ", 700, "a &amp; b ", "</div>tail text<p>x</p>");
}

/* cwt__plain_text() over every length to 200 bytes and every place of one odd byte (a control
 * character, a NUL, a stray continuation byte, 0xFF, a lead byte cut short) among printable ASCII, and of a
 * well-formed two- or three-byte character: the 32- and 16-byte blocks must not step over it. */
static void test_plain_text(void **state)
{
    (void)state;
    unsigned char b[256] = {0};
    static const unsigned char odd[] = {0x01, 0x00, 0x1F, 0x0B, 0x80, 0xBF, 0xFF, 0xC0, 0xE2};
    for (size_t n = 0; n <= 200; n++) {
        for (size_t i = 0; i < n; i++)
            b[i] = (unsigned char)(' ' + (i * 7) % 95); /* printable ASCII */
        assert_true(cwt__plain_text(b, n));
        for (size_t at = 0; at < n; at++) {
            unsigned char keep = b[at];
            for (size_t k = 0; k < sizeof odd; k++) {
                b[at] = odd[k];
                if (cwt__plain_text(b, n))
                    fail_msg("length %zu, byte 0x%02X at %zu taken as plain", n, odd[k], at);
            }
            b[at] = at % 3 ? '\t' : '\n';
            assert_true(cwt__plain_text(b, n));
            b[at] = keep;
            if (at + 3 <= n) { /* U+00E9, then U+6F22 */
                unsigned char k0 = b[at], k1 = b[at + 1], k2 = b[at + 2];
                b[at] = 0xC3, b[at + 1] = 0xA9;
                assert_true(cwt__plain_text(b, n));
                b[at] = 0xE6, b[at + 1] = 0xBC, b[at + 2] = 0xA2;
                assert_true(cwt__plain_text(b, n));
                b[at + 2] = 'x'; /* cut short */
                assert_false(cwt__plain_text(b, n));
                b[at] = k0, b[at + 1] = k1, b[at + 2] = k2;
            }
        }
    }
}

/* Start tags whose long attribute values the SAX walk takes and the parser reads as tokens (shorten_tag),
 * in every place the parser's content loop meets a tag, and the tags it leaves whole: entities, odd
 * bytes, junk between attributes, a tag inside another, misplaced html/head/body, meta, duplicates. */
static void test_attr_values(void **state)
{
    (void)state;
    static const char *const pages[] = {
        "<div class=\"container wide\"><a href=\"/products/list.html\" title='All our products'>P</a></div>",
        "<p>text<a href=\"https://example.com/x?y=1\">after text</a> more<img src=\"/img/logo.png\" alt=\"Our logo\">"
        "after img<br class=\"clear-both\"><span id=\"x-long-identifier\">s</span></p>",
        "<ul><li class=\"item first\">one<li class=\"item second\">two</ul><p class=\"closes the list\">",
        "<p class=\"paragraph one\">a<div class=\"div closes p\">d</div><p class='para two'>b<p class='para three'>",
        "<a href=\"/a?b=1&amp;c=2\" title=\"Fish &amp; chips\" data-x=\"&#x41;&#66;&nbsp;\">entities</a>",
        "<a href=/unquoted/long/value/path title=unquoted&amp;entity data-v=plainunquoted>u</a>",
        "<a href=\"quoted > gt and < lt inside\" title='single \"double\" inside'>q</a>",
        "<a href=\"line\nbreak\tand\r\nreturns here\">w</a><a\nhref=\"after a newline\"\n>n</a>",
        "<a href=\"first value here\"title=\"no blank between\"class=\"three values\">nb</a>",
        "<a href = \"blanks around equals\" title =  'and more blanks'  >b</a>",
        "<a href=\"duplicate first value\" href=\"duplicate second value\">dup</a>",
        "<a href=\"ctl \x01A in a value here\">ctl</a><a title=\"\x01A\">token-like</a><a title=\"x\x01Bxxxxxxxx\">t2</a>",
        "<a href=\"bad \xff byte in value\">bad</a><a title=\"\xc3\xa9t\xc3\xa9 \xe6\xbc\xa2 utf8 value\">ok</a>",
        "<p<div class=\"tag inside a tag\">x</div><b<i class=\"another inside\">y</i>",
        "<br<div class=\"after a void name\">x</div><br><br<a href=\"/after/br/junk\">l</a>",
        "<a / href=\"slash before attr\">s</a><a href=\"slash after value\"/ title=\"and another\">t</a>",
        "<a href=x/y/z/long/>unquoted slash end</a><img src=\"/self/closed.png\"/>after<p class=\"self closed p\"/>t",
        "<a \"junk\"=\"junk value here\" href=\"after junk attr\">j</a><a =\"no name value\" href=\"x long\">k</a>",
        "<a href=\"unterminated value <b>bold</b> and more text",
        "<a href='unterminated single <p>para</p>",
        "<div class=\"unclosed tag at the end\"",
        "<html lang=\"en-GB-oxendict\"><head profile=\"http://head.example/profile\"><meta name=\"description\" "
        "content=\"a long meta description\"><meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">"
        "</head><body class=\"body class value\"><p>x</p><body class=\"misplaced body value\">"
        "<html class=\"misplaced html value\"><head class=\"misplaced head value\">y</body></html>",
        "<table class=\"table class\"><tr class=\"row class value\"><td class=\"cell class value\">1"
        "<td class=\"cell two value\">2</table><form action=\"/form/action\"><input name=\"query string\" "
        "value=\"default value here\"></form>",
        "<script src=\"/js/app.bundle.js\"></script><style media=\"screen and (min-width: 1px)\">p{}</style>"
        "<script>var s = '<div class=\"in a script string\">';</script><p class=\"after script\">p</p>",
        "<!-- comment --><a href=\"after a comment\">c</a><?pi x?><a href=\"after a pi value\">p</a>",
        "x &amp; y<a href=\"after an entity\">e</a>&lt;<a href=\"after lt entity\">f</a>",
        "<div itemscope itemtype=\"https://schema.org/Organization\"><a itemprop=\"url\" "
        "href=\"https://org.example/home\">home</a><meta itemprop=\"name\" content=\"Org Name Long\">"
        "<span itemprop=\"telephone\" content=\"+1 555 0100 000\">tel</span></div>",
        "<div vocab=\"https://schema.org/\" typeof=\"Organization\"><a property=\"url\" "
        "href=\"https://rdfa.example/home\">h</a><span property=\"name\">N</span></div>",
        "<svg viewBox=\"0 0 100 100\" xmlns=\"http://www.w3.org/2000/svg\"><path d=\"M10 10 L90 90 Z\"/></svg>",
        "<a data-long=\"0123456789012345678901234567890123456789\" b c d data-e=\"eeeeeeeeee\">many</a>",
        "<A HREF=\"UPPER CASE NAMES\" TITLE=\"UPPER CASE TITLE\">U</A><x:tag x:attr=\"prefixed value\">p</x:tag>",
    };
    each_page("attribute value page", pages, CWT_ARRAY_LEN(pages), false);
    /* a tag with more values than the walk takes, and a value longer than libxml2's first buffer */
    same_long("many values", "<div", " data-v", "=\"0123456789abcdef\"", 40, " x", ">many</div><p>x</p>");
    same_long("long value", "<a href=\"", "/segment", "", 400, "?q=1", "\">long</a><p title=\"after long\">x</p>");
}

/* The light tree's corners: where the tree builder puts late and root-level nodes, which element keeps an
 * id, how text nodes are split, what xmlNodeGetContent() reads. Each page must give items. */
static void test_tree_corners(void **state)
{
    (void)state;
    static const char *const pages[] = {
        "<div itemscope itemref='a b'></div><p id=a itemprop=x>one</p><p id=a itemprop=y>two</p>"
        "<a name=b itemprop=z href=/z>zed</a><a id=b itemprop=w>w</a>",
        "<div itemscope itemref=n><p id='' itemprop=e>e</p></div><span name=n itemprop=s>not an id</span>"
        "<a name=n itemprop=n>anchor</a>",
        "<html><body><div itemscope><span itemprop=t>a<!-- c -->b <b>c</b>  d</span></div></body></html>"
        "<div itemscope><p itemprop=late>after html</p></div><!-- tail --><div itemscope itemprop=x>"
        "<i itemprop=y>late2</i></div>",
        "<!-- first --><div itemscope><p itemprop=a>x</p></div></html><div itemscope><p itemprop=b>y</p></div>",
        "<div itemscope><p itemprop=a>x</p></div><!DOCTYPE html><div itemscope><p itemprop=b>y</p></div>",
        "<div itemscope><script itemprop=s>var a = '<b>';</script><style itemprop=st>p{}</style>"
        "<p itemprop=c>t<![CDATA[cd]]>u</p><textarea itemprop=ta>ta &amp; x</textarea></div>",
        "<div vocab=https://schema.org/ typeof=Organization><span property=name>A<!-- c --> <b>B</b>"
        "<script>s()</script></span><a property=url href=/u>u</a><div property=founder typeof=Person>"
        "<span property=name>F</span></div></div><p typeof=Thing property=name>root-level</p>",
        "<table itemscope><tr><td itemprop=a>1<td itemprop=b>2</table><ul itemscope><li itemprop=c>c<li>d</ul>",
        "<div itemscope itemtype=https://schema.org/Product><meta itemprop=name content=N>"
        "<link itemprop=url href=/p><img itemprop=image src=i.png><time itemprop=d datetime=2020>t</time>"
        "<data itemprop=v value=3>three</data><input itemprop=q-input name=q required></div>",
        "<p itemscope>unfinished <span itemprop=a>open",
        "<div itemscope><p itemprop=a>a\0b</p><p itemprop=b>x&nbsp;&#160;y</p></div>",
    };
    each_page("tree page", pages, CWT_ARRAY_LEN(pages), true);
}

/* Deep nesting (past libxml2's tree depth limit, where the tree builder stops the parse) and caps. */
static void test_hostile(void **state)
{
    (void)state;
    size_t n = 100000;
    char *p = malloc(n * 16 + 64);
    assert_non_null(p);
    size_t o = 0;
    for (size_t i = 0; i < n; i++)
        o += (size_t)snprintf(p + o, 32, "<div><a href=/%zu>", i % 7);
    same_both_ways("100k deep", p, o);
    o = 0;
    for (size_t i = 0; i < n; i++)
        o += (size_t)snprintf(p + o, 32, i % 2 ? "<i itemprop=p%zu>" : "<b itemscope>", i % 5);
    same_both_ways("100k deep items", p, o);
    o = 0;
    for (size_t i = 0; i < 255; i++)
        o += (size_t)snprintf(p + o, 32, "<span>%zu", i);
    for (size_t k = 0; k < 4; k++) { /* around the limit */
        o += (size_t)snprintf(p + o, 64, "<b>t%zu</b><i><a href=mailto:m%zu@x>m</a>", k, k);
        same_both_ways("at the depth limit", p, o);
    }
    free(p);
    size_t links = 120000;
    p = malloc(links * 24 + 16);
    assert_non_null(p);
    o = 0;
    for (size_t i = 0; i < links; i++)
        o += (size_t)snprintf(p + o, 24, i % 3 ? "<a href=/l%zu>x</a>" : "<a href=tel:%zu>t</a>", i);
    same_both_ways("120k links", p, o);
    free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_corners),
        cmocka_unit_test(test_tree_corners),
        cmocka_unit_test(test_raw_text),
        cmocka_unit_test(test_char_data),
        cmocka_unit_test(test_plain_text),
        cmocka_unit_test(test_attr_values),
        cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_fixtures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
