/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * report_probe.c - "report --probe": the live STARTTLS check of every
 * address, as "probe" makes it (probe_addr.c)
 *
 * SYNOPSIS
 *   #include "report.h"
 *
 *   void rp_probe_all(rp_report *r, unsigned port, int timeout_s);
 *
 * DESCRIPTION
 *   Only the network can tell whether a DANE-TA certificate names every
 *   MX host that routes to it, or whether the server's key matches the
 *   records at all; the findings (report_findings.c) read the results.
 *   At most MAX_ADDRS addresses per host and RP_MAX_PROBES in all.
 */
#include "report.h"

void rp_probe_all(rp_report *r, unsigned port, int timeout_s)
{
    size_t i, k;

    r->probed = 1;
    for (i = 0; i < r->nhosts; i++) {
        const danehop_host *h = r->hosts[i].h;
        danehop_action a = danehop_host_action(h);

        if (a == DANEHOP_ACTION_DEFER || a == DANEHOP_ACTION_NOADDRESS)
            continue;
        for (k = 0; k < danehop_host_address_count(h) && k < MAX_ADDRS && r->nprobes < RP_MAX_PROBES; k++) {
            rp_probe *p = &r->probes[r->nprobes++];

            p->host = i;
            probe_address(&p->res, r->d, h, danehop_host_address(h, k), port, timeout_s);
        }
    }
}

int rp_probe_failed(const rp_report *r)
{
    size_t i;

    for (i = 0; i < r->nprobes; i++)
        if (!r->probes[i].res.required_ok)
            return 1;
    return 0;
}
