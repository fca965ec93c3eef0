/* SPDX-License-Identifier: BSD-2-Clause */
/* test_cache.c - decision reuse: references, expiry, eviction */
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
    ok(dh_cache_get(c, "b", 100) == NULL, "full cache evicts the entry that expires first");
    got = dh_cache_get(c, "x", 100);
    ok(got == x, "new entry kept");
    danehop_decision_free(got);
    got = dh_cache_get(c, "a", 100);
    ok(got == a, "other entry kept");
    danehop_decision_free(got);

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
