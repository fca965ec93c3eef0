/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * probe_addr.c - one live STARTTLS probe of one address (see probe_addr.h)
 *
 * DESCRIPTION
 *   The handshake is made with verification off and the verdict read
 *   afterwards, so that a failure can still say what the server presented.
 */
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "probe_addr.h"
#include "smtp_client.h"

/* names_check - the certificate against every MX name that routes to addr */
static void names_check(probe_result *r, X509 *cert, const danehop_decision *d, const char *addr)
{
    size_t i, k, nj = 0, nt = 0, nm = 0;

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
        if (!in && nm < sizeof(r->missing))
            nm += (size_t) snprintf(r->missing + nm, sizeof(r->missing) - nm, "%s%s", nm ? ", " : "",
                                    danehop_host_name(h));
    }
    if (nj < sizeof(r->names))
        snprintf(r->names + nj, sizeof(r->names) - nj, "]");
}

void probe_address(probe_result *r, const danehop_decision *d, const danehop_host *h, const char *addr,
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
