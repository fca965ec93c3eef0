/* SPDX-License-Identifier: BSD-2-Clause */
/* test_cache.c - decision reuse: references, expiry, eviction */
#include <stdio.h>

#include "cache.h"
#include "decision.h"
#include "tap.h"

int main(void)
{
    dh_cache *c = dh_cache_new(2), *off = dh_cache_new(0);
    danehop_decision *a = dh_decision_new(), *b = dh_decision_new(), *x = dh_decision_new();
    danehop_decision *got;

    dh_cache_put(c, "a", a, 1000);
    got = dh_cache_get(c, "a", 500);
    ok(got == a, "fresh entry is the same object");
    is_int(atomic_load(&a->refs), 3, "caller, cache and second caller hold references");
    danehop_decision_free(got);
    ok(dh_cache_get(c, "b", 500) == NULL, "unknown key misses");
    ok(dh_cache_get(c, "a", 1000) == NULL, "expired entry misses");
    is_int(atomic_load(&a->refs), 1, "expired entry dropped its reference");

    dh_cache_put(c, "a", a, 3000);
    dh_cache_put(c, "b", b, 2000);
    dh_cache_put(c, "x", x, 4000);
    ok(dh_cache_get(c, "a", 100) == NULL, "full cache evicts the least recently used entry");
    got = dh_cache_get(c, "x", 100);
    ok(got == x, "new entry kept");
    danehop_decision_free(got);
    got = dh_cache_get(c, "b", 100);
    ok(got == b, "other entry kept");
    danehop_decision_free(got);

    {
        /* a relay's hot name, then a scan of unique names: the hot one stays */
        dh_cache *r = dh_cache_new(100);
        char key[32];
        int i, hits = 0;

        dh_cache_put(r, "hot", a, 100000);
        for (i = 0; i < 10000; i++) {
            danehop_decision *u = dh_decision_new();

            snprintf(key, sizeof(key), "unique%d", i);
            dh_cache_put(r, key, u, 100000);
            danehop_decision_free(u);
            if (i % 100 == 0 && (got = dh_cache_get(r, "hot", 50)) != NULL) {
                hits++;
                danehop_decision_free(got);
            }
        }
        is_int(hits, 100,
               "a name asked for again survives a scan of 10000 unique names in a 100-entry cache");
        snprintf(key, sizeof(key), "unique%d", 9999);
        got = dh_cache_get(r, key, 50);
        ok(got != NULL, "... while the newest unique names are kept too");
        danehop_decision_free(got);
        ok(dh_cache_get(r, "unique0", 50) == NULL, "... and the oldest are evicted");
        dh_cache_put(r, "old", b, 10);
        dh_cache_free(r);
    }
    dh_cache_put(off, "a", a, 5000);
    ok(dh_cache_get(off, "a", 0) == NULL, "a cache of size 0 keeps nothing");

    dh_cache_free(c);
    dh_cache_free(off);
    is_int(atomic_load(&a->refs), 1, "freeing the cache drops its references");
    danehop_decision_free(a);
    danehop_decision_free(b);
    danehop_decision_free(x);
    return done_testing();
}
