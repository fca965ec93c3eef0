/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * wire.h - DNS wire format: names, rdata of the types danehop reads, and
 * the CNAME chain in an answer packet
 *
 * Everything here treats its input as hostile: every length is checked
 * against the buffer, compression pointers must point backwards and are
 * counted, and names are rendered with \DDD escapes for any octet outside
 * letters, digits, hyphen and underscore, so a label holding a dot or a NUL
 * can never pass for another name.
 */
#ifndef DANEHOP_WIRE_H
#define DANEHOP_WIRE_H

#include <stddef.h>
#include <stdint.h>

/* room for a presentation name with every octet escaped as \DDD */
#define DH_WIRE_NAME_BUF (255 * 4 + 1)
/* longest CNAME chain danehop follows (libunbound stops at 11) */
#define DH_MAX_CHAIN 12

/*
 * dh_wire_name - decode the name at *off in msg[0..len) into out
 * (DH_WIRE_NAME_BUF bytes), lower-cased, without the trailing dot ("." for
 * the root). Compression pointers are followed only if allow_ptr. On
 * success *off is just past the name and 0 is returned; -1 on any malformation.
 */
int dh_wire_name(const uint8_t *msg, size_t len, size_t *off, int allow_ptr, char *out);

/* dh_rdata_mx - MX rdata: preference and exchange (uncompressed) */
int dh_rdata_mx(const uint8_t *rd, size_t len, unsigned *pref, char *exchange);
/* dh_rdata_cname - CNAME rdata: the target (uncompressed) */
int dh_rdata_cname(const uint8_t *rd, size_t len, char *target);
/* dh_rdata_addr - A (4 octets) or AAAA (16 octets) rdata to text; out >= 46 */
int dh_rdata_addr(const uint8_t *rd, size_t len, char *out, size_t outlen);

typedef struct dh_chain {
    size_t n; /* names in the chain, qname first */
    char name[DH_MAX_CHAIN + 1][DH_WIRE_NAME_BUF];
    int loop;      /* a name came back: CNAME loop */
    int truncated; /* longer than DH_MAX_CHAIN */
} dh_chain;

/*
 * dh_packet_chain - follow the CNAME records in the answer section of msg
 * from qname; chain->name[0] is qname, the last entry is the final target.
 * Returns 0, or -1 when the packet is malformed.
 */
int dh_packet_chain(const uint8_t *msg, size_t len, const char *qname, dh_chain *chain);

#endif
