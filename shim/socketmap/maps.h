/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * maps.h - the socketmap maps danehopd answers
 *
 *   tlspolicy  key: next-hop as Postfix gives it (domain, domain:port,
 *              domain:service, [host], [host]:port, [host]:service, [ip],
 *              [ip]:port); reply in Postfix TLS policy syntax
 *   decision   key: domain or domain:port; the whole decision as key=value
 *   host       key: domain:host:port (domain may be empty); one host
 *   decision-v1  key: policy flags port domain host; the decision as
 *              module/decform.h's text (for the library's daemon = mode)
 *   verify-v1  key: a chain check (module/decform.h); the verdict, for a
 *              client that links no OpenSSL (module/client.c)
 */
#ifndef DANEHOP_MAPS_H
#define DANEHOP_MAPS_H

#include <stddef.h>

#include "danehop.h"

/* the largest reply Postfix accepts by default (socketmap_max_reply_size) */
#define MAP_MAX_REPLY 100000

typedef struct map_options {
    int fingerprint; /* answer pure "3 1 1" sets with "fingerprint match=" */
    /* given every decision a lookup gets; NULL: log it (danehop_log_decision) */
    void (*decided)(danehop_ctx *ctx, danehop_decision *d);
    /* called for every chain check answered from the verdict table; may be NULL */
    void (*rechecked)(void);
} map_options;

/*
 * map_lookup - answer one request ("<map> <key>") into reply (at most
 * MAP_MAX_REPLY bytes, NUL-terminated): "OK data", "NOTFOUND ",
 * "TEMP reason", "TIMEOUT reason" or "PERM reason".
 */
void map_lookup(danehop_ctx *ctx, const map_options *opt, const char *req, size_t len, char *reply);

/*
 * map_lookup_cached - map_lookup() where it cannot wait: a malformed
 * request, a decision-v1 whose decision the cache holds and that was
 * logged already, or a verify-v1 the verdict table answers. 1 with reply
 * set, or 0: nothing written, the request needs map_lookup() in a worker.
 */
int map_lookup_cached(danehop_ctx *ctx, const map_options *opt, const char *req, size_t len, char *reply);

#endif
