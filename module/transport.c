/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * transport.c - questions to libunbound, answers back (the real transport)
 *
 * DESCRIPTION
 *   Thin on purpose: every call is libunbound's own, so the DNS-answer
 *   harness can replace this file at link time and exercise everything
 *   above it (see transport.h). Nothing here may decide anything.
 */
#include "transport.h"

#include <stddef.h>
#include <unbound.h>

int dh_transport_send(struct ub_ctx *ub, const char *name, int qtype, void *data, dh_transport_cb cb, int *id)
{
    return ub_resolve_async(ub, name, qtype, 1 /* IN */, data, cb, id);
}

int dh_transport_fd(struct ub_ctx *ub) { return ub_fd(ub); }

int dh_transport_process(struct ub_ctx *ub) { return ub_process(ub); }

int dh_transport_cancel(struct ub_ctx *ub, int id) { return ub_cancel(ub, id); }

void dh_transport_hint(struct ub_ctx *ub, const char *name, int qtype, void *data, dh_transport_cb cb)
{
    (void) ub_resolve_async(ub, name, qtype, 1 /* IN */, data, cb, NULL);
}

void dh_transport_delete(struct ub_ctx *ub) { ub_ctx_delete(ub); }
