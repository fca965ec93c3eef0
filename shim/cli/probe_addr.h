/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * probe_addr.h - one live STARTTLS probe of one address of a decided host
 *
 * SYNOPSIS
 *   #include "probe_addr.h"
 *
 *   probe_result r;
 *   probe_address(&r, decision, host, address, port, timeout_s);
 *
 * DESCRIPTION
 *   EHLO, STARTTLS and a TLS handshake set up exactly as an MTA should
 *   (danehop_ssl_apply: SNI = base domain, the TLSA records, reference
 *   names); then what was negotiated, what matched, and whether the
 *   certificate names every MX name that routes to this address (DANE-TA
 *   needs that). Used by "probe" and "report --probe".
 */
#ifndef DANEHOP_CLI_PROBE_ADDR_H
#define DANEHOP_CLI_PROBE_ADDR_H

#include "danehop.h"

/* the most addresses probed per host */
#define MAX_ADDRS 8

typedef struct probe_result {
    const char *host, *address, *action;
    int tls, authenticated, required_ok;
    char protocol[32], cipher[96], error[300], match[128];
    char names[1024]; /* JSON array of {"name","in_certificate"} */
    char names_text[512];
    char missing[512]; /* the MX names routing here that the certificate lacks, ", "-separated */
} probe_result;

/* probe_address - probe addr of host h (decided in d); never fails, r says what happened */
void probe_address(probe_result *r, const danehop_decision *d, const danehop_host *h, const char *addr,
                   unsigned port, int timeout_s);

#endif
