/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * NAME
 *   peer_abort - cut this process's TCP connection to a peer that failed DANE
 *
 * SYNOPSIS
 *   #include "peer_abort.h"
 *
 *   int peer_abort(const char *address, unsigned port);
 *
 * DESCRIPTION
 *   See peer_abort.h for why. The socket is found by its peer address:
 *   every descriptor below PEER_ABORT_MAX_FD that is a stream socket whose
 *   peer is address:port (an IPv4 peer also as an IPv4-mapped IPv6 address)
 *   is shut down. Exim waits on its sockets with select(), so they lie below
 *   FD_SETSIZE; the bound keeps the scan short whatever RLIMIT_NOFILE says.
 *   An Exim delivery process holds one connection to a host at a time.
 */
#include "peer_abort.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>

#define PEER_ABORT_MAX_FD FD_SETSIZE

/* is_peer - fd is a stream socket connected to (v4 or v6):port */
static int is_peer(int fd, int is_v4, const struct in_addr *v4, const struct in6_addr *v6, unsigned port)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    int type = 0;
    socklen_t tlen = sizeof(type);

    if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tlen) != 0 || type != SOCK_STREAM)
        return 0;
    if (getpeername(fd, (struct sockaddr *) &ss, &len) != 0)
        return 0;
    if (ss.ss_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
        const struct sockaddr_in *sin = (const struct sockaddr_in *) &ss;

        return is_v4 && ntohs(sin->sin_port) == port && memcmp(&sin->sin_addr, v4, sizeof(*v4)) == 0;
    }
    if (ss.ss_family == AF_INET6 && len >= sizeof(struct sockaddr_in6)) {
        const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *) &ss;

        if (ntohs(sin6->sin6_port) != port)
            return 0;
        if (is_v4)
            return IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr) &&
                   memcmp(&sin6->sin6_addr.s6_addr[12], v4, sizeof(*v4)) == 0;
        return memcmp(&sin6->sin6_addr, v6, sizeof(*v6)) == 0;
    }
    return 0;
}

/* peer_abort - shut down every socket connected to address:port */
int peer_abort(const char *address, unsigned port)
{
    struct in_addr v4;
    struct in6_addr v6;
    int is_v4, fd, n = 0;

    memset(&v4, 0, sizeof(v4));
    memset(&v6, 0, sizeof(v6));
    if (address == NULL || port < 1 || port > 65535)
        return -1;
    if (inet_pton(AF_INET, address, &v4) == 1)
        is_v4 = 1;
    else if (inet_pton(AF_INET6, address, &v6) == 1)
        is_v4 = 0;
    else
        return -1;
    for (fd = 0; fd < PEER_ABORT_MAX_FD; fd++)
        if (is_peer(fd, is_v4, &v4, &v6, port) && shutdown(fd, SHUT_RDWR) == 0)
            n++;
    return n;
}
