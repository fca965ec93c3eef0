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
struct cli_parser;

/*
 * cli_resolver_option - apply one resolver option (OPT_UBCONF ...
 * OPT_TIMEOUT, options.h) to p's context. Returns 0, or -1 after printing
 * an error prefixed with the command's name.
 */
int cli_resolver_option(const struct cli_parser *p, int opt, const char *arg);
/* cli_parse_uint - a decimal number in 0..max */
int cli_parse_uint(const char *s, unsigned long max, unsigned long *out);
/* cli_parse_port - --port ARG: 1..65535, or -1 after saying why */
int cli_parse_port(const struct cli_parser *p, const char *arg, unsigned long *port);

int cmd_resolve(int argc, char **argv);
int cmd_check_config(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_probe(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_report(int argc, char **argv);
/*
 * cli_load_config - load path (from --config), else /etc/danehop.conf when
 * it exists. Returns -1 with the context's error set.
 */
int cli_load_config(struct danehop_ctx *ctx, const char *path);

#endif
