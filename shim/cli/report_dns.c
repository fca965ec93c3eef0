/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * report_dns.c - what the DNS says about each MX host, at every candidate
 * base domain
 *
 * SYNOPSIS
 *   #include "report.h"
 *
 *   int rp_gather(danehop_ctx *ctx, rp_report *r);
 *
 * DESCRIPTION
 *   The decision holds the TLSA RRset of the base domain the engine chose.
 *   Other senders choose differently (report_senders.c), so one more round
 *   of queries, through the engine's own resolver and validator
 *   (module/query.c), asks for TLSA at the MX name H and, when H is an
 *   alias, at its target F, and for the MX and address records again for
 *   their TTLs. Each RRset is classified as the RFC 7672 client sees it:
 *   usable, secure but unusable (why, per record), insecure (ignored), none,
 *   or a lookup error.
 */
#include <stdio.h>
#include <string.h>

#include <unbound.h>

#include "context.h"
#include "decision.h"
#include "query.h"
#include "report.h"
#include "resolver.h"
#include "tlsa.h"

const char *rp_tlsa_state_name(rp_tlsa_state s)
{
    switch (s) {
    case RP_TLSA_NOT_ASKED: return "not-asked";
    case RP_TLSA_NONE: return "none";
    case RP_TLSA_INSECURE: return "insecure";
    case RP_TLSA_USABLE: return "usable";
    case RP_TLSA_UNUSABLE: return "unusable";
    case RP_TLSA_ERROR: return "error";
    }
    return "?";
}

/* one record as "U S M hex", cut to fit */
static void rec_text(const dh_tlsa *t, char *out)
{
    if (dh_tlsa_format(t, out, RP_REC_TEXT) >= RP_REC_TEXT)
        memcpy(out + RP_REC_TEXT - 4, "...", 4);
}

static void classify(const dh_answer *a, rp_tlsa_at *at)
{
    dh_tlsa recs[DH_TLSA_MAX_RECORDS];
    dh_tlsa_verdict v[DH_TLSA_MAX_RECORDS];
    size_t i, n = 0;

    at->secure = a->secure;
    if (dh_ans_is_error(a)) {
        at->state = RP_TLSA_ERROR;
        dh_ans_describe(a, at->error, sizeof(at->error));
        return;
    }
    if (a->kind != DH_ANS_DATA || a->res == NULL) {
        at->state = RP_TLSA_NONE;
        return;
    }
    at->ttl = (unsigned) (a->res->ttl > 0 ? a->res->ttl : 0);
    for (i = 0; a->res->data[i] != NULL && n < DH_TLSA_MAX_RECORDS; i++)
        if (dh_tlsa_parse((const uint8_t *) a->res->data[i], (size_t) a->res->len[i], &recs[n]) == 0)
            n++;
    at->nusable = dh_tlsa_select(recs, n, v);
    at->nrecs = n;
    for (i = 0; i < n && i < RP_MAX_RECS; i++) {
        rec_text(&recs[i], at->rec[i]);
        at->why[i] = v[i] == DH_TLSA_USABLE ? NULL : dh_tlsa_strverdict(v[i]);
        if (v[i] == DH_TLSA_WEAKER_DIGEST)
            at->agility = 1;
        if (v[i] == DH_TLSA_USABLE && recs[i].usage == 2)
            at->nta++;
        if (v[i] == DH_TLSA_USABLE && recs[i].usage == 3)
            at->nee++;
    }
    if (!a->secure)
        at->state = RP_TLSA_INSECURE;
    else
        at->state = at->nusable > 0 ? RP_TLSA_USABLE : RP_TLSA_UNUSABLE;
}

static int ask_tlsa(dh_batch *b, unsigned port, const char *base, rp_tlsa_at *at)
{
    char q[RP_NAME_MAX + 16];

    snprintf(at->owner, sizeof(at->owner), "%s", base);
    snprintf(q, sizeof(q), "_%u._tcp.%s", port, base);
    return dh_batch_add(b, q, DH_T_TLSA);
}

static unsigned ttl_of(const dh_batch *b, int idx)
{
    const dh_answer *a = idx >= 0 ? dh_batch_answer(b, idx) : NULL;

    if (a == NULL || a->kind != DH_ANS_DATA || a->res == NULL || a->res->ttl < 0)
        return 0;
    return (unsigned) a->res->ttl;
}

int rp_gather(danehop_ctx *ctx, rp_report *r)
{
    int qh[RP_MAX_HOSTS], qt[RP_MAX_HOSTS], qa[RP_MAX_HOSTS], qmx = -1;
    const char *domain = danehop_decision_domain(r->d);
    dh_batch *b;
    dh_snap *s;
    dh_resolver *res;
    size_t i, n;

    r->port = danehop_decision_port(r->d);
    r->via_mx = r->d->domain != NULL && !r->d->implicit_mx && r->d->host_request == NULL;
    r->mx_secure = r->d->mx_secure;
    n = danehop_decision_host_count(r->d);
    r->nhosts = n < RP_MAX_HOSTS ? n : RP_MAX_HOSTS;
    if ((b = dh_batch_new()) == NULL)
        return -1;
    if (domain != NULL)
        qmx = dh_batch_add(b, domain, DH_T_MX);
    for (i = 0; i < r->nhosts; i++) {
        rp_host *h = &r->hosts[i];
        size_t k, nh;
        const char *name, *cname;
        int sec;

        h->h = danehop_decision_host(r->d, i);
        h->hm =
            r->dm != NULL && i < danehop_decision_host_count(r->dm) ? danehop_decision_host(r->dm, i) : NULL;
        h->name = danehop_host_name(h->h);
        h->addr_secure = danehop_host_address_secure(h->h);
        nh = danehop_host_hop_count(h->h);
        for (k = 0; k < nh; k++) {
            if (danehop_host_hop(h->h, k, &name, &cname, &sec) != 0)
                break;
            if (k == 0 && cname != NULL)
                h->alias_secure = sec == 1;
            if (k > 0 && cname == NULL)
                h->target = name;
        }
        qh[i] = ask_tlsa(b, r->port, h->name, &h->at_host);
        qt[i] = h->target != NULL ? ask_tlsa(b, r->port, h->target, &h->at_target) : -1;
        qa[i] = dh_batch_add(b, h->name, DH_T_A);
    }
    /* the context's current snapshot: the same resolver and settings the
     * decision was made with */
    if ((s = dh_ctx_acquire(ctx)) == NULL) {
        dh_batch_free(b);
        return -1;
    }
    if ((res = dh_snap_resolver(ctx, s)) == NULL) {
        dh_snap_release(ctx, s);
        dh_batch_free(b);
        return -1;
    }
    dh_batch_run(b, res, dh_now_ms() + (long long) s->eff.query_ms);
    r->mx_ttl = ttl_of(b, qmx);
    for (i = 0; i < r->nhosts; i++) {
        rp_host *h = &r->hosts[i];

        if (qh[i] >= 0)
            classify(dh_batch_answer(b, qh[i]), &h->at_host);
        if (qt[i] >= 0)
            classify(dh_batch_answer(b, qt[i]), &h->at_target);
        h->addr_ttl = ttl_of(b, qa[i]);
    }
    dh_batch_free(b);
    dh_snap_release(ctx, s);
    return 0;
}
