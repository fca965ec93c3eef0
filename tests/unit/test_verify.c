/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_verify.c - danehop_verify() with certificates made in memory: DANE-EE
 * needs no name, DANE-TA needs one, and without reference names a DANE-TA
 * record authenticates nothing (issue 11: it used to authenticate any name)
 */
#include <openssl/sha.h>

#include "certgen.h"
#include "danehop.h"
#include "tap.h"

static unsigned char ta_hash[32], ee_hash[32];

static int check(const danehop_tlsa_rr *recs, size_t nrecs, const char *const *names, size_t nnames,
                 const unsigned char *const *der, const size_t *len, size_t nder, const char **why)
{
    static char reason[600];
    danehop_verdict *v = danehop_verify(recs, nrecs, names, nnames, der, len, nder);
    int auth;

    if (v == NULL)
        return -1;
    auth = danehop_verdict_authenticated(v);
    snprintf(reason, sizeof(reason), "%s", danehop_verdict_reason(v));
    *why = reason;
    danehop_verdict_free(v);
    return auth;
}

int main(void)
{
    EVP_PKEY *cakey = cg_key(), *key = cg_key();
    X509 *ca = cg_cert("Test TA", cakey, NULL, NULL);
    X509 *leaf = cg_cert("mx.example", key, ca, cakey);
    unsigned char *leaf_der, *ca_der, *spki;
    int leaf_len = cg_der(leaf, &leaf_der), ca_len = cg_der(ca, &ca_der), spki_len = cg_spki(leaf, &spki);
    const unsigned char *der[2] = {leaf_der, ca_der};
    size_t len[2] = {(size_t) leaf_len, (size_t) ca_len};
    danehop_tlsa_rr ta = {2, 0, 1, ta_hash, 32}, ee = {3, 1, 1, ee_hash, 32}, both[2];
    const char *right[] = {"mx.example"}, *wrong[] = {"other.example"}, *empty[] = {""};
    const char *why;

    SHA256(ca_der, (size_t) ca_len, ta_hash);
    SHA256(spki, (size_t) spki_len, ee_hash);
    both[0] = ta;
    both[1] = ee;
    both[1].data = (const unsigned char *) "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0";

    is_int(check(&ta, 1, right, 1, der, len, 2, &why), 1, "DANE-TA, the right reference name: authenticated");
    is_int(check(&ta, 1, wrong, 1, der, len, 2, &why), 0, "DANE-TA, a name the certificate lacks: refused");
    is_int(check(&ta, 1, NULL, 0, der, len, 2, &why), 0, "DANE-TA, no reference names: not authenticated");
    ok(strstr(why, "reference name") != NULL, "... and the reason says a name is needed (%s)", why);
    is_int(check(&ta, 1, empty, 1, der, len, 2, &why), 0, "DANE-TA, an empty name: not authenticated");
    is_int(check(both, 2, NULL, 0, der, len, 2, &why), 0,
           "DANE-TA beside a DANE-EE that does not match, no names: not authenticated");
    is_int(check(&ee, 1, NULL, 0, der, len, 2, &why), 1, "DANE-EE needs no name: authenticated");
    is_int(check(&ee, 1, wrong, 1, der, len, 1, &why), 1, "DANE-EE ignores names (RFC 7672 3.2.1)");

    OPENSSL_free(leaf_der);
    OPENSSL_free(ca_der);
    OPENSSL_free(spki);
    X509_free(leaf);
    X509_free(ca);
    EVP_PKEY_free(key);
    EVP_PKEY_free(cakey);
    return done_testing();
}
