/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * candidate.c - TLSA lookup at the candidate base domains and the outcome
 *
 * DESCRIPTION
 *   All candidates of a host are asked in one round, after the address
 *   round (RFC 7672 2.2.2: addresses MUST come first), and read in order.
 *   Asking the original name before knowing the expanded name's answer
 *   costs one query and saves a round trip; the answer is ignored when an
 *   earlier candidate decides.
 *
 *   The same round carries CNAME queries for the hops after the first of an
 *   insecure chain. They change no decision; they let the report show the
 *   security of every hop.
 *
 *   Reference names for DANE-TA (RFC 7672 3.2.2): the base domain first;
 *   for a host of a secure MX RRset also the next-hop domain and, when the
 *   MX lookup followed a CNAME, its expansion; for a host of an insecure MX
 *   (half-DANE) the base domain only; for a non-MX destination whose base
 *   domain is its CNAME expansion, the original name as well. (Postfix adds
 *   only the base domain in that last case; danehop follows the RFC.)
 */
#include "candidate.h"

#include <stdio.h>
#include <string.h>
#include <unbound.h>

#include "tlsa.h"

static int tlsa_qname(char *out, size_t len, unsigned port, const char *base)
{
    int n = snprintf(out, len, "_%u._tcp.%s", port, base);

    return n < 0 || (size_t) n >= len ? -1 : 0;
}

int dh_candidate_queue(dh_host_work *w, dh_batch *b, unsigned port)
{
    char q[DH_NAME_BUF];
    size_t i;

    for (i = 0; i < w->ncand; i++) {
        w->itlsa[i] = -1;
        if (tlsa_qname(q, sizeof(q), port, w->cand[i]) == 0)
            w->itlsa[i] = dh_batch_add(b, q, DH_T_TLSA);
        if (w->itlsa[i] < 0)
            return -1;
    }
    /* hop reporting: only an insecure chain has unknown middle hops */
    for (i = 0; i <= DH_MAX_CHAIN; i++)
        w->ihop[i] = -1;
    if (!w->out->address_secure)
        for (i = 1; i + 1 < w->chain.n; i++)
            w->ihop[i] = dh_batch_add(b, w->chain.name[i], DH_T_CNAME);
    return 0;
}

static void fill_hops(dh_host_work *w, const dh_batch *b)
{
    size_t i;

    for (i = 1; i + 1 < w->out->nhops && i <= DH_MAX_CHAIN; i++) {
        const dh_answer *a = dh_batch_answer(b, w->ihop[i]);

        if (a != NULL && a->kind == DH_ANS_DATA)
            w->out->hops[i].secure = a->secure;
    }
}

/* keep the records of a secure RRset: usable ones as TLSA, the rest explained */
static size_t take_records(danehop_decision *d, danehop_host *h, const struct ub_result *r, size_t n)
{
    dh_tlsa recs[DH_TLSA_MAX_RECORDS];
    dh_tlsa_verdict verdict[DH_TLSA_MAX_RECORDS];
    int parsed[DH_TLSA_MAX_RECORDS];
    size_t i, usable;

    for (i = 0; i < n; i++) {
        parsed[i] = dh_tlsa_parse((const uint8_t *) r->data[i], (size_t) r->len[i], &recs[i]) == 0;
        if (!parsed[i])
            memset(&recs[i], 0, sizeof(recs[i]));
    }
    usable = dh_tlsa_select(recs, n, verdict);
    h->tlsa = dh_arena_alloc(d->arena, (n ? n : 1) * sizeof(*h->tlsa));
    h->unusable = dh_arena_alloc(d->arena, (n ? n : 1) * sizeof(*h->unusable));
    if (h->tlsa == NULL || h->unusable == NULL)
        return 0;
    for (i = 0; i < n; i++) {
        size_t need = dh_tlsa_format(&recs[i], NULL, 0);
        char *text = dh_arena_alloc(d->arena, need);

        if (text == NULL)
            return 0;
        dh_tlsa_format(&recs[i], text, need);
        if (!parsed[i]) {
            h->unusable[h->nunusable++] = "(malformed record: shorter than 4 octets)";
        } else if (verdict[i] == DH_TLSA_USABLE) {
            dh_tlsa_out *o = &h->tlsa[h->ntlsa++];

            o->usage = recs[i].usage;
            o->selector = recs[i].selector;
            o->mtype = recs[i].mtype;
            o->len = recs[i].len;
            o->data = dh_arena_memdup(d->arena, recs[i].data, recs[i].len);
            o->text = text;
        } else {
            h->unusable[h->nunusable++] =
                dh_arena_printf(d->arena, "%s (%s)", text, dh_tlsa_strverdict(verdict[i]));
        }
    }
    return usable;
}

static void add_refnames(danehop_decision *d, dh_host_work *w)
{
    danehop_host *h = w->out;

    dh_host_add_refname(d, h, h->base_domain);
    if (w->insecure_mx)
        return;
    if (w->from_mx) {
        dh_host_add_refname(d, h, d->domain);
        dh_host_add_refname(d, h, d->mx_owner);
    } else if (w->alias && dh_name_equal(h->base_domain, w->final)) {
        dh_host_add_refname(d, h, w->name);
    }
}

void dh_candidate_decide(danehop_decision *d, dh_host_work *w, const dh_batch *b)
{
    danehop_host *h = w->out;
    const char *note = h->reason; /* e.g. addresses left out */
    char why[300], q[DH_NAME_BUF];
    const char *tried[2] = {NULL, NULL};
    size_t i;

    fill_hops(w, b);
    for (i = 0; i < w->ncand; i++) {
        const dh_answer *a = dh_batch_answer(b, w->itlsa[i]);
        size_t n = 0, usable;

        tlsa_qname(q, sizeof(q), d->port, w->cand[i]);
        tried[i] = dh_arena_strdup(d->arena, q);
        if (a == NULL || dh_ans_is_error(a)) {
            h->action = DANEHOP_ACTION_DEFER;
            h->reason = dh_arena_printf(d->arena,
                                        "TLSA lookup at %s failed (%s): the host is unusable and "
                                        "no other base domain is tried (RFC 7672 section 2.1.2)",
                                        q, a ? dh_ans_describe(a, why, sizeof(why)) : "not asked");
            return;
        }
        if (a->kind != DH_ANS_DATA || !a->secure)
            continue; /* C3, C4: next candidate */
        while (a->res->data[n] != NULL && n <= DH_TLSA_MAX_RECORDS)
            n++;
        if (n > DH_TLSA_MAX_RECORDS) {
            h->action = DANEHOP_ACTION_DEFER;
            h->reason = dh_arena_printf(d->arena,
                                        "TLSA RRset at %s has more than %d records: refusing it, "
                                        "the host is unusable",
                                        q, DH_TLSA_MAX_RECORDS);
            return;
        }
        h->base_domain = w->cand[i];
        usable = take_records(d, h, a->res, n);
        if (usable > 0) {
            /* C1 */
            h->action = DANEHOP_ACTION_DANE;
            h->sni = h->base_domain;
            add_refnames(d, w);
            h->reason = dh_arena_printf(
                d->arena,
                "secure TLSA RRset at %s with %zu usable record%s: TLS with DANE "
                "authentication required, base domain %s%s%s%s%s",
                q, usable, usable == 1 ? "" : "s", h->base_domain,
                w->alias && dh_name_equal(h->base_domain, w->name) && !h->address_secure
                    ? " (a DNSSEC-signed alias of an unsigned name; RFC 7672 section 2.2.2)"
                    : "",
                w->insecure_mx ? "; the MX RRset is not signed (half-DANE): not a secure delivery "
                                 "to the next-hop domain"
                               : "",
                note ? "; " : "", note ? note : "");
        } else {
            /* C2 */
            h->action = DANEHOP_ACTION_ENCRYPT;
            h->reason = dh_arena_printf(d->arena,
                                        "secure TLSA RRset at %s has no usable record: TLS required without "
                                        "authentication; no cleartext (RFC 7672 section 2.2)%s%s",
                                        q, note ? "; " : "", note ? note : "");
        }
        return;
    }
    /* C6 */
    h->action = DANEHOP_ACTION_MAY;
    h->reason = dh_arena_printf(
        d->arena, "no secure TLSA records at %s%s%s: DANE does not apply, opportunistic TLS%s%s",
        tried[0] ? tried[0] : "-", tried[1] ? " or " : "", tried[1] ? tried[1] : "", note ? "; " : "",
        note ? note : "");
}
