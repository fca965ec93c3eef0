/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * query.c - one round of concurrent DNS lookups
 *
 * DESCRIPTION
 *   Every question gets a ticket, handed to libunbound as callback data.
 *   The callback files the result into the batch through the ticket. When
 *   the deadline passes, outstanding questions are cancelled; a question
 *   that cannot be cancelled any more (its answer is already queued in
 *   libunbound's pipe) keeps its ticket, detached from the batch and parked
 *   on the resolver, so the late callback frees the result instead of
 *   writing into a batch that is gone.
 *
 *   Threads may run batches on one context at once (the socketmap daemon
 *   shares one warm cache this way). Whichever waiting thread holds the
 *   resolver's process_lock runs ub_process() and so delivers every
 *   thread's answers; the others sleep on their batch's condition variable
 *   and take over when the processor leaves. Answers and tickets change
 *   hands under qlock only.
 *
 *   libunbound's verdicts are mapped as in the design notes: bogus is
 *   checked before anything else (bogus answers keep their forged data),
 *   then the rcode (SERVFAIL comes back with secure=0 and bogus=0 and must
 *   not pass for "insecure"), then data versus denial.
 */
#include "query.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unbound.h>

#include "prefetch.h"
#include "transport.h"

struct dh_ticket {
    dh_orphan link; /* first: the resolver frees orphans through it */
    dh_resolver *res;
    struct dh_batch *batch; /* NULL once orphaned */
    int idx;
    int async_id;
};

/*
 * The arrays grow with the questions (most rounds ask fewer than ten), up
 * to DH_BATCH_MAX: a fixed table for the largest round cost every decision
 * 150 KB of zeroed memory per round.
 */
#define BATCH_FIRST 8

struct dh_batch {
    size_t n, cap;
    size_t pending;
    pthread_cond_t cv; /* signalled when an answer arrives */
    int cv_ready;
    dh_answer *ans;
    char **names;
    struct dh_ticket **tickets;
};

long long dh_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

dh_batch *dh_batch_new(void)
{
    dh_batch *b = calloc(1, sizeof(struct dh_batch));
    pthread_condattr_t attr;

    if (b == NULL)
        return NULL;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    b->cv_ready = pthread_cond_init(&b->cv, &attr) == 0;
    pthread_condattr_destroy(&attr);
    if (!b->cv_ready) {
        free(b);
        return NULL;
    }
    return b;
}

/* batch_grow - room for more questions; the batch is not running (no callback can look) */
static int batch_grow(dh_batch *b)
{
    size_t cap = b->cap ? b->cap * 2 : BATCH_FIRST;
    dh_answer *ans;
    char **names;
    struct dh_ticket **tickets;

    if (cap > DH_BATCH_MAX)
        cap = DH_BATCH_MAX;
    if ((ans = realloc(b->ans, cap * sizeof(*ans))) == NULL)
        return -1;
    b->ans = ans;
    if ((names = realloc(b->names, cap * sizeof(*names))) == NULL)
        return -1;
    b->names = names;
    if ((tickets = realloc(b->tickets, cap * sizeof(*tickets))) == NULL)
        return -1;
    b->tickets = tickets;
    b->cap = cap;
    return 0;
}

int dh_batch_add(dh_batch *b, const char *qname, int qtype)
{
    size_t i, len = strlen(qname);

    /* the same question twice in a round is asked once */
    for (i = 0; i < b->n; i++)
        if (b->ans[i].qtype == qtype && strcmp(b->names[i], qname) == 0)
            return (int) i;
    if (b->n >= DH_BATCH_MAX || len >= DH_NAME_BUF || (b->n == b->cap && batch_grow(b) != 0))
        return -1;
    if ((b->names[b->n] = malloc(len + 1)) == NULL)
        return -1;
    memcpy(b->names[b->n], qname, len + 1);
    memset(&b->ans[b->n], 0, sizeof(b->ans[b->n]));
    b->tickets[b->n] = NULL;
    b->ans[b->n].qname = b->names[b->n];
    b->ans[b->n].qtype = qtype;
    return (int) b->n++;
}

size_t dh_batch_size(const dh_batch *b) { return b->n; }

const dh_answer *dh_batch_answer(const dh_batch *b, int idx)
{
    return idx >= 0 && (size_t) idx < b->n ? &b->ans[idx] : NULL;
}

static void classify(dh_answer *a, int err, struct ub_result *res)
{
    a->res = res;
    if (err != 0) {
        a->kind = DH_ANS_FAILED;
        snprintf(a->why, sizeof(a->why), "resolver error: %s", ub_strerror(err));
    } else if (res == NULL) {
        a->kind = DH_ANS_FAILED;
        snprintf(a->why, sizeof(a->why), "resolver returned no result");
    } else if (res->bogus) {
        a->kind = DH_ANS_BOGUS;
        snprintf(a->why, sizeof(a->why), "DNSSEC validation failed (bogus): %s",
                 res->why_bogus ? res->why_bogus : "no detail");
    } else if (res->rcode != 0 && res->rcode != 3) {
        static const char *const rcodes[] = {"NOERROR",  "FORMERR", "SERVFAIL",
                                             "NXDOMAIN", "NOTIMP",  "REFUSED"};
        a->kind = DH_ANS_SERVFAIL;
        if (res->rcode >= 0 && res->rcode < 6)
            snprintf(a->why, sizeof(a->why), "lookup failed: %s", rcodes[res->rcode]);
        else
            snprintf(a->why, sizeof(a->why), "lookup failed: rcode %d", res->rcode);
    } else if (res->havedata) {
        /* data wins over the rcode: with QNAME minimisation a CNAME query
         * can come back NXDOMAIN (the target's) with the CNAME in it */
        a->kind = DH_ANS_DATA;
        a->secure = res->secure != 0;
    } else {
        a->kind = res->rcode == 3 ? DH_ANS_NXDOMAIN : DH_ANS_NODATA;
        a->secure = res->secure != 0;
    }
}

void dh_batch_deliver(dh_batch *b, int idx, int err, struct ub_result *res)
{
    if (idx < 0 || (size_t) idx >= b->n || b->ans[idx].kind != DH_ANS_PENDING) {
        ub_resolve_free(res);
        return;
    }
    classify(&b->ans[idx], err, res);
}

static void callback(void *data, int err, struct ub_result *res)
{
    struct dh_ticket *t = data;
    dh_resolver *r = t->res;
    dh_batch *b;

    dh_prefetch_answer(r->ub, r->probe, err == 0 ? res : NULL);
    pthread_mutex_lock(&r->qlock);
    if ((b = t->batch) == NULL) {
        /* orphaned: the batch gave up on this answer; it stays parked on
         * the resolver's list and is freed with it */
        ub_resolve_free(res);
        t->link.done = 1;
        pthread_mutex_unlock(&r->qlock);
        return;
    }
    dh_batch_deliver(b, t->idx, err, res);
    b->tickets[t->idx] = NULL;
    b->pending--;
    pthread_cond_signal(&b->cv);
    pthread_mutex_unlock(&r->qlock);
    free(t);
}

/* wait_answers - sleep until an answer for b arrives or ms pass (qlock held) */
static void wait_answers(dh_batch *b, dh_resolver *r, long long ms)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    ts.tv_sec += ms / 1000;
    ts.tv_nsec += (ms % 1000) * 1000000;
    if (ts.tv_nsec >= 1000000000) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000;
    }
    pthread_cond_timedwait(&b->cv, &r->qlock, &ts);
}

/* prune_orphans - free parked tickets whose late answer has been eaten */
static void prune_orphans(dh_resolver *r)
{
    dh_orphan **pp = &r->orphans;

    while (*pp != NULL) {
        dh_orphan *t = *pp;

        if (t->done) {
            *pp = t->next;
            free(t);
        } else {
            pp = &t->next;
        }
    }
}

/* fail_answer - an answer that never left: the reason is ours, not DNS's */
static void fail_answer(dh_answer *a, const char *why)
{
    a->kind = DH_ANS_FAILED;
    snprintf(a->why, sizeof(a->why), "%.200s", why);
}

/* send_one - hand question i to the resolver with a ticket for its answer */
static void send_one(dh_batch *b, dh_resolver *r, struct ub_ctx *ub, size_t i)
{
    dh_answer *a = &b->ans[i];
    struct dh_ticket *t;
    int rc, id = 0;

    if ((t = calloc(1, sizeof(*t))) == NULL) {
        fail_answer(a, "out of memory");
        return;
    }
    t->res = r;
    t->batch = b;
    t->idx = (int) i;
    pthread_mutex_lock(&r->qlock);
    b->tickets[i] = t;
    b->pending++;
    pthread_mutex_unlock(&r->qlock);
    /* another thread's ub_process() may answer (and free t) before this
     * returns: the id is kept only while the ticket is still pending */
    dh_prefetch_question(ub, r->probe, b->names[i], a->qtype);
    rc = dh_transport_send(ub, b->names[i], a->qtype, t, callback, &id);
    pthread_mutex_lock(&r->qlock);
    if (rc != 0) {
        b->tickets[i] = NULL;
        b->pending--;
        free(t);
        a->kind = DH_ANS_FAILED;
        snprintf(a->why, sizeof(a->why), "resolver error: %s", ub_strerror(rc));
    } else if (b->tickets[i] == t) {
        t->async_id = id;
    }
    pthread_mutex_unlock(&r->qlock);
}

/* send_all - every question still pending leaves now (ub NULL: all fail) */
static void send_all(dh_batch *b, dh_resolver *r, struct ub_ctx *ub)
{
    size_t i;

    for (i = 0; i < b->n; i++) {
        if (b->ans[i].kind != DH_ANS_PENDING)
            continue;
        if (ub == NULL)
            fail_answer(&b->ans[i], "no resolver");
        else
            send_one(b, r, ub, i);
    }
}

/*
 * wait_all - until every answer is in or the deadline passes: process the
 * resolver's answers when no other thread does, else sleep until one of
 * them files ours
 */
/* take_probes - hint the chains the probe's answers show (prefetch.c) */
static void take_probes(dh_resolver *r)
{
    dh_probe_answer *a = malloc(sizeof(*a));
    int n, got;

    if (a == NULL)
        return;
    /* bounded: a flood of datagrams must not hold the answers up */
    for (n = 0; n < 16 && (got = dh_probe_take(r->probe, a)) >= 0; n++)
        if (got > 0)
            dh_prefetch_probe(r->ub, r->probe, a);
    free(a);
}

static void wait_all(dh_batch *b, dh_resolver *r, struct ub_ctx *ub, long long deadline_ms)
{
    for (;;) {
        long long left = deadline_ms - dh_now_ms();
        size_t pending;

        pthread_mutex_lock(&r->qlock);
        pending = b->pending;
        pthread_mutex_unlock(&r->qlock);
        if (pending == 0 || left <= 0 || ub == NULL)
            return;
        if (pthread_mutex_trylock(&r->process_lock) == 0) {
            struct pollfd pfd[2] = {{.fd = dh_transport_fd(ub), .events = POLLIN},
                                    {.fd = dh_probe_fd(r->probe), .events = POLLIN}};
            int pr = poll(pfd, pfd[1].fd >= 0 ? 2 : 1, left > 100 ? 100 : (int) left);

            if (pr > 0 && pfd[1].revents != 0)
                take_probes(r);
            if (pr > 0 && pfd[0].revents != 0 && dh_transport_process(ub) != 0) {
                pthread_mutex_unlock(&r->process_lock);
                return;
            }
            pthread_mutex_unlock(&r->process_lock);
        } else {
            pthread_mutex_lock(&r->qlock);
            if (b->pending > 0)
                wait_answers(b, r, left > 20 ? 20 : left);
            pthread_mutex_unlock(&r->qlock);
        }
    }
}

/*
 * expire_rest - questions still owed are TIMEOUT; each is cancelled, or,
 * when its answer is already on the way, its ticket is parked as an orphan
 */
static void expire_rest(dh_batch *b, dh_resolver *r, struct ub_ctx *ub)
{
    size_t i;

    pthread_mutex_lock(&r->qlock);
    for (i = 0; i < b->n && b->pending > 0; i++) {
        struct dh_ticket *t = b->tickets[i];

        if (t == NULL)
            continue;
        b->ans[i].kind = DH_ANS_TIMEOUT;
        snprintf(b->ans[i].why, sizeof(b->ans[i].why), "no answer in time (timeout)");
        b->tickets[i] = NULL;
        b->pending--;
        if (ub != NULL && t->async_id != 0 && dh_transport_cancel(ub, t->async_id) == 0) {
            free(t);
        } else {
            t->batch = NULL;
            t->link.next = r->orphans;
            r->orphans = &t->link;
        }
    }
    pthread_mutex_unlock(&r->qlock);
}

void dh_batch_run(dh_batch *b, dh_resolver *r, long long deadline_ms)
{
    struct ub_ctx *ub = r ? r->ub : NULL;

    if (r != NULL) {
        pthread_mutex_lock(&r->qlock);
        prune_orphans(r);
        pthread_mutex_unlock(&r->qlock);
    }
    send_all(b, r, ub);
    if (r == NULL)
        return;
    wait_all(b, r, ub, deadline_ms);
    expire_rest(b, r, ub);
}

void dh_batch_free(dh_batch *b)
{
    size_t i;

    if (b == NULL)
        return;
    for (i = 0; i < b->n; i++) {
        if (b->ans[i].res != NULL)
            ub_resolve_free(b->ans[i].res);
        free(b->names[i]);
    }
    free(b->ans);
    free(b->names);
    free(b->tickets);
    if (b->cv_ready)
        pthread_cond_destroy(&b->cv);
    free(b);
}

int dh_ans_is_error(const dh_answer *a) { return a->kind >= DH_ANS_BOGUS || a->kind == DH_ANS_PENDING; }

const char *dh_ans_describe(const dh_answer *a, char *buf, size_t len)
{
    const char *sec = a->secure ? "secure" : "insecure";

    switch (a->kind) {
    case DH_ANS_DATA: snprintf(buf, len, "%s answer", sec); break;
    case DH_ANS_NODATA: snprintf(buf, len, "%s NODATA", sec); break;
    case DH_ANS_NXDOMAIN: snprintf(buf, len, "%s NXDOMAIN", sec); break;
    case DH_ANS_PENDING: snprintf(buf, len, "not asked"); break;
    default: snprintf(buf, len, "%s", a->why); break;
    }
    return buf;
}

const char *dh_type_name(int qtype)
{
    switch (qtype) {
    case DH_T_A: return "A";
    case DH_T_CNAME: return "CNAME";
    case DH_T_MX: return "MX";
    case DH_T_AAAA: return "AAAA";
    case DH_T_TLSA: return "TLSA";
    case DH_T_DNSKEY: return "DNSKEY";
    }
    return "?";
}
