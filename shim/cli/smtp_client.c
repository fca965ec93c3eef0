/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * smtp_client.c - the SMTP dialogue up to STARTTLS
 *
 * Replies are read line by line with a bound on their length and count; a
 * multi-line reply ends at the line whose fourth character is a space.
 */
#include "smtp_client.h"

#include "sockaddr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define MAX_LINE  1024
#define MAX_LINES 64

static int connect_timeout(const char *addr, unsigned port, int timeout_s, char *why, size_t whylen)
{
    struct sockaddr_storage ss;
    socklen_t sl;
    struct pollfd pfd;
    struct timeval tv = {timeout_s, 0};
    int fd, err = 0;
    socklen_t el = sizeof(err);

    if (dh_sockaddr_ip(addr, port, &ss, &sl) != 0) {
        snprintf(why, whylen, "%s: not an IP address", addr);
        return -1;
    }
    if ((fd = socket(ss.ss_family, SOCK_STREAM, 0)) < 0) {
        snprintf(why, whylen, "socket: %s", strerror(errno));
        return -1;
    }
    fcntl(fd, F_SETFL, O_NONBLOCK);
    if (connect(fd, (struct sockaddr *) &ss, sl) != 0 && errno != EINPROGRESS) {
        snprintf(why, whylen, "connect to %s port %u: %s", addr, port, strerror(errno));
        close(fd);
        return -1;
    }
    pfd.fd = fd;
    pfd.events = POLLOUT;
    if (poll(&pfd, 1, timeout_s * 1000) != 1 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) != 0 ||
        err != 0) {
        snprintf(why, whylen, "connect to %s port %u: %s", addr, port, err ? strerror(err) : "timed out");
        close(fd);
        return -1;
    }
    fcntl(fd, F_SETFL, 0);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    return fd;
}

/* read_reply - one SMTP reply; returns its code, or -1. Sets *starttls if offered. */
static int read_reply(int fd, int *starttls, char *last, size_t lastlen)
{
    char line[MAX_LINE];
    int lines = 0;

    for (;;) {
        size_t n = 0;
        char c;

        while (n + 1 < sizeof(line)) {
            ssize_t r = read(fd, &c, 1);

            if (r != 1)
                return -1;
            if (c == '\n')
                break;
            if (c != '\r')
                line[n++] = c;
        }
        line[n] = '\0';
        if (n < 3 || ++lines > MAX_LINES)
            return -1;
        if (starttls && n >= 12 && strncasecmp(line + 4, "STARTTLS", 8) == 0)
            *starttls = 1;
        snprintf(last, lastlen, "%s", line);
        if (n == 3 || line[3] == ' ')
            return (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
        if (line[3] != '-')
            return -1;
    }
}

static int send_line(int fd, const char *s)
{
    size_t n = strlen(s);

    return write(fd, s, n) == (ssize_t) n ? 0 : -1;
}

smtp_status smtp_starttls(const char *addr, unsigned port, int timeout_s, int *fd, char *why, size_t whylen)
{
    char last[MAX_LINE];
    int s, code, offered = 0;

    *fd = -1;
    if ((s = connect_timeout(addr, port, timeout_s, why, whylen)) < 0)
        return SMTP_CONNECT_FAILED;
    if ((code = read_reply(s, NULL, last, sizeof(last))) != 220) {
        snprintf(why, whylen, "greeting: %s", code < 0 ? "no valid reply (timeout?)" : last);
        goto fail;
    }
    if (send_line(s, "EHLO danehop-probe.invalid\r\n") != 0 ||
        (code = read_reply(s, &offered, last, sizeof(last))) != 250) {
        snprintf(why, whylen, "EHLO: %s", code < 0 ? "no valid reply" : last);
        goto fail;
    }
    if (!offered) {
        snprintf(why, whylen, "the server does not offer STARTTLS");
        send_line(s, "QUIT\r\n");
        close(s);
        return SMTP_NO_STARTTLS;
    }
    if (send_line(s, "STARTTLS\r\n") != 0 || (code = read_reply(s, NULL, last, sizeof(last))) != 220) {
        snprintf(why, whylen, "STARTTLS: %s", code < 0 ? "no valid reply" : last);
        goto fail;
    }
    *fd = s;
    return SMTP_OK;
fail:
    close(s);
    return SMTP_PROTOCOL;
}
