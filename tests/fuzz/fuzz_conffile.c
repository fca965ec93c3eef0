/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_conffile.c - hostile danehop.conf(5) files
 *
 * The input is written to a file and parsed as a configuration (the
 * parser reads files, as every shim does). A file that loads has its rules
 * matched against a few names, domain and host, so the compiled regexes
 * run too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conffile.h"
#include "fuzz.h"

const char fuzz_target[] = "conffile";
const unsigned long fuzz_mutations = 1500;

static char path[64];

static void remove_tmp(void) { unlink(path); }

/* tmpfile_path - one scratch file for the whole run, removed at exit */
static const char *tmpfile_path(void)
{
    if (path[0] == '\0') {
        const char *dir = getenv("TMPDIR");
        int fd;

        snprintf(path, sizeof(path), "%s/danehop-fuzz-conf.XXXXXX",
                 dir && *dir && strlen(dir) < 40 ? dir : "/tmp");
        if ((fd = mkstemp(path)) < 0)
            abort();
        close(fd);
        atexit(remove_tmp);
    }
    return path;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const names[] = {"example.com", "mx1.legacy.example", "bank.example", "a.b.c.d.e"};
    const char *p = tmpfile_path();
    FILE *f = fopen(p, "wb");
    dh_config *c = NULL;
    char err[512];
    size_t i;

    if (f == NULL)
        return 0;
    if (fwrite(data, 1, size, f) != size) {
        fclose(f);
        return 0;
    }
    fclose(f);
    if (dh_config_parse(p, &c, err, sizeof(err)) == 0) {
        if (c == NULL)
            abort();
        for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
            (void) dh_rules_match(c->rules, names[i], 0);
            (void) dh_rules_match(c->rules, names[i], 1);
        }
    } else if (c != NULL || memchr(err, '\0', sizeof(err)) == NULL) {
        abort(); /* an error leaves nothing behind and says why */
    }
    dh_config_free(c);
    return 0;
}
