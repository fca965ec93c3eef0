/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cmd_verify.c - "danehop verify": does a certificate chain match TLSA records?
 *
 *   danehop verify [--json] --tlsa 'U S M HEX'... [--name NAME]... CHAIN.pem
 *   danehop verify [--json] [resolver options] [--port N] --host HOST [DOMAIN] CHAIN.pem
 *   (every option: options.c)
 *
 * The chain is PEM, leaf first. The first --name is the base domain. With
 * --host the records and names come from a live decision. Exit status: 0
 * authenticated, 2 not authenticated (reason printed), 1 usage or input
 * error.
 */
#include <errno.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "danehop.h"
#include "json_out.h"
#include "options.h"
#include "tlsa_text.h"

#define MAX_TLSA  64
#define MAX_NAMES 16
#define MAX_CERTS 16

typedef struct input {
    danehop_tlsa_rr recs[MAX_TLSA];
    unsigned char *data[MAX_TLSA];
    size_t nrecs;
    const char *names[MAX_NAMES];
    size_t nnames;
    unsigned char *der[MAX_CERTS];
    size_t derlen[MAX_CERTS];
    size_t nder;
} input;

/* parse_tlsa - one --tlsa record (see tlsa_text.c) */
static int parse_tlsa(input *in, const char *text)
{
    if (in->nrecs == MAX_TLSA || tlsa_text_parse(text, &in->recs[in->nrecs], &in->data[in->nrecs]) != 0)
        return -1;
    in->nrecs++;
    return 0;
}

/* read_chain - PEM certificates, in file order, as DER */
static int read_chain(input *in, const char *path)
{
    FILE *f = fopen(path, "r");
    X509 *x;

    if (f == NULL) {
        fprintf(stderr, "danehop verify: %s: %s\n", path, strerror(errno));
        return -1;
    }
    while ((x = PEM_read_X509(f, NULL, NULL, NULL)) != NULL) {
        unsigned char *der = NULL;
        int len;

        if (in->nder == MAX_CERTS) {
            fprintf(stderr, "danehop verify: %s: more than %d certificates\n", path, MAX_CERTS);
            X509_free(x);
            fclose(f);
            return -1;
        }
        len = i2d_X509(x, &der);
        X509_free(x);
        if (len <= 0) {
            fclose(f);
            return -1;
        }
        in->der[in->nder] = der;
        in->derlen[in->nder++] = (size_t) len;
    }
    fclose(f);
    if (in->nder == 0) {
        fprintf(stderr, "danehop verify: %s: no PEM certificate found\n", path);
        return -1;
    }
    return 0;
}

static void input_free(input *in)
{
    size_t i;

    for (i = 0; i < in->nrecs; i++)
        free(in->data[i]);
    for (i = 0; i < in->nder; i++)
        OPENSSL_free(in->der[i]);
}

static void print_verdict(const danehop_verdict *v, int json, const char *host, const char *base)
{
    int u, s, m, depth;
    int matched = danehop_verdict_match(v, &u, &s, &m, &depth) == 0;

    if (!json) {
        printf("%s\n", danehop_verdict_reason(v));
        return;
    }
    printf("{\"authenticated\":%s,\"host\":", danehop_verdict_authenticated(v) ? "true" : "false");
    json_print_string(host);
    printf(",\"base_domain\":");
    json_print_string(base);
    if (matched)
        printf(",\"match\":{\"usage\":%d,\"selector\":%d,\"mtype\":%d,\"depth\":%d}", u, s, m, depth);
    else
        printf(",\"match\":null");
    printf(",\"peername\":");
    json_print_string(danehop_verdict_peername(v));
    printf(",\"reason\":");
    json_print_string(danehop_verdict_reason(v));
    printf("}\n");
}

int cmd_verify(int argc, char **argv)
{
    danehop_ctx *ctx;
    danehop_decision *d = NULL;
    danehop_verdict *v = NULL;
    const danehop_host *h = NULL;
    const char *host = NULL, *domain = NULL, *chain;
    unsigned long port = 25;
    int json = 0, c, rc = CLI_EXIT_USAGE;
    cli_parser p;
    input in;

    memset(&in, 0, sizeof(in));
    if ((rc = cli_begin(&p, "verify", 1, argc, argv)) != CLI_GO_ON)
        return rc;
    ctx = p.ctx;
    rc = CLI_EXIT_USAGE;
    while ((c = cli_next(&p)) > 0) {
        switch (c) {
        case OPT_JSON: json = 1; break;
        case OPT_TLSA:
            if (parse_tlsa(&in, optarg) != 0) {
                cli_error(&p, "--tlsa \"%.80s\": want \"usage selector mtype hex\"", optarg);
                goto out;
            }
            break;
        case OPT_NAME:
            if (in.nnames == MAX_NAMES) {
                cli_error(&p, "at most %d --name", MAX_NAMES);
                goto out;
            }
            in.names[in.nnames++] = optarg;
            break;
        case OPT_HOST: host = optarg; break;
        case OPT_PORT:
            if (cli_parse_port(&p, optarg, &port) != 0)
                goto out;
            break;
        default: break;
        }
    }
    if (c < 0)
        goto out;
    if (host != NULL && argc - optind == 2)
        domain = argv[optind++];
    if (argc - optind != 1 || (host == NULL && in.nrecs == 0) || (host != NULL && in.nrecs > 0)) {
        cli_error(&p, "give --tlsa 'U S M HEX'... CHAIN.pem, or --host HOST [DOMAIN] CHAIN.pem (see --help)");
        goto out;
    }
    chain = argv[optind];
    if (read_chain(&in, chain) != 0)
        goto out;
    if (host != NULL) {
        if (danehop_resolve(ctx, domain, host, (unsigned) port, DANEHOP_POLICY_OPPORTUNISTIC, 0, &d) != 0) {
            cli_error(&p, "%s", danehop_ctx_error(ctx));
            goto out;
        }
        if ((h = danehop_decision_host(d, 0)) == NULL) {
            cli_error(&p, "no decision for %s: %s", host, danehop_decision_reason(d));
            rc = CLI_EXIT_NOTAUTH;
            goto out;
        }
        v = danehop_verify_host(h, (const unsigned char *const *) in.der, in.derlen, in.nder);
    } else {
        v = danehop_verify(in.recs, in.nrecs, in.names, in.nnames, (const unsigned char *const *) in.der,
                           in.derlen, in.nder);
    }
    if (v == NULL) {
        cli_error(&p, "out of memory");
        goto out;
    }
    print_verdict(v, json, host, h ? danehop_host_base_domain(h) : in.nnames ? in.names[0] : NULL);
    rc = danehop_verdict_authenticated(v) ? CLI_EXIT_OK : CLI_EXIT_NOTAUTH;
out:
    danehop_verdict_free(v);
    danehop_decision_free(d);
    danehop_ctx_free(ctx);
    input_free(&in);
    return rc;
}
