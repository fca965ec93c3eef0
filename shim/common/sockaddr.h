/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sockaddr.h - socket addresses from text, for the programs (danehopd,
 * danehop probe, danehop stats)
 *
 *   dh_sockaddr_ip      "192.0.2.1" or "2001:db8::1" and a port
 *   dh_sockaddr_parse   "unix:PATH" or "inet:ADDRESS:PORT" ("[2001:db8::1]:PORT")
 */
#ifndef DANEHOP_SOCKADDR_H
#define DANEHOP_SOCKADDR_H

#include <stddef.h>
#include <sys/socket.h>

/* dh_sockaddr_ip - an IP literal and a port into ss; 0, or -1 when addr is no IP address */
int dh_sockaddr_ip(const char *addr, unsigned port, struct sockaddr_storage *ss, socklen_t *len);
/*
 * dh_sockaddr_parse - a unix: or inet: socket specification into ss.
 * Returns 0, or -1 with why (whylen bytes) saying what is wrong.
 */
int dh_sockaddr_parse(const char *spec, struct sockaddr_storage *ss, socklen_t *len, char *why,
                      size_t whylen);
/* dh_sockaddr_loopback - whether an inet address is a loopback address */
int dh_sockaddr_loopback(const struct sockaddr_storage *ss);

#endif
