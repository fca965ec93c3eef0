/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * buf.c - a bounded, growable text buffer for rendering
 */
#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void dh_buf_init(dh_buf *b, size_t limit)
{
    memset(b, 0, sizeof(*b));
    b->limit = limit;
}

static int reserve(dh_buf *b, size_t n)
{
    size_t want, cap;
    char *p;

    if (b->failed)
        return 0;
    if (n > b->limit || b->len > b->limit - n) {
        b->failed = 1;
        return 0;
    }
    want = b->len + n + 1;
    if (want <= b->cap)
        return 1;
    cap = b->cap ? b->cap : 256;
    while (cap < want)
        cap *= 2;
    p = realloc(b->data, cap);
    if (p == NULL) {
        b->failed = 1;
        return 0;
    }
    b->data = p;
    b->cap = cap;
    return 1;
}

void dh_buf_addn(dh_buf *b, const char *s, size_t n)
{
    if (!reserve(b, n))
        return;
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void dh_buf_add(dh_buf *b, const char *s) { dh_buf_addn(b, s, strlen(s)); }

void dh_buf_printf(dh_buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || !reserve(b, (size_t) n)) {
        b->failed = 1;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t) n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t) n;
}

void dh_buf_json_string(dh_buf *b, const char *s)
{
    const unsigned char *p;

    if (s == NULL) {
        dh_buf_add(b, "null");
        return;
    }
    dh_buf_add(b, "\"");
    for (p = (const unsigned char *) s; *p; p++) {
        switch (*p) {
        case '"': dh_buf_add(b, "\\\""); break;
        case '\\': dh_buf_add(b, "\\\\"); break;
        case '\n': dh_buf_add(b, "\\n"); break;
        case '\t': dh_buf_add(b, "\\t"); break;
        default:
            /* names from DNS are escaped to printable ASCII already;
             * anything else is shown, never passed through raw */
            if (*p < 0x20 || *p >= 0x7f)
                dh_buf_printf(b, "\\u%04x", *p);
            else
                dh_buf_addn(b, (const char *) p, 1);
        }
    }
    dh_buf_add(b, "\"");
}

char *dh_buf_finish(dh_buf *b)
{
    char *s;

    if (b->failed || !reserve(b, 0)) {
        dh_buf_discard(b);
        return NULL;
    }
    s = b->data;
    b->data = NULL;
    b->len = b->cap = 0;
    return s;
}

void dh_buf_discard(dh_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}
