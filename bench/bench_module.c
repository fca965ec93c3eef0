/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bench_module.c - where the Exim module's time and memory go in one delivery
 *
 *   bench_module MODULE CONFIG DOMAIN HOST ADDRESS CERT_B64
 *       loads the Exim module (danehop_exim.so) with dlopen and calls its
 *       entry points in the order an Exim delivery expands them: the gate
 *       (helo_data: context, configuration, decision), tcp:connect, tls:cert
 *       (the chain verified: OpenSSL DANE in the full module, danehopd for
 *       danehop_exim_client.so), the per-message gate, and the transport's
 *       other expansions (require_tls, try_dane, sni; pass); prints
 *       per step the wall and CPU time and the resident memory it added
 *
 * Run it with Exim's libraries already loaded (LD_PRELOAD, as make bench
 * does), so that what it measures is what an Exim delivery process pays on
 * top of Exim, not the loading of libraries Exim has loaded anyway.
 *
 * With BENCH_MODULE_OPENSSL_STARTED=yes (an Exim built with OpenSSL, its
 * libssl preloaded), OpenSSL is started, one SSL_CTX made and the peer's
 * certificate decoded first, shown apart from the module's steps, as Exim's
 * transport has done by the tls:cert event:
 * the module's steps are then what it adds to an OpenSSL Exim. The symbols
 * are looked up at run time, so that this program needs no libssl itself.
 */
#define _GNU_SOURCE /* RTLD_DEFAULT */
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"

typedef int (*entry_fn)(unsigned char **yield, int argc, unsigned char *argv[]);

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
    /* the next step starts now: reading /proc/self/status and printing
     * (about 40 us) are the benchmark's, not the module's */
    r0 = r;
    t0 = now_us(), c0 = cpu_us();
}

/*
 * openssl_started - start OpenSSL as an OpenSSL Exim's transport has by the
 * tls:cert event: library started, an SSL_CTX made, the peer's certificate
 * (DER) decoded with its key; 0, or -1
 */
static int openssl_started(const unsigned char *der, long len)
{
    int (*init)(uint64_t, const void *) =
        (int (*)(uint64_t, const void *)) dlsym(RTLD_DEFAULT, "OPENSSL_init_ssl");
    const void *(*method)(void) = (const void *(*) (void) ) dlsym(RTLD_DEFAULT, "TLS_client_method");
    void *(*ctx_new)(const void *) = (void *(*) (const void *) ) dlsym(RTLD_DEFAULT, "SSL_CTX_new");
    void *(*d2i)(void *, const unsigned char **, long) =
        (void *(*) (void *, const unsigned char **, long) ) dlsym(RTLD_DEFAULT, "d2i_X509");
    void *(*pubkey)(void *) = (void *(*) (void *) ) dlsym(RTLD_DEFAULT, "X509_get0_pubkey");
    void *x;

    /* the context and certificate are left alive, as Exim's are in the handshake */
    if (!init || !method || !ctx_new || !d2i || !pubkey || init(0, NULL) != 1 || ctx_new(method()) == NULL)
        return -1;
    return (x = d2i(NULL, &der, len)) != NULL && pubkey(x) != NULL ? 0 : -1;
}

/* unbase64 - the certificate's DER, for openssl_started; its length or -1 */
static long unbase64(const char *in, unsigned char *out, size_t max)
{
    static const char al[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    unsigned long acc = 0;
    size_t n = 0;
    int bits = 0;
    const char *p;

    for (; *in && *in != '='; in++) {
        if ((p = strchr(al, *in)) == NULL)
            return -1;
        acc = (acc << 6) | (unsigned long) (p - al), bits += 6;
        if (bits >= 8) {
            if (n == max)
                return -1;
            out[n++] = (unsigned char) (acc >> (bits - 8)), bits -= 8;
        }
    }
    return (long) n;
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

    r0 = rss_kb(), t0 = now_us(), c0 = cpu_us();
    if (getenv("BENCH_MODULE_OPENSSL_STARTED") &&
        strcmp(getenv("BENCH_MODULE_OPENSSL_STARTED"), "yes") == 0) {
        static unsigned char der[65536];
        long dlen = unbase64(argv[6], der, sizeof(der));

        if (dlen <= 0 || openssl_started(der, dlen) != 0) {
            fprintf(stderr, "bench: cannot start OpenSSL (is libssl preloaded?)\n");
            return 1;
        }
        step("(Exim's: OpenSSL, SSL_CTX, peer cert)", 0, NULL);
    }
    if ((mod = dlopen(argv[1], RTLD_LAZY | RTLD_GLOBAL)) == NULL) {
        fprintf(stderr, "bench: %s\n", dlerror());
        return 1;
    }
    step("dlopen of the module", 0, NULL);
    rc = call(mod, "danehop_gate", 6, gate, &y);
    step("gate: context, config, decision", rc, rc ? (char *) y : NULL);
    rc = call(mod, "danehop_require_tls", 4, gate, &y) || call(mod, "danehop_try_dane", 4, gate, &y) ||
         call(mod, "danehop_sni", 4, gate, &y);
    step("require_tls, try_dane, sni", rc, NULL);
    rc = call(mod, "danehop_event", 7, conn, &y);
    step("tcp:connect", rc, (char *) y);
    rc = call(mod, "danehop_event", 7, tls, &y);
    step("tls:cert: chain verified", rc, (char *) y);
    rc = call(mod, "danehop_after_tls", 5, after, &y);
    step("per-message gate", rc, (char *) y);
    rc = call(mod, "danehop_pass", 5, after, &y);
    step("pass (hosts_nopass_tls)", rc, NULL);
    free(cert);
    return 0;
}
