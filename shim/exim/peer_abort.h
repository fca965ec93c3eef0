/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * peer_abort.h - cut this process's TCP connection to a peer that failed DANE
 *
 * SYNOPSIS
 *   #include "peer_abort.h"
 *
 *   int peer_abort(const char *address, unsigned port);
 *
 * DESCRIPTION
 *   Exim's tls:cert event can refuse a certificate, but on Exim's OpenSSL
 *   builds the refusal is ignored in try-verify mode (the smtp transport's
 *   default, and the only mode in which a DANE-EE certificate that no public
 *   CA signed can be accepted), so the handshake would complete and Exim
 *   would speak EHLO to the unauthenticated peer. The module calls
 *   peer_abort() from inside that event, which runs during the handshake, in
 *   the TLS library's verify callback: the socket connected to address:port
 *   is shut down (shutdown(2) both ways; the descriptor stays Exim's, so no
 *   descriptor can be reused under Exim's feet), the TLS library fails to
 *   finish the handshake, and Exim treats it as a TLS failure: with
 *   hosts_require_tls matching, the host is deferred and nothing more, not
 *   even a cleartext QUIT, reaches the peer.
 *
 *   Returns the number of sockets shut down: 0 when none matched (a
 *   connection through a proxy, say; the per-message gate still holds), -1
 *   when address is not an IP address.
 */
#ifndef DANEHOP_PEER_ABORT_H
#define DANEHOP_PEER_ABORT_H

int peer_abort(const char *address, unsigned port);

#endif
