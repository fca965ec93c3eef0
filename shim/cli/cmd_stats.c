/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cmd_stats.c - danehop stats: danehopd's counters
 *
 * SYNOPSIS
 *   danehop stats [--socket unix:PATH|inet:ADDR:PORT] [--io-timeout S]
 *
 * DESCRIPTION
 *   Sends the daemon one socketmap request, "stats metrics", and prints the
 *   reply: the counters in the Prometheus text format, as danehopd(8)
 *   documents them. The default socket is the packaged one.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "cli.h"
#include "options.h"
#include "netstring.h"
#include "sockaddr.h"

#define DEFAULT_SOCKET "unix:/run/danehop/danehop.sock"
#define MAX_REPLY      (100000 + 16)

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

/* connect_to - a connected socket with I/O bounded by timeout seconds, or -1 after saying why */
static int connect_to(const cli_parser *p, const char *spec, unsigned long timeout)
{
    struct sockaddr_storage ss;
    struct timeval tv = {(time_t) timeout, 0};
    socklen_t sl;
    char why[200];
    int fd;

    if (dh_sockaddr_parse(spec, &ss, &sl, why, sizeof(why)) != 0) {
        cli_error(p, "--socket %s: %s", spec, why);
        return -1;
    }
    if ((fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
        connect(fd, (struct sockaddr *) &ss, sl) != 0) {
        cli_error(p, "%s: %s", spec, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    return fd;
}

int cmd_stats(int argc, char **argv)
{
    const char *spec = DEFAULT_SOCKET, *payload;
    unsigned long timeout = 10;
    char *buf;
    size_t plen;
    cli_parser p;
    int c, rc, fd;

    if ((rc = cli_begin(&p, "stats", 0, argc, argv)) != CLI_GO_ON)
        return rc;
    while ((c = cli_next(&p)) > 0) {
        if (c == OPT_SOCKET)
            spec = optarg;
        else if (c == OPT_IO_TIMEOUT && (cli_parse_uint(optarg, 3600, &timeout) != 0 || timeout == 0)) {
            cli_error(&p, "--io-timeout: 1 to 3600 seconds");
            return CLI_EXIT_USAGE;
        }
    }
    if (c < 0)
        return CLI_EXIT_USAGE;
    if (optind != argc) {
        cli_error(&p, "no operands (see --help)");
        return CLI_EXIT_USAGE;
    }
    if ((fd = connect_to(&p, spec, timeout)) < 0)
        return strncmp(spec, "unix:", 5) == 0 || strncmp(spec, "inet:", 5) == 0 ? CLI_EXIT_TEMPFAIL
                                                                                : CLI_EXIT_USAGE;
    if ((buf = malloc(MAX_REPLY)) == NULL) {
        close(fd);
        cli_error(&p, "out of memory");
        return CLI_EXIT_TEMPFAIL;
    }
    payload = ask(fd, buf, MAX_REPLY, &plen);
    close(fd);
    if (payload == NULL || plen < 3 || memcmp(payload, "OK ", 3) != 0) {
        if (payload == NULL)
            cli_error(&p, "%s: no reply", spec);
        else
            cli_error(&p, "%s: the daemon refused: %.*s", spec, (int) (plen > 300 ? 300 : plen), payload);
        free(buf);
        return CLI_EXIT_TEMPFAIL;
    }
    fwrite(payload + 3, 1, plen - 3, stdout);
    free(buf);
    return CLI_EXIT_OK;
}
