/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * json_out.h - a JSON string on stdout (the commands' own output)
 */
#ifndef DANEHOP_CLI_JSON_H
#define DANEHOP_CLI_JSON_H

#include <stdio.h>

/* json_print_string - s as a JSON string, or null */
static inline void json_print_string(const char *s)
{
    if (s == NULL) {
        fputs("null", stdout);
        return;
    }
    putchar('"');
    for (; *s; s++) {
        unsigned char c = (unsigned char) *s;

        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c < 0x20 || c >= 0x7f)
            printf("\\u%04x", c);
        else
            putchar(c);
    }
    putchar('"');
}

#endif
