/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * arena.c - one allocation pool per decision
 *
 * Chunks of at least DH_ARENA_CHUNK bytes are chained; allocations are
 * bump-pointer. Nothing is freed individually. An allocation failure is
 * sticky (dh_arena_exhausted) so the engine can turn it into "defer".
 */
#include "arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DH_ARENA_CHUNK 4096
#define DH_ARENA_ALIGN 16

struct chunk {
    struct chunk *next;
    size_t size;
    size_t used;
    _Alignas(DH_ARENA_ALIGN) unsigned char data[];
};

struct dh_arena {
    struct chunk *head;
    size_t total;
    size_t limit;
    int exhausted;
};

dh_arena *dh_arena_new(size_t limit)
{
    dh_arena *a = calloc(1, sizeof(*a));

    if (a != NULL)
        a->limit = limit;
    return a;
}

void *dh_arena_alloc(dh_arena *a, size_t size)
{
    struct chunk *c = a->head;
    size_t need = (size + DH_ARENA_ALIGN - 1) & ~(size_t) (DH_ARENA_ALIGN - 1);
    void *p;

    if (a->exhausted || size == 0 || need < size)
        goto fail;
    if (c == NULL || c->size - c->used < need) {
        size_t csize = need > DH_ARENA_CHUNK ? need : DH_ARENA_CHUNK;

        if (a->total > a->limit || csize > a->limit - a->total)
            goto fail;
        c = malloc(sizeof(*c) + csize);
        if (c == NULL)
            goto fail;
        c->size = csize;
        c->used = 0;
        c->next = a->head;
        a->head = c;
        a->total += csize;
    }
    p = c->data + c->used;
    c->used += need;
    memset(p, 0, size);
    return p;
fail:
    a->exhausted = 1;
    return NULL;
}

void *dh_arena_memdup(dh_arena *a, const void *p, size_t len)
{
    void *q = dh_arena_alloc(a, len ? len : 1);

    if (q != NULL && len)
        memcpy(q, p, len);
    return q;
}

char *dh_arena_strdup(dh_arena *a, const char *s)
{
    return s == NULL ? NULL : dh_arena_memdup(a, s, strlen(s) + 1);
}

char *dh_arena_vprintf(dh_arena *a, const char *fmt, va_list ap)
{
    va_list aq;
    int n;
    char *s;

    va_copy(aq, ap);
    n = vsnprintf(NULL, 0, fmt, aq);
    va_end(aq);
    if (n < 0) {
        a->exhausted = 1;
        return NULL;
    }
    s = dh_arena_alloc(a, (size_t) n + 1);
    if (s != NULL)
        vsnprintf(s, (size_t) n + 1, fmt, ap);
    return s;
}

char *dh_arena_printf(dh_arena *a, const char *fmt, ...)
{
    va_list ap;
    char *s;

    va_start(ap, fmt);
    s = dh_arena_vprintf(a, fmt, ap);
    va_end(ap);
    return s;
}

int dh_arena_exhausted(const dh_arena *a) { return a->exhausted; }

dh_arena *dh_arena_free(dh_arena *a)
{
    struct chunk *c, *next;

    if (a == NULL)
        return NULL;
    for (c = a->head; c != NULL; c = next) {
        next = c->next;
        free(c);
    }
    free(a);
    return NULL;
}
