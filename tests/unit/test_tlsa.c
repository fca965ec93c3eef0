/* SPDX-License-Identifier: BSD-2-Clause */
/* test_tlsa.c - TLSA parsing, usability and digest agility */
#include "certgen.h"
#include "tap.h"
#include "tlsa.h"

static unsigned char *cert_der, *spki_der;
static int cert_len, spki_len;

/* a Full(0) record holding real DER: a certificate (selector 0) or a key (1) */
static dh_tlsa full(uint8_t u, uint8_t s)
{
    dh_tlsa t = {u, s, 0, (size_t) (s == 0 ? cert_len : spki_len), s == 0 ? cert_der : spki_der};

    return t;
}

/*
 * issue 11: Full(0) data that is not what the selector says can never
 * match, so it is unusable (RFC 7671 section 9), and a secure RRset of
 * only such records means "encrypt" (no record to authenticate with)
 */
static void malformed_full(void)
{
    unsigned char junk[200];
    dh_tlsa t, set[3];
    dh_tlsa_verdict v[3];

    memset(junk, 0xab, sizeof(junk));
    t = full(3, 0);
    is_int(dh_tlsa_check(&t), DH_TLSA_USABLE, "3 0 0 with a DER certificate: usable");
    t = full(2, 1);
    is_int(dh_tlsa_check(&t), DH_TLSA_USABLE, "2 1 0 with a DER public key: usable");
    t = full(3, 0);
    t.data = junk;
    t.len = sizeof(junk);
    is_int(dh_tlsa_check(&t), DH_TLSA_MALFORMED, "3 0 0 with bytes that are no certificate: malformed");
    t = full(2, 1);
    t.data = junk;
    t.len = sizeof(junk);
    is_int(dh_tlsa_check(&t), DH_TLSA_MALFORMED, "2 1 0 with bytes that are no key: malformed");
    t = full(3, 1);
    t.data = cert_der;
    t.len = (size_t) cert_len;
    is_int(dh_tlsa_check(&t), DH_TLSA_MALFORMED, "3 1 0 holding a certificate, not a key: malformed");
    t = full(3, 0);
    t.len--;
    is_int(dh_tlsa_check(&t), DH_TLSA_MALFORMED, "3 0 0 with a truncated certificate: malformed");
    ok(strstr(dh_tlsa_strverdict(DH_TLSA_MALFORMED), "RFC 7671 section 9") != NULL, "... and says why");

    set[0] = set[1] = set[2] = full(3, 0);
    set[0].data = junk;
    set[1].mtype = 0, set[1].selector = 1, set[1].data = junk;
    set[2].usage = 2, set[2].data = junk, set[2].len = 3;
    is_int(dh_tlsa_select(set, 3, v), 0, "a set of only malformed Full(0) records has no usable record");
    set[2] = full(3, 1);
    is_int(dh_tlsa_select(set, 3, v), 1, "... and a good key beside them is the one usable record");
}

static dh_tlsa rec(uint8_t u, uint8_t s, uint8_t m, size_t len)
{
    static const uint8_t data[128] = {0xab, 0xcd};
    dh_tlsa t = {u, s, m, len, data};

    return t;
}

int main(void)
{
    const uint8_t rd[] = {3, 1, 1, 0xde, 0xad};
    dh_tlsa t, set[8];
    dh_tlsa_verdict v[8];
    char text[300];
    size_t need;
    EVP_PKEY *key = cg_key();
    X509 *cert = cg_cert("mx.example", key, NULL, NULL);

    cert_len = cg_der(cert, &cert_der);
    spki_len = cg_spki(cert, &spki_der);
    malformed_full();

    is_int(dh_tlsa_parse(rd, sizeof(rd), &t), 0, "parse 3 1 1 dead");
    is_int(t.usage, 3, "usage");
    is_int(t.len, 2, "data length");
    is_int(dh_tlsa_parse(rd, 3, &t), -1, "3 octets: no data, malformed");
    is_int(dh_tlsa_parse(NULL, 0, &t), -1, "empty rdata");

    t = rec(3, 1, 1, 32);
    is_int(dh_tlsa_check(&t), DH_TLSA_USABLE, "3 1 1 / 32 usable");
    t = rec(3, 1, 1, 31);
    is_int(dh_tlsa_check(&t), DH_TLSA_BAD_LENGTH, "3 1 1 / 31 bad length");
    t = rec(3, 1, 1, 64);
    is_int(dh_tlsa_check(&t), DH_TLSA_BAD_LENGTH, "3 1 1 / 64 bad length");
    t = rec(3, 0, 2, 64);
    is_int(dh_tlsa_check(&t), DH_TLSA_USABLE, "3 0 2 / 64 usable");
    t = full(2, 0);
    is_int(dh_tlsa_check(&t), DH_TLSA_USABLE, "2 0 0 full usable");
    t = rec(2, 0, 0, 0);
    is_int(dh_tlsa_check(&t), DH_TLSA_BAD_LENGTH, "2 0 0 empty unusable");
    t = rec(0, 0, 1, 32);
    is_int(dh_tlsa_check(&t), DH_TLSA_PKIX, "PKIX-TA unusable");
    t = rec(1, 1, 1, 32);
    is_int(dh_tlsa_check(&t), DH_TLSA_PKIX, "PKIX-EE unusable");
    t = rec(4, 1, 1, 32);
    is_int(dh_tlsa_check(&t), DH_TLSA_BAD_USAGE, "usage 4 unusable");
    t = rec(3, 2, 1, 32);
    is_int(dh_tlsa_check(&t), DH_TLSA_BAD_SELECTOR, "selector 2 unusable");
    t = rec(3, 1, 3, 32);
    is_int(dh_tlsa_check(&t), DH_TLSA_BAD_MTYPE, "mtype 3 unusable");

    /* agility: per usage+selector, Full(0) plus the strongest digest */
    set[0] = rec(3, 1, 1, 32);
    set[1] = rec(3, 1, 2, 64);
    set[2] = full(3, 1);
    set[3] = rec(2, 0, 1, 32);
    set[4] = rec(3, 0, 1, 32);
    set[5] = rec(0, 0, 2, 64);
    is_int(dh_tlsa_select(set, 6, v), 4, "four usable after agility");
    is_int(v[0], DH_TLSA_WEAKER_DIGEST, "3 1 1 dropped for 3 1 2");
    is_int(v[1], DH_TLSA_USABLE, "3 1 2 kept");
    is_int(v[2], DH_TLSA_USABLE, "3 1 0 kept (Full)");
    is_int(v[3], DH_TLSA_USABLE, "2 0 1 kept (other usage)");
    is_int(v[4], DH_TLSA_USABLE, "3 0 1 kept (other selector)");
    is_int(v[5], DH_TLSA_PKIX, "PKIX does not count towards agility");

    /* a malformed stronger digest must not knock out a good weaker one */
    set[0] = rec(3, 1, 1, 32);
    set[1] = rec(3, 1, 2, 63);
    is_int(dh_tlsa_select(set, 2, v), 1, "bad-length 3 1 2 does not win agility");
    is_int(v[0], DH_TLSA_USABLE, "3 1 1 stays usable");

    t = rec(3, 1, 1, 2);
    need = dh_tlsa_format(&t, text, sizeof(text));
    is_str(text, "3 1 1 abcd", "presentation form");
    is_int(need, 11, "size needed");
    need = dh_tlsa_format(&t, text, 5);
    is_int(need, 11, "short buffer: size still reported");
    is_str(text, "", "short buffer: empty string, no overflow");
    OPENSSL_free(cert_der);
    OPENSSL_free(spki_der);
    X509_free(cert);
    EVP_PKEY_free(key);
    return done_testing();
}
