/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * resolver.h - one process's libunbound context for one set of settings,
 * and the locks that let threads share it
 *
 * SYNOPSIS
 *   #include "resolver.h"
 *
 *   dh_resolver *dh_resolver_new(const dh_settings *s, char *err, size_t errlen);
 *   dh_resolver *dh_resolver_ref(dh_resolver *r);
 *   dh_resolver *dh_resolver_free(dh_resolver *r);
 *   int dh_resolver_same(const dh_settings *a, const dh_settings *b);
 *   int dh_resolver_mine(const dh_resolver *r);
 *
 * DESCRIPTION
 *   A resolver belongs to the snapshots of a context's settings (context.h)
 *   that share its resolver settings (a new timeout or cache size keeps the
 *   warm libunbound context), and to the process that made it: after fork() the child makes its own
 *   and never touches the parent's, whose worker thread and locks do not
 *   exist or may be held for ever there. dh_resolver_free() deletes the
 *   libunbound context in the process that made it; in any other process it
 *   abandons it, since deleting would wait on a worker through a pipe shared
 *   with the parent (unbound issue 775).
 *
 *   Locks, used by query.c only, and only in the resolver's own process:
 *   process_lock is held by the one thread running ub_process(), which
 *   delivers every thread's answers; qlock guards every batch's answers,
 *   the ticket hand-over and the orphan list below.
 */
#ifndef DANEHOP_RESOLVER_H
#define DANEHOP_RESOLVER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <sys/types.h>

#include "settings.h"

struct ub_ctx;

/*
 * dh_orphan - an answer libunbound still owes to a batch that gave up on it;
 * the first member of query.c's ticket, so that the resolver can free the
 * tickets without knowing what else they hold
 */
typedef struct dh_orphan {
    struct dh_orphan *next;
    int done; /* the answer arrived and was thrown away */
} dh_orphan;

typedef struct dh_resolver {
    _Atomic int refs; /* snapshots sharing it (same resolver settings) */
    struct ub_ctx *ub;
    pid_t pid;             /* the process that made ub */
    _Atomic int validated; /* the root DNSKEY probe succeeded on ub */
    pthread_mutex_t process_lock;
    pthread_mutex_t qlock;
    dh_orphan *orphans;     /* under qlock */
    struct dh_probe *probe; /* the chain probe to the first forwarder, or NULL */
} dh_resolver;

/* dh_resolver_new - a resolver for this process; NULL with err */
dh_resolver *dh_resolver_new(const dh_settings *s, char *err, size_t errlen);
/* dh_resolver_ref - one more reference */
dh_resolver *dh_resolver_ref(dh_resolver *r);
/* dh_resolver_same - whether a and b make the same resolver (timeouts and cache aside) */
int dh_resolver_same(const dh_settings *a, const dh_settings *b);
/*
 * dh_resolver_free - drop one reference; the last deletes (own process) or
 * abandons (other process) it; returns NULL
 */
dh_resolver *dh_resolver_free(dh_resolver *r);
/* dh_resolver_mine - whether r was made by this process */
int dh_resolver_mine(const dh_resolver *r);

#endif
