/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * base64.h - RFC 4648 base64, strict
 *
 * SYNOPSIS
 *   #include "base64.h"
 *
 *   size_t dh_base64_encode(const unsigned char *in, size_t len, char *out, size_t outlen);
 *   long dh_base64_decode(const char *in, size_t len, unsigned char *out, size_t outlen);
 *
 * DESCRIPTION
 *   Certificates cross two boundaries as base64: from Exim into the Exim
 *   module ($tls_out_peercert), and from a daemon client to danehopd's
 *   verify-v1 map. Both sides are hostile input, so decoding is strict:
 *   the standard alphabet only, a length that is a multiple of 4, at most
 *   two '=' and only at the end, no white space, and zero bits where the
 *   last character has bits to spare (one encoding per byte string).
 *
 *   dh_base64_encode() writes the NUL-terminated encoding and returns its
 *   length, or 0 when out (outlen bytes) is too small.
 *   dh_base64_decode() returns the number of bytes written to out, or -1
 *   for anything not strictly base64 or too long for outlen.
 */
#ifndef DANEHOP_BASE64_H
#define DANEHOP_BASE64_H

#include <stddef.h>

/* characters of the encoding of len bytes, without the NUL */
#define DH_BASE64_LEN(len) (((len) + 2) / 3 * 4)

size_t dh_base64_encode(const unsigned char *in, size_t len, char *out, size_t outlen);
long dh_base64_decode(const char *in, size_t len, unsigned char *out, size_t outlen);

#endif
