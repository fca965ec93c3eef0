/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * client_check.c - the daemon client library (module/client.c, linked
 * without the engine) driven from a test: load a configuration, take a
 * decision from danehopd, have danehopd check a PEM chain against it
 *
 *   client_check CONFIG DOMAIN [CHAIN.pem]
 *
 * Prints "load: ok" or "load: error: WHY" (exit 1), then "decision:
 * error: WHY" (exit 2) or "host: NAME ACTION base=BASE", then for a chain
 * "verdict: dane-verified|dane-failed: REASON". PEM is decoded with the
 * module's own base64: this program, like the Exim client module, has no
 * OpenSSL.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

int main(int argc, char **argv)
{
    unsigned char *der[MAX_CERTS] = {NULL};
    size_t len[MAX_CERTS];
    danehop_decision *d = NULL;
    const danehop_host *h;
    danehop_verdict *v;
    danehop_ctx *ctx;
    int n = 0, i;

    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: client_check CONFIG DOMAIN [CHAIN.pem]\n");
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
    if (argc == 4 && (n = read_pem(argv[3], der, len)) <= 0)
        printf("chain: cannot read %s\n", argv[3]);
    if (n > 0) {
        v = danehop_verify_host(h, (const unsigned char *const *) der, len, (size_t) n);
        printf("verdict: %s: %s\n", v && danehop_verdict_authenticated(v) ? "dane-verified" : "dane-failed",
               v ? danehop_verdict_reason(v) : "out of memory");
        danehop_verdict_free(v);
    }
    for (i = 0; i < n; i++)
        free(der[i]);
    danehop_decision_free(d);
    danehop_ctx_free(ctx);
    return 0;
}
