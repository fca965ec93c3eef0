/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cache.c - recent decisions of a context
 *
 * Open addressing would be faster, but the table is small and probed once
 * per decision; a linear scan over at most DH_CACHE_MAX entries keyed by a
 * hash keeps the code obvious. Eviction takes an expired entry, else the
 * one that expires first.
 */
#include "cache.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decision.h"

struct entry {
    uint64_t hash;
    char *key;
    danehop_decision *d;
    long long expires;
};

struct dh_cache {
    size_t max;
    size_t n;
    struct entry *e;
};

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 1469598103934665603ULL;

    while (*s)
        h = (h ^ (unsigned char) *s++) * 1099511628211ULL;
    return h;
}

dh_cache *dh_cache_new(size_t max)
{
    dh_cache *c = calloc(1, sizeof(*c));

    if (c == NULL)
        return NULL;
    if (max > DH_CACHE_MAX)
        max = DH_CACHE_MAX;
    c->max = max;
    if (max && (c->e = calloc(max, sizeof(*c->e))) == NULL) {
        free(c);
        return NULL;
    }
    return c;
}

static void drop(struct entry *e)
{
    free(e->key);
    danehop_decision_free(e->d);
    memset(e, 0, sizeof(*e));
}

danehop_decision *dh_cache_get(dh_cache *c, const char *key, long long now_ms)
{
    uint64_t h = fnv1a(key);
    size_t i;

    for (i = 0; i < c->n; i++) {
        struct entry *e = &c->e[i];

        if (e->hash != h || strcmp(e->key, key) != 0)
            continue;
        if (e->expires <= now_ms) {
            drop(e);
            c->e[i] = c->e[--c->n];
            return NULL;
        }
        return dh_decision_ref(e->d);
    }
    return NULL;
}

void dh_cache_put(dh_cache *c, const char *key, danehop_decision *d, long long expires_ms)
{
    struct entry *e = NULL;
    size_t i;
    char *k;

    if (c->max == 0 || (k = strdup(key)) == NULL)
        return;
    if (c->n < c->max) {
        e = &c->e[c->n++];
    } else {
        e = &c->e[0];
        for (i = 1; i < c->n; i++)
            if (c->e[i].expires < e->expires)
                e = &c->e[i];
        drop(e);
    }
    e->hash = fnv1a(key);
    e->key = k;
    e->d = dh_decision_ref(d);
    e->expires = expires_ms;
}

void dh_cache_clear(dh_cache *c)
{
    size_t i;

    if (c == NULL)
        return;
    for (i = 0; i < c->n; i++)
        drop(&c->e[i]);
    c->n = 0;
}

dh_cache *dh_cache_free(dh_cache *c)
{
    if (c != NULL) {
        dh_cache_clear(c);
        free(c->e);
        free(c);
    }
    return NULL;
}
