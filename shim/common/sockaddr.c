/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sockaddr.c - socket addresses from text
 *
 * SYNOPSIS
 *   #include "sockaddr.h"
 *
 * DESCRIPTION
 *   One home for turning text into a struct sockaddr, so that the daemon's
 *   --listen, the CLI's connections to SMTP servers and to the daemon parse
 *   addresses the same way. Only literals: no name is ever resolved here
 *   (an unvalidated DNS answer must not pick where we connect or listen).
 */
#include "sockaddr.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>

int dh_sockaddr_ip(const char *addr, unsigned port, struct sockaddr_storage *ss, socklen_t *len)
{
    struct sockaddr_in *sin = (struct sockaddr_in *) ss;
    struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *) ss;

    memset(ss, 0, sizeof(*ss));
    if (port > 65535)
        return -1;
    if (inet_pton(AF_INET, addr, &sin->sin_addr) == 1) {
        sin->sin_family = AF_INET;
        sin->sin_port = htons((unsigned short) port);
        *len = sizeof(*sin);
        return 0;
    }
    if (inet_pton(AF_INET6, addr, &sin6->sin6_addr) == 1) {
        sin6->sin6_family = AF_INET6;
        sin6->sin6_port = htons((unsigned short) port);
        *len = sizeof(*sin6);
        return 0;
    }
    return -1;
}

/* parse_unix - "unix:PATH" */
static int parse_unix(const char *path, struct sockaddr_storage *ss, socklen_t *len, char *why, size_t whylen)
{
    struct sockaddr_un *su = (struct sockaddr_un *) ss;
    size_t n = strlen(path);

    if (n == 0 || n >= sizeof(su->sun_path)) {
        snprintf(why, whylen, "bad socket path");
        return -1;
    }
    memset(ss, 0, sizeof(*ss));
    su->sun_family = AF_UNIX;
    memcpy(su->sun_path, path, n + 1);
    *len = sizeof(*su);
    return 0;
}

/* parse_inet - "ADDRESS:PORT" or "[ADDRESS]:PORT" */
static int parse_inet(const char *s, struct sockaddr_storage *ss, socklen_t *len, char *why, size_t whylen)
{
    char host[64], *end;
    const char *colon = strrchr(s, ':');
    unsigned long port;
    size_t hl;

    if (colon == NULL || (hl = (size_t) (colon - s)) == 0 || hl >= sizeof(host)) {
        snprintf(why, whylen, "want inet:ADDRESS:PORT");
        return -1;
    }
    memcpy(host, s, hl);
    host[hl] = '\0';
    if (host[0] == '[' && hl > 2 && host[hl - 1] == ']') {
        memmove(host, host + 1, hl - 2);
        host[hl - 2] = '\0';
    }
    port = strtoul(colon + 1, &end, 10);
    if (*end != '\0' || colon[1] == '\0' || port < 1 || port > 65535) {
        snprintf(why, whylen, "bad port");
        return -1;
    }
    if (dh_sockaddr_ip(host, (unsigned) port, ss, len) != 0) {
        snprintf(why, whylen, "not an IP address");
        return -1;
    }
    return 0;
}

int dh_sockaddr_parse(const char *spec, struct sockaddr_storage *ss, socklen_t *len, char *why, size_t whylen)
{
    if (strncmp(spec, "unix:", 5) == 0)
        return parse_unix(spec + 5, ss, len, why, whylen);
    if (strncmp(spec, "inet:", 5) == 0)
        return parse_inet(spec + 5, ss, len, why, whylen);
    snprintf(why, whylen, "want unix:PATH or inet:ADDRESS:PORT");
    return -1;
}

int dh_sockaddr_loopback(const struct sockaddr_storage *ss)
{
    if (ss->ss_family == AF_INET)
        return (ntohl(((const struct sockaddr_in *) ss)->sin_addr.s_addr) >> 24) == 127;
    if (ss->ss_family == AF_INET6)
        return IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *) ss)->sin6_addr);
    return 0;
}
