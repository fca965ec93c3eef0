/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * report_findings.c - what is wrong with a domain's DANE set-up, and the
 * fix for each, most important first
 *
 * SYNOPSIS
 *   #include "report.h"
 *
 *   void rp_find(rp_report *r);
 *
 * DESCRIPTION
 *   Each check below looks at the facts (report_dns.c) and the senders'
 *   rows (report_senders.c) of one host and adds a finding with its fix.
 *   Impact: high when some DANE-aware sender does not authenticate the
 *   host or no sender can; medium when it works today but breaks at the
 *   next key change or DNS edit; low for margins (TTLs, digests). The
 *   order within one impact is the order of the checks.
 */
#include <stdio.h>
#include <string.h>

#include "report.h"

const char *rp_impact_name(int impact) { return impact == 1 ? "high" : impact == 2 ? "medium" : "low"; }

static rp_finding *add(rp_report *r, int impact, const char *id, const char *host)
{
    rp_finding *f;

    if (r->nfindings >= RP_MAX_FINDINGS)
        return NULL;
    f = &r->findings[r->nfindings++];
    f->impact = impact;
    f->id = id;
    snprintf(f->host, sizeof(f->host), "%s", host ? host : "");
    return f;
}

#define TEXT(f, ...) snprintf((f)->text, sizeof((f)->text), __VA_ARGS__)
#define FIX(f, ...)  snprintf((f)->fix, sizeof((f)->fix), __VA_ARGS__)

/* the short names of the DANE-aware senders that do not authenticate host i */
static void skipped_by(const rp_report *r, size_t i, char *out, size_t len)
{
    size_t s, n = 0;

    out[0] = '\0';
    for (s = 0; s < rp_sender_count(); s++) {
        const rp_sender *sd = rp_sender_at(s);

        if (!sd->dane_capable || r->rows[s][i].outcome == RP_DANE)
            continue;
        n += (size_t) snprintf(out + n, n < len ? len - n : 0, "%s%s", n ? ", " : "", sd->short_name);
    }
    if (n >= len && len > 4)
        memcpy(out + len - 4, "...", 4);
}

/* names_in - name is one of the ", "-separated names of list */
static int names_in(const char *list, const char *name)
{
    size_t n = strlen(name);
    const char *p;

    for (p = list; (p = strstr(p, name)) != NULL; p += n)
        if ((p == list || p[-1] == ' ') && (p[n] == '\0' || p[n] == ','))
            return 1;
    return 0;
}

/* what the live check of each address shows (report --probe) */
static void probe_findings(rp_report *r, size_t i)
{
    const rp_host *h = &r->hosts[i];
    const char *base = danehop_host_base_domain(h->h);
    const rp_tlsa_at *b =
        base && h->target && strcmp(base, h->at_target.owner) == 0 ? &h->at_target : &h->at_host;
    rp_finding *f;
    size_t k;

    for (k = 0; k < r->nprobes; k++) {
        const probe_result *p = &r->probes[k].res;

        if (r->probes[k].host != i)
            continue;
        /* each host answers for its own name: the other names routing here have their own probe */
        if (danehop_host_action(h->h) == DANEHOP_ACTION_DANE && b->nta > 0 && p->tls &&
            names_in(p->missing, h->name) && (f = add(r, 1, "dane-ta-name-missing", h->name)) != NULL) {
            TEXT(f,
                 "the certificate at %s does not name %s, routed to it by the MX records: DANE-TA(2) checks "
                 "names, so senders fail for that host",
                 p->address, h->name);
            FIX(f,
                "add every MX name that routes to %s to the certificate's subjectAltName, or publish DANE-EE "
                "\"3 1 1\" records, which need no name",
                p->address);
        }
        if (!p->required_ok && (f = add(r, 1, "probe-failed", h->name)) != NULL) {
            TEXT(f, "the live check of %s failed: %s", p->address, p->error[0] ? p->error : "not as decided");
            FIX(f, "make the server's certificate match the TLSA records (or publish records for the key it "
                   "uses), "
                   "and offer STARTTLS");
        }
    }
}

static void host_findings(rp_report *r, size_t i)
{
    const rp_host *h = &r->hosts[i];
    const rp_tlsa_at *H = &h->at_host, *F = &h->at_target;
    danehop_action act = danehop_host_action(h->h);
    const char *base = danehop_host_base_domain(h->h);
    char who[RP_TEXT_MAX / 2];
    rp_finding *f;

    skipped_by(r, i, who, sizeof(who));
    if (act == DANEHOP_ACTION_DEFER && (f = add(r, 1, "host-dns-error", h->name)) != NULL) {
        TEXT(f, "the DNS for %s could not be read, so every sender skips it: %s", h->name,
             danehop_host_reason(h->h));
        FIX(f, "repair the records or signatures named above (for a signed zone: re-sign it, check the DS in "
               "the "
               "parent)");
    }
    if (h->target != NULL && h->alias_secure && !h->addr_secure && H->state == RP_TLSA_USABLE &&
        (f = add(r, 1, "alias-into-unsigned-zone", h->name)) != NULL) {
        TEXT(f,
             "%s is an alias of %s in an unsigned zone: senders that need the whole address answer signed "
             "skip DANE "
             "(%s)",
             h->name, h->target, who[0] ? who : "none today");
        FIX(f,
            "replace the CNAME by A/AAAA records for %s in the signed zone (cloned from %s), or sign %s's "
            "zone and "
            "publish the TLSA records at _%u._tcp.%s too",
            h->name, h->target, h->target, r->port, h->target);
    }
    if (h->target != NULL && h->addr_secure && H->state == RP_TLSA_USABLE && F->state != RP_TLSA_USABLE &&
        F->state != RP_TLSA_UNUSABLE && (f = add(r, 1, "tlsa-only-at-alias", h->name)) != NULL) {
        TEXT(f,
             "TLSA only at the MX name %s, not at its target %s: senders that look only at the target skip "
             "DANE (%s)",
             h->name, h->target, who[0] ? who : "none");
        FIX(f, "publish the same TLSA records at _%u._tcp.%s", r->port, h->target);
    }
    if (h->target != NULL && F->state == RP_TLSA_USABLE && H->state != RP_TLSA_USABLE &&
        (f = add(r, h->addr_secure ? 2 : 1, "tlsa-only-at-target", h->name)) != NULL) {
        TEXT(f,
             "TLSA only at the target %s, not at the MX name %s: senders that look only at the MX name skip "
             "DANE "
             "(%s)%s",
             h->target, h->name, who[0] ? who : "none today",
             h->addr_secure ? "; it works only while the alias chain stays signed" : "");
        FIX(f, "publish the same TLSA records at _%u._tcp.%s", r->port, h->name);
    }
    if (h->target != NULL && F->state == RP_TLSA_INSECURE &&
        (f = add(r, 2, "tlsa-in-unsigned-zone", h->name)) != NULL) {
        TEXT(f, "TLSA records at _%u._tcp.%s are in an unsigned zone: every sender ignores them", r->port,
             h->target);
        FIX(f, "sign %s's zone, or rely on the records at the MX name", h->target);
    }
    if (act == DANEHOP_ACTION_ENCRYPT && (f = add(r, 1, "unusable-only", h->name)) != NULL) {
        TEXT(f,
             "only unusable TLSA records at %s: no sender can authenticate; RFC 7672 senders insist on TLS "
             "but "
             "check nothing",
             base ? base : h->name);
        FIX(f, "publish \"3 1 1\" records of the server's public key (PKIX usages 0 and 1 are unusable for "
               "SMTP)");
    }
    if (act == DANEHOP_ACTION_DANE && danehop_host_tlsa_count(h->h) == 1 &&
        (f = add(r, 2, "single-tlsa", h->name)) != NULL) {
        TEXT(f,
             "one TLSA record at %s: the next key or certificate change breaks delivery until the DNS "
             "catches up",
             base);
        FIX(f, "publish two: the current and the next key (\"3 1 1\" + \"3 1 1\"), or \"3 1 1\" + \"2 1 1\" "
               "for the "
               "issuing CA");
    }
    if ((H->agility || F->agility) && (f = add(r, 3, "digest-agility", h->name)) != NULL) {
        TEXT(f,
             "records dropped by digest agility (RFC 7671 section 9) at %s: senders use only the strongest "
             "digest "
             "per usage and selector",
             H->agility ? H->owner : F->owner);
        FIX(f, "give every key a record with the strongest digest used, or use one digest (SHA2-256) "
               "throughout");
    }
    if (act == DANEHOP_ACTION_MAY && r->mx_secure && h->addr_secure && H->state != RP_TLSA_USABLE &&
        F->state != RP_TLSA_USABLE && (f = add(r, 2, "no-tlsa", h->name)) != NULL) {
        TEXT(f, "no signed TLSA records for %s: DANE does not apply", h->name);
        FIX(f, "publish \"3 1 1\" records at _%u._tcp.%s", r->port, h->name);
    }
    {
        const rp_tlsa_at *b = base && F->state != RP_TLSA_NOT_ASKED && strcmp(base, F->owner) == 0 ? F : H;
        unsigned ttl = 0;

        if (b->state == RP_TLSA_USABLE || b->state == RP_TLSA_UNUSABLE)
            ttl = b->ttl;
        if (ttl > 0 && ttl < RP_SHORT_TTL && (f = add(r, 3, "short-ttl", h->name)) != NULL) {
            TEXT(f,
                 "the TLSA records at %s have a TTL of %u s: a resolver outage longer than that defers mail "
                 "from DANE senders",
                 b->owner, ttl);
            FIX(f, "raise the TTL to an hour or more (%u s minimum advised)", RP_SHORT_TTL);
        }
    }
    if (h->target != NULL && (f = add(r, 2, "mx-is-cname", h->name)) != NULL) {
        TEXT(f, "the MX host %s is a CNAME (RFC 5321 section 5.1 wants an address record)", h->name);
        FIX(f, "name %s in the MX record, or give %s its own A/AAAA records", h->target, h->name);
    }
}

/* a stable insertion sort by impact: the checks' order stays within one impact */
static void by_impact(rp_finding *f, size_t n)
{
    rp_finding t;
    size_t i, j;

    for (i = 1; i < n; i++) {
        t = f[i];
        for (j = i; j > 0 && f[j - 1].impact > t.impact; j--)
            f[j] = f[j - 1];
        f[j] = t;
    }
}

void rp_find(rp_report *r)
{
    rp_finding *f;
    size_t i;

    if (r->via_mx && !r->mx_secure && danehop_decision_status(r->d) == DANEHOP_STATUS_OK &&
        (f = add(r, 1, "mx-unsigned", NULL)) != NULL) {
        TEXT(f, "the MX RRset of %s is not DNSSEC-signed: no sender does DANE for it",
             danehop_decision_domain(r->d));
        FIX(f, "sign the zone and publish its DS record in the parent");
    }
    if (r->mx_ttl > 0 && r->mx_ttl < RP_SHORT_TTL && (f = add(r, 3, "short-ttl", NULL)) != NULL) {
        TEXT(f, "the MX records have a TTL of %u s: a resolver outage longer than that defers mail",
             r->mx_ttl);
        FIX(f, "raise the TTL to an hour or more");
    }
    for (i = 0; i < r->nhosts; i++) {
        probe_findings(r, i);
        host_findings(r, i);
    }
    by_impact(r->findings, r->nfindings);
}
