/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * context.h - the danehop context: settings, and the snapshot that every
 * decision works from
 *
 * SYNOPSIS
 *   #include "context.h"
 *
 *   dh_snap *dh_ctx_acquire(danehop_ctx *ctx);
 *   void dh_snap_release(danehop_ctx *ctx, dh_snap *s);
 *   dh_resolver *dh_snap_resolver(danehop_ctx *ctx, dh_snap *s);
 *   danehop_decision *dh_snap_cache_get(danehop_ctx *ctx, dh_snap *s, const char *key, long long now);
 *   void dh_snap_cache_put(danehop_ctx *ctx, dh_snap *s, const char *key, danehop_decision *d,
 *                          long long expires);
 *   int dh_ctx_effective(danehop_ctx *ctx, const dh_config *c, dh_settings *out, unsigned *gen);
 *   int dh_ctx_install(danehop_ctx *ctx, dh_config *c, dh_resolver *r, unsigned gen);
 *
 * DESCRIPTION
 *   A snapshot is everything one decision needs, fixed for its life: the
 *   effective settings (the file's, with the setters' laid over them, then
 *   the defaults), the file version they came from (rules, logging), the
 *   decision cache and, once a lookup needs it, this process's libunbound
 *   context. Snapshots are reference-counted. A reload or a setter builds a
 *   new one and swaps it in; threads still deciding with the old one keep
 *   it alive, and the last of them to let go frees it. Nothing a decision
 *   reads is ever freed under it.
 *
 *   Layers, bottom up: settings.c (values), ubconf.c (settings into a
 *   libunbound context), resolver.c (one process's libunbound context),
 *   query.c (lookups on a resolver), this file (the context and its
 *   snapshots), conffile.c (a file read by confparse.c, applied to the
 *   context: the top).
 *
 *   Locks. ctx->lock guards the current snapshot pointer, the snapshots'
 *   reference counts, caches and resolver slots, and the setters' values;
 *   it is held for memory work only, never while waiting for DNS or
 *   parsing a file. The resolver's own locks are described in resolver.h.
 *
 *   Fork. Around fork() every context's lock (and libunbound's parser
 *   lock) is taken by the forking thread (pthread_atfork), so the child
 *   finds them free and consistent whatever other threads were doing; the
 *   child then builds a libunbound context of its own.
 *
 * DIAGNOSTICS
 *   Errors: error.h (dh_error, dh_fail), included here for every layer.
 */
#ifndef DANEHOP_CONTEXT_H
#define DANEHOP_CONTEXT_H

#include <pthread.h>
#include <time.h>

#include "config.h"
#include "danehop.h"
#include "error.h"
#include "resolver.h"
#include "settings.h"

struct dh_cache;

typedef struct dh_snap {
    int refs;               /* under ctx->lock */
    dh_settings eff;        /* effective settings, defaults filled in */
    dh_config *config;      /* the file version behind it, or NULL */
    struct dh_cache *cache; /* under ctx->lock */
    dh_resolver *res;       /* this process's resolver, or NULL; under ctx->lock */
} dh_snap;

struct danehop_ctx {
    pthread_mutex_t lock;
    dh_settings set;  /* what the setters said */
    unsigned set_gen; /* bumped by every setter */
    dh_snap *snap;    /* the current snapshot */
    int watch;        /* re-read the file when its mtime changes */
    int no_daemon;    /* never ask a daemon: this is danehopd itself */
    int broken;       /* that version of the file does not load */
    time_t broken_mtime;
    long broken_ns;
    char broken_error[DH_ERR_MAX];
    struct danehop_ctx *prev, *next; /* every live context, for fork */
};

/* dh_ctx_acquire - a reference to the current snapshot (NULL: out of memory, error set) */
dh_snap *dh_ctx_acquire(danehop_ctx *ctx);
/* dh_snap_release - drop it; the last reference frees the snapshot */
void dh_snap_release(danehop_ctx *ctx, dh_snap *s);
/* dh_snap_resolver - the snapshot's resolver for this process, made on first use; NULL with error set */
dh_resolver *dh_snap_resolver(danehop_ctx *ctx, dh_snap *s);
/* dh_snap_cache_get - a new reference to a cached decision, or NULL */
danehop_decision *dh_snap_cache_get(danehop_ctx *ctx, dh_snap *s, const char *key, long long now_ms);
/* dh_snap_cache_put - keep d under key until expires_ms */
void dh_snap_cache_put(danehop_ctx *ctx, dh_snap *s, const char *key, danehop_decision *d,
                       long long expires_ms);
/*
 * dh_ctx_effective - what c and the setters make, with defaults, and the
 * setters' generation it was made from; -1 with error set
 */
int dh_ctx_effective(danehop_ctx *ctx, const dh_config *c, dh_settings *out, unsigned *gen);
/*
 * dh_ctx_install - a new snapshot from c (takes a reference) and the
 * setters' values, swapped in; -1 with error set, the old one staying. r
 * (may be NULL) is a resolver built from dh_ctx_effective's settings of
 * generation gen: the snapshot keeps it if no setter ran since, so the
 * context checked at load time is the one the first lookup uses.
 */
int dh_ctx_install(danehop_ctx *ctx, dh_config *c, dh_resolver *r, unsigned gen);
#endif
