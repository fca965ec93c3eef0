/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * walk.c - address records, the CNAME chain and its security, per host
 *
 * DESCRIPTION
 *   libunbound chases CNAMEs itself and marks the combined answer secure
 *   only when every hop and the final RRset validated. A secure alias into
 *   an unsigned zone therefore comes back "insecure" as a whole (the seed
 *   case). RFC 7672 section 2.2.1/2.2.2 asks for a separate CNAME-type query
 *   at H to learn whether the first hop is signed; it is asked in the same
 *   round as A and AAAA, so it costs no extra round trip.
 *
 *   Decisions taken here where the RFC is silent:
 *   - A and AAAA disagree on security: only the secure family's addresses
 *     are kept, so DANE can still be enforced on every address handed out.
 *   - One family fails and the other has data: the failing family is left
 *     out (its addresses are unknown) and the reason says so.
 *   - The A/AAAA answer shows an alias, but the CNAME query says H is not
 *     one (NODATA/NXDOMAIN): the answers disagree; defer, as Postfix does.
 *   - CNAME loops and chains longer than DH_MAX_CHAIN: defer.
 */
#include "walk.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unbound.h>

int dh_walk_ask(dh_batch *b, const char *name, int idx[3])
{
    static const int types[3] = {DH_T_A, DH_T_AAAA, DH_T_CNAME};
    int i;

    for (i = 0; i < 3; i++)
        if ((idx[i] = dh_batch_add(b, name, types[i])) < 0)
            return -1;
    return 0;
}

int dh_walk_queue(dh_host_work *w, dh_batch *b)
{
    int idx[3] = {-1, -1, -1}, r = dh_walk_ask(b, w->name, idx);

    w->ia = idx[0];
    w->iaaaa = idx[1];
    w->icname = idx[2];
    return r;
}

static void decide(danehop_decision *d, dh_host_work *w, danehop_action action, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void decide(danehop_decision *d, dh_host_work *w, danehop_action action, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    w->out->reason = dh_arena_vprintf(d->arena, fmt, ap);
    va_end(ap);
    w->out->action = action;
    w->decided = 1;
}

/* add the addresses of one answer to the host */
static void take_addresses(danehop_decision *d, danehop_host *h, const dh_answer *a)
{
    size_t n = 0, i;
    const char **addrs;

    if (a->kind != DH_ANS_DATA)
        return;
    while (a->res->data[n] != NULL && n < 64)
        n++;
    addrs = dh_arena_alloc(d->arena, (h->naddrs + n + 1) * sizeof(*addrs));
    if (addrs == NULL)
        return;
    if (h->naddrs)
        memcpy(addrs, h->addrs, h->naddrs * sizeof(*addrs));
    for (i = 0; i < n; i++) {
        char text[64];

        if (dh_rdata_addr((const uint8_t *) a->res->data[i], (size_t) a->res->len[i], text, sizeof(text)) ==
            0)
            addrs[h->naddrs++] = dh_arena_strdup(d->arena, text);
    }
    h->addrs = addrs;
}

/* find the chain H ... F in whichever address answer has data */
static int read_chain(dh_host_work *w, const dh_answer *a)
{
    const struct ub_result *r = a->res;

    if (dh_packet_chain(r->answer_packet, (size_t) r->answer_len, w->name, &w->chain) != 0)
        return -1;
    /* libunbound's canonname is authoritative for F; the packet gives the hops */
    if (r->canonname != NULL) {
        char canon[DH_NAME_BUF];
        size_t len = strlen(r->canonname);

        if (len >= sizeof(canon))
            return -1;
        memcpy(canon, r->canonname, len + 1);
        if (len > 1 && canon[len - 1] == '.')
            canon[len - 1] = '\0';
        if (!dh_name_equal(canon, w->chain.name[w->chain.n - 1]))
            return -1;
    }
    snprintf(w->final, sizeof(w->final), "%s", w->chain.name[w->chain.n - 1]);
    w->alias = w->chain.n > 1;
    return 0;
}

static void set_hops(danehop_decision *d, dh_host_work *w, int first_secure, int rest_secure,
                     int final_secure)
{
    danehop_host *h = w->out;
    size_t i, n = w->chain.n;

    h->hops = dh_arena_alloc(d->arena, n * sizeof(*h->hops));
    if (h->hops == NULL)
        return;
    h->nhops = n;
    for (i = 0; i < n; i++) {
        h->hops[i].name = dh_arena_strdup(d->arena, w->chain.name[i]);
        h->hops[i].cname = i + 1 < n ? dh_arena_strdup(d->arena, w->chain.name[i + 1]) : NULL;
        h->hops[i].secure = i + 1 == n ? final_secure : i == 0 ? first_secure : rest_secure;
    }
}

/*
 * failure_chain - record what is known of H's CNAME chain when no address
 * answer can be used: a denial still carries the chain, and the separate
 * CNAME query gives the first hop even when the address lookups timed
 * out. Without it, the MTA's connection to the alias target could not be
 * matched to this (deferred) host.
 */
static void failure_chain(danehop_decision *d, dh_host_work *w, const dh_answer *a4, const dh_answer *a6,
                          const dh_answer *cn)
{
    const dh_answer *a[2] = {a4, a6};
    int first = cn->kind == DH_ANS_DATA ? cn->secure : -1;
    size_t i;

    for (i = 0; i < 2; i++) {
        const struct ub_result *r = a[i]->res;

        if (r == NULL || dh_ans_is_error(a[i]) || r->answer_packet == NULL)
            continue;
        if (dh_packet_chain(r->answer_packet, (size_t) r->answer_len, w->name, &w->chain) == 0 &&
            w->chain.n > 1) {
            set_hops(d, w, first, -1, -1);
            return;
        }
    }
    if (cn->kind == DH_ANS_DATA && cn->res != NULL && cn->res->data[0] != NULL &&
        dh_rdata_cname((const uint8_t *) cn->res->data[0], (size_t) cn->res->len[0], w->chain.name[1]) == 0) {
        snprintf(w->chain.name[0], sizeof(w->chain.name[0]), "%s", w->name);
        w->chain.n = 2;
        set_hops(d, w, first, -1, -1);
    }
}

/*
 * families - tables B1, B2 and B10: which address answers the host uses.
 * Takes their addresses and returns the one whose chain and security
 * count, or NULL when the host is already decided. *note says what was
 * left out.
 */
static const dh_answer *families(danehop_decision *d, dh_host_work *w, const dh_batch *b, const char **note)
{
    const dh_answer *a4 = dh_batch_answer(b, w->ia);
    const dh_answer *a6 = dh_batch_answer(b, w->iaaaa);
    const dh_answer *use4 = NULL, *use6 = NULL, *primary;
    danehop_host *h = w->out;
    char why4[300], why6[300];

    dh_ans_describe(a4, why4, sizeof(why4));
    dh_ans_describe(a6, why6, sizeof(why6));

    /* B1: every family failed */
    if (dh_ans_is_error(a4) && dh_ans_is_error(a6)) {
        failure_chain(d, w, a4, a6, dh_batch_answer(b, w->icname));
        decide(d, w, DANEHOP_ACTION_DEFER,
               "address lookup for %s failed (A: %s; AAAA: %s): the host is unusable "
               "(RFC 7672 section 2.1.2)",
               w->name, why4, why6);
        return NULL;
    }
    if (a4->kind == DH_ANS_DATA)
        use4 = a4;
    if (a6->kind == DH_ANS_DATA)
        use6 = a6;
    /* B2: no addresses at all */
    if (use4 == NULL && use6 == NULL) {
        failure_chain(d, w, a4, a6, dh_batch_answer(b, w->icname));
        if (dh_ans_is_error(a4) || dh_ans_is_error(a6))
            decide(d, w, DANEHOP_ACTION_DEFER, "address lookup for %s failed (A: %s; AAAA: %s)", w->name,
                   why4, why6);
        else
            decide(d, w, DANEHOP_ACTION_NOADDRESS, "%s has no A or AAAA records (A: %s; AAAA: %s)", w->name,
                   why4, why6);
        return NULL;
    }
    if (dh_ans_is_error(a4) || dh_ans_is_error(a6))
        *note = dh_arena_printf(d->arena, "; %s addresses left out: %s",
                                dh_ans_is_error(a4) ? "IPv4" : "IPv6", dh_ans_is_error(a4) ? why4 : why6);
    /* B10: families disagree on security: keep the secure one only */
    if (use4 && use6 && use4->secure != use6->secure) {
        *note = dh_arena_printf(d->arena, "; %s addresses left out: not DNSSEC-signed while the %s ones are",
                                use4->secure ? "IPv6" : "IPv4", use4->secure ? "IPv4" : "IPv6");
        if (use4->secure)
            use6 = NULL;
        else
            use4 = NULL;
    }
    primary = use4 ? use4 : use6;
    if (use4 != NULL)
        take_addresses(d, h, use4);
    if (use6 != NULL)
        take_addresses(d, h, use6);
    h->address_secure = primary->secure;
    return primary;
}

/* secure_names - B3 and B4: a secure answer gives [H], or [F, H] for an alias */
static void secure_names(danehop_decision *d, dh_host_work *w, const char *note)
{
    set_hops(d, w, 1, 1, 1);
    if (w->alias) {
        /* B4: [F, H]; names in between never qualify */
        w->cand[w->ncand++] = dh_arena_strdup(d->arena, w->final);
        w->cand[w->ncand++] = dh_arena_strdup(d->arena, w->name);
    } else {
        /* B3 */
        w->cand[w->ncand++] = dh_arena_strdup(d->arena, w->name);
    }
    w->out->reason = *note ? dh_arena_strdup(d->arena, note + 2) : NULL;
}

/* insecure_alias - B6 to B9: the separate CNAME query at H decides */
static void insecure_alias(danehop_decision *d, dh_host_work *w, const dh_answer *cn, const char *note)
{
    if (dh_ans_is_error(cn)) {
        char why[300];

        set_hops(d, w, -1, -1, 0);
        decide(d, w, DANEHOP_ACTION_DEFER,
               "CNAME lookup for %s failed (%s): cannot tell whether the alias is signed, so the "
               "host is unusable (RFC 7672 section 2.1.2)",
               w->name, dh_ans_describe(cn, why, sizeof(why)));
        return;
    }
    if (cn->kind != DH_ANS_DATA) {
        set_hops(d, w, -1, -1, 0);
        decide(d, w, DANEHOP_ACTION_DEFER,
               "%s: the address answer shows a CNAME to %s but a CNAME query finds none; the "
               "answers disagree, the host is unusable",
               w->name, w->chain.name[1]);
        return;
    }
    set_hops(d, w, cn->secure, -1, 0);
    if (!cn->secure) {
        decide(d, w, DANEHOP_ACTION_MAY,
               "%s is an alias of %s, and neither the alias nor the address records are "
               "DNSSEC-signed: DANE does not apply, opportunistic TLS (RFC 7672 section 2.2.2)%s",
               w->name, w->final, note);
        return;
    }
    /* B6, the seed case: a signed alias into an unsigned zone */
    w->cand[w->ncand++] = dh_arena_strdup(d->arena, w->name);
    w->out->reason = *note ? dh_arena_strdup(d->arena, note + 2) : NULL;
}

void dh_walk(danehop_decision *d, dh_host_work *w, const dh_batch *b)
{
    const char *note = "";
    const dh_answer *primary = families(d, w, b, &note);

    if (primary == NULL)
        return;
    if (read_chain(w, primary) != 0) {
        decide(d, w, DANEHOP_ACTION_DEFER, "malformed answer for %s: cannot follow its CNAME chain", w->name);
        return;
    }
    if (w->chain.loop || w->chain.truncated) {
        set_hops(d, w, -1, -1, -1);
        decide(d, w, DANEHOP_ACTION_DEFER, "%s: CNAME %s", w->name,
               w->chain.loop ? "loop" : "chain too long");
        return;
    }
    if (primary->secure) {
        secure_names(d, w, note);
        return;
    }
    if (!w->alias) {
        /* B5 */
        set_hops(d, w, 0, 0, 0);
        decide(d, w, DANEHOP_ACTION_MAY,
               "address records of %s are not DNSSEC-signed and it is not an alias: DANE does not "
               "apply, opportunistic TLS (RFC 7672 section 2.2.2)%s",
               w->name, note);
        return;
    }
    insecure_alias(d, w, dh_batch_answer(b, w->icname), note);
}
