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
 *   void dh_probe_drop(dh_probe *p);
 *   void dh_probe_ask(dh_probe *p, const char *name, int qtype);
 *   int dh_probe_take(dh_probe *p, dh_probe_answer *a);
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
 *   "forwarders", or else the first nameserver of resolv.conf
 *   (dh_probe_for; none when danehop recurses itself or an unbound.conf
 *   says where to go). Its answer is never an answer: it is only read for
 *   the names of the chain, which prefetch.c then asks libunbound for at
 *   once (zone keys, every middle hop's CNAME question, the final host's
 *   addresses and TLSA), so that libunbound's own walk finds each next hop
 *   in its cache. Every record danehop decides on still comes from
 *   libunbound, validated hop by hop.
 *
 *   The answer is hostile input: it must come from the forwarder's address
 *   (a connected socket), carry the ID and the question sent, and its chain
 *   is read by the bounded parser of wire.c (DH_MAX_CHAIN hops). A forged
 *   one can only make libunbound ask, and validate, a few more names.
 *
 *   The MX question of a decision goes the same way: its raw answer names
 *   the exchanges a few milliseconds before libunbound has validated it,
 *   so their questions (and their own probes) leave ahead of the round
 *   that asks them, and that round's questions join them in flight.
 *
 *   A single socket per resolver; at most PROBE_SLOTS questions remembered,
 *   a newer one replacing the oldest (its late answer is then ignored).
 *   Nothing here blocks, and nothing here can fail a decision.
 *
 *   The time an answer took is kept (dh_probe_near): hints hide round
 *   trips, but every hint's answer is validated, and when the forwarder
 *   answers at once the validator checks the same signatures twice, for
 *   the hint and for its own question in flight beside it (Debian's
 *   libunbound validates with nettle: 0.23 to 0.31 ms per ECDSA P-256
 *   signature). Against the lab's local resolver, its answers cached, a
 *   fresh seed decision checked 20 to 24 signatures with every hint, 13
 *   with none, and 15 with hints only in the first round (before any
 *   answer's time is known): 14.6 to 16.1 ms instead of 17.9 to 18.7 ms.
 *   The time is one per probe (so per resolver, shared by danehopd's
 *   threads), taken when the answer is read, which can only make it
 *   longer: a busy thread errs towards sending hints, as before. It stays
 *   until the next probe answer, and a name is probed once in ten
 *   minutes (prefetch.c). A forger on the path who answers the probe at
 *   once only turns the hints off, as dropping its packets would.
 */
#include "chainprobe.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "name.h"
#include "transport.h"

#define PROBE_SLOTS 8
#define PROBE_BUF   4096
#define QT_A        1
#define QT_MX       15

struct dh_probe {
    pthread_mutex_t lock;
    int fd;
    unsigned next;
    _Atomic int rtt_us; /* the last answer's, -1 before any */
    struct {
        unsigned id; /* 0x10000 when the slot is empty */
        int qtype;
        long long sent_us;
        char name[DH_NAME_BUF];
    } out[PROBE_SLOTS];
};

static long long now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long) ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

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
    atomic_init(&p->rtt_us, -1);
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
    int found = 0, at_start = 1, cut;

    if (f == NULL)
        return 0;
    /* long lines come in pieces: a piece only counts at a line's start (a
     * long search line's tail that reads "nameserver X" is not one, and
     * would send every name asked to X, where libunbound never goes) */
    while (!found && fgets(line, sizeof(line), f) != NULL) {
        char *p = line, *end;
        int start = at_start;

        at_start = strchr(line, '\n') != NULL;
        cut = !at_start && strlen(line) == sizeof(line) - 1;
        if (!start)
            continue;
        while (*p == ' ' || *p == '\t')
            p++;
        if (strncmp(p, "nameserver", 10) != 0 || (p[10] != ' ' && p[10] != '\t'))
            continue;
        for (p += 10; *p == ' ' || *p == '\t'; p++)
            ;
        for (end = p; *end && !isspace((unsigned char) *end); end++)
            ;
        /* an address cut by the piece's end is no address (127.0.0.1 of 127.0.0.12) */
        if (end > p && (*end != '\0' || !cut) && (size_t) (end - p) < size) {
            memcpy(out, p, (size_t) (end - p));
            out[end - p] = '\0';
            found = 1;
        }
    }
    fclose(f);
    return found;
}

void dh_probe_drop(dh_probe *p)
{
    if (p == NULL)
        return;
    close(p->fd);
    /* its lock may have been held at fork by a thread that does not exist
     * here: destroying it is undefined, its memory is merely released */
    free(p);
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

void dh_probe_ask(dh_probe *p, const char *name, int qtype)
{
    uint8_t q[12 + 256 + 4];
    uint16_t id;
    size_t n;

    if (p == NULL || name == NULL || (qtype != QT_A && qtype != QT_MX) ||
        (n = encode(name, q + 12, 256)) == 0 || strlen(name) >= DH_NAME_BUF ||
        getrandom(&id, sizeof(id), GRND_NONBLOCK) != sizeof(id))
        return;
    memset(q, 0, 12);
    q[0] = (uint8_t) (id >> 8);
    q[1] = (uint8_t) id;
    q[2] = 0x01; /* RD */
    q[5] = 1;    /* one question */
    q[12 + n] = 0;
    q[12 + n + 1] = (uint8_t) qtype;
    q[12 + n + 2] = 0;
    q[12 + n + 3] = 1; /* IN */
    /* a hint is never worth waiting for */
    if (pthread_mutex_trylock(&p->lock) != 0)
        return;
    if (send(p->fd, q, 12 + n + 4, MSG_DONTWAIT) == (ssize_t) (12 + n + 4)) {
        p->out[p->next].id = id;
        p->out[p->next].qtype = qtype;
        p->out[p->next].sent_us = now_us();
        strcpy(p->out[p->next].name, name);
        p->next = (p->next + 1) % PROBE_SLOTS;
    }
    pthread_mutex_unlock(&p->lock);
}

static unsigned get16(const uint8_t *p) { return (unsigned) p[0] << 8 | p[1]; }

/* exchanges - the MX exchanges owned by owner in the answer section */
static void exchanges(const uint8_t *pkt, size_t len, const char *owner, dh_probe_answer *a)
{
    char name[DH_WIRE_NAME_BUF];
    size_t off = 12, i;
    unsigned an = get16(pkt + 6);

    if (dh_wire_name(pkt, len, &off, 1, name) != 0 || off + 4 > len)
        return;
    off += 4;
    for (i = 0; i < an && a->nmx < DH_PROBE_MX; i++) {
        unsigned type, rdlen;
        size_t roff;
        int mine;

        if (dh_wire_name(pkt, len, &off, 1, name) != 0 || off + 10 > len)
            return;
        type = get16(pkt + off);
        rdlen = get16(pkt + off + 8);
        off += 10;
        if (off + rdlen > len)
            return;
        mine = type == QT_MX && rdlen > 2 && dh_name_equal(name, owner);
        roff = off + 2; /* past the preference */
        /* the exchange may be compressed against the whole message */
        if (mine && dh_wire_name(pkt, off + rdlen, &roff, 1, name) == 0 && roff == off + rdlen &&
            strcmp(name, ".") != 0 && strlen(name) < DH_NAME_BUF)
            strcpy(a->mx[a->nmx++], name);
        off += rdlen;
    }
}

int dh_probe_parse(const uint8_t *pkt, size_t len, unsigned id, const char *qname, int qtype,
                   dh_probe_answer *a)
{
    char name[DH_WIRE_NAME_BUF];
    size_t off = 12;

    a->qtype = qtype;
    a->nmx = 0;
    a->chain.n = 0;
    if (len < 12 || get16(pkt) != id || !(pkt[2] & 0x80) || get16(pkt + 4) != 1)
        return -1;
    if (dh_wire_name(pkt, len, &off, 1, name) != 0 || off + 4 > len || !dh_name_equal(name, qname) ||
        get16(pkt + off) != (unsigned) qtype || get16(pkt + off + 2) != 1)
        return -1;
    if (dh_packet_chain(pkt, len, qname, &a->chain) != 0)
        return 0;
    if (qtype == QT_MX) {
        exchanges(pkt, len, a->chain.name[a->chain.n - 1], a);
        return a->nmx > 0;
    }
    return a->chain.n > 1;
}

int dh_probe_take(dh_probe *p, dh_probe_answer *a)
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
        r = dh_probe_parse(buf, (size_t) got, p->out[i].id, p->out[i].name, p->out[i].qtype, a);
        if (r >= 0) {
            long long rtt = now_us() - p->out[i].sent_us;

            p->out[i].id = 0x10000; /* one answer per question */
            atomic_store(&p->rtt_us, rtt > INT_MAX ? INT_MAX : (int) rtt);
            break;
        }
    }
    pthread_mutex_unlock(&p->lock);
    return r > 0;
}

int dh_probe_near(const dh_probe *p)
{
    int rtt;

    if (p == NULL)
        return 0;
    rtt = atomic_load(&p->rtt_us);
    return rtt >= 0 && rtt < DH_PROBE_NEAR_US;
}
