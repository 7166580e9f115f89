/* SPDX-License-Identifier: Apache-2.0 */
/*
 * This module implements the compliance text scanner: a table of keywords per
 * mark and language, each with flags (match case, whole ASCII word, needs a
 * context word nearby), matched at every position of the text through a
 * first-byte index built per call. Standard numbers ("EN 60335-1") are
 * recognised by a small hand-written matcher: a known prefix, a blank or
 * nothing, then at least three digits.
 */
#include <pthread.h>

#include "signals/kwset.h"
#include "signals/marks.h"

static const struct cwt__mark marks[] = {
    {"ce", "CE marking", CWT__MK_CONFORMITY},
    {"rohs", "RoHS", CWT__MK_CONFORMITY},
    {"reach", "REACH", CWT__MK_CONFORMITY},
    {"fcc", "FCC", CWT__MK_CONFORMITY},
    {"ul", "UL", CWT__MK_CONFORMITY},
    {"ccc", "CCC (China Compulsory Certification)", CWT__MK_CONFORMITY},
    {"tisi", "TISI (Thai Industrial Standard, มอก.)", CWT__MK_MARKET},
    {"sirim", "SIRIM (Malaysia)", CWT__MK_MARKET},
    {"sni", "SNI (Standar Nasional Indonesia)", CWT__MK_MARKET},
    {"sg_safety", "Singapore SAFETY Mark", CWT__MK_MARKET},
    {"vn_cr", "Vietnam CR mark (hợp quy)", CWT__MK_MARKET},
    {"sds", "Safety data sheet (SDS/MSDS)", CWT__MK_SDS},
    {"warning", "Safety warnings", CWT__MK_WARNING},
    {"instructions", "Instructions for use", CWT__MK_INSTRUCTIONS},
    {"doc", "Declaration of conformity", CWT__MK_DECLARATION},
    {"standard", "Standard reference", CWT__MK_STANDARD},
};

enum { M_CE, M_ROHS, M_REACH, M_FCC, M_UL, M_CCC, M_TISI, M_SIRIM, M_SNI, M_SG, M_VN, M_SDS, M_WARN, M_INSTR, M_DOC };

enum kw_flags {
    KW_CASE = 1 << 0, /* match case exactly */
    KW_WORD = 1 << 1, /* not next to an ASCII letter or digit */
    KW_CTX = 1 << 2,  /* a context word within CTX_WINDOW bytes */
};

struct kw {
    unsigned char mark;
    unsigned char flags;
    const char *lang;
    const char *s;
};

static const struct kw kws[] = {
    {M_CE, KW_CASE | KW_WORD | KW_CTX, "*", "CE"},
    {M_CE, KW_WORD, "en", "conformite europeenne"},
    {M_CE, KW_WORD, "en", "Conformité Européenne"},
    {M_ROHS, KW_WORD, "*", "RoHS"},
    {M_REACH, KW_CASE | KW_WORD | KW_CTX, "*", "REACH"},
    {M_REACH, KW_WORD, "en", "EC 1907/2006"},
    {M_FCC, KW_CASE | KW_WORD | KW_CTX, "*", "FCC"},
    {M_FCC, KW_WORD, "en", "FCC ID"},
    {M_UL, KW_CASE | KW_WORD | KW_CTX, "*", "UL"},
    {M_UL, KW_CASE | KW_WORD, "en", "UL Listed"},
    {M_CCC, KW_CASE | KW_WORD | KW_CTX, "*", "CCC"},
    {M_CCC, 0, "zh", "3C认证"},
    {M_CCC, 0, "zh", "强制性产品认证"},
    {M_CCC, KW_WORD, "en", "China Compulsory Certification"},
    {M_TISI, KW_CASE | KW_WORD, "*", "TISI"},
    {M_TISI, 0, "th", "มอก."},
    {M_TISI, 0, "th", "สมอ."},
    {M_TISI, 0, "th", "ผลิตภัณฑ์อุตสาหกรรม"},
    {M_TISI, KW_WORD, "en", "Thai Industrial Standard"},
    {M_SIRIM, KW_WORD, "*", "SIRIM"},
    {M_SNI, KW_CASE | KW_WORD | KW_CTX, "*", "SNI"},
    {M_SNI, KW_WORD, "id", "Standar Nasional Indonesia"},
    {M_SNI, KW_WORD, "id", "SPPT SNI"},
    {M_SG, KW_CASE | KW_WORD, "en", "SAFETY Mark"},
    {M_SG, KW_WORD, "en", "Singapore Safety Mark"},
    {M_SG, KW_CASE | KW_WORD | KW_CTX, "en", "PSB"},
    {M_VN, KW_WORD, "vi", "hợp quy"},
    {M_VN, KW_WORD, "vi", "dấu CR"},
    {M_VN, KW_CASE | KW_WORD, "en", "CR mark"},
    {M_VN, KW_CASE | KW_WORD, "vi", "QCVN"},
    {M_SDS, KW_CASE | KW_WORD, "*", "SDS"},
    {M_SDS, KW_WORD, "*", "MSDS"},
    {M_SDS, KW_WORD, "en", "safety data sheet"},
    {M_SDS, 0, "zh", "安全技术说明书"},
    {M_SDS, 0, "zh", "安全数据表"},
    {M_SDS, 0, "th", "เอกสารข้อมูลความปลอดภัย"},
    {M_SDS, KW_WORD, "vi", "phiếu an toàn hóa chất"},
    {M_SDS, KW_WORD, "vi", "phiếu dữ liệu an toàn"},
    {M_SDS, KW_WORD, "id", "lembar data keselamatan"},
    {M_SDS, KW_WORD, "ms", "helaian data keselamatan"},
    {M_WARN, KW_WORD, "en", "warning"},
    {M_WARN, KW_WORD, "en", "caution"},
    {M_WARN, 0, "zh", "警告"},
    {M_WARN, 0, "zh", "注意事项"},
    {M_WARN, 0, "th", "คำเตือน"},
    {M_WARN, 0, "th", "ข้อควรระวัง"},
    {M_WARN, KW_WORD, "vi", "cảnh báo"},
    {M_WARN, KW_WORD, "vi", "lưu ý an toàn"},
    {M_WARN, KW_WORD, "id", "peringatan"},
    {M_WARN, KW_WORD, "ms", "amaran"},
    {M_INSTR, KW_WORD, "en", "user manual"},
    {M_INSTR, KW_WORD, "en", "instruction manual"},
    {M_INSTR, KW_WORD, "en", "instructions for use"},
    {M_INSTR, KW_WORD, "en", "operating instructions"},
    {M_INSTR, KW_WORD, "en", "installation guide"},
    {M_INSTR, KW_WORD, "en", "installation instructions"},
    {M_INSTR, 0, "zh", "使用说明"},
    {M_INSTR, 0, "zh", "说明书"},
    {M_INSTR, 0, "zh", "安装指南"},
    {M_INSTR, 0, "th", "คู่มือการใช้งาน"},
    {M_INSTR, 0, "th", "วิธีใช้"},
    {M_INSTR, KW_WORD, "vi", "hướng dẫn sử dụng"},
    {M_INSTR, KW_WORD, "id", "petunjuk penggunaan"},
    {M_INSTR, KW_WORD, "id", "panduan pengguna"},
    {M_INSTR, KW_WORD, "ms", "manual pengguna"},
    {M_INSTR, KW_WORD, "ms", "arahan penggunaan"},
    {M_DOC, KW_WORD, "en", "declaration of conformity"},
    {M_DOC, KW_CASE | KW_WORD, "en", "EU DoC"},
    {M_DOC, 0, "zh", "符合性声明"},
    {M_DOC, KW_WORD, "vi", "bản công bố hợp quy"},
    {M_DOC, KW_WORD, "id", "deklarasi kesesuaian"},
    {M_DOC, KW_WORD, "ms", "perisytiharan pematuhan"},
};

/* Words that make a short acronym a mark when one is within CTX_WINDOW bytes. */
static const char *const ctx_words[] = {
    "mark", "certif", "complian", "comply", "complies", "conform", "approv", "listed", "declar", "directive",
    "standard", "tested", "regulation", "svhc", "1907/2006", "part 15", "2014/35", "2014/30", "2011/65", "logo",
    "label", "requirement", "safety",
    "认证", "認證", "标志", "标识", "符合", "证书", "法规",
    "ได้รับ", "เครื่องหมาย", "มาตรฐาน", "รับรอง",
    "chứng nhận", "dấu", "tiêu chuẩn", "đạt",
    "sertifikat", "bersertifikat", "tanda", "standar", "sesuai", "wajib",
    "pensijilan", "diperakui", "pematuhan", "piawaian",
};
#define CTX_WINDOW 48

/* Prefixes of standard numbers, matched case-sensitively as whole words. */
static const char *const std_prefixes[] = {"EN", "IEC", "GB/T", "GB", "ISO", "ASTM", "TCVN", "QCVN", "SNI", "MS",
                                           "TIS", "มอก.", "UL", "AS/NZS", "JIS", "ANSI"};

const struct cwt__mark *cwt__mark_get(const char *id)
{
    for (size_t i = 0; i < CWT_ARRAY_LEN(marks); i++)
        if (strcmp(marks[i].id, id) == 0)
            return &marks[i];
    return NULL;
}

const struct cwt__mark *cwt__marks_all(size_t *n)
{
    *n = CWT_ARRAY_LEN(marks);
    return marks;
}

const char *cwt__mark_kind_name(enum cwt__mark_kind k)
{
    static const char *const names[CWT__MK_COUNT_] = {"conformity", "market", "sds", "warning",
                                                      "instructions", "declaration", "standard"};
    return k < CWT__MK_COUNT_ ? names[k] : "unknown";
}

static unsigned char fold(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

static bool is_alnum(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool match_at(const char *t, size_t len, size_t i, const char *s, bool ci, size_t *mlen)
{
    size_t k = 0;
    for (; s[k]; k++) {
        if (i + k >= len)
            return false;
        unsigned char a = (unsigned char)t[i + k], b = (unsigned char)s[k];
        if (ci ? fold(a) != fold(b) : a != b)
            return false;
    }
    *mlen = k;
    return true;
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

/* Positions of hay[*pi, len - 32) whose two bytes are the needle's first two in either case, 32 at a
 * time; each checked whole. Returns the first match, else SIZE_MAX with *pi where the blocks stopped
 * (past len - n when no start is left). */
__attribute__((target("avx2"))) static size_t find_ci_avx2(const char *hay, size_t len, const char *needle, size_t n,
                                                           size_t *pi)
{
    unsigned char a = fold((unsigned char)needle[0]), b = fold((unsigned char)needle[1]);
    const __m256i a1 = _mm256_set1_epi8((char)a), b1 = _mm256_set1_epi8((char)b);
    const __m256i a2 = _mm256_set1_epi8((char)(a >= 'a' && a <= 'z' ? a - 'a' + 'A' : a));
    const __m256i b2 = _mm256_set1_epi8((char)(b >= 'a' && b <= 'z' ? b - 'a' + 'A' : b));
    size_t i = *pi, last = len - n; /* the last possible start */
    for (; i + 32 < len && i <= last; i += 32) { /* the block and the byte after it are in the text */
        __m256i v0 = _mm256_loadu_si256((const __m256i *)(const void *)(hay + i));
        __m256i v1 = _mm256_loadu_si256((const __m256i *)(const void *)(hay + i + 1));
        __m256i m = _mm256_and_si256(_mm256_or_si256(_mm256_cmpeq_epi8(v0, a1), _mm256_cmpeq_epi8(v0, a2)),
                                     _mm256_or_si256(_mm256_cmpeq_epi8(v1, b1), _mm256_cmpeq_epi8(v1, b2)));
        for (unsigned mask = (unsigned)_mm256_movemask_epi8(m); mask; mask &= mask - 1) {
            size_t p = i + (unsigned)__builtin_ctz(mask);
            if (p > last) {
                *pi = len; /* no start left */
                return SIZE_MAX;
            }
            size_t k = 2;
            while (k < n && fold((unsigned char)hay[p + k]) == fold((unsigned char)needle[k]))
                k++;
            if (k == n)
                return p;
        }
    }
    *pi = i;
    return SIZE_MAX;
}

#endif

size_t cwt__find_ci(const char *hay, size_t len, const char *needle)
{
    return cwt__find_ci_n(hay, len, needle, strlen(needle));
}

size_t cwt__find_ci_n(const char *hay, size_t len, const char *needle, size_t n)
{
    if (n == 0 || n > len)
        return SIZE_MAX;
    /* candidates are the positions of the first byte in either case, found with memchr (several times
     * faster than a test at every byte); each case's next position is kept, so the scan stays linear */
    unsigned char lo = fold((unsigned char)needle[0]);
    unsigned char up = lo >= 'a' && lo <= 'z' ? (unsigned char)(lo - 'a' + 'A') : lo;
    const char *end = hay + (len - n + 1); /* one past the last possible start */
    if (len < 16) { /* a word or two: a plain walk costs less than the memchr calls */
        for (const char *p = hay; p < end; p++) {
            if (fold((unsigned char)*p) != lo)
                continue;
            size_t k = 1;
            while (k < n && fold((unsigned char)p[k]) == fold((unsigned char)needle[k]))
                k++;
            if (k == n)
                return (size_t)(p - hay);
        }
        return SIZE_MAX;
    }
#if defined(__x86_64__) && defined(__GNUC__)
    if (n >= 2 && len >= 64 && cwt__cpu_avx2()) { /* first two bytes 32 positions at a time */
        size_t i = 0, at = find_ci_avx2(hay, len, needle, n, &i);
        if (at != SIZE_MAX || i > len - n)
            return at;
        size_t r = cwt__find_ci_n(hay + i, len - i, needle, n); /* the last block's bytes as below */
        return r == SIZE_MAX ? r : r + i;
    }
#endif
    const char *pl = memchr(hay, lo, (size_t)(end - hay));
    const char *pu = up != lo ? memchr(hay, up, (size_t)(end - hay)) : NULL;
    while (pl || pu) {
        const char *p = !pu || (pl && pl < pu) ? pl : pu;
        size_t k = 1;
        while (k < n && fold((unsigned char)p[k]) == fold((unsigned char)needle[k]))
            k++;
        if (k == n)
            return (size_t)(p - hay);
        if (p == pl)
            pl = memchr(p + 1, lo, (size_t)(end - p - 1));
        else
            pu = memchr(p + 1, up, (size_t)(end - p - 1));
    }
    return SIZE_MAX;
}

static bool word_ok(const char *t, size_t len, size_t i, size_t n)
{
    if (is_alnum((unsigned char)t[i]) && i > 0 && is_alnum((unsigned char)t[i - 1]))
        return false;
    if (is_alnum((unsigned char)t[i + n - 1]) && i + n < len && is_alnum((unsigned char)t[i + n]))
        return false;
    return true;
}

/* Context words found so far by a forward scan: every position is tested once, so checking the
 * context of every candidate keeps the scan linear ("CE CE CE ..." is not quadratic). */
struct ctxscan {
    size_t pos;      /* positions below this were tested */
    size_t last;     /* start of the last context word found, SIZE_MAX if none */
    unsigned short start[257];
    unsigned short order[CWT_ARRAY_LEN(ctx_words)];
};

static void ctx_init(struct ctxscan *c)
{
    memset(c, 0, sizeof *c);
    c->last = SIZE_MAX;
    for (size_t k = 0; k < CWT_ARRAY_LEN(ctx_words); k++)
        c->start[fold((unsigned char)ctx_words[k][0]) + 1]++;
    for (size_t b = 1; b < 257; b++)
        c->start[b] = (unsigned short)(c->start[b] + c->start[b - 1]);
    unsigned short fill[256];
    memcpy(fill, c->start, sizeof fill);
    for (size_t k = 0; k < CWT_ARRAY_LEN(ctx_words); k++)
        c->order[fill[fold((unsigned char)ctx_words[k][0])]++] = (unsigned short)k;
}

/* A context word starts within CTX_WINDOW bytes before t[i] or before the end of the window after
 * the keyword t[i, i+n). */
static bool has_context(struct ctxscan *c, const char *t, size_t len, size_t i, size_t n)
{
    size_t hi = CWT_MIN(len, i + n + CTX_WINDOW);
    for (; c->pos < hi; c->pos++) {
        unsigned char b = fold((unsigned char)t[c->pos]);
        for (size_t o = c->start[b]; o < c->start[b + 1]; o++) {
            size_t m;
            if (match_at(t, len, c->pos, ctx_words[c->order[o]], true, &m)) {
                c->last = c->pos;
                break;
            }
        }
    }
    return c->last != SIZE_MAX && c->last + CTX_WINDOW >= i && (c->last < i || c->last >= i + n);
}

/* A standard number at t[i]: prefix, optional blank or '-', digit groups with at least three digits. */
static size_t standard_at(const char *t, size_t len, size_t i)
{
    for (size_t k = 0; k < CWT_ARRAY_LEN(std_prefixes); k++) {
        size_t n;
        if (!match_at(t, len, i, std_prefixes[k], false, &n))
            continue;
        if (i > 0 && is_alnum((unsigned char)t[i - 1]))
            return 0;
        size_t j = i + n;
        if (j < len && (t[j] == ' ' || t[j] == '-'))
            j++;
        size_t d = j, digits = 0;
        while (d < len && t[d] >= '0' && t[d] <= '9')
            d++;
        if (d == j)
            continue;
        digits = d - j;
        while (d + 1 < len && (t[d] == '.' || t[d] == '-' || t[d] == ':') && t[d + 1] >= '0' && t[d + 1] <= '9') {
            d++;
            while (d < len && t[d] >= '0' && t[d] <= '9') {
                d++;
                digits++;
            }
        }
        if (digits < 3)
            continue;
        return d - i;
    }
    return 0;
}

/* The first-byte index of the keyword table, the first bytes of the standard prefixes (matched
 * case-sensitively) and the pairs of first bytes of both (a scan skips the positions no keyword or
 * prefix can start at). Built once. */
static unsigned short kw_order[CWT_ARRAY_LEN(kws)];
static unsigned short kw_start[257];
static bool std_first[256];
static struct cwt__bigrams kw_pairs;
/* The finer test of the positions the pairs let through (most English text starts a folded pair of
 * some keyword: "in", "de", "co", "en"): the exact pairs of the keywords matched with case and of the
 * standard prefixes, the folded quads of the others (struct cwt__starts). */
static struct cwt__starts kw_starts;
static pthread_once_t kw_once = PTHREAD_ONCE_INIT;

static void kw_build(void)
{
    for (size_t k = 0; k < CWT_ARRAY_LEN(kws); k++) {
        kw_start[fold((unsigned char)kws[k].s[0]) + 1]++;
        cwt__bigrams_add(&kw_pairs, kws[k].s);
        cwt__starts_add(&kw_starts, kws[k].s, kws[k].flags & KW_CASE);
    }
    for (size_t c = 1; c < 257; c++)
        kw_start[c] = (unsigned short)(kw_start[c] + kw_start[c - 1]);
    unsigned short fill[256];
    memcpy(fill, kw_start, sizeof fill);
    for (size_t k = 0; k < CWT_ARRAY_LEN(kws); k++)
        kw_order[fill[fold((unsigned char)kws[k].s[0])]++] = (unsigned short)k;
    for (size_t k = 0; k < CWT_ARRAY_LEN(std_prefixes); k++) {
        std_first[(unsigned char)std_prefixes[k][0]] = true;
        cwt__bigrams_add(&kw_pairs, std_prefixes[k]);
        cwt__starts_add(&kw_starts, std_prefixes[k], true);
    }
}

static size_t marks_scan(const char *text, size_t len, size_t max,
                         bool (*fn)(const struct cwt__mark_hit *hit, void *ud), void *ud, bool filtered)
{
    pthread_once(&kw_once, kw_build);
    const unsigned short *start = kw_start, *order = kw_order;
    size_t found = 0;
    size_t last_end[CWT_ARRAY_LEN(marks)] = {0};
    struct ctxscan ctx;
    ctx_init(&ctx);
    struct cwt__bigrams_cur cur; /* the candidates of a block read once */
    cwt__bigrams_cur_init(&cur, &kw_pairs, text, len);
    for (size_t i = 0; i < len && found < max; i++) {
        if (filtered && ((i = cwt__bigrams_cur_next(&cur, i)) >= len))
            break;
        if (filtered && !cwt__starts_at(&kw_starts, text, len, i))
            continue;
        unsigned char c = fold((unsigned char)text[i]);
        struct cwt__mark_hit hit = {0};
        size_t best = 0;
        for (size_t o = start[c]; o < start[c + 1]; o++) {
            const struct kw *k = &kws[order[o]];
            size_t n;
            if (!match_at(text, len, i, k->s, !(k->flags & KW_CASE), &n) || n <= best)
                continue;
            if ((k->flags & KW_WORD) && !word_ok(text, len, i, n))
                continue;
            if ((k->flags & KW_CTX) && !has_context(&ctx, text, len, i, n))
                continue;
            best = n;
            hit.mark = &marks[k->mark];
            hit.lang = k->lang;
        }
        size_t std_n = std_first[(unsigned char)text[i]] ? standard_at(text, len, i) : 0;
        if (!best && !std_n)
            continue;
        if (best) {
            size_t mi = (size_t)(hit.mark - marks);
            if (last_end[mi] <= i) { /* else it overlaps an earlier hit of the same mark */
                hit.off = i;
                hit.len = best;
                last_end[mi] = i + best;
                found++;
                if (fn && !fn(&hit, ud))
                    break;
            }
        }
        if (std_n && found < max) { /* "มอก. 1195-2561" is a mark and a standard number */
            struct cwt__mark_hit sh = {cwt__mark_get("standard"), i, std_n, "*"};
            found++;
            if (fn && !fn(&sh, ud))
                break;
        }
        i += CWT_MAX(best, std_n) - 1;
    }
    return found;
}

size_t cwt__marks_scan(const char *text, size_t len, size_t max,
                       bool (*fn)(const struct cwt__mark_hit *hit, void *ud), void *ud)
{
    return marks_scan(text, len, max, fn, ud, true);
}

size_t cwt__marks_scan_every(const char *text, size_t len, size_t max,
                             bool (*fn)(const struct cwt__mark_hit *hit, void *ud), void *ud)
{
    return marks_scan(text, len, max, fn, ud, false);
}
