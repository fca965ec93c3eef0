/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * server.c - danehopd's event loop: every client, on one thread
 *
 * SYNOPSIS
 *   #include "server.h"
 *
 * DESCRIPTION
 *   Postfix keeps one socketmap connection open per smtp process: 100 by
 *   default, 500 to 1000 on a busy relay, each idle most of the time. So a
 *   client must cost little while it waits: one epoll registration and a
 *   struct with a 512-byte buffer (grown to the 10000-byte limit only for
 *   a request that needs it, and shrunk back after; a chain check,
 *   verify-v1, may grow it to MAX_CHECK_REQUEST once its first bytes name
 *   that map). It grows fourfold at a time, never to a limit at once: a
 *   client that names the map and a length and then waits holds 2 KiB, not
 *   96 KiB of address space. A thread per client
 *   would cost a stack each and let 1000 clients run 1000 decisions at
 *   once; here one thread does all socket I/O with non-blocking sockets and
 *   hands complete requests to the bounded worker pool (workers.c).
 *
 *   A request that cannot wait (server_opts.answer_now: a decision in the
 *   cache, logged already; a malformed request) is answered here at once:
 *   handing it to a worker and its reply back costs two thread wake-ups, a
 *   third of a cached answer's round trip. Only INLINE_RUN in a row per
 *   client and INLINE_ROUND per wake-up in all, so no client's pipelined
 *   stream, nor many clients at once, can hold the loop: the rest go to the
 *   workers as before.
 *
 *   A client is in one of four states:
 *     idle     no byte of a request yet; closed after --idle-timeout
 *     reading  part of a request; the whole request must arrive within
 *              --io-timeout of its first byte, however it trickles in
 *     busy     with a worker; not watched (its next request waits in the
 *              kernel), no deadline (the configuration's DNS timeouts
 *              bound the decision)
 *     writing  the reply must leave within --io-timeout
 *   Deadlines are checked by a sweep four times a second.
 *
 *   Out of file descriptors (EMFILE, ENFILE) accept() fails while the
 *   connection stays queued, so a level-triggered loop would spin. The
 *   listeners are paused instead, for 50 ms doubling to 1 s while it
 *   lasts, and resumed as soon as a client leaves; the waiting connections
 *   stay in the kernel's queue and are served then, not refused. The
 *   warnings are rate-limited (dlog.c).
 */
#define _GNU_SOURCE /* accept4 */
#include "server.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "dlog.h"
#include "netstring.h"
#include "stats.h"

#define SMALL_BUF    512
#define ACCEPT_BURST 64  /* accepts per wake-up, so clients already here are not starved */
#define SWEEP_MS     250 /* how often deadlines are checked */
#define BACKOFF_MIN  50  /* ms, out of file descriptors */
#define BACKOFF_MAX  1000
#define INLINE_RUN   16 /* requests of one client answered in a row on this thread */
#define INLINE_ROUND 64 /* requests answered on this thread per wake-up, all clients */

enum { K_LISTENER = 1, K_SIGNAL, K_WORKERS, K_CLIENT };
enum { C_IDLE, C_READING, C_BUSY, C_WRITING };

/* what an epoll event points at: a tag, then for clients the client */
typedef struct source {
    int kind;
    int index; /* of the listener */
} source;

typedef struct client {
    source src; /* first: epoll hands back this pointer */
    wtask task; /* with the workers while busy */
    int fd;
    int state;
    int eof;          /* the client shut down its side */
    unsigned watched; /* epoll events registered, 0 if none */
    long long deadline;
    char *buf; /* small, or a heap buffer grown for one request */
    size_t cap, have, used;
    size_t out_off;
    struct client *prev, *next;
    char small[SMALL_BUF];
} client;

static struct {
    const server_opts *o;
    int ep, efd;
    listener *ls;
    int nls;
    source lsrc[MAX_LISTEN], sigsrc, wsrc;
    int paused, backoff_ms;
    long long resume_at;
    client *head;
    long nclients;
    int running;
    int inline_left; /* of INLINE_ROUND in this wake-up */
} S = {.efd = -1};

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int server_notify_fd(void)
{
    if (S.efd < 0)
        S.efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    return S.efd;
}

/* ---- listeners ------------------------------------------------------------- */

static void listeners_watch(int on)
{
    struct epoll_event ev;
    int i;

    for (i = 0; i < S.nls; i++) {
        ev.events = on ? EPOLLIN : 0;
        ev.data.ptr = &S.lsrc[i];
        epoll_ctl(S.ep, EPOLL_CTL_MOD, S.ls[i].fd, &ev);
    }
}

/* pause - stop accepting for a while: the condition will not clear by itself at once */
static void pause_listeners(void)
{
    S.backoff_ms = S.backoff_ms ? S.backoff_ms * 2 : BACKOFF_MIN;
    if (S.backoff_ms > BACKOFF_MAX)
        S.backoff_ms = BACKOFF_MAX;
    S.resume_at = now_ms() + S.backoff_ms;
    if (!S.paused)
        listeners_watch(0);
    S.paused = 1;
}

static void resume_listeners(void)
{
    if (S.paused)
        listeners_watch(1);
    S.paused = 0;
}

/* ---- clients --------------------------------------------------------------- */

static void gauge(void) { stats_set_clients(S.nclients, S.o->max_clients); }

static void watch(client *c, unsigned events)
{
    struct epoll_event ev = {.events = events, .data.ptr = c};

    if (c->watched == events)
        return;
    if (events == 0)
        epoll_ctl(S.ep, EPOLL_CTL_DEL, c->fd, NULL);
    else
        epoll_ctl(S.ep, c->watched ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, c->fd, &ev);
    c->watched = events;
}

static void client_close(client *c)
{
    close(c->fd);
    if (c->prev)
        c->prev->next = c->next;
    else
        S.head = c->next;
    if (c->next)
        c->next->prev = c->prev;
    if (c->buf != c->small)
        free(c->buf);
    free(c->task.reply);
    free(c);
    S.nclients--;
    gauge();
    /* a descriptor is free again */
    resume_listeners();
}

static void client_new(int fd)
{
    client *c = malloc(sizeof(*c));

    if (c == NULL) {
        stats_error(ST_ERR_MEMORY);
        dlog_limited(DLOG_ACCEPT, LOG_ERR, "out of memory: connection closed");
        close(fd);
        return;
    }
    memset(c, 0, offsetof(client, small));
    c->src.kind = K_CLIENT;
    c->fd = fd;
    c->state = C_IDLE;
    c->buf = c->small;
    c->cap = SMALL_BUF;
    c->deadline = now_ms() + (long long) S.o->idle_timeout * 1000;
    c->next = S.head;
    if (S.head)
        S.head->prev = c;
    S.head = c;
    S.nclients++;
    stats_accepted();
    gauge();
    watch(c, EPOLLIN);
}

/*
 * request_limit - the largest request this one may be: MAX_REQUEST, or
 * MAX_CHECK_REQUEST once its first bytes say it is a chain check
 * (verify-v1). *unsure: too few bytes yet to tell.
 */
static size_t request_limit(const client *c, int *unsure)
{
    static const char check[] = "verify-v1 ";
    const char *colon = memchr(c->buf, ':', c->have < 8 ? c->have : 8);
    size_t after;

    *unsure = 0;
    if (colon == NULL) {
        *unsure = c->have < 8;
        return MAX_REQUEST;
    }
    after = c->have - (size_t) (colon + 1 - c->buf);
    if (after < sizeof(check) - 1) {
        *unsure = memcmp(colon + 1, check, after) == 0;
        return MAX_REQUEST;
    }
    return memcmp(colon + 1, check, sizeof(check) - 1) == 0 ? MAX_CHECK_REQUEST : MAX_REQUEST;
}

/*
 * grow - four times the room, up to the largest request of its kind
 * (limit): what a client makes the daemon allocate follows what it sent
 */
static int grow(client *c, size_t limit)
{
    size_t max = limit + 16, cap = c->cap < max / 4 ? c->cap * 4 : max;
    char *b;

    if (c->cap >= max || (b = malloc(cap)) == NULL)
        return -1;
    memcpy(b, c->buf, c->have);
    if (c->buf != c->small)
        free(c->buf);
    c->buf = b;
    c->cap = cap;
    return 0;
}

/* shrink - back to the small buffer once what is left fits */
static void shrink(client *c)
{
    if (c->buf == c->small || c->have > SMALL_BUF)
        return;
    memcpy(c->small, c->buf, c->have);
    free(c->buf);
    c->buf = c->small;
    c->cap = SMALL_BUF;
}

static void submit(client *c)
{
    watch(c, 0);
    c->state = C_BUSY;
    workers_submit(&c->task);
}

static void client_bad(client *c, ns_status st)
{
    stats_error(st == NS_TOO_LONG ? ST_ERR_TOO_LONG : ST_ERR_MALFORMED);
    dlog_limited(DLOG_CLIENT, LOG_WARNING, "client sent %s: disconnected",
                 st == NS_TOO_LONG ? "a request over 10000 bytes (a chain check: over 98314)"
                                   : "a malformed netstring");
    client_close(c);
}

/* start_reply - the task's reply is ready to go: 0, or -1 (closed: none was made) */
static int start_reply(client *c)
{
    if (c->task.reply == NULL) {
        stats_error(ST_ERR_MEMORY);
        client_close(c);
        return -1;
    }
    c->state = C_WRITING;
    c->out_off = 0;
    c->deadline = now_ms() + (long long) S.o->io_timeout * 1000;
    return 0;
}

/*
 * write_reply - send what is left of the reply: 0 sent whole (the client
 * is ready for its next request), 1 waiting for room (EPOLLOUT), -1 closed
 */
static int write_reply(client *c)
{
    while (c->out_off < c->task.reply_len) {
        ssize_t w = send(c->fd, c->task.reply + c->out_off, c->task.reply_len - c->out_off, MSG_NOSIGNAL);

        if (w > 0) {
            c->out_off += (size_t) w;
        } else if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            watch(c, EPOLLOUT);
            return 1;
        } else if (w < 0 && errno == EINTR) {
            continue;
        } else {
            stats_error(ST_ERR_WRITE);
            client_close(c);
            return -1;
        }
    }
    free(c->task.reply);
    c->task.reply = NULL;
    memmove(c->buf, c->buf + c->used, c->have - c->used);
    c->have -= c->used;
    c->used = 0;
    shrink(c);
    c->state = c->have ? C_READING : C_IDLE;
    c->deadline = now_ms() + (long long) (c->have ? S.o->io_timeout : S.o->idle_timeout) * 1000;
    return 0;
}

/*
 * client_input - parse what is buffered, reading more until a request is
 * complete; answer it here if it cannot wait (and go on to the next), else
 * hand it to a worker
 */
static void client_input(client *c)
{
    int answered = 0;

    for (;;) {
        const char *payload;
        size_t plen, used;
        int unsure;
        size_t limit = request_limit(c, &unsure);
        ns_status st = ns_parse(c->buf, c->have, limit, &payload, &plen, &used);
        ssize_t r;

        if (st == NS_OK) {
            c->used = used;
            c->task.req = payload;
            c->task.len = plen;
            c->task.queued_ms = now_ms();
            c->task.reply = NULL;
            c->task.reply_len = 0;
            if (answered >= INLINE_RUN || S.inline_left <= 0 || S.o->answer_now == NULL ||
                !S.o->answer_now(&c->task)) {
                submit(c);
                return;
            }
            answered++;
            S.inline_left--;
            if (start_reply(c) != 0 || write_reply(c) != 0)
                return;
            continue;
        }
        if (st == NS_TOO_LONG && unsure && !c->eof)
            st = NS_MORE; /* a chain check may be that long: read on until the map name shows */
        if (st != NS_MORE) {
            client_bad(c, st);
            return;
        }
        if (c->eof) {
            /* gone, between requests or in the middle of one */
            client_close(c);
            return;
        }
        if (c->have == c->cap && grow(c, limit) != 0) {
            client_bad(c, NS_BAD);
            return;
        }
        r = read(c->fd, c->buf + c->have, c->cap - c->have);
        if (r > 0) {
            if (c->state == C_IDLE) {
                /* the whole request must be here within --io-timeout of its first byte */
                c->state = C_READING;
                c->deadline = now_ms() + (long long) S.o->io_timeout * 1000;
            }
            c->have += (size_t) r;
        } else if (r == 0) {
            c->eof = 1;
        } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
            watch(c, EPOLLIN);
            return;
        } else if (errno != EINTR) {
            client_close(c);
            return;
        }
    }
}

/* client_output - write the reply; then on to the next request */
static void client_output(client *c)
{
    if (write_reply(c) == 0)
        client_input(c);
}

static void reply_ready(client *c)
{
    if (start_reply(c) == 0)
        client_output(c);
}

static void client_event(client *c, unsigned events)
{
    if (c->state == C_WRITING)
        client_output(c);
    else if (c->state != C_BUSY)
        client_input(c);
    (void) events;
}

/* sweep - close clients past their deadline */
static void sweep(long long now)
{
    client *c = S.head, *next;

    for (; c != NULL; c = next) {
        next = c->next;
        if (c->state == C_BUSY || now < c->deadline)
            continue;
        if (c->state == C_IDLE) {
            stats_error(ST_ERR_IDLE_TIMEOUT);
        } else {
            stats_error(ST_ERR_REQUEST_TIMEOUT);
            dlog_limited(DLOG_CLIENT, LOG_WARNING, "client did not %s within %d s: disconnected",
                         c->state == C_READING ? "send its whole request" : "take its reply",
                         S.o->io_timeout);
        }
        client_close(c);
    }
}

/* ---- accepting ------------------------------------------------------------- */

static void accept_some(listener *l)
{
    int i;

    for (i = 0; i < ACCEPT_BURST; i++) {
        int fd = accept4(l->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

        if (fd < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return;
            if (errno == EINTR || errno == ECONNABORTED || errno == EPROTO)
                continue;
            pause_listeners();
            if (errno == EMFILE || errno == ENFILE) {
                stats_error(ST_ERR_ACCEPT_FDS);
                dlog_limited(DLOG_ACCEPT, LOG_ERR,
                             "accept: %s with %ld clients: waiting %d ms; raise the descriptor limit "
                             "(LimitNOFILE) to --max-clients (%d) and more",
                             strerror(errno), S.nclients, S.backoff_ms, S.o->max_clients);
            } else {
                stats_error(ST_ERR_ACCEPT);
                dlog_limited(DLOG_ACCEPT, LOG_ERR, "accept: %s: waiting %d ms", strerror(errno),
                             S.backoff_ms);
            }
            return;
        }
        S.backoff_ms = 0;
        if (S.nclients >= S.o->max_clients) {
            stats_error(ST_ERR_REFUSED);
            dlog_limited(DLOG_REFUSED, LOG_WARNING, "more than %d clients: connection refused",
                         S.o->max_clients);
            close(fd);
            continue;
        }
        client_new(fd);
    }
}

/* ---- the loop -------------------------------------------------------------- */

static void workers_event(void)
{
    uint64_t n;
    wtask *t, *next;

    if (read(S.efd, &n, sizeof(n)) < 0) {
        /* EAGAIN: another wake-up took them already */
    }
    for (t = workers_done(); t != NULL; t = next) {
        next = t->next;
        reply_ready((client *) ((char *) t - offsetof(client, task)));
    }
}

static void signal_event(int sigfd)
{
    unsigned char sig;

    while (read(sigfd, &sig, 1) == 1)
        if (!S.o->on_signal(sig))
            S.running = 0;
}

static int add(int fd, source *src)
{
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = src};

    return epoll_ctl(S.ep, EPOLL_CTL_ADD, fd, &ev);
}

static int set_up(listener *ls, int nls, int sigfd)
{
    int i;

    if ((S.ep = epoll_create1(EPOLL_CLOEXEC)) < 0 || server_notify_fd() < 0)
        return -1;
    S.ls = ls;
    S.nls = nls;
    for (i = 0; i < nls; i++) {
        S.lsrc[i].kind = K_LISTENER;
        S.lsrc[i].index = i;
        if (add(ls[i].fd, &S.lsrc[i]) != 0)
            return -1;
    }
    S.sigsrc.kind = K_SIGNAL;
    S.wsrc.kind = K_WORKERS;
    if (add(sigfd, &S.sigsrc) != 0 || add(S.efd, &S.wsrc) != 0)
        return -1;
    gauge();
    return 0;
}

/* wait_ms - until the next thing due: a tick, a sweep, the end of a pause */
static int wait_ms(long long now, long long next_tick, long long next_sweep)
{
    long long due = next_tick < next_sweep ? next_tick : next_sweep;

    if (S.paused && S.resume_at < due)
        due = S.resume_at;
    return due <= now ? 0 : (int) (due - now);
}

/* tear_down - workers finish, then every client goes */
static void tear_down(void)
{
    workers_stop();
    while (S.head != NULL)
        client_close(S.head);
    close(S.ep);
}

int server_run(listener *ls, int nls, int sigfd, const server_opts *o)
{
    struct epoll_event evs[64];
    long long now = now_ms(), next_tick = now + 1000, next_sweep = now + SWEEP_MS;

    S.o = o;
    if (set_up(ls, nls, sigfd) != 0) {
        dlog(LOG_ERR, "event loop: %s", strerror(errno));
        return -1;
    }
    S.running = 1;
    while (S.running) {
        int n = epoll_wait(S.ep, evs, 64, wait_ms(now, next_tick, next_sweep)), i;

        if (n < 0 && errno != EINTR) {
            dlog(LOG_ERR, "epoll_wait: %s", strerror(errno));
            break;
        }
        S.inline_left = INLINE_ROUND;
        for (i = 0; i < n; i++) {
            source *src = evs[i].data.ptr;

            switch (src->kind) {
            case K_LISTENER:
                if (!S.paused)
                    accept_some(&S.ls[src->index]);
                break;
            case K_SIGNAL: signal_event(sigfd); break;
            case K_WORKERS: workers_event(); break;
            default: client_event((client *) src, evs[i].events); break;
            }
        }
        now = now_ms();
        if (S.paused && now >= S.resume_at)
            resume_listeners();
        if (now >= next_sweep) {
            sweep(now);
            next_sweep = now + SWEEP_MS;
        }
        if (now >= next_tick) {
            o->on_tick();
            next_tick = now + 1000;
        }
    }
    tear_down();
    return 0;
}
