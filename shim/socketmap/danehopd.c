/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * danehopd.c - the socketmap daemon: danehop's decisions for Postfix,
 * Sendmail and any other client of the socketmap protocol
 *
 * SYNOPSIS
 *   danehopd [--foreground] [--config FILE] --listen unix:PATH|inet:ADDR:PORT ...
 *            [--user USER] [--socket-mode MODE] [--socket-group GROUP]
 *            [--max-clients N] [--workers N] [--io-timeout S] [--idle-timeout S]
 *            [--metrics-file FILE] [--metrics-interval S] [--fingerprint] [--pidfile FILE]
 *
 * DESCRIPTION
 *   Every request is one netstring "<map> <key>", every reply one netstring
 *   (maps.c); the map "stats" answers the counters (stats.c).
 *
 *   Design: an event loop and a bounded worker pool. Postfix holds one
 *   persistent connection per smtp process (up to 1000 and more on a
 *   relay), mostly idle. One thread does all socket I/O over epoll
 *   (server.c), so an idle client costs a few hundred bytes, not a thread;
 *   --workers threads (workers.c) turn complete requests into replies. The
 *   decision engine's resolve call blocks, but all workers share one
 *   context and so one warm libunbound cache, whose single instance
 *   multiplexes every worker's questions: a slow DNS answer holds one
 *   worker, never the loop. An event loop driving libunbound's async fd
 *   directly would need an asynchronous engine API the library does not
 *   have; the pool gives the same concurrency with the engine unchanged.
 *
 *   Bounds: --max-clients connections (4096 by default; more are closed at
 *   once, the log rate-limited), requests of at most 10000 bytes (Postfix's
 *   socketmap_max_query_size). Deadlines per request, not per read: the
 *   whole request must arrive within --io-timeout seconds of its first
 *   byte, and the whole reply leave within --io-timeout, however slowly a
 *   client trickles; a client may wait --idle-timeout between requests.
 *   The decision itself is bounded by the configuration's DNS timeouts; a
 *   request that waited longer than --io-timeout for a worker is answered
 *   TEMP at once (overload fails closed).
 *
 *   Start-up, in order: load the configuration and check every file it
 *   needs as the user the daemon will run as (--user, taken on for the
 *   check only), listen (--listen, as root, or the sockets systemd
 *   passes), drop privileges for good, start the workers, detach, write
 *   the pid file, then report ready (systemd's sd_notify READY=1 under
 *   Type=notify). A problem at any step ends the daemon before it is
 *   ready. SIGHUP re-reads the configuration into a new context, checked
 *   the same way; a file that does not load is logged and the last good
 *   configuration stays in force. SIGTERM and SIGINT stop it cleanly (unix
 *   sockets it bound are removed).
 *
 * DIAGNOSTICS
 *   syslog (facility mail; the decisions go where the configuration says);
 *   also stderr with --foreground. Client-caused warnings are rate-limited.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#ifdef HAVE_SYSTEMD
#include <systemd/sd-daemon.h>
#endif

#include "danehop.h"
#include "decision.h"
#include "dlog.h"
#include "filecheck.h"
#include "help.h"
#include "listen.h"
#include "maps.h"
#include "context.h"
#include "netstring.h"
#include "server.h"
#include "stats.h"
#include "verdicts.h"
#include "workers.h"

#define DEFAULT_CONFIG "/etc/danehop.conf"
/* descriptors beyond the clients: listeners, log, pipes, resolver sockets */
#define FD_RESERVE 128

static struct {
    int foreground;
    const char *config;
    const char *user;
    listen_opts lo;
    const char *specs[MAX_LISTEN];
    int nspecs;
    int workers;
    server_opts so;
    const char *metrics_file;
    int metrics_interval;
    const char *pidfile;
    map_options maps;
} opt = {
    .lo = {.mode = 0660},
    .workers = 64,
    .so = {.max_clients = 4096, .io_timeout = 30, .idle_timeout = 600},
    .metrics_interval = 15,
};

/* the shared context; replaced on reload, freed when its last user leaves */
typedef struct shared {
    danehop_ctx *ctx;
    int refs;
} shared;

static pthread_mutex_t state_lock = PTHREAD_MUTEX_INITIALIZER;
static shared *current;
static int sigpipe_fd[2];

/* ---- the configuration ------------------------------------------------------- */

/* shared_new - load the configuration and check its files, as the user we run as */
static shared *shared_new(char *err, size_t errlen)
{
    shared *s = calloc(1, sizeof(*s));

    if (s == NULL || (s->ctx = danehop_ctx_new()) == NULL) {
        snprintf(err, errlen, "out of memory");
        free(s);
        return NULL;
    }
    /* a "daemon =" line in the shared danehop.conf is for the library's
     * other users: the daemon asking itself would never answer */
    s->ctx->no_daemon = 1;
    if (opt.config != NULL && (strcmp(opt.config, DEFAULT_CONFIG) != 0 || access(opt.config, F_OK) == 0) &&
        danehop_ctx_load_config(s->ctx, opt.config) != 0) {
        snprintf(err, errlen, "%s", danehop_ctx_error(s->ctx));
        goto fail;
    }
    if (filecheck_ctx(s->ctx, err, errlen) != 0)
        goto fail;
    s->refs = 1;
    return s;
fail:
    danehop_ctx_free(s->ctx);
    free(s);
    return NULL;
}

static shared *shared_get(void)
{
    shared *s;

    pthread_mutex_lock(&state_lock);
    s = current;
    s->refs++;
    pthread_mutex_unlock(&state_lock);
    return s;
}

static void shared_put(shared *s)
{
    int last;

    pthread_mutex_lock(&state_lock);
    last = --s->refs == 0;
    pthread_mutex_unlock(&state_lock);
    if (last) {
        danehop_ctx_free(s->ctx);
        free(s);
    }
}

static void notify(const char *state)
{
#ifdef HAVE_SYSTEMD
    sd_notify(0, state);
#else
    (void) state;
#endif
}

static void reload(void)
{
    char err[600];
    shared *s, *old;

    notify("RELOADING=1");
    if ((s = shared_new(err, sizeof(err))) == NULL) {
        stats_reload(0);
        stats_error(ST_ERR_RELOAD);
        dlog(LOG_ERR, "reload: %s; keeping the last good configuration", err);
        notify("READY=1");
        return;
    }
    pthread_mutex_lock(&state_lock);
    old = current;
    current = s;
    pthread_mutex_unlock(&state_lock);
    shared_put(old);
    stats_reload(1);
    dlog(LOG_INFO, "configuration %s reloaded", opt.config ? opt.config : "(defaults)");
    notify("READY=1");
}

/* ---- answering (in the workers, and cached answers on the loop) ----------------------------------------------- */

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* decided - each decision is logged and counted once, however often the cache hands it out */
static void decided(danehop_ctx *ctx, danehop_decision *d)
{
    if (dh_decision_first_use(d)) {
        danehop_log_decision(ctx, d, DANEHOP_LOG_SYSLOG);
        stats_decision(d);
    } else {
        stats_reused();
    }
}

/* framed - reply counted and framed into t->reply (NULL when out of memory) */
static void framed(wtask *t, st_map map, const char *reply)
{
    size_t n = strlen(reply);

    stats_request(map, stats_reply(reply), (double) (now_ms() - t->queued_ms) / 1000.0);
    /* sized to the reply: a client waiting to read holds no 100 KB buffer */
    if ((t->reply = malloc(n + 16)) == NULL)
        return;
    t->reply_len = ns_format(reply, n, t->reply, n + 16);
}

/* serve - one request into a framed reply (runs in a worker) */
static void serve(wtask *t, char *scratch)
{
    char *reply = scratch + 16;
    st_map map = stats_map(t->req, t->len);

    if (now_ms() - t->queued_ms > (long long) opt.so.io_timeout * 1000) {
        /* every worker was busy for longer than a client waits: the client has
         * likely given up; answer at once, and fail closed */
        snprintf(reply, MAP_MAX_REPLY, "TEMP danehopd overloaded: the request waited over %d s for a worker",
                 opt.so.io_timeout);
        stats_error(ST_ERR_OVERLOAD);
    } else if (map == ST_MAP_STATS) {
        memcpy(reply, "OK ", 3);
        if (stats_render(reply + 3, MAP_MAX_REPLY - 4) == 0)
            snprintf(reply, MAP_MAX_REPLY, "TEMP statistics too large");
    } else {
        shared *s = shared_get();

        map_lookup(s->ctx, &opt.maps, t->req, t->len, reply);
        shared_put(s);
    }
    framed(t, map, reply);
}

/*
 * answer_now - the loop's own answer (server_opts.answer_now), where
 * nothing can wait: a cached decision logged already, a malformed request
 * (map_lookup_cached). Its scratch is the loop thread's; 1 if answered.
 */
static int answer_now(wtask *t)
{
    static char *scratch;
    st_map map = stats_map(t->req, t->len);
    shared *s;
    int done;

    if (map == ST_MAP_STATS || (scratch == NULL && (scratch = malloc(WORKER_SCRATCH)) == NULL))
        return 0;
    s = shared_get();
    done = map_lookup_cached(s->ctx, &opt.maps, t->req, t->len, scratch + 16);
    shared_put(s);
    if (done)
        framed(t, map, scratch + 16);
    return done;
}

/* ---- the loop's hooks ----------------------------------------------------------- */

static int on_signal(int sig)
{
    if (sig == SIGHUP) {
        reload();
        return 1;
    }
    return 0;
}

static void write_metrics(void)
{
    if (opt.metrics_file != NULL && stats_write_file(opt.metrics_file) != 0)
        dlog_limited(DLOG_ACCEPT, LOG_ERR, "metrics file %s: %s", opt.metrics_file, strerror(errno));
}

static void on_tick(void)
{
    static time_t last;
    time_t now = time(NULL);

    dlog_tick();
    if (now - last >= opt.metrics_interval) {
        write_metrics();
        last = now;
    }
}

/* ---- start-up steps ---------------------------------------------------------------- */

/* usage - after a usage error: the usage lines of the --help text (help.c) */
static void usage(void)
{
    char buf[4096];
    FILE *f = fmemopen(buf, sizeof(buf), "w");
    char *blank;

    if (f == NULL)
        return;
    danehopd_help(f);
    fclose(f);
    buf[sizeof(buf) - 1] = '\0';
    if ((blank = strstr(buf, "\n\n")) != NULL)
        blank[1] = '\0';
    fputs(buf, stderr);
}

/* number - an option's decimal value in lo..hi, or -1 after saying why */
static int number(const char *name, const char *arg, int lo, int hi, int *out)
{
    char *end;
    long v = strtol(arg, &end, 10);

    if (*arg == '\0' || *end != '\0' || v < lo || v > hi) {
        fprintf(stderr, "danehopd: --%s: %d to %d\n", name, lo, hi);
        return -1;
    }
    *out = (int) v;
    return 0;
}

/* parse_options - 0, 1 (help given: exit 0) or -1 (exit 1) */
static int parse_options(int argc, char **argv)
{
    static const struct option options[] = {
        {"foreground", no_argument, NULL, 'f'},
        {"config", required_argument, NULL, 'c'},
        {"listen", required_argument, NULL, 'l'},
        {"user", required_argument, NULL, 'u'},
        {"socket-mode", required_argument, NULL, 'm'},
        {"socket-group", required_argument, NULL, 'g'},
        {"max-clients", required_argument, NULL, 'n'},
        {"workers", required_argument, NULL, 'w'},
        {"io-timeout", required_argument, NULL, 't'},
        {"idle-timeout", required_argument, NULL, 'i'},
        {"metrics-file", required_argument, NULL, 'M'},
        {"metrics-interval", required_argument, NULL, 'I'},
        {"fingerprint", no_argument, NULL, 'F'},
        {"pidfile", required_argument, NULL, 'p'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    int c, r = 0;
    char *end;

    opt.config = DEFAULT_CONFIG;
    while (r == 0 && (c = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (c) {
        case 'f': opt.foreground = 1; break;
        case 'c': opt.config = optarg; break;
        case 'l':
            if (opt.nspecs == MAX_LISTEN) {
                fprintf(stderr, "danehopd: at most %d --listen\n", MAX_LISTEN);
                return -1;
            }
            opt.specs[opt.nspecs++] = optarg;
            break;
        case 'u': opt.user = optarg; break;
        case 'g': opt.lo.group = optarg; break;
        case 'm':
            opt.lo.mode = (mode_t) strtoul(optarg, &end, 8);
            if (*end || opt.lo.mode > 0777) {
                fprintf(stderr, "danehopd: --socket-mode %s: an octal mode\n", optarg);
                return -1;
            }
            break;
        case 'n': r = number("max-clients", optarg, 1, 65536, &opt.so.max_clients); break;
        case 'w': r = number("workers", optarg, 1, 1024, &opt.workers); break;
        case 't': r = number("io-timeout", optarg, 1, 3600, &opt.so.io_timeout); break;
        case 'i': r = number("idle-timeout", optarg, 1, 86400, &opt.so.idle_timeout); break;
        case 'M': opt.metrics_file = optarg; break;
        case 'I': r = number("metrics-interval", optarg, 1, 3600, &opt.metrics_interval); break;
        case 'F': opt.maps.fingerprint = 1; break;
        case 'p': opt.pidfile = optarg; break;
        case 'h': danehopd_help(stdout); return 1;
        case 'V': printf("danehopd %s\n", danehop_version()); return 1;
        default: usage(); return -1;
        }
    }
    if (r != 0 || optind != argc) {
        if (r == 0)
            usage();
        return -1;
    }
    return 0;
}

/* open_listeners - systemd's sockets, else --listen; the count, or -1 */
static int open_listeners(listener *ls)
{
    int n = listener_inherit(ls, MAX_LISTEN), i;

    if (n < 0)
        return -1;
    if (n > 0) {
        if (opt.nspecs > 0)
            fprintf(stderr, "danehopd: socket activation: %d socket%s from systemd, --listen ignored\n", n,
                    n == 1 ? "" : "s");
        return n;
    }
    if (opt.nspecs == 0) {
        usage();
        return -1;
    }
    for (i = 0; i < opt.nspecs; i++) {
        if (listener_open(&ls[i], opt.specs[i], &opt.lo) != 0) {
            while (i-- > 0)
                listener_close(&ls[i]);
            return -1;
        }
    }
    return opt.nspecs;
}

/*
 * as_user - take on (on = 1) or put off (on = 0) the identity of --user,
 * effective ids only: the configuration and its files are checked as that
 * user before anything is bound, so a refusal leaves nothing behind
 */
static int as_user(int on)
{
    struct passwd *pw;

    if (opt.user == NULL)
        return 0;
    if (!on)
        return seteuid(0) == 0 && setegid(0) == 0 ? 0 : -1;
    if ((pw = getpwnam(opt.user)) == NULL) {
        fprintf(stderr, "danehopd: --user %s: no such user\n", opt.user);
        return -1;
    }
    if (initgroups(pw->pw_name, pw->pw_gid) != 0 || setegid(pw->pw_gid) != 0 || seteuid(pw->pw_uid) != 0) {
        fprintf(stderr, "danehopd: cannot become %s: %s\n", opt.user, strerror(errno));
        return -1;
    }
    return 0;
}

/* drop_privileges - become --user for good, after binding */
static int drop_privileges(void)
{
    struct passwd *pw;

    if (opt.user == NULL)
        return 0;
    if ((pw = getpwnam(opt.user)) == NULL) {
        fprintf(stderr, "danehopd: --user %s: no such user\n", opt.user);
        return -1;
    }
    if (initgroups(pw->pw_name, pw->pw_gid) != 0 || setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0) {
        fprintf(stderr, "danehopd: cannot become %s: %s\n", opt.user, strerror(errno));
        return -1;
    }
    return 0;
}

/* raise_fd_limit - room for every client (as root: the hard limit too); less is logged, and accept()
 * backs off when it runs out */
static void raise_fd_limit(void)
{
    struct rlimit rl;
    rlim_t want = (rlim_t) opt.so.max_clients + FD_RESERVE;

    if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= want)
        return;
    if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < want) {
        /* only root may raise the hard limit: this runs before the privileges go */
        struct rlimit both = {want, want};

        if (setrlimit(RLIMIT_NOFILE, &both) == 0)
            return;
    }
    rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= want ? want : rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
    if (rl.rlim_cur < want)
        dlog(LOG_WARNING,
             "descriptor limit %llu is below --max-clients %d + %d: raise LimitNOFILE (or ulimit -n); "
             "connections beyond it wait",
             (unsigned long long) rl.rlim_cur, opt.so.max_clients, FD_RESERVE);
}

static void on_signal_byte(int sig)
{
    unsigned char c = (unsigned char) sig;
    int saved = errno;

    if (write(sigpipe_fd[1], &c, 1) < 0) {
        /* the pipe is full: a signal is already pending */
    }
    errno = saved;
}

static int catch_signals(void)
{
    struct sigaction sa;

    if (pipe(sigpipe_fd) != 0 || fcntl(sigpipe_fd[0], F_SETFL, O_NONBLOCK) != 0 ||
        fcntl(sigpipe_fd[1], F_SETFL, O_NONBLOCK) != 0 || fcntl(sigpipe_fd[0], F_SETFD, FD_CLOEXEC) != 0 ||
        fcntl(sigpipe_fd[1], F_SETFD, FD_CLOEXEC) != 0) {
        perror("danehopd: pipe");
        return -1;
    }
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal_byte;
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    return 0;
}

/* check_own_files - the files of the daemon itself, as the user it runs as */
static int check_own_files(void)
{
    char err[600];

    if (opt.metrics_file != NULL && filecheck_writable(opt.metrics_file, err, sizeof(err)) != 0) {
        fprintf(stderr, "danehopd: --metrics-file: %s\n", err);
        return -1;
    }
    return 0;
}

/*
 * write_pidfile - our pid in opt.pidfile. Never through a symbolic link or
 * into a FIFO planted at that name: whoever can write to its directory must
 * not make us truncate another file or hang.
 */
static int write_pidfile(void)
{
    char line[32];
    struct stat st;
    int fd, n, ok;

    if (opt.pidfile == NULL)
        return 0;
    fd = open(opt.pidfile, O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0644);
    if (fd < 0) {
        dlog(LOG_ERR, "pidfile %s: %s", opt.pidfile, strerror(errno));
        return -1;
    }
    n = snprintf(line, sizeof(line), "%d\n", (int) getpid());
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        dlog(LOG_ERR, "pidfile %s: not a regular file", opt.pidfile);
        close(fd);
        return -1;
    }
    ok = ftruncate(fd, 0) == 0 && write(fd, line, (size_t) n) == n;
    if (!ok)
        dlog(LOG_ERR, "pidfile %s: %s", opt.pidfile, strerror(errno));
    if (close(fd) != 0)
        ok = 0;
    return ok ? 0 : -1;
}

/* check_as_user - the configuration and every file, as the user we will run as */
static int check_as_user(void)
{
    char err[600] = "";

    if (as_user(1) != 0)
        return -1;
    if ((current = shared_new(err, sizeof(err))) == NULL)
        fprintf(stderr, "danehopd: %s\n", err);
    if (current == NULL || check_own_files() != 0) {
        as_user(0);
        return -1;
    }
    if (as_user(0) != 0) {
        perror("danehopd: back to root");
        return -1;
    }
    return 0;
}

/* start - everything up to ready; the listener count, or -1 */
static int start(listener *ls)
{
    int n, i;

    if (check_as_user() != 0 || (n = open_listeners(ls)) < 0)
        return -1;
    raise_fd_limit();
    if (drop_privileges() != 0 || catch_signals() != 0)
        goto fail;
    if (!opt.foreground && daemon(0, 0) != 0) {
        perror("danehopd: daemon");
        goto fail;
    }
    /* threads after daemon(): fork keeps only the calling thread */
    if (server_notify_fd() < 0 || workers_start(opt.workers, serve, server_notify_fd()) != 0) {
        dlog(LOG_ERR, "cannot start %d workers: %s", opt.workers, strerror(errno));
        goto fail;
    }
    if (write_pidfile() != 0) {
        workers_stop();
        goto fail;
    }
    return n;
fail:
    for (i = 0; i < n; i++)
        listener_close(&ls[i]);
    return -1;
}

int main(int argc, char **argv)
{
    listener ls[MAX_LISTEN];
    int n, r, i;

    if ((r = parse_options(argc, argv)) != 0)
        return r > 0 ? 0 : 1;
    dlog_init(opt.foreground);
    stats_start();
    if ((n = start(ls)) < 0)
        return 1;
    write_metrics();
    verdicts_init();
    dlog(LOG_INFO, "ready: %d socket%s, %d workers, up to %d clients, configuration %s", n, n == 1 ? "" : "s",
         opt.workers, opt.so.max_clients, opt.config);
    notify("READY=1");
    opt.maps.decided = decided;
    opt.maps.rechecked = stats_check_reused;
    opt.so.on_signal = on_signal;
    opt.so.on_tick = on_tick;
    opt.so.answer_now = answer_now;
    r = server_run(ls, n, sigpipe_fd[0], &opt.so);
    notify("STOPPING=1");
    for (i = 0; i < n; i++)
        listener_close(&ls[i]);
    write_metrics();
    if (opt.pidfile)
        unlink(opt.pidfile);
    shared_put(current);
    dlog(LOG_INFO, "stopped");
    return r == 0 ? 0 : 1;
}
