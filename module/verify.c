/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * verify.c - a presented certificate chain against a TLSA set (OpenSSL DANE)
 *
 * DESCRIPTION
 *   An SSL object that never connects carries the DANE state: it is made
 *   from a context with DANE enabled, given the base domain (SNI and first
 *   reference name), every TLSA record and the other reference names, and
 *   the flag that turns name checks off for DANE-EE. The chain is then
 *   verified with X509_verify_cert() against that state and an empty trust
 *   store: only the TLSA records can make it trusted.
 *
 *   OpenSSL reports the record that matched only for a "verified" SSL, so
 *   after a successful verification the result is recorded on the SSL
 *   object before asking.
 *
 *   DANE-TA needs a reference name: without one OpenSSL checks none, and
 *   a certificate the trust anchor issued to anyone would pass. With no
 *   names given, DANE-TA records are left out and say so.
 */
#include "verify.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decision.h"
#include "verdict.h"

/*
 * dane_ctx - one DANE-enabled SSL_CTX per process, made at the first check.
 * Making one costs about a millisecond in OpenSSL 3 (providers, cipher
 * lists), more than the check itself: danehopd checks chains for its
 * clients (verify-v1) all day. SSL_new() from a shared, no longer changed
 * SSL_CTX is safe from many threads; a child after fork() may keep using
 * it. No lock is held while it is made (a fork then would leave the child
 * a lock nobody releases): threads that race each make one, the first
 * published is kept and the others freed. A failure is not remembered:
 * the next check tries again.
 */
static SSL_CTX *dane_ctx(void)
{
    static _Atomic(SSL_CTX *) shared;
    SSL_CTX *sctx = atomic_load(&shared), *none = NULL;

    if (sctx != NULL)
        return sctx;
    if ((sctx = SSL_CTX_new(TLS_client_method())) == NULL)
        return NULL;
    if (SSL_CTX_dane_enable(sctx) <= 0) {
        SSL_CTX_free(sctx);
        return NULL;
    }
    if (!atomic_compare_exchange_strong(&shared, &none, sctx)) {
        SSL_CTX_free(sctx);
        sctx = none; /* another thread's, published first */
    }
    return sctx;
}

/*
 * has_names - whether reference names were given. Without one, OpenSSL
 * checks no name for DANE-TA and any certificate the TA issued would
 * pass for any host: DANE-TA records are then left out (RFC 7672 3.2.2).
 */
static int has_names(const char *const *names, size_t nnames)
{
    return nnames > 0 && names[0] != NULL && names[0][0] != '\0';
}

/* dane_ssl - an unconnected SSL object carrying the DANE state */
static SSL *dane_ssl(SSL_CTX *sctx, const danehop_tlsa_rr *recs, size_t nrecs, const char *const *names,
                     size_t nnames, char *why, size_t whylen)
{
    SSL *ssl = SSL_new(sctx);
    size_t i, usable = 0, ta_unnamed = 0;
    int named = has_names(names, nnames);

    if (ssl == NULL) {
        snprintf(why, whylen, "OpenSSL: cannot create a TLS object");
        return NULL;
    }
    if (SSL_dane_enable(ssl, named ? names[0] : NULL) <= 0) {
        snprintf(why, whylen, "OpenSSL: cannot enable DANE");
        SSL_free(ssl);
        return NULL;
    }
    /* RFC 7672 3.2.1: no name checks with DANE-EE; 3.2.3: whole-label wildcards */
    SSL_dane_set_flags(ssl, DANE_FLAG_NO_DANE_EE_NAMECHECKS);
    SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    for (i = 1; named && i < nnames; i++)
        SSL_add1_host(ssl, names[i]);
    for (i = 0; i < nrecs; i++) {
        if (recs[i].usage == 2 && !named)
            ta_unnamed++;
        else if (SSL_dane_tlsa_add(ssl, recs[i].usage, recs[i].selector, recs[i].mtype, recs[i].data,
                                   recs[i].len) > 0)
            usable++;
    }
    ERR_clear_error();
    if (usable == 0) {
        /* OpenSSL would fall back to the (empty) trust store: say what it is */
        snprintf(why, whylen, "%s",
                 ta_unnamed ? "not authenticated: DANE-TA records need a reference name to check "
                              "the certificate against (RFC 7672 section 3.2.2), and none was given"
                            : "no usable TLSA record to authenticate with");
        SSL_free(ssl);
        return NULL;
    }
    return ssl;
}

/*
 * load_chain - DER certificates into the leaf and the rest; 0, or -1 with
 * v->reason saying what is wrong with the input
 */
static int load_chain(danehop_verdict *v, const unsigned char *const *der, const size_t *derlen, size_t nder,
                      X509 **leaf, STACK_OF(X509) * chain)
{
    size_t i;

    if (nder == 0) {
        snprintf(v->reason, sizeof(v->reason), "the server presented no certificate");
        return -1;
    }
    if (nder > DH_MAX_CHAIN_CERTS) {
        snprintf(v->reason, sizeof(v->reason), "chain of %zu certificates: more than %d, refused", nder,
                 DH_MAX_CHAIN_CERTS);
        return -1;
    }
    for (i = 0; i < nder; i++) {
        const unsigned char *p = der[i];
        X509 *x;

        if (derlen[i] == 0 || derlen[i] > DH_MAX_CERT_BYTES) {
            snprintf(v->reason, sizeof(v->reason), "certificate %zu: %s", i,
                     derlen[i] ? "larger than 64 KiB, refused" : "empty");
            return -1;
        }
        x = d2i_X509(NULL, &p, (long) derlen[i]);
        if (x == NULL || p != der[i] + derlen[i]) {
            X509_free(x);
            snprintf(v->reason, sizeof(v->reason), "certificate %zu: malformed DER", i);
            return -1;
        }
        if (i == 0)
            *leaf = x;
        else if (!sk_X509_push(chain, x)) {
            X509_free(x);
            snprintf(v->reason, sizeof(v->reason), "out of memory");
            return -1;
        }
    }
    return 0;
}

/* matched - record what authenticated the chain */
static void matched(danehop_verdict *v, SSL *ssl, X509_STORE_CTX *xctx)
{
    uint8_t u, s, m;
    const unsigned char *data;
    size_t dlen;
    const char *peer = X509_VERIFY_PARAM_get0_peername(X509_STORE_CTX_get0_param(xctx));

    /* OpenSSL reports the matching record only for a verified SSL */
    SSL_set_verify_result(ssl, X509_V_OK);
    v->authenticated = 1;
    v->depth = SSL_get0_dane_tlsa(ssl, &u, &s, &m, &data, &dlen);
    if (v->depth >= 0) {
        v->usage = u;
        v->selector = s;
        v->mtype = m;
    }
    snprintf(v->peername, sizeof(v->peername), "%s", peer ? peer : "");
    snprintf(v->reason, sizeof(v->reason),
             "authenticated: TLSA %d %d %d matched the certificate at depth %d%s%s%s", v->usage, v->selector,
             v->mtype, v->depth, v->usage == 3 ? " (DANE-EE: no name or expiry checks)" : "",
             *v->peername ? ", name " : "", v->peername);
}

/* not_matched - say why OpenSSL refused the chain */
static void not_matched(danehop_verdict *v, X509_STORE_CTX *xctx)
{
    int err = X509_STORE_CTX_get_error(xctx);

    snprintf(v->reason, sizeof(v->reason), "not authenticated: %s (depth %d)%s",
             X509_verify_cert_error_string(err), X509_STORE_CTX_get_error_depth(xctx),
             err == X509_V_ERR_HOSTNAME_MISMATCH
                 ? ": the certificate names none of the reference names (DANE-TA)"
             : err == X509_V_ERR_DANE_NO_MATCH ? ": no TLSA record matches the chain"
                                               : "");
}

/*
 * check_chain - verify leaf and chain against the DANE state of ssl, with
 * an empty trust store: only the TLSA records can make the chain trusted
 */
static void check_chain(danehop_verdict *v, SSL *ssl, X509 *leaf, STACK_OF(X509) * chain)
{
    X509_STORE *store = X509_STORE_new();
    X509_STORE_CTX *xctx = X509_STORE_CTX_new();

    if (store == NULL || xctx == NULL || !X509_STORE_CTX_init(xctx, store, leaf, chain)) {
        snprintf(v->reason, sizeof(v->reason), "OpenSSL: cannot set up verification");
    } else {
        X509_STORE_CTX_set_default(xctx, "ssl_server");
        X509_VERIFY_PARAM_set1(X509_STORE_CTX_get0_param(xctx), SSL_get0_param(ssl));
        X509_STORE_CTX_set0_dane(xctx, SSL_get0_dane(ssl));
        if (X509_verify_cert(xctx) == 1)
            matched(v, ssl, xctx);
        else
            not_matched(v, xctx);
    }
    X509_STORE_CTX_free(xctx);
    X509_STORE_free(store);
}

danehop_verdict *danehop_verify(const danehop_tlsa_rr *recs, size_t nrecs, const char *const *names,
                                size_t nnames, const unsigned char *const *der, const size_t *derlen,
                                size_t nder)
{
    danehop_verdict *v = dh_verdict_new();
    SSL_CTX *sctx = NULL;
    SSL *ssl = NULL;
    STACK_OF(X509) *chain = NULL;
    X509 *leaf = NULL;

    if (v == NULL)
        return NULL;
    if ((chain = sk_X509_new_null()) == NULL) {
        snprintf(v->reason, sizeof(v->reason), "out of memory");
        return v;
    }
    if (load_chain(v, der, derlen, nder, &leaf, chain) != 0)
        goto out;
    if ((sctx = dane_ctx()) == NULL) {
        snprintf(v->reason, sizeof(v->reason), "OpenSSL: cannot set up DANE");
        goto out;
    }
    if ((ssl = dane_ssl(sctx, recs, nrecs, names, nnames, v->reason, sizeof(v->reason))) != NULL)
        check_chain(v, ssl, leaf, chain);
out:
    ERR_clear_error();
    SSL_free(ssl);
    X509_free(leaf);
    sk_X509_pop_free(chain, X509_free);
    return v;
}

danehop_verdict *danehop_verify_host(const danehop_host *h, const unsigned char *const *der,
                                     const size_t *derlen, size_t nder)
{
    danehop_tlsa_rr recs[DH_TLSA_MAX];
    size_t i, n = h->ntlsa < DH_TLSA_MAX ? h->ntlsa : DH_TLSA_MAX;

    if (h->action != DANEHOP_ACTION_DANE) {
        danehop_verdict *v = dh_verdict_new();

        if (v != NULL)
            snprintf(v->reason, sizeof(v->reason),
                     "the decision for %s is %s, not dane: nothing to "
                     "authenticate against",
                     h->name, danehop_action_name(h->action));
        return v;
    }
    for (i = 0; i < n; i++) {
        recs[i].usage = h->tlsa[i].usage;
        recs[i].selector = h->tlsa[i].selector;
        recs[i].mtype = h->tlsa[i].mtype;
        recs[i].data = h->tlsa[i].data;
        recs[i].len = h->tlsa[i].len;
    }
    return danehop_verify(recs, n, h->names, h->nnames, der, derlen, nder);
}

int danehop_ssl_apply(struct ssl_st *ssl, const danehop_host *h)
{
    size_t i, usable = 0;

    if (h->action != DANEHOP_ACTION_DANE || h->nnames == 0)
        return -1;
    /* RFC 7672 8.1: SNI is the TLSA base domain */
    if (SSL_set_tlsext_host_name(ssl, h->sni) != 1)
        return -1;
    if (SSL_dane_enable(ssl, h->base_domain) <= 0)
        return -1;
    SSL_dane_set_flags(ssl, DANE_FLAG_NO_DANE_EE_NAMECHECKS);
    SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    for (i = 1; i < h->nnames; i++)
        if (SSL_add1_host(ssl, h->names[i]) != 1)
            return -1;
    for (i = 0; i < h->ntlsa; i++)
        if (SSL_dane_tlsa_add(ssl, h->tlsa[i].usage, h->tlsa[i].selector, h->tlsa[i].mtype, h->tlsa[i].data,
                              h->tlsa[i].len) > 0)
            usable++;
    ERR_clear_error();
    return usable ? 0 : -1;
}
