/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * walk.h - per host: address records, the CNAME chain and its security
 * (RFC 7672 section 2.2.2, RFC 7671 section 7; table B of the design notes)
 *
 * From the A, AAAA and CNAME answers for a host H, decide whether the host
 * is reachable, how secure its name is hop by hop, and which names are
 * candidate TLSA base domains: [F, H] for a fully secure chain H -> ... -> F,
 * [H] for a secure H that is not an alias or whose own CNAME is secure,
 * none when DANE cannot apply.
 */
#ifndef DANEHOP_WALK_H
#define DANEHOP_WALK_H

#include "decision.h"
#include "name.h"
#include "query.h"
#include "wire.h"

typedef struct dh_host_work {
    danehop_host *out;            /* the host in the decision */
    char name[DH_NAME_BUF];       /* H, normalised */
    int from_mx;                  /* H is an exchange of a secure MX RRset */
    int insecure_mx;              /* H came from an insecure MX (half-DANE) */
    int decided;                  /* action final: no TLSA stage */
    int mandatory;                /* mandatory DANE for this host */
    int half;                     /* DANE even if the MX RRset is insecure */
    const char *rule;             /* the policy rule that set the above, or NULL */
    int ia, iaaaa, icname;        /* questions of the address round */
    char final[DH_WIRE_NAME_BUF]; /* F: H after CNAME expansion */
    int alias;                    /* F differs from H */
    dh_chain chain;               /* H ... F as found in the answer */
    size_t ncand;                 /* candidate base domains, in order */
    const char *cand[2];
    int itlsa[2];               /* TLSA questions of the TLSA round */
    int ihop[DH_MAX_CHAIN + 1]; /* CNAME questions for hops after the first */
} dh_host_work;

/*
 * dh_walk_ask - add the address-round questions (A, AAAA, CNAME) for name
 * to b; idx gets their indexes. A batch asks a question once, so asking
 * again later returns the same indexes.
 */
int dh_walk_ask(dh_batch *b, const char *name, int idx[3]);
/* dh_walk_queue - the same for w, keeping the indexes in w */
int dh_walk_queue(dh_host_work *w, dh_batch *b);
/*
 * dh_walk - read the answers, fill w->out (addresses, hops, and the action
 * when it is already final) and w's candidates.
 */
void dh_walk(danehop_decision *d, dh_host_work *w, const dh_batch *b);

#endif
