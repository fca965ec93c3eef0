/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * report_senders.c - what each sending MTA will do with a domain's DNS
 *
 * SYNOPSIS
 *   #include "report.h"
 *
 *   void rp_predict(rp_report *r);
 *
 * DESCRIPTION
 *   One row of the table below per sender and set-up: the versions it holds
 *   for, and the evidence it rests on. Postfix and Exim rows are checked
 *   against the real MTAs on the lab's domains (tests/lab/report.test);
 *   the Sendmail and OpenSMTPD rows were read from their sources and never
 *   run (danehop(1), "report", lists file and version). A case the source
 *   reading did not settle is "unknown", never a guess.
 *
 *   Postfix 2.11 and later implements RFC 7672 the way danehop's engine does
 *   (rfc7672-decisions.md 2.5): its row is the engine's decision, and
 *   "dane-only" is the engine's mandatory decision. Exim with the danehop
 *   transport enforces the engine's decision (danehop-exim(8)).
 *
 *   Exim 4.91 to 4.98 on its own: a host is "DNSSEC" only when the MX
 *   answer and the whole A/AAAA answer, CNAMEs included, carry the AD bit;
 *   it asks for TLSA only at the CNAME target, never at the MX name.
 *   hosts_require_dane turns "not DNSSEC" and "no TLSA" into a permanent
 *   failure (smtp transport: "DANE error: ... lookup not DNSSEC").
 *
 *   Sendmail 8.17.1.9 built with DANE (sendmail/domain.c, getmxrr() and
 *   gettlsa()): TLSA is looked up at _25._tcp.<MX name> only when the MX
 *   answer had the AD bit; the MX name's own address records and CNAMEs
 *   are not consulted, and a CNAME target is never a base domain.
 */
#include <stdio.h>
#include <string.h>

#include "report.h"

#define SAY(row, ...) snprintf((row)->why, sizeof((row)->why), __VA_ARGS__)

const char *rp_outcome_name(rp_outcome o)
{
    static const char *const names[] = {"dane", "tls", "may", "defer", "bounce", "unknown"};

    return (unsigned) o < sizeof(names) / sizeof(names[0]) ? names[o] : "?";
}

const char *rp_outcome_text(rp_outcome o)
{
    switch (o) {
    case RP_DANE: return "DANE-authenticated";
    case RP_TLS: return "TLS required, not authenticated";
    case RP_MAY: return "no DANE: opportunistic TLS, cleartext allowed";
    case RP_DEFER: return "deferred";
    case RP_BOUNCE: return "bounced";
    case RP_UNKNOWN: return "unknown";
    }
    return "?";
}

/* the engine's decision as an outcome (Postfix dane, dane-only, Exim with danehop) */
static void from_decision(const rp_report *r, const danehop_host *h, const char *who, rp_row *row)
{
    const char *base = danehop_host_base_domain(h);

    switch (danehop_host_action(h)) {
    case DANEHOP_ACTION_DANE:
        row->outcome = RP_DANE;
        SAY(row, "%s: TLSA at _%u._tcp.%s (base domain and SNI)", who, r->port, base ? base : "?");
        return;
    case DANEHOP_ACTION_ENCRYPT: row->outcome = RP_TLS; break;
    case DANEHOP_ACTION_MAY: row->outcome = RP_MAY; break;
    case DANEHOP_ACTION_DEFER:
    case DANEHOP_ACTION_NOADDRESS: row->outcome = RP_DEFER; break;
    }
    SAY(row, "%s: %s", who, danehop_host_reason(h));
}

static void postfix_dane(const rp_report *r, const rp_host *h, rp_row *row)
{
    from_decision(r, h->h, "RFC 7672 as implemented", row);
}

static void postfix_dane_only(const rp_report *r, const rp_host *h, rp_row *row)
{
    if (h->hm == NULL) {
        row->outcome = RP_DEFER;
        SAY(row, "no mandatory decision could be made: deferred (4.7.5)");
        return;
    }
    from_decision(r, h->hm, "dane-only", row);
    if (row->outcome != RP_DANE && row->outcome != RP_DEFER) {
        row->outcome = RP_DEFER;
        SAY(row, "dane-only: no usable TLSA: deferred (4.7.5)");
    }
}

static void exim_danehop(const rp_report *r, const rp_host *h, rp_row *row)
{
    from_decision(r, h->h, "danehop transport", row);
}

/* shared by the Sendmail and OpenSMTPD rows: what a sender without DANE does */
static int dns_failed(const rp_report *r, const rp_host *h, rp_row *row)
{
    if (danehop_decision_status(r->d) == DANEHOP_STATUS_DEFER) {
        row->outcome = RP_DEFER;
        SAY(row, "the MX lookup failed: %s", danehop_decision_reason(r->d));
        return 1;
    }
    /* a host the engine did not need to resolve (insecure MX: "may") is not a failure */
    if (danehop_host_action(h->h) == DANEHOP_ACTION_NOADDRESS ||
        (danehop_host_action(h->h) == DANEHOP_ACTION_DEFER && danehop_host_address_count(h->h) == 0)) {
        row->outcome = RP_DEFER;
        SAY(row, "no usable address for %s", h->name);
        return 1;
    }
    return 0;
}

static void exim_native(const rp_report *r, const rp_host *h, rp_row *row, int require)
{
    const rp_tlsa_at *t = h->target != NULL ? &h->at_target : &h->at_host;
    const char *base = h->target != NULL ? h->target : h->name;

    if (dns_failed(r, h, row))
        return;
    if (!r->mx_secure && r->via_mx) {
        row->outcome = require ? RP_BOUNCE : RP_MAY;
        SAY(row, "the MX RRset is not DNSSEC-signed: %s",
            require ? "\"DANE error: lookup not DNSSEC\"" : "no TLSA lookup");
        return;
    }
    if (!h->addr_secure) {
        row->outcome = require ? RP_BOUNCE : RP_MAY;
        if (h->target != NULL)
            SAY(row,
                "%s is an alias of %s, whose address records are not signed: the A/AAAA answer has no AD "
                "bit, "
                "so Exim treats the host as not DNSSEC and %s",
                h->name, h->target,
                require ? "bounces: \"DANE error: lookup not DNSSEC\"" : "skips DANE (CV=no)");
        else
            SAY(row, "the address records of %s are not signed: %s", h->name,
                require ? "bounced: \"DANE error: lookup not DNSSEC\"" : "no TLSA lookup (CV=no)");
        return;
    }
    switch (t->state) {
    case RP_TLSA_USABLE:
        row->outcome = RP_DANE;
        SAY(row, "TLSA at _%u._tcp.%s (CV=dane)", r->port, base);
        return;
    case RP_TLSA_ERROR:
        row->outcome = RP_DEFER;
        SAY(row, "the TLSA lookup at %s failed (%s): deferred", base, t->error);
        return;
    case RP_TLSA_UNUSABLE:
        row->outcome = RP_UNKNOWN;
        SAY(row,
            "only unusable TLSA records at %s: depends on the build (seen: GnuTLS builds 4.96 and 4.98 "
            "deliver "
            "without DANE, even with hosts_require_dane; OpenSSL builds 4.96 and 4.98 defer)",
            base);
        return;
    default:
        row->outcome = require ? RP_BOUNCE : RP_MAY;
        SAY(row, "no signed TLSA at %s%s: %s", base,
            h->target != NULL && h->at_host.state == RP_TLSA_USABLE
                ? " (Exim never looks at the MX name, where TLSA is)"
                : "",
            require ? "bounced: \"DANE error: tlsa lookup FAIL\"" : "no DANE (CV=no)");
        return;
    }
}

static void exim_try(const rp_report *r, const rp_host *h, rp_row *row) { exim_native(r, h, row, 0); }

static void exim_require(const rp_report *r, const rp_host *h, rp_row *row) { exim_native(r, h, row, 1); }

static void sendmail_dane(const rp_report *r, const rp_host *h, rp_row *row)
{
    const rp_tlsa_at *t = &h->at_host;

    if (dns_failed(r, h, row))
        return;
    if (!r->mx_secure && r->via_mx) {
        row->outcome = RP_MAY;
        SAY(row, "the MX answer has no AD bit: no TLSA lookup (TLSAFLNOADMX)");
        return;
    }
    if (!r->via_mx && !h->addr_secure) {
        /* without MX records getmxrr() asks for the host's own AD bit (HOST_SECURE) */
        row->outcome = RP_MAY;
        SAY(row, "no MX records and the address answer of %s has no AD bit: no TLSA lookup", h->name);
        return;
    }
    switch (t->state) {
    case RP_TLSA_USABLE:
        row->outcome = RP_DANE;
        SAY(row, "TLSA at _%u._tcp.%s, the MX name", r->port, h->name);
        return;
    case RP_TLSA_ERROR:
        row->outcome = RP_DEFER;
        SAY(row, "the TLSA lookup at %s failed: host skipped", h->name);
        return;
    case RP_TLSA_UNUSABLE:
        row->outcome = RP_UNKNOWN;
        SAY(row, "only unusable TLSA records at %s: not established from the source", h->name);
        return;
    default:
        row->outcome = RP_MAY;
        SAY(row, "no signed TLSA at the MX name %s%s", h->name,
            h->target != NULL && h->at_target.state == RP_TLSA_USABLE
                ? " (Sendmail does not look at the CNAME target, where TLSA is)"
                : "");
        return;
    }
}

static void no_dane(const rp_report *r, const rp_host *h, rp_row *row, const char *why)
{
    if (dns_failed(r, h, row))
        return;
    row->outcome = RP_MAY;
    SAY(row, "%s: opportunistic TLS without authentication", why);
}

static void sendmail_debian(const rp_report *r, const rp_host *h, rp_row *row)
{
    no_dane(r, h, row, "built without DANE");
}

static void opensmtpd(const rp_report *r, const rp_host *h, rp_row *row)
{
    no_dane(r, h, row, "no DANE support");
}

#define RUN_POSTFIX "run: tests/lab/report.test compares it with Debian's Postfix on the lab's domains"
#define RUN_EXIM                                                                                             \
    "run: tests/lab/report.test compares it with Debian's Exim 4.96 (GnuTLS) and builds of 4.96 (OpenSSL) "  \
    "and 4.98 (OpenSSL, GnuTLS) on the lab's domains; facts: Exim source 4.96 to 4.99 (smtp transport, "     \
    "dns.c)"

static const rp_sender senders[] = {
    {"postfix-dane", "Postfix, smtp_tls_security_level = dane", "Postfix", "2.11 and later", 1, RUN_POSTFIX,
     1, postfix_dane},
    {"postfix-dane-only", "Postfix, smtp_tls_security_level = dane-only", "Postfix dane-only",
     "2.11 and later", 1, RUN_POSTFIX, 1, postfix_dane_only},
    {"exim-try-dane", "Exim, hosts_try_dane (its own DANE)", "Exim", "4.91 to 4.98", 1, RUN_EXIM, 1,
     exim_try},
    {"exim-require-dane", "Exim, hosts_require_dane (its own DANE)", "Exim hosts_require_dane",
     "4.91 to 4.98", 1, RUN_EXIM, 1, exim_require},
    {"exim-danehop", "Exim with the danehop transport", "Exim with danehop", "4.96 and later (dlfunc)", 1,
     "run: tests/lab/exim.test (real Exim 4.96 with the danehop transport)", 0, exim_danehop},
    {"sendmail-dane", "Sendmail built with DANE (Options DANE=true)", "Sendmail with DANE",
     "8.16.1 to 8.17.1.9", 1,
     "source read, not run: sendmail 8.17.1.9 sendmail/domain.c getmxrr() and gettlsa(), sendmail/deliver.c",
     0, sendmail_dane},
    {"sendmail-debian", "Debian's Sendmail (sendmail-bin, built without DANE)", "Debian's Sendmail",
     "8.17.1.9-2+deb12u2 (Debian 12)", 0,
     "binary inspected, not run: its compile options list no DANE and it holds no DANE code", 0,
     sendmail_debian},
    {"opensmtpd", "OpenSMTPD", "OpenSMTPD", "7.8.0 and earlier", 0,
     "source read, not run: OpenSMTPD 7.8.0-portable usr.sbin/smtpd has no TLSA lookup; mta_session.c: "
     "opportunistic STARTTLS by default",
     0, opensmtpd},
};

#define NSENDERS (sizeof(senders) / sizeof(senders[0]))
_Static_assert(NSENDERS <= RP_MAX_SENDERS, "raise RP_MAX_SENDERS");

size_t rp_sender_count(void) { return NSENDERS; }

const rp_sender *rp_sender_at(size_t i) { return i < NSENDERS ? &senders[i] : NULL; }

void rp_predict(rp_report *r)
{
    size_t s, i;

    for (s = 0; s < NSENDERS; s++)
        for (i = 0; i < r->nhosts; i++)
            senders[s].predict(r, &r->hosts[i], &r->rows[s][i]);
}

int rp_sender_authenticates(const rp_report *r, size_t s)
{
    size_t i;

    if (r->nhosts == 0)
        return 0;
    for (i = 0; i < r->nhosts; i++)
        if (r->rows[s][i].outcome != RP_DANE)
            return 0;
    return 1;
}
