/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * listen.h - danehopd's listening sockets: bound from --listen, or
 * handed over by systemd (socket activation)
 */
#ifndef DANEHOP_LISTEN_H
#define DANEHOP_LISTEN_H

#include <sys/types.h>
#include <sys/un.h>

#define MAX_LISTEN 8

typedef struct listener {
    int fd;
    int owned; /* bound here: its unix socket is removed at the end */
    char unix_path[sizeof(((struct sockaddr_un *) 0)->sun_path)];
    const char *spec;
} listener;

typedef struct listen_opts {
    mode_t mode;       /* of unix sockets */
    const char *group; /* of unix sockets, or NULL */
} listen_opts;

/* listener_open - bind and listen on spec; -1 after saying why on stderr */
int listener_open(listener *l, const char *spec, const listen_opts *o);
/*
 * listener_inherit - the sockets systemd passed (LISTEN_FDS), at most max.
 * Returns how many (0: none passed, or built without libsystemd), or -1
 * after saying why on stderr.
 */
int listener_inherit(listener *ls, int max);
/* listener_close - close; remove the unix socket if bound here */
void listener_close(listener *l);

#endif
