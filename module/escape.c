/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * escape.c - control characters made visible (see escape.h)
 */
#include "escape.h"

#include <stdio.h>
#include <string.h>

size_t dh_escape_controls(const char *in, char *out, size_t outlen)
{
    size_t n = 0;

    if (outlen == 0)
        return 0;
    for (; *in != '\0'; in++) {
        unsigned char c = (unsigned char) *in;
        char esc[5];
        size_t len;

        if (c == '\r')
            memcpy(esc, "\\r", len = 2);
        else if (c == '\n')
            memcpy(esc, "\\n", len = 2);
        else if (c == '\t')
            memcpy(esc, "\\t", len = 2);
        else if (c < 0x20 || c == 0x7f)
            len = (size_t) snprintf(esc, sizeof(esc), "\\x%02x", c);
        else
            esc[0] = (char) c, len = 1;
        if (n + len >= outlen)
            break;
        memcpy(out + n, esc, len);
        n += len;
    }
    out[n] = '\0';
    return n;
}
