/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cmd_report.c - "danehop report": will DANE work for a mail domain, and
 * with which senders?
 *
 * SYNOPSIS
 *   danehop report [options] DOMAIN | --host HOST [DOMAIN]
 *
 * DESCRIPTION
 *   Makes the decision twice (opportunistic and mandatory, with the same
 *   resolver options and configuration file as "resolve"), looks at every
 *   candidate base domain (report_dns.c), predicts each sender
 *   (report_senders.c), lists findings with fixes (report_findings.c) and
 *   prints them (report_render.c).
 *
 *   Exit status: 0 when every DANE-capable sender authenticates every
 *   host, 2 when some do not, 75 when the DNS could not be read (the
 *   domain defers), 1 on a usage or set-up error.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "danehop.h"
#include "options.h"
#include "report.h"
#include "report_render.h"

/* the exit status the report stands for */
static int status_of(const rp_report *r)
{
    size_t s;

    if (danehop_decision_status(r->d) == DANEHOP_STATUS_DEFER)
        return CLI_EXIT_TEMPFAIL;
    for (s = 0; s < rp_sender_count(); s++)
        if (rp_sender_at(s)->dane_capable && !rp_sender_authenticates(r, s))
            return CLI_EXIT_NOTAUTH;
    if (rp_probe_failed(r))
        return CLI_EXIT_NOTAUTH; /* the DNS is right, the server is not */
    return CLI_EXIT_OK;
}

int cmd_report(int argc, char **argv)
{
    danehop_decision *d = NULL, *dm = NULL;
    const char *host = NULL, *domain = NULL;
    unsigned long port = 25, io = 10;
    int json = 0, probe = 0, c, rc;
    rp_report *r = NULL;
    danehop_ctx *ctx;
    cli_parser p;

    if ((rc = cli_begin(&p, "report", 1, argc, argv)) != CLI_GO_ON)
        return rc;
    ctx = p.ctx;
    rc = CLI_EXIT_USAGE;
    while ((c = cli_next(&p)) > 0) {
        switch (c) {
        case OPT_PORT:
            if (cli_parse_port(&p, optarg, &port) != 0)
                goto out;
            break;
        case OPT_JSON: json = 1; break;
        case OPT_PROBE: probe = 1; break;
        case OPT_IO_TIMEOUT:
            if (cli_parse_uint(optarg, 300, &io) != 0 || io == 0) {
                cli_error(&p, "--io-timeout %s: seconds, 1 to 300", optarg);
                goto out;
            }
            break;
        case OPT_HOST: host = optarg; break;
        default: break;
        }
    }
    if (c < 0 || cli_domain_operand(&p, host, &domain) != 0)
        goto out;
    if (danehop_resolve(ctx, domain, host, (unsigned) port, DANEHOP_POLICY_OPPORTUNISTIC, 0, &d) != 0) {
        cli_error(&p, "cannot decide: %s", danehop_ctx_error(ctx));
        goto out;
    }
    /* the second decision only tells dane-only apart: its failure is the row's, not the report's */
    if (danehop_resolve(ctx, domain, host, (unsigned) port, DANEHOP_POLICY_MANDATORY, 0, &dm) != 0)
        dm = NULL;
    if ((r = calloc(1, sizeof(*r))) == NULL) {
        cli_error(&p, "out of memory");
        goto out;
    }
    r->d = d;
    r->dm = dm;
    if (rp_gather(ctx, r) != 0) {
        cli_error(&p, "cannot look up the TLSA candidates: %s", danehop_ctx_error(ctx));
        goto out;
    }
    rp_predict(r);
    if (probe)
        rp_probe_all(r, (unsigned) port, (int) io);
    rp_find(r);
    rc = status_of(r);
    if (json)
        rp_print_json(r, rc);
    else
        rp_print_text(r);
    if (fflush(stdout) != 0) {
        perror("danehop report: stdout");
        rc = CLI_EXIT_USAGE;
    }
out:
    free(r);
    danehop_decision_free(dm);
    danehop_decision_free(d);
    danehop_ctx_free(ctx);
    return rc;
}
