/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_exim_args.c - hostile ${dlfunc} arguments into the Exim module's parser
 *
 * LLVMFuzzerTestOneInput splits one input at NUL bytes into an argv (as
 * Exim hands the expanded {...} arguments over) and parses a connection at
 * every offset (shim/exim/args.c), then the "[relay]" form. Whatever it
 * accepts must hold the promises the entry points rely on: a port from 1
 * to 65535, bounded strings without control characters, a configuration
 * path. A broken promise traps. Built with -fsanitize=fuzzer it is a
 * libFuzzer target ("make fuzz"); built normally, driver.c replays the
 * seed corpus (tests/fuzz/corpus/exim_args) and seeded mutations of it.
 */
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "fuzz.h"

const char fuzz_target[] = "exim_args";
const unsigned long fuzz_mutations = 100000;

static unsigned long broken;

static int plain(const char *s)
{
    size_t n;

    for (n = 0; s[n]; n++)
        if ((unsigned char) s[n] < 0x20 || s[n] == 0x7f)
            return 0;
    return n <= DH_EXIM_ARG_MAX;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned char *copy, *argv[11];
    int argc = 0, i;
    size_t k;
    char relay[256];

    if ((copy = malloc(size + 1)) == NULL)
        return 0;
    memcpy(copy, data, size);
    copy[size] = '\0';
    argv[argc++] = copy;
    for (k = 0; k < size && argc < 10; k++)
        if (copy[k] == '\0')
            argv[argc++] = copy + k + 1;
    argv[argc] = NULL;
    for (i = -1; i <= argc; i++) {
        dh_exim_conn c;

        if (dh_exim_parse_conn(&c, argc, argv, i, "/etc/danehop.conf") != 0)
            continue;
        if (c.port < 1 || c.port > 65535 || !plain(c.domain) || !plain(c.host) || !plain(c.address) ||
            c.config == NULL || strlen(c.config) > DH_EXIM_ARG_MAX)
            broken++;
        if (dh_exim_relay_name(c.domain, relay, sizeof(relay)) != NULL &&
            (strlen(relay) + 2 != strlen(c.domain) || strlen(relay) >= sizeof(relay)))
            broken++;
    }
    free(copy);
    if (broken)
        __builtin_trap(); /* a broken promise is a finding */
    return 0;
}
