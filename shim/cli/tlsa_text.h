/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tlsa_text.h - a TLSA record in presentation form, as typed by a person
 *
 * SYNOPSIS
 *   #include "tlsa_text.h"
 *
 *   int tlsa_text_parse(const char *text, danehop_tlsa_rr *r, unsigned char **data);
 *
 * DESCRIPTION
 *   "U S M HEX": usage, selector and matching type as decimal octets, then
 *   the association data in hex, with spaces, tabs or colons allowed
 *   between octets (as dig and openssl print them). On success r points
 *   at the data, *data is the same buffer for the caller to free, and 0 is
 *   returned; -1 when the text is not such a record. Whether the record is
 *   usable is for the library to judge, not the parser.
 */
#ifndef DANEHOP_TLSA_TEXT_H
#define DANEHOP_TLSA_TEXT_H

#include "danehop.h"

/* the longest association data accepted (the rdata limit) */
#define TLSA_TEXT_MAX_DATA 65535

int tlsa_text_parse(const char *text, danehop_tlsa_rr *r, unsigned char **data);

#endif
