/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_exim_args.c - hostile ${dlfunc} arguments into the Exim module's parser
 *
 * LLVMFuzzerTestOneInput splits one input at NUL bytes into an argv (as
 * Exim hands the expanded {...} arguments over) and parses a connection at
 * every offset (shim/exim/args.c), then the "[relay]" form. Whatever it
 * accepts must hold the promises the entry points rely on: a port from 1
 * to 65535, bounded strings without control characters, a configuration
 * path. Built with -fsanitize=fuzzer it is a libFuzzer target ("make
 * fuzz"); built normally, main() replays the seed corpus
 * (tests/fuzz/corpus/exim_args) and seeded mutations of it, so "make
 * check" runs it as a regression test.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
#ifdef DANEHOP_LIBFUZZER
    if (broken)
        __builtin_trap(); /* a broken promise is a finding */
#endif
    return 0;
}

#ifndef DANEHOP_LIBFUZZER
static void run(const uint8_t *seed, size_t len, unsigned long runs, uint32_t *rng)
{
    uint8_t buf[4096];
    unsigned long i;

    if (len > sizeof(buf))
        len = sizeof(buf);
    LLVMFuzzerTestOneInput(seed, len);
    for (i = 0; i < runs; i++) {
        size_t n = len, k, flips;

        memcpy(buf, seed, len);
        *rng = *rng * 1664525u + 1013904223u;
        flips = 1 + (*rng >> 28);
        for (k = 0; k < flips && n > 0; k++) {
            *rng = *rng * 1664525u + 1013904223u;
            buf[(*rng >> 8) % n] = (uint8_t) (*rng >> 24);
        }
        *rng = *rng * 1664525u + 1013904223u;
        if ((*rng >> 29) == 0)
            n = (*rng >> 8) % (len + 1); /* truncate */
        LLVMFuzzerTestOneInput(buf, n);
    }
}

int main(int argc, char **argv)
{
    unsigned long runs = argc > 1 ? strtoul(argv[1], NULL, 10) : 20000, files = 0;
    const char *srcdir = getenv("srcdir");
    char dir[4096], path[4400];
    uint32_t rng = 0x9e3779b9u;
    struct dirent *e;
    DIR *dp;

    snprintf(dir, sizeof(dir), "%s/tests/fuzz/corpus/exim_args", srcdir ? srcdir : ".");
    if ((dp = opendir(dir)) != NULL) {
        while ((e = readdir(dp)) != NULL) {
            uint8_t buf[4096];
            size_t n;
            FILE *f;

            if (e->d_name[0] == '.')
                continue;
            snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
            if ((f = fopen(path, "rb")) == NULL)
                continue;
            n = fread(buf, 1, sizeof(buf), f);
            fclose(f);
            run(buf, n, runs, &rng);
            files++;
        }
        closedir(dp);
    }
    printf("%s 1 - the corpus (%lu files) and %lu mutations each through the Exim argument parser\n",
           broken ? "not ok" : "ok", files, runs);
    printf("%s 2 - the seed corpus was found\n", files ? "ok" : "not ok");
    printf("1..2\n");
    return broken || !files ? 1 : 0;
}
#endif
