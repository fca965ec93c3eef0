/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * netstring.h - netstrings ("12:hello world!,"), the socketmap framing
 */
#ifndef DANEHOP_NETSTRING_H
#define DANEHOP_NETSTRING_H

#include <stddef.h>

typedef enum {
    NS_OK = 0,  /* *payload, *plen and *used describe one netstring */
    NS_MORE,    /* incomplete: read more */
    NS_BAD,     /* not a netstring: drop the client */
    NS_TOO_LONG /* longer than the limit: drop the client */
} ns_status;

/*
 * ns_parse - find one netstring at the start of buf[0..len), payload at most
 * max bytes. On NS_OK, *used is the number of bytes it occupies.
 */
ns_status ns_parse(const char *buf, size_t len, size_t max, const char **payload, size_t *plen, size_t *used);
/* ns_format - frame payload into out; returns the length, or 0 if out is too small */
size_t ns_format(const char *payload, size_t plen, char *out, size_t outlen);

#endif
