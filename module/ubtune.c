/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * NAME
 *   ubtune.c - libunbound options that cut a fresh process's round trips
 *
 * SYNOPSIS
 *   #include "ubtune.h"
 *
 *   void dh_ubtune(struct ub_ctx *ub, int recursing);
 *
 * DESCRIPTION
 *   An MTA that forks per delivery (Exim) starts every decision with an
 *   empty libunbound cache, so every sequential query is paid again. These
 *   options were chosen from the delay proxy's log (bench/run.sh); none of
 *   them lets an answer through that validation would refuse:
 *
 *   trust-anchor-signaling: no
 *       the RFC 8145 key-tag query (_ta-XXXX) only tells the forwarder
 *       which trust anchor we hold; no validation uses its answer.
 *
 *   prefetch-key: yes
 *       a DS seen by the validator starts the DNSKEY fetch of that zone at
 *       once instead of after the DS is checked.
 *
 *   aggressive-nsec: yes
 *       proofs of non-existence already validated answer later questions
 *       they cover without a query (RFC 8198; the default of newer
 *       versions, set here for older ones).
 *
 *   val-max-restart: 0
 *       libunbound refetches a bogus answer up to 5 more times by default,
 *       one round trip each, hoping another server has a good copy.
 *       danehop's forwarders are validating caches that hand back the same
 *       copy, so the refetches only delay the verdict (libunbound still
 *       fetches once more with the keys refreshed). Fewer refetches can
 *       only turn an answer bogus, never bogus into secure: the decision
 *       then defers (fails closed) and the MTA's queue is the retry.
 *       Not set when danehop recurses itself (recursing): there a refetch
 *       may reach another authoritative server of the zone, and one stale
 *       server must not hold a domain's mail until the next queue run.
 *
 *   outgoing-range: 64
 *       the library's default is 16 queries in flight at once
 *       (util/config_file.c, config_create_forlib); the zone keys and CNAME
 *       hops that prefetch.c asks in one go exceed that, and every query
 *       past the 16th waits for one of them to be answered: a round trip.
 *       The sockets are opened as queries leave, never ahead.
 *
 *   Options this libunbound does not know are skipped: they only cost
 *   time, and an older library validates the same way without them.
 */
#include "ubtune.h"

#include <stddef.h>
#include <unbound.h>

void dh_ubtune(struct ub_ctx *ub, int recursing)
{
    static const char *const opts[][2] = {
        {"trust-anchor-signaling:", "no"}, {"prefetch-key:", "yes"},  {"aggressive-nsec:", "yes"},
        {"val-max-restart:", "0"},         {"outgoing-range:", "64"},
    };
    size_t i;

    for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
        if (recursing && opts[i][0][0] == 'v')
            continue; /* val-max-restart: see above */
        (void) ub_ctx_set_option(ub, opts[i][0], opts[i][1]);
    }
}
