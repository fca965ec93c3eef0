/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cmd_resolve.c - "danehop resolve": the DANE decision for a domain or host
 *
 * Prints the decision as a readable report, or as one JSON object with
 * --json. Exit status: 0 decided, 1 usage or set-up error (nothing looked
 * up), 75 when the domain's decision is "defer".
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "danehop.h"

enum { OPT_PORT = 256, OPT_MANDATORY, OPT_HALF, OPT_JSON, OPT_HOST, OPT_HELP };

static const struct option options[] = {
    {"port", required_argument, NULL, OPT_PORT},
    {"mandatory", no_argument, NULL, OPT_MANDATORY},
    {"half-dane", no_argument, NULL, OPT_HALF},
    {"json", no_argument, NULL, OPT_JSON},
    {"host", required_argument, NULL, OPT_HOST},
    {"help", no_argument, NULL, OPT_HELP},
    CLI_RESOLVER_OPTIONS,
    {NULL, 0, NULL, 0},
};

static int fail(danehop_ctx *ctx, const char *what)
{
    fprintf(stderr, "danehop resolve: %s%s%s\n", what, ctx ? ": " : "", ctx ? danehop_ctx_error(ctx) : "");
    danehop_ctx_free(ctx);
    return CLI_EXIT_USAGE;
}

int cmd_resolve(int argc, char **argv)
{
    danehop_ctx *ctx = danehop_ctx_new();
    danehop_policy policy = DANEHOP_POLICY_OPPORTUNISTIC;
    unsigned flags = 0;
    unsigned long port = 25;
    const char *host = NULL, *domain = NULL;
    int json = 0, c, rc;
    danehop_decision *d = NULL;
    char *out;

    if (ctx == NULL)
        return fail(NULL, "out of memory");
    /* the configuration file first, so that flags override it */
    if (cli_load_config(ctx, argc, argv) != 0) {
        fprintf(stderr, "danehop resolve: %s\n", danehop_ctx_error(ctx));
        danehop_ctx_free(ctx);
        return CLI_EXIT_USAGE;
    }
    optind = 1;
    while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (c) {
        case OPT_PORT:
            if (cli_parse_port("resolve", optarg, &port) != 0) {
                danehop_ctx_free(ctx);
                return CLI_EXIT_USAGE;
            }
            break;
        case OPT_MANDATORY: policy = DANEHOP_POLICY_MANDATORY; break;
        case OPT_HALF: flags |= DANEHOP_F_HALF_DANE; break;
        case OPT_JSON: json = 1; break;
        case OPT_HOST: host = optarg; break;
        case OPT_HELP:
            printf("usage: danehop resolve [options] DOMAIN | --host HOST [DOMAIN]; see danehop(1)\n");
            danehop_ctx_free(ctx);
            return CLI_EXIT_OK;
        default:
            if (cli_resolver_option(ctx, "resolve", c, optarg) != 1) {
                danehop_ctx_free(ctx);
                return CLI_EXIT_USAGE;
            }
        }
    }
    if (optind < argc)
        domain = argv[optind++];
    if (optind < argc || (domain == NULL && host == NULL)) {
        fprintf(stderr, "danehop resolve: give one DOMAIN, or --host HOST [DOMAIN]\n");
        danehop_ctx_free(ctx);
        return CLI_EXIT_USAGE;
    }
    if (danehop_resolve(ctx, domain, host, (unsigned) port, policy, flags, &d) != 0)
        return fail(ctx, "cannot decide");
    out = json ? danehop_decision_json(d) : danehop_decision_text(d);
    if (out == NULL) {
        danehop_decision_free(d);
        return fail(NULL, "out of memory while rendering");
    }
    fputs(out, stdout);
    danehop_string_free(out);
    danehop_log_decision(ctx, d, DANEHOP_LOG_NONE);
    rc = danehop_decision_status(d) == DANEHOP_STATUS_DEFER ? CLI_EXIT_TEMPFAIL : CLI_EXIT_OK;
    danehop_decision_free(d);
    danehop_ctx_free(ctx);
    if (fflush(stdout) != 0) {
        perror("danehop resolve: stdout");
        return CLI_EXIT_USAGE;
    }
    return rc;
}
