/* SPDX-License-Identifier: BSD-2-Clause */
/* example.c - resolve, inspect the decision, prepare an SSL object, free */
#include <danehop.h>
#include <openssl/ssl.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    const char *domain = argc > 1 ? argv[1] : "example.com";
    danehop_ctx *ctx = danehop_ctx_new();
    danehop_decision *d;
    SSL_CTX *sctx;
    size_t i, k;
    int rc = 0;

    if (ctx == NULL)
        return 2;
    /* a resolver set-up other than the default, e.g. a test lab */
    if (argc > 2 && danehop_ctx_set_unbound_conf(ctx, argv[2]) != 0) {
        fprintf(stderr, "%s\n", danehop_ctx_error(ctx));
        danehop_ctx_free(ctx);
        return 2;
    }
    if (danehop_resolve(ctx, domain, NULL, 25, DANEHOP_POLICY_OPPORTUNISTIC, 0, &d) != 0) {
        fprintf(stderr, "cannot decide: %s\n", danehop_ctx_error(ctx));
        danehop_ctx_free(ctx);
        return 2;
    }
    printf("%s: %s\n", domain, danehop_status_name(danehop_decision_status(d)));
    sctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_dane_enable(sctx);
    for (i = 0; i < danehop_decision_host_count(d); i++) {
        const danehop_host *h = danehop_decision_host(d, i);

        printf("  %s: %s (%s)\n", danehop_host_name(h), danehop_action_name(danehop_host_action(h)),
               danehop_host_reason(h));
        if (danehop_host_action(h) != DANEHOP_ACTION_DANE)
            continue;
        printf("    base domain %s\n", danehop_host_base_domain(h));
        for (k = 0; k < danehop_host_tlsa_count(h); k++)
            printf("    TLSA %s\n", danehop_host_tlsa_text(h, k));
        /* before connecting: SNI, the TLSA records, the reference names */
        SSL *ssl = SSL_new(sctx);
        if (ssl == NULL || danehop_ssl_apply(ssl, h) != 0) {
            fprintf(stderr, "cannot prepare TLS for %s: do not connect\n", danehop_host_name(h));
            rc = 1;
        } else {
            printf("    SSL ready, SNI %s\n", SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name));
        }
        /* ... connect, STARTTLS, SSL_connect(), then SSL_get_verify_result() ... */
        SSL_free(ssl);
    }
    SSL_CTX_free(sctx);
    danehop_decision_free(d);
    danehop_ctx_free(ctx);
    return rc;
}
