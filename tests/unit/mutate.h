/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mutate.h - one edit of a good text, for tests that show a parser refuses
 * every bad variant of what it accepts
 */
#ifndef DANEHOP_MUTATE_H
#define DANEHOP_MUTATE_H

#include <stdlib.h>
#include <string.h>

/* replace - text with the first "from" replaced by "to" (caller frees), or NULL */
static inline char *replace(const char *text, const char *from, const char *to)
{
    const char *p = strstr(text, from);
    char *s;

    if (p == NULL || (s = malloc(strlen(text) + strlen(to) + 1)) == NULL)
        return NULL;
    memcpy(s, text, (size_t) (p - text));
    strcpy(s + (p - text), to);
    strcat(s, p + strlen(from));
    return s;
}

#endif
