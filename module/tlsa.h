/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tlsa.h - TLSA records (RFC 6698): parse, usability, digest agility
 *
 * "Usable" follows RFC 7672 section 3.1 and RFC 6698 section 4.1: usages
 * DANE-TA(2) and DANE-EE(3) only (PKIX usages are undefined for SMTP and
 * treated as unusable, 3.1.3), selectors Cert(0) and SPKI(1), matching types
 * Full(0) holding one whole DER certificate (selector Cert) or public key
 * (selector SPKI), SHA2-256(1) with 32 octets and SHA2-512(2) with 64 octets.
 * Digest agility is RFC 7671 section 9.
 */
#ifndef DANEHOP_TLSA_H
#define DANEHOP_TLSA_H

#include <stddef.h>
#include <stdint.h>

/* a TLSA RRset larger than this is absurd: the host is deferred */
#define DH_TLSA_MAX_RECORDS 64

typedef struct dh_tlsa {
    uint8_t usage;
    uint8_t selector;
    uint8_t mtype;
    size_t len;
    const uint8_t *data;
} dh_tlsa;

typedef enum {
    DH_TLSA_USABLE = 0,
    DH_TLSA_PKIX, /* usage 0 or 1 */
    DH_TLSA_BAD_USAGE,
    DH_TLSA_BAD_SELECTOR,
    DH_TLSA_BAD_MTYPE,
    DH_TLSA_BAD_LENGTH,   /* digest length does not fit the matching type */
    DH_TLSA_MALFORMED,    /* Full(0) data that is not a certificate or key */
    DH_TLSA_WEAKER_DIGEST /* usable, but dropped by digest agility */
} dh_tlsa_verdict;

/* dh_tlsa_parse - split rdata; -1 when shorter than 4 octets */
int dh_tlsa_parse(const uint8_t *rd, size_t len, dh_tlsa *out);
/* dh_tlsa_check - usability of one record on its own */
dh_tlsa_verdict dh_tlsa_check(const dh_tlsa *t);
/*
 * dh_tlsa_select - fill verdict[i] for each of the n records, applying
 * digest agility across the set; returns how many are usable.
 */
size_t dh_tlsa_select(const dh_tlsa *recs, size_t n, dh_tlsa_verdict *verdict);
/* dh_tlsa_strverdict - why a record is not used */
const char *dh_tlsa_strverdict(dh_tlsa_verdict v);
/* dh_tlsa_format - "U S M hex" into out; returns bytes needed (like snprintf) */
size_t dh_tlsa_format(const dh_tlsa *t, char *out, size_t outlen);

#endif
