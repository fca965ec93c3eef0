/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * replay.h - canned libunbound answers for the DNS-answer harness
 *
 * SYNOPSIS
 *   #include "replay.h"
 *
 *   rp_answer *rp_script(void);
 *   int rp_answer_parse(rp_answer *a, const char *line, char *err, size_t errlen);
 *   void rp_reset(void);
 *
 * DESCRIPTION
 *   A script is a list of answers, one per (name, type) question, each with
 *   the verdict libunbound would give it: secure, insecure, bogus,
 *   servfail, refused, timeout, late (see below), or failed (the resolver
 *   itself). From it,
 *   replay.c builds what libunbound hands the callback: a struct
 *   ub_result with real wire rdata, canonname, rcode and flags, and a real
 *   DNS response packet carrying the CNAME chain.
 *
 *   replay.c also defines the transport of module/transport.h, so the test
 *   program links it instead of libunbound's: questions reach the script,
 *   answers come back through the engine's own callback, in the engine's
 *   own wait loop (or, with rp_sync set, at once from inside the send,
 *   the path another thread's ub_process() takes).
 *
 *   A question the script does not answer is recorded as unscripted and
 *   answered REFUSED, so a test can tell the engine asked something the
 *   scenario did not foresee.
 */
#ifndef DANEHOP_REPLAY_H
#define DANEHOP_REPLAY_H

#include <stddef.h>
#include <stdint.h>

#define RP_MAX_ANSWERS 64
#define RP_MAX_RR      24
#define RP_MAX_CHAIN   16
#define RP_NAME        256
#define RP_RDATA       600
#define RP_MAX_ASKED   256

/*
 * RP_TIMEOUT: never answered, cancelled at the deadline. RP_LATE: not
 * answered in time either, but too late to cancel (already in libunbound's
 * pipe): the answer reaches the engine's callback after the batch gave up,
 * at the next question sent. Its data is that of a secure answer.
 */
typedef enum {
    RP_SECURE,
    RP_INSECURE,
    RP_BOGUS,
    RP_SERVFAIL,
    RP_REFUSED,
    RP_TIMEOUT,
    RP_LATE,
    RP_FAILED
} rp_status;
typedef enum { RP_DATA, RP_NODATA, RP_NXDOMAIN } rp_shape;

typedef struct rp_answer {
    char qname[RP_NAME];
    int qtype;
    rp_status status;
    rp_shape shape;
    size_t nchain; /* CNAME targets after qname, as in the answer packet */
    char chain[RP_MAX_CHAIN][RP_NAME];
    size_t nrr; /* records of the final name */
    uint8_t rr[RP_MAX_RR][RP_RDATA];
    size_t rrlen[RP_MAX_RR];
} rp_answer;

typedef struct rp_question {
    char qname[RP_NAME];
    int qtype;
    int scripted;
} rp_question;

/* rp_late_delivered - late answers that reached the engine after its deadline */
extern unsigned rp_late_delivered;

/* rp_sync - deliver answers from inside the send instead of the wait loop */
extern int rp_sync;

/* rp_reset - forget the script, the questions and anything in flight */
void rp_reset(void);
/* rp_script - a new empty answer at the end of the script, or NULL when full */
rp_answer *rp_script(void);
/*
 * rp_answer_parse - "NAME TYPE STATUS [via A,B,...] (nodata | nxdomain |
 * RDATA[, RDATA...])" into a; -1 with err set when malformed
 */
int rp_answer_parse(rp_answer *a, const char *line, char *err, size_t errlen);
/* rp_type - "MX" -> 15; -1 when unknown */
int rp_type(const char *name);
/* rp_has - whether the script answers (name, type) */
int rp_has(const char *qname, int qtype);
/* rp_has_timeout - whether any scripted answer is a timeout or late */
int rp_has_timeout(void);
/* rp_questions - the questions asked since rp_reset, in order */
const rp_question *rp_questions(size_t *n);

#endif
