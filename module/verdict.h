/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * verdict.h - the outcome of one certificate chain check
 *
 * SYNOPSIS
 *   #include "verdict.h"
 *
 *   danehop_verdict *dh_verdict_new(void);
 *
 * DESCRIPTION
 *   What danehop_verify() found (verify.c, with OpenSSL) or what danehopd
 *   answered for a chain it checked (client.c, with no OpenSSL in the
 *   process): whether the chain is authenticated, which TLSA record
 *   matched at which depth, the name that matched, and why. The accessors
 *   are danehop.h's danehop_verdict_*.
 */
#ifndef DANEHOP_VERDICT_H
#define DANEHOP_VERDICT_H

#include "danehop.h"

struct danehop_verdict {
    int authenticated;
    int usage, selector, mtype, depth; /* -1: no record matched */
    char reason[512];
    char peername[256];
};

/* dh_verdict_new - a verdict of "not authenticated, nothing matched", or NULL */
danehop_verdict *dh_verdict_new(void);

#endif
