/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * seal.c - a verified peer chain handed to Exim's continued (-MC) process
 *
 * SYNOPSIS
 *   #include "seal.h"
 *
 * DESCRIPTION
 *   The seal is a memfd holding
 *
 *     "DANEHOP-SEAL 1\n" host "\n" address "\n" port "\n" count "\n"
 *     then per certificate: a 4-octet big-endian length and the DER
 *
 *   sealed against every change (F_SEAL_WRITE, _GROW, _SHRINK, _SEAL), so
 *   that only its creator ever wrote it. It is created close-on-exec when
 *   the chain verifies, made inheritable just before Exim passes the
 *   connection on (hosts_nopass_tls), and found by the exec'd process as
 *   the one descriptor with those seals and that magic (two such: neither,
 *   find_inherited). It names the peer
 *   (host, address, port) so that it is never applied to another one, and
 *   it lives only in the lineage of the process that verified: no later
 *   connection can come by it. A process that opens a connection of its
 *   own drops it (dh_seal_drop) before its handshake.
 *
 *   Without memfd sealing (not Linux) no seal is made: Exim is then told
 *   not to pass DANE connections on, and each message gets a connection
 *   of its own (correct, slower).
 *
 * DIAGNOSTICS
 *   -1 on any failure; nothing is logged here.
 */
#define _GNU_SOURCE
#include "seal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAGIC "DANEHOP-SEAL 1\n"
/* descriptors searched for an inherited seal: Exim's are few and low */
#define SCAN_FDS 1024
#define SEAL_MAX (DH_SEAL_MAX_CERTS * (DH_SEAL_MAX_CERT + 4) + 2048)

static int seal_fd = -1;
static int scanned; /* looked for an inherited seal already */
static int dropped; /* this process connected itself: no inherited seal applies */

#if defined(MFD_ALLOW_SEALING) && defined(F_ADD_SEALS)
#define ALL_SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

static void find_inherited(void);

static int write_all(int fd, const void *p, size_t n)
{
    const unsigned char *b = p;

    while (n > 0) {
        ssize_t w = write(fd, b, n);

        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        b += w;
        n -= (size_t) w;
    }
    return 0;
}

int dh_seal_make(const char *host, const char *address, unsigned port, const unsigned char *const *der,
                 const size_t *len, size_t n)
{
    char *seal;
    int fd, hl;
    size_t i, size, off;

    if (n == 0 || n > DH_SEAL_MAX_CERTS || strchr(host, '\n') || strchr(address, '\n'))
        return -1;
    hl = snprintf(NULL, 0, MAGIC "%s\n%s\n%u\n%zu\n", host, address, port, n);
    if (hl < 0 || hl >= 1200)
        return -1;
    size = (size_t) hl + 1;
    for (i = 0; i < n; i++) {
        if (len[i] == 0 || len[i] > DH_SEAL_MAX_CERT)
            return -1;
        size += 4 + len[i];
    }
    /* one write: the seal is made in every verified delivery, used in few */
    if ((seal = malloc(size)) == NULL)
        return -1;
    snprintf(seal, (size_t) hl + 1, MAGIC "%s\n%s\n%u\n%zu\n", host, address, port, n);
    off = (size_t) hl;
    for (i = 0; i < n; i++) {
        seal[off++] = (char) (len[i] >> 24);
        seal[off++] = (char) (len[i] >> 16);
        seal[off++] = (char) (len[i] >> 8);
        seal[off++] = (char) len[i];
        memcpy(seal + off, der[i], len[i]);
        off += len[i];
    }
    /* an inherited seal not looked for yet is replaced too, not handed on */
    find_inherited();
    if ((fd = memfd_create("danehop-seal", MFD_CLOEXEC | MFD_ALLOW_SEALING)) < 0) {
        free(seal);
        return -1;
    }
    if (write_all(fd, seal, off) != 0 || fcntl(fd, F_ADD_SEALS, ALL_SEALS) != 0) {
        free(seal);
        close(fd);
        return -1;
    }
    free(seal);
    if (seal_fd >= 0)
        close(seal_fd);
    seal_fd = fd;
    scanned = 1; /* our own seal supersedes anything inherited */
    return 0;
}

/* is_seal - fd is a fully sealed memfd that starts with our magic */
static int is_seal(int fd)
{
    char m[sizeof(MAGIC) - 1];

    if (fcntl(fd, F_GET_SEALS) != ALL_SEALS)
        return 0;
    return pread(fd, m, sizeof(m), 0) == (ssize_t) sizeof(m) && memcmp(m, MAGIC, sizeof(m)) == 0;
}

/*
 * open_fds - the descriptors this process has open below SCAN_FDS. One
 * poll() with no events marks every closed one POLLNVAL: a single system
 * call, where trying every number takes a thousand and listing
 * /proc/self/fd makes procfs build an entry per descriptor (a tenth of a
 * millisecond in every delivery process). /proc is the fallback where
 * poll() refuses that many (a descriptor limit below SCAN_FDS). 0, or -1.
 */
static int open_fds(unsigned char *open)
{
    struct pollfd p[SCAN_FDS];
    DIR *d;
    struct dirent *e;
    int fd;

    for (fd = 0; fd < SCAN_FDS; fd++) {
        p[fd].fd = fd;
        p[fd].events = 0;
        p[fd].revents = 0;
    }
    if (poll(p, SCAN_FDS, 0) >= 0) {
        for (fd = 0; fd < SCAN_FDS; fd++)
            open[fd] = !(p[fd].revents & POLLNVAL);
        return 0;
    }
    if ((d = opendir("/proc/self/fd")) == NULL)
        return -1;
    while ((e = readdir(d)) != NULL) {
        char *end;
        long n = strtol(e->d_name, &end, 10);

        if (end != e->d_name && *end == '\0' && n >= 0 && n < SCAN_FDS && n != dirfd(d))
            open[n] = 1;
    }
    closedir(d);
    return 0;
}

/*
 * find_inherited - the one seal this process inherited. Any process can
 * seal a memfd as fully as we do, so a seal proves its path, not its
 * maker: Exim's lineage hands on exactly one (each process drops or
 * replaces the one it had), and a second one came from elsewhere, e.g. a
 * descriptor a local user left open when submitting. Then neither is
 * taken (the continued connection is refused and a new one verified).
 */
static void find_inherited(void)
{
    unsigned char open[SCAN_FDS];
    int fd, listed, found = -1, ambiguous = 0;

    if (scanned || dropped)
        return;
    scanned = 1;
    memset(open, 0, sizeof(open));
    listed = open_fds(open) == 0;
    for (fd = 3; fd < SCAN_FDS; fd++)
        if ((!listed || open[fd]) && is_seal(fd)) {
            if (found >= 0) {
                /* unusable, and not to be handed on to the next exec */
                close(found);
                found = fd;
                ambiguous = 1;
                continue;
            }
            found = fd;
        }
    if (ambiguous && found >= 0) {
        close(found);
        found = -1;
    }
    seal_fd = found;
}
#else
int dh_seal_make(const char *host, const char *address, unsigned port, const unsigned char *const *der,
                 const size_t *len, size_t n)
{
    (void) host, (void) address, (void) port, (void) der, (void) len, (void) n;
    return -1;
}

static void find_inherited(void) { (void) scanned; }
#endif

int dh_seal_export(void)
{
    int fl;

    if (seal_fd < 0 || (fl = fcntl(seal_fd, F_GETFD)) < 0)
        return -1;
    return fcntl(seal_fd, F_SETFD, fl & ~FD_CLOEXEC);
}

void dh_seal_drop(void)
{
    /* a seal inherited but never looked for (the decision was not dane)
     * would stay inheritable and reach the next exec, stale: find it to
     * close it */
    find_inherited();
    if (seal_fd >= 0)
        close(seal_fd);
    seal_fd = -1;
    dropped = 1;
}

/* line - the next \n-terminated field of buf at *off, NUL-terminated in place */
static char *line(char *buf, size_t size, size_t *off)
{
    char *start = buf + *off, *nl;

    if (*off >= size || (nl = memchr(start, '\n', size - *off)) == NULL)
        return NULL;
    *nl = '\0';
    *off = (size_t) (nl - buf) + 1;
    return start;
}

void dh_seal_chain_free(unsigned char **der, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        free(der[i]);
        der[i] = NULL;
    }
}

int dh_seal_chain(const char *host, const char *address, unsigned port, unsigned char **der, size_t *len,
                  size_t *n)
{
    struct stat sb;
    char *buf, *h, *a, *p, *c, *end;
    size_t off = 0, count, i;
    int rc = -1;

    *n = 0;
    find_inherited();
    if (seal_fd < 0 || fstat(seal_fd, &sb) != 0 || sb.st_size <= 0 || sb.st_size > SEAL_MAX)
        return -1;
    if ((buf = malloc((size_t) sb.st_size)) == NULL)
        return -1;
    if (pread(seal_fd, buf, (size_t) sb.st_size, 0) != sb.st_size)
        goto out;
    off = sizeof(MAGIC) - 1;
    if (memcmp(buf, MAGIC, off) != 0 || (h = line(buf, (size_t) sb.st_size, &off)) == NULL ||
        (a = line(buf, (size_t) sb.st_size, &off)) == NULL ||
        (p = line(buf, (size_t) sb.st_size, &off)) == NULL ||
        (c = line(buf, (size_t) sb.st_size, &off)) == NULL)
        goto out;
    /* the seal names its peer: never apply it to another */
    if (strcasecmp(h, host) != 0 || strcmp(a, address) != 0 || strtoul(p, &end, 10) != port || *end)
        goto out;
    count = strtoul(c, &end, 10);
    if (*end || count == 0 || count > DH_SEAL_MAX_CERTS)
        goto out;
    for (i = 0; i < count; i++) {
        const unsigned char *q = (const unsigned char *) buf + off;
        size_t l;

        if ((size_t) sb.st_size - off < 4)
            goto out;
        l = (size_t) q[0] << 24 | (size_t) q[1] << 16 | (size_t) q[2] << 8 | q[3];
        off += 4;
        if (l == 0 || l > DH_SEAL_MAX_CERT || (size_t) sb.st_size - off < l || (der[i] = malloc(l)) == NULL)
            goto out;
        memcpy(der[i], buf + off, l);
        len[i] = l;
        off += l;
        *n = i + 1;
    }
    rc = off == (size_t) sb.st_size ? 0 : -1;
out:
    if (rc != 0) {
        dh_seal_chain_free(der, *n);
        *n = 0;
    }
    free(buf);
    return rc;
}
