/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * danehop.c - the danehop command: dispatch to subcommands
 *
 * SYNOPSIS
 *   danehop resolve [options] DOMAIN
 *   danehop resolve [options] --host HOST [DOMAIN]
 *   danehop check-config [FILE]
 *   danehop --version
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "danehop.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: danehop resolve [--port N] [--mandatory] [--half-dane] [--json]\n"
               "                       [--unbound-conf FILE] [--trust-anchor FILE]\n"
               "                       [--forwarder ADDR]... [--resolv-conf FILE] [--recursion]\n"
               "                       [--timeout SECONDS] [--config FILE] [--host HOST] [DOMAIN]\n"
               "       danehop verify [--json] --tlsa 'U S M HEX'... [--name NAME]... CHAIN.pem\n"
               "       danehop verify [--json] [--port N] --host HOST [DOMAIN] CHAIN.pem\n"
               "       danehop probe [--port N] [--json] [--io-timeout S] DOMAIN | --host HOST [DOMAIN]\n"
               "       danehop check-config [FILE]\n"
               "       danehop stats [--socket unix:PATH|inet:ADDR:PORT] [--timeout S]\n"
               "       danehop --version\n"
               "See danehop(1).\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return CLI_EXIT_USAGE;
    }
    if (strcmp(argv[1], "resolve") == 0)
        return cmd_resolve(argc - 1, argv + 1);
    if (strcmp(argv[1], "probe") == 0)
        return cmd_probe(argc - 1, argv + 1);
    if (strcmp(argv[1], "verify") == 0)
        return cmd_verify(argc - 1, argv + 1);
    if (strcmp(argv[1], "check-config") == 0)
        return cmd_check_config(argc - 1, argv + 1);
    if (strcmp(argv[1], "stats") == 0)
        return cmd_stats(argc - 1, argv + 1);
    if (strcmp(argv[1], "--version") == 0) {
        printf("danehop %s\n", danehop_version());
        return CLI_EXIT_OK;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(stdout);
        return CLI_EXIT_OK;
    }
    fprintf(stderr, "danehop: unknown command \"%s\"\n", argv[1]);
    usage(stderr);
    return CLI_EXIT_USAGE;
}
