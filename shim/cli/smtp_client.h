/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * smtp_client.h - the SMTP dialogue up to STARTTLS, with a timeout on every step
 */
#ifndef DANEHOP_SMTP_CLIENT_H
#define DANEHOP_SMTP_CLIENT_H

#include <stddef.h>

typedef enum {
    SMTP_OK = 0, /* STARTTLS accepted: start the TLS handshake on the socket */
    SMTP_CONNECT_FAILED,
    SMTP_PROTOCOL,   /* unexpected or no reply */
    SMTP_NO_STARTTLS /* the server does not offer STARTTLS */
} smtp_status;

/*
 * smtp_starttls - connect to addr:port, read the greeting, EHLO, STARTTLS.
 * On SMTP_OK *fd is the socket; otherwise it is closed and why says what
 * happened. Every read and write waits at most timeout_s seconds.
 */
smtp_status smtp_starttls(const char *addr, unsigned port, int timeout_s, int *fd, char *why, size_t whylen);

#endif
