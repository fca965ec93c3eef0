/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * listen.c - danehopd's listening sockets
 *
 * SYNOPSIS
 *   #include "listen.h"
 *
 * DESCRIPTION
 *   A --listen socket is bound in named steps: parse the specification,
 *   refuse anything but loopback for TCP (the socketmap protocol has no
 *   authentication), clear a stale unix socket (and nothing else), bind
 *   (a unix socket born with its mode) and listen, then set its group.
 *
 *   Under systemd socket activation (danehopd.socket) the sockets come
 *   ready-made: their owner and mode are the unit's business, and they are
 *   left in place at exit, since systemd owns them.
 *
 *   Every listening socket is non-blocking: the event loop accepts until
 *   the queue is empty and must never block in accept().
 */
#include "listen.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef HAVE_SYSTEMD
#include <systemd/sd-daemon.h>
#endif

#include "sockaddr.h"

/* the kernel's queue of connections not yet accepted: room for a burst of smtp processes */
#define BACKLOG 1024

/* clear_stale - a socket left by a previous run may go, nothing else */
static void clear_stale(const char *path)
{
    struct stat st;

    if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
        unlink(path);
}

/*
 * bind_listen - a unix socket is born with its final mode (the umask of the
 * bind), never chmod()ed by name: as root, a name that someone with write
 * access to the directory swapped for a symlink would chmod its target
 */
static int bind_listen(listener *l, const struct sockaddr_storage *ss, socklen_t sl, mode_t mode)
{
    int one = 1, r = -1;
    mode_t old = umask((mode_t) (~mode & 0777));

    if ((l->fd = socket(ss->ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) >= 0 &&
        setsockopt(l->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == 0)
        r = bind(l->fd, (const struct sockaddr *) ss, sl);
    umask(old);
    if (r != 0 || listen(l->fd, BACKLOG) != 0) {
        fprintf(stderr, "danehopd: %s: %s\n", l->spec, strerror(errno));
        if (l->fd >= 0)
            close(l->fd);
        l->fd = -1;
        return -1;
    }
    return 0;
}

/* set_access - the group of a unix socket (its mode came with the bind); lchown: a symlink
 * swapped in for the socket changes, never its target */
static int set_access(const listener *l, const listen_opts *o)
{
    struct group *g = o->group ? getgrnam(o->group) : NULL;

    if (o->group && g == NULL) {
        fprintf(stderr, "danehopd: --socket-group %s: no such group\n", o->group);
        return -1;
    }
    if (g && lchown(l->unix_path, (uid_t) -1, g->gr_gid) != 0) {
        fprintf(stderr, "danehopd: %s: %s\n", l->unix_path, strerror(errno));
        return -1;
    }
    return 0;
}

int listener_open(listener *l, const char *spec, const listen_opts *o)
{
    struct sockaddr_storage ss;
    socklen_t sl;
    char why[200];

    memset(l, 0, sizeof(*l));
    l->fd = -1;
    l->spec = spec;
    if (dh_sockaddr_parse(spec, &ss, &sl, why, sizeof(why)) != 0) {
        fprintf(stderr, "danehopd: --listen %s: %s\n", spec, why);
        return -1;
    }
    if (ss.ss_family != AF_UNIX && !dh_sockaddr_loopback(&ss)) {
        fprintf(stderr, "danehopd: %s: only loopback addresses (socketmap is unauthenticated)\n", spec);
        return -1;
    }
    if (ss.ss_family == AF_UNIX) {
        /* dh_sockaddr_parse made sure the path fits, NUL included */
        memcpy(l->unix_path, ((struct sockaddr_un *) &ss)->sun_path, sizeof(l->unix_path));
        clear_stale(l->unix_path);
    }
    if (bind_listen(l, &ss, sl, ss.ss_family == AF_UNIX ? o->mode : 0777) != 0)
        return -1;
    l->owned = 1;
    if (l->unix_path[0] && set_access(l, o) != 0) {
        listener_close(l);
        return -1;
    }
    return 0;
}

int listener_inherit(listener *ls, int max)
{
#ifdef HAVE_SYSTEMD
    int n = sd_listen_fds(1), i;

    if (n < 0) {
        fprintf(stderr, "danehopd: socket activation: %s\n", strerror(-n));
        return -1;
    }
    if (n > max) {
        fprintf(stderr, "danehopd: socket activation: %d sockets, at most %d\n", n, max);
        return -1;
    }
    for (i = 0; i < n; i++) {
        int fd = SD_LISTEN_FDS_START + i;

        if (sd_is_socket(fd, AF_UNSPEC, SOCK_STREAM, 1) <= 0) {
            fprintf(stderr, "danehopd: socket activation: descriptor %d is not a listening stream socket\n",
                    fd);
            return -1;
        }
        memset(&ls[i], 0, sizeof(ls[i]));
        ls[i].fd = fd;
        ls[i].spec = "systemd";
        if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) != 0 || fcntl(fd, F_SETFD, FD_CLOEXEC) != 0) {
            fprintf(stderr, "danehopd: socket activation: %s\n", strerror(errno));
            return -1;
        }
    }
    return n;
#else
    (void) ls;
    (void) max;
    if (getenv("LISTEN_FDS") != NULL)
        fprintf(stderr, "danehopd: LISTEN_FDS set, but built without libsystemd: ignored\n");
    return 0;
#endif
}

void listener_close(listener *l)
{
    if (l->fd >= 0)
        close(l->fd);
    l->fd = -1;
    if (l->owned && l->unix_path[0])
        unlink(l->unix_path);
}
