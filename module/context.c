/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * context.c - the danehop context and its snapshots (see context.h)
 *
 * DESCRIPTION
 *   Setters record their value in ctx->set and swap in a new snapshot made
 *   from it and the current file version, so a setter's value also lays
 *   over every later version of a watched file. They check what they can
 *   on their own (a path is readable; an unbound.conf file is a regular,
 *   bounded file that libunbound parses and that keeps validation on); the
 *   whole combination is checked when the first lookup builds the
 *   libunbound context, or at once by danehop_ctx_load_config().
 *
 * DIAGNOSTICS
 *   Errors go to this thread's error (error.h); nothing is printed and
 *   nothing exits.
 */
#include "context.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cache.h"
#include "policy.h"
#include "ubconf.h"

/* ---- fork: every context's lock is taken around fork() -------------------- */

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static danehop_ctx *registry;
static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;

/* lock order: registry, libunbound's parser, then each context */
static void fork_prepare(void)
{
    danehop_ctx *c;

    pthread_mutex_lock(&registry_lock);
    dh_ub_lock();
    for (c = registry; c != NULL; c = c->next)
        pthread_mutex_lock(&c->lock);
    /* last: a thread may free rules (and so JIT code) under its context lock */
    dh_rules_fork_lock();
}

static void fork_done(void)
{
    danehop_ctx *c;

    dh_rules_fork_unlock();
    for (c = registry; c != NULL; c = c->next)
        pthread_mutex_unlock(&c->lock);
    dh_ub_unlock();
    pthread_mutex_unlock(&registry_lock);
}

static void atfork_register(void) { pthread_atfork(fork_prepare, fork_done, fork_done); }

static void registry_add(danehop_ctx *ctx)
{
    pthread_once(&atfork_once, atfork_register);
    pthread_mutex_lock(&registry_lock);
    ctx->next = registry;
    if (registry != NULL)
        registry->prev = ctx;
    registry = ctx;
    pthread_mutex_unlock(&registry_lock);
}

static void registry_remove(danehop_ctx *ctx)
{
    pthread_mutex_lock(&registry_lock);
    if (ctx->prev != NULL)
        ctx->prev->next = ctx->next;
    else
        registry = ctx->next;
    if (ctx->next != NULL)
        ctx->next->prev = ctx->prev;
    pthread_mutex_unlock(&registry_lock);
}

/* ---- snapshots ------------------------------------------------------------ */

int dh_ctx_effective(danehop_ctx *ctx, const dh_config *c, dh_settings *out, unsigned *gen)
{
    char err[DH_ERR_MAX];
    int rc;

    dh_settings_init(out);
    pthread_mutex_lock(&ctx->lock);
    rc = (c == NULL || dh_settings_overlay(out, &c->res, err, sizeof(err)) == 0) &&
                 dh_settings_overlay(out, &ctx->set, err, sizeof(err)) == 0
             ? 0
             : -1;
    *gen = ctx->set_gen;
    pthread_mutex_unlock(&ctx->lock);
    if (rc != 0)
        return dh_error("%s", err);
    dh_settings_defaults(out);
    return 0;
}

static void snap_free(dh_snap *s)
{
    dh_resolver_free(s->res);
    dh_cache_free(s->cache);
    dh_config_free(s->config);
    dh_settings_clear(&s->eff);
    free(s);
}

/* snap_new - a snapshot of c with set laid over it */
static dh_snap *snap_new(const dh_settings *set, dh_config *c)
{
    dh_snap *s = calloc(1, sizeof(*s));
    char err[DH_ERR_MAX];

    if (s == NULL) {
        dh_error("out of memory");
        return NULL;
    }
    dh_settings_init(&s->eff);
    if ((c != NULL && dh_settings_overlay(&s->eff, &c->res, err, sizeof(err)) != 0) ||
        dh_settings_overlay(&s->eff, set, err, sizeof(err)) != 0) {
        dh_error("%s", err);
        free(s);
        return NULL;
    }
    dh_settings_defaults(&s->eff);
    if ((s->cache = dh_cache_new((size_t) s->eff.cache_size)) == NULL) {
        dh_settings_clear(&s->eff);
        free(s);
        dh_error("out of memory");
        return NULL;
    }
    s->config = dh_config_ref(c);
    s->refs = 1;
    return s;
}

/* swap - make s current (ctx->lock held); returns the old one to release */
static dh_snap *swap(danehop_ctx *ctx, dh_snap *s)
{
    dh_snap *old = ctx->snap;

    ctx->snap = s;
    return old;
}

dh_snap *dh_ctx_acquire(danehop_ctx *ctx)
{
    dh_snap *s;

    pthread_mutex_lock(&ctx->lock);
    s = ctx->snap;
    s->refs++;
    pthread_mutex_unlock(&ctx->lock);
    return s;
}

void dh_snap_release(danehop_ctx *ctx, dh_snap *s)
{
    int last;

    if (s == NULL)
        return;
    pthread_mutex_lock(&ctx->lock);
    last = --s->refs == 0;
    pthread_mutex_unlock(&ctx->lock);
    if (last)
        snap_free(s);
}

dh_resolver *dh_snap_resolver(danehop_ctx *ctx, dh_snap *s)
{
    dh_resolver *r, *stale = NULL, *made;
    char err[DH_ERR_MAX];

    pthread_mutex_lock(&ctx->lock);
    if (s->res != NULL && !dh_resolver_mine(s->res)) {
        /* made before a fork, by the parent: never used here */
        stale = s->res;
        s->res = NULL;
    }
    r = s->res;
    pthread_mutex_unlock(&ctx->lock);
    dh_resolver_free(stale);
    if (r != NULL)
        return r;
    /* built without the context lock: parsing can take a while */
    if ((made = dh_resolver_new(&s->eff, err, sizeof(err))) == NULL) {
        dh_error("%s", err);
        return NULL;
    }
    pthread_mutex_lock(&ctx->lock);
    if (s->res == NULL)
        s->res = made, made = NULL;
    r = s->res;
    pthread_mutex_unlock(&ctx->lock);
    dh_resolver_free(made); /* another thread was quicker */
    return r;
}

danehop_decision *dh_snap_cache_get(danehop_ctx *ctx, dh_snap *s, const char *key, long long now_ms)
{
    danehop_decision *d;

    pthread_mutex_lock(&ctx->lock);
    d = dh_cache_get(s->cache, key, now_ms);
    pthread_mutex_unlock(&ctx->lock);
    return d;
}

void dh_snap_cache_put(danehop_ctx *ctx, dh_snap *s, const char *key, danehop_decision *d,
                       long long expires_ms)
{
    pthread_mutex_lock(&ctx->lock);
    dh_cache_put(s->cache, key, d, expires_ms);
    pthread_mutex_unlock(&ctx->lock);
}

int dh_ctx_install(danehop_ctx *ctx, dh_config *c, dh_resolver *r, unsigned gen)
{
    dh_snap *s, *old;

    pthread_mutex_lock(&ctx->lock);
    if ((s = snap_new(&ctx->set, c)) == NULL) {
        pthread_mutex_unlock(&ctx->lock);
        dh_resolver_free(r);
        return -1;
    }
    if (gen == ctx->set_gen)
        s->res = r, r = NULL;
    old = swap(ctx, s);
    ctx->broken = 0;
    pthread_mutex_unlock(&ctx->lock);
    dh_resolver_free(r); /* built for settings a setter has changed since */
    dh_snap_release(ctx, old);
    return 0;
}

/* ---- the context ------------------------------------------------------------ */

danehop_ctx *danehop_ctx_new(void)
{
    danehop_ctx *ctx = calloc(1, sizeof(*ctx));

    if (ctx == NULL)
        return NULL;
    pthread_mutex_init(&ctx->lock, NULL);
    dh_settings_init(&ctx->set);
    if ((ctx->snap = snap_new(&ctx->set, NULL)) == NULL) {
        pthread_mutex_destroy(&ctx->lock);
        free(ctx);
        return NULL;
    }
    registry_add(ctx);
    return ctx;
}

void danehop_ctx_free(danehop_ctx *ctx)
{
    if (ctx == NULL)
        return;
    registry_remove(ctx);
    dh_snap_release(ctx, ctx->snap);
    dh_settings_clear(&ctx->set);
    pthread_mutex_destroy(&ctx->lock);
    free(ctx);
}

/*
 * change - apply one setter: edit a copy of the setters' values, make a
 * snapshot from it and the current file version, and only then commit
 * both; on failure nothing changes
 */
static int change(danehop_ctx *ctx, int (*edit)(dh_settings *set, const void *arg), const void *arg)
{
    dh_settings next, prev;
    dh_snap *s = NULL, *old;

    dh_settings_init(&next);
    pthread_mutex_lock(&ctx->lock);
    if (dh_settings_copy(&next, &ctx->set) != 0)
        dh_error("out of memory");
    else if (edit(&next, arg) == 0)
        s = snap_new(&next, ctx->snap->config);
    if (s == NULL) {
        pthread_mutex_unlock(&ctx->lock);
        dh_settings_clear(&next);
        return -1;
    }
    /* a new timeout or cache size keeps the warm libunbound context */
    if (ctx->snap->res != NULL && dh_resolver_mine(ctx->snap->res) &&
        dh_resolver_same(&s->eff, &ctx->snap->eff))
        s->res = dh_resolver_ref(ctx->snap->res);
    prev = ctx->set;
    ctx->set = next;
    ctx->set_gen++;
    old = swap(ctx, s);
    pthread_mutex_unlock(&ctx->lock);
    dh_settings_clear(&prev);
    dh_snap_release(ctx, old);
    return 0;
}

typedef struct path_arg {
    size_t field; /* offsetof the string in dh_settings */
    const char *path;
} path_arg;

static int edit_path(dh_settings *set, const void *arg)
{
    const path_arg *a = arg;
    char **slot = (char **) ((char *) set + a->field);
    char *copy = strdup(a->path);

    if (copy == NULL)
        return dh_error("out of memory");
    free(*slot);
    *slot = copy;
    return 0;
}

static int set_path(danehop_ctx *ctx, size_t field, const char *path, const char *what)
{
    path_arg a = {field, path};

    if (path == NULL || *path == '\0')
        return dh_error("%s: empty path", what);
    if (access(path, R_OK) != 0)
        return dh_error("%s %s: %s", what, path, strerror(errno));
    return change(ctx, edit_path, &a);
}

int danehop_ctx_set_unbound_conf(danehop_ctx *ctx, const char *path)
{
    char err[DH_ERR_MAX];

    if (path == NULL || *path == '\0')
        return dh_error("unbound configuration: empty path");
    /* parsed for real now, in a throw-away libunbound context */
    if (dh_ub_check_conf(path, err, sizeof(err)) != 0)
        return dh_error("%s", err);
    return set_path(ctx, offsetof(dh_settings, unbound_conf), path, "unbound configuration");
}

int danehop_ctx_set_trust_anchor(danehop_ctx *ctx, const char *path)
{
    return set_path(ctx, offsetof(dh_settings, trust_anchor), path, "trust anchor");
}

int danehop_ctx_set_resolv_conf(danehop_ctx *ctx, const char *path)
{
    return set_path(ctx, offsetof(dh_settings, resolv_conf), path, "resolv.conf");
}

static int edit_forwarder(dh_settings *set, const void *arg)
{
    if (set->nforwarders >= DH_MAX_FORWARDERS)
        return dh_error("forwarder %s: at most %d forwarders", (const char *) arg, DH_MAX_FORWARDERS);
    if ((set->forwarders[set->nforwarders] = strdup(arg)) == NULL)
        return dh_error("out of memory");
    set->nforwarders++;
    return 0;
}

int danehop_ctx_add_forwarder(danehop_ctx *ctx, const char *addr)
{
    if (addr == NULL || *addr == '\0')
        return dh_error("forwarder: empty address");
    if (strlen(addr) > DH_FORWARDER_MAX)
        return dh_error("forwarder: address too long");
    if (!dh_forwarder_ok(addr))
        return dh_error("forwarder %s: not an IP address (optionally @port)", addr);
    return change(ctx, edit_forwarder, addr);
}

static int edit_recursion(dh_settings *set, const void *arg)
{
    set->recursion = *(const int *) arg;
    return 0;
}

int danehop_ctx_set_recursion(danehop_ctx *ctx, int on)
{
    int v = on != 0;

    return change(ctx, edit_recursion, &v);
}

static int edit_timeouts(dh_settings *set, const void *arg)
{
    const unsigned *ms = arg;

    set->query_ms = ms[0];
    set->total_ms = ms[1];
    return 0;
}

int danehop_ctx_set_timeouts(danehop_ctx *ctx, unsigned query_ms, unsigned total_ms)
{
    unsigned ms[2] = {query_ms, total_ms};

    if (query_ms < 10 || total_ms < query_ms || total_ms > 600000)
        return dh_error("timeouts: need 10 ms <= per-round <= total <= 600 s");
    return change(ctx, edit_timeouts, ms);
}

static int edit_cache(dh_settings *set, const void *arg)
{
    set->cache_size = (long) *(const size_t *) arg;
    return 0;
}

int danehop_ctx_set_cache_size(danehop_ctx *ctx, size_t max)
{
    if (max > DH_CACHE_MAX)
        return dh_error("cache size %zu: at most %d decisions", max, DH_CACHE_MAX);
    return change(ctx, edit_cache, &max);
}

int danehop_ctx_watch_config(danehop_ctx *ctx, int on)
{
    pthread_mutex_lock(&ctx->lock);
    ctx->watch = on != 0;
    pthread_mutex_unlock(&ctx->lock);
    return 0;
}
