/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * report_render.c - a report as readable text, or as one JSON object
 *
 * SYNOPSIS
 *   #include "report_render.h"
 *
 *   void rp_print_text(const rp_report *r);
 *   void rp_print_json(const rp_report *r, int exit_status);
 *
 * DESCRIPTION
 *   The text puts the verdict first, then the findings with their fixes,
 *   then what the DNS says and what each sender will do per host. The JSON
 *   object is a contract (danehop(1), "report --json"): fields may be
 *   added, never renamed or removed.
 */
#include <stdio.h>
#include <string.h>

#include "json_out.h"
#include "report_render.h"

static const char *sec(int s) { return s == 1 ? "secure" : s == 0 ? "insecure" : "unknown"; }

/* the verdict: who authenticates every host, who does not and why */
static void verdict(const rp_report *r)
{
    size_t s, i, n = 0;

    if (danehop_decision_status(r->d) == DANEHOP_STATUS_DEFER) {
        printf("Verdict: the DNS could not be read, so every sender defers: %s\n",
               danehop_decision_reason(r->d));
        return;
    }
    if (r->nhosts == 0) {
        printf("Verdict: no host to deliver to (%s): %s\n",
               danehop_status_name(danehop_decision_status(r->d)), danehop_decision_reason(r->d));
        return;
    }
    printf("Verdict: DANE works with:");
    for (s = 0; s < rp_sender_count(); s++)
        if (rp_sender_at(s)->dane_capable && rp_sender_authenticates(r, s))
            printf("%s %s", n++ ? "," : "", rp_sender_at(s)->short_name);
    printf("%s.\n", n ? "" : " none");
    n = 0;
    for (s = 0; s < rp_sender_count(); s++) {
        const rp_sender *sd = rp_sender_at(s);

        if (!sd->dane_capable || rp_sender_authenticates(r, s))
            continue;
        for (i = 0; i < r->nhosts && r->rows[s][i].outcome == RP_DANE; i++)
            ;
        printf("%s %s %s (%s: %s)", n++ ? ";" : "Not authenticated by:", sd->short_name, sd->versions,
               r->hosts[i].name, rp_outcome_text(r->rows[s][i].outcome));
    }
    if (n)
        printf(".\n");
    n = 0;
    for (s = 0; s < rp_sender_count(); s++)
        if (!rp_sender_at(s)->dane_capable)
            printf("%s %s", n++ ? "," : "No DANE support:", rp_sender_at(s)->short_name);
    if (n)
        printf(" (opportunistic TLS, never authenticated).\n");
}

static void tlsa_text(const rp_report *r, const rp_tlsa_at *t)
{
    size_t k;

    if (t->state == RP_TLSA_NOT_ASKED)
        return;
    printf("    TLSA at _%u._tcp.%s: %s", r->port, t->owner, rp_tlsa_state_name(t->state));
    if (t->state == RP_TLSA_ERROR)
        printf(" (%s)", t->error);
    if (t->state == RP_TLSA_INSECURE)
        printf(" (not DNSSEC-signed: every sender ignores these)");
    else if (t->nrecs)
        printf(", %zu record%s, %zu usable", t->nrecs, t->nrecs == 1 ? "" : "s", t->nusable);
    if (t->nrecs)
        printf(", TTL %u", t->ttl);
    putchar('\n');
    for (k = 0; k < t->nrecs && k < RP_MAX_RECS; k++)
        printf("      %s  %s\n", t->rec[k],
               t->state == RP_TLSA_INSECURE ? "ignored"
               : t->why[k]                  ? t->why[k]
                                            : "usable");
}

void rp_print_text(const rp_report *r)
{
    const char *domain = danehop_decision_domain(r->d);
    size_t s, i, k;

    printf("danehop report for %s, port %u\n\n",
           domain      ? domain
           : r->nhosts ? r->hosts[0].name
                       : "?",
           r->port);
    verdict(r);
    if (r->nfindings) {
        printf("\nFindings, most important first:\n");
        for (k = 0; k < r->nfindings; k++) {
            const rp_finding *f = &r->findings[k];

            printf("  %zu. [%s] %s%s%s\n     fix: %s\n", k + 1, rp_impact_name(f->impact), f->host,
                   f->host[0] ? ": " : "", f->text, f->fix);
        }
    }
    printf("\nWhat the DNS says:\n");
    if (r->via_mx)
        printf("  MX RRset of %s: %s, TTL %u\n", domain, sec(r->mx_secure), r->mx_ttl);
    for (i = 0; i < r->nhosts; i++) {
        const rp_host *h = &r->hosts[i];
        const char *name, *cname, *base = danehop_host_base_domain(h->h), *sni = danehop_host_sni(h->h);
        int hs;

        printf("  host %s (preference %u)\n    addresses:", h->name, danehop_host_preference(h->h));
        for (k = 0; k < danehop_host_address_count(h->h); k++)
            printf(" %s", danehop_host_address(h->h, k));
        printf("%s (%s, TTL %u)\n", danehop_host_address_count(h->h) ? "" : " none", sec(h->addr_secure),
               h->addr_ttl);
        if (h->target != NULL) {
            printf("    CNAME chain:");
            for (k = 0; k < danehop_host_hop_count(h->h); k++)
                if (danehop_host_hop(h->h, k, &name, &cname, &hs) == 0)
                    printf("%s %s (%s)", k ? " ->" : "", name, cname ? sec(hs) : "target");
            putchar('\n');
        }
        tlsa_text(r, &h->at_host);
        tlsa_text(r, &h->at_target);
        printf("    RFC 7672: %s; base domain %s; SNI %s\n", danehop_action_name(danehop_host_action(h->h)),
               base ? base : "none", sni ? sni : "none");
    }
    if (r->probed) {
        printf("\nLive check of every address (--probe):\n");
        for (k = 0; k < r->nprobes; k++) {
            const probe_result *p = &r->probes[k].res;

            printf("  %s [%s]: %s\n", p->host, p->address, p->required_ok ? "OK" : "FAILED");
            if (p->tls)
                printf("    TLS: %s, %s\n", p->protocol, p->cipher);
            if (p->match[0])
                printf("    matched: TLSA %s\n", p->match);
            if (p->names_text[0])
                printf("    MX names in the certificate: %s\n", p->names_text);
            if (p->error[0])
                printf("    problem: %s\n", p->error);
        }
    }
    printf("\nWhat each sender will do:\n");
    for (s = 0; s < rp_sender_count(); s++) {
        const rp_sender *sd = rp_sender_at(s);

        printf("  %s (%s)\n    evidence: %s\n", sd->name, sd->versions, sd->evidence);
        for (i = 0; i < r->nhosts; i++)
            printf("    %s: %s: %s\n", r->hosts[i].name, rp_outcome_text(r->rows[s][i].outcome),
                   r->rows[s][i].why);
    }
}

static void json_tlsa(const rp_report *r, const rp_tlsa_at *t, const char *role)
{
    size_t k;

    printf("{\"owner\":");
    json_print_string(t->owner);
    printf(",\"port\":%u,\"role\":\"%s\",\"state\":\"%s\",\"secure\":%s,\"ttl\":%u,\"records\":[", r->port,
           role, rp_tlsa_state_name(t->state), t->secure ? "true" : "false", t->ttl);
    for (k = 0; k < t->nrecs && k < RP_MAX_RECS; k++) {
        printf("%s{\"record\":", k ? "," : "");
        json_print_string(t->rec[k]);
        printf(",\"usable\":%s,\"why\":", t->why[k] ? "false" : "true");
        json_print_string(t->why[k]);
        putchar('}');
    }
    printf("],\"error\":");
    json_print_string(t->state == RP_TLSA_ERROR ? t->error : NULL);
    putchar('}');
}

void rp_print_json(const rp_report *r, int exit_status)
{
    size_t s, i, k, n;
    const char *name, *cname;
    int hs;

    printf("{\"domain\":");
    json_print_string(danehop_decision_domain(r->d));
    printf(",\"port\":%u,\"status\":\"%s\",\"reason\":", r->port,
           danehop_status_name(danehop_decision_status(r->d)));
    json_print_string(danehop_decision_reason(r->d));
    printf(",\"exit\":%d,\"via_mx\":%s,\"mx_secure\":%s,\"mx_ttl\":%u", exit_status,
           r->via_mx ? "true" : "false", r->mx_secure ? "true" : "false", r->mx_ttl);
    printf(",\"verdict\":{\"authenticated_by\":[");
    for (s = 0, n = 0; s < rp_sender_count(); s++)
        if (rp_sender_at(s)->dane_capable && rp_sender_authenticates(r, s))
            printf("%s\"%s\"", n++ ? "," : "", rp_sender_at(s)->id);
    printf("],\"not_authenticated_by\":[");
    for (s = 0, n = 0; s < rp_sender_count(); s++)
        if (rp_sender_at(s)->dane_capable && !rp_sender_authenticates(r, s))
            printf("%s\"%s\"", n++ ? "," : "", rp_sender_at(s)->id);
    printf("],\"no_dane_support\":[");
    for (s = 0, n = 0; s < rp_sender_count(); s++)
        if (!rp_sender_at(s)->dane_capable)
            printf("%s\"%s\"", n++ ? "," : "", rp_sender_at(s)->id);
    printf("]},\"findings\":[");
    for (k = 0; k < r->nfindings; k++) {
        const rp_finding *f = &r->findings[k];

        printf("%s{\"id\":\"%s\",\"impact\":\"%s\",\"host\":", k ? "," : "", f->id,
               rp_impact_name(f->impact));
        json_print_string(f->host[0] ? f->host : NULL);
        printf(",\"text\":");
        json_print_string(f->text);
        printf(",\"fix\":");
        json_print_string(f->fix);
        putchar('}');
    }
    printf("],\"senders\":[");
    for (s = 0; s < rp_sender_count(); s++) {
        const rp_sender *sd = rp_sender_at(s);

        printf("%s{\"id\":\"%s\",\"name\":", s ? "," : "", sd->id);
        json_print_string(sd->name);
        printf(",\"versions\":");
        json_print_string(sd->versions);
        printf(",\"dane_capable\":%s,\"evidence\":", sd->dane_capable ? "true" : "false");
        json_print_string(sd->evidence);
        printf(",\"authenticates\":%s}", rp_sender_authenticates(r, s) ? "true" : "false");
    }
    printf("],\"probed\":%s,\"probes\":[", r->probed ? "true" : "false");
    for (k = 0; k < r->nprobes; k++) {
        const probe_result *p = &r->probes[k].res;

        printf("%s{\"host\":", k ? "," : "");
        json_print_string(p->host);
        printf(",\"address\":");
        json_print_string(p->address);
        printf(",\"ok\":%s,\"tls\":%s,\"protocol\":", p->required_ok ? "true" : "false",
               p->tls ? "true" : "false");
        json_print_string(p->tls ? p->protocol : NULL);
        printf(",\"cipher\":");
        json_print_string(p->tls ? p->cipher : NULL);
        printf(",\"authenticated\":%s,\"match\":", p->authenticated ? "true" : "false");
        json_print_string(p->match[0] ? p->match : NULL);
        printf(",\"error\":");
        json_print_string(p->error[0] ? p->error : NULL);
        printf(",\"mx_names\":%s}", p->names);
    }
    printf("],\"hosts\":[");
    for (i = 0; i < r->nhosts; i++) {
        const rp_host *h = &r->hosts[i];

        printf("%s{\"name\":", i ? "," : "");
        json_print_string(h->name);
        printf(",\"preference\":%u,\"action\":\"%s\",\"reason\":", danehop_host_preference(h->h),
               danehop_action_name(danehop_host_action(h->h)));
        json_print_string(danehop_host_reason(h->h));
        printf(",\"base_domain\":");
        json_print_string(danehop_host_base_domain(h->h));
        printf(",\"sni\":");
        json_print_string(danehop_host_sni(h->h));
        printf(",\"address_secure\":%s,\"address_ttl\":%u,\"addresses\":[", h->addr_secure ? "true" : "false",
               h->addr_ttl);
        for (k = 0; k < danehop_host_address_count(h->h); k++) {
            printf("%s", k ? "," : "");
            json_print_string(danehop_host_address(h->h, k));
        }
        printf("],\"target\":");
        json_print_string(h->target);
        printf(",\"chain\":[");
        for (k = 0; k < danehop_host_hop_count(h->h); k++)
            if (danehop_host_hop(h->h, k, &name, &cname, &hs) == 0) {
                printf("%s{\"name\":", k ? "," : "");
                json_print_string(name);
                printf(",\"cname\":");
                json_print_string(cname);
                printf(",\"secure\":%s}", hs == 1 ? "true" : hs == 0 ? "false" : "null");
            }
        printf("],\"tlsa\":[");
        json_tlsa(r, &h->at_host, "mx-name");
        if (h->at_target.state != RP_TLSA_NOT_ASKED) {
            putchar(',');
            json_tlsa(r, &h->at_target, "cname-target");
        }
        printf("],\"senders\":{");
        for (s = 0; s < rp_sender_count(); s++) {
            printf("%s\"%s\":{\"outcome\":\"%s\",\"why\":", s ? "," : "", rp_sender_at(s)->id,
                   rp_outcome_name(r->rows[s][i].outcome));
            json_print_string(r->rows[s][i].why);
            putchar('}');
        }
        printf("}}");
    }
    printf("]}\n");
}
