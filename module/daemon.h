/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * daemon.h - decisions from a running danehopd (danehop.conf "daemon =")
 *
 * SYNOPSIS
 *   int dh_daemon_ok(const char *addr);
 *   int dh_daemon_decide(const char *addr, unsigned timeout_ms, const char *domain,
 *                        const char *host, unsigned port, danehop_policy policy,
 *                        unsigned flags, danehop_decision **out);
 *   int dh_daemon_verify(const char *addr, unsigned timeout_ms, const danehop_host *h,
 *                        const unsigned char *const *der, const size_t *len, size_t n,
 *                        danehop_verdict **out);
 */
#ifndef DANEHOP_DAEMON_H
#define DANEHOP_DAEMON_H

#include "danehop.h"

#define DH_DAEMON_ADDR_MAX 107 /* sun_path less its NUL */

/* dh_daemon_ok - 1 for "unix:/absolute/path" that fits a unix socket address */
int dh_daemon_ok(const char *addr);
/*
 * dh_daemon_decide - one request to the daemon at addr, all within
 * timeout_ms; 0 and *out, or -1 with the context error set (dh_fail)
 */
int dh_daemon_decide(const char *addr, unsigned timeout_ms, const char *domain, const char *host,
                     unsigned port, danehop_policy policy, unsigned flags, danehop_decision **out);
/*
 * dh_daemon_verify - have the daemon check a chain (DER, leaf first)
 * against h's TLSA records and names (verify-v1): 0 and *out, whatever the
 * verdict, or -1 with the context error set when there is none
 */
int dh_daemon_verify(const char *addr, unsigned timeout_ms, const danehop_host *h,
                     const unsigned char *const *der, const size_t *len, size_t n, danehop_verdict **out);

#endif
