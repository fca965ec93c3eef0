/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cmd_probe.c - "danehop probe": resolve, connect, STARTTLS, verify, report
 *
 *   danehop probe [--port N] [--json] [--io-timeout S] [resolver options] DOMAIN
 *   danehop probe ... --host HOST [DOMAIN]
 *   (every option: options.c)
 *
 * For each address of each MX host that DANE decided for (dane, encrypt,
 * may): EHLO, STARTTLS, a TLS handshake set up exactly as an MTA should
 * (danehop_ssl_apply: SNI = base domain, the TLSA records, reference names),
 * then what was negotiated, what matched, whether the certificate names
 * every MX name that routes to this address (DANE-TA needs that), and
 * whether the TLSA RRset allows a safe key rollover.
 *
 * Exit status: 0 every probed address did what its decision requires,
 * 2 an address failed (no TLS where required, or not authenticated), 75 the
 * domain's decision is defer, 1 usage or set-up error.
 */
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "danehop.h"
#include "json_out.h"
#include "options.h"
#include "smtp_client.h"

#define MAX_ADDRS 8

typedef struct result {
    const char *host, *address, *action;
    int tls, authenticated, required_ok;
    char protocol[32], cipher[96], error[300], match[128];
    char names[1024]; /* JSON array of {"name","in_certificate"} */
    char names_text[512];
} result;

/* names_check - the certificate against every MX name that routes to addr */
static void names_check(result *r, X509 *cert, const danehop_decision *d, const char *addr)
{
    size_t i, k, nj = 0, nt = 0;

    nj += (size_t) snprintf(r->names, sizeof(r->names), "[");
    for (i = 0; i < danehop_decision_host_count(d); i++) {
        const danehop_host *h = danehop_decision_host(d, i);
        int routes = 0, in;

        for (k = 0; k < danehop_host_address_count(h); k++)
            routes |= strcmp(danehop_host_address(h, k), addr) == 0;
        if (!routes)
            continue;
        in = cert &&
             X509_check_host(cert, danehop_host_name(h), 0, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS, NULL) == 1;
        if (nj < sizeof(r->names))
            nj += (size_t) snprintf(r->names + nj, sizeof(r->names) - nj,
                                    "%s{\"name\":\"%s\",\"in_certificate\":%s}", nj > 1 ? "," : "",
                                    danehop_host_name(h), in ? "true" : "false");
        if (nt < sizeof(r->names_text))
            nt += (size_t) snprintf(r->names_text + nt, sizeof(r->names_text) - nt, "%s%s %s", nt ? ", " : "",
                                    danehop_host_name(h), in ? "yes" : "NO");
    }
    if (nj < sizeof(r->names))
        snprintf(r->names + nj, sizeof(r->names) - nj, "]");
}

static void probe_address(result *r, const danehop_decision *d, const danehop_host *h, const char *addr,
                          unsigned port, int timeout_s)
{
    danehop_action a = danehop_host_action(h);
    SSL_CTX *sctx = NULL;
    SSL *ssl = NULL;
    X509 *cert = NULL;
    int fd = -1;
    smtp_status st;

    memset(r, 0, sizeof(*r));
    r->host = danehop_host_name(h);
    r->address = addr;
    r->action = danehop_action_name(a);
    snprintf(r->names, sizeof(r->names), "[]");
    st = smtp_starttls(addr, port, timeout_s, &fd, r->error, sizeof(r->error));
    if (st != SMTP_OK) {
        /* without STARTTLS only "may" is satisfied (cleartext allowed) */
        r->required_ok = st == SMTP_NO_STARTTLS && a == DANEHOP_ACTION_MAY;
        return;
    }
    if ((sctx = SSL_CTX_new(TLS_client_method())) == NULL || SSL_CTX_dane_enable(sctx) <= 0 ||
        (ssl = SSL_new(sctx)) == NULL) {
        snprintf(r->error, sizeof(r->error), "OpenSSL set-up failed");
        goto out;
    }
    SSL_set_verify(ssl, SSL_VERIFY_NONE, NULL); /* the verdict is read after the handshake */
    if (a == DANEHOP_ACTION_DANE) {
        if (danehop_ssl_apply(ssl, h) != 0) {
            snprintf(r->error, sizeof(r->error), "cannot apply the TLSA set");
            goto out;
        }
    } else {
        SSL_set_tlsext_host_name(ssl, danehop_host_name(h));
    }
    SSL_set_fd(ssl, fd);
    if (SSL_connect(ssl) != 1) {
        unsigned long e = ERR_get_error();

        snprintf(r->error, sizeof(r->error), "TLS handshake failed: %s",
                 e ? ERR_reason_error_string(e) : "connection closed or timed out");
        goto out;
    }
    r->tls = 1;
    snprintf(r->protocol, sizeof(r->protocol), "%s", SSL_get_version(ssl));
    snprintf(r->cipher, sizeof(r->cipher), "%s", SSL_get_cipher_name(ssl));
    cert = SSL_get1_peer_certificate(ssl);
    names_check(r, cert, d, addr);
    if (a == DANEHOP_ACTION_DANE) {
        uint8_t u, s, m;
        const unsigned char *data;
        size_t dlen;
        long vr = SSL_get_verify_result(ssl);
        int depth = SSL_get0_dane_tlsa(ssl, &u, &s, &m, &data, &dlen);

        r->authenticated = vr == X509_V_OK && depth >= 0;
        if (r->authenticated)
            snprintf(r->match, sizeof(r->match), "%u %u %u at depth %d%s%s", u, s, m, depth,
                     SSL_get0_peername(ssl) ? ", name " : "",
                     SSL_get0_peername(ssl) ? SSL_get0_peername(ssl) : "");
        else
            snprintf(r->error, sizeof(r->error), "not authenticated: %s", X509_verify_cert_error_string(vr));
        r->required_ok = r->authenticated;
    } else {
        r->required_ok = 1;
    }
    SSL_shutdown(ssl);
out:
    X509_free(cert);
    SSL_free(ssl);
    SSL_CTX_free(sctx);
    if (fd >= 0)
        close(fd);
    ERR_clear_error();
}

static const char *rollover(const danehop_host *h)
{
    if (danehop_host_action(h) != DANEHOP_ACTION_DANE)
        return NULL;
    if (danehop_host_tlsa_count(h) >= 2)
        return "ready: more than one usable TLSA record";
    return "one TLSA record only: no safe key rollover; publish \"3 1 1\" for the current key and "
           "the next one, or \"3 1 1\" beside \"2 1 1\" for the issuing CA";
}

static void print_text(const result *r, const danehop_host *h)
{
    const char *roll = rollover(h);

    printf("\n%s [%s] (%s): %s\n", r->host, r->address, r->action, r->required_ok ? "OK" : "FAILED");
    if (r->tls)
        printf("  TLS:         %s, %s\n", r->protocol, r->cipher);
    if (danehop_host_sni(h))
        printf("  SNI:         %s\n", danehop_host_sni(h));
    if (*r->match)
        printf("  matched:     TLSA %s\n", r->match);
    if (*r->error)
        printf("  problem:     %s\n", r->error);
    if (*r->names_text)
        printf("  MX names in the certificate: %s\n", r->names_text);
    if (roll)
        printf("  rollover:    %s\n", roll);
}

static void print_json(const result *r, const danehop_host *h, int first)
{
    const char *roll = rollover(h);

    printf("%s{\"host\":\"%s\",\"address\":\"%s\",\"action\":\"%s\",\"ok\":%s,\"tls\":%s,", first ? "" : ",",
           r->host, r->address, r->action, r->required_ok ? "true" : "false", r->tls ? "true" : "false");
    printf("\"protocol\":%s%s%s,\"cipher\":%s%s%s,", r->tls ? "\"" : "", r->tls ? r->protocol : "null",
           r->tls ? "\"" : "", r->tls ? "\"" : "", r->tls ? r->cipher : "null", r->tls ? "\"" : "");
    printf("\"sni\":");
    json_print_string(danehop_host_sni(h));
    printf(",\"authenticated\":%s,\"match\":", r->authenticated ? "true" : "false");
    json_print_string(*r->match ? r->match : NULL);
    printf(",\"error\":");
    json_print_string(*r->error ? r->error : NULL);
    printf(",\"mx_names\":%s,\"rollover\":", r->names);
    json_print_string(roll);
    printf("}");
}

int cmd_probe(int argc, char **argv)
{
    danehop_ctx *ctx;
    danehop_decision *d = NULL;
    const char *host = NULL, *domain = NULL;
    unsigned long port = 25, io = 10;
    int json = 0, c, rc = CLI_EXIT_USAGE, failed = 0, first = 1;
    cli_parser p;
    size_t i, k;

    if ((rc = cli_begin(&p, "probe", 1, argc, argv)) != CLI_GO_ON)
        return rc;
    ctx = p.ctx;
    rc = CLI_EXIT_USAGE;
    while ((c = cli_next(&p)) > 0) {
        switch (c) {
        case OPT_JSON: json = 1; break;
        case OPT_HOST: host = optarg; break;
        case OPT_PORT:
            if (cli_parse_port(&p, optarg, &port) != 0)
                goto out;
            break;
        case OPT_IO_TIMEOUT:
            if (cli_parse_uint(optarg, 300, &io) != 0 || io == 0) {
                cli_error(&p, "--io-timeout %s: seconds, 1 to 300", optarg);
                goto out;
            }
            break;
        default: break;
        }
    }
    if (c < 0 || cli_domain_operand(&p, host, &domain) != 0)
        goto out;
    if (danehop_resolve(ctx, domain, host, (unsigned) port, DANEHOP_POLICY_OPPORTUNISTIC, 0, &d) != 0) {
        cli_error(&p, "%s", danehop_ctx_error(ctx));
        goto out;
    }
    if (json) {
        printf("{\"domain\":");
        json_print_string(danehop_decision_domain(d));
        printf(",\"status\":\"%s\",\"reason\":", danehop_status_name(danehop_decision_status(d)));
        json_print_string(danehop_decision_reason(d));
        printf(",\"probes\":[");
    } else {
        printf("%s: %s (%s)\n", domain ? domain : host, danehop_status_name(danehop_decision_status(d)),
               danehop_decision_reason(d));
    }
    for (i = 0; i < danehop_decision_host_count(d); i++) {
        const danehop_host *h = danehop_decision_host(d, i);
        danehop_action a = danehop_host_action(h);

        if (a == DANEHOP_ACTION_DEFER || a == DANEHOP_ACTION_NOADDRESS) {
            if (!json)
                printf("\n%s: %s, not probed (%s)\n", danehop_host_name(h), danehop_action_name(a),
                       danehop_host_reason(h));
            continue;
        }
        for (k = 0; k < danehop_host_address_count(h) && k < MAX_ADDRS; k++) {
            result r;

            probe_address(&r, d, h, danehop_host_address(h, k), (unsigned) port, (int) io);
            failed |= !r.required_ok;
            if (json)
                print_json(&r, h, first);
            else
                print_text(&r, h);
            first = 0;
        }
    }
    if (json)
        printf("]}\n");
    rc = danehop_decision_status(d) == DANEHOP_STATUS_DEFER ? CLI_EXIT_TEMPFAIL
         : failed                                           ? CLI_EXIT_NOTAUTH
                                                            : CLI_EXIT_OK;
out:
    danehop_decision_free(d);
    danehop_ctx_free(ctx);
    return rc;
}
