/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * transport.h - where questions leave for libunbound and answers come back
 *
 * SYNOPSIS
 *   #include "transport.h"
 *
 *   int dh_transport_send(struct ub_ctx *ub, const char *name, int qtype,
 *                         void *data, dh_transport_cb cb, int *id);
 *   int dh_transport_fd(struct ub_ctx *ub);
 *   int dh_transport_process(struct ub_ctx *ub);
 *   int dh_transport_cancel(struct ub_ctx *ub, int id);
 *   void dh_transport_hint(struct ub_ctx *ub, const char *name, int qtype, void *data, dh_transport_cb cb);
 *   void dh_transport_delete(struct ub_ctx *ub);
 *   int dh_transport_probe_open(const char *forwarder);
 *
 * DESCRIPTION
 *   The calls query.c makes to move DNS questions and answers, and
 *   nothing else: dh_transport_send() hands one question (class IN) to the
 *   resolver, cb(data, err, result) later delivers libunbound's verdict
 *   from inside dh_transport_process(), which runs whenever the descriptor
 *   of dh_transport_fd() is readable; dh_transport_cancel() withdraws a
 *   question whose answer is no longer wanted; dh_transport_delete() ends the
 *   context, after which no answer arrives. They mean exactly what
 *   ub_resolve_async(), ub_process(), ub_fd(), ub_cancel() and
 *   ub_ctx_delete() mean.
 *   dh_transport_hint() asks a question only to warm libunbound's cache
 *   (prefetch.c): no decision reads its answer, so the harness makes it
 *   a no-op.
 *
 *   This is the link seam of the DNS-answer harness (tests/harness/): the
 *   test program defines these functions itself and so replays canned
 *   answers through the unchanged engine. transport.o is then never pulled
 *   from the convenience archive. Production binaries have no other
 *   transport and no switch to select one: the seam exists only at link
 *   time, and the shared library exports none of it (danehop_* only).
 */
#ifndef DANEHOP_TRANSPORT_H
#define DANEHOP_TRANSPORT_H

struct ub_ctx;
struct ub_result;

/* the same shape as libunbound's ub_callback_type */
typedef void (*dh_transport_cb)(void *data, int err, struct ub_result *result);

int dh_transport_send(struct ub_ctx *ub, const char *name, int qtype, void *data, dh_transport_cb cb,
                      int *id);
int dh_transport_fd(struct ub_ctx *ub);
int dh_transport_process(struct ub_ctx *ub);
int dh_transport_cancel(struct ub_ctx *ub, int id);
void dh_transport_hint(struct ub_ctx *ub, const char *name, int qtype, void *data, dh_transport_cb cb);
/*
 * dh_transport_delete - ub_ctx_delete(): answers still owed for ub never
 * arrive after it (the harness drops its in-flight answers for ub)
 */
void dh_transport_delete(struct ub_ctx *ub);
/*
 * dh_transport_probe_open - a non-blocking UDP socket connected to
 * forwarder ("ADDR" or "ADDR@PORT", as libunbound takes it) for the chain
 * probe (chainprobe.c); -1 when there is none. The harness has none.
 */
int dh_transport_probe_open(const char *forwarder);

#endif
