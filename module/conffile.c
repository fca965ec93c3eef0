/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * conffile.c - applying the danehop configuration file to a context
 *
 * DESCRIPTION
 *   danehop_ctx_load_config() parses the file (confparse.c), checks the
 *   resolver settings it makes (with the setters' over them) in a
 *   libunbound context (none where every decision comes from danehopd:
 *   check_install), and only then swaps in a new snapshot (context.h): a
 *   file that fails either step changes nothing. With watching on,
 *   danehop_resolve() re-reads the file when its mtime changes, the same
 *   way; while the changed file does not load, it refuses to decide.
 *   Threads deciding meanwhile keep the snapshot they started with.
 *
 *   This is the top layer of the context: it uses context.c, never the
 *   other way round.
 */
#include "conffile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "buf.h"
#include "confparse.h"

/* ---- applying a file to a context ---------------------------------------- */

/*
 * check_install - the file's settings with the setters' over them must
 * give a working, validating resolver before the version replaces the one
 * in force. The libunbound context built to check them is not thrown
 * away: the new snapshot keeps it for its first lookup.
 *
 * A file that sends every decision to danehopd with no local fallback
 * never looks anything up here (danehop_resolve fails instead of deciding
 * locally): its settings are checked as values, and no libunbound context
 * is built, which would cost every Exim delivery a millisecond and a
 * megabyte of memory for nothing. danehopd itself (no_daemon) decides
 * locally whatever the file says, and builds it.
 */
static int check_install(danehop_ctx *ctx, dh_config *c)
{
    dh_settings eff;
    dh_resolver *r = NULL;
    char err[DH_ERR_MAX];
    unsigned gen;
    int daemon_only;

    if (dh_ctx_effective(ctx, c, &eff, &gen) != 0)
        return -1;
    pthread_mutex_lock(&ctx->lock);
    daemon_only = c->daemon != NULL && !c->daemon_fallback && !ctx->no_daemon;
    pthread_mutex_unlock(&ctx->lock);
    if (daemon_only) {
        dh_settings_clear(&eff);
        return dh_ctx_install(ctx, c, NULL, gen);
    }
    r = dh_resolver_new(&eff, err, sizeof(err));
    dh_settings_clear(&eff);
    if (r == NULL)
        return dh_error("%s: %s", c->path, err);
    return dh_ctx_install(ctx, c, r, gen);
}

int danehop_ctx_load_config(danehop_ctx *ctx, const char *path)
{
    dh_config *c;
    char err[DH_ERR_MAX - 64];
    int rc;

    if (path == NULL || *path == '\0')
        return dh_error("configuration: empty path");
    if (dh_config_parse(path, &c, err, sizeof(err)) != 0)
        return dh_error("%s", err);
    rc = check_install(ctx, c);
    dh_config_free(c);
    return rc;
}

/* broken - remember that this version of the file does not load, and refuse */
static int broken(danehop_ctx *ctx, const struct stat *st, const char *err)
{
    pthread_mutex_lock(&ctx->lock);
    ctx->broken = 1;
    ctx->broken_mtime = st->st_mtim.tv_sec;
    ctx->broken_ns = st->st_mtim.tv_nsec;
    snprintf(ctx->broken_error, sizeof(ctx->broken_error),
             "%.420s (configuration changed and does not load; refusing to decide)", err);
    pthread_mutex_unlock(&ctx->lock);
    return dh_error("%s", ctx->broken_error);
}

/* still_broken - whether st is the version already known not to load */
static int still_broken(danehop_ctx *ctx, const struct stat *st, char *err, size_t errlen)
{
    int same;

    pthread_mutex_lock(&ctx->lock);
    same = ctx->broken && st->st_mtim.tv_sec == ctx->broken_mtime && st->st_mtim.tv_nsec == ctx->broken_ns;
    if (same)
        snprintf(err, errlen, "%s", ctx->broken_error);
    pthread_mutex_unlock(&ctx->lock);
    return same;
}

int dh_config_refresh(danehop_ctx *ctx, const dh_snap *s)
{
    const dh_config *cur = s->config;
    struct stat st;
    dh_config *c;
    char err[DH_ERR_MAX];
    int watch;

    pthread_mutex_lock(&ctx->lock);
    watch = ctx->watch;
    pthread_mutex_unlock(&ctx->lock);
    if (!watch || cur == NULL)
        return 0;
    if (stat(cur->path, &st) != 0)
        return dh_error("configuration %s: %s; refusing to decide", cur->path, strerror(errno));
    if (st.st_mtim.tv_sec == cur->mtime && st.st_mtim.tv_nsec == cur->mtime_ns)
        return 0;
    if (still_broken(ctx, &st, err, sizeof(err)))
        return dh_error("%s", err);
    if (dh_config_parse(cur->path, &c, err, sizeof(err)) != 0)
        return broken(ctx, &st, err);
    /* the version parsed may be newer than st: a later look re-checks */
    if (check_install(ctx, c) != 0) {
        snprintf(err, sizeof(err), "%s", danehop_ctx_error(ctx));
        dh_config_free(c);
        return broken(ctx, &st, err);
    }
    dh_config_free(c);
    return 1;
}

static const char *log_name(const dh_config *c)
{
    switch (c ? c->log : DH_LOG_UNSET) {
    case DH_LOG_NONE: return "none";
    case DH_LOG_SYSLOG: return "syslog";
    case DH_LOG_STDERR: return "stderr";
    case DH_LOG_FILE: return "file";
    default: return "default (the program decides)";
    }
}

/* describe_resolver - where answers come from */
static void describe_resolver(const dh_settings *r, dh_buf *b)
{
    int i;

    dh_buf_printf(b, "unbound_conf: %s\n", r->unbound_conf ? r->unbound_conf : "(none)");
    dh_buf_printf(b, "trust_anchor: %s\n",
                  r->trust_anchor   ? r->trust_anchor
                  : r->unbound_conf ? "(from unbound_conf)"
                                    : DH_DEFAULT_TRUST_ANCHOR);
    if (r->nforwarders) {
        dh_buf_add(b, "resolver: forward to");
        for (i = 0; i < r->nforwarders; i++)
            dh_buf_printf(b, " %s", r->forwarders[i]);
        dh_buf_add(b, "\n");
    } else if (r->recursion > 0) {
        dh_buf_add(b, "resolver: recursion from the root\n");
    } else if (r->unbound_conf && !r->resolv_conf) {
        dh_buf_add(b, "resolver: as unbound_conf says\n");
    } else {
        dh_buf_printf(b, "resolver: forward to the nameservers of %s\n",
                      r->resolv_conf ? r->resolv_conf : DH_DEFAULT_RESOLV_CONF);
    }
    dh_buf_printf(b, "query_timeout: %.2f s\ntotal_timeout: %.2f s\ncache_size: %ld\n", r->query_ms / 1000.0,
                  r->total_ms / 1000.0, r->cache_size);
}

char *danehop_ctx_describe(const danehop_ctx *cctx)
{
    danehop_ctx *ctx = (danehop_ctx *) cctx; /* the snapshot is held, not changed */
    dh_snap *s = dh_ctx_acquire(ctx);
    const dh_config *c = s->config;
    dh_buf b;

    dh_buf_init(&b, 1024 * 1024);
    dh_buf_printf(&b, "configuration: %s\n", c ? c->path : "(none)");
    describe_resolver(&s->eff, &b);
    dh_buf_printf(&b, "log: %s%s%s\n", log_name(c), c && c->log == DH_LOG_FILE ? " " : "",
                  c && c->log == DH_LOG_FILE ? c->log_file : "");
    if (c && c->daemon)
        dh_buf_printf(&b, "daemon: %s (when it fails: %s)\n", c->daemon,
                      c->daemon_fallback ? "decide locally" : "error, the mail waits");
    dh_buf_printf(&b, "rules: %zu\n", c ? dh_rules_count(c->rules) : (size_t) 0);
    if (c)
        dh_rules_describe(c->rules, &b);
    dh_snap_release(ctx, s);
    return dh_buf_finish(&b);
}
