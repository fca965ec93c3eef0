/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * decision.h - the decision object behind danehop_decision / danehop_host
 *
 * Built by discover.c, read through the accessors in decision.c, rendered
 * by render.c. All memory belongs to the decision's arena.
 */
#ifndef DANEHOP_DECISION_H
#define DANEHOP_DECISION_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "danehop.h"

/*
 * the most MX hosts evaluated per domain; the names of the rest are kept
 * (skipped[]), counted in the reason, and danehop_decision_match() reports
 * them as DANEHOP_MATCH_LIMIT, which the shims defer
 */
#define DH_MAX_HOSTS 16
/* a decision never takes more memory than this */
#define DH_DECISION_LIMIT (1024 * 1024)

typedef struct dh_tlsa_out {
    uint8_t usage, selector, mtype;
    size_t len;
    const unsigned char *data;
    const char *text;
} dh_tlsa_out;

typedef struct dh_hop {
    const char *name;
    const char *cname;
    int secure; /* 1, 0, or -1 unknown */
} dh_hop;

typedef struct dh_query_log {
    unsigned round;
    const char *name;
    const char *type;
    const char *result;
} dh_query_log;

struct danehop_host {
    const char *name;
    unsigned preference;
    danehop_action action;
    const char *reason;
    const char *base_domain;
    const char *sni;
    int address_secure;
    size_t ntlsa;
    dh_tlsa_out *tlsa;
    size_t nunusable;
    const char **unusable;
    size_t nnames;
    const char *const *names;
    size_t naddrs;
    const char **addrs;
    size_t nhops;
    dh_hop *hops;
    danehop_error error; /* why a deferred host is deferred; 0: DNS */
    int mandatory;       /* mandatory DANE applies (request or rule) */
};

struct danehop_decision {
    dh_arena *arena;
    _Atomic int refs;         /* the caller's and the cache's references */
    _Atomic int used;         /* handed out at least once (dh_decision_first_use) */
    const char *domain;       /* N, or NULL in host-only mode */
    const char *mx_owner;     /* N' when the MX lookup followed a CNAME */
    const char *host_request; /* the host asked for, in host mode */
    danehop_status status;
    danehop_policy policy;
    unsigned flags;
    int mx_secure;
    int implicit_mx;
    int exempt;       /* a rule exempts the domain: no lookups */
    const char *rule; /* the policy rule applied to the domain */
    const char *reason;
    unsigned port;
    unsigned rounds;
    size_t nhosts;
    danehop_host *hosts;
    size_t nskipped; /* MX hosts past DH_MAX_HOSTS: not evaluated */
    const char **skipped;
    size_t nqueries;
    size_t queries_cap;
    dh_query_log *queries;
    danehop_error error; /* set where a defer is not DNS's doing */
    unsigned dns_errors; /* answers that were errors, timeouts apart */
    unsigned timeouts;   /* answers that did not come in time */
    int from_daemon;     /* rebuilt from danehopd's reply (daemon.c) */
};

/* dh_decision_new - an empty decision, or NULL when out of memory */
danehop_decision *dh_decision_new(void);
/* dh_decision_ref - one more reference (danehop_decision_free drops one) */
danehop_decision *dh_decision_ref(danehop_decision *d);
/*
 * dh_decision_first_use - 1 for the first caller only, 0 for every later
 * one: a cached decision is handed out many times, but a daemon logs and
 * counts it once
 */
int dh_decision_first_use(danehop_decision *d);
/* dh_decision_was_used - whether it was handed out (and so logged) before; changes nothing */
int dh_decision_was_used(const danehop_decision *d);
/* dh_decision_log_query - remember one question and its outcome */
void dh_decision_log_query(danehop_decision *d, unsigned round, const char *name, const char *type,
                           const char *result);
/* dh_host_add_refname - append name to a host's reference names unless present */
void dh_host_add_refname(danehop_decision *d, danehop_host *h, const char *name);

#endif
