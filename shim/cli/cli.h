/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cli.h - the danehop command: subcommands and their shared exit codes
 */
#ifndef DANEHOP_CLI_H
#define DANEHOP_CLI_H

#define CLI_EXIT_OK       0
#define CLI_EXIT_USAGE    1
#define CLI_EXIT_NOTAUTH  2
#define CLI_EXIT_TEMPFAIL 75 /* EX_TEMPFAIL: the decision is "defer" */

struct danehop_ctx;
struct option;

/* options every command that resolves accepts (see resolver_opts.c) */
enum { OPT_UBCONF = 300, OPT_TA, OPT_FWD, OPT_RESOLV, OPT_RECURSION, OPT_TIMEOUT, OPT_CONFIG };
#define CLI_RESOLVER_OPTIONS                                                                                 \
    {"unbound-conf", required_argument, NULL, OPT_UBCONF},                                                   \
        {"trust-anchor", required_argument, NULL, OPT_TA}, {"forwarder", required_argument, NULL, OPT_FWD},  \
        {"resolv-conf", required_argument, NULL, OPT_RESOLV},                                                \
        {"recursion", no_argument, NULL, OPT_RECURSION}, {"timeout", required_argument, NULL, OPT_TIMEOUT},  \
    {                                                                                                        \
        "config", required_argument, NULL, OPT_CONFIG                                                        \
    }

/*
 * cli_resolver_option - apply one of CLI_RESOLVER_OPTIONS to ctx. Returns 1
 * when applied, 0 when opt is not one of them, -1 after printing an error
 * prefixed with cmd.
 */
int cli_resolver_option(struct danehop_ctx *ctx, const char *cmd, int opt, const char *arg);
/* cli_parse_uint - a decimal number in 0..max */
int cli_parse_uint(const char *s, unsigned long max, unsigned long *out);
/* cli_parse_port - --port ARG for cmd: 1..65535, or -1 after saying why */
int cli_parse_port(const char *cmd, const char *arg, unsigned long *port);

int cmd_resolve(int argc, char **argv);
int cmd_check_config(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_probe(int argc, char **argv);
int cmd_stats(int argc, char **argv);
/*
 * cli_load_config - load the file named by --config in argv, else
 * /etc/danehop.conf when it exists. Returns -1 with the context's error set.
 */
int cli_load_config(struct danehop_ctx *ctx, int argc, char **argv);

#endif
