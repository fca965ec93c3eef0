/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * match.c - which host of a decision an MTA's connection stands for
 *
 * SYNOPSIS
 *   const danehop_host *danehop_decision_match(const danehop_decision *d,
 *                                              const char *name,
 *                                              const char *address,
 *                                              danehop_match *how);
 *   const char *danehop_match_name(danehop_match m);
 *
 * DESCRIPTION
 *   An MTA finds its hosts with its own resolver, which does not validate:
 *   an attacker can forge an MX RRset in an unsigned zone, the address of
 *   the unsigned target of a signed alias, or an insecure NXDOMAIN. Its
 *   view of "the host I am connecting to" (a name, often already renamed
 *   to the end of a CNAME chain, and an address) is therefore matched
 *   against the hosts danehop validated, never trusted on its own:
 *
 *   - by name: the host's name or any name of its recorded CNAME chain;
 *   - by address: where danehop found addresses for that host, the
 *     connection's address must be one of them.
 *
 *   The most preferred host that matches both ways wins. No host matching
 *   means the two views disagree: the caller defers, and says why from
 *   *how. There is one exception: when DANE cannot apply to the domain at
 *   all (its MX RRset is provably unsigned, or a rule exempts it, and the
 *   policy is not mandatory), the MTA's choice of host cannot be checked
 *   against anything; *how says so, and the caller decides that host on
 *   its own (never more permissively than opportunistic TLS).
 *
 *   A host-mode decision (a relay named by the administrator) has one
 *   host; the same rule applies to it.
 *
 * DIAGNOSTICS
 *   NULL with *how set; no allocation, no logging.
 */
#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include "danehop.h"
#include "decision.h"
#include "name.h"

/* same_address - equal as addresses, whatever the text form */
static int same_address(const char *a, const char *b)
{
    unsigned char x[16], y[16];

    if (inet_pton(AF_INET, a, x) == 1)
        return inet_pton(AF_INET, b, y) == 1 && memcmp(x, y, 4) == 0;
    if (inet_pton(AF_INET6, a, x) == 1)
        return inet_pton(AF_INET6, b, y) == 1 && memcmp(x, y, 16) == 0;
    return 0;
}

/* name_matches - name is the host's name or a name of its CNAME chain */
static int name_matches(const danehop_host *h, const char *name)
{
    size_t i;

    if (h->name != NULL && dh_name_equal(h->name, name))
        return 1;
    for (i = 0; i < h->nhops; i++)
        if ((h->hops[i].name && dh_name_equal(h->hops[i].name, name)) ||
            (h->hops[i].cname && dh_name_equal(h->hops[i].cname, name)))
            return 1;
    return 0;
}

static int address_matches(const danehop_host *h, const char *address)
{
    size_t i;

    if (h->naddrs == 0)
        return 1; /* nothing to compare: the action says what to do */
    if (address == NULL)
        return 0;
    for (i = 0; i < h->naddrs; i++)
        if (same_address(h->addrs[i], address))
            return 1;
    return 0;
}

/* no_dane - DANE cannot apply to any host of d: the MTA's host is its own case */
static int no_dane(const danehop_decision *d)
{
    if (d->domain == NULL || d->policy == DANEHOP_POLICY_MANDATORY)
        return 0;
    if (d->exempt)
        return 1;
    if (d->mx_secure || d->flags & DANEHOP_F_HALF_DANE)
        return 0;
    return d->status == DANEHOP_STATUS_OK || d->status == DANEHOP_STATUS_NXDOMAIN ||
           d->status == DANEHOP_STATUS_NULLMX;
}

const danehop_host *danehop_decision_match(const danehop_decision *d, const char *name, const char *address,
                                           danehop_match *how)
{
    danehop_match dummy;
    int by_name = 0;
    size_t i;

    if (how == NULL)
        how = &dummy;
    *how = DANEHOP_MATCH_NONE;
    if (d == NULL || name == NULL || *name == '\0')
        return NULL;
    for (i = 0; i < d->nhosts; i++) {
        const danehop_host *h = &d->hosts[i];

        if (!name_matches(h, name))
            continue;
        by_name = 1;
        if (address_matches(h, address)) {
            *how = DANEHOP_MATCH_HOST;
            return h;
        }
    }
    if (by_name) {
        *how = DANEHOP_MATCH_ADDRESS;
        return NULL;
    }
    for (i = 0; i < d->nskipped; i++)
        if (dh_name_equal(d->skipped[i], name)) {
            *how = DANEHOP_MATCH_LIMIT;
            return NULL;
        }
    if (no_dane(d))
        *how = DANEHOP_MATCH_NO_DANE;
    return NULL;
}

const char *danehop_match_name(danehop_match m)
{
    switch (m) {
    case DANEHOP_MATCH_HOST: return "host";
    case DANEHOP_MATCH_NO_DANE: return "no-dane";
    case DANEHOP_MATCH_ADDRESS: return "address-mismatch";
    case DANEHOP_MATCH_LIMIT: return "past-host-limit";
    case DANEHOP_MATCH_NONE: return "not-a-host";
    }
    return "unknown";
}
