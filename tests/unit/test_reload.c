/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_reload.c - a watched configuration rewritten every 2 ms while 8
 * threads decide, log and describe with the same context (issue 11: a
 * reload freed the rules, the cache and the libunbound context under the
 * other threads; AddressSanitizer saw it in CI's sanitizer step). Every
 * decision must succeed under one whole version of the file, and the
 * versions must be picked up. Exempt rules keep DNS out of it.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "danehop.h"
#include "tap.h"

#define THREADS  8
#define VERSIONS 300

static char path[] = "/tmp/danehop-reload-XXXXXX";
static char tmp_path[64];
static danehop_ctx *ctx;
static atomic_int stop, failures, decisions, last_seen;

/* write_version - the file's version n, swapped in whole with rename() */
static void write_version(int n)
{
    FILE *f = fopen(tmp_path, "w");
    struct timespec ts[2] = {{1000000 + n, 0}, {1000000 + n, 0}};

    fprintf(f, "trust_anchor = /dev/null\nforwarders = 127.0.0.1\ncache_size = %d\n", n % 3 ? 64 : 0);
    fprintf(f, "exempt domain a\\.example  # version %d\nexempt any .*  # version %d\n", n, n);
    fclose(f);
    utimensat(AT_FDCWD, tmp_path, ts, 0);
    rename(tmp_path, path);
}

static void *worker(void *arg)
{
    unsigned id = (unsigned) (size_t) arg;

    while (!atomic_load(&stop)) {
        danehop_decision *d = NULL;
        const char *r;
        char *text;
        int v;

        if (danehop_resolve(ctx, id % 2 ? "a.example" : "b.example", NULL, 25, DANEHOP_POLICY_OPPORTUNISTIC,
                            0, &d) != 0) {
            if (atomic_fetch_add(&failures, 1) < 3)
                printf("# thread %u: %s\n", id, danehop_ctx_error(ctx));
            continue;
        }
        r = danehop_decision_reason(d);
        if ((r = strstr(r, "version ")) == NULL || sscanf(r, "version %d", &v) != 1) {
            atomic_fetch_add(&failures, 1);
        } else if (v > atomic_load(&last_seen)) {
            atomic_store(&last_seen, v);
        }
        danehop_log_decision(ctx, d, DANEHOP_LOG_NONE);
        danehop_decision_free(d);
        if (id == 0 && (text = danehop_ctx_describe(ctx)) != NULL)
            danehop_string_free(text);
        atomic_fetch_add(&decisions, 1);
    }
    return NULL;
}

int main(void)
{
    pthread_t t[THREADS];
    struct timespec two_ms = {0, 2000000};
    int fd = mkstemp(path), i;

    close(fd);
    snprintf(tmp_path, sizeof(tmp_path), "%s.new", path);
    write_version(0);
    ctx = danehop_ctx_new();
    is_int(danehop_ctx_load_config(ctx, path), 0, "version 0 loads");
    danehop_ctx_watch_config(ctx, 1);
    for (i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, worker, (void *) (size_t) i);
    for (i = 1; i <= VERSIONS; i++) {
        write_version(i);
        nanosleep(&two_ms, NULL);
    }
    atomic_store(&stop, 1);
    for (i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    is_int(atomic_load(&failures), 0, "%d decisions by %d threads, each under one whole version",
           atomic_load(&decisions), THREADS);
    ok(atomic_load(&last_seen) > 1, "the rewrites were picked up (up to version %d)",
       atomic_load(&last_seen));
    danehop_ctx_free(ctx);
    unlink(path);
    return done_testing();
}
