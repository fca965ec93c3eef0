/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_checkform.c - hostile chain checks (what danehopd's verify-v1 map
 * reads from any client) and hostile verdicts (what the daemon client
 * reads back) through their parsers, and base64 through its decoder
 *
 * A check or verdict that parses is rendered again and must parse again;
 * base64 that decodes must encode to the same text (one encoding each).
 */
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "decform.h"
#include "decision.h"
#include "fuzz.h"

const char fuzz_target[] = "checkform";
const unsigned long fuzz_mutations = 3000;

static void check(const char *data, size_t size)
{
    const unsigned char *der[DH_CHECK_MAX_CERTS], *der2[DH_CHECK_MAX_CERTS];
    size_t len[DH_CHECK_MAX_CERTS], len2[DH_CHECK_MAX_CERTS], n, n2, i;
    danehop_decision *holder = NULL, *again = NULL;
    char err[256];
    dh_buf b;
    char *text;

    if (dh_decform_parse_check(data, size, &holder, der, len, &n, err, sizeof(err)) != 0) {
        if (holder != NULL || n != 0 || err[0] == '\0')
            abort();
        return;
    }
    dh_buf_init(&b, DH_CHECK_MAX + 1);
    if (dh_decform_render_check(danehop_decision_host(holder, 0), der, len, n, &b) != 0 ||
        (text = dh_buf_finish(&b)) == NULL)
        abort();
    if (dh_decform_parse_check(text, strlen(text), &again, der2, len2, &n2, err, sizeof(err)) != 0 || n2 != n)
        abort();
    for (i = 0; i < n; i++)
        if (len2[i] != len[i] || memcmp(der2[i], der[i], len[i]) != 0)
            abort();
    danehop_decision_free(again);
    danehop_decision_free(holder);
    free(text);
}

static void verdict(const char *data, size_t size)
{
    danehop_verdict *v = NULL, *again = NULL;
    char err[256];
    dh_buf b;
    char *text;

    if (dh_decform_parse_verdict(data, size, &v, err, sizeof(err)) != 0) {
        if (v != NULL || err[0] == '\0')
            abort();
        return;
    }
    dh_buf_init(&b, DH_DECFORM_MAX);
    dh_decform_render_verdict(v, &b);
    if ((text = dh_buf_finish(&b)) == NULL ||
        dh_decform_parse_verdict(text, strlen(text), &again, err, sizeof(err)))
        abort();
    danehop_verdict_free(again);
    danehop_verdict_free(v);
    free(text);
}

static void base64(const char *data, size_t size)
{
    unsigned char *out = malloc(size / 4 * 3 + 1);
    char *enc = malloc(size + 8);
    long n = out ? dh_base64_decode(data, size, out, size / 4 * 3) : -1;

    if (n >= 0 && (dh_base64_encode(out, (size_t) n, enc, size + 8) != size || memcmp(enc, data, size) != 0))
        abort();
    free(out);
    free(enc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check((const char *) data, size);
    verdict((const char *) data, size);
    base64((const char *) data, size);
    return 0;
}
