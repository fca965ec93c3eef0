/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * verify.h - a presented certificate chain against a TLSA set, with
 * OpenSSL's DANE support (RFC 7672 section 3; RFC 7671 sections 5, 10)
 *
 * No X.509 is parsed or built here: the chain, the records and the names
 * go into OpenSSL's DANE verifier (SSL_dane_enable, SSL_dane_tlsa_add,
 * X509_STORE_CTX_set0_dane) exactly as in a TLS handshake, with the SMTP
 * settings of RFC 7672: no name checks and no expiry for DANE-EE, names for
 * DANE-TA with wildcards only as a whole first label, SAN DNS-IDs before CN.
 */
#ifndef DANEHOP_VERIFY_H
#define DANEHOP_VERIFY_H

#include "danehop.h"

/* longest chain accepted, and largest certificate */
#define DH_MAX_CHAIN_CERTS 16
#define DH_MAX_CERT_BYTES  (64 * 1024)

#endif
