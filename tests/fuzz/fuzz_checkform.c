/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_checkform.c - hostile chain checks (what danehopd's verify-v1 map
 * reads from any client) and hostile verdicts (what the daemon client
 * reads back) through their parsers, and base64 through its decoder
 *
 * A check or verdict that parses is rendered, parsed and rendered again:
 * the two renderings must be the same bytes (nothing is lost or shifted
 * on the way, the certificates included); base64 that decodes must encode
 * to the same text (one encoding each).
 */
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "decform.h"
#include "decision.h"
#include "fuzz.h"

const char fuzz_target[] = "checkform";
const unsigned long fuzz_mutations = 3000;

/* rendered - a check as text (caller frees), or NULL */
static char *rendered_check(const danehop_decision *holder, const unsigned char *const *der,
                            const size_t *len, size_t n)
{
    dh_buf b;

    dh_buf_init(&b, DH_CHECK_MAX + 1);
    if (dh_decform_render_check(danehop_decision_host(holder, 0), der, len, n, &b) != 0) {
        dh_buf_discard(&b);
        return NULL;
    }
    return dh_buf_finish(&b);
}

static void check(const char *data, size_t size)
{
    const unsigned char *der[DH_CHECK_MAX_CERTS], *der2[DH_CHECK_MAX_CERTS];
    size_t len[DH_CHECK_MAX_CERTS], len2[DH_CHECK_MAX_CERTS], n, n2;
    danehop_decision *holder = NULL, *again = NULL;
    char err[256], *text, *text2;

    if (dh_decform_parse_check(data, size, &holder, der, len, &n, err, sizeof(err)) != 0) {
        if (holder != NULL || n != 0 || err[0] == '\0')
            abort();
        return;
    }
    if ((text = rendered_check(holder, der, len, n)) == NULL ||
        dh_decform_parse_check(text, strlen(text), &again, der2, len2, &n2, err, sizeof(err)) != 0 ||
        (text2 = rendered_check(again, der2, len2, n2)) == NULL || strcmp(text, text2) != 0)
        abort();
    danehop_decision_free(again);
    danehop_decision_free(holder);
    free(text);
    free(text2);
}

static char *rendered_verdict(const danehop_verdict *v)
{
    dh_buf b;

    dh_buf_init(&b, DH_DECFORM_MAX);
    dh_decform_render_verdict(v, &b);
    return dh_buf_finish(&b);
}

static void verdict(const char *data, size_t size)
{
    danehop_verdict *v = NULL, *again = NULL;
    char err[256], *text, *text2;

    if (dh_decform_parse_verdict(data, size, &v, err, sizeof(err)) != 0) {
        if (v != NULL || err[0] == '\0')
            abort();
        return;
    }
    if ((text = rendered_verdict(v)) == NULL ||
        dh_decform_parse_verdict(text, strlen(text), &again, err, sizeof(err)) ||
        (text2 = rendered_verdict(again)) == NULL || strcmp(text, text2) != 0)
        abort();
    danehop_verdict_free(again);
    danehop_verdict_free(v);
    free(text);
    free(text2);
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
