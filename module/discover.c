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
 *   Input errors return -1 with the context's error set. Everything DNS
 *   can do wrong becomes a "defer" decision with a reason.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unbound.h>

#include "cache.h"
#include "candidate.h"
#include "conffile.h"
#include "policy.h"
#include "danehop.h"
#include "decision.h"
#include "name.h"
#include "query.h"
#include "resolver.h"
#include "walk.h"
#include "wire.h"

/* an MX RRset larger than this is refused as absurd */
#define MAX_MX_RECORDS 256

typedef struct job {
    danehop_ctx *ctx;
    const dh_rules *rules; /* the configuration's rules, or NULL */
    danehop_decision *d;
    long long deadline;
    int min_ttl; /* smallest TTL of the answers used, seconds */
    size_t nwork;
    dh_host_work *work;
} job;

static int input_error(danehop_ctx *ctx, const char *what, const char *name, dh_name_status st)
{
    return dh_resolver_error(ctx, "%s \"%.300s\": %s", what, name, dh_name_strerror(st));
}

static long long round_deadline(const job *j)
{
    long long r = dh_now_ms() + j->ctx->query_ms;

    return r < j->deadline ? r : j->deadline;
}

/* run one round and log every question of it in the decision */
static void run_round(job *j, dh_batch *b)
{
    size_t i;

    if (dh_batch_size(b) == 0)
        return;
    j->d->rounds++;
    dh_batch_run(b, j->ctx, round_deadline(j));
    for (i = 0; i < dh_batch_size(b); i++) {
        const dh_answer *a = dh_batch_answer(b, (int) i);
        char why[300];

        dh_decision_log_query(j->d, j->d->rounds, a->qname, dh_type_name(a->qtype),
                              dh_ans_describe(a, why, sizeof(why)));
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

/* add_host - a host slot in the decision and its work record */
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

/*
 * mx_stage - read the MX answer. Returns 1 when hosts are to be evaluated
 * (w slots added or found), 0 when the domain is finished.
 */
static int mx_stage(job *j, const dh_answer *a, const char *host)
{
    danehop_decision *d = j->d;
    const struct ub_result *r = a->res;
    mx_rec *recs;
    size_t n = 0, i, usable = 0;
    char why[300];

    if (dh_ans_is_error(a)) {
        d->status = DANEHOP_STATUS_DEFER;
        set_reason(d, "MX lookup for %s failed (%s): delivery must wait (RFC 7672 section 2.1.2)", d->domain,
                   dh_ans_describe(a, why, sizeof(why)));
        return 0;
    }
    if (a->kind == DH_ANS_NXDOMAIN) {
        d->status = DANEHOP_STATUS_NXDOMAIN;
        d->mx_secure = a->secure;
        set_reason(d, "%s does not exist (%s)", d->domain, dh_ans_describe(a, why, sizeof(why)));
        return 0;
    }
    d->mx_secure = a->secure;
    if (r->canonname != NULL && !dh_name_equal(r->canonname, d->domain)) {
        char canon[DH_NAME_BUF];

        snprintf(canon, sizeof(canon), "%s", r->canonname);
        if (dh_name_check(canon, canon) == DH_NAME_OK)
            d->mx_owner = dh_arena_strdup(d->arena, canon);
    }
    if (a->kind == DH_ANS_NODATA) {
        /* table A6: the domain is its own (implicit) MX host */
        d->implicit_mx = 1;
        set_reason(d, "%s has no MX records (%s): the domain is its own mail host", d->domain,
                   dh_ans_describe(a, why, sizeof(why)));
        if (host == NULL || dh_name_equal(host, d->domain))
            add_host(j, d->domain, 0);
        else
            add_host(j, host, 0); /* a relay for this domain */
        return 1;
    }
    while (r->data[n] != NULL && n <= MAX_MX_RECORDS)
        n++;
    if (n > MAX_MX_RECORDS) {
        d->status = DANEHOP_STATUS_DEFER;
        set_reason(d, "MX RRset of %s has more than %d records: refusing it", d->domain, MAX_MX_RECORDS);
        return 0;
    }
    if ((recs = calloc(n, sizeof(*recs))) == NULL) {
        d->status = DANEHOP_STATUS_DEFER;
        set_reason(d, "out of memory");
        return 0;
    }
    for (i = 0; i < n; i++) {
        if (dh_rdata_mx((const uint8_t *) r->data[i], (size_t) r->len[i], &recs[usable].pref,
                        recs[usable].name) != 0) {
            free(recs);
            d->status = DANEHOP_STATUS_DEFER;
            set_reason(d, "malformed MX record for %s: delivery must wait", d->domain);
            return 0;
        }
        usable++;
    }
    qsort(recs, n, sizeof(*recs), mx_cmp);
    if (n == 1 && strcmp(recs[0].name, ".") == 0) {
        free(recs);
        d->status = DANEHOP_STATUS_NULLMX;
        set_reason(d, "%s publishes a null MX: it accepts no mail (RFC 7505)", d->domain);
        return 0;
    }
    set_reason(d, "MX RRset of %s%s%s%s is %s", d->domain, d->mx_owner ? " (via CNAME to " : "",
               d->mx_owner ? d->mx_owner : "", d->mx_owner ? ")" : "",
               d->mx_secure ? "DNSSEC-signed (secure)" : "not DNSSEC-signed (insecure)");
    for (i = 0; i < n; i++) {
        dh_host_work *w;
        char norm[DH_NAME_BUF];
        dh_name_status st;

        if (strcmp(recs[i].name, ".") == 0)
            continue; /* a null MX among real ones means nothing */
        if (host != NULL && !dh_name_equal(host, recs[i].name))
            continue;
        if (j->nwork == DH_MAX_HOSTS) {
            d->reason = dh_arena_printf(d->arena, "%s; only the %d most preferred MX hosts were evaluated",
                                        d->reason, DH_MAX_HOSTS);
            break;
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
    free(recs);
    if (host != NULL && j->nwork == 0) {
        /* not one of the domain's MX hosts: a relay, its name from configuration */
        add_host(j, host, 0);
    }
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

        if (!j->work[i].mandatory || (h->action != DANEHOP_ACTION_MAY && h->action != DANEHOP_ACTION_ENCRYPT))
            continue;
        h->reason =
            dh_arena_printf(d->arena, "mandatory DANE%s%s%s, but %s", j->work[i].rule ? " (" : "",
                            j->work[i].rule ? j->work[i].rule : "", j->work[i].rule ? ")" : "", h->reason);
        h->action = DANEHOP_ACTION_DEFER;
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
        pthread_mutex_lock(&j->ctx->lock);
        j->ctx->validated = 1;
        pthread_mutex_unlock(&j->ctx->lock);
        return 1;
    }
    j->d->status = DANEHOP_STATUS_DEFER;
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

static void run(job *j, const char *host)
{
    danehop_decision *d = j->d;
    dh_batch *b1 = dh_batch_new(), *b2 = dh_batch_new(), *b3 = dh_batch_new();
    int imx = -1, iprobe = -1;
    size_t i;

    if (b1 == NULL || b2 == NULL || b3 == NULL) {
        d->status = DANEHOP_STATUS_DEFER;
        set_reason(d, "out of memory");
        goto out;
    }
    if (d->exempt) {
        /* no DANE lookups at all: not even the MX */
        set_reason(d, "exempt from DANE (%s): opportunistic TLS", d->rule);
        if (host != NULL)
            host_final(j, add_host(j, host, 0), DANEHOP_ACTION_MAY, d->reason);
        dh_batch_free(b1, j->ctx);
        dh_batch_free(b2, j->ctx);
        dh_batch_free(b3, j->ctx);
        return;
    }
    /* round 1 */
    if (!j->ctx->validated)
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
        goto out;
    if (imx >= 0 && !mx_stage(j, dh_batch_answer(b1, imx), host))
        goto out;
    host_rules(j);
    insecure_mx(j);

    /* round 2: addresses of every host not decided yet */
    for (i = 0; i < j->nwork; i++) {
        dh_host_work *w = &j->work[i];

        if (w->decided)
            continue;
        if (host != NULL) {
            /* asked in round 1 already */
            dh_walk_queue(w, b1);
            dh_walk(d, w, b1);
        } else if (dh_walk_queue(w, b2) != 0) {
            host_final(j, w, DANEHOP_ACTION_DEFER, "too many lookups in one decision");
        }
    }
    run_round(j, b2);
    for (i = 0; i < j->nwork && host == NULL; i++)
        if (!j->work[i].decided)
            dh_walk(d, &j->work[i], b2);

    /* round 3: TLSA at every candidate */
    for (i = 0; i < j->nwork; i++) {
        dh_host_work *w = &j->work[i];

        if (!w->decided && dh_candidate_queue(w, b3, d->port) != 0)
            host_final(j, w, DANEHOP_ACTION_DEFER, "too many lookups in one decision");
    }
    run_round(j, b3);
    for (i = 0; i < j->nwork; i++)
        if (!j->work[i].decided)
            dh_candidate_decide(d, &j->work[i], b3);
out:
    mandatory(j);
    domain_status(d);
    dh_batch_free(b1, j->ctx);
    dh_batch_free(b2, j->ctx);
    dh_batch_free(b3, j->ctx);
}

int danehop_resolve(danehop_ctx *ctx, const char *domain, const char *host, unsigned port,
                    danehop_policy policy, unsigned flags, danehop_decision **out)
{
    char ndomain[DH_NAME_BUF], nhost[DH_NAME_BUF];
    dh_name_status st;
    danehop_decision *d;
    const dh_rules *rules;
    dh_rule_match dm;
    dh_cache *cache;
    char key[2 * DH_NAME_BUF + 64];
    size_t i;
    job j;

    *out = NULL;
    memset(&dm, 0, sizeof(dm));
    if (domain == NULL && host == NULL)
        return dh_resolver_error(ctx, "nothing to resolve: give a domain, a host, or both");
    if (domain != NULL && (st = dh_name_check(domain, ndomain)) != DH_NAME_OK)
        return input_error(ctx, "domain", domain, st);
    if (host != NULL && (st = dh_name_check(host, nhost)) != DH_NAME_OK)
        return input_error(ctx, "host", host, st);
    if (port < 1 || port > 65535)
        return dh_resolver_error(ctx, "port %u: must be 1 to 65535", port);
    if (policy != DANEHOP_POLICY_OPPORTUNISTIC && policy != DANEHOP_POLICY_MANDATORY)
        return dh_resolver_error(ctx, "unknown policy %d", (int) policy);
    if (dh_config_refresh(ctx) != 0)
        return -1;
    rules = ctx->config ? ctx->config->rules : NULL;
    if (domain != NULL && rules != NULL) {
        dm = dh_rules_match(rules, ndomain, 0);
        if (dm.error)
            return dh_resolver_error(ctx,
                                     "policy rule at line %u cannot be evaluated for %s (regex "
                                     "match limit): refusing to decide",
                                     dm.line, ndomain);
        if (dm.rule != NULL) {
            policy = dm.policy == DH_RULE_DANE_ONLY ? DANEHOP_POLICY_MANDATORY : DANEHOP_POLICY_OPPORTUNISTIC;
            if (dm.policy == DH_RULE_HALF_DANE)
                flags |= DANEHOP_F_HALF_DANE;
            if (dm.port)
                port = dm.port;
        }
    }
    snprintf(key, sizeof(key), "%s|%s|%u|%d|%u", domain ? ndomain : "", host ? nhost : "", port, (int) policy,
             flags);
    if ((cache = dh_resolver_cache(ctx)) != NULL) {
        pthread_mutex_lock(&ctx->lock);
        *out = dh_cache_get(cache, key, dh_now_ms());
        pthread_mutex_unlock(&ctx->lock);
        if (*out != NULL)
            return 0;
    }
    if (dh_resolver_get(ctx) == NULL)
        return -1;
    if ((d = dh_decision_new()) == NULL)
        return dh_resolver_error(ctx, "out of memory");
    d->domain = domain ? dh_arena_strdup(d->arena, ndomain) : NULL;
    d->host_request = host ? dh_arena_strdup(d->arena, nhost) : NULL;
    d->port = port;
    d->policy = policy;
    d->flags = flags;
    if (dm.rule != NULL) {
        d->rule = rule_text(d, &dm);
        d->exempt = dm.policy == DH_RULE_EXEMPT;
    }
    d->hosts = dh_arena_alloc(d->arena, DH_MAX_HOSTS * sizeof(*d->hosts));
    memset(&j, 0, sizeof(j));
    j.ctx = ctx;
    j.rules = rules;
    j.d = d;
    j.deadline = dh_now_ms() + ctx->total_ms;
    j.min_ttl = DH_CACHE_MAX_TTL;
    j.work = calloc(DH_MAX_HOSTS, sizeof(*j.work));
    if (d->hosts == NULL || j.work == NULL) {
        free(j.work);
        danehop_decision_free(d);
        return dh_resolver_error(ctx, "out of memory");
    }
    run(&j, host ? nhost : NULL);
    free(j.work);
    if (dh_arena_exhausted(d->arena)) {
        /* a half-built decision must not be acted on */
        danehop_decision_free(d);
        return dh_resolver_error(ctx, "decision too large or out of memory");
    }
    for (i = 0; i < d->nhosts; i++)
        if (d->hosts[i].action == DANEHOP_ACTION_DEFER && j.min_ttl > DH_CACHE_DEFER_TTL)
            j.min_ttl = DH_CACHE_DEFER_TTL;
    if (d->status == DANEHOP_STATUS_DEFER && j.min_ttl > DH_CACHE_DEFER_TTL)
        j.min_ttl = DH_CACHE_DEFER_TTL;
    if (cache != NULL && j.min_ttl > 0) {
        pthread_mutex_lock(&ctx->lock);
        dh_cache_put(cache, key, d, dh_now_ms() + (long long) j.min_ttl * 1000);
        pthread_mutex_unlock(&ctx->lock);
    }
    *out = d;
    return 0;
}
