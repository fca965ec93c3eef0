/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_cert.c - hostile certificate chains into danehop_verify()
 *
 * Input beginning with "-----BEGIN" is read as PEM certificates, the way
 * "danehop verify" reads CHAIN.pem; anything else is one or more DER
 * certificates, each prefixed with its length in two octets (an MTA hands
 * over DER). The chain is verified against TLSA records made from the
 * chain itself (so that matches happen: full leaf, SHA-256 of it, the
 * last certificate as a trust anchor) and a few that cannot match, with
 * reference names that include a wildcard-shaped one.
 */
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <string.h>

#include "danehop.h"
#include "fuzz.h"

const char fuzz_target[] = "cert";
const unsigned long fuzz_mutations = 3000;

#define MAX_CERTS 17 /* one more than the library takes */

typedef struct chain {
    unsigned char *der[MAX_CERTS];
    size_t len[MAX_CERTS];
    int owned[MAX_CERTS]; /* from OpenSSL (PEM) */
    size_t n;
} chain;

static void from_pem(chain *c, const uint8_t *data, size_t size)
{
    BIO *bio = BIO_new_mem_buf(data, (int) size);
    X509 *x;

    if (bio == NULL)
        return;
    while (c->n < MAX_CERTS && (x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
        unsigned char *der = NULL;
        int len = i2d_X509(x, &der);

        X509_free(x);
        if (len <= 0)
            break;
        c->der[c->n] = der;
        c->len[c->n] = (size_t) len;
        c->owned[c->n++] = 1;
    }
    BIO_free(bio);
}

static void from_der(chain *c, const uint8_t *data, size_t size)
{
    size_t off = 0;

    while (c->n < MAX_CERTS && off + 2 <= size) {
        size_t len = (size_t) data[off] << 8 | data[off + 1];

        off += 2;
        if (len > size - off)
            len = size - off;
        c->der[c->n] = (unsigned char *) data + off;
        c->len[c->n++] = len;
        off += len;
    }
}

static void verify(const danehop_tlsa_rr *recs, size_t nrecs, const chain *c)
{
    static const char *const names[] = {"mx.example.com", "example.com", "*.example.net"};
    danehop_verdict *v =
        danehop_verify(recs, nrecs, names, 3, (const unsigned char *const *) c->der, c->len, c->n);

    if (v == NULL)
        return;
    (void) danehop_verdict_reason(v);
    (void) danehop_verdict_peername(v);
    if (danehop_verdict_authenticated(v) && danehop_verdict_reason(v) == NULL)
        abort();
    danehop_verdict_free(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const unsigned char junk[32] = {1, 2, 3};
    unsigned char digest[32];
    unsigned int dlen = 0;
    chain c;
    danehop_tlsa_rr recs[5];
    size_t i;

    memset(&c, 0, sizeof(c));
    if (size >= 10 && memcmp(data, "-----BEGIN", 10) == 0)
        from_pem(&c, data, size);
    else
        from_der(&c, data, size);
    if (c.n > 0) {
        recs[0] = (danehop_tlsa_rr){3, 0, 0, c.der[0], c.len[0]};
        EVP_Digest(c.der[0], c.len[0], digest, &dlen, EVP_sha256(), NULL);
        recs[1] = (danehop_tlsa_rr){3, 0, 1, digest, dlen};
        recs[2] = (danehop_tlsa_rr){2, 0, 0, c.der[c.n - 1], c.len[c.n - 1]};
        recs[3] = (danehop_tlsa_rr){3, 1, 1, junk, sizeof(junk)};
        recs[4] = (danehop_tlsa_rr){2, 1, 1, junk, sizeof(junk)};
        verify(recs, 5, &c);
        verify(recs + 2, 1, &c); /* DANE-TA alone: names matter */
        verify(recs + 3, 2, &c); /* nothing can match */
    }
    for (i = 0; i < c.n; i++)
        if (c.owned[i])
            OPENSSL_free(c.der[i]);
    return 0;
}
