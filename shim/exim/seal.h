/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * seal.h - carry a DANE-verified peer chain into Exim's continued (-MC)
 * delivery process, bound to the connection
 *
 * When a TLS connection carries more than one message, Exim 4.96 to 4.98
 * execs a fresh "exim -MC transport host address sequence id" with the
 * connection on stdin (for TLS, a socketpair to a proxy process that keeps
 * the session), plus -MCt local-address local-port cipher and -MCs SNI. No
 * certificate and no tls:cert event reach the new process, and everything
 * Exim carries is a name or an address that a later connection could
 * share. The verified chain is therefore handed over the only way that is
 * bound to this connection's lineage: an immutable (sealed) memory file
 * that the verifying process creates, makes inheritable only when Exim is
 * about to pass the connection on, and that the exec'd process finds among
 * its descriptors. A new connection in any process drops it.
 */
#ifndef DANEHOP_EXIM_SEAL_H
#define DANEHOP_EXIM_SEAL_H

#include <stddef.h>

/* the most certificates and bytes per certificate a seal holds */
#define DH_SEAL_MAX_CERTS 16
#define DH_SEAL_MAX_CERT  (64 * 1024)

/*
 * dh_seal_make - record der[0..n) (leaf first) as the verified chain of the
 * connection to host [address]:port, replacing any seal this process held.
 * The descriptor is close-on-exec until dh_seal_export(). Returns 0 or -1.
 */
int dh_seal_make(const char *host, const char *address, unsigned port, const unsigned char *const *der,
                 const size_t *len, size_t n);
/* dh_seal_export - let the next exec (Exim's -MC) inherit the seal; -1 if there is none */
int dh_seal_export(void);
/* dh_seal_drop - this process opened a connection of its own: forget every seal */
void dh_seal_drop(void);
/*
 * dh_seal_chain - the chain sealed for host [address]:port, inherited or
 * made here: *n certificates in der/len (malloc'd; free with
 * dh_seal_chain_free). Returns 0, or -1 when there is no such seal.
 */
int dh_seal_chain(const char *host, const char *address, unsigned port, unsigned char **der, size_t *len,
                  size_t *n);
void dh_seal_chain_free(unsigned char **der, size_t n);

#endif
