/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * resolver.c - one process's libunbound context (see resolver.h)
 */
#include "resolver.h"

#include <stdio.h>
#include <stdlib.h>
#include <unbound.h>
#include <unistd.h>

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
    r->query_ms = s->query_ms;
    atomic_init(&r->validated, 0);
    pthread_mutex_init(&r->process_lock, NULL);
    pthread_mutex_init(&r->qlock, NULL);
    return r;
}

int dh_resolver_mine(const dh_resolver *r) { return r->pid == getpid(); }

dh_resolver *dh_resolver_free(dh_resolver *r)
{
    dh_orphan *o, *next;

    if (r == NULL)
        return NULL;
    if (!dh_resolver_mine(r)) {
        /* another thread of the parent may have held qlock at fork: the
         * list may be half-changed, so it is left alone with the rest */
        free(r);
        return NULL;
    }
    ub_ctx_delete(r->ub);
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
