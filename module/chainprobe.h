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
 *   void dh_probe_drop(dh_probe *p);
 *   int dh_probe_fd(const dh_probe *p);
 *   void dh_probe_ask(dh_probe *p, const char *name, int qtype);
 *   int dh_probe_take(dh_probe *p, dh_probe_answer *a);
 *   int dh_probe_near(const dh_probe *p);
 *   int dh_probe_parse(const uint8_t *pkt, size_t len, unsigned id,
 *                      const char *qname, int qtype, dh_probe_answer *a);
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

#include "name.h"

#define DH_PROBE_MX 16 /* exchanges read from an MX answer, at most */
/* an answer faster than this: the forwarder has it cached, hints cost more than they save */
#define DH_PROBE_NEAR_US 2000

typedef struct dh_probe dh_probe;

/* what a probe's answer shows: names only, never records to decide on */
typedef struct dh_probe_answer {
    int qtype;      /* of the question: 1 (A) or 15 (MX) */
    dh_chain chain; /* the CNAME chain from the name asked */
    size_t nmx;
    char mx[DH_PROBE_MX][DH_NAME_BUF]; /* MX: the exchanges */
} dh_probe_answer;

/* dh_probe_new - a probe to "ADDR" or "ADDR@PORT"; NULL when none can be had */
dh_probe *dh_probe_new(const char *forwarder);
/* dh_probe_for - a probe to the first forwarder libunbound uses with s, or NULL */
dh_probe *dh_probe_for(const dh_settings *s);
void dh_probe_free(dh_probe *p);
/* dh_probe_drop - a forked child's copy of its parent's probe: socket closed, memory freed */
void dh_probe_drop(dh_probe *p);
/* dh_probe_fd - the descriptor to poll for answers, or -1 (p NULL) */
int dh_probe_fd(const dh_probe *p);
/* dh_probe_ask - send an A or MX question for name (nothing when p is NULL) */
void dh_probe_ask(dh_probe *p, const char *name, int qtype);
/*
 * dh_probe_take - read one waiting answer without blocking: 1 when it shows
 * something (A: at least one alias; MX: an exchange), 0 for an answer of no
 * use, -1 when nothing more is waiting
 */
int dh_probe_take(dh_probe *p, dh_probe_answer *a);
/* dh_probe_near - whether the last answer came back within DH_PROBE_NEAR_US (0 before any, or p NULL) */
int dh_probe_near(const dh_probe *p);
/* dh_probe_parse - what pkt shows when it answers id/qname/qtype/IN; 1, 0 or -1 (not it) */
int dh_probe_parse(const uint8_t *pkt, size_t len, unsigned id, const char *qname, int qtype,
                   dh_probe_answer *a);

#endif
