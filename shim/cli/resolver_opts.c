/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * resolver_opts.c - the resolver options every resolving command accepts
 *
 * DESCRIPTION
 *   --unbound-conf, --trust-anchor, --forwarder and --resolv-conf each hand
 *   their argument to one context setter: a row of the table below.
 *   --recursion and --timeout take no file name and are applied apart.
 *   Numbers on the command line are decimal and bounded (cli_parse_uint).
 */
#include <stdlib.h>

#include "cli.h"
#include "danehop.h"
#include "options.h"

static const struct {
    int opt;
    int (*set)(danehop_ctx *ctx, const char *arg);
} setters[] = {
    {OPT_UBCONF, danehop_ctx_set_unbound_conf},
    {OPT_TA, danehop_ctx_set_trust_anchor},
    {OPT_FWD, danehop_ctx_add_forwarder},
    {OPT_RESOLV, danehop_ctx_set_resolv_conf},
};

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

int cli_parse_port(const cli_parser *p, const char *arg, unsigned long *port)
{
    if (cli_parse_uint(arg, 65535, port) != 0 || *port == 0) {
        cli_error(p, "--port %s: must be 1 to 65535", arg);
        return -1;
    }
    return 0;
}

int cli_resolver_option(const cli_parser *p, int opt, const char *arg)
{
    unsigned long secs;
    size_t i;
    int rc = -1;

    for (i = 0; i < sizeof(setters) / sizeof(setters[0]); i++)
        if (setters[i].opt == opt)
            rc = setters[i].set(p->ctx, arg);
    if (opt == OPT_RECURSION)
        rc = danehop_ctx_set_recursion(p->ctx, 1);
    if (opt == OPT_TIMEOUT) {
        if (cli_parse_uint(arg, 600, &secs) != 0 || secs == 0) {
            cli_error(p, "--timeout %s: seconds, 1 to 600", arg);
            return -1;
        }
        /* a round may take all of it: the total bounds the whole decision */
        rc = danehop_ctx_set_timeouts(p->ctx, (unsigned) secs * 1000, (unsigned) secs * 1000);
    }
    if (rc != 0) {
        cli_error(p, "%s: %s", cli_option_name(opt), danehop_ctx_error(p->ctx));
        return -1;
    }
    return 0;
}
