/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * certgen.h - real certificates for unit tests, made in memory with OpenSSL
 *
 * cg_key() makes a P-256 key; cg_cert() a certificate for a DNS name signed
 * by issuer (NULL: self-signed, a CA); cg_der() and cg_spki() the DER forms
 * a TLSA record holds. Everything here aborts the test on failure.
 */
#ifndef DANEHOP_CERTGEN_H
#define DANEHOP_CERTGEN_H

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>

static EVP_PKEY *cg_key(void)
{
    EVP_PKEY *k = EVP_EC_gen("P-256");

    if (k == NULL)
        exit(99);
    return k;
}

static void cg_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
    X509V3_CTX v3;
    X509_EXTENSION *e;

    X509V3_set_ctx(&v3, issuer ? issuer : x, x, NULL, NULL, 0);
    if ((e = X509V3_EXT_conf_nid(NULL, &v3, nid, value)) == NULL || !X509_add_ext(x, e, -1))
        exit(99);
    X509_EXTENSION_free(e);
}

/* cg_cert - a certificate for name (CN and SAN) with key, signed by issuer/ikey or itself */
static X509 *cg_cert(const char *name, EVP_PKEY *key, X509 *issuer, EVP_PKEY *ikey)
{
    X509 *x = X509_new();
    char san[300];

    if (x == NULL)
        exit(99);
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), issuer ? 2 : 1);
    X509_gmtime_adj(X509_getm_notBefore(x), -3600);
    X509_gmtime_adj(X509_getm_notAfter(x), 86400);
    X509_set_pubkey(x, key);
    X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC, (const unsigned char *) name, -1,
                               -1, 0);
    X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : X509_get_subject_name(x));
    if (issuer == NULL) {
        cg_ext(x, NULL, NID_basic_constraints, "critical,CA:TRUE");
    } else {
        snprintf(san, sizeof(san), "DNS:%s", name);
        cg_ext(x, issuer, NID_subject_alt_name, san);
    }
    if (!X509_sign(x, ikey ? ikey : key, EVP_sha256()))
        exit(99);
    return x;
}

/* cg_der - the certificate's DER (caller frees with OPENSSL_free) */
static int cg_der(X509 *x, unsigned char **der)
{
    *der = NULL;
    return i2d_X509(x, der);
}

/* cg_spki - the certificate's SubjectPublicKeyInfo DER (OPENSSL_free) */
static int cg_spki(X509 *x, unsigned char **der)
{
    *der = NULL;
    return i2d_PUBKEY(X509_get0_pubkey(x), der);
}

#endif
