/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * discover.h - danehop_resolve() (danehop.h) and its cache-only twin
 *
 * SYNOPSIS
 *   #include "discover.h"
 *
 *   int dh_resolve_cached(danehop_ctx *ctx, const char *domain, const char *host, unsigned port,
 *                         danehop_policy policy, unsigned flags, danehop_decision **out);
 *
 * DESCRIPTION
 *   dh_resolve_cached() is danehop_resolve() answered from the context's
 *   decision cache alone: no DNS query, no daemon, no reading of a watched
 *   danehop.conf (a context that watches one always gets 0): nothing that
 *   waits. It
 *   is for a caller that must not block (danehopd's event loop answers a
 *   cached decision there, and hands everything else to its workers).
 *
 * RETURN VALUE
 *   1 and *out (the caller frees it) when the cache holds the decision; 0
 *   otherwise, also for a request danehop_resolve() would refuse: the
 *   caller then asks danehop_resolve(), which says why.
 */
#ifndef DANEHOP_DISCOVER_H
#define DANEHOP_DISCOVER_H

#include "danehop.h"

int dh_resolve_cached(danehop_ctx *ctx, const char *domain, const char *host, unsigned port,
                      danehop_policy policy, unsigned flags, danehop_decision **out);

#endif
