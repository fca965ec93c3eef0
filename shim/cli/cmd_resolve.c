/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cmd_resolve.c - "danehop resolve": the DANE decision for a domain or host
 *
 * Prints the decision as a readable report, or as one JSON object with
 * --json. Exit status: 0 decided, 1 usage or set-up error (nothing looked
 * up), 75 when the domain's decision is "defer".
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "danehop.h"
#include "options.h"

int cmd_resolve(int argc, char **argv)
{
    danehop_ctx *ctx;
    danehop_policy policy = DANEHOP_POLICY_OPPORTUNISTIC;
    unsigned flags = 0;
    unsigned long port = 25;
    const char *host = NULL, *domain = NULL;
    int json = 0, c, rc = CLI_EXIT_USAGE;
    danehop_decision *d = NULL;
    cli_parser p;
    char *out;

    if ((rc = cli_begin(&p, "resolve", 1, argc, argv)) != CLI_GO_ON)
        return rc;
    ctx = p.ctx;
    rc = CLI_EXIT_USAGE;
    while ((c = cli_next(&p)) > 0) {
        switch (c) {
        case OPT_PORT:
            if (cli_parse_port(&p, optarg, &port) != 0)
                goto out;
            break;
        case OPT_MANDATORY: policy = DANEHOP_POLICY_MANDATORY; break;
        case OPT_HALF: flags |= DANEHOP_F_HALF_DANE; break;
        case OPT_JSON: json = 1; break;
        case OPT_HOST: host = optarg; break;
        default: break;
        }
    }
    if (c < 0 || cli_domain_operand(&p, host, &domain) != 0)
        goto out;
    if (danehop_resolve(ctx, domain, host, (unsigned) port, policy, flags, &d) != 0) {
        cli_error(&p, "cannot decide: %s", danehop_ctx_error(ctx));
        goto out;
    }
    if ((out = json ? danehop_decision_json(d) : danehop_decision_text(d)) == NULL) {
        cli_error(&p, "out of memory while rendering");
        goto out;
    }
    fputs(out, stdout);
    danehop_string_free(out);
    danehop_log_decision(ctx, d, DANEHOP_LOG_NONE);
    rc = danehop_decision_status(d) == DANEHOP_STATUS_DEFER ? CLI_EXIT_TEMPFAIL : CLI_EXIT_OK;
    if (fflush(stdout) != 0) {
        perror("danehop resolve: stdout");
        rc = CLI_EXIT_USAGE;
    }
out:
    danehop_decision_free(d);
    danehop_ctx_free(ctx);
    return rc;
}
