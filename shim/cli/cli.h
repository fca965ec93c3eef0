/*
 * cli.h - the danehop command: subcommands and their shared exit codes
 */
#ifndef DANEHOP_CLI_H
#define DANEHOP_CLI_H

#define CLI_EXIT_OK 0
#define CLI_EXIT_USAGE 1
#define CLI_EXIT_NOTAUTH 2
#define CLI_EXIT_TEMPFAIL 75 /* EX_TEMPFAIL: the decision is "defer" */

int cmd_resolve(int argc, char **argv);

#endif
