/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bench_fresh.c - the Exim case: a fresh process per delivery
 *
 *   bench_fresh fresh N LIBPATH TRUST_ANCHOR FORWARDER DOMAIN
 *       N times: fork+exec a process that loads the library with dlopen,
 *       makes a context and decides, against a warm local resolver; prints
 *       the median time and the resident memory the library added
 *   bench_fresh once LIBPATH TRUST_ANCHOR FORWARDER DOMAIN
 *       one such process; prints "<us> <rss-before-kB> <rss-after-kB>"
 *   bench_fresh rounds N LIBPATH TRUST_ANCHOR FORWARDER DELAY_MS DOMAIN...
 *       per domain, N fresh processes against a forwarder that delays
 *       every answer by DELAY_MS; prints "<domain> <round trips>", the
 *       median of dlopen + context + decision divided by the delay
 *   bench_fresh daemon N LIBPATH CONF DELAY_MS DOMAIN [PRIMER...]
 *       the same through danehopd: fresh processes that load CONF (which
 *       says "daemon = unix:...", as an Exim delivery's danehop.conf does)
 *       and take the decision from the daemon. First one process per
 *       PRIMER (the daemon learns the zone keys), then one for DOMAIN (the
 *       daemon has the keys, not this decision), then N more (the daemon
 *       answers from its decision cache); prints "<domain> <round trips of
 *       the first> <median round trips of the N>"
 *   bench_fresh once-conf LIBPATH CONF DOMAIN
 *       one such process; prints "<us>"
 *
 * This program does not link libdanehop: what it measures is the load.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "danehop.h"

/*
 * load - dlopen the library at path and take its function table, as a
 * program that loads danehop at run time does; NULL after saying why
 */
static const danehop_api_v0 *load(const char *path)
{
    void *lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    const danehop_api_v0 *(*api)(unsigned);
    const danehop_api_v0 *a;

    if (lib == NULL) {
        fprintf(stderr, "bench: %s\n", dlerror());
        return NULL;
    }
    *(void **) &api = dlsym(lib, "danehop_api");
    if (api == NULL || (a = api(DANEHOP_ABI_VERSION)) == NULL) {
        fprintf(stderr, "bench: %s: no danehop_api for ABI %d\n", path, DANEHOP_ABI_VERSION);
        return NULL;
    }
    return a;
}

static int cmd_once(char **argv)
{
    double t0 = now_us();
    long rss0 = rss_kb(), rss1;
    const danehop_api_v0 *a = load(argv[2]);
    danehop_ctx *ctx;
    danehop_decision *d;
    double t_load;
    int rc;

    if (a == NULL)
        return 1;
    t_load = now_us() - t0;
    ctx = a->ctx_new();
    if (a->ctx_set_trust_anchor(ctx, argv[3]) != 0 || a->ctx_add_forwarder(ctx, argv[4]) != 0)
        return 1;
    rc = a->resolve(ctx, argv[5], NULL, 25, DANEHOP_POLICY_OPPORTUNISTIC, 0, &d);
    /* a decision to defer (bogus data) is still a decision: "rounds" times it */
    if (rc != 0 || (a->decision_status(d) != DANEHOP_STATUS_OK && getenv("BENCH_ANY_STATUS") == NULL)) {
        fprintf(stderr, "bench: no usable decision for %s\n", argv[5]);
        return 1;
    }
    rss1 = rss_kb();
    printf("%.0f %ld %ld %.0f\n", now_us() - t0, rss0, rss1, t_load);
    a->decision_free(d);
    a->ctx_free(ctx);
    return 0;
}

/* cmd_once_conf - what an Exim delivery does: dlopen, a context from its danehop.conf, one decision */
static int cmd_once_conf(char **argv)
{
    double t0 = now_us();
    const danehop_api_v0 *a = load(argv[2]);
    danehop_ctx *ctx;
    danehop_decision *d;

    if (a == NULL)
        return 1;
    if ((ctx = a->ctx_new()) == NULL || a->ctx_load_config(ctx, argv[3]) != 0 ||
        a->resolve(ctx, argv[4], NULL, 25, DANEHOP_POLICY_OPPORTUNISTIC, 0, &d) != 0) {
        fprintf(stderr, "bench: no decision for %s through the daemon\n", argv[4]);
        return 1;
    }
    printf("%.0f\n", now_us() - t0);
    a->decision_free(d);
    a->ctx_free(ctx);
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *) a, y = *(const double *) b;

    return x < y ? -1 : x > y;
}

static int cmd_fresh(char **argv, const char *self)
{
    int n = atoi(argv[2]), i, ok = 0;
    double *wall = calloc((size_t) n, sizeof(double)), *inproc = calloc((size_t) n, sizeof(double));
    double *load = calloc((size_t) n, sizeof(double));
    long rss_add = 0;

    for (i = 0; i < n; i++) {
        int fd[2];
        pid_t pid;
        double t0 = now_us();
        char buf[128] = "";
        ssize_t got;
        double us, lus;
        long r0, r1;

        if (pipe(fd) != 0)
            return 1;
        pid = fork();
        if (pid == 0) {
            dup2(fd[1], 1);
            close(fd[0]);
            execl(self, self, "once", argv[3], argv[4], argv[5], argv[6], (char *) NULL);
            _exit(127);
        }
        close(fd[1]);
        got = read(fd[0], buf, sizeof(buf) - 1);
        close(fd[0]);
        waitpid(pid, NULL, 0);
        wall[i] = now_us() - t0;
        if (got > 0 && sscanf(buf, "%lf %ld %ld %lf", &us, &r0, &r1, &lus) == 4) {
            load[ok] = lus;
            inproc[ok++] = us;
            rss_add = r1 - r0;
        }
    }
    if (ok == 0) {
        fprintf(stderr, "bench: no fresh process decided\n");
        return 1;
    }
    qsort(wall, (size_t) n, sizeof(double), cmp_double);
    qsort(inproc, (size_t) ok, sizeof(double), cmp_double);
    qsort(load, (size_t) ok, sizeof(double), cmp_double);
    printf("fresh process, warm local resolver (%d runs): median %.2f ms from fork+exec to decision "
           "(of it: dlopen %.2f ms, dlopen + context + decision %.2f ms), p90 %.2f ms; target <= 5 ms\n",
           n, wall[n / 2] / 1000, load[ok / 2] / 1000, inproc[ok / 2] / 1000, wall[(n * 9) / 10] / 1000);
    printf("resident memory added by the library (dlopen + context + one decision): %ld kB\n", rss_add);
    free(wall);
    free(inproc);
    free(load);
    return 0;
}

/* run_mode - one fresh process "self MODE A B [C] DOMAIN"; its in-process microseconds */
static double run_mode(const char *self, const char *mode, const char *a, const char *b, const char *c,
                       const char *domain)
{
    int fd[2];
    pid_t pid;
    char buf[128] = "";
    ssize_t got;
    double us;

    if (pipe(fd) != 0)
        return -1;
    pid = fork();
    if (pid == 0) {
        dup2(fd[1], 1);
        close(fd[0]);
        setenv("BENCH_ANY_STATUS", "1", 1);
        if (c != NULL)
            execl(self, self, mode, a, b, c, domain, (char *) NULL);
        else
            execl(self, self, mode, a, b, domain, (char *) NULL);
        _exit(127);
    }
    close(fd[1]);
    got = read(fd[0], buf, sizeof(buf) - 1);
    close(fd[0]);
    waitpid(pid, NULL, 0);
    return got > 0 && sscanf(buf, "%lf", &us) == 1 ? us : -1;
}

/* run_once - one fresh process deciding domain; its in-process microseconds */
static double run_once(const char *self, char **argv, const char *domain)
{
    return run_mode(self, "once", argv[3], argv[4], argv[5], domain);
}

static int cmd_rounds(int argc, char **argv, const char *self)
{
    int n = atoi(argv[2]), i, k;
    double delay_us = atof(argv[6]) * 1000.0;
    double *t = calloc((size_t) n, sizeof(double));

    if (t == NULL || n <= 0 || delay_us <= 0)
        return 1;
    for (k = 7; k < argc; k++) {
        int ok = 0;

        for (i = 0; i < n; i++) {
            double us = run_once(self, argv, argv[k]);

            if (us > 0)
                t[ok++] = us;
        }
        if (ok == 0)
            printf("%s -\n", argv[k]);
        else {
            qsort(t, (size_t) ok, sizeof(double), cmp_double);
            printf("%s %.1f\n", argv[k], t[ok / 2] / delay_us);
        }
        fflush(stdout);
    }
    free(t);
    return 0;
}

static int cmd_daemon(int argc, char **argv, const char *self)
{
    int n = atoi(argv[2]), i, ok = 0, k;
    double delay_us = atof(argv[5]) * 1000.0, first;
    double *t = calloc((size_t) (n > 0 ? n : 1), sizeof(double));

    if (t == NULL || n <= 0 || delay_us <= 0)
        return 1;
    for (k = 7; k < argc; k++)
        run_mode(self, "once-conf", argv[3], argv[4], NULL, argv[k]);
    first = run_mode(self, "once-conf", argv[3], argv[4], NULL, argv[6]);
    for (i = 0; i < n; i++) {
        double us = run_mode(self, "once-conf", argv[3], argv[4], NULL, argv[6]);

        if (us > 0)
            t[ok++] = us;
    }
    qsort(t, (size_t) ok, sizeof(double), cmp_double);
    printf("%s ", argv[6]);
    printf(first > 0 ? "%.2f " : "- ", first / delay_us);
    printf(ok > 0 ? "%.2f\n" : "-\n", ok > 0 ? t[ok / 2] / delay_us : 0);
    free(t);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 8 && strcmp(argv[1], "rounds") == 0)
        return cmd_rounds(argc, argv, "/proc/self/exe");
    if (argc == 7 && strcmp(argv[1], "fresh") == 0)
        return cmd_fresh(argv, "/proc/self/exe");
    if (argc == 6 && strcmp(argv[1], "once") == 0)
        return cmd_once(argv);
    if (argc >= 7 && strcmp(argv[1], "daemon") == 0)
        return cmd_daemon(argc, argv, "/proc/self/exe");
    if (argc == 5 && strcmp(argv[1], "once-conf") == 0)
        return cmd_once_conf(argv);
    fprintf(stderr, "usage: see the comment at the top of bench/bench_fresh.c\n");
    return 1;
}
