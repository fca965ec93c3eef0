/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * verdict.c - the outcome of one certificate chain check (verdict.h)
 *
 *   Apart from the check itself (verify.c), so that a process that has
 *   danehopd check its chains links no OpenSSL.
 */
#include "verdict.h"

#include <stdlib.h>

danehop_verdict *dh_verdict_new(void)
{
    danehop_verdict *v = calloc(1, sizeof(*v));

    if (v != NULL)
        v->usage = v->selector = v->mtype = v->depth = -1;
    return v;
}

int danehop_verdict_authenticated(const danehop_verdict *v) { return v->authenticated; }
const char *danehop_verdict_reason(const danehop_verdict *v) { return v->reason; }
const char *danehop_verdict_peername(const danehop_verdict *v) { return *v->peername ? v->peername : NULL; }

int danehop_verdict_match(const danehop_verdict *v, int *usage, int *selector, int *mtype, int *depth)
{
    if (!v->authenticated || v->depth < 0)
        return -1;
    *usage = v->usage;
    *selector = v->selector;
    *mtype = v->mtype;
    *depth = v->depth;
    return 0;
}

void danehop_verdict_free(danehop_verdict *v) { free(v); }
