/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tlsa_text.c - a TLSA record in presentation form ("U S M HEX")
 *
 * DESCRIPTION
 *   Its own file so that the fuzz target (tests/fuzz/fuzz_tlsa_text.c)
 *   exercises exactly what "danehop verify --tlsa" runs.
 */
#include "tlsa_text.h"

#include <stdlib.h>
#include <string.h>

static int hexval(int c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* octet - one decimal field 0..255, leading blanks allowed; NULL when not */
static const char *octet(const char *p, uint8_t *out)
{
    unsigned long v;
    char *end;

    v = strtoul(p, &end, 10);
    if (end == p || v > 255)
        return NULL;
    *out = (uint8_t) v;
    return end;
}

int tlsa_text_parse(const char *text, danehop_tlsa_rr *r, unsigned char **data)
{
    const char *p = text;
    unsigned char *buf;
    size_t n = 0;

    *data = NULL;
    if ((p = octet(p, &r->usage)) == NULL || (p = octet(p, &r->selector)) == NULL ||
        (p = octet(p, &r->mtype)) == NULL)
        return -1;
    if ((buf = malloc(strlen(p) / 2 + 1)) == NULL)
        return -1;
    while (*p) {
        int hi, lo;

        if (*p == ' ' || *p == ':' || *p == '\t') {
            p++;
            continue;
        }
        if ((hi = hexval(p[0])) < 0 || (lo = hexval(p[1])) < 0 || n >= TLSA_TEXT_MAX_DATA) {
            free(buf);
            return -1;
        }
        buf[n++] = (unsigned char) (hi << 4 | lo);
        p += 2;
    }
    if (n == 0) {
        free(buf);
        return -1;
    }
    r->data = buf;
    r->len = n;
    *data = buf;
    return 0;
}
