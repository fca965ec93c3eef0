/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * resolver.c - one process's libunbound context (see resolver.h)
 */
#include "resolver.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unbound.h>
#include <unistd.h>

#include "chainprobe.h"
#include "prefetch.h"
#include "transport.h"
#include "ubconf.h"

dh_resolver *dh_resolver_new(const dh_settings *s, char *err, size_t errlen)
{
    dh_resolver *r = calloc(1, sizeof(*r));

    if (r == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    if ((r->ub = dh_ub_new(s, err, errlen)) == NULL) {
        free(r);
        return NULL;
    }
    r->pid = getpid();
    /* hints only (chainprobe.c): without it, chains just take longer */
    r->probe = dh_probe_for(s);
    atomic_init(&r->refs, 1);
    atomic_init(&r->validated, 0);
    pthread_mutex_init(&r->process_lock, NULL);
    pthread_mutex_init(&r->qlock, NULL);
    return r;
}

int dh_resolver_mine(const dh_resolver *r) { return r->pid == getpid(); }

dh_resolver *dh_resolver_ref(dh_resolver *r)
{
    atomic_fetch_add(&r->refs, 1);
    return r;
}

static int same_string(const char *a, const char *b)
{
    return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

int dh_resolver_same(const dh_settings *a, const dh_settings *b)
{
    int i;

    if (!same_string(a->unbound_conf, b->unbound_conf) || !same_string(a->trust_anchor, b->trust_anchor) ||
        !same_string(a->resolv_conf, b->resolv_conf) || a->recursion != b->recursion ||
        a->nforwarders != b->nforwarders)
        return 0;
    for (i = 0; i < a->nforwarders; i++)
        if (strcmp(a->forwarders[i], b->forwarders[i]) != 0)
            return 0;
    return 1;
}

dh_resolver *dh_resolver_free(dh_resolver *r)
{
    dh_orphan *o, *next;

    if (r == NULL || atomic_fetch_sub(&r->refs, 1) != 1)
        return NULL;
    if (!dh_resolver_mine(r)) {
        /* another thread of the parent may have held qlock at fork: the
         * list may be half-changed, so it is left alone with the rest;
         * the probe's socket is this process's own copy: closed */
        dh_probe_drop(r->probe);
        free(r);
        return NULL;
    }
    /* no callback can arrive for ub after this (transport.h) */
    dh_transport_delete(r->ub);
    /* the next context may get ub's address, not its cache (one made by
     * another thread between these two lines skips some hints: speed only) */
    dh_prefetch_forget();
    dh_probe_free(r->probe);
    pthread_mutex_destroy(&r->process_lock);
    pthread_mutex_destroy(&r->qlock);
    /* with the context gone no callback can arrive for these */
    for (o = r->orphans; o != NULL; o = next) {
        next = o->next;
        free(o);
    }
    free(r);
    return NULL;
}
