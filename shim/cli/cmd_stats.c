/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cmd_stats.c - danehop stats: danehopd's counters
 *
 * SYNOPSIS
 *   danehop stats [--socket unix:PATH|inet:ADDR:PORT] [--timeout S]
 *
 * DESCRIPTION
 *   Sends the daemon one socketmap request, "stats metrics", and prints the
 *   reply: the counters in the Prometheus text format, as danehopd(8)
 *   documents them. The default socket is the packaged one.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "cli.h"
#include "netstring.h"
#include "sockaddr.h"

#define DEFAULT_SOCKET "unix:/run/danehop/danehop.sock"
#define MAX_REPLY      (100000 + 16)

static int fail(const char *fmt, const char *a, const char *b)
{
    fprintf(stderr, "danehop stats: ");
    fprintf(stderr, fmt, a, b);
    fputc('\n', stderr);
    return CLI_EXIT_TEMPFAIL;
}

/* ask - one request, one reply netstring into buf; the payload, or NULL */
static const char *ask(int fd, char *buf, size_t cap, size_t *plen)
{
    static const char req[] = "13:stats metrics,";
    size_t have = 0, used;
    const char *payload;

    if (write(fd, req, sizeof(req) - 1) != (ssize_t) sizeof(req) - 1)
        return NULL;
    for (;;) {
        ns_status st = ns_parse(buf, have, cap - 16, &payload, plen, &used);
        ssize_t r;

        if (st == NS_OK)
            return payload;
        if (st != NS_MORE || have == cap)
            return NULL;
        if ((r = read(fd, buf + have, cap - have)) <= 0)
            return NULL;
        have += (size_t) r;
    }
}

int cmd_stats(int argc, char **argv)
{
    static const struct option options[] = {
        {"socket", required_argument, NULL, 's'},
        {"timeout", required_argument, NULL, 't'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *spec = DEFAULT_SOCKET, *payload;
    struct sockaddr_storage ss;
    socklen_t sl;
    unsigned long timeout = 10;
    struct timeval tv;
    char why[200], *buf;
    size_t plen;
    int c, fd;

    while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (c) {
        case 's': spec = optarg; break;
        case 't':
            if (cli_parse_uint(optarg, 3600, &timeout) != 0 || timeout == 0)
                return fprintf(stderr, "danehop stats: --timeout: 1 to 3600 seconds\n"), CLI_EXIT_USAGE;
            break;
        case 'h':
            printf("usage: danehop stats [--socket unix:PATH|inet:ADDR:PORT] [--timeout S]\n");
            return 0;
        default:
            fprintf(stderr, "usage: danehop stats [--socket unix:PATH|inet:ADDR:PORT] [--timeout S]\n");
            return CLI_EXIT_USAGE;
        }
    }
    if (optind != argc)
        return fprintf(stderr, "usage: danehop stats [--socket unix:PATH|inet:ADDR:PORT] [--timeout S]\n"),
               CLI_EXIT_USAGE;
    if (dh_sockaddr_parse(spec, &ss, &sl, why, sizeof(why)) != 0)
        return fprintf(stderr, "danehop stats: --socket %s: %s\n", spec, why), CLI_EXIT_USAGE;
    if ((fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
        connect(fd, (struct sockaddr *) &ss, sl) != 0) {
        int e = errno;

        if (fd >= 0)
            close(fd);
        return fail("%s: %s", spec, strerror(e));
    }
    tv.tv_sec = (time_t) timeout;
    tv.tv_usec = 0;
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    if ((buf = malloc(MAX_REPLY)) == NULL) {
        close(fd);
        return fail("%s%s", "out of memory", "");
    }
    payload = ask(fd, buf, MAX_REPLY, &plen);
    close(fd);
    if (payload == NULL || plen < 3 || memcmp(payload, "OK ", 3) != 0) {
        int r = fail("%s: %s", spec, payload ? "the daemon refused" : "no reply");

        if (payload)
            fprintf(stderr, "danehop stats: %.*s\n", (int) (plen > 300 ? 300 : plen), payload);
        free(buf);
        return r;
    }
    fwrite(payload + 3, 1, plen - 3, stdout);
    free(buf);
    return CLI_EXIT_OK;
}
