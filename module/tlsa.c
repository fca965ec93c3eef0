/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tlsa.c - TLSA records: parse, usability, digest agility
 */
#include "tlsa.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <string.h>

int dh_tlsa_parse(const uint8_t *rd, size_t len, dh_tlsa *out)
{
    if (rd == NULL || len < 4)
        return -1;
    out->usage = rd[0];
    out->selector = rd[1];
    out->mtype = rd[2];
    out->data = rd + 3;
    out->len = len - 3;
    return 0;
}

/*
 * full_ok - whether Full(0) data is what its selector says: one whole DER
 * certificate (Cert) or SubjectPublicKeyInfo (SPKI), nothing after it.
 * Anything else can never match a chain: RFC 7671 section 9 discards such
 * malformed records before counting usable ones.
 */
static int full_ok(const dh_tlsa *t)
{
    const unsigned char *p = t->data;
    int ok = 0;

    if (t->len == 0 || t->len > 65536)
        return 0;
    if (t->selector == 0) {
        X509 *x = d2i_X509(NULL, &p, (long) t->len);

        ok = x != NULL && p == t->data + t->len;
        X509_free(x);
    } else {
        EVP_PKEY *k = d2i_PUBKEY(NULL, &p, (long) t->len);

        ok = k != NULL && p == t->data + t->len;
        EVP_PKEY_free(k);
    }
    ERR_clear_error();
    return ok;
}

dh_tlsa_verdict dh_tlsa_check(const dh_tlsa *t)
{
    if (t->usage == 0 || t->usage == 1)
        return DH_TLSA_PKIX;
    if (t->usage != 2 && t->usage != 3)
        return DH_TLSA_BAD_USAGE;
    if (t->selector > 1)
        return DH_TLSA_BAD_SELECTOR;
    switch (t->mtype) {
    case 0:
        if (t->len == 0)
            return DH_TLSA_BAD_LENGTH;
        return full_ok(t) ? DH_TLSA_USABLE : DH_TLSA_MALFORMED;
    case 1: return t->len == 32 ? DH_TLSA_USABLE : DH_TLSA_BAD_LENGTH;
    case 2: return t->len == 64 ? DH_TLSA_USABLE : DH_TLSA_BAD_LENGTH;
    default: return DH_TLSA_BAD_MTYPE;
    }
}

/* digest strength order of RFC 7671 section 9: SHA2-512 over SHA2-256 */
static int strength(uint8_t mtype) { return mtype == 2 ? 2 : mtype == 1 ? 1 : 0; }

size_t dh_tlsa_select(const dh_tlsa *recs, size_t n, dh_tlsa_verdict *verdict)
{
    /* strongest digest per usage (2, 3) and selector (0, 1) */
    int best[2][2] = {{0, 0}, {0, 0}};
    size_t i, usable = 0;

    for (i = 0; i < n; i++) {
        verdict[i] = dh_tlsa_check(&recs[i]);
        if (verdict[i] == DH_TLSA_USABLE) {
            int *b = &best[recs[i].usage - 2][recs[i].selector];

            if (strength(recs[i].mtype) > *b)
                *b = strength(recs[i].mtype);
        }
    }
    for (i = 0; i < n; i++) {
        if (verdict[i] != DH_TLSA_USABLE)
            continue;
        if (recs[i].mtype != 0 && strength(recs[i].mtype) < best[recs[i].usage - 2][recs[i].selector])
            verdict[i] = DH_TLSA_WEAKER_DIGEST;
        else
            usable++;
    }
    return usable;
}

const char *dh_tlsa_strverdict(dh_tlsa_verdict v)
{
    switch (v) {
    case DH_TLSA_USABLE: return "usable";
    case DH_TLSA_PKIX: return "PKIX-TA/PKIX-EE usage is undefined for SMTP (RFC 7672 section 3.1.3)";
    case DH_TLSA_BAD_USAGE: return "unknown certificate usage";
    case DH_TLSA_BAD_SELECTOR: return "unknown selector";
    case DH_TLSA_BAD_MTYPE: return "unknown matching type";
    case DH_TLSA_BAD_LENGTH: return "digest length does not match the matching type";
    case DH_TLSA_MALFORMED:
        return "Full(0) data is not a DER certificate or public key, as the selector says (RFC 7671 "
               "section 9)";
    case DH_TLSA_WEAKER_DIGEST:
        return "a stronger digest is published for the same usage and selector (RFC 7671 section 9)";
    }
    return "unusable";
}

size_t dh_tlsa_format(const dh_tlsa *t, char *out, size_t outlen)
{
    static const char hex[] = "0123456789abcdef";
    char head[16];
    int n = snprintf(head, sizeof(head), "%u %u %u ", t->usage, t->selector, t->mtype);
    size_t need = (size_t) n + 2 * t->len + 1, i, pos = (size_t) n;

    if (need > outlen) {
        if (outlen)
            out[0] = '\0';
        return need;
    }
    memcpy(out, head, (size_t) n);
    for (i = 0; i < t->len; i++) {
        out[pos++] = hex[t->data[i] >> 4];
        out[pos++] = hex[t->data[i] & 15];
    }
    out[pos] = '\0';
    return need;
}
