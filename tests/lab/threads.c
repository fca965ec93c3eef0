/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * threads.c - one context shared by many threads: every thread gets the
 * decision a lone thread gets, and a slow lookup in one thread does not
 * hold up the others. Run by threads.test against the lab.
 *
 *   threads UNBOUND_CONF
 */
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "danehop.h"

#define THREADS 8
#define ROUNDS  25

static const char *const domains[] = {
    "example.com",          "multi.example.com",     "chain.example.com",  "notlsa.example.com",
    "unusable.example.com", "bogustlsa.example.com", "example.org",        "implicit-chain.example.com",
    "twohop.example.com",   "nosuch.example.com",    "nullmx.example.com", "addr-bogus.example.com",
};
#define NDOMAINS (sizeof(domains) / sizeof(domains[0]))

static danehop_ctx *shared;
static char expected[NDOMAINS][512];
static int mismatches;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* summary - status and every host's name, action and base domain */
static int summary(danehop_ctx *ctx, const char *domain, char *out, size_t len)
{
    danehop_decision *d;
    size_t i, n;

    if (danehop_resolve(ctx, domain, NULL, 25, DANEHOP_POLICY_OPPORTUNISTIC, 0, &d) != 0)
        return snprintf(out, len, "error: %s", danehop_ctx_error(ctx)), -1;
    n = (size_t) snprintf(out, len, "%s", danehop_status_name(danehop_decision_status(d)));
    for (i = 0; i < danehop_decision_host_count(d) && n < len; i++) {
        const danehop_host *h = danehop_decision_host(d, i);

        n += (size_t) snprintf(out + n, len - n, " %s/%s/%s", danehop_host_name(h),
                               danehop_action_name(danehop_host_action(h)),
                               danehop_host_base_domain(h) ? danehop_host_base_domain(h) : "-");
    }
    danehop_decision_free(d);
    return 0;
}

static void *worker(void *arg)
{
    size_t id = (size_t) arg, r;
    char got[512];

    for (r = 0; r < ROUNDS; r++) {
        size_t k = (id + r) % NDOMAINS;

        summary(shared, domains[k], got, sizeof(got));
        if (strcmp(got, expected[k]) != 0) {
            pthread_mutex_lock(&lock);
            if (mismatches++ < 5)
                printf("# thread %zu, %s: got \"%s\", want \"%s\"\n", id, domains[k], got, expected[k]);
            pthread_mutex_unlock(&lock);
        }
    }
    return NULL;
}

static void *slow(void *arg)
{
    char got[512];

    (void) arg;
    summary(shared, "blackhole.example.com", got, sizeof(got));
    return NULL;
}

int main(int argc, char **argv)
{
    pthread_t t[THREADS], s;
    danehop_ctx *alone = danehop_ctx_new();
    double t0, fast;
    size_t i;
    int n = 0;

    if (argc != 2)
        return 2;
    shared = danehop_ctx_new();
    danehop_ctx_set_unbound_conf(alone, argv[1]);
    danehop_ctx_set_unbound_conf(shared, argv[1]);
    /* no decision cache: every decision goes to the resolver */
    danehop_ctx_set_cache_size(shared, 0);
    danehop_ctx_set_timeouts(shared, 3000, 3000);
    for (i = 0; i < NDOMAINS; i++)
        summary(alone, domains[i], expected[i], sizeof(expected[i]));
    danehop_ctx_free(alone);

    for (i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, worker, (void *) i);
    for (i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    printf("%s %d - %d threads x %d decisions on one context equal the lone thread's\n",
           mismatches ? "not ok" : "ok", ++n, THREADS, ROUNDS);

    /* a lookup that times out (3 s) beside quick ones */
    pthread_create(&s, NULL, slow, NULL);
    t0 = now();
    {
        char got[512];

        summary(shared, "example.com", got, sizeof(got));
        summary(shared, "chain.example.com", got, sizeof(got));
    }
    fast = now() - t0;
    printf("%s %d - quick decisions are not held up by a slow one (%.2f s)\n", fast < 1.5 ? "ok" : "not ok",
           ++n, fast);
    pthread_join(s, NULL);

    /* fork: the child gets a resolver of its own, the parent keeps its */
    {
        char got[512];
        int status = -1;
        pid_t pid;

        danehop_ctx_set_cache_size(shared, 0);
        summary(shared, "chain.example.com", got, sizeof(got));
        fflush(stdout);
        pid = fork();
        if (pid == 0) {
            summary(shared, "example.com", got, sizeof(got));
            _exit(strcmp(got, expected[0]) == 0 ? 0 : 1);
        }
        waitpid(pid, &status, 0);
        printf("%s %d - after fork the child decides with a resolver of its own\n",
               WIFEXITED(status) && WEXITSTATUS(status) == 0 ? "ok" : "not ok", ++n);
        summary(shared, "example.com", got, sizeof(got));
        printf("%s %d - ... and the parent's context still works\n",
               strcmp(got, expected[0]) == 0 ? "ok" : "not ok", ++n);
    }
    danehop_ctx_free(shared);
    printf("1..%d\n", n);
    return 0;
}
