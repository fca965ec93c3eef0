/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_match.c - danehop_decision_match(): the MTA's (name, address) against
 * hand-built decisions (the lab gives the same through real Exim; here every
 * branch, including views a zone cannot produce on demand)
 */
#include <stdlib.h>

#include "decision.h"
#include "tap.h"

static danehop_host *host(danehop_decision *d, const char *name, const char *const *chain, size_t nchain,
                          const char *const *addrs, size_t naddrs)
{
    danehop_host *h = &d->hosts[d->nhosts++];
    size_t i;

    h->name = dh_arena_strdup(d->arena, name);
    h->action = DANEHOP_ACTION_DANE;
    h->hops = dh_arena_alloc(d->arena, (nchain + 1) * sizeof(*h->hops));
    for (i = 0; i < nchain; i++) {
        h->hops[i].name = dh_arena_strdup(d->arena, chain[i]);
        h->hops[i].cname = i + 1 < nchain ? dh_arena_strdup(d->arena, chain[i + 1]) : NULL;
    }
    h->nhops = nchain;
    h->addrs = dh_arena_alloc(d->arena, (naddrs + 1) * sizeof(*h->addrs));
    for (i = 0; i < naddrs; i++)
        h->addrs[i] = dh_arena_strdup(d->arena, addrs[i]);
    h->naddrs = naddrs;
    return h;
}

static danehop_decision *decision(int mx_secure)
{
    danehop_decision *d = dh_decision_new();

    d->domain = "example.com";
    d->mx_secure = mx_secure;
    d->hosts = dh_arena_alloc(d->arena, DH_MAX_HOSTS * sizeof(*d->hosts));
    return d;
}

int main(void)
{
    static const char *seed_chain[] = {"smtp.example.com", "smtp.example.org"};
    static const char *seed_addr[] = {"127.0.0.11", "2001:db8::1"};
    static const char *two_chain[] = {"mx2.example.com", "hop.example.net", "final.example.net"};
    danehop_decision *d = decision(1);
    const danehop_host *seed, *two, *none, *h;
    danehop_match how;

    seed = host(d, "smtp.example.com", seed_chain, 2, seed_addr, 2);
    two = host(d, "mx2.example.com", two_chain, 3, NULL, 0);
    none = host(d, "mx3.example.com", NULL, 0, NULL, 0);

    h = danehop_decision_match(d, "smtp.example.org", "127.0.0.11", &how);
    ok(h == seed && how == DANEHOP_MATCH_HOST, "the alias target at one of its addresses is the seed host");
    h = danehop_decision_match(d, "SMTP.Example.COM.", "127.0.0.11", &how);
    ok(h == seed && how == DANEHOP_MATCH_HOST, "the MX name, in any case, with a trailing dot");
    h = danehop_decision_match(d, "smtp.example.org", "2001:0db8:0:0::1", &how);
    ok(h == seed, "IPv6 addresses compare as addresses, not text");
    h = danehop_decision_match(d, "smtp.example.org", "127.0.0.66", &how);
    ok(h == NULL && how == DANEHOP_MATCH_ADDRESS, "a forged address of the alias target: no match");
    h = danehop_decision_match(d, "smtp.example.org", "", &how);
    ok(h == NULL && how == DANEHOP_MATCH_ADDRESS, "no address where the host has some: no match");
    h = danehop_decision_match(d, "evil.attacker.example", "127.0.0.66", &how);
    ok(h == NULL && how == DANEHOP_MATCH_NONE, "a forged MX host: no match, no relay fallback");
    h = danehop_decision_match(d, "hop.example.net", "192.0.2.1", &how);
    ok(h == two, "a middle name of a chain matches; no addresses recorded: any address");
    h = danehop_decision_match(d, "final.example.net", "192.0.2.1", &how);
    ok(h == two, "the end of a longer chain matches");
    h = danehop_decision_match(d, "mx3.example.com", "192.0.2.2", &how);
    ok(h == none, "a host without chain or addresses matches by name (its action decides)");
    h = danehop_decision_match(d, "", "127.0.0.11", &how);
    ok(h == NULL && how == DANEHOP_MATCH_NONE, "an empty name matches nothing");

    d->skipped = dh_arena_alloc(d->arena, sizeof(*d->skipped));
    d->skipped[d->nskipped++] = "mx17.example.com";
    h = danehop_decision_match(d, "mx17.example.com", "192.0.2.3", &how);
    ok(h == NULL && how == DANEHOP_MATCH_LIMIT, "an MX host past the host limit is reported as such");
    is_str(danehop_match_name(how), "past-host-limit", "its name");
    danehop_decision_free(d);

    d = decision(0);
    host(d, "mx.example.org", NULL, 0, NULL, 0);
    h = danehop_decision_match(d, "other.example.org", "192.0.2.4", &how);
    ok(h == NULL && how == DANEHOP_MATCH_NO_DANE, "an unsigned MX RRset: no DANE for any host");
    d->policy = DANEHOP_POLICY_MANDATORY;
    h = danehop_decision_match(d, "other.example.org", "192.0.2.4", &how);
    ok(h == NULL && how == DANEHOP_MATCH_NONE, "... but mandatory DANE never lets an unknown host through");
    d->policy = DANEHOP_POLICY_OPPORTUNISTIC;
    d->flags = DANEHOP_F_HALF_DANE;
    h = danehop_decision_match(d, "other.example.org", "192.0.2.4", &how);
    ok(h == NULL && how == DANEHOP_MATCH_NONE, "... nor half-DANE");
    d->flags = 0;
    d->status = DANEHOP_STATUS_DEFER;
    h = danehop_decision_match(d, "other.example.org", "192.0.2.4", &how);
    ok(h == NULL && how == DANEHOP_MATCH_NONE, "... nor a failed MX lookup");
    d->domain = NULL;
    d->status = DANEHOP_STATUS_OK;
    h = danehop_decision_match(d, "other.example.org", "192.0.2.4", &how);
    ok(h == NULL && how == DANEHOP_MATCH_NONE, "a relay decision matches only its own host");
    danehop_decision_free(d);
    ok(danehop_decision_match(NULL, "x", "y", NULL) == NULL, "no decision, no how: NULL, no crash");

    printf("1..%d\n", tap_n);
    return tap_failed ? 1 : 0;
}
