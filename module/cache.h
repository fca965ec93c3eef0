/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cache.h - recent decisions of a context, reused until their DNS data expires
 *
 * A decision is immutable, so a repeated question (same domain, host, port,
 * policy, flags) can be answered with the same object: the cache holds one
 * reference, every caller its own (danehop_decision_free drops one). An
 * entry lives for the smallest TTL of the answers it was built from, at most
 * DH_CACHE_MAX_TTL seconds; decisions to defer live DH_CACHE_DEFER_TTL at
 * most, so a passing failure is retried soon. Changing a context's settings
 * empties its cache.
 *
 * Sized for a relay: a few thousand destinations in five minutes. Entries
 * asked for twice are protected from traffic of names asked for once
 * (cache.c: a segmented LRU).
 */
#ifndef DANEHOP_CACHE_H
#define DANEHOP_CACHE_H

#include <stddef.h>

#include "danehop.h"

#define DH_CACHE_DEFAULT   4096
#define DH_CACHE_MAX       65536
#define DH_CACHE_MAX_TTL   300
#define DH_CACHE_DEFER_TTL 5

typedef struct dh_cache dh_cache;

/* dh_cache_new - room for max decisions (0: a cache that keeps nothing) */
dh_cache *dh_cache_new(size_t max);
/* dh_cache_get - a new reference to a fresh decision for key, or NULL */
danehop_decision *dh_cache_get(dh_cache *c, const char *key, long long now_ms);
/* dh_cache_put - keep a reference to d under key until expires_ms */
void dh_cache_put(dh_cache *c, const char *key, danehop_decision *d, long long expires_ms);
/* dh_cache_clear - drop every entry */
void dh_cache_clear(dh_cache *c);
dh_cache *dh_cache_free(dh_cache *c);

#endif
