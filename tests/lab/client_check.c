/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * client_check.c - the daemon client library (module/client.c, linked
 * without the engine) driven from a test: load a configuration, take a
 * decision from danehopd, have danehopd check a PEM chain against it
 *
 *   client_check CONFIG DOMAIN [CHAIN.pem]
 *   client_check --then STEP[,STEP...] CONFIG DOMAIN
 *
 * Prints "load: ok" or "load: error: WHY" (exit 1), then "decision:
 * error: WHY" (exit 2) or "host: NAME ACTION base=BASE", then for a chain
 * "verdict: dane-verified|dane-failed: REASON". PEM is decoded with the
 * module's own base64: this program, like the Exim client module, has no
 * OpenSSL.
 *
 * --then: with the file watched, after the first decision, CONFIG is
 * replaced by each STEP's file in turn (or removed: "gone"), and decided
 * with again: "then STEP: error: WHY" or "then STEP: decided (N hosts)".
 *
 * --between WHAT, between the decision and the chain check (the library
 * keeps the decision's connection to danehopd for the check):
 *   pause       wait for a line on standard input (the test restarts the
 *               daemon meanwhile)
 *   FILE        print "kept: descriptor N" (the one socket open), close
 *               every descriptor above 2, as a host program may, and open
 *               FILE for writing on the number the kept connection had;
 *               after the check print "trap: N bytes on descriptor N",
 *               what reached FILE
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base64.h"
#include "danehop.h"

#define MAX_CERTS 16

/* read_pem - the certificates of a PEM file as DER, leaf first; their number or -1 */
static int read_pem(const char *path, unsigned char **der, size_t *len)
{
    char line[256], b64[16384];
    size_t have = 0;
    int n = 0, in = 0;
    FILE *f = fopen(path, "r");

    if (f == NULL)
        return -1;
    while (fgets(line, sizeof(line), f) != NULL && n < MAX_CERTS) {
        line[strcspn(line, "\r\n")] = '\0';
        if (strcmp(line, "-----BEGIN CERTIFICATE-----") == 0) {
            in = 1;
            have = 0;
        } else if (in && strcmp(line, "-----END CERTIFICATE-----") == 0) {
            long got;

            in = 0;
            if ((der[n] = malloc(have)) == NULL || (got = dh_base64_decode(b64, have, der[n], have)) <= 0)
                break;
            len[n++] = (size_t) got;
        } else if (in && have + strlen(line) < sizeof(b64)) {
            memcpy(b64 + have, line, strlen(line));
            have += strlen(line);
        }
    }
    fclose(f);
    return n;
}

/* put - CONFIG becomes a copy of from (a new file, a new mtime), or goes ("gone") */
static int put(const char *from, const char *config)
{
    char tmp[4096], buf[4096];
    FILE *in, *out;
    size_t got;
    int bad = 0;

    if (strcmp(from, "gone") == 0)
        return unlink(config);
    snprintf(tmp, sizeof(tmp), "%s.new", config);
    if ((in = fopen(from, "r")) == NULL)
        return -1;
    if ((out = fopen(tmp, "w")) == NULL) {
        fclose(in);
        return -1;
    }
    while ((got = fread(buf, 1, sizeof(buf), in)) > 0)
        bad |= fwrite(buf, 1, got, out) != got;
    fclose(in);
    bad |= fclose(out) != 0;
    if (!bad) {
        /* a distinct mtime per step: file times tick coarser than the steps */
        static int step;
        struct timespec t[2] = {{.tv_nsec = UTIME_OMIT}, {.tv_sec = time(NULL) - 100 + ++step}};

        bad = utimensat(AT_FDCWD, tmp, t, 0) != 0;
    }
    return bad ? -1 : rename(tmp, config);
}

/*
 * then - with the file watched, each step in turn: CONFIG replaced by the
 * step's file (or removed: "gone"), then a decision: "then STEP: error:
 * WHY" or "then STEP: decided"
 */
static void then(danehop_ctx *ctx, char *steps, const char *config, const char *domain)
{
    char *step, *save = NULL;

    danehop_ctx_watch_config(ctx, 1);
    for (step = strtok_r(steps, ",", &save); step != NULL; step = strtok_r(NULL, ",", &save)) {
        danehop_decision *d = NULL;

        if (put(step, config) != 0) {
            printf("then %s: cannot put it in place\n", step);
            continue;
        }
        if (danehop_resolve(ctx, domain, NULL, 25, DANEHOP_POLICY_OPPORTUNISTIC, 0, &d) != 0)
            printf("then %s: error: %s\n", step, danehop_ctx_error(ctx));
        else
            printf("then %s: decided (%zu hosts)\n", step, danehop_decision_host_count(d));
        danehop_decision_free(d);
    }
}

int main(int argc, char **argv)
{
    unsigned char *der[MAX_CERTS] = {NULL};
    size_t len[MAX_CERTS];
    danehop_decision *d = NULL;
    const danehop_host *h;
    danehop_verdict *v;
    danehop_ctx *ctx;
    int n = 0, i;
    char *steps = NULL;
    const char *between = NULL;
    int trap = -1;

    if (argc > 2 && strcmp(argv[1], "--between") == 0) {
        between = argv[2];
        argv += 2;
        argc -= 2;
    }
    if (argc > 2 && strcmp(argv[1], "--then") == 0) {
        steps = argv[2];
        argv += 2;
        argc -= 2;
    }
    if (argc < 3 || argc > 4 || (steps && argc != 3)) {
        fprintf(stderr, "usage: client_check [--between pause|FILE] CONFIG DOMAIN [CHAIN.pem]\n"
                        "       client_check --then STEP[,STEP...] CONFIG DOMAIN\n");
        return 64;
    }
    if ((ctx = danehop_ctx_new()) == NULL || danehop_ctx_load_config(ctx, argv[1]) != 0) {
        printf("load: error: %s\n", danehop_ctx_error(ctx));
        danehop_ctx_free(ctx);
        return 1;
    }
    printf("load: ok\n");
    if (danehop_resolve(ctx, argv[2], NULL, 25, DANEHOP_POLICY_OPPORTUNISTIC, 0, &d) != 0 ||
        (h = danehop_decision_host(d, 0)) == NULL) {
        printf("decision: error: %s\n", d ? danehop_decision_reason(d) : danehop_ctx_error(ctx));
        danehop_decision_free(d);
        danehop_ctx_free(ctx);
        return 2;
    }
    printf("host: %s %s base=%s\n", danehop_host_name(h), danehop_action_name(danehop_host_action(h)),
           danehop_host_base_domain(h) ? danehop_host_base_domain(h) : "-");
    if (steps != NULL)
        then(ctx, steps, argv[1], argv[2]);
    if (argc == 4 && (n = read_pem(argv[3], der, len)) <= 0)
        printf("chain: cannot read %s\n", argv[3]);
    if (n > 0 && between != NULL && strcmp(between, "pause") == 0) {
        char line[16];

        printf("paused\n");
        fflush(stdout);
        if (fgets(line, sizeof(line), stdin) == NULL)
            return 3;
    } else if (n > 0 && between != NULL) {
        struct stat st;
        int kept = -1;

        /* the library's kept connection: the one socket this program has */
        for (i = 3; i < 1024 && kept < 0; i++)
            if (fstat(i, &st) == 0 && S_ISSOCK(st.st_mode))
                kept = i;
        printf("kept: descriptor %d\n", kept);
        for (i = 3; i < 1024; i++)
            close(i);
        if ((trap = open(between, O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0)
            return 3;
        if (kept >= 0 && trap != kept) {
            /* the file on the very number the connection had */
            if (dup2(trap, kept) != kept)
                return 3;
            close(trap);
            trap = kept;
        }
    }
    if (n > 0) {
        v = danehop_verify_host(h, (const unsigned char *const *) der, len, (size_t) n);
        printf("verdict: %s: %s\n", v && danehop_verdict_authenticated(v) ? "dane-verified" : "dane-failed",
               v ? danehop_verdict_reason(v) : "out of memory");
        danehop_verdict_free(v);
    }
    if (trap >= 0) {
        struct stat st;

        printf("trap: %lld bytes on descriptor %d\n", fstat(trap, &st) == 0 ? (long long) st.st_size : -1LL,
               trap);
        close(trap);
    }
    for (i = 0; i < n; i++)
        free(der[i]);
    danehop_decision_free(d);
    danehop_ctx_free(ctx);
    return 0;
}
