/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * driver.c - a fuzz target's corpus and seeded mutations, as a unit test
 *
 * SYNOPSIS
 *   fuzz_TARGET [mutations [corpus-dir]]
 *
 * DESCRIPTION
 *   Runs every file of $top_srcdir/tests/fuzz/corpus/<target>/ (or the
 *   given directory) through LLVMFuzzerTestOneInput(), then the given
 *   number of mutations of them (the target's own default otherwise):
 *   random octets overwritten, now and then the input cut short or grown.
 *   The generator is seeded, so a failure repeats. Under ASan and UBSan a
 *   fault aborts the run; without them the test still proves no crash.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

#define FUZZ_MAX_FILES 512
#define FUZZ_MAX_INPUT (256 * 1024)

typedef struct seed {
    uint8_t *data;
    size_t len;
} seed;

static int regular(const struct dirent *e) { return e->d_name[0] != '.'; }

/* load - every file of dir, at most FUZZ_MAX_INPUT bytes each; the count */
static size_t load(const char *dir, seed *seeds)
{
    struct dirent **list;
    int n, i;
    size_t k = 0;

    if ((n = scandir(dir, &list, regular, alphasort)) < 0)
        return 0;
    for (i = 0; i < n; i++) {
        char path[4096 + 256];
        FILE *f;
        int len = snprintf(path, sizeof(path), "%s/%s", dir, list[i]->d_name);

        if (len > 0 && (size_t) len < sizeof(path) && k < FUZZ_MAX_FILES && (f = fopen(path, "rb")) != NULL) {
            uint8_t *buf = malloc(FUZZ_MAX_INPUT);

            if (buf != NULL) {
                seeds[k].len = fread(buf, 1, FUZZ_MAX_INPUT, f);
                seeds[k++].data = buf;
            }
            fclose(f);
        }
        free(list[i]);
    }
    free(list);
    return k;
}

static uint32_t next(uint32_t *rng)
{
    *rng = *rng * 1664525u + 1013904223u;
    return *rng;
}

int main(int argc, char **argv)
{
    static seed seeds[FUZZ_MAX_FILES];
    unsigned long runs = argc > 1 ? strtoul(argv[1], NULL, 10) : fuzz_mutations, i;
    const char *top = getenv("top_srcdir");
    char dir[4096];
    uint32_t rng = 0x9e3779b9u;
    uint8_t *buf = malloc(FUZZ_MAX_INPUT + 64);
    size_t n, k;

    if (argc > 2)
        snprintf(dir, sizeof(dir), "%s", argv[2]);
    else
        snprintf(dir, sizeof(dir), "%s/tests/fuzz/corpus/%s", top ? top : ".", fuzz_target);
    n = load(dir, seeds);
    if (n == 0 || buf == NULL) {
        printf("not ok 1 - seed corpus %s\n1..1\n", dir);
        return 1;
    }
    for (k = 0; k < n; k++) {
        /* a private copy: ASan sees reads past the end of the input */
        uint8_t *copy = malloc(seeds[k].len ? seeds[k].len : 1);

        memcpy(copy, seeds[k].data, seeds[k].len);
        LLVMFuzzerTestOneInput(copy, seeds[k].len);
        free(copy);
    }
    printf("ok 1 - %s: %zu corpus files without a fault\n", fuzz_target, n);
    for (i = 0; i < runs; i++) {
        const seed *s = &seeds[i % n];
        size_t len = s->len, flips = 1 + (next(&rng) >> 28);
        uint8_t *copy;

        memcpy(buf, s->data, len);
        for (k = 0; k < flips && len > 0; k++)
            buf[(next(&rng) >> 8) % len] = (uint8_t) (next(&rng) >> 24);
        switch (next(&rng) >> 29) {
        case 0: len = len ? (next(&rng) >> 8) % len : 0; break; /* cut short */
        case 1:                                                 /* grown by random octets */
            for (k = 0; k < 32; k++)
                buf[len++] = (uint8_t) (next(&rng) >> 24);
            break;
        default: break;
        }
        copy = malloc(len ? len : 1);
        memcpy(copy, buf, len);
        LLVMFuzzerTestOneInput(copy, len);
        free(copy);
    }
    printf("ok 2 - %s: %lu mutations of them without a fault\n1..2\n", fuzz_target, runs);
    for (k = 0; k < n; k++)
        free(seeds[k].data);
    free(buf);
    return 0;
}
