/*
 * cli.h - the danehop command: subcommands and their shared exit codes
 */
#ifndef DANEHOP_CLI_H
#define DANEHOP_CLI_H

#define CLI_EXIT_OK 0
#define CLI_EXIT_USAGE 1
#define CLI_EXIT_NOTAUTH 2
#define CLI_EXIT_TEMPFAIL 75 /* EX_TEMPFAIL: the decision is "defer" */

struct danehop_ctx;

int cmd_resolve(int argc, char **argv);
int cmd_check_config(int argc, char **argv);
/*
 * cli_load_config - load the file named by --config in argv, else
 * /etc/danehop.conf when it exists. Returns -1 with the context's error set.
 */
int cli_load_config(struct danehop_ctx *ctx, int argc, char **argv);

#endif
