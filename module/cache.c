/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cache.c - recent decisions of a context
 *
 * DESCRIPTION
 *   A hash table (chained, a power of two buckets, at least as many as
 *   entries) finds a decision by its key in constant time, so the cache
 *   can be sized for a relay (DH_CACHE_DEFAULT) without a lookup scanning
 *   it.
 *
 *   Eviction is a segmented LRU, so that traffic of unique names cannot
 *   flush the names a relay sends to all day: a new decision enters the
 *   probation segment; a decision that is asked for again moves to the
 *   protected segment (at most four fifths of the cache, its least recent
 *   entry demoted back to probation when full). A full cache evicts an
 *   expired entry at the cold end of either segment if there is one, else
 *   the least recently used entry of probation, and only when probation
 *   is empty one of the protected. A scan of a million names that are
 *   each asked once churns probation only.
 */
#include "cache.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decision.h"

enum { PROBATION = 0, PROTECTED = 1 };

struct entry {
    struct entry *hnext;       /* hash chain */
    struct entry *prev, *next; /* its segment, most recent first */
    uint64_t hash;
    char *key;
    danehop_decision *d;
    long long expires;
    int seg;
};

struct segment {
    struct entry *head, *tail;
    size_t n;
};

struct dh_cache {
    size_t max, maxprot;
    size_t n;
    size_t nbuckets; /* a power of two */
    struct entry **buckets;
    struct segment seg[2];
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
    c->maxprot = max * 4 / 5;
    for (c->nbuckets = 16; c->nbuckets < max; c->nbuckets *= 2)
        ;
    if (max && (c->buckets = calloc(c->nbuckets, sizeof(*c->buckets))) == NULL) {
        free(c);
        return NULL;
    }
    return c;
}

/* ---- the segments ------------------------------------------------------ */

static void seg_unlink(dh_cache *c, struct entry *e)
{
    struct segment *s = &c->seg[e->seg];

    if (e->prev)
        e->prev->next = e->next;
    else
        s->head = e->next;
    if (e->next)
        e->next->prev = e->prev;
    else
        s->tail = e->prev;
    e->prev = e->next = NULL;
    s->n--;
}

static void seg_push(dh_cache *c, struct entry *e, int seg)
{
    struct segment *s = &c->seg[seg];

    e->seg = seg;
    e->prev = NULL;
    e->next = s->head;
    if (s->head)
        s->head->prev = e;
    else
        s->tail = e;
    s->head = e;
    s->n++;
}

/* promote - asked for again: to the front of protected, demoting its coldest if full */
static void promote(dh_cache *c, struct entry *e)
{
    seg_unlink(c, e);
    if (c->maxprot == 0) {
        seg_push(c, e, PROBATION);
        return;
    }
    if (e->seg != PROTECTED && c->seg[PROTECTED].n >= c->maxprot) {
        struct entry *cold = c->seg[PROTECTED].tail;

        seg_unlink(c, cold);
        seg_push(c, cold, PROBATION);
    }
    seg_push(c, e, PROTECTED);
}

/* ---- the table ---------------------------------------------------------- */

static struct entry **slot(dh_cache *c, uint64_t h, const char *key)
{
    struct entry **pp = &c->buckets[h & (c->nbuckets - 1)];

    while (*pp != NULL && ((*pp)->hash != h || strcmp((*pp)->key, key) != 0))
        pp = &(*pp)->hnext;
    return pp;
}

/* drop - out of the table and its segment, reference released */
static void drop(dh_cache *c, struct entry *e)
{
    struct entry **pp = slot(c, e->hash, e->key);

    *pp = e->hnext;
    seg_unlink(c, e);
    free(e->key);
    danehop_decision_free(e->d);
    free(e);
    c->n--;
}

danehop_decision *dh_cache_get(dh_cache *c, const char *key, long long now_ms)
{
    struct entry *e;

    if (c->max == 0 || (e = *slot(c, fnv1a(key), key)) == NULL)
        return NULL;
    if (e->expires <= now_ms) {
        drop(c, e);
        return NULL;
    }
    promote(c, e);
    return dh_decision_ref(e->d);
}

/* victim - an expired entry at a cold end, else probation's coldest, else protected's */
static struct entry *victim(dh_cache *c, long long now_ms)
{
    struct entry *p = c->seg[PROBATION].tail, *q = c->seg[PROTECTED].tail;

    if (p != NULL && p->expires <= now_ms)
        return p;
    if (q != NULL && q->expires <= now_ms)
        return q;
    return p != NULL ? p : q;
}

void dh_cache_put(dh_cache *c, const char *key, danehop_decision *d, long long expires_ms)
{
    uint64_t h = fnv1a(key);
    struct entry *e, **pp;

    if (c->max == 0)
        return;
    if ((e = *slot(c, h, key)) != NULL) {
        /* decided twice at once: keep the newer */
        danehop_decision_free(e->d);
        e->d = dh_decision_ref(d);
        e->expires = expires_ms;
        return;
    }
    if ((e = calloc(1, sizeof(*e))) == NULL || (e->key = strdup(key)) == NULL) {
        free(e);
        return;
    }
    /* put has no clock, but an entry lives DH_CACHE_MAX_TTL at most: now is no earlier
     * than expires_ms minus that, and what expired before it certainly has */
    if (c->n >= c->max)
        drop(c, victim(c, expires_ms - (long long) DH_CACHE_MAX_TTL * 1000));
    e->hash = h;
    e->d = dh_decision_ref(d);
    e->expires = expires_ms;
    pp = &c->buckets[h & (c->nbuckets - 1)];
    e->hnext = *pp;
    *pp = e;
    seg_push(c, e, PROBATION);
    c->n++;
}

void dh_cache_clear(dh_cache *c)
{
    if (c == NULL)
        return;
    while (c->seg[PROBATION].head)
        drop(c, c->seg[PROBATION].head);
    while (c->seg[PROTECTED].head)
        drop(c, c->seg[PROTECTED].head);
}

dh_cache *dh_cache_free(dh_cache *c)
{
    if (c != NULL) {
        dh_cache_clear(c);
        free(c->buckets);
        free(c);
    }
    return NULL;
}
