/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * NAME
 *   daemon - decisions and chain checks from a running danehopd
 *
 * SYNOPSIS
 *   #include "daemon.h"
 *
 *   int dh_daemon_decide(const char *addr, unsigned timeout_ms, ...);
 *   int dh_daemon_verify(const char *addr, unsigned timeout_ms, ...);
 *
 * DESCRIPTION
 *   Exim forks per delivery, so an in-process decision starts from a cold
 *   validator every time. With "daemon = unix:/path" in danehop.conf,
 *   danehop_resolve() asks danehopd's decision-v1 map instead: one
 *   socketmap request ("decision-v1 POLICY FLAGS PORT DOMAIN HOST", '-'
 *   for an absent name) and one netstring reply, "OK " and the decision in
 *   decform.c's text, or "TEMP CODE text" / "PERM CODE text".
 *
 *   Connecting, sending and reading all share one deadline (the query
 *   timeout). Anything else than a well-formed decision (no daemon, a
 *   timeout, a reply too long, garbage, another format version) is an
 *   error, which the shims defer on; danehop_resolve() falls back to its
 *   own lookups only where the configuration says daemon_fallback = local.
 *
 *   dh_daemon_verify() asks the verify-v1 map to check a certificate chain
 *   against one host of a decision (decform.h's chain check), for a
 *   process that links no OpenSSL (client.c): the reply is "OK " and a
 *   verdict, or an error. Both go to the same trusted listener, checked
 *   the same way (ask), over one connection where they can: the
 *   process keeps it after a whole exchange (kept_take, kept_put).
 */
/* struct ucred (SO_PEERCRED) is a GNU extension in glibc's headers */
#define _GNU_SOURCE
#include "daemon.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "decform.h"
#include "decision.h"
#include "error.h"
#include "netstring.h"
#include "verdict.h"

#define REPLY_MAX (DH_DECFORM_MAX + 64)

int dh_daemon_ok(const char *addr)
{
    return addr != NULL && strncmp(addr, "unix:/", 6) == 0 && strlen(addr + 5) <= DH_DAEMON_ADDR_MAX &&
           strchr(addr, '\n') == NULL;
}

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* wait_for - poll fd for ev until the deadline: 0 ready, -1 timed out or failed */
static int wait_for(int fd, short ev, long long deadline)
{
    for (;;) {
        long long left = deadline - now_ms();
        struct pollfd p = {fd, ev, 0};
        int n;

        if (left <= 0)
            return -1;
        n = poll(&p, 1, left > 60000 ? 60000 : (int) left);
        if (n > 0)
            return 0;
        if (n < 0 && errno != EINTR)
            return -1;
    }
}

static int anchored(const char *dir, uid_t owner);

/*
 * safe_place - whoever can create the socket decides every delivery, so the
 * socket must not lie where anyone may put one: refuse a symlink, and a
 * directory writable by all (/tmp, /dev/shm, sticky or not), where another
 * user takes over the name when danehopd is down. 0 if safe, else errno;
 * *dir_owner is the directory's owner, *owner_ok whether anchored()
 * vouches for it.
 */
static int safe_place(const char *path, uid_t *dir_owner, int *owner_ok)
{
    char dir[DH_DAEMON_ADDR_MAX + 1];
    const char *slash = strrchr(path, '/');
    struct stat st;

    if (lstat(path, &st) != 0)
        return errno;
    if (!S_ISSOCK(st.st_mode))
        return ENOTSOCK;
    if (slash == path) {
        strcpy(dir, "/");
    } else {
        memcpy(dir, path, (size_t) (slash - path));
        dir[slash - path] = '\0';
    }
    if (stat(dir, &st) != 0)
        return errno;
    /* an owner nobody vouches for is trusted no more than anyone: root only */
    *dir_owner = st.st_uid;
    *owner_ok = anchored(dir, st.st_uid);
    return (st.st_mode & S_IWOTH) ? EPERM : 0;
}

/*
 * anchored - whether the owner of the socket's directory is the account
 * the admin gave it to, and not whoever could make a directory of that
 * name: every directory above it, from /, must be writable by nobody but
 * root, this process's user or that owner; or be sticky (/tmp) with the
 * entry below it owned by root or this process's user, which nobody else
 * may then rename. An attacker's /tmp/danehop, or a directory swapped in
 * through a writable parent, has its attacker for owner. The path is
 * walked as written (each prefix followed, as connect() looks names up)
 * and as realpath() resolves it, for the directories behind symlinks
 * (the second walk only where that differs: the same names again would
 * look up the same entries).
 */
static int anchored_walk(const char *dir, uid_t owner)
{
    char prefix[PATH_MAX];
    size_t len = strlen(dir), i;
    struct stat a, c;

    if (len == 0 || len >= sizeof(prefix) || dir[0] != '/')
        return 0;
    for (i = 0; i < len; i++) {
        /* a = the directory that holds the next name, c = that name's entry */
        size_t end = i + 1;

        if (dir[i] != '/')
            continue;
        while (end < len && dir[end] != '/')
            end++;
        if (end == i + 1)
            continue; /* "//" or the trailing slash */
        memcpy(prefix, dir, i ? i : 1);
        prefix[i ? i : 1] = '\0';
        if (stat(prefix, &a) != 0 || !S_ISDIR(a.st_mode))
            return 0;
        memcpy(prefix, dir, end);
        prefix[end] = '\0';
        if (lstat(prefix, &c) != 0)
            return 0;
        if (a.st_uid != 0 && a.st_uid != geteuid() && a.st_uid != owner)
            return 0;
        if ((a.st_mode & (S_IWGRP | S_IWOTH)) &&
            !((a.st_mode & S_ISVTX) && (c.st_uid == 0 || c.st_uid == geteuid())))
            return 0;
    }
    return 1;
}

static int anchored(const char *dir, uid_t owner)
{
    char real[PATH_MAX];

    return anchored_walk(dir, owner) && realpath(dir, real) != NULL &&
           (strcmp(real, dir) == 0 || anchored_walk(real, owner));
}

/*
 * trusted_peer - the place can still be shared: a directory writable by a
 * group lets any member put a socket there while danehopd is down. The
 * listener must belong to root (danehopd binds before it drops privileges,
 * systemd's socket activation binds as root), to the owner of the socket's
 * directory (the account the admin gave it to) where that directory is
 * anchored, or to this process's own user (who could answer for it
 * anyway). 0 if trusted, else the peer's uid in *peer and -1.
 */
static int trusted_peer(int fd, uid_t dir_owner, int owner_ok, long *peer)
{
    struct ucred cred;
    socklen_t len = sizeof(cred);

    *peer = -1;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 || len != sizeof(cred))
        return -1;
    *peer = (long) cred.uid;
    return cred.uid == 0 || (owner_ok && cred.uid == dir_owner) || cred.uid == geteuid() ? 0 : -1;
}

static int connect_to(const char *addr, long long deadline)
{
    struct sockaddr_un sun;
    int fd, err = 0;
    socklen_t elen = sizeof(err);

    memset(&sun, 0, sizeof(sun));
    sun.sun_family = AF_UNIX;
    memcpy(sun.sun_path, addr + 5, strlen(addr + 5));
    if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) < 0)
        return -1;
    if (connect(fd, (struct sockaddr *) &sun, sizeof(sun)) == 0)
        return fd;
    if ((errno == EINPROGRESS || errno == EAGAIN) && wait_for(fd, POLLOUT, deadline) == 0 &&
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) == 0 && err == 0)
        return fd;
    close(fd);
    return -1;
}

static int send_all(int fd, const char *p, size_t len, long long deadline)
{
    while (len > 0) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

        if (n > 0) {
            p += n;
            len -= (size_t) n;
        } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
            return -1;
        } else if (wait_for(fd, POLLOUT, deadline) != 0) {
            return -1;
        }
    }
    return 0;
}

/*
 * exchange - send the request, read one netstring reply into *buf (grown
 * as the reply needs, up to the bound: a decision is a kilobyte or two,
 * and a delivery process pays for every page it maps); its payload or NULL
 */
static const char *exchange(int fd, const char *req, size_t reqlen, char **buf, size_t *plen,
                            long long deadline, danehop_error *code, const char **why, int *stale, int *whole)
{
    size_t flen, have = 0, used, cap = 4096;
    const char *payload;
    char *frame;
    int sent;

    *stale = *whole = 0;
    *code = DANEHOP_E_INTERNAL;
    if ((frame = malloc(reqlen + 16)) == NULL || (*buf = malloc(cap)) == NULL) {
        free(frame);
        *code = DANEHOP_E_NOMEM;
        *why = "out of memory";
        return NULL;
    }
    flen = ns_format(req, reqlen, frame, reqlen + 16);
    sent = flen != 0 && send_all(fd, frame, flen, deadline) == 0;
    free(frame);
    if (!sent) {
        /* EPIPE, ECONNRESET: the daemon closed the connection (a kept one) */
        *stale = flen != 0 && (errno == EPIPE || errno == ECONNRESET);
        *why = "cannot send the request";
        return NULL;
    }
    for (;;) {
        ssize_t n;

        switch (ns_parse(*buf, have, REPLY_MAX, &payload, plen, &used)) {
        case NS_OK: *whole = used == have; return payload;
        case NS_MORE: break;
        default: *why = "reply is not a netstring or too long"; return NULL;
        }
        if (have == cap) {
            char *more;

            if (cap == REPLY_MAX + 16) {
                *why = "reply too long";
                return NULL;
            }
            cap = cap * 4 > REPLY_MAX + 16 ? REPLY_MAX + 16 : cap * 4;
            if ((more = realloc(*buf, cap)) == NULL) {
                *code = DANEHOP_E_NOMEM;
                *why = "out of memory";
                return NULL;
            }
            *buf = more;
        }
        n = recv(fd, *buf + have, cap - have, 0);
        if (n > 0) {
            have += (size_t) n;
        } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
            *stale = have == 0 && (n == 0 || errno == ECONNRESET);
            *why = n == 0 ? "connection closed before a full reply" : "read error";
            return NULL;
        } else if (wait_for(fd, POLLIN, deadline) != 0) {
            *code = DANEHOP_E_TIMEOUT;
            *why = "timed out";
            return NULL;
        }
    }
}

/* refused - the daemon's own error (TEMP|PERM CODE text) as ours, or "not understood" */
static int refused(const char *addr, const char *p, size_t len)
{
    if (len >= 7 && (memcmp(p, "TEMP ", 5) == 0 || memcmp(p, "PERM ", 5) == 0) && p[5] > '0' &&
        p[5] <= '0' + DANEHOP_E_INTERNAL && p[6] == ' ' && memchr(p, '\0', len) == NULL) {
        /* the daemon's own error, its code kept: PERM is unusable input */
        return dh_fail((danehop_error) (p[5] - '0'), "danehopd: %.*s", (int) (len - 7 > 400 ? 400 : len - 7),
                       p + 7);
    }
    return dh_fail(DANEHOP_E_INTERNAL, "danehopd at %.110s: reply not understood", addr + 5);
}

/* answer - the decision in an "OK" reply, or the daemon's error as ours */
static int answer(const char *addr, const char *p, size_t len, danehop_decision **out)
{
    char err[256];

    if (len >= 3 && memcmp(p, "OK ", 3) == 0) {
        if (dh_decform_parse(p + 3, len - 3, out, err, sizeof(err)) != 0)
            return dh_fail(DANEHOP_E_INTERNAL, "danehopd at %.110s: %s", addr + 5, err);
        return 0;
    }
    return refused(addr, p, len);
}

/* verdict - the verdict in an "OK" reply to a chain check, or the daemon's error */
static int verdict(const char *addr, const char *p, size_t len, danehop_verdict **out)
{
    char err[256];

    if (len >= 3 && memcmp(p, "OK ", 3) == 0) {
        if (dh_decform_parse_verdict(p + 3, len - 3, out, err, sizeof(err)) != 0)
            return dh_fail(DANEHOP_E_INTERNAL, "danehopd at %.110s: %s", addr + 5, err);
        return 0;
    }
    return refused(addr, p, len);
}

/* same_name - the name a decision carries is the one asked for ("-" = none) */
static int same_name(const char *got, const char *asked)
{
    if (asked == NULL || *asked == '\0')
        return got == NULL;
    return got != NULL && strcasecmp(got, asked) == 0;
}

/*
 * One connection is kept open after a whole exchange, for the process's
 * next request (Exim's chain check after its decision): opening one, with
 * its checks, costs more than a cached answer. It is taken again only by
 * the process that opened it, as the same effective user, for the same
 * address, while its descriptor is still that socket (the host program may
 * have closed the number and opened something else on it: then it is
 * forgotten, not closed) and has nothing waiting. A failed or partial
 * exchange, bytes after a reply or a reply its caller refuses (kept_back)
 * closes it, so a late or stray reply never answers a later request. One
 * per process, taken by one thread at a time (the others open their own);
 * a forked child closes its copy.
 */
static pthread_mutex_t kept_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
    char addr[DH_DAEMON_ADDR_MAX + 6];
    int fd;
    pid_t pid;
    uid_t euid; /* trusted_peer() trusts this process's user: as it was */
    unsigned long long id;
} kept = {.fd = -1};

/*
 * socket_id - what tells this socket from any other: the kernel's socket
 * cookie (SO_COOKIE, 64 bits, never reused), or where there is none its
 * inode (sockfs numbers can wrap); 0 if fd is not a socket
 */
static unsigned long long socket_id(int fd)
{
    struct stat st;

    if (fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode))
        return 0;
#ifdef SO_COOKIE
    {
        unsigned long long cookie = 0;
        socklen_t len = sizeof(cookie);

        if (getsockopt(fd, SOL_SOCKET, SO_COOKIE, &cookie, &len) == 0 && len == sizeof(cookie) && cookie != 0)
            return cookie;
    }
#endif
    return (unsigned long long) st.st_ino;
}

/*
 * kept_take - the kept connection to addr, or -1. Not one with bytes
 * waiting or closed by the daemon: between two exchanges it has nothing
 * to say, and whatever it said would be taken for the next reply.
 */
static int kept_take(const char *addr)
{
    unsigned long long id;
    int fd = -1;
    char c;

    if (pthread_mutex_trylock(&kept_lock) != 0)
        return -1;
    if (kept.fd >= 0) {
        id = socket_id(kept.fd);
        if (id == kept.id && kept.pid == getpid() && kept.euid == geteuid() && strcmp(kept.addr, addr) == 0 &&
            recv(kept.fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            fd = kept.fd;
        else if (id == kept.id)
            close(kept.fd); /* ours, not for this request; another's number is left alone */
        kept.fd = -1;
    }
    pthread_mutex_unlock(&kept_lock);
    return fd;
}

/* kept_put - keep fd (to addr) for the next request, or close it */
static void kept_put(const char *addr, int fd)
{
    unsigned long long id = socket_id(fd);

    if (strlen(addr) >= sizeof(kept.addr) || id == 0 || pthread_mutex_trylock(&kept_lock) != 0) {
        close(fd);
        return;
    }
    if (kept.fd >= 0) {
        close(fd); /* another thread's is kept already */
    } else {
        strcpy(kept.addr, addr);
        kept.fd = fd;
        kept.pid = getpid();
        kept.euid = geteuid();
        kept.id = id;
    }
    pthread_mutex_unlock(&kept_lock);
}

/* kept_back - a connection whose reply was taken (ok) goes back to be kept, or closes */
static void kept_back(const char *addr, int fd, int ok)
{
    if (fd < 0)
        return;
    if (ok)
        kept_put(addr, fd);
    else
        close(fd);
}

/* open_trusted - a new connection to the trusted daemon at addr, or -1 with the error set */
static int open_trusted(const char *addr, long long deadline)
{
    uid_t dir_owner = 0;
    int owner_ok = 0, fd, rc;
    long peer;

    if ((rc = safe_place(addr + 5, &dir_owner, &owner_ok)) != 0)
        return dh_fail(DANEHOP_E_CONFIG, "danehopd at %.110s refused: %s", addr + 5,
                       rc == EPERM ? "its directory is writable by anyone" : strerror(rc));
    if ((fd = connect_to(addr, deadline)) < 0)
        return dh_fail(DANEHOP_E_CONFIG, "danehopd at %.110s unreachable: %s", addr + 5, strerror(errno));
    if (trusted_peer(fd, dir_owner, owner_ok, &peer) != 0) {
        close(fd);
        return dh_fail(
            DANEHOP_E_CONFIG,
            "danehopd at %.110s refused: the listener's user (uid %ld) is not root, the directory's "
            "owner (uid %ld%s) or this process's user",
            addr + 5, peer, (long) dir_owner,
            owner_ok ? "" : ", not trusted: a directory above it lets others replace it");
    }
    return fd;
}

/*
 * ask - one request to the trusted daemon at addr, by the deadline; the
 * reply's payload (in *buf, which the caller frees) or NULL with the
 * error set. A kept connection that the daemon closed meanwhile (its idle
 * timeout, a restart: closed before a byte of the reply) is replaced by a
 * new one, once. *conn: the connection, when the reply came whole on it
 * and nothing after it, for the caller to give back (kept_back) once it
 * has taken the reply as the answer to its request; else -1.
 */
static const char *ask(const char *addr, long long deadline, const char *req, size_t reqlen, char **buf,
                       size_t *plen, int *conn)
{
    const char *payload = NULL, *why = "";
    danehop_error code = DANEHOP_E_INTERNAL;
    int fd, reused, stale = 0, whole = 0;

    *buf = NULL;
    *conn = -1;
    if (!dh_daemon_ok(addr))
        return dh_fail(DANEHOP_E_CONFIG, "daemon: not a unix:/path address"), NULL;
    for (reused = (fd = kept_take(addr)) >= 0;; reused = 0) {
        if (!reused && (fd = open_trusted(addr, deadline)) < 0)
            return NULL;
        payload = exchange(fd, req, reqlen, buf, plen, deadline, &code, &why, &stale, &whole);
        if (payload != NULL && whole) {
            *conn = fd;
            return payload;
        }
        close(fd);
        if (payload != NULL || !reused || !stale)
            break;
        free(*buf);
        *buf = NULL;
    }
    if (payload == NULL && code == DANEHOP_E_NOMEM)
        dh_fail(code, "out of memory");
    else if (payload == NULL)
        dh_fail(code, "danehopd at %.110s: %s", addr + 5, why);
    return payload;
}

int dh_daemon_decide(const char *addr, unsigned timeout_ms, const char *domain, const char *host,
                     unsigned port, danehop_policy policy, unsigned flags, danehop_decision **out)
{
    long long deadline = now_ms() + (timeout_ms ? timeout_ms : 1);
    const char *payload;
    char req[1024], *buf;
    size_t plen;
    int rc, conn;

    *out = NULL;
    if ((domain && (strlen(domain) > 300 || strpbrk(domain, " \r\n"))) ||
        (host && (strlen(host) > 300 || strpbrk(host, " \r\n"))))
        return dh_fail(DANEHOP_E_INPUT, "name too long or with white space");
    snprintf(req, sizeof(req), "decision-v1 %d %u %u %s %s", (int) policy, flags, port,
             domain && *domain ? domain : "-", host && *host ? host : "-");
    if ((payload = ask(addr, deadline, req, strlen(req), &buf, &plen, &conn)) == NULL) {
        free(buf);
        return -1;
    }
    rc = answer(addr, payload, plen, out);
    if (rc == 0 && (!same_name((*out)->domain, domain) || !same_name((*out)->host_request, host))) {
        /* a stale or hostile daemon's answer for another request: its hosts
         * and actions are not this domain's, whatever they say */
        danehop_decision_free(*out);
        *out = NULL;
        rc = dh_fail(DANEHOP_E_INTERNAL, "danehopd at %.110s: reply is for another request", addr + 5);
    }
    kept_back(addr, conn, rc == 0);
    free(buf);
    return rc;
}

/*
 * fits - whether an authenticated verdict can be the answer to checking n
 * certificates against h: the matching record is one of h's, DANE-EE at
 * the leaf, DANE-TA within or just above the chain (a trust anchor given
 * whole in its record). The daemon is trusted; this keeps a verdict that
 * was meant for another chain check from being taken for this one.
 */
static int fits(const danehop_verdict *v, const danehop_host *h, size_t n)
{
    size_t i, ntlsa = danehop_host_tlsa_count(h);

    if (!(v->usage == 3 && v->depth == 0) && !(v->usage == 2 && v->depth >= 0 && (size_t) v->depth <= n))
        return 0;
    for (i = 0; i < ntlsa; i++) {
        uint8_t u, s, m;
        const unsigned char *data;
        size_t len;

        if (danehop_host_tlsa(h, i, &u, &s, &m, &data, &len) == 0 && u == v->usage && s == v->selector &&
            m == v->mtype)
            return 1;
    }
    return 0;
}

int dh_daemon_verify(const char *addr, unsigned timeout_ms, const danehop_host *h,
                     const unsigned char *const *der, const size_t *len, size_t n, danehop_verdict **out)
{
    long long deadline = now_ms() + (timeout_ms ? timeout_ms : 1);
    const char *payload;
    char *buf;
    size_t plen;
    dh_buf req;
    int rc, conn;

    *out = NULL;
    /* room past the bound: running out of it then means out of memory */
    dh_buf_init(&req, 2 * DH_CHECK_MAX);
    dh_buf_add(&req, "verify-v1 ");
    if ((rc = dh_decform_render_check(h, der, len, n, &req)) != 0) {
        dh_buf_discard(&req);
        if (rc == -2)
            return dh_fail(DANEHOP_E_NOMEM, "out of memory");
        return dh_fail(
            DANEHOP_E_INPUT,
            "certificate chain too long for danehopd (%zu certificates; at most %d, each at most %d "
            "bytes, %d bytes of chain check in all)",
            n, DH_CHECK_MAX_CERTS, DH_CHECK_MAX_CERT, DH_CHECK_MAX);
    }
    payload = ask(addr, deadline, req.data, req.len, &buf, &plen, &conn);
    dh_buf_discard(&req);
    rc = payload ? verdict(addr, payload, plen, out) : -1;
    free(buf);
    if (rc == 0 && (*out)->authenticated && !fits(*out, h, n)) {
        /* trusted, but not for this question: no verdict is better than another's */
        danehop_verdict_free(*out);
        *out = NULL;
        rc = dh_fail(DANEHOP_E_INTERNAL,
                     "danehopd at %.110s: the verdict names a record or depth this chain check did not have",
                     addr + 5);
    }
    kept_back(addr, conn, rc == 0);
    return rc;
}
