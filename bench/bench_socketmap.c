/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bench_socketmap.c - danehopd under many persistent clients (figures, never pass/fail)
 *
 *   bench_socketmap SOCKET DAEMON_PID CLIENTS REQUESTS THINK_MS UNIQUE_PCT DOMAIN...
 *
 * Opens CLIENTS connections to the daemon's unix socket and keeps them, as
 * Postfix's smtp processes do. Each client sends REQUESTS "tlspolicy"
 * requests one after the other, waiting a random 0..THINK_MS between a
 * reply and its next request; UNIQUE_PCT percent of the requests ask for
 * a name never asked before (a fresh decision: NXDOMAIN in the lab), the
 * rest cycle through DOMAIN... Prints the latency of every request (p50,
 * p99, max), the throughput, and the daemon's resident memory with every
 * client connected (VmRSS) and at its peak (VmHWM). Each domain is asked
 * once before the clock starts, so that the figures are those of a warm
 * daemon, as it is after its first minutes on a relay.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "clock.h"

typedef struct bclient {
    int fd;
    int sent, done;
    int waiting;    /* a request is out */
    double t_sent;  /* us */
    double next_at; /* us: when to send the next request */
    char buf[1024];
    size_t have;
} bclient;

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *) a, y = *(const double *) b;

    return x < y ? -1 : x > y;
}

static long status_kb(int pid, const char *field)
{
    char path[64], line[256];
    size_t n = strlen(field);
    long v = -1;
    FILE *f;

    snprintf(path, sizeof(path), "/proc/%d/status", pid);
    if ((f = fopen(path, "r")) == NULL)
        return -1;
    while (fgets(line, sizeof(line), f))
        if (strncmp(line, field, n) == 0)
            v = strtol(line + n + 1, NULL, 10);
    fclose(f);
    return v;
}

static int connect_unix(const char *path)
{
    struct sockaddr_un su = {.sun_family = AF_UNIX};
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);

    snprintf(su.sun_path, sizeof(su.sun_path), "%s", path);
    if (fd < 0 || connect(fd, (struct sockaddr *) &su, sizeof(su)) != 0) {
        perror("bench_socketmap: connect");
        exit(1);
    }
    fcntl(fd, F_SETFL, O_NONBLOCK);
    return fd;
}

static void send_one(bclient *c, int unique_pct, char **domains, int ndomains, int *serial)
{
    char req[300], frame[320];
    int n;

    if (rand() % 100 < unique_pct)
        snprintf(req, sizeof(req), "tlspolicy bench%d-%d.nosuch.example.com", (int) getpid(), (*serial)++);
    else
        snprintf(req, sizeof(req), "tlspolicy %s", domains[c->sent % ndomains]);
    n = snprintf(frame, sizeof(frame), "%zu:%s,", strlen(req), req);
    if (write(c->fd, frame, (size_t) n) != n) {
        perror("bench_socketmap: write");
        exit(1);
    }
    c->t_sent = now_us();
    c->waiting = 1;
    c->sent++;
}

/* got_reply - a whole netstring in the buffer? */
static int got_reply(bclient *c)
{
    char *colon = memchr(c->buf, ':', c->have);
    size_t len;

    if (colon == NULL)
        return 0;
    len = strtoul(c->buf, NULL, 10);
    if ((size_t) (colon - c->buf) + 1 + len + 1 > c->have)
        return 0;
    c->have = 0;
    return 1;
}

/* warm - ask for each domain once, waiting for each reply */
static void warm(bclient *c, char **domains, int ndomains)
{
    int i, serial = 0;

    for (i = 0; i < ndomains; i++) {
        struct pollfd p = {.fd = c->fd, .events = POLLIN};

        c->sent = i;
        send_one(c, 0, domains, ndomains, &serial);
        while (poll(&p, 1, 30000) == 1) {
            ssize_t r = read(c->fd, c->buf + c->have, sizeof(c->buf) - c->have);

            if (r <= 0)
                break;
            c->have += (size_t) r;
            if (got_reply(c))
                break;
        }
    }
    c->sent = 0;
    c->waiting = 0;
}

int main(int argc, char **argv)
{
    int nclients, nreq, think_ms, unique_pct, pid, ndomains, ep, i, serial = 0, left;
    double *lat, t0, elapsed;
    size_t nlat = 0;
    long rss;
    bclient *cl;

    if (argc < 8) {
        fprintf(stderr, "usage: bench_socketmap SOCKET PID CLIENTS REQUESTS THINK_MS UNIQUE_PCT DOMAIN...\n");
        return 1;
    }
    pid = atoi(argv[2]);
    nclients = atoi(argv[3]);
    nreq = atoi(argv[4]);
    think_ms = atoi(argv[5]);
    unique_pct = atoi(argv[6]);
    ndomains = argc - 7;
    cl = calloc((size_t) nclients, sizeof(*cl));
    lat = calloc((size_t) nclients * (size_t) nreq, sizeof(*lat));
    if (cl == NULL || lat == NULL || (ep = epoll_create1(0)) < 0)
        return 1;
    srand(1);
    for (i = 0; i < nclients; i++) {
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &cl[i]};

        cl[i].fd = connect_unix(argv[1]);
        cl[i].next_at = now_us() + (think_ms ? rand() % (think_ms * 1000) : 0);
        epoll_ctl(ep, EPOLL_CTL_ADD, cl[i].fd, &ev);
    }
    warm(&cl[0], argv + 7, ndomains);
    t0 = now_us();
    left = nclients;
    while (left > 0) {
        struct epoll_event evs[256];
        double now = now_us();
        int n;

        for (i = 0; i < nclients; i++)
            if (!cl[i].waiting && cl[i].sent < nreq && now >= cl[i].next_at)
                send_one(&cl[i], unique_pct, argv + 7, ndomains, &serial);
        n = epoll_wait(ep, evs, 256, 1);
        for (i = 0; i < n; i++) {
            bclient *c = evs[i].data.ptr;
            ssize_t r = read(c->fd, c->buf + c->have, sizeof(c->buf) - c->have);

            if (r <= 0) {
                if (r < 0 && errno == EAGAIN)
                    continue;
                fprintf(stderr, "bench_socketmap: a client was closed\n");
                return 1;
            }
            c->have += (size_t) r;
            if (!got_reply(c))
                continue;
            now = now_us();
            lat[nlat++] = now - c->t_sent;
            c->waiting = 0;
            c->done++;
            c->next_at = now + (think_ms ? rand() % (think_ms * 1000) : 0);
            if (c->done == nreq)
                left--;
        }
    }
    elapsed = (now_us() - t0) / 1e6;
    rss = status_kb(pid, "VmRSS:");
    qsort(lat, nlat, sizeof(*lat), cmp_double);
    printf("%5d clients  %6zu requests  p50 %7.2f ms  p99 %7.2f ms  max %7.2f ms  %7.0f req/s  "
           "daemon RSS %6.1f MB (peak %6.1f MB)\n",
           nclients, nlat, lat[nlat / 2] / 1000, lat[nlat * 99 / 100] / 1000, lat[nlat - 1] / 1000,
           (double) nlat / elapsed, rss / 1024.0, status_kb(pid, "VmHWM:") / 1024.0);
    for (i = 0; i < nclients; i++)
        close(cl[i].fd);
    free(cl);
    free(lat);
    return 0;
}
