/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * decform.h - a decision, a chain check and its verdict as text that
 * crosses danehopd's socket whole
 *
 * SYNOPSIS
 *   int dh_decform_render(const danehop_decision *d, dh_buf *b);
 *   int dh_decform_parse(const char *text, size_t len, danehop_decision **out,
 *                        char *err, size_t errlen);
 *
 *   int dh_decform_render_check(const danehop_host *h, const unsigned char *const *der,
 *                               const size_t *len, size_t n, dh_buf *b);
 *   int dh_decform_parse_check(const char *text, size_t len, danehop_decision **holder,
 *                              const unsigned char **der, size_t *derlen, size_t *n,
 *                              char *err, size_t errlen);
 *   int dh_decform_render_verdict(const danehop_verdict *v, dh_buf *b);
 *   int dh_decform_parse_verdict(const char *text, size_t len, danehop_verdict **out,
 *                                char *err, size_t errlen);
 *
 * DESCRIPTION
 *   Format "danehop-decision 1": one "key value" line per field, in a fixed
 *   order, strings percent-encoded ('-' alone is NULL, "=text" a string),
 *   lists preceded by their count. The parser is strict: every key in its
 *   place, every count and length bounded, anything else refused.
 *
 *   A chain check ("danehop-check 1", danehopd's verify-v1 map) is one
 *   host of a decision in the same lines, "certs N" and N lines "cert
 *   BASE64" (DER, leaf first), then "end". A client that must not load
 *   OpenSSL (client.c) has the daemon check the chain against exactly the
 *   TLSA records and names of the decision it acts on. parse_check gives
 *   the host as the only host of *holder, whose arena also holds the
 *   certificates; der and derlen have room for DH_CHECK_MAX_CERTS.
 *
 *   The verdict ("danehop-verdict 1") is authenticated 0|1, usage,
 *   selector, mtype and depth of the matching record each plus one (0:
 *   none), peername and reason.
 */
#ifndef DANEHOP_DECFORM_H
#define DANEHOP_DECFORM_H

#include <stddef.h>

#include "buf.h"
#include "danehop.h"
#include "verify.h"

#define DH_DECFORM_VERSION     1
#define DH_DECFORM_MAX         100000             /* bytes of one rendered decision */
#define DH_DECFORM_MAX_STR     2048               /* decoded bytes of one string */
#define DH_DECFORM_MAX_LIST    64                 /* items of one list */
#define DH_DECFORM_MAX_QUERIES 1024               /* entries of the query log */
#define DH_CHECK_MAX           (96 * 1024)        /* bytes of one rendered chain check */
#define DH_CHECK_MAX_CERTS     DH_MAX_CHAIN_CERTS /* verify.h: what a check takes at all */
#define DH_CHECK_MAX_CERT      DH_MAX_CERT_BYTES

/* dh_decform_render - append d's text to b; -1 when b failed */
/* dh_decform_render - d as text onto b; 0, or -1 when b ran out */
int dh_decform_render(const danehop_decision *d, dh_buf *b);
/* dh_decform_parse - the decision in text into *out; 0, or -1 with err set */
int dh_decform_parse(const char *text, size_t len, danehop_decision **out, char *err, size_t errlen);
/*
 * dh_decform_render_check - a chain check of n certificates against h onto
 * b; 0, -1 when the chain is past DH_CHECK_MAX_CERTS, DH_CHECK_MAX_CERT or
 * DH_CHECK_MAX (the check's own text, whatever b held before), -2 when out
 * of memory
 */
int dh_decform_render_check(const danehop_host *h, const unsigned char *const *der, const size_t *len,
                            size_t n, dh_buf *b);
/*
 * dh_decform_parse_check - a chain check: its host as the only host of
 * *holder, the certificates (in *holder's arena) in der and derlen, which
 * have room for DH_CHECK_MAX_CERTS; 0, or -1 with err set
 */
int dh_decform_parse_check(const char *text, size_t len, danehop_decision **holder, const unsigned char **der,
                           size_t *derlen, size_t *n, char *err, size_t errlen);
/* dh_decform_render_verdict - v as text onto b; 0, or -1 when b ran out */
int dh_decform_render_verdict(const danehop_verdict *v, dh_buf *b);
/*
 * dh_decform_parse_verdict - a verdict into *out; 0, or -1 with err set
 * (also for a control character in its reason or peer name: they end up
 * in log lines)
 */
int dh_decform_parse_verdict(const char *text, size_t len, danehop_verdict **out, char *err, size_t errlen);

#endif
