/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bench_module.c - where the Exim module's time and memory go in one delivery
 *
 *   bench_module MODULE CONFIG DOMAIN HOST ADDRESS CERT_B64
 *       loads the Exim module (danehop_exim.so) with dlopen and calls its
 *       entry points in the order an Exim delivery expands them: the gate
 *       (helo_data: context, configuration, decision), tcp:connect, tls:cert
 *       (the chain verified with OpenSSL DANE), the per-message gate; prints
 *       per step the wall and CPU time and the resident memory it added
 *
 * Run it with Exim's libraries already loaded (LD_PRELOAD, as make bench
 * does), so that what it measures is what an Exim delivery process pays on
 * top of Exim, not the loading of libraries Exim has loaded anyway.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"

typedef int (*entry_fn)(unsigned char **yield, int argc, unsigned char *argv[]);

static long rss_kb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;

    if (f == NULL)
        return -1;
    while (fgets(line, sizeof(line), f))
        if (strncmp(line, "VmRSS:", 6) == 0)
            kb = atol(line + 6);
    fclose(f);
    return kb;
}

static double cpu_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double) ts.tv_sec * 1e6 + (double) ts.tv_nsec / 1e3;
}

static double t0, c0;
static long r0;

static void step(const char *what, int rc, const char *yield)
{
    double t = now_us(), c = cpu_us();
    long r = rss_kb();

    printf("  %-34s %7.2f ms %7.2f ms CPU %+7ld kB%s%s\n", what, (t - t0) / 1000, (c - c0) / 1000, r - r0,
           rc != 0 || (yield && *yield) ? "  -> " : "", rc != 0 || (yield && *yield) ? yield : "");
    t0 = t, c0 = c, r0 = r;
}

static int call(void *mod, const char *name, int argc, char **argv, unsigned char **yield)
{
    entry_fn f = (entry_fn) dlsym(mod, name);

    *yield = (unsigned char *) "";
    if (f == NULL) {
        *yield = (unsigned char *) "missing";
        return -1;
    }
    return f(yield, argc, (unsigned char **) argv);
}

int main(int argc, char **argv)
{
    char pc[1100], *cert, *gate[6], *conn[7], *tls[7], *after[5];
    unsigned char *y;
    void *mod;
    int rc;

    if (argc != 7) {
        fprintf(stderr, "usage: see the comment at the top of bench/bench_module.c\n");
        return 1;
    }
    snprintf(pc, sizeof(pc), "25:%s", argv[2]);
    if ((cert = malloc(strlen(argv[6]) + 3)) == NULL)
        return 1;
    sprintf(cert, "0 %s", argv[6]);
    gate[0] = argv[3], gate[1] = argv[4], gate[2] = argv[5], gate[3] = pc, gate[4] = "sender.test",
    gate[5] = "2";
    conn[0] = "tcp:connect", conn[1] = "", conn[2] = "";
    tls[0] = "tls:cert", tls[1] = cert, tls[2] = "3";
    memcpy(conn + 3, gate, 4 * sizeof(char *));
    memcpy(tls + 3, gate, 4 * sizeof(char *));
    after[0] = "yes";
    memcpy(after + 1, gate, 4 * sizeof(char *));

    t0 = now_us(), c0 = cpu_us(), r0 = rss_kb();
    if ((mod = dlopen(argv[1], RTLD_LAZY | RTLD_GLOBAL)) == NULL) {
        fprintf(stderr, "bench: %s\n", dlerror());
        return 1;
    }
    step("dlopen of the module", 0, NULL);
    rc = call(mod, "danehop_gate", 6, gate, &y);
    step("gate: context, config, decision", rc, rc ? (char *) y : NULL);
    rc = call(mod, "danehop_event", 7, conn, &y);
    step("tcp:connect", rc, (char *) y);
    rc = call(mod, "danehop_event", 7, tls, &y);
    step("tls:cert: chain verified (OpenSSL)", rc, (char *) y);
    rc = call(mod, "danehop_after_tls", 5, after, &y);
    step("per-message gate", rc, (char *) y);
    free(cert);
    return 0;
}
