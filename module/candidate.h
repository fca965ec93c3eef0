/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * candidate.h - TLSA lookup at the candidate base domains and the outcome
 * (RFC 7672 sections 2.2.3, 3.1, 3.2.2; tables C and D of the design notes)
 *
 * The first candidate with a secure TLSA RRset becomes the base domain: a
 * usable record means "dane", none usable means "encrypt". An error at any
 * candidate stops the search: the host is unusable, and later candidates
 * are not consulted. Insecure or denied TLSA moves on to the next candidate.
 */
#ifndef DANEHOP_CANDIDATE_H
#define DANEHOP_CANDIDATE_H

#include "walk.h"

/* dh_candidate_queue - add the TLSA-round questions for w to b */
int dh_candidate_queue(dh_host_work *w, dh_batch *b, unsigned port);
/* dh_candidate_decide - read the answers and set w->out's outcome */
void dh_candidate_decide(danehop_decision *d, dh_host_work *w, const dh_batch *b);

#endif
