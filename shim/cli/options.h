/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * options.h - the danehop command's options: one table for every subcommand
 *
 * SYNOPSIS
 *   #include "options.h"
 *
 *   cli_parser p;
 *   int c, rc;
 *
 *   if ((rc = cli_begin(&p, "resolve", 1, argc, argv)) != CLI_GO_ON)
 *       return rc;                        (--help, --version, or an error said)
 *   ... p.ctx is the context, options and configuration file applied ...
 *   while ((c = cli_next(&p)) > 0)
 *       switch (c) { case OPT_PORT: ... optarg ... }
 *   if (c < 0)
 *       return CLI_EXIT_USAGE;            (the error is said)
 *   operands: argv[optind] ... argv[argc - 1]
 *
 * DESCRIPTION
 *   Every option of every subcommand is one row of the table in options.c:
 *   its name, its argument, the subcommands that take it and a one-line
 *   summary. getopt_long's table, the usage line, the --help summary and
 *   the check of the command line all come from that row, so a usage line
 *   cannot leave out an option that its command takes.
 *
 *   cli_begin() reads the whole command line once before anything is done:
 *   it answers --help and --version, refuses an unknown option or a missing
 *   argument, creates the context and loads the configuration file
 *   (--config, else /etc/danehop.conf) into it, so that options given
 *   afterwards override the file. cli_next() then hands out the subcommand's own
 *   options; the resolver options (--unbound-conf ... --timeout) it applies
 *   to the context itself (resolver_opts.c).
 *
 *   Every message starts with the full command name: "danehop verify: ...".
 */
#ifndef DANEHOP_CLI_OPTIONS_H
#define DANEHOP_CLI_OPTIONS_H

#include <getopt.h>
#include <stdio.h>

struct danehop_ctx;

/* the subcommands, as bits of an option's "taken by" set */
#define CLI_RESOLVE      0x1u
#define CLI_VERIFY       0x2u
#define CLI_PROBE        0x4u
#define CLI_CHECK_CONFIG 0x8u
#define CLI_STATS        0x10u
#define CLI_REPORT       0x20u

/* option ids; those from OPT_CONFIG on are resolver options */
enum {
    OPT_HELP = 256,
    OPT_VERSION,
    OPT_PORT,
    OPT_MANDATORY,
    OPT_HALF,
    OPT_JSON,
    OPT_HOST,
    OPT_TLSA,
    OPT_NAME,
    OPT_IO_TIMEOUT,
    OPT_SOCKET,
    OPT_PROBE,
    OPT_CONFIG,
    OPT_UBCONF,
    OPT_TA,
    OPT_FWD,
    OPT_RESOLV,
    OPT_RECURSION,
    OPT_TIMEOUT
};

typedef struct cli_command {
    const char *name;     /* "resolve" */
    unsigned bit;         /* CLI_RESOLVE, ... */
    const char *operands; /* what follows the options in the usage line */
    const char *summary;  /* one line: what the subcommand does */
} cli_command;

/* more than the table has rows (a static check in options.c) */
#define CLI_MAX_OPTIONS 24

typedef struct cli_parser {
    const cli_command *cmd;
    struct danehop_ctx *ctx; /* resolver options go here; NULL: none taken */
    int argc;
    char **argv;
    struct option longopts[CLI_MAX_OPTIONS + 1];
} cli_parser;

#define CLI_GO_ON (-1)

/*
 * cli_begin - check argv (argv[0] is the subcommand's name) against the
 * options of subcommand name and answer --help/--version; with resolving
 * set, create p->ctx (the caller frees it) and load the configuration file
 * into it. Returns CLI_GO_ON, or the exit status to end with (0 after
 * --help/--version, CLI_EXIT_USAGE after an error it printed), with no
 * context left.
 */
int cli_begin(cli_parser *p, const char *name, int resolving, int argc, char **argv);
/*
 * cli_next - the next option of the subcommand's own, with optarg; 0 at the
 * operands (argv[optind] on); -1 after printing why a resolver option could
 * not be applied.
 */
int cli_next(cli_parser *p);
/*
 * cli_domain_operand - the operands "DOMAIN | --host HOST [DOMAIN]" after
 * cli_next() returned 0: *domain is DOMAIN or NULL. Returns -1 after saying
 * what is wrong.
 */
int cli_domain_operand(const cli_parser *p, const char *host, const char **domain);
/* cli_error - "danehop NAME: " and the message, on stderr */
void cli_error(const cli_parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* cli_option_name - "--port" for OPT_PORT */
const char *cli_option_name(int id);

/* cli_usage - the usage lines of one subcommand, or of all (cmd NULL) */
void cli_usage(FILE *f, const cli_command *cmd);
/* cli_help - usage, then a line per option: the answer to --help */
void cli_help(FILE *f, const cli_command *cmd);
/* cli_command_named - the subcommand called name, or NULL */
const cli_command *cli_command_named(const char *name);

#endif
