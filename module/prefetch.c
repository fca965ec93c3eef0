/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * NAME
 *   prefetch.c - zone keys asked in parallel before the validator needs them
 *
 * SYNOPSIS
 *   #include "prefetch.h"
 *
 *   void dh_prefetch_question(struct ub_ctx *ub, dh_probe *probe, const char *name, int qtype);
 *   void dh_prefetch_answer(struct ub_ctx *ub, dh_probe *probe, const struct ub_result *res);
 *   void dh_prefetch_chain(struct ub_ctx *ub, const dh_chain *chain);
 *   void dh_prefetch_probe(struct ub_ctx *ub, dh_probe *probe, const dh_probe_answer *a);
 *
 * DESCRIPTION
 *   With an empty cache (a fresh Exim delivery process) libunbound's
 *   validator learns the chain of trust of an answer one step at a time:
 *   DS com, then DNSKEY com, then DS example.com, then DNSKEY example.com,
 *   one round trip each. The names are known from the question, so here
 *   every ancestor's DS and DNSKEY leave together with it; when the
 *   validator asks, the answer is cached or the same query is in flight.
 *   Names that are not zone cuts cost a NODATA answer, in parallel.
 *
 *   Nothing is trusted because it was prefetched: these are ordinary
 *   questions to libunbound, validated as any other, and danehop never
 *   reads their answers (dh_transport_hint).
 *
 *   A warm process must not pay for hints it no longer needs: a small
 *   table remembers, per libunbound context, which names were hinted in
 *   the last HINT_TTL seconds. Collisions only cost a hint or skip one.
 *   A context is known by its address and the table's epoch, which
 *   dh_prefetch_forget() moves on when one is deleted: a new context at
 *   a freed one's address (danehopd's reload) starts with an empty cache
 *   and must send its hints again.
 *
 *   The CNAME target of an answer (dh_prefetch_answer) is hinted as soon
 *   as the CNAME question is answered, while libunbound still follows the
 *   alias for the address questions asked beside it.
 *
 *   libunbound asks again at every hop of a chain, one round trip each
 *   (chainprobe.c), so an address or MX question also goes raw to the
 *   forwarder (the probe). The chain an address probe shows
 *   (dh_prefetch_chain) has every middle hop's CNAME question, the zone
 *   keys and the final host's addresses and TLSA asked at once, so that
 *   libunbound's own walk finds each next hop cached; the exchanges an MX
 *   probe shows have what the next round asks of them asked at once
 *   (dh_prefetch_probe). Only names come from a probe, never an answer.
 *
 *   No new hint (from a question, an answer or a probe answer) while the
 *   probe's last answer came back within DH_PROBE_NEAR_US (chainprobe.c,
 *   dh_probe_near): a forwarder that answers from its cache at once leaves
 *   no round trip to hide, and every hint's answer costs the validator
 *   signature checks. The chase of a hint already in flight goes on.
 *
 * BUGS
 *   Hints are bounded (HINT_MAX_LABELS ancestors per name), so a name
 *   deeper than that gets its deepest levels validated the slow way.
 */
#include "prefetch.h"

#include <ctype.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unbound.h>

#include "chainprobe.h"
#include "transport.h"

#define HINT_SLOTS      1024
#define HINT_WAYS       8
#define HINT_TTL        600
#define HINT_MAX_LABELS 8
#define HINT_MAX_HOPS   7 /* the pointer tag's 3 bits; later hops of a chain are not hinted */
#define QT_A            1
#define QT_MX           15
#define QT_AAAA         28
#define QT_PROBE        65280 /* + qtype: the chain probe's questions, in the hint table */
#define QT_CNAME        5
#define QT_DS           43
#define QT_DNSKEY       48
#define QT_TLSA         52

/*
 * The questions one probe answer may cause (its names are a forger's to
 * choose: 16 exchanges deep in zones of their own made about 250 at once).
 * A real chain of five hops or an MX set of five hosts needs well under
 * this; past it the rest of the names are simply not hinted. Counted per
 * thread while dh_prefetch_probe runs; -1 when no probe answer is read.
 */
#define PROBE_HINTS 64
static _Thread_local int probe_budget = -1;

static pthread_mutex_t hint_lock = PTHREAD_MUTEX_INITIALIZER;
/* unsigned int, not 64 bits: no libatomic on 32-bit ports; a wrap after
 * 2^32 deletions costs at most a skipped hint */
static _Atomic unsigned hint_epoch;
static struct {
    uint64_t key;
    time_t when;
} hinted[HINT_SLOTS];

static uint64_t name_key(const struct ub_ctx *ub, const char *name, int qtype)
{
    uint64_t h = 1469598103934665603ULL ^ (uint64_t) (uintptr_t) ub ^ ((uint64_t) qtype << 48);
    unsigned epoch = atomic_load_explicit(&hint_epoch, memory_order_relaxed);
    int i;

    /* hashed as the name's bytes are: XORed beside the address, the epoch
     * would give a context elsewhere the old one's keys */
    for (i = 0; i < 4; i++) {
        h ^= (epoch >> (8 * i)) & 0xff;
        h *= 1099511628211ULL;
    }
    for (; *name; name++) {
        h ^= (unsigned char) tolower((unsigned char) *name);
        h *= 1099511628211ULL;
    }
    /* FNV's low bits depend on the name's low bits only: mix the seed (the
     * context and the type) into them, or every type shares one slot */
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return h | 1; /* 0 marks an empty slot */
}

/*
 * first_hint - whether name/qtype was not hinted lately on ub (and is now).
 * The key is looked for among HINT_WAYS slots; a new one replaces the
 * oldest of them, so a decision's few dozen questions do not evict each
 * other (which would send their hints again on every decision).
 */
static int first_hint(const struct ub_ctx *ub, const char *name, int qtype)
{
    uint64_t key = name_key(ub, name, qtype);
    struct timespec ts;
    size_t base = (size_t) (key % HINT_SLOTS) & ~(size_t) (HINT_WAYS - 1), i, old = base;
    int fresh = 1;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    /* a hint is never worth waiting for (nor a lock a fork left held) */
    if (pthread_mutex_trylock(&hint_lock) != 0)
        return 0;
    for (i = base; i < base + HINT_WAYS; i++) {
        if (hinted[i].key == key) {
            fresh = ts.tv_sec - hinted[i].when > HINT_TTL;
            old = i;
            break;
        }
        if (hinted[i].when < hinted[old].when)
            old = i;
    }
    if (fresh) {
        hinted[old].key = key;
        hinted[old].when = ts.tv_sec;
    }
    pthread_mutex_unlock(&hint_lock);
    return fresh;
}

static void hint_answer(void *data, int err, struct ub_result *res);

/*
 * hint - ask name/qtype unless asked lately. The callback needs the
 * context and the hop count of a CNAME chase; both ride in the data
 * pointer (libunbound's contexts are malloc'd, so aligned to at least 8:
 * the low 3 bits are free), because memory allocated here would leak with
 * every hint still in flight when the context is deleted.
 */
static void hint(struct ub_ctx *ub, const char *name, int qtype, unsigned hops)
{
    if (probe_budget != 0 && first_hint(ub, name, qtype)) {
        dh_transport_hint(ub, name, qtype, (void *) ((uintptr_t) ub | hops), hint_answer);
        if (probe_budget > 0)
            probe_budget--;
    }
}

static void zone_keys(struct ub_ctx *ub, const char *name)
{
    const char *starts[HINT_MAX_LABELS];
    size_t n = 0, i, len = strlen(name);
    const char *p;

    if (len == 0 || len > 253)
        return;
    hint(ub, ".", QT_DNSKEY, 0);
    /* the ancestors, nearest the root first; labels such as _25 and _tcp
     * start below any zone cut a mail host's name lives under */
    for (p = name + len; p > name && n < HINT_MAX_LABELS;) {
        do
            p--;
        while (p > name && p[-1] != '.');
        if (*p == '_' || *p == '.')
            break;
        starts[n++] = p;
        if (p > name)
            p--;
    }
    /* ...and asked in that order: the validator needs the topmost unknown
     * DS first, and when a host's address answer (libunbound's own question
     * for a CNAME target) lands before that DS hint's answer, the validator
     * asks the DS again itself (with CD: a query of its own, not joined with
     * the hint's), one more round trip */
    for (i = 0; i < n; i++) {
        hint(ub, starts[i], QT_DS, 0);
        hint(ub, starts[i], QT_DNSKEY, 0);
    }
}

/* host - a host's zone keys and its TLSA RRset for SMTP (port 25: what
 * MX delivery uses; a decision for another port just misses the hint) */
static void host(struct ub_ctx *ub, const char *name, unsigned hops)
{
    char tlsa[300];

    zone_keys(ub, name);
    if (snprintf(tlsa, sizeof(tlsa), "_25._tcp.%s", name) < (int) sizeof(tlsa))
        hint(ub, tlsa, QT_TLSA, hops);
}

void dh_prefetch_question(struct ub_ctx *ub, dh_probe *probe, const char *name, int qtype)
{
    if (ub == NULL || name == NULL)
        return;
    /* the probe first: its answer should be in before libunbound's own */
    if ((qtype == QT_A || qtype == QT_MX) && probe != NULL && probe_budget != 0 &&
        first_hint(ub, name, QT_PROBE + qtype)) {
        dh_probe_ask(probe, name, qtype);
        if (probe_budget > 0)
            probe_budget--;
    }
    /* the probe still goes (for a name not probed in the last HINT_TTL
     * seconds): its answer's time says again whether hints pay */
    if (dh_probe_near(probe))
        return;
    if (qtype == QT_A)
        host(ub, name, 0);
    else
        zone_keys(ub, name);
}

void dh_prefetch_chain(struct ub_ctx *ub, const dh_chain *chain)
{
    const char *last;
    size_t i;

    if (ub == NULL || chain == NULL || chain->n < 2)
        return;
    last = chain->name[chain->n - 1];
    /*
     * A CNAME question per middle hop, not an address one: the answer to an
     * address question at a hop is the rest of the chain, which libunbound
     * would walk and validate once more for every hop. They leave first:
     * libunbound's own walk asks the second name itself as soon as its
     * answer for the first is in, and then wants the third name's CNAME
     * RRset cached, which it is when its question left before.
     */
    for (i = 2; i + 1 < chain->n; i++) {
        char tlsa[300];

        hint(ub, chain->name[i], QT_CNAME, HINT_MAX_HOPS);
        /* a TLSA base domain is the first name or the last, never one
         * between (RFC 7672 2.2.2): marked as asked, so that the chase of
         * a CNAME answer (chase) does not ask it */
        if (snprintf(tlsa, sizeof(tlsa), "_25._tcp.%s", chain->name[i]) < (int) sizeof(tlsa))
            (void) first_hint(ub, tlsa, QT_TLSA);
    }
    /* then the keys, before the last name's addresses: the validator wants
     * them when those land. A CNAME's owner is never a zone's apex, so a
     * middle hop's keys are those of the zones above it. */
    for (i = 1; i + 1 < chain->n; i++) {
        const char *dot = strchr(chain->name[i], '.');

        if (dot != NULL)
            zone_keys(ub, dot + 1);
    }
    zone_keys(ub, last);
    hint(ub, last, QT_A, 0);
    hint(ub, last, QT_AAAA, 0);
    host(ub, last, 0);
}

/* cname_target - the target of a CNAME answer as text, or 0 when odd */
static int cname_target(const struct ub_result *res, char *name, size_t size)
{
    const unsigned char *w;
    size_t i = 0, o = 0, len;

    if (res == NULL || res->qtype != QT_CNAME || !res->havedata || res->bogus || res->data == NULL ||
        res->data[0] == NULL || res->len == NULL || res->len[0] <= 0)
        return 0;
    w = (const unsigned char *) res->data[0];
    len = (size_t) res->len[0];
    /* anything a hostname would not contain is simply not hinted */
    while (i < len && w[i] != 0) {
        size_t l = w[i++], k;

        if (l > 63 || i + l > len || o + l + 2 > size)
            return 0;
        for (k = 0; k < l; k++) {
            unsigned char c = w[i + k];

            if (!isalnum(c) && c != '-' && c != '_')
                return 0;
            name[o++] = (char) c;
        }
        name[o++] = '.';
        i += l;
    }
    if (o == 0)
        return 0;
    name[o - 1] = '\0';
    return 1;
}

/* chase - the next hop of an alias: its keys, its TLSA, and its own alias */
static void chase(struct ub_ctx *ub, const struct ub_result *res, unsigned hops)
{
    char target[256];

    if (hops > HINT_MAX_HOPS || !cname_target(res, target, sizeof(target)))
        return;
    host(ub, target, hops);
    if (hops < HINT_MAX_HOPS)
        hint(ub, target, QT_CNAME, hops);
}

static void hint_answer(void *data, int err, struct ub_result *res)
{
    uintptr_t tag = (uintptr_t) data;

    if (err == 0)
        chase((struct ub_ctx *) (tag & ~(uintptr_t) 7), res, (unsigned) (tag & 7) + 1);
    ub_resolve_free(res);
}

void dh_prefetch_answer(struct ub_ctx *ub, dh_probe *probe, const struct ub_result *res)
{
    if (ub != NULL && !dh_probe_near(probe))
        chase(ub, res, 1);
}

void dh_prefetch_probe(struct ub_ctx *ub, dh_probe *probe, const dh_probe_answer *a)
{
    size_t i;

    if (ub == NULL || a == NULL || dh_probe_near(probe))
        return;
    probe_budget = PROBE_HINTS;
    if (a->qtype == QT_A) {
        dh_prefetch_chain(ub, &a->chain);
    } else {
        /* MX: what the address round will ask of every exchange (walk.c) */
        for (i = 0; i < a->nmx && i < DH_PROBE_MX && probe_budget != 0; i++) {
            dh_prefetch_question(ub, probe, a->mx[i], QT_A);
            hint(ub, a->mx[i], QT_A, 0);
            hint(ub, a->mx[i], QT_AAAA, 0);
            /* not chased: the exchange's own probe shows its chain, and a
             * chase (7 hops) would run past this answer's bound */
            hint(ub, a->mx[i], QT_CNAME, HINT_MAX_HOPS);
        }
    }
    probe_budget = -1;
}

void dh_prefetch_forget(void) { atomic_fetch_add_explicit(&hint_epoch, 1, memory_order_relaxed); }
