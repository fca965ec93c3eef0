/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * resolver_opts.c - the resolver options every resolving command accepts
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "danehop.h"

int cli_parse_uint(const char *s, unsigned long max, unsigned long *out)
{
    char *end;
    unsigned long v;

    if (*s < '0' || *s > '9')
        return -1;
    v = strtoul(s, &end, 10);
    if (*end != '\0' || v > max)
        return -1;
    *out = v;
    return 0;
}

int cli_parse_port(const char *cmd, const char *arg, unsigned long *port)
{
    if (cli_parse_uint(arg, 65535, port) != 0 || *port == 0) {
        fprintf(stderr, "danehop %s: --port %s: must be 1 to 65535\n", cmd, arg);
        return -1;
    }
    return 0;
}

int cli_resolver_option(danehop_ctx *ctx, const char *cmd, int opt, const char *arg)
{
    const char *flag;
    unsigned long secs;
    int rc;

    switch (opt) {
    case OPT_UBCONF:
        flag = "--unbound-conf";
        rc = danehop_ctx_set_unbound_conf(ctx, arg);
        break;
    case OPT_TA:
        flag = "--trust-anchor";
        rc = danehop_ctx_set_trust_anchor(ctx, arg);
        break;
    case OPT_FWD:
        flag = "--forwarder";
        rc = danehop_ctx_add_forwarder(ctx, arg);
        break;
    case OPT_RESOLV:
        flag = "--resolv-conf";
        rc = danehop_ctx_set_resolv_conf(ctx, arg);
        break;
    case OPT_RECURSION:
        flag = "--recursion";
        rc = danehop_ctx_set_recursion(ctx, 1);
        break;
    case OPT_CONFIG: return 1; /* loaded before the other options, by cli_load_config */
    case OPT_TIMEOUT:
        flag = "--timeout";
        if (cli_parse_uint(arg, 600, &secs) != 0 || secs == 0) {
            fprintf(stderr, "danehop %s: --timeout %s: seconds, 1 to 600\n", cmd, arg);
            return -1;
        }
        /* a round may take all of it: the total bounds the whole decision */
        rc = danehop_ctx_set_timeouts(ctx, (unsigned) secs * 1000, (unsigned) secs * 1000);
        break;
    default: return 0;
    }
    if (rc != 0) {
        fprintf(stderr, "danehop %s: %s: %s\n", cmd, flag, danehop_ctx_error(ctx));
        return -1;
    }
    return 1;
}
