/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * danehopd.c - the socketmap daemon: danehop's decisions for Postfix,
 * Sendmail and any other client of the socketmap protocol
 *
 * SYNOPSIS
 *   danehopd [--foreground] [--config FILE] --listen unix:PATH|inet:ADDR:PORT ...
 *            [--user USER] [--socket-mode MODE] [--socket-group GROUP]
 *            [--max-clients N] [--io-timeout S] [--fingerprint] [--pidfile FILE]
 *
 * DESCRIPTION
 *   Every request is one netstring "<map> <key>", every reply one netstring
 *   (maps.c). Each client gets a thread; all threads share one danehop
 *   context, so one warm libunbound cache serves every client, and a slow
 *   DNS answer for one client holds up only that client.
 *
 *   Bounds: requests of at most 10000 bytes (Postfix's socketmap_max_query_size),
 *   --max-clients connections (more are closed at once), --io-timeout
 *   seconds for a client to send a request or take a reply. The decision
 *   itself is bounded by the configuration's timeouts.
 *
 *   The daemon is ready when its sockets accept connections: they listen
 *   before it detaches. Privileges are dropped (--user) after binding.
 *   SIGHUP re-reads the configuration into a new context; a file that does
 *   not load is logged and the last good configuration stays in force.
 *   SIGTERM and SIGINT stop it cleanly (unix sockets are removed).
 *
 * DIAGNOSTICS
 *   syslog (facility from the configuration, mail by default); also stderr
 *   with --foreground.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <syslog.h>
#include <unistd.h>

#include "danehop.h"
#include "help.h"
#include "maps.h"
#include "netstring.h"

#define MAX_LISTEN     8
#define MAX_REQUEST    10000
#define DEFAULT_CONFIG "/etc/danehop.conf"

static struct {
    int foreground;
    const char *config;
    const char *user;
    const char *group;
    mode_t mode;
    int max_clients;
    int io_timeout;
    const char *pidfile;
    map_options maps;
} opt = {.mode = 0660, .max_clients = 64, .io_timeout = 30};

typedef struct listener {
    int fd;
    char unix_path[sizeof(((struct sockaddr_un *) 0)->sun_path)];
    const char *spec;
} listener;

/* the shared context; replaced on reload, freed when its last user leaves */
typedef struct shared {
    danehop_ctx *ctx;
    int refs;
} shared;

static pthread_mutex_t state_lock = PTHREAD_MUTEX_INITIALIZER;
static shared *current;
static int clients;
static int sigpipe_fd[2];

static void say(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void say(int prio, const char *fmt, ...)
{
    char line[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    syslog(prio, "%s", line);
    if (opt.foreground)
        fprintf(stderr, "danehopd: %s\n", line);
}

static shared *shared_new(char *err, size_t errlen)
{
    shared *s = calloc(1, sizeof(*s));

    if (s == NULL || (s->ctx = danehop_ctx_new()) == NULL) {
        snprintf(err, errlen, "out of memory");
        free(s);
        return NULL;
    }
    if (opt.config != NULL && (strcmp(opt.config, DEFAULT_CONFIG) != 0 || access(opt.config, F_OK) == 0) &&
        danehop_ctx_load_config(s->ctx, opt.config) != 0) {
        snprintf(err, errlen, "%s", danehop_ctx_error(s->ctx));
        danehop_ctx_free(s->ctx);
        free(s);
        return NULL;
    }
    s->refs = 1;
    return s;
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

static void reload(void)
{
    char err[600];
    shared *s = shared_new(err, sizeof(err)), *old;

    if (s == NULL) {
        say(LOG_ERR, "reload: %s; keeping the last good configuration", err);
        return;
    }
    pthread_mutex_lock(&state_lock);
    old = current;
    current = s;
    pthread_mutex_unlock(&state_lock);
    shared_put(old);
    say(LOG_INFO, "configuration %s reloaded", opt.config ? opt.config : "(defaults)");
}

/* ---- clients --------------------------------------------------------------- */

static int write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);

        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t) w;
    }
    return 0;
}

static void *client(void *arg)
{
    int fd = (int) (intptr_t) arg;
    char *buf = malloc(MAX_REQUEST + 16), *reply = malloc(MAP_MAX_REPLY),
         *framed = malloc(MAP_MAX_REPLY + 16);
    size_t have = 0;

    if (buf == NULL || reply == NULL || framed == NULL)
        goto out;
    for (;;) {
        const char *payload;
        size_t plen, used, n;
        ns_status st = ns_parse(buf, have, MAX_REQUEST, &payload, &plen, &used);

        if (st == NS_MORE) {
            ssize_t r;

            if (have >= MAX_REQUEST + 16)
                break;
            r = read(fd, buf + have, MAX_REQUEST + 16 - have);
            if (r < 0 && errno == EINTR)
                continue;
            if (r <= 0)
                break; /* closed, or idle/stalled past --io-timeout */
            have += (size_t) r;
            continue;
        }
        if (st != NS_OK) {
            say(LOG_WARNING, "client sent %s: disconnected",
                st == NS_TOO_LONG ? "a request over 10000 bytes" : "a malformed netstring");
            break;
        }
        {
            shared *s = shared_get();

            map_lookup(s->ctx, &opt.maps, payload, plen, reply);
            shared_put(s);
        }
        n = ns_format(reply, strlen(reply), framed, MAP_MAX_REPLY + 16);
        if (n == 0 || write_all(fd, framed, n) != 0)
            break;
        memmove(buf, buf + used, have - used);
        have -= used;
    }
out:
    free(buf);
    free(reply);
    free(framed);
    close(fd);
    pthread_mutex_lock(&state_lock);
    clients--;
    pthread_mutex_unlock(&state_lock);
    return NULL;
}

static void accept_client(int lfd)
{
    struct timeval tv = {opt.io_timeout, 0};
    pthread_attr_t attr;
    pthread_t t;
    int fd = accept(lfd, NULL, NULL), busy;

    if (fd < 0)
        return;
    pthread_mutex_lock(&state_lock);
    busy = clients >= opt.max_clients;
    if (!busy)
        clients++;
    pthread_mutex_unlock(&state_lock);
    if (busy) {
        say(LOG_WARNING, "more than %d clients: connection refused", opt.max_clients);
        close(fd);
        return;
    }
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&t, &attr, client, (void *) (intptr_t) fd) != 0) {
        close(fd);
        pthread_mutex_lock(&state_lock);
        clients--;
        pthread_mutex_unlock(&state_lock);
    }
    pthread_attr_destroy(&attr);
}

/* ---- listening --------------------------------------------------------------- */

static int is_loopback(const struct sockaddr_storage *ss)
{
    if (ss->ss_family == AF_INET)
        return (ntohl(((const struct sockaddr_in *) ss)->sin_addr.s_addr) >> 24) == 127;
    return IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *) ss)->sin6_addr);
}

static int listen_on(listener *l, const char *spec)
{
    struct sockaddr_storage ss;
    socklen_t sl;
    int one = 1;

    memset(&ss, 0, sizeof(ss));
    l->spec = spec;
    l->unix_path[0] = '\0';
    if (strncmp(spec, "unix:", 5) == 0) {
        struct sockaddr_un *su = (struct sockaddr_un *) &ss;
        struct stat st;

        if (strlen(spec + 5) == 0 || strlen(spec + 5) >= sizeof(su->sun_path)) {
            fprintf(stderr, "danehopd: %s: bad socket path\n", spec);
            return -1;
        }
        su->sun_family = AF_UNIX;
        strcpy(su->sun_path, spec + 5);
        /* a stale socket from a previous run may go, nothing else */
        if (lstat(su->sun_path, &st) == 0 && S_ISSOCK(st.st_mode))
            unlink(su->sun_path);
        sl = sizeof(*su);
        strcpy(l->unix_path, su->sun_path);
    } else if (strncmp(spec, "inet:", 5) == 0) {
        char host[64];
        const char *colon = strrchr(spec + 5, ':');
        unsigned long port;
        size_t hl;

        if (colon == NULL || (hl = (size_t) (colon - spec - 5)) == 0 || hl >= sizeof(host)) {
            fprintf(stderr, "danehopd: %s: want inet:ADDRESS:PORT\n", spec);
            return -1;
        }
        memcpy(host, spec + 5, hl);
        host[hl] = '\0';
        if (host[0] == '[' && hl > 2 && host[hl - 1] == ']') {
            memmove(host, host + 1, hl - 2);
            host[hl - 2] = '\0';
        }
        port = strtoul(colon + 1, NULL, 10);
        if (port < 1 || port > 65535) {
            fprintf(stderr, "danehopd: %s: bad port\n", spec);
            return -1;
        }
        if (inet_pton(AF_INET, host, &((struct sockaddr_in *) &ss)->sin_addr) == 1) {
            ss.ss_family = AF_INET;
            ((struct sockaddr_in *) &ss)->sin_port = htons((unsigned short) port);
            sl = sizeof(struct sockaddr_in);
        } else if (inet_pton(AF_INET6, host, &((struct sockaddr_in6 *) &ss)->sin6_addr) == 1) {
            ss.ss_family = AF_INET6;
            ((struct sockaddr_in6 *) &ss)->sin6_port = htons((unsigned short) port);
            sl = sizeof(struct sockaddr_in6);
        } else {
            fprintf(stderr, "danehopd: %s: not an IP address\n", spec);
            return -1;
        }
        /* the protocol has no authentication: loopback only */
        if (!is_loopback(&ss)) {
            fprintf(stderr, "danehopd: %s: only loopback addresses (socketmap is unauthenticated)\n", spec);
            return -1;
        }
    } else {
        fprintf(stderr, "danehopd: --listen %s: want unix:PATH or inet:ADDRESS:PORT\n", spec);
        return -1;
    }
    if ((l->fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
        setsockopt(l->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
        bind(l->fd, (struct sockaddr *) &ss, sl) != 0 || listen(l->fd, 128) != 0) {
        fprintf(stderr, "danehopd: %s: %s\n", spec, strerror(errno));
        return -1;
    }
    if (l->unix_path[0]) {
        struct group *g = opt.group ? getgrnam(opt.group) : NULL;

        if (opt.group && g == NULL) {
            fprintf(stderr, "danehopd: --socket-group %s: no such group\n", opt.group);
            return -1;
        }
        if ((g && chown(l->unix_path, (uid_t) -1, g->gr_gid) != 0) || chmod(l->unix_path, opt.mode) != 0) {
            fprintf(stderr, "danehopd: %s: %s\n", l->unix_path, strerror(errno));
            return -1;
        }
    }
    return 0;
}

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

static void on_signal(int sig)
{
    unsigned char c = (unsigned char) sig;
    int saved = errno;

    if (write(sigpipe_fd[1], &c, 1) < 0) {
        /* the pipe is full: a signal is already pending */
    }
    errno = saved;
}

static void usage(void)
{
    fprintf(stderr, "usage: danehopd [--foreground] [--config FILE] --listen unix:PATH|inet:ADDR:PORT ...\n"
                    "                [--user USER] [--socket-mode MODE] [--socket-group GROUP]\n"
                    "                [--max-clients N] [--io-timeout S] [--fingerprint] [--pidfile FILE]\n");
}

int main(int argc, char **argv)
{
    static const struct option options[] = {
        {"foreground", no_argument, NULL, 'f'},
        {"config", required_argument, NULL, 'c'},
        {"listen", required_argument, NULL, 'l'},
        {"user", required_argument, NULL, 'u'},
        {"socket-mode", required_argument, NULL, 'm'},
        {"socket-group", required_argument, NULL, 'g'},
        {"max-clients", required_argument, NULL, 'n'},
        {"io-timeout", required_argument, NULL, 't'},
        {"fingerprint", no_argument, NULL, 'F'},
        {"pidfile", required_argument, NULL, 'p'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    listener ls[MAX_LISTEN];
    const char *specs[MAX_LISTEN];
    struct pollfd pfd[MAX_LISTEN + 1];
    int nspecs = 0, c, i, running = 1;
    char err[600], *end;
    struct sigaction sa;

    opt.config = DEFAULT_CONFIG;
    while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (c) {
        case 'f': opt.foreground = 1; break;
        case 'c': opt.config = optarg; break;
        case 'l':
            if (nspecs == MAX_LISTEN) {
                fprintf(stderr, "danehopd: at most %d --listen\n", MAX_LISTEN);
                return 1;
            }
            specs[nspecs++] = optarg;
            break;
        case 'u': opt.user = optarg; break;
        case 'g': opt.group = optarg; break;
        case 'm':
            opt.mode = (mode_t) strtoul(optarg, &end, 8);
            if (*end || opt.mode > 0777) {
                fprintf(stderr, "danehopd: --socket-mode %s: an octal mode\n", optarg);
                return 1;
            }
            break;
        case 'n':
            opt.max_clients = (int) strtol(optarg, &end, 10);
            if (*end || opt.max_clients < 1 || opt.max_clients > 4096) {
                fprintf(stderr, "danehopd: --max-clients: 1 to 4096\n");
                return 1;
            }
            break;
        case 't':
            opt.io_timeout = (int) strtol(optarg, &end, 10);
            if (*end || opt.io_timeout < 1 || opt.io_timeout > 3600) {
                fprintf(stderr, "danehopd: --io-timeout: 1 to 3600 seconds\n");
                return 1;
            }
            break;
        case 'F': opt.maps.fingerprint = 1; break;
        case 'p': opt.pidfile = optarg; break;
        case 'h': danehopd_help(stdout); return 0;
        case 'V': printf("danehopd %s\n", danehop_version()); return 0;
        default: usage(); return 1;
        }
    }
    if (nspecs == 0 || optind != argc) {
        usage();
        return 1;
    }
    openlog("danehopd", LOG_PID, LOG_MAIL);
    /* the configuration first: a bad file never starts a daemon */
    if ((current = shared_new(err, sizeof(err))) == NULL) {
        fprintf(stderr, "danehopd: %s\n", err);
        return 1;
    }
    for (i = 0; i < nspecs; i++)
        if (listen_on(&ls[i], specs[i]) != 0)
            return 1;
    if (drop_privileges() != 0)
        return 1;
    if (pipe(sigpipe_fd) != 0 || fcntl(sigpipe_fd[1], F_SETFL, O_NONBLOCK) != 0) {
        perror("danehopd: pipe");
        return 1;
    }
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    if (!opt.foreground && daemon(0, 0) != 0) {
        perror("danehopd: daemon");
        return 1;
    }
    if (opt.pidfile != NULL) {
        FILE *f = fopen(opt.pidfile, "w");

        if (f == NULL || fprintf(f, "%d\n", (int) getpid()) < 0 || fclose(f) != 0)
            say(LOG_WARNING, "pidfile %s: %s", opt.pidfile, strerror(errno));
    }
    say(LOG_INFO, "listening (%d socket%s, configuration %s)", nspecs, nspecs == 1 ? "" : "s", opt.config);
    for (i = 0; i < nspecs; i++) {
        pfd[i].fd = ls[i].fd;
        pfd[i].events = POLLIN;
    }
    pfd[nspecs].fd = sigpipe_fd[0];
    pfd[nspecs].events = POLLIN;
    while (running) {
        if (poll(pfd, (nfds_t) nspecs + 1, -1) < 0) {
            if (errno == EINTR)
                continue;
            say(LOG_ERR, "poll: %s", strerror(errno));
            break;
        }
        if (pfd[nspecs].revents & POLLIN) {
            unsigned char sig;

            while (read(sigpipe_fd[0], &sig, 1) == 1) {
                if (sig == SIGHUP)
                    reload();
                else
                    running = 0;
                break;
            }
        }
        for (i = 0; i < nspecs && running; i++)
            if (pfd[i].revents & POLLIN)
                accept_client(ls[i].fd);
    }
    for (i = 0; i < nspecs; i++) {
        close(ls[i].fd);
        if (ls[i].unix_path[0])
            unlink(ls[i].unix_path);
    }
    if (opt.pidfile)
        unlink(opt.pidfile);
    say(LOG_INFO, "stopped");
    return 0;
}
