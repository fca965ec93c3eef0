/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cmd_config.c - the configuration file from the command line
 *
 * "danehop check-config [FILE]" parses the file (default /etc/danehop.conf),
 * compiles every rule and prints the effective settings; on the first error
 * it prints "file:line: what is wrong" and exits 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "danehop.h"

#define DEFAULT_CONFIG "/etc/danehop.conf"

int cli_load_config(danehop_ctx *ctx, int argc, char **argv)
{
    const char *path = NULL;
    int i;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            break;
        if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
            path = argv[++i];
        else if (strncmp(argv[i], "--config=", 9) == 0)
            path = argv[i] + 9;
    }
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
    const char *path = argc > 1 ? argv[1] : DEFAULT_CONFIG;
    danehop_ctx *ctx;
    char *text;

    if (argc > 2) {
        fprintf(stderr, "usage: danehop check-config [FILE]\n");
        return CLI_EXIT_USAGE;
    }
    if ((ctx = danehop_ctx_new()) == NULL) {
        fprintf(stderr, "danehop check-config: out of memory\n");
        return CLI_EXIT_USAGE;
    }
    if (danehop_ctx_load_config(ctx, path) != 0) {
        fprintf(stderr, "%s\n", danehop_ctx_error(ctx));
        danehop_ctx_free(ctx);
        return CLI_EXIT_USAGE;
    }
    text = danehop_ctx_describe(ctx);
    if (text != NULL)
        fputs(text, stdout);
    danehop_string_free(text);
    danehop_ctx_free(ctx);
    return text ? CLI_EXIT_OK : CLI_EXIT_USAGE;
}
