/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * report.h - "danehop report": the facts about one mail domain, what each
 * sender will do with them, and what to fix
 *
 * SYNOPSIS
 *   #include "report.h"
 *
 *   rp_report *r = calloc(1, sizeof(*r));
 *   r->d = decision;  r->dm = mandatory_decision;
 *   rp_gather(ctx, r);                  (report_dns.c: TLSA at every candidate, TTLs)
 *   rp_predict(r);                      (report_senders.c: one row per sender and host)
 *   rp_find(r);                         (report_findings.c: findings, by impact)
 *
 * DESCRIPTION
 *   The decision engine answers for one policy (RFC 7672, as Postfix does
 *   it). Other senders read the same DNS differently: Exim looks for TLSA
 *   only at the CNAME target and only when the whole address answer is
 *   signed, Sendmail only at the MX name. To say what each will do, the
 *   report looks at every candidate base domain itself (report_dns.c), not
 *   only at the one the engine chose. Everything is bounded: at most
 *   DH_MAX_HOSTS hosts, RP_MAX_RECS records per RRset, fixed-size texts.
 */
#ifndef DANEHOP_CLI_REPORT_H
#define DANEHOP_CLI_REPORT_H

#include <stddef.h>

#include "danehop.h"
#include "probe_addr.h"

#define RP_MAX_HOSTS    16
#define RP_MAX_RECS     16
#define RP_REC_TEXT     168 /* "U S M" and a SHA-512 digest; longer data is cut with "..." */
#define RP_NAME_MAX     256
#define RP_MAX_FINDINGS 64
#define RP_TEXT_MAX     512
/* below this many seconds a TTL cannot ride out a short resolver outage */
#define RP_SHORT_TTL 300

typedef enum {
    RP_TLSA_NOT_ASKED = 0, /* not a candidate, or no lookup made */
    RP_TLSA_NONE,          /* NODATA or NXDOMAIN */
    RP_TLSA_INSECURE,      /* records, but not DNSSEC-signed: ignored by every sender */
    RP_TLSA_USABLE,        /* signed, at least one usable record */
    RP_TLSA_UNUSABLE,      /* signed, no usable record */
    RP_TLSA_ERROR          /* bogus, SERVFAIL, timeout */
} rp_tlsa_state;

typedef struct rp_tlsa_at {
    char owner[RP_NAME_MAX]; /* the candidate base domain (not the _25._tcp. name) */
    rp_tlsa_state state;
    int secure;
    unsigned ttl;
    size_t nrecs, nusable;
    size_t nta, nee; /* usable DANE-TA(2) and DANE-EE(3) records */
    int agility;     /* a usable record was dropped by digest agility */
    char rec[RP_MAX_RECS][RP_REC_TEXT];
    const char *why[RP_MAX_RECS]; /* NULL: usable */
    char error[128];
} rp_tlsa_at;

typedef enum { RP_DANE = 0, RP_TLS, RP_MAY, RP_DEFER, RP_BOUNCE, RP_UNKNOWN } rp_outcome;

typedef struct rp_row {
    rp_outcome outcome;
    char why[RP_TEXT_MAX];
} rp_row;

typedef struct rp_host {
    const danehop_host *h;  /* the opportunistic decision (Postfix dane, danehop) */
    const danehop_host *hm; /* the mandatory one (Postfix dane-only), or NULL */
    const char *name;       /* H, the MX name */
    const char *target;     /* F, the end of H's CNAME chain, or NULL (no alias) */
    int alias_secure;       /* the first CNAME (at H) is signed */
    int addr_secure;        /* the whole A/AAAA answer is signed (Exim's "DNSSEC host") */
    unsigned addr_ttl;
    rp_tlsa_at at_host;   /* _port._tcp.H */
    rp_tlsa_at at_target; /* _port._tcp.F, when H is an alias */
} rp_host;

#define RP_MAX_SENDERS 8

typedef struct rp_finding {
    int impact; /* 1 high, 2 medium, 3 low */
    const char *id;
    char host[RP_NAME_MAX];
    char text[RP_TEXT_MAX];
    char fix[RP_TEXT_MAX];
} rp_finding;

#define RP_MAX_PROBES 32

typedef struct rp_probe {
    size_t host; /* index into hosts */
    probe_result res;
} rp_probe;

typedef struct rp_report {
    const danehop_decision *d;  /* opportunistic */
    const danehop_decision *dm; /* mandatory; NULL when it failed */
    unsigned port;
    int via_mx;    /* the hosts came from an MX RRset (not an implicit MX, not --host alone) */
    int mx_secure; /* that MX RRset, and any CNAME leading to it, is signed */
    unsigned mx_ttl;
    size_t nhosts;
    rp_host hosts[RP_MAX_HOSTS];
    rp_row rows[RP_MAX_SENDERS][RP_MAX_HOSTS];
    size_t nfindings;
    rp_finding findings[RP_MAX_FINDINGS];
    int probed; /* --probe: the live checks below were made */
    size_t nprobes;
    rp_probe probes[RP_MAX_PROBES];
} rp_report;

/* ---- report_dns.c ---- */
/*
 * rp_gather - fill r->hosts from r->d, and look up TLSA at every candidate
 * base domain, the MX and address TTLs. DNS failures become RP_TLSA_ERROR;
 * returns -1 only when the resolver cannot be set up.
 */
int rp_gather(danehop_ctx *ctx, rp_report *r);
const char *rp_tlsa_state_name(rp_tlsa_state s);

/* ---- report_senders.c ---- */
typedef struct rp_sender {
    const char *id;   /* "postfix-dane": the JSON key */
    const char *name; /* "Postfix, smtp_tls_security_level = dane" */
    const char *short_name;
    const char *versions; /* the versions the row holds for */
    int dane_capable;     /* 0: listed for information, never counted in the exit status */
    const char *evidence; /* what the claim rests on */
    int run_in_tests;     /* tests/lab/report.test runs this sender and compares */
    void (*predict)(const rp_report *r, const rp_host *h, rp_row *row);
} rp_sender;

size_t rp_sender_count(void);
const rp_sender *rp_sender_at(size_t i);
/* rp_predict - fill r->rows */
void rp_predict(rp_report *r);
/* "dane", "tls", "may", "defer", "bounce", "unknown" */
const char *rp_outcome_name(rp_outcome o);
/* a phrase for the readable report */
const char *rp_outcome_text(rp_outcome o);
/* rp_sender_authenticates - every host DANE-authenticated by sender i */
int rp_sender_authenticates(const rp_report *r, size_t i);

/* ---- report_probe.c ---- */
/* rp_probe_all - STARTTLS to every address of every host that is not deferred */
void rp_probe_all(rp_report *r, unsigned port, int timeout_s);
/* rp_probe_failed - some probed address did not do what its decision requires */
int rp_probe_failed(const rp_report *r);

/* ---- report_findings.c ---- */
/* rp_find - fill r->findings, most important first */
void rp_find(rp_report *r);
const char *rp_impact_name(int impact);

#endif
