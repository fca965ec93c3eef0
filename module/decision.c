/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * decision.c - accessors of the immutable decision
 */
#include "decision.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "name.h"

danehop_decision *dh_decision_new(void)
{
    dh_arena *a = dh_arena_new(DH_DECISION_LIMIT);
    danehop_decision *d;

    if (a == NULL)
        return NULL;
    if ((d = dh_arena_alloc(a, sizeof(*d))) == NULL) {
        dh_arena_free(a);
        return NULL;
    }
    d->arena = a;
    atomic_init(&d->refs, 1);
    atomic_init(&d->used, 0);
    return d;
}

int dh_decision_first_use(danehop_decision *d) { return atomic_exchange(&d->used, 1) == 0; }

int dh_decision_was_used(const danehop_decision *d) { return atomic_load(&d->used) != 0; }

danehop_decision *dh_decision_ref(danehop_decision *d)
{
    atomic_fetch_add(&d->refs, 1);
    return d;
}

void danehop_decision_free(danehop_decision *d)
{
    /* the arena holds d itself: the last reference frees both */
    if (d != NULL && atomic_fetch_sub(&d->refs, 1) == 1)
        dh_arena_free(d->arena);
}

void dh_decision_log_query(danehop_decision *d, unsigned round, const char *name, const char *type,
                           const char *result)
{
    dh_query_log *q;

    if (d->nqueries == d->queries_cap) {
        size_t cap = d->queries_cap ? d->queries_cap * 2 : 32;
        dh_query_log *nq = dh_arena_alloc(d->arena, cap * sizeof(*nq));

        if (nq == NULL)
            return;
        if (d->nqueries)
            memcpy(nq, d->queries, d->nqueries * sizeof(*nq));
        d->queries = nq;
        d->queries_cap = cap;
    }
    q = &d->queries[d->nqueries++];
    q->round = round;
    q->name = dh_arena_strdup(d->arena, name);
    q->type = type;
    q->result = dh_arena_strdup(d->arena, result);
}

void dh_host_add_refname(danehop_decision *d, danehop_host *h, const char *name)
{
    const char **names;
    size_t i;

    if (name == NULL)
        return;
    for (i = 0; i < h->nnames; i++)
        if (dh_name_equal(h->names[i], name))
            return;
    names = dh_arena_alloc(d->arena, (h->nnames + 1) * sizeof(*names));
    if (names == NULL)
        return;
    if (h->nnames)
        memcpy(names, h->names, h->nnames * sizeof(*names));
    names[h->nnames++] = dh_arena_strdup(d->arena, name);
    h->names = names;
}

danehop_status danehop_decision_status(const danehop_decision *d) { return d->status; }
const char *danehop_decision_domain(const danehop_decision *d) { return d->domain; }
int danehop_decision_mx_secure(const danehop_decision *d) { return d->mx_secure; }
const char *danehop_decision_reason(const danehop_decision *d) { return d->reason ? d->reason : ""; }
unsigned danehop_decision_port(const danehop_decision *d) { return d->port; }
unsigned danehop_decision_rounds(const danehop_decision *d) { return d->rounds; }
size_t danehop_decision_host_count(const danehop_decision *d) { return d->nhosts; }

size_t danehop_decision_query_count(const danehop_decision *d) { return d->nqueries; }

int danehop_decision_query(const danehop_decision *d, size_t i, unsigned *round, const char **name,
                           const char **type, const char **result)
{
    if (i >= d->nqueries)
        return -1;
    *round = d->queries[i].round;
    *name = d->queries[i].name;
    *type = d->queries[i].type;
    *result = d->queries[i].result;
    return 0;
}

const danehop_host *danehop_decision_host(const danehop_decision *d, size_t i)
{
    return i < d->nhosts ? &d->hosts[i] : NULL;
}

const char *danehop_status_name(danehop_status s)
{
    switch (s) {
    case DANEHOP_STATUS_OK: return "ok";
    case DANEHOP_STATUS_DEFER: return "defer";
    case DANEHOP_STATUS_NULLMX: return "nullmx";
    case DANEHOP_STATUS_NXDOMAIN: return "nxdomain";
    }
    return "defer";
}

const char *danehop_error_name(danehop_error e)
{
    switch (e) {
    case DANEHOP_E_OK: return "ok";
    case DANEHOP_E_DNS: return "dns";
    case DANEHOP_E_TIMEOUT: return "timeout";
    case DANEHOP_E_POLICY: return "policy";
    case DANEHOP_E_CONFIG: return "config";
    case DANEHOP_E_INPUT: return "input";
    case DANEHOP_E_NOMEM: return "nomem";
    case DANEHOP_E_INTERNAL: return "internal";
    }
    return "internal";
}

int danehop_host_mandatory(const danehop_host *h) { return h->mandatory; }

danehop_error danehop_host_error(const danehop_host *h)
{
    if (h->action != DANEHOP_ACTION_DEFER)
        return DANEHOP_E_OK;
    return h->error != DANEHOP_E_OK ? h->error : DANEHOP_E_DNS;
}

/*
 * danehop_decision_error - what stood in the way, from what the decision
 * recorded: an explicit cause first, then the hosts' own causes when none
 * of them was a DNS failure, then the answers (only timeouts: TIMEOUT).
 */
danehop_error danehop_decision_error(const danehop_decision *d)
{
    danehop_error first = DANEHOP_E_OK;
    size_t i;

    if (d->status != DANEHOP_STATUS_DEFER)
        return DANEHOP_E_OK;
    if (d->error != DANEHOP_E_OK)
        return d->error;
    for (i = 0; i < d->nhosts; i++) {
        danehop_error e = danehop_host_error(&d->hosts[i]);

        if (e == DANEHOP_E_DNS || (e == DANEHOP_E_OK && d->hosts[i].action != DANEHOP_ACTION_NOADDRESS)) {
            first = DANEHOP_E_OK;
            break;
        }
        if (first == DANEHOP_E_OK)
            first = e;
    }
    if (first != DANEHOP_E_OK)
        return first;
    return d->timeouts > 0 && d->dns_errors == 0 ? DANEHOP_E_TIMEOUT : DANEHOP_E_DNS;
}

const char *danehop_action_name(danehop_action a)
{
    switch (a) {
    case DANEHOP_ACTION_DANE: return "dane";
    case DANEHOP_ACTION_ENCRYPT: return "encrypt";
    case DANEHOP_ACTION_MAY: return "may";
    case DANEHOP_ACTION_DEFER: return "defer";
    case DANEHOP_ACTION_NOADDRESS: return "noaddress";
    }
    return "defer";
}

const char *danehop_host_name(const danehop_host *h) { return h->name; }
unsigned danehop_host_preference(const danehop_host *h) { return h->preference; }
danehop_action danehop_host_action(const danehop_host *h) { return h->action; }
const char *danehop_host_reason(const danehop_host *h) { return h->reason ? h->reason : ""; }
const char *danehop_host_base_domain(const danehop_host *h) { return h->base_domain; }
const char *danehop_host_sni(const danehop_host *h) { return h->sni; }
int danehop_host_address_secure(const danehop_host *h) { return h->address_secure; }
size_t danehop_host_tlsa_count(const danehop_host *h) { return h->ntlsa; }
size_t danehop_host_unusable_count(const danehop_host *h) { return h->nunusable; }
size_t danehop_host_name_count(const danehop_host *h) { return h->nnames; }
size_t danehop_host_address_count(const danehop_host *h) { return h->naddrs; }
size_t danehop_host_hop_count(const danehop_host *h) { return h->nhops; }

int danehop_host_tlsa(const danehop_host *h, size_t i, uint8_t *usage, uint8_t *selector, uint8_t *mtype,
                      const unsigned char **data, size_t *len)
{
    if (i >= h->ntlsa)
        return -1;
    *usage = h->tlsa[i].usage;
    *selector = h->tlsa[i].selector;
    *mtype = h->tlsa[i].mtype;
    *data = h->tlsa[i].data;
    *len = h->tlsa[i].len;
    return 0;
}

const char *danehop_host_tlsa_text(const danehop_host *h, size_t i)
{
    return i < h->ntlsa ? h->tlsa[i].text : NULL;
}

const char *danehop_host_unusable_text(const danehop_host *h, size_t i)
{
    return i < h->nunusable ? h->unusable[i] : NULL;
}

const char *danehop_host_refname(const danehop_host *h, size_t i)
{
    return i < h->nnames ? h->names[i] : NULL;
}

const char *danehop_host_address(const danehop_host *h, size_t i)
{
    return i < h->naddrs ? h->addrs[i] : NULL;
}

int danehop_host_hop(const danehop_host *h, size_t i, const char **name, const char **cname, int *secure)
{
    if (i >= h->nhops)
        return -1;
    *name = h->hops[i].name;
    *cname = h->hops[i].cname;
    *secure = h->hops[i].secure;
    return 0;
}

void danehop_string_free(char *s) { free(s); }
