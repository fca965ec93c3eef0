/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * resolver.h - the danehop context: resolver settings and the libunbound
 * context behind them
 *
 * The libunbound context is created lazily, in the process that resolves,
 * and re-created after fork (see resolver.c for why the old one is
 * abandoned rather than deleted).
 */
#ifndef DANEHOP_RESOLVER_H
#define DANEHOP_RESOLVER_H

#include <pthread.h>
#include <sys/types.h>

#include "danehop.h"

struct ub_ctx;
struct dh_ticket;
struct dh_cache;
struct dh_config;

#define DH_DEFAULT_TRUST_ANCHOR "/usr/share/dns/root.key"
#define DH_DEFAULT_QUERY_MS     10000
#define DH_DEFAULT_TOTAL_MS     30000

#define DH_MAX_FORWARDERS 8
#define DH_ERR_MAX        512

/*
 * dh_settings - where the resolver's answers come from; the context and the
 * configuration file hold the same shape, so applying a file is a copy
 */
typedef struct dh_settings {
    char *unbound_conf;
    char *trust_anchor;
    char *resolv_conf;
    char *forwarders[DH_MAX_FORWARDERS];
    int nforwarders;
} dh_settings;

/* dh_settings_clear - free and zero */
void dh_settings_clear(dh_settings *s);
/* dh_settings_copy - dst becomes a deep copy of src; -1 (dst cleared) when out of memory */
int dh_settings_copy(dh_settings *dst, const dh_settings *src);

struct danehop_ctx {
    dh_settings res;
    int recursion;
    unsigned query_ms;
    unsigned total_ms;

    /*
     * lock guards ub creation, the cache, the orphans and the validated
     * flag; process_lock is held by the one thread running ub_process();
     * qlock guards every batch's answers and the ticket hand-over
     */
    pthread_mutex_t lock;
    pthread_mutex_t process_lock;
    pthread_mutex_t qlock;
    struct ub_ctx *ub;         /* NULL until first use in this process */
    pid_t ub_pid;              /* the process that created ub */
    int validated;             /* the trust-anchor probe succeeded on ub */
    struct dh_ticket *orphans; /* answers still owed by ub to finished batches */
    struct dh_cache *cache;    /* recent decisions; NULL until first use */
    size_t cache_max;
    struct dh_config *config; /* the loaded file: rules, logging */
    int watch_config;         /* re-read when its mtime changes */
    int config_broken;        /* the changed file does not load */
    char config_error[DH_ERR_MAX];
};

/*
 * dh_resolver_get - the libunbound context for this process, created on
 * first use. NULL with ctx->err set when it cannot be set up.
 */
struct ub_ctx *dh_resolver_get(danehop_ctx *ctx);
/* dh_resolver_last_error - this thread's last error */
const char *dh_resolver_last_error(void);
/* dh_resolver_reset - forget the libunbound context and cached decisions */
void dh_resolver_reset(danehop_ctx *ctx);
/* dh_resolver_cache - the context's decision cache, created on first use */
struct dh_cache *dh_resolver_cache(danehop_ctx *ctx);
/*
 * dh_resolver_error - set this thread's last error (printf style), a
 * configuration error (DANEHOP_E_CONFIG); returns -1. Errors are per thread, like errno, so threads sharing a context do
 * not see each other's.
 */
int dh_resolver_error(danehop_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* dh_resolver_fail - the same with an error code (dh_resolver_error: DANEHOP_E_CONFIG) */
int dh_resolver_fail(danehop_ctx *ctx, danehop_error code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
