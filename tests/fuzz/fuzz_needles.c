/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target of the one-pass needle search (src/lib/signals/needles.c), differential: every
 * answer must be one strstr() per needle's. The input is up to eight needles, one per line, a blank
 * line, then the text (NULs kept: the text ends at the first); sig_service's needles are tried on
 * the text too.
 */
#include <stdint.h>
#include <stdlib.h>

#include "signals/needles.h"

static void check(const char *const *words, const char *s, size_t len)
{
    struct cwt__needles nd;
    if (!cwt__needles_init(&nd, words))
        return;
    if (cwt__needles_in(&nd, s, len) != cwt__needles_in_strstr(&nd, s))
        abort();
}

static const char *const raw[] = {"embed.tawk.to", "static.zdassets.com", "widget.intercom.io", "cdn.livechatinc.com",
                                  "js.hs-scripts.com", "client.crisp.chat", "wchat.freshchat.com", "code.tidio.co",
                                  "WeChat ID", "微信", NULL};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char store[8][33];
    const char *words[9];
    size_t nw = 0, i = 0;
    while (nw < 8 && i < size && data[i] != '\n') { /* needles up to a blank line */
        size_t n = 0;
        while (i < size && data[i] != '\n') {
            if (n < 32 && data[i])
                store[nw][n++] = (char)data[i];
            i++;
        }
        store[nw][n] = '\0';
        words[nw] = store[nw];
        nw += n > 0;
        i += i < size;
    }
    words[nw] = NULL;
    i += i < size;
    size_t len = size - i;
    char *text = malloc(len + 1);
    if (!text)
        return 0;
    memcpy(text, data + i, len);
    text[len] = '\0';
    check(words, text, len);
    check(raw, text, len);
    free(text);
    return 0;
}
