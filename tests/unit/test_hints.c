/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_hints.c - the hint table of prefetch.c: which names a context asks
 * ahead, and when it asks them again
 *
 * The transport is replaced at link time (as tests/harness/replay.c does):
 * dh_transport_hint() here records what would have been asked, so a
 * context is only an address and the checks do not depend on where malloc
 * puts the next libunbound context. The case that matters is danehopd's
 * reload: a new context at a deleted one's address has an empty cache and
 * must be hinted again.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unbound.h>

#include "prefetch.h"
#include "resolver.h"
#include "tap.h"
#include "transport.h"

static size_t nhints;

void dh_transport_hint(struct ub_ctx *ub, const char *name, int qtype, void *data, dh_transport_cb cb)
{
    (void) ub, (void) name, (void) qtype, (void) data, (void) cb;
    nhints++;
}

int dh_transport_send(struct ub_ctx *ub, const char *name, int qtype, void *data, dh_transport_cb cb, int *id)
{
    (void) ub, (void) name, (void) qtype, (void) data, (void) cb, (void) id;
    return -1;
}

int dh_transport_fd(struct ub_ctx *ub)
{
    (void) ub;
    return -1;
}

int dh_transport_process(struct ub_ctx *ub)
{
    (void) ub;
    return 0;
}

int dh_transport_cancel(struct ub_ctx *ub, int id)
{
    (void) ub, (void) id;
    return 0;
}

void dh_transport_delete(struct ub_ctx *ub) { ub_ctx_delete(ub); }

/* no probe: hints are then never held back as "near" */
int dh_transport_probe_open(const char *forwarder)
{
    (void) forwarder;
    return -1;
}

/* asked - how many hints one address question for name on ub sends */
static size_t asked(uintptr_t ub, const char *name)
{
    nhints = 0;
    dh_prefetch_question((struct ub_ctx *) ub, NULL, name, 1 /* A */);
    return nhints;
}

int main(void)
{
    /* never dereferenced by prefetch.c: only the key and the transport's */
    const uintptr_t a = 0x1000, b = 0x2000;
    size_t first;
    dh_settings s;
    char err[256];
    dh_resolver *r;

    first = asked(a, "mx.example.org");
    ok(first >= 5, "a new context: the host's zone keys and TLSA (%zu hints)", first);
    is_int((int) asked(a, "mx.example.org"), 0, "the same context again: nothing (the table remembers)");
    ok(asked(a, "mx2.example.org") > 0 && asked(a, "mx2.example.org") == 0,
       "another host of the zone: its own names once");
    is_int((int) asked(b, "mx.example.org"), (int) first,
           "another context: all of them, its cache is its own");
    dh_prefetch_forget();
    is_int((int) asked(a, "mx.example.org"), (int) first, "after a context is deleted: all of them again");
    is_int((int) asked(a, "mx.example.org"), 0, "and remembered again");

    /* a resolver's deletion is such a deletion: its address may come back */
    dh_settings_init(&s);
    s.trust_anchor = (char *) "/dev/null";
    s.forwarders[s.nforwarders++] = (char *) "127.0.0.1";
    r = dh_resolver_new(&s, err, sizeof(err));
    ok(r != NULL, "a resolver (%s)", r ? "made" : err);
    if (r != NULL) {
        uintptr_t at = (uintptr_t) r->ub;

        ok(asked(at, "mx.example.org") == first && asked(at, "mx.example.org") == 0,
           "its context hints once");
        dh_resolver_free(r);
        is_int((int) asked(at, "mx.example.org"), (int) first,
               "a context made at the freed one's address hints again");
    }
    return done_testing();
}
