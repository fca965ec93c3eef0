/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * prefetch.h - zone keys asked in parallel before the validator needs them
 *
 * SYNOPSIS
 *   #include "prefetch.h"
 *
 *   void dh_prefetch_question(struct ub_ctx *ub, dh_probe *probe, const char *name, int qtype);
 *   void dh_prefetch_answer(struct ub_ctx *ub, dh_probe *probe, const struct ub_result *res);
 *   void dh_prefetch_chain(struct ub_ctx *ub, const dh_chain *chain);
 *   void dh_prefetch_probe(struct ub_ctx *ub, dh_probe *probe, const dh_probe_answer *a);
 *   void dh_prefetch_forget(void);
 *
 * DESCRIPTION
 *   Hints that warm libunbound's cache before its validator needs them:
 *   dh_prefetch_question(), called as a question leaves, asks for the DS
 *   and DNSKEY RRsets of every ancestor of name (and, for an address
 *   question, the host's TLSA RRset) all at once; dh_prefetch_answer(),
 *   called with every answer, chases a CNAME answer's target the same way;
 *   an address or MX question also goes to the chain probe (chainprobe.c,
 *   may be NULL); dh_prefetch_probe(), called with what a probe's answer
 *   shows, asks for every hop of a chain at once (dh_prefetch_chain) or,
 *   for an MX answer, what the next round will ask of every exchange.
 *   Their answers are validated by libunbound like any other and never
 *   read by a decision; a failure changes nothing. No new hint leaves
 *   from a question, an answer or a probe answer while the probe's last
 *   answer came back at once (dh_probe_near). dh_prefetch_forget(),
 *   called when a context is deleted, forgets every name hinted so far:
 *   the next context may have the deleted one's address, but not its cache.
 */
#ifndef DANEHOP_PREFETCH_H
#define DANEHOP_PREFETCH_H

#include "chainprobe.h"

struct ub_ctx;
struct ub_result;

void dh_prefetch_question(struct ub_ctx *ub, dh_probe *probe, const char *name, int qtype);
void dh_prefetch_answer(struct ub_ctx *ub, dh_probe *probe, const struct ub_result *res);
void dh_prefetch_chain(struct ub_ctx *ub, const dh_chain *chain);
void dh_prefetch_probe(struct ub_ctx *ub, dh_probe *probe, const dh_probe_answer *a);
void dh_prefetch_forget(void);

#endif
