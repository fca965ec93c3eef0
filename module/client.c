/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * NAME
 *   client - danehop.h for a process that asks danehopd for everything
 *
 * SYNOPSIS
 *   danehop_ctx *danehop_ctx_new(void);
 *   int danehop_ctx_load_config(danehop_ctx *ctx, const char *path);
 *   int danehop_resolve(danehop_ctx *ctx, ...);
 *   danehop_verdict *danehop_verify_host(const danehop_host *h, ...);
 *
 * DESCRIPTION
 *   Exim forks a process per delivery and loads the module in each. The
 *   engine's link set (libunbound, libevent, nettle, OpenSSL) costs such a
 *   process milliseconds to map and start before it does anything, even
 *   when every decision comes from a warm danehopd. This file is the other
 *   implementation of the part of danehop.h that the Exim module uses
 *   (context, resolve, verify, log), built into danehop_exim_client.so,
 *   which links libc and PCRE2 only:
 *
 *   - danehop_resolve() asks danehopd's decision-v1 map (daemon.c), as the
 *     engine does under "daemon =": the same decision, crossing whole.
 *   - danehop_verify_host() has danehopd check the chain (verify-v1)
 *     against exactly the TLSA records and names of that decision's host.
 *     The daemon is trusted with the decision already; a verdict from it
 *     is no more trust than that.
 *
 *   The configuration file is read by the engine's parser (confparse.c),
 *   so a file one module refuses the other refuses too. It must send every
 *   decision to a daemon: "daemon = unix:/path" and no "daemon_fallback =
 *   local"; a file without that is refused, and every decision with it, so
 *   the MTA defers: with no engine here, there is nothing to fall back to.
 *
 *   danehop_verify_host() takes no context: chains go to the daemon of the
 *   configuration this process loaded last (an Exim delivery process loads
 *   one). With none loaded, or the daemon unreachable, the verdict is
 *   "not authenticated", with the reason.
 *
 *   Everything else in danehop.h that the Exim module calls (decisions,
 *   hosts, matching, errors) is the same code as the engine's.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "confparse.h"
#include "daemon.h"
#include "danehop.h"
#include "decision.h"
#include "error.h"
#include "logdest.h"
#include "name.h"
#include "settings.h"
#include "verdict.h"

struct danehop_ctx {
    pthread_mutex_t lock;
    dh_config *config; /* the version in force, or NULL; its path is the file watched */
    int watch;
    /* the file changed and does not load: refuse until it changes again */
    int broken;
    struct timespec broken_mtime;
    char broken_error[DH_ERR_MAX];
};

/* where danehop_verify_host() sends chains: the last configuration loaded */
static pthread_mutex_t last_lock = PTHREAD_MUTEX_INITIALIZER;
static char last_daemon[DH_DAEMON_ADDR_MAX + 8];
static unsigned last_timeout_ms;

/* danehop_ctx_new - an empty context: no configuration, so no decision until one is loaded */
danehop_ctx *danehop_ctx_new(void)
{
    danehop_ctx *ctx = calloc(1, sizeof(*ctx));

    if (ctx == NULL || pthread_mutex_init(&ctx->lock, NULL) != 0) {
        free(ctx);
        dh_fail(DANEHOP_E_NOMEM, "out of memory");
        return NULL;
    }
    return ctx;
}

/* danehop_ctx_free - the context and its reference to the configuration */
void danehop_ctx_free(danehop_ctx *ctx)
{
    if (ctx == NULL)
        return;
    dh_config_free(ctx->config);
    pthread_mutex_destroy(&ctx->lock);
    free(ctx);
}

static unsigned timeout_ms(const dh_config *c)
{
    return c->res.query_ms ? c->res.query_ms : DH_DEFAULT_QUERY_MS;
}

/* parse - the file, if it sends every decision to a daemon; else NULL and the error */
static dh_config *parse(const char *path)
{
    char err[DH_ERR_MAX - 64];
    dh_config *c;

    if (dh_config_parse(path, &c, err, sizeof(err)) != 0) {
        dh_error("%s", err);
        return NULL;
    }
    if (c->daemon == NULL || c->daemon_fallback) {
        dh_error("%.300s: this is danehop's daemon client (danehop_exim_client.so), which takes every "
                 "decision from danehopd: %s, or load danehop_exim.so, which decides in-process",
                 path,
                 c->daemon ? "remove \"daemon_fallback = local\" (there is no engine here to fall back to)"
                           : "set \"daemon = unix:/path/of/danehopd.sock\"");
        dh_config_free(c);
        return NULL;
    }
    return c;
}

/* install - c in force (its reference taken), and chains sent to its daemon */
static void install(danehop_ctx *ctx, dh_config *c)
{
    dh_config *old;

    pthread_mutex_lock(&ctx->lock);
    old = ctx->config;
    ctx->config = c;
    ctx->broken = 0;
    pthread_mutex_unlock(&ctx->lock);
    dh_config_free(old);
    pthread_mutex_lock(&last_lock);
    snprintf(last_daemon, sizeof(last_daemon), "%s", c->daemon);
    last_timeout_ms = timeout_ms(c);
    pthread_mutex_unlock(&last_lock);
}

/* danehop_ctx_load_config - path in force, if it sends everything to a daemon (parse) */
int danehop_ctx_load_config(danehop_ctx *ctx, const char *path)
{
    dh_config *c;

    if (ctx == NULL || path == NULL || *path == '\0')
        return dh_error("configuration: empty path");
    if (strlen(path) >= 1024)
        return dh_error("configuration: path too long");
    if ((c = parse(path)) == NULL)
        return -1;
    install(ctx, c);
    return 0;
}

/* danehop_ctx_watch_config - re-read the file when it changes (current) */
int danehop_ctx_watch_config(danehop_ctx *ctx, int on)
{
    if (ctx == NULL)
        return dh_error("no context");
    pthread_mutex_lock(&ctx->lock);
    ctx->watch = on != 0;
    pthread_mutex_unlock(&ctx->lock);
    return 0;
}

/*
 * current - the configuration to decide with (a reference), re-read first
 * where watching is on and the file changed; NULL with the error set
 */
static dh_config *current(danehop_ctx *ctx)
{
    char path[1024], why[DH_ERR_MAX];
    struct stat st;
    dh_config *c;
    int watch, known;

    /* the file watched is the one the version in force came from: read
     * with it, under the lock, never from a field another thread rewrites */
    pthread_mutex_lock(&ctx->lock);
    c = ctx->config ? dh_config_ref(ctx->config) : NULL;
    watch = ctx->watch;
    pthread_mutex_unlock(&ctx->lock);
    if (c == NULL)
        return dh_error("no configuration loaded: the daemon client needs a danehop.conf that says "
                        "\"daemon = unix:/path\""),
               NULL;
    if (!watch)
        return c;
    if (stat(c->path, &st) != 0) {
        /* gone or unreadable: refuse, as the engine does (conffile.c), rather
         * than keep asking the daemon of a file that no longer says so */
        int e = errno;

        dh_error("configuration %.300s: %s; refusing to decide", c->path, strerror(e));
        dh_config_free(c);
        return NULL;
    }
    if (st.st_mtim.tv_sec == c->mtime && st.st_mtim.tv_nsec == c->mtime_ns)
        return c;
    snprintf(path, sizeof(path), "%s", c->path);
    dh_config_free(c);
    /* the refusal is copied under the lock: another thread may rewrite it */
    pthread_mutex_lock(&ctx->lock);
    known = ctx->broken && st.st_mtim.tv_sec == ctx->broken_mtime.tv_sec &&
            st.st_mtim.tv_nsec == ctx->broken_mtime.tv_nsec;
    if (known)
        memcpy(why, ctx->broken_error, sizeof(why));
    pthread_mutex_unlock(&ctx->lock);
    if (known)
        return dh_error("%s", why), NULL;
    if ((c = parse(path)) == NULL) {
        /* the changed file does not load: refuse, as the engine does */
        snprintf(why, sizeof(why), "%.420s (configuration changed and does not load; refusing to decide)",
                 danehop_ctx_error(ctx));
        pthread_mutex_lock(&ctx->lock);
        ctx->broken = 1;
        ctx->broken_mtime = st.st_mtim;
        memcpy(ctx->broken_error, why, sizeof(why));
        pthread_mutex_unlock(&ctx->lock);
        return dh_error("%s", why), NULL;
    }
    install(ctx, dh_config_ref(c));
    return c;
}

/* checked - name as the engine takes it (dh_name_check), into buf; NULL stays NULL */
static int checked(const char *what, const char *name, char *buf, const char **out)
{
    dh_name_status st;

    *out = NULL;
    if (name == NULL)
        return 0;
    if ((st = dh_name_check(name, buf)) != DH_NAME_OK)
        return dh_fail(DANEHOP_E_INPUT, "%s \"%.300s\": %s", what, name, dh_name_strerror(st));
    *out = buf;
    return 0;
}

/* danehop_resolve - the names checked as the engine checks them, the decision from the daemon */
int danehop_resolve(danehop_ctx *ctx, const char *domain, const char *host, unsigned port,
                    danehop_policy policy, unsigned flags, danehop_decision **out)
{
    char ndomain[DH_NAME_BUF], nhost[DH_NAME_BUF];
    const char *d, *h;
    dh_config *c;
    int rc;

    *out = NULL;
    if (ctx == NULL)
        return dh_error("no context");
    if (domain == NULL && host == NULL)
        return dh_fail(DANEHOP_E_INPUT, "nothing to resolve: give a domain, a host, or both");
    if (checked("domain", domain, ndomain, &d) != 0 || checked("host", host, nhost, &h) != 0)
        return -1;
    if (port < 1 || port > 65535)
        return dh_fail(DANEHOP_E_INPUT, "port %u: must be 1 to 65535", port);
    if ((c = current(ctx)) == NULL)
        return -1;
    rc = dh_daemon_decide(c->daemon, timeout_ms(c), d, h, port, policy, flags, out);
    if (rc == 0)
        (*out)->from_daemon = 1;
    dh_config_free(c);
    return rc;
}

/* danehop_verify_host - the chain checked by the daemon of the last configuration loaded */
danehop_verdict *danehop_verify_host(const danehop_host *h, const unsigned char *const *der,
                                     const size_t *derlen, size_t nder)
{
    char daemon[sizeof(last_daemon)];
    danehop_verdict *v = NULL;
    unsigned ms;

    pthread_mutex_lock(&last_lock);
    memcpy(daemon, last_daemon, sizeof(daemon));
    ms = last_timeout_ms;
    pthread_mutex_unlock(&last_lock);
    if (*daemon != '\0' && dh_daemon_verify(daemon, ms, h, der, derlen, nder, &v) == 0)
        return v;
    /* no answer is no authentication: the reason goes where the verdict's would */
    if ((v = dh_verdict_new()) != NULL)
        snprintf(v->reason, sizeof(v->reason), "danehopd did not check the chain: %s",
                 *daemon ? danehop_ctx_error(NULL) : "no configuration with a daemon loaded");
    return v;
}

/* danehop_log_line - line where the configuration in force says (logdest.c) */
void danehop_log_line(const danehop_ctx *ctx, int fallback, int warning, const char *line)
{
    dh_config *c = NULL;

    if (ctx != NULL) {
        pthread_mutex_lock((pthread_mutex_t *) &ctx->lock);
        c = ctx->config ? dh_config_ref(ctx->config) : NULL;
        pthread_mutex_unlock((pthread_mutex_t *) &ctx->lock);
    }
    dh_log_emit(c, fallback, warning, line);
    dh_config_free(c);
}
