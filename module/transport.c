/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * transport.c - questions to libunbound, answers back (the real transport)
 *
 * DESCRIPTION
 *   Thin on purpose: every call is libunbound's own, so the DNS-answer
 *   harness can replace this file at link time and exercise everything
 *   above it (see transport.h). Nothing here may decide anything.
 */
#include "transport.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unbound.h>
#include <unistd.h>

int dh_transport_send(struct ub_ctx *ub, const char *name, int qtype, void *data, dh_transport_cb cb, int *id)
{
    return ub_resolve_async(ub, name, qtype, 1 /* IN */, data, cb, id);
}

int dh_transport_fd(struct ub_ctx *ub) { return ub_fd(ub); }

int dh_transport_process(struct ub_ctx *ub) { return ub_process(ub); }

int dh_transport_cancel(struct ub_ctx *ub, int id) { return ub_cancel(ub, id); }

void dh_transport_hint(struct ub_ctx *ub, const char *name, int qtype, void *data, dh_transport_cb cb)
{
    (void) ub_resolve_async(ub, name, qtype, 1 /* IN */, data, cb, NULL);
}

void dh_transport_delete(struct ub_ctx *ub) { ub_ctx_delete(ub); }

int dh_transport_probe_open(const char *forwarder)
{
    char addr[64];
    const char *at = strchr(forwarder, '@');
    size_t len = at ? (size_t) (at - forwarder) : strlen(forwarder);
    long port = at ? strtol(at + 1, NULL, 10) : 53;
    struct sockaddr_in6 s6;
    struct sockaddr_in s4;
    struct sockaddr *sa;
    socklen_t salen;
    int fd;

    if (len >= sizeof(addr) || port <= 0 || port > 65535)
        return -1;
    memcpy(addr, forwarder, len);
    addr[len] = '\0';
    memset(&s4, 0, sizeof(s4));
    memset(&s6, 0, sizeof(s6));
    if (inet_pton(AF_INET, addr, &s4.sin_addr) == 1) {
        s4.sin_family = AF_INET;
        s4.sin_port = htons((uint16_t) port);
        sa = (struct sockaddr *) &s4;
        salen = sizeof(s4);
    } else if (inet_pton(AF_INET6, addr, &s6.sin6_addr) == 1) {
        s6.sin6_family = AF_INET6;
        s6.sin6_port = htons((uint16_t) port);
        sa = (struct sockaddr *) &s6;
        salen = sizeof(s6);
    } else {
        return -1;
    }
    /* connected: the kernel drops datagrams from any other address */
    if ((fd = socket(sa->sa_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0)
        return -1;
    if (connect(fd, sa, salen) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}
