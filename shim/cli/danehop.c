/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * danehop.c - the danehop command: dispatch to subcommands
 *
 * SYNOPSIS
 *   danehop resolve [options] DOMAIN | --host HOST [DOMAIN]
 *   danehop verify [options] --tlsa 'U S M HEX'... CHAIN.pem | --host HOST [DOMAIN] CHAIN.pem
 *   danehop probe [options] DOMAIN | --host HOST [DOMAIN]
 *   danehop check-config [FILE]
 *   danehop stats [--socket SPEC] [--io-timeout S]
 *   danehop report [options] DOMAIN | --host HOST [DOMAIN]
 *   danehop [COMMAND] --help | --version
 *
 * DESCRIPTION
 *   Every option, its usage line and its --help line: options.c.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "danehop.h"
#include "options.h"

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "danehop: give a command: resolve, verify, probe, check-config, stats or report (see "
                        "danehop --help)\n");
        return CLI_EXIT_USAGE;
    }
    if (strcmp(argv[1], "resolve") == 0)
        return cmd_resolve(argc - 1, argv + 1);
    if (strcmp(argv[1], "probe") == 0)
        return cmd_probe(argc - 1, argv + 1);
    if (strcmp(argv[1], "verify") == 0)
        return cmd_verify(argc - 1, argv + 1);
    if (strcmp(argv[1], "report") == 0)
        return cmd_report(argc - 1, argv + 1);
    if (strcmp(argv[1], "check-config") == 0)
        return cmd_check_config(argc - 1, argv + 1);
    if (strcmp(argv[1], "stats") == 0)
        return cmd_stats(argc - 1, argv + 1);
    if (strcmp(argv[1], "--version") == 0) {
        printf("danehop %s\n", danehop_version());
        return CLI_EXIT_OK;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        cli_help(stdout, NULL);
        return CLI_EXIT_OK;
    }
    fprintf(stderr, "danehop: unknown command \"%s\" (see danehop --help)\n", argv[1]);
    return CLI_EXIT_USAGE;
}
