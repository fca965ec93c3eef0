/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * NAME
 *   chainprobe.h - the forwarder's whole CNAME chain, as names to hint
 *
 * SYNOPSIS
 *   #include "chainprobe.h"
 *
 *   dh_probe *dh_probe_new(const char *forwarder);
 *   dh_probe *dh_probe_for(const dh_settings *s);
 *   void dh_probe_free(dh_probe *p);
 *   int dh_probe_fd(const dh_probe *p);
 *   void dh_probe_ask(dh_probe *p, const char *name);
 *   int dh_probe_take(dh_probe *p, dh_chain *chain);
 *   int dh_probe_parse(const uint8_t *pkt, size_t len, unsigned id,
 *                      const char *qname, dh_chain *chain);
 *
 * DESCRIPTION
 *   See chainprobe.c.
 */
#ifndef DANEHOP_CHAINPROBE_H
#define DANEHOP_CHAINPROBE_H

#include <stddef.h>
#include <stdint.h>

#include "settings.h"
#include "wire.h"

typedef struct dh_probe dh_probe;

/* dh_probe_new - a probe to "ADDR" or "ADDR@PORT"; NULL when none can be had */
dh_probe *dh_probe_new(const char *forwarder);
/* dh_probe_for - a probe to the first forwarder libunbound uses with s, or NULL */
dh_probe *dh_probe_for(const dh_settings *s);
void dh_probe_free(dh_probe *p);
/* dh_probe_fd - the descriptor to poll for answers, or -1 (p NULL) */
int dh_probe_fd(const dh_probe *p);
/* dh_probe_ask - send an address question for name (nothing when p is NULL) */
void dh_probe_ask(dh_probe *p, const char *name);
/*
 * dh_probe_take - read one waiting answer without blocking: 1 with the CNAME
 * chain it shows (at least one alias), 0 for an answer of no use, -1 when
 * nothing more is waiting
 */
int dh_probe_take(dh_probe *p, dh_chain *chain);
/* dh_probe_parse - the chain in pkt when it answers id/qname/A/IN; 1, 0 or -1 (not it) */
int dh_probe_parse(const uint8_t *pkt, size_t len, unsigned id, const char *qname, dh_chain *chain);

#endif
