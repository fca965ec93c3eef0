/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * discover.c - danehop_resolve(): MX stage and the rounds of lookups
 *
 * DESCRIPTION
 *   A decision takes at most three sequential rounds of concurrent queries:
 *
 *     1. MX of the next-hop domain (plus, in host mode, the host's A, AAAA
 *        and CNAME; plus, once per resolver context, the root DNSKEY probe)
 *     2. A, AAAA and CNAME of every MX host, all at once      (walk.c)
 *     3. TLSA at every candidate base domain, all at once    (candidate.c)
 *
 *   Table A of the design notes (RFC 7672 section 2.2.1) is here: an MX
 *   error defers the domain; null MX and NXDOMAIN end it; no MX records
 *   make the domain its own host; an insecure MX RRset means opportunistic
 *   TLS without further lookups, unless half-DANE was asked for.
 *
 *   Mandatory DANE (RFC 7672 section 6) is applied last: any host that
 *   would be reached without DANE authentication is deferred instead.
 *
 * DIAGNOSTICS
 *   Input errors return -1 with this thread's error set (danehop_ctx_error).
 *   Everything DNS can do wrong becomes a "defer" decision with a reason.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unbound.h>

#include "cache.h"
#include "candidate.h"
#include "conffile.h"
#include "context.h"
#include "daemon.h"
#include "policy.h"
#include "danehop.h"
#include "decision.h"
#include "discover.h"
#include "name.h"
#include "query.h"
#include "walk.h"
#include "wire.h"

/* an MX RRset larger than this is refused as absurd */
#define MAX_MX_RECORDS 256

typedef struct job {
    dh_snap *snap;         /* the settings and rules this decision uses */
    dh_resolver *res;      /* this process's resolver for them */
    const dh_rules *rules; /* the configuration's rules, or NULL */
    danehop_decision *d;
    long long deadline;
    int min_ttl; /* smallest TTL of the answers used, seconds */
    size_t nwork;
    size_t work_cap; /* work records allocated: as many hosts as the question has */
    dh_host_work *work;
} job;

static int input_error(const char *what, const char *name, dh_name_status st)
{
    return dh_fail(DANEHOP_E_INPUT, "%s \"%.300s\": %s", what, name, dh_name_strerror(st));
}

static long long round_deadline(const job *j)
{
    long long r = dh_now_ms() + j->snap->eff.query_ms;

    return r < j->deadline ? r : j->deadline;
}

/* run one round and log every question of it in the decision */
static void run_round(job *j, dh_batch *b)
{
    size_t i;

    if (dh_batch_size(b) == 0)
        return;
    j->d->rounds++;
    dh_batch_run(b, j->res, round_deadline(j));
    for (i = 0; i < dh_batch_size(b); i++) {
        const dh_answer *a = dh_batch_answer(b, (int) i);
        char why[300];

        dh_decision_log_query(j->d, j->d->rounds, a->qname, dh_type_name(a->qtype),
                              dh_ans_describe(a, why, sizeof(why)));
        /* for danehop_decision_error: timeouts apart from other failures */
        if (a->kind == DH_ANS_TIMEOUT)
            j->d->timeouts++;
        else if (dh_ans_is_error(a))
            j->d->dns_errors++;
        if (a->res != NULL && !dh_ans_is_error(a)) {
            if (a->res->ttl < j->min_ttl)
                j->min_ttl = a->res->ttl < 0 ? 0 : a->res->ttl;
        } else if (j->min_ttl > DH_CACHE_DEFER_TTL) {
            j->min_ttl = DH_CACHE_DEFER_TTL;
        }
    }
}

static void set_reason(danehop_decision *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void set_reason(danehop_decision *d, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    d->reason = dh_arena_vprintf(d->arena, fmt, ap);
    va_end(ap);
}

/*
 * reserve_hosts - work records for n hosts. A record is about 15 KB (names
 * and a CNAME chain of full-length names); sized to the MX RRset, not to
 * DH_MAX_HOSTS, a one-host domain costs one.
 */
static int reserve_hosts(job *j, size_t n)
{
    dh_host_work *w;

    if (n > DH_MAX_HOSTS)
        n = DH_MAX_HOSTS;
    if (n <= j->work_cap)
        return 0;
    if ((w = realloc(j->work, n * sizeof(*w))) == NULL)
        return -1;
    j->work = w;
    j->work_cap = n;
    return 0;
}

/* add_host - a host slot in the decision and its work record (reserved before) */
static dh_host_work *add_host(job *j, const char *name, unsigned pref)
{
    dh_host_work *w = &j->work[j->nwork];
    danehop_host *h = &j->d->hosts[j->nwork];

    j->nwork++;
    j->d->nhosts = j->nwork;
    memset(w, 0, sizeof(*w));
    w->out = h;
    w->ia = w->iaaaa = w->icname = -1;
    w->mandatory = j->d->policy == DANEHOP_POLICY_MANDATORY;
    w->half = (j->d->flags & DANEHOP_F_HALF_DANE) != 0;
    w->rule = j->d->rule;
    h->name = dh_arena_strdup(j->d->arena, name);
    h->preference = pref;
    h->action = DANEHOP_ACTION_DEFER;
    snprintf(w->name, sizeof(w->name), "%s", name);
    return w;
}

static void host_final(job *j, dh_host_work *w, danehop_action action, const char *reason)
{
    w->out->action = action;
    w->out->reason = dh_arena_strdup(j->d->arena, reason);
    w->decided = 1;
}

typedef struct mx_rec {
    unsigned pref;
    char name[DH_WIRE_NAME_BUF];
} mx_rec;

static int mx_cmp(const void *a, const void *b)
{
    const mx_rec *x = a, *y = b;

    if (x->pref != y->pref)
        return x->pref < y->pref ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* mx_defer - the domain defers as a whole; returns 0 (domain finished) */
static int mx_defer(danehop_decision *d, const char *reason)
{
    d->status = DANEHOP_STATUS_DEFER;
    d->reason = reason;
    return 0;
}

/*
 * mx_records - the MX RRset parsed and sorted by preference into *out
 * (caller frees); the count, or -1 when the domain defers
 */
static long mx_records(danehop_decision *d, const struct ub_result *r, mx_rec **out)
{
    mx_rec *recs;
    size_t n = 0, i;

    while (r->data[n] != NULL && n <= MAX_MX_RECORDS)
        n++;
    if (n > MAX_MX_RECORDS) {
        mx_defer(d, dh_arena_printf(d->arena, "MX RRset of %s has more than %d records: refusing it",
                                    d->domain, MAX_MX_RECORDS));
        return -1;
    }
    if ((recs = calloc(n, sizeof(*recs))) == NULL) {
        d->error = DANEHOP_E_NOMEM;
        mx_defer(d, "out of memory");
        return -1;
    }
    for (i = 0; i < n; i++)
        if (dh_rdata_mx((const uint8_t *) r->data[i], (size_t) r->len[i], &recs[i].pref, recs[i].name) != 0) {
            free(recs);
            mx_defer(d,
                     dh_arena_printf(d->arena, "malformed MX record for %s: delivery must wait", d->domain));
            return -1;
        }
    qsort(recs, n, sizeof(*recs), mx_cmp);
    *out = recs;
    return (long) n;
}

/*
 * mx_hosts - a host slot per exchange, in preference order (only host's
 * own slot in host mode); exchanges that are IP addresses or unusable
 * names are decided here
 */
static void mx_hosts(job *j, const mx_rec *recs, size_t n, const char *host)
{
    danehop_decision *d = j->d;
    size_t i;

    for (i = 0; i < n; i++) {
        dh_host_work *w;
        char norm[DH_NAME_BUF];
        dh_name_status st;

        if (strcmp(recs[i].name, ".") == 0)
            continue; /* a null MX among real ones means nothing */
        if (host != NULL && !dh_name_equal(host, recs[i].name))
            continue;
        if (j->nwork == DH_MAX_HOSTS) {
            /* kept by name: a connection to one of them is deferred (match.c) */
            if (d->skipped == NULL)
                d->skipped = dh_arena_alloc(d->arena, (n - i) * sizeof(*d->skipped));
            if (d->skipped != NULL)
                d->skipped[d->nskipped++] = dh_arena_strdup(d->arena, recs[i].name);
            continue;
        }
        st = dh_name_check(recs[i].name, norm);
        w = add_host(j, st == DH_NAME_OK ? norm : recs[i].name, recs[i].pref);
        w->from_mx = d->mx_secure;
        w->insecure_mx = !d->mx_secure;
        if (st == DH_NAME_IP_ADDRESS)
            host_final(j, w, DANEHOP_ACTION_MAY,
                       "the MX record names an IP address, not a host: DANE does not apply "
                       "(RFC 7672 section 2.2)");
        else if (st != DH_NAME_OK)
            host_final(
                j, w, DANEHOP_ACTION_DEFER,
                dh_arena_printf(d->arena, "MX host name from DNS is not usable: %s", dh_name_strerror(st)));
    }
    if (d->nskipped > 0)
        d->reason = dh_arena_printf(d->arena,
                                    "%s; only the %d most preferred MX hosts were evaluated, the %zu others "
                                    "(%s%s) are deferred",
                                    d->reason, DH_MAX_HOSTS, d->nskipped, d->skipped[0],
                                    d->nskipped > 1 ? ", ..." : "");
    if (host != NULL && j->nwork == 0) {
        /* not one of the domain's MX hosts: a relay, its name from configuration */
        add_host(j, host, 0);
    }
}

/* mx_owner - N': the owner of the MX RRset when the lookup followed a CNAME */
static void mx_owner(danehop_decision *d, const struct ub_result *r)
{
    char canon[DH_NAME_BUF];

    if (r->canonname == NULL || dh_name_equal(r->canonname, d->domain))
        return;
    snprintf(canon, sizeof(canon), "%s", r->canonname);
    if (dh_name_check(canon, canon) == DH_NAME_OK)
        d->mx_owner = dh_arena_strdup(d->arena, canon);
}

/*
 * mx_stage - read the MX answer (table A). Returns 1 when hosts are to be
 * evaluated (w slots added or found), 0 when the domain is finished.
 */
static int mx_stage(job *j, const dh_answer *a, const char *host)
{
    danehop_decision *d = j->d;
    mx_rec *recs = NULL;
    long n;
    char why[300];

    if (dh_ans_is_error(a)) {
        /* A2 */
        set_reason(d, "MX lookup for %s failed (%s): delivery must wait (RFC 7672 section 2.1.2)", d->domain,
                   dh_ans_describe(a, why, sizeof(why)));
        return mx_defer(d, d->reason);
    }
    d->mx_secure = a->secure;
    if (a->kind == DH_ANS_NXDOMAIN) {
        /* A7 */
        d->status = DANEHOP_STATUS_NXDOMAIN;
        set_reason(d, "%s does not exist (%s)", d->domain, dh_ans_describe(a, why, sizeof(why)));
        return 0;
    }
    mx_owner(d, a->res);
    if (a->kind == DH_ANS_NODATA) {
        /* A6: the domain is its own (implicit) MX host */
        d->implicit_mx = 1;
        set_reason(d, "%s has no MX records (%s): the domain is its own mail host", d->domain,
                   dh_ans_describe(a, why, sizeof(why)));
        if (host == NULL || dh_name_equal(host, d->domain))
            add_host(j, d->domain, 0);
        else
            add_host(j, host, 0); /* a relay for this domain */
        return 1;
    }
    if ((n = mx_records(d, a->res, &recs)) < 0)
        return 0;
    if (reserve_hosts(j, (size_t) n) != 0) {
        free(recs);
        return mx_defer(d, "out of memory");
    }
    if (n == 1 && strcmp(recs[0].name, ".") == 0) {
        /* A3 */
        free(recs);
        d->status = DANEHOP_STATUS_NULLMX;
        set_reason(d, "%s publishes a null MX: it accepts no mail (RFC 7505)", d->domain);
        return 0;
    }
    /* A4, A5 */
    set_reason(d, "MX RRset of %s%s%s%s is %s", d->domain, d->mx_owner ? " (via CNAME to " : "",
               d->mx_owner ? d->mx_owner : "", d->mx_owner ? ")" : "",
               d->mx_secure ? "DNSSEC-signed (secure)" : "not DNSSEC-signed (insecure)");
    mx_hosts(j, recs, (size_t) n, host);
    free(recs);
    return 1;
}

/* insecure_mx - table A5 without half-DANE: no more lookups for these hosts */
static void insecure_mx(job *j)
{
    size_t i;

    for (i = 0; i < j->nwork; i++) {
        dh_host_work *w = &j->work[i];

        if (w->decided || !w->insecure_mx || w->half)
            continue;
        host_final(j, w, DANEHOP_ACTION_MAY,
                   dh_arena_printf(j->d->arena,
                                   "the MX RRset of %s is not DNSSEC-signed: DANE does not apply, "
                                   "opportunistic TLS (RFC 7672 section 2.2.1)",
                                   j->d->domain));
    }
}

/* mandatory - RFC 7672 section 6: whatever is not DANE is not delivered */
static void mandatory(job *j)
{
    danehop_decision *d = j->d;
    size_t i;

    for (i = 0; i < j->nwork; i++) {
        danehop_host *h = j->work[i].out;

        h->mandatory = j->work[i].mandatory;
        if (!j->work[i].mandatory || (h->action != DANEHOP_ACTION_MAY && h->action != DANEHOP_ACTION_ENCRYPT))
            continue;
        h->reason =
            dh_arena_printf(d->arena, "mandatory DANE%s%s%s, but %s", j->work[i].rule ? " (" : "",
                            j->work[i].rule ? j->work[i].rule : "", j->work[i].rule ? ")" : "", h->reason);
        h->action = DANEHOP_ACTION_DEFER;
        h->error = DANEHOP_E_POLICY;
        h->sni = NULL;
    }
}

static const char *rule_text(danehop_decision *d, const dh_rule_match *m)
{
    return dh_arena_printf(d->arena, "rule at line %u: %s%s%s", m->line, dh_rule_policy_name(m->policy),
                           m->note ? ", " : "", m->note ? m->note : "");
}

/* host_rules - the first matching host rule sets that host's policy */
static void host_rules(job *j)
{
    size_t i;

    for (i = 0; j->rules && i < j->nwork; i++) {
        dh_host_work *w = &j->work[i];
        dh_rule_match m;

        if (w->decided)
            continue;
        m = dh_rules_match(j->rules, w->name, 1);
        if (m.error) {
            host_final(j, w, DANEHOP_ACTION_DEFER,
                       dh_arena_printf(j->d->arena,
                                       "policy rule at line %u cannot be evaluated for "
                                       "%s (regex match limit): refusing to guess",
                                       m.line, w->name));
            w->out->error = DANEHOP_E_CONFIG;
            continue;
        }
        if (m.rule == NULL)
            continue;
        w->rule = rule_text(j->d, &m);
        w->mandatory = m.policy == DH_RULE_DANE_ONLY;
        w->half = m.policy == DH_RULE_HALF_DANE;
        if (m.policy == DH_RULE_EXEMPT)
            host_final(j, w, DANEHOP_ACTION_MAY,
                       dh_arena_printf(j->d->arena,
                                       "exempt from DANE (%s): opportunistic TLS, no "
                                       "DANE lookups",
                                       w->rule));
    }
}

static void domain_status(danehop_decision *d)
{
    size_t i, usable = 0;

    if (d->status != DANEHOP_STATUS_OK || d->exempt)
        return;
    for (i = 0; i < d->nhosts; i++)
        if (d->hosts[i].action <= DANEHOP_ACTION_MAY)
            usable++;
    if (usable == 0) {
        d->status = DANEHOP_STATUS_DEFER;
        d->reason =
            dh_arena_printf(d->arena, "%s%sno host can be used: delivery must wait%s%s",
                            d->reason ? d->reason : "", d->reason ? "; " : "", d->nhosts == 1 ? " (" : "",
                            d->nhosts == 1 ? dh_arena_printf(d->arena, "%s: %s)", d->hosts[0].name,
                                                             danehop_host_reason(&d->hosts[0]))
                                           : "");
    }
}

/*
 * probe_ok - the root must validate, or the resolver is not doing DNSSEC.
 * Three different faults, three different fixes: no answer at all (a dead
 * or unreachable forwarder), a bogus root (the trust anchor does not fit
 * what the resolver serves), an insecure root (a forwarder that strips
 * DNSSEC, or no validation).
 */
static int probe_ok(job *j, const dh_answer *a)
{
    char why[300];

    if (a->kind == DH_ANS_DATA && a->secure) {
        atomic_store(&j->res->validated, 1);
        return 1;
    }
    j->d->status = DANEHOP_STATUS_DEFER;
    /* an insecure or bogus root: the trust anchor or the resolver is set up
     * wrong; no answer at all is a DNS failure (timeout, SERVFAIL) */
    if (!dh_ans_is_error(a) || a->kind == DH_ANS_BOGUS)
        j->d->error = DANEHOP_E_CONFIG;
    dh_ans_describe(a, why, sizeof(why));
    if (a->kind == DH_ANS_BOGUS)
        set_reason(j->d,
                   "the resolver's root DNSKEY does not validate against the trust anchor (%s): check "
                   "the trust anchor; refusing to decide",
                   why);
    else if (dh_ans_is_error(a))
        set_reason(j->d,
                   "the resolver did not answer (root DNSKEY: %s): check that the forwarders are "
                   "running and reachable; refusing to decide",
                   why);
    else
        set_reason(j->d,
                   "the resolver does not validate DNSSEC (root DNSKEY: %s): check that the forwarders "
                   "pass DNSSEC records (DO bit, RRSIGs); refusing to decide",
                   why);
    return 0;
}

/* exempt - a rule exempts the domain: no DANE lookups at all, not even the MX */
static void exempt(job *j, const char *host)
{
    set_reason(j->d, "exempt from DANE (%s): opportunistic TLS", j->d->rule);
    if (host != NULL)
        host_final(j, add_host(j, host, 0), DANEHOP_ACTION_MAY, j->d->reason);
}

/*
 * mx_round - round 1: the root probe (once per context), the MX, and in
 * host mode the host's addresses too. Returns 0 when the domain is finished.
 */
static int mx_round(job *j, dh_batch *b1, const char *host)
{
    danehop_decision *d = j->d;
    int imx = -1, iprobe = -1;

    if (!atomic_load(&j->res->validated))
        iprobe = dh_batch_add(b1, ".", DH_T_DNSKEY);
    if (d->domain != NULL)
        imx = dh_batch_add(b1, d->domain, DH_T_MX);
    if (host != NULL && d->domain == NULL) {
        dh_walk_queue(add_host(j, host, 0), b1);
    } else if (host != NULL) {
        /* ask for the host's addresses with the MX: one round saved; the
         * answers are used below, whatever the MX lookup says */
        int idx[3];

        dh_walk_ask(b1, host, idx);
    }
    run_round(j, b1);
    if (iprobe >= 0 && !probe_ok(j, dh_batch_answer(b1, iprobe)))
        return 0;
    if (imx >= 0 && !mx_stage(j, dh_batch_answer(b1, imx), host))
        return 0;
    host_rules(j);
    insecure_mx(j);
    return 1;
}

/* address_round - round 2: addresses of every host not decided yet (table B) */
static void address_round(job *j, dh_batch *b1, dh_batch *b2, const char *host)
{
    size_t i;

    for (i = 0; i < j->nwork; i++) {
        dh_host_work *w = &j->work[i];

        if (w->decided)
            continue;
        if (host != NULL) {
            /* asked in round 1 already */
            dh_walk_queue(w, b1);
            dh_walk(j->d, w, b1);
        } else if (dh_walk_queue(w, b2) != 0) {
            host_final(j, w, DANEHOP_ACTION_DEFER, "too many lookups in one decision");
            w->out->error = DANEHOP_E_INTERNAL;
        }
    }
    run_round(j, b2);
    for (i = 0; i < j->nwork && host == NULL; i++)
        if (!j->work[i].decided)
            dh_walk(j->d, &j->work[i], b2);
}

/* tlsa_round - round 3: TLSA at every candidate base domain (tables C, D) */
static void tlsa_round(job *j, dh_batch *b3)
{
    size_t i;

    for (i = 0; i < j->nwork; i++) {
        dh_host_work *w = &j->work[i];

        if (!w->decided && dh_candidate_queue(w, b3, j->d->port) != 0) {
            host_final(j, w, DANEHOP_ACTION_DEFER, "too many lookups in one decision");
            w->out->error = DANEHOP_E_INTERNAL;
        }
    }
    run_round(j, b3);
    for (i = 0; i < j->nwork; i++)
        if (!j->work[i].decided)
            dh_candidate_decide(j->d, &j->work[i], b3);
}

static void run(job *j, const char *host)
{
    dh_batch *b1 = dh_batch_new(), *b2 = dh_batch_new(), *b3 = dh_batch_new();

    if (b1 == NULL || b2 == NULL || b3 == NULL) {
        j->d->status = DANEHOP_STATUS_DEFER;
        j->d->error = DANEHOP_E_NOMEM;
        set_reason(j->d, "out of memory");
    } else if (j->d->exempt) {
        exempt(j, host);
        goto out;
    } else if (mx_round(j, b1, host)) {
        address_round(j, b1, b2, host);
        tlsa_round(j, b3);
    }
    mandatory(j);
    domain_status(j->d);
out:
    dh_batch_free(b1);
    dh_batch_free(b2);
    dh_batch_free(b3);
}

/* request - the caller's question, checked and normalised */
typedef struct request {
    const char *domain; /* ndomain, or NULL */
    const char *host;   /* nhost, or NULL */
    char ndomain[DH_NAME_BUF];
    char nhost[DH_NAME_BUF];
    unsigned port;
    danehop_policy policy;
    unsigned flags;
    dh_rule_match rule; /* the domain's rule, if any */
    char key[2 * DH_NAME_BUF + 64];
} request;

/* normalise - check the input; -1 with the error set when it is unusable */
static int normalise(request *rq, const char *domain, const char *host, unsigned port, danehop_policy policy,
                     unsigned flags)
{
    dh_name_status st;

    memset(rq, 0, sizeof(*rq));
    if (domain == NULL && host == NULL)
        return dh_fail(DANEHOP_E_INPUT, "nothing to resolve: give a domain, a host, or both");
    if (domain != NULL && (st = dh_name_check(domain, rq->ndomain)) != DH_NAME_OK)
        return input_error("domain", domain, st);
    if (host != NULL && (st = dh_name_check(host, rq->nhost)) != DH_NAME_OK)
        return input_error("host", host, st);
    if (port < 1 || port > 65535)
        return dh_fail(DANEHOP_E_INPUT, "port %u: must be 1 to 65535", port);
    if (policy != DANEHOP_POLICY_OPPORTUNISTIC && policy != DANEHOP_POLICY_MANDATORY)
        return dh_fail(DANEHOP_E_INPUT, "unknown policy %d", (int) policy);
    rq->domain = domain ? rq->ndomain : NULL;
    rq->host = host ? rq->nhost : NULL;
    rq->port = port;
    rq->policy = policy;
    rq->flags = flags;
    return 0;
}

/* domain_rule - the first rule for the next-hop domain sets policy, flags and port */
static int domain_rule(request *rq, const dh_rules *rules)
{
    dh_rule_match *m = &rq->rule;

    if (rq->domain == NULL || rules == NULL)
        return 0;
    *m = dh_rules_match(rules, rq->domain, 0);
    if (m->error)
        return dh_error("policy rule at line %u cannot be evaluated for %s (regex match limit): refusing "
                        "to decide",
                        m->line, rq->domain);
    if (m->rule == NULL)
        return 0;
    rq->policy = m->policy == DH_RULE_DANE_ONLY ? DANEHOP_POLICY_MANDATORY : DANEHOP_POLICY_OPPORTUNISTIC;
    if (m->policy == DH_RULE_HALF_DANE)
        rq->flags |= DANEHOP_F_HALF_DANE;
    if (m->port)
        rq->port = m->port;
    return 0;
}

/*
 * current - the snapshot to decide with: the watched file re-read first
 * if it changed. NULL (error set) while a changed file does not load.
 */
static dh_snap *current(danehop_ctx *ctx)
{
    dh_snap *s = dh_ctx_acquire(ctx);
    int r = dh_config_refresh(ctx, s);

    if (r == 0)
        return s;
    dh_snap_release(ctx, s);
    return r > 0 ? dh_ctx_acquire(ctx) : NULL;
}

/* new_decision - an empty decision for rq, with room for every host */
static danehop_decision *new_decision(const request *rq)
{
    danehop_decision *d = dh_decision_new();

    if (d == NULL)
        return NULL;
    d->domain = rq->domain ? dh_arena_strdup(d->arena, rq->domain) : NULL;
    d->host_request = rq->host ? dh_arena_strdup(d->arena, rq->host) : NULL;
    d->port = rq->port;
    d->policy = rq->policy;
    d->flags = rq->flags;
    if (rq->rule.rule != NULL) {
        d->rule = rule_text(d, &rq->rule);
        d->exempt = rq->rule.policy == DH_RULE_EXEMPT;
    }
    d->hosts = dh_arena_alloc(d->arena, DH_MAX_HOSTS * sizeof(*d->hosts));
    if (d->hosts == NULL) {
        danehop_decision_free(d);
        return NULL;
    }
    return d;
}

/* cache_ttl - how long d may be reused: its answers' TTL, short for any defer */
static int cache_ttl(const danehop_decision *d, int min_ttl)
{
    size_t i;
    int defer = d->status == DANEHOP_STATUS_DEFER;

    for (i = 0; i < d->nhosts; i++)
        if (d->hosts[i].action == DANEHOP_ACTION_DEFER)
            defer = 1;
    return defer && min_ttl > DH_CACHE_DEFER_TTL ? DH_CACHE_DEFER_TTL : min_ttl;
}

/* decide - a new decision for rq with snapshot s; -1 with the error set */
static int decide(danehop_ctx *ctx, dh_snap *s, const request *rq, danehop_decision **out)
{
    danehop_decision *d;
    job j;
    long long start;
    int ttl;

    memset(&j, 0, sizeof(j));
    j.snap = s;
    j.rules = s->config ? s->config->rules : NULL;
    if ((j.res = dh_snap_resolver(ctx, s)) == NULL)
        return -1;
    /* work records grow with the MX RRset (reserve_hosts): most questions have
     * one or two hosts, and an uncached decision stays small */
    if ((d = new_decision(rq)) == NULL || (j.work = calloc(1, sizeof(*j.work))) == NULL) {
        danehop_decision_free(d);
        return dh_fail(DANEHOP_E_NOMEM, "out of memory");
    }
    j.work_cap = 1;
    j.d = d;
    start = dh_now_ms();
    j.deadline = start + s->eff.total_ms;
    j.min_ttl = DH_CACHE_MAX_TTL;
    run(&j, rq->host);
    free(j.work);
    if (dh_arena_exhausted(d->arena)) {
        /* a half-built decision must not be acted on */
        danehop_decision_free(d);
        return dh_fail(DANEHOP_E_NOMEM, "decision too large or out of memory");
    }
    /* TTLs count from the answers, which came after start: counting from
     * the end of the decision would keep an entry past its records' TTL */
    if ((ttl = cache_ttl(d, j.min_ttl)) > 0)
        dh_snap_cache_put(ctx, s, rq->key, d, start + (long long) ttl * 1000);
    *out = d;
    return 0;
}

/* cache_key - the domain's rule applied to rq, and its key in the decision cache: 0, or -1 */
static int cache_key(request *rq, const dh_snap *s)
{
    if (domain_rule(rq, s->config ? s->config->rules : NULL) != 0)
        return -1;
    snprintf(rq->key, sizeof(rq->key), "%s|%s|%u|%d|%u", rq->domain ? rq->domain : "",
             rq->host ? rq->host : "", rq->port, (int) rq->policy, rq->flags);
    return 0;
}

/* daemon_decides - whether s's danehop.conf sends decisions to a daemon */
static int daemon_decides(const danehop_ctx *ctx, const dh_snap *s)
{
    return s->config && s->config->daemon && !ctx->no_daemon;
}

/* from_cache - rq's decision from s's cache into *out (NULL if none): 0, or -1 if rq's rule refuses it */
static int from_cache(danehop_ctx *ctx, dh_snap *s, request *rq, danehop_decision **out)
{
    if (cache_key(rq, s) != 0)
        return -1;
    *out = dh_snap_cache_get(ctx, s, rq->key, dh_now_ms());
    return 0;
}

int danehop_resolve(danehop_ctx *ctx, const char *domain, const char *host, unsigned port,
                    danehop_policy policy, unsigned flags, danehop_decision **out)
{
    request rq;
    dh_snap *s;
    int rc = 0;

    *out = NULL;
    if (normalise(&rq, domain, host, port, policy, flags) != 0 || (s = current(ctx)) == NULL)
        return -1;
    if (daemon_decides(ctx, s)) {
        /* the daemon decides, with its own configuration; its failure is
         * ours (the shims defer) unless the admin chose a local fallback */
        rc = dh_daemon_decide(s->config->daemon, s->eff.query_ms, rq.domain, rq.host, rq.port, rq.policy,
                              rq.flags, out);
        if (rc == 0) {
            (*out)->from_daemon = 1;
            dh_snap_release(ctx, s);
            return 0;
        }
        if (!s->config->daemon_fallback || danehop_ctx_error_code(ctx) == DANEHOP_E_INPUT) {
            dh_snap_release(ctx, s);
            return -1;
        }
    }
    /* decided here (no daemon, or its local fallback): the daemon's failure is not ours */
    if (from_cache(ctx, s, &rq, out) != 0)
        rc = -1;
    else
        rc = *out != NULL ? 0 : decide(ctx, s, &rq, out);
    dh_snap_release(ctx, s);
    return rc;
}

int dh_resolve_cached(danehop_ctx *ctx, const char *domain, const char *host, unsigned port,
                      danehop_policy policy, unsigned flags, danehop_decision **out)
{
    request rq;
    dh_snap *s;
    int watch;

    *out = NULL;
    /* a watched danehop.conf may have to be read again first (current()):
     * that, like a daemon's answer, is for a caller that may wait */
    pthread_mutex_lock(&ctx->lock);
    watch = ctx->watch;
    pthread_mutex_unlock(&ctx->lock);
    if (watch || normalise(&rq, domain, host, port, policy, flags) != 0 || (s = dh_ctx_acquire(ctx)) == NULL)
        return 0;
    if (!daemon_decides(ctx, s))
        (void) from_cache(ctx, s, &rq, out);
    dh_snap_release(ctx, s);
    return *out != NULL;
}
