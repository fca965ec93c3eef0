/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cmd_config.c - the configuration file from the command line
 *
 * "danehop check-config [FILE]" parses the file (default /etc/danehop.conf),
 * compiles every rule and prints the effective settings; on the first error
 * it prints "danehop check-config: file:line: what is wrong" and exits 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "danehop.h"
#include "options.h"

#define DEFAULT_CONFIG "/etc/danehop.conf"

int cli_load_config(danehop_ctx *ctx, const char *path)
{
    if (path == NULL) {
        /* DANEHOP_CONFIG names another default file: a test suite or a second
         * instance must not pick up the system's /etc/danehop.conf */
        const char *env = getenv("DANEHOP_CONFIG");
        if (env != NULL && *env != '\0')
            return danehop_ctx_load_config(ctx, env);
        if (access(DEFAULT_CONFIG, F_OK) != 0)
            return 0; /* no file: built-in defaults */
        path = DEFAULT_CONFIG;
    }
    return danehop_ctx_load_config(ctx, path);
}

int cmd_check_config(int argc, char **argv)
{
    const char *path = DEFAULT_CONFIG;
    danehop_ctx *ctx;
    cli_parser p;
    char *text;
    int c, rc;

    if ((rc = cli_begin(&p, "check-config", 0, argc, argv)) != CLI_GO_ON)
        return rc;
    while ((c = cli_next(&p)) > 0)
        ; /* --help and --version only, answered by cli_begin */
    if (argc - optind > 1) {
        cli_error(&p, "give at most one FILE (see --help)");
        return CLI_EXIT_USAGE;
    }
    if (optind < argc)
        path = argv[optind];
    if ((ctx = danehop_ctx_new()) == NULL) {
        cli_error(&p, "out of memory");
        return CLI_EXIT_USAGE;
    }
    if (danehop_ctx_load_config(ctx, path) != 0) {
        cli_error(&p, "%s", danehop_ctx_error(ctx));
        danehop_ctx_free(ctx);
        return CLI_EXIT_USAGE;
    }
    text = danehop_ctx_describe(ctx);
    if (text != NULL)
        fputs(text, stdout);
    else
        cli_error(&p, "out of memory");
    danehop_string_free(text);
    danehop_ctx_free(ctx);
    return text ? CLI_EXIT_OK : CLI_EXIT_USAGE;
}
