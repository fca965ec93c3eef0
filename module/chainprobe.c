/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * NAME
 *   chainprobe.c - the forwarder's whole CNAME chain, as names to hint
 *
 * SYNOPSIS
 *   #include "chainprobe.h"
 *
 *   dh_probe *dh_probe_new(const char *forwarder);
 *   dh_probe *dh_probe_for(const dh_settings *s);
 *   void dh_probe_ask(dh_probe *p, const char *name);
 *   int dh_probe_take(dh_probe *p, dh_chain *chain);
 *
 * DESCRIPTION
 *   A validating forwarder answers an address question for an alias with
 *   the whole CNAME chain, but libunbound's iterator keeps only the records
 *   owned by the name it asked (iterator/iter_scrub.c, scrub_sanitize:
 *   "Remainders of CNAME chains are cut off and resolved by iterator") and
 *   asks again at the next hop: with empty caches (a fresh Exim delivery
 *   process) a chain of five aliases costs five sequential round trips.
 *
 *   So, beside libunbound's own question, the same address question goes
 *   once, raw, to the first forwarder libunbound was given: the first of
 *   "forwarders", or else the first nameserver of resolv.conf (dh_probe_for;
 *   none when danehop recurses itself or an unbound.conf says where to go). Its answer is never an
 *   answer: it is only read for the names of the chain, which prefetch.c
 *   then asks libunbound for at once (zone keys, every hop's address and
 *   CNAME questions, the final host's TLSA), so that libunbound's own walk
 *   finds each next hop in its cache or already in flight. Every record
 *   danehop decides on still comes from libunbound, validated hop by hop.
 *
 *   The answer is hostile input: it must come from the forwarder's address
 *   (a connected socket), carry the ID and the question sent, and its chain
 *   is read by the bounded parser of wire.c (DH_MAX_CHAIN hops). A forged
 *   one can only make libunbound ask, and validate, a few more names.
 *
 *   A single socket per resolver; at most PROBE_SLOTS questions remembered,
 *   a newer one replacing the oldest (its late answer is then ignored).
 *   Nothing here blocks, and nothing here can fail a decision.
 */
#include "chainprobe.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "name.h"
#include "transport.h"

#define PROBE_SLOTS 8
#define PROBE_BUF   4096
#define QT_A        1

struct dh_probe {
    pthread_mutex_t lock;
    int fd;
    unsigned next;
    struct {
        unsigned id; /* 0x10000 when the slot is empty */
        char name[DH_NAME_BUF];
    } out[PROBE_SLOTS];
};

dh_probe *dh_probe_new(const char *forwarder)
{
    dh_probe *p;
    size_t i;

    if (forwarder == NULL || (p = calloc(1, sizeof(*p))) == NULL)
        return NULL;
    if (pthread_mutex_init(&p->lock, NULL) != 0) {
        free(p);
        return NULL;
    }
    if ((p->fd = dh_transport_probe_open(forwarder)) < 0) {
        pthread_mutex_destroy(&p->lock);
        free(p);
        return NULL;
    }
    for (i = 0; i < PROBE_SLOTS; i++)
        p->out[i].id = 0x10000;
    return p;
}

void dh_probe_free(dh_probe *p)
{
    if (p == NULL)
        return;
    close(p->fd);
    pthread_mutex_destroy(&p->lock);
    free(p);
}

/* first_nameserver - the first "nameserver ADDR" of a resolv.conf, as libunbound reads it */
static int first_nameserver(const char *path, char *out, size_t size)
{
    FILE *f = fopen(path, "re");
    char line[256];
    int found = 0;

    if (f == NULL)
        return 0;
    /* long lines come in pieces: a piece only counts at a line's start */
    while (!found && fgets(line, sizeof(line), f) != NULL) {
        char *p = line, *end;

        while (*p == ' ' || *p == '\t')
            p++;
        if (strncmp(p, "nameserver", 10) != 0 || (p[10] != ' ' && p[10] != '\t'))
            continue;
        for (p += 10; *p == ' ' || *p == '\t'; p++)
            ;
        for (end = p; *end && !isspace((unsigned char) *end); end++)
            ;
        if (end > p && (size_t) (end - p) < size) {
            memcpy(out, p, (size_t) (end - p));
            out[end - p] = '\0';
            found = 1;
        }
    }
    fclose(f);
    return found;
}

dh_probe *dh_probe_for(const dh_settings *s)
{
    char ns[64];

    if (s->nforwarders > 0)
        return dh_probe_new(s->forwarders[0]);
    /* as ubconf.c's add_upstream: recursion, or the unbound.conf's own way */
    if (s->recursion > 0 || (s->unbound_conf != NULL && s->resolv_conf == NULL))
        return NULL;
    if (!first_nameserver(s->resolv_conf ? s->resolv_conf : DH_DEFAULT_RESOLV_CONF, ns, sizeof(ns)))
        return NULL;
    return dh_probe_new(ns);
}

int dh_probe_fd(const dh_probe *p) { return p ? p->fd : -1; }

/* encode - name in wire form at q; its length, or 0 when it is not a name */
static size_t encode(const char *name, uint8_t *q, size_t room)
{
    size_t o = 0;

    while (*name) {
        const char *dot = strchr(name, '.');
        size_t l = dot ? (size_t) (dot - name) : strlen(name);

        if (l == 0 || l > 63 || o + l + 2 > room || o + l + 2 > 255)
            return 0;
        q[o++] = (uint8_t) l;
        memcpy(q + o, name, l);
        o += l;
        name += l + (dot != NULL);
    }
    q[o++] = 0;
    return o;
}

void dh_probe_ask(dh_probe *p, const char *name)
{
    uint8_t q[12 + 256 + 4];
    uint16_t id;
    size_t n;

    if (p == NULL || name == NULL || (n = encode(name, q + 12, 256)) == 0 || strlen(name) >= DH_NAME_BUF ||
        getrandom(&id, sizeof(id), GRND_NONBLOCK) != sizeof(id))
        return;
    memset(q, 0, 12);
    q[0] = (uint8_t) (id >> 8);
    q[1] = (uint8_t) id;
    q[2] = 0x01; /* RD */
    q[5] = 1;    /* one question */
    q[12 + n] = 0;
    q[12 + n + 1] = QT_A;
    q[12 + n + 2] = 0;
    q[12 + n + 3] = 1; /* IN */
    /* a hint is never worth waiting for */
    if (pthread_mutex_trylock(&p->lock) != 0)
        return;
    if (send(p->fd, q, 12 + n + 4, MSG_DONTWAIT) == (ssize_t) (12 + n + 4)) {
        p->out[p->next].id = id;
        strcpy(p->out[p->next].name, name);
        p->next = (p->next + 1) % PROBE_SLOTS;
    }
    pthread_mutex_unlock(&p->lock);
}

int dh_probe_parse(const uint8_t *pkt, size_t len, unsigned id, const char *qname, dh_chain *chain)
{
    char name[DH_WIRE_NAME_BUF];
    size_t off = 12;

    if (len < 12 || ((unsigned) pkt[0] << 8 | pkt[1]) != id || !(pkt[2] & 0x80) || pkt[4] != 0 || pkt[5] != 1)
        return -1;
    if (dh_wire_name(pkt, len, &off, 1, name) != 0 || off + 4 > len || !dh_name_equal(name, qname) ||
        pkt[off] != 0 || pkt[off + 1] != QT_A || pkt[off + 2] != 0 || pkt[off + 3] != 1)
        return -1;
    if (dh_packet_chain(pkt, len, qname, chain) != 0)
        return 0;
    return chain->n > 1;
}

int dh_probe_take(dh_probe *p, dh_chain *chain)
{
    uint8_t buf[PROBE_BUF];
    ssize_t got;
    size_t i;
    int r = 0;

    if (p == NULL)
        return -1;
    got = recv(p->fd, buf, sizeof(buf), MSG_DONTWAIT);
    if (got < 0)
        return errno == EAGAIN || errno == EWOULDBLOCK ? -1 : 0;
    if (got < 12)
        return 0;
    if (pthread_mutex_lock(&p->lock) != 0)
        return 0;
    for (i = 0; i < PROBE_SLOTS; i++) {
        if (p->out[i].id > 0xffff)
            continue;
        r = dh_probe_parse(buf, (size_t) got, p->out[i].id, p->out[i].name, chain);
        if (r >= 0) {
            p->out[i].id = 0x10000; /* one answer per question */
            break;
        }
    }
    pthread_mutex_unlock(&p->lock);
    return r > 0;
}
