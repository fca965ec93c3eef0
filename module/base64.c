/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * base64.c - RFC 4648 base64, strict (base64.h)
 *
 *   Written here rather than taken from OpenSSL (EVP_DecodeBlock): the
 *   daemon client links no OpenSSL, and EVP_DecodeBlock accepts white
 *   space and counts padding as data, which each caller then had to undo.
 */
#include "base64.h"

#include <limits.h>
#include <stdint.h>

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t dh_base64_encode(const unsigned char *in, size_t len, char *out, size_t outlen)
{
    size_t i, o = 0;

    if (len > (SIZE_MAX - 3) / 4 * 3 || outlen < DH_BASE64_LEN(len) + 1)
        return 0;
    for (i = 0; i + 2 < len; i += 3) {
        unsigned long v = (unsigned long) in[i] << 16 | (unsigned long) in[i + 1] << 8 | in[i + 2];

        out[o++] = alphabet[v >> 18];
        out[o++] = alphabet[(v >> 12) & 63];
        out[o++] = alphabet[(v >> 6) & 63];
        out[o++] = alphabet[v & 63];
    }
    if (i < len) {
        unsigned long v = (unsigned long) in[i] << 16 | (i + 1 < len ? (unsigned long) in[i + 1] << 8 : 0);

        out[o++] = alphabet[v >> 18];
        out[o++] = alphabet[(v >> 12) & 63];
        out[o++] = i + 1 < len ? alphabet[(v >> 6) & 63] : '=';
        out[o++] = '=';
    }
    out[o] = '\0';
    return o;
}

/* value - the 6 bits of c, or -1 */
static int value(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    return c == '+' ? 62 : c == '/' ? 63 : -1;
}

long dh_base64_decode(const char *in, size_t len, unsigned char *out, size_t outlen)
{
    size_t i, o = 0, pad = 0;

    if (len % 4 != 0 || len / 4 * 3 > (size_t) LONG_MAX)
        return -1;
    if (len > 0 && in[len - 1] == '=')
        pad = len > 1 && in[len - 2] == '=' ? 2 : 1;
    if (len / 4 * 3 - pad > outlen)
        return -1;
    for (i = 0; i < len; i += 4) {
        int a = value(in[i]), b = value(in[i + 1]), c, d;
        int last = i + 4 == len;
        unsigned long v;

        c = last && pad == 2 ? 0 : value(in[i + 2]);
        d = last && pad >= 1 ? 0 : value(in[i + 3]);
        if (a < 0 || b < 0 || c < 0 || d < 0)
            return -1;
        v = (unsigned long) a << 18 | (unsigned long) b << 12 | (unsigned long) c << 6 | (unsigned long) d;
        /* the bits a padded group does not carry must be zero */
        if (last && pad && (v & (pad == 2 ? 0xffffUL : 0xffUL)) != 0)
            return -1;
        out[o++] = (unsigned char) (v >> 16);
        if (!(last && pad == 2))
            out[o++] = (unsigned char) (v >> 8);
        if (!(last && pad))
            out[o++] = (unsigned char) v;
    }
    return (long) o;
}
