/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * query.h - one round of concurrent DNS lookups, and what each answer means
 *
 * A batch collects (name, type) questions, sends them all at once through
 * libunbound's async API and waits, with a deadline, for every answer. Each
 * answer is classified the way RFC 7672 section 2.1.1 needs it: secure or
 * insecure data or denial, or an error (bogus, SERVFAIL and other rcodes,
 * timeout, resolver failure). Bogus data is never handed on as data.
 */
#ifndef DANEHOP_QUERY_H
#define DANEHOP_QUERY_H

#include <stddef.h>

#include "name.h"
#include "resolver.h"

#define DH_T_A      1
#define DH_T_CNAME  5
#define DH_T_MX     15
#define DH_T_AAAA   28
#define DH_T_TLSA   52
#define DH_T_DNSKEY 48

/* most questions in one round */
#define DH_BATCH_MAX 256

typedef enum {
    DH_ANS_PENDING = 0,
    DH_ANS_DATA,     /* records of the type asked for */
    DH_ANS_NODATA,   /* the name exists, the type does not */
    DH_ANS_NXDOMAIN, /* the name does not exist */
    DH_ANS_BOGUS,    /* DNSSEC validation failed */
    DH_ANS_SERVFAIL, /* SERVFAIL, REFUSED, ...: a lookup error */
    DH_ANS_TIMEOUT,  /* no answer before the deadline */
    DH_ANS_FAILED    /* the resolver itself failed */
} dh_ans_kind;

struct ub_result;

typedef struct dh_answer {
    const char *qname;
    int qtype;
    dh_ans_kind kind;
    int secure;            /* validated secure (DATA, NODATA, NXDOMAIN) */
    char why[256];         /* for errors: what went wrong */
    struct ub_result *res; /* owned by the batch */
} dh_answer;

typedef struct dh_batch dh_batch;

dh_batch *dh_batch_new(void);
/* dh_batch_add - queue a question; returns its index, or -1 when full */
int dh_batch_add(dh_batch *b, const char *qname, int qtype);
size_t dh_batch_size(const dh_batch *b);
/*
 * dh_batch_run - send everything queued and wait until all answers are in
 * or deadline_ms (CLOCK_MONOTONIC) passes; late questions become TIMEOUT.
 */
void dh_batch_run(dh_batch *b, dh_resolver *r, long long deadline_ms);
const dh_answer *dh_batch_answer(const dh_batch *b, int idx);
/*
 * dh_batch_deliver - file libunbound's answer (err, res) for question idx;
 * the batch takes res. The async callback uses it; tests use it to replay
 * answers that a real zone cannot produce on demand.
 */
void dh_batch_deliver(dh_batch *b, int idx, int err, struct ub_result *res);
/* dh_batch_free - release the batch; answers still owed are orphaned safely */
void dh_batch_free(dh_batch *b);

/* dh_ans_is_error - bogus, SERVFAIL, timeout or failure */
int dh_ans_is_error(const dh_answer *a);
/* dh_ans_describe - "secure data", "insecure NXDOMAIN", "bogus: ..." */
const char *dh_ans_describe(const dh_answer *a, char *buf, size_t len);
/* dh_type_name - "MX", "TLSA", ... */
const char *dh_type_name(int qtype);

/* dh_now_ms - CLOCK_MONOTONIC in milliseconds */
long long dh_now_ms(void);

#endif
