/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * resolver.c - the danehop context and its libunbound context
 *
 * DESCRIPTION
 *   Settings are plain copies until the first resolve; then a libunbound
 *   context is built from them: threaded async mode (set before anything
 *   else, or libunbound silently forks a helper process inside the MTA),
 *   the unbound.conf file if any (ub_ctx_config is not re-entrant, hence
 *   the lock), the trust anchor, and forwarders or recursion.
 *
 *   Without a trust anchor every answer looks "insecure" and DANE would be
 *   silently off; a context without one is refused here, and discover.c
 *   also checks once per context that the root validates.
 *
 *   Threads may share a context once it is set up: resolving takes the
 *   context's locks where it touches shared state (see resolver.h), and the
 *   settings are not to be changed while other threads resolve.
 *
 * DIAGNOSTICS
 *   Errors go to a per-thread buffer (danehop_ctx_error); nothing is
 *   printed and nothing exits.
 */
#include "resolver.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <unbound.h>

#include "cache.h"
#include "conffile.h"
#include "escape.h"
#include "query.h"

static pthread_mutex_t config_lock = PTHREAD_MUTEX_INITIALIZER;

int danehop_abi_version(void) { return DANEHOP_ABI_VERSION; }

const char *danehop_version(void) { return PACKAGE_VERSION; }

static _Thread_local char last_error[DH_ERR_MAX];

int dh_resolver_error(danehop_ctx *ctx, const char *fmt, ...)
{
    char raw[DH_ERR_MAX];
    va_list ap;

    (void) ctx;
    va_start(ap, fmt);
    vsnprintf(raw, sizeof(raw), fmt, ap);
    va_end(ap);
    /* names, paths and words from the input may carry CR, LF or TAB */
    dh_escape_controls(raw, last_error, sizeof(last_error));
    return -1;
}

const char *dh_resolver_last_error(void) { return last_error; }

danehop_ctx *danehop_ctx_new(void)
{
    danehop_ctx *ctx = calloc(1, sizeof(*ctx));

    if (ctx == NULL)
        return NULL;
    ctx->query_ms = DH_DEFAULT_QUERY_MS;
    ctx->total_ms = DH_DEFAULT_TOTAL_MS;
    ctx->cache_max = DH_CACHE_DEFAULT;
    pthread_mutex_init(&ctx->lock, NULL);
    pthread_mutex_init(&ctx->process_lock, NULL);
    pthread_mutex_init(&ctx->qlock, NULL);
    return ctx;
}

/*
 * drop_ub - forget the libunbound context. In the process that made it, it
 * is deleted. In a forked child it is abandoned: its worker thread does not
 * exist here, and deleting it would wait on that thread through a pipe it
 * shares with the parent (unbound issue 775). The leak is one context per
 * fork generation, and the child usually exits soon.
 */
static void drop_ub(danehop_ctx *ctx)
{
    if (ctx->ub != NULL && ctx->ub_pid == getpid())
        ub_ctx_delete(ctx->ub);
    ctx->ub = NULL;
    ctx->validated = 0;
    /* decisions made under other settings must not be handed out */
    dh_cache_clear(ctx->cache);
    /* with the context gone no callback can arrive for these any more */
    dh_tickets_free(ctx->orphans);
    ctx->orphans = NULL;
}

void dh_settings_clear(dh_settings *s)
{
    int i;

    free(s->unbound_conf);
    free(s->trust_anchor);
    free(s->resolv_conf);
    for (i = 0; i < s->nforwarders; i++)
        free(s->forwarders[i]);
    memset(s, 0, sizeof(*s));
}

static int dup_opt(char **dst, const char *src)
{
    return src == NULL || (*dst = strdup(src)) != NULL ? 0 : -1;
}

int dh_settings_copy(dh_settings *dst, const dh_settings *src)
{
    int i;

    dh_settings_clear(dst);
    if (dup_opt(&dst->unbound_conf, src->unbound_conf) != 0 ||
        dup_opt(&dst->trust_anchor, src->trust_anchor) != 0 ||
        dup_opt(&dst->resolv_conf, src->resolv_conf) != 0)
        goto fail;
    for (i = 0; i < src->nforwarders; i++, dst->nforwarders++)
        if ((dst->forwarders[i] = strdup(src->forwarders[i])) == NULL)
            goto fail;
    return 0;
fail:
    dh_settings_clear(dst);
    return -1;
}

void dh_resolver_reset(danehop_ctx *ctx) { drop_ub(ctx); }

void danehop_ctx_free(danehop_ctx *ctx)
{
    if (ctx == NULL)
        return;
    drop_ub(ctx);
    dh_cache_free(ctx->cache);
    dh_config_free(ctx->config);
    dh_settings_clear(&ctx->res);
    pthread_mutex_destroy(&ctx->lock);
    pthread_mutex_destroy(&ctx->process_lock);
    pthread_mutex_destroy(&ctx->qlock);
    free(ctx);
}

const char *danehop_ctx_error(const danehop_ctx *ctx)
{
    (void) ctx;
    return last_error;
}

static int set_path(danehop_ctx *ctx, char **slot, const char *path, const char *what)
{
    char *copy;

    if (path == NULL || *path == '\0')
        return dh_resolver_error(ctx, "%s: empty path", what);
    if (access(path, R_OK) != 0)
        return dh_resolver_error(ctx, "%s %s: %s", what, path, strerror(errno));
    if ((copy = strdup(path)) == NULL)
        return dh_resolver_error(ctx, "out of memory");
    free(*slot);
    *slot = copy;
    drop_ub(ctx);
    return 0;
}

int danehop_ctx_set_unbound_conf(danehop_ctx *ctx, const char *path)
{
    return set_path(ctx, &ctx->res.unbound_conf, path, "unbound configuration");
}

int danehop_ctx_set_trust_anchor(danehop_ctx *ctx, const char *path)
{
    return set_path(ctx, &ctx->res.trust_anchor, path, "trust anchor");
}

int danehop_ctx_set_resolv_conf(danehop_ctx *ctx, const char *path)
{
    return set_path(ctx, &ctx->res.resolv_conf, path, "resolv.conf");
}

int danehop_ctx_add_forwarder(danehop_ctx *ctx, const char *addr)
{
    size_t i, n;

    if (addr == NULL || *addr == '\0')
        return dh_resolver_error(ctx, "forwarder: empty address");
    if (ctx->res.nforwarders >= DH_MAX_FORWARDERS)
        return dh_resolver_error(ctx, "forwarder %s: at most %d forwarders", addr, DH_MAX_FORWARDERS);
    n = strlen(addr);
    if (n > 64)
        return dh_resolver_error(ctx, "forwarder: address too long");
    for (i = 0; i < n; i++)
        if (!strchr("0123456789abcdefABCDEF.:@", addr[i]))
            return dh_resolver_error(ctx, "forwarder %s: not an IP address (optionally @port)", addr);
    if ((ctx->res.forwarders[ctx->res.nforwarders] = strdup(addr)) == NULL)
        return dh_resolver_error(ctx, "out of memory");
    ctx->res.nforwarders++;
    drop_ub(ctx);
    return 0;
}

int danehop_ctx_set_recursion(danehop_ctx *ctx, int on)
{
    ctx->recursion = on != 0;
    drop_ub(ctx);
    return 0;
}

int danehop_ctx_set_cache_size(danehop_ctx *ctx, size_t max)
{
    if (max > DH_CACHE_MAX)
        return dh_resolver_error(ctx, "cache size %zu: at most %d decisions", max, DH_CACHE_MAX);
    ctx->cache = dh_cache_free(ctx->cache);
    ctx->cache_max = max;
    return 0;
}

struct dh_cache *dh_resolver_cache(danehop_ctx *ctx)
{
    struct dh_cache *c;

    pthread_mutex_lock(&ctx->lock);
    if (ctx->cache == NULL)
        ctx->cache = dh_cache_new(ctx->cache_max);
    c = ctx->cache;
    pthread_mutex_unlock(&ctx->lock);
    return c;
}

int danehop_ctx_set_timeouts(danehop_ctx *ctx, unsigned query_ms, unsigned total_ms)
{
    if (query_ms < 10 || total_ms < query_ms || total_ms > 600000)
        return dh_resolver_error(ctx, "timeouts: need 10 ms <= per-round <= total <= 600 s");
    ctx->query_ms = query_ms;
    ctx->total_ms = total_ms;
    return 0;
}

/* has_anchor - whether the unbound.conf file configured any trust anchor */
static int has_anchor(struct ub_ctx *ub)
{
    static const char *const opts[] = {"trust-anchor-file", "auto-trust-anchor-file", "trust-anchor",
                                       "trusted-keys-file"};
    size_t i;

    for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
        char *val = NULL;
        int found;

        if (ub_ctx_get_option(ub, opts[i], &val) != 0)
            continue;
        found = val != NULL && strspn(val, " \t\r\n") != strlen(val);
        free(val);
        if (found)
            return 1;
    }
    return 0;
}

static struct ub_ctx *build(danehop_ctx *ctx)
{
    struct ub_ctx *ub = ub_ctx_create();
    int r, i;

    if (ub == NULL) {
        dh_resolver_error(ctx, "cannot create a libunbound context (out of memory?)");
        return NULL;
    }
    /* before anything else: threads, never a forked helper process */
    if ((r = ub_ctx_async(ub, 1)) != 0) {
        dh_resolver_error(ctx, "libunbound: cannot use a thread: %s", ub_strerror(r));
        goto fail;
    }
    /* generic reasons for bogus answers help nobody: ask for details */
    ub_ctx_set_option(ub, "val-log-level:", "2");
    if (ctx->res.unbound_conf != NULL) {
        pthread_mutex_lock(&config_lock);
        r = ub_ctx_config(ub, ctx->res.unbound_conf);
        pthread_mutex_unlock(&config_lock);
        if (r != 0) {
            dh_resolver_error(ctx, "unbound configuration %s: %s (check it with unbound-checkconf)",
                              ctx->res.unbound_conf, r == UB_SYNTAX ? "syntax error" : ub_strerror(r));
            goto fail;
        }
    }
    if (ctx->res.trust_anchor != NULL || (ctx->res.unbound_conf == NULL)) {
        const char *ta = ctx->res.trust_anchor ? ctx->res.trust_anchor : DH_DEFAULT_TRUST_ANCHOR;

        if (access(ta, R_OK) != 0) {
            dh_resolver_error(ctx,
                              "trust anchor %s: %s; without one DNSSEC cannot be validated "
                              "(install dns-root-data, or set a trust anchor)",
                              ta, strerror(errno));
            goto fail;
        }
        if ((r = ub_ctx_add_ta_file(ub, ta)) != 0) {
            dh_resolver_error(ctx, "trust anchor %s: %s", ta, ub_strerror(r));
            goto fail;
        }
    } else if (!has_anchor(ub)) {
        dh_resolver_error(ctx,
                          "unbound configuration %s sets no trust anchor: refusing to run, since "
                          "every answer would look insecure and DANE would silently be off",
                          ctx->res.unbound_conf);
        goto fail;
    }
    for (i = 0; i < ctx->res.nforwarders; i++)
        if ((r = ub_ctx_set_fwd(ub, ctx->res.forwarders[i])) != 0) {
            dh_resolver_error(ctx, "forwarder %s: %s", ctx->res.forwarders[i], ub_strerror(r));
            goto fail;
        }
    if (ctx->res.nforwarders == 0 && !ctx->recursion &&
        (ctx->res.unbound_conf == NULL || ctx->res.resolv_conf)) {
        /* default: the system's resolvers, which must pass DNSSEC records */
        if ((r = ub_ctx_resolvconf(ub, ctx->res.resolv_conf)) != 0) {
            dh_resolver_error(ctx, "%s: %s", ctx->res.resolv_conf ? ctx->res.resolv_conf : "/etc/resolv.conf",
                              ub_strerror(r));
            goto fail;
        }
    }
    return ub;
fail:
    ub_ctx_delete(ub);
    return NULL;
}

struct ub_ctx *dh_resolver_get(danehop_ctx *ctx)
{
    struct ub_ctx *ub;

    pthread_mutex_lock(&ctx->lock);
    if (ctx->ub != NULL && ctx->ub_pid != getpid())
        drop_ub(ctx);
    if (ctx->ub == NULL && (ctx->ub = build(ctx)) != NULL) {
        ctx->ub_pid = getpid();
        ctx->validated = 0;
    }
    ub = ctx->ub;
    pthread_mutex_unlock(&ctx->lock);
    return ub;
}
