/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bench_decide.c - figures for the engine (never pass/fail)
 *
 *   bench_decide rtt TRUST_ANCHOR FORWARDER DELAY_MS DOMAIN...
 *       sequential round trips per decision when every query to the
 *       forwarder costs DELAY_MS, for danehop and for a naive resolver
 *       asking the same questions one at a time (synchronous ub_resolve);
 *       both start with the zone keys cached (primed by other decisions)
 *   bench_decide warm N UNBOUND_CONF DOMAIN
 *       decisions per second in one process, one context, warm caches;
 *       with the decision cache, then with libunbound's cache alone
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unbound.h>

#include "clock.h"
#include "danehop.h"

static int qtype(const char *t)
{
    if (!strcmp(t, "A"))
        return 1;
    if (!strcmp(t, "CNAME"))
        return 5;
    if (!strcmp(t, "MX"))
        return 15;
    if (!strcmp(t, "AAAA"))
        return 28;
    if (!strcmp(t, "DNSKEY"))
        return 48;
    if (!strcmp(t, "TLSA"))
        return 52;
    return 1;
}

/* names whose decisions warm the zone cuts (keys, delegations) of every lab zone */
static const char *const primers[] = {"notlsa.example.com", "chain-none.example.com",
                                      "cname-notlsa.example.com", "example.org"};

static danehop_ctx *lab_ctx(const char *conf)
{
    danehop_ctx *ctx = danehop_ctx_new();

    if (ctx == NULL || danehop_ctx_set_unbound_conf(ctx, conf) != 0) {
        fprintf(stderr, "bench: %s\n", ctx ? danehop_ctx_error(ctx) : "out of memory");
        exit(1);
    }
    return ctx;
}

static danehop_ctx *fwd_ctx(const char *ta, const char *fwd)
{
    danehop_ctx *ctx = danehop_ctx_new();

    if (ctx == NULL || danehop_ctx_set_trust_anchor(ctx, ta) != 0 ||
        danehop_ctx_add_forwarder(ctx, fwd) != 0) {
        fprintf(stderr, "bench: %s\n", ctx ? danehop_ctx_error(ctx) : "out of memory");
        exit(1);
    }
    return ctx;
}

static void prime_danehop(danehop_ctx *ctx)
{
    size_t i;

    for (i = 0; i < sizeof(primers) / sizeof(primers[0]); i++) {
        danehop_decision *d;

        if (danehop_resolve(ctx, primers[i], NULL, 25, DANEHOP_POLICY_OPPORTUNISTIC, 0, &d) == 0)
            danehop_decision_free(d);
    }
}

/* the naive resolver: the same questions, one after the other */
static void replay(struct ub_ctx *ub, const danehop_decision *d)
{
    size_t i;

    for (i = 0; i < danehop_decision_query_count(d); i++) {
        unsigned round;
        const char *name, *type, *result;
        struct ub_result *r;

        danehop_decision_query(d, i, &round, &name, &type, &result);
        if (ub_resolve(ub, name, qtype(type), 1, &r) == 0)
            ub_resolve_free(r);
    }
}

static int cmd_rtt(int argc, char **argv)
{
    const char *ta = argv[2], *fwd = argv[3];
    double delay = atof(argv[4]) * 1000.0;
    int i;

    printf("%-28s %8s %8s %8s %8s %7s\n", "domain", "queries", "rounds", "danehop", "naive", "ratio");
    for (i = 5; i < argc; i++) {
        danehop_ctx *ctx = fwd_ctx(ta, fwd), *pctx = fwd_ctx(ta, fwd);
        danehop_decision *d, *pd;
        struct ub_ctx *ub = ub_ctx_create();
        double t0, t1, t2, t3, rt_dh, rt_naive;
        size_t k;

        prime_danehop(ctx);
        t0 = now_us();
        if (danehop_resolve(ctx, argv[i], NULL, 25, DANEHOP_POLICY_OPPORTUNISTIC, 0, &d) != 0) {
            fprintf(stderr, "bench: %s\n", danehop_ctx_error(ctx));
            return 1;
        }
        t1 = now_us();
        /* naive: a plain libunbound context primed with the same questions */
        ub_ctx_add_ta_file(ub, ta);
        ub_ctx_set_fwd(ub, fwd);
        for (k = 0; k < sizeof(primers) / sizeof(primers[0]); k++)
            if (danehop_resolve(pctx, primers[k], NULL, 25, DANEHOP_POLICY_OPPORTUNISTIC, 0, &pd) == 0) {
                replay(ub, pd);
                danehop_decision_free(pd);
            }
        t2 = now_us();
        replay(ub, d);
        t3 = now_us();
        rt_dh = (t1 - t0) / delay;
        rt_naive = (t3 - t2) / delay;
        printf("%-28s %8zu %8u %8.1f %8.1f %6.1fx\n", argv[i], danehop_decision_query_count(d),
               danehop_decision_rounds(d), rt_dh, rt_naive, rt_naive / (rt_dh > 0.1 ? rt_dh : 0.1));
        danehop_decision_free(d);
        danehop_ctx_free(ctx);
        danehop_ctx_free(pctx);
        ub_ctx_delete(ub);
    }
    printf("(round trips = wall time / injected delay; zone keys cached, the names themselves not)\n");
    return 0;
}

static int cmd_warm(char **argv, size_t cache)
{
    int n = atoi(argv[2]), i;
    danehop_ctx *ctx = lab_ctx(argv[3]);

    danehop_ctx_set_cache_size(ctx, cache);
    danehop_decision *d;
    double t0;

    if (danehop_resolve(ctx, argv[4], NULL, 25, DANEHOP_POLICY_OPPORTUNISTIC, 0, &d) != 0)
        return 1;
    danehop_decision_free(d);
    t0 = now_us();
    for (i = 0; i < n; i++) {
        if (danehop_resolve(ctx, argv[4], NULL, 25, DANEHOP_POLICY_OPPORTUNISTIC, 0, &d) != 0)
            return 1;
        danehop_decision_free(d);
    }
    printf("warm decisions in one process (%s, %s): %.0f per second (%.1f us each); "
           "target >= 20000/s per core\n",
           argv[4], cache ? "decision cache on" : "decision cache off, libunbound cache only",
           n / ((now_us() - t0) / 1e6), (now_us() - t0) / n);
    danehop_ctx_free(ctx);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 6 && strcmp(argv[1], "rtt") == 0)
        return cmd_rtt(argc, argv);
    if (argc == 5 && strcmp(argv[1], "warm") == 0)
        return cmd_warm(argv, 512) || cmd_warm(argv, 0);
    fprintf(stderr, "usage: see the comment at the top of bench/bench_decide.c\n");
    return 1;
}
